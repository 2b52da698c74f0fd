/* vsh-edit.c - `edit` and `net-edit`: the persistent XML goes to the
 * user's editor, the result is defined again; when the daemon refuses it
 * the user is asked whether to reopen the editor on the text as edited
 * (virsh's "Try again?"), so no edit is lost to a typo. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"

typedef char *(*EditGetXml)(gpointer obj, GError **error);
typedef gboolean (*EditDefine)(VshCtl *ctl, const char *xml, GError **error);

/* "Try again? [y,n]": TRUE for y, FALSE for n or end of input. */
static gboolean vsh_edit_ask_retry(void)
{
    char line[64];

    for (;;) {
        fputs(_("Failed. Try again? [y,n]:"), stdout);
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin))
            return FALSE;
        g_strstrip(line);
        if (strcmp(line, "y") == 0 || strcmp(line, "Y") == 0)
            return TRUE;
        if (strcmp(line, "n") == 0 || strcmp(line, "N") == 0)
            return FALSE;
    }
}

static gboolean vsh_edit_loop(VshCtl *ctl, const char *kind, const char *name, char *xml,
                              EditDefine define, GError **error)
{
    g_autofree char *current = xml;

    for (;;) {
        gboolean changed = FALSE;
        g_autoptr(GError) local = NULL;
        g_autofree char *edited = vsh_edit_text(current, ".xml", &changed, error);

        if (!edited)
            return FALSE;
        if (!changed) {
            vsh_print_extra(ctl, _("%s '%s' XML configuration not changed.\n"), kind, name);
            return TRUE;
        }
        if (define(ctl, edited, &local)) {
            vsh_print_extra(ctl, _("%s '%s' XML configuration edited.\n"), kind, name);
            return TRUE;
        }
        vsh_error_print(local);
        g_free(current);
        current = g_steal_pointer(&edited);
        if (!vsh_edit_ask_retry()) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                        _("%s '%s' XML configuration not changed"), kind, name);
            return FALSE;
        }
    }
}

static gboolean vsh_edit_define_domain(VshCtl *ctl, const char *xml, GError **error)
{
    g_autoptr(VesselDomain) dom = vessel_domain_define_xml(vsh_ctl_conn(ctl, error), xml, error);
    return dom != NULL;
}

static gboolean vsh_edit_define_network(VshCtl *ctl, const char *xml, GError **error)
{
    g_autoptr(VesselNetwork) net = vessel_network_define_xml(vsh_ctl_conn(ctl, error), xml, error);
    return net != NULL;
}

gboolean vsh_cmd_edit(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    char *xml;

    if (!dom || !(xml = vessel_domain_get_xml_desc(dom, 3, error)))
        return FALSE;
    return vsh_edit_loop(ctl, _("Domain"), vessel_domain_get_name(dom), xml,
                         vsh_edit_define_domain, error);
}

gboolean vsh_cmd_net_edit(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselNetwork) net = vsh_network_get(ctl, vsh_cmd_get(cmd, "network"), error);
    char *xml;

    if (!net || !(xml = vessel_network_get_xml_desc(net, 1, error)))
        return FALSE;
    return vsh_edit_loop(ctl, _("Network"), vessel_network_get_name(net), xml,
                         vsh_edit_define_network, error);
}
