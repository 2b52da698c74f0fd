/* nlsock.c - private route-netlink socket helpers (see nlsock.h). */
#include "config.h"

#include <netlink/errno.h>

#include "i18n.h"
#include "netbridge/error.h"
#include "netbridge/nlsock.h"

struct nl_sock *nb_nlsock_open(GError **error)
{
    struct nl_sock *sk = nl_socket_alloc();
    int rc;

    if (!sk) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NETLINK,
                    _("cannot allocate a netlink socket"));
        return NULL;
    }
    rc = nl_connect(sk, NETLINK_ROUTE);
    if (rc < 0) {
        nl_socket_free(sk);
        nb_nlsock_error(rc, _("cannot connect to route netlink"), error);
        return NULL;
    }
    return sk;
}

void nb_nlsock_close(struct nl_sock *sk)
{
    if (sk)
        nl_socket_free(sk);   /* closes the socket too */
}

gboolean nb_nlsock_error(int nlerr, const char *what, GError **error)
{
    int code = NETBRIDGE_ERROR_NETLINK;
    int e = nlerr < 0 ? -nlerr : nlerr;

    if (e == NLE_EXIST)
        code = NETBRIDGE_ERROR_EXISTS;
    else if (e == NLE_NODEV || e == NLE_OBJ_NOTFOUND)
        code = NETBRIDGE_ERROR_NOT_FOUND;
    g_set_error(error, NETBRIDGE_ERROR, code, "%s: %s", what, nl_geterror(e));
    return FALSE;
}

struct rtnl_link *nb_nlsock_link_get(struct nl_sock *sk, const char *name, GError **error)
{
    struct rtnl_link *link = NULL;
    int rc = rtnl_link_get_kernel(sk, 0, name, &link);

    if (rc < 0) {
        g_autofree char *what = g_strdup_printf(_("interface %s"), name);
        nb_nlsock_error(rc, what, error);
        return NULL;
    }
    return link;
}
