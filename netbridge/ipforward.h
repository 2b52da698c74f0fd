/* ipforward.h - IPv4 forwarding switch of the current network namespace
 * (/proc/sys/net/ipv4/ip_forward, per namespace in Linux).
 *
 * nat and route networks turn it on at start; like libvirt, stopping a
 * network leaves it on, since other users may rely on it. */
#ifndef VESSEL_NETBRIDGE_IPFORWARD_H
#define VESSEL_NETBRIDGE_IPFORWARD_H

#include <glib.h>

gboolean netbridge_ipforward_get(gboolean *on, GError **error);
gboolean netbridge_ipforward_set(gboolean on, GError **error);

#endif
