/* test-console.c - the daemon's console relay against the real vessel-vmm
 * running the tiny "idle" guest (daemon-fixture.h), which prints "idle"
 * first thing: that line reaches the domain log exactly once, before
 * anything typed later, also when the domain starts paused (the VMM is
 * spawned with --paused and resumed only after the relay attached). */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon-fixture.h"

enum { ST_RUNNING = 1, ST_PAUSED = 3, ST_SHUTOFF = 5 };

static void call_ok(DaemonFixture *fx, const char *path, const char *method, GVariant *args)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, path, method, args, NULL, &err);
    g_assert_no_error(err);
}

static guint count(const char *hay, const char *needle)
{
    guint n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* One request on the VMM's own control socket: its reply line. */
static char *vmm_request(DaemonFixture *fx, const char *name, const char *line)
{
    g_autofree char *file = g_strconcat(name, ".control", NULL);
    g_autofree char *path = g_build_filename(fx->run_dir, "domains", file, NULL);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    struct timeval tv = { .tv_sec = vt_timeout_ms(30000) / 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    g_autofree char *req = g_strconcat(line, "\n", NULL);
    g_assert_cmpint(send(fd, req, strlen(req), MSG_NOSIGNAL), ==, (gssize)strlen(req));
    GString *reply = g_string_new(NULL);
    char c;
    while (recv(fd, &c, 1, 0) == 1 && c != '\n')
        g_string_append_c(reply, c);
    close(fd);
    return g_string_free(reply, FALSE);
}

/* The guest's first line is in the log once, before the first ping. */
static void assert_first_line_logged(DaemonFixture *fx, const char *path, const char *name)
{
    fixture_wait_log(fx, name, "idle\n");
    fixture_wait_guest(fx, path, name);
    g_autofree char *log = fixture_read_log(fx, name);
    g_assert_cmpuint(count(log, "idle\n"), ==, 1);
    const char *ping = strstr(log, "vessel-ping-");
    g_assert_nonnull(ping);
    g_assert_true(strstr(log, "idle\n") < ping);
}

static void test_first_line(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "early", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    assert_first_line_logged(fx, p, "early");
    g_autofree char *log = fixture_read_log(fx, "early");
    g_assert_nonnull(strstr(log, " --paused"));   /* how the daemon got there */
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
}

/* Start paused: the guest has not run (the VMM counts every byte it
 * writes to the serial port; the guest would print at once); Resume lets
 * it run and its first line reaches the log. */
static void test_start_paused(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "sleeper", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 1));
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_PAUSED);
    g_autofree char *status = vmm_request(fx, "sleeper", "status");
    g_assert_cmpstr(status, ==, "ok paused");
    g_autofree char *info = vmm_request(fx, "sleeper", "info");
    g_assert_nonnull(strstr(info, "\"serial_out_bytes\":0,"));
    call_ok(fx, p, "Resume", NULL);
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    assert_first_line_logged(fx, p, "sleeper");
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    fixture_wait_state(fx, p, ST_SHUTOFF);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/console/first-line", test_first_line);
    g_test_add_func("/daemon/console/start-paused", test_start_paused);
    return g_test_run();
}
