/* vsh-main.c - vsh's entry point: global options, one-shot mode
 * (`vsh list --all`) and the interactive readline loop with history in
 * $XDG_STATE_HOME/vessel/vsh_history and completion from vsh_complete(). */
#include "config.h"

#include <errno.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "vsh.h"

#define VSH_HISTORY_MAX 500

/* readline's callbacks carry no user data: the running shell and the
 * candidates of the current completion attempt live here. */
static VshCtl *rl_ctl;
static GStrv rl_matches;
static guint rl_match_index;

static char *vsh_rl_generator(const char *text, int state)
{
    if (!rl_matches || !rl_matches[rl_match_index])
        return NULL;
    return strdup(rl_matches[rl_match_index++]);
}

static char **vsh_rl_complete(const char *text, int start, int end)
{
    gboolean want_files = FALSE;

    g_clear_pointer(&rl_matches, g_strfreev);
    rl_match_index = 0;
    rl_matches = vsh_complete(rl_ctl, rl_line_buffer, start, text, &want_files);
    if (want_files) {
        rl_attempted_completion_over = 0;
        return NULL;
    }
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, vsh_rl_generator);
}

static char *vsh_history_path(void)
{
    return g_build_filename(g_get_user_state_dir(), "vessel", "vsh_history", NULL);
}

/* Commands from a pipe or file: no prompt, no echo, no history (virsh
 * reads them the same way). */
static int vsh_batch(VshCtl *ctl)
{
    g_autoptr(GIOChannel) in = g_io_channel_unix_new(STDIN_FILENO);
    gboolean ok = TRUE;

    while (!ctl->quit) {
        g_autofree char *line = NULL;
        g_autoptr(GError) error = NULL;
        GIOStatus st = g_io_channel_read_line(in, &line, NULL, NULL, &error);

        if (st == G_IO_STATUS_EOF)
            break;
        if (st != G_IO_STATUS_NORMAL) {
            vsh_error_print(error);
            return EXIT_FAILURE;
        }
        if (!vsh_run_line(ctl, line))
            ok = FALSE;
    }
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int vsh_interactive(VshCtl *ctl)
{
    g_autofree char *hist = vsh_history_path();
    g_autofree char *histdir = g_path_get_dirname(hist);
    gboolean ok = TRUE;

    rl_ctl = ctl;
    rl_readline_name = "vsh";
    rl_attempted_completion_function = vsh_rl_complete;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(";
    using_history();
    stifle_history(VSH_HISTORY_MAX);
    read_history(hist);

    if (!ctl->quiet)
        printf(_("Welcome to vsh, the virtualization interactive terminal.\n\n"
                 "Type:  'help' for help with commands\n"
                 "       'quit' to quit\n\n"));
    while (!ctl->quit) {
        g_autofree char *line = readline(ctl->readonly ? "vsh > " : "vsh # ");
        char *trimmed;

        if (!line) {
            putchar('\n');
            break;
        }
        trimmed = g_strstrip(g_strdup(line));
        if (*trimmed) {
            HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1)
                                                  : NULL;
            if (!last || strcmp(last->line, trimmed) != 0)
                add_history(trimmed);
            ok = vsh_run_line(ctl, trimmed);
        }
        g_free(trimmed);
    }
    if (g_mkdir_with_parents(histdir, 0700) == 0 && write_history(hist) != 0)
        g_printerr(_("warning: cannot save history to %s: %s\n"), hist, g_strerror(errno));
    g_clear_pointer(&rl_matches, g_strfreev);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

static void vsh_usage(FILE *out)
{
    fprintf(out, _("\n"
                   "vsh [options]... [<command_string>]\n"
                   "vsh [options]... <command> [args...]\n\n"
                   "  options:\n"
                   "    -c | --connect=URI      hypervisor connection URI\n"
                   "    -h | --help             this help\n"
                   "    -q | --quiet            quiet mode\n"
                   "    -r | --readonly         connect readonly\n"
                   "    -v | --version          program version\n\n"
                   "  commands (non interactive mode):\n\n"));
    vsh_help_all(out, NULL);
    fprintf(out, _("  (specify help <group> for details about the commands in the group)\n\n"
                   "  (specify help <command> for details about the command)\n\n"));
}

int main(int argc, char **argv)
{
    g_autoptr(VshCtl) ctl = vsh_ctl_new();
    int i;

    vessel_i18n_init();
    ctl->uri = g_strdup(g_getenv("VESSEL_DEFAULT_URI"));
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-c") == 0 || strcmp(a, "--connect") == 0) {
            if (++i >= argc) {
                g_printerr(_("error: option '%s' requires an argument\n"), a);
                return EXIT_FAILURE;
            }
            g_free(ctl->uri);
            ctl->uri = g_strdup(argv[i]);
        } else if (g_str_has_prefix(a, "--connect=")) {
            g_free(ctl->uri);
            ctl->uri = g_strdup(a + strlen("--connect="));
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            ctl->quiet = TRUE;
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--readonly") == 0) {
            ctl->readonly = TRUE;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("%s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            vsh_usage(stdout);
            return EXIT_SUCCESS;
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else {
            g_printerr(_("error: unsupported option '%s'. See --help.\n"), a);
            return EXIT_FAILURE;
        }
    }
    if (i < argc) {
        /* one command; a single argument may be a whole command string */
        if (argc - i == 1 && strpbrk(argv[i], " \t;"))
            return vsh_run_line(ctl, argv[i]) ? EXIT_SUCCESS : EXIT_FAILURE;
        return vsh_cmd_run_argv(ctl, argc - i, (const char *const *)argv + i) ? EXIT_SUCCESS
                                                                              : EXIT_FAILURE;
    }
    if (!isatty(STDIN_FILENO))
        return vsh_batch(ctl);
    ctl->interactive = TRUE;
    return vsh_interactive(ctl);
}
