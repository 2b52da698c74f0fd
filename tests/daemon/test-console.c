/* test-console.c - the daemon's console relay against the real vessel-vmm
 * running the tiny "idle" guest (daemon-fixture.h), which prints "idle"
 * first thing: that line reaches the domain log exactly once, before
 * anything typed later, also when the domain starts paused (the VMM is
 * spawned with --paused and resumed only after the relay attached), and
 * when the guest printed while no daemon ran (the VMM's serial backlog
 * reaches the restarted daemon's log).
 * OpenConsoleDevice with libvirt's device names: serial0, console1 (the
 * virtio console), errors for names a domain does not have.  (The tiny
 * guest has no virtio driver: data through hvc0 is tests/guest's.) */
#include "config.h"

#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
    g_autofree char *path = fixture_socket_path(fx, name, "control");
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

static int open_device(DaemonFixture *fx, const char *path, const char *dev, guint flags,
                       GError **error)
{
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) r = g_dbus_connection_call_with_unix_fd_list_sync(
        fx->conn, NULL, path, "org.vessel.Domain1", "OpenConsoleDevice",
        g_variant_new("(su)", dev, flags), G_VARIANT_TYPE("(h)"), 0, -1, NULL, &fds, NULL,
        error);
    if (!r)
        return -1;
    gint32 idx;
    g_variant_get(r, "(h)", &idx);
    return g_unix_fd_list_get(fds, idx, error);
}

static void assert_open_fails(DaemonFixture *fx, const char *path, const char *dev,
                              guint flags, const char *error_name)
{
    g_autoptr(GError) err = NULL;
    int fd = open_device(fx, path, dev, flags, &err);
    if (fd >= 0)
        g_error("OpenConsoleDevice('%s', %u) gave an fd", dev, flags);
    fixture_assert_error(err, error_name);
}

static char *define_with_virtio_console(DaemonFixture *fx, const char *name)
{
    g_autofree char *xml = fixture_domain_xml(fx, name, NULL);
    char *at = strstr(xml, "</devices>");
    g_assert_nonnull(at);
    g_autofree char *with = g_strdup_printf(
        "%.*s    <console type='pty'><target type='virtio'/></console>\n%s",
        (int)(at - xml), xml, at);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "DefineXML", g_variant_new("(s)", with), "(o)",
                                            &err);
    g_assert_no_error(err);
    const char *p;
    g_variant_get(r, "(&o)", &p);
    return g_strdup(p);
}

typedef struct {
    DaemonFixture *fx;
    const char *name;
    guint64 bytes;
} OutWait;

static gboolean vmm_wrote(gpointer data)
{
    OutWait *w = data;
    g_autofree char *info = vmm_request(w->fx, w->name, "info");
    const char *p = strstr(info, "\"serial_out_bytes\":");
    return p && g_ascii_strtoull(p + strlen("\"serial_out_bytes\":"), NULL, 10) >= w->bytes;
}

typedef struct {
    DaemonFixture *fx;
    const char *name;
} LogWait;

static gboolean idle_twice(gpointer data)
{
    LogWait *w = data;
    g_autofree char *log = fixture_read_log(w->fx, w->name);
    return count(log, "idle\n") >= 2;
}

/* The daemon is killed; the guest reboots (a reset on the VMM's own
 * control socket) and prints its first line again while no daemon
 * listens.  The restarted daemon reattaches and that line reaches the
 * log from the VMM's backlog. */
static void test_reattach_backlog(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "away", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    fixture_wait_log(fx, "away", "idle\n");
    fixture_stop_daemon(fx, TRUE);
    g_autofree char *r = vmm_request(fx, "away", "reset");
    g_assert_cmpstr(r, ==, "ok");
    OutWait ow = { fx, "away", 2 * strlen("idle\n") };
    g_assert_true(vt_wait_until(vmm_wrote, &ow, vt_timeout_ms(30000)));
    g_autofree char *before = fixture_read_log(fx, "away");
    g_assert_cmpuint(count(before, "idle\n"), ==, 1);
    fixture_start_daemon(fx, NULL);
    LogWait lw = { fx, "away" };
    if (!vt_wait_until(idle_twice, &lw, vt_timeout_ms(30000))) {
        g_autofree char *log = fixture_read_log(fx, "away");
        g_error("the line printed while no daemon ran is not in the log:\n%s", log);
    }
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
}

/* <console type='pty'><target type='virtio'/></console>: the VMM gets a
 * virtio console on RUN/domains/UUID/hvc, removed when it exits. */
static void test_virtio_console(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = define_with_virtio_console(fx, "hvc");
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    g_autofree char *hvc = fixture_socket_path(fx, "hvc", "hvc");
    struct stat st;
    g_assert_cmpint(stat(hvc, &st), ==, 0);
    g_assert_true(S_ISSOCK(st.st_mode));
    g_autofree char *log = fixture_read_log(fx, "hvc");
    g_assert_nonnull(strstr(log, "--console unix:fd:"));
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) x = fixture_domain(fx, p, "GetXMLDesc", g_variant_new("(u)", 0), "(s)",
                                           &err);
    g_assert_no_error(err);
    const char *desc;
    g_variant_get(x, "(&s)", &desc);
    g_assert_nonnull(strstr(desc, "<target type='virtio' port='0'/>"));
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    fixture_wait_state(fx, p, ST_SHUTOFF);
    g_assert_false(g_file_test(hvc, G_FILE_TEST_EXISTS));
}

static void test_devname(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = define_with_virtio_console(fx, "multi");
    g_autofree char *plain = fixture_define(fx, "plain", NULL);
    const char *const invalid = "org.vessel.Error.InvalidArg";
    const char *const not_now = "org.vessel.Error.OperationInvalid";
    assert_open_fails(fx, p, "serial0", 0, not_now);            /* not running */
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    call_ok(fx, plain, "Start", g_variant_new("(u)", 0));

    /* serial0 is the serial port: the guest echoes into the log */
    fixture_wait_log(fx, "multi", "idle\n");
    g_autoptr(GError) err = NULL;
    int serial = open_device(fx, p, "serial0", 0, &err);
    g_assert_no_error(err);
    const char *ping = "through serial0\n";
    g_assert_cmpint(write(serial, ping, strlen(ping)), ==, (gssize)strlen(ping));
    fixture_wait_log(fx, "multi", "through serial0");
    /* "" and OpenConsole are the same console: it is taken */
    assert_open_fails(fx, p, "", 0, not_now);
    g_assert_cmpint(fixture_open_console(fx, p, 0, &err), <, 0);
    fixture_assert_error(err, not_now);
    g_clear_error(&err);

    /* console1 is the virtio console, a console of its own */
    int hvc = open_device(fx, p, "console1", 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(hvc, >=, 0);
    assert_open_fails(fx, p, "console1", 0, not_now);           /* one client */
    int hvc2 = open_device(fx, p, "console1", 2, &err);         /* unless forced */
    g_assert_no_error(err);
    g_assert_cmpint(hvc2, >=, 0);

    /* names this domain does not have; unknown flags */
    assert_open_fails(fx, p, "console0", 0, invalid);  /* the serial port's alias copy */
    assert_open_fails(fx, p, "serial1", 0, invalid);
    assert_open_fails(fx, p, "hvc0", 0, invalid);
    assert_open_fails(fx, p, "console1", 4, invalid);
    assert_open_fails(fx, plain, "console1", 0, invalid);
    int plain_serial = open_device(fx, plain, "serial0", 0, &err);
    g_assert_no_error(err);
    close(plain_serial);
    close(serial);
    close(hvc);
    close(hvc2);
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    call_ok(fx, plain, "Destroy", g_variant_new("(u)", 0));
    assert_open_fails(fx, p, "console1", 0, not_now);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/console/first-line", test_first_line);
    g_test_add_func("/daemon/console/start-paused", test_start_paused);
    g_test_add_func("/daemon/console/reattach-backlog", test_reattach_backlog);
    g_test_add_func("/daemon/console/virtio-console", test_virtio_console);
    g_test_add_func("/daemon/console/devname", test_devname);
    return g_test_run();
}
