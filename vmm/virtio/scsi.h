/* scsi.h - virtio-scsi (device id 8): a SCSI host adapter whose targets
 * 0..n-1 are read-only CD-ROMs (scsi_cd.h), LUN 0 each.  It is how a
 * <disk device='cdrom'> reaches the guest: SeaBIOS boots from it (El
 * Torito) and Linux's virtio_scsi + sr drivers read it (the Debian
 * cloud kernel has both, and no AHCI).  Commands are served by one I/O
 * worker of the adapter's (locking: the top of scsi.c). */
#ifndef VESSEL_VIRTIO_SCSI_H
#define VESSEL_VIRTIO_SCSI_H

#include "vmm/virtio/iothread.h"
#include "vmm/virtio/scsi_cd.h"
#include "vmm/virtio/virtio_pci.h"

#define VIRTIO_SCSI_MAX_TARGETS 8

typedef struct VirtioScsi VirtioScsi;

/* Takes ownership of the @n CD-ROMs in @cds (freed by
 * virtio_scsi_destroy, or here on failure); @cds[i] is target i.  @lock
 * is the device lock, which the worker takes.  NULL if the bus is full
 * or the worker cannot start. */
VirtioScsi *virtio_scsi_create(PciHost *host, const VirtioGuestMem *mem, const IoThreadLock *lock,
                               ScsiCd **cds, unsigned n);
/* As virtio_blk_set_paused / _stop (blk.h): without the device lock. */
void virtio_scsi_set_paused(VirtioScsi *vs, bool paused);
void virtio_scsi_stop(VirtioScsi *vs);
void virtio_scsi_destroy(VirtioScsi *vs);
VirtioPci *virtio_scsi_transport(VirtioScsi *vs);

#endif
