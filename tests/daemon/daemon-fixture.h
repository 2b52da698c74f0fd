/* daemon-fixture.h - a real vesseld in a temp dir, for the daemon tests.
 *
 * Each fixture has its own directory with a vesseld.conf ([paths] inside
 * the directory, no system bus unless asked), starts build-tree vesseld
 * with --config, VESSEL_VMM pointing at tests/daemon/fake-vmm, and
 * connects peer-to-peer to its read-write socket.  DomainEvent signals
 * are recorded as "NAME EVENT DETAIL" strings. */
#ifndef VESSEL_DAEMON_FIXTURE_H
#define VESSEL_DAEMON_FIXTURE_H

#include <gio/gio.h>

#include "tests/lib/vtest.h"

typedef struct {
    VtTmpDir *dir;
    char *conf;
    char *run_dir;
    char *config_dir;
    char *kernel;           /* an (empty) file the domain XML points at */
    VtProc *daemon;
    GDBusConnection *conn;
    guint sub_id;
    GPtrArray *events;      /* "NAME EVENT DETAIL" */
    GMutex events_lock;
    const char *const *wrapper; /* argv prefix for vesseld (e.g. unshare --net) */
} DaemonFixture;

/* @extra_conf is appended to vesseld.conf (may be NULL). */
DaemonFixture *fixture_new(const char *extra_conf);
void fixture_free(DaemonFixture *fx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DaemonFixture, fixture_free)

/* Start vesseld (extra "K=V" environment may be NULL) and connect. */
void fixture_start_daemon(DaemonFixture *fx, const char *const *env);
/* SIGTERM (or SIGKILL if @kill9) and wait; drops the connection. */
void fixture_stop_daemon(DaemonFixture *fx, gboolean kill9);

/* Connect to @socket ("vessel-sock" or "vessel-sock-ro") of the fixture. */
GDBusConnection *fixture_connect(DaemonFixture *fx, const char *socket, GError **error);

/* Domain XML named @name with a serial port; @cmdline may carry fake.* words. */
char *fixture_domain_xml(DaemonFixture *fx, const char *name, const char *cmdline);

/* Synchronous call; @rtype may be NULL. */
GVariant *fixture_call(GDBusConnection *conn, const char *path, const char *iface,
                       const char *method, GVariant *args, const char *rtype,
                       GError **error);
/* Shorthands on fx->conn. */
GVariant *fixture_manager(DaemonFixture *fx, const char *method, GVariant *args,
                          const char *rtype, GError **error);
GVariant *fixture_domain(DaemonFixture *fx, const char *path, const char *method,
                         GVariant *args, const char *rtype, GError **error);

/* Define @name and return its object path (asserts success). */
char *fixture_define(DaemonFixture *fx, const char *name, const char *cmdline);
/* (state, reason) of the domain at @path. */
void fixture_state(DaemonFixture *fx, const char *path, guint *state, guint *reason);
/* Wait until the domain at @path reaches @state (asserts). */
void fixture_wait_state(DaemonFixture *fx, const char *path, guint state);
/* Wait until "NAME EVENT DETAIL" was recorded (asserts). */
void fixture_wait_event(DaemonFixture *fx, const char *name, int event, int detail);
/* PID of the running VMM of @name from its status file, 0 if none. */
int fixture_vmm_pid(DaemonFixture *fx, const char *name);

/* Assert that @error is the named D-Bus error @name. */
void fixture_assert_error(GError *error, const char *name);

#endif
