/* vsh-host.c - host and shell commands: capabilities, nodeinfo, version,
 * uri, hostname, help, connect, quit/exit. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"

static gboolean cmd_capabilities(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autofree char *xml = vessel_connect_get_capabilities(vsh_ctl_conn(ctl, error), error);

    if (!xml) {
        g_prefix_error(error, _("failed to get capabilities\nerror: "));
        return FALSE;
    }
    fputs(xml, ctl->out);
    if (!g_str_has_suffix(xml, "\n"))
        fputc('\n', ctl->out);
    return TRUE;
}

static gboolean cmd_nodeinfo(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    VesselNodeInfo n;
    FILE *o = ctl->out;

    if (!vessel_connect_get_node_info(vsh_ctl_conn(ctl, error), &n, error)) {
        g_prefix_error(error, _("failed to get node information\nerror: "));
        return FALSE;
    }
    fprintf(o, "%-20s %s\n", _("CPU model:"), n.model);
    fprintf(o, "%-20s %u\n", _("CPU(s):"), n.cpus);
    fprintf(o, "%-20s %u MHz\n", _("CPU frequency:"), n.mhz);
    fprintf(o, "%-20s %u\n", _("CPU socket(s):"), n.sockets);
    fprintf(o, "%-20s %u\n", _("Core(s) per socket:"), n.cores);
    fprintf(o, "%-20s %u\n", _("Thread(s) per core:"), n.threads);
    fprintf(o, "%-20s %u\n", _("NUMA cell(s):"), n.nodes);
    fprintf(o, "%-20s %" G_GUINT64_FORMAT " KiB\n", _("Memory size:"), n.memory_kib);
    fputc('\n', o);
    return TRUE;
}

static const VshOptDef opts_version[] = {
    { "daemon", VSH_OT_BOOL, 0, N_("report daemon version too"), 0 },
    { NULL }
};

static gboolean cmd_version(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autofree char *dv = NULL, *hv = NULL, *hvv = NULL;
    FILE *o = ctl->out;

    if (!vessel_connect_get_version(vsh_ctl_conn(ctl, error), &dv, &hv, &hvv, error)) {
        g_prefix_error(error, _("failed to get the daemon version\nerror: "));
        return FALSE;
    }
    fprintf(o, _("Compiled against library: libvessel %s\n"), PACKAGE_VERSION);
    fprintf(o, _("Using library: libvessel %s\n"), PACKAGE_VERSION);
    fprintf(o, _("Using API: vessel %s\n"), PACKAGE_VERSION);
    fprintf(o, _("Running hypervisor: %s %s\n"), hv, hvv);
    if (vsh_cmd_has(cmd, "daemon"))
        fprintf(o, _("Running against daemon: %s\n"), dv);
    fputc('\n', o);
    return TRUE;
}

static gboolean cmd_uri(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    fprintf(ctl->out, "%s\n\n", vessel_connect_get_uri(vsh_ctl_conn(ctl, error)));
    return TRUE;
}

static gboolean cmd_hostname(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autofree char *name = vessel_connect_get_hostname(vsh_ctl_conn(ctl, error), error);

    if (!name)
        return FALSE;
    fprintf(ctl->out, "%s\n\n", name);
    return TRUE;
}

const VshCmdDef vsh_host_cmds[] = {
    { "capabilities", VSH_GROUP_HOST, NULL, cmd_capabilities,
      N_("capabilities"), N_("Returns capabilities of hypervisor/driver."), 0 },
    { "hostname", VSH_GROUP_HOST, NULL, cmd_hostname,
      N_("print the hypervisor hostname"), NULL, 0 },
    { "nodeinfo", VSH_GROUP_HOST, NULL, cmd_nodeinfo,
      N_("node information"), N_("Returns basic information about the node."), 0 },
    { "uri", VSH_GROUP_HOST, NULL, cmd_uri,
      N_("print the hypervisor canonical URI"), NULL, 0 },
    { "version", VSH_GROUP_HOST, opts_version, cmd_version,
      N_("show version"), N_("Display the system version information."), 0 },
    { NULL }
};

/* ------------------------------------------------------------ shell */

static const VshOptDef opts_help[] = {
    { "command", VSH_OT_STRING, VSH_OFLAG_POS, N_("Prints global help, command specific help, "
                                                 "or help for a group of related commands"),
      VSH_COMP_COMMAND },
    { NULL }
};

static gboolean cmd_help(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *name = vsh_cmd_get(cmd, "command");

    if (!name) {
        vsh_help_all(ctl->out, NULL);
        return TRUE;
    }
    return vsh_help_cmd(ctl->out, name, error);
}

static gboolean cmd_quit(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    ctl->quit = TRUE;
    return TRUE;
}

static const VshOptDef opts_connect[] = {
    { "name", VSH_OT_STRING, VSH_OFLAG_POS, N_("hypervisor connection URI"), 0 },
    { "readonly", VSH_OT_BOOL, 0, N_("read-only connection"), 0 },
    { NULL }
};

static gboolean cmd_connect(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *uri = vsh_cmd_get(cmd, "name");

    g_clear_pointer(&ctl->conn, vessel_connect_unref);
    if (uri) {
        g_free(ctl->uri);
        ctl->uri = g_strdup(uri);
    }
    ctl->readonly = vsh_cmd_has(cmd, "readonly");
    /* vsh_ctl_conn() gives virsh's first line and the hint */
    return vsh_ctl_conn(ctl, error) != NULL;
}

static const VshOptDef opts_complete[] = {
    { "line", VSH_OT_STRING, VSH_OFLAG_POS, N_("command line to complete (up to the cursor)"), 0 },
    { NULL }
};

/* For shell completion scripts: the candidates for the last word of a
 * partial command line, one per line. */
static gboolean cmd_complete(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *line = vsh_cmd_get(cmd, "line");
    const char *sp;
    int start;
    gboolean files = FALSE;
    g_auto(GStrv) words = NULL;

    if (!line)
        line = "";
    sp = strrchr(line, ' ');
    start = sp ? (int)(sp - line) + 1 : 0;
    words = vsh_complete(ctl, line, start, line + start, &files);
    for (char **w = words; w && *w; w++)
        fprintf(ctl->out, "%s\n", *w);
    return TRUE;
}

const VshCmdDef vsh_shell_cmds[] = {
    { "complete", VSH_GROUP_SHELL, opts_complete, cmd_complete,
      N_("internal command for autocompletion"),
      N_("Print the completion candidates for the last word of LINE (for bash completion)."),
      VSH_CMD_FLAG_NOCONNECT },
    { "connect", VSH_GROUP_SHELL, opts_connect, cmd_connect,
      N_("(re)connect to hypervisor"), N_("Connect to local hypervisor. This is built-in "
                                          "command after shell start up."), VSH_CMD_FLAG_NOCONNECT },
    { "exit", VSH_GROUP_SHELL, NULL, cmd_quit,
      N_("quit this interactive terminal"), NULL, VSH_CMD_FLAG_NOCONNECT },
    { "help", VSH_GROUP_SHELL, opts_help, cmd_help,
      N_("print help"), N_("Prints global help, command specific help, or help for a group of "
                           "related commands"), VSH_CMD_FLAG_NOCONNECT },
    { "quit", VSH_GROUP_SHELL, NULL, cmd_quit,
      N_("quit this interactive terminal"), NULL, VSH_CMD_FLAG_NOCONNECT },
    { NULL }
};
