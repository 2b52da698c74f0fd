/* network_driver.h - virtual network definitions: define, undefine,
 * autostart, XML.  Activation (bridge, NAT, dnsmasq) belongs to
 * netbridge/ and is not wired in yet: Create answers OperationInvalid. */
#ifndef VESSEL_NETWORK_DRIVER_H
#define VESSEL_NETWORK_DRIVER_H

#include "daemon.h"

char *network_driver_define(Daemon *d, const char *xml, GError **error);
gboolean network_driver_undefine(Daemon *d, NetworkObj *net, GError **error);
gboolean network_driver_set_autostart(Daemon *d, NetworkObj *net, gboolean on,
                                      GError **error);
gboolean network_driver_create(Daemon *d, NetworkObj *net, GError **error);
gboolean network_driver_destroy(Daemon *d, NetworkObj *net, GError **error);
void network_driver_load(Daemon *d);

#endif
