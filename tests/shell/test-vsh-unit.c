/* test-vsh-unit.c - vsh's table-driven parts without a daemon: option
 * parsing, line splitting, help generation, completion and the virsh
 * table layout. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "shell/vsh.h"

static VshCmd *parse(const char *line, GError **error)
{
    g_autoptr(GPtrArray) cmds = vsh_line_split(line, error);
    char **argv;

    if (!cmds)
        return NULL;
    g_assert_cmpuint(cmds->len, ==, 1);
    argv = g_ptr_array_index(cmds, 0);
    return vsh_cmd_parse((int)g_strv_length(argv), (const char *const *)argv, error);
}

static void test_parse_positional(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VshCmd) cmd = parse("start web1 --paused", &error);

    g_assert_no_error(error);
    g_assert_cmpstr(vsh_cmd_def(cmd)->name, ==, "start");
    g_assert_cmpstr(vsh_cmd_get(cmd, "domain"), ==, "web1");
    g_assert_true(vsh_cmd_has(cmd, "paused"));
    g_assert_false(vsh_cmd_has(cmd, "console"));
}

static void test_parse_named(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VshCmd) a = parse("shutdown --domain d1 --timeout 30", &error);
    g_autoptr(VshCmd) b = NULL;
    int t = 0;

    g_assert_no_error(error);
    g_assert_cmpstr(vsh_cmd_get(a, "domain"), ==, "d1");
    g_assert_true(vsh_cmd_get_int(a, "timeout", &t, &error));
    g_assert_cmpint(t, ==, 30);
    b = parse("shutdown --timeout=5 -- --weird-name", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(vsh_cmd_get(b, "domain"), ==, "--weird-name");
    g_assert_cmpstr(vsh_cmd_get(b, "timeout"), ==, "5");
}

static void test_parse_errors(void)
{
    static const struct {
        const char *line;
        const char *message;
    } cases[] = {
        { "start", "command 'start' requires <domain> option" },
        { "list --bogus", "command 'list' doesn't support option --bogus" },
        { "frobnicate x", "unknown command: 'frobnicate'" },
        { "shutdown d --timeout abc", "numeric value 'abc' for <timeout> option is malformed or out of range" },
        { "shutdown d --timeout", "expected syntax: --timeout <number>" },
        { "start a b", "unexpected data 'b'" },
        { "start a --domain b", "option --domain already seen" },
        { "list --all=yes", "option --all takes no value" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(VshCmd) cmd = parse(cases[i].line, &error);
        g_assert_null(cmd);
        g_assert_nonnull(error);
        g_assert_cmpstr(error->message, ==, cases[i].message);
    }
}

static void test_line_split(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) cmds = vsh_line_split("define 'my file.xml'; start \"a\\\"b\" c\\ d ;", &error);
    char **a, **b;

    g_assert_no_error(error);
    g_assert_cmpuint(cmds->len, ==, 2);
    a = g_ptr_array_index(cmds, 0);
    b = g_ptr_array_index(cmds, 1);
    g_assert_cmpuint(g_strv_length(a), ==, 2);
    g_assert_cmpstr(a[1], ==, "my file.xml");
    g_assert_cmpuint(g_strv_length(b), ==, 3);
    g_assert_cmpstr(b[1], ==, "a\"b");
    g_assert_cmpstr(b[2], ==, "c d");

    g_clear_pointer(&cmds, g_ptr_array_unref);
    cmds = vsh_line_split("# just a comment", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(cmds->len, ==, 0);

    g_clear_pointer(&cmds, g_ptr_array_unref);
    cmds = vsh_line_split("start 'oops", &error);
    g_assert_null(cmds);
    g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

static char *capture_help(const char *name, gboolean *ok)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    g_autoptr(GError) error = NULL;

    if (name)
        *ok = vsh_help_cmd(f, name, &error);
    else
        vsh_help_all(f, NULL);
    fclose(f);
    return buf;
}

static void check_listed(const VshCmdDef *def, gpointer data)
{
    g_autofree char *line = g_strdup_printf("\n    %-30s ", def->name);
    g_assert_nonnull(strstr(data, line));
}

static void test_help(void)
{
    gboolean ok = FALSE;
    g_autofree char *all = capture_help(NULL, NULL);
    g_autofree char *start = capture_help("start", &ok);
    g_autofree char *missing = NULL;

    vsh_cmd_foreach(check_listed, all);
    g_assert_nonnull(strstr(all, " Domain Management (help keyword 'domain'):\n"));
    g_assert_true(ok);
    g_assert_nonnull(strstr(start, "  SYNOPSIS\n    start <domain> [--console] [--paused]\n"));
    g_assert_nonnull(strstr(start, "    [--domain] <string>  name of the inactive domain\n"));
    missing = capture_help("no-such-command", &ok);
    g_assert_false(ok);
}

static GStrv complete(VshCtl *ctl, const char *line, gboolean *files)
{
    const char *sp = strrchr(line, ' ');
    int start = sp ? (int)(sp - line) + 1 : 0;

    return vsh_complete(ctl, line, start, line + start, files);
}

static void test_complete(void)
{
    g_autoptr(VshCtl) ctl = vsh_ctl_new();
    gboolean files;
    g_auto(GStrv) c1 = NULL, c2 = NULL, c3 = NULL, c4 = NULL, c5 = NULL, c6 = NULL, c7 = NULL;
    const char *const want_a[] = { "--all", "--autostart", NULL };
    const char *const want_net[] = { "net-define", "net-destroy", "net-dhcp-leases",
                                     "net-dumpxml", NULL };

    ctl->uri = g_strdup("vessel+unix:///nonexistent/vessel-sock");
    c1 = complete(ctl, "li", &files);
    g_assert_nonnull(c1);
    g_assert_cmpstrv(c1, ((const char *const[]){ "list", NULL }));
    c2 = complete(ctl, "list --a", &files);
    g_assert_cmpstrv(c2, want_a);
    c3 = complete(ctl, "list --all --a", &files);
    g_assert_cmpstrv(c3, ((const char *const[]){ "--autostart", NULL }));
    c4 = complete(ctl, "net-d", &files);
    g_assert_cmpstrv(c4, want_net);
    c5 = complete(ctl, "define ", &files);
    g_assert_null(c5);
    g_assert_true(files);
    c6 = complete(ctl, "help dom", &files);
    g_assert_false(files);
    g_assert_cmpstrv(c6, ((const char *const[]){ "domblkinfo", "domblklist", "domid", "dominfo",
                                                  "domname", "domstate", "domuuid",
                                                  "domxml-to-native", NULL }));
    /* domain names need the daemon; none here, so no candidates */
    c7 = complete(ctl, "start ", &files);
    g_assert_null(c7);
    g_assert_false(files);
}

static void test_table(void)
{
    g_autoptr(VshTable) t = vsh_table_new("Id", "Name", "State", NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    vsh_table_add_row(t, "1", "fedora", "running", NULL);
    vsh_table_add_row(t, "-", "win10", "shut off", NULL);
    f = open_memstream(&buf, &len);
    vsh_table_print(t, f, FALSE);
    fclose(f);
    g_assert_cmpstr(buf, ==,
                    " Id   Name     State\n"
                    "-------------------------\n"
                    " 1    fedora   running\n"
                    " -    win10    shut off\n");
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    vsh_table_print(t, f, TRUE);
    fclose(f);
    g_assert_cmpstr(buf, ==, " 1    fedora   running\n -    win10    shut off\n");
    free(buf);
}

static void test_names(void)
{
    g_assert_cmpstr(vessel_domain_state_to_string(VESSEL_DOMAIN_SHUTOFF), ==, "shut off");
    g_assert_cmpstr(vessel_domain_state_to_string(VESSEL_DOMAIN_SHUTDOWN), ==, "in shutdown");
    g_assert_cmpstr(vessel_domain_state_to_string(42), ==, "unknown");
    g_assert_cmpstr(vessel_domain_reason_to_string(VESSEL_DOMAIN_SHUTOFF, 2), ==, "destroyed");
    g_assert_cmpstr(vessel_domain_reason_to_string(VESSEL_DOMAIN_RUNNING, 1), ==, "booted");
    g_assert_cmpstr(vessel_domain_event_detail_to_string(VESSEL_DOMAIN_EVENT_STOPPED, 1), ==,
                    "Destroyed");
}

static void test_uri_errors(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VesselConnect) c = vessel_connect_open("qemu:///system", 0, &error);

    g_assert_null(c);
    g_assert_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_URI);
    g_clear_error(&error);
    c = vessel_connect_open("vessel+unix:///nonexistent/sock", 0, &error);
    g_assert_null(c);
    g_assert_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT);
}

/* -r picks PATH-ro, and a URI naming the read-only socket stays on it
 * (issue 16: `vsh -r -c vessel+unix://.../vessel-sock-ro` went to
 * vessel-sock-ro-ro). */
static void test_uri_ro_socket(void)
{
    const struct {
        const char *uri;
        VesselConnectFlags flags;
        const char *socket;
    } cases[] = {
        { "vessel+unix:///run/x/vessel-sock", 0, "/run/x/vessel-sock" },
        { "vessel+unix:///run/x/vessel-sock", VESSEL_CONNECT_RO, "/run/x/vessel-sock-ro" },
        { "vessel+unix:///run/x/vessel-sock-ro", VESSEL_CONNECT_RO, "/run/x/vessel-sock-ro" },
        { "vessel+unix:///run/x/vessel-sock-ro", 0, "/run/x/vessel-sock-ro" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *socket = NULL;
        g_assert_true(vessel_uri_resolve(cases[i].uri, cases[i].flags, NULL, &socket, &error));
        g_assert_no_error(error);
        g_assert_cmpstr(socket, ==, cases[i].socket);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vsh/parse/positional", test_parse_positional);
    g_test_add_func("/vsh/parse/named", test_parse_named);
    g_test_add_func("/vsh/parse/errors", test_parse_errors);
    g_test_add_func("/vsh/line-split", test_line_split);
    g_test_add_func("/vsh/help", test_help);
    g_test_add_func("/vsh/complete", test_complete);
    g_test_add_func("/vsh/table", test_table);
    g_test_add_func("/libvessel/names", test_names);
    g_test_add_func("/libvessel/uri-errors", test_uri_errors);
    g_test_add_func("/libvessel/uri-ro-socket", test_uri_ro_socket);
    return g_test_run();
}
