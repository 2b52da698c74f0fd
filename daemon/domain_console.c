/* domain_console.c - consoles of a running domain by device name (see
 * domain_console.h). */
#include "config.h"

#include <grp.h>
#include <string.h>

#include "console_relay.h"
#include "daemon_error.h"
#include "domain_console.h"
#include "domain_driver.h"
#include "domain_store.h"
#include "i18n.h"

static gboolean has_serial(const DomainDef *def)
{
    return def->serial || def->console;
}

gboolean domain_console_resolve(const DomainDef *def, const char *dev_name,
                                DomainConsoleDev *dev, GError **error)
{
    gboolean virtio = def->virtio_console != NULL;
    if (!dev_name || !*dev_name) {
        if (has_serial(def) || virtio) {
            *dev = has_serial(def) ? DOMAIN_CONSOLE_DEV_SERIAL : DOMAIN_CONSOLE_DEV_VIRTIO;
            return TRUE;
        }
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' has no console"), def->name);
        return FALSE;
    }
    if (has_serial(def) && !strcmp(dev_name, "serial0")) {
        *dev = DOMAIN_CONSOLE_DEV_SERIAL;
        return TRUE;
    }
    if (virtio && !strcmp(dev_name, has_serial(def) ? "console1" : "console0")) {
        *dev = DOMAIN_CONSOLE_DEV_VIRTIO;
        return TRUE;
    }
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                _("Cannot find character device %s"), dev_name);
    return FALSE;
}

/* Where each console lives: the VMM's socket and the log of its output. */
static const struct {
    const char *socket_suffix;
    gboolean logged;
} console_devs[] = {
    [DOMAIN_CONSOLE_DEV_SERIAL] = { "console", TRUE },
    [DOMAIN_CONSOLE_DEV_VIRTIO] = { "hvc", FALSE },
};
G_STATIC_ASSERT(G_N_ELEMENTS(console_devs) == DOMAIN_CONSOLE_DEV_LAST);

static ConsoleRelay **relay_slot(DomainObj *dom, DomainConsoleDev dev)
{
    return dev == DOMAIN_CONSOLE_DEV_SERIAL ? &dom->console : &dom->hvc;
}

int domain_console_open(Daemon *d, DomainObj *dom, const char *dev_name, guint flags,
                        GError **error)
{
    if (!domain_obj_is_active(dom) || dom->job) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' is not running"), dom->def->name);
        return -1;
    }
    DomainConsoleDev dev;
    if (!domain_console_resolve(dom->def, dev_name, &dev, error))
        return -1;
    ConsoleRelay **relay = relay_slot(dom, dev);
    if (!*relay) {
        g_autofree char *sock = domain_store_socket_path(d->config, dom->def,
                                                         console_devs[dev].socket_suffix);
        g_autofree char *log = console_devs[dev].logged
                                   ? domain_store_log_path(d->config, dom->def->name)
                                   : NULL;
        *relay = console_relay_new(d->context, sock, log, d->config->max_domain_log, error);
        if (!*relay)
            return -1;
        if (dev == DOMAIN_CONSOLE_DEV_SERIAL)
            domain_console_add_pty(d, dom->def->name, *relay);
    }
    return console_relay_attach(*relay, flags & DOMAIN_CONSOLE_FORCE, error);
}

void domain_console_add_pty(Daemon *d, const char *name, ConsoleRelay *relay)
{
    if (!relay)
        return;
    gid_t gid = (gid_t)-1;
    const char *group = d->config->group;
    struct group grbuf, *gr = NULL;
    char buf[4096];
    if (group && *group && getgrnam_r(group, &grbuf, buf, sizeof(buf), &gr) == 0 && gr)
        gid = gr->gr_gid;
    g_autoptr(GError) err = NULL;
    if (!console_relay_add_pty(relay, gid, &err))
        g_warning(_("Domain '%s': %s"), name, err->message);
}

void domain_console_close_all(DomainObj *dom)
{
    g_clear_pointer(&dom->console, console_relay_free);
    g_clear_pointer(&dom->hvc, console_relay_free);
}
