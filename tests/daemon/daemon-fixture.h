/* daemon-fixture.h - a real vesseld in a temp dir, for the daemon tests.
 *
 * Each fixture has its own directory with a vesseld.conf ([paths] inside
 * the directory, no system bus unless asked, a [vmm] uid_range of its
 * own, so a root daemon's VMMs run as ids unique to the test run, and
 * nothing depends on accounts of the host), starts build-tree vesseld
 * with --config, VESSEL_VMM pointing at the build tree's vessel-vmm, and
 * connects peer-to-peer to its read-write socket.  Domains boot tiny
 * guests under dbt (tests/daemon/guests, see Makefile.am): "idle" (the
 * default) echoes its console and powers off on the power button, "deaf"
 * ignores the button, "fragile" crashes on it.  DomainEvent signals
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
    char *kernel;           /* the default guest kernel (guests/idle.elf) */
    VtProc *daemon;
    GDBusConnection *conn;
    guint sub_id;
    GPtrArray *events;      /* "NAME EVENT DETAIL" */
    GMutex events_lock;
    const char *const *wrapper; /* argv prefix for vesseld (e.g. unshare --net) */
    guint32 uid_first;      /* [vmm] uid_range of this fixture (unique to the run) */
    guint32 uid_last;
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

/* Domain XML named @name with a serial port, booting the default guest
 * with "console=ttyS0 @cmdline" (@cmdline may be NULL). */
char *fixture_domain_xml(DaemonFixture *fx, const char *name, const char *cmdline);
/* The same with guest kernel @guest: "idle", "deaf", "fragile" (built in
 * tests/daemon/guests), an absolute path, or NULL for the default. */
char *fixture_domain_xml_guest(DaemonFixture *fx, const char *name, const char *guest,
                               const char *cmdline);

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
char *fixture_define_guest(DaemonFixture *fx, const char *name, const char *guest,
                           const char *cmdline);
/* Define @xml and return its object path (asserts success). */
char *fixture_define_xml(DaemonFixture *fx, const char *xml);
/* (state, reason) of the domain at @path. */
void fixture_state(DaemonFixture *fx, const char *path, guint *state, guint *reason);
/* Wait until the domain at @path reaches @state (asserts). */
void fixture_wait_state(DaemonFixture *fx, const char *path, guint state);
/* Wait until "NAME EVENT DETAIL" was recorded (asserts). */
void fixture_wait_event(DaemonFixture *fx, const char *name, int event, int detail);
/* PID of the running VMM of @name from its status file, 0 if none. */
int fixture_vmm_pid(DaemonFixture *fx, const char *name);
/* Field @field ("Uid", "CapEff", ...) of /proc/@pid/status, NULL if gone. */
char *fixture_proc_status(int pid, const char *field);
/* The status file RUN/domains/UUID.xml of domain @name, NULL if none. */
char *fixture_status_path(DaemonFixture *fx, const char *name);
/* RUN/domains/UUID.xml of the domain at @object_path (it need not exist). */
char *fixture_status_file(DaemonFixture *fx, const char *object_path);
/* RUN/domains/UUID/@kind ("control", "console", "hvc") of the running
 * domain @name (asserts it has a status file). */
char *fixture_socket_path(DaemonFixture *fx, const char *name, const char *kind);

/* Assert that @error is the named D-Bus error @name. */
void fixture_assert_error(GError *error, const char *name);

/* OpenConsole on the domain at @path: the client's end of the relay. */
int fixture_open_console(DaemonFixture *fx, const char *path, guint flags, GError **error);
/* Wait until the running guest of domain @name (at @path) answers on its
 * console: a line typed through the relay comes back in its log. */
void fixture_wait_guest(DaemonFixture *fx, const char *path, const char *name);
/* The domain's log (vesseld's lines and the guest's console output). */
char *fixture_read_log(DaemonFixture *fx, const char *name);
/* Wait until the domain's log contains @text (asserts). */
void fixture_wait_log(DaemonFixture *fx, const char *name, const char *text);

#endif
