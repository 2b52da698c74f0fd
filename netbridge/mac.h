/* mac.h - MAC addresses: parsing, formatting and Vessel's own prefix.
 *
 * Generated MACs use the locally administered, unicast OUI-like prefix
 * 02:56:53 ("VS" after the 02 local bit), so they never collide with
 * vendor-assigned addresses or QEMU's 52:54:00.  The last three bytes are
 * random.  Taps carry the guest MAC with the first byte replaced by 0xfe
 * (a large value, so a Linux bridge never picks the tap's address as its
 * own and the host side never answers for the guest's MAC). */
#ifndef VESSEL_NETBRIDGE_MAC_H
#define VESSEL_NETBRIDGE_MAC_H

#include <glib.h>

#define NETBRIDGE_MAC_PREFIX "02:56:53"
#define NETBRIDGE_MAC_LEN 6

/* A fresh random MAC "02:56:53:xx:xx:xx" (lower case). */
char *netbridge_mac_generate(void);

/* Parse "aa:bb:cc:dd:ee:ff" (either case).  Multicast addresses and the
 * all-zero address are refused (INVALID). */
gboolean netbridge_mac_parse(const char *str, guint8 out[NETBRIDGE_MAC_LEN], GError **error);

/* Lower-case colon form. */
char *netbridge_mac_format(const guint8 mac[NETBRIDGE_MAC_LEN]);

/* The MAC a tap should carry for a guest whose NIC has @guest_mac. */
char *netbridge_mac_for_tap(const char *guest_mac, GError **error);

#endif
