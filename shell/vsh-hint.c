/* vsh-hint.c - the line after an error that names the fix.
 *
 * Errors keep virsh's lines ("error: failed to connect to the hypervisor",
 * then the socket and the system's reason); a hint follows as
 * "hint: ..." when vsh can tell what to do:
 *
 *   socket refuses us     join the socket's group (or log in again when
 *                         /etc/group already lists us), or use -r
 *   nothing listens       system: start vesseld (systemctl where systemd
 *                         runs); session: run vesseld --session by hand;
 *                         vessel+unix: start the daemon of that socket
 *   console busy          --force takes it over (vsh-console.c)
 *
 * One hint is pending at a time: set together with the GError it
 * explains, printed and cleared by vsh_error_print(). */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "vsh.h"

static char *vsh_pending_hint;

void vsh_hint_set(const char *fmt, ...)
{
    va_list ap;

    g_free(vsh_pending_hint);
    va_start(ap, fmt);
    vsh_pending_hint = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

char *vsh_hint_take(void)
{
    return g_steal_pointer(&vsh_pending_hint);
}

static char *vsh_user_name(void)
{
    struct passwd *pw = getpwuid(geteuid());

    return g_strdup(pw ? pw->pw_name : g_get_user_name());
}

/* Does /etc/group list @user in @gr although this process lacks it? */
static gboolean vsh_group_not_yet_active(const struct group *gr, const char *user)
{
    gboolean listed = FALSE;
    int n = getgroups(0, NULL);
    g_autofree gid_t *gids = NULL;

    for (char **m = gr->gr_mem; m && *m && !listed; m++)
        listed = strcmp(*m, user) == 0;
    if (!listed || n < 0)
        return FALSE;
    gids = g_new(gid_t, n + 1);
    n = getgroups(n, gids);
    for (int i = 0; i < n; i++)
        if (gids[i] == gr->gr_gid)
            return FALSE;
    return getegid() != gr->gr_gid;
}

static void vsh_hint_denied(const VshCtl *ctl, const char *socket)
{
    struct stat st;
    struct group *gr;
    g_autofree char *user = vsh_user_name();

    if (stat(socket, &st) < 0 || !(gr = getgrgid(st.st_gid)) || st.st_gid == 0) {
        if (ctl->readonly)
            vsh_hint_set(_("ask the administrator for access to %s"), socket);
        else
            vsh_hint_set(_("ask the administrator for access to %s, or connect read-only "
                           "with 'vsh -r'"), socket);
        return;
    }
    if (vsh_group_not_yet_active(gr, user))
        vsh_hint_set(_("you are in group '%s' but this login began before: log in again "
                       "(or run 'newgrp %s'), or connect read-only with 'vsh -r'"),
                     gr->gr_name, gr->gr_name);
    else
        vsh_hint_set(_("the socket is for group '%s': join it with 'sudo usermod -aG %s %s' "
                       "and log in again, or connect read-only with 'vsh -r'"),
                     gr->gr_name, gr->gr_name, user);
}

static void vsh_hint_no_daemon(const char *canonical, const char *socket)
{
    if (g_strcmp0(canonical, "vessel:///system") == 0) {
        if (g_file_test("/run/systemd/system", G_FILE_TEST_IS_DIR))
            vsh_hint_set(_("is the system daemon running? start it with "
                           "'sudo systemctl start vesseld'"));
        else
            vsh_hint_set(_("is the system daemon running? start it with 'sudo vesseld --system'"));
    } else if (g_strcmp0(canonical, "vessel:///session") == 0) {
        vsh_hint_set(_("run 'vesseld --session' in a terminal to see it start"));
    } else {
        vsh_hint_set(_("nothing listens on %s: start the daemon that serves it "
                       "(vesseld --config FILE) or check the URI"), socket);
    }
}

void vsh_hint_connect(const VshCtl *ctl, const GError *error)
{
    g_autofree char *canonical = NULL;
    g_autofree char *socket = NULL;

    if (!error || error->domain != VESSEL_ERROR ||
        !vessel_uri_resolve(ctl->uri, ctl->readonly ? VESSEL_CONNECT_RO : VESSEL_CONNECT_DEFAULT,
                            &canonical, &socket, NULL))
        return;
    if (error->code == VESSEL_ERROR_ACCESS_DENIED)
        vsh_hint_denied(ctl, socket);
    else if (error->code == VESSEL_ERROR_NO_CONNECT)
        vsh_hint_no_daemon(canonical, socket);
}
