/* remote_server.c - listeners, clients, pool, events (remote_server.h). */
#include "config.h"

#include <sys/socket.h>

#include "daemon_events.h"
#include "daemon_listen.h"
#include "i18n.h"
#include "remote_dispatch.h"
#include "remote_server.h"

typedef struct {
    RemoteServer *server;
    GSocket *socket;
    GSource *source;
    gboolean read_only;
} RemoteListener;

struct RemoteServer {
    Daemon *daemon;
    GMainContext *context;
    RemoteListener listeners[2];     /* read-write, read-only */
    GPtrArray *clients;              /* RemoteClient*, main loop */
    GThreadPool *pool;
    gint busy;                       /* jobs queued or running */
    guint event_sub;
};

static void on_event(const DaemonEvent *ev, gpointer data);
static void pool_func(gpointer data, gpointer unused);

RemoteServer *remote_server_new(Daemon *daemon)
{
    RemoteServer *s = g_new0(RemoteServer, 1);
    s->daemon = daemon;
    s->context = g_main_context_ref(daemon->context);
    s->clients = g_ptr_array_new();
    s->pool = g_thread_pool_new(pool_func, NULL, REMOTE_SERVER_THREADS, FALSE, NULL);
    s->event_sub = daemon_events_subscribe(daemon->events, on_event, s);
    return s;
}

Daemon *remote_server_daemon(RemoteServer *s)
{
    return s->daemon;
}

GMainContext *remote_server_context(RemoteServer *s)
{
    return s->context;
}

/* ------------------------------------------------------------ accept */

static gboolean on_refusal_timeout(gpointer data)
{
    remote_client_close(data);
    return G_SOURCE_REMOVE;
}

/* Over a connection limit: with a refusal slot (client_limits.h), a
 * client whose first call is answered with @message (virsh prints it),
 * closed then or after [limits] auth_timeout; without one, closed now. */
static void refuse(RemoteServer *s, RemoteListener *l, GSocket *conn, uid_t uid,
                   const char *message)
{
    if (!client_limits_take_refusal(s->daemon->limits, uid)) {
        g_socket_close(conn, NULL);
        return;
    }
    RemoteClient *c = remote_client_new(s, s->daemon, conn, l->read_only);
    remote_client_set_refusal(c, message);
    g_ptr_array_add(s->clients, c);   /* the server's reference */
    GSource *t = g_timeout_source_new_seconds(s->daemon->config->auth_timeout);
    g_source_set_callback(t, on_refusal_timeout, remote_client_ref(c),
                          (GDestroyNotify)remote_client_unref);
    g_source_attach(t, s->context);
    g_source_unref(t);
}

static gboolean on_incoming(GSocket *sock, GIOCondition cond, gpointer data)
{
    RemoteListener *l = data;
    RemoteServer *s = l->server;
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocket) conn = g_socket_accept(sock, NULL, &err);
    if (!conn) {
        if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_message(_("Cannot accept a libvirt client: %s"), err->message);
        return G_SOURCE_CONTINUE;
    }
    /* counted from here (client_limits.h); released when it closes */
    struct ucred cred = { 0, (uid_t)-1, (gid_t)-1 };
    socklen_t len = sizeof(cred);
    if (getsockopt(g_socket_get_fd(conn), SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
        cred.uid == (uid_t)-1) {
        g_message("%s", _("Refusing a libvirt client without credentials"));
        g_socket_close(conn, NULL);
        return G_SOURCE_CONTINUE;
    }
    if (!client_limits_take(s->daemon->limits, cred.uid,
                            l->read_only ? "read-only libvirt" : "libvirt", &err)) {
        g_message("%s", err->message);
        refuse(s, l, conn, cred.uid, err->message);
        return G_SOURCE_CONTINUE;
    }
    RemoteClient *c = remote_client_new(s, s->daemon, conn, l->read_only);
    g_ptr_array_add(s->clients, c);   /* the server's reference */
    daemon_touch(s->daemon);
    return G_SOURCE_CONTINUE;
}

static gboolean listen_on(RemoteServer *s, RemoteListener *l, const char *name,
                          gboolean read_only, GError **error)
{
    const DaemonConfig *cfg = s->daemon->config;
    g_autofree char *path = g_build_filename(cfg->run_dir, name, NULL);
    l->server = s;
    l->read_only = read_only;
    l->socket = daemon_listen_socket(path, NULL, read_only ? cfg->ro_perms : cfg->rw_perms,
                                     cfg->group, error);
    if (!l->socket)
        return FALSE;
    g_socket_set_blocking(l->socket, FALSE);
    l->source = g_socket_create_source(l->socket, G_IO_IN, NULL);
    g_source_set_callback(l->source, G_SOURCE_FUNC(on_incoming), l, NULL);
    g_source_attach(l->source, s->context);
    return TRUE;
}

gboolean remote_server_start(RemoteServer *s, GError **error)
{
    return listen_on(s, &s->listeners[0], REMOTE_SOCKET_NAME, FALSE, error) &&
           listen_on(s, &s->listeners[1], REMOTE_SOCKET_RO_NAME, TRUE, error);
}

void remote_server_stop(RemoteServer *s)
{
    for (guint i = 0; i < G_N_ELEMENTS(s->listeners); i++) {
        RemoteListener *l = &s->listeners[i];
        if (l->source) {
            g_source_destroy(l->source);
            g_clear_pointer(&l->source, g_source_unref);
        }
        if (l->socket) {
            daemon_listen_socket_unlink(l->socket);
            g_socket_close(l->socket, NULL);
            g_clear_object(&l->socket);
        }
    }
}

void remote_server_apply_perms(RemoteServer *s)
{
    const DaemonConfig *cfg = s->daemon->config;
    const char *names[] = { REMOTE_SOCKET_NAME, REMOTE_SOCKET_RO_NAME };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(cfg->run_dir, names[i], NULL);
        g_autoptr(GError) err = NULL;
        if (!daemon_socket_set_perms(path, i ? cfg->ro_perms : cfg->rw_perms, cfg->group, &err))
            g_warning("%s", err->message);
    }
}

/* ------------------------------------------------------------ clients */

void remote_server_client_closed(RemoteServer *s, RemoteClient *c)
{
    if (g_ptr_array_remove_fast(s->clients, c)) {
        if (remote_client_refusal(c))
            client_limits_release_refusal(s->daemon->limits, remote_client_peer(c)->uid);
        else
            client_limits_release(s->daemon->limits, remote_client_peer(c)->uid);
        remote_client_unref(c);
    }
    daemon_touch(s->daemon);
}

guint remote_server_n_clients(RemoteServer *s)
{
    return s->clients->len;
}

guint remote_server_busy(RemoteServer *s)
{
    return (guint)g_atomic_int_get(&s->busy);
}

typedef struct {
    RemoteServer *server;
    gpointer job;
} PoolItem;

static void pool_func(gpointer data, gpointer unused)
{
    PoolItem *item = data;
    RemoteServer *s = item->server;
    remote_dispatch_run_job(item->job);
    g_free(item);
    g_atomic_int_dec_and_test(&s->busy);
    daemon_touch(s->daemon);
}

void remote_server_push_job(RemoteServer *s, gpointer job)
{
    PoolItem *item = g_new0(PoolItem, 1);
    *item = (PoolItem){ s, job };
    g_atomic_int_inc(&s->busy);
    /* g_thread_pool_push fails only when no thread could ever be made */
    g_thread_pool_push(s->pool, item, NULL);
}

static void on_event(const DaemonEvent *ev, gpointer data)
{
    RemoteServer *s = data;
    for (guint i = 0; i < s->clients->len; i++)
        remote_client_deliver_event(s->clients->pdata[i], ev);
}

void remote_server_free(RemoteServer *s)
{
    if (!s)
        return;
    remote_server_stop(s);
    daemon_events_unsubscribe(s->daemon->events, s->event_sub);
    /* closing a client removes it from the array */
    while (s->clients->len > 0)
        remote_client_close(s->clients->pdata[s->clients->len - 1]);
    g_thread_pool_free(s->pool, FALSE, TRUE);
    g_ptr_array_unref(s->clients);
    g_main_context_unref(s->context);
    g_free(s);
}
