/* vnc.h - the VNC server of vessel-vmm: libvncserver (RFB, encodings,
 * VNC password authentication) around the Display, with keyboard input
 * to the PS/2 keyboard and the pointer to the tablet or PS/2 mouse.
 *
 * Where it listens (--vnc SPEC[,password][,keymap=NAME]):
 *   [HOST:]PORT   TCP, HOST defaults to 127.0.0.1
 *   unix:PATH     a UNIX stream socket
 *   fd:N          an inherited listening socket (vesseld binds it: the
 *                 VMM opens nothing itself)
 * With `password` every client must authenticate (VNC authentication);
 * until vnc_server_set_password() gave a password, all are refused.
 * keymap=NAME is the guest's keyboard layout in libvirt's names (de,
 * fr-ch, ...; keymap.h): keysyms become the keys of that layout.
 *
 * One thread serves everything: it sleeps in poll() on the listening
 * socket while no client is connected (no cost at all), and otherwise
 * runs libvncserver's event loop with a 30 ms timeout, bringing the
 * Display up to date between rounds (so an idle screen costs one
 * compare per round). */
#ifndef VESSEL_DISPLAY_VNC_H
#define VESSEL_DISPLAY_VNC_H

#include "vmm/display/display.h"
#include "vmm/virtio/input.h"

#include <glib.h>

typedef struct VncServer VncServer;

/* @tablet may be NULL (the pointer then drives the PS/2 mouse). */
VncServer *vnc_server_new(Machine *m, Display *d, VirtioInput *tablet, const char *spec,
                          GError **error);
void vnc_server_free(VncServer *v);
/* Set (or with NULL/"" clear, refusing everyone) the password; only
 * meaningful with `password` in the spec.  Any thread. */
void vnc_server_set_password(VncServer *v, const char *password);
/* "127.0.0.1:5900", "unix:/path", "fd:3" (for `info`). */
const char *vnc_server_address(VncServer *v);
int vnc_server_clients(VncServer *v);

#endif
