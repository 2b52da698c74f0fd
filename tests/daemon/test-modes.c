/* test-modes.c - how vesseld runs: session mode with --timeout, systemd
 * readiness (NOTIFY_SOCKET), SIGHUP reload.  (How a root daemon's VMMs
 * run: test-security.c.) */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon-fixture.h"

static void test_session_timeout(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("session");
    g_autofree char *runtime = g_build_filename(dir->path, "runtime", NULL);
    g_autofree char *confhome = g_build_filename(dir->path, "config", NULL);
    g_autofree char *statehome = g_build_filename(dir->path, "state", NULL);
    g_assert_cmpint(g_mkdir_with_parents(runtime, 0700), ==, 0);
    /* the session's own vesseld.conf is read without --config */
    g_autofree char *vconf = g_build_filename(confhome, "vessel", NULL);
    g_assert_cmpint(g_mkdir_with_parents(vconf, 0700), ==, 0);
    g_autofree char *vfile = g_build_filename(vconf, "vesseld.conf", NULL);
    g_assert_true(g_file_set_contents(vfile, "[sockets]\nrw_perms=0640\n", -1, NULL));
    g_autofree char *e1 = g_strconcat("XDG_RUNTIME_DIR=", runtime, NULL);
    g_autofree char *e2 = g_strconcat("XDG_CONFIG_HOME=", confhome, NULL);
    g_autofree char *e3 = g_strconcat("XDG_STATE_HOME=", statehome, NULL);
    const char *envp[] = { e1, e2, e3, NULL };
    g_autofree char *vesseld = vt_build_path("daemon/vesseld");
    const char *argv[] = { vesseld, "--session", "--timeout", "1", NULL };
    g_autoptr(GError) err = NULL;
    g_autoptr(VtProc) proc = vt_proc_spawn(argv, envp, VT_PROC_CAPTURE, NULL, &err);
    g_assert_no_error(err);

    g_autofree char *sock = g_build_filename(runtime, "vessel", "vessel-sock", NULL);
    g_assert_true(vt_wait_for_path(sock, vt_timeout_ms(20000)));
    struct stat st;
    g_assert_cmpint(stat(sock, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0640);
    g_autofree char *esc = g_dbus_address_escape_value(sock);
    g_autofree char *addr = g_strconcat("unix:path=", esc, NULL);
    g_autoptr(GDBusConnection) c = g_dbus_connection_new_for_address_sync(
        addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) mode = g_dbus_connection_call_sync(
        c, NULL, "/org/vessel/Vessel1", "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.vessel.Manager1", "Mode"), G_VARIANT_TYPE("(v)"), 0, -1,
        NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) mv = NULL;
    g_variant_get(mode, "(v)", &mv);
    g_assert_cmpstr(g_variant_get_string(mv, NULL), ==, "session");
    /* the owner may write in session mode */
    g_autoptr(GVariant) d = g_dbus_connection_call_sync(
        c, NULL, "/org/vessel/Vessel1", "org.vessel.Manager1", "DefineXML",
        g_variant_new("(s)", "<oops"), NULL, 0, -1, NULL, &err);
    g_autofree char *remote = g_dbus_error_get_remote_error(err);
    g_assert_cmpstr(remote, ==, "org.vessel.Error.InvalidXML");
    g_clear_error(&err);

    /* idle: no clients, no domains -> exits by itself */
    g_dbus_connection_close_sync(c, NULL, NULL);
    int status = -1;
    g_assert_true(vt_proc_wait(proc, vt_timeout_ms(30000), &status));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert_nonnull(strstr(vt_proc_output(proc), "Idle for 1 seconds"));
    g_autofree char *confdir = g_build_filename(confhome, "vessel", "domains", NULL);
    g_assert_true(g_file_test(confdir, G_FILE_TEST_IS_DIR));
}

static void test_sd_notify(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    g_autofree char *npath = g_build_filename(fx->dir->path, "notify", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
                                        G_SOCKET_PROTOCOL_DEFAULT, &err);
    g_assert_no_error(err);
    g_autoptr(GSocketAddress) a = g_unix_socket_address_new(npath);
    g_assert_true(g_socket_bind(s, a, TRUE, &err));
    g_autofree char *env = g_strconcat("NOTIFY_SOCKET=", npath, NULL);
    const char *envp[] = { env, NULL };
    fixture_start_daemon(fx, envp);

    char buf[256];
    g_socket_set_timeout(s, vt_timeout_ms(20000) / 1000);
    gssize n = g_socket_receive(s, buf, sizeof(buf) - 1, NULL, &err);
    g_assert_no_error(err);
    buf[n] = '\0';
    g_assert_cmpstr(buf, ==, "READY=1");
    fixture_stop_daemon(fx, FALSE);
    n = g_socket_receive(s, buf, sizeof(buf) - 1, NULL, &err);
    g_assert_no_error(err);
    buf[n] = '\0';
    g_assert_cmpstr(buf, ==, "STOPPING=1");
}

static gboolean mode_is(gpointer data)
{
    const char *path = data;
    struct stat st;
    return stat(path, &st) == 0 && (st.st_mode & 0777) == 0600;
}

static void test_sighup_reload(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *sock = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    g_assert_false(mode_is(sock));

    /* a broken file is refused, the daemon keeps running */
    g_autofree char *good = NULL;
    g_assert_true(g_file_get_contents(fx->conf, &good, NULL, NULL));
    g_assert_true(g_file_set_contents(fx->conf, "[sockets]\nrw_perms=banana\n", -1, NULL));
    g_assert_cmpint(kill(vt_proc_pid(fx->daemon), SIGHUP), ==, 0);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) v = fixture_manager(fx, "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);

    g_autofree char *changed = g_strconcat(good, "[sockets]\nrw_perms=0600\n", NULL);
    g_assert_true(g_file_set_contents(fx->conf, changed, -1, NULL));
    g_assert_cmpint(kill(vt_proc_pid(fx->daemon), SIGHUP), ==, 0);
    g_assert_true(vt_wait_until(mode_is, sock, vt_timeout_ms(20000)));
    g_autoptr(GVariant) v2 = fixture_manager(fx, "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/modes/session-timeout", test_session_timeout);
    g_test_add_func("/daemon/modes/sd-notify", test_sd_notify);
    g_test_add_func("/daemon/modes/sighup-reload", test_sighup_reload);
    return g_test_run();
}
