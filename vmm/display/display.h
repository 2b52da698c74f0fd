/* display.h - what the VGA shows, as 32-bit pixels, for the VNC server
 * and screenshots.
 *
 * display_update() reads the VGA's registers (under the device lock,
 * briefly) and the text cells or the framebuffer (guest memory, without
 * the lock: a frame may tear, nothing worse), updates its own pixel
 * buffer (0x00RRGGBB, packed: stride = width) and reports which
 * rectangles changed.  It compares against what it drew last, so an
 * idle screen costs a compare, not a redraw.  One lock (display_lock)
 * covers the buffer: the VNC thread holds it while it updates and while
 * libvncserver reads the buffer; a screenshot takes it too.  Lock
 * order: display lock, then the device lock. */
#ifndef VESSEL_DISPLAY_DISPLAY_H
#define VESSEL_DISPLAY_DISPLAY_H

#include "vmm/machine.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define DISPLAY_MAX_W 2560
#define DISPLAY_MAX_H 1600

typedef struct Display Display;

typedef struct {
    /* The size changed (everything is new): @fb is w x h. */
    void (*resize)(void *opaque, uint32_t *fb, unsigned w, unsigned h);
    /* Pixels in [x, x+w) x [y, y+h) changed. */
    void (*damage)(void *opaque, unsigned x, unsigned y, unsigned w, unsigned h);
} DisplayHooks;

/* NULL if the machine has no VGA. */
Display *display_new(Machine *m);
void display_free(Display *d);
void display_lock(Display *d);
void display_unlock(Display *d);
/* With the display lock held.  @hooks may be NULL (a screenshot): the
 * resize and damage that update saw are then reported to the next call
 * with hooks, before its own. */
void display_update(Display *d, const DisplayHooks *hooks, void *opaque);
/* The pixels as they are now (display lock held). */
const uint32_t *display_pixels(Display *d, unsigned *w, unsigned *h);
/* Update, then the screen as a PNG (takes the display lock itself). */
GBytes *display_png(Display *d, GError **error);

#endif
