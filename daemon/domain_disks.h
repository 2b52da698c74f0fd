/* domain_disks.h - a domain's disks as the VMM gets them: each disk's
 * file (a path, or a volume of an active pool), its format, and its
 * whole backing chain discovered with libvesselstorage, given to the VMM
 * layer by layer (--disk FILE,format=F,backing=F:FILE,...) so that the
 * VMM opens exactly what the daemon checked (and a confined VMM could be
 * handed each layer as a descriptor instead of a path).
 *
 * Formats are never guessed for a disk a guest writes: a file disk is
 * raw unless <driver type='qcow2'/> says otherwise; a volume disk
 * without <driver type> is raw when the file looks raw, and an error
 * when it looks like qcow2 (name the format in the XML).  Backing files
 * that record no format are probed (they are opened read-only). */
#ifndef VESSEL_DOMAIN_DISKS_H
#define VESSEL_DOMAIN_DISKS_H

#include "caller.h"
#include "daemon.h"
#include "storage/storage.h"

/* The image file and format of one disk (volumes resolved). */
gboolean domain_disks_source(Daemon *d, const DomainDiskDef *disk, char **path,
                             StorageFormat *fmt, GError **error);
/* One layer of a disk's backing chain (top first). */
typedef struct {
    char *path;
    const char *format;     /* "raw", "qcow2" */
    gboolean pool_owned;    /* a file of the pool of a volume disk: the
                             * daemon's to open; anything else is opened
                             * with the rights of the client (caller_open.h) */
} DomainDiskLayer;

/* Per disk of @def, its layers (a GPtrArray of DomainDiskLayer *).  The
 * chains of file disks are read with @caller's rights, those of volumes
 * with the daemon's. */
GPtrArray *domain_disks_layers(Daemon *d, const DomainDef *def, const DaemonCaller *caller,
                               GError **error);
/* Every file (absolute, canonical) the disks of @def use: the images
 * and their backing chains.  Disks that cannot be resolved are left out. */
GPtrArray *domain_disks_files(Daemon *d, const DomainDef *def);
/* The running domain whose disks use @path (g_free the name), or NULL. */
char *domain_disks_user(Daemon *d, const char *path);
/* The image file of disk @target of @def (resolving volumes). */
char *domain_disks_path(Daemon *d, const DomainDef *def, const char *target, GError **error);

/* Begins a job on @dom that changes its disks (a snapshot, a commit):
 * @def gets a copy of its definition and, while it runs, @control the
 * path of its VMM's control socket (else NULL).  End the job with
 * domain_obj_job_end(). */
gboolean domain_disks_job_begin(Daemon *d, DomainObj *dom, DomainDef **def, char **control,
                                GError **error);

#endif
