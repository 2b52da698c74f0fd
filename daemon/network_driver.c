/* network_driver.c - network definitions (see network_driver.h). */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include "daemon_error.h"
#include "daemon_events.h"
#include "domain_state.h"
#include "fileutil.h"
#include "i18n.h"
#include "netbridge/netbridge.h"
#include "network_driver.h"

/* List locked. */
static void emit(Daemon *d, NetworkObj *net, int event)
{
    daemon_events_queue_network(d->events, net, event, 0);
}

char *network_driver_define(Daemon *d, const char *xml, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(NetworkDef) def = network_def_parse(xml, NETWORK_PARSE_DEFAULT, &err);
    if (!def) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML, err->message);
        return NULL;
    }
    if (strchr(def->name, '/') || def->name[0] == '.') {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML,
                    _("Network name '%s' cannot be used as a file name"), def->name);
        return NULL;
    }
    char *path = NULL;
    network_list_lock(d->networks);
    NetworkObj *by_name = network_list_find_name(d->networks, def->name);
    if (by_name && !strstr(xml, "<uuid"))
        memcpy(def->uuid, by_name->def->uuid, sizeof(def->uuid));
    NetworkObj *by_uuid = network_list_find_uuid(d->networks, def->uuid);
    if (by_name && by_uuid != by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Network '%s' already exists with UUID %s"), def->name,
                    by_name->def->uuid);
    } else if (by_uuid && !by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("UUID %s is already used by network '%s'"), def->uuid,
                    by_uuid->def->name);
    } else if (network_store_save_config(d->config, def, error)) {
        NetworkObj *net = by_name;
        if (net) {
            network_def_free(net->def);
            net->def = g_steal_pointer(&def);
        } else {
            network_store_set_autostart(d->config, def->name, FALSE, NULL);
            net = network_list_add(d->networks, g_steal_pointer(&def));
        }
        net->persistent = TRUE;
        emit(d, net, NETWORK_EVENT_DEFINED);
        path = g_strdup(net->path);
    }
    network_list_unlock(d->networks);
    return path;
}

gboolean network_driver_undefine(Daemon *d, NetworkObj *net, GError **error)
{
    gboolean ok = FALSE;
    network_list_lock(d->networks);
    if (net->removed || !net->persistent)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network '%s' is not defined"), net->def->name);
    else if (network_store_delete_config(d->config, net->def->name, error)) {
        net->persistent = FALSE;
        net->autostart = FALSE;
        emit(d, net, NETWORK_EVENT_UNDEFINED);
        if (!net->active)
            network_list_remove(d->networks, net);
        ok = TRUE;
    }
    network_list_unlock(d->networks);
    return ok;
}

gboolean network_driver_set_autostart(Daemon *d, NetworkObj *net, gboolean on,
                                      GError **error)
{
    gboolean ok = TRUE;
    network_list_lock(d->networks);
    if (!net->persistent) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Cannot set autostart for transient network '%s'"), net->def->name);
        ok = FALSE;
    } else if (net->autostart != on) {
        ok = network_store_set_autostart(d->config, net->def->name, on, error);
        if (ok)
            net->autostart = on;
    }
    network_list_unlock(d->networks);
    return ok;
}

/* ------------------------------------------------------------ activation */

static char *status_path(Daemon *d, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    return g_build_filename(d->config->run_dir, "networks", file, NULL);
}

/* Bridge names of the other defined networks, so a picked name does not
 * collide with one of them starting later (list locked). */
static GPtrArray *reserved_bridges(Daemon *d, const NetworkObj *self)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) snap = network_list_snapshot(d->networks);
    for (guint i = 0; i < snap->len; i++) {
        NetworkObj *n = snap->pdata[i];
        if (n != self && n->def->bridge)
            g_ptr_array_add(names, g_strdup(n->def->bridge));
    }
    g_ptr_array_add(names, NULL);
    return names;
}

/* The netbridge view of @def with @bridge (list locked). */
static NetbridgeNetConfig *net_config(Daemon *d, const NetworkDef *def, const char *bridge)
{
    static const NetbridgeForwardMode modes[NETWORK_FORWARD_LAST] = {
        [NETWORK_FORWARD_NONE] = NETBRIDGE_FORWARD_ISOLATED,
        [NETWORK_FORWARD_NAT] = NETBRIDGE_FORWARD_NAT,
        [NETWORK_FORWARD_ROUTE] = NETBRIDGE_FORWARD_ROUTE,
    };
    NetbridgeNetConfig *cfg = netbridge_net_config_new();
    char buf[INET_ADDRSTRLEN];
    cfg->name = g_strdup(def->name);
    cfg->bridge = g_strdup(bridge);
    cfg->mac = g_strdup(def->mac);
    cfg->stp = def->stp;
    cfg->delay = def->delay;
    cfg->forward = modes[def->forward];
    cfg->forward_dev = g_strdup(def->forward_dev);
    if (def->has_ip) {
        cfg->ipv4_address = g_strdup(inet_ntop(AF_INET, &def->address, buf, sizeof(buf)));
        cfg->ipv4_prefix = def->prefix;
    }
    if (def->has_dhcp_range) {
        cfg->dhcp_start = g_strdup(inet_ntop(AF_INET, &def->dhcp_start, buf, sizeof(buf)));
        cfg->dhcp_end = g_strdup(inet_ntop(AF_INET, &def->dhcp_end, buf, sizeof(buf)));
    }
    for (guint i = 0; i < def->n_hosts; i++)
        netbridge_net_config_add_host(cfg, def->hosts[i]->mac,
                                      inet_ntop(AF_INET, &def->hosts[i]->ip, buf, sizeof(buf)),
                                      def->hosts[i]->name);
    cfg->state_dir = g_build_filename(d->config->run_dir, "networks", NULL);
    return cfg;
}

static void save_status(Daemon *d, NetworkObj *net)
{
    g_autoptr(NetworkDef) live = network_def_copy(net->def);
    g_free(live->bridge);
    live->bridge = g_strdup(net->live_bridge);
    g_autofree char *xml = network_def_format(live);
    g_autofree char *path = status_path(d, net->def->name);
    g_autoptr(GError) err = NULL;
    if (!vessel_file_write_atomic(path, xml, -1, 0600, &err))
        g_warning("%s", err->message);
}

static gboolean net_error(GError **error, GError *nberr)
{
    int code = nberr->domain == NETBRIDGE_ERROR && nberr->code == NETBRIDGE_ERROR_EXISTS
                   ? DAEMON_ERROR_OPERATION_INVALID
                   : DAEMON_ERROR_INTERNAL;
    g_set_error_literal(error, DAEMON_ERROR, code, nberr->message);
    return FALSE;
}

gboolean network_driver_create(Daemon *d, NetworkObj *net, GError **error)
{
    network_list_lock(d->networks);
    if (net->active || net->busy) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Network '%s' is already active"), net->def->name);
        network_list_unlock(d->networks);
        return FALSE;
    }
    g_autofree char *bridge = g_strdup(net->def->bridge);
    if (!bridge) {
        g_autoptr(GPtrArray) reserved = reserved_bridges(d, net);
        bridge = netbridge_bridge_name_pick((const char *const *)reserved->pdata, error);
        if (!bridge) {
            network_list_unlock(d->networks);
            return FALSE;
        }
    }
    g_autoptr(NetbridgeNetConfig) cfg = net_config(d, net->def, bridge);
    net->busy = TRUE;
    network_list_unlock(d->networks);

    g_autoptr(GError) nberr = NULL;
    gboolean ok = netbridge_network_start(cfg, &nberr);

    network_list_lock(d->networks);
    net->busy = FALSE;
    if (ok) {
        net->active = TRUE;
        g_free(net->live_bridge);
        net->live_bridge = g_steal_pointer(&bridge);
        save_status(d, net);
        emit(d, net, NETWORK_EVENT_STARTED);
    }
    network_list_unlock(d->networks);
    return ok || net_error(error, nberr);
}

gboolean network_driver_destroy(Daemon *d, NetworkObj *net, GError **error)
{
    network_list_lock(d->networks);
    if (!net->active || net->busy) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Network '%s' is not active"), net->def->name);
        network_list_unlock(d->networks);
        return FALSE;
    }
    g_autoptr(NetbridgeNetConfig) cfg = net_config(d, net->def, net->live_bridge);
    net->busy = TRUE;
    network_list_unlock(d->networks);

    g_autoptr(GError) nberr = NULL;
    gboolean ok = netbridge_network_stop(cfg, &nberr);

    network_list_lock(d->networks);
    net->busy = FALSE;
    if (ok) {
        net->active = FALSE;
        g_clear_pointer(&net->live_bridge, g_free);
        g_autofree char *path = status_path(d, net->def->name);
        vessel_file_remove_durable(path, NULL);
        emit(d, net, NETWORK_EVENT_STOPPED);
        if (!net->persistent)
            network_list_remove(d->networks, net);
    }
    network_list_unlock(d->networks);
    return ok || net_error(error, nberr);
}

char *network_driver_create_xml(Daemon *d, const char *xml, GError **error)
{
    g_autoptr(GError) err = NULL;
    NetworkDef *def = network_def_parse(xml, NETWORK_PARSE_DEFAULT, &err);
    if (!def) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML, err->message);
        return NULL;
    }
    network_list_lock(d->networks);
    if (network_list_find_name(d->networks, def->name) ||
        network_list_find_uuid(d->networks, def->uuid)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Network '%s' already exists"), def->name);
        network_list_unlock(d->networks);
        network_def_free(def);
        return NULL;
    }
    g_autoptr(NetworkObj) net = network_obj_ref(network_list_add(d->networks, def));
    network_list_unlock(d->networks);
    if (!network_driver_create(d, net, error)) {
        network_list_lock(d->networks);
        if (!net->removed && !net->active)
            network_list_remove(d->networks, net);
        network_list_unlock(d->networks);
        return NULL;
    }
    return g_strdup(net->path);
}

GPtrArray *network_driver_leases(Daemon *d, NetworkObj *net, const char *mac, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)netbridge_lease_free);
    network_list_lock(d->networks);
    g_autoptr(NetbridgeNetConfig) cfg =
        net->active ? net_config(d, net->def, net->live_bridge) : NULL;
    network_list_unlock(d->networks);
    if (!cfg)
        return out;
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) leases = netbridge_leases_read(cfg, &err);
    if (!leases) {
        g_debug("leases of %s: %s", cfg->name, err->message);
        return out;
    }
    for (guint i = 0; i < leases->len; i++) {
        NetbridgeLease *l = leases->pdata[i];
        if (mac && *mac && g_ascii_strcasecmp(mac, l->mac ? l->mac : "") != 0)
            continue;
        g_ptr_array_add(out, g_steal_pointer(&leases->pdata[i]));
    }
    return out;
}

GPtrArray *network_driver_list_locked(Daemon *d, guint flags)
{
    GPtrArray *snap = network_list_snapshot(d->networks);
    GPtrArray *out = g_ptr_array_new_full(snap->len, (GDestroyNotify)network_obj_unref);
    for (guint i = 0; i < snap->len; i++) {
        NetworkObj *net = snap->pdata[i];
        if (obj_registry_flag_pair(flags, NETWORK_LIST_ACTIVE, NETWORK_LIST_INACTIVE,
                                   net->active) &&
            obj_registry_flag_pair(flags, NETWORK_LIST_PERSISTENT, NETWORK_LIST_TRANSIENT,
                                   net->persistent) &&
            obj_registry_flag_pair(flags, NETWORK_LIST_AUTOSTART, NETWORK_LIST_NO_AUTOSTART,
                                   net->autostart))
            g_ptr_array_add(out, network_obj_ref(net));
    }
    g_ptr_array_unref(snap);
    return out;
}

char *network_driver_get_xml(Daemon *d, NetworkObj *net, guint flags, GError **error)
{
    if (flags & ~NETWORK_XML_INACTIVE) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Unsupported flags 0x%x"), flags & ~NETWORK_XML_INACTIVE);
        return NULL;
    }
    network_list_lock(d->networks);
    char *xml = network_def_format(net->def);
    network_list_unlock(d->networks);
    return xml;
}

/* After a daemon restart: networks with a status file should be running;
 * make them complete again (netbridge_network_ensure). */
static void reattach_networks(Daemon *d)
{
    g_autofree char *dir = g_build_filename(d->config->run_dir, "networks", NULL);
    g_autoptr(GDir) gd = g_dir_open(dir, 0, NULL);
    const char *ent;
    while (gd && (ent = g_dir_read_name(gd))) {
        if (!g_str_has_suffix(ent, ".xml"))
            continue;
        g_autofree char *path = g_build_filename(dir, ent, NULL);
        g_autoptr(GError) err = NULL;
        g_autoptr(NetworkDef) live = network_def_parse_file(path, NETWORK_PARSE_DEFAULT, &err);
        if (!live || !live->bridge) {
            g_warning(_("Removing unusable network status %s"), path);
            unlink(path);
            continue;
        }
        NetworkObj *net = network_list_find_uuid(d->networks, live->uuid);
        if (!net) {
            net = network_list_add(d->networks, network_def_copy(live));
            net->persistent = FALSE;
        }
        g_autoptr(NetbridgeNetConfig) cfg = net_config(d, net->def, live->bridge);
        if (!netbridge_network_ensure(cfg, NULL, &err)) {
            g_warning(_("Network '%s' could not be restored: %s"), live->name, err->message);
            unlink(path);
            if (!net->persistent)
                network_list_remove(d->networks, net);
            continue;
        }
        net->active = TRUE;
        net->live_bridge = g_strdup(live->bridge);
    }
}

void network_driver_autostart(Daemon *d)
{
    network_list_lock(d->networks);
    g_autoptr(GPtrArray) snap = network_list_snapshot(d->networks);
    network_list_unlock(d->networks);
    for (guint i = 0; i < snap->len; i++) {
        NetworkObj *net = snap->pdata[i];
        network_list_lock(d->networks);
        gboolean want = net->autostart && !net->active && !net->removed;
        network_list_unlock(d->networks);
        g_autoptr(GError) err = NULL;
        if (want && !network_driver_create(d, net, &err))
            g_warning(_("Autostart of network '%s' failed: %s"), net->def->name, err->message);
    }
}

/* libvirt-like "default" network, defined once per installation (marker
 * in the state dir, so an undefined default stays undefined). */
static void define_default_network(Daemon *d)
{
    g_autofree char *marker = g_build_filename(d->config->state_dir, "default-network", NULL);
    if (g_file_test(marker, G_FILE_TEST_EXISTS) ||
        network_list_find_name(d->networks, NETBRIDGE_DEFAULT_NET_NAME))
        return;
    g_autofree char *xml = g_strdup_printf(
        "<network>\n  <name>%s</name>\n  <forward mode='nat'/>\n  <bridge name='%s'/>\n"
        "  <ip address='%s' prefix='%d'>\n    <dhcp>\n"
        "      <range start='%s' end='%s'/>\n    </dhcp>\n  </ip>\n</network>\n",
        NETBRIDGE_DEFAULT_NET_NAME, NETBRIDGE_DEFAULT_NET_BRIDGE, NETBRIDGE_DEFAULT_NET_ADDRESS,
        NETBRIDGE_DEFAULT_NET_PREFIX, NETBRIDGE_DEFAULT_NET_DHCP_START,
        NETBRIDGE_DEFAULT_NET_DHCP_END);
    g_autoptr(GError) err = NULL;
    g_autoptr(NetworkDef) def = network_def_parse(xml, NETWORK_PARSE_DEFAULT, &err);
    if (!def || !network_store_save_config(d->config, def, &err) ||
        !network_store_set_autostart(d->config, def->name, TRUE, &err)) {
        g_warning(_("Cannot define the default network: %s"), err->message);
        return;
    }
    NetworkObj *net = network_list_add(d->networks, g_steal_pointer(&def));
    net->persistent = TRUE;
    net->autostart = TRUE;
    if (!vessel_file_write_atomic(marker, "", 0, 0644, &err))
        g_warning("%s", err->message);
}

void network_driver_load(Daemon *d)
{
    g_autoptr(GPtrArray) defs = network_store_load_configs(d->config);
    network_list_lock(d->networks);
    for (guint i = 0; i < defs->len; i++) {
        NetworkDef *def = defs->pdata[i];
        if (network_list_find_name(d->networks, def->name) ||
            network_list_find_uuid(d->networks, def->uuid)) {
            g_warning(_("Ignoring duplicate network definition '%s'"), def->name);
            continue;
        }
        NetworkObj *net = network_list_add(d->networks, g_steal_pointer(&defs->pdata[i]));
        net->persistent = TRUE;
        net->autostart = network_store_get_autostart(d->config, net->def->name);
    }
    if (d->config->default_network)
        define_default_network(d);
    reattach_networks(d);
    network_list_unlock(d->networks);
}
