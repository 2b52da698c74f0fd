/* daemon_dbus.h - vesseld's D-Bus transports and method dispatch.
 *
 * The introspection XML in data/dbus/ is the contract: it is compiled in
 * as a GResource and parsed at start.  The same objects are exported on
 * every connection: peer-to-peer connections accepted on RUN/vessel-sock
 * (read-write) and RUN/vessel-sock-ro (read-only), and the system bus
 * (name org.vessel.Vessel1) when configured and reachable.
 *
 * Dispatch is by table (DaemonInterfaceImpl): one handler signature,
 * DaemonMethodFunc.  Methods annotated org.vessel.Access="write", and
 * methods flagged blocking, run on a thread pool so the main loop keeps
 * serving everyone; the rest run inline.  Every write method is checked
 * by daemon_auth_check() first.  A handler that would only wait (for a
 * domain to stop) defers its reply instead (daemon_call_defer): no thread
 * stays parked for it, so waits are not bounded by the pool size.
 * Lifecycle events come from the queue (daemon_events.h) the layer
 * subscribes to, as DomainEvent/NetworkEvent and PropertiesChanged. */
#ifndef VESSEL_DAEMON_DBUS_H
#define VESSEL_DAEMON_DBUS_H

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

#include "caller.h"
#include "daemon.h"

typedef struct {
    Daemon *daemon;
    GDBusConnection *connection;
    const char *sender;         /* bus name of the caller, NULL on p2p */
    const char *node;           /* object node (uuid with '_'), NULL: manager */
    GVariant *params;
    GUnixFDList *out_fds;       /* a handler returning fds sets this */
    /* private to daemon_dbus.c */
    DaemonDbus *dbus;
    GDBusMethodInvocation *invocation;
    gboolean deferred;
} DaemonCall;

/* A method reply to be sent later, from any thread. */
typedef struct DaemonReply DaemonReply;

/* Take over the reply of @call: the handler then returns NULL without an
 * error, and someone calls daemon_reply_finish() once.  Until then the
 * daemon counts as busy (no idle exit). */
DaemonReply *daemon_call_defer(DaemonCall *call);
/* Send the deferred reply (no out arguments; @error NULL for success)
 * and free @reply.  Thread-safe. */
void daemon_reply_finish(DaemonReply *reply, const GError *error);

/* Returns the reply tuple (floating is fine; NULL = no out args) or NULL
 * with @error set. */
typedef GVariant *(*DaemonMethodFunc)(DaemonCall *call, GError **error);

typedef struct {
    const char *name;
    DaemonMethodFunc func;
    gboolean blocking;          /* run on the pool even if read-only */
} DaemonMethod;

typedef GVariant *(*DaemonGetPropertyFunc)(Daemon *daemon, const char *node,
                                           const char *name, GError **error);

typedef struct {
    const char *interface;
    const DaemonMethod *methods;    /* NULL-name terminated */
    DaemonGetPropertyFunc get_property;
} DaemonInterfaceImpl;

extern const DaemonInterfaceImpl daemon_manager_impl;
extern const DaemonInterfaceImpl daemon_domain_impl;
extern const DaemonInterfaceImpl daemon_network_impl;
extern const DaemonInterfaceImpl daemon_pool_impl;

#define DAEMON_MANAGER_PATH "/org/vessel/Vessel1"
#define DAEMON_BUS_NAME "org.vessel.Vessel1"

DaemonDbus *daemon_dbus_new(Daemon *daemon, GError **error);
/* Listen on the sockets and (if configured) join the system bus. */
gboolean daemon_dbus_start(DaemonDbus *dbus, GError **error);
/* Stop accepting connections (before shutdown). */
void daemon_dbus_stop(DaemonDbus *dbus);
/* Method calls queued, running on the pool, or deferred. */
guint daemon_dbus_busy(DaemonDbus *dbus);
/* Re-apply group and permissions of the sockets (after a reload). */
void daemon_dbus_apply_perms(DaemonDbus *dbus);
void daemon_dbus_free(DaemonDbus *dbus);
/* Connected clients (peer-to-peer connections). */
guint daemon_dbus_n_clients(DaemonDbus *dbus);

/* The one authorization function (both transports): TRUE when the caller
 * of @conn/@sender may use write methods; AccessDenied otherwise. */
gboolean daemon_auth_check_write(Daemon *daemon, GDBusConnection *conn,
                                 const char *sender, GError **error);
/* The credentials of the caller of @conn/@sender (uid, gid, groups). */
DaemonCaller *daemon_auth_caller(GDBusConnection *conn, const char *sender, GError **error);

#endif
