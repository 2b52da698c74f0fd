/* vsh-util.c - helpers shared by vsh's command files: object lookup the
 * way virsh does it, reading files, running the user's editor. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "vsh.h"

static gboolean vsh_is_number(const char *s)
{
    if (!*s)
        return FALSE;
    for (; *s; s++)
        if (!g_ascii_isdigit(*s))
            return FALSE;
    return TRUE;
}

static gboolean vsh_is_uuid(const char *s)
{
    return g_uuid_string_is_valid(s) || (strlen(s) == 32 && strspn(s, "0123456789abcdefABCDEF") == 32);
}

VesselDomain *vsh_domain_get(VshCtl *ctl, const char *key, GError **error)
{
    VesselConnect *conn = vsh_ctl_conn(ctl, error);
    g_autoptr(GError) local = NULL;
    VesselDomain *dom = NULL;

    if (!conn)
        return NULL;
    if (vsh_is_number(key))
        dom = vessel_domain_lookup_by_id(conn, atoi(key), &local);
    if (!dom && vsh_is_uuid(key)) {
        g_clear_error(&local);
        dom = vessel_domain_lookup_by_uuid(conn, key, &local);
    }
    if (!dom) {
        g_clear_error(&local);
        dom = vessel_domain_lookup_by_name(conn, key, &local);
    }
    if (!dom) {
        if (g_error_matches(local, VESSEL_ERROR, VESSEL_ERROR_NO_DOMAIN))
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_DOMAIN,
                        _("failed to get domain '%s'"), key);
        else
            g_propagate_error(error, g_steal_pointer(&local));
    }
    return dom;
}

VesselNetwork *vsh_network_get(VshCtl *ctl, const char *key, GError **error)
{
    VesselConnect *conn = vsh_ctl_conn(ctl, error);
    g_autoptr(GError) local = NULL;
    VesselNetwork *net = NULL;

    if (!conn)
        return NULL;
    if (vsh_is_uuid(key))
        net = vessel_network_lookup_by_uuid(conn, key, &local);
    if (!net) {
        g_clear_error(&local);
        net = vessel_network_lookup_by_name(conn, key, &local);
    }
    if (!net) {
        if (g_error_matches(local, VESSEL_ERROR, VESSEL_ERROR_NO_NETWORK))
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_NETWORK,
                        _("failed to get network '%s'"), key);
        else
            g_propagate_error(error, g_steal_pointer(&local));
    }
    return net;
}

char *vsh_file_read(const char *path, GError **error)
{
    char *text = NULL;
    gsize len = 0;

    if (strcmp(path, "-") == 0) {
        g_autoptr(GString) s = g_string_new(NULL);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
            g_string_append_len(s, buf, (gssize)n);
        len = s->len;
        text = g_string_free(g_steal_pointer(&s), FALSE);
    } else if (!g_file_get_contents(path, &text, &len, error)) {
        return NULL;
    }
    /* D-Bus carries UTF-8 only: say which byte is not, once, here */
    const char *end = NULL;
    if (!g_utf8_validate(text, (gssize)len, &end)) {
        gsize line = 1;
        for (const char *p = text; p < end; p++)
            line += *p == '\n';
        if (*end)
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        _("%s is not UTF-8 text: byte 0x%02x on line %zu"), path,
                        (unsigned)(guchar)*end, line);
        else
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        _("%s is not text: a NUL byte on line %zu"), path, line);
        g_free(text);
        return NULL;
    }
    return text;
}

char *vsh_edit_text(const char *text, const char *suffix, gboolean *changed, GError **error)
{
    const char *editor = g_getenv("VISUAL");
    g_autofree char *tmpl = g_strconcat("vshXXXXXX", suffix, NULL);
    g_autofree char *path = NULL;
    g_autofree char *quoted = NULL;
    g_autofree char *cmdline = NULL;
    char *result = NULL;
    int fd, status;

    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    fd = g_file_open_tmp(tmpl, &path, error);
    if (fd < 0)
        return NULL;
    close(fd);
    if (!g_file_set_contents(path, text, -1, error))
        goto out;
    quoted = g_shell_quote(path);
    /* $EDITOR may carry arguments, as with virsh and git */
    cmdline = g_strdup_printf("%s %s", editor, quoted);
    status = system(cmdline);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                    _("editor '%s' failed (exit status %d)"), editor,
                    status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        goto out;
    }
    if (!g_file_get_contents(path, &result, NULL, error))
        goto out;
    *changed = strcmp(result, text) != 0;
out:
    unlink(path);
    return result;
}
