/* chardev.c - serial back-ends (see chardev.h).
 *
 * Threads: write() runs on vCPU threads (under the device lock), the
 * sources and accept/disconnect run on the main thread.  out_fd and the
 * backlog change only under cd->lock, so a write never races a
 * disconnect.  Input flow control: the input source is removed while the
 * front-end is full and re-added from an idle callback once
 * accept_input() says there is room.
 *
 * Output of the socket and pty back-ends goes straight to the reader
 * while the backlog is empty; what the reader cannot take (nobody
 * attached, a full socket after the grace period, a client that just
 * went away) is appended to the backlog, and while the backlog holds
 * anything new output queues behind it, so bytes reach a reader in the
 * order the guest wrote them.  The backlog is flushed to a client when
 * it attaches and then whenever its socket has room (a G_IO_OUT watch on
 * the main thread, armed from an idle callback when a vCPU queued
 * output). */
#include "config.h"

#include "vmm/chardev/chardev.h"
#include "vmm/chardev/backlog.h"
#include "vmm/chardev/escape.h"
#include "fdarg.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

G_DEFINE_QUARK(vessel-chardev-error-quark, chardev_error)

typedef enum {
    CHARDEV_STDIO,
    CHARDEV_FILE,
    CHARDEV_UNIX,
    CHARDEV_PTY,
    CHARDEV_KIND_LAST
} CharDevKind;

struct CharDev {
    CharBackend be;          /* first: the UART holds a CharBackend * */
    CharDevKind kind;
    GMutex lock;             /* out_fd, congested, backlog, out_bytes */
    gboolean congested;      /* stdio/file reader stayed full: drop until it drains */
    int in_fd, out_fd;
    int listen_fd, client_fd, pty_slave_fd;
    guint in_watch, listen_watch;
    gint rearm_pending;      /* atomic */
    ChardevBacklog backlog;  /* unix and pty: output no reader took yet */
    guint drain_watch;       /* main thread: G_IO_OUT while the backlog drains */
    gint drain_pending;      /* atomic: an idle callback will arm drain_watch */
    guint64 out_bytes;       /* everything the front-end ever wrote */
    gboolean input_eof;
    ChardevFrontend fe;
    char *path;
    gboolean unlink_path;
    gboolean tty_saved;
    struct termios saved_tio;
    ChardevEscape esc;       /* stdio on a tty: Ctrl-A x quits */
    void (*quit)(void *opaque);
    void *quit_opaque;
};

/* The terminal settings to restore at exit.  Process-wide by nature (one
 * controlling terminal), hence the one static. */
static struct {
    gboolean saved;
    struct termios tio;
} stdio_restore;

static void chardev_stdio_restore(void)
{
    if (stdio_restore.saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_restore.tio);
        stdio_restore.saved = FALSE;
    }
}

/* An attached socket or pty reader that is momentarily slower than the
 * guest gets a short grace period; one that stays full is "congested" and
 * its output dropped until it drains, so it can never stall the guest. */
#define CHARDEV_GRACE_MS 50

static bool chardev_wait_writable(CharDev *cd, int timeout_ms)
{
    struct pollfd p = { .fd = cd->out_fd, .events = POLLOUT };
    return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLOUT);
}

/* Send what @fd takes now without blocking: bytes sent, or -errno when
 * nothing was. */
static ssize_t chardev_send_now(CharDev *cd, const uint8_t *buf, size_t len)
{
    for (;;) {
        ssize_t n = cd->kind == CHARDEV_UNIX
                        ? send(cd->out_fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT)
                        : write(cd->out_fd, buf, len);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return -errno;
    }
}

/* Lock held: move backlog bytes to the reader until it is full.  TRUE
 * when the backlog is empty afterwards. */
static gboolean chardev_backlog_flush(CharDev *cd)
{
    size_t len;
    const uint8_t *p;
    while (cd->out_fd >= 0 && (p = chardev_backlog_peek(&cd->backlog, &len))) {
        ssize_t n = chardev_send_now(cd, p, len);
        if (n <= 0)
            break;
        chardev_backlog_consume(&cd->backlog, n);
    }
    return cd->backlog.len == 0;
}

static gboolean chardev_drain_ready(gint fd, GIOCondition cond, gpointer data)
{
    (void)fd;
    CharDev *cd = data;
    g_mutex_lock(&cd->lock);
    gboolean empty = chardev_backlog_flush(cd);
    g_mutex_unlock(&cd->lock);
    if (empty || (cond & (G_IO_HUP | G_IO_ERR))) {
        /* drained, or the client is gone: its input watch closes it and
         * the backlog waits for the next one */
        cd->drain_watch = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* Main thread: watch the reader for room while the backlog holds data. */
static void chardev_drain_arm(CharDev *cd)
{
    g_mutex_lock(&cd->lock);
    gboolean want = cd->out_fd >= 0 && cd->backlog.len > 0;
    int fd = cd->out_fd;
    g_mutex_unlock(&cd->lock);
    if (want && !cd->drain_watch)
        cd->drain_watch = g_unix_fd_add(fd, G_IO_OUT, chardev_drain_ready, cd);
}

static gboolean chardev_drain_idle(gpointer data)
{
    CharDev *cd = data;
    g_atomic_int_set(&cd->drain_pending, 0);
    chardev_drain_arm(cd);
    return G_SOURCE_REMOVE;
}

/* Lock held, any thread: socket and pty output (see the top of the file). */
static void chardev_write_queued(CharDev *cd, const uint8_t *buf, size_t len)
{
    if (cd->backlog.len == 0) {
        while (len && cd->out_fd >= 0) {
            ssize_t n = chardev_send_now(cd, buf, len);
            if (n > 0) {
                buf += n;
                len -= n;
            } else if (n != -EAGAIN || !chardev_wait_writable(cd, CHARDEV_GRACE_MS)) {
                break; /* full after the grace period, or the client went away */
            }
        }
    }
    if (!len)
        return;
    chardev_backlog_push(&cd->backlog, buf, len);
    if (cd->out_fd >= 0 && !chardev_backlog_flush(cd) &&
        g_atomic_int_compare_and_exchange(&cd->drain_pending, 0, 1))
        g_idle_add(chardev_drain_idle, cd);
}

static void chardev_be_write(CharBackend *be, const uint8_t *buf, size_t len)
{
    CharDev *cd = (CharDev *)be;
    g_mutex_lock(&cd->lock);
    cd->out_bytes += len;
    if (cd->backlog.buf) {
        chardev_write_queued(cd, buf, len);
        goto out;
    }
    if (cd->congested && cd->out_fd >= 0) {
        if (!chardev_wait_writable(cd, 0))
            goto out;
        cd->congested = FALSE;
    }
    while (len && cd->out_fd >= 0) {
        ssize_t n = write(cd->out_fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN && chardev_wait_writable(cd, CHARDEV_GRACE_MS))
            continue;
        /* Still full (a stdout nobody reads) or a full disk: the guest's
         * output is dropped, never blocked on. */
        if (n < 0 && errno == EAGAIN)
            cd->congested = TRUE;
        break;
    }
out:
    g_mutex_unlock(&cd->lock);
}

static gboolean chardev_input_ready(gint fd, GIOCondition cond, gpointer data);

static void chardev_watch_input(CharDev *cd)
{
    if (cd->in_fd >= 0 && !cd->in_watch && !cd->input_eof)
        cd->in_watch = g_unix_fd_add(cd->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                     chardev_input_ready, cd);
}

static gboolean chardev_rearm(gpointer data)
{
    CharDev *cd = data;
    g_atomic_int_set(&cd->rearm_pending, 0);
    chardev_watch_input(cd);
    return G_SOURCE_REMOVE;
}

static void chardev_be_accept_input(CharBackend *be)
{
    CharDev *cd = (CharDev *)be;
    if (g_atomic_int_compare_and_exchange(&cd->rearm_pending, 0, 1))
        g_idle_add(chardev_rearm, cd);
}

static void chardev_client_close(CharDev *cd)
{
    if (cd->in_watch) {
        g_source_remove(cd->in_watch);
        cd->in_watch = 0;
    }
    if (cd->drain_watch) {
        g_source_remove(cd->drain_watch);
        cd->drain_watch = 0;
    }
    g_mutex_lock(&cd->lock);
    cd->out_fd = -1;
    g_mutex_unlock(&cd->lock);
    if (cd->client_fd >= 0)
        close(cd->client_fd);
    cd->client_fd = -1;
    cd->in_fd = -1;
}

static gboolean chardev_input_ready(gint fd, GIOCondition cond, gpointer data)
{
    (void)cond;
    CharDev *cd = data;
    if (!cd->fe.can_receive)
        return G_SOURCE_CONTINUE;
    size_t room = cd->fe.can_receive(cd->fe.opaque);
    if (room == 0) {
        cd->in_watch = 0;
        return G_SOURCE_REMOVE; /* re-added by accept_input */
    }
    uint8_t buf[256];
    ssize_t n = read(fd, buf, MIN(room, sizeof(buf)));
    if (n > 0 && cd->quit) {
        ChardevEscapeAction action;
        n = chardev_escape_filter(&cd->esc, buf, n, &action);
        if (n > 0)
            cd->fe.receive(cd->fe.opaque, buf, n);
        if (action == CHARDEV_ESCAPE_QUIT) {
            cd->in_watch = 0;
            cd->input_eof = TRUE; /* the user is done typing */
            cd->quit(cd->quit_opaque);
            return G_SOURCE_REMOVE;
        }
        return G_SOURCE_CONTINUE;
    }
    if (n > 0) {
        cd->fe.receive(cd->fe.opaque, buf, n);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    /* EOF or error */
    cd->in_watch = 0;
    if (cd->kind == CHARDEV_UNIX) {
        chardev_client_close(cd);
    } else {
        cd->input_eof = TRUE;
    }
    return G_SOURCE_REMOVE;
}

static gboolean chardev_accept(gint fd, GIOCondition cond, gpointer data)
{
    (void)cond;
    CharDev *cd = data;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c < 0)
        return G_SOURCE_CONTINUE;
    chardev_client_close(cd); /* the newest client wins */
    cd->client_fd = c;
    cd->in_fd = c;
    g_mutex_lock(&cd->lock);
    cd->out_fd = c;
    chardev_backlog_flush(cd); /* what nobody has seen yet comes first */
    g_mutex_unlock(&cd->lock);
    chardev_drain_arm(cd);
    chardev_watch_input(cd);
    return G_SOURCE_CONTINUE;
}

static CharDev *chardev_alloc(CharDevKind kind)
{
    CharDev *cd = g_new0(CharDev, 1);
    cd->be.write = chardev_be_write;
    cd->be.accept_input = chardev_be_accept_input;
    cd->kind = kind;
    g_mutex_init(&cd->lock);
    cd->in_fd = cd->out_fd = cd->listen_fd = cd->client_fd = cd->pty_slave_fd = -1;
    return cd;
}

static gboolean chardev_open_stdio(CharDev *cd, GError **error)
{
    (void)error;
    cd->in_fd = STDIN_FILENO;
    cd->out_fd = STDOUT_FILENO;
    if (isatty(STDIN_FILENO)) {
        struct termios tio;
        if (tcgetattr(STDIN_FILENO, &tio) == 0) {
            if (!stdio_restore.saved) {
                stdio_restore.tio = tio;
                stdio_restore.saved = TRUE;
                atexit(chardev_stdio_restore);
            }
            cd->tty_saved = TRUE;
            cfmakeraw(&tio);
            tio.c_oflag |= OPOST | ONLCR; /* keep newlines readable on the console */
            tcsetattr(STDIN_FILENO, TCSANOW, &tio);
        }
    }
    return TRUE;
}

static gboolean chardev_open_file(CharDev *cd, const char *path, GError **error)
{
    GError *e = NULL;
    int fd = vessel_fdarg_open(path, O_WRONLY | O_CREAT | O_APPEND, 0640, "serial file", &e);
    if (fd < 0) {
        g_set_error_literal(error, CHARDEV_ERROR, CHARDEV_ERROR_OPEN, e->message);
        g_error_free(e);
        return FALSE;
    }
    cd->out_fd = fd;
    cd->path = g_strdup(path);
    return TRUE;
}

/* A listening socket the parent made ("unix:fd:N"): its path is not ours
 * to unlink. */
static gboolean chardev_adopt_listener(CharDev *cd, const char *arg, GError **error)
{
    GError *e = NULL;
    int fd = vessel_fdarg_listener(arg, "serial socket", &e);
    if (fd < 0) {
        g_set_error_literal(error, CHARDEV_ERROR, CHARDEV_ERROR_OPEN, e->message);
        g_error_free(e);
        return FALSE;
    }
    cd->listen_fd = fd;
    cd->path = g_strdup(arg);
    chardev_backlog_init(&cd->backlog, CHARDEV_BACKLOG_SIZE);
    cd->listen_watch = g_unix_fd_add(fd, G_IO_IN, chardev_accept, cd);
    return TRUE;
}

static gboolean chardev_open_unix(CharDev *cd, const char *path, GError **error)
{
    if (vessel_fdarg_number(path) != -1)
        return chardev_adopt_listener(cd, path, error);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path)) {
        g_set_error(error, CHARDEV_ERROR, CHARDEV_ERROR_SPEC, "serial socket path too long: %s",
                    path);
        return FALSE;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        g_set_error(error, CHARDEV_ERROR, CHARDEV_ERROR_OPEN, "socket: %s", g_strerror(errno));
        return FALSE;
    }
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path); /* stale socket from an earlier run */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
        g_set_error(error, CHARDEV_ERROR, CHARDEV_ERROR_OPEN, "cannot listen on %s: %s", path,
                    g_strerror(errno));
        close(fd);
        return FALSE;
    }
    cd->listen_fd = fd;
    cd->path = g_strdup(path);
    cd->unlink_path = TRUE;
    chardev_backlog_init(&cd->backlog, CHARDEV_BACKLOG_SIZE);
    cd->listen_watch = g_unix_fd_add(fd, G_IO_IN, chardev_accept, cd);
    return TRUE;
}

static gboolean chardev_open_pty(CharDev *cd, GError **error)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0) {
        g_set_error(error, CHARDEV_ERROR, CHARDEV_ERROR_OPEN, "cannot create a pty: %s",
                    g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    const char *name = ptsname(fd);
    cd->path = g_strdup(name ? name : "?");
    /* Keep a slave fd open so the master never sees a hang-up while no
     * terminal program is attached; raw mode so bytes pass unchanged. */
    cd->pty_slave_fd = open(cd->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (cd->pty_slave_fd >= 0) {
        struct termios tio;
        if (tcgetattr(cd->pty_slave_fd, &tio) == 0) {
            cfmakeraw(&tio);
            tcsetattr(cd->pty_slave_fd, TCSANOW, &tio);
        }
    }
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    chardev_backlog_init(&cd->backlog, CHARDEV_BACKLOG_SIZE);
    cd->in_fd = cd->out_fd = fd;
    cd->client_fd = fd;
    fprintf(stderr, "vessel-vmm: serial port is %s\n", cd->path);
    return TRUE;
}

CharDev *chardev_new(const char *spec, GError **error)
{
    CharDev *cd = NULL;
    gboolean ok = FALSE;
    if (!strcmp(spec, "stdio")) {
        cd = chardev_alloc(CHARDEV_STDIO);
        ok = chardev_open_stdio(cd, error);
    } else if (!strcmp(spec, "pty")) {
        cd = chardev_alloc(CHARDEV_PTY);
        ok = chardev_open_pty(cd, error);
    } else if (g_str_has_prefix(spec, "file:") && spec[5]) {
        cd = chardev_alloc(CHARDEV_FILE);
        ok = chardev_open_file(cd, spec + 5, error);
    } else if (g_str_has_prefix(spec, "unix:") && spec[5]) {
        cd = chardev_alloc(CHARDEV_UNIX);
        ok = chardev_open_unix(cd, spec + 5, error);
    } else {
        g_set_error(error, CHARDEV_ERROR, CHARDEV_ERROR_SPEC,
                    "bad --serial '%s' (stdio, file:PATH, unix:PATH or pty)", spec);
        return NULL;
    }
    if (!ok) {
        chardev_free(cd);
        return NULL;
    }
    return cd;
}

void chardev_set_frontend(CharDev *cd, const ChardevFrontend *fe)
{
    cd->fe = *fe;
    chardev_watch_input(cd);
}

gboolean chardev_set_escape(CharDev *cd, void (*quit)(void *opaque), void *opaque)
{
    if (cd->kind != CHARDEV_STDIO || !cd->tty_saved)
        return FALSE;
    cd->quit = quit;
    cd->quit_opaque = opaque;
    return TRUE;
}

CharBackend *chardev_backend(CharDev *cd)
{
    return &cd->be;
}

guint64 chardev_out_bytes(CharDev *cd)
{
    g_mutex_lock(&cd->lock);
    guint64 n = cd->out_bytes;
    g_mutex_unlock(&cd->lock);
    return n;
}

guint64 chardev_dropped_bytes(CharDev *cd)
{
    g_mutex_lock(&cd->lock);
    guint64 n = cd->backlog.dropped;
    g_mutex_unlock(&cd->lock);
    return n;
}

const char *chardev_path(const CharDev *cd)
{
    return cd->kind == CHARDEV_PTY || cd->kind == CHARDEV_UNIX ? cd->path : NULL;
}

void chardev_free(CharDev *cd)
{
    if (!cd)
        return;
    if (cd->in_watch)
        g_source_remove(cd->in_watch);
    if (cd->drain_watch)
        g_source_remove(cd->drain_watch);
    if (cd->listen_watch)
        g_source_remove(cd->listen_watch);
    if (cd->kind == CHARDEV_UNIX || cd->kind == CHARDEV_PTY) {
        if (cd->client_fd >= 0)
            close(cd->client_fd);
    } else if (cd->kind == CHARDEV_FILE && cd->out_fd >= 0) {
        close(cd->out_fd);
    }
    if (cd->listen_fd >= 0)
        close(cd->listen_fd);
    if (cd->pty_slave_fd >= 0)
        close(cd->pty_slave_fd);
    if (cd->unlink_path && cd->path)
        unlink(cd->path);
    if (cd->tty_saved)
        chardev_stdio_restore();
    g_free(cd->path);
    chardev_backlog_fini(&cd->backlog);
    g_mutex_clear(&cd->lock);
    g_free(cd);
}
