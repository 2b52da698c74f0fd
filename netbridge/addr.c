/* addr.c - IPv4 addresses through libnl-route-3 (see addr.h). */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>
#include <netlink/route/addr.h>

#include "i18n.h"
#include "netbridge/addr.h"
#include "netbridge/error.h"
#include "netbridge/link.h"
#include "netbridge/nlsock.h"

typedef struct rtnl_addr NbRtnlAddr;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NbRtnlAddr, rtnl_addr_put)

gboolean netbridge_ipv4_validate(const char *address, guint prefix, GError **error)
{
    struct in_addr in;

    if (!address || inet_pton(AF_INET, address, &in) != 1) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("invalid IPv4 address '%s'"), address ? address : "");
        return FALSE;
    }
    if (prefix > 32) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("invalid IPv4 prefix length %u"), prefix);
        return FALSE;
    }
    return TRUE;
}

/* A libnl address object for @address/@prefix on interface @ifindex. */
static struct rtnl_addr *addr_build(int ifindex, const char *address, guint prefix,
                                    gboolean with_broadcast)
{
    struct rtnl_addr *a = rtnl_addr_alloc();
    struct in_addr in;
    g_autoptr(NbNlAddr) local = NULL;

    inet_pton(AF_INET, address, &in);
    local = nl_addr_build(AF_INET, &in, sizeof(in));
    nl_addr_set_prefixlen(local, prefix);
    rtnl_addr_set_ifindex(a, ifindex);
    rtnl_addr_set_family(a, AF_INET);
    rtnl_addr_set_local(a, local);
    rtnl_addr_set_prefixlen(a, prefix);
    if (with_broadcast && prefix < 31) {
        guint32 mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
        struct in_addr brd = { .s_addr = in.s_addr | ~mask };
        g_autoptr(NbNlAddr) b = nl_addr_build(AF_INET, &brd, sizeof(brd));
        rtnl_addr_set_broadcast(a, b);
    }
    return a;
}

static gboolean addr_change(const char *ifname, const char *address, guint prefix,
                            gboolean add, GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbRtnlLink) link = NULL;
    g_autoptr(NbRtnlAddr) a = NULL;
    int rc;

    if (!netbridge_ifname_validate(ifname, FALSE, error) ||
        !netbridge_ipv4_validate(address, prefix, error))
        return FALSE;
    if (!(sk = nb_nlsock_open(error)))
        return FALSE;
    if (!(link = nb_nlsock_link_get(sk, ifname, error)))
        return FALSE;
    a = addr_build(rtnl_link_get_ifindex(link), address, prefix, add);
    rc = add ? rtnl_addr_add(sk, a, NLM_F_EXCL) : rtnl_addr_delete(sk, a, 0);
    if (rc < 0) {
        g_autofree char *msg = add
            ? g_strdup_printf(_("cannot add address %s/%u to %s"), address, prefix, ifname)
            : g_strdup_printf(_("cannot remove address %s/%u from %s"), address, prefix, ifname);
        /* The kernel says EADDRNOTAVAIL for a missing address. */
        if (!add && rc == -NLE_NOADDR)
            rc = -NLE_OBJ_NOTFOUND;
        return nb_nlsock_error(rc, msg, error);
    }
    return TRUE;
}

gboolean netbridge_addr_add(const char *ifname, const char *address, guint prefix, GError **error)
{
    return addr_change(ifname, address, prefix, TRUE, error);
}

gboolean netbridge_addr_remove(const char *ifname, const char *address, guint prefix,
                               GError **error)
{
    return addr_change(ifname, address, prefix, FALSE, error);
}

GPtrArray *netbridge_addr_list(const char *ifname, GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbRtnlLink) link = NULL;
    g_autoptr(NbNlCache) cache = NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    int ifindex, rc;

    if (!netbridge_ifname_validate(ifname, FALSE, error))
        return NULL;
    if (!(sk = nb_nlsock_open(error)))
        return NULL;
    if (!(link = nb_nlsock_link_get(sk, ifname, error)))
        return NULL;
    ifindex = rtnl_link_get_ifindex(link);
    rc = rtnl_addr_alloc_cache(sk, &cache);
    if (rc < 0) {
        nb_nlsock_error(rc, _("cannot list addresses"), error);
        return NULL;
    }
    for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        struct rtnl_addr *a = (struct rtnl_addr *)o;
        struct nl_addr *local = rtnl_addr_get_local(a);
        char buf[INET_ADDRSTRLEN];

        if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != AF_INET ||
            !local || nl_addr_get_len(local) != 4)
            continue;
        if (!inet_ntop(AF_INET, nl_addr_get_binary_addr(local), buf, sizeof(buf)))
            continue;
        g_ptr_array_add(out, g_strdup_printf("%s/%d", buf, rtnl_addr_get_prefixlen(a)));
    }
    return g_steal_pointer(&out);
}

gboolean netbridge_addr_find_overlap(const char *address, guint prefix, const char *except,
                                     char **ifname_out, GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbNlCache) addrs = NULL;
    g_autoptr(NbNlCache) links = NULL;
    struct in_addr in;
    guint32 ours;
    int rc;

    *ifname_out = NULL;
    if (!netbridge_ipv4_validate(address, prefix, error))
        return FALSE;
    inet_pton(AF_INET, address, &in);
    ours = ntohl(in.s_addr);
    if (!(sk = nb_nlsock_open(error)))
        return FALSE;
    if ((rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0 ||
        (rc = rtnl_addr_alloc_cache(sk, &addrs)) < 0)
        return nb_nlsock_error(rc, _("cannot list addresses"), error);

    for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
        struct rtnl_addr *a = (struct rtnl_addr *)o;
        struct nl_addr *local = rtnl_addr_get_local(a);
        char name[IFNAMSIZ] = "";
        guint32 theirs, mask;
        guint plen;

        if (rtnl_addr_get_family(a) != AF_INET || !local || nl_addr_get_len(local) != 4)
            continue;
        if (!rtnl_link_i2name(links, rtnl_addr_get_ifindex(a), name, sizeof(name)) ||
            (except && strcmp(name, except) == 0))
            continue;
        plen = MIN((guint)rtnl_addr_get_prefixlen(a), prefix);
        mask = plen ? ~0u << (32 - plen) : 0;
        memcpy(&theirs, nl_addr_get_binary_addr(local), 4);
        theirs = ntohl(theirs);
        if ((theirs & mask) == (ours & mask)) {
            *ifname_out = g_strdup(name);
            return TRUE;
        }
    }
    return TRUE;
}
