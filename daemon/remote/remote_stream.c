/* remote_stream.c - streams over an fd (remote_stream.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "i18n.h"
#include "remote_error.h"
#include "remote_stream.h"

#define READ_CHUNK 65536

struct RemoteStream {
    RemoteClient *client;    /* borrowed: the client owns its streams */
    gint32 proc;
    guint32 serial;
    int fd;                  /* -1 once closed */
    GSource *in_source;      /* fd readable (while the client has room) */
    GSource *out_source;     /* fd writable (while tx holds data) */
    GByteArray *tx;          /* client -> fd, not yet written */
    gboolean eof_sent;       /* no more data from us */
    gboolean upload;         /* the fd answers a status byte (remote_stream.h) */
    gboolean finishing;      /* upload: the client finished, tx still draining */
};

static gboolean on_fd_readable(gint fd, GIOCondition cond, gpointer data);

static void drop_source(GSource **s)
{
    if (*s) {
        g_source_destroy(*s);
        g_clear_pointer(s, g_source_unref);
    }
}

static void send_packet(RemoteStream *s, RemoteStatus status, const void *data, gsize len)
{
    RemotePacketHeader h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, s->proc,
                             REMOTE_PACKET_STREAM, s->serial, status };
    remote_client_send(s->client, remote_packet_encode_raw(&h, data, len));
}

static void close_fd(RemoteStream *s)
{
    drop_source(&s->in_source);
    drop_source(&s->out_source);
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    g_byte_array_set_size(s->tx, 0);
}

/* The fd failed or ended: tell the client, keep the entry until it
 * finishes or aborts. */
static void end_output(RemoteStream *s, const char *error_msg)
{
    close_fd(s);
    if (s->eof_sent)
        return;
    s->eof_sent = TRUE;
    if (!error_msg) {
        /* end of file is an empty CONTINUE; an empty OK only confirms the
         * client's finish (libvirt's virNetServerProgramSendStreamData) */
        send_packet(s, REMOTE_STATUS_CONTINUE, NULL, 0);
        return;
    }
    g_autoptr(GError) err = NULL;
    remote_error_set(&err, VIR_ERR_RPC, "%s", error_msg);
    RemoteError e;
    remote_error_fill(&e, err, VIR_FROM_STREAMS, FALSE);
    RemotePacketHeader h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, s->proc,
                             REMOTE_PACKET_STREAM, s->serial, REMOTE_STATUS_ERROR };
    GBytes *pkt = remote_packet_encode(&h, (xdrproc_t)remote_xdr_error, &e, NULL);
    xdr_free((xdrproc_t)remote_xdr_error, (char *)&e);
    if (pkt)
        remote_client_send(s->client, pkt);
}

static void watch_input(RemoteStream *s)
{
    /* an upload's fd has nothing for the client (on_status reads it) */
    if (s->fd < 0 || s->in_source || s->upload)
        return;
    s->in_source = g_unix_fd_source_new(s->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(s->in_source, G_SOURCE_FUNC(on_fd_readable), s, NULL);
    g_source_attach(s->in_source, remote_client_context(s->client));
}

RemoteStream *remote_stream_new(RemoteClient *c, gint32 proc, guint32 serial, int fd)
{
    RemoteStream *s = g_new0(RemoteStream, 1);
    *s = (RemoteStream){ c, proc, serial, fd, NULL, NULL, g_byte_array_new(), FALSE };
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    watch_input(s);
    return s;
}

RemoteStream *remote_stream_new_upload(RemoteClient *c, gint32 proc, guint32 serial, int fd)
{
    RemoteStream *s = g_new0(RemoteStream, 1);
    *s = (RemoteStream){ c, proc, serial, fd, NULL, NULL, g_byte_array_new(), FALSE, TRUE,
                         FALSE };
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return s;
}

gboolean remote_stream_input_full(RemoteStream *s)
{
    return s->tx->len >= REMOTE_STREAM_TX_HIGH;
}

RemoteStream *remote_stream_new_bytes(RemoteClient *c, gint32 proc, guint32 serial,
                                      GBytes *bytes)
{
    RemoteStream *s = g_new0(RemoteStream, 1);
    *s = (RemoteStream){ c, proc, serial, -1, NULL, NULL, g_byte_array_new(), FALSE };
    gsize len;
    const guint8 *data = g_bytes_get_data(bytes, &len);
    for (gsize off = 0; off < len; off += REMOTE_STREAM_CHUNK_MAX)
        send_packet(s, REMOTE_STATUS_CONTINUE, data + off, MIN(len - off, REMOTE_STREAM_CHUNK_MAX));
    end_output(s, NULL);
    return s;
}

void remote_stream_free(RemoteStream *s)
{
    if (!s)
        return;
    close_fd(s);
    g_byte_array_unref(s->tx);
    g_free(s);
}

guint32 remote_stream_serial(RemoteStream *s)
{
    return s->serial;
}

static gboolean on_fd_readable(gint fd, GIOCondition cond, gpointer data)
{
    RemoteStream *s = data;
    if (remote_client_pending(s->client) >= REMOTE_CLIENT_OUT_HIGH) {
        /* the client is behind: wait for remote_stream_resume() */
        g_clear_pointer(&s->in_source, g_source_unref);
        return G_SOURCE_REMOVE;
    }
    guint8 buf[READ_CHUNK];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
    if (n <= 0) {
        g_clear_pointer(&s->in_source, g_source_unref);   /* removed by returning REMOVE */
        end_output(s, n < 0 ? g_strerror(errno) : NULL);
        return G_SOURCE_REMOVE;
    }
    send_packet(s, REMOTE_STATUS_CONTINUE, buf, (gsize)n);
    return G_SOURCE_CONTINUE;
}

void remote_stream_resume(RemoteStream *s)
{
    watch_input(s);
}

static gboolean on_fd_writable(gint fd, GIOCondition cond, gpointer data);

/* A socket peer that went away is an error here, not a SIGPIPE. */
static ssize_t write_fd(int fd, const void *buf, size_t len)
{
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK)
        n = write(fd, buf, len);
    return n;
}

static void start_status(RemoteStream *s);

/* Write what the client sent; FALSE on a fatal error. */
static gboolean write_tx(RemoteStream *s)
{
    gboolean was_full = remote_stream_input_full(s);
    while (s->tx->len > 0) {
        ssize_t n = write_fd(s->fd, s->tx->data, s->tx->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n <= 0)
            return FALSE;
        g_byte_array_remove_range(s->tx, 0, (guint)n);
    }
    if (s->tx->len > 0 && !s->out_source) {
        s->out_source = g_unix_fd_source_new(s->fd, G_IO_OUT | G_IO_ERR | G_IO_HUP);
        g_source_set_callback(s->out_source, G_SOURCE_FUNC(on_fd_writable), s, NULL);
        g_source_attach(s->out_source, remote_client_context(s->client));
    } else if (s->tx->len == 0) {
        drop_source(&s->out_source);
    }
    if (was_full && !remote_stream_input_full(s))
        remote_client_update_reading(s->client);
    if (s->finishing && s->tx->len == 0)
        start_status(s);
    return TRUE;
}

static gboolean on_fd_writable(gint fd, GIOCondition cond, gpointer data)
{
    RemoteStream *s = data;
    if (!write_tx(s))
        end_output(s, g_strerror(errno));
    return G_SOURCE_CONTINUE;   /* write_tx/end_output dropped it when done */
}

/* Upload: the fd's status byte arrived (or it failed): confirm the
 * client's finish, and the stream is gone. */
static gboolean on_status(gint fd, GIOCondition cond, gpointer data)
{
    RemoteStream *s = data;
    guint8 status = 1;
    ssize_t n = read(fd, &status, 1);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
    g_clear_pointer(&s->in_source, g_source_unref);   /* removed by returning REMOVE */
    if (n == 1 && status == 0) {
        close_fd(s);
        send_packet(s, REMOTE_STATUS_OK, NULL, 0);
    } else {
        s->eof_sent = FALSE;
        end_output(s, _("the data could not be written to the volume"));
    }
    RemoteClient *c = s->client;
    remote_client_remove_stream(c, s->serial);   /* frees s */
    return G_SOURCE_REMOVE;
}

static void start_status(RemoteStream *s)
{
    s->finishing = FALSE;
    drop_source(&s->out_source);
    if (shutdown(s->fd, SHUT_WR) < 0) {
        end_output(s, g_strerror(errno));
        return;
    }
    s->in_source = g_unix_fd_source_new(s->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(s->in_source, G_SOURCE_FUNC(on_status), s, NULL);
    g_source_attach(s->in_source, remote_client_context(s->client));
}

gboolean remote_stream_packet(RemoteStream *s, const RemotePacketHeader *h, const guint8 *data,
                              gsize len)
{
    if (h->status == REMOTE_STATUS_CONTINUE) {
        if (s->fd < 0 || s->finishing)
            return TRUE;           /* after our end of file: dropped */
        if (s->tx->len + len > REMOTE_STREAM_TX_MAX) {
            end_output(s, _("stream input is arriving faster than it can be written"));
            return TRUE;
        }
        g_byte_array_append(s->tx, data, (guint)len);
        if (!write_tx(s))
            end_output(s, g_strerror(errno));
        return TRUE;
    }
    if (h->status == REMOTE_STATUS_OK && s->upload && s->fd >= 0 && !s->eof_sent) {
        /* confirmed once the fd says the data is written (on_status) */
        s->finishing = TRUE;
        if (s->tx->len == 0)
            start_status(s);
        return TRUE;
    }
    /* OK: finish; ERROR: abort.  Either way confirmed with an empty OK. */
    close_fd(s);
    RemotePacketHeader r = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, s->proc,
                             REMOTE_PACKET_STREAM, s->serial, REMOTE_STATUS_OK };
    remote_client_send(s->client, remote_packet_encode_raw(&r, NULL, 0));
    return FALSE;
}
