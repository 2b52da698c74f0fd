/* keysym.h - X keysyms (what VNC clients send) to Linux keycodes for a
 * US keyboard layout.  A shifted character maps to its key (the client
 * sends Shift itself): '!' is KEY_1, 'A' is KEY_A. */
#ifndef VESSEL_DISPLAY_KEYSYM_H
#define VESSEL_DISPLAY_KEYSYM_H

#include <stdint.h>

/* Linux keycode, or -1 for a keysym with no key on a US keyboard. */
int keysym_to_keycode(uint32_t keysym);

#endif
