/* pool_obj.c - StoragePoolObj and StoragePoolList (see pool_obj.h). */
#include "config.h"

#include <string.h>

#include "pool_obj.h"

StoragePoolObj *pool_obj_ref(StoragePoolObj *pool)
{
    g_atomic_int_inc(&pool->ref);
    return pool;
}

void pool_obj_unref(StoragePoolObj *pool)
{
    if (!pool || !g_atomic_int_dec_and_test(&pool->ref))
        return;
    storage_pool_def_free(pool->def);
    g_free(pool->path);
    g_mutex_clear(&pool->vol_lock);
    g_free(pool);
}

static const char *pool_obj_name(gconstpointer obj)
{
    return ((const StoragePoolObj *)obj)->def->name;
}

static const char *pool_obj_path(gconstpointer obj)
{
    return ((const StoragePoolObj *)obj)->path;
}

StoragePoolList *pool_list_new(void)
{
    StoragePoolList *list = g_new0(StoragePoolList, 1);
    obj_registry_init(&list->reg, pool_obj_name, pool_obj_path, (ObjRefFunc)pool_obj_ref,
                      (GDestroyNotify)pool_obj_unref);
    return list;
}

void pool_list_free(StoragePoolList *list)
{
    if (!list)
        return;
    obj_registry_clear(&list->reg);
    g_free(list);
}

void pool_list_lock(StoragePoolList *list)
{
    g_mutex_lock(&list->reg.lock);
}

void pool_list_unlock(StoragePoolList *list)
{
    g_mutex_unlock(&list->reg.lock);
}

StoragePoolObj *pool_list_find_uuid(StoragePoolList *list, const char *uuid)
{
    return obj_registry_find_uuid(&list->reg, uuid);
}

StoragePoolObj *pool_list_find_name(StoragePoolList *list, const char *name)
{
    return obj_registry_find_name(&list->reg, name);
}

StoragePoolObj *pool_list_find_path_node(StoragePoolList *list, const char *node)
{
    return obj_registry_find_path_node(&list->reg, node);
}

StoragePoolObj *pool_list_find_dir(StoragePoolList *list, const char *dir)
{
    g_autoptr(GPtrArray) snap = obj_registry_snapshot(&list->reg);
    for (guint i = 0; i < snap->len; i++) {
        StoragePoolObj *p = snap->pdata[i];
        if (p->active && strcmp(p->def->target_path, dir) == 0)
            return p;       /* the registry still holds a reference */
    }
    return NULL;
}

GPtrArray *pool_list_snapshot(StoragePoolList *list)
{
    return obj_registry_snapshot(&list->reg);
}

StoragePoolObj *pool_list_add(StoragePoolList *list, StoragePoolDef *def)
{
    StoragePoolObj *pool = g_new0(StoragePoolObj, 1);
    pool->ref = 1;
    pool->def = def;
    pool->path = obj_registry_path_for_uuid(POOL_PATH_PREFIX, def->uuid);
    g_mutex_init(&pool->vol_lock);
    obj_registry_insert(&list->reg, def->uuid, pool);
    return pool;
}

void pool_list_remove(StoragePoolList *list, StoragePoolObj *pool)
{
    pool->removed = TRUE;
    obj_registry_remove(&list->reg, pool->def->uuid);
}
