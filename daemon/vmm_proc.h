/* vmm_proc.h - a VMM process the daemon may trust and signal.
 *
 * The daemon signals VMMs only through pidfds: one taken when it spawns
 * the VMM (its child, not yet reaped, so the pid cannot have been reused)
 * or, for a VMM found in a status file after a restart, one taken and
 * then checked: the process must have the recorded start time, run the
 * domain's VMM binary, carry `--uuid UUID` of the domain on its command
 * line and, under a root daemon, run as the recorded VMM id.  Anything
 * else - a pid that was reused, a status file someone forged - is not
 * the domain's VMM and is never signalled (issue 16).
 */
#ifndef VESSEL_VMM_PROC_H
#define VESSEL_VMM_PROC_H

#include <glib.h>
#include <sys/types.h>

/* A pidfd of our own child @pid (call before it can be reaped), or -1. */
int vmm_proc_open_child(pid_t pid);

typedef struct {
    pid_t pid;
    guint64 start_time;     /* /proc/PID/stat field 22, as recorded */
    const char *uuid;       /* the domain's */
    const char *exe;        /* the VMM binary the domain runs */
    uid_t uid;              /* (uid_t)-1: not checked */
} VmmProcClaim;

/* A pidfd of the process @claim describes if it is exactly that; else
 * -1 and @error says what did not match. */
int vmm_proc_open_verified(const VmmProcClaim *claim, GError **error);

/* Send @sig through @pidfd: 0 or -errno (-EBADF for -1). */
int vmm_proc_signal(int pidfd, int sig);

#endif
