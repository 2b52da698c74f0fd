/* input.h - virtio-input (device id 18) as an absolute pointer: a tablet
 * whose X/Y axes span 0..INPUT_ABS_MAX over the screen, with left,
 * right and middle buttons and a wheel, so the guest's pointer follows
 * the viewer's exactly (no acceleration, no drift).  Linux binds it with
 * virtio_input (CONFIG_VIRTIO_INPUT) as an evdev device.
 *
 * Events wait in a ring of 128 until the guest offers event buffers; a
 * report (motion + buttons + SYN) that does not fit is dropped whole, so
 * a guest that never reads costs bounded memory and never sees half a
 * report.  Every call with the device lock held. */
#ifndef VESSEL_VIRTIO_INPUT_H
#define VESSEL_VIRTIO_INPUT_H

#include "vmm/virtio/virtio_pci.h"

#include <stdbool.h>

#define INPUT_ABS_MAX 0x7fff

typedef struct VirtioInput VirtioInput;

VirtioInput *virtio_input_tablet_create(PciHost *host, const VirtioGuestMem *mem);
void virtio_input_destroy(VirtioInput *in);
VirtioPci *virtio_input_transport(VirtioInput *in);
/* Is a driver using it (DRIVER_OK)?  Else pointer input should go elsewhere. */
bool virtio_input_active(const VirtioInput *in);
/* Pointer at (@x, @y) in 0..INPUT_ABS_MAX, buttons held (bit 0 left,
 * 1 middle, 2 right), wheel steps (@wheel > 0 up). */
void virtio_input_pointer(VirtioInput *in, unsigned x, unsigned y, unsigned buttons, int wheel);

#endif
