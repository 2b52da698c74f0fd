/* nbtool.c - drives libvesselnet from the command line for shell tests.
 *
 *   nbtool net-start|net-stop|net-ensure|net-state|net-leases NETWORK.ini
 *
 * NETWORK.ini is a GKeyFile standing in for the daemon's NetworkDef:
 *   [network] name= bridge= mac= mtu= stp=true|false delay=
 *             forward=nat|route|isolated
 *             forward_dev= address= prefix= dhcp_start= dhcp_end=
 *             domain= state_dir= dnsmasq_user=
 *   [host NAME] mac= ip=         (one group per static DHCP host)
 * Runs in the caller's network namespace (tests use `ip netns exec`).
 * Exit status 0 on success, 1 with "nbtool: message" on stderr. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netbridge/netbridge.h"

static char *key_string(GKeyFile *kf, const char *group, const char *key)
{
    return g_key_file_get_string(kf, group, key, NULL);
}

static NetbridgeNetConfig *config_load(const char *path, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(NetbridgeNetConfig) cfg = netbridge_net_config_new();
    g_auto(GStrv) groups = NULL;
    g_autofree char *forward = NULL;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, error))
        return NULL;
    cfg->name = key_string(kf, "network", "name");
    cfg->bridge = key_string(kf, "network", "bridge");
    cfg->mac = key_string(kf, "network", "mac");
    cfg->mtu = g_key_file_get_integer(kf, "network", "mtu", NULL);
    cfg->stp = g_key_file_get_boolean(kf, "network", "stp", NULL);
    cfg->delay = g_key_file_get_integer(kf, "network", "delay", NULL);
    forward = key_string(kf, "network", "forward");
    if (forward) {
        int mode = netbridge_forward_mode_from_string(forward);
        if (mode < 0) {
            g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                        "unknown forward mode '%s'", forward);
            return NULL;
        }
        cfg->forward = mode;
    }
    cfg->forward_dev = key_string(kf, "network", "forward_dev");
    cfg->ipv4_address = key_string(kf, "network", "address");
    cfg->ipv4_prefix = g_key_file_get_integer(kf, "network", "prefix", NULL);
    cfg->dhcp_start = key_string(kf, "network", "dhcp_start");
    cfg->dhcp_end = key_string(kf, "network", "dhcp_end");
    cfg->domain = key_string(kf, "network", "domain");
    cfg->state_dir = key_string(kf, "network", "state_dir");
    cfg->dnsmasq_user = key_string(kf, "network", "dnsmasq_user");

    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i]; i++) {
        g_autofree char *mac = NULL;
        g_autofree char *ip = NULL;

        if (!g_str_has_prefix(groups[i], "host "))
            continue;
        mac = key_string(kf, groups[i], "mac");
        ip = key_string(kf, groups[i], "ip");
        netbridge_net_config_add_host(cfg, mac ? mac : "", ip ? ip : "", groups[i] + 5);
    }
    if (!netbridge_net_config_validate(cfg, error))
        return NULL;
    return g_steal_pointer(&cfg);
}

static gboolean cmd_state(const NetbridgeNetConfig *cfg, GError **error)
{
    NetbridgeNetworkState st;

    if (!netbridge_network_state(cfg, &st, error))
        return FALSE;
    printf("bridge=%d up=%d firewall=%d dnsmasq=%d complete=%d\n", st.bridge, st.up,
           st.firewall, st.dnsmasq_pid, netbridge_network_state_complete(cfg, &st));
    return TRUE;
}

static gboolean cmd_leases(const NetbridgeNetConfig *cfg, GError **error)
{
    g_autoptr(GPtrArray) leases = netbridge_leases_read(cfg, error);

    if (!leases)
        return FALSE;
    for (guint i = 0; i < leases->len; i++) {
        const NetbridgeLease *l = g_ptr_array_index(leases, i);
        printf("%" G_GINT64_FORMAT " %s %s %s/%u %s %s\n", l->expiry,
               l->mac ? l->mac : "-", netbridge_lease_protocol_to_string(l->protocol), l->ip,
               l->prefix, l->hostname ? l->hostname : "-", l->client_id ? l->client_id : "-");
    }
    return TRUE;
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetbridgeNetConfig) cfg = NULL;
    const char *cmd;
    gboolean ok;

    if (argc != 3) {
        fprintf(stderr, "usage: nbtool net-start|net-stop|net-ensure|net-state|net-leases FILE.ini\n");
        return 2;
    }
    cmd = argv[1];
    if (!(cfg = config_load(argv[2], &error))) {
        fprintf(stderr, "nbtool: %s: %s\n", argv[2], error->message);
        return 1;
    }
    if (strcmp(cmd, "net-start") == 0)
        ok = netbridge_network_start(cfg, &error);
    else if (strcmp(cmd, "net-stop") == 0)
        ok = netbridge_network_stop(cfg, &error);
    else if (strcmp(cmd, "net-ensure") == 0) {
        gboolean restarted = FALSE;
        ok = netbridge_network_ensure(cfg, &restarted, &error);
        if (ok)
            printf("%s\n", restarted ? "restarted" : "unchanged");
    } else if (strcmp(cmd, "net-state") == 0)
        ok = cmd_state(cfg, &error);
    else if (strcmp(cmd, "net-leases") == 0)
        ok = cmd_leases(cfg, &error);
    else {
        fprintf(stderr, "nbtool: unknown command '%s'\n", cmd);
        return 2;
    }
    if (!ok) {
        fprintf(stderr, "nbtool: %s\n", error->message);
        return 1;
    }
    return 0;
}
