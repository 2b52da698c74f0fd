/* test-vtest.c - the test helpers must themselves work: processes,
 * deadlines, captured output, a private dbus-daemon. */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "vtest.h"

static void test_run_captures(void)
{
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(GError) error = NULL;
    int code = -1;
    const char *argv[] = { "sh", "-c", "cat; echo oops >&2; exit 3", NULL };
    g_assert_true(vt_run(argv, NULL, "hello\n", 10000, &out, &err, &code, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(out, ==, "hello\n");
    g_assert_cmpstr(err, ==, "oops\n");
    g_assert_cmpint(code, ==, 3);
}

static void test_run_deadline(void)
{
    g_autoptr(GError) error = NULL;
    const char *argv[] = { "sleep", "30", NULL };
    g_assert_false(vt_run(argv, NULL, NULL, 200, NULL, NULL, NULL, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void test_proc_stop(void)
{
    g_autoptr(GError) error = NULL;
    const char *argv[] = { "sh", "-c", "echo started; exec sleep 30", NULL };
    g_autoptr(VtProc) proc = vt_proc_spawn(argv, NULL, VT_PROC_CAPTURE, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(vt_proc_wait(proc, 50, NULL));
    int st = vt_proc_stop(proc, 5000);
    g_assert_true(WIFSIGNALED(st));
    g_assert_cmpint(WTERMSIG(st), ==, SIGTERM);
    g_assert_cmpstr(vt_proc_output(proc), ==, "started\n");
}

static gboolean counter_reaches(gpointer data)
{
    int *n = data;
    return ++*n >= 5;
}

static void test_wait_until(void)
{
    int n = 0;
    g_assert_true(vt_wait_until(counter_reaches, &n, 10000));
    g_assert_cmpint(n, ==, 5);
    g_assert_false(vt_wait_for_path("/nonexistent/vessel", 30));
}

static void test_dbus(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("dbus");
    g_autoptr(GError) error = NULL;
    g_autoptr(VtDbus) bus = vt_dbus_start(dir->path, &error);
    g_assert_no_error(error);
    g_autoptr(GDBusConnection) conn = g_dbus_connection_new_for_address_sync(
        vt_dbus_address(bus),
        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(g_dbus_connection_get_unique_name(conn));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vtest/run-captures", test_run_captures);
    g_test_add_func("/vtest/run-deadline", test_run_deadline);
    g_test_add_func("/vtest/proc-stop", test_proc_stop);
    g_test_add_func("/vtest/wait-until", test_wait_until);
    g_test_add_func("/vtest/dbus", test_dbus);
    return g_test_run();
}
