/* ioapic.c - I/O APIC (version 0x20, with the EOI register at 0x40).
 *
 * Pins are logical levels (1 = asserted; the polarity bit is stored but
 * the machine's lines are already active-high).  Edge pins deliver on a
 * rising edge while unmasked.  Level pins deliver while asserted,
 * unmasked and without remote IRR, and set remote IRR until the vector is
 * EOI'd (LAPIC broadcast or the EOI register); unmasking an asserted
 * level pin delivers it.  Delivery status is always idle: messages are
 * delivered synchronously. */
#include "config.h"

#include "vmm/hw/ioapic.h"

#include <stdlib.h>

#define RTE_VECTOR 0xffull
#define RTE_DM_SHIFT 8
#define RTE_LOGICAL (1ull << 11)
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_LEVEL (1ull << 15)
#define RTE_MASKED (1ull << 16)
#define RTE_RO_BITS ((1ull << 12) | RTE_REMOTE_IRR)

struct Ioapic {
    IoapicHost host;
    uint8_t id;
    uint32_t sel;
    uint32_t level;          /* pin levels */
    uint64_t rte[IOAPIC_PINS];
};

static void ioapic_send(Ioapic *io, int pin)
{
    uint64_t e = io->rte[pin];
    ApicMessage msg = {
        .dest = e >> 56,
        .logical = e & RTE_LOGICAL,
        .mode = (e >> RTE_DM_SHIFT) & 7,
        .vector = e & RTE_VECTOR,
        .level_trigger = e & RTE_LEVEL,
        .assert = true,
        .shorthand = APIC_SH_NONE,
    };
    if (e & RTE_LEVEL)
        io->rte[pin] |= RTE_REMOTE_IRR;
    if (io->host.deliver)
        io->host.deliver(io->host.opaque, &msg);
}

/* Deliver a level pin if it should be. */
static void ioapic_service(Ioapic *io, int pin)
{
    uint64_t e = io->rte[pin];
    if ((e & RTE_LEVEL) && !(e & RTE_MASKED) && !(e & RTE_REMOTE_IRR) &&
        (io->level & (1u << pin)))
        ioapic_send(io, pin);
}

void ioapic_reset(Ioapic *io)
{
    io->sel = 0;
    io->level = 0;
    for (int i = 0; i < IOAPIC_PINS; i++)
        io->rte[i] = RTE_MASKED;
}

Ioapic *ioapic_create(const IoapicHost *host, uint8_t id)
{
    Ioapic *io = calloc(1, sizeof(*io));
    if (!io)
        return NULL;
    if (host)
        io->host = *host;
    io->id = id;
    ioapic_reset(io);
    return io;
}

void ioapic_destroy(Ioapic *io)
{
    free(io);
}

void ioapic_set_irq(Ioapic *io, int pin, int level)
{
    if (pin < 0 || pin >= IOAPIC_PINS)
        return;
    uint32_t bit = 1u << pin;
    bool old = io->level & bit;
    if (level)
        io->level |= bit;
    else
        io->level &= ~bit;
    uint64_t e = io->rte[pin];
    if (e & RTE_LEVEL)
        ioapic_service(io, pin);
    else if (level && !old && !(e & RTE_MASKED))
        ioapic_send(io, pin);
}

void ioapic_eoi(Ioapic *io, int vector)
{
    for (int i = 0; i < IOAPIC_PINS; i++) {
        uint64_t e = io->rte[i];
        if ((e & RTE_LEVEL) && (e & RTE_REMOTE_IRR) && (int)(e & RTE_VECTOR) == vector) {
            io->rte[i] &= ~RTE_REMOTE_IRR;
            ioapic_service(io, i);
        }
    }
}

uint64_t ioapic_redirection(const Ioapic *io, int pin)
{
    return pin >= 0 && pin < IOAPIC_PINS ? io->rte[pin] : 0;
}

static uint32_t ioapic_reg_read(Ioapic *io)
{
    uint32_t r = io->sel;
    switch (r) {
    case 0:
        return (uint32_t)io->id << 24;
    case 1:
        return ((IOAPIC_PINS - 1) << 16) | 0x20;
    case 2:
        return (uint32_t)io->id << 24;
    }
    if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_PINS) {
        uint64_t e = io->rte[(r - 0x10) / 2];
        return (r & 1) ? e >> 32 : (uint32_t)e;
    }
    return 0;
}

static void ioapic_reg_write(Ioapic *io, uint32_t val)
{
    uint32_t r = io->sel;
    if (r == 0) {
        io->id = (val >> 24) & 0xf;
        return;
    }
    if (r < 0x10 || r >= 0x10 + 2 * IOAPIC_PINS)
        return;
    int pin = (r - 0x10) / 2;
    uint64_t e = io->rte[pin];
    if (r & 1) {
        e = (e & 0xffffffffull) | ((uint64_t)val << 32);
    } else {
        e = (e & 0xffffffff00000000ull) | (val & ~(uint32_t)RTE_RO_BITS) |
            (io->rte[pin] & RTE_RO_BITS);
    }
    if (!(e & RTE_LEVEL))
        e &= ~RTE_REMOTE_IRR;
    io->rte[pin] = e;
    ioapic_service(io, pin);
}

uint64_t ioapic_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    Ioapic *io = opaque;
    switch (offset) {
    case 0x00:
        return io->sel;
    case 0x10:
        return ioapic_reg_read(io);
    }
    return 0;
}

int ioapic_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)size;
    Ioapic *io = opaque;
    switch (offset) {
    case 0x00:
        io->sel = val & 0xff;
        break;
    case 0x10:
        ioapic_reg_write(io, val);
        break;
    case 0x40:
        ioapic_eoi(io, val & 0xff);
        break;
    }
    return 0;
}

static const IoOps ioapic_ops = { ioapic_read, ioapic_write, 4 };

int ioapic_attach(Ioapic *io, IoBus *bus, uint64_t base)
{
    return io_bus_register(bus, IO_SPACE_MMIO, base, 0x1000, &ioapic_ops, io);
}
