/* remote_error.h - errors as libvirt clients receive them.
 *
 * A GError from the daemon (DAEMON_ERROR) becomes a remote_error with
 * libvirt's code for it (one table, remote_error.c), the error domain of
 * the object the call was about, and the daemon's message unchanged.
 * Errors the transport itself raises (an unknown procedure, a read-only
 * connection, a malformed packet) are made here with libvirt's own codes
 * and wording, so clients recognise them: VIR_ERR_NO_SUPPORT makes virsh
 * and virt-manager fall back or skip a feature instead of failing. */
#ifndef VESSEL_REMOTE_ERROR_H
#define VESSEL_REMOTE_ERROR_H

#include <glib.h>

#include "remote_protocol.h"

#define REMOTE_ERROR (remote_error_quark())
GQuark remote_error_quark(void);

/* A GError in REMOTE_ERROR carries a virErrorNumber as its code. */
void remote_error_set(GError **error, int vir_code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* FALSE with VIR_ERR_INVALID_ARG "unsupported flags" when @flags has a
 * bit outside @allowed. */
gboolean remote_check_flags(guint32 flags, guint32 allowed, GError **error);

/* Fill @out (strings allocated; free with xdr_free(remote_xdr_error))
 * from @error; @from is the virErrorDomain to report DAEMON_ERRORs in,
 * @read_only tells an access error on a read-only connection (libvirt's
 * VIR_ERR_OPERATION_DENIED) from one of a user outside the group. */
void remote_error_fill(RemoteError *out, const GError *error, int from, gboolean read_only);

#endif
