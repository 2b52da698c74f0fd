/* pc_testdev.c - QEMU's pc-testdev (pc_testdev.h).  The scratch register
 * keeps what was written at each byte; reads return the bytes asked for.
 * The interrupt lines keep their level until written again, as QEMU's
 * qemu_set_irq does; a reset lowers them. */
#include "config.h"

#include "vmm/hw/pc_testdev.h"

#include <stdlib.h>
#include <string.h>

struct PcTestdev {
    PcTestdevHost host;
    uint32_t data;
    uint32_t lines;          /* lines this device holds high */
    uint8_t iomem[PC_TESTDEV_IOMEM_LEN];
};

static uint64_t ioport_read(void *opaque, uint64_t offset, unsigned size)
{
    PcTestdev *t = opaque;
    uint64_t mask = size >= 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
    return (t->data >> (8 * (offset & 3))) & mask;
}

static int ioport_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    PcTestdev *t = opaque;
    unsigned shift = 8 * (offset & 3);
    uint64_t mask = (size >= 4 ? 0xffffffffull : (1ull << (8 * size)) - 1) << shift;
    t->data = (uint32_t)((t->data & ~mask) | ((val << shift) & mask));
    return 0;
}

static uint64_t none_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return ~0ull;
}

static int flush_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    PcTestdev *t = opaque;
    if (offset == 0 && size == 4 && t->host.flush_page)
        t->host.flush_page(t->host.opaque, val & ~0xfffull);
    return 0;
}

static int irq_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    PcTestdev *t = opaque;
    (void)size;
    if (offset >= PC_TESTDEV_IRQ_LINES)
        return 0;
    int level = (val & 0xff) != 0;
    if (level)
        t->lines |= 1u << offset;
    else
        t->lines &= ~(1u << offset);
    if (t->host.set_irq)
        t->host.set_irq(t->host.opaque, (int)offset, level);
    return 0;
}

static uint64_t iomem_read(void *opaque, uint64_t offset, unsigned size)
{
    PcTestdev *t = opaque;
    uint64_t v = 0;
    memcpy(&v, t->iomem + offset, size);   /* the bus keeps offset + size in range */
    return v;
}

static int iomem_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    PcTestdev *t = opaque;
    memcpy(t->iomem + offset, &val, size);
    return 0;
}

static const IoOps ioport_ops = { ioport_read, ioport_write, IO_SIZES_UP_TO_32 };
static const IoOps ioport_byte_ops = { ioport_read, ioport_write, IO_SIZES_8BIT };
static const IoOps flush_ops = { none_read, flush_write, IO_SIZES_UP_TO_32 };
static const IoOps irq_ops = { none_read, irq_write, IO_SIZES_8BIT };
static const IoOps iomem_ops = { iomem_read, iomem_write, IO_SIZES_ALL };

PcTestdev *pc_testdev_create(const PcTestdevHost *host)
{
    PcTestdev *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    if (host)
        t->host = *host;
    return t;
}

void pc_testdev_destroy(PcTestdev *t)
{
    free(t);
}

void pc_testdev_reset(PcTestdev *t)
{
    t->data = 0;
    for (int n = 0; n < PC_TESTDEV_IRQ_LINES; n++)
        if (t->lines & (1u << n))
            irq_write(t, n, 0, 1);
    memset(t->iomem, 0, sizeof(t->iomem));
}

int pc_testdev_attach(PcTestdev *t, IoBus *bus)
{
    int r = io_bus_register(bus, IO_SPACE_PIO, PC_TESTDEV_IOPORT, 4, &ioport_ops, t);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, PC_TESTDEV_FLUSH, 4, &flush_ops, t);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, PC_TESTDEV_IOPORT_BYTE, 4, &ioport_byte_ops, t);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, PC_TESTDEV_IRQ, PC_TESTDEV_IRQ_LINES, &irq_ops, t);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_MMIO, PC_TESTDEV_IOMEM, PC_TESTDEV_IOMEM_LEN,
                            &iomem_ops, t);
    return r;
}
