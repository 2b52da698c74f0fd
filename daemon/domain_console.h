/* domain_console.h - the consoles of a running domain, by the device
 * names libvirt gives them (virsh console --devname):
 *
 *   ""          the primary console: the serial port if the domain has
 *               one, else the virtio console
 *   "serial0"   the serial port (<serial>, or <console> with a serial
 *               target): the VMM's --serial, RUN/domains/NAME.console
 *   "console1"  the virtio console (<console><target type='virtio'/>,
 *               the guest's hvc0): --console, RUN/domains/NAME.hvc; it is
 *               "console0" when the domain has no serial port, as in
 *               libvirt, where console0 is the serial port's alias copy
 *
 * Each has its own relay (console_relay.h), one client at a time.  The
 * serial relay logs the guest's output to the domain log and runs for
 * the domain's whole run; the virtio console's relay is made on first
 * use and logs nothing (what the guest wrote on hvc0 before that, up to
 * the VMM's 64 KiB backlog, reaches that first client). */
#ifndef VESSEL_DOMAIN_CONSOLE_H
#define VESSEL_DOMAIN_CONSOLE_H

#include <glib.h>

#include "daemon.h"
#include "domain_obj.h"

typedef enum {
    DOMAIN_CONSOLE_DEV_SERIAL,
    DOMAIN_CONSOLE_DEV_VIRTIO,
    DOMAIN_CONSOLE_DEV_LAST
} DomainConsoleDev;

/* Which console @dev_name (NULL or "" for the primary) names in @def;
 * FALSE with DAEMON_ERROR_INVALID_ARG when there is no such device. */
gboolean domain_console_resolve(const DomainDef *def, const char *dev_name,
                                DomainConsoleDev *dev, GError **error);
/* List locked: a new client fd on console @dev_name of the running
 * domain (flags: DOMAIN_CONSOLE_FORCE), or -1 with @error. */
int domain_console_open(Daemon *d, DomainObj *dom, const char *dev_name, guint flags,
                        GError **error);
/* Give the serial port's relay its pty (console_relay_add_pty), owned
 * by the socket group as the read-write socket is.  A pty that cannot
 * be made is a warning in the daemon's log: the console works without. */
void domain_console_add_pty(Daemon *d, const char *name, ConsoleRelay *relay);
/* Stop every relay of @dom (the VMM is gone, or the daemon stops). */
void domain_console_close_all(DomainObj *dom);

#endif
