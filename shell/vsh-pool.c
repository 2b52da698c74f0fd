/* vsh-pool.c - vsh's pool-* commands with virsh's names, options and
 * layouts (pool-list columns Name/State/Autostart, --details with
 * Persistent/Capacity/Allocation/Available; pool-info "%-15s %s" lines;
 * sizes as virsh prints them, "%.2lf %s" in B, KiB, MiB, ...). */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"

#define OPT_POOL(help) \
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, help, VSH_COMP_POOL }

char *vsh_pretty_size(guint64 bytes)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double v = (double)bytes;
    guint u = 0;
    while (v >= 1024 && u + 1 < G_N_ELEMENTS(units)) {
        v /= 1024;
        u++;
    }
    return g_strdup_printf("%.2f %s", v, units[u]);
}

gboolean vsh_parse_size(const char *s, guint64 *out, GError **error)
{
    char *end = NULL;
    guint64 v = s && g_ascii_isdigit(*s) ? g_ascii_strtoull(s, &end, 10) : 0;
    guint64 scale = 1;
    if (!end || end == s)
        goto bad;
    if (*end) {
        static const char prefixes[] = "kmgtpe";
        const char *p = strchr(prefixes, g_ascii_tolower(*end));
        gboolean decimal = FALSE;
        if (g_ascii_tolower(*end) == 'b' && (!end[1] || g_ascii_strcasecmp(end, "bytes") == 0)) {
            end = (char *)"";
        } else if (!p) {
            goto bad;
        } else if (!end[1] || g_ascii_strcasecmp(end + 1, "ib") == 0) {
            decimal = FALSE;
        } else if (g_ascii_strcasecmp(end + 1, "b") == 0) {
            decimal = TRUE;
        } else {
            goto bad;
        }
        if (p)
            for (int i = 0; i <= (int)(p - prefixes); i++)
                scale *= decimal ? 1000 : 1024;
    }
    if (scale && v > G_MAXUINT64 / scale)
        goto bad;
    *out = v * scale;
    return TRUE;
bad:
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                _("Scaled numeric value '%s' for <size> option is malformed or out of range"),
                s ? s : "");
    return FALSE;
}

VesselStoragePool *vsh_pool_get(VshCtl *ctl, const char *key, GError **error)
{
    VesselConnect *conn = vsh_ctl_conn(ctl, error);
    g_autoptr(GError) local = NULL;
    VesselStoragePool *pool = NULL;

    if (!conn)
        return NULL;
    if (strlen(key) == 36 && key[8] == '-')
        pool = vessel_storage_pool_lookup_by_uuid(conn, key, &local);
    if (!pool) {
        g_clear_error(&local);
        pool = vessel_storage_pool_lookup_by_name(conn, key, &local);
    }
    if (!pool) {
        if (g_error_matches(local, VESSEL_ERROR, VESSEL_ERROR_NO_STORAGE_POOL))
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_STORAGE_POOL,
                        _("failed to get pool '%s'"), key);
        else
            g_propagate_error(error, g_steal_pointer(&local));
    }
    return pool;
}

static const char *pool_state_name(guint state)
{
    switch (state) {
    case 0: return _("inactive");
    case 1: return _("building");
    case 2: return _("running");
    case 3: return _("degraded");
    case 4: return _("inaccessible");
    default: return _("unknown");
    }
}

static const VshOptDef opts_pool_list[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive pools"), 0 },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active pools"), 0 },
    { "transient", VSH_OT_BOOL, 0, N_("list transient pools"), 0 },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent pools"), 0 },
    { "autostart", VSH_OT_BOOL, 0, N_("list pools with autostart enabled"), 0 },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list pools with autostart disabled"), 0 },
    { "type", VSH_OT_STRING, 0, N_("only list pool of specified type(s) (if supported)"), 0 },
    { "details", VSH_OT_BOOL, 0, N_("display extended details for pools"), 0 },
    { "uuid", VSH_OT_BOOL, 0, N_("list UUID of active pools only"), 0 },
    { "name", VSH_OT_BOOL, 0, N_("list name of active pools only"), 0 },
    { NULL }
};

static gboolean cmd_pool_list(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    gboolean details = vsh_cmd_has(cmd, "details");
    gboolean names = vsh_cmd_has(cmd, "name"), uuids = vsh_cmd_has(cmd, "uuid");
    const char *type = vsh_cmd_get(cmd, "type");
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(VshTable) t = NULL;

    if (details && (names || uuids)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("Options --details and --name, --uuid are mutually exclusive"));
        return FALSE;
    }
    list = vessel_connect_list_storage_pool_records(vsh_ctl_conn(ctl, error),
                                                    vsh_list_flags(cmd), error);
    if (!list)
        return FALSE;
    if (details)
        t = vsh_table_new(_("Name"), _("State"), _("Autostart"), _("Persistent"), _("Capacity"),
                          _("Allocation"), _("Available"), NULL);
    else if (!names && !uuids)
        t = vsh_table_new(_("Name"), _("State"), _("Autostart"), NULL);
    for (guint i = 0; i < list->len; i++) {
        VesselStoragePoolRecord *rec = g_ptr_array_index(list, i);
        const char *name = vessel_storage_pool_get_name(rec->pool);

        if (!vsh_list_wanted(cmd, rec->persistent, rec->autostart))
            continue;
        if (type && !strstr(type, "dir"))
            continue;
        if (names || uuids) {
            vsh_list_print_ids(ctl, names, uuids, vessel_storage_pool_get_uuid(rec->pool), name);
            continue;
        }
        if (!details) {
            vsh_table_add_row(t, name, rec->active ? _("active") : _("inactive"),
                              vsh_yes_no(rec->autostart), NULL);
            continue;
        }
        VesselStoragePoolInfo info;
        if (!vessel_storage_pool_get_info(rec->pool, &info, error))
            return FALSE;
        gboolean sized = info.state == 2 || info.state == 3;
        g_autofree char *cap = sized ? vsh_pretty_size(info.capacity) : g_strdup("-");
        g_autofree char *alloc = sized ? vsh_pretty_size(info.allocation) : g_strdup("-");
        g_autofree char *avail = sized ? vsh_pretty_size(info.available) : g_strdup("-");
        vsh_table_add_row(t, name, pool_state_name(info.state), vsh_yes_no(rec->autostart),
                          vsh_yes_no(rec->persistent), cap, alloc, avail, NULL);
    }
    vsh_list_end(ctl, t);
    return TRUE;
}

static const VshOptDef opts_pool_file[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("file containing an XML pool description"), VSH_COMP_FILE },
    { "build", VSH_OT_BOOL, 0, N_("build the pool as normal"), 0 },
    { NULL }
};

static gboolean pool_define_xml(VshCtl *ctl, const char *xml, gboolean create, gboolean build,
                                const char *from, GError **error)
{
    VesselConnect *conn = vsh_ctl_conn(ctl, error);
    g_autoptr(VesselStoragePool) pool = NULL;

    if (!conn)
        return FALSE;
    if (create && build) {
        /* build before start: define a transient pool only once the
         * directory is there */
        g_autoptr(VesselStoragePool) tmp = vessel_storage_pool_define_xml(conn, xml, error);
        if (!tmp || !vessel_storage_pool_build(tmp, 0, error) ||
            !vessel_storage_pool_create(tmp, 0, error)) {
            if (tmp)
                vessel_storage_pool_undefine(tmp, NULL);
            goto fail;
        }
        pool = vessel_storage_pool_ref(tmp);
        vessel_storage_pool_undefine(tmp, NULL);    /* stays active, transient */
    } else {
        pool = create ? vessel_storage_pool_create_xml(conn, xml, error)
                      : vessel_storage_pool_define_xml(conn, xml, error);
    }
    if (!pool)
        goto fail;
    if (from)
        vsh_print_extra(ctl, create ? _("Pool %s created from %s\n\n")
                                    : _("Pool %s defined from %s\n\n"),
                        vessel_storage_pool_get_name(pool), from);
    else
        vsh_print_extra(ctl, create ? _("Pool %s created\n\n") : _("Pool %s defined\n\n"),
                        vessel_storage_pool_get_name(pool));
    return TRUE;
fail:
    if (from)
        g_prefix_error(error, create ? _("Failed to create pool from %s\nerror: ")
                                     : _("Failed to define pool from %s\nerror: "), from);
    else
        g_prefix_error(error, create ? _("Failed to create pool\nerror: ")
                                     : _("Failed to define pool\nerror: "));
    return FALSE;
}

static gboolean cmd_pool_define(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *file = vsh_cmd_get(cmd, "file");
    gboolean create = strcmp(vsh_cmd_def(cmd)->name, "pool-create") == 0;
    g_autofree char *xml = vsh_file_read(file, error);

    if (!xml)
        return FALSE;
    return pool_define_xml(ctl, xml, create, create && vsh_cmd_has(cmd, "build"), file, error);
}

static const VshOptDef opts_pool_as[] = {
    { "name", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("name of the pool"), 0 },
    { "type", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("type of the pool"), 0 },
    { "print-xml", VSH_OT_BOOL, 0, N_("print XML document, but don't define/create"), 0 },
    { "source-host", VSH_OT_STRING, 0, N_("source-host for underlying storage"), 0 },
    { "source-path", VSH_OT_STRING, 0, N_("source path for underlying storage"), 0 },
    { "target", VSH_OT_STRING, 0, N_("target for underlying storage"), VSH_COMP_FILE },
    { "build", VSH_OT_BOOL, 0, N_("build the pool as normal"), 0 },
    { NULL }
};

static gboolean cmd_pool_define_as(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *name = vsh_cmd_get(cmd, "name"), *type = vsh_cmd_get(cmd, "type");
    const char *target = vsh_cmd_get(cmd, "target");
    gboolean create = strcmp(vsh_cmd_def(cmd)->name, "pool-create-as") == 0;

    if (vsh_cmd_get(cmd, "source-host") || vsh_cmd_get(cmd, "source-path")) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG, "%s",
                    _("a pool of type 'dir' has no source"));
        return FALSE;
    }
    GString *xml = g_string_new(NULL);
    g_autofree char *ename = g_markup_escape_text(name, -1);
    g_autofree char *etype = g_markup_escape_text(type, -1);
    g_string_append_printf(xml, "<pool type='%s'>\n  <name>%s</name>\n", etype, ename);
    if (target) {
        g_autofree char *etarget = g_markup_escape_text(target, -1);
        g_string_append_printf(xml, "  <target>\n    <path>%s</path>\n  </target>\n", etarget);
    }
    g_string_append(xml, "</pool>\n");
    g_autofree char *text = g_string_free(xml, FALSE);
    if (vsh_cmd_has(cmd, "print-xml")) {
        fputs(text, ctl->out);
        return TRUE;
    }
    return pool_define_xml(ctl, text, create, create && vsh_cmd_has(cmd, "build"), NULL, error);
}

static const VshOptDef opts_pool_only[] = {
    OPT_POOL(N_("pool name or uuid")),
    { NULL }
};

static gboolean act_build(gpointer p, GError **e) { return vessel_storage_pool_build(p, 0, e); }
static gboolean act_start(gpointer p, GError **e) { return vessel_storage_pool_create(p, 0, e); }
static gboolean act_refresh(gpointer p, GError **e) { return vessel_storage_pool_refresh(p, 0, e); }
static gboolean act_delete(gpointer p, GError **e) { return vessel_storage_pool_delete(p, 0, e); }
static gboolean act_destroy(gpointer p, GError **e) { return vessel_storage_pool_destroy(p, e); }
static gboolean act_undefine(gpointer p, GError **e) { return vessel_storage_pool_undefine(p, e); }

static const VshAction pool_actions[] = {
    { "pool-build", act_build, N_("Failed to build pool %s\nerror: "), N_("Pool %s built\n\n") },
    { "pool-start", act_start, N_("Failed to start pool %s\nerror: "), N_("Pool %s started\n\n") },
    { "pool-destroy", act_destroy, N_("Failed to destroy pool %s\nerror: "),
      N_("Pool %s destroyed\n\n") },
    { "pool-undefine", act_undefine, N_("Failed to undefine pool %s\nerror: "),
      N_("Pool %s has been undefined\n\n") },
    { "pool-refresh", act_refresh, N_("Failed to refresh pool %s\nerror: "),
      N_("Pool %s refreshed\n\n") },
    { "pool-delete", act_delete, N_("Failed to delete pool %s\nerror: "),
      N_("Pool %s deleted\n\n") },
};

static gboolean cmd_pool_action(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);

    return pool && vsh_action_run(ctl, cmd, pool_actions, G_N_ELEMENTS(pool_actions), pool,
                                  vessel_storage_pool_get_name(pool), error);
}

static const VshOptDef opts_pool_autostart[] = {
    OPT_POOL(N_("pool name or uuid")),
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting"), 0 },
    { NULL }
};

static gboolean cmd_pool_autostart(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    gboolean enable = !vsh_cmd_has(cmd, "disable");
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);

    if (!pool)
        return FALSE;
    if (!vessel_storage_pool_set_autostart(pool, enable, error)) {
        g_prefix_error(error, enable ? _("failed to mark pool %s as autostarted\nerror: ")
                                     : _("failed to unmark pool %s as autostarted\nerror: "),
                       vessel_storage_pool_get_name(pool));
        return FALSE;
    }
    vsh_print_extra(ctl, enable ? _("Pool %s marked as autostarted\n\n")
                                : _("Pool %s unmarked as autostarted\n\n"),
                    vessel_storage_pool_get_name(pool));
    return TRUE;
}

static const VshOptDef opts_pool_info[] = {
    OPT_POOL(N_("pool name or uuid")),
    { "bytes", VSH_OT_BOOL, 0, N_("Reture pool info in bytes"), 0 },
    { NULL }
};

static void print_size(FILE *o, const char *label, guint64 v, gboolean bytes)
{
    g_autofree char *pretty = bytes ? g_strdup_printf("%" G_GUINT64_FORMAT, v) : vsh_pretty_size(v);
    fprintf(o, "%-15s %s\n", label, pretty);
}

static gboolean cmd_pool_info(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);
    VesselStoragePoolInfo info;
    gboolean persistent, autostart, bytes = vsh_cmd_has(cmd, "bytes");
    FILE *o = ctl->out;

    if (!pool || !vessel_storage_pool_get_info(pool, &info, error) ||
        !vessel_storage_pool_is_persistent(pool, &persistent, error) ||
        !vessel_storage_pool_get_autostart(pool, &autostart, error))
        return FALSE;
    fprintf(o, "%-15s %s\n", _("Name:"), vessel_storage_pool_get_name(pool));
    fprintf(o, "%-15s %s\n", _("UUID:"), vessel_storage_pool_get_uuid(pool));
    fprintf(o, "%-15s %s\n", _("State:"), pool_state_name(info.state));
    fprintf(o, "%-15s %s\n", _("Persistent:"), vsh_yes_no(persistent));
    fprintf(o, "%-15s %s\n", _("Autostart:"), vsh_yes_no(autostart));
    if (info.state == 2 || info.state == 3) {
        print_size(o, _("Capacity:"), info.capacity, bytes);
        print_size(o, _("Allocation:"), info.allocation, bytes);
        print_size(o, _("Available:"), info.available, bytes);
    }
    fputc('\n', o);
    return TRUE;
}

static const VshOptDef opts_pool_dumpxml[] = {
    OPT_POOL(N_("pool name or uuid")),
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML"), 0 },
    { NULL }
};

static gboolean cmd_pool_dumpxml(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);
    g_autofree char *xml = NULL;

    if (!pool ||
        !(xml = vessel_storage_pool_get_xml_desc(pool, vsh_cmd_has(cmd, "inactive") ? 1 : 0,
                                                 error)))
        return FALSE;
    fputs(xml, ctl->out);
    if (!g_str_has_suffix(xml, "\n"))
        fputc('\n', ctl->out);
    return TRUE;
}

static gboolean cmd_pool_uuid_name(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);

    if (!pool)
        return FALSE;
    fprintf(ctl->out, "%s\n\n", strcmp(vsh_cmd_def(cmd)->name, "pool-uuid") == 0
                                    ? vessel_storage_pool_get_uuid(pool)
                                    : vessel_storage_pool_get_name(pool));
    return TRUE;
}

const VshCmdDef vsh_pool_cmds[] = {
    { "pool-autostart", VSH_GROUP_POOL, opts_pool_autostart, cmd_pool_autostart,
      N_("autostart a pool"), N_("Configure a pool to be automatically started at boot."), 0 },
    { "pool-build", VSH_GROUP_POOL, opts_pool_only, cmd_pool_action,
      N_("build a pool"), N_("Build a given pool."), 0 },
    { "pool-create", VSH_GROUP_POOL, opts_pool_file, cmd_pool_define,
      N_("create a pool from an XML file"), N_("Create a pool."), 0 },
    { "pool-create-as", VSH_GROUP_POOL, opts_pool_as, cmd_pool_define_as,
      N_("create a pool from a set of args"), N_("Create a pool."), 0 },
    { "pool-define", VSH_GROUP_POOL, opts_pool_file, cmd_pool_define,
      N_("define an inactive persistent storage pool or modify an existing persistent one "
         "from an XML file"), N_("Define or modify a persistent storage pool."), 0 },
    { "pool-define-as", VSH_GROUP_POOL, opts_pool_as, cmd_pool_define_as,
      N_("define a pool from a set of args"), N_("Define a pool."), 0 },
    { "pool-delete", VSH_GROUP_POOL, opts_pool_only, cmd_pool_action,
      N_("delete a pool"), N_("Delete a given pool."), 0 },
    { "pool-destroy", VSH_GROUP_POOL, opts_pool_only, cmd_pool_action,
      N_("destroy (stop) a pool"), N_("Forcefully stop a given pool. Raw data in the pool is untouched"), 0 },
    { "pool-dumpxml", VSH_GROUP_POOL, opts_pool_dumpxml, cmd_pool_dumpxml,
      N_("pool information in XML"), N_("Output the pool information as an XML dump to stdout."), 0 },
    { "pool-info", VSH_GROUP_POOL, opts_pool_info, cmd_pool_info,
      N_("storage pool information"), N_("Returns basic information about the storage pool."), 0 },
    { "pool-list", VSH_GROUP_POOL, opts_pool_list, cmd_pool_list,
      N_("list pools"), N_("Returns list of pools."), 0 },
    { "pool-name", VSH_GROUP_POOL, opts_pool_only, cmd_pool_uuid_name,
      N_("convert a pool UUID to pool name"), NULL, 0 },
    { "pool-refresh", VSH_GROUP_POOL, opts_pool_only, cmd_pool_action,
      N_("refresh a pool"), N_("Refresh a given pool."), 0 },
    { "pool-start", VSH_GROUP_POOL, opts_pool_only, cmd_pool_action,
      N_("start a (previously defined) inactive pool"), N_("Start a pool."), 0 },
    { "pool-undefine", VSH_GROUP_POOL, opts_pool_only, cmd_pool_action,
      N_("undefine an inactive pool"), N_("Undefine the configuration for an inactive pool."), 0 },
    { "pool-uuid", VSH_GROUP_POOL, opts_pool_only, cmd_pool_uuid_name,
      N_("convert a pool name to pool UUID"), NULL, 0 },
    { NULL }
};
