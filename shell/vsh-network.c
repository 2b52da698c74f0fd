/* vsh-network.c - vsh's net-* commands with virsh's layouts (net-list
 * columns Name/State/Autostart/Persistent, net-dhcp-leases columns). */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"

#define OPT_NETWORK(help) \
    { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, help, VSH_COMP_NETWORK }

static const VshOptDef opts_net_list[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive networks"), 0 },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active networks"), 0 },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent networks"), 0 },
    { "transient", VSH_OT_BOOL, 0, N_("list transient networks"), 0 },
    { "autostart", VSH_OT_BOOL, 0, N_("list networks with autostart enabled"), 0 },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list networks with autostart disabled"), 0 },
    { "uuid", VSH_OT_BOOL, 0, N_("list uuid's only"), 0 },
    { "name", VSH_OT_BOOL, 0, N_("list network names only"), 0 },
    { "table", VSH_OT_BOOL, 0, N_("list table (default)"), 0 },
    { NULL }
};

static gboolean cmd_net_list(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    gboolean names = vsh_cmd_has(cmd, "name"), uuids = vsh_cmd_has(cmd, "uuid");
    gboolean table = vsh_cmd_has(cmd, "table") || (!names && !uuids);
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(VshTable) t = NULL;

    if (table && (names || uuids)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("Options --table and --name, --uuid are mutually exclusive"));
        return FALSE;
    }
    list = vessel_connect_list_network_records(vsh_ctl_conn(ctl, error), vsh_list_flags(cmd),
                                               error);
    if (!list)
        return FALSE;
    if (table)
        t = vsh_table_new(_("Name"), _("State"), _("Autostart"), _("Persistent"), NULL);
    for (guint i = 0; i < list->len; i++) {
        VesselNetworkRecord *rec = g_ptr_array_index(list, i);
        VesselNetwork *net = rec->network;

        if (!vsh_list_wanted(cmd, rec->persistent, rec->autostart))
            continue;
        if (table)
            vsh_table_add_row(t, vessel_network_get_name(net),
                              rec->active ? _("active") : _("inactive"), vsh_yes_no(rec->autostart),
                              vsh_yes_no(rec->persistent), NULL);
        else
            vsh_list_print_ids(ctl, names, uuids, vessel_network_get_uuid(net),
                               vessel_network_get_name(net));
    }
    vsh_list_end(ctl, t);
    return TRUE;
}

static const VshOptDef opts_net_file[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("file containing an XML network description"), VSH_COMP_FILE },
    { NULL }
};

static gboolean cmd_net_define(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *file = vsh_cmd_get(cmd, "file");
    gboolean create = strcmp(vsh_cmd_def(cmd)->name, "net-create") == 0;
    g_autofree char *xml = vsh_file_read(file, error);
    g_autoptr(VesselNetwork) net = NULL;
    VesselConnect *conn;

    if (!xml || !(conn = vsh_ctl_conn(ctl, error)))
        return FALSE;
    net = create ? vessel_network_create_xml(conn, xml, error)
                 : vessel_network_define_xml(conn, xml, error);
    if (!net) {
        g_prefix_error(error, create ? _("Failed to create network from %s\nerror: ")
                                     : _("Failed to define network from %s\nerror: "), file);
        return FALSE;
    }
    vsh_print_extra(ctl, create ? _("Network %s created from %s\n")
                                : _("Network %s defined from %s\n"),
                    vessel_network_get_name(net), file);
    return TRUE;
}

static const VshOptDef opts_network_only[] = {
    OPT_NETWORK(N_("network name or uuid")),
    { NULL }
};

static gboolean net_start(gpointer n, GError **e) { return vessel_network_create(n, e); }
static gboolean net_destroy(gpointer n, GError **e) { return vessel_network_destroy(n, e); }
static gboolean net_undefine(gpointer n, GError **e) { return vessel_network_undefine(n, e); }

static const VshAction net_actions[] = {
    { "net-start", net_start, N_("Failed to start network %s\nerror: "),
      N_("Network %s started\n") },
    { "net-destroy", net_destroy, N_("Failed to destroy network %s\nerror: "),
      N_("Network %s destroyed\n") },
    { "net-undefine", net_undefine, N_("Failed to undefine network %s\nerror: "),
      N_("Network %s has been undefined\n") },
};

static gboolean cmd_net_action(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselNetwork) net = vsh_network_get(ctl, vsh_cmd_get(cmd, "network"), error);

    return net && vsh_action_run(ctl, cmd, net_actions, G_N_ELEMENTS(net_actions), net,
                                 vessel_network_get_name(net), error);
}

static const VshOptDef opts_net_autostart[] = {
    OPT_NETWORK(N_("network name or uuid")),
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting"), 0 },
    { NULL }
};

static gboolean cmd_net_autostart(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    gboolean enable = !vsh_cmd_has(cmd, "disable");
    g_autoptr(VesselNetwork) net = vsh_network_get(ctl, vsh_cmd_get(cmd, "network"), error);

    if (!net)
        return FALSE;
    if (!vessel_network_set_autostart(net, enable, error)) {
        g_prefix_error(error, enable ? _("failed to mark network %s as autostarted\nerror: ")
                                     : _("failed to unmark network %s as autostarted\nerror: "),
                       vessel_network_get_name(net));
        return FALSE;
    }
    vsh_print_extra(ctl, enable ? _("Network %s marked as autostarted\n")
                                : _("Network %s unmarked as autostarted\n"),
                    vessel_network_get_name(net));
    return TRUE;
}

static gboolean cmd_net_info(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselNetwork) net = vsh_network_get(ctl, vsh_cmd_get(cmd, "network"), error);
    g_autofree char *bridge = NULL;
    gboolean active, persistent, autostart;
    FILE *o = ctl->out;

    if (!net || !vessel_network_is_active(net, &active, error) ||
        !vessel_network_is_persistent(net, &persistent, error) ||
        !vessel_network_get_autostart(net, &autostart, error) ||
        !(bridge = vessel_network_get_bridge_name(net, error)))
        return FALSE;
    fprintf(o, "%-15s %s\n", _("Name:"), vessel_network_get_name(net));
    fprintf(o, "%-15s %s\n", _("UUID:"), vessel_network_get_uuid(net));
    fprintf(o, "%-15s %s\n", _("Active:"), vsh_yes_no(active));
    fprintf(o, "%-15s %s\n", _("Persistent:"), vsh_yes_no(persistent));
    fprintf(o, "%-15s %s\n", _("Autostart:"), vsh_yes_no(autostart));
    if (*bridge)
        fprintf(o, "%-15s %s\n", _("Bridge:"), bridge);
    fputc('\n', o);
    return TRUE;
}

static const VshOptDef opts_net_dumpxml[] = {
    OPT_NETWORK(N_("network name or uuid")),
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML"), 0 },
    { NULL }
};

static gboolean cmd_net_dumpxml(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselNetwork) net = vsh_network_get(ctl, vsh_cmd_get(cmd, "network"), error);
    g_autofree char *xml = NULL;

    if (!net || !(xml = vessel_network_get_xml_desc(net, vsh_cmd_has(cmd, "inactive") ? 1 : 0,
                                                    error)))
        return FALSE;
    fputs(xml, ctl->out);
    if (!g_str_has_suffix(xml, "\n"))
        fputc('\n', ctl->out);
    return TRUE;
}

static gboolean cmd_net_uuid_name(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselNetwork) net = vsh_network_get(ctl, vsh_cmd_get(cmd, "network"), error);

    if (!net)
        return FALSE;
    fprintf(ctl->out, "%s\n\n", strcmp(vsh_cmd_def(cmd)->name, "net-uuid") == 0
                                    ? vessel_network_get_uuid(net)
                                    : vessel_network_get_name(net));
    return TRUE;
}

static const VshOptDef opts_net_leases[] = {
    OPT_NETWORK(N_("network name or uuid")),
    { "mac", VSH_OT_STRING, 0, N_("MAC address"), 0 },
    { NULL }
};

static gboolean cmd_net_dhcp_leases(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselNetwork) net = vsh_network_get(ctl, vsh_cmd_get(cmd, "network"), error);
    g_autoptr(GPtrArray) leases = NULL;
    g_autoptr(VshTable) t = NULL;

    if (!net)
        return FALSE;
    leases = vessel_network_get_dhcp_leases(net, vsh_cmd_get(cmd, "mac"), error);
    if (!leases) {
        g_prefix_error(error, _("Failed to get leases info for %s\nerror: "),
                       vessel_network_get_name(net));
        return FALSE;
    }
    t = vsh_table_new(_("Expiry Time"), _("MAC address"), _("Protocol"), _("IP address"),
                      _("Hostname"), _("Client ID or DUID"), NULL);
    for (guint i = 0; i < leases->len; i++) {
        VesselDHCPLease *l = g_ptr_array_index(leases, i);
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(l->expiry_time);
        g_autofree char *expiry = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : g_strdup("-");
        g_autofree char *ip = g_strdup_printf("%s/%u", l->ipaddr, l->prefix);

        vsh_table_add_row(t, expiry, l->mac, l->type == 1 ? "ipv6" : "ipv4", ip,
                          *l->hostname ? l->hostname : "-", *l->client_id ? l->client_id : "-",
                          NULL);
    }
    vsh_table_print(t, ctl->out, ctl->quiet);
    fputc('\n', ctl->out);
    return TRUE;
}

const VshCmdDef vsh_network_cmds[] = {
    { "net-autostart", VSH_GROUP_NETWORK, opts_net_autostart, cmd_net_autostart,
      N_("autostart a network"), N_("Configure a network to be automatically started at boot."), 0 },
    { "net-create", VSH_GROUP_NETWORK, opts_net_file, cmd_net_define,
      N_("create a network from an XML file"), N_("Create a network."), 0 },
    { "net-define", VSH_GROUP_NETWORK, opts_net_file, cmd_net_define,
      N_("define an inactive persistent virtual network or modify an existing persistent one "
         "from an XML file"), N_("Define or modify a persistent virtual network."), 0 },
    { "net-destroy", VSH_GROUP_NETWORK, opts_network_only, cmd_net_action,
      N_("destroy (stop) a network"), N_("Forcefully stop a given network."), 0 },
    { "net-dhcp-leases", VSH_GROUP_NETWORK, opts_net_leases, cmd_net_dhcp_leases,
      N_("print lease info for a given network"), N_("Print lease info for a given network"), 0 },
    { "net-dumpxml", VSH_GROUP_NETWORK, opts_net_dumpxml, cmd_net_dumpxml,
      N_("network information in XML"), N_("Output the network information as an XML dump to stdout."), 0 },
    { "net-edit", VSH_GROUP_NETWORK, opts_network_only, vsh_cmd_net_edit,
      N_("edit XML configuration for a network"), N_("Edit the XML configuration for a network."), 0 },
    { "net-event", VSH_GROUP_NETWORK, vsh_opts_net_event, vsh_cmd_net_event,
      N_("Network Events"), N_("List event types, or wait for network events to occur"), 0 },
    { "net-info", VSH_GROUP_NETWORK, opts_network_only, cmd_net_info,
      N_("network information"), N_("Returns basic information about the network"), 0 },
    { "net-list", VSH_GROUP_NETWORK, opts_net_list, cmd_net_list,
      N_("list networks"), N_("Returns list of networks."), 0 },
    { "net-name", VSH_GROUP_NETWORK, opts_network_only, cmd_net_uuid_name,
      N_("convert a network UUID to network name"), NULL, 0 },
    { "net-start", VSH_GROUP_NETWORK, opts_network_only, cmd_net_action,
      N_("start a (previously defined) inactive network"), N_("Start a network."), 0 },
    { "net-undefine", VSH_GROUP_NETWORK, opts_network_only, cmd_net_action,
      N_("undefine a persistent network"), N_("Undefine the configuration for a persistent network."), 0 },
    { "net-uuid", VSH_GROUP_NETWORK, opts_network_only, cmd_net_uuid_name,
      N_("convert a network name to network UUID"), NULL, 0 },
    { NULL }
};
