/* vessel-storage.c - VesselStoragePool: lookup, lifecycle, XML, info,
 * and the volumes of a pool (org.vessel.StoragePool1). */
#include "config.h"

#include <gio/gunixfdlist.h>
#include <string.h>

#include "i18n.h"
#include "vessel-private.h"

#define POOL_SIZE sizeof(VesselStoragePool)

VesselStoragePool *vessel_storage_pool_ref(VesselStoragePool *pool)
{
    vessel_object_ref(&pool->obj);
    return pool;
}

void vessel_storage_pool_unref(VesselStoragePool *pool)
{
    vessel_object_unref(pool ? &pool->obj : NULL);
}

void vessel_storage_pool_record_free(VesselStoragePoolRecord *rec)
{
    if (!rec)
        return;
    vessel_storage_pool_unref(rec->pool);
    g_free(rec);
}

void vessel_storage_vol_free(VesselStorageVol *vol)
{
    if (!vol)
        return;
    g_free(vol->name);
    g_free(vol->path);
    g_free(vol->format);
    g_free(vol);
}

GPtrArray *vessel_connect_list_storage_pool_records(VesselConnect *conn, VesselListFlags flags,
                                                    GError **error)
{
    g_autoptr(GVariant) ret = NULL;
    g_autoptr(GVariantIter) iter = NULL;
    const char *name, *uuid, *path;
    gboolean active, persistent, autostart;

    ret = vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER, "ListStoragePools",
                      g_variant_new("(u)", (guint32)flags), G_VARIANT_TYPE("(a(ssbbbo))"), error);
    if (!ret)
        return NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_storage_pool_record_free);
    g_variant_get(ret, "(a(ssbbbo))", &iter);
    while (g_variant_iter_next(iter, "(&s&sbbb&o)", &name, &uuid, &active, &persistent,
                               &autostart, &path)) {
        VesselStoragePoolRecord *rec = g_new0(VesselStoragePoolRecord, 1);
        rec->pool = vessel_object_new(POOL_SIZE, conn, VESSEL_IFACE_POOL, path, name, uuid);
        rec->active = active;
        rec->persistent = persistent;
        rec->autostart = autostart;
        g_ptr_array_add(list, rec);
    }
    return list;
}

static VesselStoragePool *pool_lookup(VesselConnect *conn, const char *method, GVariant *params,
                                      GError **error)
{
    return vessel_object_lookup(POOL_SIZE, conn, VESSEL_IFACE_POOL, method, params, error);
}

VesselStoragePool *vessel_storage_pool_lookup_by_name(VesselConnect *conn, const char *name,
                                                      GError **error)
{
    if (!vessel_utf8_check(name, "the pool name", error))
        return NULL;
    return pool_lookup(conn, "StoragePoolLookupByName", g_variant_new("(s)", name), error);
}

VesselStoragePool *vessel_storage_pool_lookup_by_uuid(VesselConnect *conn, const char *uuid,
                                                      GError **error)
{
    return pool_lookup(conn, "StoragePoolLookupByUUID", g_variant_new("(s)", uuid), error);
}

VesselStoragePool *vessel_storage_pool_define_xml(VesselConnect *conn, const char *xml,
                                                  GError **error)
{
    if (!vessel_utf8_check(xml, "the pool XML", error))
        return NULL;
    return pool_lookup(conn, "StoragePoolDefineXML", g_variant_new("(su)", xml, 0u), error);
}

VesselStoragePool *vessel_storage_pool_create_xml(VesselConnect *conn, const char *xml,
                                                  GError **error)
{
    if (!vessel_utf8_check(xml, "the pool XML", error))
        return NULL;
    return pool_lookup(conn, "StoragePoolCreateXML", g_variant_new("(su)", xml, 0u), error);
}

VesselStoragePool *vessel_storage_vol_lookup_by_path(VesselConnect *conn, const char *path,
                                                     char **name, GError **error)
{
    g_autoptr(GVariant) ret = vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER,
                                          "StorageVolLookupByPath", g_variant_new("(s)", path),
                                          G_VARIANT_TYPE("(os)"), error);
    const char *pool_path, *vol;
    if (!ret)
        return NULL;
    g_variant_get(ret, "(&o&s)", &pool_path, &vol);
    VesselStoragePool *pool = vessel_object_from_path(POOL_SIZE, conn, VESSEL_IFACE_POOL,
                                                      pool_path, error);
    if (pool && name)
        *name = g_strdup(vol);
    return pool;
}

const char *vessel_storage_pool_get_name(VesselStoragePool *pool)
{
    return pool->obj.name;
}

const char *vessel_storage_pool_get_uuid(VesselStoragePool *pool)
{
    return pool->obj.uuid;
}

gboolean vessel_storage_pool_is_active(VesselStoragePool *pool, gboolean *active, GError **error)
{
    return vessel_object_get_bool(&pool->obj, "Active", active, error);
}

gboolean vessel_storage_pool_is_persistent(VesselStoragePool *pool, gboolean *persistent,
                                           GError **error)
{
    return vessel_object_get_bool(&pool->obj, "Persistent", persistent, error);
}

gboolean vessel_storage_pool_get_autostart(VesselStoragePool *pool, gboolean *autostart,
                                           GError **error)
{
    return vessel_object_get_bool(&pool->obj, "Autostart", autostart, error);
}

static gboolean pool_void(VesselStoragePool *pool, const char *method, GVariant *params,
                          GError **error)
{
    return vessel_object_call_void(&pool->obj, method, params, error);
}

gboolean vessel_storage_pool_build(VesselStoragePool *pool, guint flags, GError **error)
{
    return pool_void(pool, "Build", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_storage_pool_create(VesselStoragePool *pool, guint flags, GError **error)
{
    return pool_void(pool, "Create", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_storage_pool_destroy(VesselStoragePool *pool, GError **error)
{
    return pool_void(pool, "Destroy", NULL, error);
}

gboolean vessel_storage_pool_delete(VesselStoragePool *pool, guint flags, GError **error)
{
    return pool_void(pool, "Delete", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_storage_pool_undefine(VesselStoragePool *pool, GError **error)
{
    return pool_void(pool, "Undefine", NULL, error);
}

gboolean vessel_storage_pool_refresh(VesselStoragePool *pool, guint flags, GError **error)
{
    return pool_void(pool, "Refresh", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_storage_pool_set_autostart(VesselStoragePool *pool, gboolean autostart,
                                           GError **error)
{
    return pool_void(pool, "SetAutostart", g_variant_new("(b)", autostart), error);
}

char *vessel_storage_pool_get_xml_desc(VesselStoragePool *pool, guint flags, GError **error)
{
    return vessel_object_get_xml_desc(&pool->obj, flags, error);
}

gboolean vessel_storage_pool_get_info(VesselStoragePool *pool, VesselStoragePoolInfo *info,
                                      GError **error)
{
    g_autoptr(GVariant) ret = vessel_object_call(&pool->obj, "GetInfo", NULL, "((uttt))", error);
    if (!ret)
        return FALSE;
    g_variant_get(ret, "((uttt))", &info->state, &info->capacity, &info->allocation,
                  &info->available);
    return TRUE;
}

GPtrArray *vessel_storage_pool_list_volumes(VesselStoragePool *pool, GError **error)
{
    g_autoptr(GVariant) ret = vessel_object_call(&pool->obj, "ListVolumes", NULL, "(a(ssitts))",
                                                 error);
    g_autoptr(GVariantIter) iter = NULL;
    VesselStorageVol v = { 0 };
    if (!ret)
        return NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_storage_vol_free);
    g_variant_get(ret, "(a(ssitts))", &iter);
    while (g_variant_iter_next(iter, "(ssitts)", &v.name, &v.path, &v.type, &v.capacity,
                               &v.allocation, &v.format))
        g_ptr_array_add(list, g_memdup2(&v, sizeof(v)));
    return list;
}

static char *string_reply(GVariant *ret)
{
    char *s = NULL;
    if (ret) {
        g_variant_get(ret, "(s)", &s);
        g_variant_unref(ret);
    }
    return s;
}

char *vessel_storage_pool_create_volume(VesselStoragePool *pool, const char *xml, guint flags,
                                        GError **error)
{
    if (!vessel_utf8_check(xml, "the volume XML", error))
        return NULL;
    return string_reply(vessel_object_call(&pool->obj, "CreateVolume",
                                           g_variant_new("(su)", xml, (guint32)flags), "(s)",
                                           error));
}

char *vessel_storage_pool_create_volume_from(VesselStoragePool *pool, const char *xml,
                                             VesselStoragePool *src_pool, const char *src_name,
                                             guint flags, GError **error)
{
    if (!vessel_utf8_check(xml, "the volume XML", error))
        return NULL;
    return string_reply(vessel_object_call(&pool->obj, "CreateVolumeFrom",
                                           g_variant_new("(sosu)", xml, src_pool->obj.path,
                                                         src_name, (guint32)flags),
                                           "(s)", error));
}

char *vessel_storage_pool_get_volume_xml_desc(VesselStoragePool *pool, const char *name,
                                              guint flags, GError **error)
{
    return string_reply(vessel_object_call(&pool->obj, "GetVolumeXMLDesc",
                                           g_variant_new("(su)", name, (guint32)flags), "(s)",
                                           error));
}

VesselStorageVol *vessel_storage_pool_get_volume_info(VesselStoragePool *pool, const char *name,
                                                      GError **error)
{
    g_autoptr(GVariant) ret = vessel_object_call(&pool->obj, "GetVolumeInfo",
                                                 g_variant_new("(s)", name), "((itts))", error);
    if (!ret)
        return NULL;
    VesselStorageVol *v = g_new0(VesselStorageVol, 1);
    g_variant_get(ret, "((itts))", &v->type, &v->capacity, &v->allocation, &v->path);
    v->name = g_strdup(name);
    return v;
}

gboolean vessel_storage_pool_resize_volume(VesselStoragePool *pool, const char *name,
                                           guint64 capacity, guint flags, GError **error)
{
    return pool_void(pool, "ResizeVolume",
                     g_variant_new("(stu)", name, capacity, (guint32)flags), error);
}

gboolean vessel_storage_pool_wipe_volume(VesselStoragePool *pool, const char *name,
                                         guint algorithm, GError **error)
{
    return pool_void(pool, "WipeVolume", g_variant_new("(su)", name, (guint32)algorithm), error);
}

gboolean vessel_storage_pool_delete_volume(VesselStoragePool *pool, const char *name,
                                           guint flags, GError **error)
{
    return pool_void(pool, "DeleteVolume", g_variant_new("(su)", name, (guint32)flags), error);
}

static int stream_call(VesselStoragePool *pool, const char *method, const char *name,
                       guint64 offset, guint64 length, guint flags, GError **error)
{
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) ret = g_dbus_connection_call_with_unix_fd_list_sync(
        pool->obj.conn->bus, NULL, pool->obj.path, VESSEL_IFACE_POOL, method,
        g_variant_new("(sttu)", name, offset, length, (guint32)flags), G_VARIANT_TYPE("(h)"),
        G_DBUS_CALL_FLAGS_NONE, -1, NULL, &fds, NULL, error);
    gint32 index;
    if (!ret) {
        vessel_error_map(error);
        return -1;
    }
    g_variant_get(ret, "(h)", &index);
    if (!fds || index < 0 || index >= g_unix_fd_list_get_length(fds)) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED, "%s",
                    _("daemon returned no stream file descriptor"));
        return -1;
    }
    int fd = g_unix_fd_list_get(fds, index, error);
    if (fd < 0)
        vessel_error_map(error);
    return fd;
}

int vessel_storage_pool_upload_volume(VesselStoragePool *pool, const char *name, guint64 offset,
                                      guint64 length, guint flags, GError **error)
{
    return stream_call(pool, "UploadVolume", name, offset, length, flags, error);
}

int vessel_storage_pool_download_volume(VesselStoragePool *pool, const char *name,
                                        guint64 offset, guint64 length, guint flags,
                                        GError **error)
{
    return stream_call(pool, "DownloadVolume", name, offset, length, flags, error);
}
