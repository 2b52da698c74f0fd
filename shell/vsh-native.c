/* vsh-native.c - `domxml-to-native vessel-argv {FILE | --domain D}`: the
 * vessel-vmm command line a domain XML translates to, through the same
 * translation the daemon uses (xml/domain_vmm.h).  What only the daemon
 * knows at start time (tap devices it creates, its control socket, where
 * the serial port goes) is shown as placeholders: vnetN for interfaces
 * without <target dev=>, "pty" for the serial port, no --control. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"
#include "xml/domain_conf.h"
#include "xml/domain_vmm.h"

const VshOptDef vsh_opts_domxml_to_native[] = {
    { "format", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("target config data type format (vessel-argv)"), 0 },
    { "xml", VSH_OT_STRING, VSH_OFLAG_POS, N_("xml data file to export from"), VSH_COMP_FILE },
    { "domain", VSH_OT_STRING, 0, N_("domain name, id or uuid"), VSH_COMP_DOMAIN },
    { NULL }
};

gboolean vsh_cmd_domxml_to_native(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *format = vsh_cmd_get(cmd, "format");
    const char *file = vsh_cmd_get(cmd, "xml");
    const char *domain = vsh_cmd_get(cmd, "domain");
    g_autofree char *xml = NULL;
    g_autoptr(DomainDef) def = NULL;
    g_autoptr(GPtrArray) taps = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) argv = NULL;
    DomainVmmParams params = { .control_fd = -1 };

    if (strcmp(format, "vessel-argv") != 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("unsupported config type %s (only vessel-argv)"), format);
        return FALSE;
    }
    if (!file == !domain) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("exactly one of --xml or --domain is required"));
        return FALSE;
    }
    if (file) {
        xml = vsh_file_read(file, error);
    } else {
        g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, domain, error);
        xml = dom ? vessel_domain_get_xml_desc(dom, 2, error) : NULL;
    }
    if (!xml)
        return FALSE;
    def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, error);
    if (!def)
        return FALSE;
    for (guint i = 0; i < def->n_nets; i++)
        g_ptr_array_add(taps, def->nets[i]->target_dev ? g_strdup(def->nets[i]->target_dev)
                                                       : g_strdup_printf("vnet%u", i));
    g_ptr_array_add(taps, NULL);
    params.tap_names = (const char *const *)taps->pdata;
    argv = domain_def_to_vmm_argv(def, &params, error);
    if (!argv)
        return FALSE;
    for (char **a = argv; *a; a++) {
        g_autofree char *q = NULL;
        gboolean plain = **a && strspn(*a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_=./,:+@%") == strlen(*a);
        if (!plain)
            q = g_shell_quote(*a);
        fprintf(ctl->out, "%s%s", a == argv ? "" : " ", plain ? *a : q);
    }
    fputc('\n', ctl->out);
    return TRUE;
}
