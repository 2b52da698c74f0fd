/* vmm_files.c - a VMM's descriptors (see vmm_files.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caller_open.h"
#include "daemon_error.h"
#include "domain_disks.h"
#include "domain_store.h"
#include "i18n.h"
#include "unix_addr.h"
#include "vmm_files.h"
#include "xml/domain_vmm.h"

/* and "output", the VMM's stdout and stderr (vmm_log.h) */
static const char *const socket_kinds[] = { "control", "console", "hvc", "output" };

/* Give @fd to the VMM; returns the number it will have there. */
static int files_add(VmmFiles *f, int fd)
{
    int target = VMM_FIRST_FD + (int)f->fds->len;
    g_array_append_val(f->fds, fd);
    g_array_append_val(f->targets, target);
    return target;
}

static char *fd_arg(const char *prefix, int target)
{
    return g_strdup_printf("%sfd:%d", prefix, target);
}

/* A listening socket at @path (unlinked first: the directory is ours). */
static int bind_listener(const char *path, GError **error)
{
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || unix_addr_bind(fd, path) < 0 || listen(fd, 8) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot listen on %s: %s"), path, g_strerror(e));
        return -1;
    }
    return fd;
}

gboolean vmm_files_make_runtime_dir(const DaemonConfig *cfg, const char *uuid,
                                    GError **error)
{
    g_autofree char *dir = domain_store_runtime_dir(cfg, uuid);
    vmm_files_remove_runtime_dir(cfg, uuid);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        int e = errno;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot create directory %s: %s"), dir, g_strerror(e));
        return FALSE;
    }
    struct stat st;
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 0077)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("%s is not a private directory of the daemon"), dir);
        return FALSE;
    }
    return TRUE;
}

void vmm_files_remove_runtime_dir(const DaemonConfig *cfg, const char *uuid)
{
    g_autofree char *dir = domain_store_runtime_dir(cfg, uuid);
    for (gsize i = 0; i < G_N_ELEMENTS(socket_kinds); i++) {
        g_autofree char *p = g_build_filename(dir, socket_kinds[i], NULL);
        unlink(p);
    }
    if (rmdir(dir) < 0 && errno != ENOENT)
        g_debug("cannot remove %s: %s", dir, g_strerror(errno));
}

static gboolean add_socket(VmmFiles *f, const DaemonConfig *cfg, const DomainDef *def,
                           const char *kind, int *target, GError **error)
{
    g_autofree char *path = domain_store_socket_path(cfg, def, kind);
    int fd = bind_listener(path, error);
    if (fd < 0)
        return FALSE;
    *target = files_add(f, fd);
    return TRUE;
}

static gboolean add_file(VmmFiles *f, const DaemonCaller *caller, const char *path, int flags,
                         CallerFileKind kind, const char *what, char **arg, GError **error)
{
    int fd = caller_open(caller, path, flags, kind, what, error);
    if (fd < 0)
        return FALSE;
    *arg = fd_arg("", files_add(f, fd));
    return TRUE;
}

/* Pass a descriptor the daemon keeps (a copy goes to the VMM). */
static int add_dup(VmmFiles *f, int fd, const char *what, GError **error)
{
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot pass %s: %s"), what,
                    g_strerror(errno));
        return -1;
    }
    return files_add(f, copy);
}

VmmFiles *vmm_files_open(const DaemonConfig *cfg, const DomainDef *def,
                         const DaemonCaller *caller, const int *tap_fds, int vnc_fd,
                         const GPtrArray *disk_layers, int lock_fd, GError **error)
{
    g_autoptr(VmmFiles) f = g_new0(VmmFiles, 1);
    f->fds = g_array_new(FALSE, FALSE, sizeof(int));
    f->targets = g_array_new(FALSE, FALSE, sizeof(int));
    f->tap_targets = g_new0(int, def->n_nets + 1);
    f->disks = g_new0(char *, def->n_disks + 1);
    f->control = -1;

    for (guint i = 0; i < def->n_nets; i++) {
        g_autofree char *what = g_strdup_printf(_("the tap of interface %u"), i);
        if ((f->tap_targets[i] = add_dup(f, tap_fds[i], what, error)) < 0)
            return NULL;
    }
    if (vnc_fd >= 0) {
        int target = add_dup(f, vnc_fd, _("the VNC socket"), error);
        if (target < 0)
            return NULL;
        f->vnc = fd_arg("", target);
    }
    if (def->kernel && !add_file(f, caller, def->kernel, O_RDONLY, CALLER_FILE_REGULAR,
                                 _("kernel"), &f->kernel, error))
        return NULL;
    /* firmware boot: a <loader> the client names is opened with their
     * rights, the installed default with the daemon's */
    if (!def->kernel && !add_file(f, def->loader ? caller : NULL,
                                  def->loader ? def->loader : DOMAIN_DEFAULT_FIRMWARE, O_RDONLY,
                                  CALLER_FILE_REGULAR, _("firmware"), &f->bios, error))
        return NULL;
    if (def->initrd && !add_file(f, caller, def->initrd, O_RDONLY, CALLER_FILE_REGULAR,
                                 _("initrd"), &f->initrd, error))
        return NULL;
    for (guint i = 0; i < def->n_disks && disk_layers; i++) {
        /* --disk fd:N,format=F[,readonly][,backing=F:fd:M]...: every layer
         * of the chain as a descriptor, the top one writable unless the
         * disk is read-only */
        const GPtrArray *layers = disk_layers->pdata[i];
        GString *arg = g_string_new(NULL);
        for (guint l = 0; l < layers->len; l++) {
            const DomainDiskLayer *dl = layers->pdata[l];
            int flags = l == 0 && !def->disks[i]->readonly ? O_RDWR : O_RDONLY;
            g_autofree char *fd = NULL;
            if (!add_file(f, dl->pool_owned ? NULL : caller, dl->path, flags, CALLER_FILE_DISK,
                          l == 0 ? _("disk image") : _("backing file"), &fd, error)) {
                g_string_free(arg, TRUE);
                return NULL;
            }
            if (l == 0)
                g_string_append_printf(arg, "%s,format=%s%s", fd, dl->format,
                                       def->disks[i]->readonly ? ",readonly" : "");
            else
                g_string_append_printf(arg, ",backing=%s:%s", dl->format, fd);
        }
        f->disks[i] = g_string_free(arg, FALSE);
    }
    int target;
    if (!add_socket(f, cfg, def, "control", &f->control, error))
        return NULL;
    if (def->serial || def->console) {
        if (!add_socket(f, cfg, def, "console", &target, error))
            return NULL;
        f->serial = fd_arg("unix:", target);
    }
    if (def->virtio_console) {
        if (!add_socket(f, cfg, def, "hvc", &target, error))
            return NULL;
        f->console = fd_arg("unix:", target);
    }
    if (lock_fd >= 0) {
        int target = add_dup(f, lock_fd, _("the domain's lock"), error);
        if (target < 0)
            return NULL;
        f->pidfile = fd_arg("", target);
    }
    return g_steal_pointer(&f);
}

void vmm_files_free(VmmFiles *f)
{
    if (!f)
        return;
    for (guint i = 0; f->fds && i < f->fds->len; i++)
        close(g_array_index(f->fds, int, i));
    if (f->fds)
        g_array_unref(f->fds);
    if (f->targets)
        g_array_unref(f->targets);
    g_free(f->tap_targets);
    g_free(f->kernel);
    g_free(f->bios);
    g_free(f->initrd);
    g_strfreev(f->disks);
    g_free(f->serial);
    g_free(f->console);
    g_free(f->vnc);
    g_free(f->pidfile);
    g_free(f);
}
