/* network_parse.c - <network> XML -> NetworkDef.
 *
 * Same three passes as domain_parse.c: unsupported libvirt elements are
 * named, then RELAX NG (xml/schemas/network.rng), then values: interface
 * names, one IPv4 subnet given as prefix or netmask, a DHCP range and
 * static hosts inside that subnet and clear of the bridge address. */
#include "config.h"
#include "xml/network_conf.h"

#include <arpa/inet.h>
#include <libxml/tree.h>
#include <string.h>
#include "i18n.h"
#include "xml/xml_check.h"
#include "xml/xml_doc.h"

static const XmlUnsupported network_unsupported[] = {
    { "network", "title description metadata domain dns route portgroup bandwidth "
                 "virtualport vlan mtu port" },
    { "forward", "nat interface pf address driver" },
    { "ip", "tftp" },
    { "dhcp", "bootp" },
};

/* Parse an IPv4 attribute of @node into host byte order. */
static gboolean
net_ipv4_attr(const xmlNode *node, const char *attr, guint32 *out, GError **error)
{
    g_autofree char *value = xml_node_prop(node, attr);
    struct in_addr a;

    if (!value || inet_pton(AF_INET, value, &a) != 1) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, attr, value,
                       _("not an IPv4 address"));
        return FALSE;
    }
    *out = ntohl(a.s_addr);
    return TRUE;
}

typedef struct {
    guint32 net, mask;
    guint prefix;
} NetSubnet;

/* @addr must be a usable host address of @sub (not network/broadcast). */
static gboolean
net_host_in_subnet(const xmlNode *node, const char *attr, const NetSubnet *sub,
                   guint32 addr, GError **error)
{
    g_autofree char *value = xml_node_prop(node, attr);

    if ((addr & sub->mask) != sub->net) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, attr, value,
                       _("outside the network's subnet"));
        return FALSE;
    }
    if (sub->prefix <= 30 && (addr == sub->net || addr == (sub->net | ~sub->mask))) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, attr, value,
                       _("is the network or broadcast address of the subnet"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
net_parse_forward(NetworkDef *def, xmlNode *node, GError **error)
{
    g_autofree char *mode = xml_node_prop(node, "mode");
    g_autofree char *dev = xml_node_prop(node, "dev");
    int m = mode ? network_forward_mode_from_string(mode) : NETWORK_FORWARD_NAT;
    const char *why;

    if (m <= NETWORK_FORWARD_NONE) {
        const char *supported[] = { "nat", "route" };

        xml_error_attr_unsupported(error, node, "mode", mode, supported,
                                   G_N_ELEMENTS(supported));
        return FALSE;
    }
    if (dev && (why = xml_check_ifname(dev))) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "dev", dev, why);
        return FALSE;
    }
    def->forward = m;
    def->forward_dev = g_steal_pointer(&dev);
    return TRUE;
}

static gboolean
net_parse_bridge(NetworkDef *def, xmlNode *node, GError **error)
{
    g_autofree char *name = xml_node_prop(node, "name");
    g_autofree char *stp = xml_node_prop(node, "stp");
    g_autofree char *delay = xml_node_prop(node, "delay");
    const char *why;

    if (name && (why = xml_check_ifname(name))) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "name", name, why);
        return FALSE;
    }
    if (stp && strcmp(stp, "on") != 0 && strcmp(stp, "off") != 0) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "stp", stp,
                       _("use 'on' or 'off'"));
        return FALSE;
    }
    if (delay) {
        guint64 d;

        if ((why = xml_parse_uint(delay, 3600, &d))) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "delay", delay, why);
            return FALSE;
        }
        def->delay = (guint)d;
    }
    def->bridge = g_steal_pointer(&name);
    def->stp = !stp || strcmp(stp, "on") == 0;
    return TRUE;
}

static gboolean
net_parse_dhcp(NetworkDef *def, xmlNode *dhcp, const NetSubnet *sub, guint32 address,
               GError **error)
{
    for (xmlNode *c = dhcp->children; c; c = c->next) {
        if (xml_node_is(c, "range")) {
            guint32 start, end;

            if (!net_ipv4_attr(c, "start", &start, error) ||
                !net_ipv4_attr(c, "end", &end, error) ||
                !net_host_in_subnet(c, "start", sub, start, error) ||
                !net_host_in_subnet(c, "end", sub, end, error))
                return FALSE;
            if (start > end) {
                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("DHCP <range> starts after it ends"));
                return FALSE;
            }
            if (address >= start && address <= end) {
                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("DHCP <range> contains the network's own address"));
                return FALSE;
            }
            if (def->has_dhcp_range) {
                xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, c,
                               _("only one DHCP <range> is supported"));
                return FALSE;
            }
            def->has_dhcp_range = TRUE;
            def->dhcp_start.s_addr = htonl(start);
            def->dhcp_end.s_addr = htonl(end);
        } else if (xml_node_is(c, "host")) {
            g_autofree char *mac_in = xml_node_prop(c, "mac");
            g_autofree char *name = xml_node_prop(c, "name");
            g_autofree char *mac = NULL;
            NetworkDhcpHost *host;
            const char *why;
            guint32 ip;

            if ((why = xml_mac_normalize(mac_in, &mac))) {
                xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "mac", mac_in, why);
                return FALSE;
            }
            if (name && (!*name || strlen(name) > 253 ||
                         strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-.") != strlen(name))) {
                xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "name", name,
                               _("not a host name"));
                return FALSE;
            }
            if (!net_ipv4_attr(c, "ip", &ip, error) ||
                !net_host_in_subnet(c, "ip", sub, ip, error))
                return FALSE;
            if (ip == address) {
                g_autofree char *ip_str = xml_node_prop(c, "ip");

                xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "ip", ip_str,
                               _("is the network's own address"));
                return FALSE;
            }
            for (guint i = 0; i < def->n_hosts; i++) {
                if (strcmp(def->hosts[i]->mac, mac) == 0 ||
                    ntohl(def->hosts[i]->ip.s_addr) == ip) {
                    xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                                   _("DHCP <host> repeats the MAC or IP address of another host"));
                    return FALSE;
                }
            }
            host = g_new0(NetworkDhcpHost, 1);
            host->mac = g_steal_pointer(&mac);
            host->name = g_steal_pointer(&name);
            host->ip.s_addr = htonl(ip);
            def->hosts = g_renew(NetworkDhcpHost *, def->hosts, def->n_hosts + 2);
            def->hosts[def->n_hosts++] = host;
            def->hosts[def->n_hosts] = NULL;
        }
    }
    return TRUE;
}

static gboolean
net_parse_ip(NetworkDef *def, xmlNode *node, GError **error)
{
    g_autofree char *family = xml_node_prop(node, "family");
    g_autofree char *netmask = xml_node_prop(node, "netmask");
    g_autofree char *prefix = xml_node_prop(node, "prefix");
    NetSubnet sub = { 0 };
    guint32 address;
    xmlNode *dhcp;

    if (def->has_ip) {
        xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, node,
                       _("only one <ip> element is supported"));
        return FALSE;
    }
    if (family && strcmp(family, "ipv4") != 0) {
        const char *supported[] = { "ipv4" };

        xml_error_attr_unsupported(error, node, "family", family, supported, 1);
        return FALSE;
    }
    if (!net_ipv4_attr(node, "address", &address, error))
        return FALSE;
    if (!netmask == !prefix) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node,
                       _("<ip> needs exactly one of the 'netmask' and 'prefix' attributes"));
        return FALSE;
    }
    if (prefix) {
        guint64 p;
        const char *why = xml_parse_uint(prefix, 32, &p);

        if (!why && p == 0)
            why = _("must be between 1 and 32");
        if (why) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "prefix", prefix, why);
            return FALSE;
        }
        sub.prefix = (guint)p;
    } else {
        guint32 m;

        if (!net_ipv4_attr(node, "netmask", &m, error))
            return FALSE;
        if (m == 0 || ((~m) & (~m + 1)) != 0) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "netmask", netmask,
                           _("not a contiguous netmask"));
            return FALSE;
        }
        sub.prefix = (guint)__builtin_popcount(m);
        def->netmask_form = TRUE;
    }
    sub.mask = G_MAXUINT32 << (32 - sub.prefix);
    sub.net = address & sub.mask;
    if (!net_host_in_subnet(node, "address", &sub, address, error))
        return FALSE;
    def->has_ip = TRUE;
    def->address.s_addr = htonl(address);
    def->prefix = sub.prefix;
    if ((dhcp = xml_node_child(node, "dhcp")))
        return net_parse_dhcp(def, dhcp, &sub, address, error);
    return TRUE;
}

static gboolean
net_parse_root(NetworkDef *def, xmlNode *root, GError **error)
{
    for (xmlNode *c = root->children; c; c = c->next) {
        const char *why;

        if (xml_node_is(c, "name")) {
            g_autofree char *name = xml_node_text(c);

            if ((why = xml_check_name(name, VESSEL_NETWORK_MAX_NAME))) {
                g_autofree char *shown = xml_value_for_message(name);

                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("invalid value '%s' in <name>: %s"), shown, why);
                return FALSE;
            }
            def->name = g_steal_pointer(&name);
        } else if (xml_node_is(c, "uuid")) {
            g_autofree char *uuid = xml_node_text_trimmed(c);

            if ((why = xml_uuid_normalize(uuid, def->uuid))) {
                g_autofree char *shown = xml_value_for_message(uuid);

                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("invalid value '%s' in <uuid>: %s"), shown, why);
                return FALSE;
            }
        } else if (xml_node_is(c, "forward")) {
            if (!net_parse_forward(def, c, error))
                return FALSE;
        } else if (xml_node_is(c, "bridge")) {
            if (!net_parse_bridge(def, c, error))
                return FALSE;
        } else if (xml_node_is(c, "mac")) {
            g_autofree char *addr = xml_node_prop(c, "address");

            if ((why = xml_mac_normalize(addr, &def->mac))) {
                xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "address", addr, why);
                return FALSE;
            }
        } else if (xml_node_is(c, "ip")) {
            if (!net_parse_ip(def, c, error))
                return FALSE;
        }
    }
    if (!def->uuid[0])
        xml_uuid_generate(def->uuid);
    if (!def->mac)
        def->mac = xml_mac_generate();
    return TRUE;
}

NetworkDef *
network_def_parse(const char *xml, NetworkParseFlags flags, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(NetworkDef) def = NULL;
    xmlNode *root;

    g_return_val_if_fail(xml != NULL, NULL);
    if (flags != NETWORK_PARSE_DEFAULT) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                    _("unknown network parse flags 0x%x"), (unsigned)flags);
        return NULL;
    }
    if (!(doc = xml_doc_load(xml, "network", network_unsupported,
                             G_N_ELEMENTS(network_unsupported), error)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    def = g_new0(NetworkDef, 1);
    def->stp = TRUE;
    def->hosts = g_new0(NetworkDhcpHost *, 1);
    if (!net_parse_root(def, root, error))
        return NULL;
    return g_steal_pointer(&def);
}

NetworkDef *
network_def_parse_file(const char *path, NetworkParseFlags flags, GError **error)
{
    g_autofree char *xml = xml_file_read(path, error);
    g_autoptr(GError) local = NULL;
    NetworkDef *def = xml ? network_def_parse(xml, flags, &local) : NULL;

    xml_error_in_file(error, path, local);
    return def;
}
