/* link.c - interface state and changes through libnl-route-3 (see link.h).
 *
 * Changes go through rtnl_link_change() with a "changes" object that
 * carries only the attributes to alter, so we never resend state we did
 * not mean to touch. */
#include "config.h"

#include <net/if.h>
#include <string.h>

#include "i18n.h"
#include "netbridge/error.h"
#include "netbridge/link.h"
#include "netbridge/mac.h"
#include "netbridge/nlsock.h"

static const char *const link_kind_names[] = {
    [NETBRIDGE_LINK_KIND_OTHER] = "other",
    [NETBRIDGE_LINK_KIND_BRIDGE] = "bridge",
    [NETBRIDGE_LINK_KIND_TUN] = "tun",
    [NETBRIDGE_LINK_KIND_VETH] = "veth",
};
G_STATIC_ASSERT(G_N_ELEMENTS(link_kind_names) == NETBRIDGE_LINK_KIND_LAST);

const char *netbridge_link_kind_to_string(NetbridgeLinkKind kind)
{
    return kind < NETBRIDGE_LINK_KIND_LAST ? link_kind_names[kind] : NULL;
}

static NetbridgeLinkKind link_kind_from_string(const char *s)
{
    for (int i = NETBRIDGE_LINK_KIND_BRIDGE; s && i < NETBRIDGE_LINK_KIND_LAST; i++) {
        if (strcmp(s, link_kind_names[i]) == 0)
            return i;
    }
    return NETBRIDGE_LINK_KIND_OTHER;
}

void netbridge_link_info_free(NetbridgeLinkInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    g_free(info->kind_name);
    g_free(info->mac);
    g_free(info->master);
    g_free(info);
}

gboolean netbridge_ifname_validate(const char *name, gboolean allow_template, GError **error)
{
    size_t len = name ? strlen(name) : 0;
    gboolean template_seen = FALSE;

    if (len == 0 || len >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        goto bad;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (allow_template && !template_seen && c == '%' && name[i + 1] == 'd') {
            template_seen = TRUE;
            i++;
            continue;
        }
        if (!g_ascii_isalnum(c) && c != '-' && c != '_' && c != '.')
            goto bad;
    }
    return TRUE;

bad:
    g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                _("invalid interface name '%s'"), name ? name : "");
    return FALSE;
}

/* Fill an info record; @cache (may be NULL) resolves the master's name. */
static NetbridgeLinkInfo *link_info_new(struct rtnl_link *link, struct nl_cache *cache,
                                        struct nl_sock *sk)
{
    NetbridgeLinkInfo *info = g_new0(NetbridgeLinkInfo, 1);
    struct nl_addr *addr = rtnl_link_get_addr(link);
    const char *type = rtnl_link_get_type(link);

    info->name = g_strdup(rtnl_link_get_name(link));
    info->ifindex = rtnl_link_get_ifindex(link);
    info->kind_name = g_strdup(type);
    info->kind = link_kind_from_string(type);
    info->mtu = rtnl_link_get_mtu(link);
    info->up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
    if (addr && nl_addr_get_len(addr) == NETBRIDGE_MAC_LEN)
        info->mac = netbridge_mac_format(nl_addr_get_binary_addr(addr));
    info->master_ifindex = rtnl_link_get_master(link);
    if (info->master_ifindex > 0) {
        char buf[IFNAMSIZ] = "";
        if (cache) {
            if (rtnl_link_i2name(cache, info->master_ifindex, buf, sizeof(buf)))
                info->master = g_strdup(buf);
        } else {
            g_autoptr(NbRtnlLink) m = NULL;
            if (rtnl_link_get_kernel(sk, info->master_ifindex, NULL, &m) >= 0)
                info->master = g_strdup(rtnl_link_get_name(m));
        }
    }
    return info;
}

NetbridgeLinkInfo *netbridge_link_get(const char *name, GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbRtnlLink) link = NULL;

    if (!netbridge_ifname_validate(name, FALSE, error))
        return NULL;
    if (!(sk = nb_nlsock_open(error)))
        return NULL;
    if (!(link = nb_nlsock_link_get(sk, name, error)))
        return NULL;
    return link_info_new(link, NULL, sk);
}

static gint link_info_cmp(gconstpointer a, gconstpointer b)
{
    const NetbridgeLinkInfo *x = *(NetbridgeLinkInfo *const *)a;
    const NetbridgeLinkInfo *y = *(NetbridgeLinkInfo *const *)b;
    return strcmp(x->name, y->name);
}

GPtrArray *netbridge_link_list(const char *prefix, NetbridgeLinkKind kind, GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbNlCache) cache = NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)netbridge_link_info_free);
    int rc;

    if (!(sk = nb_nlsock_open(error)))
        return NULL;
    rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
    if (rc < 0) {
        nb_nlsock_error(rc, _("cannot list interfaces"), error);
        return NULL;
    }
    for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        struct rtnl_link *link = (struct rtnl_link *)o;
        const char *name = rtnl_link_get_name(link);
        NetbridgeLinkInfo *info;

        if (!name || (prefix && !g_str_has_prefix(name, prefix)))
            continue;
        info = link_info_new(link, cache, sk);
        if (kind != NETBRIDGE_LINK_KIND_LAST && info->kind != kind) {
            netbridge_link_info_free(info);
            continue;
        }
        g_ptr_array_add(out, info);
    }
    g_ptr_array_sort(out, link_info_cmp);
    return g_steal_pointer(&out);
}

/* Apply @changes to the interface called @name; @what names the change. */
static gboolean link_apply(const char *name, struct rtnl_link *changes, const char *what,
                           GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbRtnlLink) orig = NULL;
    int rc;

    if (!netbridge_ifname_validate(name, FALSE, error))
        return FALSE;
    if (!(sk = nb_nlsock_open(error)))
        return FALSE;
    if (!(orig = nb_nlsock_link_get(sk, name, error)))
        return FALSE;
    rc = rtnl_link_change(sk, orig, changes, 0);
    if (rc < 0) {
        g_autofree char *msg = g_strdup_printf(_("cannot %s on %s"), what, name);
        return nb_nlsock_error(rc, msg, error);
    }
    return TRUE;
}

gboolean netbridge_link_set_up(const char *name, gboolean up, GError **error)
{
    g_autoptr(NbRtnlLink) changes = rtnl_link_alloc();

    if (up)
        rtnl_link_set_flags(changes, IFF_UP);
    else
        rtnl_link_unset_flags(changes, IFF_UP);
    return link_apply(name, changes, up ? _("bring the link up") : _("bring the link down"),
                      error);
}

gboolean netbridge_link_set_mtu(const char *name, guint mtu, GError **error)
{
    g_autoptr(NbRtnlLink) changes = NULL;

    if (mtu < 68 || mtu > 65535) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("MTU %u is out of range (68-65535)"), mtu);
        return FALSE;
    }
    changes = rtnl_link_alloc();
    rtnl_link_set_mtu(changes, mtu);
    return link_apply(name, changes, _("set the MTU"), error);
}

gboolean netbridge_link_set_mac(const char *name, const char *mac, GError **error)
{
    guint8 bin[NETBRIDGE_MAC_LEN];
    g_autoptr(NbRtnlLink) changes = NULL;
    g_autoptr(NbNlAddr) addr = NULL;

    if (!netbridge_mac_parse(mac, bin, error))
        return FALSE;
    addr = nl_addr_build(AF_LLC, bin, sizeof(bin));
    changes = rtnl_link_alloc();
    rtnl_link_set_addr(changes, addr);
    return link_apply(name, changes, _("set the MAC address"), error);
}

gboolean netbridge_link_set_master(const char *name, const char *master, GError **error)
{
    g_autoptr(NbRtnlLink) changes = NULL;
    int master_index = 0;

    if (master) {
        g_autoptr(NetbridgeLinkInfo) m = netbridge_link_get(master, error);
        if (!m)
            return FALSE;
        if (m->kind != NETBRIDGE_LINK_KIND_BRIDGE) {
            g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                        _("interface %s is not a bridge"), master);
            return FALSE;
        }
        master_index = m->ifindex;
    }
    changes = rtnl_link_alloc();
    rtnl_link_set_master(changes, master_index);
    return link_apply(name, changes, master ? _("attach to the bridge") : _("detach from the bridge"),
                      error);
}

gboolean netbridge_link_delete(const char *name, GError **error)
{
    g_autoptr(NbNlSock) sk = NULL;
    g_autoptr(NbRtnlLink) link = NULL;
    int rc;

    if (!netbridge_ifname_validate(name, FALSE, error))
        return FALSE;
    if (!(sk = nb_nlsock_open(error)))
        return FALSE;
    if (!(link = nb_nlsock_link_get(sk, name, error)))
        return FALSE;
    rc = rtnl_link_delete(sk, link);
    if (rc < 0) {
        g_autofree char *msg = g_strdup_printf(_("cannot delete interface %s"), name);
        return nb_nlsock_error(rc, msg, error);
    }
    return TRUE;
}

gboolean netbridge_link_prune(const char *prefix, NetbridgeLinkKind kind,
                              const char *const *keep, GPtrArray *removed, GError **error)
{
    g_autoptr(GPtrArray) links = NULL;

    if (!prefix || !*prefix) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("refusing to prune interfaces without a name prefix"));
        return FALSE;
    }
    if (!(links = netbridge_link_list(prefix, kind, error)))
        return FALSE;
    for (guint i = 0; i < links->len; i++) {
        const NetbridgeLinkInfo *info = g_ptr_array_index(links, i);
        g_autoptr(GError) local = NULL;

        if (keep && g_strv_contains(keep, info->name))
            continue;
        if (!netbridge_link_delete(info->name, &local) &&
            !g_error_matches(local, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND)) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        if (removed)
            g_ptr_array_add(removed, g_strdup(info->name));
    }
    return TRUE;
}
