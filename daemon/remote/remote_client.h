/* remote_client.h - one libvirt client connection.
 *
 * A RemoteClient reads packets from its socket on the main loop, hands
 * each to the dispatcher (remote_dispatch.h), keepalive or its streams,
 * and writes what is queued for it.  Limits, checked before anything is
 * buffered: a packet may announce at most REMOTE_PACKET_IN_MAX bytes (a
 * larger one closes the connection), and its buffer grows with the bytes
 * that actually arrive; at most REMOTE_CLIENT_MAX_CALLS
 * calls run at a time and reading pauses while they do, or while more
 * than REMOTE_CLIENT_OUT_HIGH bytes wait to be written; a client that
 * lets REMOTE_CLIENT_OUT_MAX bytes pile up (events, console output) is
 * dropped.
 *
 * Threads: packets are read and dispatched on the main loop; replies of
 * blocking calls are queued from pool threads (remote_client_send is
 * thread-safe) and written from the main loop.  A client is
 * reference-counted: each call running on the pool holds a reference,
 * so a client closed meanwhile stays valid and silently drops output. */
#ifndef VESSEL_REMOTE_CLIENT_H
#define VESSEL_REMOTE_CLIENT_H

#include <gio/gio.h>

#include "daemon.h"
#include "daemon_auth.h"
#include "daemon_events.h"
#include "remote_packet.h"

typedef struct RemoteServer RemoteServer;
typedef struct RemoteClient RemoteClient;
typedef struct RemoteStream RemoteStream;

#define REMOTE_CLIENT_MAX_CALLS 8
#define REMOTE_CLIENT_OUT_HIGH (1u << 20)
#define REMOTE_CLIENT_OUT_MAX (8u << 20)
#define REMOTE_CLIENT_MAX_STREAMS 16
#define REMOTE_CLIENT_MAX_CALLBACKS 256
/* Server keepalive, once the client asked for the feature: a PING after
 * this many seconds without traffic, the connection closed after this
 * many unanswered ones (libvirtd's defaults). */
#define REMOTE_KEEPALIVE_INTERVAL 5
#define REMOTE_KEEPALIVE_COUNT 5

/* Takes @socket (connected, from the listener); @read_only: it came in on
 * the read-only socket.  Starts reading at once. */
RemoteClient *remote_client_new(RemoteServer *server, Daemon *daemon, GSocket *socket,
                                gboolean read_only);
RemoteClient *remote_client_ref(RemoteClient *c);
void remote_client_unref(RemoteClient *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RemoteClient, remote_client_unref)

/* The server, or NULL once closed. */
RemoteServer *remote_client_server(RemoteClient *c);
/* Main loop: stop everything, close the socket, tell the server. */
void remote_client_close(RemoteClient *c);
/* Main loop: close once what is queued has been written. */
void remote_client_close_after_flush(RemoteClient *c);
gboolean remote_client_is_closed(RemoteClient *c);

/* Any thread: queue @pkt (a whole packet) for writing; takes it. */
void remote_client_send(RemoteClient *c, GBytes *pkt);
/* The same, then @fd (taken) passed with SCM_RIGHTS, as libvirt's
 * clients read the fds of a REPLY_WITH_FDS: one byte each. */
void remote_client_send_fd(RemoteClient *c, GBytes *pkt, int fd);
/* Any thread: bytes queued and not yet written. */
gsize remote_client_pending(RemoteClient *c);
/* Main loop: check again whether to read the socket (a stream's fd
 * caught up with its input, remote_stream.h). */
void remote_client_update_reading(RemoteClient *c);
/* Any thread: the calls now running on the pool (dispatcher). */
void remote_client_call_begin(RemoteClient *c);
void remote_client_call_end(RemoteClient *c);

/* Who is calling (immutable after accept, except read_only, which
 * CONNECT_OPEN may set: a connection opened read-only). */
const DaemonPeer *remote_client_peer(RemoteClient *c);
pid_t remote_client_pid(RemoteClient *c);

/* Main loop state of the connection. */
gboolean remote_client_is_open(RemoteClient *c);
/* A client over a [limits] connection limit (remote_server.c): its first
 * call is answered with the error @message, then it is closed. */
void remote_client_set_refusal(RemoteClient *c, const char *message);
const char *remote_client_refusal(RemoteClient *c);
void remote_client_set_open(RemoteClient *c, const char *uri, gboolean read_only);
/* CONNECT_CLOSE: forget callbacks and streams, close after the reply. */
void remote_client_connect_closed(RemoteClient *c);
const char *remote_client_uri(RemoteClient *c);
/* The client asked for keepalive: ping it when it goes quiet. */
void remote_client_start_keepalive(RemoteClient *c);

/* Event callbacks (main loop).  @kind DAEMON_EVENT_DOMAIN/_NETWORK/_POOL,
 * @uuid NULL for every object.  Returns the callback id, or -1 with
 * @error when the client has too many. */
gint32 remote_client_add_callback(RemoteClient *c, DaemonEventKind kind, int event_id,
                                  const char *uuid, GError **error);
gboolean remote_client_remove_callback(RemoteClient *c, gint32 id, GError **error);
/* Main loop: send @ev to every matching callback. */
void remote_client_deliver_event(RemoteClient *c, const DaemonEvent *ev);

/* Streams (main loop), by the serial of the call that opened them. */
/* Is there room for one more stream with @serial? */
gboolean remote_client_stream_room(RemoteClient *c, guint32 serial, GError **error);
gboolean remote_client_add_stream(RemoteClient *c, RemoteStream *s, GError **error);
RemoteStream *remote_client_find_stream(RemoteClient *c, guint32 serial);
void remote_client_remove_stream(RemoteClient *c, guint32 serial);
GMainContext *remote_client_context(RemoteClient *c);

#endif
