/* ioapic.h - I/O APIC at 0xfec00000 with 24 pins (GSI 0-23). */
#ifndef VESSEL_HW_IOAPIC_H
#define VESSEL_HW_IOAPIC_H

#include "vmm/hw/lapic.h"
#include "vmm/io_bus.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000ull
#define IOAPIC_PINS 24

typedef struct Ioapic Ioapic;

typedef struct {
    /* Send an interrupt message to the LAPICs (dest, logical, mode,
     * vector, level_trigger are filled; shorthand none). */
    void (*deliver)(void *opaque, const ApicMessage *msg);
    void *opaque;
} IoapicHost;

Ioapic *ioapic_create(const IoapicHost *host, uint8_t id);
void ioapic_destroy(Ioapic *io);
void ioapic_reset(Ioapic *io);
int ioapic_attach(Ioapic *io, IoBus *bus, uint64_t base);
void ioapic_set_irq(Ioapic *io, int pin, int level);
/* A LAPIC EOI'd a level-triggered @vector: clear remote IRR, re-deliver
 * if the line is still asserted. */
void ioapic_eoi(Ioapic *io, int vector);
uint64_t ioapic_read(void *opaque, uint64_t offset, unsigned size);
int ioapic_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);
/* Redirection entry of @pin (for tests and debugging). */
uint64_t ioapic_redirection(const Ioapic *io, int pin);

#endif
