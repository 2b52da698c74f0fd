/* vdriver.h - the guest-driver side of virtio-pci for tests: a real
 * IoBus and PciHost (the code the VMM runs), config mechanism #1 access,
 * BAR access, the 3.1.1 initialization steps, and recorded interrupts.
 * Guest RAM is a TestGuest buffer; queue 0 uses the TQ_* ring layout.
 *
 * Like a vCPU, every bus access takes the device lock (@lock, handed to
 * devices with an I/O thread as vdriver_device_lock()); interrupts are
 * recorded under it.  Device threads complete requests asynchronously:
 * vdriver_wait_until() waits for a condition under the lock, woken by
 * each interrupt, with a deadline that only turns a hang into a failure. */
#ifndef VESSEL_TESTS_VIRTIO_VDRIVER_H
#define VESSEL_TESTS_VIRTIO_VDRIVER_H

#include "tests/virtio/guest_mem.h"
#include "vmm/virtio/iothread.h"
#include "vmm/virtio/virtio_pci.h"

#include <glib.h>
#include <pthread.h>

typedef struct {
    TestGuest g;
    pthread_mutex_t lock;
    pthread_cond_t irq;
    IoBus *bus;
    PciHost *host;
    PciDevice *dev;
    int slot;
    uint64_t bar, msix_bar;
    int gsi_level;
    unsigned nmsi;
    uint32_t last_msi_data;
} VDriver;

void vdriver_init(VDriver *d);
/* pthread condition variables on CLOCK_MONOTONIC (plain pthreads, so a
 * ThreadSanitizer build sees every lock); waits until @deadline_us
 * (g_get_monotonic_time's clock), FALSE once it passed. */
void vdriver_cond_init(pthread_cond_t *c);
gboolean vdriver_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, gint64 deadline_us);
/* The device lock for devices that take it from their own threads. */
IoThreadLock vdriver_device_lock(VDriver *d);
/* Wait, holding the device lock, until @done(@d, @arg) is true.  FALSE if
 * it still is not after the (VESSEL_TEST_TIMEOUT_SCALE'd) deadline. */
gboolean vdriver_wait_until(VDriver *d, gboolean (*done)(VDriver *d, void *arg), void *arg);
/* Wait until queue 0's used idx (TQ_USED) is @idx. */
gboolean vdriver_wait_used(VDriver *d, uint16_t idx);
/* Wait until the device status has DEVICE_NEEDS_RESET. */
gboolean vdriver_wait_needs_reset(VDriver *d);
/* Point the driver at @vp's PCI function and enable memory + bus master. */
void vdriver_attach(VDriver *d, VirtioPci *vp);
void vdriver_fini(VDriver *d);

uint32_t vdriver_cfg_read(VDriver *d, unsigned reg, unsigned size);
void vdriver_cfg_write(VDriver *d, unsigned reg, uint32_t val, unsigned size);
uint32_t vdriver_bar_read(VDriver *d, uint64_t off, unsigned size);
void vdriver_bar_write(VDriver *d, uint64_t off, uint32_t val, unsigned size);
/* Reset, ACKNOWLEDGE|DRIVER, write @features, FEATURES_OK; the status read back. */
uint8_t vdriver_negotiate(VDriver *d, uint64_t features);
/* Queue @q at the TQ_* addresses with @size entries and MSI-X @vector. */
void vdriver_queue_setup(VDriver *d, unsigned q, uint16_t size, uint16_t vector);
/* The same with the rings at @desc, @avail, @used. */
void vdriver_queue_setup_at(VDriver *d, unsigned q, uint16_t size, uint16_t vector,
                            uint64_t desc, uint64_t avail, uint64_t used);
void vdriver_driver_ok(VDriver *d);
void vdriver_kick(VDriver *d, unsigned q);
/* Publish head @head in queue 0's avail ring (@qsize entries). */
void vdriver_offer(VDriver *d, uint16_t qsize, uint16_t head);

#endif
