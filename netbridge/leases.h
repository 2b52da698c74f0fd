/* leases.h - DHCP leases of a network, read from dnsmasq's leases file.
 *
 * dnsmasq writes one lease per line:
 *   IPv4:  EXPIRY MAC IP HOSTNAME CLIENT-ID
 *   IPv6:  EXPIRY IAID IP HOSTNAME DUID      (after a "duid SERVER-DUID" line)
 * with "*" for an unknown hostname or client id and EXPIRY 0 for an
 * infinite lease.  These map onto `vsh net-dhcp-leases` columns: expiry
 * time, MAC, protocol, IP/prefix, hostname, client id or DUID. */
#ifndef VESSEL_NETBRIDGE_LEASES_H
#define VESSEL_NETBRIDGE_LEASES_H

#include <glib.h>

#include "netbridge/netconfig.h"

typedef enum {
    NETBRIDGE_LEASE_IPV4,
    NETBRIDGE_LEASE_IPV6,
    NETBRIDGE_LEASE_LAST
} NetbridgeLeaseProtocol;

typedef struct {
    gint64 expiry;                   /* seconds since the epoch, 0: never */
    char *mac;                       /* lower case; NULL for IPv6 leases */
    char *iaid;                      /* IPv6 only, else NULL */
    NetbridgeLeaseProtocol protocol;
    char *ip;
    guint prefix;
    char *hostname;                  /* NULL if unknown */
    char *client_id;                 /* client id (IPv4) or DUID (IPv6), NULL if none */
} NetbridgeLease;

void netbridge_lease_free(NetbridgeLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetbridgeLease, netbridge_lease_free)

/* "ipv4" / "ipv6" as virsh prints them. */
const char *netbridge_lease_protocol_to_string(NetbridgeLeaseProtocol p);

/* Parse leases-file @text; IPv4 addresses get @ipv4_prefix, IPv6 ones
 * @ipv6_prefix.  Malformed lines are INVALID errors naming the line. */
GPtrArray *netbridge_leases_parse(const char *text, guint ipv4_prefix, guint ipv6_prefix,
                                  GError **error);

/* The current leases of a network (empty when it has no leases file). */
GPtrArray *netbridge_leases_read(const NetbridgeNetConfig *cfg, GError **error);

#endif
