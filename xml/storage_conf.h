/* storage_conf.h - storage pool and volume XML, libvirt's formats.
 *
 * Pools: <pool type='dir'> (a directory of image files), the subset
 * xml/schemas/storagepool.rng allows; parsed, checked, and formatted back
 * with the live sizes, valid against libvirt's storagepool.rng.
 *
 * Volumes are files in a pool, so their XML is not stored: parsing a
 * <volume> gives what to create (name, capacity, allocation, format,
 * backing store, permissions, qcow2 compat and cluster size), and the
 * XML of an existing volume is formatted from what the file says
 * (StorageVolInfo), valid against libvirt's storagevol.rng. */
#ifndef VESSEL_STORAGE_CONF_H
#define VESSEL_STORAGE_CONF_H

#include <glib.h>
#include "xml/xml_error.h"

#define VESSEL_STORAGE_MAX_NAME 255

typedef enum {
    STORAGE_VOL_FORMAT_RAW,
    STORAGE_VOL_FORMAT_QCOW2,
    STORAGE_VOL_FORMAT_LAST
} StorageVolFormat;

const char *storage_vol_format_to_string(StorageVolFormat v);
int storage_vol_format_from_string(const char *s);

/* <permissions>: -1 where not given. */
typedef struct {
    gint64 mode;
    gint64 owner;
    gint64 group;
} StoragePerms;

typedef struct {
    char *name;
    char uuid[37];
    char *target_path;          /* absolute, no trailing '/' */
    StoragePerms perms;
} StoragePoolDef;

typedef struct {
    guint64 capacity, allocation, available;    /* bytes; 0 while inactive */
} StoragePoolSizes;

StoragePoolDef *storage_pool_def_parse(const char *xml, GError **error);
StoragePoolDef *storage_pool_def_parse_file(const char *path, GError **error);
/* @sizes NULL: zeros, as libvirt shows an inactive pool. */
char *storage_pool_def_format(const StoragePoolDef *def, const StoragePoolSizes *sizes);
StoragePoolDef *storage_pool_def_copy(const StoragePoolDef *def);
void storage_pool_def_free(StoragePoolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoragePoolDef, storage_pool_def_free)

/* A <volume> to create. */
typedef struct {
    char *name;
    guint64 capacity;           /* bytes */
    gboolean has_allocation;
    guint64 allocation;         /* bytes: == capacity asks for preallocation */
    gboolean has_format;
    StorageVolFormat format;    /* default raw, as libvirt's dir pools */
    char *backing_path;         /* <backingStore><path>, or NULL */
    gboolean has_backing_format;
    StorageVolFormat backing_format;
    StoragePerms perms;
    gboolean compat_v2;         /* <compat>0.10</compat> */
    guint64 cluster_size;       /* bytes, 0 = default */
} StorageVolDef;

StorageVolDef *storage_vol_def_parse(const char *xml, GError **error);
void storage_vol_def_free(StorageVolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StorageVolDef, storage_vol_def_free)

/* An existing volume, for its XML. */
typedef struct {
    const char *name;
    const char *path;           /* also the key */
    guint64 capacity, allocation, physical;
    StorageVolFormat format;
    StoragePerms perms;
    const char *atime, *mtime, *ctime;     /* "SECONDS.NANOSECONDS" or NULL */
    const char *compat;         /* qcow2: "0.10" or "1.1" */
    guint64 cluster_size;       /* qcow2, else 0 */
    const char *backing_path;   /* NULL if none */
    gboolean has_backing_format;
    StorageVolFormat backing_format;
} StorageVolInfo;

char *storage_vol_info_format(const StorageVolInfo *info);

#endif
