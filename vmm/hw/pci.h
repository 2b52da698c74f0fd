/* pci.h - PCI host bridge (configuration mechanism #1 at 0xcf8/0xcfc and
 * the ECAM/MMCONFIG window of the ACPI MCFG table, bus 0 only, host
 * bridge at 00:00.0) and the device side of PCI: config
 * space with the standard type-0 header, BARs that are sized and moved by
 * the guest and map themselves on the IoBus, INTx lines and MSI messages.
 *
 * Device models (virtio-pci) call pci_device_add, fill capabilities in
 * pci_device_config() from 0x40 on (and set the capability pointer), add
 * BARs, and get config writes at offsets >= 0x40 through
 * PciDeviceOps.config_write (reads are served from the config bytes, so a
 * device keeps them current, or refreshes them in config_read).  Everything is called with the device lock. */
#ifndef VESSEL_HW_PCI_H
#define VESSEL_HW_PCI_H

#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"

#include <stdbool.h>
#include <stdint.h>

#define PCI_MMIO_WINDOW_BASE 0xc0000000ull
#define PCI_MMIO_WINDOW_END 0xfeafffffull     /* inclusive; ECAM above */
/* ECAM for bus 0 (1 MiB), below the IOAPIC; reserved in the e820 map. */
#define PCI_ECAM_BASE 0xfeb00000ull
#define PCI_ECAM_SIZE 0x100000ull
#define PCI_IO_WINDOW_BASE 0xc000
#define PCI_IO_WINDOW_END 0xffff
#define PCI_SLOTS 32
#define PCI_BARS 6
#define PCI_CONFIG_SIZE 256
/* INTx of slot s, pin p (1 = INTA) is GSI 16 + (s + p - 1) % 8 (the
 * DSDT's _PRT says the same). */
#define PCI_INTX_GSI(slot, pin) (16 + ((slot) + (pin) - 1) % 8)

typedef enum {
    PCI_BAR_MEM32 = 0,
    PCI_BAR_IO = 1,
    PCI_BAR_MEM64 = 4,
    PCI_BAR_MEM32_PREFETCH = 8,   /* 32-bit memory, prefetchable (a framebuffer) */
} PciBarType;

typedef struct PciHost PciHost;
typedef struct PciDevice PciDevice;

typedef struct {
    /* Config write at @offset >= 0x40 (already stored in the bytes). */
    void (*config_write)(void *opaque, unsigned offset, uint32_t val, unsigned size);
    /* The guest changed the command register (bus master, INTx disable). */
    void (*command_changed)(void *opaque, uint16_t command);
    /* Machine reset (pci_host_reset, after the generic header): back to
     * the power-on state.  Optional. */
    void (*reset)(void *opaque);
    /* A guest is about to read @size bytes at @offset >= 0x40: the device
     * may refresh those config bytes first (virtio's PCI_CFG window reads
     * a BAR).  Optional. */
    void (*config_read)(void *opaque, unsigned offset, unsigned size);
} PciDeviceOps;

typedef struct {
    /* INTx line for a GSI. */
    void (*set_gsi)(void *opaque, int gsi, int level);
    /* An MSI write (address 0xfeeXXXXX, data) from a device. */
    void (*msi)(void *opaque, uint64_t addr, uint32_t data);
    void *opaque;
} PciHostIrq;

PciHost *pci_host_create(IoBus *bus, const PciHostIrq *irq);
/* Make 00:00.0 the host bridge of QEMU's pc machine, an i440FX
 * (8086:1237 rev 2, subsystem 1af4:1100): what SeaBIOS looks for to
 * know it runs on QEMU and where its PAM (shadow RAM) registers are
 * (0x59-0x5f).  They are stored, read back and cleared by a reset;
 * 0xc0000-0xfffff is RAM whatever they say, which is all SeaBIOS
 * needs (it copies itself there from the ROM's alias below 4 GiB).
 * Like QEMU's i440FX it has no ECAM window (SeaBIOS places BARs up to
 * the IOAPIC, over where vessel-pc's ECAM is).  Before pci_host_attach. */
void pci_host_be_i440fx(PciHost *host);
void pci_host_destroy(PciHost *host);
void pci_host_reset(PciHost *host);
int pci_host_attach(PciHost *host);
/* Config mechanism #1: offset 0-3 is 0xcf8, 4-7 is 0xcfc. */
uint64_t pci_host_read(void *opaque, uint64_t offset, unsigned size);
int pci_host_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);
/* ECAM: @offset within the window at PCI_ECAM_BASE. */
uint64_t pci_ecam_read(void *opaque, uint64_t offset, unsigned size);
int pci_ecam_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);

/* Add a device in @slot (1-31; -1 picks the first free one).  @class_code
 * is the 24-bit class/subclass/prog-if; @irq_pin 0 for none, 1 for INTA.
 * Returns NULL if the slot is taken or out of range. */
PciDevice *pci_device_add(PciHost *host, int slot, uint16_t vendor, uint16_t device,
                          uint32_t class_code, uint8_t revision,
                          uint16_t subsys_vendor, uint16_t subsys_id, uint8_t irq_pin,
                          const PciDeviceOps *ops, void *opaque);
int pci_device_slot(const PciDevice *dev);
uint8_t *pci_device_config(PciDevice *dev);
/* Describe BAR @bar (0-5; a 64-bit BAR uses @bar and @bar + 1) of
 * power-of-two @size with its handlers.  The BAR gets an address in the
 * PCI window (as firmware would) and maps when the command register
 * enables decoding.  -EINVAL / -ENOSPC. */
int pci_device_add_bar(PciDevice *dev, int bar, uint64_t size, PciBarType type,
                       const IoOps *ops, void *opaque);
uint64_t pci_device_bar_addr(const PciDevice *dev, int bar);
void pci_device_set_irq(PciDevice *dev, int level);
void pci_device_msi(PciDevice *dev, uint64_t addr, uint32_t data);
bool pci_device_bus_master(const PciDevice *dev);

#endif
