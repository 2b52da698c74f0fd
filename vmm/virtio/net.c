/* net.c - virtio-net without offloads.  Queue 0 receives, queue 1
 * transmits.  Transmit: each chain is a 12-byte header (ignored: we
 * offered no offloads) followed by one frame, written to the fd in one
 * writev.  Receive: one posted buffer holds one frame; a frame too large
 * for it is dropped (the guest posts MTU-sized buffers).  Frames wait in
 * the tap's own queue while the guest has no buffers. */
#include "vmm/virtio/net.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define VIRTIO_NET_ID 1
#define VIRTIO_NET_QUEUE_MAX 256
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_HDR_LEN 12
#define VIRTIO_NET_FRAME_MAX 65550
#define RXQ 0
#define TXQ 1

typedef struct __attribute__((packed)) {
    uint8_t mac[6];
    uint16_t status;
} VirtioNetConfig;

struct VirtioNet {
    VirtioPci *vp;
    int fd;
    VirtioNetConfig config;
    VirtqElem rx, tx;
    bool rx_held;
    void (*on_rx_buffers)(void *opaque);
    void *on_rx_opaque;
    uint8_t frame[VIRTIO_NET_FRAME_MAX];
};

static void virtio_net_tx(VirtioNet *vn, VirtioPci *vp)
{
    bool any = false;
    while (virtio_pci_pop(vp, TXQ, &vn->tx) > 0) {
        uint64_t len = vn->tx.out_len;
        if (len > VIRTIO_NET_HDR_LEN && len - VIRTIO_NET_HDR_LEN <= VIRTIO_NET_FRAME_MAX) {
            size_t n = virtq_elem_from_guest(&vn->tx, VIRTIO_NET_HDR_LEN, vn->frame,
                                             len - VIRTIO_NET_HDR_LEN);
            /* A full tap queue drops the frame, as a real link would. */
            ssize_t w;
            do
                w = write(vn->fd, vn->frame, n);
            while (w < 0 && errno == EINTR);
        }
        if (virtio_pci_push(vp, TXQ, &vn->tx, 0) < 0)
            return;
        any = true;
    }
    if (any)
        virtio_pci_queue_done(vp, TXQ);
}

bool virtio_net_rx_poll(VirtioNet *vn)
{
    bool any = false, more = true;
    for (;;) {
        if (!vn->rx_held) {
            if (virtio_pci_pop(vn->vp, RXQ, &vn->rx) <= 0) {
                more = false;
                break;
            }
            vn->rx_held = true;
        }
        ssize_t n = read(vn->fd, vn->frame, sizeof(vn->frame));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;                /* EAGAIN: keep the buffer for later */
        if ((uint64_t)n + VIRTIO_NET_HDR_LEN > vn->rx.in_len)
            continue;             /* does not fit: dropped */
        uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };
        hdr[10] = 1;              /* num_buffers */
        virtq_elem_to_guest(&vn->rx, 0, hdr, sizeof(hdr));
        virtq_elem_to_guest(&vn->rx, sizeof(hdr), vn->frame, (size_t)n);
        vn->rx_held = false;
        if (virtio_pci_push(vn->vp, RXQ, &vn->rx, (uint32_t)n + VIRTIO_NET_HDR_LEN) < 0)
            return false;
        any = true;
    }
    if (any)
        virtio_pci_queue_done(vn->vp, RXQ);
    return more;
}

static void virtio_net_notify(void *opaque, VirtioPci *vp, unsigned q)
{
    VirtioNet *vn = opaque;
    if (q == TXQ)
        virtio_net_tx(vn, vp);
    else if (vn->on_rx_buffers)
        vn->on_rx_buffers(vn->on_rx_opaque);
}

static void virtio_net_reset(void *opaque)
{
    VirtioNet *vn = opaque;
    vn->rx_held = false;
}

static const VirtioDeviceOps virtio_net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_NET_ID,
    .pci_class = 0x020000,
    .num_queues = 2,
    .queue_max = VIRTIO_NET_QUEUE_MAX,
    .queue_notify = virtio_net_notify,
    .reset = virtio_net_reset,
};

VirtioNet *virtio_net_create(PciHost *host, const VirtioGuestMem *mem, int fd,
                             const uint8_t mac[6])
{
    VirtioNet *vn = g_new0(VirtioNet, 1);
    vn->fd = fd;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    memcpy(vn->config.mac, mac, 6);
    vn->vp = virtio_pci_create(host, mem, &virtio_net_ops, vn, VIRTIO_NET_F_MAC,
                               &vn->config, sizeof(vn->config));
    if (!vn->vp) {
        close(fd);
        g_free(vn);
        return NULL;
    }
    return vn;
}

void virtio_net_destroy(VirtioNet *vn)
{
    if (!vn)
        return;
    virtio_pci_destroy(vn->vp);
    close(vn->fd);
    g_free(vn);
}

VirtioPci *virtio_net_transport(VirtioNet *vn)
{
    return vn->vp;
}

int virtio_net_fd(const VirtioNet *vn)
{
    return vn->fd;
}

void virtio_net_set_rx_notify(VirtioNet *vn, void (*on_rx_buffers)(void *opaque), void *opaque)
{
    vn->on_rx_buffers = on_rx_buffers;
    vn->on_rx_opaque = opaque;
}
