/* char_backend.h - the tiny struct between a character device front-end
 * (the UART) and a host back-end (stdio, file, socket, pty: vmm/chardev/).
 *
 * The front-end calls write() with bytes the guest sent (never blocks the
 * guest for long: a back-end with nobody listening drops them) and
 * accept_input() when it has room for more input after having refused
 * some.  The back-end pushes input with the front-end's own functions
 * (uart16550_can_receive/uart16550_receive) under the device lock. */
#ifndef VESSEL_HW_CHAR_BACKEND_H
#define VESSEL_HW_CHAR_BACKEND_H

#include <stddef.h>
#include <stdint.h>

typedef struct CharBackend CharBackend;
struct CharBackend {
    void (*write)(CharBackend *be, const uint8_t *buf, size_t len);
    void (*accept_input)(CharBackend *be);
};

#endif
