/* network_obj.c - NetworkObj, NetworkList and the network definition store. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon_error.h"
#include "fileutil.h"
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
    char *p = g_strdup_printf(NETWORK_PATH_PREFIX "/%s", uuid);
    g_strdelimit(p + strlen(NETWORK_PATH_PREFIX), "-", '_');
    return p;
}

NetworkList *network_list_new(void)
{
    NetworkList *list = g_new0(NetworkList, 1);
    g_mutex_init(&list->lock);
    list->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)network_obj_unref);
    return list;
}

void network_list_free(NetworkList *list)
{
    if (!list)
        return;
    g_hash_table_unref(list->by_uuid);
    g_mutex_clear(&list->lock);
    g_free(list);
}

void network_list_lock(NetworkList *list)
{
    g_mutex_lock(&list->lock);
}

void network_list_unlock(NetworkList *list)
{
    g_mutex_unlock(&list->lock);
}

NetworkObj *network_list_find_uuid(NetworkList *list, const char *uuid)
{
    if (!uuid)
        return NULL;
    g_autofree char *lower = g_ascii_strdown(uuid, -1);
    return g_hash_table_lookup(list->by_uuid, lower);
}

NetworkObj *network_list_find_name(NetworkList *list, const char *name)
{
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, list->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v))
        if (g_strcmp0(((NetworkObj *)v)->def->name, name) == 0)
            return v;
    return NULL;
}

NetworkObj *network_list_find_path_node(NetworkList *list, const char *node)
{
    if (!node || strlen(node) != 36)
        return NULL;
    char uuid[37];
    memcpy(uuid, node, sizeof(uuid));
    g_strdelimit(uuid, "_", '-');
    return g_hash_table_lookup(list->by_uuid, uuid);
}

static gint compare_by_name(gconstpointer a, gconstpointer b)
{
    const NetworkObj *x = *(NetworkObj *const *)a, *y = *(NetworkObj *const *)b;
    return strcmp(x->def->name, y->def->name);
}

GPtrArray *network_list_snapshot(NetworkList *list)
{
    GPtrArray *arr = g_ptr_array_new_with_free_func((GDestroyNotify)network_obj_unref);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, list->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v))
        g_ptr_array_add(arr, network_obj_ref(v));
    g_ptr_array_sort(arr, compare_by_name);
    return arr;
}

NetworkObj *network_list_add(NetworkList *list, NetworkDef *def)
{
    NetworkObj *net = g_new0(NetworkObj, 1);
    net->ref = 1;
    net->def = def;
    net->path = network_obj_path_for_uuid(def->uuid);
    g_hash_table_insert(list->by_uuid, g_strdup(def->uuid), net);
    return net;
}

void network_list_remove(NetworkList *list, NetworkObj *net)
{
    net->removed = TRUE;
    g_hash_table_remove(list->by_uuid, net->def->uuid);
}

static char *store_path(const DaemonConfig *cfg, const char *sub, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    return sub ? g_build_filename(cfg->config_dir, "networks", sub, file, NULL)
               : g_build_filename(cfg->config_dir, "networks", file, NULL);
}

gboolean network_store_save_config(const DaemonConfig *cfg, const NetworkDef *def,
                                   GError **error)
{
    g_autofree char *path = store_path(cfg, NULL, def->name);
    g_autofree char *xml = network_def_format(def);
    return vessel_file_write_atomic(path, xml, -1, 0600, error);
}

gboolean network_store_delete_config(const DaemonConfig *cfg, const char *name,
                                     GError **error)
{
    g_autofree char *link = store_path(cfg, "autostart", name);
    g_autofree char *path = store_path(cfg, NULL, name);
    return vessel_file_remove_durable(link, error) &&
           vessel_file_remove_durable(path, error);
}

gboolean network_store_set_autostart(const DaemonConfig *cfg, const char *name,
                                     gboolean on, GError **error)
{
    g_autofree char *link = store_path(cfg, "autostart", name);
    if (!on)
        return vessel_file_remove_durable(link, error);
    g_autofree char *target = g_strconcat("../", name, ".xml", NULL);
    g_autofree char *tmp = g_strconcat(link, ".tmp", NULL);
    unlink(tmp);
    if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
        int err = errno;
        unlink(tmp);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot create autostart link %s: %s"), link, g_strerror(err));
        return FALSE;
    }
    g_autofree char *dir = g_path_get_dirname(link);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return TRUE;
}

gboolean network_store_get_autostart(const DaemonConfig *cfg, const char *name)
{
    g_autofree char *link = store_path(cfg, "autostart", name);
    return g_file_test(link, G_FILE_TEST_EXISTS);
}

GPtrArray *network_store_load_configs(const DaemonConfig *cfg)
{
    g_autofree char *dir = g_build_filename(cfg->config_dir, "networks", NULL);
    GPtrArray *defs = g_ptr_array_new_with_free_func((GDestroyNotify)network_def_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;
    while (d && (ent = g_dir_read_name(d))) {
        if (!g_str_has_suffix(ent, ".xml") || ent[0] == '.')
            continue;
        g_autofree char *path = g_build_filename(dir, ent, NULL);
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
