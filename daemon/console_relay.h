/* console_relay.h - one guest console of a running domain (the serial
 * port; the virtio console likewise, without a log: domain_console.h).
 *
 * The VMM listens on RUN/domains/NAME.console (--serial unix:PATH).  The
 * relay keeps one connection to it for the domain's whole run, appends
 * every byte the guest writes to the domain log, and forwards it to the
 * one attached console client, if any.  OpenConsole gives the client one
 * end of a socketpair; what the client writes is forwarded to the guest.
 * A client that stops reading never blocks the daemon: output for it is
 * buffered up to a limit, then dropped (the log keeps it, up to [limits]
 * max_domain_log: domain_log.h).
 *
 * All I/O runs on the daemon's main context; the functions below may be
 * called from any thread. */
#ifndef VESSEL_CONSOLE_RELAY_H
#define VESSEL_CONSOLE_RELAY_H

#include <glib.h>
#include <sys/types.h>

typedef struct ConsoleRelay ConsoleRelay;

/* Connect to the VMM's console socket and start logging to @log_path
 * (NULL: no log; @max_log: domain_log.h). */
ConsoleRelay *console_relay_new(GMainContext *context, const char *socket_path,
                                const char *log_path, goffset max_log, GError **error);
/* Return a new client fd (caller owns it).  With @force an attached client
 * is disconnected first; without it, an attached client is an error. */
int console_relay_attach(ConsoleRelay *relay, gboolean force, GError **error);
/* Also relay through a new pty (the serial port's, as libvirt gives
 * one): what the guest writes goes to the pty too (up to 64 KiB held
 * while nobody reads it), what a program writes on the pty goes to the
 * guest.  The slave is in raw mode, owned by the daemon's user and, with
 * @gid (else (gid_t)-1), by that group 0660 (else 0600); the daemon keeps
 * it open, so programs may come and go. */
gboolean console_relay_add_pty(ConsoleRelay *relay, gid_t gid, GError **error);
/* /dev/pts/N of the pty, or NULL (no pty, or the VMM closed its end). */
char *console_relay_pty_path(ConsoleRelay *relay);
/* Stop relaying and free (any thread). */
void console_relay_free(ConsoleRelay *relay);

#endif
