/* addr.h - IPv4 addresses on interfaces through libnl-route-3.
 *
 * Addresses are written "a.b.c.d" with a separate prefix length; the
 * broadcast address is derived from the prefix as `ip addr add ... brd +`
 * would. */
#ifndef VESSEL_NETBRIDGE_ADDR_H
#define VESSEL_NETBRIDGE_ADDR_H

#include <glib.h>

/* INVALID unless @address is a dotted IPv4 address and @prefix <= 32. */
gboolean netbridge_ipv4_validate(const char *address, guint prefix, GError **error);

/* Add @address/@prefix to @ifname; EXISTS if it is already there. */
gboolean netbridge_addr_add(const char *ifname, const char *address, guint prefix, GError **error);

/* Remove @address/@prefix from @ifname; NOT_FOUND if it is not there. */
gboolean netbridge_addr_remove(const char *ifname, const char *address, guint prefix,
                               GError **error);

/* The IPv4 addresses of @ifname as "a.b.c.d/prefix" strings. */
GPtrArray *netbridge_addr_list(const char *ifname, GError **error);

/* Whether an interface other than @except (may be NULL) has an IPv4
 * address whose network overlaps @address/@prefix; its name goes to
 * @ifname_out (NULL when none does).  Starting a network on a subnet that
 * is already in use would break routing for both. */
gboolean netbridge_addr_find_overlap(const char *address, guint prefix, const char *except,
                                     char **ifname_out, GError **error);

#endif
