/* daemon_listen.h - the daemon's own sockets (RUN/vessel-sock, -ro, and
 * the libvirt transport's RUN/libvirt-sock, -ro).
 *
 * A DaemonListener accepts connections on one UNIX socket and turns each
 * into a peer-to-peer GDBusConnection (server side, EXTERNAL auth through
 * the observer), handed to a callback before it processes messages.  The
 * socket is either bound here - under PATH.new, given its group and mode,
 * then renamed to PATH, so it never appears with the wrong permissions -
 * or taken from systemd (socket activation, vesseld.socket): a
 * LISTEN_FDS socket bound to PATH is used as it is. */
#ifndef VESSEL_DAEMON_LISTEN_H
#define VESSEL_DAEMON_LISTEN_H

#include <gio/gio.h>

#include "client_limits.h"
#include "dbus_relay.h"

typedef struct DaemonListener DaemonListener;
typedef void (*DaemonListenerFunc)(GDBusConnection *conn, gboolean read_only, gpointer data);

/* Sockets passed by systemd for this process (sd_listen_fds protocol),
 * by bound path -> fd; marks them close-on-exec and clears LISTEN_*.
 * Empty when not socket-activated.  Call once, at start. */
GHashTable *daemon_listen_fds_take(void);

/* A listening socket for @path: the fd for it in @activated (removed
 * from the table; @activated may be NULL) or a new socket bound as above.
 * Either way the socket gets @group and @perms.  The libvirt transport
 * (daemon/remote/) listens with this too. */
GSocket *daemon_listen_socket(const char *path, GHashTable *activated, guint perms,
                              const char *group, GError **error);

/* Listen on @path (daemon_listen_socket) for D-Bus peers, each counted
 * in @limits and served through a relay within @bounds (dbus_relay.h). */
DaemonListener *daemon_listener_new(const char *path, GHashTable *activated, guint perms,
                                    const char *group, gboolean read_only,
                                    GDBusAuthObserver *observer, ClientLimits *limits,
                                    const DbusRelayBounds *bounds, DaemonListenerFunc func,
                                    gpointer data, GError **error);
/* Stop accepting (connections already made stay); a socket bound here
 * is unlinked. */
void daemon_listener_stop(DaemonListener *l);
void daemon_listener_free(DaemonListener *l);

/* Remove the path of a socket daemon_listen_socket() bound, if it is
 * still that socket's (a socket systemd passed is left alone).  At exit:
 * no stale vessel-sock stays behind (daemon_listener_stop does this). */
void daemon_listen_socket_unlink(GSocket *sock);

/* chown to @group (if set and known) and chmod @perms. */
gboolean daemon_socket_set_perms(const char *path, guint perms, const char *group,
                                 GError **error);

#endif
