/* domain_driver.h - domain lifecycle: define, start, stop, recover.
 *
 * Every function here may block (spawning, control requests, waiting for
 * a VMM to exit) and is called from the worker pool, never from the main
 * loop - except domain_driver_load, which runs once before the daemon
 * serves clients.  State changes emit DomainEvent + PropertiesChanged and
 * rewrite the status file. */
#ifndef VESSEL_DOMAIN_DRIVER_H
#define VESSEL_DOMAIN_DRIVER_H

#include "daemon.h"
#include "daemon_dbus.h"

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
/* Press it and answer @reply when the VMM has exited, or after @timeout_s
 * seconds (TIMEOUT error, or destroy first with DESTROY_ON_TIMEOUT). */
void domain_driver_shutdown_wait(Daemon *d, DomainObj *dom, guint flags, guint timeout_s,
                                 DaemonReply *reply);
gboolean domain_driver_destroy(Daemon *d, DomainObj *dom, GError **error);
gboolean domain_driver_reboot(Daemon *d, DomainObj *dom, GError **error);
gboolean domain_driver_suspend(Daemon *d, DomainObj *dom, GError **error);
gboolean domain_driver_resume(Daemon *d, DomainObj *dom, GError **error);
gboolean domain_driver_undefine(Daemon *d, DomainObj *dom, GError **error);
/* Turning autostart on records @caller: autostart opens the domain's
 * files with that user's rights. */
gboolean domain_driver_set_autostart(Daemon *d, DomainObj *dom, gboolean on,
                                     const DaemonCaller *caller, GError **error);
char *domain_driver_get_xml(Daemon *d, DomainObj *dom, guint flags, GError **error);
/* (state, reason, vcpus, max KiB, used KiB, cpu ns) */
GVariant *domain_driver_get_info(Daemon *d, DomainObj *dom, GError **error);

/* Load definitions, then reattach to (or clean up after) the VMMs listed
 * in status files. */
void domain_driver_load(Daemon *d);
/* Start autostart domains unless done already since this host booted. */
void domain_driver_autostart(Daemon *d);

#endif
