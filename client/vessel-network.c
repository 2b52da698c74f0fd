/* vessel-network.c - VesselNetwork: lookup, lifecycle, XML, DHCP leases. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vessel-private.h"

VesselNetwork *vessel_network_ref(VesselNetwork *net)
{
    vessel_object_ref(&net->obj);
    return net;
}

void vessel_network_unref(VesselNetwork *net)
{
    vessel_object_unref(net ? &net->obj : NULL);
}

static VesselNetwork *vessel_network_lookup(VesselConnect *conn, const char *method,
                                            GVariant *params, GError **error)
{
    return vessel_object_lookup(sizeof(VesselNetwork), conn, VESSEL_IFACE_NETWORK, method,
                                params, error);
}

void vessel_network_record_free(VesselNetworkRecord *rec)
{
    if (!rec)
        return;
    vessel_network_unref(rec->network);
    g_free(rec->bridge);
    g_free(rec);
}

/**
 * vessel_connect_list_network_records:
 * @conn: a connection
 * @flags: which networks
 * @error: return location for a #GError
 *
 * One ListNetworks call: handles and their state at that moment.
 *
 * Returns: (transfer full): #VesselNetworkRecord sorted by name.
 */
GPtrArray *vessel_connect_list_network_records(VesselConnect *conn, VesselListFlags flags,
                                               GError **error)
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
    list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_network_record_free);
    g_variant_get(ret, "(a(ssbbbso))", &iter);
    while (g_variant_iter_next(iter, "(&s&sbbb&s&o)", &name, &uuid, &active, &persistent,
                               &autostart, &bridge, &path)) {
        VesselNetworkRecord *rec = g_new0(VesselNetworkRecord, 1);

        rec->network = vessel_network_new(conn, path, name, uuid);
        rec->active = active;
        rec->persistent = persistent;
        rec->autostart = autostart;
        rec->bridge = g_strdup(bridge);
        g_ptr_array_add(list, rec);
    }
    return list;
}

GPtrArray *vessel_connect_list_networks(VesselConnect *conn, VesselListFlags flags, GError **error)
{
    g_autoptr(GPtrArray) recs = vessel_connect_list_network_records(conn, flags, error);
    GPtrArray *list;

    if (!recs)
        return NULL;
    list = g_ptr_array_new_full(recs->len, (GDestroyNotify)vessel_network_unref);
    for (guint i = 0; i < recs->len; i++) {
        VesselNetworkRecord *rec = recs->pdata[i];
        g_ptr_array_add(list, g_steal_pointer(&rec->network));
    }
    return list;
}

VesselNetwork *vessel_network_lookup_by_name(VesselConnect *conn, const char *name, GError **error)
{
    if (!vessel_utf8_check(name, "the network name", error))
        return NULL;
    return vessel_network_lookup(conn, "NetworkLookupByName", g_variant_new("(s)", name), error);
}

VesselNetwork *vessel_network_lookup_by_uuid(VesselConnect *conn, const char *uuid, GError **error)
{
    return vessel_network_lookup(conn, "NetworkLookupByUUID", g_variant_new("(s)", uuid), error);
}

VesselNetwork *vessel_network_define_xml(VesselConnect *conn, const char *xml, GError **error)
{
    if (!vessel_utf8_check(xml, "the network XML", error))
        return NULL;
    return vessel_network_lookup(conn, "NetworkDefineXML", g_variant_new("(s)", xml), error);
}

VesselNetwork *vessel_network_create_xml(VesselConnect *conn, const char *xml, GError **error)
{
    if (!vessel_utf8_check(xml, "the network XML", error))
        return NULL;
    return vessel_network_lookup(conn, "NetworkCreateXML", g_variant_new("(s)", xml), error);
}

const char *vessel_network_get_name(VesselNetwork *net)
{
    return net->obj.name;
}

const char *vessel_network_get_uuid(VesselNetwork *net)
{
    return net->obj.uuid;
}

gboolean vessel_network_is_active(VesselNetwork *net, gboolean *active, GError **error)
{
    return vessel_object_get_bool(&net->obj, "Active", active, error);
}

gboolean vessel_network_is_persistent(VesselNetwork *net, gboolean *persistent, GError **error)
{
    return vessel_object_get_bool(&net->obj, "Persistent", persistent, error);
}

gboolean vessel_network_get_autostart(VesselNetwork *net, gboolean *autostart, GError **error)
{
    return vessel_object_get_bool(&net->obj, "Autostart", autostart, error);
}

char *vessel_network_get_bridge_name(VesselNetwork *net, GError **error)
{
    g_autoptr(GVariant) v = vessel_object_get_property(&net->obj, "BridgeName",
                                                       G_VARIANT_TYPE_STRING, error);

    return v ? g_variant_dup_string(v, NULL) : NULL;
}

static gboolean vessel_network_void(VesselNetwork *net, const char *method, GVariant *params,
                                    GError **error)
{
    return vessel_object_call_void(&net->obj, method, params, error);
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
    return vessel_object_get_xml_desc(&net->obj, flags, error);
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

    ret = vessel_object_call(&net->obj, "GetDHCPLeases", g_variant_new("(s)", mac ? mac : ""),
                             "(a(xsisuss))", error);
    if (!ret)
        return NULL;
    list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_dhcp_lease_free);
    g_variant_get(ret, "(a(xsisuss))", &iter);
    while (g_variant_iter_next(iter, "(xsisuss)", &l.expiry_time, &l.mac, &l.type, &l.ipaddr,
                               &l.prefix, &l.hostname, &l.client_id))
        g_ptr_array_add(list, g_memdup2(&l, sizeof(l)));
    return list;
}
