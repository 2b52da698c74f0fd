/* vmm_proc.c - trusting and signalling VMM processes (vmm_proc.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon_error.h"
#include "domain_store.h"
#include "i18n.h"
#include "vmm_proc.h"

int vmm_proc_open_child(pid_t pid)
{
    return pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
}

int vmm_proc_signal(int pidfd, int sig)
{
    if (pidfd < 0)
        return -EBADF;
    return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

/* argv of @pid has "--uuid" followed by @uuid. */
static gboolean cmdline_has_uuid(pid_t pid, const char *uuid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
        return FALSE;
    const char *prev = NULL;
    for (const char *p = data; p < data + len; p += strlen(p) + 1) {
        if (prev && strcmp(prev, "--uuid") == 0 && strcmp(p, uuid) == 0)
            return TRUE;
        prev = p;
    }
    return FALSE;
}

/* /proc/PID/exe is @exe (or @exe replaced since: " (deleted)"). */
static gboolean exe_is(pid_t pid, const char *exe)
{
    g_autofree char *link = g_strdup_printf("/proc/%d/exe", (int)pid);
    g_autofree char *target = g_file_read_link(link, NULL);
    if (!target)
        return FALSE;
    char real[PATH_MAX];
    const char *want = realpath(exe, real) ? real : exe;
    if (strcmp(target, want) == 0)
        return TRUE;
    g_autofree char *deleted = g_strconcat(want, " (deleted)", NULL);
    return strcmp(target, deleted) == 0;
}

static gboolean uid_is(pid_t pid, uid_t uid)
{
    struct stat st;
    g_autofree char *dir = g_strdup_printf("/proc/%d", (int)pid);
    return stat(dir, &st) == 0 && st.st_uid == uid;
}

int vmm_proc_open_verified(const VmmProcClaim *c, GError **error)
{
    if (c->pid <= 1 || c->start_time == 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("no VMM process recorded (pid %d)"), (int)c->pid);
        return -1;
    }
    int fd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    if (fd < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("process %d: %s"),
                    (int)c->pid, g_strerror(errno));
        return -1;
    }
    /* checked while the pidfd pins the process; still alive afterwards
     * means the pid named it all along */
    const char *why = NULL;
    if (domain_store_proc_start_time(c->pid) != c->start_time)
        why = _("it started at another time (the pid was reused)");
    else if (!exe_is(c->pid, c->exe))
        why = _("it does not run the domain's VMM binary");
    else if (!cmdline_has_uuid(c->pid, c->uuid))
        why = _("its command line does not name the domain's UUID");
    else if (c->uid != (uid_t)-1 && !uid_is(c->pid, c->uid))
        why = _("it does not run as the domain's VMM id");
    else if (vmm_proc_signal(fd, 0) < 0)
        why = _("it exited");
    if (why) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("process %d is not this domain's VMM: %s"), (int)c->pid, why);
        close(fd);
        return -1;
    }
    return fd;
}
