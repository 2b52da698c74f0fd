/* methods_manager.c - org.vessel.Manager1: method table and properties. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "daemon_dbus.h"
#include "daemon_error.h"
#include "domain_driver.h"
#include "host_caps.h"
#include "i18n.h"
#include "method_flags.h"
#include "methods_pool.h"
#include "network_driver.h"

/* The contract's list flags: 1 active, 2 inactive (libvirt's bits). */
static gboolean list_flags_ok(guint32 flags, GError **error)
{
    return method_flags_check(flags, DOMAIN_LIST_ACTIVE | DOMAIN_LIST_INACTIVE, error);
}

static GVariant *m_list_domains(DaemonCall *call, GError **error)
{
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    if (!list_flags_ok(flags, error))
        return NULL;
    Daemon *d = call->daemon;
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(sisuubbo)"));
    domain_list_lock(d->domains);
    g_autoptr(GPtrArray) doms = domain_driver_list_locked(d, flags);
    for (guint i = 0; i < doms->len; i++) {
        DomainObj *dom = doms->pdata[i];
        g_variant_builder_add(&b, "(sisuubbo)", dom->def->name, dom->id, dom->def->uuid,
                              (guint32)dom->state, (guint32)dom->reason, dom->persistent,
                              dom->autostart, dom->path);
    }
    domain_list_unlock(d->domains);
    return g_variant_new("(a(sisuubbo))", &b);
}

static GVariant *path_reply(char *path)
{
    if (!path)
        return NULL;
    GVariant *v = g_variant_new("(o)", path);
    g_free(path);
    return v;
}

static GVariant *m_define_xml(DaemonCall *call, GError **error)
{
    const char *xml;
    g_variant_get(call->params, "(&s)", &xml);
    return path_reply(domain_driver_define(call->daemon, xml, error));
}

static GVariant *m_create_xml(DaemonCall *call, GError **error)
{
    const char *xml;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &xml, &flags);
    g_autoptr(DaemonCaller) caller = daemon_auth_caller(call->connection, call->sender, error);
    if (!caller)
        return NULL;
    return path_reply(domain_driver_create(call->daemon, xml, flags, caller, error));
}

static GVariant *domain_lookup(DaemonCall *call, ObjRegistryFind find, const char *key,
                               const char *what, GError **error)
{
    g_autofree char *path = obj_registry_lookup_path(&call->daemon->domains->reg, find, key);
    GVariant *v = path ? g_variant_new("(o)", path) : NULL;
    if (!v)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain not found: no domain with matching %s"), what);
    return v;
}

static GVariant *m_lookup_name(DaemonCall *call, GError **error)
{
    const char *name;
    g_variant_get(call->params, "(&s)", &name);
    g_autofree char *what = g_strdup_printf(_("name '%s'"), name);
    return domain_lookup(call, obj_registry_find_name, name, what, error);
}

static GVariant *m_lookup_uuid(DaemonCall *call, GError **error)
{
    const char *uuid;
    g_variant_get(call->params, "(&s)", &uuid);
    g_autofree char *what = g_strdup_printf(_("uuid '%s'"), uuid);
    return domain_lookup(call, obj_registry_find_uuid, uuid, what, error);
}

/* ids are no registry key: find one, then look its uuid up */
static gpointer find_by_id(ObjRegistry *reg, const char *key)
{
    return domain_list_find_id((DomainList *)reg, atoi(key));
}

static GVariant *m_lookup_id(DaemonCall *call, GError **error)
{
    gint32 id;
    g_variant_get(call->params, "(i)", &id);
    g_autofree char *key = g_strdup_printf("%d", id);
    g_autofree char *what = g_strdup_printf(_("id %d"), id);
    return domain_lookup(call, find_by_id, key, what, error);
}

static GVariant *m_get_capabilities(DaemonCall *call, GError **error)
{
    g_autofree char *xml = host_caps_format(call->daemon->config);
    return g_variant_new("(s)", xml);
}

static GVariant *m_get_node_info(DaemonCall *call, GError **error)
{
    HostNodeInfo n;
    host_caps_node_info(&n);
    return g_variant_new("((stuuuuuu))", n.model, n.memory_kib, n.cpus, n.mhz, n.nodes,
                         n.sockets, n.cores, n.threads);
}

static GVariant *m_get_version(DaemonCall *call, GError **error)
{
    return g_variant_new("(sss)", PACKAGE_VERSION, "vessel-vmm", PACKAGE_VERSION);
}

static GVariant *m_get_hostname(DaemonCall *call, GError **error)
{
    return g_variant_new("(s)", g_get_host_name());
}

static GVariant *m_list_networks(DaemonCall *call, GError **error)
{
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    if (!list_flags_ok(flags, error))
        return NULL;
    Daemon *d = call->daemon;
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssbbbso)"));
    /* the contract's 1 (active) and 2 (inactive) are libvirt's domain
     * bits; libvirt's network flags have them the other way round */
    guint nflags = ((flags & DOMAIN_LIST_ACTIVE) ? NETWORK_LIST_ACTIVE : 0) |
                   ((flags & DOMAIN_LIST_INACTIVE) ? NETWORK_LIST_INACTIVE : 0);
    network_list_lock(d->networks);
    g_autoptr(GPtrArray) nets = network_driver_list_locked(d, nflags);
    for (guint i = 0; i < nets->len; i++) {
        NetworkObj *net = nets->pdata[i];
        g_variant_builder_add(&b, "(ssbbbso)", net->def->name, net->def->uuid, net->active,
                              net->persistent, net->autostart,
                              net->live_bridge ? net->live_bridge
                              : net->def->bridge ? net->def->bridge : "", net->path);
    }
    network_list_unlock(d->networks);
    return g_variant_new("(a(ssbbbso))", &b);
}

static GVariant *m_network_define(DaemonCall *call, GError **error)
{
    const char *xml;
    g_variant_get(call->params, "(&s)", &xml);
    return path_reply(network_driver_define(call->daemon, xml, error));
}

static GVariant *m_network_create(DaemonCall *call, GError **error)
{
    const char *xml;
    g_variant_get(call->params, "(&s)", &xml);
    return path_reply(network_driver_create_xml(call->daemon, xml, error));
}

static GVariant *network_lookup(DaemonCall *call, ObjRegistryFind find, const char *key,
                                const char *what, GError **error)
{
    g_autofree char *path = obj_registry_lookup_path(&call->daemon->networks->reg, find, key);
    GVariant *v = path ? g_variant_new("(o)", path) : NULL;
    if (!v)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network not found: no network with matching %s"), what);
    return v;
}

static GVariant *m_network_lookup_name(DaemonCall *call, GError **error)
{
    const char *name;
    g_variant_get(call->params, "(&s)", &name);
    g_autofree char *what = g_strdup_printf(_("name '%s'"), name);
    return network_lookup(call, obj_registry_find_name, name, what, error);
}

static GVariant *m_network_lookup_uuid(DaemonCall *call, GError **error)
{
    const char *uuid;
    g_variant_get(call->params, "(&s)", &uuid);
    g_autofree char *what = g_strdup_printf(_("uuid '%s'"), uuid);
    return network_lookup(call, obj_registry_find_uuid, uuid, what, error);
}

static const DaemonMethod manager_methods[] = {
    { "ListDomains", m_list_domains, FALSE },
    { "DefineXML", m_define_xml, FALSE },
    { "CreateXML", m_create_xml, TRUE },
    { "LookupByName", m_lookup_name, FALSE },
    { "LookupByUUID", m_lookup_uuid, FALSE },
    { "LookupByID", m_lookup_id, FALSE },
    { "GetCapabilities", m_get_capabilities, TRUE },
    { "GetNodeInfo", m_get_node_info, TRUE },
    { "GetVersion", m_get_version, FALSE },
    { "GetHostname", m_get_hostname, FALSE },
    { "ListNetworks", m_list_networks, FALSE },
    { "NetworkDefineXML", m_network_define, FALSE },
    { "NetworkCreateXML", m_network_create, FALSE },
    { "NetworkLookupByName", m_network_lookup_name, FALSE },
    { "NetworkLookupByUUID", m_network_lookup_uuid, FALSE },
    { "ListStoragePools", manager_list_pools, FALSE },
    { "StoragePoolDefineXML", manager_pool_define, TRUE },
    { "StoragePoolCreateXML", manager_pool_create, TRUE },
    { "StoragePoolLookupByName", manager_pool_lookup_name, FALSE },
    { "StoragePoolLookupByUUID", manager_pool_lookup_uuid, FALSE },
    { "StorageVolLookupByPath", manager_vol_lookup_path, TRUE },
    { NULL, NULL, FALSE },
};

static GVariant *manager_get_property(Daemon *d, const char *node, const char *name,
                                      GError **error)
{
    if (g_str_equal(name, "Version"))
        return g_variant_new_string(PACKAGE_VERSION);
    if (g_str_equal(name, "Mode"))
        return g_variant_new_string(daemon_mode_to_string(d->config->mode));
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unknown property %s"), name);
    return NULL;
}

const DaemonInterfaceImpl daemon_manager_impl = {
    "org.vessel.Manager1",
    manager_methods,
    manager_get_property,
};
