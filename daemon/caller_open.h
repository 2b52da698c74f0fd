/* caller_open.h - open a domain's file with the rights of the client.
 *
 * A root vesseld opens every file a VMM gets (kernel, initrd, disks) and
 * passes descriptors (vessel-vmm's fd:N).  It opens them as the client
 * that starts the domain: the calling thread's file-system uid and gid
 * and its supplementary groups are switched to the client's for the one
 * open(2) (setfsuid/setfsgid/setgroups as raw system calls act on the
 * calling thread only; the kernel drops the file-system capabilities
 * CAP_DAC_OVERRIDE and friends while fsuid is not 0) and restored at
 * once.  So a member of the socket group can hand a guest only files
 * they could open themselves, never /etc/shadow or root's disk images.
 *
 * A refusal names the file and the missing permission, checked under
 * the same credentials: "user alice (uid 1001) has no write permission
 * on /srv/a.img", "... no search (x) permission on directory /root".
 * Files are opened O_NONBLOCK (a FIFO never blocks the daemon) and must
 * be of the expected kind. */
#ifndef VESSEL_CALLER_OPEN_H
#define VESSEL_CALLER_OPEN_H

#include <glib.h>

#include "caller.h"

/* The calling thread's file-system credentials while switched. */
typedef struct {
    gboolean switched;
    gid_t groups[256];
    int n_groups;
} CallerFs;

/* Switch this thread's file-system identity (fsuid, fsgid, groups) to
 * @caller's - a root daemon and another user only; else nothing happens
 * - until caller_fs_leave().  Nothing but file-system access may happen
 * in between (no lock is to be taken that another thread holds for
 * long). */
gboolean caller_fs_enter(const DaemonCaller *caller, CallerFs *save, GError **error);
void caller_fs_leave(CallerFs *save);

typedef enum {
    CALLER_FILE_REGULAR,        /* kernel, initrd */
    CALLER_FILE_DISK,           /* regular file or block device */
    CALLER_FILE_LAST
} CallerFileKind;

/* Open absolute @path with @flags (O_RDONLY or O_RDWR) as @caller (NULL
 * or root or the daemon's own uid: as the daemon).  @what names the file
 * in errors ("kernel", "disk image").  Returns a blocking, close-on-exec
 * fd, or -1 with DAEMON_ERROR_ACCESS_DENIED (permission) or
 * DAEMON_ERROR_OPERATION_INVALID (missing, wrong kind). */
int caller_open(const DaemonCaller *caller, const char *path, int flags,
                CallerFileKind kind, const char *what, GError **error);

#endif
