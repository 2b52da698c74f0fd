/* vol_stream.c - volume uploads and downloads (vol_stream.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon_error.h"
#include "i18n.h"
#include "vol_stream.h"

typedef struct {
    int file_fd;
    int sock;
    gboolean upload;
    guint64 offset, length;
    char *name;
} VolStream;

static void vol_stream_free(VolStream *s)
{
    close(s->file_fd);
    close(s->sock);
    g_free(s->name);
    g_free(s);
}

/* To the socket pair: a client that went away is an error (EPIPE), not a
 * SIGPIPE that would end the daemon. */
static gboolean write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        buf += n;
        len -= (size_t)n;
    }
    return TRUE;
}

static gpointer vol_stream_download(gpointer data)
{
    VolStream *s = data;
    static const size_t chunk = 1 << 20;
    g_autofree char *buf = g_malloc(chunk);
    guint64 off = s->offset, left = s->length ? s->length : G_MAXUINT64;
    while (left) {
        ssize_t n = pread(s->file_fd, buf, MIN(chunk, left), (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                g_warning(_("download of %s: %s"), s->name, g_strerror(errno));
            break;
        }
        if (!write_all(s->sock, buf, (size_t)n))
            break;              /* the client went away */
        off += (guint64)n;
        left -= (guint64)n;
    }
    vol_stream_free(s);
    return NULL;
}

static gpointer vol_stream_upload(gpointer data)
{
    VolStream *s = data;
    static const size_t chunk = 1 << 20;
    g_autofree char *buf = g_malloc(chunk);
    guint64 off = s->offset, left = s->length ? s->length : G_MAXUINT64;
    gboolean ok = TRUE;
    while (left && ok) {
        ssize_t n = read(s->sock, buf, MIN(chunk, left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_warning(_("upload to %s: %s"), s->name, g_strerror(errno));
            ok = FALSE;
            break;
        }
        if (n == 0)
            break;              /* the client shut down its side: done */
        for (ssize_t done = 0; done < n && ok;) {
            ssize_t w = pwrite(s->file_fd, buf + done, (size_t)(n - done), (off_t)(off + done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                g_warning(_("upload to %s: %s"), s->name, g_strerror(w < 0 ? errno : EIO));
                ok = FALSE;
            }
            done += w > 0 ? w : 0;
        }
        off += (guint64)n;
        left -= (guint64)n;
    }
    if (ok && s->offset == 0 && s->length == 0 && ftruncate(s->file_fd, (off_t)off) < 0)
        ok = FALSE;
    if (ok && fsync(s->file_fd) < 0)
        ok = FALSE;
    char status = ok ? 0 : 1;
    write_all(s->sock, &status, 1);
    vol_stream_free(s);
    return NULL;
}

int vol_stream_start(int file_fd, const char *name, gboolean upload, guint64 offset,
                     guint64 length, GError **error)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("cannot make a socket: %s"),
                    g_strerror(errno));
        close(file_fd);
        return -1;
    }
    struct timeval tv = { VOL_STREAM_IDLE_S, 0 };
    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    VolStream *s = g_new0(VolStream, 1);
    s->file_fd = file_fd;
    s->sock = sv[0];
    s->upload = upload;
    s->offset = offset;
    s->length = length;
    s->name = g_strdup(name);
    GThread *t = g_thread_try_new(upload ? "vol-upload" : "vol-download",
                                  upload ? vol_stream_upload : vol_stream_download, s, NULL);
    if (!t) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, "%s",
                    _("cannot start the transfer"));
        vol_stream_free(s);
        close(sv[1]);
        return -1;
    }
    g_thread_unref(t);
    return sv[1];
}
