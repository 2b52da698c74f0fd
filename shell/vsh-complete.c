/* vsh-complete.c - tab completion derived from the command tables.
 *
 * The first word completes command names; a word starting with '-'
 * completes the command's options not yet given; otherwise the word is the
 * value of the option before it, or of the next positional option, and
 * that option's completer decides (domain and network names come from the
 * daemon; file names are left to readline). */
#include "config.h"

#include <string.h>

#include "vsh.h"

typedef struct {
    const char *prefix;
    GPtrArray *out;
} CompleteCmds;

static void vsh_complete_cmd_one(const VshCmdDef *def, gpointer data)
{
    CompleteCmds *c = data;

    if (g_str_has_prefix(def->name, c->prefix))
        g_ptr_array_add(c->out, g_strdup(def->name));
}

static void vsh_complete_names(VshCtl *ctl, VshCompleter kind, const char *prefix, GPtrArray *out)
{
    g_autoptr(GPtrArray) list = NULL;
    VesselConnect *conn = vsh_ctl_conn(ctl, NULL);

    if (!conn)
        return;
    if (kind == VSH_COMP_DOMAIN) {
        list = vessel_connect_list_domains(conn, VESSEL_LIST_ALL, NULL);
        for (guint i = 0; list && i < list->len; i++) {
            const char *name = vessel_domain_get_name(g_ptr_array_index(list, i));
            if (g_str_has_prefix(name, prefix))
                g_ptr_array_add(out, g_strdup(name));
        }
    } else if (kind == VSH_COMP_POOL) {
        list = vessel_connect_list_storage_pool_records(conn, VESSEL_LIST_ALL, NULL);
        for (guint i = 0; list && i < list->len; i++) {
            VesselStoragePoolRecord *rec = g_ptr_array_index(list, i);
            const char *name = vessel_storage_pool_get_name(rec->pool);
            if (g_str_has_prefix(name, prefix))
                g_ptr_array_add(out, g_strdup(name));
        }
    } else {
        list = vessel_connect_list_networks(conn, VESSEL_LIST_ALL, NULL);
        for (guint i = 0; list && i < list->len; i++) {
            const char *name = vessel_network_get_name(g_ptr_array_index(list, i));
            if (g_str_has_prefix(name, prefix))
                g_ptr_array_add(out, g_strdup(name));
        }
    }
}

static void vsh_complete_value(VshCtl *ctl, const VshOptDef *opt, const char *text,
                               GPtrArray *out, gboolean *want_files)
{
    CompleteCmds c = { text, out };

    switch (opt ? opt->completer : VSH_COMP_NONE) {
    case VSH_COMP_DOMAIN:
    case VSH_COMP_NETWORK:
    case VSH_COMP_POOL:
        vsh_complete_names(ctl, opt->completer, text, out);
        break;
    case VSH_COMP_FILE:
        *want_files = TRUE;
        break;
    case VSH_COMP_COMMAND:
        vsh_cmd_foreach(vsh_complete_cmd_one, &c);
        break;
    default:
        break;
    }
}

static gint vsh_complete_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GStrv vsh_complete(VshCtl *ctl, const char *line, int start, const char *text,
                   gboolean *want_files)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *before = g_strndup(line, start);
    g_autoptr(GPtrArray) cmds = NULL;
    char **words;
    const VshCmdDef *def;
    const VshOptDef *value_of = NULL;
    g_autoptr(GHashTable) used = NULL;
    guint nwords, positional = 0;

    *want_files = FALSE;
    cmds = vsh_line_split(before, NULL);
    if (!cmds)
        return NULL;
    /* a trailing ';' starts a new command */
    words = cmds->len ? g_ptr_array_index(cmds, cmds->len - 1) : NULL;
    if (words && g_str_has_suffix(g_strchomp(before), ";"))
        words = NULL;
    nwords = words ? g_strv_length(words) : 0;

    if (nwords == 0) {
        CompleteCmds c = { text, out };
        vsh_cmd_foreach(vsh_complete_cmd_one, &c);
        goto done;
    }
    def = vsh_cmd_lookup(words[0]);
    if (!def)
        return NULL;

    /* walk the words already typed to know which options are used and
     * whether the word being completed is an option's value */
    used = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 1; i < nwords; i++) {
        if (g_str_has_prefix(words[i], "--")) {
            g_autofree char *name = g_strdup(words[i] + 2);
            char *eq = strchr(name, '=');
            const VshOptDef *o;
            if (eq)
                *eq = '\0';
            o = vsh_opt_lookup(def, name);
            if (!o)
                continue;
            g_hash_table_add(used, (char *)o->name);
            if (o->type != VSH_OT_BOOL && !eq) {
                if (i + 1 == nwords)
                    value_of = o;
                else
                    i++;
            }
        } else {
            positional++;
        }
    }
    if (!value_of && text[0] == '-') {
        for (const VshOptDef *o = def->opts; o && o->name; o++) {
            g_autofree char *full = g_strconcat("--", o->name, NULL);
            if (!g_hash_table_contains(used, o->name) && g_str_has_prefix(full, text))
                g_ptr_array_add(out, g_steal_pointer(&full));
        }
        goto done;
    }
    if (!value_of) {
        guint n = 0;
        for (const VshOptDef *o = def->opts; o && o->name; o++) {
            if (!(o->flags & VSH_OFLAG_POS) || g_hash_table_contains(used, o->name))
                continue;
            if (n++ == positional) {
                value_of = o;
                break;
            }
        }
    }
    vsh_complete_value(ctl, value_of, text, out, want_files);
done:
    if (out->len == 0)
        return NULL;
    g_ptr_array_sort(out, vsh_complete_cmp);
    g_ptr_array_add(out, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}
