/* dbus_relay.h - a bounded relay in front of every peer-to-peer D-Bus
 * client of the daemon's own sockets (issue 16).
 *
 * GDBus reads a whole message into memory once its 16-byte header has
 * announced the size (up to 128 MiB), before anything of ours runs: any
 * local user could make the daemon buffer 100 MB on the read-only
 * socket.  So GDBus never sees a client's socket.  The relay takes the
 * accepted connection, counts it against the connection limits
 * (client_limits.h), and hands GDBus one end of a socket pair; on the
 * main loop it copies bytes and passed descriptors both ways, one chunk
 * at a time, and reads each message header the client sends before
 * forwarding it: a message announcing more than [limits]
 * max_message_size bytes, a malformed header, an authentication
 * exchange longer than DBUS_RELAY_AUTH_MAX or not done within [limits]
 * auth_timeout seconds (a connection that never authenticates would
 * hold its place in the limits forever) closes the connection, with a
 * log line naming the uid and the limit.  Nothing of the refused message
 * is ever buffered.
 *
 * Identity: the client's uid, gid, pid and groups (SO_PEERCRED,
 * SO_PEERGROUPS of the real socket) are kept on the returned stream for
 * dbus_relay_peer(); every authorization uses them.  For GDBus's own
 * EXTERNAL check, a root daemon makes the socket pair with the client's
 * uid and gid as its peer credentials.  A daemon that is not root can
 * only make pairs of its own ids; for a client of another uid it checks
 * the identity the client claims in EXTERNAL against the real one
 * (another closes the connection) and hands GDBus the daemon's uid
 * instead, so such a daemon serves every uid that can open its sockets,
 * as its libvirt sockets do, with that uid's rights. */
#ifndef VESSEL_DBUS_RELAY_H
#define VESSEL_DBUS_RELAY_H

#include <gio/gio.h>
#include <sys/types.h>

#include "client_limits.h"

/* Bytes of SASL lines a client may send before BEGIN. */
#define DBUS_RELAY_AUTH_MAX 16384

typedef struct {
    gsize max_message;      /* bytes of one message, header included */
    guint auth_timeout;     /* seconds a client may take to reach BEGIN */
} DbusRelayBounds;

typedef struct {
    uid_t uid;
    gid_t gid;
    pid_t pid;
    GArray *gids;      /* gid_t: the client's groups (SO_PEERGROUPS) */
} DbusRelayPeer;

/* Take over @client, a connection just accepted on one of the daemon's
 * sockets (@what names it in messages): the stream GDBus should serve,
 * or NULL (@error says why: a connection limit; the client is told so
 * in a D-Bus error, dbus_refuse.h, and closed).
 * The relay runs on @context and ends, releasing its count in @limits,
 * when either side closes. */
GIOStream *dbus_relay_new(GSocketConnection *client, ClientLimits *limits,
                          const DbusRelayBounds *bounds, GMainContext *context,
                          const char *what, GError **error);
/* The real client behind @stream (a stream of dbus_relay_new()), or NULL
 * when @stream is no relay's. */
const DbusRelayPeer *dbus_relay_peer(GIOStream *stream);

#endif
