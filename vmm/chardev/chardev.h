/* chardev.h - host back-ends for the guest's serial port.
 *
 *   stdio       our stdin/stdout; the terminal is put in raw mode when
 *               stdin is a tty and restored on every exit path; then
 *               Ctrl-C goes to the guest and Ctrl-A x quits (escape.h)
 *   file:PATH   output appended to PATH, no input
 *   unix:PATH   a listening UNIX socket; one client at a time, a new
 *               client replaces the old one, clients may come and go
 *   pty         a new pseudo-terminal, its path printed on stderr
 *
 * The front-end (the UART) sees a CharBackend; input is handed to it
 * through ChardevFrontend on the main thread, with flow control: when the
 * front-end has no room we stop reading until it calls accept_input.
 *
 * Output never blocks the guest for long.  unix and pty keep a backlog
 * (backlog.h, 64 KiB) of output that no reader has taken: written while
 * nobody was attached, or while the reader stayed full for more than a
 * 50 ms grace period.  Beyond 64 KiB the oldest bytes are dropped.  A
 * client that attaches gets the backlog first, then live output, in
 * order and without duplicates; a client that reconnects therefore sees
 * what it missed while away (up to 64 KiB), never a replay of what an
 * earlier client already read.  So the first lines a guest prints before
 * vesseld attaches reach the daemon's log.  stdio and files are written
 * synchronously. */
#ifndef VESSEL_CHARDEV_H
#define VESSEL_CHARDEV_H

#include "vmm/hw/char_backend.h"

#include <glib.h>

#define CHARDEV_ERROR (chardev_error_quark())
GQuark chardev_error_quark(void);
typedef enum {
    CHARDEV_ERROR_SPEC,
    CHARDEV_ERROR_OPEN,
    CHARDEV_ERROR_LAST
} ChardevError;

typedef struct CharDev CharDev;

typedef struct {
    /* Bytes the front-end can take now (main thread). */
    size_t (*can_receive)(void *opaque);
    /* Push @len <= can_receive() bytes. */
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
} ChardevFrontend;

CharDev *chardev_new(const char *spec, GError **error);
void chardev_free(CharDev *cd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CharDev, chardev_free)
CharBackend *chardev_backend(CharDev *cd);
/* Start delivering input (adds sources to the default main context). */
void chardev_set_frontend(CharDev *cd, const ChardevFrontend *fe);
/* stdio on a terminal: call @quit (main thread) on Ctrl-A x.  Returns
 * FALSE, and does nothing, for every other back-end. */
gboolean chardev_set_escape(CharDev *cd, void (*quit)(void *opaque), void *opaque);
/* Bytes the front-end has written since start (every back-end), and
 * bytes the backlog dropped because it was full (unix, pty). */
guint64 chardev_out_bytes(CharDev *cd);
guint64 chardev_dropped_bytes(CharDev *cd);
/* For pty: the slave's path; for unix: the socket path; else NULL. */
const char *chardev_path(const CharDev *cd);

#endif
