/* domain_driver.h - domain lifecycle: define, start, stop, recover.
 *
 * Every function here may block (spawning, control requests, waiting for
 * a VMM to exit) and is called from the worker pool, never from the main
 * loop - except domain_driver_load, which runs once before the daemon
 * serves clients.  State changes rewrite the status file and queue a
 * lifecycle event.  Results are plain C: every transport (D-Bus,
 * daemon/remote/) calls these same functions. */
#ifndef VESSEL_DOMAIN_DRIVER_H
#define VESSEL_DOMAIN_DRIVER_H

#include "daemon.h"
#include "domain_stop_wait.h"

enum {
    DOMAIN_START_PAUSED = 1 << 0,
};
enum {
    DOMAIN_SHUTDOWN_DESTROY_ON_TIMEOUT = 1 << 1,
};
enum {
    DOMAIN_XML_SECURE = 1 << 0,    /* with the VNC passwd (write access only) */
    DOMAIN_XML_INACTIVE = 1 << 1,
};
enum {
    DOMAIN_CONSOLE_FORCE = 1 << 1,
};

/* Parse @xml; XML errors become DAEMON_ERROR_INVALID_XML. */
DomainDef *domain_driver_parse(const char *xml, GError **error);

/* Return the object path of the defined/created domain. */
char *domain_driver_define(Daemon *d, const char *xml, GError **error);
/* Start (and create) open the domain's files with the rights of @caller
 * (caller_open.h; NULL: the daemon's own). */
char *domain_driver_create(Daemon *d, const char *xml, guint flags, const DaemonCaller *caller,
                           GError **error);

gboolean domain_driver_start(Daemon *d, DomainObj *dom, guint flags, const DaemonCaller *caller,
                             GError **error);
/* Press the power button (no wait). */
gboolean domain_driver_shutdown(Daemon *d, DomainObj *dom, guint flags, GError **error);
/* Press it and call @done(@data) when the VMM has exited, or after
 * @timeout_s seconds (TIMEOUT error, or destroy first with
 * DESTROY_ON_TIMEOUT). */
void domain_driver_shutdown_wait(Daemon *d, DomainObj *dom, guint flags, guint timeout_s,
                                 DomainStopFunc done, gpointer data);
gboolean domain_driver_destroy(Daemon *d, DomainObj *dom, GError **error);
/* A clean reboot (virDomainReboot through QEMU): the power button; the
 * guest's power-off then resets the machine instead of ending it. */
gboolean domain_driver_reboot(Daemon *d, DomainObj *dom, GError **error);
/* A hard reset in place (virDomainReset). */
gboolean domain_driver_reset(Daemon *d, DomainObj *dom, GError **error);
gboolean domain_driver_suspend(Daemon *d, DomainObj *dom, GError **error);
gboolean domain_driver_resume(Daemon *d, DomainObj *dom, GError **error);
gboolean domain_driver_undefine(Daemon *d, DomainObj *dom, GError **error);
/* Turning autostart on records @caller: autostart opens the domain's
 * files with that user's rights. */
gboolean domain_driver_set_autostart(Daemon *d, DomainObj *dom, gboolean on,
                                     const DaemonCaller *caller, GError **error);
char *domain_driver_get_xml(Daemon *d, DomainObj *dom, guint flags, GError **error);
typedef struct {
    DomainState state;
    int reason;
    guint vcpus;
    guint64 max_kib;
    guint64 cur_kib;
    guint64 cpu_ns;          /* from the VMM while running, else 0 */
} DomainInfo;

/* Asks the VMM for its CPU time (blocks up to the control timeout). */
gboolean domain_driver_get_info(Daemon *d, DomainObj *dom, DomainInfo *info, GError **error);
void domain_driver_get_state(Daemon *d, DomainObj *dom, DomainState *state, int *reason);

/* libvirt's virConnectListAllDomainsFlags; 1 and 2 are also the D-Bus
 * ListDomains flags. */
enum {
    DOMAIN_LIST_ACTIVE = 1 << 0,
    DOMAIN_LIST_INACTIVE = 1 << 1,
    DOMAIN_LIST_PERSISTENT = 1 << 2,
    DOMAIN_LIST_TRANSIENT = 1 << 3,
    DOMAIN_LIST_RUNNING = 1 << 4,
    DOMAIN_LIST_PAUSED = 1 << 5,
    DOMAIN_LIST_SHUTOFF = 1 << 6,
    DOMAIN_LIST_OTHER = 1 << 7,
    DOMAIN_LIST_MANAGEDSAVE = 1 << 8,
    DOMAIN_LIST_NO_MANAGEDSAVE = 1 << 9,
    DOMAIN_LIST_AUTOSTART = 1 << 10,
    DOMAIN_LIST_NO_AUTOSTART = 1 << 11,
    DOMAIN_LIST_HAS_SNAPSHOT = 1 << 12,
    DOMAIN_LIST_NO_SNAPSHOT = 1 << 13,
    DOMAIN_LIST_HAS_CHECKPOINT = 1 << 14,
    DOMAIN_LIST_NO_CHECKPOINT = 1 << 15,
    DOMAIN_LIST_ALL_FLAGS = (1 << 16) - 1,
};
/* List locked: referenced DomainObj*, sorted by name, that match every
 * group of @flags (libvirt's rules: within a group any flag, none set =
 * all).  Vessel has no managed saves, snapshots or checkpoints. */
GPtrArray *domain_driver_list_locked(Daemon *d, guint flags);

/* Load definitions, then reattach to (or clean up after) the VMMs listed
 * in status files. */
void domain_driver_load(Daemon *d);
/* Start autostart domains unless done already since this host booted. */
void domain_driver_autostart(Daemon *d);

#endif
