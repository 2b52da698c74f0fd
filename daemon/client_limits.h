/* client_limits.h - how many clients may be connected, per uid and in
 * all, on the daemon's own sockets (D-Bus and libvirt alike).
 *
 * A connection is counted from accept() until it is closed, before it
 * has said anything, so no local user can make the daemon hold more
 * than [limits] max_clients_per_uid connections (and with them buffers)
 * for them, nor fill the daemon with more than max_clients.  Root and
 * the daemon's own uid are never refused: the administrator can always
 * reach a daemon that others have filled.  Thread-safe.
 *
 * A refused client is told why in its own protocol before it is closed
 * (dbus_refuse.h; remote_client_set_refusal for libvirt's); that answer holds the connection a little longer, so
 * it needs a refusal slot: CLIENT_LIMITS_REFUSALS_PER_UID per uid and
 * CLIENT_LIMITS_REFUSALS in all.  Without one the connection is closed
 * at once, so refused connections can never pile up either. */
#ifndef VESSEL_CLIENT_LIMITS_H
#define VESSEL_CLIENT_LIMITS_H

#include <glib.h>
#include <sys/types.h>

typedef struct ClientLimits ClientLimits;

ClientLimits *client_limits_new(guint max_clients, guint max_per_uid);
void client_limits_free(ClientLimits *cl);

/* Count a new connection of @uid; FALSE (nothing counted, a message in
 * @error naming the limit) when it would exceed one.  @what names the
 * socket for the message ("D-Bus", "libvirt"). */
gboolean client_limits_take(ClientLimits *cl, uid_t uid, const char *what, GError **error);
/* The connection of @uid counted by client_limits_take() is gone. */
void client_limits_release(ClientLimits *cl, uid_t uid);

#define CLIENT_LIMITS_REFUSALS 16
#define CLIENT_LIMITS_REFUSALS_PER_UID 1

/* A slot to answer a refused client of @uid: FALSE when all are taken. */
gboolean client_limits_take_refusal(ClientLimits *cl, uid_t uid);
/* The refusal of @uid counted by client_limits_take_refusal() is done. */
void client_limits_release_refusal(ClientLimits *cl, uid_t uid);

#endif
