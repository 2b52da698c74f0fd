/* domain_blockcommit.c - blockcommit (virsh blockcommit DOMAIN DISK
 * --active --pivot): the layers of a disk's chain above a backing file
 * (the base) are merged into it and the disk continues on the base - the
 * way back from an external snapshot.
 *
 * Only the active layer is committed (the top of the chain, which the
 * guest writes), and at once: libvirt's two stages (a job mirroring
 * writes, then a pivot) are one synchronous step here, with the disk's
 * I/O paused while the merge runs.  The base is the deepest layer, the
 * one below the top with SHALLOW, or the layer named.  A running domain
 * is switched by its VMM (control `disk-commit INDEX BASE`); a stopped one
 * is committed by the daemon itself.  Afterwards the disk is a file disk on the base (its format),
 * in the live and the persistent definitions; DELETE removes the layers
 * that were merged. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "caller_open.h"
#include "daemon_error.h"
#include "domain_blockcommit.h"
#include "domain_disks.h"
#include "domain_store.h"
#include "i18n.h"
#include "storage/storage.h"
#include "vmm_control.h"

#define COMMIT_SHALLOW 1u       /* virDomainBlockCommitFlags */
#define COMMIT_DELETE 2u
#define COMMIT_ACTIVE 4u

/* The index of the disk @name names (target or source path), or -1. */
static int find_disk(Daemon *d, const DomainDef *def, const char *name)
{
    for (guint i = 0; i < def->n_disks; i++) {
        if (g_strcmp0(def->disks[i]->target_dev, name) == 0)
            return (int)i;
        g_autofree char *path = NULL;
        StorageFormat fmt;
        if (domain_disks_source(d, def->disks[i], &path, &fmt, NULL) && g_strcmp0(path, name) == 0)
            return (int)i;
    }
    return -1;
}

/* Which layer of @chain is the base: named, the one below the top
 * (SHALLOW), or the deepest.  -1 + error. */
static int find_base(const GPtrArray *chain, const char *base, guint flags, GError **error)
{
    if (chain->len < 2) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("top '%s' has no backing file"),
                    ((StorageChainLayer *)chain->pdata[0])->path);
        return -1;
    }
    if (!base || !*base)
        return flags & COMMIT_SHALLOW ? 1 : (int)chain->len - 1;
    g_autofree char *want = g_canonicalize_filename(base, NULL);
    for (guint i = 1; i < chain->len; i++)
        if (strcmp(((StorageChainLayer *)chain->pdata[i])->path, want) == 0 &&
            (!(flags & COMMIT_SHALLOW) || i == 1))
            return (int)i;
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                _("invalid argument: could not find image '%s' beneath '%s' in chain"), base,
                ((StorageChainLayer *)chain->pdata[0])->path);
    return -1;
}

/* A stopped domain: the daemon commits. */
static gboolean commit_here(const GPtrArray *chain, int base, GError **error)
{
    const StorageChainLayer *top = chain->pdata[0];
    g_autoptr(GError) serr = NULL;
    StorageImage *img = storage_image_open(top->path, top->format, STORAGE_OPEN_READONLY, &serr);
    if (!img) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID, serr->message);
        return FALSE;
    }
    const char *spec = ((StorageChainLayer *)chain->pdata[base])->path;
    StorageImage *merged = storage_image_commit_active(img, spec, &serr);
    if (!merged) {
        storage_image_close(img);
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID, serr->message);
        return FALSE;
    }
    int r = storage_image_close(merged);
    if (r < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("cannot flush %s: %s"), ((StorageChainLayer *)chain->pdata[base])->path,
                    g_strerror(-r));
        return FALSE;
    }
    return TRUE;
}

static void disk_to_base(DomainDiskDef *disk, const StorageChainLayer *base)
{
    disk->type = DOMAIN_DISK_FILE;
    g_free(disk->source);
    disk->source = g_strdup(base->path);
    g_clear_pointer(&disk->source_pool, g_free);
    g_clear_pointer(&disk->source_volume, g_free);
    disk->format = base->format == STORAGE_FORMAT_QCOW2 ? DOMAIN_DISK_FORMAT_QCOW2
                                                        : DOMAIN_DISK_FORMAT_RAW;
}

gboolean domain_blockcommit(Daemon *d, DomainObj *dom, const char *disk_name, const char *base,
                            const char *top, guint flags, const DaemonCaller *caller,
                            GError **error)
{
    if (flags & ~(COMMIT_SHALLOW | COMMIT_DELETE | COMMIT_ACTIVE)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unsupported flags 0x%x"),
                    flags);
        return FALSE;
    }
    g_autoptr(DomainDef) def = NULL;
    g_autofree char *control = NULL;
    if (!domain_disks_job_begin(d, dom, &def, &control, error))
        return FALSE;
    gboolean active = control != NULL;

    gboolean ok = FALSE;
    g_autoptr(GPtrArray) chain = NULL;
    int idx = find_disk(d, def, disk_name), b = -1;
    const DomainDiskDef *disk = idx >= 0 ? def->disks[idx] : NULL;
    g_autofree char *path = NULL;
    StorageFormat fmt;
    /* a file disk's chain is the client's: read, written and deleted with
     * their rights; a volume's with the daemon's (its pool) */
    const DaemonCaller *as = disk && disk->type == DOMAIN_DISK_FILE ? caller : NULL;
    CallerFs fs;
    if (!disk) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("invalid argument: disk '%s' not found in domain"), disk_name);
    } else if (disk->readonly) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("disk %s is read-only"), disk->target_dev);
    } else if (domain_disks_source(d, disk, &path, &fmt, error) &&
               caller_fs_enter(as, &fs, error)) {
        g_autoptr(GError) serr = NULL;
        chain = storage_chain_describe(path, fmt, &serr);
        caller_fs_leave(&fs);
        if (!chain)
            g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                                serr->message);
    }
    if (chain && top && *top) {
        g_autofree char *t = g_canonicalize_filename(top, NULL);
        if (strcmp(t, ((StorageChainLayer *)chain->pdata[0])->path) != 0) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID, "%s",
                        _("only the active layer (the top of the chain) can be committed"));
            g_clear_pointer(&chain, g_ptr_array_unref);
        }
    }
    if (chain)
        b = find_base(chain, base, flags, error);
    if (b > 0) {
        const StorageChainLayer *bl = chain->pdata[b];
        if (active) {
            /* the VMM opens nothing: it gets the base, writable, as the
             * client could open it */
            int fd = caller_open(as, bl->path, O_RDWR, CALLER_FILE_DISK, _("commit base"), error);
            g_autofree char *cmd = g_strdup_printf("disk-commit %d -", idx);
            g_autofree char *reply = fd < 0 ? NULL
                                            : vmm_control_request_fd(control, cmd, fd,
                                                                     DAEMON_CONTROL_TIMEOUT_MS * 10,
                                                                     error);
            if (fd >= 0)
                close(fd);
            ok = reply != NULL;
        } else if (caller_fs_enter(as, &fs, error)) {
            ok = commit_here(chain, b, error);
            caller_fs_leave(&fs);
        }
    }

    domain_list_lock(d->domains);
    if (ok) {
        const StorageChainLayer *bl = chain->pdata[b];
        disk_to_base(dom->def->disks[idx], bl);
        if (dom->next_def && (guint)idx < dom->next_def->n_disks &&
            strcmp(dom->next_def->disks[idx]->target_dev, disk->target_dev) == 0)
            disk_to_base(dom->next_def->disks[idx], bl);
        g_autoptr(GError) serr = NULL;
        if (dom->persistent &&
            !domain_store_save_config(d->config, dom->next_def ? dom->next_def : dom->def, &serr))
            g_warning("%s", serr->message);
        if (active && !domain_store_save_status(d->config, dom, &serr))
            g_warning("%s", serr->message);
    }
    domain_obj_job_end(d->domains, dom);
    domain_list_unlock(d->domains);

    if (ok && (flags & COMMIT_DELETE) && caller_fs_enter(as, &fs, NULL)) {
        for (int i = 0; i < b; i++)
            if (unlink(((StorageChainLayer *)chain->pdata[i])->path) < 0)
                g_warning("cannot delete %s: %s", ((StorageChainLayer *)chain->pdata[i])->path,
                          g_strerror(errno));
        caller_fs_leave(&fs);
    }
    return ok;
}
