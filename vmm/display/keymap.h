/* keymap.h - the keyboard layout a VNC server assumes for the guest
 * (libvirt's <graphics keymap='de'>, QEMU's -k): which key of the
 * guest's layout makes a keysym a client sends.  A German guest gets
 * KEY_Y for keysym 'z', KEY_Q for '@' (with the client's AltGr).
 *
 * Layouts come from xkb-data through libxkbcommon: keymap_new() asks
 * xkbcommon for the layout's keymap and inverts it (keysym -> the key
 * with the lowest shift level that produces it).  Built without
 * libxkbcommon, only "en-us" exists (the built-in table, keysym.c). */
#ifndef VESSEL_DISPLAY_KEYMAP_H
#define VESSEL_DISPLAY_KEYMAP_H

#include <glib.h>
#include <stdint.h>

typedef struct Keymap Keymap;

/* @name: libvirt's keymap name ("de", "fr-ch", "en-us", ...).  NULL and
 * @error for an unknown name or a layout xkb-data does not have. */
Keymap *keymap_new(const char *name, GError **error);
void keymap_free(Keymap *k);
/* The Linux keycode for @keysym, -1 if the layout has no such key. */
int keymap_keycode(const Keymap *k, uint32_t keysym);
/* libvirt's keymap names, NULL-terminated. */
const char *const *keymap_names(void);

#endif
