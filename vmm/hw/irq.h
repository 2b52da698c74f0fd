/* irq.h - an interrupt line from a device to whoever routes it.
 *
 * Devices never know about the PIC/IOAPIC: they get an IrqLine at creation
 * and set its level (1 asserted, 0 deasserted; an edge is a 1 then a 0).
 * The machine's routing function fans a GSI out to the i8259 pair and the
 * IOAPIC.  Called with the device lock held. */
#ifndef VESSEL_HW_IRQ_H
#define VESSEL_HW_IRQ_H

typedef struct {
    void (*set)(void *opaque, int line, int level);
    void *opaque;
    int line;
} IrqLine;

static inline void irq_line_set(const IrqLine *irq, int level)
{
    if (irq && irq->set)
        irq->set(irq->opaque, irq->line, level);
}

static inline void irq_line_pulse(const IrqLine *irq)
{
    irq_line_set(irq, 1);
    irq_line_set(irq, 0);
}

#endif
