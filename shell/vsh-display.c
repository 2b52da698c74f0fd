/* vsh-display.c - the display commands: vncdisplay (where the VNC server
 * listens, as virsh prints it: ADDRESS:DISPLAY with DISPLAY = port -
 * 5900), screenshot (Domain1.Screenshot to a PNG file), send-key
 * (Domain1.SendKey; KEY_* names from <linux/input-event-codes.h> or
 * numbers). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keycodes.h"
#include "vsh.h"
#include "xml/domain_conf.h"

#define OPT_DOMAIN_REQ \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid"), \
      VSH_COMP_DOMAIN }

const VshOptDef vsh_opts_vncdisplay[] = {
    OPT_DOMAIN_REQ,
    { NULL }
};

gboolean vsh_cmd_vncdisplay(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    if (!dom)
        return FALSE;
    g_autofree char *xml = vessel_domain_get_xml_desc(dom, 0, error);
    if (!xml)
        return FALSE;
    g_autoptr(DomainDef) def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, error);
    if (!def)
        return FALSE;
    const DomainGraphicsDef *g = def->graphics;
    if (!g || g->socket) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED,
                    _("Domain '%s' has no VNC display on a TCP port"), def->name);
        return FALSE;
    }
    gboolean active = FALSE;
    if (!vessel_domain_is_active(dom, &active, error))
        return FALSE;
    if (g->port < 0 || !active) {
        g_set_error_literal(error, VESSEL_ERROR, VESSEL_ERROR_OPERATION_INVALID,
                            _("Domain is not running"));
        return FALSE;
    }
    const char *addr = g->listen && strcmp(g->listen, "0.0.0.0") ? g->listen : "";
    fprintf(ctl->out, "%s:%d\n\n", addr, g->port - DOMAIN_VNC_PORT_MIN);
    return TRUE;
}

const VshOptDef vsh_opts_screenshot[] = {
    OPT_DOMAIN_REQ,
    { "file", VSH_OT_STRING, VSH_OFLAG_POS, N_("where to store the screenshot"), VSH_COMP_FILE },
    { "screen", VSH_OT_INT, 0, N_("ID of a screen to take screenshot of"), 0 },
    { NULL }
};

gboolean vsh_cmd_screenshot(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    int screen = 0;
    if (!vsh_cmd_get_int(cmd, "screen", &screen, error))
        return FALSE;
    if (screen != 0) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG,
                    _("The domain has one screen (0)"));
        return FALSE;
    }
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    if (!dom)
        return FALSE;
    g_autofree char *mime = NULL;
    g_autoptr(GBytes) img = vessel_domain_screenshot(dom, &mime, error);
    if (!img)
        return FALSE;
    g_autofree char *file = g_strdup(vsh_cmd_get(cmd, "file"));
    if (!file) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d-%H:%M:%S");
        file = g_strdup_printf("%s-%s.png", vessel_domain_get_name(dom), stamp);
    }
    gsize len;
    const char *data = g_bytes_get_data(img, &len);
    if (!g_file_set_contents(file, data, (gssize)len, error))
        return FALSE;
    fprintf(ctl->out, _("Screenshot saved to %s, with type of %s\n\n"), file, mime);
    return TRUE;
}

const VshOptDef vsh_opts_send_key[] = {
    OPT_DOMAIN_REQ,
    { "codeset", VSH_OT_STRING, 0, N_("the codeset of keycodes, default:linux"), 0 },
    { "holdtime", VSH_OT_INT, 0, N_("the time (in milliseconds) how long the keys will be held"), 0 },
    { "keycode", VSH_OT_ARGV, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("the key code"), 0 },
    { NULL }
};

/* libvirt's virKeycodeSet numbers, by name */
static int codeset_number(const char *name)
{
    static const struct {
        const char *name;
        int number;
    } sets[] = { { "linux", 0 }, { "xt", 1 }, { "atset1", 2 }, { "atset2", 3 },
                 { "qnum", 9 }, { "rfb", 9 } };
    for (gsize i = 0; i < G_N_ELEMENTS(sets); i++)
        if (!strcmp(sets[i].name, name))
            return sets[i].number;
    return -1;
}

gboolean vsh_cmd_send_key(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *cs = vsh_cmd_get(cmd, "codeset");
    int codeset = codeset_number(cs ? cs : "linux");
    if (codeset < 0) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG, _("unknown codeset: '%s'"), cs);
        return FALSE;
    }
    int hold = 0;
    if (!vsh_cmd_get_int(cmd, "holdtime", &hold, error))
        return FALSE;
    if (hold < 0) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG, _("invalid holdtime"));
        return FALSE;
    }
    g_auto(GStrv) words = vsh_cmd_get_argv(cmd, "keycode");
    guint n = words ? g_strv_length(words) : 0;
    g_autofree guint *codes = g_new0(guint, n + 1);
    for (guint i = 0; i < n; i++) {
        char *end = NULL;
        errno = 0;
        unsigned long v = strtoul(words[i], &end, 0);
        if (*words[i] && !*end && !errno && v <= 0xffff) {
            codes[i] = (guint)v;
            continue;
        }
        int code = codeset == 0 ? keycode_from_name(words[i]) : -1;
        if (code < 0) {
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG,
                        _("invalid keycode: '%s'"), words[i]);
            return FALSE;
        }
        codes[i] = (guint)code;
    }
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    if (!dom)
        return FALSE;
    if (!vessel_domain_send_key(dom, (guint)codeset, (guint)hold, codes, n, error))
        return FALSE;
    (void)ctl;
    return TRUE;
}
