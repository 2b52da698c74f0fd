/* pool_obj.h - the daemon's storage pools and their store.
 *
 * Same locking rule as network_obj.h: one list mutex guards the list and
 * every StoragePoolObj field.  Files: CONFIG/storage/NAME.xml and
 * CONFIG/storage/autostart/NAME.xml (symlink), RUN/storage/NAME.xml
 * while active (so a restarted daemon knows the pool was running).
 * Volumes are the pool directory's files and are not kept here: the
 * volume code (vol_driver.c) reads them from disk on every call, under a
 * per-pool volume lock that serializes creation, deletion and copying. */
#ifndef VESSEL_POOL_OBJ_H
#define VESSEL_POOL_OBJ_H

#include <glib.h>

#include "daemon_config.h"
#include "obj_registry.h"
#include "xml/storage_conf.h"

typedef struct {
    gint ref;
    StoragePoolDef *def;
    char *path;              /* D-Bus object path */
    gboolean persistent;
    gboolean autostart;
    gboolean active;
    gboolean removed;
    GMutex vol_lock;         /* volume operations of this pool (not the list lock) */
} StoragePoolObj;

typedef struct {
    ObjRegistry reg;         /* uuid -> StoragePoolObj; reg.lock is THE lock */
} StoragePoolList;

#define POOL_PATH_PREFIX "/org/vessel/Vessel1/storagepool"
#define POOL_STORE_KIND "storage"

StoragePoolList *pool_list_new(void);
void pool_list_free(StoragePoolList *list);
void pool_list_lock(StoragePoolList *list);
void pool_list_unlock(StoragePoolList *list);
StoragePoolObj *pool_list_find_uuid(StoragePoolList *list, const char *uuid);
StoragePoolObj *pool_list_find_name(StoragePoolList *list, const char *name);
StoragePoolObj *pool_list_find_path_node(StoragePoolList *list, const char *node);
/* The active pool whose directory holds @path (list locked), or NULL. */
StoragePoolObj *pool_list_find_dir(StoragePoolList *list, const char *dir);
GPtrArray *pool_list_snapshot(StoragePoolList *list);
StoragePoolObj *pool_list_add(StoragePoolList *list, StoragePoolDef *def);
void pool_list_remove(StoragePoolList *list, StoragePoolObj *pool);

StoragePoolObj *pool_obj_ref(StoragePoolObj *pool);
void pool_obj_unref(StoragePoolObj *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoragePoolObj, pool_obj_unref)

#endif
