/* test-link.c - bridge, address and tap lifecycle in a private netns.
 *
 * Each test creates a namespace (`ip netns add`), and a subprocess of
 * this program enters it and drives libvesselnet, then the parent deletes
 * the namespace.  tap-traffic uses the tap fd as the VMM will: a frame
 * written with a virtio-net header gets the host's answer back. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netbridge/netbridge.h"
#include "tests/lib/vtest.h"
#include "tests/netbridge/nbtest.h"

static gboolean str_array_has(GPtrArray *a, const char *s)
{
    for (guint i = 0; i < a->len; i++) {
        if (g_strcmp0(g_ptr_array_index(a, i), s) == 0)
            return TRUE;
    }
    return FALSE;
}

static void bridge_lifecycle_child(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetbridgeLinkInfo) info = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GPtrArray) addrs = NULL;

    nbtest_netns_enter_from_env();

    g_assert_true(netbridge_bridge_create("vbrt0", "02:56:53:01:02:03", 1400, &error));
    g_assert_no_error(error);
    g_assert_false(netbridge_bridge_create("vbrt0", NULL, 0, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_false(netbridge_bridge_create("bad name", NULL, 0, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_clear_error(&error);

    info = netbridge_link_get("vbrt0", &error);
    g_assert_no_error(error);
    g_assert_cmpint(info->kind, ==, NETBRIDGE_LINK_KIND_BRIDGE);
    g_assert_cmpstr(info->mac, ==, "02:56:53:01:02:03");
    g_assert_cmpuint(info->mtu, ==, 1400);
    g_assert_false(info->up);
    g_clear_pointer(&info, netbridge_link_info_free);

    g_assert_true(netbridge_link_set_mtu("vbrt0", 1450, &error));
    g_assert_true(netbridge_link_set_mac("vbrt0", "02:56:53:0A:0B:0C", &error));
    g_assert_true(netbridge_link_set_up("vbrt0", TRUE, &error));
    g_assert_no_error(error);
    info = netbridge_link_get("vbrt0", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(info->mtu, ==, 1450);
    g_assert_cmpstr(info->mac, ==, "02:56:53:0a:0b:0c");
    g_assert_true(info->up);
    g_clear_pointer(&info, netbridge_link_info_free);
    /* Spanning tree and forward delay (the kernel's STP minimum is 2 s). */
    g_assert_true(netbridge_bridge_set_stp("vbrt0", TRUE, 0, &error));
    g_assert_no_error(error);
    {
        g_autofree char *shown = nbtest_ip("-d", "link", "show", "dev", "vbrt0", NULL);
        g_assert_nonnull(strstr(shown, "forward_delay 200 "));
        g_assert_nonnull(strstr(shown, "stp_state 1 "));
    }
    g_assert_true(netbridge_bridge_set_stp("vbrt0", FALSE, 15, &error));
    g_assert_no_error(error);
    {
        g_autofree char *shown = nbtest_ip("-d", "link", "show", "dev", "vbrt0", NULL);
        g_assert_nonnull(strstr(shown, "forward_delay 1500 "));
        g_assert_nonnull(strstr(shown, "stp_state 0 "));
    }
    g_assert_false(netbridge_bridge_set_stp("lo", TRUE, 0, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_clear_error(&error);

    g_assert_false(netbridge_link_set_mtu("vbrt0", 20, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_clear_error(&error);

    /* Addresses. */
    g_assert_true(netbridge_addr_add("vbrt0", "10.9.0.1", 24, &error));
    g_assert_no_error(error);
    g_assert_false(netbridge_addr_add("vbrt0", "10.9.0.1", 24, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_EXISTS);
    g_clear_error(&error);
    addrs = netbridge_addr_list("vbrt0", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(addrs->len, ==, 1);
    g_assert_true(str_array_has(addrs, "10.9.0.1/24"));
    g_clear_pointer(&addrs, g_ptr_array_unref);
    {
        g_autofree char *shown = nbtest_ip("-4", "addr", "show", "dev", "vbrt0", NULL);
        g_assert_nonnull(strstr(shown, "inet 10.9.0.1/24 brd 10.9.0.255"));
    }
    {
        static const struct { const char *ip; guint prefix; const char *except, *user; } ov[] = {
            { "10.9.0.77", 24, NULL, "vbrt0" },
            { "10.9.0.77", 24, "vbrt0", NULL },
            { "10.9.0.200", 25, NULL, "vbrt0" },
            { "10.0.0.1", 8, NULL, "vbrt0" },
            { "10.9.1.1", 24, NULL, NULL },
        };
        for (guint i = 0; i < G_N_ELEMENTS(ov); i++) {
            g_autofree char *user = NULL;
            g_assert_true(netbridge_addr_find_overlap(ov[i].ip, ov[i].prefix, ov[i].except,
                                                      &user, &error));
            g_assert_no_error(error);
            g_assert_cmpstr(user, ==, ov[i].user);
        }
    }
    g_assert_true(netbridge_addr_remove("vbrt0", "10.9.0.1", 24, &error));
    g_assert_no_error(error);
    g_assert_false(netbridge_addr_remove("vbrt0", "10.9.0.1", 24, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND);
    g_clear_error(&error);
    addrs = netbridge_addr_list("vbrt0", &error);
    g_assert_cmpuint(addrs->len, ==, 0);
    g_assert_false(netbridge_addr_add("vbrt0", "10.9.0.300", 24, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_clear_error(&error);

    /* Reconciliation: listing by prefix and kind. */
    g_assert_true(netbridge_bridge_create("vbrt1", NULL, 0, &error));
    g_assert_true(netbridge_bridge_create("otherbr", NULL, 0, &error));
    g_assert_no_error(error);
    list = netbridge_link_list(NETBRIDGE_BRIDGE_PREFIX, NETBRIDGE_LINK_KIND_BRIDGE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 2);
    g_assert_cmpstr(((NetbridgeLinkInfo *)g_ptr_array_index(list, 0))->name, ==, "vbrt0");
    g_assert_cmpstr(((NetbridgeLinkInfo *)g_ptr_array_index(list, 1))->name, ==, "vbrt1");
    g_assert_true(g_str_has_prefix(((NetbridgeLinkInfo *)g_ptr_array_index(list, 1))->mac,
                                   NETBRIDGE_MAC_PREFIX ":"));
    g_clear_pointer(&list, g_ptr_array_unref);
    list = netbridge_link_list(NETBRIDGE_TAP_PREFIX, NETBRIDGE_LINK_KIND_LAST, &error);
    g_assert_cmpuint(list->len, ==, 0);

    /* Picking a free bridge name. */
    {
        static const char *const reserved[] = { "vbr1", NULL };
        g_autofree char *first = netbridge_bridge_name_pick(NULL, &error);
        g_autofree char *second = NULL;
        g_autofree char *third = NULL;

        g_assert_cmpstr(first, ==, "vbr0");
        g_assert_true(netbridge_bridge_create("vbr0", NULL, 0, &error));
        second = netbridge_bridge_name_pick(NULL, &error);
        g_assert_cmpstr(second, ==, "vbr1");
        third = netbridge_bridge_name_pick(reserved, &error);
        g_assert_cmpstr(third, ==, "vbr2");
        g_assert_true(netbridge_bridge_delete("vbr0", &error));
        g_assert_no_error(error);
    }

    /* Pruning leftovers by prefix keeps what is asked for and what is not
     * ours. */
    {
        static const char *const keep[] = { "vbrt1", NULL };
        g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(NetbridgeLinkInfo) kept = NULL;
        g_autoptr(NetbridgeLinkInfo) other = NULL;

        g_assert_true(netbridge_bridge_create("vbrt9", NULL, 0, &error));
        g_assert_true(netbridge_link_prune("vbrt", NETBRIDGE_LINK_KIND_BRIDGE, keep, removed,
                                           &error));
        g_assert_no_error(error);
        g_assert_cmpuint(removed->len, ==, 2);
        g_assert_cmpstr(g_ptr_array_index(removed, 0), ==, "vbrt0");
        g_assert_cmpstr(g_ptr_array_index(removed, 1), ==, "vbrt9");
        kept = netbridge_link_get("vbrt1", &error);
        other = netbridge_link_get("otherbr", &error);
        g_assert_no_error(error);
        g_assert_false(netbridge_link_prune("", NETBRIDGE_LINK_KIND_LAST, NULL, NULL, &error));
        g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
        g_clear_error(&error);
        g_assert_true(netbridge_bridge_create("vbrt0", NULL, 0, &error));   /* for below */
        g_assert_no_error(error);
    }

    /* Deletion refuses what is not a bridge and is exact. */
    g_assert_false(netbridge_bridge_delete("lo", &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_true(netbridge_bridge_delete("vbrt0", &error));
    g_assert_true(netbridge_bridge_delete("vbrt1", &error));
    g_assert_true(netbridge_bridge_delete("otherbr", &error));
    g_assert_no_error(error);
    g_assert_null(netbridge_link_get("vbrt0", &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_false(netbridge_bridge_delete("vbrt0", &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND);
}

static void test_bridge_lifecycle(void)
{
    g_autofree char *ns = NULL;

    if (g_test_subprocess()) {
        bridge_lifecycle_child();
        return;
    }
    if (!(ns = nbtest_netns_new("bridge")))
        return;
    nbtest_run_in_netns(ns);
}

/* In a child running as @uid, attach to tap @name by TUNSETIFF; returns
 * 0 or the errno. */
static int tap_attach_as(uid_t uid, const char *name)
{
    pid_t pid = fork();
    int status;

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
        int fd;

        g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
        /* Opened before dropping privileges: /dev/net/tun may be 0600;
         * the owner check happens at TUNSETIFF. */
        fd = open("/dev/net/tun", O_RDWR);
        if (fd < 0)
            _exit(101);
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
            setresuid(uid, uid, uid) < 0)
            _exit(100);
        _exit(ioctl(fd, TUNSETIFF, &ifr) < 0 ? errno : 0);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void tap_lifecycle_child(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetbridgeLinkInfo) info = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autofree char *ifname = NULL;
    g_autofree char *pname = NULL;
    g_autofree char *tap_mac = netbridge_mac_for_tap("02:56:53:aa:bb:cc", NULL);
    g_autofree char *shown = NULL;
    NetbridgeTapOptions opts = {
        .flags = NETBRIDGE_TAP_VNET_HDR | NETBRIDGE_TAP_SET_OWNER | NETBRIDGE_TAP_SET_GROUP,
        .owner = 4242,
        .group = 4343,
        .mac = tap_mac,
        .bridge = "vbrt2",
    };
    int fd;

    nbtest_netns_enter_from_env();
    g_assert_cmpstr(tap_mac, ==, "fe:56:53:aa:bb:cc");

    /* Attaching to a missing bridge fails and leaves no tap. */
    fd = netbridge_tap_create(&opts, &ifname, &error);
    g_assert_cmpint(fd, ==, -1);
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND);
    g_clear_error(&error);
    list = netbridge_link_list(NETBRIDGE_TAP_PREFIX, NETBRIDGE_LINK_KIND_LAST, &error);
    g_assert_cmpuint(list->len, ==, 0);
    g_clear_pointer(&list, g_ptr_array_unref);

    g_assert_true(netbridge_bridge_create("vbrt2", NULL, 1400, &error));
    g_assert_true(netbridge_link_set_up("vbrt2", TRUE, &error));
    g_assert_no_error(error);

    fd = netbridge_tap_create(&opts, &ifname, &error);
    g_assert_no_error(error);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(g_str_has_prefix(ifname, NETBRIDGE_TAP_PREFIX));

    info = netbridge_link_get(ifname, &error);
    g_assert_no_error(error);
    g_assert_cmpint(info->kind, ==, NETBRIDGE_LINK_KIND_TUN);
    g_assert_cmpstr(info->master, ==, "vbrt2");
    g_assert_cmpuint(info->mtu, ==, 1400);   /* inherited from the bridge */
    g_assert_cmpstr(info->mac, ==, "fe:56:53:aa:bb:cc");
    g_assert_true(info->up);
    g_clear_pointer(&info, netbridge_link_info_free);

    shown = nbtest_ip("-d", "link", "show", "dev", ifname, NULL);
    g_assert_nonnull(strstr(shown, "tun type tap pi off vnet_hdr on persist off"));
    g_assert_nonnull(strstr(shown, "user 4242 group 4343"));
    g_assert_nonnull(strstr(shown, "master vbrt2"));

    list = netbridge_link_list(NETBRIDGE_TAP_PREFIX, NETBRIDGE_LINK_KIND_TUN, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 1);
    g_assert_cmpstr(((NetbridgeLinkInfo *)g_ptr_array_index(list, 0))->name, ==, ifname);
    g_clear_pointer(&list, g_ptr_array_unref);

    /* Detach and re-attach. */
    g_assert_true(netbridge_link_set_master(ifname, NULL, &error));
    info = netbridge_link_get(ifname, &error);
    g_assert_null(info->master);
    g_assert_cmpint(info->master_ifindex, ==, 0);
    g_clear_pointer(&info, netbridge_link_info_free);
    g_assert_false(netbridge_link_set_master(ifname, "lo", &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_true(netbridge_link_set_master(ifname, "vbrt2", &error));
    g_assert_no_error(error);

    /* Not persistent: closing the fd (the VMM exiting) removes it. */
    close(fd);
    g_assert_null(netbridge_link_get(ifname, &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* Persistent, with an explicit name: survives the fd, deleted by us;
     * its owner (only) can attach to it by name, as an unprivileged VMM
     * given --net tap=NAME would. */
    opts = (NetbridgeTapOptions){ .name = "vtapp0", .owner = 65534,
                                  .flags = NETBRIDGE_TAP_PERSIST | NETBRIDGE_TAP_SET_OWNER };
    fd = netbridge_tap_create(&opts, &pname, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(pname, ==, "vtapp0");
    close(fd);
    g_assert_cmpint(tap_attach_as(65534, "vtapp0"), ==, 0);
    g_assert_cmpint(tap_attach_as(65533, "vtapp0"), ==, EPERM);
    info = netbridge_link_get("vtapp0", &error);
    g_assert_no_error(error);
    g_assert_null(info->master);
    g_assert_false(netbridge_tap_delete("vbrt2", &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_true(netbridge_tap_delete("vtapp0", &error));
    g_assert_no_error(error);
    g_assert_false(netbridge_tap_delete("vtapp0", &error));
    g_assert_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND);
    g_clear_error(&error);

    g_assert_true(netbridge_bridge_delete("vbrt2", &error));
    g_assert_no_error(error);
    list = netbridge_link_list("v", NETBRIDGE_LINK_KIND_LAST, &error);
    g_assert_cmpuint(list->len, ==, 0);
}

static void test_tap_lifecycle(void)
{
    g_autofree char *ns = NULL;

    if (g_test_subprocess()) {
        tap_lifecycle_child();
        return;
    }
    if (!(ns = nbtest_netns_new("tap")))
        return;
    nbtest_run_in_netns(ns);
}

/* An ARP request "who has @target? tell @sender" from @mac, after a zero
 * virtio 1.0 net header (12 bytes: the tap has IFF_VNET_HDR and
 * TUNSETVNETHDRSZ 12). */
static gsize arp_request_build(guint8 *buf, const guint8 mac[6], const guint8 sender[4],
                               const guint8 target[4])
{
    static const guint8 arp_head[] = { 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01 };
    gsize hdr = sizeof(struct virtio_net_hdr_mrg_rxbuf), off = hdr;

    memset(buf, 0, hdr);
    memset(buf + off, 0xff, 6);
    memcpy(buf + off + 6, mac, 6);
    off += 12;
    memcpy(buf + off, arp_head, sizeof(arp_head));
    off += sizeof(arp_head);
    memcpy(buf + off, mac, 6);
    memcpy(buf + off + 6, sender, 4);
    memset(buf + off + 10, 0, 6);
    memcpy(buf + off + 16, target, 4);
    off += 20;
    return off;
}

static void tap_traffic_child(void)
{
    static const guint8 guest_mac[6] = { 0x02, 0x56, 0x53, 0xaa, 0xbb, 0xcc };
    static const guint8 guest_ip[4] = { 10, 9, 3, 2 };
    static const guint8 bridge_ip[4] = { 10, 9, 3, 1 };
    g_autoptr(GError) error = NULL;
    g_autofree char *ifname = NULL;
    NetbridgeTapOptions opts = { .flags = NETBRIDGE_TAP_VNET_HDR, .bridge = "vbrt3",
                                 .vnet_hdr_size = sizeof(struct virtio_net_hdr_mrg_rxbuf) };
    gsize hdr = sizeof(struct virtio_net_hdr_mrg_rxbuf);
    guint8 frame[128];
    gsize len;
    gint64 deadline, next_ask = 0;
    gboolean answered = FALSE;
    int fd;

    nbtest_netns_enter_from_env();
    g_assert_true(netbridge_bridge_create("vbrt3", NULL, 0, &error));
    g_assert_true(netbridge_addr_add("vbrt3", "10.9.3.1", 24, &error));
    g_assert_true(netbridge_link_set_up("vbrt3", TRUE, &error));
    g_assert_no_error(error);
    fd = netbridge_tap_create(&opts, &ifname, &error);
    g_assert_no_error(error);

    /* What a VMM does: write a guest frame, read the host's answer. */
    len = arp_request_build(frame, guest_mac, guest_ip, bridge_ip);
    deadline = g_get_monotonic_time() + (gint64)vt_timeout_ms(10000) * 1000;
    while (!answered && g_get_monotonic_time() < deadline) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        guint8 in[2048];
        gssize n;
        const guint8 *eth;

        /* Ask, and ask again now and then as a guest would: the new port
         * may not forward the very first frame. */
        if (g_get_monotonic_time() >= next_ask) {
            g_assert_cmpint(write(fd, frame, len), ==, (gssize)len);
            next_ask = g_get_monotonic_time() + 200 * 1000;
        }
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        n = read(fd, in, sizeof(in));
        g_assert_cmpint(n, >, 0);
        if ((gsize)n < hdr + 42)
            continue;
        eth = in + hdr;
        /* ARP reply (oper 2) to us, from the bridge's address. */
        answered = eth[12] == 0x08 && eth[13] == 0x06 && eth[20] == 0 && eth[21] == 2 &&
                   memcmp(eth, guest_mac, 6) == 0 && memcmp(eth + 28, bridge_ip, 4) == 0 &&
                   memcmp(eth + 32, guest_mac, 6) == 0 && memcmp(eth + 38, guest_ip, 4) == 0;
    }
    g_assert_true(answered);
    close(fd);
    g_assert_true(netbridge_bridge_delete("vbrt3", &error));
    g_assert_no_error(error);
}

static void test_tap_traffic(void)
{
    g_autofree char *ns = NULL;

    if (g_test_subprocess()) {
        tap_traffic_child();
        return;
    }
    if (!(ns = nbtest_netns_new("traffic")))
        return;
    nbtest_run_in_netns(ns);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netbridge/link/bridge-lifecycle", test_bridge_lifecycle);
    g_test_add_func("/netbridge/link/tap-lifecycle", test_tap_lifecycle);
    g_test_add_func("/netbridge/link/tap-traffic", test_tap_traffic);
    return g_test_run();
}
