/* blk.h - virtio-blk (device id 2) on a BlockBackend: read, write (or
 * IOERR on a read-only disk), flush, GET_ID, discard and write-zeroes
 * (when the back-end has a zero op); one request queue, served by I/O
 * workers of the disk's own, several requests in flight (locking: the
 * top of blk.c). */
#ifndef VESSEL_VIRTIO_BLK_H
#define VESSEL_VIRTIO_BLK_H

#include "vmm/virtio/block_backend.h"
#include "vmm/virtio/iothread.h"
#include "vmm/virtio/virtio_pci.h"

typedef struct VirtioBlk VirtioBlk;

/* Takes ownership of @bb (closed by virtio_blk_destroy, or on failure).
 * @lock is the device lock the transport runs under; the I/O thread takes
 * it.  NULL if the bus is full or the thread cannot start. */
VirtioBlk *virtio_blk_create(PciHost *host, const VirtioGuestMem *mem, const IoThreadLock *lock,
                             BlockBackend *bb);
/* Join the I/O workers: without the device lock, before the machine (its
 * lock, guest RAM) goes away, with no vCPU running.  Kicks are ignored
 * afterwards.  destroy stops it too. */
void virtio_blk_stop(VirtioBlk *blk);
void virtio_blk_destroy(VirtioBlk *blk);
/* Without the device lock (VM pause).  Paused: the request in flight is
 * completed before this returns and none starts until it is called again
 * with false. */
void virtio_blk_set_paused(VirtioBlk *blk, bool paused);
VirtioPci *virtio_blk_transport(VirtioBlk *blk);
/* Without the device lock (main thread): switch the disk to the new
 * overlay @file (block_backend.h overlay) with no request in flight:
 * the workers are quiesced around the switch.  Read-only disks and
 * back-ends without overlays refuse. */
gboolean virtio_blk_overlay(VirtioBlk *blk, const char *file, GError **error);
/* The same way: merge the disk's upper layers into its backing file
 * @base and continue on it (block_backend.h commit). */
gboolean virtio_blk_commit(VirtioBlk *blk, const char *base, GError **error);

#endif
