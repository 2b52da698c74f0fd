/* domain_graphics.h - a domain's display: the VNC listening socket the
 * daemon opens for the VMM, and what clients ask of a running display
 * (screenshot, keys, a connected VNC socket).
 *
 * Ports: the daemon binds the VNC socket itself and the VMM inherits it
 * (--vnc fd:N), so the VMM opens no socket and two domains can never
 * pick the same port: autoport binds 127.0.0.1 (or the listen address)
 * from 5900 upwards and takes the first port the kernel lets it have.
 * The socket closes when the VMM exits: the port is free again.  The
 * live definition records the port (<graphics port=>); autoport goes
 * back to -1 when the domain stops. */
#ifndef VESSEL_DOMAIN_GRAPHICS_H
#define VESSEL_DOMAIN_GRAPHICS_H

#include <glib.h>

#include "daemon.h"
#include "domain_obj.h"

#define DOMAIN_VNC_PORT_MAX 65535

/* The listening socket for @g (TCP only; -1 with no error for a UNIX
 * socket, which the VMM binds); *@port gets the port bound. */
int domain_graphics_listen(const DomainGraphicsDef *g, int *port, GError **error);
/* "vnc-password HEX" for the control channel (g_free; a secret). */
char *domain_graphics_password_command(const char *passwd);

/* Screenshot of a running domain as PNG bytes. */
GBytes *domain_graphics_screenshot(Daemon *d, DomainObj *dom, GError **error);
/* libvirt's virKeycodeSet numbers of the code sets we translate. */
enum {
    DOMAIN_KEYCODESET_LINUX = 0,
    DOMAIN_KEYCODESET_XT = 1,
    DOMAIN_KEYCODESET_ATSET1 = 2,
    DOMAIN_KEYCODESET_ATSET2 = 3,
    DOMAIN_KEYCODESET_QNUM = 9,
};
#define DOMAIN_SEND_KEY_MAX 16
/* Press @keys (in @codeset) together for @hold_ms, then release them. */
gboolean domain_graphics_send_key(Daemon *d, DomainObj *dom, guint codeset, guint hold_ms,
                                  const guint32 *keys, gsize n_keys, GError **error);
/* A socket already connected to the domain's VNC server. */
int domain_graphics_open_fd(Daemon *d, DomainObj *dom, GError **error);
/* The domain stopped: an automatic port is -1 again (list locked). */
void domain_graphics_stopped(DomainObj *dom);

#endif
