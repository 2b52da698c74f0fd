/* vessel-connect.c - VesselConnect: open, calls, host queries, events.
 *
 * The connection is a peer-to-peer GDBusConnection (no message bus) to the
 * daemon's socket.  Signals (DomainEvent, NetworkEvent) are subscribed on
 * the first event_add and dispatched to every registered handler in the
 * GMainContext that was thread-default at open time. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "i18n.h"
#include "vessel-private.h"

#define VESSEL_CALL_TIMEOUT_MS (-1)        /* GDBus default (25 s) */
#define VESSEL_LONG_CALL_TIMEOUT_MS 600000 /* Start/Shutdown/disk jobs may wait long */

static int socket_fd_connect(const struct sockaddr_un *sa, int *err)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        *err = errno;
        return -1;
    }
    while (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
        if (errno == EINTR)
            continue;
        *err = errno;
        close(fd);
        return -1;
    }
    return fd;
}

typedef enum {
    VESSEL_HANDLER_DOMAIN,
    VESSEL_HANDLER_DOMAIN_REBOOT,
    VESSEL_HANDLER_NETWORK,
    VESSEL_HANDLER_CLOSE,
    VESSEL_HANDLER_LAST
} VesselHandlerKind;

/* The daemon's signal (org.vessel.Manager1) behind each kind of handler,
 * and its arguments; the close handlers follow the connection instead. */
static const struct {
    const char *signal;
    const char *type;
} vessel_handler_signal[VESSEL_HANDLER_LAST] = {
    [VESSEL_HANDLER_DOMAIN] = { "DomainEvent", "(ssiio)" },
    [VESSEL_HANDLER_DOMAIN_REBOOT] = { "DomainReboot", "(sso)" },
    [VESSEL_HANDLER_NETWORK] = { "NetworkEvent", "(ssiio)" },
};
G_STATIC_ASSERT(VESSEL_HANDLER_LAST <= G_N_ELEMENTS(((VesselConnect *)NULL)->subs));

struct VesselHandler {
    guint id;
    VesselHandlerKind kind;
    GCallback func;
    gpointer user_data;
    GDestroyNotify notify;
};

GDBusConnection *vessel_bus_open(const char *socket, GError **error)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketConnection) stream = NULL;
    int fd, e;

    if (strlen(socket) >= sizeof(sa.sun_path)) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT,
                    _("Failed to connect socket to '%s': %s"), socket, g_strerror(ENAMETOOLONG));
        return NULL;
    }
    memcpy(sa.sun_path, socket, strlen(socket) + 1);
    /* Our own connect() rather than GIO's address parser: the errno is
     * what tells a user what to do (ENOENT, ECONNREFUSED, EACCES). */
    fd = socket_fd_connect(&sa, &e);
    if (fd < 0) {
        g_set_error(error, VESSEL_ERROR,
                    e == EACCES || e == EPERM ? VESSEL_ERROR_ACCESS_DENIED : VESSEL_ERROR_NO_CONNECT,
                    _("Failed to connect socket to '%s': %s"), socket, g_strerror(e));
        return NULL;
    }
    sock = g_socket_new_from_fd(fd, error);
    if (!sock) {
        close(fd);
        vessel_error_map(error);
        return NULL;
    }
    stream = g_socket_connection_factory_create_connection(sock);
    GDBusConnection *bus = g_dbus_connection_new_sync(
        G_IO_STREAM(stream), NULL, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL,
        error);
    if (!bus)
        vessel_error_map(error);
    return bus;
}

static void vessel_connect_closed(GDBusConnection *bus, gboolean remote, GError *err,
                                  gpointer data)
{
    VesselConnect *conn = data;
    GList *copy;

    conn->alive = FALSE;
    copy = g_list_copy(conn->handlers);
    for (GList *l = copy; l; l = l->next) {
        VesselHandler *h = l->data;
        if (h->kind == VESSEL_HANDLER_CLOSE && g_list_find(conn->handlers, h))
            ((VesselCloseFunc)h->func)(conn, h->user_data);
    }
    g_list_free(copy);
}

VesselConnect *vessel_connect_open(const char *uri, VesselConnectFlags flags, GError **error)
{
    VesselUri u;
    g_autofree char *socket = NULL;
    g_autoptr(GError) local = NULL;
    GDBusConnection *bus;
    VesselConnect *conn;

    (void)VESSEL_ERROR;   /* register the D-Bus error names before any call */
    if (!vessel_uri_parse(uri, &u, error))
        return NULL;
    socket = vessel_uri_socket(&u, flags);
    bus = vessel_bus_open(socket, &local);
    /* Only a missing or dead socket starts a daemon, not a refused one. */
    if (!bus && u.session && !(flags & VESSEL_CONNECT_NO_SPAWN) &&
        g_error_matches(local, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT)) {
        g_clear_error(&local);
        bus = vessel_session_open(socket, &local);
    }
    if (!bus) {
        g_propagate_error(error, g_steal_pointer(&local));
        vessel_uri_clear(&u);
        return NULL;
    }
    conn = g_new0(VesselConnect, 1);
    conn->ref = 1;
    conn->bus = bus;
    conn->uri = g_steal_pointer(&u.uri);
    conn->socket = g_steal_pointer(&socket);
    conn->read_only = (flags & VESSEL_CONNECT_RO) != 0;
    conn->alive = TRUE;
    conn->context = g_main_context_ref_thread_default();
    conn->next_id = 1;
    g_dbus_connection_set_exit_on_close(bus, FALSE);
    conn->closed_id = g_signal_connect(bus, "closed", G_CALLBACK(vessel_connect_closed), conn);
    vessel_uri_clear(&u);
    return conn;
}

VesselConnect *vessel_connect_ref(VesselConnect *conn)
{
    g_atomic_int_inc(&conn->ref);
    return conn;
}

static void vessel_handler_free(gpointer data)
{
    VesselHandler *h = data;

    if (h->notify)
        h->notify(h->user_data);
    g_free(h);
}

void vessel_connect_unref(VesselConnect *conn)
{
    if (!conn || !g_atomic_int_dec_and_test(&conn->ref))
        return;
    for (guint k = 0; k < VESSEL_HANDLER_LAST; k++)
        if (conn->subs[k])
            g_dbus_connection_signal_unsubscribe(conn->bus, conn->subs[k]);
    g_signal_handler_disconnect(conn->bus, conn->closed_id);
    g_list_free_full(conn->handlers, vessel_handler_free);
    g_dbus_connection_close_sync(conn->bus, NULL, NULL);
    g_object_unref(conn->bus);
    g_main_context_unref(conn->context);
    g_free(conn->uri);
    g_free(conn->socket);
    g_free(conn);
}

const char *vessel_connect_get_uri(VesselConnect *conn)
{
    return conn->uri;
}

const char *vessel_connect_get_socket(VesselConnect *conn)
{
    return conn->socket;
}

gboolean vessel_connect_is_read_only(VesselConnect *conn)
{
    return conn->read_only;
}

gboolean vessel_connect_is_alive(VesselConnect *conn)
{
    return conn->alive && !g_dbus_connection_is_closed(conn->bus);
}

static gboolean vessel_method_is_long(const char *method)
{
    static const char *const long_methods[] = {
        "Start", "Shutdown", "Destroy", "CreateXML", "Create", "NetworkCreateXML",
        /* a live commit may take the VMM up to 100 s */
        "SnapshotCreateDiskOnly", "BlockCommit", NULL
    };
    return g_strv_contains(long_methods, method);
}

gboolean vessel_utf8_check(const char *s, const char *what, GError **error)
{
    const char *end = NULL;
    if (!s || g_utf8_validate(s, -1, &end))
        return TRUE;
    g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG,
                _("%s is not valid UTF-8 text (byte 0x%02x at offset %zu)"), what,
                (unsigned)(guchar)*end, (size_t)(end - s));
    return FALSE;
}

GVariant *vessel_call(VesselConnect *conn, const char *path, const char *iface,
                      const char *method, GVariant *params, const GVariantType *reply_type,
                      GError **error)
{
    GVariant *ret = g_dbus_connection_call_sync(
        conn->bus, NULL, path, iface, method, params, reply_type, G_DBUS_CALL_FLAGS_NONE,
        vessel_method_is_long(method) ? VESSEL_LONG_CALL_TIMEOUT_MS : VESSEL_CALL_TIMEOUT_MS,
        NULL, error);
    if (!ret)
        vessel_error_map(error);
    return ret;
}

GVariant *vessel_property_get(VesselConnect *conn, const char *path, const char *iface,
                              const char *name, const GVariantType *type, GError **error)
{
    g_autoptr(GVariant) ret = NULL;
    GVariant *value;

    ret = vessel_call(conn, path, "org.freedesktop.DBus.Properties", "Get",
                      g_variant_new("(ss)", iface, name), G_VARIANT_TYPE("(v)"), error);
    if (!ret)
        return NULL;
    g_variant_get(ret, "(v)", &value);
    if (!g_variant_is_of_type(value, type)) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED,
                    _("daemon sent property %s of type '%s', expected '%s'"), name,
                    g_variant_get_type_string(value), g_variant_type_peek_string(type));
        g_variant_unref(value);
        return NULL;
    }
    return value;
}

static GVariant *vessel_manager_call(VesselConnect *conn, const char *method, GVariant *params,
                                     const char *reply_type, GError **error)
{
    return vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER, method, params,
                       reply_type ? G_VARIANT_TYPE(reply_type) : NULL, error);
}

char *vessel_connect_get_capabilities(VesselConnect *conn, GError **error)
{
    g_autoptr(GVariant) ret = vessel_manager_call(conn, "GetCapabilities", NULL, "(s)", error);
    char *xml = NULL;

    if (ret)
        g_variant_get(ret, "(s)", &xml);
    return xml;
}

gboolean vessel_connect_get_node_info(VesselConnect *conn, VesselNodeInfo *info, GError **error)
{
    g_autoptr(GVariant) ret = vessel_manager_call(conn, "GetNodeInfo", NULL, "((stuuuuuu))", error);
    const char *model;

    if (!ret)
        return FALSE;
    memset(info, 0, sizeof(*info));
    g_variant_get(ret, "((&stuuuuuu))", &model, &info->memory_kib, &info->cpus, &info->mhz,
                  &info->nodes, &info->sockets, &info->cores, &info->threads);
    g_strlcpy(info->model, model, sizeof(info->model));
    return TRUE;
}

gboolean vessel_connect_get_version(VesselConnect *conn, char **daemon_version, char **hypervisor,
                                    char **hypervisor_version, GError **error)
{
    g_autoptr(GVariant) ret = vessel_manager_call(conn, "GetVersion", NULL, "(sss)", error);
    const char *d, *h, *hv;

    if (!ret)
        return FALSE;
    g_variant_get(ret, "(&s&s&s)", &d, &h, &hv);
    if (daemon_version)
        *daemon_version = g_strdup(d);
    if (hypervisor)
        *hypervisor = g_strdup(h);
    if (hypervisor_version)
        *hypervisor_version = g_strdup(hv);
    return TRUE;
}

char *vessel_connect_get_hostname(VesselConnect *conn, GError **error)
{
    g_autoptr(GVariant) ret = vessel_manager_call(conn, "GetHostname", NULL, "(s)", error);
    char *name = NULL;

    if (ret)
        g_variant_get(ret, "(s)", &name);
    return name;
}

char *vessel_connect_get_mode(VesselConnect *conn, GError **error)
{
    g_autoptr(GVariant) v = vessel_property_get(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER,
                                                "Mode", G_VARIANT_TYPE_STRING, error);
    return v ? g_variant_dup_string(v, NULL) : NULL;
}

/* ------------------------------------------------------------ events */

static void vessel_connect_signal(GDBusConnection *bus, const char *sender, const char *path,
                                  const char *iface, const char *signal, GVariant *params,
                                  gpointer data)
{
    VesselConnect *conn = data;
    VesselHandlerKind kind;
    const char *name, *uuid, *obj;
    gint32 event = 0, detail = 0;
    GList *copy;

    for (kind = 0; kind < VESSEL_HANDLER_LAST; kind++)
        if (vessel_handler_signal[kind].signal &&
            strcmp(signal, vessel_handler_signal[kind].signal) == 0)
            break;
    if (kind == VESSEL_HANDLER_LAST ||
        !g_variant_is_of_type(params, G_VARIANT_TYPE(vessel_handler_signal[kind].type)))
        return;
    if (kind == VESSEL_HANDLER_DOMAIN_REBOOT)
        g_variant_get(params, "(&s&s&o)", &name, &uuid, &obj);
    else
        g_variant_get(params, "(&s&sii&o)", &name, &uuid, &event, &detail, &obj);
    vessel_connect_ref(conn);
    copy = g_list_copy(conn->handlers);
    for (GList *l = copy; l; l = l->next) {
        VesselHandler *h = l->data;
        if (h->kind != kind || !g_list_find(conn->handlers, h))
            continue;
        if (kind == VESSEL_HANDLER_DOMAIN)
            ((VesselDomainEventFunc)h->func)(conn, name, uuid, event, detail, h->user_data);
        else if (kind == VESSEL_HANDLER_DOMAIN_REBOOT)
            ((VesselDomainRebootFunc)h->func)(conn, name, uuid, h->user_data);
        else
            ((VesselNetworkEventFunc)h->func)(conn, name, uuid, event, h->user_data);
    }
    g_list_free(copy);
    vessel_connect_unref(conn);
}

static guint vessel_subscribe(VesselConnect *conn, const char *signal)
{
    guint id;

    g_main_context_push_thread_default(conn->context);
    id = g_dbus_connection_signal_subscribe(conn->bus, NULL, VESSEL_IFACE_MANAGER, signal,
                                            VESSEL_BUS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                            vessel_connect_signal, conn, NULL);
    g_main_context_pop_thread_default(conn->context);
    return id;
}

static guint vessel_handler_add(VesselConnect *conn, VesselHandlerKind kind, GCallback func,
                                gpointer user_data, GDestroyNotify notify)
{
    VesselHandler *h = g_new0(VesselHandler, 1);

    if (vessel_handler_signal[kind].signal && !conn->subs[kind])
        conn->subs[kind] = vessel_subscribe(conn, vessel_handler_signal[kind].signal);
    h->id = conn->next_id++;
    h->kind = kind;
    h->func = func;
    h->user_data = user_data;
    h->notify = notify;
    conn->handlers = g_list_append(conn->handlers, h);
    return h->id;
}

guint vessel_connect_domain_event_add(VesselConnect *conn, VesselDomainEventFunc func,
                                      gpointer user_data, GDestroyNotify notify)
{
    return vessel_handler_add(conn, VESSEL_HANDLER_DOMAIN, G_CALLBACK(func), user_data, notify);
}

guint vessel_connect_domain_reboot_add(VesselConnect *conn, VesselDomainRebootFunc func,
                                       gpointer user_data, GDestroyNotify notify)
{
    return vessel_handler_add(conn, VESSEL_HANDLER_DOMAIN_REBOOT, G_CALLBACK(func), user_data,
                              notify);
}

guint vessel_connect_network_event_add(VesselConnect *conn, VesselNetworkEventFunc func,
                                       gpointer user_data, GDestroyNotify notify)
{
    return vessel_handler_add(conn, VESSEL_HANDLER_NETWORK, G_CALLBACK(func), user_data, notify);
}

guint vessel_connect_close_event_add(VesselConnect *conn, VesselCloseFunc func,
                                     gpointer user_data, GDestroyNotify notify)
{
    return vessel_handler_add(conn, VESSEL_HANDLER_CLOSE, G_CALLBACK(func), user_data, notify);
}

void vessel_connect_event_remove(VesselConnect *conn, guint id)
{
    for (GList *l = conn->handlers; l; l = l->next) {
        VesselHandler *h = l->data;
        if (h->id == id) {
            conn->handlers = g_list_delete_link(conn->handlers, l);
            vessel_handler_free(h);
            return;
        }
    }
}
