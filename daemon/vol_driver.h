/* vol_driver.h - the volumes of a storage pool: the regular files of its
 * directory (names not starting with '.'), raw or qcow2 as the file says
 * (libvirt's dir pools probe too: for listing and sizes only; a domain
 * disk takes the format its XML names, see domain_disks.h).  Images are
 * made, measured, copied, resized and recreated through libvesselstorage
 * (storage/), the one place that knows the formats.
 *
 * Volume operations of one pool are serialized by its vol_lock (copies
 * and wipes may take long; the pool list lock is never held meanwhile).
 * A volume a running domain uses - as a disk or as a backing file of one
 * - cannot be deleted, wiped, resized or overwritten by an upload. */
#ifndef VESSEL_VOL_DRIVER_H
#define VESSEL_VOL_DRIVER_H

#include "daemon.h"

/* One volume as listed and measured (libvirt's virStorageVolInfo and
 * more); type is virStorageVolType: always 0 (file) here. */
typedef struct {
    char *name;
    char *path;              /* also libvirt's volume key */
    int type;
    guint64 capacity;
    guint64 allocation;
    const char *format;      /* "raw", "qcow2" (static) */
} VolInfo;

void vol_info_free(VolInfo *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VolInfo, vol_info_free)

/* The pool's volumes, sorted by name: VolInfo*, freeing. */
GPtrArray *vol_driver_list(Daemon *d, StoragePoolObj *pool, GError **error);
/* flags: 1 = preallocate qcow2 metadata.  The new volume's name. */
char *vol_driver_create(Daemon *d, StoragePoolObj *pool, const char *xml, guint flags,
                        GError **error);
char *vol_driver_create_from(Daemon *d, StoragePoolObj *pool, const char *xml,
                             StoragePoolObj *src_pool, const char *src_name, guint flags,
                             GError **error);
char *vol_driver_xml(Daemon *d, StoragePoolObj *pool, const char *name, GError **error);
/* Volume @name measured now, or NULL + NoStorageVol. */
VolInfo *vol_driver_info(Daemon *d, StoragePoolObj *pool, const char *name, GError **error);
gboolean vol_driver_resize(Daemon *d, StoragePoolObj *pool, const char *name, guint64 capacity,
                           guint flags, GError **error);
gboolean vol_driver_wipe(Daemon *d, StoragePoolObj *pool, const char *name, guint algorithm,
                         GError **error);
gboolean vol_driver_delete(Daemon *d, StoragePoolObj *pool, const char *name, GError **error);
/* The checked path of volume @name of @pool (it need not exist). */
char *vol_driver_path(Daemon *d, StoragePoolObj *pool, const char *name, GError **error);
/* Which active pool holds @path, and the volume's name there. */
gboolean vol_driver_lookup_path(Daemon *d, const char *path, char **pool_path, char **name,
                                GError **error);
/* Open volume @name for a stream: an fd for reading (download) or for
 * writing (upload, checked against running domains). */
int vol_driver_open_stream(Daemon *d, StoragePoolObj *pool, const char *name, gboolean upload,
                           GError **error);

#endif
