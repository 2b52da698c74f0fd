/* i8259.h - the PC's cascaded i8259A pair (master 0x20, slave 0xa0, slave
 * on master IRQ 2) with the ELCR edge/level registers at 0x4d0/0x4d1. */
#ifndef VESSEL_HW_I8259_H
#define VESSEL_HW_I8259_H

#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"

#include <stdbool.h>

typedef struct I8259 I8259;

/* @intr receives the INTR output level (to the BSP's LINT0/ExtINT). */
I8259 *i8259_create(const IrqLine *intr);
void i8259_destroy(I8259 *pic);
void i8259_reset(I8259 *pic);
int i8259_attach(I8259 *pic, IoBus *bus);
/* Input line @irq (0-15). */
void i8259_set_irq(I8259 *pic, int irq, int level);
/* INTR output level. */
bool i8259_output(const I8259 *pic);
/* The vector an INTA cycle would return now (no side effects). */
int i8259_pending_vector(const I8259 *pic);
/* INTA: the CPU takes the interrupt; returns its vector (spurious IRQ 7
 * or 15 if the request went away). */
int i8259_ack(I8259 *pic);

uint64_t i8259_read(void *opaque, uint64_t offset, unsigned size);
int i8259_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);

#endif
