/* virtio_devices.h - the virtio devices of one vessel-vmm, built from the
 * command line: a virtio-rng always, one virtio-blk per --disk
 * FILE[,readonly][,bootindex=N], one virtio-scsi adapter with the
 * CD-ROMs (--disk FILE,media=cdrom[,bootindex=N]), one virtio-net per --net, and a virtio-console on a
 * chardev (same SPEC forms as --serial) for --console SPEC, and with a
 * display a virtio-input tablet (last).  Called by
 * main.c once the Machine exists and before any vCPU runs; freed after
 * machine_free() (the PCI host goes first). */
#ifndef VESSEL_VIRTIO_VIRTIO_DEVICES_H
#define VESSEL_VIRTIO_VIRTIO_DEVICES_H

#include "vmm/machine.h"

#include <glib.h>
#include <stdbool.h>

typedef struct VirtioDevices VirtioDevices;

typedef struct {
    char **disks;           /* NULL-terminated --disk arguments, or NULL */
    char **nets;            /* likewise "tap=IFNAME[,mac=MAC]" */
    const char *console;    /* chardev SPEC of a virtio-console, or NULL */
    bool tablet;            /* a virtio-input tablet (with a display) */
} VirtioDevicesConfig;

VirtioDevices *virtio_devices_new(Machine *m, const VirtioDevicesConfig *cfg, GError **error);
/* fw_cfg's "bootorder" for the disks given a bootindex= (one device
 * path a line, lowest index first), or NULL if none was; g_free it. */
char *virtio_devices_boot_order_text(VirtioDevices *vd);
/* Start console input (main loop sources): after the machine can run. */
void virtio_devices_start(VirtioDevices *vd);
/* Pause (true) or resume the device threads: when pausing returns, no
 * disk request is in flight and none starts until resumed.  Main thread,
 * without the device lock. */
void virtio_devices_set_paused(VirtioDevices *vd, bool paused);
/* Main thread: disk @index (command-line order) continues on the qcow2
 * overlay @file, whose backing file is the disk's image until now. */
gboolean virtio_devices_disk_overlay(VirtioDevices *vd, guint index, const char *file,
                                     GError **error);
/* Main thread: disk @index merges its upper layers into its backing
 * file @base and continues on it (active blockcommit + pivot). */
gboolean virtio_devices_disk_commit(VirtioDevices *vd, guint index, const char *base,
                                    GError **error);
/* Stop and join the device threads (NULL-safe; the disks stay inert).
 * Once the vCPUs are stopped and before machine_free(): a disk's thread
 * takes the device lock and writes guest RAM. */
void virtio_devices_stop(VirtioDevices *vd);
void virtio_devices_free(VirtioDevices *vd);
/* The tablet (NULL without one); its calls want the device lock. */
typedef struct VirtioInput VirtioInput;
VirtioInput *virtio_devices_tablet(VirtioDevices *vd);

#endif
