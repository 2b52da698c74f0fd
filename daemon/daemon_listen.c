/* daemon_listen.c - accept peer-to-peer D-Bus clients (daemon_listen.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <gio/gunixsocketaddress.h>

#include "daemon_error.h"
#include "daemon_listen.h"
#include "dbus_relay.h"
#include "i18n.h"

#define LISTEN_FDS_START 3

struct DaemonListener {
    GSocketService *service;
    GSocket *socket;
    GCancellable *cancel;
    char *guid;
    gboolean read_only;
    GDBusAuthObserver *observer;
    DaemonListenerFunc func;
    gpointer data;
    ClientLimits *limits;
    DbusRelayBounds bounds;
};

GHashTable *daemon_listen_fds_take(void)
{
    GHashTable *fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *pid = g_getenv("LISTEN_PID"), *n = g_getenv("LISTEN_FDS");
    gint64 count;

    if (pid && n && g_ascii_strtoll(pid, NULL, 10) == (gint64)getpid() &&
        (count = g_ascii_strtoll(n, NULL, 10)) > 0 && count < 64) {
        for (int fd = LISTEN_FDS_START; fd < LISTEN_FDS_START + count; fd++) {
            struct sockaddr_un sa = { 0 };
            socklen_t len = sizeof(sa);

            fcntl(fd, F_SETFD, FD_CLOEXEC);
            if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || sa.sun_family != AF_UNIX ||
                len <= offsetof(struct sockaddr_un, sun_path) || !sa.sun_path[0]) {
                g_warning(_("Ignoring socket-activation fd %d: not a UNIX socket with a path"),
                          fd);
                continue;
            }
            sa.sun_path[sizeof(sa.sun_path) - 1] = '\0';
            g_hash_table_insert(fds, g_strdup(sa.sun_path), GINT_TO_POINTER(fd));
        }
    }
    g_unsetenv("LISTEN_PID");
    g_unsetenv("LISTEN_FDS");
    g_unsetenv("LISTEN_FDNAMES");
    return fds;
}

/* "user:group 0660" of @path as it is on disk. */
static char *socket_describe(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return g_strdup(g_strerror(errno));
    struct passwd *pw = getpwuid(st.st_uid);
    struct group *gr = getgrgid(st.st_gid);
    g_autofree char *user = pw ? g_strdup(pw->pw_name) : g_strdup_printf("%u", st.st_uid);
    g_autofree char *grp = gr ? g_strdup(gr->gr_name) : g_strdup_printf("%u", st.st_gid);
    return g_strdup_printf("%s:%s %04o", user, grp, (unsigned)(st.st_mode & 07777));
}

gboolean daemon_socket_set_perms(const char *path, guint perms, const char *group,
                                 GError **error)
{
    if (group && *group) {
        struct group *gr = getgrnam(group);
        if (gr && chown(path, (uid_t)-1, gr->gr_gid) < 0)
            g_warning(_("Cannot give socket %s to group %s: %s"), path, group,
                      g_strerror(errno));
    }
    if (chmod(path, perms) < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot set permissions of %s: %s"), path, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

/* Where socket_bind() put a socket: unlinked at exit only while that
 * path is still this very file (not one systemd passed, not a
 * successor's). */
typedef struct {
    char *path;
    dev_t dev;
    ino_t ino;
} BoundPath;

static void bound_path_free(gpointer p)
{
    BoundPath *b = p;
    g_free(b->path);
    g_free(b);
}

#define BOUND_PATH_KEY "vessel-bound-path"

void daemon_listen_socket_unlink(GSocket *sock)
{
    BoundPath *b = sock ? g_object_get_data(G_OBJECT(sock), BOUND_PATH_KEY) : NULL;
    struct stat st;
    if (b && lstat(b->path, &st) == 0 && st.st_dev == b->dev && st.st_ino == b->ino &&
        unlink(b->path) < 0)
        g_debug("cannot remove %s: %s", b->path, g_strerror(errno));
}

/* A listening socket at @path that appears with its final permissions. */
static GSocket *socket_bind(const char *path, guint perms, const char *group, GError **error)
{
    g_autofree char *tmp = g_strconcat(path, ".new", NULL);
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketAddress) addr = NULL;
    gboolean ok;

    if (strlen(tmp) >= sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Socket path %s is too long"), tmp);
        return NULL;
    }
    unlink(tmp);
    sock = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                        error);
    if (!sock)
        return NULL;
    /* GLib's default backlog is 10; a burst of clients beyond it gets
     * EAGAIN from connect() on a unix socket instead of waiting. */
    g_socket_set_listen_backlog(sock, SOMAXCONN);
    addr = g_unix_socket_address_new(tmp);
    mode_t old = umask(0177);
    ok = g_socket_bind(sock, addr, FALSE, error);
    umask(old);
    if (!ok || !g_socket_listen(sock, error) ||
        !daemon_socket_set_perms(tmp, perms, group, error))
        goto fail;
    if (rename(tmp, path) < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot create socket %s: %s"),
                    path, g_strerror(errno));
        goto fail;
    }
    struct stat st;
    if (lstat(path, &st) == 0) {
        BoundPath *b = g_new0(BoundPath, 1);
        *b = (BoundPath){ g_strdup(path), st.st_dev, st.st_ino };
        g_object_set_data_full(G_OBJECT(sock), BOUND_PATH_KEY, b, bound_path_free);
    }
    return g_steal_pointer(&sock);
fail:
    unlink(tmp);
    return NULL;
}

static void listener_clear(gpointer data)
{
    DaemonListener *l = data;

    g_clear_object(&l->service);
    g_clear_object(&l->socket);
    g_clear_object(&l->cancel);
    g_clear_object(&l->observer);
    g_free(l->guid);
}

static void on_handshake_done(GObject *src, GAsyncResult *res, gpointer data)
{
    DaemonListener *l = data;
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) conn = g_dbus_connection_new_finish(res, &err);

    if (conn && !g_cancellable_is_cancelled(l->cancel)) {
        l->func(conn, l->read_only, l->data);
        g_dbus_connection_start_message_processing(conn);
    } else if (!conn) {
        g_debug("client handshake failed: %s", err->message);
    }
    g_rc_box_release_full(l, listener_clear);
}

static gboolean on_incoming(GSocketService *service, GSocketConnection *sc, GObject *source,
                            gpointer data)
{
    DaemonListener *l = data;
    g_autoptr(GError) err = NULL;
    g_autoptr(GMainContext) ctx = g_main_context_ref_thread_default();
    /* GDBus never reads a client's socket itself (dbus_relay.h) */
    g_autoptr(GIOStream) stream = dbus_relay_new(sc, l->limits, &l->bounds, ctx,
                                                 l->read_only ? "read-only D-Bus" : "D-Bus",
                                                 &err);

    if (!stream) {
        g_message("%s", err->message);
        return TRUE;
    }
    g_dbus_connection_new(stream, l->guid,
                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                              G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                          l->observer, l->cancel, on_handshake_done, g_rc_box_acquire(l));
    return TRUE;
}

GSocket *daemon_listen_socket(const char *path, GHashTable *activated, guint perms,
                              const char *group, GError **error)
{
    g_autoptr(GSocket) sock = NULL;
    gpointer fdp = NULL;

    if (activated && g_hash_table_steal_extended(activated, path, NULL, &fdp)) {
        sock = g_socket_new_from_fd(GPOINTER_TO_INT(fdp), error);
        if (!sock || !daemon_socket_set_perms(path, perms, group, error))
            return NULL;
    } else if (!(sock = socket_bind(path, perms, group, error))) {
        return NULL;
    }
    g_autofree char *how = socket_describe(path);
    g_message(_("Listening on %s (%s%s)"), path, how,
              g_object_get_data(G_OBJECT(sock), BOUND_PATH_KEY) ? "" : _(", from systemd"));
    return g_steal_pointer(&sock);
}

DaemonListener *daemon_listener_new(const char *path, GHashTable *activated, guint perms,
                                    const char *group, gboolean read_only,
                                    GDBusAuthObserver *observer, ClientLimits *limits,
                                    const DbusRelayBounds *bounds, DaemonListenerFunc func,
                                    gpointer data, GError **error)
{
    g_autoptr(GSocket) sock = daemon_listen_socket(path, activated, perms, group, error);
    if (!sock)
        return NULL;
    DaemonListener *l = g_rc_box_new0(DaemonListener);
    l->service = g_socket_service_new();
    l->cancel = g_cancellable_new();
    l->guid = g_dbus_generate_guid();
    l->read_only = read_only;
    l->observer = g_object_ref(observer);
    l->func = func;
    l->data = data;
    l->limits = limits;
    l->bounds = *bounds;
    l->socket = g_object_ref(sock);
    if (!g_socket_listener_add_socket(G_SOCKET_LISTENER(l->service), sock, NULL, error)) {
        g_rc_box_release_full(l, listener_clear);
        return NULL;
    }
    g_signal_connect(l->service, "incoming", G_CALLBACK(on_incoming), l);
    g_socket_service_start(l->service);
    return l;
}

void daemon_listener_stop(DaemonListener *l)
{
    if (!l)
        return;
    g_socket_service_stop(l->service);
    daemon_listen_socket_unlink(l->socket);
    g_socket_listener_close(G_SOCKET_LISTENER(l->service));
    g_cancellable_cancel(l->cancel);
}

void daemon_listener_free(DaemonListener *l)
{
    if (!l)
        return;
    daemon_listener_stop(l);
    g_signal_handlers_disconnect_by_data(l->service, l);
    g_rc_box_release_full(l, listener_clear);
}
