/* network.h - starting and stopping a whole virtual network in one call.
 *
 * Start: refuse a subnet another interface already has an address in;
 * bridge (MAC fixed, MTU, STP), IPv4 address, link up, nftables chains
 * (nft.h), IPv4 forwarding for nat/route, dnsmasq (dnsmasq.h) when the
 * network has an address.  A failure part-way undoes what was done.
 *
 * Stop: dnsmasq, nftables chains (and our table once empty), bridge (and
 * with it its address; ports are released, taps stay with their VMM).
 * Stop is exact and idempotent: it works on a network that is partly up
 * after a crash, and on one that is not running at all. */
#ifndef VESSEL_NETBRIDGE_NETWORK_H
#define VESSEL_NETBRIDGE_NETWORK_H

#include <glib.h>

#include "netbridge/netconfig.h"

gboolean netbridge_network_start(const NetbridgeNetConfig *cfg, GError **error);
gboolean netbridge_network_stop(const NetbridgeNetConfig *cfg, GError **error);

/* What of a network exists right now (for reconciliation). */
typedef struct {
    gboolean bridge;     /* the bridge interface exists and is a bridge */
    gboolean up;         /* ... and is up */
    gboolean firewall;   /* its nftables chains are installed */
    int dnsmasq_pid;     /* its dnsmasq's pid, 0 if none runs */
} NetbridgeNetworkState;

gboolean netbridge_network_state(const NetbridgeNetConfig *cfg, NetbridgeNetworkState *state,
                                 GError **error);

/* TRUE if everything the configuration asks for is running. */
gboolean netbridge_network_state_complete(const NetbridgeNetConfig *cfg,
                                          const NetbridgeNetworkState *state);

/* For a network that should be running (after a daemon restart): nothing
 * to do when it is complete, else stop what is left and start it again.
 * @restarted (may be NULL) tells which happened. */
gboolean netbridge_network_ensure(const NetbridgeNetConfig *cfg, gboolean *restarted,
                                  GError **error);

#endif
