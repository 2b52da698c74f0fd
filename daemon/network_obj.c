/* network_obj.c - NetworkObj, NetworkList and the network definition store. */
#include "config.h"

#include "def_store.h"
#include "i18n.h"
#include "network_obj.h"

NetworkObj *network_obj_ref(NetworkObj *net)
{
    g_atomic_int_inc(&net->ref);
    return net;
}

void network_obj_unref(NetworkObj *net)
{
    if (!net || !g_atomic_int_dec_and_test(&net->ref))
        return;
    network_def_free(net->def);
    g_free(net->path);
    g_free(net->live_bridge);
    g_free(net);
}

char *network_obj_path_for_uuid(const char *uuid)
{
    return obj_registry_path_for_uuid(NETWORK_PATH_PREFIX, uuid);
}

static const char *network_obj_name(gconstpointer obj)
{
    return ((const NetworkObj *)obj)->def->name;
}

static const char *network_obj_path(gconstpointer obj)
{
    return ((const NetworkObj *)obj)->path;
}

NetworkList *network_list_new(void)
{
    NetworkList *list = g_new0(NetworkList, 1);
    obj_registry_init(&list->reg, network_obj_name, network_obj_path,
                      (ObjRefFunc)network_obj_ref,
                      (GDestroyNotify)network_obj_unref);
    return list;
}

void network_list_free(NetworkList *list)
{
    if (!list)
        return;
    obj_registry_clear(&list->reg);
    g_free(list);
}

void network_list_lock(NetworkList *list)
{
    g_mutex_lock(&list->reg.lock);
}

void network_list_unlock(NetworkList *list)
{
    g_mutex_unlock(&list->reg.lock);
}

NetworkObj *network_list_find_uuid(NetworkList *list, const char *uuid)
{
    return obj_registry_find_uuid(&list->reg, uuid);
}

NetworkObj *network_list_find_name(NetworkList *list, const char *name)
{
    return obj_registry_find_name(&list->reg, name);
}

NetworkObj *network_list_find_path_node(NetworkList *list, const char *node)
{
    return obj_registry_find_path_node(&list->reg, node);
}

GPtrArray *network_list_snapshot(NetworkList *list)
{
    return obj_registry_snapshot(&list->reg);
}

NetworkObj *network_list_add(NetworkList *list, NetworkDef *def)
{
    NetworkObj *net = g_new0(NetworkObj, 1);
    net->ref = 1;
    net->def = def;
    net->path = network_obj_path_for_uuid(def->uuid);
    obj_registry_insert(&list->reg, def->uuid, net);
    return net;
}

void network_list_remove(NetworkList *list, NetworkObj *net)
{
    net->removed = TRUE;
    obj_registry_remove(&list->reg, net->def->uuid);
}

#define KIND "networks"

gboolean network_store_save_config(const DaemonConfig *cfg, const NetworkDef *def,
                                   GError **error)
{
    g_autofree char *xml = network_def_format(def);
    return def_store_save(cfg, KIND, def->name, xml, error);
}

gboolean network_store_delete_config(const DaemonConfig *cfg, const char *name,
                                     GError **error)
{
    return def_store_delete(cfg, KIND, name, error);
}

gboolean network_store_set_autostart(const DaemonConfig *cfg, const char *name,
                                     gboolean on, GError **error)
{
    return def_store_set_autostart(cfg, KIND, name, on, error);
}

gboolean network_store_get_autostart(const DaemonConfig *cfg, const char *name)
{
    return def_store_get_autostart(cfg, KIND, name);
}

GPtrArray *network_store_load_configs(const DaemonConfig *cfg)
{
    g_autoptr(GPtrArray) files = def_store_list(cfg, KIND);
    GPtrArray *defs = g_ptr_array_new_with_free_func((GDestroyNotify)network_def_free);

    for (guint i = 0; i < files->len; i++) {
        const char *path = files->pdata[i];
        g_autoptr(GError) err = NULL;
        NetworkDef *def = network_def_parse_file(path, NETWORK_PARSE_DEFAULT, &err);
        if (!def) {
            g_warning(_("Ignoring network definition %s: %s"), path, err->message);
            continue;
        }
        g_ptr_array_add(defs, def);
    }
    return defs;
}
