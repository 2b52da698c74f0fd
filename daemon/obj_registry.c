/* obj_registry.c - objects by uuid, name and object path (obj_registry.h). */
#include "config.h"

#include <string.h>

#include "obj_registry.h"

void obj_registry_init(ObjRegistry *reg, ObjNameFunc name_of, ObjNameFunc path_of,
                       ObjRefFunc ref, GDestroyNotify unref)
{
    g_mutex_init(&reg->lock);
    reg->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, unref);
    reg->name_of = name_of;
    reg->path_of = path_of;
    reg->ref = ref;
    reg->unref = unref;
}

void obj_registry_clear(ObjRegistry *reg)
{
    g_clear_pointer(&reg->by_uuid, g_hash_table_unref);
    g_mutex_clear(&reg->lock);
}

gpointer obj_registry_find_uuid(ObjRegistry *reg, const char *uuid)
{
    if (!uuid)
        return NULL;
    g_autofree char *lower = g_ascii_strdown(uuid, -1);
    if (strlen(lower) == 32) {
        /* the 32 hex digit form names the same object */
        g_autofree char *c = g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", lower, lower + 8,
                                             lower + 12, lower + 16, lower + 20);
        return g_hash_table_lookup(reg->by_uuid, c);
    }
    return g_hash_table_lookup(reg->by_uuid, lower);
}

gpointer obj_registry_find_name(ObjRegistry *reg, const char *name)
{
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, reg->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v))
        if (g_strcmp0(reg->name_of(v), name) == 0)
            return v;
    return NULL;
}

gpointer obj_registry_find_path_node(ObjRegistry *reg, const char *node)
{
    char uuid[37];

    if (!node || strlen(node) != 36)
        return NULL;
    memcpy(uuid, node, sizeof(uuid));
    g_strdelimit(uuid, "_", '-');
    return g_hash_table_lookup(reg->by_uuid, uuid);
}

char *obj_registry_lookup_path(ObjRegistry *reg, ObjRegistryFind find, const char *key)
{
    char *v = NULL;
    gpointer obj;

    g_mutex_lock(&reg->lock);
    if ((obj = find(reg, key)))
        v = g_strdup(reg->path_of(obj));
    g_mutex_unlock(&reg->lock);
    return v;
}

static gint compare_by_name(gconstpointer a, gconstpointer b, gpointer data)
{
    ObjRegistry *reg = data;

    return strcmp(reg->name_of(*(gconstpointer const *)a),
                  reg->name_of(*(gconstpointer const *)b));
}

GPtrArray *obj_registry_snapshot(ObjRegistry *reg)
{
    GPtrArray *arr = g_ptr_array_new_full(g_hash_table_size(reg->by_uuid), reg->unref);
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, reg->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v))
        g_ptr_array_add(arr, reg->ref(v));
    g_ptr_array_sort_with_data(arr, compare_by_name, reg);
    return arr;
}

void obj_registry_insert(ObjRegistry *reg, const char *uuid, gpointer obj)
{
    g_hash_table_insert(reg->by_uuid, g_strdup(uuid), obj);
}

void obj_registry_remove(ObjRegistry *reg, const char *uuid)
{
    g_hash_table_remove(reg->by_uuid, uuid);
}

char *obj_registry_path_for_uuid(const char *prefix, const char *uuid)
{
    char *p = g_strconcat(prefix, "/", uuid, NULL);

    g_strdelimit(p + strlen(prefix), "-", '_');
    return p;
}
