/* test-unit.c - libvesselnet parts that need no privileges: MACs, network
 * configuration checks, the generated nft script and dnsmasq
 * configuration, and dnsmasq leases-file parsing. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "netbridge/netbridge.h"

static void test_mac(void)
{
    guint8 mac[NETBRIDGE_MAC_LEN];
    g_autoptr(GError) error = NULL;
    g_autofree char *a = netbridge_mac_generate();
    g_autofree char *b = NULL;
    g_autofree char *tap = NULL;
    gboolean differ = FALSE;

    g_assert_true(g_str_has_prefix(a, NETBRIDGE_MAC_PREFIX ":"));
    g_assert_cmpuint(strlen(a), ==, 17);
    g_assert_true(netbridge_mac_parse(a, mac, &error));
    g_assert_no_error(error);
    g_assert_cmphex(mac[0] & 0x03, ==, 0x02);   /* locally administered, unicast */
    for (int i = 0; i < 8 && !differ; i++) {
        g_autofree char *c = netbridge_mac_generate();
        differ = strcmp(a, c) != 0;
    }
    g_assert_true(differ);

    g_assert_true(netbridge_mac_parse("52:54:00:AB:cd:0F", mac, &error));
    b = netbridge_mac_format(mac);
    g_assert_cmpstr(b, ==, "52:54:00:ab:cd:0f");
    tap = netbridge_mac_for_tap("52:54:00:ab:cd:0f", &error);
    g_assert_cmpstr(tap, ==, "fe:54:00:ab:cd:0f");

    static const char *const bad[] = {
        "", "52:54:00:ab:cd", "52:54:00:ab:cd:0f:11", "52-54-00-ab-cd-0f", "5:54:00:ab:cd:0f",
        "zz:54:00:ab:cd:0f", "01:00:5e:00:00:01" /* multicast */, "00:00:00:00:00:00",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(netbridge_mac_parse(bad[i], mac, &error));
        g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
        g_clear_error(&error);
    }
}

static NetbridgeNetConfig *config_nat(void)
{
    NetbridgeNetConfig *cfg = netbridge_net_config_new();

    cfg->name = g_strdup("default");
    cfg->bridge = g_strdup("vbr0");
    cfg->forward = NETBRIDGE_FORWARD_NAT;
    cfg->ipv4_address = g_strdup("192.168.150.1");
    cfg->ipv4_prefix = 24;
    cfg->dhcp_start = g_strdup("192.168.150.2");
    cfg->dhcp_end = g_strdup("192.168.150.254");
    cfg->domain = g_strdup("vessel.test");
    cfg->state_dir = g_strdup("/run/vessel/network");
    netbridge_net_config_add_host(cfg, "02:56:53:00:00:05", "192.168.150.5", "db");
    return cfg;
}

typedef void (*ConfigBreak)(NetbridgeNetConfig *cfg);

static void brk_name(NetbridgeNetConfig *c) { g_free(c->name); c->name = g_strdup("a/b"); }
static void brk_bridge(NetbridgeNetConfig *c) { g_free(c->bridge); c->bridge = g_strdup("vbr0123456789abcdef"); }
static void brk_mac(NetbridgeNetConfig *c) { c->mac = g_strdup("01:02:03:04:05:06"); }
static void brk_addr(NetbridgeNetConfig *c) { g_free(c->ipv4_address); c->ipv4_address = g_strdup("192.168.150"); }
static void brk_prefix(NetbridgeNetConfig *c) { c->ipv4_prefix = 31; }
static void brk_range(NetbridgeNetConfig *c) { g_free(c->dhcp_end); c->dhcp_end = g_strdup("192.168.151.9"); }
static void brk_reversed(NetbridgeNetConfig *c) { g_free(c->dhcp_start); c->dhcp_start = g_strdup("192.168.150.255"); }
static void brk_half(NetbridgeNetConfig *c) { g_clear_pointer(&c->dhcp_end, g_free); }
static void brk_host(NetbridgeNetConfig *c) { netbridge_net_config_add_host(c, "02:56:53:00:00:06", "10.0.0.6", NULL); }
static void brk_hostname(NetbridgeNetConfig *c) { netbridge_net_config_add_host(c, "02:56:53:00:00:06", "192.168.150.6", "a b"); }
static void brk_dir(NetbridgeNetConfig *c) { g_free(c->state_dir); c->state_dir = g_strdup("relative"); }
static void brk_domain(NetbridgeNetConfig *c) { g_free(c->domain); c->domain = g_strdup("x\ny"); }
static void brk_noip(NetbridgeNetConfig *c) { g_clear_pointer(&c->ipv4_address, g_free); }
static void brk_mode(NetbridgeNetConfig *c) { c->forward = NETBRIDGE_FORWARD_LAST; }
static void brk_delay(NetbridgeNetConfig *c) { c->delay = 31; }

static void test_config_validate(void)
{
    static const ConfigBreak breaks[] = {
        brk_name, brk_bridge, brk_mac, brk_addr, brk_prefix, brk_range, brk_reversed,
        brk_half, brk_host, brk_hostname, brk_dir, brk_domain, brk_noip, brk_mode, brk_delay,
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(NetbridgeNetConfig) good = config_nat();
    g_autoptr(NetbridgeNetConfig) bare = netbridge_net_config_new();

    g_assert_true(netbridge_net_config_validate(good, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(netbridge_net_config_dhcp_size(good), ==, 253);

    /* An isolated bridge with no IP at all is fine. */
    bare->name = g_strdup("bare");
    bare->bridge = g_strdup("vbr9");
    bare->state_dir = g_strdup("/tmp");
    g_assert_true(netbridge_net_config_validate(bare, &error));
    g_assert_no_error(error);

    for (guint i = 0; i < G_N_ELEMENTS(breaks); i++) {
        g_autoptr(NetbridgeNetConfig) cfg = config_nat();
        breaks[i](cfg);
        g_assert_false(netbridge_net_config_validate(cfg, &error));
        g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
        g_clear_error(&error);
    }

    g_assert_cmpint(netbridge_forward_mode_from_string("nat"), ==, NETBRIDGE_FORWARD_NAT);
    g_assert_cmpint(netbridge_forward_mode_from_string("none"), ==, NETBRIDGE_FORWARD_ISOLATED);
    g_assert_cmpint(netbridge_forward_mode_from_string("bridge"), ==, -1);
    for (int i = 0; i < NETBRIDGE_FORWARD_LAST; i++)
        g_assert_cmpint(netbridge_forward_mode_from_string(netbridge_forward_mode_to_string(i)), ==, i);
}

static void test_nft_script(void)
{
    g_autoptr(NetbridgeNetConfig) cfg = config_nat();
    g_autofree char *nat = netbridge_nft_script_apply(cfg);
    g_autofree char *route = NULL;
    g_autofree char *iso = NULL;
    g_autofree char *rm = netbridge_nft_script_remove(cfg);

    /* Only our table is ever named. */
    for (const char *p = nat; (p = strstr(p, " ip ")); p += 4)
        g_assert_true(g_str_has_prefix(p, " ip vessel\n") || g_str_has_prefix(p, " ip vessel ") || g_str_has_prefix(p, " ip saddr") ||
                      g_str_has_prefix(p, " ip daddr"));
    g_assert_true(g_str_has_prefix(nat, "add table ip vessel\n"));
    g_assert_nonnull(strstr(nat, "add chain ip vessel fwd-vbr0 { type filter hook forward"));
    g_assert_nonnull(strstr(nat, "flush chain ip vessel fwd-vbr0\n"));
    g_assert_nonnull(strstr(nat, "add chain ip vessel nat-vbr0 { type nat hook postrouting"));
    g_assert_nonnull(strstr(nat, "ip saddr 192.168.150.0/24 ip daddr != 192.168.150.0/24 masquerade"));
    g_assert_nonnull(strstr(nat, "ct state established,related accept"));
    g_assert_nonnull(strstr(nat, "comment \"vessel network default\""));

    cfg->forward_dev = g_strdup("eth0");
    g_free(nat);
    nat = netbridge_nft_script_apply(cfg);
    g_assert_nonnull(strstr(nat, "daddr != 192.168.150.0/24 oifname \"eth0\" masquerade"));

    cfg->forward = NETBRIDGE_FORWARD_ROUTE;
    route = netbridge_nft_script_apply(cfg);
    g_assert_null(strstr(route, "masquerade"));
    g_assert_null(strstr(route, "ct state"));
    g_assert_nonnull(strstr(route, "oifname \"vbr0\" iifname \"eth0\" ip daddr 192.168.150.0/24 accept"));
    g_assert_nonnull(strstr(route, "delete chain ip vessel nat-vbr0\n"));

    cfg->forward = NETBRIDGE_FORWARD_ISOLATED;
    iso = netbridge_nft_script_apply(cfg);
    g_assert_null(strstr(iso, "ip saddr"));
    g_assert_nonnull(strstr(iso, "iifname \"vbr0\" reject"));
    g_assert_nonnull(strstr(iso, "oifname \"vbr0\" reject"));

    /* Removal declares, flushes and deletes each chain: valid whether or
     * not the chains exist. */
    g_assert_nonnull(strstr(rm, "add chain ip vessel fwd-vbr0 {"));
    g_assert_nonnull(strstr(rm, "flush chain ip vessel fwd-vbr0\ndelete chain ip vessel fwd-vbr0\n"));
    g_assert_nonnull(strstr(rm, "flush chain ip vessel nat-vbr0\ndelete chain ip vessel nat-vbr0\n"));
}

static void test_dnsmasq_config(void)
{
    g_autoptr(NetbridgeNetConfig) cfg = config_nat();
    g_autofree char *text = netbridge_dnsmasq_config_format(cfg);
    g_autofree char *iso = NULL;
    g_autofree char *nodhcp = NULL;
    static const char *const expect[] = {
        "\npid-file=/run/vessel/network/default.pid\n",
        "\ninterface=vbr0\n",
        "\nbind-dynamic\n",
        "\nexcept-interface=lo\n",
        "\ndhcp-range=192.168.150.2,192.168.150.254,255.255.255.0\n",
        "\ndhcp-leasefile=/run/vessel/network/default.leases\n",
        "\ndhcp-lease-max=254\n",
        "\ndhcp-host=02:56:53:00:00:05,192.168.150.5,db\n",
        "\ndomain=vessel.test\n",
        "\nlocal=/vessel.test/\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS(expect); i++) {
        if (!strstr(text, expect[i]))
            g_error("missing %s in:\n%s", expect[i], text);
    }
    g_assert_null(strstr(text, "no-resolv"));
    g_assert_null(strstr(text, "user="));

    cfg->forward = NETBRIDGE_FORWARD_ISOLATED;
    cfg->dnsmasq_user = g_strdup("vessel-dnsmasq");
    iso = netbridge_dnsmasq_config_format(cfg);
    g_assert_nonnull(strstr(iso, "\nno-resolv\n"));
    g_assert_nonnull(strstr(iso, "\ndhcp-option=3\n"));
    g_assert_nonnull(strstr(iso, "\nuser=vessel-dnsmasq\n"));

    /* Static hosts without a range: a static-only DHCP range. */
    g_clear_pointer(&cfg->dhcp_start, g_free);
    g_clear_pointer(&cfg->dhcp_end, g_free);
    nodhcp = netbridge_dnsmasq_config_format(cfg);
    g_assert_nonnull(strstr(nodhcp, "\ndhcp-range=192.168.150.0,static,255.255.255.0\n"));
    g_ptr_array_set_size(cfg->dhcp_hosts, 0);
    g_free(nodhcp);
    nodhcp = netbridge_dnsmasq_config_format(cfg);
    g_assert_null(strstr(nodhcp, "dhcp"));
}

static void test_leases_parse(void)
{
    static const char text[] =
        "1700000000 02:56:53:aa:bb:01 192.168.150.23 guest1 01:02:56:53:aa:bb:01\n"
        "0 02:56:53:AA:BB:02 192.168.150.5 * *\n"
        "duid 00:01:00:01:2c:4f:1a:2b:02:56:53:00:00:01\n"
        "1700000300 11223344 fd00::23 guest6 00:01:00:01:aa:bb:cc:dd\n"
        "\n"
        "1700000400 02:56:53:aa:bb:03 192.168.150.24 old\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) leases = netbridge_leases_parse(text, 24, 64, &error);
    const NetbridgeLease *l;

    g_assert_no_error(error);
    g_assert_cmpuint(leases->len, ==, 4);

    l = g_ptr_array_index(leases, 0);
    g_assert_cmpint(l->expiry, ==, 1700000000);
    g_assert_cmpstr(l->mac, ==, "02:56:53:aa:bb:01");
    g_assert_cmpint(l->protocol, ==, NETBRIDGE_LEASE_IPV4);
    g_assert_cmpstr(netbridge_lease_protocol_to_string(l->protocol), ==, "ipv4");
    g_assert_cmpstr(l->ip, ==, "192.168.150.23");
    g_assert_cmpuint(l->prefix, ==, 24);
    g_assert_cmpstr(l->hostname, ==, "guest1");
    g_assert_cmpstr(l->client_id, ==, "01:02:56:53:aa:bb:01");

    l = g_ptr_array_index(leases, 1);
    g_assert_cmpint(l->expiry, ==, 0);
    g_assert_cmpstr(l->mac, ==, "02:56:53:aa:bb:02");
    g_assert_null(l->hostname);
    g_assert_null(l->client_id);

    l = g_ptr_array_index(leases, 2);
    g_assert_cmpint(l->protocol, ==, NETBRIDGE_LEASE_IPV6);
    g_assert_null(l->mac);
    g_assert_cmpstr(l->iaid, ==, "11223344");
    g_assert_cmpstr(l->ip, ==, "fd00::23");
    g_assert_cmpuint(l->prefix, ==, 64);
    g_assert_cmpstr(l->client_id, ==, "00:01:00:01:aa:bb:cc:dd");

    l = g_ptr_array_index(leases, 3);
    g_assert_cmpstr(l->hostname, ==, "old");
    g_assert_null(l->client_id);

    static const char *const bad[] = {
        "abc 02:56:53:aa:bb:01 192.168.150.23 h *\n",
        "1 02:56:53:aa:bb:01 192.168.150.300 h *\n",
        "1 nonsense 192.168.150.23 h *\n",
        "1 02:56:53:aa:bb:01\n",
        "-5 02:56:53:aa:bb:01 192.168.150.23 h *\n",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GPtrArray) none = netbridge_leases_parse(bad[i], 24, 64, &error);
        g_assert_null(none);
        g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
        g_clear_error(&error);
    }
    g_clear_pointer(&leases, g_ptr_array_unref);
    leases = netbridge_leases_parse("", 24, 64, &error);
    g_assert_cmpuint(leases->len, ==, 0);
}

/* netbridge_leases_read(): the network's leases file, none when absent. */
static void test_leases_read(void)
{
    g_autoptr(NetbridgeNetConfig) cfg = config_nat();
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) leases = NULL;
    g_autofree char *dir = g_dir_make_tmp("vessel-leases-XXXXXX", &error);
    g_autofree char *path = NULL;

    g_assert_no_error(error);
    g_free(cfg->state_dir);
    cfg->state_dir = g_strdup(dir);
    path = netbridge_net_config_path(cfg, "leases");
    g_assert_true(g_str_has_suffix(path, "/default.leases"));

    leases = netbridge_leases_read(cfg, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(leases->len, ==, 0);
    g_clear_pointer(&leases, g_ptr_array_unref);

    g_assert_true(g_file_set_contents(path, "0 02:56:53:aa:bb:01 192.168.150.7 h *\n", -1, NULL));
    leases = netbridge_leases_read(cfg, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(leases->len, ==, 1);
    g_assert_cmpuint(((NetbridgeLease *)g_ptr_array_index(leases, 0))->prefix, ==, 24);
    g_clear_pointer(&leases, g_ptr_array_unref);

    g_assert_true(g_file_set_contents(path, "garbage\n", -1, NULL));
    leases = netbridge_leases_read(cfg, &error);
    g_assert_null(leases);
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, path));

    g_unlink(path);
    g_rmdir(dir);
}

static void test_ifname(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(netbridge_ifname_validate("vbr0", FALSE, &error));
    g_assert_true(netbridge_ifname_validate("vtap%d", TRUE, &error));
    g_assert_true(netbridge_ifname_validate("a.b-c_d", FALSE, &error));
    g_assert_no_error(error);
    static const char *const bad[] = { "", "vtap%d", "a b", "0123456789abcdef", "..", "x/y", "a:b" };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(netbridge_ifname_validate(bad[i], FALSE, &error));
        g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
        g_clear_error(&error);
    }
    g_assert_false(netbridge_ifname_validate("v%d%d", TRUE, &error));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netbridge/unit/mac", test_mac);
    g_test_add_func("/netbridge/unit/ifname", test_ifname);
    g_test_add_func("/netbridge/unit/config-validate", test_config_validate);
    g_test_add_func("/netbridge/unit/nft-script", test_nft_script);
    g_test_add_func("/netbridge/unit/dnsmasq-config", test_dnsmasq_config);
    g_test_add_func("/netbridge/unit/leases-parse", test_leases_parse);
    g_test_add_func("/netbridge/unit/leases-read", test_leases_read);
    return g_test_run();
}
