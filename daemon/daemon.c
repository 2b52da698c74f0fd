/* daemon.c - what the Daemon struct (daemon.h) does itself: its parts
 * made in order and undone (vesseld's main.c, the D-Bus fuzz target). */
#include "config.h"

#include "daemon.h"
#include "daemon_dbus.h"
#include "daemon_events.h"
#include "domain_console.h"
#include "domain_driver.h"
#include "network_driver.h"
#include "pool_driver.h"

gboolean daemon_setup(Daemon *d, GError **error)
{
    d->context = g_main_context_default();
    d->loop = g_main_loop_new(d->context, FALSE);
    d->domains = domain_list_new();
    d->networks = network_list_new();
    d->events = daemon_events_new(d->context);
    d->limits = client_limits_new(d->config->max_clients, d->config->max_clients_per_uid);
    d->pools = pool_list_new();
    daemon_touch(d);

    d->dbus = daemon_dbus_new(d, error);
    if (!d->dbus)
        return FALSE;
    domain_driver_load(d);
    network_driver_load(d);
    pool_driver_load(d);
    return TRUE;
}

void daemon_teardown(Daemon *d)
{
    g_clear_pointer(&d->dbus, daemon_dbus_free);
    if (d->domains) {
        g_autoptr(GPtrArray) doms = domain_list_snapshot(d->domains);
        for (guint i = 0; i < doms->len; i++)
            domain_console_close_all(doms->pdata[i]);
    }
    g_clear_pointer(&d->domains, domain_list_free);
    g_clear_pointer(&d->networks, network_list_free);
    g_clear_pointer(&d->events, daemon_events_free);
    g_clear_pointer(&d->limits, client_limits_free);
    g_clear_pointer(&d->pools, pool_list_free);
    g_clear_pointer(&d->loop, g_main_loop_unref);
}

void daemon_touch(Daemon *daemon)
{
    daemon->last_activity = g_get_monotonic_time();
}
