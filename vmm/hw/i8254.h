/* i8254.h - i8254 PIT at 0x40-0x43 (channel 0 on IRQ 0) plus system
 * control port B at 0x61 (channel 2 gate and output, speaker enable). */
#ifndef VESSEL_HW_I8254_H
#define VESSEL_HW_I8254_H

#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"
#include "vmm/timer.h"

#define PIT_HZ 1193182

typedef struct I8254 I8254;

I8254 *i8254_create(TimerList *tl, const IrqLine *irq0);
void i8254_destroy(I8254 *pit);
void i8254_reset(I8254 *pit);
int i8254_attach(I8254 *pit, IoBus *bus);
/* Offsets 0-3 are ports 0x40-0x43; port 0x61 is handled by the port B
 * functions. */
uint64_t i8254_read(void *opaque, uint64_t offset, unsigned size);
int i8254_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);
uint64_t i8254_port61_read(void *opaque, uint64_t offset, unsigned size);
int i8254_port61_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);

#endif
