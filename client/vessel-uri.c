/* vessel-uri.c - connection URIs and the per-user session daemon.
 *
 *   vessel:///system              /run/vessel/vessel-sock
 *   vessel:///session             $XDG_RUNTIME_DIR/vessel/vessel-sock
 *   vessel+unix:///PATH/TO/SOCK   that socket
 *
 * A NULL URI means $VESSEL_DEFAULT_URI, else system for root and session
 * for everyone else.  Only the session URI spawns a daemon; it is looked
 * for in $VESSEL_DAEMON, next to the running program (also ../daemon/ for
 * a build tree, seeing through libtool's .libs/), on PATH, then in the
 * installed sbindir. */
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

void vessel_uri_clear(VesselUri *u)
{
    g_clear_pointer(&u->uri, g_free);
    g_clear_pointer(&u->socket, g_free);
}

static char *vessel_daemon_next_to_self(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *dir = NULL;
    const char *const rel[] = { "vesseld", "../daemon/vesseld", "../../daemon/vesseld" };

    if (!exe)
        return NULL;
    dir = g_path_get_dirname(exe);
    for (gsize i = 0; i < G_N_ELEMENTS(rel); i++) {
        /* ../../ only makes sense from libtool's shell/.libs/ */
        if (i == 2 && !g_str_has_suffix(dir, "/.libs"))
            continue;
        g_autofree char *p = g_build_filename(dir, rel[i], NULL);
        if (g_file_test(p, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test(p, G_FILE_TEST_IS_DIR))
            return g_steal_pointer(&p);
    }
    return NULL;
}

static char *vessel_daemon_find(void)
{
    const char *env = g_getenv("VESSEL_DAEMON");
    char *p;

    if (env && *env)
        return g_strdup(env);
    if ((p = vessel_daemon_next_to_self()))
        return p;
    if ((p = g_find_program_in_path("vesseld")))
        return p;
    return g_strdup(VESSEL_SBINDIR "/vesseld");
}

static void vessel_spawn_setup(gpointer data)
{
    setsid();
}

gboolean vessel_session_spawn(GError **error)
{
    g_autofree char *daemon = vessel_daemon_find();
    const char *argv[] = { daemon, "--session", "--timeout", "60", NULL };
    g_autoptr(GError) local = NULL;

    /* Without DO_NOT_REAP_CHILD GLib double-forks: the daemon is not our
     * child and outlives us. */
    if (!g_spawn_async(NULL, (char **)argv, NULL,
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL |
                       G_SPAWN_STDIN_FROM_DEV_NULL,
                       vessel_spawn_setup, NULL, NULL, &local)) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT,
                    _("cannot start session daemon %s: %s"), daemon, local->message);
        return FALSE;
    }
    return TRUE;
}
