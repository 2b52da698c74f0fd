/* domain_snapshot.c - external disk-only snapshots (virsh snapshot-create-as
 * DOMAIN NAME --disk-only): every disk moves to a new qcow2 overlay whose
 * backing file is the image it used until now, which from then on stays
 * unchanged - the snapshot.  The overlay goes beside the image, named as
 * libvirt names it: the image's file name with its extension replaced by
 * the snapshot name (base.qcow2 -> base.NAME).
 *
 * A stopped domain just gets its definition changed.  A running one is
 * switched live first: the VMM is told, disk by disk, to continue on the
 * overlay (control channel `disk-overlay INDEX FILE`; it quiesces the
 * disk, flushes the old image and keeps it as the overlay's backing), and
 * the live and persistent definitions follow.  The daemon opens each
 * overlay and sends the descriptor with the request (`disk-overlay INDEX
 * -`): the VMM opens no file.  Overlays of file disks are created and
 * opened with the rights of the client who asks (caller_open.h), those of
 * volumes - in the volume's pool - with the daemon's.  Each disk becomes a file
 * disk of format qcow2, as libvirt does.  Unless NO_METADATA, the
 * snapshot is recorded as libvirt's <domainsnapshot> XML in
 * CONFIG/snapshots/DOMAIN/NAME.xml. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caller_open.h"
#include "daemon_error.h"
#include "domain_disks.h"
#include "domain_snapshot.h"
#include "domain_store.h"
#include "fileutil.h"
#include "i18n.h"
#include "storage/storage.h"
#include "vmm_control.h"

#define SNAPSHOT_NO_METADATA 4u     /* virDomainSnapshotCreateFlags */
#define SNAPSHOT_DISK_ONLY 16u

/* base.qcow2 -> DIR/base.NAME */
static char *overlay_path(const char *image, const char *name)
{
    g_autofree char *dir = g_path_get_dirname(image);
    g_autofree char *base = g_path_get_basename(image);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    g_autofree char *file = g_strconcat(base, ".", name, NULL);
    return g_build_filename(dir, file, NULL);
}

static void disk_to_overlay(DomainDiskDef *disk, const char *overlay)
{
    disk->type = DOMAIN_DISK_FILE;
    g_free(disk->source);
    disk->source = g_strdup(overlay);
    g_clear_pointer(&disk->source_pool, g_free);
    g_clear_pointer(&disk->source_volume, g_free);
    disk->format = DOMAIN_DISK_FORMAT_QCOW2;
}

static gboolean save_metadata(Daemon *d, const DomainDef *def, const char *name,
                              GPtrArray *images, GPtrArray *overlays, GError **error)
{
    g_autofree char *dir = g_build_filename(d->config->config_dir, "snapshots", def->name, NULL);
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot create directory %s: %s"),
                    dir, g_strerror(errno));
        return FALSE;
    }
    GString *x = g_string_new("<domainsnapshot>\n");
    g_autofree char *ename = g_markup_escape_text(name, -1);
    g_string_append_printf(x, "  <name>%s</name>\n  <state>disk-snapshot</state>\n"
                              "  <creationTime>%" G_GINT64_FORMAT "</creationTime>\n"
                              "  <memory snapshot='no'/>\n  <disks>\n",
                           ename, g_get_real_time() / G_USEC_PER_SEC);
    for (guint i = 0; i < def->n_disks; i++) {
        g_autofree char *src = g_markup_escape_text(overlays->pdata[i], -1);
        g_autofree char *was = g_markup_escape_text(images->pdata[i], -1);
        g_string_append_printf(x, "    <disk name='%s' snapshot='external' type='file'>\n"
                                  "      <driver type='qcow2'/>\n"
                                  "      <source file='%s'/>\n"
                                  "      <!-- backing file: %s -->\n    </disk>\n",
                               def->disks[i]->target_dev, src, was);
    }
    g_string_append(x, "  </disks>\n");
    /* the definition the snapshot belongs to, as it was (libvirt keeps
     * the whole <domain> here; domainsnapshot.rng wants it whole) */
    g_autofree char *dxml = domain_def_format(def);
    g_auto(GStrv) lines = g_strsplit(dxml, "\n", -1);
    for (guint i = 0; lines[i]; i++)
        if (*lines[i])
            g_string_append_printf(x, "  %s\n", lines[i]);
    g_string_append(x, "</domainsnapshot>\n");
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *text = g_string_free(x, FALSE);
    return vessel_file_write_atomic(path, text, -1, 0600, error);
}

gboolean domain_snapshot_disk_only(Daemon *d, DomainObj *dom, const char *name, guint flags,
                                   const DaemonCaller *caller, GError **error)
{
    if (flags & ~(SNAPSHOT_NO_METADATA | SNAPSHOT_DISK_ONLY)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unsupported flags 0x%x"),
                    flags);
        return FALSE;
    }
    if (!*name || strchr(name, '/') || name[0] == '.' || strlen(name) > 128 || strchr(name, ',') ||
        strcspn(name, "\n\t ") != strlen(name)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("invalid snapshot name '%s'"), name);
        return FALSE;
    }
    g_autoptr(DomainDef) def = NULL;
    g_autofree char *control = NULL;
    if (!domain_disks_job_begin(d, dom, &def, &control, error))
        return FALSE;
    gboolean active = control != NULL;

    g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) overlays = g_ptr_array_new_with_free_func(g_free);
    guint made = 0, switched = 0;
    gboolean ok = def->n_disks > 0;
    if (!ok)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("domain '%s' has no disks to snapshot"), def->name);
    for (guint i = 0; ok && i < def->n_disks; i++) {
        const DomainDiskDef *disk = def->disks[i];
        char *path = NULL;
        StorageFormat fmt;
        if (disk->readonly) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                        _("disk %s is read-only: nothing to snapshot"), disk->target_dev);
            ok = FALSE;
            break;
        }
        if (!domain_disks_source(d, disk, &path, &fmt, error)) {
            ok = FALSE;
            break;
        }
        g_autofree char *abs = g_canonicalize_filename(path, NULL);
        g_free(path);
        char *ov = overlay_path(abs, name);
        g_ptr_array_add(images, g_strdup(abs));
        g_ptr_array_add(overlays, ov);
        StorageCreateOptions o = { .backing_file = abs, .backing_format = fmt };
        g_autoptr(GError) err = NULL;
        struct stat st;
        /* a file disk's overlay is the client's to make */
        const DaemonCaller *as = disk->type == DOMAIN_DISK_FILE ? caller : NULL;
        CallerFs fs;
        if (!caller_fs_enter(as, &fs, error)) {
            ok = FALSE;
            break;
        }
        if (g_file_test(ov, G_FILE_TEST_EXISTS)) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                        _("snapshot file %s already exists"), ov);
            ok = FALSE;
        } else if (!storage_image_create(ov, STORAGE_FORMAT_QCOW2, 0, &o, &err)) {
            g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID, err->message);
            ok = FALSE;
        } else {
            made++;
            /* the overlay gets the image's owner and mode (the VMM user) */
            if (stat(abs, &st) == 0) {
                if (chmod(ov, st.st_mode & 07777) < 0 ||
                    (chown(ov, st.st_uid, st.st_gid) < 0 && errno != EPERM))
                    g_debug("cannot copy owner and mode of %s to %s", abs, ov);
            }
        }
        caller_fs_leave(&fs);
    }
    /* live: the VMM continues on each overlay */
    for (guint i = 0; ok && active && i < def->n_disks; i++) {
        const DaemonCaller *as = def->disks[i]->type == DOMAIN_DISK_FILE ? caller : NULL;
        int fd = caller_open(as, overlays->pdata[i], O_RDWR, CALLER_FILE_DISK,
                             _("snapshot overlay"), error);
        g_autofree char *cmd = g_strdup_printf("disk-overlay %u -", i);
        g_autofree char *reply = fd < 0 ? NULL
                                        : vmm_control_request_fd(control, cmd, fd,
                                                                 DAEMON_CONTROL_TIMEOUT_MS, error);
        if (fd >= 0)
            close(fd);
        if (!reply)
            ok = FALSE;
        else
            switched++;
    }
    /* overlays the VMM never took are removed again */
    guint keep = active ? switched : (ok ? made : 0);
    for (guint i = keep; i < made; i++) {
        CallerFs fs;
        if (caller_fs_enter(def->disks[i]->type == DOMAIN_DISK_FILE ? caller : NULL, &fs, NULL)) {
            unlink(overlays->pdata[i]);
            caller_fs_leave(&fs);
        }
    }

    domain_list_lock(d->domains);
    if (keep) {
        for (guint i = 0; i < keep; i++) {
            disk_to_overlay(dom->def->disks[i], overlays->pdata[i]);
            if (dom->next_def && i < dom->next_def->n_disks &&
                strcmp(dom->next_def->disks[i]->target_dev, dom->def->disks[i]->target_dev) == 0)
                disk_to_overlay(dom->next_def->disks[i], overlays->pdata[i]);
        }
        g_autoptr(GError) serr = NULL;
        if (dom->persistent &&
            !domain_store_save_config(d->config, dom->next_def ? dom->next_def : dom->def, &serr))
            g_warning("%s", serr->message);
        if (active && !domain_store_save_status(d->config, dom, &serr))
            g_warning("%s", serr->message);
    }
    domain_obj_job_end(d->domains, dom);
    domain_list_unlock(d->domains);
    if (ok && !(flags & SNAPSHOT_NO_METADATA))
        ok = save_metadata(d, def, name, images, overlays, error);
    return ok;
}
