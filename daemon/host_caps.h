/* host_caps.h - what this host offers: capabilities XML and node info.
 *
 * Accelerators: "kvm" is usable when host_kvm_auto() says so (the one
 * decision vessel-vmm --accel auto and vessel-ok share: hardware VT-x/
 * AMD-V behind a /dev/kvm that opens; not PVM); otherwise the reason
 * says why.  "dbt" (the software CPU) is usable on every x86-64 host. */
#ifndef VESSEL_HOST_CAPS_H
#define VESSEL_HOST_CAPS_H

#include <glib.h>

#include "daemon_config.h"

/* TRUE if KVM is usable; otherwise *@reason says why not. */
gboolean host_caps_kvm_usable(char **reason);
char *host_caps_format(const DaemonConfig *cfg);
/* (model, memory KiB, cpus, mhz, nodes, sockets, cores, threads) */
GVariant *host_caps_node_info(void);

#endif
