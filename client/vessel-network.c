/* vessel-network.c - VesselNetwork: lookup, lifecycle, XML, DHCP leases. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vessel-private.h"

VesselNetwork *vessel_network_new(VesselConnect *conn, const char *path, const char *name,
                                  const char *uuid)
{
    VesselNetwork *net = g_new0(VesselNetwork, 1);

    net->ref = 1;
    net->conn = vessel_connect_ref(conn);
    net->path = g_strdup(path);
    net->name = g_strdup(name);
    net->uuid = g_strdup(uuid);
    return net;
}

VesselNetwork *vessel_network_ref(VesselNetwork *net)
{
    g_atomic_int_inc(&net->ref);
    return net;
}

void vessel_network_unref(VesselNetwork *net)
{
    if (!net || !g_atomic_int_dec_and_test(&net->ref))
        return;
    vessel_connect_unref(net->conn);
    g_free(net->path);
    g_free(net->name);
    g_free(net->uuid);
    g_free(net);
}

VesselNetwork *vessel_network_from_path(VesselConnect *conn, const char *path, GError **error)
{
    g_autoptr(GVariant) name = NULL;
    g_autoptr(GVariant) uuid = NULL;

    name = vessel_property_get(conn, path, VESSEL_IFACE_NETWORK, "Name", G_VARIANT_TYPE_STRING, error);
    if (!name)
        return NULL;
    uuid = vessel_property_get(conn, path, VESSEL_IFACE_NETWORK, "UUID", G_VARIANT_TYPE_STRING, error);
    if (!uuid)
        return NULL;
    return vessel_network_new(conn, path, g_variant_get_string(name, NULL),
                              g_variant_get_string(uuid, NULL));
}

static VesselNetwork *vessel_network_lookup(VesselConnect *conn, const char *method,
                                            GVariant *params, GError **error)
{
    g_autoptr(GVariant) ret = vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER, method,
                                          params, G_VARIANT_TYPE("(o)"), error);
    const char *path;

    if (!ret)
        return NULL;
    g_variant_get(ret, "(&o)", &path);
    return vessel_network_from_path(conn, path, error);
}

GPtrArray *vessel_connect_list_networks(VesselConnect *conn, VesselListFlags flags, GError **error)
{
    g_autoptr(GVariant) ret = NULL;
    g_autoptr(GVariantIter) iter = NULL;
    const char *name, *uuid, *bridge, *path;
    gboolean active, persistent, autostart;
    GPtrArray *list;

    ret = vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER, "ListNetworks",
                      g_variant_new("(u)", (guint32)flags), G_VARIANT_TYPE("(a(ssbbbso))"), error);
    if (!ret)
        return NULL;
    list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_network_unref);
    g_variant_get(ret, "(a(ssbbbso))", &iter);
    while (g_variant_iter_next(iter, "(&s&sbbb&s&o)", &name, &uuid, &active, &persistent,
                               &autostart, &bridge, &path))
        g_ptr_array_add(list, vessel_network_new(conn, path, name, uuid));
    return list;
}

VesselNetwork *vessel_network_lookup_by_name(VesselConnect *conn, const char *name, GError **error)
{
    return vessel_network_lookup(conn, "NetworkLookupByName", g_variant_new("(s)", name), error);
}

VesselNetwork *vessel_network_lookup_by_uuid(VesselConnect *conn, const char *uuid, GError **error)
{
    return vessel_network_lookup(conn, "NetworkLookupByUUID", g_variant_new("(s)", uuid), error);
}

VesselNetwork *vessel_network_define_xml(VesselConnect *conn, const char *xml, GError **error)
{
    return vessel_network_lookup(conn, "NetworkDefineXML", g_variant_new("(s)", xml), error);
}

VesselNetwork *vessel_network_create_xml(VesselConnect *conn, const char *xml, GError **error)
{
    return vessel_network_lookup(conn, "NetworkCreateXML", g_variant_new("(s)", xml), error);
}

const char *vessel_network_get_name(VesselNetwork *net)
{
    return net->name;
}

const char *vessel_network_get_uuid(VesselNetwork *net)
{
    return net->uuid;
}

static GVariant *vessel_network_prop(VesselNetwork *net, const char *prop, const GVariantType *t,
                                     GError **error)
{
    return vessel_property_get(net->conn, net->path, VESSEL_IFACE_NETWORK, prop, t, error);
}

static gboolean vessel_network_get_bool(VesselNetwork *net, const char *prop, gboolean *out,
                                        GError **error)
{
    g_autoptr(GVariant) v = vessel_network_prop(net, prop, G_VARIANT_TYPE_BOOLEAN, error);

    if (!v)
        return FALSE;
    *out = g_variant_get_boolean(v);
    return TRUE;
}

gboolean vessel_network_is_active(VesselNetwork *net, gboolean *active, GError **error)
{
    return vessel_network_get_bool(net, "Active", active, error);
}

gboolean vessel_network_is_persistent(VesselNetwork *net, gboolean *persistent, GError **error)
{
    return vessel_network_get_bool(net, "Persistent", persistent, error);
}

gboolean vessel_network_get_autostart(VesselNetwork *net, gboolean *autostart, GError **error)
{
    return vessel_network_get_bool(net, "Autostart", autostart, error);
}

char *vessel_network_get_bridge_name(VesselNetwork *net, GError **error)
{
    g_autoptr(GVariant) v = vessel_network_prop(net, "BridgeName", G_VARIANT_TYPE_STRING, error);

    return v ? g_variant_dup_string(v, NULL) : NULL;
}

static gboolean vessel_network_void(VesselNetwork *net, const char *method, GVariant *params,
                                    GError **error)
{
    g_autoptr(GVariant) ret = vessel_call(net->conn, net->path, VESSEL_IFACE_NETWORK, method,
                                          params, NULL, error);
    return ret != NULL;
}

gboolean vessel_network_create(VesselNetwork *net, GError **error)
{
    return vessel_network_void(net, "Create", NULL, error);
}

gboolean vessel_network_destroy(VesselNetwork *net, GError **error)
{
    return vessel_network_void(net, "Destroy", NULL, error);
}

gboolean vessel_network_undefine(VesselNetwork *net, GError **error)
{
    return vessel_network_void(net, "Undefine", NULL, error);
}

gboolean vessel_network_set_autostart(VesselNetwork *net, gboolean autostart, GError **error)
{
    return vessel_network_void(net, "SetAutostart", g_variant_new("(b)", autostart), error);
}

char *vessel_network_get_xml_desc(VesselNetwork *net, guint flags, GError **error)
{
    g_autoptr(GVariant) ret = vessel_call(net->conn, net->path, VESSEL_IFACE_NETWORK, "GetXMLDesc",
                                          g_variant_new("(u)", (guint32)flags),
                                          G_VARIANT_TYPE("(s)"), error);
    char *xml = NULL;

    if (ret)
        g_variant_get(ret, "(s)", &xml);
    return xml;
}

void vessel_dhcp_lease_free(VesselDHCPLease *lease)
{
    if (!lease)
        return;
    g_free(lease->mac);
    g_free(lease->ipaddr);
    g_free(lease->hostname);
    g_free(lease->client_id);
    g_free(lease);
}

GPtrArray *vessel_network_get_dhcp_leases(VesselNetwork *net, const char *mac, GError **error)
{
    g_autoptr(GVariant) ret = NULL;
    g_autoptr(GVariantIter) iter = NULL;
    VesselDHCPLease l = { 0 };
    GPtrArray *list;

    ret = vessel_call(net->conn, net->path, VESSEL_IFACE_NETWORK, "GetDHCPLeases",
                      g_variant_new("(s)", mac ? mac : ""), G_VARIANT_TYPE("(a(xsisuss))"), error);
    if (!ret)
        return NULL;
    list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_dhcp_lease_free);
    g_variant_get(ret, "(a(xsisuss))", &iter);
    while (g_variant_iter_next(iter, "(xsisuss)", &l.expiry_time, &l.mac, &l.type, &l.ipaddr,
                               &l.prefix, &l.hostname, &l.client_id))
        g_ptr_array_add(list, g_memdup2(&l, sizeof(l)));
    return list;
}
