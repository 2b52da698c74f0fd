/* vsh-help.c - `help` and `help CMD`, generated from the command tables. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"

static const struct {
    const char *title;
    const char *keyword;
} vsh_groups[VSH_GROUP_LAST] = {
    [VSH_GROUP_DOMAIN] = { N_("Domain Management"), "domain" },
    [VSH_GROUP_NETWORK] = { N_("Networking"), "network" },
    [VSH_GROUP_POOL] = { N_("Storage Pool"), "pool" },
    [VSH_GROUP_VOLUME] = { N_("Storage Volume"), "volume" },
    [VSH_GROUP_HOST] = { N_("Host and Hypervisor"), "host" },
    [VSH_GROUP_SHELL] = { N_("Vsh itself"), "vsh" },
};

typedef struct {
    FILE *out;
    int group;
} HelpList;

static void vsh_help_line(const VshCmdDef *def, gpointer data)
{
    HelpList *h = data;

    if ((int)def->group == h->group)
        fprintf(h->out, "    %-30s %s\n", def->name, _(def->summary));
}

void vsh_help_all(FILE *out, const char *keyword)
{
    gboolean header = FALSE;

    for (int g = 0; g < VSH_GROUP_LAST; g++) {
        HelpList h = { out, g };

        if (keyword && strcmp(keyword, vsh_groups[g].keyword) != 0)
            continue;
        if (!keyword && !header) {
            fputs(_("Grouped commands:\n\n"), out);
            header = TRUE;
        }
        fprintf(out, _(" %s (help keyword '%s'):\n"), _(vsh_groups[g].title),
                vsh_groups[g].keyword);
        vsh_cmd_foreach(vsh_help_line, &h);
        fputc('\n', out);
    }
}

static const char *vsh_opt_type_name(const VshOptDef *o)
{
    return o->type == VSH_OT_INT ? "<number>" : o->type == VSH_OT_ARGV ? "<string>..." : "<string>";
}

gboolean vsh_help_cmd(FILE *out, const char *name, GError **error)
{
    const VshCmdDef *def = vsh_cmd_lookup(name);
    g_autoptr(GString) syn = NULL;

    if (!def) {
        for (int g = 0; g < VSH_GROUP_LAST; g++) {
            if (strcmp(name, vsh_groups[g].keyword) == 0) {
                vsh_help_all(out, name);
                return TRUE;
            }
        }
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                    _("command or command group '%s' doesn't exist"), name);
        return FALSE;
    }
    syn = g_string_new(def->name);
    for (const VshOptDef *o = def->opts; o && o->name; o++) {
        gboolean req = (o->flags & VSH_OFLAG_REQ) != 0;
        if (o->type == VSH_OT_BOOL)
            g_string_append_printf(syn, " [--%s]", o->name);
        else if (o->flags & VSH_OFLAG_POS)
            g_string_append_printf(syn, req ? " <%s>" : " [<%s>]", o->name);
        else
            g_string_append_printf(syn, req ? " --%s %s" : " [--%s %s]", o->name,
                                   vsh_opt_type_name(o));
    }
    fprintf(out, _("  NAME\n    %s - %s\n\n"), def->name, _(def->summary));
    fprintf(out, _("  SYNOPSIS\n    %s\n\n"), syn->str);
    if (def->description)
        fprintf(out, _("  DESCRIPTION\n    %s\n\n"), _(def->description));
    if (def->opts && def->opts->name) {
        fputs(_("  OPTIONS\n"), out);
        for (const VshOptDef *o = def->opts; o->name; o++) {
            g_autofree char *left = NULL;
            if (o->type == VSH_OT_BOOL)
                left = g_strdup_printf("--%s", o->name);
            else if (o->flags & VSH_OFLAG_POS)
                left = g_strdup_printf("[--%s] %s", o->name, vsh_opt_type_name(o));
            else
                left = g_strdup_printf("--%s %s", o->name, vsh_opt_type_name(o));
            fprintf(out, "    %-15s  %s\n", left, _(o->help));
        }
        fputc('\n', out);
    }
    return TRUE;
}
