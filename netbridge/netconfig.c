/* netconfig.c - network configuration struct and validation (see netconfig.h). */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "i18n.h"
#include "netbridge/addr.h"
#include "netbridge/error.h"
#include "netbridge/link.h"
#include "netbridge/mac.h"
#include "netbridge/netconfig.h"

#define NET_NAME_MAX 128

static const char *const forward_mode_names[] = {
    [NETBRIDGE_FORWARD_ISOLATED] = "isolated",
    [NETBRIDGE_FORWARD_NAT] = "nat",
    [NETBRIDGE_FORWARD_ROUTE] = "route",
};
G_STATIC_ASSERT(G_N_ELEMENTS(forward_mode_names) == NETBRIDGE_FORWARD_LAST);

const char *netbridge_forward_mode_to_string(NetbridgeForwardMode mode)
{
    return mode < NETBRIDGE_FORWARD_LAST ? forward_mode_names[mode] : NULL;
}

int netbridge_forward_mode_from_string(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "none") == 0)
        return NETBRIDGE_FORWARD_ISOLATED;
    for (int i = 0; i < NETBRIDGE_FORWARD_LAST; i++) {
        if (strcmp(s, forward_mode_names[i]) == 0)
            return i;
    }
    return -1;
}

static void dhcp_host_free(NetbridgeDhcpHost *h)
{
    if (!h)
        return;
    g_free(h->mac);
    g_free(h->ip);
    g_free(h->hostname);
    g_free(h);
}

NetbridgeNetConfig *netbridge_net_config_new(void)
{
    NetbridgeNetConfig *cfg = g_new0(NetbridgeNetConfig, 1);
    cfg->dhcp_hosts = g_ptr_array_new_with_free_func((GDestroyNotify)dhcp_host_free);
    return cfg;
}

void netbridge_net_config_free(NetbridgeNetConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->name);
    g_free(cfg->bridge);
    g_free(cfg->mac);
    g_free(cfg->forward_dev);
    g_free(cfg->ipv4_address);
    g_free(cfg->dhcp_start);
    g_free(cfg->dhcp_end);
    if (cfg->dhcp_hosts)
        g_ptr_array_unref(cfg->dhcp_hosts);
    g_free(cfg->domain);
    g_free(cfg->state_dir);
    g_free(cfg->dnsmasq_user);
    g_free(cfg);
}

void netbridge_net_config_add_host(NetbridgeNetConfig *cfg, const char *mac, const char *ip,
                                   const char *hostname)
{
    NetbridgeDhcpHost *h = g_new0(NetbridgeDhcpHost, 1);
    h->mac = g_ascii_strdown(mac, -1);
    h->ip = g_strdup(ip);
    h->hostname = g_strdup(hostname);
    g_ptr_array_add(cfg->dhcp_hosts, h);
}

char *netbridge_net_config_path(const NetbridgeNetConfig *cfg, const char *suffix)
{
    g_autofree char *base = g_strdup_printf("%s.%s", cfg->name, suffix);
    return g_build_filename(cfg->state_dir, base, NULL);
}

/* Letters, digits and "-_." only: names end up in file names, nft
 * comments and dnsmasq options. */
static gboolean word_validate(const char *s, gsize max, const char *field, GError **error)
{
    gsize len = s ? strlen(s) : 0;

    if (len == 0 || len > max || s[0] == '.' || s[0] == '-')
        goto bad;
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isalnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            goto bad;
    }
    return TRUE;
bad:
    g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                _("invalid %s '%s'"), field, s ? s : "");
    return FALSE;
}

static guint32 ipv4_host_order(const char *s)
{
    struct in_addr in = { 0 };
    inet_pton(AF_INET, s, &in);
    return ntohl(in.s_addr);
}

static gboolean in_network(const NetbridgeNetConfig *cfg, const char *ip)
{
    guint32 mask = cfg->ipv4_prefix ? ~0u << (32 - cfg->ipv4_prefix) : 0;
    return (ipv4_host_order(ip) & mask) == (ipv4_host_order(cfg->ipv4_address) & mask);
}

static gboolean ip_in_network_validate(const NetbridgeNetConfig *cfg, const char *ip,
                                       const char *field, GError **error)
{
    if (!netbridge_ipv4_validate(ip, 32, error))
        return FALSE;
    if (!in_network(cfg, ip)) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("%s %s is outside network %s/%u"), field, ip, cfg->ipv4_address,
                    cfg->ipv4_prefix);
        return FALSE;
    }
    return TRUE;
}

gboolean netbridge_net_config_validate(const NetbridgeNetConfig *cfg, GError **error)
{
    guint8 mac[NETBRIDGE_MAC_LEN];

    if (!word_validate(cfg->name, NET_NAME_MAX, _("network name"), error) ||
        !netbridge_ifname_validate(cfg->bridge, FALSE, error))
        return FALSE;
    if (cfg->mac && !netbridge_mac_parse(cfg->mac, mac, error))
        return FALSE;
    if (cfg->delay > 30) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("network %s: bridge delay %u is out of range (0-30)"), cfg->name,
                    cfg->delay);
        return FALSE;
    }
    if (cfg->forward >= NETBRIDGE_FORWARD_LAST) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("invalid forward mode %d"), (int)cfg->forward);
        return FALSE;
    }
    if (cfg->forward_dev && !netbridge_ifname_validate(cfg->forward_dev, FALSE, error))
        return FALSE;
    if (!cfg->state_dir || !g_path_is_absolute(cfg->state_dir)) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("network %s needs an absolute state directory"), cfg->name);
        return FALSE;
    }
    if (cfg->dnsmasq_user && !word_validate(cfg->dnsmasq_user, 64, _("user name"), error))
        return FALSE;
    if (cfg->domain && !word_validate(cfg->domain, 253, _("domain name"), error))
        return FALSE;

    if (!cfg->ipv4_address) {
        if (cfg->forward != NETBRIDGE_FORWARD_ISOLATED || cfg->dhcp_start ||
            cfg->dhcp_hosts->len) {
            g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                        _("network %s needs an IPv4 address for forwarding or DHCP"),
                        cfg->name);
            return FALSE;
        }
        return TRUE;
    }
    if (!netbridge_ipv4_validate(cfg->ipv4_address, cfg->ipv4_prefix, error))
        return FALSE;
    if (cfg->ipv4_prefix < 8 || cfg->ipv4_prefix > 30) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("network %s: prefix /%u is not usable (8-30)"), cfg->name,
                    cfg->ipv4_prefix);
        return FALSE;
    }
    if (!cfg->dhcp_start != !cfg->dhcp_end) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("network %s: a DHCP range needs both a start and an end"), cfg->name);
        return FALSE;
    }
    if (cfg->dhcp_start) {
        if (!ip_in_network_validate(cfg, cfg->dhcp_start, _("DHCP range start"), error) ||
            !ip_in_network_validate(cfg, cfg->dhcp_end, _("DHCP range end"), error))
            return FALSE;
        if (ipv4_host_order(cfg->dhcp_start) > ipv4_host_order(cfg->dhcp_end)) {
            g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                        _("network %s: DHCP range %s-%s is reversed"), cfg->name,
                        cfg->dhcp_start, cfg->dhcp_end);
            return FALSE;
        }
    }
    for (guint i = 0; i < cfg->dhcp_hosts->len; i++) {
        const NetbridgeDhcpHost *h = g_ptr_array_index(cfg->dhcp_hosts, i);
        if (!netbridge_mac_parse(h->mac, mac, error) ||
            !ip_in_network_validate(cfg, h->ip, _("DHCP host address"), error))
            return FALSE;
        if (h->hostname && !word_validate(h->hostname, 63, _("host name"), error))
            return FALSE;
    }
    return TRUE;
}

guint netbridge_net_config_dhcp_size(const NetbridgeNetConfig *cfg)
{
    if (!cfg->dhcp_start || !cfg->dhcp_end)
        return 0;
    return ipv4_host_order(cfg->dhcp_end) - ipv4_host_order(cfg->dhcp_start) + 1;
}
