/* test-api.c - vesseld's D-Bus API against a real daemon: definitions,
 * lookups, errors, the read-only socket, persistence across restarts,
 * malformed calls. */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "daemon-fixture.h"

static void test_define_list_lookup_undefine(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;

    g_autofree char *p1 = fixture_define(fx, "alpha", NULL);
    g_autofree char *p2 = fixture_define(fx, "beta", NULL);
    g_assert_true(g_str_has_prefix(p1, "/org/vessel/Vessel1/domain/"));
    fixture_wait_event(fx, "alpha", 0, 0);

    g_autoptr(GVariant) list = fixture_manager(fx, "ListDomains", g_variant_new("(u)", 0),
                                               "(a(sisuubbo))", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) arr = g_variant_get_child_value(list, 0);
    g_assert_cmpuint(g_variant_n_children(arr), ==, 2);
    const char *name, *uuid, *path;
    gint32 id;
    guint32 state, reason;
    gboolean persistent, autostart;
    g_variant_get_child(arr, 0, "(&si&suubb&o)", &name, &id, &uuid, &state, &reason,
                        &persistent, &autostart, &path);
    g_assert_cmpstr(name, ==, "alpha");
    g_assert_cmpint(id, ==, -1);
    g_assert_cmpuint(state, ==, 5);
    g_assert_true(persistent);
    g_assert_false(autostart);
    g_assert_cmpstr(path, ==, p1);

    /* lookups by name and by uuid (canonical and 32 hex) agree */
    g_autoptr(GVariant) byname = fixture_manager(fx, "LookupByName",
                                                 g_variant_new("(s)", "beta"), "(o)", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) uuidv = g_dbus_connection_call_sync(
        fx->conn, NULL, p2, "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.vessel.Domain1", "UUID"), G_VARIANT_TYPE("(v)"), 0, -1,
        NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) uv = NULL;
    g_variant_get(uuidv, "(v)", &uv);
    const char *u = g_variant_get_string(uv, NULL);
    g_assert_cmpuint(strlen(u), ==, 36);
    g_autoptr(GVariant) byuuid = fixture_manager(fx, "LookupByUUID", g_variant_new("(s)", u),
                                                 "(o)", &err);
    g_assert_no_error(err);
    g_assert_true(g_variant_equal(byname, byuuid));
    g_autofree char *hex = g_strdup(u);
    g_autofree char *upper = NULL;
    {
        GString *s = g_string_new(NULL);
        for (const char *c = u; *c; c++)
            if (*c != '-')
                g_string_append_c(s, g_ascii_toupper(*c));
        upper = g_string_free(s, FALSE);
    }
    g_autoptr(GVariant) byhex = fixture_manager(fx, "LookupByUUID",
                                                g_variant_new("(s)", upper), "(o)", &err);
    g_assert_no_error(err);
    g_assert_true(g_variant_equal(byname, byhex));

    /* unknown names are NoDomain */
    g_autoptr(GVariant) none = fixture_manager(fx, "LookupByName",
                                               g_variant_new("(s)", "gamma"), "(o)", &err);
    g_assert_null(none);
    fixture_assert_error(err, "org.vessel.Error.NoDomain");
    g_clear_error(&err);

    /* the definition is on disk and comes back as XML */
    g_autofree char *file = g_build_filename(fx->config_dir, "domains", "alpha.xml", NULL);
    g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
    g_autoptr(GVariant) xml = fixture_domain(fx, p1, "GetXMLDesc", g_variant_new("(u)", 0),
                                             "(s)", &err);
    g_assert_no_error(err);
    const char *xs;
    g_variant_get(xml, "(&s)", &xs);
    g_assert_nonnull(strstr(xs, "<name>alpha</name>"));

    /* undefine removes file and object */
    g_autoptr(GVariant) un = fixture_domain(fx, p1, "Undefine", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
    fixture_wait_event(fx, "alpha", 1, 0);
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    g_autoptr(GVariant) again = fixture_domain(fx, p1, "GetXMLDesc", g_variant_new("(u)", 0),
                                               "(s)", &err);
    g_assert_null(again);
    fixture_assert_error(err, "org.vessel.Error.NoDomain");
}

static void test_redefine_keeps_uuid(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p1 = fixture_define(fx, "same", NULL);
    g_autofree char *p2 = fixture_define(fx, "same", "changed");
    g_assert_cmpstr(p1, ==, p2);
    fixture_wait_event(fx, "same", 0, 1);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) xml = fixture_domain(fx, p1, "GetXMLDesc", g_variant_new("(u)", 0),
                                             "(s)", &err);
    g_assert_no_error(err);
    const char *xs;
    g_variant_get(xml, "(&s)", &xs);
    g_assert_nonnull(strstr(xs, "changed"));

    /* same name with an explicit different uuid is refused */
    g_autofree char *base = fixture_domain_xml(fx, "same", NULL);
    g_autofree char *other = NULL;
    {
        char *at = strstr(base, "<memory");
        other = g_strdup_printf("%.*s<uuid>11111111-2222-3333-4444-555555555555</uuid>\n  %s",
                                (int)(at - base), base, at);
    }
    g_autoptr(GVariant) r = fixture_manager(fx, "DefineXML", g_variant_new("(s)", other), "(o)",
                                            &err);
    g_assert_null(r);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
}

static void test_invalid_xml(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    const char *bad[] = {
        "",
        "<domain",
        "<domain type='dbt'><name>x</name></domain>",
        "<network><name>n</name></network>",
        "<domain type='kvm'><name>../evil</name></domain>",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(GVariant) r = fixture_manager(fx, "DefineXML", g_variant_new("(s)", bad[i]),
                                                "(o)", &err);
        g_assert_null(r);
        fixture_assert_error(err, "org.vessel.Error.InvalidXML");
        g_assert_cmpstr(strchr(err->message, ' ') ? "msg" : "", ==, "msg");
    }
    g_autofree char *dir = g_build_filename(fx->config_dir, "domains", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;
    while ((ent = g_dir_read_name(d)))
        g_assert_cmpstr(ent, ==, "autostart");
}

static void test_readonly_socket(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "ro-test", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) ro = fixture_connect(fx, "vessel-sock-ro", &err);
    g_assert_no_error(err);

    /* reads work */
    g_autoptr(GVariant) list = fixture_call(ro, "/org/vessel/Vessel1", "org.vessel.Manager1",
                                            "ListDomains", g_variant_new("(u)", 0),
                                            "(a(sisuubbo))", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) info = fixture_call(ro, p, "org.vessel.Domain1", "GetInfo", NULL,
                                            "((uuuttt))", &err);
    g_assert_no_error(err);
    guint32 st, reason, vcpus;
    guint64 maxmem, mem, cpu;
    g_variant_get(info, "((uuuttt))", &st, &reason, &vcpus, &maxmem, &mem, &cpu);
    g_assert_cmpuint(vcpus, ==, 2);
    g_assert_cmpuint(maxmem, ==, 64 * 1024);

    /* writes are refused with a clear message, and nothing changes */
    g_autofree char *xml = fixture_domain_xml(fx, "ro-new", NULL);
    g_autoptr(GVariant) r1 = fixture_call(ro, "/org/vessel/Vessel1", "org.vessel.Manager1",
                                          "DefineXML", g_variant_new("(s)", xml), "(o)", &err);
    g_assert_null(r1);
    fixture_assert_error(err, "org.vessel.Error.AccessDenied");
    g_assert_nonnull(strstr(err->message, "read-only"));
    g_clear_error(&err);
    g_autoptr(GVariant) r2 = fixture_call(ro, p, "org.vessel.Domain1", "Undefine",
                                          g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r2);
    fixture_assert_error(err, "org.vessel.Error.AccessDenied");
    g_clear_error(&err);
    g_autoptr(GVariant) r3 = fixture_call(ro, p, "org.vessel.Domain1", "Start",
                                          g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r3);
    fixture_assert_error(err, "org.vessel.Error.AccessDenied");
    g_clear_error(&err);
    g_autoptr(GVariant) look = fixture_manager(fx, "LookupByName",
                                               g_variant_new("(s)", "ro-new"), "(o)", &err);
    fixture_assert_error(err, "org.vessel.Error.NoDomain");

    /* socket modes follow the configuration */
    g_autofree char *rw_path = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    g_autofree char *ro_path = g_build_filename(fx->run_dir, "vessel-sock-ro", NULL);
    GStatBuf sb;
    g_assert_cmpint(g_stat(rw_path, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 0777, ==, 0660);
    g_assert_cmpint(g_stat(ro_path, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 0777, ==, 0666);
}

static void test_persistence(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "keep", NULL);
    g_autofree char *p2 = fixture_define(fx, "plain", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "SetAutostart", g_variant_new("(b)", TRUE),
                                           NULL, &err);
    g_assert_no_error(err);
    g_autofree char *link = g_build_filename(fx->config_dir, "domains", "autostart",
                                             "keep.xml", NULL);
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    fixture_stop_daemon(fx, FALSE);

    /* the autostart marker of this boot exists: no autostart on restart */
    fixture_start_daemon(fx, NULL);
    g_autoptr(GVariant) list = fixture_manager(fx, "ListDomains", g_variant_new("(u)", 0),
                                               "(a(sisuubbo))", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) arr = g_variant_get_child_value(list, 0);
    g_assert_cmpuint(g_variant_n_children(arr), ==, 2);
    const char *name, *uuid, *path;
    gint32 id;
    guint32 state, reason;
    gboolean persistent, autostart;
    g_variant_get_child(arr, 0, "(&si&suubb&o)", &name, &id, &uuid, &state, &reason,
                        &persistent, &autostart, &path);
    g_assert_cmpstr(name, ==, "keep");
    g_assert_cmpstr(path, ==, p);
    g_assert_true(autostart);
    g_assert_cmpint(id, ==, -1);
}

static void test_autostart_once_per_boot(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "auto", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "SetAutostart", g_variant_new("(b)", TRUE),
                                           NULL, &err);
    g_assert_no_error(err);
    fixture_stop_daemon(fx, FALSE);

    /* a new "boot": the marker of the run directory is gone */
    g_autofree char *marker = g_build_filename(fx->run_dir, "autostarted", NULL);
    g_assert_true(g_file_test(marker, G_FILE_TEST_EXISTS));
    g_assert_cmpint(g_unlink(marker), ==, 0);
    fixture_start_daemon(fx, NULL);
    fixture_wait_state(fx, p, 1);
    g_assert_true(vt_wait_for_path(marker, vt_timeout_ms(20000)));

    /* destroyed, then a daemon restart in the same boot: stays off */
    g_autoptr(GVariant) d = fixture_domain(fx, p, "Destroy", g_variant_new("(u)", 0), NULL, &err);
    g_assert_no_error(err);
    fixture_stop_daemon(fx, FALSE);
    fixture_start_daemon(fx, NULL);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, 5);
}

static void test_malformed_calls(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "victim", NULL);
    g_autoptr(GError) err = NULL;

    /* wrong signature */
    g_autoptr(GVariant) r1 = fixture_manager(fx, "DefineXML", g_variant_new("(u)", 7), NULL, &err);
    g_assert_null(r1);
    g_assert_true(g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS));
    g_clear_error(&err);
    /* unknown method */
    g_autoptr(GVariant) r2 = fixture_manager(fx, "Explode", NULL, NULL, &err);
    g_assert_null(r2);
    g_clear_error(&err);
    /* unknown flags */
    g_autoptr(GVariant) r3 = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0x80), NULL, &err);
    g_assert_null(r3);
    fixture_assert_error(err, "org.vessel.Error.InvalidArg");
    g_clear_error(&err);
    g_autoptr(GVariant) r4 = fixture_manager(fx, "ListDomains", g_variant_new("(u)", 99), NULL,
                                             &err);
    g_assert_null(r4);
    fixture_assert_error(err, "org.vessel.Error.InvalidArg");
    g_clear_error(&err);
    /* objects that do not exist */
    g_autoptr(GVariant) r5 = fixture_domain(fx, "/org/vessel/Vessel1/domain/nothing", "Start",
                                            g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r5);
    fixture_assert_error(err, "org.vessel.Error.NoDomain");
    g_clear_error(&err);
    /* operations invalid in the current state */
    g_autoptr(GVariant) r6 = fixture_domain(fx, p, "Destroy", g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r6);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);
    g_autoptr(GVariant) r7 = fixture_domain(fx, p, "OpenConsole", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_null(r7);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);
    /* huge garbage: over the XML size limit, within [limits]
     * max_message_size (a larger message closes the connection:
     * test-security /daemon/security/message-size) */
    g_autofree char *junk = g_strnfill(2 * 1024 * 1024, '<');
    g_autoptr(GVariant) r8 = fixture_manager(fx, "DefineXML", g_variant_new("(s)", junk), "(o)",
                                             &err);
    g_assert_null(r8);
    fixture_assert_error(err, "org.vessel.Error.InvalidXML");
    g_clear_error(&err);

    /* the daemon is still fine */
    g_autoptr(GVariant) v = fixture_manager(fx, "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);
}

static void test_host_queries(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) caps = fixture_manager(fx, "GetCapabilities", NULL, "(s)", &err);
    g_assert_no_error(err);
    const char *xml;
    g_variant_get(caps, "(&s)", &xml);
    g_assert_nonnull(strstr(xml, "<accelerator name='dbt' usable='yes'/>"));
    gboolean kvm_usable = g_file_test("/dev/kvm", G_FILE_TEST_EXISTS) &&
                          access("/dev/kvm", R_OK | W_OK) == 0;
    if (!kvm_usable)
        g_assert_nonnull(strstr(xml, "<accelerator name='kvm' usable='no' reason='"));

    g_autoptr(GVariant) ni = fixture_manager(fx, "GetNodeInfo", NULL, "((stuuuuuu))", &err);
    g_assert_no_error(err);
    const char *model;
    guint64 mem;
    guint32 cpus, mhz, nodes, sockets, cores, threads;
    g_variant_get(ni, "((&stuuuuuu))", &model, &mem, &cpus, &mhz, &nodes, &sockets, &cores,
                  &threads);
    g_assert_cmpuint(cpus, ==, g_get_num_processors());
    g_assert_cmpuint(mem, >, 0);

    g_autoptr(GVariant) mode = g_dbus_connection_call_sync(
        fx->conn, NULL, "/org/vessel/Vessel1", "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.vessel.Manager1", "Mode"), G_VARIANT_TYPE("(v)"), 0, -1,
        NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) mv = NULL;
    g_variant_get(mode, "(v)", &mv);
    g_assert_cmpstr(g_variant_get_string(mv, NULL), ==, "system");

    /* introspection shows the contract */
    g_autoptr(GVariant) intro = g_dbus_connection_call_sync(
        fx->conn, NULL, "/org/vessel/Vessel1", "org.freedesktop.DBus.Introspectable",
        "Introspect", NULL, G_VARIANT_TYPE("(s)"), 0, -1, NULL, &err);
    g_assert_no_error(err);
    const char *is;
    g_variant_get(intro, "(&s)", &is);
    g_assert_nonnull(strstr(is, "ListDomains"));
}

static void test_second_instance_refused(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *vesseld = vt_build_path("daemon/vesseld");
    const char *argv[] = { vesseld, "--config", fx->conf, NULL };
    g_autofree char *out = NULL, *errs = NULL;
    int code = 0;
    g_autoptr(GError) err = NULL;
    g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(20000), &out, &errs, &code, &err));
    g_assert_cmpint(code, !=, 0);
    g_assert_nonnull(strstr(errs, "already running"));
    /* the first one still answers */
    g_autoptr(GVariant) v = fixture_manager(fx, "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/api/define-list-lookup-undefine", test_define_list_lookup_undefine);
    g_test_add_func("/daemon/api/redefine-keeps-uuid", test_redefine_keeps_uuid);
    g_test_add_func("/daemon/api/invalid-xml", test_invalid_xml);
    g_test_add_func("/daemon/api/readonly-socket", test_readonly_socket);
    g_test_add_func("/daemon/api/persistence", test_persistence);
    g_test_add_func("/daemon/api/autostart-once-per-boot", test_autostart_once_per_boot);
    g_test_add_func("/daemon/api/malformed-calls", test_malformed_calls);
    g_test_add_func("/daemon/api/host-queries", test_host_queries);
    g_test_add_func("/daemon/api/second-instance-refused", test_second_instance_refused);
    return g_test_run();
}
