/* vsh-cmd.c - command lookup, option parsing and running for vsh.
 *
 * Parsing follows virsh: `--opt VALUE`, `--opt=VALUE`, bare words fill the
 * positional options in table order, `--` ends option parsing; errors name
 * the command and the option.  Interactive lines are split here too. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "vsh.h"

struct VshCmd {
    const VshCmdDef *def;
    GHashTable *values;   /* option name -> value ("" for booleans) */
};

static const VshCmdDef *const vsh_tables[VSH_GROUP_LAST] = {
    [VSH_GROUP_DOMAIN] = vsh_domain_cmds,
    [VSH_GROUP_NETWORK] = vsh_network_cmds,
    [VSH_GROUP_POOL] = vsh_pool_cmds,
    [VSH_GROUP_VOLUME] = vsh_volume_cmds,
    [VSH_GROUP_HOST] = vsh_host_cmds,
    [VSH_GROUP_SHELL] = vsh_shell_cmds,
};

/* ------------------------------------------------------------ control */

VshCtl *vsh_ctl_new(void)
{
    VshCtl *ctl = g_new0(VshCtl, 1);

    ctl->out = stdout;
    return ctl;
}

void vsh_ctl_free(VshCtl *ctl)
{
    if (!ctl)
        return;
    vessel_connect_unref(ctl->conn);
    g_free(ctl->uri);
    g_free(ctl);
}

VesselConnect *vsh_ctl_conn(VshCtl *ctl, GError **error)
{
    if (ctl->conn && !vessel_connect_is_alive(ctl->conn))
        g_clear_pointer(&ctl->conn, vessel_connect_unref);
    if (!ctl->conn) {
        g_autoptr(GError) local = NULL;
        ctl->conn = vessel_connect_open(ctl->uri,
                                        ctl->readonly ? VESSEL_CONNECT_RO : VESSEL_CONNECT_DEFAULT,
                                        &local);
        if (!ctl->conn && error) {
            /* virsh's first line, then the reason, then what to do */
            vsh_hint_connect(ctl, local);
            g_prefix_error(&local, _("failed to connect to the hypervisor\nerror: "));
            g_propagate_error(error, g_steal_pointer(&local));
        }
    }
    return ctl->conn;
}

void vsh_error_print(const GError *error)
{
    g_autofree char *hint = vsh_hint_take();

    fflush(stdout);
    fprintf(stderr, _("error: %s\n"), error->message);
    if (hint)
        fprintf(stderr, _("hint: %s\n"), hint);
}

/* ------------------------------------------------------------ lookup */

void vsh_cmd_foreach(void (*func)(const VshCmdDef *def, gpointer data), gpointer data)
{
    for (int g = 0; g < VSH_GROUP_LAST; g++)
        for (const VshCmdDef *d = vsh_tables[g]; d->name; d++)
            func(d, data);
}

const VshCmdDef *vsh_cmd_lookup(const char *name)
{
    for (int g = 0; g < VSH_GROUP_LAST; g++)
        for (const VshCmdDef *d = vsh_tables[g]; d->name; d++)
            if (strcmp(d->name, name) == 0)
                return d;
    return NULL;
}

const VshOptDef *vsh_opt_lookup(const VshCmdDef *def, const char *name)
{
    for (const VshOptDef *o = def->opts; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

/* ------------------------------------------------------------ parsing */

void vsh_cmd_free(VshCmd *cmd)
{
    if (!cmd)
        return;
    g_hash_table_unref(cmd->values);
    g_free(cmd);
}

static const VshOptDef *vsh_next_positional(const VshCmd *cmd)
{
    for (const VshOptDef *o = cmd->def->opts; o && o->name; o++)
        if ((o->flags & VSH_OFLAG_POS) &&
            (o->type == VSH_OT_ARGV || !g_hash_table_contains(cmd->values, o->name)))
            return o;
    return NULL;
}

static gboolean vsh_opt_set(VshCmd *cmd, const VshOptDef *opt, const char *value, GError **error)
{
    if (opt->type == VSH_OT_ARGV) { /* words joined by newlines */
        const char *old = g_hash_table_lookup(cmd->values, opt->name);
        g_hash_table_insert(cmd->values, (char *)opt->name,
                            old ? g_strconcat(old, "\n", value, NULL) : g_strdup(value));
        return TRUE;
    }
    if (g_hash_table_contains(cmd->values, opt->name)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("option --%s already seen"), opt->name);
        return FALSE;
    }
    if (opt->type == VSH_OT_INT) {
        char *end = NULL;
        errno = 0;
        (void)strtol(value, &end, 10);
        if (!*value || *end || errno) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("numeric value '%s' for <%s> option is malformed or out of range"),
                        value, opt->name);
            return FALSE;
        }
    }
    g_hash_table_insert(cmd->values, (char *)opt->name, g_strdup(value));
    return TRUE;
}

VshCmd *vsh_cmd_parse(int argc, const char *const *argv, GError **error)
{
    g_autoptr(VshCmd) cmd = NULL;
    const VshCmdDef *def;
    gboolean options_done = FALSE;

    if (argc < 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("no command given"));
        return NULL;
    }
    def = vsh_cmd_lookup(argv[0]);
    if (!def) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                    _("unknown command: '%s'"), argv[0]);
        return NULL;
    }
    cmd = g_new0(VshCmd, 1);
    cmd->def = def;
    cmd->values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const VshOptDef *opt;

        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = TRUE;
            continue;
        }
        if (!options_done && g_str_has_prefix(arg, "--")) {
            g_autofree char *name = g_strdup(arg + 2);
            char *eq = strchr(name, '=');
            const char *value = NULL;

            if (eq) {
                *eq = '\0';
                value = eq + 1;
            }
            opt = vsh_opt_lookup(def, name);
            if (!opt) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                            _("command '%s' doesn't support option --%s"), def->name, name);
                return NULL;
            }
            if (opt->type == VSH_OT_BOOL) {
                if (value) {
                    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                _("option --%s takes no value"), name);
                    return NULL;
                }
                value = "";
            } else if (!value) {
                if (i + 1 >= argc) {
                    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                _("expected syntax: --%s <%s>"), name,
                                opt->type == VSH_OT_INT ? "number" : "string");
                    return NULL;
                }
                value = argv[++i];
            }
            if (!vsh_opt_set(cmd, opt, value, error))
                return NULL;
            continue;
        }
        opt = vsh_next_positional(cmd);
        if (!opt) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("unexpected data '%s'"), arg);
            return NULL;
        }
        if (!vsh_opt_set(cmd, opt, arg, error))
            return NULL;
    }
    for (const VshOptDef *o = def->opts; o && o->name; o++) {
        if ((o->flags & VSH_OFLAG_REQ) && !g_hash_table_contains(cmd->values, o->name)) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("command '%s' requires <%s> option"), def->name, o->name);
            return NULL;
        }
    }
    return g_steal_pointer(&cmd);
}

GStrv vsh_cmd_get_argv(const VshCmd *cmd, const char *name)
{
    const char *v = g_hash_table_lookup(cmd->values, name);
    return v ? g_strsplit(v, "\n", -1) : NULL;
}

const VshCmdDef *vsh_cmd_def(const VshCmd *cmd)
{
    return cmd->def;
}

gboolean vsh_cmd_has(const VshCmd *cmd, const char *name)
{
    return g_hash_table_contains(cmd->values, name);
}

gboolean vsh_cmd_filter_bool(const VshCmd *cmd, const char *yes, const char *no, gboolean value)
{
    gboolean want_yes = vsh_cmd_has(cmd, yes), want_no = vsh_cmd_has(cmd, no);

    if (want_yes == want_no)
        return TRUE;   /* neither or both: no filter */
    return want_yes ? value : !value;
}

const char *vsh_cmd_get(const VshCmd *cmd, const char *name)
{
    return g_hash_table_lookup(cmd->values, name);
}

gboolean vsh_cmd_get_int(const VshCmd *cmd, const char *name, int *value, GError **error)
{
    const char *s = vsh_cmd_get(cmd, name);
    char *end = NULL;
    long v;

    if (!s)
        return TRUE;
    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < G_MININT || v > G_MAXINT) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("numeric value '%s' for <%s> option is malformed or out of range"), s, name);
        return FALSE;
    }
    *value = (int)v;
    return TRUE;
}

/* ------------------------------------------------------------ lines */

static void vsh_line_flush_word(GString *word, gboolean *in_word, GPtrArray *argv)
{
    if (*in_word) {
        g_ptr_array_add(argv, g_strdup(word->str));
        g_string_truncate(word, 0);
        *in_word = FALSE;
    }
}

static void vsh_line_flush_cmd(GPtrArray *argv, GPtrArray *cmds)
{
    if (argv->len == 0)
        return;
    g_ptr_array_add(argv, NULL);
    g_ptr_array_add(cmds, g_strdupv((char **)argv->pdata));
    g_ptr_array_set_size(argv, 0);
}

GPtrArray *vsh_line_split(const char *line, GError **error)
{
    g_autoptr(GPtrArray) cmds = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) word = g_string_new(NULL);
    gboolean in_word = FALSE;
    char quote = 0;

    for (const char *p = line; *p; p++) {
        char c = *p;

        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"' && (p[1] == '"' || p[1] == '\\'))
                g_string_append_c(word, *++p);
            else
                g_string_append_c(word, c);
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            in_word = TRUE;
        } else if (c == '\\' && p[1]) {
            g_string_append_c(word, *++p);
            in_word = TRUE;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            vsh_line_flush_word(word, &in_word, argv);
        } else if (c == ';') {
            vsh_line_flush_word(word, &in_word, argv);
            vsh_line_flush_cmd(argv, cmds);
        } else if (c == '#' && !in_word && argv->len == 0) {
            break;  /* comment line */
        } else {
            g_string_append_c(word, c);
            in_word = TRUE;
        }
    }
    if (quote) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("missing %c"), quote);
        return NULL;
    }
    vsh_line_flush_word(word, &in_word, argv);
    vsh_line_flush_cmd(argv, cmds);
    return g_steal_pointer(&cmds);
}

/* ------------------------------------------------------------ running */

gboolean vsh_cmd_run_argv(VshCtl *ctl, int argc, const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VshCmd) cmd = vsh_cmd_parse(argc, argv, &error);
    gboolean ok;

    if (!cmd) {
        vsh_error_print(error);
        return FALSE;
    }
    if (!(cmd->def->flags & VSH_CMD_FLAG_NOCONNECT) && !vsh_ctl_conn(ctl, &error)) {
        vsh_error_print(error);
        return FALSE;
    }
    ok = cmd->def->handler(ctl, cmd, &error);
    fflush(ctl->out);
    if (!ok) {
        if (error)
            vsh_error_print(error);
        return FALSE;
    }
    return TRUE;
}

gboolean vsh_run_line(VshCtl *ctl, const char *line)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) cmds = vsh_line_split(line, &error);
    gboolean ok = TRUE;

    if (!cmds) {
        vsh_error_print(error);
        return FALSE;
    }
    for (guint i = 0; i < cmds->len && !ctl->quit; i++) {
        char **argv = g_ptr_array_index(cmds, i);
        if (!vsh_cmd_run_argv(ctl, (int)g_strv_length(argv), (const char *const *)argv))
            ok = FALSE;
    }
    return ok;
}
