/* nlsock.h - private: a connected route-netlink socket per call.
 *
 * Each public call opens its own libnl socket, so callers may use the
 * library from any thread and in whatever network namespace the calling
 * thread is in; there is no shared state.  Errors from libnl (negative
 * NLE_* codes) are turned into NETBRIDGE_ERROR here, once. */
#ifndef VESSEL_NETBRIDGE_NLSOCK_H
#define VESSEL_NETBRIDGE_NLSOCK_H

#include <glib.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

/* Allocate and connect a NETLINK_ROUTE socket. */
struct nl_sock *nb_nlsock_open(GError **error);
void nb_nlsock_close(struct nl_sock *sk);

/* Set @error from a negative libnl code; the message is "@what: reason".
 * NLE_EXIST maps to NETBRIDGE_ERROR_EXISTS, NLE_NODEV/NLE_OBJ_NOTFOUND to
 * NETBRIDGE_ERROR_NOT_FOUND, the rest to NETBRIDGE_ERROR_NETLINK.
 * Always returns FALSE. */
gboolean nb_nlsock_error(int nlerr, const char *what, GError **error);

/* Look a link up by name in the kernel; NOT_FOUND if absent. */
struct rtnl_link *nb_nlsock_link_get(struct nl_sock *sk, const char *name, GError **error);

/* g_autoptr() helpers for the libnl objects we use. */
typedef struct nl_sock NbNlSock;
typedef struct rtnl_link NbRtnlLink;
typedef struct nl_addr NbNlAddr;
typedef struct nl_cache NbNlCache;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NbNlSock, nb_nlsock_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NbRtnlLink, rtnl_link_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NbNlAddr, nl_addr_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NbNlCache, nl_cache_free)

#endif
