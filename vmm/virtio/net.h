/* net.h - virtio-net (device id 1) on a packet fd (a tap device, or any
 * fd with one-frame-per-read/write semantics such as a SOCK_DGRAM
 * socketpair in tests).  No offloads: every frame carries a zero
 * virtio_net_hdr_v1 (12 bytes) and is plain Ethernet.  Features: MAC. */
#ifndef VESSEL_VIRTIO_NET_H
#define VESSEL_VIRTIO_NET_H

#include "vmm/virtio/virtio_pci.h"

#include <glib.h>
#include <stdbool.h>

typedef struct VirtioNet VirtioNet;

/* @fd is owned by the device from now on (made non-blocking). */
VirtioNet *virtio_net_create(PciHost *host, const VirtioGuestMem *mem, int fd,
                             const uint8_t mac[6]);
void virtio_net_destroy(VirtioNet *vn);
VirtioPci *virtio_net_transport(VirtioNet *vn);
int virtio_net_fd(const VirtioNet *vn);
/* Move frames waiting on the fd into posted receive buffers (lock held).
 * Returns false when the guest has no buffer left: stop polling the fd
 * until @on_rx_buffers is called (from the guest's kick). */
bool virtio_net_rx_poll(VirtioNet *vn);
void virtio_net_set_rx_notify(VirtioNet *vn, void (*on_rx_buffers)(void *opaque), void *opaque);
/* Open tap @ifname (IFF_TAP | IFF_NO_PI): fd or -1 with @error set. */
int net_tap_open(const char *ifname, GError **error);
/* Take over inherited fd @fd, which must be attached to a tap device
 * (IFF_TAP | IFF_NO_PI), as a privileged parent opens it for us; marks it
 * close-on-exec.  @fd, or -1 with @error set. */
int net_tap_adopt(int fd, GError **error);

#endif
