/* okdaemon.h - vessel-ok's checks about the daemon: is it reachable,
 * which accelerators it reports usable (capabilities XML, <accelerator
 * name= usable= reason=/>), and may this user use its sockets.  Never
 * spawns a session daemon: one that is not running (it exits when idle
 * and starts on demand) is not a failure, and its accelerators are
 * decided here as it would decide them (host_kvm_auto()). */
#ifndef VESSEL_OKDAEMON_H
#define VESSEL_OKDAEMON_H

#include "hostcheck.h"

typedef struct OkDaemon OkDaemon;

/* Connects at once (to @uri, or the default URI); failure is remembered. */
OkDaemon *ok_daemon_new(const char *uri);
void ok_daemon_free(OkDaemon *d);

HostResult ok_daemon_check_reachable(OkDaemon *d, char **hint);
HostResult ok_daemon_check_accels(OkDaemon *d, char **hint);
/* The system daemon's socket group ([sockets] group= of its vesseld.conf
 * below the probe's root, default "vessel"): PASS for a member; a group
 * that does not exist is never a PASS.  A session daemon's sockets are
 * the user's own. */
HostResult ok_daemon_check_socket_group(OkDaemon *d, const HostProbe *probe, char **hint);

/* Parse capabilities XML into "name" -> "reason" ("" when usable) for
 * every <accelerator>; @usable gets the names usable, in document order. */
gboolean ok_daemon_parse_accels(const char *caps, GPtrArray *usable, GHashTable *unusable,
                                GError **error);

#endif
