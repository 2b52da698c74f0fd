/* network_format.c - NetworkDef -> canonical <network> XML (libvirt's
 * element order; valid against libvirt's network.rng). */
#include "config.h"
#include "xml/network_conf.h"

#include <arpa/inet.h>
#include "xml/xml_doc.h"

static void
fmt_ip_attr(GString *out, const char *name, struct in_addr addr)
{
    char buf[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &addr, buf, sizeof(buf));
    xml_attr_append(out, name, buf);
}

char *
network_def_format(const NetworkDef *def)
{
    GString *out = g_string_new("<network>\n  <name>");

    xml_escape_append(out, def->name, FALSE);
    g_string_append_printf(out, "</name>\n  <uuid>%s</uuid>\n", def->uuid);
    if (def->forward != NETWORK_FORWARD_NONE) {
        g_string_append(out, "  <forward");
        xml_attr_append(out, "mode", network_forward_mode_to_string(def->forward));
        if (def->forward_dev)
            xml_attr_append(out, "dev", def->forward_dev);
        g_string_append(out, "/>\n");
    }
    if (def->bridge || !def->stp || def->delay) {
        g_string_append(out, "  <bridge");
        if (def->bridge)
            xml_attr_append(out, "name", def->bridge);
        g_string_append_printf(out, " stp='%s' delay='%u'/>\n", def->stp ? "on" : "off",
                               def->delay);
    }
    g_string_append(out, "  <mac");
    xml_attr_append(out, "address", def->mac);
    g_string_append(out, "/>\n");
    if (def->has_ip) {
        g_string_append(out, "  <ip");
        fmt_ip_attr(out, "address", def->address);
        if (def->netmask_form) {
            g_autofree char *mask = network_def_netmask_string(def);

            xml_attr_append(out, "netmask", mask);
        } else {
            g_string_append_printf(out, " prefix='%u'", def->prefix);
        }
        if (!def->has_dhcp_range && !def->n_hosts) {
            g_string_append(out, "/>\n");
        } else {
            g_string_append(out, ">\n    <dhcp>\n");
            if (def->has_dhcp_range) {
                g_string_append(out, "      <range");
                fmt_ip_attr(out, "start", def->dhcp_start);
                fmt_ip_attr(out, "end", def->dhcp_end);
                g_string_append(out, "/>\n");
            }
            for (guint i = 0; i < def->n_hosts; i++) {
                g_string_append(out, "      <host");
                xml_attr_append(out, "mac", def->hosts[i]->mac);
                if (def->hosts[i]->name)
                    xml_attr_append(out, "name", def->hosts[i]->name);
                fmt_ip_attr(out, "ip", def->hosts[i]->ip);
                g_string_append(out, "/>\n");
            }
            g_string_append(out, "    </dhcp>\n  </ip>\n");
        }
    }
    g_string_append(out, "</network>\n");
    return g_string_free(out, FALSE);
}
