/* domain_blockcommit.h - blockcommit: a disk's active layer merged into
 * a backing file, the disk pivoted onto it (see domain_blockcommit.c).
 * Blocks (the merge, VMM control requests): call it from the worker
 * pool. */
#ifndef VESSEL_DOMAIN_BLOCKCOMMIT_H
#define VESSEL_DOMAIN_BLOCKCOMMIT_H

#include "caller.h"
#include "daemon.h"

/* @disk: target or source path; @base, @top: paths or NULL/"" (top must
 * be the active layer).  flags: virDomainBlockCommitFlags SHALLOW (1),
 * DELETE (2), ACTIVE (4). */
gboolean domain_blockcommit(Daemon *d, DomainObj *dom, const char *disk, const char *base,
                            const char *top, guint flags,
                            const DaemonCaller *caller, GError **error);

#endif
