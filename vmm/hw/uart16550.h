/* uart16550.h - 16550A UART (COM1 at 0x3f8, IRQ 4). */
#ifndef VESSEL_HW_UART16550_H
#define VESSEL_HW_UART16550_H

#include "vmm/hw/char_backend.h"
#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"
#include "vmm/timer.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct Uart16550 Uart16550;

Uart16550 *uart16550_create(TimerList *tl, const IrqLine *irq, CharBackend *be);
void uart16550_destroy(Uart16550 *u);
void uart16550_reset(Uart16550 *u);
/* Register the 8 registers at @base in @space. */
int uart16550_attach(Uart16550 *u, IoBus *bus, IoSpace space, uint64_t base);
uint64_t uart16550_read(void *opaque, uint64_t offset, unsigned size);
int uart16550_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);
/* Host input: room left in the receive FIFO, and push bytes (at most
 * that many are taken; returns how many). */
size_t uart16550_can_receive(Uart16550 *u);
size_t uart16550_receive(Uart16550 *u, const uint8_t *buf, size_t len);

#endif
