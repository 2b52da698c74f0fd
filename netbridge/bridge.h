/* bridge.h - Linux bridges through libnl-route-3 (rtnl_link_bridge_alloc).
 *
 * A bridge is created down, with its MAC fixed (so it does not change as
 * ports come and go) and an optional MTU; bring it up with
 * netbridge_link_set_up().  Ports are attached with
 * netbridge_link_set_master(). */
#ifndef VESSEL_NETBRIDGE_BRIDGE_H
#define VESSEL_NETBRIDGE_BRIDGE_H

#include <glib.h>

/* Create bridge @name.  @mac NULL: a generated one (mac.h); @mtu 0: the
 * kernel default.  EXISTS if an interface of that name exists. */
gboolean netbridge_bridge_create(const char *name, const char *mac, guint mtu, GError **error);

/* Spanning tree on or off and the forward delay in seconds (a bridge
 * attribute libnl has no setter for: sent as IFLA_INFO_DATA through a
 * libnl message).  With STP on the kernel raises a delay below 2 s to
 * 2 s (its minimum for spanning tree). */
gboolean netbridge_bridge_set_stp(const char *name, gboolean stp, guint delay_s, GError **error);

/* The first "vbrN" (N = 0, 1, ...) that no interface has and that is not
 * in @reserved (NULL-terminated, may be NULL: names of defined networks
 * that are not running). */
char *netbridge_bridge_name_pick(const char *const *reserved, GError **error);

/* Delete bridge @name; NOT_FOUND if absent, INVALID if @name is not a
 * bridge (we never delete what we did not make). */
gboolean netbridge_bridge_delete(const char *name, GError **error);

#endif
