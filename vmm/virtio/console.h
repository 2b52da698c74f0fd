/* console.h - virtio-console (device id 3), one port (no MULTIPORT): the
 * guest's hvc0.  Output goes to a CharBackend; input is pushed with
 * virtio_console_can_receive/virtio_console_receive (the ChardevFrontend
 * pair, called with the device lock held). */
#ifndef VESSEL_VIRTIO_CONSOLE_H
#define VESSEL_VIRTIO_CONSOLE_H

#include "vmm/hw/char_backend.h"
#include "vmm/virtio/virtio_pci.h"

#include <stddef.h>

typedef struct VirtioConsole VirtioConsole;

VirtioConsole *virtio_console_create(PciHost *host, const VirtioGuestMem *mem, CharBackend *be);
void virtio_console_destroy(VirtioConsole *vc);
VirtioPci *virtio_console_transport(VirtioConsole *vc);
/* Bytes the guest can take now (0: no receive buffer posted). */
size_t virtio_console_can_receive(void *opaque);
/* Deliver @len <= can_receive() bytes to the guest. */
void virtio_console_receive(void *opaque, const uint8_t *buf, size_t len);

#endif
