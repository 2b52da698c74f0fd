/* remote_server.h - vesseld's libvirt transport: its sockets and clients.
 *
 * RUN/libvirt-sock (read-write, the [sockets] group and rw_perms) and
 * RUN/libvirt-sock-ro (read-only, ro_perms) beside the D-Bus sockets,
 * bound the same way (daemon_listen.h: they appear with their final
 * permissions).  Clients connect with qemu+unix:///system?socket=PATH
 * (or ...session...); the server accepts clients within [limits]
 * (client_limits.h, shared with the D-Bus sockets), runs blocking calls on its own thread pool, and forwards the
 * daemon's lifecycle events (daemon_events.h) to the clients that
 * registered for them.  See daemon/remote/README. */
#ifndef VESSEL_REMOTE_SERVER_H
#define VESSEL_REMOTE_SERVER_H

#include <gio/gio.h>

#include "daemon.h"
#include "remote_client.h"

#define REMOTE_SERVER_THREADS 16
#define REMOTE_SOCKET_NAME "libvirt-sock"
#define REMOTE_SOCKET_RO_NAME "libvirt-sock-ro"

RemoteServer *remote_server_new(Daemon *daemon);
/* Listen on the two sockets in [paths] run_dir. */
gboolean remote_server_start(RemoteServer *s, GError **error);
/* Stop accepting (clients already connected stay). */
void remote_server_stop(RemoteServer *s);
/* Close every client, wait for running calls, free. */
void remote_server_free(RemoteServer *s);
/* Re-apply group and permissions of the sockets (after a reload). */
void remote_server_apply_perms(RemoteServer *s);

/* Connected clients; calls queued or running. */
guint remote_server_n_clients(RemoteServer *s);
guint remote_server_busy(RemoteServer *s);

/* For clients and the dispatcher. */
Daemon *remote_server_daemon(RemoteServer *s);
GMainContext *remote_server_context(RemoteServer *s);
/* Run @job (remote_dispatch_run_job) on the pool. */
void remote_server_push_job(RemoteServer *s, gpointer job);
/* Main loop: @c closed; the server drops its reference. */
void remote_server_client_closed(RemoteServer *s, RemoteClient *c);

#endif
