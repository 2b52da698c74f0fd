/* escape.h - the stdio console's escape key, as in QEMU's -nographic:
 *
 *   Ctrl-A x        quit the VMM (exit status 0, like SIGTERM)
 *   Ctrl-A Ctrl-A   send one Ctrl-A to the guest
 *   Ctrl-A other    the Ctrl-A is swallowed, the other key is sent
 *
 * Everything else, Ctrl-C and Ctrl-Z included, goes to the guest.  Only
 * active when --serial stdio runs on a terminal (raw mode). */
#ifndef VESSEL_CHARDEV_ESCAPE_H
#define VESSEL_CHARDEV_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHARDEV_ESCAPE_CHAR 0x01 /* Ctrl-A */

typedef enum {
    CHARDEV_ESCAPE_NONE,
    CHARDEV_ESCAPE_QUIT,
    CHARDEV_ESCAPE_LAST
} ChardevEscapeAction;

typedef struct {
    bool pending; /* the last byte seen was an unconsumed Ctrl-A */
} ChardevEscape;

/* Filter @len bytes of input in place; returns how many remain for the
 * guest (never more than @len).  On Ctrl-A x, returns the bytes before it
 * with *action = CHARDEV_ESCAPE_QUIT; the rest of @buf is discarded. */
size_t chardev_escape_filter(ChardevEscape *esc, uint8_t *buf, size_t len,
                             ChardevEscapeAction *action);

#endif
