/* blk.h - virtio-blk (device id 2) on a BlockBackend: read, write (or
 * IOERR on a read-only disk), flush, GET_ID, discard and write-zeroes
 * (when the back-end has a zero op); one request queue. */
#ifndef VESSEL_VIRTIO_BLK_H
#define VESSEL_VIRTIO_BLK_H

#include "vmm/virtio/block_backend.h"
#include "vmm/virtio/virtio_pci.h"

typedef struct VirtioBlk VirtioBlk;

/* Takes ownership of @bb (closed by virtio_blk_destroy, or on failure). */
VirtioBlk *virtio_blk_create(PciHost *host, const VirtioGuestMem *mem, BlockBackend *bb);
void virtio_blk_destroy(VirtioBlk *blk);
VirtioPci *virtio_blk_transport(VirtioBlk *blk);

#endif
