/* nft.h - firewall rules of a network in nftables table "ip vessel".
 *
 * Vessel owns exactly one table, `table ip vessel`, and never reads or
 * changes any other.  Each network gets two base chains of its own, named
 * after its bridge:
 *
 *   fwd-BRIDGE  filter/forward:  what may be forwarded to and from the
 *               bridge (nat: out from the subnet, replies back in; route:
 *               both ways; isolated: nothing but bridge-to-bridge)
 *   nat-BRIDGE  nat/postrouting: masquerade the subnet (nat mode only)
 *
 * Scripts are applied atomically with `nft -f -` (NETBRIDGE_NFT overrides
 * the program).  Apply is idempotent (chains are flushed and refilled);
 * removal is idempotent and deletes the table once its last chain is gone,
 * so a host with no running network has no trace of Vessel in its ruleset.
 * Calls are serialised inside the process; two processes must not manage
 * networks in the same namespace at once (the daemon is the only one). */
#ifndef VESSEL_NETBRIDGE_NFT_H
#define VESSEL_NETBRIDGE_NFT_H

#include <glib.h>

#include "netbridge/netconfig.h"

#define NETBRIDGE_NFT_TABLE "vessel"

/* The script that installs (or refreshes) the network's chains. */
char *netbridge_nft_script_apply(const NetbridgeNetConfig *cfg);
/* The script that removes the network's chains (valid whether or not they
 * exist). */
char *netbridge_nft_script_remove(const NetbridgeNetConfig *cfg);

/* Run @script through `nft -f -`; FIREWALL error with nft's message. */
gboolean netbridge_nft_run(const char *script, GError **error);

gboolean netbridge_nft_apply(const NetbridgeNetConfig *cfg, GError **error);
gboolean netbridge_nft_remove(const NetbridgeNetConfig *cfg, GError **error);

/* Whether the network's chains are installed (for reconciliation). */
gboolean netbridge_nft_present(const NetbridgeNetConfig *cfg, gboolean *present, GError **error);

#endif
