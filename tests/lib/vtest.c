/* vtest.c - test helpers: temp dirs, processes, deadlines (see vtest.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vtest.h"

guint vt_timeout_ms(guint base_ms)
{
    const char *s = g_getenv("VESSEL_TEST_TIMEOUT_SCALE");
    guint scale = s ? (guint)g_ascii_strtoull(s, NULL, 10) : 1;
    return base_ms * (scale ? scale : 1);
}

gboolean vt_in_ci(void)
{
    const char *v = g_getenv("VESSEL_CI");
    return (v && *v) || g_strcmp0(g_getenv("CI"), "true") == 0;
}

void vt_test_unavailable(const char *reason)
{
    if (vt_in_ci()) {
        g_test_message("required under CI (VESSEL_CI or CI=true): %s", reason);
        g_test_fail();
    } else {
        g_test_skip(reason);
    }
}

/* ------------------------------------------------------------ reaper */

/* A test that aborts (a failed g_assert, a crash) skips its cleanup: its
 * temp dirs, and the daemons and VMMs it started, would stay behind.  The
 * first temp dir or helper process starts a reaper, a shell reading a
 * socket: "dir PATH" for each temp dir, "exit" from an atexit handler at
 * a normal exit, then EOF when this process is gone.  After a normal exit
 * it does nothing (what a test leaks then is tests/last's to report).
 * At EOF without "exit" the test died: it kills every process carrying
 * this test's VESSEL_TEST_OWNER mark (in the environment of everything
 * vt_proc_spawn() and vt_run() start, and so of what those start in
 * turn), removes the users and groups the test made ("user NAME",
 * "group NAME": userdel, then groupdel, as a user's primary group goes
 * last), then the dirs (kept with VESSEL_TEST_KEEP). */
static const char vt_reaper_script[] =
    "owner=$1; dirs=; users=; groups=; clean=\n"
    "while IFS= read -r l; do\n"
    "  case $l in\n"
    "    exit) clean=1 ;;\n"
    "    dir\\ *) dirs=\"$dirs\n${l#dir }\" ;;\n"
    "    user\\ *) users=\"$users ${l#user }\" ;;\n"
    "    group\\ *) groups=\"$groups ${l#group }\" ;;\n"
    "  esac\n"
    "done\n"
    "[ -n \"$clean\" ] && exit 0\n"
    "for p in /proc/[0-9]*; do\n"
    "  tr '\\0' '\\n' 2>/dev/null < \"$p/environ\" | grep -qx \"VESSEL_TEST_OWNER=$owner\" &&\n"
    "    kill -9 \"${p#/proc/}\" 2>/dev/null\n"
    "done\n"
    "for u in $users; do userdel -f \"$u\" >/dev/null 2>&1; done\n"
    "for g in $groups; do groupdel \"$g\" >/dev/null 2>&1; done\n"
    "[ -n \"$VESSEL_TEST_KEEP\" ] && exit 0\n"
    "IFS='\n'\n"
    "for d in $dirs; do rm -rf \"$d\"; done\n";

static GMutex vt_reaper_lock;
static int vt_reaper_fd = -1;
static char vt_reaper_owner[64];

static void vt_reaper_say(const char *what, const char *arg)
{
    g_autofree char *line = g_strdup_printf("%s%s%s\n", what, arg ? " " : "", arg ? arg : "");
    size_t len = strlen(line), off = 0;
    while (vt_reaper_fd >= 0 && off < len) {
        ssize_t n = send(vt_reaper_fd, line + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
}

static void vt_reaper_atexit(void)
{
    g_mutex_lock(&vt_reaper_lock);
    vt_reaper_say("exit", NULL);
    g_mutex_unlock(&vt_reaper_lock);
}

static void vt_reaper_child_setup(gpointer data)
{
    (void)data;
    setsid();   /* not in the test's process group: outlive it */
}

/* Start the reaper once; returns the mark for children's environment. */
static const char *vt_reaper_mark(void)
{
    g_mutex_lock(&vt_reaper_lock);
    if (!vt_reaper_owner[0]) {
        g_snprintf(vt_reaper_owner, sizeof vt_reaper_owner, "%d-%" G_GINT64_FORMAT,
                   (int)getpid(), g_get_monotonic_time());
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
            const char *argv[] = { "/bin/sh", "-c", vt_reaper_script, "vessel-test-reaper",
                                   vt_reaper_owner, NULL };
            GPid pid;
            if (g_spawn_async_with_fds(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                       vt_reaper_child_setup, NULL, &pid, sv[1], -1, -1,
                                       NULL)) {
                vt_reaper_fd = sv[0];
                atexit(vt_reaper_atexit);
            } else {
                close(sv[0]);
            }
            close(sv[1]);
        }
    }
    g_mutex_unlock(&vt_reaper_lock);
    return vt_reaper_owner;
}

static void vt_reaper_add_dir(const char *path)
{
    vt_reaper_mark();
    g_mutex_lock(&vt_reaper_lock);
    vt_reaper_say("dir", path);
    g_mutex_unlock(&vt_reaper_lock);
}

void vt_reaper_add_user(const char *user)
{
    vt_reaper_mark();
    g_mutex_lock(&vt_reaper_lock);
    vt_reaper_say("user", user);
    g_mutex_unlock(&vt_reaper_lock);
}

void vt_reaper_add_group(const char *group)
{
    vt_reaper_mark();
    g_mutex_lock(&vt_reaper_lock);
    vt_reaper_say("group", group);
    g_mutex_unlock(&vt_reaper_lock);
}

/* ------------------------------------------------------------ tmp dirs */

VtTmpDir *vt_tmpdir_new(const char *prefix)
{
    g_autofree char *tmpl = g_strdup_printf("vessel-%s-XXXXXX", prefix ? prefix : "test");
    g_autoptr(GError) error = NULL;
    char *path = g_dir_make_tmp(tmpl, &error);
    g_assert_no_error(error);
    vt_reaper_add_dir(path);
    VtTmpDir *dir = g_new0(VtTmpDir, 1);
    dir->path = path;
    return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

gboolean vt_rm_rf(const char *path, GError **error)
{
    if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot remove %s: %s", path, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

void vt_tmpdir_free(VtTmpDir *dir)
{
    if (!dir)
        return;
    if (g_getenv("VESSEL_TEST_KEEP"))
        g_printerr("# kept %s\n", dir->path);
    else
        vt_rm_rf(dir->path, NULL);
    g_free(dir->path);
    g_free(dir);
}

/* ------------------------------------------------------------ waiting */

gboolean vt_wait_until(VtCondFunc cond, gpointer data, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    gulong delay_us = 1000;
    for (;;) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        if (cond(data))
            return TRUE;
        if (g_get_monotonic_time() >= deadline)
            return cond(data);
        g_usleep(delay_us);
        if (delay_us < 50000)
            delay_us *= 2;
    }
}

/* Zombie, dead or no longer there (its /proc/TID/stat state). */
static gboolean vt_task_gone(const char *tid)
{
    g_autofree char *path = g_strdup_printf("/proc/%s/stat", tid);
    g_autofree char *data = NULL;
    if (!g_file_get_contents(path, &data, NULL, NULL))
        return TRUE;
    const char *p = strrchr(data, ')');
    return !p || p[1] == '\0' || p[2] == 'Z' || p[2] == 'X';
}

gboolean vt_pid_gone(gpointer pid)
{
    g_autofree char *tasks = g_strdup_printf("/proc/%d/task", GPOINTER_TO_INT(pid));
    GDir *dir = g_dir_open(tasks, 0, NULL);
    const char *tid;
    gboolean gone = TRUE;
    while (gone && dir && (tid = g_dir_read_name(dir)))
        gone = vt_task_gone(tid);
    if (dir)
        g_dir_close(dir);
    return gone;
}

static gboolean path_exists(gpointer data)
{
    return g_file_test((const char *)data, G_FILE_TEST_EXISTS);
}

gboolean vt_wait_for_path(const char *path, guint timeout_ms)
{
    return vt_wait_until(path_exists, (gpointer)path, timeout_ms);
}

/* ------------------------------------------------------------ processes */

struct VtProc {
    GPid pid;
    gboolean exited;
    int status;
    int stdin_fd;
    int out_fd;         /* read end of the capture pipe, or -1 */
    GString *output;
};

/* The current environment, plus @envp, plus this test's reaper mark. */
static char **merge_env(const char *const *envp)
{
    char **env = g_get_environ();
    env = g_environ_setenv(env, "VESSEL_TEST_OWNER", vt_reaper_mark(), TRUE);
    for (const char *const *e = envp; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        g_autofree char *key = g_strndup(*e, eq - *e);
        env = g_environ_setenv(env, key, eq + 1, TRUE);
    }
    return env;
}

typedef struct {
    int out_fd;        /* child's stdout/stderr target, or -1 to inherit */
    int in_fd;         /* child's stdin, or -1 for /dev/null */
} ChildFds;

static void child_setup(gpointer data)
{
    ChildFds *fds = data;
    /* Own process group, so stop() can signal the whole tree; and a
     * SIGTERM if the test dies first, so an aborted test leaves no
     * daemons or VMMs behind. */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (fds->in_fd >= 0)
        dup2(fds->in_fd, 0);
    else {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0) {
            dup2(null, 0);
            close(null);
        }
    }
    if (fds->out_fd >= 0) {
        dup2(fds->out_fd, 1);
        dup2(fds->out_fd, 2);
    }
}

VtProc *vt_proc_spawn(const char *const *argv, const char *const *envp,
                      VtProcFlags flags, const char *log_path, GError **error)
{
    int out_pipe[2] = { -1, -1 }, in_pipe[2] = { -1, -1 };
    ChildFds fds = { -1, -1 };
    g_auto(GStrv) env = merge_env(envp);

    if (flags & VT_PROC_CAPTURE) {
        if (!g_unix_open_pipe(out_pipe, FD_CLOEXEC, error))
            return NULL;
        fds.out_fd = out_pipe[1];
    } else if (log_path) {
        fds.out_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fds.out_fd < 0) {
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                        "cannot open %s: %s", log_path, g_strerror(errno));
            return NULL;
        }
    }
    if (flags & VT_PROC_STDIN_PIPE) {
        if (!g_unix_open_pipe(in_pipe, FD_CLOEXEC, error))
            goto fail;
        fds.in_fd = in_pipe[0];
    }

    GPid pid;
    if (!g_spawn_async((const char *)NULL, (char **)argv, env,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                       child_setup, &fds, &pid, error))
        goto fail;

    VtProc *proc = g_new0(VtProc, 1);
    proc->pid = pid;
    proc->stdin_fd = in_pipe[1];
    proc->out_fd = out_pipe[0];
    proc->output = g_string_new(NULL);
    if (proc->out_fd >= 0)
        g_unix_set_fd_nonblocking(proc->out_fd, TRUE, NULL);
    if (fds.out_fd >= 0)
        close(fds.out_fd);
    if (in_pipe[0] >= 0)
        close(in_pipe[0]);
    return proc;

fail:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (in_pipe[i] >= 0)
            close(in_pipe[i]);
    }
    if (!(flags & VT_PROC_CAPTURE) && fds.out_fd >= 0)
        close(fds.out_fd);
    return NULL;
}

GPid vt_proc_pid(VtProc *proc)
{
    return proc->pid;
}

int vt_proc_stdin_fd(VtProc *proc)
{
    return proc->stdin_fd;
}

static void proc_drain(VtProc *proc)
{
    if (proc->out_fd < 0)
        return;
    char buf[4096];
    for (;;) {
        ssize_t n = read(proc->out_fd, buf, sizeof buf);
        if (n > 0) {
            g_string_append_len(proc->output, buf, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
}

const char *vt_proc_output(VtProc *proc)
{
    proc_drain(proc);
    return proc->output->str;
}

gboolean vt_proc_exited(VtProc *proc, int *status)
{
    proc_drain(proc);
    if (!proc->exited) {
        int st;
        pid_t r = waitpid(proc->pid, &st, WNOHANG);
        if (r == proc->pid) {
            proc->exited = TRUE;
            proc->status = st;
            proc_drain(proc);
        }
    }
    if (proc->exited && status)
        *status = proc->status;
    return proc->exited;
}

static gboolean proc_exited_cond(gpointer data)
{
    return vt_proc_exited(data, NULL);
}

gboolean vt_proc_wait(VtProc *proc, guint timeout_ms, int *status)
{
    if (!vt_wait_until(proc_exited_cond, proc, timeout_ms))
        return FALSE;
    if (status)
        *status = proc->status;
    return TRUE;
}

int vt_proc_stop(VtProc *proc, guint timeout_ms)
{
    if (vt_proc_exited(proc, NULL))
        return proc->status;
    kill(proc->pid, SIGTERM);
    if (!vt_proc_wait(proc, timeout_ms, NULL)) {
        kill(-proc->pid, SIGKILL);
        kill(proc->pid, SIGKILL);
        vt_proc_wait(proc, vt_timeout_ms(10000), NULL);
    }
    return proc->status;
}

void vt_proc_free(VtProc *proc)
{
    if (!proc)
        return;
    if (!proc->exited)
        vt_proc_stop(proc, vt_timeout_ms(5000));
    if (proc->stdin_fd >= 0)
        close(proc->stdin_fd);
    if (proc->out_fd >= 0)
        close(proc->out_fd);
    g_string_free(proc->output, TRUE);
    g_spawn_close_pid(proc->pid);
    g_free(proc);
}

/* Read what is available from @fd into @buf; FALSE at EOF. */
static gboolean pump(int fd, GString *buf)
{
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n > 0) {
        g_string_append_len(buf, tmp, n);
        return TRUE;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

gboolean vt_run(const char *const *argv, const char *const *envp, const char *input,
                guint timeout_ms, char **out, char **err, int *exit_code,
                GError **error)
{
    g_auto(GStrv) env = merge_env(envp);
    GPid pid;
    int in_fd, out_fd, err_fd;
    if (!g_spawn_async_with_pipes(NULL, (char **)argv, env,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                  NULL, NULL, &pid, &in_fd, &out_fd, &err_fd, error))
        return FALSE;
    if (input) {
        size_t len = strlen(input);
        const char *p = input;
        while (len > 0) {
            ssize_t n = write(in_fd, p, len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            p += n;
            len -= n;
        }
    }
    close(in_fd);
    g_unix_set_fd_nonblocking(out_fd, TRUE, NULL);
    g_unix_set_fd_nonblocking(err_fd, TRUE, NULL);

    GString *obuf = g_string_new(NULL), *ebuf = g_string_new(NULL);
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    gboolean out_open = TRUE, err_open = TRUE, timed_out = FALSE;
    int status = 0;
    while (out_open || err_open) {
        GPollFD pfd[2];
        int n = 0;
        if (out_open)
            pfd[n++] = (GPollFD){ out_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 };
        if (err_open)
            pfd[n++] = (GPollFD){ err_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 };
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0) {
            timed_out = TRUE;
            break;
        }
        g_poll(pfd, n, (gint)MIN(left, 1000));
        for (int i = 0; i < n; i++) {
            if (!pfd[i].revents)
                continue;
            if (pfd[i].fd == out_fd)
                out_open = pump(out_fd, obuf);
            else
                err_open = pump(err_fd, ebuf);
        }
    }
    if (timed_out)
        kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(out_fd);
    close(err_fd);
    g_spawn_close_pid(pid);

    if (out)
        *out = g_string_free(obuf, FALSE);
    else
        g_string_free(obuf, TRUE);
    if (err)
        *err = g_string_free(ebuf, FALSE);
    else
        g_string_free(ebuf, TRUE);
    if (timed_out) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                    "%s did not finish within %u ms", argv[0], timeout_ms);
        return FALSE;
    }
    if (exit_code)
        *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return TRUE;
}

/* ------------------------------------------------------------ dbus */

struct VtDbus {
    VtProc *proc;
    char *address;
    char *config;
};

VtDbus *vt_dbus_start(const char *dir, GError **error)
{
    const char *daemon = g_getenv("DBUS_DAEMON");
    if (!daemon || !*daemon)
        daemon = "dbus-daemon";
    g_autofree char *sock = g_build_filename(dir, "bus.sock", NULL);
    g_autofree char *config = g_build_filename(dir, "bus.conf", NULL);
    g_autofree char *xml = g_strdup_printf(
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig>\n"
        "  <type>session</type>\n"
        "  <listen>unix:path=%s</listen>\n"
        "  <auth>EXTERNAL</auth>\n"
        "  <policy context=\"default\">\n"
        "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
        "    <allow eavesdrop=\"true\"/>\n"
        "    <allow own=\"*\"/>\n"
        "  </policy>\n"
        "</busconfig>\n", sock);
    if (!g_file_set_contents(config, xml, -1, error))
        return NULL;
    g_autofree char *cfg_arg = g_strdup_printf("--config-file=%s", config);
    const char *argv[] = { daemon, cfg_arg, "--nofork", "--nopidfile", NULL };
    VtProc *proc = vt_proc_spawn(argv, NULL, VT_PROC_DEFAULT, NULL, error);
    if (!proc)
        return NULL;
    if (!vt_wait_for_path(sock, vt_timeout_ms(10000))) {
        vt_proc_free(proc);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                    "dbus-daemon did not create %s", sock);
        return NULL;
    }
    VtDbus *bus = g_new0(VtDbus, 1);
    bus->proc = proc;
    bus->address = g_strdup_printf("unix:path=%s", sock);
    bus->config = g_steal_pointer(&config);
    return bus;
}

const char *vt_dbus_address(VtDbus *bus)
{
    return bus->address;
}

void vt_dbus_free(VtDbus *bus)
{
    if (!bus)
        return;
    vt_proc_free(bus->proc);
    g_free(bus->address);
    g_free(bus->config);
    g_free(bus);
}

/* ------------------------------------------------------------ paths */

char *vt_build_path(const char *rel)
{
    const char *top = g_getenv("top_builddir");
    return g_build_filename(top ? top : TOP_BUILDDIR, rel, NULL);
}

char *vt_src_path(const char *rel)
{
    const char *top = g_getenv("top_srcdir");
    return g_build_filename(top ? top : TOP_SRCDIR, rel, NULL);
}

/* ---- fuzz drivers without libFuzzer -------------------------------- */

unsigned vt_fuzz_iterations(int argc, char **argv, unsigned default_n)
{
    unsigned n = default_n;
    const char *env = getenv("VESSEL_FUZZ_ITERATIONS");
    if (env)
        n = (unsigned)strtoul(env, NULL, 0);
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-')
            n = (unsigned)strtoul(argv[i], NULL, 0);
    return n;
}

static uint64_t vt_fuzz_state = 0x2545f4914f6cdd1dull;

void vt_fuzz_seed(uint64_t default_seed)
{
    const char *env = getenv("VESSEL_FUZZ_SEED");
    vt_fuzz_state = env ? g_ascii_strtoull(env, NULL, 0) | 1 : default_seed;
}

uint64_t vt_fuzz_rand(void)
{
    vt_fuzz_state ^= vt_fuzz_state << 13;
    vt_fuzz_state ^= vt_fuzz_state >> 7;
    vt_fuzz_state ^= vt_fuzz_state << 17;
    return vt_fuzz_state;
}

GPtrArray *vt_fuzz_corpus(const char *subdir, char **dirname)
{
    const char *src = getenv("G_TEST_SRCDIR");
    g_autofree char *dir_path = g_build_filename(src ? src : ".", subdir, NULL);
    GPtrArray *corpus = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    GDir *dir = g_dir_open(dir_path, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(dir_path, name, NULL);
        gchar *data;
        gsize len;
        if (g_file_get_contents(path, &data, &len, NULL))
            g_ptr_array_add(corpus, g_bytes_new_take(data, len));
    }
    if (dir)
        g_dir_close(dir);
    if (dirname)
        *dirname = g_steal_pointer(&dir_path);
    return corpus;
}

void vt_fuzz_replay(GPtrArray *corpus, VtFuzzTarget target)
{
    for (guint i = 0; i < corpus->len; i++) {
        gsize len;
        const uint8_t *d = g_bytes_get_data(corpus->pdata[i], &len);
        target(d, len);
    }
}

void vt_fuzz_mutations(GPtrArray *corpus, unsigned iterations, uint64_t (*rnd)(void),
                       void (*mutate)(GByteArray *b), VtFuzzTarget target)
{
    for (unsigned it = 0; it < iterations; it++) {
        gsize len;
        const uint8_t *d = g_bytes_get_data(corpus->pdata[rnd() % corpus->len], &len);
        GByteArray *b = g_byte_array_new();
        g_byte_array_append(b, d, (guint)len);
        mutate(b);
        target(b->data, b->len);
        g_byte_array_unref(b);
    }
}
