/* domain_process.c - spawning and watching VMM processes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon_error.h"
#include "domain_process.h"
#include "domain_store.h"
#include "i18n.h"
#include "xml/domain_vmm.h"

char *domain_process_resolve_vmm(const DaemonConfig *cfg, const DomainDef *def)
{
    if (def->emulator)
        return g_strdup(def->emulator);
    if (cfg->vmm_path)
        return g_strdup(cfg->vmm_path);
    const char *env = g_getenv("VESSEL_VMM");
    if (env && *env)
        return g_strdup(env);
    return g_build_filename(BINDIR, "vessel-vmm", NULL);
}

typedef struct {
    gboolean drop;
    uid_t uid;
    gid_t gid;
    gid_t groups[64];
    int n_groups;
} ChildCreds;

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void child_setup(gpointer data)
{
    ChildCreds *cr = data;
    setsid();
    if (cr->drop) {
        if (setgroups(cr->n_groups, cr->groups) < 0 || setgid(cr->gid) < 0 ||
            setuid(cr->uid) < 0)
            _exit(126);
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static gboolean lookup_vmm_user(const DaemonConfig *cfg, ChildCreds *cr)
{
    if (geteuid() != 0 || !cfg->vmm_user || !*cfg->vmm_user)
        return FALSE;
    struct passwd *pw = getpwnam(cfg->vmm_user);
    if (!pw)
        return FALSE;
    cr->uid = pw->pw_uid;
    cr->gid = pw->pw_gid;
    cr->n_groups = G_N_ELEMENTS(cr->groups);
    if (getgrouplist(pw->pw_name, pw->pw_gid, cr->groups, &cr->n_groups) < 0)
        cr->n_groups = 0;
    cr->drop = TRUE;
    return TRUE;
}

/* Inherited fds start here: 0-2 are /dev/null and the log. */
#define VMM_FIRST_FD 3

gboolean domain_process_spawn(const DomainSpawnParams *p, pid_t *pid_out, GError **error)
{
    g_autofree char *vmm = domain_process_resolve_vmm(p->cfg, p->def);
    g_autofree char *serial = g_strconcat("unix:", p->console_path, NULL);
    /* a virtio console (hvc0) listens next to the serial console */
    g_autofree char *hvc_path = domain_store_socket_path(p->cfg, p->def, "hvc");
    g_autofree char *hvc = g_strconcat("unix:", hvc_path, NULL);
    guint n_taps = p->tap_fds ? p->def->n_nets : 0;
    guint n_fds = n_taps + (p->vnc_fd >= 0);
    g_autofree int *source_fds = g_new(int, n_fds + 1);
    g_autofree int *target_fds = g_new(int, n_fds + 1);
    for (guint i = 0; i < n_taps; i++) {
        source_fds[i] = p->tap_fds[i];
        target_fds[i] = VMM_FIRST_FD + (int)i;
    }
    g_autofree char *vnc = NULL;
    if (p->vnc_fd >= 0) {
        source_fds[n_taps] = p->vnc_fd;
        target_fds[n_taps] = VMM_FIRST_FD + (int)n_taps;
        vnc = g_strdup_printf("fd:%d", target_fds[n_taps]);
    }
    DomainVmmParams vp = {
        .vmm_path = vmm,
        .serial = serial,
        .console = hvc,
        .control_path = p->control_path,
        .control_fd = -1,
        .tap_names = p->tap_names,
        .tap_fds = n_taps ? target_fds : NULL,
        .vnc = vnc,
        .disk_args = p->disk_args,
        .paused = TRUE, /* resumed once the console relay is attached */
    };
    g_autoptr(GError) xerr = NULL;
    g_auto(GStrv) argv = domain_def_to_vmm_argv(p->def, &vp, &xerr);
    if (!argv) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Cannot build the VMM command line for '%s': %s"),
                    p->def->name, xerr->message);
        return FALSE;
    }

    int log_fd = open(p->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        int err = errno;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot open log file %s: %s"), p->log_path, g_strerror(err));
        return FALSE;
    }
    ChildCreds cr = { 0 };
    lookup_vmm_user(p->cfg, &cr);
    if (cr.drop && fchown(log_fd, cr.uid, cr.gid) < 0)
        g_debug("cannot chown %s: %s", p->log_path, g_strerror(errno));

    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format_iso8601(now);
    g_autofree char *cmd = g_strjoinv(" ", argv);
    g_autofree char *hdr = g_strdup_printf("%s vesseld: starting up: %s\n", stamp, cmd);
    if (write(log_fd, hdr, strlen(hdr)) < 0)
        g_debug("cannot write to %s: %s", p->log_path, g_strerror(errno));

    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL;
    if (!strchr(argv[0], '/'))
        flags |= G_SPAWN_SEARCH_PATH;
    GPid pid = 0;
    g_autoptr(GError) serr = NULL;
    gboolean ok = g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv, NULL,
                                                   flags, child_setup, &cr, -1, log_fd,
                                                   log_fd, source_fds, target_fds, n_fds,
                                                   &pid, NULL, NULL, NULL, &serr);
    close(log_fd);
    if (!ok) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot start VMM %s: %s"), argv[0], serr->message);
        return FALSE;
    }
    *pid_out = pid;
    return TRUE;
}

typedef struct {
    DomainExitFunc func;
    gpointer data;
    GDestroyNotify notify;
    pid_t pid;
    int pidfd;
} ExitWatch;

static void exit_watch_free(gpointer p)
{
    ExitWatch *w = p;
    if (w->notify)
        w->notify(w->data);
    if (w->pidfd >= 0)
        close(w->pidfd);
    g_free(w);
}

static void on_child_exit(GPid pid, gint status, gpointer data)
{
    ExitWatch *w = data;
    w->func(pid, status, w->data);
}

guint domain_process_watch_child(GMainContext *context, pid_t pid,
                                 DomainExitFunc func, gpointer data,
                                 GDestroyNotify notify)
{
    ExitWatch *w = g_new0(ExitWatch, 1);
    *w = (ExitWatch){ func, data, notify, pid, -1 };
    g_autoptr(GSource) src = g_child_watch_source_new(pid);
    g_source_set_callback(src, G_SOURCE_FUNC(on_child_exit), w, exit_watch_free);
    return g_source_attach(src, context);
}

static gboolean on_pidfd_ready(gint fd, GIOCondition cond, gpointer data)
{
    ExitWatch *w = data;
    w->func(w->pid, -1, w->data);
    return G_SOURCE_REMOVE;
}

guint domain_process_watch_pidfd(GMainContext *context, pid_t pid,
                                 DomainExitFunc func, gpointer data,
                                 GDestroyNotify notify, GError **error)
{
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot watch process %d: %s"), (int)pid, g_strerror(errno));
        return 0;
    }
    ExitWatch *w = g_new0(ExitWatch, 1);
    *w = (ExitWatch){ func, data, notify, pid, fd };
    g_autoptr(GSource) src = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(src, G_SOURCE_FUNC(on_pidfd_ready), w, exit_watch_free);
    return g_source_attach(src, context);
}

char *domain_process_log_tail(const char *log_path, goffset offset)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(log_path, &data, &len, NULL) || (gsize)offset >= len)
        return NULL;
    g_auto(GStrv) lines = g_strsplit(data + offset, "\n", -1);
    for (int i = (int)g_strv_length(lines) - 1; i >= 0; i--) {
        g_strstrip(lines[i]);
        /* skip the daemon's own lines ("STAMP vesseld: ...") */
        const char *sp = strchr(lines[i], ' ');
        if (*lines[i] && !(sp && g_str_has_prefix(sp + 1, "vesseld: ")))
            return g_strdup(lines[i]);
    }
    return NULL;
}
