/* rng.c - virtio-rng: each writable buffer the guest offers is filled
 * (up to VIRTIO_RNG_MAX_REQUEST bytes, so one request cannot keep the
 * vCPU thread busy) from the RngSource and returned with the count. */
#include "vmm/virtio/rng.h"

#include <errno.h>
#include <glib.h>
#include <sys/random.h>

#define VIRTIO_RNG_ID 4
#define VIRTIO_RNG_QUEUE_MAX 64
#define VIRTIO_RNG_MAX_REQUEST 4096u

struct VirtioRng {
    VirtioPci *vp;
    RngSource src;
    VirtqElem elem;
};

static ssize_t virtio_rng_getrandom(void *opaque, void *buf, size_t len)
{
    (void)opaque;
    ssize_t n = getrandom(buf, len, GRND_NONBLOCK);
    return n < 0 ? -errno : n;
}

static void virtio_rng_notify(void *opaque, VirtioPci *vp, unsigned q)
{
    VirtioRng *rng = opaque;
    uint8_t buf[VIRTIO_RNG_MAX_REQUEST];
    bool any = false;
    while (virtio_pci_pop(vp, q, &rng->elem) > 0) {
        size_t want = rng->elem.in_len < sizeof(buf) ? rng->elem.in_len : sizeof(buf);
        ssize_t got = want ? rng->src.read(rng->src.opaque, buf, want) : 0;
        uint32_t written = 0;
        if (got > 0)
            written = (uint32_t)virtq_elem_to_guest(&rng->elem, 0, buf, (size_t)got);
        if (virtio_pci_push(vp, q, &rng->elem, written) < 0)
            return;
        any = true;
    }
    if (any)
        virtio_pci_queue_done(vp, q);
}

static const VirtioDeviceOps virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_RNG_ID,
    .pci_class = 0x00ff00,
    .num_queues = 1,
    .queue_max = VIRTIO_RNG_QUEUE_MAX,
    .queue_notify = virtio_rng_notify,
};

VirtioRng *virtio_rng_create(PciHost *host, const VirtioGuestMem *mem, const RngSource *src)
{
    VirtioRng *rng = g_new0(VirtioRng, 1);
    rng->src = src ? *src : (RngSource){ virtio_rng_getrandom, NULL };
    rng->vp = virtio_pci_create(host, mem, &virtio_rng_ops, rng, 0, NULL, 0);
    if (!rng->vp) {
        g_free(rng);
        return NULL;
    }
    return rng;
}

void virtio_rng_destroy(VirtioRng *rng)
{
    if (!rng)
        return;
    virtio_pci_destroy(rng->vp);
    g_free(rng);
}

VirtioPci *virtio_rng_transport(VirtioRng *rng)
{
    return rng->vp;
}
