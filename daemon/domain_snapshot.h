/* domain_snapshot.h - external disk-only snapshots (see the top of
 * domain_snapshot.c).  Blocks (VMM control requests): call it from the
 * worker pool. */
#ifndef VESSEL_DOMAIN_SNAPSHOT_H
#define VESSEL_DOMAIN_SNAPSHOT_H

#include "daemon.h"

/* flags: virDomainSnapshotCreateFlags NO_METADATA (4), DISK_ONLY (16). */
gboolean domain_snapshot_disk_only(Daemon *d, DomainObj *dom, const char *name, guint flags,
                                   GError **error);

#endif
