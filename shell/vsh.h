/* vsh.h - the vsh command framework.
 *
 * Every command is a VshCmdDef: a name, an options table (VshOptDef: name,
 * type, required/positional flags, help, completer), a handler and help
 * text.  Parsing (argv and interactive lines), `help`, `help CMD` and tab
 * completion are all derived from those tables; a handler only reads its
 * parsed options through vsh_cmd_*() and talks to the daemon through the
 * VshCtl's libvessel connection, opened on first use.
 *
 * Handlers return FALSE with a GError on failure; the caller prints it
 * once as "error: MESSAGE" on stderr and the exit status becomes 1. */
#ifndef VESSEL_VSH_H
#define VESSEL_VSH_H

#include <glib.h>
#include <stdio.h>

#include "vessel.h"

typedef enum {
    VSH_OT_BOOL,    /* --flag */
    VSH_OT_STRING,  /* --name VALUE, --name=VALUE or positional */
    VSH_OT_INT,     /* like STRING, checked to be an integer */
    VSH_OT_ARGV,    /* every remaining positional argument (vsh_cmd_get_argv) */
    VSH_OT_LAST
} VshOptType;

typedef enum {
    VSH_OFLAG_NONE = 0,
    VSH_OFLAG_REQ = 1 << 0,   /* must be given */
    VSH_OFLAG_POS = 1 << 1,   /* may be given without its --name, in order */
} VshOptFlags;

typedef enum {
    VSH_COMP_NONE,
    VSH_COMP_DOMAIN,     /* domain names */
    VSH_COMP_NETWORK,    /* network names */
    VSH_COMP_POOL,       /* storage pool names */
    VSH_COMP_FILE,       /* file names (readline's own completion) */
    VSH_COMP_COMMAND,    /* vsh command names */
    VSH_COMP_LAST
} VshCompleter;

typedef struct {
    const char *name;
    VshOptType type;
    unsigned flags;          /* VshOptFlags */
    const char *help;        /* N_() */
    VshCompleter completer;
} VshOptDef;

typedef struct VshCtl VshCtl;
typedef struct VshCmd VshCmd;

typedef gboolean (*VshCmdFunc)(VshCtl *ctl, const VshCmd *cmd, GError **error);

typedef enum {
    VSH_GROUP_DOMAIN,
    VSH_GROUP_NETWORK,
    VSH_GROUP_POOL,
    VSH_GROUP_VOLUME,
    VSH_GROUP_HOST,
    VSH_GROUP_SHELL,
    VSH_GROUP_LAST
} VshGroup;

typedef enum {
    VSH_CMD_FLAG_NONE = 0,
    VSH_CMD_FLAG_NOCONNECT = 1 << 0,  /* needs no daemon */
} VshCmdFlags;

typedef struct {
    const char *name;
    VshGroup group;
    const VshOptDef *opts;   /* terminated by { NULL } */
    VshCmdFunc handler;
    const char *summary;     /* N_(): one line */
    const char *description; /* N_(): a paragraph */
    unsigned flags;          /* VshCmdFlags */
} VshCmdDef;

/* Command tables, one per file, each terminated by { NULL }. */
extern const VshCmdDef vsh_domain_cmds[];
extern const VshCmdDef vsh_network_cmds[];
extern const VshCmdDef vsh_pool_cmds[];
extern const VshCmdDef vsh_volume_cmds[];
extern const VshCmdDef vsh_host_cmds[];
extern const VshCmdDef vsh_shell_cmds[];
/* vsh-display.c: vncdisplay, screenshot, send-key */
extern const VshOptDef vsh_opts_vncdisplay[], vsh_opts_screenshot[], vsh_opts_send_key[];
gboolean vsh_cmd_vncdisplay(VshCtl *ctl, const VshCmd *cmd, GError **error);
gboolean vsh_cmd_screenshot(VshCtl *ctl, const VshCmd *cmd, GError **error);
gboolean vsh_cmd_send_key(VshCtl *ctl, const VshCmd *cmd, GError **error);

/* ---- control state ------------------------------------------------ */
struct VshCtl {
    char *uri;               /* -c, or NULL for the default */
    gboolean readonly;       /* -r */
    gboolean quiet;          /* -q */
    gboolean interactive;
    gboolean quit;           /* set by quit/exit */
    VesselConnect *conn;     /* opened on first use */
    FILE *out;               /* stdout; tests may redirect */
};

VshCtl *vsh_ctl_new(void);
void vsh_ctl_free(VshCtl *ctl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VshCtl, vsh_ctl_free)
/* The connection, opened now if needed. */
VesselConnect *vsh_ctl_conn(VshCtl *ctl, GError **error);
/* Print "error: MESSAGE" on stderr (a message of two errors, as virsh
 * prints them, says "\nerror: " between them), then the pending hint, if
 * any, as "hint: HINT". */
void vsh_error_print(const GError *error);

/* ---- hints (vsh-hint.c) --------------------------------------------- */
/* Set the hint printed after the next error. */
void vsh_hint_set(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* The pending hint (transfer full), or NULL; clears it. */
char *vsh_hint_take(void);
/* The hint for @error from vessel_connect_open() with @ctl's URI and -r. */
void vsh_hint_connect(const VshCtl *ctl, const GError *error);

/* ---- command lookup and parsing ------------------------------------- */
const VshCmdDef *vsh_cmd_lookup(const char *name);
/* Calls @func for every command, in group then table order. */
void vsh_cmd_foreach(void (*func)(const VshCmdDef *def, gpointer data), gpointer data);
const VshOptDef *vsh_opt_lookup(const VshCmdDef *def, const char *name);

/* Parse @argv (argv[0] the command name). */
VshCmd *vsh_cmd_parse(int argc, const char *const *argv, GError **error);
void vsh_cmd_free(VshCmd *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VshCmd, vsh_cmd_free)
const VshCmdDef *vsh_cmd_def(const VshCmd *cmd);
gboolean vsh_cmd_has(const VshCmd *cmd, const char *name);
/* A pair of filter options (--persistent/--transient): does @value pass?
 * Neither or both given: everything passes. */
gboolean vsh_cmd_filter_bool(const VshCmd *cmd, const char *yes, const char *no, gboolean value);
/* The value of a STRING/INT option, or NULL. */
const char *vsh_cmd_get(const VshCmd *cmd, const char *name);
/* The words of an ARGV option (g_strfreev), NULL if none. */
GStrv vsh_cmd_get_argv(const VshCmd *cmd, const char *name);
/* INT option: FALSE with @error when not an integer; @value untouched when
 * the option was not given. */
gboolean vsh_cmd_get_int(const VshCmd *cmd, const char *name, int *value, GError **error);

/* Split an interactive line into commands (';' separates them), each a
 * NULL-terminated argv; quotes ('...', "...") and backslash escapes as in
 * a shell.  Returns a GPtrArray of GStrv. */
GPtrArray *vsh_line_split(const char *line, GError **error);

/* Parse and run one command; prints its error; returns TRUE on success. */
gboolean vsh_cmd_run_argv(VshCtl *ctl, int argc, const char *const *argv);
/* Run every command of an interactive line; TRUE if all succeeded. */
gboolean vsh_run_line(VshCtl *ctl, const char *line);

/* ---- help --------------------------------------------------------- */
void vsh_help_all(FILE *out, const char *group_keyword);
gboolean vsh_help_cmd(FILE *out, const char *name, GError **error);

/* ---- completion ------------------------------------------------------- */
/* Candidates for the word @text that starts at @start in @line (readline's
 * view).  NULL means "no candidates of ours"; *want_files is set when the
 * word is a file name and readline's own completion should be used. */
GStrv vsh_complete(VshCtl *ctl, const char *line, int start, const char *text,
                   gboolean *want_files);

/* ---- tables (virsh layout) --------------------------------------------- */
typedef struct VshTable VshTable;
VshTable *vsh_table_new(const char *first_header, ...) G_GNUC_NULL_TERMINATED;
void vsh_table_add_row(VshTable *t, const char *first_cell, ...) G_GNUC_NULL_TERMINATED;
/* Every cell " %s", columns padded to the widest cell + 2 (not the last),
 * a dash line as wide as the table; @quiet drops header and dashes. */
void vsh_table_print(VshTable *t, FILE *out, gboolean quiet);
void vsh_table_free(VshTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VshTable, vsh_table_free)

/* ---- object listings (vsh-list.c) -------------------------------------- */
/* --all, --inactive, else the active objects. */
VesselListFlags vsh_list_flags(const VshCmd *cmd);
/* Whether an object passes --persistent/--transient and
 * --autostart/--no-autostart. */
gboolean vsh_list_wanted(const VshCmd *cmd, gboolean persistent, gboolean autostart);
/* The line of --uuid, --name, or both ("UUID  NAME"). */
void vsh_list_print_ids(VshCtl *ctl, gboolean names, gboolean uuids, const char *uuid,
                        const char *name);
/* The table (if any) and the blank line that ends a listing. */
void vsh_list_end(VshCtl *ctl, VshTable *t);
const char *vsh_yes_no(gboolean b);    /* "yes" / "no", translated */

/* ---- one call on one object (vsh-action.c) ----------------------------- */
typedef struct {
    const char *cmd;                                    /* the command's name */
    gboolean (*run)(gpointer object, GError **error);
    const char *failed;     /* N_("Failed to ... %s\nerror: "), the object's name */
    const char *done;       /* N_("... %s ...\n") */
} VshAction;
/* Run the row of @actions (@n of them) for the command being run on
 * @object, called @name in the messages. */
gboolean vsh_action_run(VshCtl *ctl, const VshCmd *cmd, const VshAction *actions, gsize n,
                        gpointer object, const char *name, GError **error);

/* ---- helpers shared by command files ---------------------------------- */
/* Look a domain up by name, then id, then uuid (as virsh does). */
VesselDomain *vsh_domain_get(VshCtl *ctl, const char *key, GError **error);
VesselNetwork *vsh_network_get(VshCtl *ctl, const char *key, GError **error);
VesselStoragePool *vsh_pool_get(VshCtl *ctl, const char *key, GError **error);
/* virsh's sizes: "%.2f UNIT" with B, KiB, MiB, ... (vsh-pool.c) */
char *vsh_pretty_size(guint64 bytes);
/* virsh's scaled integers: N[b|k|KiB|KB|M|MiB|MB|...], default bytes */
gboolean vsh_parse_size(const char *s, guint64 *out, GError **error);
/* Read a whole file ("-" is stdin). */
char *vsh_file_read(const char *path, GError **error);
/* Open $VISUAL/$EDITOR/vi on @text; returns the edited text, or NULL with
 * @error; *changed tells whether it differs. */
char *vsh_edit_text(const char *text, const char *suffix, gboolean *changed, GError **error);

/* Print an informational message unless -q (virsh's vshPrintExtra). */
void vsh_print_extra(VshCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Prefix @error with "Failed to WHAT domain 'NAME'" as a first error line. */
void vsh_error_prefix_failed(GError **error, const char *what, const char *name);

/* ---- commands defined outside their group's table file ------------------ */
extern const VshOptDef vsh_opts_console[];
gboolean vsh_cmd_console(VshCtl *ctl, const VshCmd *cmd, GError **error);
/* Attach the terminal to @dom's serial console until ^] or hang-up. */
/* @dev_name: NULL for the primary console, else e.g. "serial0", "console1". */
gboolean vsh_console_run(VshCtl *ctl, VesselDomain *dom, const char *dev_name, gboolean force,
                         GError **error);
gboolean vsh_cmd_edit(VshCtl *ctl, const VshCmd *cmd, GError **error);
gboolean vsh_cmd_net_edit(VshCtl *ctl, const VshCmd *cmd, GError **error);
extern const VshOptDef vsh_opts_event[];
gboolean vsh_cmd_event(VshCtl *ctl, const VshCmd *cmd, GError **error);
extern const VshOptDef vsh_opts_net_event[];
gboolean vsh_cmd_net_event(VshCtl *ctl, const VshCmd *cmd, GError **error);
extern const VshOptDef vsh_opts_domxml_to_native[];
gboolean vsh_cmd_domxml_to_native(VshCtl *ctl, const VshCmd *cmd, GError **error);
extern const VshOptDef vsh_opts_domblklist[];
gboolean vsh_cmd_domblklist(VshCtl *ctl, const VshCmd *cmd, GError **error);
extern const VshOptDef vsh_opts_domblkinfo[];
gboolean vsh_cmd_domblkinfo(VshCtl *ctl, const VshCmd *cmd, GError **error);
extern const VshOptDef vsh_opts_blockcommit[];
gboolean vsh_cmd_blockcommit(VshCtl *ctl, const VshCmd *cmd, GError **error);
extern const VshOptDef vsh_opts_snapshot_create_as[];
gboolean vsh_cmd_snapshot_create_as(VshCtl *ctl, const VshCmd *cmd, GError **error);

#endif
