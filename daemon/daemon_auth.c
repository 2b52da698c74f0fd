/* daemon_auth.c - the one authorization decision for every transport
 * (daemon_auth.h), and the D-Bus layer's way of asking it.
 *
 * Read methods are open to everyone who can connect.  Write methods need:
 * a connection that did not come in on a read-only socket, and a caller
 * uid that is 0, the daemon's own uid (session mode), or a user whose
 * groups include the configured group ([sockets] group, "vessel").  The
 * uid comes from the connection's credentials (SO_PEERCRED, kept by the
 * relay in front of GDBus, dbus_relay.h) on the daemon's sockets and from the bus daemon on the system bus. */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "caller.h"
#include "daemon_auth.h"
#include "daemon_dbus.h"
#include "daemon_error.h"
#include "dbus_relay.h"
#include "i18n.h"

#define DAEMON_READONLY_KEY "vessel-readonly"

/* Who is calling: uid, and the process's groups when known (SO_PEERGROUPS
 * on the daemon's sockets, UnixGroupIDs from the bus); @gids is left
 * empty when they are not, and /etc/group decides instead. */
static gboolean caller_identity(GDBusConnection *conn, const char *sender, uid_t *uid,
                                gid_t *gid, GArray *gids, GError **error)
{
    const DbusRelayPeer *rp = dbus_relay_peer(g_dbus_connection_get_stream(conn));
    if (rp) {
        /* one of our sockets: GDBus sees a socket pair, the relay the client */
        *uid = rp->uid;
        *gid = rp->gid;
        g_array_append_vals(gids, rp->gids->data, rp->gids->len);
        return TRUE;
    }
    GCredentials *cred = g_dbus_connection_get_peer_credentials(conn);
    *gid = (gid_t)-1;
    if (cred) {
        uid_t u = g_credentials_get_unix_user(cred, error);
        if (u == (uid_t)-1)
            return FALSE;
        *uid = u;
        const struct ucred *uc = g_credentials_get_native(cred, G_CREDENTIALS_TYPE_LINUX_UCRED);
        if (uc)
            *gid = uc->gid;
        GIOStream *stream = g_dbus_connection_get_stream(conn);
        if (G_IS_SOCKET_CONNECTION(stream)) {
            GSocket *sock = g_socket_connection_get_socket(G_SOCKET_CONNECTION(stream));
            gid_t buf[256];
            socklen_t len = sizeof(buf);
            if (getsockopt(g_socket_get_fd(sock), SOL_SOCKET, SO_PEERGROUPS, buf, &len) == 0)
                g_array_append_vals(gids, buf, len / sizeof(gid_t));
        }
        return TRUE;
    }
    if (!sender) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                            _("Access denied: the caller's identity is unknown"));
        return FALSE;
    }
    g_autoptr(GVariant) r = g_dbus_connection_call_sync(
        conn, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "GetConnectionCredentials", g_variant_new("(s)", sender), G_VARIANT_TYPE("(a{sv})"),
        G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
    if (!r)
        return FALSE;
    g_autoptr(GVariant) dict = g_variant_get_child_value(r, 0);
    guint32 u;
    if (!g_variant_lookup(dict, "UnixUserID", "u", &u)) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                            _("Access denied: the bus did not tell the caller's uid"));
        return FALSE;
    }
    *uid = u;
    g_autoptr(GVariant) groups = g_variant_lookup_value(dict, "UnixGroupIDs",
                                                        G_VARIANT_TYPE("au"));
    if (groups) {
        gsize n = 0;
        const guint32 *g = g_variant_get_fixed_array(groups, &n, sizeof(guint32));
        for (gsize i = 0; i < n; i++) {
            gid_t gid = g[i];
            g_array_append_val(gids, gid);
        }
    }
    return TRUE;
}

static gboolean group_gid(const char *group, gid_t *gid)
{
    struct group grbuf, *gr = NULL;
    char buf[16384];
    if (!group || !*group || getgrnam_r(group, &grbuf, buf, sizeof(buf), &gr) != 0 || !gr)
        return FALSE;
    *gid = gr->gr_gid;
    return TRUE;
}

/* Membership by the user database (primary group or /etc/group). */
static gboolean uid_in_gid(uid_t uid, gid_t gid)
{
    struct passwd pwbuf, *pw = NULL;
    char buf[16384];
    if (getpwuid_r(uid, &pwbuf, buf, sizeof(buf), &pw) != 0 || !pw)
        return FALSE;
    if (pw->pw_gid == gid)
        return TRUE;
    gid_t groups[256];
    int n = G_N_ELEMENTS(groups);
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
        return FALSE;
    for (int i = 0; i < n; i++)
        if (groups[i] == gid)
            return TRUE;
    return FALSE;
}

gboolean daemon_auth_check_peer(Daemon *daemon, const DaemonPeer *peer, GError **error)
{
    if (peer->read_only) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                            _("Access denied: this is a read-only connection; "
                              "use the read-write socket"));
        return FALSE;
    }
    uid_t uid = peer->uid;
    if (uid == 0 || uid == geteuid())
        return TRUE;
    gid_t want;
    if (group_gid(daemon->config->group, &want)) {
        for (guint i = 0; i < peer->n_gids; i++)
            if (peer->gids[i] == want)
                return TRUE;
        if (uid_in_gid(uid, want))
            return TRUE;
    }
    if (daemon->config->group && *daemon->config->group)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                    _("Access denied: uid %u is neither root nor a member of group '%s'"),
                    (unsigned)uid, daemon->config->group);
    else
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                    _("Access denied: uid %u may only read"), (unsigned)uid);
    return FALSE;
}

gboolean daemon_auth_check_write(Daemon *daemon, GDBusConnection *conn,
                                 const char *sender, GError **error)
{
    DaemonPeer peer = {
        .read_only = g_object_get_data(G_OBJECT(conn), DAEMON_READONLY_KEY) != NULL,
    };
    g_autoptr(GArray) gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
    gid_t gid;
    if (!peer.read_only) {
        if (!caller_identity(conn, sender, &peer.uid, &gid, gids, error))
            return FALSE;
        peer.gids = (const gid_t *)gids->data;
        peer.n_gids = gids->len;
    }
    return daemon_auth_check_peer(daemon, &peer, error);
}

DaemonCaller *daemon_auth_caller(GDBusConnection *conn, const char *sender, GError **error)
{
    uid_t uid;
    gid_t gid;
    g_autoptr(GArray) gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
    if (!caller_identity(conn, sender, &uid, &gid, gids, error))
        return NULL;
    if (gids->len == 0)     /* groups unknown: the user database decides */
        return daemon_caller_new_uid(uid);
    if (gid == (gid_t)-1) {
        g_autoptr(DaemonCaller) db = daemon_caller_new_uid(uid);
        gid = db->gid;
    }
    return daemon_caller_new(uid, gid, (const gid_t *)gids->data, gids->len);
}

DaemonCaller *daemon_auth_peer_caller(const DaemonPeer *peer)
{
    if (!peer->n_gids)      /* groups unknown: the user database decides */
        return daemon_caller_new_uid(peer->uid);
    g_autoptr(DaemonCaller) db = daemon_caller_new_uid(peer->uid);
    return daemon_caller_new(peer->uid, db->gid, peer->gids, peer->n_gids);
}
