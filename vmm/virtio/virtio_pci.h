/* virtio_pci.h - the virtio 1.0 "modern" PCI transport, shared by every
 * virtio device (rng.c, blk.c, ...).
 *
 * A device model describes itself with a VirtioDeviceOps table, hands over
 * its feature bits and a pointer to its live device-config bytes, and gets
 * a VirtioPci: a PCI function (vendor 0x1af4, device 0x1040 + id) with
 *   BAR 1  MSI-X table (0x000) and PBA (0x800), one vector per queue + 1
 *   BAR 4  common cfg 0x0000, ISR 0x1000, device cfg 0x2000,
 *          notify 0x3000 (queue q at 0x3000 + 4 q)
 * described by vendor capabilities at 0x40 and an MSI-X capability.
 * Without MSI-X, interrupts use INTA# and the ISR register.
 *
 * The transport owns the queues, the status state machine (reset on 0,
 * FEATURES_OK only for an acceptable subset that includes VERSION_1,
 * DEVICE_NEEDS_RESET when a queue breaks) and interrupt delivery.  Device
 * callbacks run with the machine's device lock held, like all device code;
 * a device thread (blk's I/O thread) takes that lock itself before it
 * calls the queue helpers below. */
#ifndef VESSEL_VIRTIO_VIRTIO_PCI_H
#define VESSEL_VIRTIO_VIRTIO_PCI_H

#include "vmm/hw/pci.h"
#include "vmm/virtio/virtqueue.h"

#include <stdbool.h>
#include <stdint.h>

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/* Transport feature bits. */
#define VIRTIO_F_INDIRECT_DESC (1ull << 28)
#define VIRTIO_F_EVENT_IDX (1ull << 29)
#define VIRTIO_F_VERSION_1 (1ull << 32)

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_MAX_QUEUES 8u
#define VIRTIO_MSI_NO_VECTOR 0xffffu

/* Layout of BAR 4 (exported for tests). */
#define VIRTIO_PCI_COMMON_OFF 0x0000u
#define VIRTIO_PCI_ISR_OFF 0x1000u
#define VIRTIO_PCI_DEVICE_OFF 0x2000u
#define VIRTIO_PCI_NOTIFY_OFF 0x3000u
#define VIRTIO_PCI_NOTIFY_MULT 4u
#define VIRTIO_PCI_BAR_SIZE 0x4000u
#define VIRTIO_PCI_MSIX_BAR 1
#define VIRTIO_PCI_CFG_BAR 4
#define VIRTIO_PCI_PBA_OFF 0x800u

typedef struct VirtioPci VirtioPci;

typedef struct {
    const char *name;           /* for messages */
    uint16_t device_id;         /* virtio device type: 1 net, 2 blk, 3 console, 4 rng */
    uint32_t pci_class;         /* 24-bit class code */
    unsigned num_queues;        /* <= VIRTIO_PCI_MAX_QUEUES */
    uint16_t queue_max;         /* power of two <= VIRTQ_MAX_SIZE */
    /* The guest kicked queue @q (queue ready, DRIVER_OK, bus master on). */
    void (*queue_notify)(void *opaque, VirtioPci *vp, unsigned q);
    /* The guest reset the device: forget in-flight work. */
    void (*reset)(void *opaque);
    /* Optional: a guest write to device config bytes [off, off + size). */
    void (*config_write)(void *opaque, uint32_t off, uint32_t val, unsigned size);
} VirtioDeviceOps;

/* Add the device in the first free PCI slot.  @features are the device's
 * own feature bits (VERSION_1, INDIRECT_DESC and EVENT_IDX are added);
 * @config/@config_size its device-config bytes, read live (may be NULL/0).
 * Returns NULL if the bus is full. */
VirtioPci *virtio_pci_create(PciHost *host, const VirtioGuestMem *mem,
                             const VirtioDeviceOps *ops, void *opaque,
                             uint64_t features, const void *config, uint32_t config_size);
void virtio_pci_destroy(VirtioPci *vp);
PciDevice *virtio_pci_device(VirtioPci *vp);

/* Features both sides agreed on (valid once FEATURES_OK). */
uint64_t virtio_pci_features(const VirtioPci *vp);
uint8_t virtio_pci_status(const VirtioPci *vp);

/* Queue helpers for device models: pop returns 1/0, or -EIO after marking
 * the device DEVICE_NEEDS_RESET; push marks it too on failure.
 * virtio_pci_queue_done interrupts the guest if it asked for it. */
int virtio_pci_pop(VirtioPci *vp, unsigned q, VirtqElem *elem);
int virtio_pci_push(VirtioPci *vp, unsigned q, const VirtqElem *elem, uint32_t written);
void virtio_pci_queue_done(VirtioPci *vp, unsigned q);
/* After a pop: more buffers wait on @q (virtq_pending). */
bool virtio_pci_queue_pending(VirtioPci *vp, unsigned q);
/* May queue @q be served: ready, DRIVER_OK, not NEEDS_RESET, bus master
 * on (what a notify is checked for; a device thread re-checks it). */
bool virtio_pci_queue_active(const VirtioPci *vp, unsigned q);
/* Mark the device broken: DEVICE_NEEDS_RESET + config interrupt. */
void virtio_pci_set_broken(VirtioPci *vp);

#endif
