/* network_driver.c - network definitions (see network_driver.h). */
#include "config.h"

#include <string.h>

#include "daemon_dbus.h"
#include "daemon_error.h"
#include "domain_state.h"
#include "i18n.h"
#include "network_driver.h"

static void emit(Daemon *d, NetworkObj *net, int event)
{
    if (d->dbus)
        daemon_dbus_emit_network_event(d->dbus, net, event, 0);
}

char *network_driver_define(Daemon *d, const char *xml, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(NetworkDef) def = network_def_parse(xml, NETWORK_PARSE_DEFAULT, &err);
    if (!def) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML, err->message);
        return NULL;
    }
    if (strchr(def->name, '/') || def->name[0] == '.') {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML,
                    _("Network name '%s' cannot be used as a file name"), def->name);
        return NULL;
    }
    char *path = NULL;
    network_list_lock(d->networks);
    NetworkObj *by_name = network_list_find_name(d->networks, def->name);
    if (by_name && !strstr(xml, "<uuid"))
        memcpy(def->uuid, by_name->def->uuid, sizeof(def->uuid));
    NetworkObj *by_uuid = network_list_find_uuid(d->networks, def->uuid);
    if (by_name && by_uuid != by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Network '%s' already exists with UUID %s"), def->name,
                    by_name->def->uuid);
    } else if (by_uuid && !by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("UUID %s is already used by network '%s'"), def->uuid,
                    by_uuid->def->name);
    } else if (network_store_save_config(d->config, def, error)) {
        NetworkObj *net = by_name;
        if (net) {
            network_def_free(net->def);
            net->def = g_steal_pointer(&def);
        } else {
            network_store_set_autostart(d->config, def->name, FALSE, NULL);
            net = network_list_add(d->networks, g_steal_pointer(&def));
        }
        net->persistent = TRUE;
        emit(d, net, NETWORK_EVENT_DEFINED);
        path = g_strdup(net->path);
    }
    network_list_unlock(d->networks);
    return path;
}

gboolean network_driver_undefine(Daemon *d, NetworkObj *net, GError **error)
{
    gboolean ok = FALSE;
    network_list_lock(d->networks);
    if (net->removed || !net->persistent)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_NETWORK,
                    _("Network '%s' is not defined"), net->def->name);
    else if (network_store_delete_config(d->config, net->def->name, error)) {
        net->persistent = FALSE;
        net->autostart = FALSE;
        emit(d, net, NETWORK_EVENT_UNDEFINED);
        if (!net->active)
            network_list_remove(d->networks, net);
        ok = TRUE;
    }
    network_list_unlock(d->networks);
    return ok;
}

gboolean network_driver_set_autostart(Daemon *d, NetworkObj *net, gboolean on,
                                      GError **error)
{
    gboolean ok = TRUE;
    network_list_lock(d->networks);
    if (!net->persistent) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Cannot set autostart for transient network '%s'"), net->def->name);
        ok = FALSE;
    } else if (net->autostart != on) {
        ok = network_store_set_autostart(d->config, net->def->name, on, error);
        if (ok)
            net->autostart = on;
    }
    network_list_unlock(d->networks);
    return ok;
}

gboolean network_driver_create(Daemon *d, NetworkObj *net, GError **error)
{
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                _("Cannot start network '%s': this vesseld has no bridge support yet"),
                net->def->name);
    return FALSE;
}

gboolean network_driver_destroy(Daemon *d, NetworkObj *net, GError **error)
{
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                _("Network '%s' is not active"), net->def->name);
    return FALSE;
}

void network_driver_load(Daemon *d)
{
    g_autoptr(GPtrArray) defs = network_store_load_configs(d->config);
    network_list_lock(d->networks);
    for (guint i = 0; i < defs->len; i++) {
        NetworkDef *def = defs->pdata[i];
        if (network_list_find_name(d->networks, def->name) ||
            network_list_find_uuid(d->networks, def->uuid)) {
            g_warning(_("Ignoring duplicate network definition '%s'"), def->name);
            continue;
        }
        NetworkObj *net = network_list_add(d->networks, g_steal_pointer(&defs->pdata[i]));
        net->persistent = TRUE;
        net->autostart = network_store_get_autostart(d->config, net->def->name);
    }
    network_list_unlock(d->networks);
}
