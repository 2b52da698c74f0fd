/* procs_storage.c - storage pool and volume procedures, over the
 * daemon's pool and volume drivers (pool_driver.h, vol_driver.h) like the
 * D-Bus StoragePool1 methods.
 *
 * libvirt names a volume by (pool name, volume name, key); a dir pool's
 * key is the volume's path, which is what we send.  Volume calls find
 * the pool by the name in the reference and want it active, as libvirt
 * does. */
#include "config.h"

#include <string.h>

#include "daemon_error.h"
#include "i18n.h"
#include "pool_driver.h"
#include "remote_client.h"
#include "remote_error.h"
#include "remote_procs.h"
#include "vol_driver.h"
#include "vol_stream.h"

/* virStoragePoolCreateFlags: build first (the dir pool's build is mkdir,
 * which never overwrites). */
#define POOL_CREATE_WITH_BUILD 1u
/* virStoragePoolDefineFlags: our parser always validates. */
#define POOL_DEFINE_VALIDATE 1u
/* virStorageXMLFlags */
#define POOL_XML_INACTIVE 1u

/* List locked. */
static void fill_pool_ref(RemotePoolRef *out, const StoragePoolObj *pool)
{
    out->name = g_strdup(pool->def->name);
    remote_uuid_parse(pool->def->uuid, out->uuid);
}

static StoragePoolObj *get_pool(RemoteCall *call, const RemotePoolRef *ref, GError **error)
{
    char uuid[37];
    remote_uuid_format(ref->uuid, uuid);
    return pool_driver_get(call->daemon, uuid, error);
}

#define POOL_OR_FAIL(ref)                                               \
    g_autoptr(StoragePoolObj) pool = get_pool(call, (ref), error);      \
    if (!pool)                                                          \
        return FALSE

#define WITH_POOLS(expr)                        \
    pool_list_lock(call->daemon->pools);        \
    expr;                                       \
    pool_list_unlock(call->daemon->pools)

/* A driver call that returned a pool's object path: the pool's ref. */
static gboolean pool_ref_from_path(RemoteCall *call, char *path_in, RemotePoolRef *out,
                                   GError **error)
{
    g_autofree char *path = path_in;
    if (!path)
        return FALSE;
    StoragePoolList *list = call->daemon->pools;
    pool_list_lock(list);
    StoragePoolObj *pool = pool_list_find_path_node(list, strrchr(path, '/') + 1);
    if (pool)
        fill_pool_ref(out, pool);
    pool_list_unlock(list);
    if (!pool)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: it ended before the reply"));
    return pool != NULL;
}

/* The active pool a volume reference names (a reference). */
static StoragePoolObj *vol_pool(RemoteCall *call, const char *pool_name, GError **error)
{
    StoragePoolList *list = call->daemon->pools;
    pool_list_lock(list);
    StoragePoolObj *pool = pool_list_find_name(list, pool_name);
    if (pool)
        pool_obj_ref(pool);
    pool_list_unlock(list);
    if (!pool) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: no storage pool with matching name '%s'"),
                    pool_name);
        return NULL;
    }
    if (!pool_driver_check_active(call->daemon, pool, error)) {
        pool_obj_unref(pool);
        return NULL;
    }
    return pool;
}

#define VOL_OR_FAIL(ref)                                                     \
    const RemoteVolRef *vref = (ref);                                        \
    g_autoptr(StoragePoolObj) pool = vol_pool(call, vref->pool, error);      \
    if (!pool)                                                               \
        return FALSE

static void fill_vol_ref(RemoteVolRef *out, const char *pool_name, const char *name,
                         const char *path)
{
    out->pool = g_strdup(pool_name);
    out->name = g_strdup(name);
    out->key = g_strdup(path);
}

/* Volume @name_in (taken) of @pool as a reference, if it exists. */
static gboolean vol_ref_for(RemoteCall *call, StoragePoolObj *pool, char *name_in,
                            RemoteVolRef *out, GError **error)
{
    g_autofree char *name = name_in;
    if (!name)
        return FALSE;
    g_autoptr(VolInfo) v = vol_driver_info(call->daemon, pool, name, error);
    if (!v)
        return FALSE;
    fill_vol_ref(out, pool->def->name, v->name, v->path);
    return TRUE;
}

/* ------------------------------------------------------------ pool lists */

gboolean remote_connect_list_all_storage_pools(RemoteCall *call, void *args, void *ret,
                                               GError **error)
{
    RemoteListAllArgs *a = args;
    RemotePoolListRet *r = ret;
    if (!remote_check_flags(a->flags, POOL_LIST_ALL_FLAGS, error))
        return FALSE;
    pool_list_lock(call->daemon->pools);
    g_autoptr(GPtrArray) pools = pool_driver_list_locked(call->daemon, a->flags);
    if (a->need_results) {
        r->n = pools->len;
        r->pools = g_new0(RemotePoolRef, MAX(pools->len, 1));
        for (guint i = 0; i < pools->len; i++)
            fill_pool_ref(&r->pools[i], pools->pdata[i]);
    }
    r->ret = pools->len;
    pool_list_unlock(call->daemon->pools);
    return TRUE;
}

static gboolean count_pools(RemoteCall *call, guint flags, void *ret)
{
    WITH_POOLS(g_autoptr(GPtrArray) pools = pool_driver_list_locked(call->daemon, flags));
    ((RemoteIntMsg *)ret)->value = (gint32)pools->len;
    return TRUE;
}

gboolean remote_connect_num_of_storage_pools(RemoteCall *call, void *args, void *ret,
                                             GError **error)
{
    return count_pools(call, POOL_LIST_ACTIVE, ret);
}

gboolean remote_connect_num_of_defined_storage_pools(RemoteCall *call, void *args, void *ret,
                                                     GError **error)
{
    return count_pools(call, POOL_LIST_INACTIVE, ret);
}

static gboolean max_ok(gint32 max, guint limit, GError **error)
{
    if (max < 0 || (guint)max > limit) {
        remote_error_set(error, VIR_ERR_RPC, _("too many names requested (%d > %u)"), max,
                         limit);
        return FALSE;
    }
    return TRUE;
}

static gboolean pool_names(RemoteCall *call, guint flags, gint32 max, void *ret, GError **error)
{
    RemoteNameListRet *r = ret;
    if (!max_ok(max, REMOTE_STORAGE_POOL_LIST_MAX, error))
        return FALSE;
    pool_list_lock(call->daemon->pools);
    g_autoptr(GPtrArray) pools = pool_driver_list_locked(call->daemon, flags);
    r->n = MIN(pools->len, (guint)max);
    r->names = g_new0(char *, MAX(r->n, 1));
    for (guint i = 0; i < r->n; i++)
        r->names[i] = g_strdup(((StoragePoolObj *)pools->pdata[i])->def->name);
    pool_list_unlock(call->daemon->pools);
    return TRUE;
}

gboolean remote_connect_list_storage_pools(RemoteCall *call, void *args, void *ret,
                                           GError **error)
{
    return pool_names(call, POOL_LIST_ACTIVE, ((RemoteListArgs *)args)->max, ret, error);
}

gboolean remote_connect_list_defined_storage_pools(RemoteCall *call, void *args, void *ret,
                                                   GError **error)
{
    return pool_names(call, POOL_LIST_INACTIVE, ((RemoteListArgs *)args)->max, ret, error);
}

/* ------------------------------------------------------------ pool lookups */

static gboolean pool_lookup_done(RemoteCall *call, StoragePoolObj *pool, void *ret,
                                 GError **error, const char *what)
{
    if (pool)
        fill_pool_ref(&((RemotePoolMsg *)ret)->pool, pool);
    pool_list_unlock(call->daemon->pools);
    if (!pool)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: no storage pool with matching %s"), what);
    return pool != NULL;
}

gboolean remote_storage_pool_lookup_by_name(RemoteCall *call, void *args, void *ret,
                                            GError **error)
{
    const char *name = ((RemoteStringMsg *)args)->value;
    g_autofree char *what = g_strdup_printf(_("name '%s'"), name);
    pool_list_lock(call->daemon->pools);
    return pool_lookup_done(call, pool_list_find_name(call->daemon->pools, name), ret, error,
                            what);
}

gboolean remote_storage_pool_lookup_by_uuid(RemoteCall *call, void *args, void *ret,
                                            GError **error)
{
    char uuid[37];
    remote_uuid_format(((RemoteUuidArgs *)args)->uuid, uuid);
    g_autofree char *what = g_strdup_printf(_("uuid '%s'"), uuid);
    pool_list_lock(call->daemon->pools);
    return pool_lookup_done(call, pool_list_find_uuid(call->daemon->pools, uuid), ret, error,
                            what);
}

gboolean remote_storage_pool_lookup_by_volume(RemoteCall *call, void *args, void *ret,
                                              GError **error)
{
    const char *name = ((RemoteVolMsg *)args)->vol.pool;
    g_autofree char *what = g_strdup_printf(_("name '%s'"), name);
    pool_list_lock(call->daemon->pools);
    return pool_lookup_done(call, pool_list_find_name(call->daemon->pools, name), ret, error,
                            what);
}

/* ------------------------------------------------------------ pool lifecycle */

gboolean remote_storage_pool_define_xml(RemoteCall *call, void *args, void *ret,
                                        GError **error)
{
    RemoteStringFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, POOL_DEFINE_VALIDATE, error))
        return FALSE;
    return pool_ref_from_path(call, pool_driver_define(call->daemon, a->value, error),
                              &((RemotePoolMsg *)ret)->pool, error);
}

gboolean remote_storage_pool_create_xml(RemoteCall *call, void *args, void *ret,
                                        GError **error)
{
    RemoteStringFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    return pool_ref_from_path(call, pool_driver_create_xml(call->daemon, a->value, error),
                              &((RemotePoolMsg *)ret)->pool, error);
}

gboolean remote_storage_pool_create(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemotePoolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, POOL_CREATE_WITH_BUILD, error))
        return FALSE;
    POOL_OR_FAIL(&a->pool);
    if ((a->flags & POOL_CREATE_WITH_BUILD) && !pool_driver_build(call->daemon, pool, error))
        return FALSE;
    return pool_driver_start(call->daemon, pool, error);
}

gboolean remote_storage_pool_build(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemotePoolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    POOL_OR_FAIL(&a->pool);
    return pool_driver_build(call->daemon, pool, error);
}

gboolean remote_storage_pool_destroy(RemoteCall *call, void *args, void *ret, GError **error)
{
    POOL_OR_FAIL(&((RemotePoolMsg *)args)->pool);
    return pool_driver_destroy(call->daemon, pool, error);
}

gboolean remote_storage_pool_delete(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemotePoolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    POOL_OR_FAIL(&a->pool);
    return pool_driver_delete(call->daemon, pool, error);
}

gboolean remote_storage_pool_undefine(RemoteCall *call, void *args, void *ret, GError **error)
{
    POOL_OR_FAIL(&((RemotePoolMsg *)args)->pool);
    return pool_driver_undefine(call->daemon, pool, error);
}

gboolean remote_storage_pool_refresh(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemotePoolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    POOL_OR_FAIL(&a->pool);
    return pool_driver_refresh(call->daemon, pool, error);
}

gboolean remote_storage_pool_set_autostart(RemoteCall *call, void *args, void *ret,
                                           GError **error)
{
    RemotePoolIntArgs *a = args;
    POOL_OR_FAIL(&a->pool);
    return pool_driver_set_autostart(call->daemon, pool, a->value != 0, error);
}

/* ------------------------------------------------------------ pool queries */

gboolean remote_storage_pool_get_xml_desc(RemoteCall *call, void *args, void *ret,
                                          GError **error)
{
    RemotePoolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, POOL_XML_INACTIVE, error))
        return FALSE;
    POOL_OR_FAIL(&a->pool);
    ((RemoteStringMsg *)ret)->value =
        pool_driver_xml(call->daemon, pool, (a->flags & POOL_XML_INACTIVE) != 0);
    return TRUE;
}

gboolean remote_storage_pool_get_info(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemotePoolInfoRet *r = ret;
    POOL_OR_FAIL(&((RemotePoolMsg *)args)->pool);
    guint state;
    StoragePoolSizes s;
    pool_driver_info(call->daemon, pool, &state, &s);
    *r = (RemotePoolInfoRet){ state, s.capacity, s.allocation, s.available };
    return TRUE;
}

gboolean remote_storage_pool_get_autostart(RemoteCall *call, void *args, void *ret,
                                           GError **error)
{
    POOL_OR_FAIL(&((RemotePoolMsg *)args)->pool);
    WITH_POOLS(((RemoteIntMsg *)ret)->value = pool->autostart);
    return TRUE;
}

gboolean remote_storage_pool_is_active(RemoteCall *call, void *args, void *ret, GError **error)
{
    POOL_OR_FAIL(&((RemotePoolMsg *)args)->pool);
    WITH_POOLS(((RemoteIntMsg *)ret)->value = pool->active);
    return TRUE;
}

gboolean remote_storage_pool_is_persistent(RemoteCall *call, void *args, void *ret,
                                           GError **error)
{
    POOL_OR_FAIL(&((RemotePoolMsg *)args)->pool);
    WITH_POOLS(((RemoteIntMsg *)ret)->value = pool->persistent);
    return TRUE;
}

/* ------------------------------------------------------------ volume lists */

/* The volumes of an active pool, or NULL. */
static GPtrArray *pool_vols(RemoteCall *call, StoragePoolObj *pool, GError **error)
{
    if (!pool_driver_check_active(call->daemon, pool, error))
        return NULL;
    return vol_driver_list(call->daemon, pool, error);
}

gboolean remote_storage_pool_num_of_volumes(RemoteCall *call, void *args, void *ret,
                                            GError **error)
{
    POOL_OR_FAIL(&((RemotePoolMsg *)args)->pool);
    g_autoptr(GPtrArray) vols = pool_vols(call, pool, error);
    if (!vols)
        return FALSE;
    ((RemoteIntMsg *)ret)->value = (gint32)vols->len;
    return TRUE;
}

gboolean remote_storage_pool_list_volumes(RemoteCall *call, void *args, void *ret,
                                          GError **error)
{
    RemotePoolIntArgs *a = args;
    RemoteNameListRet *r = ret;
    if (!max_ok(a->value, REMOTE_STORAGE_VOL_LIST_MAX, error))
        return FALSE;
    POOL_OR_FAIL(&a->pool);
    g_autoptr(GPtrArray) vols = pool_vols(call, pool, error);
    if (!vols)
        return FALSE;
    r->n = MIN(vols->len, (guint)a->value);
    r->names = g_new0(char *, MAX(r->n, 1));
    for (guint i = 0; i < r->n; i++)
        r->names[i] = g_strdup(((VolInfo *)vols->pdata[i])->name);
    return TRUE;
}

gboolean remote_storage_pool_list_all_volumes(RemoteCall *call, void *args, void *ret,
                                              GError **error)
{
    RemotePoolListAllArgs *a = args;
    RemoteVolListRet *r = ret;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    POOL_OR_FAIL(&a->pool);
    g_autoptr(GPtrArray) vols = pool_vols(call, pool, error);
    if (!vols)
        return FALSE;
    if (vols->len > REMOTE_STORAGE_VOL_LIST_MAX) {
        remote_error_set(error, VIR_ERR_INTERNAL_ERROR,
                         _("too many volumes for one reply (%u > %u)"), vols->len,
                         REMOTE_STORAGE_VOL_LIST_MAX);
        return FALSE;
    }
    if (a->need_results) {
        r->n = vols->len;
        r->vols = g_new0(RemoteVolRef, MAX(vols->len, 1));
        for (guint i = 0; i < vols->len; i++) {
            const VolInfo *v = vols->pdata[i];
            fill_vol_ref(&r->vols[i], pool->def->name, v->name, v->path);
        }
    }
    r->ret = vols->len;
    return TRUE;
}

/* ------------------------------------------------------------ volume lookups */

gboolean remote_storage_vol_lookup_by_name(RemoteCall *call, void *args, void *ret,
                                           GError **error)
{
    RemotePoolStringArgs *a = args;
    POOL_OR_FAIL(&a->pool);
    if (!pool_driver_check_active(call->daemon, pool, error))
        return FALSE;
    return vol_ref_for(call, pool, g_strdup(a->name), &((RemoteVolMsg *)ret)->vol, error);
}

/* By key or path: a dir pool's key is the path. */
gboolean remote_storage_vol_lookup_by_path(RemoteCall *call, void *args, void *ret,
                                           GError **error)
{
    const char *path = ((RemoteStringMsg *)args)->value;
    g_autofree char *pool_path = NULL;
    char *name = NULL;
    if (!vol_driver_lookup_path(call->daemon, path, &pool_path, &name, error))
        return FALSE;
    StoragePoolList *list = call->daemon->pools;
    pool_list_lock(list);
    StoragePoolObj *pool = pool_list_find_path_node(list, strrchr(pool_path, '/') + 1);
    if (pool)
        pool_obj_ref(pool);
    pool_list_unlock(list);
    if (!pool) {
        g_free(name);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_VOL,
                    _("Storage volume not found: no storage vol with matching path '%s'"), path);
        return FALSE;
    }
    gboolean ok = vol_ref_for(call, pool, name, &((RemoteVolMsg *)ret)->vol, error);
    pool_obj_unref(pool);
    return ok;
}

/* ------------------------------------------------------------ volume lifecycle */

gboolean remote_storage_vol_create_xml(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteVolCreateArgs *a = args;
    POOL_OR_FAIL(&a->pool);
    if (!pool_driver_check_active(call->daemon, pool, error))
        return FALSE;
    return vol_ref_for(call, pool, vol_driver_create(call->daemon, pool, a->xml, a->flags, error),
                       &((RemoteVolMsg *)ret)->vol, error);
}

gboolean remote_storage_vol_create_xml_from(RemoteCall *call, void *args, void *ret,
                                            GError **error)
{
    RemoteVolCreateFromArgs *a = args;
    POOL_OR_FAIL(&a->pool);
    if (!pool_driver_check_active(call->daemon, pool, error))
        return FALSE;
    g_autoptr(StoragePoolObj) src = vol_pool(call, a->clonevol.pool, error);
    if (!src)
        return FALSE;
    char *name = vol_driver_create_from(call->daemon, pool, a->xml, src, a->clonevol.name,
                                        a->flags, error);
    return vol_ref_for(call, pool, name, &((RemoteVolMsg *)ret)->vol, error);
}

gboolean remote_storage_vol_delete(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteVolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    VOL_OR_FAIL(&a->vol);
    return vol_driver_delete(call->daemon, pool, vref->name, error);
}

gboolean remote_storage_vol_wipe(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteVolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    VOL_OR_FAIL(&a->vol);
    return vol_driver_wipe(call->daemon, pool, vref->name, 0, error);
}

gboolean remote_storage_vol_wipe_pattern(RemoteCall *call, void *args, void *ret,
                                         GError **error)
{
    RemoteVolUintFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    VOL_OR_FAIL(&a->vol);
    return vol_driver_wipe(call->daemon, pool, vref->name, a->value, error);
}

gboolean remote_storage_vol_resize(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteVolUhyperFlagsArgs *a = args;
    VOL_OR_FAIL(&a->vol);
    return vol_driver_resize(call->daemon, pool, vref->name, a->value, a->flags, error);
}

/* ------------------------------------------------------------ volume queries */

static gboolean vol_info(RemoteCall *call, const RemoteVolRef *ref, guint32 flags, void *ret,
                         GError **error)
{
    if (!remote_check_flags(flags, 0, error))
        return FALSE;
    VOL_OR_FAIL(ref);
    g_autoptr(VolInfo) v = vol_driver_info(call->daemon, pool, vref->name, error);
    if (!v)
        return FALSE;
    *(RemoteVolInfoRet *)ret = (RemoteVolInfoRet){ v->type, v->capacity, v->allocation };
    return TRUE;
}

gboolean remote_storage_vol_get_info(RemoteCall *call, void *args, void *ret, GError **error)
{
    return vol_info(call, &((RemoteVolMsg *)args)->vol, 0, ret, error);
}

gboolean remote_storage_vol_get_info_flags(RemoteCall *call, void *args, void *ret,
                                           GError **error)
{
    RemoteVolFlagsArgs *a = args;
    return vol_info(call, &a->vol, a->flags, ret, error);
}

gboolean remote_storage_vol_get_xml_desc(RemoteCall *call, void *args, void *ret,
                                         GError **error)
{
    RemoteVolFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    VOL_OR_FAIL(&a->vol);
    char *xml = vol_driver_xml(call->daemon, pool, vref->name, error);
    ((RemoteStringMsg *)ret)->value = xml;
    return xml != NULL;
}

gboolean remote_storage_vol_get_path(RemoteCall *call, void *args, void *ret, GError **error)
{
    VOL_OR_FAIL(&((RemoteVolMsg *)args)->vol);
    g_autoptr(VolInfo) v = vol_driver_info(call->daemon, pool, vref->name, error);
    if (!v)
        return FALSE;
    ((RemoteStringMsg *)ret)->value = g_strdup(v->path);
    return TRUE;
}

/* vol-download and vol-upload: the socket of vol_stream.h relayed as
 * the call's stream.  Download: it ends after LENGTH bytes (end of file).
 * Upload: the client's finish is confirmed once the copy reports the
 * data written (remote_stream_new_upload). */
static gboolean vol_stream(RemoteCall *call, const RemoteVolStreamArgs *a, gboolean upload,
                           GError **error)
{
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    VOL_OR_FAIL(&a->vol);
    int file_fd = vol_driver_open_stream(call->daemon, pool, vref->name, upload, error);
    if (file_fd < 0)
        return FALSE;
    int fd = vol_stream_start(file_fd, vref->name, upload, a->offset, a->length, error);
    if (fd < 0)
        return FALSE;
    call->stream_fd = fd;
    call->stream_upload = upload;
    return TRUE;
}

gboolean remote_storage_vol_download(RemoteCall *call, void *args, void *ret, GError **error)
{
    return vol_stream(call, args, FALSE, error);
}

gboolean remote_storage_vol_upload(RemoteCall *call, void *args, void *ret, GError **error)
{
    return vol_stream(call, args, TRUE, error);
}

/* ------------------------------------------------------------ events */

/* VIR_STORAGE_POOL_EVENT_ID_LAST */
#define POOL_EVENT_ID_LAST 2

gboolean remote_connect_storage_pool_event_register(RemoteCall *call, void *args, void *ret,
                                                    GError **error)
{
    RemotePoolEventRegisterArgs *a = args;
    if (a->event_id < 0 || a->event_id >= POOL_EVENT_ID_LAST) {
        remote_error_set(error, VIR_ERR_INVALID_ARG, _("unsupported event ID %d"), a->event_id);
        return FALSE;
    }
    char uuid[37] = "";
    if (a->pool)
        remote_uuid_format(a->pool->uuid, uuid);
    gint32 id = remote_client_add_callback(call->client, DAEMON_EVENT_POOL, a->event_id,
                                           a->pool ? uuid : NULL, error);
    ((RemoteIntMsg *)ret)->value = id;
    return id >= 0;
}
