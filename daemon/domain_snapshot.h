/* domain_snapshot.h - external disk-only snapshots (see the top of
 * domain_snapshot.c).  Blocks (VMM control requests): call it from the
 * worker pool. */
#ifndef VESSEL_DOMAIN_SNAPSHOT_H
#define VESSEL_DOMAIN_SNAPSHOT_H

#include "caller.h"
#include "daemon.h"

/* flags: virDomainSnapshotCreateFlags NO_METADATA (4), DISK_ONLY (16).
 * Overlays of file disks are made and opened with @caller's rights (a
 * client can only snapshot into directories they may write), those of
 * volumes with the daemon's (they go into the volume's pool). */
gboolean domain_snapshot_disk_only(Daemon *d, DomainObj *dom, const char *name, guint flags,
                                   const DaemonCaller *caller, GError **error);

#endif
