/* network_obj.h - the daemon's view of virtual networks and their store.
 *
 * Same locking rule as domain_obj.h: one list mutex guards the list and
 * every NetworkObj field.  Files: CONFIG/networks/NAME.xml and
 * CONFIG/networks/autostart/NAME.xml (symlink), RUN/networks/NAME.xml
 * while active. */
#ifndef VESSEL_NETWORK_OBJ_H
#define VESSEL_NETWORK_OBJ_H

#include <glib.h>

#include "daemon_config.h"
#include "obj_registry.h"
#include "xml/network_conf.h"

typedef struct {
    gint ref;
    NetworkDef *def;
    char *path;
    gboolean persistent;
    gboolean autostart;
    gboolean active;
    gboolean busy;           /* being started or stopped */
    gboolean removed;
    char *live_bridge;       /* bridge in use while active */
} NetworkObj;

typedef struct {
    ObjRegistry reg;         /* uuid -> NetworkObj; reg.lock is THE lock */
} NetworkList;

#define NETWORK_PATH_PREFIX "/org/vessel/Vessel1/network"

NetworkList *network_list_new(void);
void network_list_free(NetworkList *list);
void network_list_lock(NetworkList *list);
void network_list_unlock(NetworkList *list);
NetworkObj *network_list_find_uuid(NetworkList *list, const char *uuid);
NetworkObj *network_list_find_name(NetworkList *list, const char *name);
NetworkObj *network_list_find_path_node(NetworkList *list, const char *node);
GPtrArray *network_list_snapshot(NetworkList *list);
NetworkObj *network_list_add(NetworkList *list, NetworkDef *def);
void network_list_remove(NetworkList *list, NetworkObj *net);

NetworkObj *network_obj_ref(NetworkObj *net);
void network_obj_unref(NetworkObj *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetworkObj, network_obj_unref)
char *network_obj_path_for_uuid(const char *uuid);

/* Store */
gboolean network_store_save_config(const DaemonConfig *cfg, const NetworkDef *def,
                                   GError **error);
gboolean network_store_delete_config(const DaemonConfig *cfg, const char *name,
                                     GError **error);
gboolean network_store_set_autostart(const DaemonConfig *cfg, const char *name,
                                     gboolean on, GError **error);
gboolean network_store_get_autostart(const DaemonConfig *cfg, const char *name);
GPtrArray *network_store_load_configs(const DaemonConfig *cfg);

#endif
