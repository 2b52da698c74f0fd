/* vmm_watch.h - the daemon's `watch` connection to a running VMM.
 *
 * vessel-vmm sends `event EVENT` lines to a control connection that asked
 * with `watch` (vmm/README): `event reset` when the machine reset and
 * boots again.  One VmmWatch per running domain reads them on the
 * daemon's main loop and hands each EVENT to a callback.  The VMM runs
 * guest-influenced code, so what it sends is bounded: lines over
 * VMM_WATCH_LINE_MAX end the watch, and at most VMM_WATCH_RATE events a
 * second are passed on (a guest that resets in a loop, a VMM that floods)
 * with one log line for what was dropped.  The watch ends quietly when
 * the VMM closes the connection (it exited: its exit watch says so). */
#ifndef VESSEL_VMM_WATCH_H
#define VESSEL_VMM_WATCH_H

#include <glib.h>

#define VMM_WATCH_LINE_MAX 256
#define VMM_WATCH_RATE 20

typedef struct VmmWatch VmmWatch;
/* @event: the word after "event " (e.g. "reset"). */
typedef void (*VmmWatchFunc)(const char *event, gpointer data);

/* Connect to the control socket at @path (never blocking) and ask for
 * events; @func(event, @data) runs on @context; @notify(@data) when the
 * watch is freed.  NULL and an error when the VMM does not accept. */
VmmWatch *vmm_watch_new(const char *path, GMainContext *context, VmmWatchFunc func,
                        gpointer data, GDestroyNotify notify, GError **error);
/* On @context's thread (or before the first event can arrive). */
void vmm_watch_free(VmmWatch *w);

#endif
