/* vmm_watch.c - `event` lines from a VMM (see vmm_watch.h). */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon_error.h"
#include "i18n.h"
#include "unix_addr.h"
#include "vmm_watch.h"

struct VmmWatch {
    int fd;
    GSource *source;
    GString *buf;
    VmmWatchFunc func;
    gpointer data;
    GDestroyNotify notify;
    char *path;
    gint64 window_start;     /* rate limit: this second's events */
    guint window_events;
    guint dropped;
};

static void watch_stop(VmmWatch *w)
{
    if (w->source) {
        g_source_destroy(w->source);
        g_clear_pointer(&w->source, g_source_unref);
    }
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
}

/* FALSE: over the rate, dropped (and counted). */
static gboolean watch_admit(VmmWatch *w)
{
    gint64 now = g_get_monotonic_time();
    if (now - w->window_start >= G_USEC_PER_SEC) {
        if (w->dropped)
            g_message(_("VMM %s: %u events over %d a second were dropped"), w->path, w->dropped,
                      VMM_WATCH_RATE);
        w->window_start = now;
        w->window_events = 0;
        w->dropped = 0;
    }
    if (w->window_events >= VMM_WATCH_RATE) {
        w->dropped++;
        return FALSE;
    }
    w->window_events++;
    return TRUE;
}

/* FALSE: a line no VMM sends; the watch ends. */
static gboolean watch_lines(VmmWatch *w)
{
    char *nl;
    while ((nl = memchr(w->buf->str, '\n', w->buf->len))) {
        *nl = '\0';
        const char *line = w->buf->str;
        if (g_str_has_prefix(line, "event ") && line[6]) {
            if (watch_admit(w))
                w->func(line + 6, w->data);
        } else if (strcmp(line, "ok") != 0) {
            g_message(_("VMM %s: unexpected line on its event channel; not watching it"),
                      w->path);
            return FALSE;
        }
        g_string_erase(w->buf, 0, nl - w->buf->str + 1);
    }
    if (w->buf->len > VMM_WATCH_LINE_MAX) {
        g_message(_("VMM %s: overlong line on its event channel; not watching it"), w->path);
        return FALSE;
    }
    return TRUE;
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
    VmmWatch *w = data;
    char chunk[512];
    ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    (void)cond;
    if (n > 0) {
        g_string_append_len(w->buf, chunk, n);
        if (watch_lines(w))
            return G_SOURCE_CONTINUE;
    }
    /* EOF (the VMM exited), an error, or a line no VMM sends */
    watch_stop(w);
    return G_SOURCE_REMOVE;
}

VmmWatch *vmm_watch_new(const char *path, GMainContext *context, VmmWatchFunc func,
                        gpointer data, GDestroyNotify notify, GError **error)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    static const char req[] = "watch\n";
    if (fd < 0 || unix_addr_connect(fd, path) < 0 ||
        send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(req) - 1) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot watch the VMM's events on %s: %s"), path, g_strerror(e));
        return NULL;
    }
    VmmWatch *w = g_new0(VmmWatch, 1);
    w->fd = fd;
    w->buf = g_string_new(NULL);
    w->func = func;
    w->data = data;
    w->notify = notify;
    w->path = g_strdup(path);
    w->source = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(w->source, G_SOURCE_FUNC(on_readable), w, NULL);
    g_source_attach(w->source, context);
    return w;
}

void vmm_watch_free(VmmWatch *w)
{
    if (!w)
        return;
    watch_stop(w);
    if (w->notify)
        w->notify(w->data);
    g_string_free(w->buf, TRUE);
    g_free(w->path);
    g_free(w);
}
