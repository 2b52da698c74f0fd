/* vmm_log.c - copy a VMM's output from its FIFO to the domain log
 * (vmm_log.h).
 *
 * One thread per running VMM polls the FIFO (non-blocking) and a wake-up
 * pipe.  The end of the FIFO (every writer gone) ends it on its own, but
 * poll() reports it only to a reader that was there before the writer
 * (not after a daemon restart), so vmm_log_finish() - called once the
 * VMM has exited - wakes it to copy what is left and end;
 * vmm_log_abandon() wakes it to end at once. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon_error.h"
#include "domain_log.h"
#include "i18n.h"
#include "vmm_log.h"

struct VmmLog {
    int fifo_fd;
    int log_fd;
    DomainLogStream stream;     /* the VMM's lines, filtered (domain_log.h) */
    int wake[2];
    GThread *thread;
};

/* Copy what the FIFO holds now; FALSE at its end (no writer left). */
static gboolean drain(VmmLog *l)
{
    char buf[8192];
    for (;;) {
        gssize n = read(l->fifo_fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return TRUE;
        if (n <= 0)
            return FALSE;
        domain_log_stream_write(&l->stream, l->log_fd, buf, (gsize)n);
    }
}

static gpointer copy_thread(gpointer data)
{
    VmmLog *l = data;
    for (;;) {
        struct pollfd pf[2] = { { l->fifo_fd, POLLIN, 0 }, { l->wake[0], POLLIN, 0 } };
        if (poll(pf, 2, -1) < 0 && errno != EINTR)
            break;
        if (pf[1].revents) {
            char how = 0;
            if (read(l->wake[0], &how, 1) == 1 && how == 'f')
                drain(l);   /* the VMM is gone: all it wrote is in the FIFO */
            break;
        }
        if (pf[0].revents && !drain(l))
            break;
    }
    return NULL;
}

static VmmLog *start(int fifo_fd, const char *log_path, goffset max_log, GError **error)
{
    /* read too: the filter looks at the log's last byte */
    int log_fd = open(log_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (log_fd < 0) {
        int e = errno;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot open log file %s: %s"),
                    log_path, g_strerror(e));
        return NULL;
    }
    VmmLog *l = g_new0(VmmLog, 1);
    l->fifo_fd = fifo_fd;
    l->log_fd = log_fd;
    domain_log_stream_init(&l->stream, DOMAIN_LOG_VMM, max_log);
    if (!g_unix_open_pipe(l->wake, FD_CLOEXEC, error)) {
        close(log_fd);
        g_free(l);
        return NULL;
    }
    l->thread = g_thread_new("vmm-log", copy_thread, l);
    return l;
}

static void free_log(VmmLog *l)
{
    close(l->fifo_fd);
    close(l->log_fd);
    close(l->wake[0]);
    close(l->wake[1]);
    g_free(l);
}

VmmLog *vmm_log_new(const char *fifo, const char *log_path, goffset max_log, int *vmm_fd,
                    GError **error)
{
    unlink(fifo);
    if (mkfifo(fifo, 0600) < 0) {
        int e = errno;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot create FIFO %s: %s"),
                    fifo, g_strerror(e));
        return NULL;
    }
    /* the reader first, so opening the writer does not block */
    int rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    int wfd = rfd >= 0 ? open(fifo, O_WRONLY | O_CLOEXEC) : -1;
    if (wfd < 0) {
        int e = errno;
        if (rfd >= 0)
            close(rfd);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot open FIFO %s: %s"),
                    fifo, g_strerror(e));
        return NULL;
    }
    VmmLog *l = start(rfd, log_path, max_log, error);
    if (!l) {
        close(rfd);
        close(wfd);
        return NULL;
    }
    *vmm_fd = wfd;
    return l;
}

VmmLog *vmm_log_reopen(const char *fifo, const char *log_path, goffset max_log)
{
    struct stat st;
    int rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (rfd < 0 || fstat(rfd, &st) < 0 || !S_ISFIFO(st.st_mode) || st.st_uid != geteuid()) {
        g_debug("not reading %s: %s", fifo, rfd < 0 ? g_strerror(errno) : "not our FIFO");
        if (rfd >= 0)
            close(rfd);
        return NULL;
    }
    g_autoptr(GError) err = NULL;
    VmmLog *l = start(rfd, log_path, max_log, &err);
    if (!l) {
        g_warning("%s", err->message);
        close(rfd);
    }
    return l;
}

static void stop(VmmLog *l, char how)
{
    if (!l)
        return;
    if (write(l->wake[1], &how, 1) < 0)
        g_debug("cannot wake the log thread: %s", g_strerror(errno));
    g_thread_join(l->thread);
    free_log(l);
}

void vmm_log_finish(VmmLog *l)
{
    stop(l, 'f');
}

void vmm_log_abandon(VmmLog *l)
{
    stop(l, 'a');
}
