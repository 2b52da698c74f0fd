/* sd_notify.h - systemd's readiness protocol without libsystemd: one
 * datagram to $NOTIFY_SOCKET (path or @abstract).  No-op when unset. */
#ifndef VESSEL_SD_NOTIFY_H
#define VESSEL_SD_NOTIFY_H

#include <glib.h>

/* Send @state (e.g. "READY=1"); FALSE if the socket is set but fails. */
gboolean sd_notify_send(const char *state);

#endif
