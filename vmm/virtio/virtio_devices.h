/* virtio_devices.h - the virtio devices of one vessel-vmm, built from the
 * command line: a virtio-rng always, one virtio-blk per --disk
 * FILE[,readonly].  Called by main.c once the Machine exists and before
 * any vCPU runs; freed after machine_free() (the PCI host goes first). */
#ifndef VESSEL_VIRTIO_VIRTIO_DEVICES_H
#define VESSEL_VIRTIO_VIRTIO_DEVICES_H

#include "vmm/machine.h"

#include <glib.h>

typedef struct VirtioDevices VirtioDevices;

/* @disks: NULL-terminated "FILE[,readonly]" strings, or NULL; @nets
 * likewise "tap=IFNAME[,mac=MAC]". */
VirtioDevices *virtio_devices_new(Machine *m, char **disks, char **nets, GError **error);
void virtio_devices_free(VirtioDevices *vd);

#endif
