/* dnsmasq.h - DHCP and DNS for a network by running dnsmasq.
 *
 * One dnsmasq per network, bound to the bridge only, configured by a file
 * we generate (STATE_DIR/NAME.conf) and started as a daemon, so it outlives
 * a daemon restart; it writes STATE_DIR/NAME.pid and STATE_DIR/NAME.leases.
 * Stopping finds the process by its pid file, or, if that is lost, by the
 * --conf-file= argument in /proc/PID/cmdline, so no dnsmasq of ours is
 * left behind after a crash.  NETBRIDGE_DNSMASQ overrides the program. */
#ifndef VESSEL_NETBRIDGE_DNSMASQ_H
#define VESSEL_NETBRIDGE_DNSMASQ_H

#include <glib.h>
#include <sys/types.h>

#include "netbridge/netconfig.h"

/* The configuration file text for @cfg (validated). */
char *netbridge_dnsmasq_config_format(const NetbridgeNetConfig *cfg);

/* Write the configuration and start dnsmasq (stopping a stale one first). */
gboolean netbridge_dnsmasq_start(const NetbridgeNetConfig *cfg, GError **error);

/* Stop the network's dnsmasq and remove its files; fine if none runs. */
gboolean netbridge_dnsmasq_stop(const NetbridgeNetConfig *cfg, GError **error);

/* The pid of the network's running dnsmasq, or 0. */
pid_t netbridge_dnsmasq_pid(const NetbridgeNetConfig *cfg);

#endif
