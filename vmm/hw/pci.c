/* pci.c - PCI host bridge and generic config space (see pci.h).
 *
 * The host decodes the CONFIG_ADDRESS register (enable bit, bus, device,
 * function, register) and forwards CONFIG_DATA accesses of any width to
 * function 0 of a device on bus 0; everything else reads all ones.  The
 * generic part of config space handles read-only ID fields, the command
 * register (I/O, memory, bus master, INTx disable), BAR sizing (a BAR
 * reads back its size mask after the guest writes all ones) and moving,
 * and the interrupt line register.  A BAR is (un)mapped on the IoBus
 * whenever its address or the decode enable bits change. */
#include "config.h"

#include "vmm/hw/pci.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PCI_CMD_IO 0x1
#define PCI_CMD_MEM 0x2
#define PCI_CMD_MASTER 0x4
#define PCI_CMD_INTX_DISABLE 0x400
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_STATUS_INTX 0x08

typedef struct {
    uint64_t size;           /* 0: unused (or upper half of a 64-bit BAR) */
    PciBarType type;
    const IoOps *ops;
    void *opaque;
    uint64_t addr;           /* current address as programmed */
    uint64_t mapped;         /* address registered on the bus, or 0 */
    bool is_mapped;
} PciBar;

struct PciDevice {
    PciHost *host;
    int slot;
    uint8_t config[PCI_CONFIG_SIZE];
    PciBar bar[PCI_BARS];
    PciDeviceOps ops;
    void *opaque;
    int irq_level;
};

struct PciHost {
    IoBus *bus;
    PciHostIrq irq;
    bool i440fx;             /* pci_host_be_i440fx: no ECAM, as QEMU's i440FX */
    uint32_t addr;
    PciDevice *dev[PCI_SLOTS];
    uint64_t next_mmio;
    uint32_t next_io;
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = v >> (8 * i);
}

static uint16_t get16(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

static PciDevice *pci_device_new(PciHost *host, int slot, uint16_t vendor,
                                 uint16_t device, uint32_t class_code, uint8_t rev,
                                 uint16_t sv, uint16_t sid, uint8_t pin)
{
    PciDevice *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->host = host;
    d->slot = slot;
    put16(d->config + 0x00, vendor);
    put16(d->config + 0x02, device);
    d->config[0x08] = rev;
    d->config[0x09] = class_code;
    d->config[0x0a] = class_code >> 8;
    d->config[0x0b] = class_code >> 16;
    put16(d->config + 0x2c, sv);
    put16(d->config + 0x2e, sid);
    d->config[0x3d] = pin;
    d->config[0x3c] = pin ? PCI_INTX_GSI(slot, pin) : 0xff;
    return d;
}

PciHost *pci_host_create(IoBus *bus, const PciHostIrq *irq)
{
    PciHost *host = calloc(1, sizeof(*host));
    if (!host)
        return NULL;
    host->bus = bus;
    if (irq)
        host->irq = *irq;
    host->next_mmio = PCI_MMIO_WINDOW_BASE;
    host->next_io = PCI_IO_WINDOW_BASE;
    /* 00:00.0 host bridge (vendor 0x1b36 is the ID range used by
     * emulated generic devices; class 0x0600 host bridge). */
    host->dev[0] = pci_device_new(host, 0, 0x1b36, 0x0008, 0x060000, 0, 0x1b36, 0x0008, 0);
    if (!host->dev[0]) {
        free(host);
        return NULL;
    }
    return host;
}

/* i440FX reset: the device-specific registers (PAM0-6 at 0x59-0x5f
 * among them) read as 0 again. */
static void pci_i440fx_reset(void *opaque)
{
    PciDevice *d = opaque;
    memset(d->config + 0x40, 0, PCI_CONFIG_SIZE - 0x40);
}

void pci_host_be_i440fx(PciHost *host)
{
    PciDevice *d = host->dev[0];
    put16(d->config + 0x00, 0x8086);
    put16(d->config + 0x02, 0x1237);
    d->config[0x08] = 0x02;
    put16(d->config + 0x2c, 0x1af4);
    put16(d->config + 0x2e, 0x1100);
    d->ops.reset = pci_i440fx_reset;
    d->opaque = d;
    host->i440fx = true;
}

static void pci_bar_unmap(PciDevice *d, int i)
{
    PciBar *b = &d->bar[i];
    if (!b->is_mapped)
        return;
    io_bus_unregister(d->host->bus, b->type == PCI_BAR_IO ? IO_SPACE_PIO : IO_SPACE_MMIO,
                      b->mapped);
    b->is_mapped = false;
}

void pci_host_destroy(PciHost *host)
{
    if (!host)
        return;
    for (int s = 0; s < PCI_SLOTS; s++) {
        PciDevice *d = host->dev[s];
        if (!d)
            continue;
        for (int i = 0; i < PCI_BARS; i++)
            pci_bar_unmap(d, i);
        free(d);
    }
    free(host);
}

static void pci_bar_update(PciDevice *d, int i)
{
    PciBar *b = &d->bar[i];
    if (!b->size)
        return;
    uint16_t cmd = get16(d->config + 0x04);
    bool io = b->type == PCI_BAR_IO;
    bool enabled = io ? (cmd & PCI_CMD_IO) : (cmd & PCI_CMD_MEM);
    /* An address of 0 or one that wraps is "not assigned". */
    bool valid = b->addr != 0 && b->addr + b->size - 1 >= b->addr &&
                 (!io || b->addr + b->size <= 0x10000);
    if (b->is_mapped && (!enabled || !valid || b->mapped != b->addr))
        pci_bar_unmap(d, i);
    if (!b->is_mapped && enabled && valid) {
        if (io_bus_register(d->host->bus, io ? IO_SPACE_PIO : IO_SPACE_MMIO, b->addr,
                            b->size, b->ops, b->opaque) == 0) {
            b->mapped = b->addr;
            b->is_mapped = true;
        }
        /* else the guest put it on top of something else: it stays unmapped */
    }
}

static void pci_bar_store(PciDevice *d, int i)
{
    PciBar *b = &d->bar[i];
    put32(d->config + 0x10 + 4 * i, (uint32_t)b->addr | b->type);
    if (b->type == PCI_BAR_MEM64)
        put32(d->config + 0x10 + 4 * (i + 1), b->addr >> 32);
}

void pci_host_reset(PciHost *host)
{
    host->addr = 0;
    for (int s = 0; s < PCI_SLOTS; s++) {
        PciDevice *d = host->dev[s];
        if (!d)
            continue;
        put16(d->config + 0x04, 0);
        for (int i = 0; i < PCI_BARS; i++)
            pci_bar_update(d, i);
        pci_device_set_irq(d, 0);
        if (d->ops.reset)
            d->ops.reset(d->opaque);
    }
}

int pci_device_slot(const PciDevice *d)
{
    return d->slot;
}

uint8_t *pci_device_config(PciDevice *d)
{
    return d->config;
}

PciDevice *pci_device_add(PciHost *host, int slot, uint16_t vendor, uint16_t device,
                          uint32_t class_code, uint8_t revision,
                          uint16_t subsys_vendor, uint16_t subsys_id, uint8_t irq_pin,
                          const PciDeviceOps *ops, void *opaque)
{
    if (slot < 0) {
        for (slot = 1; slot < PCI_SLOTS && host->dev[slot]; slot++)
            ;
    }
    if (slot < 1 || slot >= PCI_SLOTS || host->dev[slot] || irq_pin > 4)
        return NULL;
    PciDevice *d = pci_device_new(host, slot, vendor, device, class_code, revision,
                                  subsys_vendor, subsys_id, irq_pin);
    if (!d)
        return NULL;
    if (ops)
        d->ops = *ops;
    d->opaque = opaque;
    host->dev[slot] = d;
    return d;
}

int pci_device_add_bar(PciDevice *d, int i, uint64_t size, PciBarType type,
                       const IoOps *ops, void *opaque)
{
    if (i < 0 || i >= PCI_BARS || (type == PCI_BAR_MEM64 && i == PCI_BARS - 1) ||
        size < (type == PCI_BAR_IO ? 4 : 16) || (size & (size - 1)) || d->bar[i].size ||
        (type == PCI_BAR_MEM64 && d->bar[i + 1].size) || !ops)
        return -EINVAL;
    PciHost *h = d->host;
    uint64_t addr;
    if (type == PCI_BAR_IO) {
        addr = (h->next_io + size - 1) & ~(size - 1);
        if (addr + size - 1 > PCI_IO_WINDOW_END)
            return -ENOSPC;
        h->next_io = addr + size;
    } else {
        addr = (h->next_mmio + size - 1) & ~(size - 1);
        if (addr + size - 1 > PCI_MMIO_WINDOW_END)
            return -ENOSPC;
        h->next_mmio = addr + size;
    }
    d->bar[i] = (PciBar){ .size = size, .type = type, .ops = ops, .opaque = opaque,
                          .addr = addr };
    pci_bar_store(d, i);
    pci_bar_update(d, i);
    return 0;
}

uint64_t pci_device_bar_addr(const PciDevice *d, int i)
{
    return i >= 0 && i < PCI_BARS ? d->bar[i].addr : 0;
}

void pci_device_set_irq(PciDevice *d, int level)
{
    uint8_t pin = d->config[0x3d];
    if (!pin)
        return;
    uint16_t cmd = get16(d->config + 0x04);
    if (level)
        d->config[0x06] |= PCI_STATUS_INTX;
    else
        d->config[0x06] &= ~PCI_STATUS_INTX;
    int out = level && !(cmd & PCI_CMD_INTX_DISABLE);
    if (out != d->irq_level) {
        d->irq_level = out;
        if (d->host->irq.set_gsi)
            d->host->irq.set_gsi(d->host->irq.opaque, PCI_INTX_GSI(d->slot, pin), out);
    }
}

void pci_device_msi(PciDevice *d, uint64_t addr, uint32_t data)
{
    if (pci_device_bus_master(d) && d->host->irq.msi)
        d->host->irq.msi(d->host->irq.opaque, addr, data);
}

bool pci_device_bus_master(const PciDevice *d)
{
    return get16(d->config + 0x04) & PCI_CMD_MASTER;
}

/* ---- config space access ------------------------------------------- */

static uint32_t pci_config_read(PciDevice *d, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < PCI_CONFIG_SIZE; i++)
        v |= (uint32_t)d->config[off + i] << (8 * i);
    return v;
}

/* A write to the BAR dword @i (bytes already merged into @val). */
static void pci_bar_write(PciDevice *d, int i, uint32_t val)
{
    PciBar *b = &d->bar[i];
    if (b->size) {
        uint64_t mask = ~(b->size - 1);
        if (b->type == PCI_BAR_MEM64)
            b->addr = (b->addr & 0xffffffff00000000ull) | (val & (uint32_t)mask);
        else
            b->addr = val & (uint32_t)mask & (b->type == PCI_BAR_IO ? ~3u : ~15u);
        pci_bar_store(d, i);
        pci_bar_update(d, i);
        return;
    }
    if (i > 0 && d->bar[i - 1].type == PCI_BAR_MEM64 && d->bar[i - 1].size) {
        PciBar *lo = &d->bar[i - 1];
        uint64_t mask = ~(lo->size - 1);
        lo->addr = (((uint64_t)val << 32) | (lo->addr & 0xffffffffull)) & mask;
        pci_bar_store(d, i - 1);
        pci_bar_update(d, i - 1);
        return;
    }
    /* unimplemented BAR: reads as 0 */
}

static void pci_config_write(PciDevice *d, unsigned off, uint32_t val, unsigned size)
{
    if (off + size > PCI_CONFIG_SIZE)
        return;
    if (off >= 0x40) {
        for (unsigned i = 0; i < size; i++)
            d->config[off + i] = val >> (8 * i);
        if (d->ops.config_write)
            d->ops.config_write(d->opaque, off, val, size);
        return;
    }
    /* Header: merge the written bytes into each affected dword. */
    for (unsigned i = 0; i < size; i++) {
        unsigned o = off + i;
        uint8_t b = val >> (8 * i);
        if (o == 0x04 || o == 0x05) {
            uint16_t cmd = get16(d->config + 0x04);
            uint16_t newcmd = o == 0x04 ? (cmd & 0xff00) | b : (cmd & 0x00ff) | (b << 8);
            newcmd &= PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE;
            put16(d->config + 0x04, newcmd);
        } else if (o == 0x3c) {
            d->config[0x3c] = b;
        } else if (o >= 0x10 && o < 0x28) {
            /* handled per dword below */
        }
    }
    for (unsigned dw = off & ~3u; dw < off + size; dw += 4) {
        if (dw < 0x10 || dw >= 0x28)
            continue;
        int i = (dw - 0x10) / 4;
        uint32_t cur = pci_config_read(d, dw, 4);
        for (unsigned k = 0; k < 4; k++) {
            unsigned o = dw + k;
            if (o >= off && o < off + size) {
                cur &= ~(0xffu << (8 * k));
                cur |= ((val >> (8 * (o - off))) & 0xff) << (8 * k);
            }
        }
        if (cur == 0xffffffff && d->bar[i].size) {
            /* sizing: answer with the size mask until the next write */
            PciBar *b = &d->bar[i];
            uint32_t mask = (uint32_t)~(b->size - 1) | b->type;
            put32(d->config + dw, mask);
            continue;
        }
        if (cur == 0xffffffff && i > 0 && d->bar[i - 1].type == PCI_BAR_MEM64 &&
            d->bar[i - 1].size) {
            put32(d->config + dw, (uint32_t)(~(d->bar[i - 1].size - 1) >> 32));
            continue;
        }
        pci_bar_write(d, i, cur);
    }
    if (off < 0x06 && off + size > 0x04) {
        for (int i = 0; i < PCI_BARS; i++)
            pci_bar_update(d, i);
        pci_device_set_irq(d, (d->config[0x06] & PCI_STATUS_INTX) != 0);
        if (d->ops.command_changed)
            d->ops.command_changed(d->opaque, get16(d->config + 0x04));
    }
}

static PciDevice *pci_host_target(PciHost *h, unsigned *reg)
{
    uint32_t a = h->addr;
    if (!(a & 0x80000000u))
        return NULL;
    unsigned bus = (a >> 16) & 0xff, slot = (a >> 11) & 0x1f, fn = (a >> 8) & 7;
    if (bus != 0 || fn != 0)
        return NULL;
    *reg = a & 0xfc;
    return h->dev[slot];
}

/* A guest read of @size bytes at config offset @off of @d. */
static uint32_t pci_config_read_guest(PciDevice *d, unsigned off, unsigned size)
{
    if (off >= PCI_CONFIG_SIZE)
        return 0; /* conventional PCI: no extended config space */
    if (off >= 0x40 && d->ops.config_read)
        d->ops.config_read(d->opaque, off, size);
    uint32_t v = pci_config_read(d, off, size);
    if (off <= 0x06 && off + size > 0x06) {
        /* status: capabilities list bit follows the capability pointer */
        if (d->config[0x34])
            v |= PCI_STATUS_CAP_LIST << (8 * (0x06 - off));
    }
    return v;
}

uint64_t pci_host_read(void *opaque, uint64_t offset, unsigned size)
{
    PciHost *h = opaque;
    if (offset < 4)
        return (h->addr >> (8 * offset)) & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
    unsigned reg;
    PciDevice *d = pci_host_target(h, &reg);
    if (!d)
        return 0xffffffffu;
    return pci_config_read_guest(d, reg + (offset - 4), size);
}

int pci_host_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    PciHost *h = opaque;
    if (offset < 4) {
        for (unsigned i = 0; i < size && offset + i < 4; i++) {
            unsigned sh = 8 * (offset + i);
            h->addr = (h->addr & ~(0xffu << sh)) | (((val >> (8 * i)) & 0xff) << sh);
        }
        h->addr &= 0x80fffffcu;
        return 0;
    }
    unsigned reg;
    PciDevice *d = pci_host_target(h, &reg);
    if (d && d->slot != 0)
        pci_config_write(d, reg + (offset - 4), val, size);
    else if (d)
        pci_config_write(d, reg + (offset - 4), val, size); /* command bits only matter */
    return 0;
}

/* ---- ECAM (PCIe enhanced configuration access, MMCONFIG) -------------
 * Offset = bus << 20 | device << 15 | function << 12 | register; the
 * window covers bus 0 only.  The same config space as 0xcf8/0xcfc; an
 * access must not cross a dword. */

static PciDevice *pci_ecam_target(PciHost *h, uint64_t offset, unsigned size, unsigned *reg)
{
    unsigned slot = (offset >> 15) & 0x1f, fn = (offset >> 12) & 7;
    *reg = offset & 0xfff;
    if (fn != 0 || (*reg & 3) + size > 4)
        return NULL;
    return h->dev[slot];
}

uint64_t pci_ecam_read(void *opaque, uint64_t offset, unsigned size)
{
    unsigned reg;
    PciDevice *d = pci_ecam_target(opaque, offset, size, &reg);
    if (!d)
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return pci_config_read_guest(d, reg, size);
}

int pci_ecam_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    unsigned reg;
    PciDevice *d = pci_ecam_target(opaque, offset, size, &reg);
    if (d && reg < PCI_CONFIG_SIZE)
        pci_config_write(d, reg, val, size);
    return 0;
}

static const IoOps pci_host_ops = { pci_host_read, pci_host_write, IO_SIZES_UP_TO_32 };
static const IoOps pci_ecam_ops = { pci_ecam_read, pci_ecam_write, IO_SIZES_UP_TO_32 };

int pci_host_attach(PciHost *h)
{
    int r = io_bus_register(h->bus, IO_SPACE_PIO, 0xcf8, 8, &pci_host_ops, h);
    if (r == 0 && !h->i440fx)
        r = io_bus_register(h->bus, IO_SPACE_MMIO, PCI_ECAM_BASE, PCI_ECAM_SIZE,
                            &pci_ecam_ops, h);
    return r;
}
