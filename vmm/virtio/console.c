/* console.c - virtio-console with a single port: queue 0 receives (host
 * to guest), queue 1 transmits.  One receive buffer at a time is held
 * popped while input waits for it; when the guest posts buffers after we
 * ran dry, the back-end is told to send more (accept_input). */
#include "vmm/virtio/console.h"

#include <glib.h>

#define VIRTIO_CONSOLE_ID 3
#define VIRTIO_CONSOLE_QUEUE_MAX 128
#define RXQ 0
#define TXQ 1

struct VirtioConsole {
    VirtioPci *vp;
    CharBackend *be;
    VirtqElem rx;
    bool rx_held;
    bool rx_starved;        /* input was refused for want of a buffer */
    VirtqElem tx;
};

static void virtio_console_tx(VirtioConsole *vc, VirtioPci *vp)
{
    uint8_t buf[4096];
    bool any = false;
    while (virtio_pci_pop(vp, TXQ, &vc->tx) > 0) {
        for (size_t off = 0; off < vc->tx.out_len;) {
            size_t n = virtq_elem_from_guest(&vc->tx, off, buf, sizeof(buf));
            if (vc->be && n)
                vc->be->write(vc->be, buf, n);
            off += n;
        }
        if (virtio_pci_push(vp, TXQ, &vc->tx, 0) < 0)
            return;
        any = true;
    }
    if (any)
        virtio_pci_queue_done(vp, TXQ);
}

static void virtio_console_notify(void *opaque, VirtioPci *vp, unsigned q)
{
    VirtioConsole *vc = opaque;
    if (q == TXQ) {
        virtio_console_tx(vc, vp);
    } else if (vc->rx_starved && vc->be && vc->be->accept_input) {
        vc->rx_starved = false;
        vc->be->accept_input(vc->be);
    }
}

static void virtio_console_reset(void *opaque)
{
    VirtioConsole *vc = opaque;
    vc->rx_held = false;      /* the queue it came from is gone */
}

size_t virtio_console_can_receive(void *opaque)
{
    VirtioConsole *vc = opaque;
    while (!vc->rx_held && virtio_pci_pop(vc->vp, RXQ, &vc->rx) > 0) {
        if (vc->rx.in_len)
            vc->rx_held = true;
        else if (virtio_pci_push(vc->vp, RXQ, &vc->rx, 0) < 0)
            break;                /* a buffer with no room: hand it back */
    }
    if (!vc->rx_held) {
        vc->rx_starved = true;
        return 0;
    }
    return (size_t)vc->rx.in_len;
}

void virtio_console_receive(void *opaque, const uint8_t *buf, size_t len)
{
    VirtioConsole *vc = opaque;
    if (!vc->rx_held)
        return;
    size_t n = virtq_elem_to_guest(&vc->rx, 0, buf, len);
    vc->rx_held = false;
    if (virtio_pci_push(vc->vp, RXQ, &vc->rx, (uint32_t)n) == 0)
        virtio_pci_queue_done(vc->vp, RXQ);
}

static const VirtioDeviceOps virtio_console_ops = {
    .name = "virtio-console",
    .device_id = VIRTIO_CONSOLE_ID,
    .pci_class = 0x078000,
    .num_queues = 2,
    .queue_max = VIRTIO_CONSOLE_QUEUE_MAX,
    .queue_notify = virtio_console_notify,
    .reset = virtio_console_reset,
};

VirtioConsole *virtio_console_create(PciHost *host, const VirtioGuestMem *mem, CharBackend *be)
{
    VirtioConsole *vc = g_new0(VirtioConsole, 1);
    vc->be = be;
    vc->vp = virtio_pci_create(host, mem, &virtio_console_ops, vc, 0, NULL, 0);
    if (!vc->vp) {
        g_free(vc);
        return NULL;
    }
    return vc;
}

void virtio_console_destroy(VirtioConsole *vc)
{
    if (!vc)
        return;
    virtio_pci_destroy(vc->vp);
    g_free(vc);
}

VirtioPci *virtio_console_transport(VirtioConsole *vc)
{
    return vc->vp;
}
