/* bridge.c - bridge creation and deletion (see bridge.h). */
#include "config.h"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link/bridge.h>

#include "i18n.h"
#include "netbridge/bridge.h"
#include "netbridge/error.h"
#include "netbridge/link.h"
#include "netbridge/mac.h"
#include "netbridge/nlsock.h"

gboolean netbridge_bridge_create(const char *name, const char *mac, guint mtu, GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbRtnlLink) link = NULL;
    g_autoptr(NbNlAddr) addr = NULL;
    g_autofree char *generated = NULL;
    guint8 bin[NETBRIDGE_MAC_LEN];
    int rc;

    if (!netbridge_ifname_validate(name, FALSE, error))
        return FALSE;
    if (!mac)
        mac = generated = netbridge_mac_generate();
    if (!netbridge_mac_parse(mac, bin, error))
        return FALSE;
    if (mtu && (mtu < 68 || mtu > 65535)) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("MTU %u is out of range (68-65535)"), mtu);
        return FALSE;
    }
    if (!(sk = nb_nlsock_open(error)))
        return FALSE;

    link = rtnl_link_bridge_alloc();
    if (!link) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NETLINK,
                    _("cannot allocate bridge %s"), name);
        return FALSE;
    }
    rtnl_link_set_name(link, name);
    addr = nl_addr_build(AF_LLC, bin, sizeof(bin));
    rtnl_link_set_addr(link, addr);
    if (mtu)
        rtnl_link_set_mtu(link, mtu);
    rc = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
    if (rc < 0) {
        g_autofree char *msg = g_strdup_printf(_("cannot create bridge %s"), name);
        return nb_nlsock_error(rc, msg, error);
    }
    return TRUE;
}

typedef struct nl_msg NbNlMsg;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NbNlMsg, nlmsg_free)

gboolean netbridge_bridge_set_stp(const char *name, gboolean stp, guint delay_s, GError **error)
{
    g_autoptr(NetbridgeLinkInfo) info = NULL;
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbNlMsg) msg = NULL;
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct nlattr *linkinfo, *data;
    int rc;

    if (delay_s > 30) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("bridge forward delay %u s is out of range (0-30)"), delay_s);
        return FALSE;
    }
    if (!(info = netbridge_link_get(name, error)))
        return FALSE;
    if (info->kind != NETBRIDGE_LINK_KIND_BRIDGE) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("interface %s is not a bridge"), name);
        return FALSE;
    }
    if (!(sk = nb_nlsock_open(error)))
        return FALSE;

    ifi.ifi_index = info->ifindex;
    msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
    if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
        !(linkinfo = nla_nest_start(msg, IFLA_LINKINFO)) ||
        nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
        !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
        /* clock_t in USER_HZ (100 per second); before STP, see bridge.h */
        nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, delay_s * 100) < 0 ||
        nla_put_u32(msg, IFLA_BR_STP_STATE, stp ? 1 : 0) < 0) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NETLINK,
                    _("cannot build the STP request for bridge %s"), name);
        return FALSE;
    }
    nla_nest_end(msg, data);
    nla_nest_end(msg, linkinfo);
    rc = nl_send_sync(sk, g_steal_pointer(&msg));   /* frees the message */
    if (rc < 0) {
        g_autofree char *what = g_strdup_printf(_("cannot set STP on bridge %s"), name);
        return nb_nlsock_error(rc, what, error);
    }
    return TRUE;
}

char *netbridge_bridge_name_pick(const char *const *reserved, GError **error)
{
    g_autoptr(GPtrArray) links = netbridge_link_list(NETBRIDGE_BRIDGE_PREFIX,
                                                     NETBRIDGE_LINK_KIND_LAST, error);
    g_autoptr(GHashTable) taken = g_hash_table_new(g_str_hash, g_str_equal);

    if (!links)
        return NULL;
    for (guint i = 0; i < links->len; i++)
        g_hash_table_add(taken, ((NetbridgeLinkInfo *)g_ptr_array_index(links, i))->name);
    for (guint i = 0; reserved && reserved[i]; i++)
        g_hash_table_add(taken, (char *)reserved[i]);
    for (guint n = 0; n < 10000; n++) {
        g_autofree char *name = g_strdup_printf(NETBRIDGE_BRIDGE_PREFIX "%u", n);
        if (!g_hash_table_contains(taken, name))
            return g_steal_pointer(&name);
    }
    g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_EXISTS, _("no free bridge name left"));
    return NULL;
}

gboolean netbridge_bridge_delete(const char *name, GError **error)
{
    g_autoptr(NetbridgeLinkInfo) info = netbridge_link_get(name, error);

    if (!info)
        return FALSE;
    if (info->kind != NETBRIDGE_LINK_KIND_BRIDGE) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("interface %s is not a bridge"), name);
        return FALSE;
    }
    return netbridge_link_delete(name, error);
}
