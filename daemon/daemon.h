/* daemon.h - the Daemon: one instance per vesseld process, passed to every
 * part (no globals hold daemon state). */
#ifndef VESSEL_DAEMON_H
#define VESSEL_DAEMON_H

#include <gio/gio.h>

#include "client_limits.h"
#include "daemon_config.h"
#include "domain_obj.h"
#include "network_obj.h"
#include "pool_obj.h"

typedef struct DaemonDbus DaemonDbus;
typedef struct DaemonEvents DaemonEvents;

typedef struct {
    DaemonConfig *config;
    GMainContext *context;       /* the main loop's context */
    GMainLoop *loop;
    DaemonDbus *dbus;
    DaemonEvents *events;        /* lifecycle events (daemon_events.h) */
    ClientLimits *limits;        /* connections per uid and in all, both transports */
    DomainList *domains;
    NetworkList *networks;
    StoragePoolList *pools;
    int lock_fd;                 /* flock on RUN/vesseld.pid */
    guint idle_timeout;          /* seconds, 0 = never exit when idle */
    gint64 last_activity;        /* monotonic us */
    gboolean quitting;
} Daemon;

/* With @daemon's config loaded and its directories made: the main
 * loop (default context), the object lists, events, client limits, the
 * D-Bus layer (not listening yet: daemon_dbus_start) and every driver
 * loaded, VMMs reattached.  daemon_teardown() frees what was made, also
 * after a failure. */
gboolean daemon_setup(Daemon *daemon, GError **error);
/* Undo daemon_setup() (config and lock stay the caller's). */
void daemon_teardown(Daemon *daemon);

/* Mark activity for the idle timeout (any thread). */
void daemon_touch(Daemon *daemon);

/* Time limits (ms) for control requests and waits. */
#define DAEMON_CONTROL_TIMEOUT_MS 10000
#define DAEMON_JOB_WAIT_MS 60000
#define DAEMON_START_TIMEOUT_MS 30000

#endif
