/* dbus_refuse.h - tell a refused D-Bus client why, in D-Bus terms, then
 * close its connection (issue 16).
 *
 * A client over a [limits] connection limit used to be closed at once:
 * its library reported a broken connection ("Underlying GIOStream
 * returned 0 bytes", "Did not receive a reply") and nobody learned that
 * a limit was the cause.  Instead the daemon now plays a minimal D-Bus
 * server for it: it answers the SASL exchange (EXTERNAL; no descriptor
 * passing), reads messages without keeping them, answers the first
 * method call that expects a reply with the error
 * org.freedesktop.DBus.Error.LimitsExceeded carrying @message (the same
 * sentence as the daemon's log line, naming the limit), and closes.
 * GDBus (vsh, gdbus), libdbus (dbus-send, python3-dbus) and sd-bus show
 * that message to their user.
 *
 * Nothing is granted: the identity claimed in AUTH is not even looked at,
 * no object is served.  The answer is bounded like the relay's: a slot
 * of client_limits_take_refusal() (or an immediate close without one),
 * DBUS_REFUSE_LINE bytes per SASL line, DBUS_RELAY_AUTH_MAX bytes of SASL,
 * messages of at most DBUS_REFUSE_MESSAGE_MAX bytes counted but never
 * buffered, and @timeout seconds in all. */
#ifndef VESSEL_DBUS_REFUSE_H
#define VESSEL_DBUS_REFUSE_H

#include <gio/gio.h>
#include <sys/types.h>

#include "client_limits.h"

#define DBUS_REFUSE_ERROR_NAME "org.freedesktop.DBus.Error.LimitsExceeded"
#define DBUS_REFUSE_LINE 512
#define DBUS_REFUSE_MESSAGE_MAX 65536

/* Answer @client (of @uid, refused by @limits) with @message on @context,
 * then close it; closes it at once when no refusal slot is free. */
void dbus_refuse(GSocketConnection *client, ClientLimits *limits, uid_t uid,
                 const char *message, guint timeout, GMainContext *context);

#endif
