/* i8042.h - PS/2 keyboard controller at 0x60/0x64 (IRQ 1, aux IRQ 12)
 * with its keyboard (scan code set 2, translated to set 1 by default),
 * an optional PS/2 mouse, and the 0xFE pulse-reset command. */
#ifndef VESSEL_HW_I8042_H
#define VESSEL_HW_I8042_H

#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"

#include <stdbool.h>

typedef struct I8042 I8042;

/* @reset_exit is the VcpuExit a reset command returns from the write. */
I8042 *i8042_create(const IrqLine *kbd_irq, const IrqLine *aux_irq, int reset_exit);
void i8042_destroy(I8042 *kbd);
void i8042_reset(I8042 *kbd);
int i8042_attach(I8042 *kbd, IoBus *bus);
/* Plug a PS/2 mouse into the aux port (before the guest probes). */
void i8042_set_mouse(I8042 *kbd, bool present);
/* A key (Linux keycode) pressed or released; false if the keyboard has
 * no such key.  Lock held, like every device call. */
bool i8042_key(I8042 *kbd, unsigned code, bool down);
/* Relative mouse motion (dy positive = down), wheel, buttons held
 * (PS2_BUTTON_*); nothing without a mouse. */
void i8042_mouse(I8042 *kbd, int dx, int dy, int dz, unsigned buttons);
/* Offset 0 is port 0x60 (data), 4 is port 0x64 (status/command). */
uint64_t i8042_read(void *opaque, uint64_t offset, unsigned size);
int i8042_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);

#endif
