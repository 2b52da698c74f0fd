/* methods_network.c - org.vessel.Network1: method table and properties. */
#include "config.h"

#include "daemon_dbus.h"
#include "daemon_error.h"
#include "i18n.h"
#include "netbridge/netbridge.h"
#include "network_driver.h"

static NetworkObj *call_network(Daemon *d, const char *node, GError **error)
{
    network_list_lock(d->networks);
    NetworkObj *net = network_list_find_path_node(d->networks, node);
    if (net)
        network_obj_ref(net);
    network_list_unlock(d->networks);
    if (!net)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network not found: no network with matching uuid '%s'"),
                    node ? node : "");
    return net;
}

#define NETWORK_OR_FAIL(call, error)                                              \
    g_autoptr(NetworkObj) net = call_network((call)->daemon, (call)->node, error); \
    if (!net)                                                                     \
        return NULL

static GVariant *m_create(DaemonCall *call, GError **error)
{
    NETWORK_OR_FAIL(call, error);
    network_driver_create(call->daemon, net, error);
    return NULL;
}

static GVariant *m_destroy(DaemonCall *call, GError **error)
{
    NETWORK_OR_FAIL(call, error);
    network_driver_destroy(call->daemon, net, error);
    return NULL;
}

static GVariant *m_undefine(DaemonCall *call, GError **error)
{
    NETWORK_OR_FAIL(call, error);
    network_driver_undefine(call->daemon, net, error);
    return NULL;
}

static GVariant *m_get_xml(DaemonCall *call, GError **error)
{
    NETWORK_OR_FAIL(call, error);
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    g_autofree char *xml = network_driver_get_xml(call->daemon, net, flags, error);
    return xml ? g_variant_new("(s)", xml) : NULL;
}

static GVariant *m_set_autostart(DaemonCall *call, GError **error)
{
    NETWORK_OR_FAIL(call, error);
    gboolean on;
    g_variant_get(call->params, "(b)", &on);
    network_driver_set_autostart(call->daemon, net, on, error);
    return NULL;
}

static GVariant *m_get_leases(DaemonCall *call, GError **error)
{
    NETWORK_OR_FAIL(call, error);
    const char *mac;
    g_variant_get(call->params, "(&s)", &mac);
    g_autoptr(GPtrArray) leases = network_driver_leases(call->daemon, net, mac, error);
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(xsisuss)"));
    for (guint i = 0; i < leases->len; i++) {
        const NetbridgeLease *l = leases->pdata[i];
        g_variant_builder_add(&b, "(xsisuss)", l->expiry, l->mac ? l->mac : "",
                              (gint32)l->protocol, l->ip, l->prefix,
                              l->hostname ? l->hostname : "", l->client_id ? l->client_id : "");
    }
    return g_variant_new("(a(xsisuss))", &b);
}

static const DaemonMethod network_methods[] = {
    { "Create", m_create, TRUE },
    { "Destroy", m_destroy, TRUE },
    { "Undefine", m_undefine, TRUE },
    { "GetXMLDesc", m_get_xml, FALSE },
    { "SetAutostart", m_set_autostart, TRUE },
    { "GetDHCPLeases", m_get_leases, TRUE },
    { NULL, NULL, FALSE },
};

typedef GVariant *(*NetworkPropFunc)(const NetworkObj *net);

static GVariant *prop_name(const NetworkObj *n) { return g_variant_new_string(n->def->name); }
static GVariant *prop_uuid(const NetworkObj *n) { return g_variant_new_string(n->def->uuid); }
static GVariant *prop_active(const NetworkObj *n) { return g_variant_new_boolean(n->active); }
static GVariant *prop_persistent(const NetworkObj *n) { return g_variant_new_boolean(n->persistent); }
static GVariant *prop_autostart(const NetworkObj *n) { return g_variant_new_boolean(n->autostart); }
static GVariant *prop_bridge(const NetworkObj *n)
{
    const char *b = n->live_bridge ? n->live_bridge : n->def->bridge;
    return g_variant_new_string(b ? b : "");
}

static const struct {
    const char *name;
    NetworkPropFunc get;
} network_props[] = {
    { "Name", prop_name },
    { "UUID", prop_uuid },
    { "Active", prop_active },
    { "Persistent", prop_persistent },
    { "Autostart", prop_autostart },
    { "BridgeName", prop_bridge },
};

static GVariant *network_get_property(Daemon *d, const char *node, const char *name,
                                      GError **error)
{
    GVariant *v = NULL;
    network_list_lock(d->networks);
    NetworkObj *net = network_list_find_path_node(d->networks, node);
    if (!net) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network not found: no network with matching uuid '%s'"),
                    node ? node : "");
    } else {
        for (gsize i = 0; i < G_N_ELEMENTS(network_props) && !v; i++)
            if (g_str_equal(name, network_props[i].name))
                v = network_props[i].get(net);
        if (!v)
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                        _("Unknown property %s"), name);
    }
    network_list_unlock(d->networks);
    return v;
}

const DaemonInterfaceImpl daemon_network_impl = {
    "org.vessel.Network1",
    network_methods,
    network_get_property,
};
