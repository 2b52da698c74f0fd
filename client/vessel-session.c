/* vessel-session.c - the per-user session daemon: found, started, waited for.
 *
 * Only vessel:///session starts a daemon, when nothing answers on its
 * socket.  vesseld is looked for in $VESSEL_DAEMON, next to the running
 * program (also ../daemon/ for a build tree, seeing through libtool's
 * .libs/), on PATH, then in the installed sbindir.
 *
 * The daemon is our child in a session of its own (setsid: the terminal's
 * signals do not reach it), stdin from /dev/null, stdout and stderr
 * appended to $XDG_STATE_HOME/vessel/vesseld.log (~/.local/state/vessel/;
 * the log passing 1 MiB is kept as vesseld.log.old and a new one begun).
 * We wait until its socket answers, or until it exits: then the error
 * carries its exit status, the last line it wrote (its own error message)
 * and the log's path, at once instead of after the deadline.  A daemon
 * that came up is left to a GLib child watch, which reaps it whenever the
 * program runs the default main context (vsh exits first and init
 * inherits it). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "vessel-private.h"

#define VESSEL_SPAWN_WAIT_MS 15000
#define VESSEL_SESSION_LOG_MAX (1024 * 1024)
#define VESSEL_SESSION_TAIL 65536      /* how much of this run's output is read back */
#define VESSEL_SESSION_LINE_MAX 400    /* of the line quoted in the error */

char *vessel_session_log_path(void)
{
    return g_build_filename(g_get_user_state_dir(), "vessel", "vesseld.log", NULL);
}

static char *vessel_daemon_next_to_self(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *dir = NULL;
    const char *const rel[] = { "vesseld", "../daemon/vesseld", "../../daemon/vesseld" };

    if (!exe)
        return NULL;
    dir = g_path_get_dirname(exe);
    for (gsize i = 0; i < G_N_ELEMENTS(rel); i++) {
        /* ../../ only makes sense from libtool's shell/.libs/ */
        if (i == 2 && !g_str_has_suffix(dir, "/.libs"))
            continue;
        g_autofree char *p = g_canonicalize_filename(rel[i], dir);
        if (g_file_test(p, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test(p, G_FILE_TEST_IS_DIR))
            return g_steal_pointer(&p);
    }
    return NULL;
}

static char *vessel_daemon_find(void)
{
    const char *env = g_getenv("VESSEL_DAEMON");
    char *p;

    if (env && *env)
        return g_strdup(env);
    if ((p = vessel_daemon_next_to_self()))
        return p;
    if ((p = g_find_program_in_path("vesseld")))
        return p;
    return g_strdup(VESSEL_SBINDIR "/vesseld");
}

/* The log for appending, private to the user; *start is where this run's
 * output begins.  -1 with @error set when it cannot be had. */
static int vessel_session_log_open(const char *path, off_t *start, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    struct stat st;
    int fd;

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                    _("cannot create directory %s: %s"), dir, g_strerror(errno));
        return -1;
    }
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > VESSEL_SESSION_LOG_MAX) {
        g_autofree char *old = g_strconcat(path, ".old", NULL);
        if (rename(path, old) < 0)
            g_debug("cannot rename %s: %s", path, g_strerror(errno));
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), _("cannot open %s: %s"), path,
                    g_strerror(e));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *start = st.st_size;
    return fd;
}

/* The last non-empty line the daemon wrote after @start, or NULL. */
static char *vessel_session_log_last_line(const char *path, off_t start)
{
    g_autofree char *buf = g_malloc(VESSEL_SESSION_TAIL + 1);
    struct stat st;
    ssize_t n;
    char *line, *end;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || st.st_size <= start) {
        close(fd);
        return NULL;
    }
    if (st.st_size - start > VESSEL_SESSION_TAIL)
        start = st.st_size - VESSEL_SESSION_TAIL;
    n = pread(fd, buf, VESSEL_SESSION_TAIL, start);
    close(fd);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    g_strchomp(buf);
    line = strrchr(buf, '\n');
    line = line ? line + 1 : buf;
    line = g_strstrip(line);
    if (!*line)
        return NULL;
    end = g_utf8_make_valid(line, -1);
    if (g_utf8_strlen(end, -1) > VESSEL_SESSION_LINE_MAX) {
        char *cut = g_utf8_substring(end, 0, VESSEL_SESSION_LINE_MAX);
        g_free(end);
        end = g_strconcat(cut, "…", NULL);
        g_free(cut);
    }
    return end;
}

static void vessel_session_setup(gpointer data)
{
    setsid();
}

static void vessel_session_reap(GPid pid, gint status, gpointer data)
{
    g_spawn_close_pid(pid);
}

static char *vessel_session_status(int status)
{
    if (WIFEXITED(status))
        return g_strdup_printf(_("exit status %d"), WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return g_strdup_printf(_("killed by signal %d"), WTERMSIG(status));
    return g_strdup_printf(_("wait status 0x%x"), (unsigned)status);
}

GDBusConnection *vessel_session_open(const char *socket, GError **error)
{
    g_autofree char *daemon = vessel_daemon_find();
    g_autofree char *log = vessel_session_log_path();
    const char *argv[] = { daemon, "--session", "--timeout", "60", NULL };
    g_autoptr(GError) local = NULL;
    g_autoptr(GError) last = NULL;
    off_t start = 0;
    int logfd, status;
    GPid pid;
    gint64 deadline;
    guint delay_ms = 10;

    logfd = vessel_session_log_open(log, &start, &local);
    if (logfd < 0) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT,
                    _("cannot start session daemon %s: no log for it: %s"), daemon,
                    local->message);
        return NULL;
    }
    if (!g_spawn_async_with_pipes_and_fds(NULL, argv, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                          vessel_session_setup, NULL, -1, logfd, logfd, NULL,
                                          NULL, 0, &pid, NULL, NULL, NULL, &local)) {
        close(logfd);
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT,
                    _("cannot start session daemon %s: %s"), daemon, local->message);
        return NULL;
    }
    close(logfd);

    deadline = g_get_monotonic_time() + VESSEL_SPAWN_WAIT_MS * G_GINT64_CONSTANT(1000);
    for (;;) {
        GDBusConnection *bus;
        pid_t r;

        g_clear_error(&last);
        if ((bus = vessel_bus_open(socket, &last))) {
            g_child_watch_add(pid, vessel_session_reap, NULL);
            return bus;
        }
        do
            r = waitpid(pid, &status, WNOHANG);
        while (r < 0 && errno == EINTR);
        if (r == pid || r < 0) {
            /* A daemon that lost the race to another one exits: use that one. */
            if ((bus = vessel_bus_open(socket, NULL)))
                return bus;
            g_autofree char *how = r == pid ? vessel_session_status(status)
                                            : g_strdup(g_strerror(errno));
            g_autofree char *why = vessel_session_log_last_line(log, start);
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT,
                        _("session daemon %s failed (%s): %s (its log: %s)"), daemon, how,
                        why ? why : _("it wrote nothing"), log);
            return NULL;
        }
        if (g_get_monotonic_time() >= deadline)
            break;
        g_usleep(delay_ms * 1000);
        delay_ms = MIN(delay_ms * 2, 200);
    }
    g_child_watch_add(pid, vessel_session_reap, NULL);
    g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT,
                _("session daemon %s did not come up on %s within %d s: %s (its log: %s)"), daemon,
                socket, VESSEL_SPAWN_WAIT_MS / 1000, last->message, log);
    return NULL;
}
