/* test-vmm-control.c - the daemon's side of the VMM control channel
 * (daemon/vmm_control.c) against sockets this test serves itself:
 * `info` read with json-glib (escapes, nested objects, members of the
 * wrong type), and a VMM that does not answer - one that never accepts,
 * so its listen backlog fills, and one that accepts but never replies -
 * neither hangs a request (connect included) nor delays a request to
 * another VMM, and requests piling up on it are refused at once rather
 * than each waiting out its timeout.  /vmm-control/stopped-vmm does the
 * same against a real daemon and real VMMs, one stopped with SIGSTOP,
 * through the daemon's D-Bus API (issue 16). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon-fixture.h"
#include "daemon_error.h"
#include "vmm_control.h"
#include "vmm_watch.h"
#include "vtest.h"

#define ST_RUNNING 1

/* ---- info --------------------------------------------------------------- */

static void test_info_parse(void)
{
    g_autoptr(GError) err = NULL;
    /* a nested object with the same keys first: the top level counts */
    const char *json =
        "{\"crash\":{\"state\":\"bogus\",\"vcpus\":99},\"name\":\"a\\\"b\\\\c\\u00e9\","
        "\"state\":\"paused\",\"accel\":\"dbt\",\"vcpus\":2,\"memory_mib\":512,"
        "\"cpu_time_ns\":123456789012,\"pid\":1}";
    g_autoptr(VmmInfo) i = vmm_info_parse(json, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(i->state, ==, "paused");
    g_assert_cmpstr(i->accel, ==, "dbt");
    g_assert_cmpuint(i->vcpus, ==, 2);
    g_assert_cmpuint(i->memory_mib, ==, 512);
    g_assert_cmpuint(i->cpu_time_ns, ==, 123456789012ull);

    /* escapes in the value itself */
    g_autoptr(VmmInfo) e = vmm_info_parse("{\"state\":\"run\\u006eing\",\"accel\":\"k\\\"vm\"}",
                                          &err);
    g_assert_no_error(err);
    g_assert_cmpstr(e->state, ==, "running");
    g_assert_cmpstr(e->accel, ==, "k\"vm");

    /* wrong types and negative numbers are left out, not misread */
    g_autoptr(VmmInfo) w = vmm_info_parse(
        "{\"state\":7,\"accel\":null,\"vcpus\":\"3\",\"memory_mib\":-5,\"cpu_time_ns\":1.5}",
        &err);
    g_assert_no_error(err);
    g_assert_null(w->state);
    g_assert_null(w->accel);
    g_assert_cmpuint(w->vcpus, ==, 0);
    g_assert_cmpuint(w->memory_mib, ==, 0);
    g_assert_cmpuint(w->cpu_time_ns, ==, 0);

    /* brackets, quotes and slashes inside strings are text */
    g_autoptr(VmmInfo) t = vmm_info_parse(
        "{\"name\":\"[[[[[[[[[[{{{{{{{{{{'/#\\\"[[\",\"state\":\"running\"}", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(t->state, ==, "running");

    const char *bad[] = { "", "[1,2]", "\"state\"", "{\"state\":", "{\"state\":\"x\"} junk",
                          "{\"a\":\"\xff\"}", "{'state':'running'}",
                          "{\"state\":\"running\" /* c */}", "{\"a\":[[[[[[[[[1]]]]]]]]]}" };
    for (gsize k = 0; k < G_N_ELEMENTS(bad); k++) {
        g_autoptr(VmmInfo) b = vmm_info_parse(bad[k], &err);
        if (b)
            g_error("'%s' parsed as VMM info", bad[k]);
        g_assert_error(err, DAEMON_ERROR, DAEMON_ERROR_INTERNAL);
        g_clear_error(&err);
    }

    /* a hostile VMM's deepest reply (64 KiB of '[', as many as the reply
     * may hold) is refused with a clear error; json-glib alone recurses
     * once per level and overflows the thread's stack */
    g_autofree char *deep = g_strnfill(65535, '[');
    g_autoptr(VmmInfo) d = vmm_info_parse(deep, &err);
    g_assert_null(d);
    g_assert_error(err, DAEMON_ERROR, DAEMON_ERROR_INTERNAL);
    if (!strstr(err->message, "nests deeper"))
        g_error("unexpected error: %s", err->message);
    g_clear_error(&err);
}

/* ---- VMMs that do not answer ------------------------------------------- */

typedef struct {
    char *path;
    int listen_fd;
    GThread *thread;        /* the answering server, or NULL */
    gboolean accept;        /* the silent server accepts (and never replies) */
    GPtrArray *held;        /* its accepted connections, kept open */
    volatile gint stop;
} FakeVmm;

static int listen_on(const char *path, int backlog)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_assert_cmpuint(strlen(path), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, backlog), ==, 0);
    return fd;
}

/* An answering VMM: one reply per connection, `ok {info}`. */
static gpointer answer_thread(gpointer data)
{
    FakeVmm *f = data;
    while (!g_atomic_int_get(&f->stop)) {
        int c = accept(f->listen_fd, NULL, NULL);
        if (c < 0)
            continue;
        char buf[256];
        ssize_t n = recv(c, buf, sizeof(buf), 0);
        if (n > 0) {
            const char reply[] = "ok {\"state\":\"running\",\"cpu_time_ns\":42}\n";
            g_assert_cmpint(send(c, reply, sizeof(reply) - 1, MSG_NOSIGNAL), >, 0);
        }
        close(c);
    }
    return NULL;
}

/* A stopped VMM: accepts (if @accept) and never replies, or never accepts. */
static gpointer silent_thread(gpointer data)
{
    FakeVmm *f = data;
    while (!g_atomic_int_get(&f->stop)) {
        int c = accept(f->listen_fd, NULL, NULL);
        if (c >= 0)
            g_ptr_array_add(f->held, GINT_TO_POINTER(c));
    }
    return NULL;
}

static FakeVmm *fake_new(const char *dir, const char *name, GThreadFunc run, gboolean accept)
{
    FakeVmm *f = g_new0(FakeVmm, 1);
    f->path = g_build_filename(dir, name, NULL);
    f->listen_fd = listen_on(f->path, 1);
    f->held = g_ptr_array_new();
    f->accept = accept;
    if (run)
        f->thread = g_thread_new(name, run, f);
    return f;
}

static void fake_free(FakeVmm *f)
{
    g_atomic_int_set(&f->stop, 1);
    if (f->thread) {
        /* wake accept() */
        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strcpy(sa.sun_path, f->path);
        shutdown(f->listen_fd, SHUT_RDWR);
        connect(c, (struct sockaddr *)&sa, sizeof(sa));
        close(c);
        g_thread_join(f->thread);
    }
    for (guint i = 0; i < f->held->len; i++)
        close(GPOINTER_TO_INT(f->held->pdata[i]));
    g_ptr_array_free(f->held, TRUE);
    close(f->listen_fd);
    unlink(f->path);
    g_free(f->path);
    g_free(f);
}

typedef struct {
    const char *path;
    guint timeout_ms;
    GError *error;
    char *reply;
    gint *done;             /* counts finished requests, or NULL */
} Request;

static gpointer request_thread(gpointer data)
{
    Request *r = data;
    r->reply = vmm_control_request(r->path, "info", r->timeout_ms, &r->error);
    if (r->done)
        g_atomic_int_inc(r->done);
    return NULL;
}

typedef struct {
    gint *done;
    gint n;
} DoneCount;

static gboolean all_done(gpointer data)
{
    DoneCount *c = data;
    return g_atomic_int_get(c->done) == c->n;
}

/* @n requests at once to @stuck; meanwhile one to @good must succeed;
 * every stuck request ends with DAEMON_ERROR_TIMEOUT, most of them at
 * once ("earlier requests ... still waiting"). */
static void hammer(FakeVmm *stuck, FakeVmm *good, guint n)
{
    Request *reqs = g_new0(Request, n);
    GThread **threads = g_new0(GThread *, n);
    gint done = 0;
    for (guint i = 0; i < n; i++) {
        reqs[i] = (Request){ .path = stuck->path, .timeout_ms = vt_timeout_ms(1500),
                             .done = &done };
        threads[i] = g_thread_new("req", request_thread, &reqs[i]);
    }
    /* another VMM answers while those wait */
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmInfo) info = vmm_control_info(good->path, vt_timeout_ms(10000), &err);
    g_assert_no_error(err);
    g_assert_cmpstr(info->state, ==, "running");
    g_assert_cmpuint(info->cpu_time_ns, ==, 42);
    /* each gives up after its timeout (1.5 s, scaled): all are done well
     * within a minute, or the channel hangs (a blocking connect would) */
    DoneCount dc = { &done, (gint)n };
    if (!vt_wait_until(all_done, &dc, vt_timeout_ms(60000)))
        g_error("%d of %u requests to a VMM that does not answer still wait", n - done, n);
    guint refused_at_once = 0;
    for (guint i = 0; i < n; i++) {
        g_thread_join(threads[i]);
        g_assert_null(reqs[i].reply);
        g_assert_error(reqs[i].error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT);
        refused_at_once += strstr(reqs[i].error->message, "still waiting") != NULL;
        g_clear_error(&reqs[i].error);
    }
    /* one request talks, at most four wait their turn; the rest are refused */
    g_assert_cmpuint(refused_at_once, >=, n - 5);
    g_free(reqs);
    g_free(threads);

    /* while the VMM stays stuck, the next request tries alone again and
     * one made meanwhile is refused at once (either may come first) */
    gint done2 = 0;
    Request a = { .path = stuck->path, .timeout_ms = vt_timeout_ms(1500), .done = &done2 };
    Request b = a;
    GThread *ta = g_thread_new("req", request_thread, &a);
    g_usleep(100000);
    GThread *tb = g_thread_new("req", request_thread, &b);
    DoneCount dc2 = { &done2, 2 };
    if (!vt_wait_until(all_done, &dc2, vt_timeout_ms(30000)))
        g_error("requests to a VMM known not to answer still wait");
    g_thread_join(ta);
    g_thread_join(tb);
    g_assert_error(a.error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT);
    g_assert_error(b.error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT);
    g_assert_cmpuint((strstr(a.error->message, "still waiting") != NULL) +
                     (strstr(b.error->message, "still waiting") != NULL), ==, 1);
    g_clear_error(&a.error);
    g_clear_error(&b.error);
}

static void test_not_answering(gconstpointer data)
{
    gboolean accepts = GPOINTER_TO_INT(data);
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("vmm-control");
    FakeVmm *good = fake_new(dir->path, "good", answer_thread, TRUE);
    /* never accepting: connect() itself would block once the backlog is full */
    FakeVmm *stuck = fake_new(dir->path, "stuck", accepts ? silent_thread : NULL, accepts);
    hammer(stuck, good, 24);
    /* once it answers again, requests go through as before */
    fake_free(stuck);
    stuck = fake_new(dir->path, "stuck", answer_thread, TRUE);
    g_autoptr(GError) err = NULL;
    g_autofree char *r = vmm_control_request(stuck->path, "status", vt_timeout_ms(10000), &err);
    g_assert_no_error(err);
    fake_free(stuck);
    fake_free(good);
}

/* ---- a real VMM stopped with SIGSTOP ------------------------------------ */

typedef struct {
    guint done;
    guint failed;
} InfoCalls;

static void info_done(GObject *src, GAsyncResult *res, gpointer data)
{
    InfoCalls *c = data;
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res, &err);
    c->failed += r == NULL;
    c->done++;
}

static gboolean info_calls_done(gpointer data)
{
    return ((InfoCalls *)data)->done == 48;
}

static void call_ok(DaemonFixture *fx, const char *path, const char *method, GVariant *args)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, path, method, args, NULL, &err);
    g_assert_no_error(err);
}

/* One VMM stopped with SIGSTOP: 48 GetInfo calls on the read-only
 * socket (more than the daemon's 32 pool threads) neither hang nor keep
 * another domain's operations waiting - root's SetAutostart, Suspend and
 * Resume of another domain complete while they are outstanding - and
 * each is answered (the stopped VMM's cpu time is left out).  Before,
 * the daemon's blocking connect() to the stopped VMM's full listen
 * backlog held every pool thread for good. */
static void test_stopped_vmm(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *ps = fixture_define(fx, "stopped", NULL);
    g_autofree char *po = fixture_define(fx, "other", NULL);
    call_ok(fx, ps, "Start", g_variant_new("(u)", 0));
    call_ok(fx, po, "Start", g_variant_new("(u)", 0));
    int pid = fixture_vmm_pid(fx, "stopped");
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(kill(pid, SIGSTOP), ==, 0);

    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) ro = fixture_connect(fx, "vessel-sock-ro", &err);
    g_assert_no_error(err);
    InfoCalls calls = { 0 };
    for (int i = 0; i < 48; i++)
        g_dbus_connection_call(ro, NULL, ps, "org.vessel.Domain1", "GetInfo", NULL,
                               G_VARIANT_TYPE("((uuuttt))"), G_DBUS_CALL_FLAGS_NONE,
                               vt_timeout_ms(120000), NULL, info_done, &calls);
    g_dbus_connection_flush_sync(ro, NULL, &err);
    g_assert_no_error(err);
    /* root, on another domain, while those are outstanding */
    call_ok(fx, po, "SetAutostart", g_variant_new("(b)", TRUE));
    call_ok(fx, po, "SetAutostart", g_variant_new("(b)", FALSE));
    call_ok(fx, po, "Suspend", NULL);
    call_ok(fx, po, "Resume", NULL);
    guint st, reason;
    fixture_state(fx, po, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    /* and every GetInfo is answered */
    g_assert_true(vt_wait_until(info_calls_done, &calls, vt_timeout_ms(120000)));
    g_assert_cmpuint(calls.failed, ==, 0);
    g_assert_cmpint(kill(pid, SIGCONT), ==, 0);
    g_autoptr(GVariant) info = fixture_domain(fx, ps, "GetInfo", NULL, "((uuuttt))", &err);
    g_assert_no_error(err);
    call_ok(fx, ps, "Destroy", g_variant_new("(u)", 0));
    call_ok(fx, po, "Destroy", g_variant_new("(u)", 0));
}

/* ---- the event channel (vmm_watch.c) ------------------------------- */

static void count_event(const char *event, gpointer data)
{
    g_assert_cmpstr(event, ==, "reset");
    (*(int *)data)++;
}

static void pump(int ms)
{
    gint64 end = g_get_monotonic_time() + ms * 1000LL;
    while (g_get_monotonic_time() < end)
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(1000);
}

typedef struct {
    int *events;
    int want;
} EventWait;

static gboolean events_reached(gpointer data)
{
    const EventWait *e = data;
    return *e->events >= e->want;
}

/* Wait for @want events, then a little longer for any beyond them. */
static void wait_events(int *events, int want)
{
    EventWait e = { events, want };
    g_assert_true(vt_wait_until(events_reached, &e, vt_timeout_ms(10000)));
    pump(50);
}

/* The daemon's end of @fd is closed (recv sees EOF). */
static gboolean peer_hung_up(gpointer data)
{
    char b[16];
    ssize_t n;
    while ((n = recv(GPOINTER_TO_INT(data), b, sizeof(b), MSG_DONTWAIT)) > 0)
        ;
    return n == 0;
}

static void send_str(int fd, const char *s)
{
    g_assert_cmpint(send(fd, s, strlen(s), MSG_NOSIGNAL), ==, (ssize_t)strlen(s));
}

/* A VMM that floods events gets VMM_WATCH_RATE a second passed on; one
 * that sends a line no VMM sends (overlong, or not an event) is no
 * longer watched: the daemon hangs up. */
static void test_watch_bounds(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("vmm-watch");
    g_autofree char *path = g_build_filename(dir->path, "ctl", NULL);
    int lfd = listen_on(path, 4);
    int events = 0;
    g_autoptr(GError) err = NULL;
    VmmWatch *w = vmm_watch_new(path, NULL, count_event, &events, NULL, &err);
    g_assert_no_error(err);
    int c = accept(lfd, NULL, NULL);
    g_assert_cmpint(c, >=, 0);
    char req[16] = { 0 };
    g_assert_cmpint(recv(c, req, sizeof(req) - 1, 0), ==, 6);
    g_assert_cmpstr(req, ==, "watch\n");
    send_str(c, "ok\nevent reset\n");
    wait_events(&events, 1);
    g_assert_cmpint(events, ==, 1);
    GString *burst = g_string_new(NULL);
    for (int i = 0; i < 3 * VMM_WATCH_RATE; i++)
        g_string_append(burst, "event reset\n");
    send_str(c, burst->str);
    g_string_free(burst, TRUE);
    wait_events(&events, VMM_WATCH_RATE);
    g_assert_cmpint(events, ==, VMM_WATCH_RATE);
    /* the next second passes more again */
    g_usleep(G_USEC_PER_SEC);
    send_str(c, "event reset\n");
    wait_events(&events, VMM_WATCH_RATE + 1);
    g_assert_cmpint(events, ==, VMM_WATCH_RATE + 1);
    /* an overlong line: the watch ends, the VMM sees the daemon hang up */
    g_autofree char *lng = g_strnfill(VMM_WATCH_LINE_MAX + 10, 'e');
    send_str(c, lng);
    g_assert_true(vt_wait_until(peer_hung_up, GINT_TO_POINTER(c), vt_timeout_ms(10000)));
    vmm_watch_free(w);
    close(c);

    /* not an event line at all */
    events = 0;
    w = vmm_watch_new(path, NULL, count_event, &events, NULL, &err);
    g_assert_no_error(err);
    c = accept(lfd, NULL, NULL);
    send_str(c, "ok\nhello\nevent reset\n");
    g_assert_true(vt_wait_until(peer_hung_up, GINT_TO_POINTER(c), vt_timeout_ms(10000)));
    g_assert_cmpint(events, ==, 0);
    vmm_watch_free(w);
    close(c);
    close(lfd);

    /* nobody listening: an error, no watch */
    unlink(path);
    g_assert_null(vmm_watch_new(path, NULL, count_event, &events, NULL, &err));
    g_assert_error(err, DAEMON_ERROR, DAEMON_ERROR_INTERNAL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmm-control/info-parse", test_info_parse);
    g_test_add_data_func("/vmm-control/never-accepts", GINT_TO_POINTER(FALSE),
                         test_not_answering);
    g_test_add_data_func("/vmm-control/never-replies", GINT_TO_POINTER(TRUE),
                         test_not_answering);
    g_test_add_func("/vmm-control/stopped-vmm", test_stopped_vmm);
    g_test_add_func("/vmm-control/watch-bounds", test_watch_bounds);
    return g_test_run();
}
