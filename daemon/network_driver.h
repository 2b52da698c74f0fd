/* network_driver.h - virtual networks: definitions (define, undefine,
 * autostart, XML) and activation through libvesselnet (netbridge/):
 * bridge, address, nftables rules, dnsmasq.  An active network has a
 * status file RUN/networks/NAME.xml (its live XML, with the bridge in
 * use) from which a restarted daemon restores it.  Activation blocks:
 * call from the worker pool. */
#ifndef VESSEL_NETWORK_DRIVER_H
#define VESSEL_NETWORK_DRIVER_H

#include "daemon.h"

char *network_driver_define(Daemon *d, const char *xml, GError **error);
gboolean network_driver_undefine(Daemon *d, NetworkObj *net, GError **error);
gboolean network_driver_set_autostart(Daemon *d, NetworkObj *net, gboolean on,
                                      GError **error);
gboolean network_driver_create(Daemon *d, NetworkObj *net, GError **error);
gboolean network_driver_destroy(Daemon *d, NetworkObj *net, GError **error);
/* Define a transient network and start it. */
char *network_driver_create_xml(Daemon *d, const char *xml, GError **error);
/* The NetbridgeLease* of @net (none while inactive), only @mac's if
 * @mac is not empty; never NULL. */
GPtrArray *network_driver_leases(Daemon *d, NetworkObj *net, const char *mac, GError **error);
enum { NETWORK_XML_INACTIVE = 1 << 0 };
/* libvirt's virConnectListAllNetworksFlags (note: INACTIVE is 1) */
enum {
    NETWORK_LIST_INACTIVE = 1 << 0,
    NETWORK_LIST_ACTIVE = 1 << 1,
    NETWORK_LIST_PERSISTENT = 1 << 2,
    NETWORK_LIST_TRANSIENT = 1 << 3,
    NETWORK_LIST_AUTOSTART = 1 << 4,
    NETWORK_LIST_NO_AUTOSTART = 1 << 5,
    NETWORK_LIST_ALL_FLAGS = (1 << 6) - 1,
};
/* List locked: referenced NetworkObj*, sorted by name, matching every
 * group of @flags. */
GPtrArray *network_driver_list_locked(Daemon *d, guint flags);
char *network_driver_get_xml(Daemon *d, NetworkObj *net, guint flags, GError **error);
/* Start autostart networks (once per host boot, before domains). */
void network_driver_autostart(Daemon *d);
void network_driver_load(Daemon *d);

#endif
