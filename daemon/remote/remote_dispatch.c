/* remote_dispatch.c - packets from a client -> procedures, keepalive and
 * streams (remote_dispatch.h). */
#include "config.h"

#include <stdarg.h>
#include <unistd.h>

#include "daemon_auth.h"
#include "i18n.h"
#include "remote_dispatch.h"
#include "remote_error.h"
#include "remote_server.h"
#include "remote_stream.h"

typedef struct {
    RemoteClient *client;    /* referenced */
    RemotePacketHeader header;
    RemoteCall call;
    void *args;
} RemoteJob;

static void send_error(RemoteClient *c, const RemotePacketHeader *req, RemotePacketType type,
                       const GError *error, int from)
{
    RemotePacketHeader h = *req;
    h.type = type;
    h.status = REMOTE_STATUS_ERROR;
    RemoteError e;
    remote_error_fill(&e, error, from, remote_client_peer(c)->read_only);
    g_autoptr(GError) err = NULL;
    GBytes *pkt = remote_packet_encode(&h, (xdrproc_t)remote_xdr_error, &e, &err);
    xdr_free((xdrproc_t)remote_xdr_error, (char *)&e);
    if (pkt)
        remote_client_send(c, pkt);
    else
        g_warning("%s", err->message);
}

static void reply_error(RemoteClient *c, const RemotePacketHeader *req, int from, int code,
                        const char *fmt, ...) G_GNUC_PRINTF(5, 6);
static void reply_error(RemoteClient *c, const RemotePacketHeader *req, int from, int code,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_autoptr(GError) err = g_error_new_literal(REMOTE_ERROR, code, msg);
    send_error(c, req, REMOTE_PACKET_REPLY, err, from);
}

void *remote_dispatch_decode_args(const RemoteProc *proc, const guint8 *pkt, gsize len,
                                  GError **error)
{
    void *args = g_malloc0(MAX(proc->args_size, 1));
    g_autoptr(GError) err = NULL;
    if (!remote_packet_payload_decode(pkt, len, proc->args_filter, args, &err)) {
        g_free(args);
        remote_error_set(error, VIR_ERR_RPC, _("cannot decode the arguments of %s: %s"),
                         proc->api, err->message);
        return NULL;
    }
    return args;
}

void remote_dispatch_free_args(const RemoteProc *proc, void *args)
{
    if (!args)
        return;
    xdr_free(proc->args_filter, args);
    g_free(args);
}

/* A stream to start on the main loop, where the client's streams live,
 * with the reply that opens it: queued there, in the same main-loop turn
 * as the stream is registered, so the client's first stream packet (it
 * sends as soon as it has the reply: vol-upload) always finds it. */
typedef struct {
    RemoteClient *client;    /* referenced */
    gint32 proc;
    guint32 serial;
    int fd;
    gboolean upload;
    GBytes *bytes;
    GBytes *reply;
} StreamStart;

static void stream_start_free(StreamStart *st)
{
    if (st->fd >= 0)
        close(st->fd);
    if (st->bytes)
        g_bytes_unref(st->bytes);
    if (st->reply)
        g_bytes_unref(st->reply);
    remote_client_unref(st->client);
    g_free(st);
}

static gboolean start_stream(gpointer data)
{
    StreamStart *st = data;
    RemoteStream *s = NULL;
    remote_client_send(st->client, g_steal_pointer(&st->reply));
    if (!remote_client_is_closed(st->client)) {
        if (st->fd >= 0 && st->upload)
            s = remote_stream_new_upload(st->client, st->proc, st->serial, g_steal_fd(&st->fd));
        else if (st->fd >= 0)
            s = remote_stream_new(st->client, st->proc, st->serial, g_steal_fd(&st->fd));
        else
            s = remote_stream_new_bytes(st->client, st->proc, st->serial, st->bytes);
    }
    g_autoptr(GError) err = NULL;
    if (s && !remote_client_add_stream(st->client, s, &err)) {
        g_warning("%s", err->message);
        remote_stream_free(s);
    }
    stream_start_free(st);
    return G_SOURCE_REMOVE;
}

/* Run the handler and queue its reply.  Inline or on a pool thread. */
static void run_call(RemoteJob *job, gboolean on_main_loop)
{
    RemoteClient *c = job->client;
    const RemoteProc *proc = job->call.proc;
    void *ret = g_malloc0(MAX(proc->ret_size, 1));
    g_autoptr(GError) err = NULL;
    gboolean ok = proc->func(&job->call, job->args, ret, &err);
    gboolean stream = job->call.stream_fd >= 0 || job->call.stream_bytes;
    GBytes *stream_reply = NULL;
    if (ok) {
        RemotePacketHeader h = job->header;
        h.type = REMOTE_PACKET_REPLY;
        h.status = REMOTE_STATUS_OK;
        GBytes *pkt;
        if (job->call.reply_fd >= 0) {
            h.type = REMOTE_PACKET_REPLY_WITH_FDS;
            pkt = remote_packet_encode_fds(&h, 1, proc->ret_filter, ret, &err);
        } else {
            pkt = remote_packet_encode(&h, proc->ret_filter, ret, &err);
        }
        if (!pkt) {
            ok = FALSE;
        } else if (stream) {
            stream_reply = pkt;          /* queued by start_stream */
        } else {
            remote_client_send_fd(c, pkt, job->call.reply_fd);
            job->call.reply_fd = -1;
        }
    }
    if (job->call.reply_fd >= 0)
        close(job->call.reply_fd);
    if (!ok)
        send_error(c, &job->header, REMOTE_PACKET_REPLY, err, proc->from);
    xdr_free(proc->ret_filter, ret);
    g_free(ret);
    remote_dispatch_free_args(proc, g_steal_pointer(&job->args));

    StreamStart *st = g_new0(StreamStart, 1);
    *st = (StreamStart){ remote_client_ref(c), proc->number, job->header.serial,
                         job->call.stream_fd, job->call.stream_upload,
                         g_steal_pointer(&job->call.stream_bytes), stream_reply };
    if (!ok || !stream)
        stream_start_free(st);
    else if (on_main_loop)
        start_stream(st);
    else
        g_main_context_invoke_full(remote_client_context(c), G_PRIORITY_DEFAULT, start_stream,
                                   st, NULL);
}

void remote_dispatch_run_job(gpointer data)
{
    RemoteJob *job = data;
    daemon_touch(job->call.daemon);
    run_call(job, FALSE);
    remote_client_call_end(job->client);
    remote_client_unref(job->client);
    g_free(job);
}

static void dispatch_call(RemoteClient *c, const RemotePacketHeader *h, const guint8 *pkt,
                          gsize len)
{
    if (remote_client_refusal(c)) {
        /* over a connection limit: tell it why, then close */
        reply_error(c, h, VIR_FROM_RPC, VIR_ERR_OPERATION_DENIED, "%s", remote_client_refusal(c));
        remote_client_close_after_flush(c);
        return;
    }
    if (h->prog != REMOTE_PROGRAM || h->vers != REMOTE_PROTOCOL_VERSION) {
        reply_error(c, h, VIR_FROM_RPC, VIR_ERR_RPC, _("cannot find program %u version %u"),
                    h->prog, h->vers);
        return;
    }
    if (h->status != REMOTE_STATUS_OK) {
        reply_error(c, h, VIR_FROM_RPC, VIR_ERR_RPC, _("unexpected status %d in a call"),
                    h->status);
        return;
    }
    const RemoteProc *proc = remote_proc_find(h->proc);
    if (!proc || !proc->func) {
        g_autofree char *what = proc ? g_strdup(proc->api)
                                     : g_strdup_printf(_("remote procedure %d"), h->proc);
        reply_error(c, h, VIR_FROM_REMOTE, VIR_ERR_NO_SUPPORT,
                    _("this function is not supported by the connection driver: %s"), what);
        return;
    }
    if (!remote_client_is_open(c) && !(proc->flags & REMOTE_PROC_F_UNOPENED)) {
        reply_error(c, h, VIR_FROM_REMOTE, VIR_ERR_INTERNAL_ERROR,
                    _("connection not open (%s)"), proc->api);
        return;
    }
    RemoteServer *server = remote_client_server(c);
    Daemon *d = remote_server_daemon(server);
    if (proc->flags & REMOTE_PROC_F_WRITE) {
        const DaemonPeer *peer = remote_client_peer(c);
        g_autoptr(GError) err = NULL;
        if (!daemon_auth_check_peer(d, peer, &err)) {
            if (peer->read_only)   /* libvirt's words for it */
                reply_error(c, h, VIR_FROM_NONE, VIR_ERR_OPERATION_DENIED,
                            _("operation forbidden: read only access prevents %s"), proc->api);
            else
                send_error(c, h, REMOTE_PACKET_REPLY, err, VIR_FROM_NONE);
            return;
        }
    }
    g_autoptr(GError) err = NULL;
    void *args = remote_dispatch_decode_args(proc, pkt, len, &err);
    if (!args) {
        send_error(c, h, REMOTE_PACKET_REPLY, err, VIR_FROM_RPC);
        return;
    }
    RemoteJob *job = g_new0(RemoteJob, 1);
    *job = (RemoteJob){
        .client = remote_client_ref(c),
        .header = *h,
        .call = { .daemon = d, .client = c, .proc = proc, .serial = h->serial,
                  .stream_fd = -1, .reply_fd = -1 },
        .args = args,
    };
    if (proc->flags & REMOTE_PROC_F_BLOCKING) {
        remote_client_call_begin(c);
        remote_server_push_job(server, job);
        return;
    }
    run_call(job, TRUE);
    remote_client_unref(job->client);
    g_free(job);
}

static void dispatch_keepalive(RemoteClient *c, const RemotePacketHeader *h)
{
    if (h->vers != KEEPALIVE_PROTOCOL_VERSION || h->type != REMOTE_PACKET_MESSAGE)
        return;
    if (h->proc == KEEPALIVE_PROC_PING) {
        RemotePacketHeader r = { KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION,
                                 KEEPALIVE_PROC_PONG, REMOTE_PACKET_MESSAGE, 0,
                                 REMOTE_STATUS_OK };
        remote_client_send(c, remote_packet_encode_raw(&r, NULL, 0));
    }
    /* a PONG only proves the client alive, which any packet does */
}

static void dispatch_stream(RemoteClient *c, const RemotePacketHeader *h, const guint8 *pkt,
                            gsize len)
{
    RemoteStream *s = h->prog == REMOTE_PROGRAM && h->vers == REMOTE_PROTOCOL_VERSION
                          ? remote_client_find_stream(c, h->serial)
                          : NULL;
    if (!s || h->type != REMOTE_PACKET_STREAM) {
        /* answered as the stream it names, so the client can match it */
        g_autoptr(GError) err = NULL;
        remote_error_set(&err, VIR_ERR_RPC,
                         h->type == REMOTE_PACKET_STREAM_HOLE
                             ? _("sparse streams are not supported")
                             : _("no stream is open with serial %u"),
                         h->serial);
        send_error(c, h, REMOTE_PACKET_STREAM, err, VIR_FROM_STREAMS);
        if (s)
            remote_client_remove_stream(c, h->serial);
        return;
    }
    if (!remote_stream_packet(s, h, pkt + REMOTE_PACKET_PAYLOAD_OFFSET,
                              len - REMOTE_PACKET_PAYLOAD_OFFSET))
        remote_client_remove_stream(c, h->serial);
}

void remote_dispatch_packet(RemoteClient *c, const guint8 *pkt, gsize len)
{
    RemotePacketHeader h;
    g_autoptr(GError) err = NULL;
    if (!remote_packet_header_decode(pkt, len, &h, &err)) {
        g_message(_("libvirt client pid %d: %s; closing the connection"),
                  (int)remote_client_pid(c), err->message);
        remote_client_close(c);
        return;
    }
    if (h.prog == KEEPALIVE_PROGRAM) {
        dispatch_keepalive(c, &h);
        return;
    }
    switch (h.type) {
    case REMOTE_PACKET_CALL:
        dispatch_call(c, &h, pkt, len);
        break;
    case REMOTE_PACKET_CALL_WITH_FDS:
        /* the fds themselves were never received (no SCM_RIGHTS read) */
        reply_error(c, &h, VIR_FROM_RPC, VIR_ERR_NO_SUPPORT,
                    _("this function is not supported by the connection driver: "
                      "passing file descriptors"));
        break;
    case REMOTE_PACKET_STREAM:
    case REMOTE_PACKET_STREAM_HOLE:
        dispatch_stream(c, &h, pkt, len);
        break;
    case REMOTE_PACKET_MESSAGE:
        g_debug("libvirt client pid %d: ignoring a message of program %#x",
                (int)remote_client_pid(c), h.prog);
        break;
    default:
        g_message(_("libvirt client pid %d sent a packet of type %d; closing the connection"),
                  (int)remote_client_pid(c), h.type);
        remote_client_close(c);
        break;
    }
}
