/* fuzz-dbus-daemon.h - a whole vesseld in the fuzz target's own process,
 * for fuzz-dbus.c (the D-Bus argument handling).
 *
 * Built from the daemon's own code (libvesseld) the way daemon/main.c
 * builds it: configuration in a directory of the target's, the drivers
 * loaded, the read-write and read-only sockets listening behind their
 * relays (dbus_relay.h).  Two clients are connected to them, so every
 * call takes the path a client's call takes: the socket, the relay's
 * bounds, GDBus's signature check against the introspection XML, the
 * dispatch table, the write check and the method's handler.  Everything
 * runs on the default main context of the calling thread, which the
 * calls here iterate while they wait.
 *
 * The daemon never runs as root here: a root daemon fed arbitrary XML
 * could be told to make a storage pool of /etc and delete from it.  The
 * caller drops root before fuzz_daemon_new (fuzz-dbus-driver.c forks and
 * does it); fuzz_daemon_new refuses to run as root. */
#ifndef VESSEL_FUZZ_DBUS_DAEMON_H
#define VESSEL_FUZZ_DBUS_DAEMON_H

#include <gio/gio.h>

/* The fixed objects every input may address. */
#define FUZZ_DOMAIN_UUID "0f0f0f0f-0000-4000-8000-000000000001"
#define FUZZ_NETWORK_UUID "0f0f0f0f-0000-4000-8000-000000000002"
#define FUZZ_POOL_UUID "0f0f0f0f-0000-4000-8000-000000000003"

typedef struct FuzzDaemon FuzzDaemon;

/* One method of the contract (data/dbus/org.vessel.*.xml). */
typedef struct {
    char *iface;            /* "org.vessel.Domain1" */
    char *name;             /* "Start" */
    char *in_sig;           /* "(u)" */
    char *out_sig;          /* "()" when it returns nothing */
    gboolean write;         /* not org.vessel.Access="read" */
} FuzzMethod;

/* Start the daemon in @dir (an empty directory the process owns), define
 * the fixed domain (the idle guest @kernel, started if it can be), a
 * network and a directory pool, and connect the clients. */
FuzzDaemon *fuzz_daemon_new(const char *dir, const char *kernel, GError **error);
/* Define again what an input undefined of those objects, and start the
 * domain again if an input stopped it (when it could start at all). */
gboolean fuzz_daemon_restore(FuzzDaemon *fd, GError **error);
/* Destroy what runs, stop the daemon, free. */
void fuzz_daemon_free(FuzzDaemon *fd);

/* The client of the read-only (@ro) or read-write socket. */
GDBusConnection *fuzz_daemon_client(FuzzDaemon *fd, gboolean ro);
/* Every method of the contract; NULL if @iface.@name is none. */
const FuzzMethod *fuzz_daemon_method(FuzzDaemon *fd, const char *iface, const char *name);
GPtrArray *fuzz_daemon_methods(FuzzDaemon *fd);

/* Call and wait for the reply (up to @timeout_ms), iterating the main
 * context; descriptors in the reply are closed. */
GVariant *fuzz_daemon_call(GDBusConnection *conn, const char *path, const char *iface,
                           const char *method, GVariant *args, int timeout_ms,
                           GError **error);

#endif
