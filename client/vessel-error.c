/* vessel-error.c - the VESSEL_ERROR domain and its D-Bus error names.
 *
 * The table registers every org.vessel.Error.* name with GIO, so a failed
 * call arrives as VESSEL_ERROR/code with the daemon's own message. */
#include "config.h"

#include <string.h>

#include "vessel-private.h"

static const GDBusErrorEntry vessel_error_entries[] = {
    { VESSEL_ERROR_FAILED, "org.vessel.Error.Failed" },
    { VESSEL_ERROR_NO_DOMAIN, "org.vessel.Error.NoDomain" },
    { VESSEL_ERROR_NO_NETWORK, "org.vessel.Error.NoNetwork" },
    { VESSEL_ERROR_INVALID_XML, "org.vessel.Error.InvalidXML" },
    { VESSEL_ERROR_OPERATION_INVALID, "org.vessel.Error.OperationInvalid" },
    { VESSEL_ERROR_ACCESS_DENIED, "org.vessel.Error.AccessDenied" },
    { VESSEL_ERROR_INVALID_ARG, "org.vessel.Error.InvalidArg" },
    { VESSEL_ERROR_TIMEOUT, "org.vessel.Error.Timeout" },
    { VESSEL_ERROR_INTERNAL, "org.vessel.Error.Internal" },
    { VESSEL_ERROR_NO_CONNECT, "org.vessel.Error.NoConnect" },
    { VESSEL_ERROR_INVALID_URI, "org.vessel.Error.InvalidURI" },
    { VESSEL_ERROR_NO_STORAGE_POOL, "org.vessel.Error.NoStoragePool" },
    { VESSEL_ERROR_NO_STORAGE_VOL, "org.vessel.Error.NoStorageVol" },
};
G_STATIC_ASSERT(G_N_ELEMENTS(vessel_error_entries) == VESSEL_ERROR_LAST);

/**
 * vessel_error_quark:
 *
 * Returns: the #GQuark of the VESSEL_ERROR domain.
 */
GQuark vessel_error_quark(void)
{
    static gsize quark = 0;

    g_dbus_error_register_error_domain("vessel-error-quark", &quark, vessel_error_entries,
                                       G_N_ELEMENTS(vessel_error_entries));
    return (GQuark)quark;
}

void vessel_error_map(GError **error)
{
    GError *e;

    if (!error || !(e = *error))
        return;
    if (g_dbus_error_is_remote_error(e)) {
        /* a name GIO did not map when the error was made */
        g_autofree char *name = g_dbus_error_get_remote_error(e);
        g_dbus_error_strip_remote_error(e);
        for (gsize i = 0; name && i < G_N_ELEMENTS(vessel_error_entries); i++) {
            if (strcmp(name, vessel_error_entries[i].dbus_error_name) == 0) {
                e->domain = VESSEL_ERROR;
                e->code = vessel_error_entries[i].error_code;
                return;
            }
        }
    }
    if (e->domain == VESSEL_ERROR)
        return;
    if (e->domain == G_DBUS_ERROR && e->code == G_DBUS_ERROR_ACCESS_DENIED) {
        e->domain = VESSEL_ERROR;
        e->code = VESSEL_ERROR_ACCESS_DENIED;
    } else if (e->domain == G_IO_ERROR &&
               (e->code == G_IO_ERROR_CLOSED || e->code == G_IO_ERROR_CONNECTION_CLOSED ||
                e->code == G_IO_ERROR_BROKEN_PIPE)) {
        e->domain = VESSEL_ERROR;
        e->code = VESSEL_ERROR_NO_CONNECT;
    } else {
        e->domain = VESSEL_ERROR;
        e->code = VESSEL_ERROR_FAILED;
    }
}
