/* netbridge.h - libvesselnet: host networking for Vessel (umbrella header).
 *
 * Bridges, taps, addresses (libnl-route-3), nftables rules in our own
 * table, dnsmasq for DHCP/DNS, and whole networks started and stopped in
 * one call.  All calls act in the calling thread's network namespace and
 * report failures as NETBRIDGE_ERROR (error.h). */
#ifndef VESSEL_NETBRIDGE_H
#define VESSEL_NETBRIDGE_H

#include "netbridge/addr.h"
#include "netbridge/bridge.h"
#include "netbridge/dnsmasq.h"
#include "netbridge/error.h"
#include "netbridge/ipforward.h"
#include "netbridge/leases.h"
#include "netbridge/link.h"
#include "netbridge/mac.h"
#include "netbridge/netconfig.h"
#include "netbridge/network.h"
#include "netbridge/nft.h"
#include "netbridge/tap.h"

#endif
