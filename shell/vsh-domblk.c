/* vsh-domblk.c - domblklist, domblkinfo and snapshot-create-as
 * --disk-only with virsh's layouts and messages: the
 * disks read from the domain XML (Target and Source columns, --details
 * adds Type and Device; a volume disk shows its volume name, as virsh
 * does), and one disk's sizes as the daemon reads them from the image
 * ("%-15s %s" lines: Capacity, Allocation, Physical). */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"

typedef struct {
    char *type, *device, *target, *source;
} BlkDisk;

typedef struct {
    GPtrArray *disks;           /* BlkDisk */
    BlkDisk *cur;
} BlkParse;

static void blk_disk_free(BlkDisk *d)
{
    g_free(d->type);
    g_free(d->device);
    g_free(d->target);
    g_free(d->source);
    g_free(d);
}

static const char *attr(const char **names, const char **values, const char *name)
{
    for (guint i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return values[i];
    return NULL;
}

static void blk_start(GMarkupParseContext *ctx, const char *element, const char **names,
                      const char **values, gpointer data, GError **error)
{
    BlkParse *p = data;
    const GSList *stack = g_markup_parse_context_get_element_stack(ctx);
    const char *parent = stack && stack->next ? stack->next->data : NULL;
    (void)error;
    if (strcmp(element, "disk") == 0 && parent && strcmp(parent, "devices") == 0) {
        p->cur = g_new0(BlkDisk, 1);
        p->cur->type = g_strdup(attr(names, values, "type"));
        p->cur->device = g_strdup(attr(names, values, "device"));
        g_ptr_array_add(p->disks, p->cur);
    } else if (p->cur && parent && strcmp(parent, "disk") == 0) {
        if (strcmp(element, "source") == 0) {
            const char *s = attr(names, values, "file");
            if (!s)
                s = attr(names, values, "volume");
            g_free(p->cur->source);
            p->cur->source = g_strdup(s);
        } else if (strcmp(element, "target") == 0) {
            g_free(p->cur->target);
            p->cur->target = g_strdup(attr(names, values, "dev"));
        }
    }
}

static void blk_end(GMarkupParseContext *ctx, const char *element, gpointer data,
                    GError **error)
{
    BlkParse *p = data;
    (void)ctx;
    (void)error;
    if (strcmp(element, "disk") == 0)
        p->cur = NULL;
}

const VshOptDef vsh_opts_domblklist[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid"),
      VSH_COMP_DOMAIN },
    { "inactive", VSH_OT_BOOL, 0, N_("get inactive rather than running configuration"), 0 },
    { "details", VSH_OT_BOOL, 0, N_("additionally display the type and device value"), 0 },
    { NULL }
};

gboolean vsh_cmd_domblklist(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    gboolean details = vsh_cmd_has(cmd, "details");
    g_autofree char *xml = NULL;

    if (!dom ||
        !(xml = vessel_domain_get_xml_desc(dom, vsh_cmd_has(cmd, "inactive") ? 1 : 0, error)))
        return FALSE;
    GMarkupParser parser = { blk_start, blk_end, NULL, NULL, NULL };
    BlkParse p = { g_ptr_array_new_with_free_func((GDestroyNotify)blk_disk_free), NULL };
    GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &p, NULL);
    gboolean ok = g_markup_parse_context_parse(ctx, xml, -1, error) &&
                  g_markup_parse_context_end_parse(ctx, error);
    g_markup_parse_context_free(ctx);
    if (ok) {
        g_autoptr(VshTable) t = details
            ? vsh_table_new(_("Type"), _("Device"), _("Target"), _("Source"), NULL)
            : vsh_table_new(_("Target"), _("Source"), NULL);
        for (guint i = 0; i < p.disks->len; i++) {
            BlkDisk *d = p.disks->pdata[i];
            const char *src = d->source ? d->source : "-";
            if (details)
                vsh_table_add_row(t, d->type ? d->type : "", d->device ? d->device : "disk",
                                  d->target ? d->target : "", src, NULL);
            else
                vsh_table_add_row(t, d->target ? d->target : "", src, NULL);
        }
        vsh_table_print(t, ctl->out, ctl->quiet);
        fputc('\n', ctl->out);
    }
    g_ptr_array_unref(p.disks);
    return ok;
}

const VshOptDef vsh_opts_domblkinfo[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid"),
      VSH_COMP_DOMAIN },
    { "device", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("block device"), 0 },
    { "human", VSH_OT_BOOL, 0, N_("Human readable output"), 0 },
    { NULL }
};

gboolean vsh_cmd_domblkinfo(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);
    guint64 v[3];
    static const char *const labels[] = { N_("Capacity:"), N_("Allocation:"), N_("Physical:") };

    if (!dom || !vessel_domain_get_block_info(dom, vsh_cmd_get(cmd, "device"), &v[0], &v[1],
                                              &v[2], error))
        return FALSE;
    for (guint i = 0; i < 3; i++) {
        g_autofree char *s = vsh_cmd_has(cmd, "human") ? vsh_pretty_size(v[i])
                                                       : g_strdup_printf("%" G_GUINT64_FORMAT, v[i]);
        fprintf(ctl->out, "%-15s %s\n", _(labels[i]), s);
    }
    fputc('\n', ctl->out);
    return TRUE;
}

const VshOptDef vsh_opts_snapshot_create_as[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid"),
      VSH_COMP_DOMAIN },
    { "name", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("name of snapshot"), 0 },
    { "description", VSH_OT_STRING, 0, N_("description of snapshot"), 0 },
    { "disk-only", VSH_OT_BOOL, 0, N_("capture disk state but not vm state"), 0 },
    { "no-metadata", VSH_OT_BOOL, 0, N_("take snapshot but create no metadata"), 0 },
    { "atomic", VSH_OT_BOOL, 0, N_("require atomic operation"), 0 },
    { NULL }
};

gboolean vsh_cmd_snapshot_create_as(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *name = vsh_cmd_get(cmd, "name");
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    if (!vsh_cmd_has(cmd, "disk-only")) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG, "%s",
                    _("only external disk-only snapshots are supported: use --disk-only"));
        return FALSE;
    }
    if (!vessel_domain_snapshot_create_disk_only(dom, name,
                                                 16u | (vsh_cmd_has(cmd, "no-metadata") ? 4u : 0u),
                                                 error))
        return FALSE;
    vsh_print_extra(ctl, vsh_cmd_has(cmd, "no-metadata") ? _("Snapshot %s created\n")
                                                         : _("Domain snapshot %s created\n"),
                    name);
    return TRUE;
}

const VshOptDef vsh_opts_blockcommit[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid"),
      VSH_COMP_DOMAIN },
    { "path", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("fully-qualified path of disk"),
      0 },
    { "bandwidth", VSH_OT_STRING, 0, N_("bandwidth limit in MiB/s"), 0 },
    { "base", VSH_OT_STRING, 0, N_("path of base file to commit into (default bottom of chain)"),
      0 },
    { "shallow", VSH_OT_BOOL, 0, N_("use backing file of top as base"), 0 },
    { "top", VSH_OT_STRING, 0, N_("path of top file to commit from (default top of chain)"), 0 },
    { "active", VSH_OT_BOOL, 0, N_("trigger two-stage active commit of top file"), 0 },
    { "delete", VSH_OT_BOOL, 0, N_("delete files that were successfully committed"), 0 },
    { "wait", VSH_OT_BOOL, 0, N_("wait for job to complete"), 0 },
    { "verbose", VSH_OT_BOOL, 0, N_("with --wait, display the progress"), 0 },
    { "pivot", VSH_OT_BOOL, 0, N_("implies --active --wait, pivot when commit is synced"), 0 },
    { "keep-overlay", VSH_OT_BOOL, 0, N_("implies --active --wait, quit when commit is synced"),
      0 },
    { NULL }
};

gboolean vsh_cmd_blockcommit(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    if (!dom)
        return FALSE;
    if (!vsh_cmd_has(cmd, "pivot")) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG, "%s",
                    _("only an active commit with --pivot is supported (the merge and the "
                      "pivot are one step)"));
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "bandwidth")) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG, "%s",
                    _("--bandwidth is not supported"));
        return FALSE;
    }
    guint flags = 4u | (vsh_cmd_has(cmd, "shallow") ? 1u : 0u) |
                  (vsh_cmd_has(cmd, "delete") ? 2u : 0u);
    if (!vessel_domain_block_commit(dom, vsh_cmd_get(cmd, "path"), vsh_cmd_get(cmd, "base"),
                                    vsh_cmd_get(cmd, "top"), flags, error))
        return FALSE;
    if (vsh_cmd_has(cmd, "verbose"))
        vsh_print_extra(ctl, "\r%s: [100 %%]", _("Block commit"));
    vsh_print_extra(ctl, "\n%s\n", _("Successfully pivoted"));
    return TRUE;
}
