/* remote_client.c - one libvirt client connection (remote_client.h).
 *
 * Design: the socket is non-blocking.  Input is read one packet at a
 * time into a buffer sized by the length word (checked first), then
 * handed to remote_dispatch_packet(); reading pauses while the client
 * has REMOTE_CLIENT_MAX_CALLS calls running or too much output waiting,
 * and resumes when a flush finds room again.  Output is a queue of whole
 * packets under the client's mutex: any thread appends and schedules a
 * flush on the main loop, which writes until the socket would block and
 * then waits for it to become writable. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "i18n.h"
#include "remote_client.h"
#include "remote_dispatch.h"
#include "remote_error.h"
#include "remote_server.h"
#include "remote_stream.h"

#define REMOTE_CLIENT_RX_CHUNK 65536u

/* One item of the output queue: a whole packet, and maybe an fd to pass
 * once the packet is written. */
typedef struct {
    GBytes *data;
    int fd;                  /* -1: none */
} RemoteOut;

static void out_free(RemoteOut *o)
{
    g_bytes_unref(o->data);
    if (o->fd >= 0)
        close(o->fd);
    g_free(o);
}

typedef struct {
    gint32 id;
    DaemonEventKind kind;
    int event_id;
    char uuid[37];           /* "" for every object */
} RemoteCallback;

struct RemoteClient {
    gint ref;
    RemoteServer *server;    /* NULL once closed */
    Daemon *daemon;
    GMainContext *context;
    GSocket *socket;
    int fd;

    /* identity, fixed at accept (peer.read_only also by CONNECT_OPEN) */
    DaemonPeer peer;
    GArray *gids;
    pid_t pid;

    /* main loop only */
    gboolean open;
    char *uri;
    char *refusal;           /* over a connection limit: the answer to any call */
    gboolean closed;
    gboolean close_after_flush;
    GSource *in_source;      /* while reading */
    GSource *out_source;     /* while the socket is full */
    guint8 word[REMOTE_PACKET_LEN_SIZE];
    guint word_have;
    guint8 *pkt;             /* the packet being read, length word included */
    guint32 pkt_size;        /* allocated */
    guint32 pkt_len;
    guint32 pkt_have;
    GArray *callbacks;       /* RemoteCallback */
    gint32 next_callback;
    GHashTable *streams;     /* serial -> RemoteStream */
    gboolean keepalive;
    gint64 last_rx;          /* monotonic us */
    guint ka_unanswered;
    GSource *ka_timer;

    /* any thread, under lock */
    GMutex lock;
    GQueue out;              /* RemoteOut */
    gsize out_offset;        /* written of the head */
    gsize out_bytes;         /* queued and not written */
    GSource *flush_source;   /* an idle flush is scheduled */
    guint calls;             /* running on the pool */
    gboolean dead;           /* closed: output is dropped */
};

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data);
static gboolean on_writable(gint fd, GIOCondition cond, gpointer data);
static void schedule_flush_locked(RemoteClient *c);

/* ------------------------------------------------------------ life */

RemoteClient *remote_client_new(RemoteServer *server, Daemon *daemon, GSocket *socket,
                                gboolean read_only)
{
    RemoteClient *c = g_new0(RemoteClient, 1);
    c->ref = 1;
    c->server = server;
    c->daemon = daemon;
    c->context = g_main_context_ref(remote_server_context(server));
    c->socket = g_object_ref(socket);
    c->fd = g_socket_get_fd(socket);
    g_socket_set_blocking(socket, FALSE);
    g_mutex_init(&c->lock);
    g_queue_init(&c->out);
    c->gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
    c->callbacks = g_array_new(FALSE, FALSE, sizeof(RemoteCallback));
    c->next_callback = 1;
    c->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)remote_stream_free);
    c->last_rx = g_get_monotonic_time();

    struct ucred cred = { 0 };
    socklen_t len = sizeof(cred);
    c->peer.read_only = read_only;
    c->peer.uid = (uid_t)-1;
    if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        c->peer.uid = cred.uid;
        c->pid = cred.pid;
    }
    gid_t groups[256];
    len = sizeof(groups);
    if (getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
        g_array_append_vals(c->gids, groups, len / sizeof(gid_t));
    c->peer.gids = (const gid_t *)c->gids->data;
    c->peer.n_gids = c->gids->len;

    c->in_source = g_unix_fd_source_new(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(c->in_source, G_SOURCE_FUNC(on_readable), c, NULL);
    g_source_attach(c->in_source, c->context);
    return c;
}

RemoteClient *remote_client_ref(RemoteClient *c)
{
    g_atomic_int_inc(&c->ref);
    return c;
}

void remote_client_unref(RemoteClient *c)
{
    if (!c || !g_atomic_int_dec_and_test(&c->ref))
        return;
    g_assert(c->closed || !c->server);
    g_queue_clear_full(&c->out, (GDestroyNotify)out_free);
    g_mutex_clear(&c->lock);
    g_array_unref(c->gids);
    g_array_unref(c->callbacks);
    g_hash_table_unref(c->streams);
    g_free(c->pkt);
    g_free(c->uri);
    g_free(c->refusal);
    g_object_unref(c->socket);
    g_main_context_unref(c->context);
    g_free(c);
}

static void drop_source(GSource **s)
{
    if (*s) {
        g_source_destroy(*s);
        g_clear_pointer(s, g_source_unref);
    }
}

void remote_client_close(RemoteClient *c)
{
    if (c->closed)
        return;
    c->closed = TRUE;
    drop_source(&c->in_source);
    drop_source(&c->out_source);
    drop_source(&c->ka_timer);
    g_mutex_lock(&c->lock);
    c->dead = TRUE;
    drop_source(&c->flush_source);
    g_queue_clear_full(&c->out, (GDestroyNotify)out_free);
    c->out_bytes = 0;
    g_mutex_unlock(&c->lock);
    g_hash_table_remove_all(c->streams);
    g_array_set_size(c->callbacks, 0);
    g_socket_close(c->socket, NULL);
    RemoteServer *server = g_steal_pointer(&c->server);
    if (server)
        remote_server_client_closed(server, c);   /* drops the server's reference */
}

void remote_client_close_after_flush(RemoteClient *c)
{
    c->close_after_flush = TRUE;
    g_mutex_lock(&c->lock);
    schedule_flush_locked(c);
    g_mutex_unlock(&c->lock);
}

RemoteServer *remote_client_server(RemoteClient *c)
{
    return c->server;
}

gboolean remote_client_is_closed(RemoteClient *c)
{
    return c->closed;
}

GMainContext *remote_client_context(RemoteClient *c)
{
    return c->context;
}

/* ------------------------------------------------------------ output */


/* Pass @fd with one byte of data (1 on success). */
static ssize_t send_fd(int sock, int fd)
{
    char byte = 0;
    struct iovec iov = { &byte, 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                          .msg_controllen = sizeof(ctl.buf) };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Main loop: write what is queued until the socket would block. */
static void flush(RemoteClient *c)
{
    gboolean blocked = FALSE, failed = FALSE, empty;
    g_mutex_lock(&c->lock);
    while (!c->dead && !g_queue_is_empty(&c->out)) {
        RemoteOut *head = g_queue_peek_head(&c->out);
        gsize size;
        const guint8 *data = g_bytes_get_data(head->data, &size);
        ssize_t n;
        if (c->out_offset < size)
            n = send(c->fd, data + c->out_offset, size - c->out_offset,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
        else
            n = send_fd(c->fd, head->fd);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            blocked = TRUE;
            break;
        }
        if (n <= 0) {
            failed = TRUE;
            break;
        }
        if (c->out_offset < size) {
            c->out_offset += (gsize)n;
            c->out_bytes -= (gsize)n;
        } else {
            close(head->fd);
            head->fd = -1;
        }
        if (c->out_offset == size && head->fd < 0) {
            out_free(g_queue_pop_head(&c->out));
            c->out_offset = 0;
        }
    }
    empty = g_queue_is_empty(&c->out);
    g_mutex_unlock(&c->lock);

    if (failed) {
        g_debug("libvirt client pid %d: write failed, closing", (int)c->pid);
        remote_client_close(c);
        return;
    }
    if (blocked && !c->out_source) {
        c->out_source = g_unix_fd_source_new(c->fd, G_IO_OUT | G_IO_ERR | G_IO_HUP);
        g_source_set_callback(c->out_source, G_SOURCE_FUNC(on_writable), c, NULL);
        g_source_attach(c->out_source, c->context);
    } else if (!blocked) {
        drop_source(&c->out_source);
    }
    if (empty && c->close_after_flush) {
        remote_client_close(c);
        return;
    }
    remote_client_update_reading(c);
    /* streams paused for a full queue may go on */
    if (remote_client_pending(c) < REMOTE_CLIENT_OUT_HIGH) {
        GHashTableIter it;
        gpointer s;
        g_hash_table_iter_init(&it, c->streams);
        while (g_hash_table_iter_next(&it, NULL, &s))
            remote_stream_resume(s);
    }
}

static gboolean on_flush(gpointer data)
{
    RemoteClient *c = data;
    g_mutex_lock(&c->lock);
    g_clear_pointer(&c->flush_source, g_source_unref);
    g_mutex_unlock(&c->lock);
    if (!c->closed)
        flush(c);
    return G_SOURCE_REMOVE;
}

static void schedule_flush_locked(RemoteClient *c)
{
    if (c->flush_source || c->dead)
        return;
    c->flush_source = g_idle_source_new();
    g_source_set_priority(c->flush_source, G_PRIORITY_DEFAULT);
    /* the source holds a reference: a flush never outlives the client */
    g_source_set_callback(c->flush_source, on_flush, remote_client_ref(c),
                          (GDestroyNotify)remote_client_unref);
    g_source_attach(c->flush_source, c->context);
}

static gboolean on_close_idle(gpointer data)
{
    remote_client_close(data);
    return G_SOURCE_REMOVE;
}

void remote_client_send_fd(RemoteClient *c, GBytes *pkt, int fd)
{
    RemoteOut *o = g_new0(RemoteOut, 1);
    *o = (RemoteOut){ pkt, fd };
    g_mutex_lock(&c->lock);
    if (c->dead) {
        g_mutex_unlock(&c->lock);
        out_free(o);
        return;
    }
    c->out_bytes += g_bytes_get_size(pkt);
    g_queue_push_tail(&c->out, o);
    if (c->out_bytes > REMOTE_CLIENT_OUT_MAX) {
        /* it stopped reading: drop its output now, close on the main loop */
        c->dead = TRUE;
        g_queue_clear_full(&c->out, (GDestroyNotify)out_free);
        c->out_bytes = 0;
        g_warning(_("libvirt client pid %d does not read what it is sent: closing it"),
                  (int)c->pid);
        GSource *s = g_idle_source_new();
        g_source_set_callback(s, on_close_idle, remote_client_ref(c),
                              (GDestroyNotify)remote_client_unref);
        g_source_attach(s, c->context);
        g_source_unref(s);
    } else {
        schedule_flush_locked(c);
    }
    g_mutex_unlock(&c->lock);
}

void remote_client_send(RemoteClient *c, GBytes *pkt)
{
    remote_client_send_fd(c, pkt, -1);
}

gsize remote_client_pending(RemoteClient *c)
{
    g_mutex_lock(&c->lock);
    gsize n = c->out_bytes;
    g_mutex_unlock(&c->lock);
    return n;
}

void remote_client_call_begin(RemoteClient *c)
{
    g_mutex_lock(&c->lock);
    c->calls++;
    g_mutex_unlock(&c->lock);
}

void remote_client_call_end(RemoteClient *c)
{
    g_mutex_lock(&c->lock);
    c->calls--;
    /* a flush rechecks whether reading may go on */
    schedule_flush_locked(c);
    g_mutex_unlock(&c->lock);
}

/* ------------------------------------------------------------ input */

/* A stream whose fd is behind with the client's input. */
static gboolean streams_full(RemoteClient *c)
{
    GHashTableIter it;
    gpointer s;
    g_hash_table_iter_init(&it, c->streams);
    while (g_hash_table_iter_next(&it, NULL, &s))
        if (remote_stream_input_full(s))
            return TRUE;
    return FALSE;
}

/* Main loop: read while there is room for more calls and output, and
 * every stream's fd keeps up with its input. */
void remote_client_update_reading(RemoteClient *c)
{
    if (c->closed || c->close_after_flush)
        return;
    g_mutex_lock(&c->lock);
    gboolean room = c->calls < REMOTE_CLIENT_MAX_CALLS && c->out_bytes < REMOTE_CLIENT_OUT_HIGH;
    g_mutex_unlock(&c->lock);
    room = room && !streams_full(c);
    if (room && !c->in_source) {
        c->in_source = g_unix_fd_source_new(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
        g_source_set_callback(c->in_source, G_SOURCE_FUNC(on_readable), c, NULL);
        g_source_attach(c->in_source, c->context);
    } else if (!room && c->in_source) {
        drop_source(&c->in_source);
    }
}

/* Read into @buf; 1 got all of @len, 0 would block, -1 closed/failed. */
static int read_some(RemoteClient *c, guint8 *buf, guint32 want, guint32 *have)
{
    while (*have < want) {
        ssize_t n = recv(c->fd, buf + *have, want - *have, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            return -1;
        *have += (guint32)n;
    }
    return 1;
}

/* Main loop: read at most one packet; FALSE when there is no more now. */
static gboolean read_packet(RemoteClient *c)
{
    if (!c->pkt) {
        guint32 have = c->word_have;
        int r = read_some(c, c->word, REMOTE_PACKET_LEN_SIZE, &have);
        c->word_have = have;
        if (r < 0) {
            remote_client_close(c);
            return FALSE;
        }
        if (r == 0)
            return FALSE;
        g_autoptr(GError) err = NULL;
        guint32 len;
        /* [limits] max_message_size, never above what the protocol allows */
        guint32 max = MIN(c->daemon->config->max_message_size, REMOTE_PACKET_IN_MAX);
        if (!remote_packet_length(c->word, max, &len, &err)) {
            g_message(_("libvirt client pid %d: %s; closing the connection"), (int)c->pid,
                      err->message);
            remote_client_close(c);
            return FALSE;
        }
        /* the buffer grows with what arrives, not with what is announced */
        c->pkt_size = MIN(len, REMOTE_CLIENT_RX_CHUNK);
        c->pkt = g_malloc(c->pkt_size);
        c->pkt_len = len;
        memcpy(c->pkt, c->word, REMOTE_PACKET_LEN_SIZE);
        c->pkt_have = REMOTE_PACKET_LEN_SIZE;
        c->word_have = 0;
    }
    int r;
    for (;;) {
        r = read_some(c, c->pkt, c->pkt_size, &c->pkt_have);
        if (r <= 0 || c->pkt_size == c->pkt_len)
            break;
        c->pkt_size = MIN(c->pkt_len, c->pkt_size * 2);
        c->pkt = g_realloc(c->pkt, c->pkt_size);
    }
    if (r < 0) {
        remote_client_close(c);
        return FALSE;
    }
    if (r == 0)
        return FALSE;
    g_autofree guint8 *pkt = g_steal_pointer(&c->pkt);
    c->last_rx = g_get_monotonic_time();
    c->ka_unanswered = 0;
    remote_dispatch_packet(c, pkt, c->pkt_len);
    return !c->closed;
}

static gboolean on_writable(gint fd, GIOCondition cond, gpointer data)
{
    RemoteClient *c = data;
    g_autoptr(RemoteClient) hold = remote_client_ref(c);
    flush(c);   /* an error or hang-up shows as a failed write */
    return G_SOURCE_CONTINUE;   /* flush() dropped the source when done */
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
    RemoteClient *c = data;
    g_autoptr(RemoteClient) hold = remote_client_ref(c);
    /* a few packets per wakeup, so one busy client cannot starve others */
    for (int i = 0; i < 16 && c->in_source && read_packet(c); i++)
        remote_client_update_reading(c);
    if (c->closed)
        return G_SOURCE_REMOVE;
    remote_client_update_reading(c);
    return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------ state */

const DaemonPeer *remote_client_peer(RemoteClient *c)
{
    return &c->peer;
}

pid_t remote_client_pid(RemoteClient *c)
{
    return c->pid;
}

gboolean remote_client_is_open(RemoteClient *c)
{
    return c->open;
}

void remote_client_set_refusal(RemoteClient *c, const char *message)
{
    g_free(c->refusal);
    c->refusal = g_strdup(message);
}

const char *remote_client_refusal(RemoteClient *c)
{
    return c->refusal;
}

void remote_client_set_open(RemoteClient *c, const char *uri, gboolean read_only)
{
    c->open = TRUE;
    g_free(c->uri);
    c->uri = g_strdup(uri);
    if (read_only)
        c->peer.read_only = TRUE;
}

void remote_client_connect_closed(RemoteClient *c)
{
    c->open = FALSE;
    g_array_set_size(c->callbacks, 0);
    g_hash_table_remove_all(c->streams);
    remote_client_close_after_flush(c);
}

const char *remote_client_uri(RemoteClient *c)
{
    return c->uri;
}

static gboolean on_keepalive(gpointer data)
{
    RemoteClient *c = data;
    gint64 quiet = g_get_monotonic_time() - c->last_rx;
    if (quiet < (gint64)REMOTE_KEEPALIVE_INTERVAL * G_USEC_PER_SEC)
        return G_SOURCE_CONTINUE;
    if (c->ka_unanswered >= REMOTE_KEEPALIVE_COUNT) {
        g_message(_("libvirt client pid %d did not answer %u keepalive pings: closing"),
                  (int)c->pid, c->ka_unanswered);
        remote_client_close(c);
        return G_SOURCE_REMOVE;
    }
    RemotePacketHeader h = { KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION,
                             KEEPALIVE_PROC_PING, REMOTE_PACKET_MESSAGE, 0, REMOTE_STATUS_OK };
    remote_client_send(c, remote_packet_encode_raw(&h, NULL, 0));
    c->ka_unanswered++;
    return G_SOURCE_CONTINUE;
}

void remote_client_start_keepalive(RemoteClient *c)
{
    if (c->keepalive)
        return;
    c->keepalive = TRUE;
    c->ka_timer = g_timeout_source_new_seconds(REMOTE_KEEPALIVE_INTERVAL);
    g_source_set_callback(c->ka_timer, on_keepalive, c, NULL);
    g_source_attach(c->ka_timer, c->context);
}

/* ------------------------------------------------------------ events */

gint32 remote_client_add_callback(RemoteClient *c, DaemonEventKind kind, int event_id,
                                  const char *uuid, GError **error)
{
    if (c->callbacks->len >= REMOTE_CLIENT_MAX_CALLBACKS) {
        remote_error_set(error, VIR_ERR_OPERATION_FAILED,
                         _("too many event callbacks on this connection (%u)"),
                         REMOTE_CLIENT_MAX_CALLBACKS);
        return -1;
    }
    RemoteCallback cb = { c->next_callback++, kind, event_id, "" };
    if (uuid)
        g_strlcpy(cb.uuid, uuid, sizeof(cb.uuid));
    g_array_append_val(c->callbacks, cb);
    return cb.id;
}

gboolean remote_client_remove_callback(RemoteClient *c, gint32 id, GError **error)
{
    for (guint i = 0; i < c->callbacks->len; i++) {
        if (g_array_index(c->callbacks, RemoteCallback, i).id == id) {
            g_array_remove_index(c->callbacks, i);
            return TRUE;
        }
    }
    remote_error_set(error, VIR_ERR_INVALID_ARG, _("event callback %d is not registered"), id);
    return FALSE;
}

static GBytes *encode_event(const RemoteCallback *cb, const DaemonEvent *ev)
{
    RemotePacketHeader h = { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, 0,
                             REMOTE_PACKET_MESSAGE, 0, REMOTE_STATUS_OK };
    char uuid[REMOTE_UUID_BUFLEN] = { 0 };
    remote_uuid_parse(ev->uuid, uuid);
    g_autoptr(GError) err = NULL;
    GBytes *pkt;
    if (ev->kind == DAEMON_EVENT_DOMAIN && ev->event_id == DAEMON_EVENT_ID_REBOOT) {
        RemoteDomainRebootMsg m = { cb->id, { ev->name, { 0 }, ev->id } };
        memcpy(m.dom.uuid, uuid, sizeof(uuid));
        h.proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT;
        pkt = remote_packet_encode(&h, (xdrproc_t)remote_xdr_domain_reboot_msg, &m, &err);
    } else if (ev->kind == DAEMON_EVENT_DOMAIN) {
        RemoteDomainLifecycleMsg m = { cb->id, { ev->name, { 0 }, ev->id }, ev->event,
                                       ev->detail };
        memcpy(m.dom.uuid, uuid, sizeof(uuid));
        h.proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE;
        pkt = remote_packet_encode(&h, (xdrproc_t)remote_xdr_domain_lifecycle_msg, &m, &err);
    } else {
        /* networks and storage pools: the same message layout */
        RemoteNetworkLifecycleMsg m = { cb->id, { ev->name, { 0 } }, ev->event, ev->detail };
        memcpy(m.net.uuid, uuid, sizeof(uuid));
        h.proc = ev->kind == DAEMON_EVENT_POOL ? REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE
                                               : REMOTE_PROC_NETWORK_EVENT_LIFECYCLE;
        pkt = remote_packet_encode(&h, (xdrproc_t)remote_xdr_network_lifecycle_msg, &m, &err);
    }
    if (!pkt)
        g_warning("%s", err->message);
    return pkt;
}

void remote_client_deliver_event(RemoteClient *c, const DaemonEvent *ev)
{
    if (c->closed || !c->open)
        return;
    for (guint i = 0; i < c->callbacks->len; i++) {
        const RemoteCallback *cb = &g_array_index(c->callbacks, RemoteCallback, i);
        /* lifecycle (event id 0) and, for domains, reboot (1) are the
         * ids vesseld raises */
        if (cb->kind != ev->kind || cb->event_id != (int)ev->event_id ||
            (cb->uuid[0] && g_ascii_strcasecmp(cb->uuid, ev->uuid) != 0))
            continue;
        GBytes *pkt = encode_event(cb, ev);
        if (pkt)
            remote_client_send(c, pkt);
    }
}

/* ------------------------------------------------------------ streams */

gboolean remote_client_stream_room(RemoteClient *c, guint32 serial, GError **error)
{
    if (g_hash_table_size(c->streams) >= REMOTE_CLIENT_MAX_STREAMS ||
        g_hash_table_contains(c->streams, GUINT_TO_POINTER(serial))) {
        remote_error_set(error, VIR_ERR_OPERATION_FAILED,
                         _("too many streams on this connection (%u), or serial %u in use"),
                         REMOTE_CLIENT_MAX_STREAMS, serial);
        return FALSE;
    }
    return TRUE;
}

gboolean remote_client_add_stream(RemoteClient *c, RemoteStream *s, GError **error)
{
    guint32 serial = remote_stream_serial(s);
    if (!remote_client_stream_room(c, serial, error))
        return FALSE;
    g_hash_table_insert(c->streams, GUINT_TO_POINTER(serial), s);
    return TRUE;
}

RemoteStream *remote_client_find_stream(RemoteClient *c, guint32 serial)
{
    return g_hash_table_lookup(c->streams, GUINT_TO_POINTER(serial));
}

void remote_client_remove_stream(RemoteClient *c, guint32 serial)
{
    g_hash_table_remove(c->streams, GUINT_TO_POINTER(serial));
    remote_client_update_reading(c);
}
