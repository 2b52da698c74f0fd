/* test-access.c - who may do what: a non-member uid (the test drops
 * privileges in a child process) may read but not write, a member of
 * the configured group may write; the system bus transport serves the
 * same objects under org.vessel.Vessel1.  The uid tests need root. */
#include "config.h"

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon-fixture.h"

#define NOBODY 65534

/* Child mode: --probe SOCKET WRITE_EXPECTED [GID]: drop to uid/gid
 * 65534 (plus GID as a supplementary group), then check that reading
 * works and that writing is allowed or refused as expected. */
static int probe(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    gid_t extra = argc > 4 ? (gid_t)atoi(argv[4]) : 0;
    if (setgroups(argc > 4 ? 1 : 0, &extra) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0) {
        perror("probe: dropping privileges");
        return 3;
    }
    g_autofree char *esc = g_dbus_address_escape_value(argv[2]);
    g_autofree char *addr = g_strconcat("unix:path=", esc, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) c = g_dbus_connection_new_for_address_sync(
        addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &err);
    if (!c) {
        fprintf(stderr, "probe: connect: %s\n", err->message);
        return 4;
    }
    g_autoptr(GVariant) l = fixture_call(c, "/org/vessel/Vessel1", "org.vessel.Manager1",
                                         "ListDomains", g_variant_new("(u)", 0),
                                         "(a(sisuubbo))", &err);
    if (!l) {
        fprintf(stderr, "probe: read refused: %s\n", err->message);
        return 5;
    }
    /* a write with a bad argument: InvalidXML means authorization passed */
    g_autoptr(GVariant) d = fixture_call(c, "/org/vessel/Vessel1", "org.vessel.Manager1",
                                         "DefineXML", g_variant_new("(s)", "<bad"), "(o)", &err);
    g_autofree char *name = err ? g_dbus_error_get_remote_error(err) : NULL;
    gboolean allowed = g_strcmp0(name, "org.vessel.Error.InvalidXML") == 0;
    gboolean denied = g_strcmp0(name, "org.vessel.Error.AccessDenied") == 0;
    if (denied)
        fprintf(stderr, "probe: %s\n", err->message);
    if (atoi(argv[3]) ? allowed : denied)
        return 0;
    fprintf(stderr, "probe: unexpected answer %s\n", name ? name : "(success)");
    return 6;
}

static void run_probe(DaemonFixture *fx, gboolean expect_write, const char *gid,
                      const char *expect_msg)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *sock = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    const char *argv[] = { self, "--probe", sock, expect_write ? "1" : "0", gid, NULL };
    g_autofree char *out = NULL, *err_text = NULL;
    int code = -1;
    g_autoptr(GError) err = NULL;
    g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(30000), &out, &err_text, &code, &err));
    if (code != 0)
        g_error("probe exited %d: %s", code, err_text);
    if (expect_msg)
        g_assert_nonnull(strstr(err_text, expect_msg));
}

static DaemonFixture *world_reachable_fixture(const char *group)
{
    g_autofree char *conf = g_strdup_printf("[sockets]\ngroup=%s\nrw_perms=0666\n", group);
    DaemonFixture *fx = fixture_new(conf);
    g_assert_cmpint(chmod(fx->dir->path, 0755), ==, 0);
    return fx;
}

static void test_non_member_reads_only(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root to drop to another uid");
        return;
    }
    /* a group uid 65534 is not in, by /etc/group or by its process */
    struct group *gr = getgrnam("adm");
    if (!gr) {
        g_test_skip("no group 'adm' on this host");
        return;
    }
    g_autoptr(DaemonFixture) fx = world_reachable_fixture("adm");
    fixture_start_daemon(fx, NULL);
    run_probe(fx, FALSE, NULL, "neither root nor a member of group 'adm'");
}

static void test_member_may_write(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root to drop to another uid");
        return;
    }
    struct group *gr = getgrnam("adm");
    if (!gr) {
        g_test_skip("no group 'adm' on this host");
        return;
    }
    g_autofree char *gid = g_strdup_printf("%u", (unsigned)gr->gr_gid);
    g_autoptr(DaemonFixture) fx = world_reachable_fixture("adm");
    fixture_start_daemon(fx, NULL);
    /* membership from the calling process's groups (SO_PEERGROUPS) */
    run_probe(fx, TRUE, gid, NULL);
}

static void test_system_bus(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new("[dbus]\nsystem_bus=true\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(VtDbus) bus = vt_dbus_start(fx->dir->path, &err);
    g_assert_no_error(err);
    g_autofree char *env = g_strconcat("DBUS_SYSTEM_BUS_ADDRESS=", vt_dbus_address(bus), NULL);
    const char *envp[] = { env, NULL };
    fixture_start_daemon(fx, envp);

    g_autoptr(GDBusConnection) c = g_dbus_connection_new_for_address_sync(
        vt_dbus_address(bus),
        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
        NULL, NULL, &err);
    g_assert_no_error(err);
    g_autofree char *xml = fixture_domain_xml(fx, "onbus", NULL);
    g_autoptr(GVariant) d = g_dbus_connection_call_sync(
        c, "org.vessel.Vessel1", "/org/vessel/Vessel1", "org.vessel.Manager1", "DefineXML",
        g_variant_new("(s)", xml), G_VARIANT_TYPE("(o)"), 0, vt_timeout_ms(30000), NULL, &err);
    g_assert_no_error(err);

    /* the same object over the daemon's own socket */
    g_autoptr(GVariant) look = fixture_manager(fx, "LookupByName", g_variant_new("(s)", "onbus"),
                                               "(o)", &err);
    g_assert_no_error(err);
    g_assert_true(g_variant_equal(d, look));

    /* signals reach bus clients too */
    g_autoptr(GVariant) l = g_dbus_connection_call_sync(
        c, "org.vessel.Vessel1", "/org/vessel/Vessel1", "org.vessel.Manager1", "ListDomains",
        g_variant_new("(u)", 0), G_VARIANT_TYPE("(a(sisuubbo))"), 0, -1, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(g_variant_n_children(g_variant_get_child_value(l, 0)), ==, 1);
    fixture_stop_daemon(fx, FALSE);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--probe") == 0)
        return probe(argc, argv);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/access/non-member-reads-only", test_non_member_reads_only);
    g_test_add_func("/daemon/access/member-may-write", test_member_may_write);
    g_test_add_func("/daemon/access/system-bus", test_system_bus);
    return g_test_run();
}
