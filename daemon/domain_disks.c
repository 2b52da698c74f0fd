/* domain_disks.c - resolving a domain's disks (domain_disks.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caller_open.h"
#include "daemon_error.h"
#include "domain_disks.h"
#include "domain_store.h"
#include "i18n.h"
#include "pool_driver.h"

/* The image file and format of @disk. */
gboolean domain_disks_source(Daemon *d, const DomainDiskDef *disk, char **path,
                             StorageFormat *fmt, GError **error)
{
    if (disk->type == DOMAIN_DISK_FILE) {
        *path = g_strdup(disk->source);
        *fmt = disk->format == DOMAIN_DISK_FORMAT_QCOW2 ? STORAGE_FORMAT_QCOW2 : STORAGE_FORMAT_RAW;
        return TRUE;
    }
    g_autoptr(StoragePoolObj) pool = pool_driver_get_active(d, disk->source_pool, error);
    if (!pool)
        return FALSE;
    pool_list_lock(d->pools);
    g_autofree char *p = g_build_filename(pool->def->target_path, disk->source_volume, NULL);
    pool_list_unlock(d->pools);
    struct stat st;
    if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_VOL,
                    _("Storage volume not found: no storage vol with matching name '%s'"),
                    disk->source_volume);
        return FALSE;
    }
    if (disk->format != DOMAIN_DISK_FORMAT_NONE) {
        *fmt = disk->format == DOMAIN_DISK_FORMAT_QCOW2 ? STORAGE_FORMAT_QCOW2 : STORAGE_FORMAT_RAW;
    } else {
        g_autoptr(GError) perr = NULL;
        StorageFormat probed = STORAGE_FORMAT_RAW;
        if (!storage_probe_format(p, &probed, &perr)) {
            g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID, perr->message);
            return FALSE;
        }
        if (probed != STORAGE_FORMAT_RAW) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                        _("disk %s: volume '%s' looks like %s: name its format in the XML "
                          "(<driver type='%s'/>), Vessel does not guess it"),
                        disk->target_dev, disk->source_volume, storage_format_to_string(probed),
                        storage_format_to_string(probed));
            return FALSE;
        }
        *fmt = STORAGE_FORMAT_RAW;
    }
    *path = g_steal_pointer(&p);
    return TRUE;
}

static GPtrArray *disk_describe(const DomainDiskDef *disk, const char *path, StorageFormat fmt,
                                GError **error)
{
    g_autoptr(GError) serr = NULL;
    GPtrArray *chain = storage_chain_describe(path, fmt, &serr);
    if (!chain)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID, _("disk %s: %s"),
                    disk->target_dev, serr->message);
    return chain;
}

static GPtrArray *disk_chain(Daemon *d, const DomainDiskDef *disk, GError **error)
{
    g_autofree char *path = NULL;
    StorageFormat fmt;
    if (!domain_disks_source(d, disk, &path, &fmt, error))
        return NULL;
    return disk_describe(disk, path, fmt, error);
}

static void layer_free(gpointer p)
{
    DomainDiskLayer *l = p;
    g_free(l->path);
    g_free(l);
}

static char *real_path(const char *path);

GPtrArray *domain_disks_layers(Daemon *d, const DomainDef *def, const DaemonCaller *caller,
                               GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; i < def->n_disks; i++) {
        const DomainDiskDef *disk = def->disks[i];
        g_autofree char *path = NULL;
        StorageFormat fmt;
        if (!domain_disks_source(d, disk, &path, &fmt, error))
            return NULL;
        /* a volume: the pool is the daemon's, its files too; a file disk,
         * and anything outside the pool a volume's chain names: read as
         * the client, who may name only files they could open */
        g_autofree char *pool_dir = NULL;
        if (disk->type != DOMAIN_DISK_FILE) {
            g_autoptr(StoragePoolObj) pool = pool_driver_get_active(d, disk->source_pool, error);
            if (!pool)
                return NULL;
            pool_list_lock(d->pools);
            g_autofree char *dir = g_strdup(pool->def->target_path);
            pool_list_unlock(d->pools);
            g_autofree char *real = real_path(dir);
            pool_dir = g_strconcat(real, "/", NULL);
        }
        CallerFs fs;
        if (!caller_fs_enter(pool_dir ? NULL : caller, &fs, error))
            return NULL;
        g_autoptr(GPtrArray) chain = disk_describe(disk, path, fmt, error);
        caller_fs_leave(&fs);
        if (!chain)
            return NULL;
        GPtrArray *layers = g_ptr_array_new_with_free_func(layer_free);
        for (guint l = 0; l < chain->len; l++) {
            const StorageChainLayer *cl = chain->pdata[l];
            DomainDiskLayer *dl = g_new0(DomainDiskLayer, 1);
            dl->path = g_strdup(cl->path);
            dl->format = storage_format_to_string(cl->format);
            g_autofree char *real = real_path(cl->path);
            dl->pool_owned = pool_dir && g_str_has_prefix(real, pool_dir);
            g_ptr_array_add(layers, dl);
        }
        g_ptr_array_add(out, layers);
    }
    return g_steal_pointer(&out);
}

static char *real_path(const char *path)
{
    char buf[PATH_MAX];
    return realpath(path, buf) ? g_strdup(buf) : g_strdup(path);
}

GPtrArray *domain_disks_files(Daemon *d, const DomainDef *def)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < def->n_disks; i++) {
        g_autoptr(GPtrArray) chain = disk_chain(d, def->disks[i], NULL);
        for (guint l = 0; chain && l < chain->len; l++)
            g_ptr_array_add(files, real_path(((StorageChainLayer *)chain->pdata[l])->path));
    }
    return files;
}

char *domain_disks_user(Daemon *d, const char *path)
{
    g_autofree char *want = real_path(path);
    g_autoptr(GPtrArray) defs = g_ptr_array_new_with_free_func((GDestroyNotify)domain_def_free);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    domain_list_lock(d->domains);
    g_autoptr(GPtrArray) snap = domain_list_snapshot(d->domains);
    for (guint i = 0; i < snap->len; i++) {
        DomainObj *dom = snap->pdata[i];
        if (domain_obj_is_active(dom) && dom->def->n_disks) {
            g_ptr_array_add(defs, domain_def_copy(dom->def));
            g_ptr_array_add(names, g_strdup(dom->def->name));
        }
    }
    domain_list_unlock(d->domains);
    for (guint i = 0; i < defs->len; i++) {
        g_autoptr(GPtrArray) files = domain_disks_files(d, defs->pdata[i]);
        for (guint f = 0; f < files->len; f++)
            if (strcmp(files->pdata[f], want) == 0)
                return g_strdup(names->pdata[i]);
    }
    return NULL;
}

char *domain_disks_path(Daemon *d, const DomainDef *def, const char *target, GError **error)
{
    for (guint i = 0; i < def->n_disks; i++) {
        if (strcmp(def->disks[i]->target_dev, target) != 0)
            continue;
        char *path = NULL;
        StorageFormat fmt;
        return domain_disks_source(d, def->disks[i], &path, &fmt, error) ? path : NULL;
    }
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                _("invalid argument: no disk with target %s"), target);
    return NULL;
}

gboolean domain_disks_job_begin(Daemon *d, DomainObj *dom, DomainDef **def, char **control,
                                GError **error)
{
    domain_list_lock(d->domains);
    if (!domain_obj_job_begin(d->domains, dom, DAEMON_JOB_WAIT_MS, error)) {
        domain_list_unlock(d->domains);
        return FALSE;
    }
    *def = domain_def_copy(dom->def);
    *control = domain_obj_is_active(dom)
        ? domain_store_socket_path(d->config, dom->def, "control") : NULL;
    domain_list_unlock(d->domains);
    return TRUE;
}
