/* virtio_devices.h - the virtio devices of one vessel-vmm, built from the
 * command line: a virtio-rng always, one virtio-blk per --disk
 * FILE[,readonly], one virtio-net per --net, and a virtio-console on a
 * chardev (same SPEC forms as --serial) for --console SPEC.  Called by
 * main.c once the Machine exists and before any vCPU runs; freed after
 * machine_free() (the PCI host goes first). */
#ifndef VESSEL_VIRTIO_VIRTIO_DEVICES_H
#define VESSEL_VIRTIO_VIRTIO_DEVICES_H

#include "vmm/machine.h"

#include <glib.h>

typedef struct VirtioDevices VirtioDevices;

typedef struct {
    char **disks;           /* NULL-terminated "FILE[,readonly]", or NULL */
    char **nets;            /* likewise "tap=IFNAME[,mac=MAC]" */
    const char *console;    /* chardev SPEC of a virtio-console, or NULL */
} VirtioDevicesConfig;

VirtioDevices *virtio_devices_new(Machine *m, const VirtioDevicesConfig *cfg, GError **error);
/* Start console input (main loop sources): after the machine can run. */
void virtio_devices_start(VirtioDevices *vd);
void virtio_devices_free(VirtioDevices *vd);

#endif
