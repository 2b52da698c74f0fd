/* okdaemon.h - vessel-ok's checks that go over the API: is the daemon
 * reachable, and which accelerators it reports usable (capabilities XML,
 * <accelerator name= usable= reason=/>).  Never spawns a session daemon. */
#ifndef VESSEL_OKDAEMON_H
#define VESSEL_OKDAEMON_H

#include "hostcheck.h"

typedef struct OkDaemon OkDaemon;

/* Connects at once (to @uri, or the default URI); failure is remembered. */
OkDaemon *ok_daemon_new(const char *uri);
void ok_daemon_free(OkDaemon *d);

HostResult ok_daemon_check_reachable(OkDaemon *d, char **hint);
HostResult ok_daemon_check_accels(OkDaemon *d, char **hint);

/* Parse capabilities XML into "name" -> "reason" ("" when usable) for
 * every <accelerator>; @usable gets the names usable, in document order. */
gboolean ok_daemon_parse_accels(const char *caps, GPtrArray *usable, GHashTable *unusable,
                                GError **error);

#endif
