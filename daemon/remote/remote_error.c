/* remote_error.c - GError -> libvirt remote_error (remote_error.h). */
#include "config.h"

#include <stdarg.h>

#include "daemon_error.h"
#include "i18n.h"
#include "remote_error.h"

G_DEFINE_QUARK(vessel-remote-error-quark, remote_error)

/* DaemonError -> virErrorNumber */
static const int daemon_to_vir[DAEMON_ERROR_LAST] = {
    [DAEMON_ERROR_INTERNAL] = VIR_ERR_INTERNAL_ERROR,
    [DAEMON_ERROR_NO_DOMAIN] = VIR_ERR_NO_DOMAIN,
    [DAEMON_ERROR_NO_NETWORK] = VIR_ERR_NO_NETWORK,
    [DAEMON_ERROR_INVALID_XML] = VIR_ERR_XML_ERROR,
    [DAEMON_ERROR_OPERATION_INVALID] = VIR_ERR_OPERATION_INVALID,
    [DAEMON_ERROR_ACCESS_DENIED] = VIR_ERR_ACCESS_DENIED,
    [DAEMON_ERROR_INVALID_ARG] = VIR_ERR_INVALID_ARG,
    [DAEMON_ERROR_TIMEOUT] = VIR_ERR_OPERATION_TIMEOUT,
    [DAEMON_ERROR_NO_STORAGE_POOL] = VIR_ERR_NO_STORAGE_POOL,
    [DAEMON_ERROR_NO_STORAGE_VOL] = VIR_ERR_NO_STORAGE_VOL,
};

void remote_error_set(GError **error, int vir_code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, REMOTE_ERROR, vir_code, msg);
}

gboolean remote_check_flags(guint32 flags, guint32 allowed, GError **error)
{
    if (flags & ~allowed) {
        remote_error_set(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x)"),
                         flags & ~allowed);
        return FALSE;
    }
    return TRUE;
}

static char **opt_string(const char *s)
{
    char **p = g_new(char *, 1);
    *p = g_strdup(s);
    return p;
}

void remote_error_fill(RemoteError *out, const GError *error, int from, gboolean read_only)
{
    int code = VIR_ERR_INTERNAL_ERROR;
    if (error->domain == REMOTE_ERROR) {
        code = error->code;
        if (code == VIR_ERR_RPC)
            from = VIR_FROM_RPC;
    } else if (error->domain == DAEMON_ERROR && error->code >= 0 &&
               error->code < DAEMON_ERROR_LAST) {
        code = daemon_to_vir[error->code];
        if (error->code == DAEMON_ERROR_ACCESS_DENIED && read_only)
            code = VIR_ERR_OPERATION_DENIED;
    }
    *out = (RemoteError){
        .code = code,
        .domain = from,
        .message = opt_string(error->message),
        .level = VIR_ERR_LEVEL_ERROR,
    };
}
