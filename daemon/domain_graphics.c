/* domain_graphics.c - VNC sockets, screenshots and keys (see
 * domain_graphics.h). */
#include "config.h"

#include "domain_graphics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon_error.h"
#include "domain_store.h"
#include "i18n.h"
#include "keycodes.h"
#include "vmm_control.h"

/* A screenshot of a 2560x1600 screen of noise: base64 of ~12 MiB. */
#define SCREENSHOT_REPLY_MAX (24u << 20)

static int listen_on(struct in_addr addr, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr = addr };
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int domain_graphics_listen(const DomainGraphicsDef *g, int *port, GError **error)
{
    *port = -1;
    if (g->socket)
        return -1;
    struct in_addr addr;
    if (inet_pton(AF_INET, g->listen ? g->listen : "127.0.0.1", &addr) != 1) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Bad VNC listen address '%s'"), g->listen);
        return -1;
    }
    if (!g->autoport) {
        int fd = listen_on(addr, g->port);
        if (fd < 0)
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                        _("Cannot listen for VNC on %s:%d: %s"), g->listen, g->port,
                        g_strerror(-fd));
        else
            *port = g->port;
        return fd;
    }
    for (int p = DOMAIN_VNC_PORT_MIN; p <= DOMAIN_VNC_PORT_MAX; p++) {
        int fd = listen_on(addr, p);
        if (fd >= 0) {
            *port = p;
            return fd;
        }
        if (fd != -EADDRINUSE) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("Cannot listen for VNC on %s:%d: %s"), g->listen, p, g_strerror(-fd));
            return -1;
        }
    }
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                _("No free VNC port from %d up"), DOMAIN_VNC_PORT_MIN);
    return -1;
}

char *domain_graphics_password_command(const char *passwd)
{
    GString *s = g_string_new("vnc-password ");
    for (const unsigned char *p = (const unsigned char *)passwd; *p; p++)
        g_string_append_printf(s, "%02x", *p);
    return g_string_free(s, FALSE);
}

/* The control socket of a running domain, and a copy of its graphics. */
static char *running_control(Daemon *d, DomainObj *dom, DomainGraphicsDef **graphics,
                             GError **error)
{
    domain_list_lock(d->domains);
    char *control = NULL;
    if (dom->pid <= 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' is not running"), dom->def->name);
    } else {
        control = domain_store_socket_path(d->config, dom->def, "control");
        if (graphics)
            *graphics = domain_graphics_copy(dom->def->graphics);
    }
    domain_list_unlock(d->domains);
    return control;
}

GBytes *domain_graphics_screenshot(Daemon *d, DomainObj *dom, GError **error)
{
    g_autofree char *control = running_control(d, dom, NULL, error);
    if (!control)
        return NULL;
    g_autofree char *b64 = vmm_control_request_full(control, "screendump", "screendump",
                                                    DAEMON_CONTROL_TIMEOUT_MS,
                                                    SCREENSHOT_REPLY_MAX, error);
    if (!b64)
        return NULL;
    gsize len = 0;
    guchar *png = g_base64_decode(b64, &len);
    if (len < 8 || memcmp(png, "\x89PNG", 4) != 0) {
        g_free(png);
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                            _("The VMM sent no PNG image"));
        return NULL;
    }
    return g_bytes_new_take(png, len);
}

gboolean domain_graphics_send_key(Daemon *d, DomainObj *dom, guint codeset, guint hold_ms,
                                  const guint32 *keys, gsize n_keys, GError **error)
{
    static const struct {
        guint libvirt;
        KeyCodeset set;
    } sets[] = {
        { DOMAIN_KEYCODESET_LINUX, KEYCODESET_LINUX },   { DOMAIN_KEYCODESET_XT, KEYCODESET_XT },
        { DOMAIN_KEYCODESET_ATSET1, KEYCODESET_ATSET1 }, { DOMAIN_KEYCODESET_ATSET2, KEYCODESET_ATSET2 },
        { DOMAIN_KEYCODESET_QNUM, KEYCODESET_QNUM },
    };
    int set = -1;
    for (gsize i = 0; i < G_N_ELEMENTS(sets); i++)
        if (sets[i].libvirt == codeset)
            set = sets[i].set;
    if (set < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Unsupported key code set %u"), codeset);
        return FALSE;
    }
    if (!n_keys || n_keys > DOMAIN_SEND_KEY_MAX) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Send 1 to %d keys at a time"), DOMAIN_SEND_KEY_MAX);
        return FALSE;
    }
    if (hold_ms > 60000) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Hold time %u ms is longer than a minute"), hold_ms);
        return FALSE;
    }
    GString *cmd = g_string_new(NULL);
    g_string_printf(cmd, "send-key %u", hold_ms ? hold_ms : 100);
    for (gsize i = 0; i < n_keys; i++) {
        int code = keycode_to_linux((KeyCodeset)set, keys[i]);
        if (code < 0) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                        _("Key code 0x%x has no key on the keyboard"), keys[i]);
            g_string_free(cmd, TRUE);
            return FALSE;
        }
        g_string_append_printf(cmd, " %d", code);
    }
    g_autofree char *line = g_string_free(cmd, FALSE);
    g_autofree char *control = running_control(d, dom, NULL, error);
    if (!control)
        return FALSE;
    g_autofree char *r = vmm_control_request(control, line, DAEMON_CONTROL_TIMEOUT_MS, error);
    return r != NULL;
}

int domain_graphics_open_fd(Daemon *d, DomainObj *dom, GError **error)
{
    DomainGraphicsDef *g = NULL;
    g_autofree char *control = running_control(d, dom, &g, error);
    if (!control)
        return -1;
    if (!g) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' has no graphics"), dom->def->name);
        return -1;
    }
    int fd;
    if (g->socket) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        g_strlcpy(sa.sun_path, g->socket, sizeof(sa.sun_path));
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            int e = errno;
            close(fd);
            fd = -e;
        }
    } else {
        /* a server on 0.0.0.0 is reached on loopback */
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g->port) };
        if (!g->listen || !strcmp(g->listen, "0.0.0.0") ||
            inet_pton(AF_INET, g->listen, &sa.sin_addr) != 1)
            sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = g->port > 0 ? socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) : -EINVAL;
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            int e = errno;
            close(fd);
            fd = -e;
        }
    }
    domain_graphics_free(g);
    if (fd < 0)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot connect to the VNC server of '%s': %s"), dom->def->name,
                    g_strerror(-fd));
    return fd < 0 ? -1 : fd;
}

void domain_graphics_stopped(DomainObj *dom)
{
    DomainGraphicsDef *g = dom->def ? dom->def->graphics : NULL;
    if (g && g->autoport)
        g->port = -1;
}
