/* method_flags.c - see method_flags.h. */
#include "config.h"

#include "daemon_error.h"
#include "i18n.h"
#include "method_flags.h"

gboolean method_flags_check(guint32 flags, guint32 allowed, GError **error)
{
    if (flags & ~allowed) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unsupported flags 0x%x"),
                    flags & ~allowed);
        return FALSE;
    }
    return TRUE;
}

gboolean method_call_no_flags(DaemonCall *call, GError **error)
{
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    return method_flags_check(flags, 0, error);
}
