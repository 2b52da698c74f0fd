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
typedef struct {
    char model[32];          /* the machine, e.g. "x86_64" */
    guint64 memory_kib;
    guint cpus;
    guint mhz;
    guint nodes;
    guint sockets;           /* per node */
    guint cores;             /* per socket */
    guint threads;           /* per core */
} HostNodeInfo;

void host_caps_node_info(HostNodeInfo *info);
/* Free memory in bytes (MemFree). */
guint64 host_caps_free_memory(void);
/* libvirt's domain capabilities XML for one (emulator, arch, machine,
 * virt type); NULL or "" picks the default of each.  An arch, machine or
 * type Vessel does not run is a DAEMON_ERROR_INVALID_ARG. */
char *host_caps_domain_format(const DaemonConfig *cfg, const char *emulator, const char *arch,
                              const char *machine, const char *virt_type, GError **error);

#endif
