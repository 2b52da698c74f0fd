/* vmm_ids.h - the uid and gid each VMM of a root vesseld runs as.
 *
 * Every running VMM gets an id of its own from [vmm] uid_range, used as
 * both its uid and its gid, with no supplementary group but "kvm" (for
 * /dev/kvm): VMMs cannot signal, trace or read /proc of one another, and
 * none can reach another's files.  The ids need no account: like
 * systemd's DynamicUser= or Firecracker's jailer --uid/--gid, the daemon
 * picks a number nobody uses, i.e. one that is not already given to a VMM
 * of this daemon, that has no passwd or group entry, and that no running
 * process has (another daemon with the same range, a leftover VMM).  So
 * no account can be missing and none needs creating: the daemon never
 * falls back to running a VMM as root (issue 16). */
#ifndef VESSEL_VMM_IDS_H
#define VESSEL_VMM_IDS_H

#include <glib.h>
#include <sys/types.h>

/* Pick a free id in [@first, @last] that is not in @taken (a set of
 * GUINT_TO_POINTER(id)).  FALSE with DAEMON_ERROR_OPERATION_INVALID when
 * every id is in use. */
gboolean vmm_ids_pick(guint32 first, guint32 last, GHashTable *taken, guint32 *id,
                      GError **error);

/* The gid of group "kvm" (for /dev/kvm), or (gid_t)-1. */
gid_t vmm_ids_kvm_gid(void);

#endif
