/* daemon_error.c - DAEMON_ERROR <-> org.vessel.Error.* names. */
#include "config.h"

#include <gio/gio.h>

#include "daemon_error.h"

static const GDBusErrorEntry daemon_error_entries[] = {
    { DAEMON_ERROR_INTERNAL, "org.vessel.Error.Internal" },
    { DAEMON_ERROR_NO_DOMAIN, "org.vessel.Error.NoDomain" },
    { DAEMON_ERROR_NO_NETWORK, "org.vessel.Error.NoNetwork" },
    { DAEMON_ERROR_INVALID_XML, "org.vessel.Error.InvalidXML" },
    { DAEMON_ERROR_OPERATION_INVALID, "org.vessel.Error.OperationInvalid" },
    { DAEMON_ERROR_ACCESS_DENIED, "org.vessel.Error.AccessDenied" },
    { DAEMON_ERROR_INVALID_ARG, "org.vessel.Error.InvalidArg" },
    { DAEMON_ERROR_TIMEOUT, "org.vessel.Error.Timeout" },
    { DAEMON_ERROR_NO_STORAGE_POOL, "org.vessel.Error.NoStoragePool" },
    { DAEMON_ERROR_NO_STORAGE_VOL, "org.vessel.Error.NoStorageVol" },
};
G_STATIC_ASSERT(G_N_ELEMENTS(daemon_error_entries) == DAEMON_ERROR_LAST);

GQuark daemon_error_quark(void)
{
    static gsize quark = 0;
    g_dbus_error_register_error_domain("vessel-daemon-error-quark", &quark,
                                       daemon_error_entries,
                                       G_N_ELEMENTS(daemon_error_entries));
    return (GQuark)quark;
}

GError *daemon_error_to_dbus(const GError *error)
{
    if (error->domain == DAEMON_ERROR)
        return g_error_copy(error);
    if (error->domain == G_DBUS_ERROR)
        return g_error_copy(error);
    return g_error_new_literal(DAEMON_ERROR, DAEMON_ERROR_INTERNAL, error->message);
}
