/* dbus_refuse.c - the minimal D-Bus server that answers a refused client
 * (dbus_refuse.h).
 *
 * The client's bytes are followed as the relay follows them
 * (dbus_relay.c): a NUL byte, SASL lines up to BEGIN, then messages, each
 * a 16-byte fixed header (endianness, type, flags, version, body length,
 * serial, length of the header-field array) and the rest.  Only the
 * header is kept; the rest is counted off.  The reply is built by GDBus
 * (GDBusMessage), so its encoding is GLib's, not ours.  Everything runs
 * on one main context: no locking. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <glib-unix.h>

#include "dbus_relay.h"
#include "dbus_refuse.h"

/* bytes of messages a refused client may send before its method call */
#define REFUSE_BYTES_MAX (1024 * 1024)

typedef enum {
    REFUSE_NUL,
    REFUSE_AUTH,
    REFUSE_HEADER,
    REFUSE_BODY,
} RefusePhase;

typedef struct {
    GSocketConnection *client;
    int fd;
    ClientLimits *limits;
    uid_t uid;
    char *message;
    char *guid;
    GSource *io, *timer;
    RefusePhase phase;
    gboolean authed, want_data;
    gsize auth_bytes, msg_bytes;
    char line[DBUS_REFUSE_LINE];
    gsize line_len;
    guint8 header[16];
    gsize header_len;
    guint64 remaining;
} Refusal;

static void refusal_free(Refusal *r)
{
    if (r->io) {
        g_source_destroy(r->io);
        g_source_unref(r->io);
    }
    if (r->timer) {
        g_source_destroy(r->timer);
        g_source_unref(r->timer);
    }
    g_io_stream_close(G_IO_STREAM(r->client), NULL, NULL);
    g_object_unref(r->client);
    client_limits_release_refusal(r->limits, r->uid);
    g_free(r->message);
    g_free(r->guid);
    g_free(r);
}

/* All of @len bytes at once, or FALSE (the client does not read: give up). */
static gboolean send_all(Refusal *r, const void *p, gsize len)
{
    gssize n;
    do
        n = send(r->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    return n == (gssize)len;
}

static gboolean sasl_reply(Refusal *r, const char *text)
{
    g_autofree char *l = g_strconcat(text, "\r\n", NULL);
    return send_all(r, l, strlen(l));
}

/* One SASL command line (without its end); FALSE: close. */
static gboolean sasl_line(Refusal *r, char *line)
{
    g_auto(GStrv) w = g_strsplit_set(line, " ", 3);
    const char *cmd = w[0] ? w[0] : "";

    if (strcmp(cmd, "AUTH") == 0) {
        r->want_data = FALSE;
        if (!w[1] || strcmp(w[1], "EXTERNAL") != 0)
            return sasl_reply(r, "REJECTED EXTERNAL");
        if (!w[2]) {
            r->want_data = TRUE;       /* no initial response: ask for it */
            return sasl_reply(r, "DATA");
        }
    } else if (strcmp(cmd, "DATA") == 0) {
        if (!r->want_data)
            return sasl_reply(r, "ERROR no AUTH in progress");
        r->want_data = FALSE;
    } else if (strcmp(cmd, "NEGOTIATE_UNIX_FD") == 0) {
        return sasl_reply(r, "ERROR descriptors are not passed on this connection");
    } else if (strcmp(cmd, "BEGIN") == 0) {
        if (!r->authed)
            return FALSE;
        r->phase = REFUSE_HEADER;
        return TRUE;
    } else if (strcmp(cmd, "CANCEL") == 0 || strcmp(cmd, "ERROR") == 0) {
        r->want_data = r->authed = FALSE;
        return sasl_reply(r, "REJECTED EXTERNAL");
    } else {
        return sasl_reply(r, "ERROR unknown command");
    }
    /* AUTH EXTERNAL with its response, or the DATA asked for */
    r->authed = TRUE;
    g_autofree char *ok = g_strconcat("OK ", r->guid, NULL);
    return sasl_reply(r, ok);
}

static guint32 header_u32(const guint8 *h, gsize at)
{
    guint32 v;
    memcpy(&v, h + at, 4);
    return h[0] == 'l' ? GUINT32_FROM_LE(v) : GUINT32_FROM_BE(v);
}

/* The error reply to the call whose serial is @serial. */
static gboolean send_error(Refusal *r, guint32 serial)
{
    g_autoptr(GDBusMessage) m = g_dbus_message_new();
    g_dbus_message_set_message_type(m, G_DBUS_MESSAGE_TYPE_ERROR);
    g_dbus_message_set_serial(m, 1);
    g_dbus_message_set_reply_serial(m, serial);
    g_dbus_message_set_error_name(m, DBUS_REFUSE_ERROR_NAME);
    g_dbus_message_set_body(m, g_variant_new("(s)", r->message));
    gsize len = 0;
    g_autofree guchar *blob = g_dbus_message_to_blob(m, &len, G_DBUS_CAPABILITY_FLAGS_NONE,
                                                     NULL);
    return blob && send_all(r, blob, len);
}

/* A whole message has gone by: answer it if it is a call awaiting one.
 * FALSE: close (answered, or the client misbehaves). */
static gboolean message_done(Refusal *r)
{
    const guint8 *h = r->header;
    gboolean call = h[1] == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
                    !(h[2] & G_DBUS_MESSAGE_FLAGS_NO_REPLY_EXPECTED);
    r->phase = REFUSE_HEADER;
    r->header_len = 0;
    if (call) {
        send_error(r, header_u32(h, 8));
        return FALSE;
    }
    return TRUE;
}

static gboolean header_done(Refusal *r)
{
    const guint8 *h = r->header;
    if (h[0] != 'l' && h[0] != 'B')
        return FALSE;
    guint64 fields = header_u32(h, 12), body = header_u32(h, 4);
    guint64 total = 16 + ((fields + 7) & ~(guint64)7) + body;
    r->msg_bytes += total;
    if (total > DBUS_REFUSE_MESSAGE_MAX || r->msg_bytes > REFUSE_BYTES_MAX)
        return FALSE;
    r->remaining = total - 16;
    r->phase = REFUSE_BODY;
    return r->remaining ? TRUE : message_done(r);
}

/* Follow @n bytes of the client; FALSE: close. */
static gboolean feed(Refusal *r, const guint8 *p, gsize n)
{
    for (gsize i = 0; i < n;) {
        switch (r->phase) {
        case REFUSE_NUL:
            if (p[i++] != 0)
                return FALSE;
            r->phase = REFUSE_AUTH;
            break;
        case REFUSE_AUTH: {
            char c = (char)p[i++];
            if (++r->auth_bytes > DBUS_RELAY_AUTH_MAX || r->line_len + 1 >= sizeof(r->line))
                return FALSE;
            if (c != '\n') {
                r->line[r->line_len++] = c;
                break;
            }
            if (r->line_len && r->line[r->line_len - 1] == '\r')
                r->line_len--;
            r->line[r->line_len] = '\0';
            r->line_len = 0;
            if (!sasl_line(r, r->line))
                return FALSE;
            break;
        }
        case REFUSE_HEADER: {
            gsize take = MIN(n - i, sizeof(r->header) - r->header_len);
            memcpy(r->header + r->header_len, p + i, take);
            r->header_len += take;
            i += take;
            if (r->header_len == sizeof(r->header) && !header_done(r))
                return FALSE;
            break;
        }
        case REFUSE_BODY: {
            gsize take = (gsize)MIN((guint64)(n - i), r->remaining);
            r->remaining -= take;
            i += take;
            if (!r->remaining && !message_done(r))
                return FALSE;
            break;
        }
        }
    }
    return TRUE;
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
    Refusal *r = data;
    guint8 buf[4096];
    gssize n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    (void)cond;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return G_SOURCE_CONTINUE;
    if (n <= 0 || !feed(r, buf, (gsize)n)) {
        g_clear_pointer(&r->io, g_source_unref);   /* removed by returning */
        refusal_free(r);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean on_timeout(gpointer data)
{
    Refusal *r = data;
    g_clear_pointer(&r->timer, g_source_unref);
    refusal_free(r);
    return G_SOURCE_REMOVE;
}

void dbus_refuse(GSocketConnection *client, ClientLimits *limits, uid_t uid,
                 const char *message, guint timeout, GMainContext *context)
{
    if (!client_limits_take_refusal(limits, uid)) {
        g_io_stream_close(G_IO_STREAM(client), NULL, NULL);
        return;
    }
    Refusal *r = g_new0(Refusal, 1);
    r->client = g_object_ref(client);
    r->fd = g_socket_get_fd(g_socket_connection_get_socket(client));
    r->limits = limits;
    r->uid = uid;
    r->message = g_strdup(message);
    r->guid = g_dbus_generate_guid();
    r->io = g_unix_fd_source_new(r->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(r->io, G_SOURCE_FUNC(on_readable), r, NULL);
    g_source_attach(r->io, context);
    r->timer = g_timeout_source_new_seconds(timeout);
    g_source_set_callback(r->timer, on_timeout, r, NULL);
    g_source_attach(r->timer, context);
}
