/* vsh-domain.c - vsh's domain commands (list, define, start, dominfo...),
 * with virsh's output formats and messages.  The `console`, `edit` and
 * `event` commands live in their own files. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"
#include <stdarg.h>

#define OPT_DOMAIN(help) \
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, help, VSH_COMP_DOMAIN }

/* "Failed to X domain 'NAME'" on the first error line, the daemon's
 * reason on the second, as virsh prints them. */
void vsh_error_prefix_failed(GError **error, const char *what, const char *name)
{
    g_prefix_error(error, _("Failed to %s domain '%s'\nerror: "), what, name);
}

/* Print an informational message unless -q. */
void vsh_print_extra(VshCtl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet)
        return;
    va_start(ap, fmt);
    vfprintf(ctl->out, fmt, ap);
    va_end(ap);
}

/* The running id (-1 when inactive), FALSE only on a real error. */
static gboolean vsh_domain_id(VesselDomain *dom, int *id, GError **error)
{
    g_autoptr(GError) local = NULL;

    *id = vessel_domain_get_id(dom, &local);
    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------ list */

static const VshOptDef opts_list[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive domains"), 0 },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active domains"), 0 },
    { "transient", VSH_OT_BOOL, 0, N_("list transient domains"), 0 },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent domains"), 0 },
    { "autostart", VSH_OT_BOOL, 0, N_("list domains with autostart enabled"), 0 },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list domains with autostart disabled"), 0 },
    { "state-running", VSH_OT_BOOL, 0, N_("list domains in running state"), 0 },
    { "state-paused", VSH_OT_BOOL, 0, N_("list domains in paused state"), 0 },
    { "state-shutoff", VSH_OT_BOOL, 0, N_("list domains in shutoff state"), 0 },
    { "state-other", VSH_OT_BOOL, 0, N_("list domains in other states"), 0 },
    { "uuid", VSH_OT_BOOL, 0, N_("list uuid's only"), 0 },
    { "name", VSH_OT_BOOL, 0, N_("list domain names only"), 0 },
    { "id", VSH_OT_BOOL, 0, N_("list domain IDs only"), 0 },
    { "table", VSH_OT_BOOL, 0, N_("list table (default)"), 0 },
    { NULL }
};

static gboolean vsh_list_state_wanted(const VshCmd *cmd, int state)
{
    gboolean any = vsh_cmd_has(cmd, "state-running") || vsh_cmd_has(cmd, "state-paused") ||
                   vsh_cmd_has(cmd, "state-shutoff") || vsh_cmd_has(cmd, "state-other");

    if (!any)
        return TRUE;
    switch (state) {
    case VESSEL_DOMAIN_RUNNING:
        return vsh_cmd_has(cmd, "state-running");
    case VESSEL_DOMAIN_PAUSED:
        return vsh_cmd_has(cmd, "state-paused");
    case VESSEL_DOMAIN_SHUTOFF:
        return vsh_cmd_has(cmd, "state-shutoff");
    default:
        return vsh_cmd_has(cmd, "state-other");
    }
}

/* virsh's order: running domains by id, then the others by name (case
 * ignored), as virsh sorts what virConnectListAllDomains returns. */
static gint compare_virsh_order(gconstpointer pa, gconstpointer pb)
{
    const VesselDomainRecord *a = *(VesselDomainRecord *const *)pa;
    const VesselDomainRecord *b = *(VesselDomainRecord *const *)pb;
    if (a->id > 0 && b->id > 0)
        return a->id < b->id ? -1 : a->id > b->id;
    if (a->id > 0 || b->id > 0)
        return a->id > 0 ? -1 : 1;
    return g_ascii_strcasecmp(vessel_domain_get_name(a->domain),
                              vessel_domain_get_name(b->domain));
}

static gboolean cmd_list(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    VesselConnect *conn = vsh_ctl_conn(ctl, error);
    gboolean names = vsh_cmd_has(cmd, "name"), uuids = vsh_cmd_has(cmd, "uuid");
    gboolean ids = vsh_cmd_has(cmd, "id");
    gboolean table = vsh_cmd_has(cmd, "table") || (!names && !uuids && !ids);
    gboolean state_filter = vsh_cmd_has(cmd, "state-shutoff") || vsh_cmd_has(cmd, "state-other");
    VesselListFlags flags = state_filter ? VESSEL_LIST_ALL : vsh_list_flags(cmd);
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(VshTable) t = NULL;

    if (table && (names || uuids || ids)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("Options --table and --name, --uuid, --id are mutually exclusive"));
        return FALSE;
    }
    list = vessel_connect_list_domain_records(conn, flags, error);
    if (!list)
        return FALSE;
    g_ptr_array_sort(list, compare_virsh_order);
    if (table)
        t = vsh_table_new(_("Id"), _("Name"), _("State"), NULL);
    for (guint i = 0; i < list->len; i++) {
        VesselDomainRecord *rec = g_ptr_array_index(list, i);
        VesselDomain *dom = rec->domain;
        int id = rec->id;

        if (!vsh_list_state_wanted(cmd, rec->state) ||
            !vsh_list_wanted(cmd, rec->persistent, rec->autostart))
            continue;
        if (table) {
            g_autofree char *idstr = id > 0 ? g_strdup_printf("%d", id) : g_strdup("-");
            vsh_table_add_row(t, idstr, vessel_domain_get_name(dom),
                              vessel_domain_state_to_string(rec->state), NULL);
        } else if (ids) {
            if (id > 0)
                fprintf(ctl->out, "%d\n", id);
        } else {
            vsh_list_print_ids(ctl, names, uuids, vessel_domain_get_uuid(dom),
                               vessel_domain_get_name(dom));
        }
    }
    vsh_list_end(ctl, t);
    return TRUE;
}

/* ------------------------------------------------------------ define etc. */

static const VshOptDef opts_file[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("file containing an XML domain description"), VSH_COMP_FILE },
    { NULL }
};

static gboolean cmd_define(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *file = vsh_cmd_get(cmd, "file");
    g_autofree char *xml = vsh_file_read(file, error);
    g_autoptr(VesselDomain) dom = NULL;

    if (!xml)
        return FALSE;
    dom = vessel_domain_define_xml(vsh_ctl_conn(ctl, error), xml, error);
    if (!dom) {
        g_prefix_error(error, _("Failed to define domain from %s\nerror: "), file);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' defined from %s\n"), vessel_domain_get_name(dom), file);
    return TRUE;
}

static const VshOptDef opts_create[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("file containing an XML domain description"), VSH_COMP_FILE },
    { "paused", VSH_OT_BOOL, 0, N_("leave the guest paused after creation"), 0 },
    { "console", VSH_OT_BOOL, 0, N_("attach to console after creation"), 0 },
    { NULL }
};

static gboolean cmd_create(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *file = vsh_cmd_get(cmd, "file");
    g_autofree char *xml = vsh_file_read(file, error);
    g_autoptr(VesselDomain) dom = NULL;

    if (!xml)
        return FALSE;
    dom = vessel_domain_create_xml(vsh_ctl_conn(ctl, error), xml,
                                   vsh_cmd_has(cmd, "paused") ? 1 : 0, error);
    if (!dom) {
        g_prefix_error(error, _("Failed to create domain from %s\nerror: "), file);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' created from %s\n"), vessel_domain_get_name(dom), file);
    if (vsh_cmd_has(cmd, "console"))
        return vsh_console_run(ctl, dom, NULL, FALSE, error);
    return TRUE;
}

static const VshOptDef opts_domain_only[] = {
    OPT_DOMAIN(N_("domain name, id or uuid")),
    { NULL }
};

static const VshOptDef opts_reboot[] = {
    OPT_DOMAIN(N_("domain name, id or uuid")),
    { "mode", VSH_OT_STRING, 0, N_("shutdown mode: acpi|agent|initctl|signal|paravirt"), 0 },
    { NULL }
};

static gboolean cmd_undefine(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    if (!vessel_domain_undefine(dom, 0, error)) {
        vsh_error_prefix_failed(error, _("undefine"), vessel_domain_get_name(dom));
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' has been undefined\n"), vessel_domain_get_name(dom));
    return TRUE;
}

static const VshOptDef opts_start[] = {
    OPT_DOMAIN(N_("name of the inactive domain")),
    { "console", VSH_OT_BOOL, 0, N_("attach to console after creation"), 0 },
    { "paused", VSH_OT_BOOL, 0, N_("leave the guest paused after creation"), 0 },
    { NULL }
};

static gboolean cmd_start(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    if (!vessel_domain_start(dom, vsh_cmd_has(cmd, "paused") ? 1 : 0, error)) {
        vsh_error_prefix_failed(error, _("start"), vessel_domain_get_name(dom));
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' started\n"), vessel_domain_get_name(dom));
    if (vsh_cmd_has(cmd, "console"))
        return vsh_console_run(ctl, dom, NULL, FALSE, error);
    return TRUE;
}

static const VshOptDef opts_shutdown[] = {
    OPT_DOMAIN(N_("domain name, id or uuid")),
    { "mode", VSH_OT_STRING, 0, N_("shutdown mode: acpi|agent|initctl|signal|paravirt"), 0 },
    { "timeout", VSH_OT_INT, 0, N_("wait up to N seconds for the domain to shut off"), 0 },
    { "destroy-on-timeout", VSH_OT_BOOL, 0, N_("destroy the domain if --timeout passes"), 0 },
    { NULL }
};

/* --mode of shutdown and reboot: virsh's comma-separated list of ways to
 * ask the guest, tried in order.  Vessel has one, the ACPI power button:
 * a list naming it is fine, any other is refused before anything is
 * sent, and a word virsh does not know is a usage error as in virsh. */
static gboolean vsh_check_mode(const VshCmd *cmd, const char *verb, const char *name,
                               GError **error)
{
    static const char *const modes[] = { "acpi", "agent", "initctl", "signal", "paravirt" };
    const char *mode = vsh_cmd_get(cmd, "mode");
    if (!mode)
        return TRUE;
    g_auto(GStrv) words = g_strsplit(mode, ",", -1);
    gboolean acpi = FALSE;
    for (char **w = words; *w; w++) {
        if (!g_strv_contains(modes, *w)) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("Unknown mode %s value, expecting 'acpi', 'agent', 'initctl', "
                          "'signal' or 'paravirt'"), *w);
            return FALSE;
        }
        acpi |= strcmp(*w, "acpi") == 0;
    }
    if (acpi)
        return TRUE;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                _("Operation not supported: mode '%s': Vessel asks the guest with the ACPI "
                  "power button only (--mode acpi)"), mode);
    vsh_error_prefix_failed(error, verb, name);
    return FALSE;
}

static gboolean cmd_shutdown(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = NULL;
    int timeout = 0;

    if (!vsh_cmd_get_int(cmd, "timeout", &timeout, error))
        return FALSE;
    if (timeout < 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("timeout must be positive"));
        return FALSE;
    }
    dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    if (!dom || !vsh_check_mode(cmd, _("shutdown"), vessel_domain_get_name(dom), error))
        return FALSE;
    if (!vessel_domain_shutdown(dom, vsh_cmd_has(cmd, "destroy-on-timeout") ? 2 : 0,
                                (guint)timeout, error)) {
        vsh_error_prefix_failed(error, _("shutdown"), vessel_domain_get_name(dom));
        return FALSE;
    }
    if (timeout > 0)
        vsh_print_extra(ctl, _("Domain '%s' is shut off\n"), vessel_domain_get_name(dom));
    else
        vsh_print_extra(ctl, _("Domain '%s' is being shutdown\n"), vessel_domain_get_name(dom));
    return TRUE;
}

typedef gboolean (*VshDomainAction)(VesselDomain *dom, GError **error);

static gboolean vsh_domain_destroy0(VesselDomain *dom, GError **error)
{
    return vessel_domain_destroy(dom, 0, error);
}

static gboolean vsh_domain_reboot0(VesselDomain *dom, GError **error)
{
    return vessel_domain_reboot(dom, 0, error);
}

static gboolean vsh_domain_reset0(VesselDomain *dom, GError **error)
{
    return vessel_domain_reset(dom, 0, error);
}

static const struct {
    const char *cmd;
    VshDomainAction action;
    const char *verb;    /* for "Failed to VERB domain" */
    const char *done;    /* "Domain '%s' ..." */
} vsh_simple_actions[] = {
    { "destroy", vsh_domain_destroy0, N_("destroy"), N_("Domain '%s' destroyed\n") },
    { "reboot", vsh_domain_reboot0, N_("reboot"), N_("Domain '%s' is being rebooted\n") },
    { "reset", vsh_domain_reset0, N_("reset"), N_("Domain '%s' was reset\n") },
    { "suspend", vessel_domain_suspend, N_("suspend"), N_("Domain '%s' suspended\n") },
    { "resume", vessel_domain_resume, N_("resume"), N_("Domain '%s' resumed\n") },
};

static gboolean cmd_simple_action(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *name = vsh_cmd_def(cmd)->name;
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(vsh_simple_actions); i++) {
        if (strcmp(vsh_simple_actions[i].cmd, name) != 0)
            continue;
        if (!vsh_check_mode(cmd, _(vsh_simple_actions[i].verb), vessel_domain_get_name(dom),
                            error))
            return FALSE;
        if (!vsh_simple_actions[i].action(dom, error)) {
            vsh_error_prefix_failed(error, _(vsh_simple_actions[i].verb),
                                    vessel_domain_get_name(dom));
            return FALSE;
        }
        vsh_print_extra(ctl, _(vsh_simple_actions[i].done), vessel_domain_get_name(dom));
        return TRUE;
    }
    g_assert_not_reached();
}

static const VshOptDef opts_autostart[] = {
    OPT_DOMAIN(N_("domain name, id or uuid")),
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting"), 0 },
    { NULL }
};

static gboolean cmd_autostart(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    gboolean enable = !vsh_cmd_has(cmd, "disable");
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    if (!vessel_domain_set_autostart(dom, enable, error)) {
        g_prefix_error(error, enable ? _("Failed to mark domain '%s' as autostarted\nerror: ")
                                     : _("Failed to unmark domain '%s' as autostarted\nerror: "),
                       vessel_domain_get_name(dom));
        return FALSE;
    }
    vsh_print_extra(ctl, enable ? _("Domain '%s' marked as autostarted\n")
                                : _("Domain '%s' unmarked as autostarted\n"),
                    vessel_domain_get_name(dom));
    return TRUE;
}

/* ------------------------------------------------------------ info */

/* <os><type>hvm</type></os> of a domain XML, or "hvm". */
static void os_type_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer data,
                         GError **error)
{
    const GSList *stack = g_markup_parse_context_get_element_stack(ctx);
    char **out = data;

    if (!*out && stack && stack->next && strcmp(stack->data, "type") == 0 &&
        strcmp(stack->next->data, "os") == 0)
        *out = g_strstrip(g_strndup(text, len));
}

static char *vsh_domain_os_type(VesselDomain *dom)
{
    static const GMarkupParser parser = { .text = os_type_text };
    g_autofree char *xml = vessel_domain_get_xml_desc(dom, 0, NULL);
    char *type = NULL;

    if (xml) {
        g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new(&parser, 0, &type, NULL);
        g_markup_parse_context_parse(ctx, xml, -1, NULL);
    }
    return type && *type ? type : (g_free(type), g_strdup("hvm"));
}

static gboolean cmd_dominfo(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    g_autofree char *ostype = NULL;
    g_autofree char *idstr = NULL;
    VesselDomainInfo info;
    gboolean persistent, autostart;
    int id;
    FILE *o = ctl->out;

    if (!dom)
        return FALSE;
    if (!vessel_domain_get_info(dom, &info, error) || !vsh_domain_id(dom, &id, error) ||
        !vessel_domain_is_persistent(dom, &persistent, error) ||
        !vessel_domain_get_autostart(dom, &autostart, error))
        return FALSE;
    ostype = vsh_domain_os_type(dom);
    idstr = id > 0 ? g_strdup_printf("%d", id) : g_strdup("-");
    fprintf(o, "%-15s %s\n", _("Id:"), idstr);
    fprintf(o, "%-15s %s\n", _("Name:"), vessel_domain_get_name(dom));
    fprintf(o, "%-15s %s\n", _("UUID:"), vessel_domain_get_uuid(dom));
    fprintf(o, "%-15s %s\n", _("OS Type:"), ostype);
    fprintf(o, "%-15s %s\n", _("State:"), vessel_domain_state_to_string(info.state));
    fprintf(o, "%-15s %u\n", _("CPU(s):"), info.vcpus);
    if (info.cpu_time_ns)
        fprintf(o, "%-15s %.1lfs\n", _("CPU time:"), (double)info.cpu_time_ns / 1e9);
    fprintf(o, "%-15s %" G_GUINT64_FORMAT " KiB\n", _("Max memory:"), info.max_mem_kib);
    fprintf(o, "%-15s %" G_GUINT64_FORMAT " KiB\n", _("Used memory:"), info.memory_kib);
    fprintf(o, "%-15s %s\n", _("Persistent:"), persistent ? _("yes") : _("no"));
    fprintf(o, "%-15s %s\n", _("Autostart:"), autostart ? _("enable") : _("disable"));
    fputc('\n', o);
    return TRUE;
}

static const VshOptDef opts_domstate[] = {
    OPT_DOMAIN(N_("domain name, id or uuid")),
    { "reason", VSH_OT_BOOL, 0, N_("also print reason for the state"), 0 },
    { NULL }
};

static gboolean cmd_domstate(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    int state, reason;

    if (!dom || !vessel_domain_get_state(dom, &state, &reason, error))
        return FALSE;
    if (vsh_cmd_has(cmd, "reason"))
        fprintf(ctl->out, "%s (%s)\n", vessel_domain_state_to_string(state),
                vessel_domain_reason_to_string(state, reason));
    else
        fprintf(ctl->out, "%s\n", vessel_domain_state_to_string(state));
    fputc('\n', ctl->out);
    return TRUE;
}

static gboolean cmd_domid(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    int id;

    if (!dom || !vsh_domain_id(dom, &id, error))
        return FALSE;
    if (id > 0)
        fprintf(ctl->out, "%d\n", id);
    else
        fputs("-\n", ctl->out);
    fputc('\n', ctl->out);
    return TRUE;
}

static gboolean cmd_domname(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    fprintf(ctl->out, "%s\n\n", vessel_domain_get_name(dom));
    return TRUE;
}

static gboolean cmd_domuuid(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    fprintf(ctl->out, "%s\n\n", vessel_domain_get_uuid(dom));
    return TRUE;
}

static const VshOptDef opts_dumpxml[] = {
    OPT_DOMAIN(N_("domain name, id or uuid")),
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML"), 0 },
    { NULL }
};

static gboolean cmd_dumpxml(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    g_autofree char *xml = NULL;

    if (!dom)
        return FALSE;
    xml = vessel_domain_get_xml_desc(dom, vsh_cmd_has(cmd, "inactive") ? 2 : 0, error);
    if (!xml)
        return FALSE;
    fputs(xml, ctl->out);
    if (!g_str_has_suffix(xml, "\n"))
        fputc('\n', ctl->out);
    return TRUE;
}

/* ------------------------------------------------------------ table */

const VshCmdDef vsh_domain_cmds[] = {
    { "autostart", VSH_GROUP_DOMAIN, opts_autostart, cmd_autostart,
      N_("autostart a domain"),
      N_("Configure a domain to be automatically started at boot."), 0 },
    { "blockcommit", VSH_GROUP_DOMAIN, vsh_opts_blockcommit, vsh_cmd_blockcommit,
      N_("Start a block commit operation."),
      N_("Merge the disk's active layer (and the layers below it down to --base) into the "
         "base and continue on it: with --pivot, in one step."), 0 },
    { "console", VSH_GROUP_DOMAIN, vsh_opts_console, vsh_cmd_console,
      N_("connect to the guest console"),
      N_("Connect the virtual serial console for the guest; Ctrl+] detaches."), 0 },
    { "create", VSH_GROUP_DOMAIN, opts_create, cmd_create,
      N_("create a domain from an XML file"),
      N_("Create a transient domain and start it."), 0 },
    { "define", VSH_GROUP_DOMAIN, opts_file, cmd_define,
      N_("define (but don't start) a domain from an XML file"),
      N_("Define a domain."), 0 },
    { "destroy", VSH_GROUP_DOMAIN, opts_domain_only, cmd_simple_action,
      N_("destroy (stop) a domain"),
      N_("Forcefully stop a given domain, but leave its resources intact."), 0 },
    { "domid", VSH_GROUP_DOMAIN, opts_domain_only, cmd_domid,
      N_("convert a domain name or UUID to domain id"), NULL, 0 },
    { "domblkinfo", VSH_GROUP_DOMAIN, vsh_opts_domblkinfo, vsh_cmd_domblkinfo,
      N_("domain block device size information"),
      N_("Get block device size info for a domain."), 0 },
    { "domblklist", VSH_GROUP_DOMAIN, vsh_opts_domblklist, vsh_cmd_domblklist,
      N_("list all domain blocks"), N_("Get the summary of block devices for a domain."), 0 },
    { "dominfo", VSH_GROUP_DOMAIN, opts_domain_only, cmd_dominfo,
      N_("domain information"), N_("Returns basic information about the domain."), 0 },
    { "domname", VSH_GROUP_DOMAIN, opts_domain_only, cmd_domname,
      N_("convert a domain id or UUID to domain name"), NULL, 0 },
    { "domstate", VSH_GROUP_DOMAIN, opts_domstate, cmd_domstate,
      N_("domain state"), N_("Returns state about a domain."), 0 },
    { "domuuid", VSH_GROUP_DOMAIN, opts_domain_only, cmd_domuuid,
      N_("convert a domain name or id to domain UUID"), NULL, 0 },
    { "domxml-to-native", VSH_GROUP_DOMAIN, vsh_opts_domxml_to_native, vsh_cmd_domxml_to_native,
      N_("Convert domain XML to native guest configuration format"),
      N_("Print the vessel-vmm command line the daemon would run for a domain XML "
         "(taps, control socket and serial port are the daemon's at start time)."),
      VSH_CMD_FLAG_NOCONNECT },
    { "dumpxml", VSH_GROUP_DOMAIN, opts_dumpxml, cmd_dumpxml,
      N_("domain information in XML"), N_("Output the domain information as an XML dump to stdout."), 0 },
    { "edit", VSH_GROUP_DOMAIN, opts_domain_only, vsh_cmd_edit,
      N_("edit XML configuration for a domain"),
      N_("Edit the XML configuration for a domain in $VISUAL or $EDITOR; the editor reopens "
         "when the new definition is refused."), 0 },
    { "event", VSH_GROUP_DOMAIN, vsh_opts_event, vsh_cmd_event,
      N_("Domain Events"),
      N_("List event types, or wait for domain events to occur."), 0 },
    { "list", VSH_GROUP_DOMAIN, opts_list, cmd_list,
      N_("list domains"), N_("Returns list of domains."), 0 },
    { "reboot", VSH_GROUP_DOMAIN, opts_reboot, cmd_simple_action,
      N_("reboot a domain"), N_("Run a reboot command in the target domain."), 0 },
    { "reset", VSH_GROUP_DOMAIN, opts_domain_only, cmd_simple_action,
      N_("reset a domain"), N_("Resets a domain as if the power button was pressed and "
                              "released at once: the guest is not asked."), 0 },
    { "resume", VSH_GROUP_DOMAIN, opts_domain_only, cmd_simple_action,
      N_("resume a domain"), N_("Resume a previously suspended domain."), 0 },
    { "screenshot", VSH_GROUP_DOMAIN, vsh_opts_screenshot, vsh_cmd_screenshot,
      N_("take a screenshot of a current domain console and store it into a file"),
      N_("Save the domain's screen as a PNG file (default DOMAIN-DATE.png)."), 0 },
    { "send-key", VSH_GROUP_DOMAIN, vsh_opts_send_key, vsh_cmd_send_key,
      N_("Send keycodes to the guest"),
      N_("Press the keys (names such as KEY_A or numbers, in --codeset: linux by default, "
         "xt, atset1, atset2, qnum, rfb) together, hold them --holdtime ms, release them."), 0 },
    { "shutdown", VSH_GROUP_DOMAIN, opts_shutdown, cmd_shutdown,
      N_("gracefully shutdown a domain"), N_("Run shutdown in the target domain."), 0 },
    { "snapshot-create-as", VSH_GROUP_DOMAIN, vsh_opts_snapshot_create_as,
      vsh_cmd_snapshot_create_as, N_("Create a snapshot from a set of args"),
      N_("Create an external disk-only snapshot (--disk-only): every disk continues on a new "
         "qcow2 overlay whose backing file is its image until now."), 0 },
    { "start", VSH_GROUP_DOMAIN, opts_start, cmd_start,
      N_("start a (previously defined) inactive domain"),
      N_("Start a defined, inactive domain with a fresh boot."), 0 },
    { "suspend", VSH_GROUP_DOMAIN, opts_domain_only, cmd_simple_action,
      N_("suspend a domain"), N_("Suspend a running domain."), 0 },
    { "undefine", VSH_GROUP_DOMAIN, opts_domain_only, cmd_undefine,
      N_("undefine a domain"), N_("Undefine an inactive domain, or convert persistent to transient."), 0 },
    { "vncdisplay", VSH_GROUP_DOMAIN, vsh_opts_vncdisplay, vsh_cmd_vncdisplay,
      N_("vnc display"), N_("Output the IP address and port number for the VNC display."), 0 },
    { NULL }
};
