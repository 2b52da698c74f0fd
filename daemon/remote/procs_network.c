/* procs_network.c - network procedures, over the daemon's network driver
 * (network_driver.h) like the D-Bus Network1 methods. */
#include "config.h"

#include <string.h>

#include "daemon_error.h"
#include "i18n.h"
#include "netbridge/netbridge.h"
#include "network_driver.h"
#include "remote_client.h"
#include "remote_error.h"
#include "remote_procs.h"

/* List locked. */
static void fill_ref(RemoteNetworkRef *out, const NetworkObj *net)
{
    out->name = g_strdup(net->def->name);
    remote_uuid_parse(net->def->uuid, out->uuid);
}

static NetworkObj *get_network(RemoteCall *call, const RemoteNetworkRef *ref, GError **error)
{
    char uuid[37];
    remote_uuid_format(ref->uuid, uuid);
    NetworkList *list = call->daemon->networks;
    network_list_lock(list);
    NetworkObj *net = network_list_find_uuid(list, uuid);
    if (net)
        network_obj_ref(net);
    network_list_unlock(list);
    if (!net)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network not found: no network with matching uuid '%s' (%s)"), uuid,
                    ref->name);
    return net;
}

#define NETWORK_OR_FAIL(ref)                                         \
    g_autoptr(NetworkObj) net = get_network(call, (ref), error);    \
    if (!net)                                                        \
        return FALSE

static gboolean ref_from_path(RemoteCall *call, char *path_in, RemoteNetworkRef *out,
                              GError **error)
{
    g_autofree char *path = path_in;
    if (!path)
        return FALSE;
    NetworkList *list = call->daemon->networks;
    network_list_lock(list);
    NetworkObj *net = network_list_find_path_node(list, strrchr(path, '/') + 1);
    if (net)
        fill_ref(out, net);
    network_list_unlock(list);
    if (!net)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network not found: it ended before the reply"));
    return net != NULL;
}

/* ------------------------------------------------------------ lists */

gboolean remote_connect_list_all_networks(RemoteCall *call, void *args, void *ret,
                                          GError **error)
{
    RemoteListAllArgs *a = args;
    RemoteNetworkListRet *r = ret;
    if (!remote_check_flags(a->flags, NETWORK_LIST_ALL_FLAGS, error))
        return FALSE;
    network_list_lock(call->daemon->networks);
    g_autoptr(GPtrArray) nets = network_driver_list_locked(call->daemon, a->flags);
    if (a->need_results) {
        r->n = nets->len;
        r->nets = g_new0(RemoteNetworkRef, MAX(nets->len, 1));
        for (guint i = 0; i < nets->len; i++)
            fill_ref(&r->nets[i], nets->pdata[i]);
    }
    r->ret = nets->len;
    network_list_unlock(call->daemon->networks);
    return TRUE;
}

static gboolean count(RemoteCall *call, guint flags, void *ret)
{
    network_list_lock(call->daemon->networks);
    g_autoptr(GPtrArray) nets = network_driver_list_locked(call->daemon, flags);
    network_list_unlock(call->daemon->networks);
    ((RemoteIntMsg *)ret)->value = (gint32)nets->len;
    return TRUE;
}

gboolean remote_connect_num_of_networks(RemoteCall *call, void *args, void *ret,
                                        GError **error)
{
    return count(call, NETWORK_LIST_ACTIVE, ret);
}

gboolean remote_connect_num_of_defined_networks(RemoteCall *call, void *args, void *ret,
                                                GError **error)
{
    return count(call, NETWORK_LIST_INACTIVE, ret);
}

static gboolean names(RemoteCall *call, guint flags, gint32 max, void *ret, GError **error)
{
    RemoteNameListRet *r = ret;
    if (max < 0 || (guint)max > REMOTE_NETWORK_LIST_MAX) {
        remote_error_set(error, VIR_ERR_RPC, _("too many names requested (%d > %u)"), max,
                         REMOTE_NETWORK_LIST_MAX);
        return FALSE;
    }
    network_list_lock(call->daemon->networks);
    g_autoptr(GPtrArray) nets = network_driver_list_locked(call->daemon, flags);
    r->n = MIN(nets->len, (guint)max);
    r->names = g_new0(char *, MAX(r->n, 1));
    for (guint i = 0; i < r->n; i++)
        r->names[i] = g_strdup(((NetworkObj *)nets->pdata[i])->def->name);
    network_list_unlock(call->daemon->networks);
    return TRUE;
}

gboolean remote_connect_list_networks(RemoteCall *call, void *args, void *ret, GError **error)
{
    return names(call, NETWORK_LIST_ACTIVE, ((RemoteListArgs *)args)->max, ret, error);
}

gboolean remote_connect_list_defined_networks(RemoteCall *call, void *args, void *ret,
                                              GError **error)
{
    return names(call, NETWORK_LIST_INACTIVE, ((RemoteListArgs *)args)->max, ret, error);
}

/* ------------------------------------------------------------ lookups */

static gboolean lookup_done(RemoteCall *call, NetworkObj *net, void *ret, GError **error,
                            const char *what)
{
    if (net)
        fill_ref(&((RemoteNetworkMsg *)ret)->net, net);
    network_list_unlock(call->daemon->networks);
    if (!net)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network not found: no network with matching %s"), what);
    return net != NULL;
}

gboolean remote_network_lookup_by_name(RemoteCall *call, void *args, void *ret, GError **error)
{
    const char *name = ((RemoteStringMsg *)args)->value;
    g_autofree char *what = g_strdup_printf(_("name '%s'"), name);
    network_list_lock(call->daemon->networks);
    return lookup_done(call, network_list_find_name(call->daemon->networks, name), ret, error,
                       what);
}

gboolean remote_network_lookup_by_uuid(RemoteCall *call, void *args, void *ret, GError **error)
{
    char uuid[37];
    remote_uuid_format(((RemoteUuidArgs *)args)->uuid, uuid);
    g_autofree char *what = g_strdup_printf(_("uuid '%s'"), uuid);
    network_list_lock(call->daemon->networks);
    return lookup_done(call, network_list_find_uuid(call->daemon->networks, uuid), ret, error,
                       what);
}

/* ------------------------------------------------------------ lifecycle */

gboolean remote_network_define_xml(RemoteCall *call, void *args, void *ret, GError **error)
{
    const char *xml = ((RemoteStringMsg *)args)->value;
    return ref_from_path(call, network_driver_define(call->daemon, xml, error),
                         &((RemoteNetworkMsg *)ret)->net, error);
}

gboolean remote_network_create_xml(RemoteCall *call, void *args, void *ret, GError **error)
{
    const char *xml = ((RemoteStringMsg *)args)->value;
    return ref_from_path(call, network_driver_create_xml(call->daemon, xml, error),
                         &((RemoteNetworkMsg *)ret)->net, error);
}

gboolean remote_network_create(RemoteCall *call, void *args, void *ret, GError **error)
{
    NETWORK_OR_FAIL(&((RemoteNetworkMsg *)args)->net);
    return network_driver_create(call->daemon, net, error);
}

gboolean remote_network_destroy(RemoteCall *call, void *args, void *ret, GError **error)
{
    NETWORK_OR_FAIL(&((RemoteNetworkMsg *)args)->net);
    return network_driver_destroy(call->daemon, net, error);
}

gboolean remote_network_undefine(RemoteCall *call, void *args, void *ret, GError **error)
{
    NETWORK_OR_FAIL(&((RemoteNetworkMsg *)args)->net);
    return network_driver_undefine(call->daemon, net, error);
}

gboolean remote_network_set_autostart(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteNetworkIntArgs *a = args;
    NETWORK_OR_FAIL(&a->net);
    return network_driver_set_autostart(call->daemon, net, a->value != 0, error);
}

/* ------------------------------------------------------------ queries */

gboolean remote_network_get_xml_desc(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteNetworkFlagsArgs *a = args;
    NETWORK_OR_FAIL(&a->net);
    char *xml = network_driver_get_xml(call->daemon, net, a->flags, error);
    ((RemoteStringMsg *)ret)->value = xml;
    return xml != NULL;
}

#define WITH_NET(expr)                              \
    network_list_lock(call->daemon->networks);      \
    expr;                                           \
    network_list_unlock(call->daemon->networks)

gboolean remote_network_get_autostart(RemoteCall *call, void *args, void *ret, GError **error)
{
    NETWORK_OR_FAIL(&((RemoteNetworkMsg *)args)->net);
    WITH_NET(((RemoteIntMsg *)ret)->value = net->autostart);
    return TRUE;
}

gboolean remote_network_is_active(RemoteCall *call, void *args, void *ret, GError **error)
{
    NETWORK_OR_FAIL(&((RemoteNetworkMsg *)args)->net);
    WITH_NET(((RemoteIntMsg *)ret)->value = net->active);
    return TRUE;
}

gboolean remote_network_is_persistent(RemoteCall *call, void *args, void *ret, GError **error)
{
    NETWORK_OR_FAIL(&((RemoteNetworkMsg *)args)->net);
    WITH_NET(((RemoteIntMsg *)ret)->value = net->persistent);
    return TRUE;
}

gboolean remote_network_get_bridge_name(RemoteCall *call, void *args, void *ret,
                                        GError **error)
{
    NETWORK_OR_FAIL(&((RemoteNetworkMsg *)args)->net);
    char *bridge;
    WITH_NET(bridge = g_strdup(net->live_bridge ? net->live_bridge : net->def->bridge));
    if (!bridge) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("network '%s' does not have a bridge name yet (it is not running)"),
                    ((RemoteNetworkMsg *)args)->net.name);
        return FALSE;
    }
    ((RemoteStringMsg *)ret)->value = bridge;
    return TRUE;
}

static char **opt_dup(const char *s)
{
    if (!s)
        return NULL;
    char **p = g_new(char *, 1);
    *p = g_strdup(s);
    return p;
}

gboolean remote_network_get_dhcp_leases(RemoteCall *call, void *args, void *ret,
                                        GError **error)
{
    RemoteDhcpLeasesArgs *a = args;
    RemoteDhcpLeasesRet *r = ret;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    NETWORK_OR_FAIL(&a->net);
    g_autoptr(GPtrArray) leases = network_driver_leases(call->daemon, net,
                                                        a->mac ? *a->mac : NULL, error);
    if (!leases)
        return FALSE;
    char *bridge;
    WITH_NET(bridge = g_strdup(net->live_bridge ? net->live_bridge : ""));
    r->ret = leases->len;
    if (a->need_results) {
        r->n = leases->len;
        r->leases = g_new0(RemoteDhcpLease, MAX(leases->len, 1));
        for (guint i = 0; i < leases->len; i++) {
            const NetbridgeLease *l = leases->pdata[i];
            r->leases[i] = (RemoteDhcpLease){
                .iface = g_strdup(bridge),
                .expirytime = l->expiry,
                .type = l->protocol == NETBRIDGE_LEASE_IPV6 ? 1 : 0,
                .mac = opt_dup(l->mac),
                .iaid = opt_dup(l->iaid),
                .ipaddr = g_strdup(l->ip),
                .prefix = l->prefix,
                .hostname = opt_dup(l->hostname),
                .clientid = opt_dup(l->client_id),
            };
        }
    }
    g_free(bridge);
    return TRUE;
}
