/* daemon_dbus.c - sockets, system bus, object export and dispatch.
 *
 * Objects are exported per connection: the manager as a plain object,
 * domains, networks and storage pools as subtrees (so no per-object
 * registration is needed when they come and go; unknown nodes still
 * dispatch, and the handlers answer NoDomain/NoNetwork/NoStoragePool).  Signals go to every connection. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_dbus.h"
#include "daemon_error.h"
#include "daemon_events.h"
#include "daemon_listen.h"
#include "i18n.h"

#define DAEMON_READONLY_KEY "vessel-readonly"
#define DAEMON_RESOURCE_PREFIX "/org/vessel/daemon/"

typedef enum {
    IFACE_MANAGER,
    IFACE_DOMAIN,
    IFACE_NETWORK,
    IFACE_POOL,
    IFACE_LAST
} IfaceKind;

static const struct {
    const char *resource;
    const DaemonInterfaceImpl *impl;
    const char *subtree;     /* NULL: plain object at DAEMON_MANAGER_PATH */
} iface_table[IFACE_LAST] = {
    [IFACE_MANAGER] = { "org.vessel.Manager1.xml", &daemon_manager_impl, NULL },
    [IFACE_DOMAIN] = { "org.vessel.Domain1.xml", &daemon_domain_impl, DOMAIN_PATH_PREFIX },
    [IFACE_NETWORK] = { "org.vessel.Network1.xml", &daemon_network_impl, NETWORK_PATH_PREFIX },
    [IFACE_POOL] = { "org.vessel.StoragePool1.xml", &daemon_pool_impl, POOL_PATH_PREFIX },
};

typedef struct {
    DaemonDbus *dbus;
    IfaceKind kind;
} IfaceBinding;

struct DaemonDbus {
    Daemon *daemon;
    GDBusNodeInfo *nodes[IFACE_LAST];
    GDBusInterfaceInfo *ifaces[IFACE_LAST];
    DaemonListener *listen_rw;
    DaemonListener *listen_ro;
    GDBusAuthObserver *observer;
    GDBusConnection *bus;
    GMutex lock;                  /* guards connections */
    GPtrArray *connections;       /* every connection objects are exported on */
    GThreadPool *pool;
    gint deferred;                /* replies taken over by daemon_call_defer */
    IfaceBinding bindings[IFACE_LAST];   /* user_data of the vtables */
    guint event_sub;              /* daemon_events subscription */
};

static void on_event(const DaemonEvent *ev, gpointer data);

/* ------------------------------------------------------------ dispatch */

typedef struct {
    DaemonDbus *dbus;
    const DaemonMethod *method;
    GDBusMethodInvocation *invocation;
    char *node;
    gboolean write;
} PendingCall;

static void pending_call_free(PendingCall *pc)
{
    if (pc->invocation)
        g_object_unref(pc->invocation);
    g_free(pc->node);
    g_free(pc);
}

/* Runs the handler and replies, consuming pc->invocation. */
static void call_run(PendingCall *pc)
{
    GDBusMethodInvocation *inv = g_steal_pointer(&pc->invocation);
    GDBusConnection *conn = g_dbus_method_invocation_get_connection(inv);
    const char *sender = g_dbus_method_invocation_get_sender(inv);
    g_autoptr(GError) error = NULL;

    daemon_touch(pc->dbus->daemon);
    if (pc->write && !daemon_auth_check_write(pc->dbus->daemon, conn, sender, &error)) {
        g_autoptr(GError) e = daemon_error_to_dbus(error);
        g_dbus_method_invocation_return_gerror(inv, e);
        return;
    }
    DaemonCall call = {
        .daemon = pc->dbus->daemon,
        .connection = conn,
        .sender = sender,
        .node = pc->node,
        .params = g_dbus_method_invocation_get_parameters(inv),
        .dbus = pc->dbus,
        .invocation = inv,
    };
    GVariant *reply = pc->method->func(&call, &error);
    if (call.deferred) {
        g_assert(!reply && !error);
        return;
    } else if (error) {
        if (reply)
            g_variant_unref(g_variant_ref_sink(reply));
        g_autoptr(GError) e = daemon_error_to_dbus(error);
        g_dbus_method_invocation_return_gerror(inv, e);
    } else if (call.out_fds) {
        g_dbus_method_invocation_return_value_with_unix_fd_list(inv, reply,
                                                                call.out_fds);
        g_object_unref(call.out_fds);
    } else {
        g_dbus_method_invocation_return_value(inv, reply);
    }
    daemon_touch(pc->dbus->daemon);
}

struct DaemonReply {
    DaemonDbus *dbus;
    GDBusMethodInvocation *invocation;
};

DaemonReply *daemon_call_defer(DaemonCall *call)
{
    DaemonReply *r = g_new0(DaemonReply, 1);

    g_assert(!call->deferred);
    call->deferred = TRUE;
    r->dbus = call->dbus;
    r->invocation = call->invocation;   /* call_run's reference, handed over */
    g_atomic_int_inc(&r->dbus->deferred);
    return r;
}

void daemon_reply_finish(DaemonReply *r, const GError *error)
{
    DaemonDbus *dbus = r->dbus;

    if (error) {
        g_autoptr(GError) e = daemon_error_to_dbus(error);
        g_dbus_method_invocation_return_gerror(r->invocation, e);
    } else {
        g_dbus_method_invocation_return_value(r->invocation, NULL);
    }
    g_free(r);
    daemon_touch(dbus->daemon);
    g_atomic_int_dec_and_test(&dbus->deferred);
}

static void pool_func(gpointer data, gpointer user_data)
{
    PendingCall *pc = data;
    call_run(pc);
    pending_call_free(pc);
}

static gboolean method_is_write(GDBusMethodInvocation *inv)
{
    const GDBusMethodInfo *mi = g_dbus_method_invocation_get_method_info(inv);
    const char *access = mi ? g_dbus_annotation_info_lookup(mi->annotations,
                                                            "org.vessel.Access")
                            : NULL;
    /* anything not explicitly read-only is treated as a write */
    return g_strcmp0(access, "read") != 0;
}

static void on_method_call(GDBusConnection *conn, const char *sender, const char *path,
                           const char *iface, const char *method, GVariant *params,
                           GDBusMethodInvocation *inv, gpointer user_data)
{
    IfaceBinding *b = user_data;
    const DaemonInterfaceImpl *impl = iface_table[b->kind].impl;
    const DaemonMethod *m = impl->methods;
    while (m->name && strcmp(m->name, method) != 0)
        m++;
    if (!m->name) {
        g_dbus_method_invocation_return_error(inv, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                              _("Unknown method %s.%s"), iface, method);
        return;
    }
    PendingCall *pc = g_new0(PendingCall, 1);
    pc->dbus = b->dbus;
    pc->method = m;
    pc->invocation = inv;   /* the handler owns the invocation */
    pc->write = method_is_write(inv);
    const char *sub = iface_table[b->kind].subtree;
    if (sub && g_str_has_prefix(path, sub) && path[strlen(sub)] == '/')
        pc->node = g_strdup(path + strlen(sub) + 1);

    if (pc->write || m->blocking) {
        g_autoptr(GError) err = NULL;
        if (!g_thread_pool_push(b->dbus->pool, pc, &err)) {
            pc->invocation = NULL;
            g_dbus_method_invocation_return_error(inv, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                                                  "%s", err->message);
            pending_call_free(pc);
        }
        return;
    }
    call_run(pc);
    pending_call_free(pc);
}

static GVariant *on_get_property(GDBusConnection *conn, const char *sender,
                                 const char *path, const char *iface, const char *prop,
                                 GError **error, gpointer user_data)
{
    IfaceBinding *b = user_data;
    const char *sub = iface_table[b->kind].subtree;
    const char *node = NULL;
    if (sub && g_str_has_prefix(path, sub) && path[strlen(sub)] == '/')
        node = path + strlen(sub) + 1;
    g_autoptr(GError) local = NULL;
    GVariant *v = iface_table[b->kind].impl->get_property(b->dbus->daemon, node, prop, &local);
    /* GetAll asks with no @error to fill: the property is left out */
    if (!v)
        g_propagate_error(error, daemon_error_to_dbus(local));
    return v;
}

static const GDBusInterfaceVTable iface_vtable = {
    .method_call = on_method_call,
    .get_property = on_get_property,
};

/* ------------------------------------------------------------ subtrees */

static char **subtree_enumerate(GDBusConnection *conn, const char *sender,
                                const char *path, gpointer user_data)
{
    IfaceBinding *b = user_data;
    Daemon *d = b->dbus->daemon;
    GPtrArray *names = g_ptr_array_new();
    if (b->kind == IFACE_DOMAIN) {
        domain_list_lock(d->domains);
        g_autoptr(GPtrArray) snap = domain_list_snapshot(d->domains);
        for (guint i = 0; i < snap->len; i++) {
            DomainObj *dom = snap->pdata[i];
            g_ptr_array_add(names, g_strdup(strrchr(dom->path, '/') + 1));
        }
        domain_list_unlock(d->domains);
    } else if (b->kind == IFACE_NETWORK) {
        network_list_lock(d->networks);
        g_autoptr(GPtrArray) snap = network_list_snapshot(d->networks);
        for (guint i = 0; i < snap->len; i++) {
            NetworkObj *net = snap->pdata[i];
            g_ptr_array_add(names, g_strdup(strrchr(net->path, '/') + 1));
        }
        network_list_unlock(d->networks);
    } else {
        pool_list_lock(d->pools);
        g_autoptr(GPtrArray) snap = pool_list_snapshot(d->pools);
        for (guint i = 0; i < snap->len; i++) {
            StoragePoolObj *pool = snap->pdata[i];
            g_ptr_array_add(names, g_strdup(strrchr(pool->path, '/') + 1));
        }
        pool_list_unlock(d->pools);
    }
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

static GDBusInterfaceInfo **subtree_introspect(GDBusConnection *conn, const char *sender,
                                               const char *path, const char *node,
                                               gpointer user_data)
{
    IfaceBinding *b = user_data;
    if (!node)
        return NULL;
    GDBusInterfaceInfo **infos = g_new0(GDBusInterfaceInfo *, 2);
    infos[0] = g_dbus_interface_info_ref(b->dbus->ifaces[b->kind]);
    return infos;
}

static const GDBusInterfaceVTable *subtree_dispatch(GDBusConnection *conn,
                                                    const char *sender, const char *path,
                                                    const char *iface, const char *node,
                                                    gpointer *out_user_data,
                                                    gpointer user_data)
{
    *out_user_data = user_data;
    return &iface_vtable;
}

static const GDBusSubtreeVTable subtree_vtable = {
    .enumerate = subtree_enumerate,
    .introspect = subtree_introspect,
    .dispatch = subtree_dispatch,
};

static gboolean export_objects(DaemonDbus *dbus, GDBusConnection *conn, GError **error)
{
    for (int k = 0; k < IFACE_LAST; k++) {
        IfaceBinding *b = &dbus->bindings[k];
        guint id;
        if (!iface_table[k].subtree)
            id = g_dbus_connection_register_object(conn, DAEMON_MANAGER_PATH,
                                                   dbus->ifaces[k], &iface_vtable, b,
                                                   NULL, error);
        else
            id = g_dbus_connection_register_subtree(
                conn, iface_table[k].subtree, &subtree_vtable,
                G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES, b, NULL, error);
        if (!id)
            return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------ connections */

static void on_connection_closed(GDBusConnection *conn, gboolean remote_peer_vanished,
                                 GError *error, gpointer user_data)
{
    DaemonDbus *dbus = user_data;
    g_mutex_lock(&dbus->lock);
    g_ptr_array_remove(dbus->connections, conn);
    g_mutex_unlock(&dbus->lock);
    daemon_touch(dbus->daemon);
}

static void track_connection(DaemonDbus *dbus, GDBusConnection *conn)
{
    g_mutex_lock(&dbus->lock);
    g_ptr_array_add(dbus->connections, g_object_ref(conn));
    g_mutex_unlock(&dbus->lock);
    g_signal_connect(conn, "closed", G_CALLBACK(on_connection_closed), dbus);
    daemon_touch(dbus->daemon);
}

static void on_new_connection(GDBusConnection *conn, gboolean read_only, gpointer user_data)
{
    DaemonDbus *dbus = user_data;
    g_autoptr(GError) err = NULL;
    if (read_only)
        g_object_set_data(G_OBJECT(conn), DAEMON_READONLY_KEY, GINT_TO_POINTER(1));
    if (!export_objects(dbus, conn, &err)) {
        g_warning(_("Cannot export objects on a new connection: %s"), err->message);
        g_dbus_connection_close(conn, NULL, NULL, NULL);
        return;
    }
    track_connection(dbus, conn);
}

guint daemon_dbus_n_clients(DaemonDbus *dbus)
{
    g_mutex_lock(&dbus->lock);
    guint n = dbus->connections->len - (dbus->bus ? 1 : 0);
    g_mutex_unlock(&dbus->lock);
    return n;
}

static gboolean on_allow_mechanism(GDBusAuthObserver *obs, const char *mech, gpointer data)
{
    return g_strcmp0(mech, "EXTERNAL") == 0;
}

static gboolean on_authorize_peer(GDBusAuthObserver *obs, GIOStream *stream,
                                  GCredentials *cred, gpointer data)
{
    /* Everyone who can open the socket may connect; what they may do is
     * decided per call by daemon_auth_check_write(). */
    return cred != NULL;
}

/* ------------------------------------------------------------ setup */

DaemonDbus *daemon_dbus_new(Daemon *daemon, GError **error)
{
    DaemonDbus *dbus = g_new0(DaemonDbus, 1);
    dbus->daemon = daemon;
    g_mutex_init(&dbus->lock);
    dbus->connections = g_ptr_array_new_with_free_func(g_object_unref);
    for (int k = 0; k < IFACE_LAST; k++) {
        g_autofree char *res = g_strconcat(DAEMON_RESOURCE_PREFIX, iface_table[k].resource, NULL);
        g_autoptr(GBytes) bytes = g_resources_lookup_data(res, 0, error);
        if (!bytes)
            goto fail;
        dbus->nodes[k] = g_dbus_node_info_new_for_xml(g_bytes_get_data(bytes, NULL), error);
        if (!dbus->nodes[k])
            goto fail;
        dbus->ifaces[k] = g_dbus_node_info_lookup_interface(dbus->nodes[k],
                                                            iface_table[k].impl->interface);
        if (!dbus->ifaces[k]) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        "interface %s missing from %s", iface_table[k].impl->interface, res);
            goto fail;
        }
        g_dbus_interface_info_cache_build(dbus->ifaces[k]);
        dbus->bindings[k] = (IfaceBinding){ dbus, k };
    }
    dbus->pool = g_thread_pool_new(pool_func, dbus, 32, FALSE, error);
    if (!dbus->pool)
        goto fail;
    return dbus;
fail:
    daemon_dbus_free(dbus);
    return NULL;
}

void daemon_dbus_apply_perms(DaemonDbus *dbus)
{
    const DaemonConfig *cfg = dbus->daemon->config;
    g_autofree char *rw = g_build_filename(cfg->run_dir, "vessel-sock", NULL);
    g_autofree char *ro = g_build_filename(cfg->run_dir, "vessel-sock-ro", NULL);
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    if (!daemon_socket_set_perms(rw, cfg->rw_perms, cfg->group, &e1))
        g_warning("%s", e1->message);
    if (!daemon_socket_set_perms(ro, cfg->ro_perms, cfg->group, &e2))
        g_warning("%s", e2->message);
}

void daemon_dbus_stop(DaemonDbus *dbus)
{
    daemon_listener_stop(dbus->listen_rw);
    daemon_listener_stop(dbus->listen_ro);
}

guint daemon_dbus_busy(DaemonDbus *dbus)
{
    return g_thread_pool_unprocessed(dbus->pool) + g_thread_pool_get_num_threads(dbus->pool) +
           (guint)g_atomic_int_get(&dbus->deferred);
}

static void join_system_bus(DaemonDbus *dbus)
{
    g_autoptr(GError) err = NULL;
    const char *addr = g_getenv("DBUS_SYSTEM_BUS_ADDRESS");
    GDBusConnection *bus;
    if (addr && *addr)
        bus = g_dbus_connection_new_for_address_sync(
            addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                      G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
            NULL, NULL, &err);
    else
        bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &err);
    if (!bus) {
        g_message(_("No system bus (%s): serving on the daemon's sockets only"), err->message);
        return;
    }
    g_dbus_connection_set_exit_on_close(bus, FALSE);
    if (!export_objects(dbus, bus, &err)) {
        g_warning(_("Cannot export objects on the system bus: %s"), err->message);
        g_object_unref(bus);
        return;
    }
    g_autoptr(GVariant) r = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "RequestName", g_variant_new("(su)", DAEMON_BUS_NAME, 4 /* DO_NOT_QUEUE */),
        G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &err);
    guint32 result = 0;
    if (r)
        g_variant_get(r, "(u)", &result);
    if (result != 1 && result != 4)
        g_warning(_("Cannot own %s on the system bus: %s"), DAEMON_BUS_NAME,
                  err ? err->message : _("name is taken"));
    dbus->bus = bus;
    track_connection(dbus, bus);
}

gboolean daemon_dbus_start(DaemonDbus *dbus, GError **error)
{
    const DaemonConfig *cfg = dbus->daemon->config;
    dbus->observer = g_dbus_auth_observer_new();
    g_signal_connect(dbus->observer, "allow-mechanism", G_CALLBACK(on_allow_mechanism), NULL);
    g_signal_connect(dbus->observer, "authorize-authenticated-peer",
                     G_CALLBACK(on_authorize_peer), NULL);

    g_autofree char *rw = g_build_filename(cfg->run_dir, "vessel-sock", NULL);
    g_autofree char *ro = g_build_filename(cfg->run_dir, "vessel-sock-ro", NULL);
    g_autoptr(GHashTable) activated = daemon_listen_fds_take();
    const DbusRelayBounds bounds = { cfg->max_message_size, cfg->auth_timeout };
    if (g_hash_table_size(activated))
        g_message(_("Using %u sockets passed by systemd"), g_hash_table_size(activated));
    dbus->listen_rw = daemon_listener_new(rw, activated, cfg->rw_perms, cfg->group, FALSE,
                                          dbus->observer, dbus->daemon->limits,
                                          &bounds, on_new_connection, dbus, error);
    if (!dbus->listen_rw)
        return FALSE;
    dbus->listen_ro = daemon_listener_new(ro, activated, cfg->ro_perms, cfg->group, TRUE,
                                          dbus->observer, dbus->daemon->limits,
                                          &bounds, on_new_connection, dbus, error);
    if (!dbus->listen_ro)
        return FALSE;
    if (cfg->mode == DAEMON_MODE_SYSTEM && cfg->system_bus)
        join_system_bus(dbus);
    dbus->event_sub = daemon_events_subscribe(dbus->daemon->events, on_event, dbus);
    return TRUE;
}

void daemon_dbus_free(DaemonDbus *dbus)
{
    if (!dbus)
        return;
    if (dbus->event_sub)
        daemon_events_unsubscribe(dbus->daemon->events, dbus->event_sub);
    if (dbus->pool)
        g_thread_pool_free(dbus->pool, FALSE, TRUE);
    g_clear_pointer(&dbus->listen_rw, daemon_listener_free);
    g_clear_pointer(&dbus->listen_ro, daemon_listener_free);
    g_mutex_lock(&dbus->lock);
    for (guint i = 0; i < dbus->connections->len; i++)
        g_signal_handlers_disconnect_by_data(dbus->connections->pdata[i], dbus);
    g_mutex_unlock(&dbus->lock);
    g_ptr_array_unref(dbus->connections);
    g_clear_object(&dbus->bus);
    g_clear_object(&dbus->observer);
    for (int k = 0; k < IFACE_LAST; k++)
        if (dbus->nodes[k])
            g_dbus_node_info_unref(dbus->nodes[k]);
    g_mutex_clear(&dbus->lock);
    g_free(dbus);
}

/* ------------------------------------------------------------ signals */

static void emit_everywhere(DaemonDbus *dbus, const char *path, const char *iface,
                            const char *signal, GVariant *args)
{
    g_variant_ref_sink(args);
    g_mutex_lock(&dbus->lock);
    g_debug("signal %s.%s on %s to %u connections", iface, signal, path, dbus->connections->len);
    for (guint i = 0; i < dbus->connections->len; i++) {
        GDBusConnection *c = dbus->connections->pdata[i];
        if (!g_dbus_connection_is_closed(c))
            g_dbus_connection_emit_signal(c, NULL, path, iface, signal, args, NULL);
    }
    g_mutex_unlock(&dbus->lock);
    g_variant_unref(args);
}

static void emit_domain_event(DaemonDbus *dbus, const DaemonEvent *ev)
{
    emit_everywhere(dbus, DAEMON_MANAGER_PATH, "org.vessel.Manager1", "DomainEvent",
                    g_variant_new("(ssiio)", ev->name, ev->uuid, ev->event, ev->detail,
                                  ev->path));

    GVariantBuilder changed;
    g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&changed, "{sv}", "State", g_variant_new_uint32(ev->state));
    g_variant_builder_add(&changed, "{sv}", "StateReason", g_variant_new_uint32(ev->reason));
    g_variant_builder_add(&changed, "{sv}", "Id", g_variant_new_int32(ev->id));
    g_variant_builder_add(&changed, "{sv}", "Active", g_variant_new_boolean(ev->active));
    g_variant_builder_add(&changed, "{sv}", "Persistent", g_variant_new_boolean(ev->persistent));
    g_variant_builder_add(&changed, "{sv}", "Autostart", g_variant_new_boolean(ev->autostart));
    emit_everywhere(dbus, ev->path, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                    g_variant_new("(sa{sv}as)", "org.vessel.Domain1", &changed, NULL));
}

/* Main loop, from the event queue. */
static void on_event(const DaemonEvent *ev, gpointer data)
{
    DaemonDbus *dbus = data;
    if (ev->kind == DAEMON_EVENT_DOMAIN && ev->event_id == DAEMON_EVENT_ID_REBOOT) {
        emit_everywhere(dbus, DAEMON_MANAGER_PATH, "org.vessel.Manager1", "DomainReboot",
                        g_variant_new("(sso)", ev->name, ev->uuid, ev->path));
        return;
    }
    if (ev->event_id != DAEMON_EVENT_ID_LIFECYCLE)
        return;
    static const char *const signal[DAEMON_EVENT_KIND_LAST] = {
        [DAEMON_EVENT_NETWORK] = "NetworkEvent",
        [DAEMON_EVENT_POOL] = "StoragePoolEvent",
    };
    if (ev->kind == DAEMON_EVENT_DOMAIN)
        emit_domain_event(dbus, ev);
    else
        emit_everywhere(dbus, DAEMON_MANAGER_PATH, "org.vessel.Manager1", signal[ev->kind],
                        g_variant_new("(ssiio)", ev->name, ev->uuid, ev->event, ev->detail,
                                      ev->path));
}
