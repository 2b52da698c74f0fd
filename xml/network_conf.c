/* network_conf.c - NetworkDef life cycle: enum table, free, copy, compare. */
#include "config.h"
#include "xml/network_conf.h"

#include <string.h>
#include "xml/xml_enum.h"

VESSEL_ENUM_IMPL(network_forward_mode, NetworkForwardMode, NETWORK_FORWARD_LAST,
                 "none", "nat", "route")

static void
network_host_free(NetworkDhcpHost *host)
{
    if (!host)
        return;
    g_free(host->mac);
    g_free(host->name);
    g_free(host);
}

void
network_def_free(NetworkDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->bridge);
    g_free(def->mac);
    g_free(def->forward_dev);
    for (guint i = 0; i < def->n_hosts; i++)
        network_host_free(def->hosts[i]);
    g_free(def->hosts);
    g_free(def);
}

NetworkDef *
network_def_copy(const NetworkDef *src)
{
    NetworkDef *def = g_new0(NetworkDef, 1);

    *def = *src;
    def->name = g_strdup(src->name);
    def->bridge = g_strdup(src->bridge);
    def->mac = g_strdup(src->mac);
    def->forward_dev = g_strdup(src->forward_dev);
    def->hosts = g_new0(NetworkDhcpHost *, src->n_hosts + 1);
    for (guint i = 0; i < src->n_hosts; i++) {
        NetworkDhcpHost *h = g_new0(NetworkDhcpHost, 1);

        h->mac = g_strdup(src->hosts[i]->mac);
        h->name = g_strdup(src->hosts[i]->name);
        h->ip = src->hosts[i]->ip;
        def->hosts[i] = h;
    }
    return def;
}

gboolean
network_def_equal(const NetworkDef *a, const NetworkDef *b)
{
    if (g_strcmp0(a->name, b->name) || strcmp(a->uuid, b->uuid) ||
        g_strcmp0(a->bridge, b->bridge) || a->stp != b->stp || a->delay != b->delay ||
        g_strcmp0(a->mac, b->mac) || a->forward != b->forward ||
        g_strcmp0(a->forward_dev, b->forward_dev) || a->has_ip != b->has_ip ||
        a->has_dhcp_range != b->has_dhcp_range || a->n_hosts != b->n_hosts)
        return FALSE;
    if (a->has_ip && (a->address.s_addr != b->address.s_addr || a->prefix != b->prefix ||
                      a->netmask_form != b->netmask_form))
        return FALSE;
    if (a->has_dhcp_range && (a->dhcp_start.s_addr != b->dhcp_start.s_addr ||
                              a->dhcp_end.s_addr != b->dhcp_end.s_addr))
        return FALSE;
    for (guint i = 0; i < a->n_hosts; i++) {
        const NetworkDhcpHost *x = a->hosts[i], *y = b->hosts[i];

        if (g_strcmp0(x->mac, y->mac) || g_strcmp0(x->name, y->name) ||
            x->ip.s_addr != y->ip.s_addr)
            return FALSE;
    }
    return TRUE;
}

char *
network_def_netmask_string(const NetworkDef *def)
{
    guint32 mask = def->prefix ? G_MAXUINT32 << (32 - def->prefix) : 0;

    return g_strdup_printf("%u.%u.%u.%u", mask >> 24, (mask >> 16) & 0xff,
                           (mask >> 8) & 0xff, mask & 0xff);
}
