/* daemon_auth.h - the one authorization decision, for every transport.
 *
 * A transport says who is calling (DaemonPeer: the socket it came in on,
 * the uid and, when it knows them, the groups from the peer's
 * credentials) and asks daemon_auth_check_peer() before any method that
 * changes something.  The D-Bus layer's daemon_auth_check_write()
 * (daemon_dbus.h) and daemon/remote/ both end here. */
#ifndef VESSEL_DAEMON_AUTH_H
#define VESSEL_DAEMON_AUTH_H

#include <sys/types.h>

#include "caller.h"
#include "daemon.h"

typedef struct {
    gboolean read_only;      /* a read-only socket, or a connection opened read-only */
    uid_t uid;
    const gid_t *gids;       /* the process's groups (SO_PEERGROUPS), or NULL */
    guint n_gids;            /* 0: unknown, the user database decides */
} DaemonPeer;

/* TRUE when @peer may use write methods: not read-only, and uid 0, the
 * daemon's own uid (session mode) or a member of [sockets] group.
 * DAEMON_ERROR_ACCESS_DENIED otherwise. */
gboolean daemon_auth_check_peer(Daemon *daemon, const DaemonPeer *peer, GError **error);
/* Whose rights a write by @peer uses (caller_open.h): its uid and groups
 * (the user database's when the transport does not know them). */
DaemonCaller *daemon_auth_peer_caller(const DaemonPeer *peer);

#endif
