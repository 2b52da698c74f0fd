/* boot_watch.h - notice that the firmware found nothing to boot.
 *
 * SeaBIOS says "No bootable device." on its console (COM1 here, through
 * etc/sercon-port) when every boot entry failed, then waits and resets,
 * forever.  A BootWatch sits between the UART and the serial back-end,
 * passes every byte on unchanged, and calls @on_fail once when a line
 * starts with that text while the firmware still owns the port: it
 * disarms for good once the guest enables a UART interrupt (IER != 0),
 * which an OS driver does and SeaBIOS and GRUB, which poll, never do.
 * So a booted guest printing the same words cannot stop its VM. */
#ifndef VESSEL_BOOT_WATCH_H
#define VESSEL_BOOT_WATCH_H

#include "vmm/hw/char_backend.h"
#include "vmm/hw/uart16550.h"

#include <glib.h>

#define BOOT_WATCH_TEXT "No bootable device."

typedef struct BootWatch BootWatch;

/* Wrap @inner; @on_fail runs on the vCPU thread that wrote the text. */
BootWatch *boot_watch_new(CharBackend *inner, void (*on_fail)(void *opaque), void *opaque);
void boot_watch_free(BootWatch *w);   /* NULL is allowed */
/* What the UART is given instead of @inner. */
CharBackend *boot_watch_backend(BootWatch *w);
/* The UART whose IER disarms the watch (set once the machine exists). */
void boot_watch_set_uart(BootWatch *w, Uart16550 *uart);
/* Armed again (the firmware runs again after a reset); NULL is allowed. */
void boot_watch_rearm(BootWatch *w);

#endif
