/* methods_pool.c - org.vessel.StoragePool1 (method table and properties)
 * and the storage methods of org.vessel.Manager1 (methods_pool.h). */
#include "config.h"

#include <unistd.h>

#include "daemon_dbus.h"
#include "daemon_error.h"
#include "i18n.h"
#include "method_flags.h"
#include "methods_pool.h"
#include "pool_driver.h"
#include "vol_driver.h"
#include "vol_stream.h"

static StoragePoolObj *call_pool(Daemon *d, const char *node, GError **error)
{
    pool_list_lock(d->pools);
    StoragePoolObj *pool = pool_list_find_path_node(d->pools, node);
    if (pool)
        pool_obj_ref(pool);
    pool_list_unlock(d->pools);
    if (!pool)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: no storage pool with matching uuid '%s'"),
                    node ? node : "");
    return pool;
}

#define POOL_OR_FAIL(call, error)                                                      \
    g_autoptr(StoragePoolObj) pool = call_pool((call)->daemon, (call)->node, error);   \
    if (!pool)                                                                         \
        return NULL

#define ACTIVE_POOL_OR_FAIL(call, error)                          \
    POOL_OR_FAIL(call, error);                                    \
    if (!pool_driver_check_active((call)->daemon, pool, error))   \
        return NULL

METHOD_NO_FLAGS(m_build, POOL_OR_FAIL, pool, pool_driver_build)

METHOD_NO_FLAGS(m_create, POOL_OR_FAIL, pool, pool_driver_start)

METHOD_NO_ARGS(m_destroy, POOL_OR_FAIL, pool, pool_driver_destroy)

METHOD_NO_ARGS(m_undefine, POOL_OR_FAIL, pool, pool_driver_undefine)

METHOD_NO_FLAGS(m_delete, POOL_OR_FAIL, pool, pool_driver_delete)

static GVariant *m_set_autostart(DaemonCall *call, GError **error)
{
    POOL_OR_FAIL(call, error);
    gboolean on;
    g_variant_get(call->params, "(b)", &on);
    pool_driver_set_autostart(call->daemon, pool, on, error);
    return NULL;
}

METHOD_NO_FLAGS(m_refresh, POOL_OR_FAIL, pool, pool_driver_refresh)

static GVariant *m_get_xml(DaemonCall *call, GError **error)
{
    POOL_OR_FAIL(call, error);
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    if (!method_flags_check(flags, 1, error))
        return NULL;
    g_autofree char *xml = pool_driver_xml(call->daemon, pool, flags & 1);
    return g_variant_new("(s)", xml);
}

static GVariant *m_get_info(DaemonCall *call, GError **error)
{
    POOL_OR_FAIL(call, error);
    guint state;
    StoragePoolSizes s;
    pool_driver_info(call->daemon, pool, &state, &s);
    return g_variant_new("((uttt))", state, s.capacity, s.allocation, s.available);
}

static GVariant *m_list_volumes(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    g_autoptr(GPtrArray) vols = vol_driver_list(call->daemon, pool, error);
    if (!vols)
        return NULL;
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssitts)"));
    for (guint i = 0; i < vols->len; i++) {
        const VolInfo *v = vols->pdata[i];
        g_variant_builder_add(&b, "(ssitts)", v->name, v->path, v->type, v->capacity,
                              v->allocation, v->format);
    }
    return g_variant_new("(a(ssitts))", &b);
}

static GVariant *name_reply(char *name)
{
    if (!name)
        return NULL;
    GVariant *v = g_variant_new("(s)", name);
    g_free(name);
    return v;
}

static GVariant *m_create_volume(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *xml;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &xml, &flags);
    return name_reply(vol_driver_create(call->daemon, pool, xml, flags, error));
}

static GVariant *m_create_volume_from(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *xml, *src_path, *src_name;
    guint32 flags;
    g_variant_get(call->params, "(&s&o&su)", &xml, &src_path, &src_name, &flags);
    const char *node = strrchr(src_path, '/');
    g_autoptr(StoragePoolObj) src = call_pool(call->daemon, node ? node + 1 : src_path, error);
    if (!src || !pool_driver_check_active(call->daemon, src, error))
        return NULL;
    return name_reply(vol_driver_create_from(call->daemon, pool, xml, src, src_name, flags, error));
}

static GVariant *m_get_volume_xml(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *name;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &name, &flags);
    if (!method_flags_check(flags, 0, error))
        return NULL;
    g_autofree char *xml = vol_driver_xml(call->daemon, pool, name, error);
    return xml ? g_variant_new("(s)", xml) : NULL;
}

static GVariant *m_get_volume_info(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *name;
    g_variant_get(call->params, "(&s)", &name);
    g_autoptr(VolInfo) v = vol_driver_info(call->daemon, pool, name, error);
    return v ? g_variant_new("((itts))", v->type, v->capacity, v->allocation, v->path) : NULL;
}

static GVariant *m_resize_volume(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *name;
    guint64 capacity;
    guint32 flags;
    g_variant_get(call->params, "(&stu)", &name, &capacity, &flags);
    vol_driver_resize(call->daemon, pool, name, capacity, flags, error);
    return NULL;
}

static GVariant *m_wipe_volume(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *name;
    guint32 algorithm;
    g_variant_get(call->params, "(&su)", &name, &algorithm);
    vol_driver_wipe(call->daemon, pool, name, algorithm, error);
    return NULL;
}

static GVariant *m_delete_volume(DaemonCall *call, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *name;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &name, &flags);
    if (method_flags_check(flags, 0, error))
        vol_driver_delete(call->daemon, pool, name, error);
    return NULL;
}

static GVariant *stream(DaemonCall *call, gboolean upload, GError **error)
{
    ACTIVE_POOL_OR_FAIL(call, error);
    const char *name;
    guint64 offset, length;
    guint32 flags;
    g_variant_get(call->params, "(&sttu)", &name, &offset, &length, &flags);
    if (!method_flags_check(flags, 0, error))
        return NULL;
    int file_fd = vol_driver_open_stream(call->daemon, pool, name, upload, error);
    if (file_fd < 0)
        return NULL;
    int fd = vol_stream_start(file_fd, name, upload, offset, length, error);
    if (fd < 0)
        return NULL;
    call->out_fds = g_unix_fd_list_new();
    int idx = g_unix_fd_list_append(call->out_fds, fd, error);
    close(fd);
    if (idx < 0) {
        g_clear_object(&call->out_fds);
        return NULL;
    }
    return g_variant_new("(h)", idx);
}

static GVariant *m_upload_volume(DaemonCall *call, GError **error)
{
    return stream(call, TRUE, error);
}

static GVariant *m_download_volume(DaemonCall *call, GError **error)
{
    return stream(call, FALSE, error);
}

static const DaemonMethod pool_methods[] = {
    { "Build", m_build, TRUE },
    { "Create", m_create, TRUE },
    { "Destroy", m_destroy, TRUE },
    { "Undefine", m_undefine, TRUE },
    { "Delete", m_delete, TRUE },
    { "SetAutostart", m_set_autostart, TRUE },
    { "Refresh", m_refresh, TRUE },
    { "GetXMLDesc", m_get_xml, TRUE },
    { "GetInfo", m_get_info, TRUE },
    { "ListVolumes", m_list_volumes, TRUE },
    { "CreateVolume", m_create_volume, TRUE },
    { "CreateVolumeFrom", m_create_volume_from, TRUE },
    { "GetVolumeXMLDesc", m_get_volume_xml, TRUE },
    { "GetVolumeInfo", m_get_volume_info, TRUE },
    { "ResizeVolume", m_resize_volume, TRUE },
    { "WipeVolume", m_wipe_volume, TRUE },
    { "DeleteVolume", m_delete_volume, TRUE },
    { "UploadVolume", m_upload_volume, TRUE },
    { "DownloadVolume", m_download_volume, TRUE },
    { NULL, NULL, FALSE },
};

typedef GVariant *(*PoolPropFunc)(const StoragePoolObj *pool);

static GVariant *prop_name(const StoragePoolObj *p) { return g_variant_new_string(p->def->name); }
static GVariant *prop_uuid(const StoragePoolObj *p) { return g_variant_new_string(p->def->uuid); }
static GVariant *prop_active(const StoragePoolObj *p) { return g_variant_new_boolean(p->active); }
static GVariant *prop_persistent(const StoragePoolObj *p) { return g_variant_new_boolean(p->persistent); }
static GVariant *prop_autostart(const StoragePoolObj *p) { return g_variant_new_boolean(p->autostart); }

static const struct {
    const char *name;
    PoolPropFunc get;
} pool_props[] = {
    { "Name", prop_name },
    { "UUID", prop_uuid },
    { "Active", prop_active },
    { "Persistent", prop_persistent },
    { "Autostart", prop_autostart },
};

static GVariant *pool_get_property(Daemon *d, const char *node, const char *name, GError **error)
{
    GVariant *v = NULL;
    pool_list_lock(d->pools);
    StoragePoolObj *pool = pool_list_find_path_node(d->pools, node);
    if (!pool) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: no storage pool with matching uuid '%s'"),
                    node ? node : "");
    } else {
        for (gsize i = 0; i < G_N_ELEMENTS(pool_props) && !v; i++)
            if (g_str_equal(name, pool_props[i].name))
                v = pool_props[i].get(pool);
        if (!v)
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unknown property %s"),
                        name);
    }
    pool_list_unlock(d->pools);
    return v;
}

const DaemonInterfaceImpl daemon_pool_impl = {
    "org.vessel.StoragePool1",
    pool_methods,
    pool_get_property,
};

/* ---- Manager1 ------------------------------------------------------- */

GVariant *manager_list_pools(DaemonCall *call, GError **error)
{
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    if (!method_flags_check(flags, 3, error))
        return NULL;
    /* D-Bus flags: 1 active only, 2 inactive only */
    guint list_flags = ((flags & 1) ? POOL_LIST_ACTIVE : 0) |
                       ((flags & 2) ? POOL_LIST_INACTIVE : 0);
    Daemon *d = call->daemon;
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssbbbo)"));
    pool_list_lock(d->pools);
    g_autoptr(GPtrArray) pools = pool_driver_list_locked(d, list_flags);
    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];
        g_variant_builder_add(&b, "(ssbbbo)", p->def->name, p->def->uuid, p->active,
                              p->persistent, p->autostart, p->path);
    }
    pool_list_unlock(d->pools);
    return g_variant_new("(a(ssbbbo))", &b);
}

static GVariant *path_reply(char *path)
{
    if (!path)
        return NULL;
    GVariant *v = g_variant_new("(o)", path);
    g_free(path);
    return v;
}

GVariant *manager_pool_define(DaemonCall *call, GError **error)
{
    const char *xml;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &xml, &flags);
    if (!method_flags_check(flags, 0, error))
        return NULL;
    return path_reply(pool_driver_define(call->daemon, xml, error));
}

GVariant *manager_pool_create(DaemonCall *call, GError **error)
{
    const char *xml;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &xml, &flags);
    if (!method_flags_check(flags, 0, error))
        return NULL;
    return path_reply(pool_driver_create_xml(call->daemon, xml, error));
}

static GVariant *pool_lookup(DaemonCall *call, ObjRegistryFind find, const char *key,
                             const char *what, GError **error)
{
    g_autofree char *path = obj_registry_lookup_path(&call->daemon->pools->reg, find, key);
    GVariant *v = path ? g_variant_new("(o)", path) : NULL;
    if (!v)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: no storage pool with matching %s"), what);
    return v;
}

GVariant *manager_pool_lookup_name(DaemonCall *call, GError **error)
{
    const char *name;
    g_variant_get(call->params, "(&s)", &name);
    g_autofree char *what = g_strdup_printf(_("name '%s'"), name);
    return pool_lookup(call, obj_registry_find_name, name, what, error);
}

GVariant *manager_pool_lookup_uuid(DaemonCall *call, GError **error)
{
    const char *uuid;
    g_variant_get(call->params, "(&s)", &uuid);
    g_autofree char *what = g_strdup_printf(_("uuid '%s'"), uuid);
    return pool_lookup(call, obj_registry_find_uuid, uuid, what, error);
}

GVariant *manager_vol_lookup_path(DaemonCall *call, GError **error)
{
    const char *path;
    g_variant_get(call->params, "(&s)", &path);
    g_autofree char *pool_path = NULL, *name = NULL;
    if (!vol_driver_lookup_path(call->daemon, path, &pool_path, &name, error))
        return NULL;
    return g_variant_new("(os)", pool_path, name);
}
