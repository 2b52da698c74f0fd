/* domain_process.c - spawning and watching VMM processes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon_error.h"
#include "domain_process.h"
#include "domain_log.h"
#include "domain_store.h"
#include "i18n.h"
#include "vmm_files.h"
#include "vmm_ids.h"
#include "xml/domain_vmm.h"

/* vessel-vmm of the build tree this daemon runs from: daemon/vesseld
 * (or libtool's daemon/.libs/vesseld) beside vmm/vessel-vmm, as vsh finds
 * vesseld.  Only for a daemon that is not the installed one, whose path
 * is fixed at build time.  NULL when there is none. */
static char *vmm_next_to_self(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *installed = g_build_filename(SBINDIR, "vesseld", NULL);
    if (!exe || strcmp(exe, installed) == 0)
        return NULL;
    g_autofree char *dir = g_path_get_dirname(exe);
    const char *rel = g_str_has_suffix(dir, "/.libs") ? "../../vmm/vessel-vmm"
                                                      : "../vmm/vessel-vmm";
    g_autofree char *p = g_canonicalize_filename(rel, dir);
    if (g_file_test(p, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test(p, G_FILE_TEST_IS_DIR))
        return g_steal_pointer(&p);
    return NULL;
}

/* The VMM for domains without <emulator>: [vmm] path, else $VESSEL_VMM,
 * else the build tree's (vmm_next_to_self), else the installed one. */
static char *default_vmm(const DaemonConfig *cfg)
{
    if (cfg->vmm_path)
        return g_strdup(cfg->vmm_path);
    const char *env = g_getenv("VESSEL_VMM");
    if (env && *env)
        return g_strdup(env);
    char *self = vmm_next_to_self();
    return self ? self : g_build_filename(BINDIR, "vessel-vmm", NULL);
}

/* The VMMs a client may name in <emulator>: what the administrator's
 * configuration or the daemon's own environment names, never what a
 * client sends.  Paths are compared canonicalized (no "..", "//"). */
static gboolean emulator_allowed(const DaemonConfig *cfg, const char *emulator)
{
    g_autofree char *want = g_canonicalize_filename(emulator, "/");
    g_autofree char *installed = g_build_filename(BINDIR, "vessel-vmm", NULL);
    g_autofree char *self = vmm_next_to_self();
    const char *env = g_getenv("VESSEL_VMM");
    const char *fixed[] = { installed, cfg->vmm_path, env && *env ? env : NULL, self };
    for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++) {
        if (!fixed[i] || !g_path_is_absolute(fixed[i]))
            continue;
        g_autofree char *c = g_canonicalize_filename(fixed[i], "/");
        if (strcmp(c, want) == 0)
            return TRUE;
    }
    for (char **e = cfg->vmm_emulators; e && *e; e++)
        if (strcmp(*e, want) == 0)
            return TRUE;
    return FALSE;
}

char *domain_process_resolve_vmm(const DaemonConfig *cfg, const DomainDef *def, GError **error)
{
    if (def->emulator) {
        if (!emulator_allowed(cfg, def->emulator)) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                        _("Emulator %s of domain '%s' is not allowed: vesseld runs only the "
                          "installed vessel-vmm, [vmm] path, $VESSEL_VMM and [vmm] emulators "
                          "of its configuration"),
                        def->emulator, def->name);
            return NULL;
        }
        return g_canonicalize_filename(def->emulator, "/");
    }
    return default_vmm(cfg);
}

/* What a VMM inherits of the daemon's environment: the locale, the
 * sanitizers' options of an instrumented build and the VMM's own debug
 * knobs; PATH is fixed.  Nothing else of whoever started the daemon (a
 * shell's LD_PRELOAD, HOME, credentials in variables) reaches a VMM. */
static const char *const vmm_env_keep[] = {
    "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "TZ",
    "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
    "VESSEL_HOST_ROOT", /* the KVM decision's test hook (common/host_kvm.h) */
};
#define VMM_ENV_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

GStrv domain_process_vmm_environ(void)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_auto(GStrv) env = g_get_environ();
    g_strv_builder_add(b, VMM_ENV_PATH);
    for (char **e = env; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        gsize len = (gsize)(eq - *e);
        gboolean keep = len > 10 && strncmp(*e, "VESSEL_DBT", 10) == 0;
        for (gsize i = 0; !keep && i < G_N_ELEMENTS(vmm_env_keep); i++)
            keep = strlen(vmm_env_keep[i]) == len && strncmp(*e, vmm_env_keep[i], len) == 0;
        if (keep)
            g_strv_builder_add(b, *e);
    }
    return g_strv_builder_end(b);
}

typedef struct {
    gboolean drop;
    uid_t uid;
    gid_t gid;
    gid_t groups[1];
    int n_groups;
    int cap_last;
} ChildCreds;

/* Runs in the child between fork and exec: async-signal-safe calls only.
 * A root daemon's VMM becomes its per-VM id, with no capability left
 * (bounding set emptied too) and no way back (no_new_privs); if any of
 * that fails the child exits 126 and never runs the VMM. */
static void child_setup(gpointer data)
{
    ChildCreds *cr = data;
    setsid();
    if (cr->drop) {
        for (int cap = 0; cap <= cr->cap_last; cap++)
            prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
        if (setgroups(cr->n_groups, cr->groups) < 0 || setresgid(cr->gid, cr->gid, cr->gid) < 0 ||
            setresuid(cr->uid, cr->uid, cr->uid) < 0 || getuid() != cr->uid ||
            geteuid() != cr->uid || setuid(0) == 0)
            _exit(126);
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit(126);
}

static int read_cap_last(void)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents("/proc/sys/kernel/cap_last_cap", &text, NULL, NULL))
        return 63;
    int v = atoi(text);
    return v > 0 && v < 64 ? v : 63;
}

gboolean domain_process_spawn(const DomainSpawnParams *p, pid_t *pid_out, VmmLog **log_out,
                              GError **error)
{
    ChildCreds cr = { 0 };
    if (geteuid() == 0) {
        /* never a VMM as root */
        if (p->vmm_id == 0) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("Refusing to start the VMM of '%s' without a VMM id"), p->def->name);
            return FALSE;
        }
        cr.drop = TRUE;
        cr.uid = (uid_t)p->vmm_id;
        cr.gid = (gid_t)p->vmm_id;
        gid_t kvm = vmm_ids_kvm_gid();
        if (kvm != (gid_t)-1)
            cr.groups[cr.n_groups++] = kvm;
        cr.cap_last = read_cap_last();
    }
    g_autofree char *vmm = domain_process_resolve_vmm(p->cfg, p->def, error);
    if (!vmm)
        return FALSE;
    g_autoptr(VmmFiles) files = vmm_files_open(p->cfg, p->def, p->caller, p->tap_fds,
                                               p->vnc_fd, p->disk_layers, p->lock_fd, error);
    if (!files)
        return FALSE;
    DomainVmmParams vp = {
        .vmm_path = vmm,
        .serial = files->serial,
        .console = files->console,
        .control_fd = files->control,
        .tap_fds = p->def->n_nets ? files->tap_targets : NULL,
        .vnc = files->vnc,
        .disk_args = (const char *const *)files->disks,
        .paused = TRUE, /* resumed once the console relay is attached */
        .kernel = files->kernel,
        .initrd = files->initrd,
        .bios = files->bios,
        .pidfile = files->pidfile,
    };
    g_autoptr(GError) xerr = NULL;
    g_auto(GStrv) argv = domain_def_to_vmm_argv(p->def, &vp, &xerr);
    if (!argv) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Cannot build the VMM command line for '%s': %s"),
                    p->def->name, xerr->message);
        return FALSE;
    }

    /* the log is the daemon's: the VMM writes into a FIFO we copy from
     * (vmm_log.h), so it can add lines but never truncate the file */
    int log_fd = open(p->log_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (log_fd < 0) {
        int err = errno;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot open log file %s: %s"), p->log_path, g_strerror(err));
        return FALSE;
    }
    g_autofree char *fifo = domain_store_socket_path(p->cfg, p->def, "output");
    int out_fd = -1;
    VmmLog *log = vmm_log_new(fifo, p->log_path, p->cfg->max_domain_log, &out_fd, error);
    if (!log) {
        close(log_fd);
        return FALSE;
    }

    g_autofree char *cmd = g_strjoinv(" ", argv);
    g_autofree char *ids = cr.drop ? g_strdup_printf(" (as uid and gid %u)", (unsigned)cr.uid)
                                   : g_strdup("");
    g_autofree char *hdr = g_strdup_printf("starting up: %s%s", cmd, ids);
    domain_log_daemon_line(log_fd, hdr);

    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL;
    if (!strchr(argv[0], '/'))
        flags |= G_SPAWN_SEARCH_PATH;
    g_auto(GStrv) envp = domain_process_vmm_environ();
    GPid pid = 0;
    g_autoptr(GError) serr = NULL;
    gboolean ok = g_spawn_async_with_pipes_and_fds(
        NULL, (const char *const *)argv, (const char *const *)envp, flags, child_setup, &cr, -1,
        out_fd, out_fd,
        (const int *)files->fds->data, (const int *)files->targets->data, files->fds->len,
        &pid, NULL, NULL, NULL, &serr);
    close(log_fd);
    close(out_fd);    /* the VMM has its copy; its exit ends the FIFO */
    if (!ok) {
        vmm_log_finish(log);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot start VMM %s: %s"), argv[0], serr->message);
        return FALSE;
    }
    *pid_out = pid;
    *log_out = log;
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

guint domain_process_watch_pidfd(GMainContext *context, pid_t pid, int pidfd,
                                 DomainExitFunc func, gpointer data,
                                 GDestroyNotify notify, GError **error)
{
    int fd = fcntl(pidfd, F_DUPFD_CLOEXEC, 3);
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
