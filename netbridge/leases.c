/* leases.c - parsing dnsmasq's leases file (see leases.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "netbridge/error.h"
#include "netbridge/leases.h"
#include "netbridge/mac.h"

static const char *const lease_protocol_names[] = {
    [NETBRIDGE_LEASE_IPV4] = "ipv4",
    [NETBRIDGE_LEASE_IPV6] = "ipv6",
};
G_STATIC_ASSERT(G_N_ELEMENTS(lease_protocol_names) == NETBRIDGE_LEASE_LAST);

const char *netbridge_lease_protocol_to_string(NetbridgeLeaseProtocol p)
{
    return p < NETBRIDGE_LEASE_LAST ? lease_protocol_names[p] : NULL;
}

void netbridge_lease_free(NetbridgeLease *lease)
{
    if (!lease)
        return;
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ip);
    g_free(lease->hostname);
    g_free(lease->client_id);
    g_free(lease);
}

static char *star_to_null(const char *s)
{
    return strcmp(s, "*") == 0 ? NULL : g_strdup(s);
}

static NetbridgeLease *lease_parse_line(char **f, guint ipv4_prefix, guint ipv6_prefix)
{
    g_autoptr(NetbridgeLease) lease = g_new0(NetbridgeLease, 1);
    unsigned char buf[sizeof(struct in6_addr)];
    guint8 mac[NETBRIDGE_MAC_LEN];
    char *end;

    errno = 0;
    lease->expiry = g_ascii_strtoll(f[0], &end, 10);
    if (errno || *end || lease->expiry < 0)
        return NULL;
    if (inet_pton(AF_INET, f[2], buf) == 1) {
        lease->protocol = NETBRIDGE_LEASE_IPV4;
        lease->prefix = ipv4_prefix;
        if (!netbridge_mac_parse(f[1], mac, NULL))
            return NULL;
        lease->mac = netbridge_mac_format(mac);
    } else if (inet_pton(AF_INET6, f[2], buf) == 1) {
        lease->protocol = NETBRIDGE_LEASE_IPV6;
        lease->prefix = ipv6_prefix;
        lease->iaid = g_strdup(f[1]);
    } else {
        return NULL;
    }
    lease->ip = g_strdup(f[2]);
    lease->hostname = star_to_null(f[3]);
    lease->client_id = f[4] ? star_to_null(f[4]) : NULL;
    return g_steal_pointer(&lease);
}

GPtrArray *netbridge_leases_parse(const char *text, guint ipv4_prefix, guint ipv6_prefix,
                                  GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)netbridge_lease_free);
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    for (guint n = 0; lines[n]; n++) {
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[n]), " \t", -1);
        g_autoptr(GPtrArray) fields = g_ptr_array_new();
        NetbridgeLease *lease;

        for (guint i = 0; f[i]; i++) {
            if (*f[i])
                g_ptr_array_add(fields, f[i]);
        }
        if (fields->len == 0)
            continue;
        if (strcmp(g_ptr_array_index(fields, 0), "duid") == 0)
            continue;   /* the server's own DUID */
        g_ptr_array_add(fields, NULL);
        lease = fields->len >= 5   /* 4 fields (older files lack the id) + NULL */
            ? lease_parse_line((char **)fields->pdata, ipv4_prefix, ipv6_prefix) : NULL;
        if (!lease) {
            g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                        _("malformed lease on line %u: '%s'"), n + 1, lines[n]);
            return NULL;
        }
        g_ptr_array_add(out, lease);
    }
    return g_steal_pointer(&out);
}

GPtrArray *netbridge_leases_read(const NetbridgeNetConfig *cfg, GError **error)
{
    g_autofree char *path = netbridge_net_config_path(cfg, "leases");
    g_autofree char *text = NULL;
    g_autoptr(GError) local = NULL;
    GPtrArray *leases;

    if (!g_file_get_contents(path, &text, NULL, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return g_ptr_array_new_with_free_func((GDestroyNotify)netbridge_lease_free);
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_FAILED, "%s", local->message);
        return NULL;
    }
    leases = netbridge_leases_parse(text, cfg->ipv4_prefix, 64, error);
    if (!leases)
        g_prefix_error(error, "%s: ", path);
    return leases;
}
