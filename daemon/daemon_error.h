/* daemon_error.h - vesseld's error domain, mapped 1:1 onto the named D-Bus
 * errors of the contract (org.vessel.Error.*, see data/dbus/). */
#ifndef VESSEL_DAEMON_ERROR_H
#define VESSEL_DAEMON_ERROR_H

#include <glib.h>

typedef enum {
    DAEMON_ERROR_INTERNAL,
    DAEMON_ERROR_NO_DOMAIN,
    DAEMON_ERROR_NO_NETWORK,
    DAEMON_ERROR_INVALID_XML,
    DAEMON_ERROR_OPERATION_INVALID,
    DAEMON_ERROR_ACCESS_DENIED,
    DAEMON_ERROR_INVALID_ARG,
    DAEMON_ERROR_TIMEOUT,
    DAEMON_ERROR_NO_STORAGE_POOL,
    DAEMON_ERROR_NO_STORAGE_VOL,
    DAEMON_ERROR_LAST
} DaemonError;

#define DAEMON_ERROR (daemon_error_quark())
GQuark daemon_error_quark(void);

/* Return a copy of @error in DAEMON_ERROR (other domains become INTERNAL,
 * keeping the message), for replying on D-Bus. */
GError *daemon_error_to_dbus(const GError *error);

#endif
