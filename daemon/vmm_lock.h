/* vmm_lock.h - at most one VMM per domain.
 *
 * RUN/domains/UUID.pid is the domain's lock: the daemon opens it and
 * takes flock(LOCK_EX) before anything of a start touches the runtime
 * directory, then hands that open file to the VMM as its --pidfile fd:N.
 * The VMM keeps the descriptor until it exits (vessel-vmm(1)), so the
 * lock lives exactly as long as the VMM - also across daemon restarts
 * and when the daemon lost track of it (a status file that could not be
 * written).  A start whose lock is taken is refused; a reattach whose
 * lock is free knows its VMM is gone.
 */
#ifndef VESSEL_VMM_LOCK_H
#define VESSEL_VMM_LOCK_H

#include <glib.h>

#include "daemon_config.h"

/* The locked descriptor for a new VMM of domain @uuid (@name for
 * messages), or -1: DAEMON_ERROR_OPERATION_INVALID naming the pid the
 * running VMM wrote if another VMM holds it. */
int vmm_lock_take(const DaemonConfig *cfg, const char *uuid, const char *name, GError **error);
/* TRUE if a process holds the lock of @uuid (a VMM runs). */
gboolean vmm_lock_held(const DaemonConfig *cfg, const char *uuid);
/* Remove the lock file of @uuid if no VMM holds it. */
void vmm_lock_remove(const DaemonConfig *cfg, const char *uuid);

#endif
