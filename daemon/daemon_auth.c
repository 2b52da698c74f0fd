/* daemon_auth.c - the one authorization decision for both transports.
 *
 * Read methods are open to everyone who can connect.  Write methods need:
 * a connection that did not come in on the read-only socket, and a caller
 * uid that is 0, the daemon's own uid (session mode), or a user whose
 * groups include the configured group ([sockets] group, "vessel").  The
 * uid comes from the connection's credentials (SO_PEERCRED) on the
 * daemon's sockets and from the bus daemon on the system bus. */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "daemon_dbus.h"
#include "daemon_error.h"
#include "i18n.h"

#define DAEMON_READONLY_KEY "vessel-readonly"

static gboolean caller_uid(GDBusConnection *conn, const char *sender, uid_t *uid,
                           GError **error)
{
    GCredentials *cred = g_dbus_connection_get_peer_credentials(conn);
    if (cred) {
        uid_t u = g_credentials_get_unix_user(cred, error);
        if (u == (uid_t)-1)
            return FALSE;
        *uid = u;
        return TRUE;
    }
    if (!sender) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                            _("Access denied: the caller's identity is unknown"));
        return FALSE;
    }
    g_autoptr(GVariant) r = g_dbus_connection_call_sync(
        conn, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "GetConnectionUnixUser", g_variant_new("(s)", sender), G_VARIANT_TYPE("(u)"),
        G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
    if (!r)
        return FALSE;
    guint32 u;
    g_variant_get(r, "(u)", &u);
    *uid = u;
    return TRUE;
}

static gboolean uid_in_group(uid_t uid, const char *group)
{
    if (!group || !*group)
        return FALSE;
    struct group grbuf, *gr = NULL;
    struct passwd pwbuf, *pw = NULL;
    char buf1[16384], buf2[16384];
    if (getgrnam_r(group, &grbuf, buf1, sizeof(buf1), &gr) != 0 || !gr)
        return FALSE;
    if (getpwuid_r(uid, &pwbuf, buf2, sizeof(buf2), &pw) != 0 || !pw)
        return FALSE;
    if (pw->pw_gid == gr->gr_gid)
        return TRUE;
    gid_t groups[256];
    int n = G_N_ELEMENTS(groups);
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
        return FALSE;
    for (int i = 0; i < n; i++)
        if (groups[i] == gr->gr_gid)
            return TRUE;
    return FALSE;
}

gboolean daemon_auth_check_write(Daemon *daemon, GDBusConnection *conn,
                                 const char *sender, GError **error)
{
    if (g_object_get_data(G_OBJECT(conn), DAEMON_READONLY_KEY)) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                            _("Access denied: this is a read-only connection "
                              "(vessel-sock-ro); use the read-write socket"));
        return FALSE;
    }
    uid_t uid;
    if (!caller_uid(conn, sender, &uid, error))
        return FALSE;
    if (uid == 0 || uid == geteuid() || uid_in_group(uid, daemon->config->group))
        return TRUE;
    if (daemon->config->group && *daemon->config->group)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                    _("Access denied: uid %u is neither root nor a member of group '%s'"),
                    (unsigned)uid, daemon->config->group);
    else
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                    _("Access denied: uid %u may only read"), (unsigned)uid);
    return FALSE;
}
