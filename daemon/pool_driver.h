/* pool_driver.h - storage pools: definitions (define, undefine,
 * autostart, XML) and state (build, start, stop, delete, info), in
 * libvirt's model of a "dir" pool: a directory whose files are the
 * volumes (vol_driver.h).  An active pool has a status file
 * RUN/storage/NAME.xml, so a restarted daemon keeps it active.  The
 * "default" pool is defined (with autostart) on the first start when the
 * configuration names its directory (DaemonConfig.default_pool). */
#ifndef VESSEL_POOL_DRIVER_H
#define VESSEL_POOL_DRIVER_H

#include "daemon.h"

/* virStoragePoolState */
enum { POOL_STATE_INACTIVE = 0, POOL_STATE_RUNNING = 2, POOL_STATE_INACCESSIBLE = 4 };
/* virStoragePoolEventLifecycleType */
enum {
    POOL_EVENT_DEFINED, POOL_EVENT_UNDEFINED, POOL_EVENT_STARTED, POOL_EVENT_STOPPED,
    POOL_EVENT_CREATED, POOL_EVENT_DELETED,
};

/* virConnectListAllStoragePoolsFlags; every pool is a "dir" pool, so
 * asking for other types alone lists none. */
enum {
    POOL_LIST_INACTIVE = 1 << 0,
    POOL_LIST_ACTIVE = 1 << 1,
    POOL_LIST_PERSISTENT = 1 << 2,
    POOL_LIST_TRANSIENT = 1 << 3,
    POOL_LIST_AUTOSTART = 1 << 4,
    POOL_LIST_NO_AUTOSTART = 1 << 5,
    POOL_LIST_DIR = 1 << 6,
    POOL_LIST_TYPES = ((1 << 20) - 1) & ~((1 << 6) - 1),   /* DIR .. VSTORAGE */
    POOL_LIST_ALL_FLAGS = (1 << 20) - 1,
};

/* List locked: the pools @flags select (references, freeing), in the
 * list's order. */
GPtrArray *pool_driver_list_locked(Daemon *d, guint flags);
/* A pool by uuid text (a reference), or NULL + NoStoragePool. */
StoragePoolObj *pool_driver_get(Daemon *d, const char *uuid, GError **error);
/* TRUE if @pool is active, else OperationInvalid (volume calls want it). */
gboolean pool_driver_check_active(Daemon *d, StoragePoolObj *pool, GError **error);

char *pool_driver_define(Daemon *d, const char *xml, GError **error);
char *pool_driver_create_xml(Daemon *d, const char *xml, GError **error);
gboolean pool_driver_undefine(Daemon *d, StoragePoolObj *pool, GError **error);
gboolean pool_driver_build(Daemon *d, StoragePoolObj *pool, GError **error);
gboolean pool_driver_start(Daemon *d, StoragePoolObj *pool, GError **error);
gboolean pool_driver_destroy(Daemon *d, StoragePoolObj *pool, GError **error);
gboolean pool_driver_delete(Daemon *d, StoragePoolObj *pool, GError **error);
gboolean pool_driver_refresh(Daemon *d, StoragePoolObj *pool, GError **error);
gboolean pool_driver_set_autostart(Daemon *d, StoragePoolObj *pool, gboolean on,
                                   GError **error);
char *pool_driver_xml(Daemon *d, StoragePoolObj *pool, gboolean inactive);
/* State and sizes (statvfs of the directory while active). */
void pool_driver_info(Daemon *d, StoragePoolObj *pool, guint *state, StoragePoolSizes *sizes);
/* An active pool by name (a reference), or NULL + NoStoragePool /
 * OperationInvalid. */
StoragePoolObj *pool_driver_get_active(Daemon *d, const char *name, GError **error);
void pool_driver_load(Daemon *d);
void pool_driver_autostart(Daemon *d);

#endif
