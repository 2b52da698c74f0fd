/* test-recovery.c - vesseld killed with SIGKILL while VMMs run: the next
 * daemon finds them again through status files and control sockets, and
 * a VMM that died in between shows as shut off (crashed). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "daemon-fixture.h"

static void call_ok(DaemonFixture *fx, const char *path, const char *method, GVariant *args)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, path, method, args, NULL, &err);
    g_assert_no_error(err);
}

static gint32 domain_id(DaemonFixture *fx, const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = g_dbus_connection_call_sync(
        fx->conn, NULL, path, "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.vessel.Domain1", "Id"), G_VARIANT_TYPE("(v)"), 0, -1, NULL,
        &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) v = NULL;
    g_variant_get(r, "(v)", &v);
    return g_variant_get_int32(v);
}

static void test_reattach(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *a = fixture_define(fx, "runner", NULL);
    g_autofree char *b = fixture_define(fx, "sleeper", NULL);
    call_ok(fx, a, "Start", g_variant_new("(u)", 0));
    call_ok(fx, b, "Start", g_variant_new("(u)", 0));
    call_ok(fx, b, "Suspend", NULL);
    gint32 id_a = domain_id(fx, a), id_b = domain_id(fx, b);
    int pid_a = fixture_vmm_pid(fx, "runner");

    fixture_stop_daemon(fx, TRUE);
    g_assert_cmpint(kill(pid_a, 0), ==, 0);   /* the VM outlived the daemon */

    fixture_start_daemon(fx, NULL);
    guint st, reason;
    fixture_state(fx, a, &st, &reason);
    g_assert_cmpuint(st, ==, 1);
    fixture_state(fx, b, &st, &reason);
    g_assert_cmpuint(st, ==, 3);
    g_assert_cmpint(domain_id(fx, a), ==, id_a);
    g_assert_cmpint(domain_id(fx, b), ==, id_b);
    g_assert_cmpint(fixture_vmm_pid(fx, "runner"), ==, pid_a);

    /* control works on reattached VMMs, and their exit is seen */
    call_ok(fx, b, "Resume", NULL);
    call_ok(fx, b, "Shutdown", g_variant_new("(uu)", 0, 60));
    fixture_state(fx, b, &st, &reason);
    g_assert_cmpuint(st, ==, 5);
    g_assert_cmpuint(reason, ==, 1);  /* shutdown: we pressed the button */

    call_ok(fx, a, "Destroy", g_variant_new("(u)", 0));
    fixture_state(fx, a, &st, &reason);
    g_assert_cmpuint(st, ==, 5);
    g_assert_cmpuint(reason, ==, 2);
    g_assert_true(vt_wait_until(vt_pid_gone, GINT_TO_POINTER(pid_a), vt_timeout_ms(10000)));
}

static void test_died_while_down(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "victim", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    int pid = fixture_vmm_pid(fx, "victim");
    g_assert_cmpint(pid, >, 0);

    fixture_stop_daemon(fx, TRUE);
    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    g_assert_true(vt_wait_until(vt_pid_gone, GINT_TO_POINTER(pid), vt_timeout_ms(10000)));

    fixture_start_daemon(fx, NULL);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, 5);
    g_assert_cmpuint(reason, ==, 3);   /* crashed */
    g_autofree char *sf = fixture_status_file(fx, p);
    g_assert_false(g_file_test(sf, G_FILE_TEST_EXISTS));
    g_assert_cmpint(domain_id(fx, p), ==, -1);

    /* and it can be started again */
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, 1);
}

static void test_reattach_then_crash(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "orphan", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    int pid = fixture_vmm_pid(fx, "orphan");
    fixture_stop_daemon(fx, TRUE);
    fixture_start_daemon(fx, NULL);

    call_ok(fx, p, "Suspend", NULL);
    fixture_wait_event(fx, "orphan", 3, 0);
    /* not our child any more: exit seen through a pidfd */
    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    fixture_wait_state(fx, p, 5);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(reason, ==, 3);
    fixture_wait_event(fx, "orphan", 5, 2);
}

static void test_transient_survives_restart(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *xml = fixture_domain_xml(fx, "passing", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "CreateXML", g_variant_new("(su)", xml, 0), "(o)",
                                            &err);
    g_assert_no_error(err);
    const char *p;
    g_variant_get(r, "(&o)", &p);
    fixture_stop_daemon(fx, FALSE);     /* a clean stop leaves VMs running too */
    fixture_start_daemon(fx, NULL);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, 1);
    g_autoptr(GVariant) pers = g_dbus_connection_call_sync(
        fx->conn, NULL, p, "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.vessel.Domain1", "Persistent"), G_VARIANT_TYPE("(v)"), 0,
        -1, NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) v = NULL;
    g_variant_get(pers, "(v)", &v);
    g_assert_false(g_variant_get_boolean(v));
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    g_autoptr(GVariant) look = fixture_manager(fx, "LookupByName",
                                               g_variant_new("(s)", "passing"), "(o)", &err);
    g_assert_null(look);
}

static void test_corrupt_status_file(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "steady", NULL);
    fixture_stop_daemon(fx, FALSE);
    g_autofree char *bad = fixture_status_file(fx, p);
    g_assert_true(g_file_set_contents(bad, "<domstatus state='running' pid='", -1, NULL));
    fixture_start_daemon(fx, NULL);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, 5);
    g_assert_false(g_file_test(bad, G_FILE_TEST_EXISTS));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/recovery/reattach", test_reattach);
    g_test_add_func("/daemon/recovery/died-while-down", test_died_while_down);
    g_test_add_func("/daemon/recovery/reattach-then-crash", test_reattach_then_crash);
    g_test_add_func("/daemon/recovery/transient-survives-restart",
                    test_transient_survives_restart);
    g_test_add_func("/daemon/recovery/corrupt-status-file", test_corrupt_status_file);
    return g_test_run();
}
