/* caller_open.c - open files as the client (see caller_open.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caller_open.h"
#include "daemon_error.h"
#include "i18n.h"

/* Raw system calls: glibc's wrappers of setgroups() broadcast the change
 * to every thread of the process; these change only this thread. */
static long thread_setgroups(size_t n, const gid_t *list)
{
    return syscall(SYS_setgroups, n, list);
}

void caller_fs_leave(CallerFs *save)
{
    if (!save->switched)
        return;
    syscall(SYS_setfsuid, 0);
    syscall(SYS_setfsgid, 0);
    if (thread_setgroups((size_t)save->n_groups, save->groups) < 0 ||
        (uid_t)syscall(SYS_setfsuid, (uid_t)-1) != 0 ||
        (gid_t)syscall(SYS_setfsgid, (gid_t)-1) != 0)
        g_error("cannot restore the daemon's credentials: %s", g_strerror(errno));
    save->switched = FALSE;
}

/* Switch this thread's file-system identity to @c (a root daemon and
 * another user only). */
gboolean caller_fs_enter(const DaemonCaller *c, CallerFs *save, GError **error)
{
    save->switched = FALSE;
    if (!c || geteuid() != 0 || c->uid == 0)
        return TRUE;
    save->n_groups = (int)syscall(SYS_getgroups, G_N_ELEMENTS(save->groups), save->groups);
    if (save->n_groups < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, "getgroups: %s",
                    g_strerror(errno));
        return FALSE;
    }
    save->switched = TRUE;
    if (thread_setgroups(c->groups->len, (const gid_t *)c->groups->data) < 0) {
        int e = errno;
        caller_fs_leave(save);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot take the groups of %s: %s"), c->label, g_strerror(e));
        return FALSE;
    }
    syscall(SYS_setfsgid, c->gid);
    syscall(SYS_setfsuid, c->uid);
    if ((uid_t)syscall(SYS_setfsuid, (uid_t)-1) != c->uid ||
        (gid_t)syscall(SYS_setfsgid, (gid_t)-1) != c->gid) {
        caller_fs_leave(save);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot take the file-system identity of %s"), c->label);
        return FALSE;
    }
    return TRUE;
}

/* Under the caller's credentials: which permission is missing for
 * @path?  The first directory without search permission, else the
 * file's read or write permission. */
static char *explain_denied(const char *path, int flags)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_auto(GStrv) parts = g_strsplit(dir, "/", -1);
    g_autoptr(GString) prefix = g_string_new("");
    for (guint i = 0; parts[i]; i++) {
        if (!*parts[i] && i > 0)
            continue;
        if (prefix->len == 0 || prefix->str[prefix->len - 1] != '/')
            g_string_append_c(prefix, '/');
        g_string_append(prefix, parts[i]);
        if (faccessat(AT_FDCWD, prefix->str, X_OK, AT_EACCESS) < 0 && errno == EACCES)
            return g_strdup_printf(_("no search (x) permission on directory %s"), prefix->str);
    }
    gboolean want_w = (flags & O_ACCMODE) != O_RDONLY;
    gboolean no_r = faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) < 0 && errno == EACCES;
    gboolean no_w = want_w && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0 &&
                    (errno == EACCES || errno == EROFS);
    if (no_r && no_w)
        return g_strdup_printf(_("no read and no write permission on %s"), path);
    if (no_w)
        return g_strdup_printf(_("no write permission on %s"), path);
    return g_strdup_printf(_("no read permission on %s"), path);
}

static gboolean kind_ok(const struct stat *st, CallerFileKind kind)
{
    return S_ISREG(st->st_mode) || (kind == CALLER_FILE_DISK && S_ISBLK(st->st_mode));
}

int caller_open(const DaemonCaller *caller, const char *path, int flags,
                CallerFileKind kind, const char *what, GError **error)
{
    if (!path || !g_path_is_absolute(path)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("%s '%s': not an absolute path"), what, path ? path : "");
        return -1;
    }
    CallerFs save;
    if (!caller_fs_enter(caller, &save, error))
        return -1;
    int fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    int e = errno;
    g_autofree char *why = fd < 0 && (e == EACCES || e == EPERM || e == EROFS)
                               ? explain_denied(path, flags)
                               : NULL;
    caller_fs_leave(&save);
    const char *who = caller ? caller->label : _("the daemon");
    if (fd < 0) {
        if (why)
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                        _("Cannot open %s %s for %s: %s has %s"), what, path,
                        (flags & O_ACCMODE) == O_RDONLY ? _("reading")
                                                        : _("reading and writing"),
                        who, why);
        else
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                        _("Cannot open %s %s (as %s): %s"), what, path, who, g_strerror(e));
        return -1;
    }
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fstat(fd, &st) < 0 || !kind_ok(&st, kind) || fl < 0 ||
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        close(fd);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    kind == CALLER_FILE_DISK ? _("%s %s is not a regular file or block device")
                                             : _("%s %s is not a regular file"),
                    what, path);
        return -1;
    }
    return fd;
}
