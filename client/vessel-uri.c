/* vessel-uri.c - connection URIs and the per-user session daemon.
 *
 *   vessel:///system              /run/vessel/vessel-sock
 *   vessel:///session             $XDG_RUNTIME_DIR/vessel/vessel-sock
 *   vessel+unix:///PATH/TO/SOCK   that socket
 *
 * A NULL URI means $VESSEL_DEFAULT_URI, else system for root and session
 * for everyone else.  Only the session URI spawns a daemon
 * (vessel-session.c). */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "vessel-private.h"

/* Fixed by DESIGN.md, whatever the prefix. */
#define VESSEL_SYSTEM_SOCK "/run/vessel/vessel-sock"

static char *vessel_session_socket(void)
{
    return g_build_filename(g_get_user_runtime_dir(), "vessel", "vessel-sock", NULL);
}

gboolean vessel_uri_parse(const char *uri, VesselUri *out, GError **error)
{
    memset(out, 0, sizeof(*out));
    if (!uri || !*uri)
        uri = g_getenv("VESSEL_DEFAULT_URI");
    if (!uri || !*uri)
        uri = geteuid() == 0 ? "vessel:///system" : "vessel:///session";

    if (strcmp(uri, "vessel:///system") == 0) {
        out->socket = g_strdup(VESSEL_SYSTEM_SOCK);
    } else if (strcmp(uri, "vessel:///session") == 0) {
        out->socket = vessel_session_socket();
        out->session = TRUE;
    } else if (g_str_has_prefix(uri, "vessel+unix://")) {
        const char *path = uri + strlen("vessel+unix://");
        if (*path != '/' || path[1] == '\0') {
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_URI,
                        _("URI '%s' does not name an absolute socket path"), uri);
            return FALSE;
        }
        out->socket = g_strdup(path);
    } else {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_URI,
                    _("unsupported URI '%s' (use vessel:///system, vessel:///session "
                      "or vessel+unix:///PATH)"), uri);
        return FALSE;
    }
    out->uri = g_strdup(uri);
    return TRUE;
}

char *vessel_uri_socket(const VesselUri *u, VesselConnectFlags flags)
{
    /* a URI that names the read-only socket already stays on it: -r
     * must not turn vessel-sock-ro into vessel-sock-ro-ro */
    if (!(flags & VESSEL_CONNECT_RO) || g_str_has_suffix(u->socket, "-ro"))
        return g_strdup(u->socket);
    return g_strconcat(u->socket, "-ro", NULL);
}

void vessel_uri_clear(VesselUri *u)
{
    g_clear_pointer(&u->uri, g_free);
    g_clear_pointer(&u->socket, g_free);
}

gboolean vessel_uri_resolve(const char *uri, VesselConnectFlags flags, char **canonical,
                            char **socket, GError **error)
{
    VesselUri u;

    if (!vessel_uri_parse(uri, &u, error))
        return FALSE;
    if (socket)
        *socket = vessel_uri_socket(&u, flags);
    if (canonical)
        *canonical = g_steal_pointer(&u.uri);
    vessel_uri_clear(&u);
    return TRUE;
}
