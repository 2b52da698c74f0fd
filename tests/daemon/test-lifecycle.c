/* test-lifecycle.c - starting and stopping domains under vesseld, with
 * the real vessel-vmm running tiny guests (daemon-fixture.h): states,
 * reasons, events, status files, logs, console, transient domains (the
 * consoles by device name: test-console.c). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <gio/gunixfdlist.h>

#include "daemon-fixture.h"

enum { ST_RUNNING = 1, ST_PAUSED = 3, ST_SHUTDOWN = 4, ST_SHUTOFF = 5 };
enum { EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_SUSPENDED, EV_RESUMED, EV_STOPPED };

static void call_ok(DaemonFixture *fx, const char *path, const char *method, GVariant *args)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, path, method, args, NULL, &err);
    g_assert_no_error(err);
}


static char *read_log(DaemonFixture *fx, const char *name)
{
    return fixture_read_log(fx, name);
}

static void test_start_destroy(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "vm1", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    fixture_wait_guest(fx, p, "vm1");
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    g_assert_cmpuint(reason, ==, 1);   /* booted */
    fixture_wait_event(fx, "vm1", EV_STARTED, 0);

    g_autofree char *sf = fixture_status_file(fx, p);
    g_assert_true(g_file_test(sf, G_FILE_TEST_IS_REGULAR));
    int pid = fixture_vmm_pid(fx, "vm1");
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(kill(pid, 0), ==, 0);

    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) info = fixture_domain(fx, p, "GetInfo", NULL, "((uuuttt))", &err);
    g_assert_no_error(err);
    guint32 ist, ireason, vcpus;
    guint64 maxmem, mem, cpu;
    g_variant_get(info, "((uuuttt))", &ist, &ireason, &vcpus, &maxmem, &mem, &cpu);
    g_assert_cmpuint(ist, ==, ST_RUNNING);
    g_assert_cmpuint(cpu, >, 0);     /* came from the VMM's info reply */

    /* starting twice is refused */
    g_autoptr(GVariant) again = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(again);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);

    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
    g_assert_cmpuint(reason, ==, 2);   /* destroyed */
    fixture_wait_event(fx, "vm1", EV_STOPPED, 1);
    g_assert_false(g_file_test(sf, G_FILE_TEST_EXISTS));
    g_assert_true(kill(pid, 0) < 0 && errno == ESRCH);

    g_autofree char *log = read_log(fx, "vm1");
    g_assert_nonnull(strstr(log, "vesseld: starting up:"));
    g_assert_nonnull(strstr(log, "vessel-ping-"));   /* the guest's echo */
}

static void test_shutdown(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "polite", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    call_ok(fx, p, "Shutdown", g_variant_new("(uu)", 0, 0));
    fixture_wait_state(fx, p, ST_SHUTOFF);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    if (reason != 1) {
        g_autofree char *log = read_log(fx, "polite");
        g_test_message("domain log:\n%s", log ? log : "(none)");
    }
    g_assert_cmpuint(reason, ==, 1);   /* shutdown */
    fixture_wait_event(fx, "polite", EV_STOPPED, 0);

    /* waiting for it: the call returns once it is off */
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    call_ok(fx, p, "Shutdown", g_variant_new("(uu)", 0, 60));
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
}

static void test_shutdown_timeout(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define_guest(fx, "stubborn", "deaf", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));

    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Shutdown", g_variant_new("(uu)", 0, 1), NULL,
                                           &err);
    g_assert_null(r);
    fixture_assert_error(err, "org.vessel.Error.Timeout");
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTDOWN);

    /* DESTROY_ON_TIMEOUT */
    call_ok(fx, p, "Shutdown", g_variant_new("(uu)", 2, 1));
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
    g_assert_cmpuint(reason, ==, 2);   /* destroyed */
}

static void test_crash(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    /* exit status 4: the guest crashed */
    g_autofree char *p = fixture_define_guest(fx, "fragile", "fragile", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    call_ok(fx, p, "Shutdown", g_variant_new("(uu)", 0, 0));
    fixture_wait_state(fx, p, ST_SHUTOFF);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(reason, ==, 3);   /* crashed */
    fixture_wait_event(fx, "fragile", EV_STOPPED, 2);
    /* why: the VMM's exit line in the domain log */
    g_autofree char *why = read_log(fx, "fragile");
    g_assert_nonnull(strstr(why, "vessel-vmm: guest crashed: triple fault, vector 13 (#GP)"));

    /* kill -9 of the VMM process */
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    int pid = fixture_vmm_pid(fx, "fragile");
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    fixture_wait_state(fx, p, ST_SHUTOFF);
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(reason, ==, 3);
    g_autofree char *sf = fixture_status_file(fx, p);
    g_assert_false(g_file_test(sf, G_FILE_TEST_EXISTS));
    g_autofree char *log = read_log(fx, "fragile");
    g_assert_nonnull(strstr(log, "killed by signal 9"));
}

static gboolean pid_changed(gpointer data)
{
    void **a = data;
    int pid = fixture_vmm_pid(a[0], "phoenix");
    return pid > 0 && pid != GPOINTER_TO_INT(a[1]);
}

static void test_crash_restart(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *xml = fixture_domain_xml_guest(fx, "phoenix", "fragile", NULL);
    g_autofree char *with = NULL;
    {
        char *at = strstr(xml, "<devices>");
        with = g_strdup_printf("%.*s<on_crash>restart</on_crash>\n  %s", (int)(at - xml), xml, at);
    }
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) d = fixture_manager(fx, "DefineXML", g_variant_new("(s)", with), "(o)",
                                            &err);
    g_assert_no_error(err);
    const char *p;
    g_variant_get(d, "(&o)", &p);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    int pid = fixture_vmm_pid(fx, "phoenix");
    call_ok(fx, p, "Shutdown", g_variant_new("(uu)", 0, 0));   /* the VMM "crashes" */
    fixture_wait_event(fx, "phoenix", EV_STOPPED, 2);
    void *args[2] = { fx, GINT_TO_POINTER(pid) };
    g_assert_true(vt_wait_until(pid_changed, args, vt_timeout_ms(20000)));
    fixture_wait_state(fx, p, ST_RUNNING);
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
}

static void test_start_failure(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *junk = g_build_filename(fx->dir->path, "junk", NULL);
    g_assert_true(g_file_set_contents(junk, "this is not a kernel\n", -1, NULL));
    g_autofree char *p = fixture_define_guest(fx, "broken", junk, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r);
    fixture_assert_error(err, "org.vessel.Error.Internal");
    g_assert_nonnull(strstr(err->message, "not a Linux kernel"));
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
    g_autofree char *sf = fixture_status_file(fx, p);
    g_assert_false(g_file_test(sf, G_FILE_TEST_EXISTS));
    g_clear_error(&err);

    /* a missing VMM binary is a clear error too */
    g_autofree char *xml = fixture_domain_xml(fx, "novmm", NULL);
    g_autofree char *with_emu = NULL;
    {
        char *at = strstr(xml, "<serial");
        with_emu = g_strdup_printf("%.*s<emulator>/nonexistent/vessel-vmm</emulator>\n    %s",
                                   (int)(at - xml), xml, at);
    }
    g_autoptr(GVariant) d = fixture_manager(fx, "DefineXML", g_variant_new("(s)", with_emu),
                                            "(o)", &err);
    g_assert_no_error(err);
    const char *p2;
    g_variant_get(d, "(&o)", &p2);
    g_autoptr(GVariant) r2 = fixture_domain(fx, p2, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r2);
    g_assert_nonnull(strstr(err->message, "/nonexistent/vessel-vmm"));
}

static void test_suspend_resume_reboot(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "napper", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    call_ok(fx, p, "Suspend", NULL);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_PAUSED);
    g_assert_cmpuint(reason, ==, 1);   /* user */
    fixture_wait_event(fx, "napper", EV_SUSPENDED, 0);

    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Suspend", NULL, NULL, &err);
    g_assert_null(r);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);

    call_ok(fx, p, "Resume", NULL);
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    g_assert_cmpuint(reason, ==, 5);   /* unpaused */
    fixture_wait_event(fx, "napper", EV_RESUMED, 0);

    call_ok(fx, p, "Reboot", g_variant_new("(u)", 0));
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    call_ok(fx, p, "Reset", g_variant_new("(u)", 0));
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    g_autoptr(GVariant) r3 = fixture_domain(fx, p, "Reset", g_variant_new("(u)", 1), NULL, &err);
    g_assert_null(r3);
    fixture_assert_error(err, "org.vessel.Error.InvalidArg");
    g_clear_error(&err);

    /* start paused */
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    call_ok(fx, p, "Start", g_variant_new("(u)", 1));
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_PAUSED);
}

static void test_transient(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *xml = fixture_domain_xml(fx, "fleeting", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "CreateXML", g_variant_new("(su)", xml, 0), "(o)",
                                            &err);
    g_assert_no_error(err);
    const char *p;
    g_variant_get(r, "(&o)", &p);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    g_autofree char *file = g_build_filename(fx->config_dir, "domains", "fleeting.xml", NULL);
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));

    g_autoptr(GVariant) au = fixture_domain(fx, p, "SetAutostart", g_variant_new("(b)", TRUE),
                                            NULL, &err);
    g_assert_null(au);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);

    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    g_autoptr(GVariant) look = fixture_manager(fx, "LookupByName",
                                               g_variant_new("(s)", "fleeting"), "(o)", &err);
    g_assert_null(look);
    fixture_assert_error(err, "org.vessel.Error.NoDomain");
}

static void test_undefine_running_and_redefine(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "living", "first");
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));

    /* redefine while running: live XML stays, inactive XML is the new one */
    g_autofree char *p2 = fixture_define(fx, "living", "second");
    g_assert_cmpstr(p, ==, p2);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) live = fixture_domain(fx, p, "GetXMLDesc", g_variant_new("(u)", 0), "(s)",
                                              &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) inactive = fixture_domain(fx, p, "GetXMLDesc", g_variant_new("(u)", 2),
                                                  "(s)", &err);
    g_assert_no_error(err);
    const char *lx, *ix;
    g_variant_get(live, "(&s)", &lx);
    g_variant_get(inactive, "(&s)", &ix);
    g_assert_nonnull(strstr(lx, "first"));
    g_assert_nonnull(strstr(ix, "second"));

    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    g_autoptr(GVariant) after = fixture_domain(fx, p, "GetXMLDesc", g_variant_new("(u)", 0),
                                               "(s)", &err);
    g_assert_no_error(err);
    const char *ax;
    g_variant_get(after, "(&s)", &ax);
    g_assert_nonnull(strstr(ax, "second"));

    /* undefine while running: it keeps running as a transient domain */
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    call_ok(fx, p, "Undefine", g_variant_new("(u)", 0));
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    g_autoptr(GVariant) look = fixture_manager(fx, "LookupByName",
                                               g_variant_new("(s)", "living"), "(o)", &err);
    g_assert_null(look);
}

typedef struct {
    int fd;
    GString *got;
    const char *want;
} ReadCtx;

static gboolean read_until(gpointer data)
{
    ReadCtx *r = data;
    struct pollfd p = { r->fd, POLLIN, 0 };
    while (poll(&p, 1, 0) > 0) {
        char buf[256];
        ssize_t n = read(r->fd, buf, sizeof(buf));
        if (n <= 0)
            break;
        g_string_append_len(r->got, buf, n);
    }
    return strstr(r->got->str, r->want) != NULL;
}

static void test_console(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "talker", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    fixture_wait_guest(fx, p, "talker");

    g_autoptr(GError) err = NULL;
    int fd = fixture_open_console(fx, p, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(fd, >=, 0);
    const char *msg = "hello through the relay\n";
    g_assert_cmpint(write(fd, msg, strlen(msg)), ==, (gssize)strlen(msg));
    ReadCtx rc = { fd, g_string_new(NULL), "hello through the relay" };
    g_assert_true(vt_wait_until(read_until, &rc, vt_timeout_ms(10000)));

    /* one client at a time, unless forced */
    int fd2 = fixture_open_console(fx, p, 0, &err);
    g_assert_cmpint(fd2, <, 0);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);
    int fd3 = fixture_open_console(fx, p, 2, &err);
    g_assert_no_error(err);
    g_assert_cmpint(fd3, >=, 0);
    /* the first client was disconnected: it reads EOF */
    char c;
    struct pollfd pf = { fd, POLLIN, 0 };
    g_assert_cmpint(poll(&pf, 1, vt_timeout_ms(10000)), ==, 1);
    g_assert_cmpint(read(fd, &c, 1), ==, 0);
    close(fd);
    close(fd3);
    g_string_free(rc.got, TRUE);

    /* the guest output went to the log as well */
    g_autofree char *log = read_log(fx, "talker");
    g_assert_nonnull(strstr(log, "hello through the relay"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/lifecycle/start-destroy", test_start_destroy);
    g_test_add_func("/daemon/lifecycle/shutdown", test_shutdown);
    g_test_add_func("/daemon/lifecycle/shutdown-timeout", test_shutdown_timeout);
    g_test_add_func("/daemon/lifecycle/crash", test_crash);
    g_test_add_func("/daemon/lifecycle/crash-restart", test_crash_restart);
    g_test_add_func("/daemon/lifecycle/start-failure", test_start_failure);
    g_test_add_func("/daemon/lifecycle/suspend-resume-reboot", test_suspend_resume_reboot);
    g_test_add_func("/daemon/lifecycle/transient", test_transient);
    g_test_add_func("/daemon/lifecycle/undefine-running-redefine",
                    test_undefine_running_and_redefine);
    g_test_add_func("/daemon/lifecycle/console", test_console);
    return g_test_run();
}
