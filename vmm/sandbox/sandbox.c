/* sandbox.c - the VMM confines itself (sandbox.h has the order of
 * events; vmm/README "Sandbox" what is confined and why).
 *
 * Process-wide, once (main thread, sandbox_lock_down): an empty root
 * in the VMM's own mount namespace when it needs no file system
 * (mountns.c; the namespace is entered earlier), rlimits, the
 * inherited descriptors nobody named closed, the landlock ruleset and
 * the seccomp programs of every thread class built.  Per thread (every
 * thread, sandbox_confine_self): no_new_privs, the capability bounding
 * set and ambient set emptied where permitted, every capability
 * dropped, landlock, then its class's seccomp filter.
 *
 * The gate: threads the VMM starts call sandbox_thread_enter() first.
 * Between sandbox_arm() and sandbox_seal() they wait there, so no
 * thread runs unconfined once guest code can run, and none is confined
 * before the main thread has opened everything.  A thread that got
 * through the gate confines itself whether it inherited the main
 * thread's confinement or not: every step is idempotent (a second
 * landlock layer with the same rules changes nothing). */
#include "config.h"

#include "vmm/sandbox/sandbox_priv.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

G_DEFINE_QUARK(vessel-sandbox-error-quark, sandbox_error)

typedef enum {
    GATE_OPEN,       /* no sandbox (unit tests, --sandbox off): pass */
    GATE_ARMED,      /* wait */
    GATE_SEALED,     /* confine yourself, then pass */
} SandboxGate;

/* The sandbox is a property of the process: one state. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    SandboxGate gate;
    GArray *inherited;       /* int: descriptors open at sandbox_arm() */
    GArray *named;           /* int: descriptors argv names (fd:N, tapfd=N) */
    int ruleset_fd;          /* landlock, -1 without */
    int landlock_abi;
    SandboxBpf bpf[SANDBOX_THREAD_LAST];
} sb = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER,
    .gate = GATE_OPEN,
    .ruleset_fd = -1,
};

static const char *const thread_names[SANDBOX_THREAD_LAST] = {
    [SANDBOX_THREAD_MAIN] = "main",
    [SANDBOX_THREAD_VCPU] = "vcpu",
    [SANDBOX_THREAD_IO] = "io",
    [SANDBOX_THREAD_TIMER] = "timer",
    [SANDBOX_THREAD_DISPLAY] = "display",
};
G_STATIC_ASSERT(G_N_ELEMENTS(thread_names) == SANDBOX_THREAD_LAST);

const char *sandbox_thread_name(SandboxThread cls)
{
    return cls < SANDBOX_THREAD_LAST ? thread_names[cls] : "?";
}

/* ---- descriptors ------------------------------------------------------ */

/* Every number after "fd:" or "tapfd=" in @s. */
static void note_named_fds(GArray *named, const char *s)
{
    static const char *const marks[] = { "fd:", "tapfd=" };
    for (size_t m = 0; m < G_N_ELEMENTS(marks); m++) {
        for (const char *p = strstr(s, marks[m]); p; p = strstr(p + 1, marks[m])) {
            const char *d = p + strlen(marks[m]);
            if (*d < '0' || *d > '9')
                continue;
            long n = strtol(d, NULL, 10);
            if (n >= 0 && n < INT_MAX) {
                int fd = (int)n;
                g_array_append_val(named, fd);
            }
        }
    }
}

static void note_inherited_fds(GArray *inherited)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        /* no /proc: probe the usual range */
        for (int fd = 3; fd < 1024; fd++)
            if (fcntl(fd, F_GETFD) >= 0)
                g_array_append_val(inherited, fd);
        return;
    }
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || e->d_name[0] == '.' || fd < 3 || fd == self)
            continue;
        int v = (int)fd;
        g_array_append_val(inherited, v);
    }
    closedir(d);
}

static bool fd_in(GArray *a, int fd)
{
    for (guint i = 0; a && i < a->len; i++)
        if (g_array_index(a, int, i) == fd)
            return true;
    return false;
}

/* Inherited descriptors nobody named are not ours to keep: a parent's
 * leak must not become the guest's way out. */
static void close_unnamed_fds(void)
{
    for (guint i = 0; sb.inherited && i < sb.inherited->len; i++) {
        int fd = g_array_index(sb.inherited, int, i);
        if (!fd_in(sb.named, fd))
            close(fd);
    }
}

/* ---- per thread ------------------------------------------------------- */

static int drop_capabilities(void)
{
    /* The bounding set needs CAP_SETPCAP: "where permitted". */
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
            prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof(data));
    if (syscall(SYS_capset, &hdr, data) < 0)
        return -errno;
    return 0;
}

/* Everything but the seccomp filter; -errno. */
static int confine_self(void)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -errno;
    int r = drop_capabilities();
    if (r < 0)
        return r;
    if (sb.ruleset_fd >= 0)
        return sandbox_landlock_restrict(sb.ruleset_fd);
    return 0;
}

static void thread_die(SandboxThread cls, const char *what, int err)
{
    /* No GLib here: the thread may be half-confined. */
    char msg[160];
    int n = snprintf(msg, sizeof(msg), "vessel-vmm: sandbox: %s thread: %s: %s\n",
                     sandbox_thread_name(cls), what, strerror(-err));
    if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
        n = 0;
    _exit(1);
}

void sandbox_thread_enter(SandboxThread cls)
{
    pthread_mutex_lock(&sb.lock);
    while (sb.gate == GATE_ARMED)
        pthread_cond_wait(&sb.cond, &sb.lock);
    SandboxGate gate = sb.gate;
    pthread_mutex_unlock(&sb.lock);
    if (gate != GATE_SEALED)
        return;
    /* A thread started after sealing runs under the main thread's filter
     * already (and its confinement): it adds its own filter only. */
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2) {
        int r = confine_self();
        if (r < 0)
            thread_die(cls, "cannot confine itself", r);
    }
    int r = sandbox_bpf_install(&sb.bpf[cls]);
    if (r < 0)
        thread_die(cls, "cannot install its seccomp filter", r);
}

/* ---- the main thread -------------------------------------------------- */

void sandbox_arm(int argc, char **argv)
{
    pthread_mutex_lock(&sb.lock);
    sb.gate = GATE_ARMED;
    pthread_mutex_unlock(&sb.lock);
    sb.inherited = g_array_new(FALSE, FALSE, sizeof(int));
    sb.named = g_array_new(FALSE, FALSE, sizeof(int));
    note_inherited_fds(sb.inherited);
    for (int i = 1; i < argc; i++)
        note_named_fds(sb.named, argv[i]);
}

static void sandbox_open_gate(SandboxGate to)
{
    pthread_mutex_lock(&sb.lock);
    if (sb.gate == GATE_ARMED)
        sb.gate = to;
    pthread_cond_broadcast(&sb.cond);
    pthread_mutex_unlock(&sb.lock);
}

void sandbox_disarm(void)
{
    sandbox_open_gate(GATE_OPEN);
}

static gboolean set_rlimits(GError **error)
{
    /* The descriptors open now, plus room for clients of the control
     * socket, the serial socket and VNC. */
    int highest = 0;
    for (int fd = 0; fd < 65536; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            highest = fd;
        else if (fd > highest + 1024)
            break;
    const struct {
        int resource;
        const char *name;
        rlim_t value;
    } limits[] = {
        { RLIMIT_NOFILE, "RLIMIT_NOFILE", (rlim_t)highest + 1 + 256 },
        { RLIMIT_CORE, "RLIMIT_CORE", 0 },         /* no core file holds guest memory */
        { RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", 0 },
        { RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 0 },
        { RLIMIT_RTPRIO, "RLIMIT_RTPRIO", 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(limits); i++) {
        struct rlimit cur;
        if (getrlimit(limits[i].resource, &cur) < 0)
            continue;
        struct rlimit lim = { limits[i].value, limits[i].value };
        if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < lim.rlim_max)
            lim.rlim_cur = lim.rlim_max = cur.rlim_max;   /* lower already */
        if (setrlimit(limits[i].resource, &lim) < 0) {
            g_set_error(error, SANDBOX_ERROR, 0, "cannot set %s: %s", limits[i].name,
                        g_strerror(errno));
            return FALSE;
        }
    }
    return TRUE;
}

/* glibc opens libgcc_s the first time a thread calls pthread_exit()
 * (to unwind it); once confined it could not.  Loaded now, glibc finds
 * it loaded. */
static gboolean preload_lazy_libraries(GError **error)
{
    if (!dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE)) {
        g_set_error(error, SANDBOX_ERROR, 0, "cannot load libgcc_s.so.1: %s", dlerror());
        return FALSE;
    }
    return TRUE;
}

gboolean sandbox_lock_down(const SandboxConfig *cfg, GError **error)
{
    if (!preload_lazy_libraries(error))
        return FALSE;
    SandboxFilterConfig fc = {
        .fs_paths = (cfg->read_files && cfg->read_files[0]) ||
                    (cfg->remove_files && cfg->remove_files[0]),
        .kvm = cfg->kvm,
        .pid = getpid(),
    };
    for (int c = 0; c < SANDBOX_THREAD_LAST; c++)
        if (!sandbox_filter_build(c, &fc, &sb.bpf[c], error))
            return FALSE;
    /* before the landlock ruleset, which names paths of the new root */
    if (!fc.fs_paths)
        sandbox_mountns_empty_root();
    sb.landlock_abi = sandbox_landlock_abi();
    if (sb.landlock_abi > 0) {
        sb.ruleset_fd = sandbox_landlock_ruleset(sb.landlock_abi, cfg, error);
        if (sb.ruleset_fd < 0)
            return FALSE;
    }
    close_unnamed_fds();
    if (!set_rlimits(error))
        return FALSE;
    int r = confine_self();
    if (r < 0) {
        g_set_error(error, SANDBOX_ERROR, 0, "cannot confine the VMM: %s", g_strerror(-r));
        return FALSE;
    }
    return TRUE;
}

gboolean sandbox_seal(GError **error)
{
    int r = sandbox_bpf_install(&sb.bpf[SANDBOX_THREAD_MAIN]);
    if (r < 0) {
        g_set_error(error, SANDBOX_ERROR, 0, "cannot install the seccomp filter: %s",
                    g_strerror(-r));
        return FALSE;
    }
    sandbox_open_gate(GATE_SEALED);
    return TRUE;
}

bool sandbox_is_sealed(void)
{
    pthread_mutex_lock(&sb.lock);
    bool sealed = sb.gate == GATE_SEALED;
    pthread_mutex_unlock(&sb.lock);
    return sealed;
}

/* ---- test-only probes -------------------------------------------------- */

char *sandbox_probe(const char *what, const char *arg)
{
    if (!strcmp(what, "open") && arg) {
        int fd = open(arg, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            return g_strdup("opened");
        }
        return g_strdup_printf("refused %s", g_strerror(errno));
    }
    if (!strcmp(what, "connect") && arg) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(arg) >= sizeof(sa.sun_path))
            return g_strdup("refused path too long");
        strcpy(sa.sun_path, arg);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return g_strdup_printf("refused socket: %s", g_strerror(errno));
        int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        int e = errno;
        close(fd);
        return rc == 0 ? g_strdup("connected") : g_strdup_printf("refused %s", g_strerror(e));
    }
    if (!strcmp(what, "mountns"))
        return sandbox_mountns_state();
    if (!strcmp(what, "landlock"))
        return g_strdup_printf("abi %d%s", sb.landlock_abi, sb.ruleset_fd >= 0 ? " on" : " off");
    if (!strcmp(what, "forbidden")) {
        /* setns(2) is on no allow-list: the filter kills the process.
         * If it were allowed, -1 is no namespace: EBADF, harmless. */
        long rc = syscall(SYS_setns, -1, 0);
        return g_strdup_printf("survived setns: %ld %s", rc, g_strerror(errno));
    }
    return NULL;
}
