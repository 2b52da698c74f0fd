/* test-vmm-control.c - the daemon's side of the VMM control channel
 * (daemon/vmm_control.c) against sockets this test serves itself:
 * `info` read with json-glib (escapes, nested objects, members of the
 * wrong type), and a VMM that does not answer - one that never accepts,
 * so its listen backlog fills, and one that accepts but never replies -
 * neither hangs a request (connect included) nor delays a request to
 * another VMM, and requests piling up on it are refused at once rather
 * than each waiting out its timeout.  test-security's
 * /daemon/security/stopped-vmm does the same against real VMMs with
 * SIGSTOP, through the daemon's D-Bus API. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon_error.h"
#include "vmm_control.h"
#include "vtest.h"

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

    const char *bad[] = { "", "[1,2]", "\"state\"", "{\"state\":", "{\"state\":\"x\"} junk",
                          "{\"a\":\"\xff\"}" };
    for (gsize k = 0; k < G_N_ELEMENTS(bad); k++) {
        g_autoptr(VmmInfo) b = vmm_info_parse(bad[k], &err);
        if (b)
            g_error("'%s' parsed as VMM info", bad[k]);
        g_assert_error(err, DAEMON_ERROR, DAEMON_ERROR_INTERNAL);
        g_clear_error(&err);
    }
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
} Request;

static gpointer request_thread(gpointer data)
{
    Request *r = data;
    r->reply = vmm_control_request(r->path, "info", r->timeout_ms, &r->error);
    return NULL;
}

/* @n requests at once to @stuck; meanwhile one to @good must succeed;
 * every stuck request ends with DAEMON_ERROR_TIMEOUT, most of them at
 * once ("earlier requests ... still waiting"). */
static void hammer(FakeVmm *stuck, FakeVmm *good, guint n)
{
    Request *reqs = g_new0(Request, n);
    GThread **threads = g_new0(GThread *, n);
    for (guint i = 0; i < n; i++) {
        reqs[i] = (Request){ .path = stuck->path, .timeout_ms = vt_timeout_ms(1500) };
        threads[i] = g_thread_new("req", request_thread, &reqs[i]);
    }
    /* another VMM answers while those wait */
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmInfo) info = vmm_control_info(good->path, vt_timeout_ms(10000), &err);
    g_assert_no_error(err);
    g_assert_cmpstr(info->state, ==, "running");
    g_assert_cmpuint(info->cpu_time_ns, ==, 42);
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
     * the one after it is refused at once */
    Request a = { .path = stuck->path, .timeout_ms = vt_timeout_ms(1500) };
    GThread *ta = g_thread_new("req", request_thread, &a);
    g_usleep(100000);
    Request b = { .path = stuck->path, .timeout_ms = vt_timeout_ms(60000) };
    request_thread(&b);
    g_thread_join(ta);
    g_assert_error(a.error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT);
    g_assert_error(b.error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT);
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmm-control/info-parse", test_info_parse);
    g_test_add_data_func("/vmm-control/never-accepts", GINT_TO_POINTER(FALSE),
                         test_not_answering);
    g_test_add_data_func("/vmm-control/never-replies", GINT_TO_POINTER(TRUE),
                         test_not_answering);
    return g_test_run();
}
