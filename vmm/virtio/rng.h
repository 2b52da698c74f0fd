/* rng.h - virtio-rng (device id 4): one queue the guest fills with
 * writable buffers, answered with bytes from a RngSource. */
#ifndef VESSEL_VIRTIO_RNG_H
#define VESSEL_VIRTIO_RNG_H

#include "vmm/virtio/virtio_pci.h"

#include <stddef.h>
#include <sys/types.h>

/* Host back-end: fill @buf with up to @len random bytes; bytes or -errno. */
typedef struct {
    ssize_t (*read)(void *opaque, void *buf, size_t len);
    void *opaque;
} RngSource;

typedef struct VirtioRng VirtioRng;

/* @src NULL means the host's getrandom(2). */
VirtioRng *virtio_rng_create(PciHost *host, const VirtioGuestMem *mem, const RngSource *src);
void virtio_rng_destroy(VirtioRng *rng);
VirtioPci *virtio_rng_transport(VirtioRng *rng);

#endif
