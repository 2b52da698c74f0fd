/* pool_driver.c - storage pool definitions and state (pool_driver.h).
 * Every field of a StoragePoolObj is guarded by the pool list lock;
 * file system work on a pool's directory is short (mkdir, rmdir, stat). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "daemon_error.h"
#include "daemon_events.h"
#include "def_store.h"
#include "fileutil.h"
#include "i18n.h"
#include "pool_driver.h"

static void emit(Daemon *d, StoragePoolObj *pool, int event)
{
    daemon_events_queue_pool(d->events, pool, event, 0);
}

static char *status_path(Daemon *d, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    return g_build_filename(d->config->run_dir, "storage", file, NULL);
}

static gboolean save_config(Daemon *d, const StoragePoolDef *def, GError **error)
{
    g_autofree char *xml = storage_pool_def_format(def, NULL);
    return def_store_save(d->config, POOL_STORE_KIND, def->name, xml, error);
}

/* Another pool using the same directory (list locked). */
static StoragePoolObj *pool_same_dir(Daemon *d, const StoragePoolDef *def)
{
    g_autoptr(GPtrArray) snap = pool_list_snapshot(d->pools);
    for (guint i = 0; i < snap->len; i++) {
        StoragePoolObj *p = snap->pdata[i];
        if (strcmp(p->def->name, def->name) != 0 &&
            strcmp(p->def->target_path, def->target_path) == 0)
            return p;
    }
    return NULL;
}

static StoragePoolDef *parse_def(const char *xml, GError **error)
{
    g_autoptr(GError) err = NULL;
    StoragePoolDef *def = storage_pool_def_parse(xml, &err);
    if (!def)
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML, err->message);
    return def;
}

char *pool_driver_define(Daemon *d, const char *xml, GError **error)
{
    g_autoptr(StoragePoolDef) def = parse_def(xml, error);
    if (!def)
        return NULL;
    char *path = NULL;
    pool_list_lock(d->pools);
    StoragePoolObj *by_name = pool_list_find_name(d->pools, def->name);
    if (by_name && !strstr(xml, "<uuid"))
        memcpy(def->uuid, by_name->def->uuid, sizeof(def->uuid));
    StoragePoolObj *by_uuid = pool_list_find_uuid(d->pools, def->uuid);
    StoragePoolObj *same = pool_same_dir(d, def);
    if (by_name && by_uuid != by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage pool '%s' already exists with UUID %s"), def->name,
                    by_name->def->uuid);
    } else if (by_uuid && !by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("UUID %s is already used by storage pool '%s'"), def->uuid,
                    by_uuid->def->name);
    } else if (same) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage source conflict with pool: '%s'"), same->def->name);
    } else if (by_name && by_name->active &&
               strcmp(by_name->def->target_path, def->target_path) != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage pool '%s' is active: its directory cannot change"), def->name);
    } else if (save_config(d, def, error)) {
        StoragePoolObj *pool = by_name;
        if (pool) {
            storage_pool_def_free(pool->def);
            pool->def = g_steal_pointer(&def);
        } else {
            def_store_set_autostart(d->config, POOL_STORE_KIND, def->name, FALSE, NULL);
            pool = pool_list_add(d->pools, g_steal_pointer(&def));
        }
        pool->persistent = TRUE;
        emit(d, pool, POOL_EVENT_DEFINED);
        path = g_strdup(pool->path);
    }
    pool_list_unlock(d->pools);
    return path;
}

gboolean pool_driver_undefine(Daemon *d, StoragePoolObj *pool, GError **error)
{
    gboolean ok = FALSE;
    pool_list_lock(d->pools);
    if (pool->removed || !pool->persistent) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool '%s' is not defined"), pool->def->name);
    } else if (def_store_delete(d->config, POOL_STORE_KIND, pool->def->name, error)) {
        pool->persistent = FALSE;
        pool->autostart = FALSE;
        emit(d, pool, POOL_EVENT_UNDEFINED);
        if (!pool->active)
            pool_list_remove(d->pools, pool);
        ok = TRUE;
    }
    pool_list_unlock(d->pools);
    return ok;
}

gboolean pool_driver_set_autostart(Daemon *d, StoragePoolObj *pool, gboolean on,
                                   GError **error)
{
    gboolean ok = TRUE;
    pool_list_lock(d->pools);
    if (!pool->persistent) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Cannot set autostart for transient storage pool '%s'"), pool->def->name);
        ok = FALSE;
    } else if (pool->autostart != on) {
        ok = def_store_set_autostart(d->config, POOL_STORE_KIND, pool->def->name, on, error);
        if (ok)
            pool->autostart = on;
    }
    pool_list_unlock(d->pools);
    return ok;
}

/* The permissions of @def applied to an existing directory. */
static gboolean apply_perms(const StoragePoolDef *def, GError **error)
{
    const char *dir = def->target_path;
    if (def->perms.mode >= 0 && chmod(dir, (mode_t)def->perms.mode) < 0)
        goto fail;
    if ((def->perms.owner >= 0 || def->perms.group >= 0) &&
        chown(dir, def->perms.owner >= 0 ? (uid_t)def->perms.owner : (uid_t)-1,
              def->perms.group >= 0 ? (gid_t)def->perms.group : (gid_t)-1) < 0)
        goto fail;
    return TRUE;
fail:
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                _("Cannot set the permissions of %s: %s"), dir, g_strerror(errno));
    return FALSE;
}

gboolean pool_driver_build(Daemon *d, StoragePoolObj *pool, GError **error)
{
    pool_list_lock(d->pools);
    g_autoptr(StoragePoolDef) def = storage_pool_def_copy(pool->def);
    gboolean active = pool->active;
    pool_list_unlock(d->pools);
    if (active) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage pool '%s' is already active"), def->name);
        return FALSE;
    }
    mode_t mode = def->perms.mode >= 0 ? (mode_t)def->perms.mode : 0711;
    if (g_mkdir_with_parents(def->target_path, (int)mode) < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot create directory %s: %s"), def->target_path, g_strerror(errno));
        return FALSE;
    }
    if (!apply_perms(def, error))
        return FALSE;
    pool_list_lock(d->pools);
    emit(d, pool, POOL_EVENT_CREATED);
    pool_list_unlock(d->pools);
    return TRUE;
}

static gboolean dir_usable(const char *dir, GError **error)
{
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("cannot open directory '%s': %s"), dir,
                    g_strerror(errno ? errno : ENOTDIR));
        return FALSE;
    }
    return TRUE;
}

gboolean pool_driver_start(Daemon *d, StoragePoolObj *pool, GError **error)
{
    gboolean ok = FALSE;
    pool_list_lock(d->pools);
    if (pool->active) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage pool '%s' is already active"), pool->def->name);
    } else if (dir_usable(pool->def->target_path, error)) {
        g_autofree char *xml = storage_pool_def_format(pool->def, NULL);
        g_autofree char *status = status_path(d, pool->def->name);
        if (vessel_file_write_atomic(status, xml, -1, 0600, error)) {
            pool->active = TRUE;
            emit(d, pool, POOL_EVENT_STARTED);
            ok = TRUE;
        }
    }
    pool_list_unlock(d->pools);
    return ok;
}

gboolean pool_driver_destroy(Daemon *d, StoragePoolObj *pool, GError **error)
{
    gboolean ok = FALSE;
    pool_list_lock(d->pools);
    if (!pool->active) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage pool '%s' is not active"), pool->def->name);
    } else {
        g_autofree char *status = status_path(d, pool->def->name);
        vessel_file_remove_durable(status, NULL);
        pool->active = FALSE;
        emit(d, pool, POOL_EVENT_STOPPED);
        if (!pool->persistent)
            pool_list_remove(d->pools, pool);
        ok = TRUE;
    }
    pool_list_unlock(d->pools);
    return ok;
}

gboolean pool_driver_delete(Daemon *d, StoragePoolObj *pool, GError **error)
{
    pool_list_lock(d->pools);
    gboolean active = pool->active;
    g_autofree char *dir = g_strdup(pool->def->target_path);
    pool_list_unlock(d->pools);
    if (active) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage pool '%s' is still active"), pool->def->name);
        return FALSE;
    }
    if (rmdir(dir) < 0 && errno != ENOENT) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("failed to remove pool '%s': %s"), dir, g_strerror(errno));
        return FALSE;
    }
    pool_list_lock(d->pools);
    emit(d, pool, POOL_EVENT_DELETED);
    pool_list_unlock(d->pools);
    return TRUE;
}

gboolean pool_driver_refresh(Daemon *d, StoragePoolObj *pool, GError **error)
{
    pool_list_lock(d->pools);
    gboolean active = pool->active;
    g_autofree char *dir = g_strdup(pool->def->target_path);
    pool_list_unlock(d->pools);
    if (!active) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("storage pool '%s' is not active"), pool->def->name);
        return FALSE;
    }
    /* volumes are read from the directory on every call: nothing is
     * cached that could go stale, only the directory must still be there */
    return dir_usable(dir, error);
}

void pool_driver_info(Daemon *d, StoragePoolObj *pool, guint *state, StoragePoolSizes *sizes)
{
    pool_list_lock(d->pools);
    gboolean active = pool->active;
    g_autofree char *dir = g_strdup(pool->def->target_path);
    pool_list_unlock(d->pools);
    memset(sizes, 0, sizeof(*sizes));
    *state = POOL_STATE_INACTIVE;
    if (!active)
        return;
    struct statvfs sv;
    if (statvfs(dir, &sv) < 0) {
        *state = POOL_STATE_INACCESSIBLE;
        return;
    }
    *state = POOL_STATE_RUNNING;
    sizes->capacity = (guint64)sv.f_blocks * sv.f_frsize;
    sizes->available = (guint64)sv.f_bavail * sv.f_frsize;
    sizes->allocation = (guint64)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
}

char *pool_driver_xml(Daemon *d, StoragePoolObj *pool, gboolean inactive)
{
    guint state;
    StoragePoolSizes sizes;
    pool_driver_info(d, pool, &state, &sizes);
    pool_list_lock(d->pools);
    char *xml = storage_pool_def_format(pool->def, inactive ? NULL : &sizes);
    pool_list_unlock(d->pools);
    return xml;
}

char *pool_driver_create_xml(Daemon *d, const char *xml, GError **error)
{
    StoragePoolDef *def = parse_def(xml, error);
    if (!def)
        return NULL;
    pool_list_lock(d->pools);
    if (pool_list_find_name(d->pools, def->name) || pool_list_find_uuid(d->pools, def->uuid)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage pool '%s' already exists"), def->name);
        pool_list_unlock(d->pools);
        storage_pool_def_free(def);
        return NULL;
    }
    StoragePoolObj *same = pool_same_dir(d, def);
    if (same) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Storage source conflict with pool: '%s'"), same->def->name);
        pool_list_unlock(d->pools);
        storage_pool_def_free(def);
        return NULL;
    }
    g_autoptr(StoragePoolObj) pool = pool_obj_ref(pool_list_add(d->pools, def));
    pool_list_unlock(d->pools);
    if (!pool_driver_start(d, pool, error)) {
        pool_list_lock(d->pools);
        if (!pool->removed && !pool->active)
            pool_list_remove(d->pools, pool);
        pool_list_unlock(d->pools);
        return NULL;
    }
    return g_strdup(pool->path);
}

GPtrArray *pool_driver_list_locked(Daemon *d, guint flags)
{
    GPtrArray *snap = pool_list_snapshot(d->pools);
    GPtrArray *out = g_ptr_array_new_full(snap->len, (GDestroyNotify)pool_obj_unref);
    gboolean type_ok = !(flags & POOL_LIST_TYPES) || (flags & POOL_LIST_DIR);
    for (guint i = 0; i < snap->len && type_ok; i++) {
        StoragePoolObj *pool = snap->pdata[i];
        if (obj_registry_flag_pair(flags, POOL_LIST_ACTIVE, POOL_LIST_INACTIVE, pool->active) &&
            obj_registry_flag_pair(flags, POOL_LIST_PERSISTENT, POOL_LIST_TRANSIENT,
                                   pool->persistent) &&
            obj_registry_flag_pair(flags, POOL_LIST_AUTOSTART, POOL_LIST_NO_AUTOSTART,
                                   pool->autostart))
            g_ptr_array_add(out, pool_obj_ref(pool));
    }
    g_ptr_array_unref(snap);
    return out;
}

StoragePoolObj *pool_driver_get(Daemon *d, const char *uuid, GError **error)
{
    pool_list_lock(d->pools);
    StoragePoolObj *pool = pool_list_find_uuid(d->pools, uuid);
    if (pool)
        pool_obj_ref(pool);
    pool_list_unlock(d->pools);
    if (!pool)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: no storage pool with matching uuid '%s'"), uuid);
    return pool;
}

gboolean pool_driver_check_active(Daemon *d, StoragePoolObj *pool, GError **error)
{
    pool_list_lock(d->pools);
    gboolean active = pool->active;
    pool_list_unlock(d->pools);
    if (!active)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("storage pool '%s' is not active"), pool->def->name);
    return active;
}

StoragePoolObj *pool_driver_get_active(Daemon *d, const char *name, GError **error)
{
    pool_list_lock(d->pools);
    StoragePoolObj *pool = pool_list_find_name(d->pools, name);
    if (pool && pool->active)
        pool_obj_ref(pool);
    pool_list_unlock(d->pools);
    if (!pool) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_POOL,
                    _("Storage pool not found: no storage pool with matching name '%s'"), name);
        return NULL;
    }
    if (!pool->active) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("storage pool '%s' is not active"), name);
        return NULL;
    }
    return pool;
}

/* The "default" pool, defined once per installation (a marker in the
 * state dir, so an undefined default stays undefined). */
static void define_default_pool(Daemon *d)
{
    g_autofree char *marker = g_build_filename(d->config->state_dir, "default-pool", NULL);
    if (!d->config->default_pool || g_file_test(marker, G_FILE_TEST_EXISTS) ||
        pool_list_find_name(d->pools, "default"))
        return;
    g_autofree char *escaped = g_markup_escape_text(d->config->default_pool, -1);
    g_autofree char *text = g_strdup_printf(
        "<pool type='dir'>\n  <name>default</name>\n  <target>\n    <path>%s</path>\n"
        "  </target>\n</pool>\n", escaped);
    g_autoptr(GError) err = NULL;
    g_autoptr(StoragePoolDef) def = storage_pool_def_parse(text, &err);
    if (!def || g_mkdir_with_parents(def->target_path, 0711) < 0 || !save_config(d, def, &err) ||
        !def_store_set_autostart(d->config, POOL_STORE_KIND, def->name, TRUE, &err)) {
        g_warning(_("Cannot define the default storage pool: %s"),
                  err ? err->message : g_strerror(errno));
        return;
    }
    StoragePoolObj *pool = pool_list_add(d->pools, g_steal_pointer(&def));
    pool->persistent = TRUE;
    pool->autostart = TRUE;
    if (!vessel_file_write_atomic(marker, "", 0, 0644, &err))
        g_warning("%s", err->message);
}

/* Pools with a status file were active when the daemon stopped. */
static void reattach_pools(Daemon *d)
{
    g_autofree char *dir = g_build_filename(d->config->run_dir, "storage", NULL);
    g_autoptr(GPtrArray) files = def_store_list_dir(dir);
    for (guint i = 0; i < files->len; i++) {
        const char *path = files->pdata[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(StoragePoolDef) live = storage_pool_def_parse_file(path, &err);
        if (!live) {
            g_warning(_("Removing unusable storage pool status %s"), path);
            unlink(path);
            continue;
        }
        StoragePoolObj *pool = pool_list_find_uuid(d->pools, live->uuid);
        if (!pool) {
            pool = pool_list_add(d->pools, g_steal_pointer(&live));
            pool->persistent = FALSE;
        }
        pool->active = TRUE;
    }
}

void pool_driver_load(Daemon *d)
{
    g_autoptr(GPtrArray) files = def_store_list(d->config, POOL_STORE_KIND);
    pool_list_lock(d->pools);
    for (guint i = 0; i < files->len; i++) {
        const char *path = files->pdata[i];
        g_autoptr(GError) err = NULL;
        StoragePoolDef *def = storage_pool_def_parse_file(path, &err);
        if (!def) {
            g_warning(_("Ignoring storage pool definition %s: %s"), path, err->message);
            continue;
        }
        if (pool_list_find_name(d->pools, def->name) || pool_list_find_uuid(d->pools, def->uuid)) {
            g_warning(_("Ignoring duplicate storage pool definition '%s'"), def->name);
            storage_pool_def_free(def);
            continue;
        }
        StoragePoolObj *pool = pool_list_add(d->pools, def);
        pool->persistent = TRUE;
        pool->autostart = def_store_get_autostart(d->config, POOL_STORE_KIND, def->name);
    }
    define_default_pool(d);
    reattach_pools(d);
    pool_list_unlock(d->pools);
}

void pool_driver_autostart(Daemon *d)
{
    pool_list_lock(d->pools);
    g_autoptr(GPtrArray) snap = pool_list_snapshot(d->pools);
    pool_list_unlock(d->pools);
    for (guint i = 0; i < snap->len; i++) {
        StoragePoolObj *pool = snap->pdata[i];
        pool_list_lock(d->pools);
        gboolean want = pool->autostart && !pool->active && !pool->removed;
        pool_list_unlock(d->pools);
        g_autoptr(GError) err = NULL;
        if (want && !pool_driver_start(d, pool, &err))
            g_warning(_("Autostart of storage pool '%s' failed: %s"), pool->def->name,
                      err->message);
    }
}
