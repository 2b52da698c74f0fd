/* test-concurrency.c - many clients at once: 16 connections define,
 * start, destroy and undefine domains for a bounded number of rounds;
 * nothing may be lost or corrupted, and a client that stops reading
 * must not stall the others.  More Shutdown calls waiting for guests
 * that ignore the power button than the daemon has pool threads must
 * not stall other write methods, and each is answered when its VMM
 * exits. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon-fixture.h"

#define N_CLIENTS 16
#define N_ROUNDS 4

typedef struct {
    DaemonFixture *fx;
    int index;
    GDBusConnection *conn;
    char *failure;          /* first failure, or NULL */
} Worker;

static gboolean worker_call(Worker *w, const char *path, const char *iface,
                            const char *method, GVariant *args, const char *rtype,
                            GVariant **out)
{
    g_autoptr(GError) err = NULL;
    GVariant *r = fixture_call(w->conn, path, iface, method, args, rtype, &err);
    if (!r) {
        if (!w->failure)
            w->failure = g_strdup_printf("client %d: %s: %s", w->index, method, err->message);
        return FALSE;
    }
    if (out)
        *out = r;
    else
        g_variant_unref(r);
    return TRUE;
}

static gpointer worker_run(gpointer data)
{
    Worker *w = data;
    g_autoptr(GError) err = NULL;
    w->conn = fixture_connect(w->fx, "vessel-sock", &err);
    if (!w->conn) {
        w->failure = g_strdup(err->message);
        return NULL;
    }
    for (int round = 0; round < N_ROUNDS && !w->failure; round++) {
        g_autofree char *name = g_strdup_printf("c%02d", w->index);
        g_autofree char *cmd = g_strdup_printf("round=%d", round);
        g_autofree char *xml = fixture_domain_xml(w->fx, name, cmd);
        GVariant *r = NULL;
        if (!worker_call(w, "/org/vessel/Vessel1", "org.vessel.Manager1", "DefineXML",
                         g_variant_new("(s)", xml), "(o)", &r))
            break;
        g_autofree char *path = NULL;
        g_variant_get(r, "(o)", &path);
        g_variant_unref(r);
        /* a shared domain everyone redefines, to contend on one object */
        g_autofree char *shared = fixture_domain_xml(w->fx, "shared", cmd);
        if (!worker_call(w, "/org/vessel/Vessel1", "org.vessel.Manager1", "DefineXML",
                         g_variant_new("(s)", shared), "(o)", NULL) ||
            !worker_call(w, path, "org.vessel.Domain1", "Start", g_variant_new("(u)", 0), NULL,
                         NULL) ||
            !worker_call(w, "/org/vessel/Vessel1", "org.vessel.Manager1", "ListDomains",
                         g_variant_new("(u)", 0), "(a(sisuubbo))", NULL))
            break;
        GVariant *x = NULL;
        if (!worker_call(w, path, "org.vessel.Domain1", "GetXMLDesc", g_variant_new("(u)", 0),
                         "(s)", &x))
            break;
        const char *xs;
        g_variant_get(x, "(&s)", &xs);
        if (!strstr(xs, cmd) && !w->failure)
            w->failure = g_strdup_printf("client %d: lost round %d in %s", w->index, round, xs);
        g_variant_unref(x);
        if (!worker_call(w, path, "org.vessel.Domain1", "Destroy", g_variant_new("(u)", 0),
                         NULL, NULL))
            break;
        if (round < N_ROUNDS - 1 &&
            !worker_call(w, path, "org.vessel.Domain1", "Undefine", g_variant_new("(u)", 0),
                         NULL, NULL))
            break;
    }
    return NULL;
}

/* A client that connects and then never reads: it sends a call and goes
 * silent while the others work. */
static int stalled_client(DaemonFixture *fx)
{
    g_autofree char *path = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    const char hello[] = "\0AUTH EXTERNAL 30\r\n";   /* begins auth, then stalls */
    g_assert_cmpint(write(fd, hello, sizeof(hello) - 1), ==, (gssize)sizeof(hello) - 1);
    return fd;
}

static void test_many_clients(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    int stalled = stalled_client(fx);

    Worker workers[N_CLIENTS] = { 0 };
    GThread *threads[N_CLIENTS];
    for (int i = 0; i < N_CLIENTS; i++) {
        workers[i] = (Worker){ fx, i, NULL, NULL };
        threads[i] = g_thread_new("client", worker_run, &workers[i]);
    }
    for (int i = 0; i < N_CLIENTS; i++) {
        g_thread_join(threads[i]);
        if (workers[i].failure)
            g_error("%s", workers[i].failure);
        g_clear_object(&workers[i].conn);
    }
    close(stalled);

    /* every client's last definition is there, intact, on disk too */
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) list = fixture_manager(fx, "ListDomains", g_variant_new("(u)", 0),
                                               "(a(sisuubbo))", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) arr = g_variant_get_child_value(list, 0);
    g_assert_cmpuint(g_variant_n_children(arr), ==, N_CLIENTS + 1);
    for (int i = 0; i < N_CLIENTS; i++) {
        g_autofree char *file = g_strdup_printf("%s/domains/c%02d.xml", fx->config_dir, i);
        g_autofree char *text = NULL;
        g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
        g_autofree char *want = g_strdup_printf("round=%d", N_ROUNDS - 1);
        g_assert_nonnull(strstr(text, want));
        g_assert_nonnull(strstr(text, "</domain>"));
    }
    /* no VMM left running, no stray temp files */
    g_autofree char *rundom = g_build_filename(fx->run_dir, "domains", NULL);
    g_autoptr(GDir) d = g_dir_open(rundom, 0, NULL);
    const char *ent;
    while ((ent = g_dir_read_name(d)))
        g_assert_false(g_str_has_suffix(ent, ".xml"));
    g_autofree char *cfgdom = g_build_filename(fx->config_dir, "domains", NULL);
    g_autoptr(GDir) d2 = g_dir_open(cfgdom, 0, NULL);
    while ((ent = g_dir_read_name(d2)))
        g_assert_true(g_str_has_suffix(ent, ".xml") || g_str_equal(ent, "autostart"));

    /* restart: everything loads back */
    fixture_stop_daemon(fx, FALSE);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GVariant) list2 = fixture_manager(fx, "ListDomains", g_variant_new("(u)", 0),
                                                "(a(sisuubbo))", &err);
    g_assert_no_error(err);
    /* same domains (the shut off reason is not persisted across restarts) */
    g_autoptr(GVariant) arr2 = g_variant_get_child_value(list2, 0);
    g_assert_cmpuint(g_variant_n_children(arr2), ==, g_variant_n_children(arr));
    for (gsize i = 0; i < g_variant_n_children(arr); i++) {
        const char *n1, *n2, *u1, *u2;
        g_variant_get_child(arr, i, "(&si&suubbo)", &n1, NULL, &u1, NULL, NULL, NULL, NULL, NULL);
        g_variant_get_child(arr2, i, "(&si&suubbo)", &n2, NULL, &u2, NULL, NULL, NULL, NULL, NULL);
        g_assert_cmpstr(n1, ==, n2);
        g_assert_cmpstr(u1, ==, u2);
    }
}

/* ------------------------------------------------------------ shutdown waits */

#define POOL_THREADS 32                 /* daemon_dbus.c */
#define N_WAITERS (POOL_THREADS + 4)
enum { ST_SHUTDOWN = 4 };

typedef struct {
    guint done;
    guint failed;
    char *first_error;
} CallCounter;

static void on_call_done(GObject *src, GAsyncResult *res, gpointer data)
{
    CallCounter *c = data;
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res, &err);
    c->done++;
    if (!r) {
        c->failed++;
        if (!c->first_error)
            c->first_error = g_strdup(err->message);
    }
}

static gboolean counter_reached(gpointer data)
{
    CallCounter *c = data;
    return c->done >= N_WAITERS;
}

typedef struct {
    DaemonFixture *fx;
    guint state;
    guint n;
} StateCount;

static gboolean n_in_state(gpointer data)
{
    StateCount *sc = data;
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) list = fixture_manager(sc->fx, "ListDomains", g_variant_new("(u)", 0),
                                               "(a(sisuubbo))", &err);
    g_assert_no_error(err);
    g_autoptr(GVariantIter) it = NULL;
    guint32 state, n = 0;
    g_variant_get(list, "(a(sisuubbo))", &it);
    while (g_variant_iter_next(it, "(&si&suubb&o)", NULL, NULL, NULL, &state, NULL, NULL, NULL,
                               NULL))
        n += state == sc->state;
    return n >= sc->n;
}

static void call_async(DaemonFixture *fx, const char *path, const char *method, GVariant *args,
                       CallCounter *c)
{
    g_dbus_connection_call(fx->conn, NULL, path, "org.vessel.Domain1", method,
                           args, NULL, G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, on_call_done, c);
}

/* Define @name booting @guest with one vCPU (an idle dbt guest then
 * costs next to no host CPU, and this test runs 37 of them at once). */
static char *define_small(DaemonFixture *fx, const char *name, const char *guest)
{
    g_autofree char *xml = fixture_domain_xml_guest(fx, name, guest, NULL);
    g_auto(GStrv) parts = g_regex_split_simple("<vcpu>[0-9]+</vcpu>", xml, 0, 0);
    g_assert_cmpuint(g_strv_length(parts), ==, 2);
    g_autofree char *small = g_strjoinv("<vcpu>1</vcpu>", parts);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "DefineXML", g_variant_new("(s)", small), "(o)",
                                            &err);
    g_assert_no_error(err);
    char *path = NULL;
    g_variant_get(r, "(o)", &path);
    return path;
}

static void test_shutdown_waits(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    char *paths[N_WAITERS];
    CallCounter started = { 0 }, waits = { 0 };

    /* guests that never power off: every Shutdown waits for its timeout */
    for (int i = 0; i < N_WAITERS; i++) {
        g_autofree char *name = g_strdup_printf("deaf%02d", i);
        paths[i] = define_small(fx, name, "deaf");
        call_async(fx, paths[i], "Start", g_variant_new("(u)", 0), &started);
    }
    g_assert_true(vt_wait_until(counter_reached, &started, vt_timeout_ms(120000)));
    if (started.failed)
        g_error("%u starts failed, first: %s", started.failed, started.first_error);

    for (int i = 0; i < N_WAITERS; i++)
        call_async(fx, paths[i], "Shutdown", g_variant_new("(uu)", 0, 3600), &waits);
    /* every power button is pressed while all the calls still wait */
    StateCount sc = { fx, ST_SHUTDOWN, N_WAITERS };
    g_assert_true(vt_wait_until(n_in_state, &sc, vt_timeout_ms(60000)));
    g_assert_cmpuint(waits.done, ==, 0);

    /* other write methods still run: define and start another guest;
     * its Shutdown waits time out (alone, then destroying it) */
    g_autofree char *probe = define_small(fx, "probe", "deaf");
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r1 = fixture_domain(fx, probe, "Start", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) r2 = fixture_domain(fx, probe, "Shutdown", g_variant_new("(uu)", 0, 1),
                                            NULL, &err);
    g_assert_null(r2);
    fixture_assert_error(err, "org.vessel.Error.Timeout");
    g_clear_error(&err);
    g_autoptr(GVariant) r3 = fixture_domain(fx, probe, "Shutdown", g_variant_new("(uu)", 2, 1),
                                            NULL, &err);
    g_assert_no_error(err);
    guint st, reason;
    fixture_state(fx, probe, &st, &reason);
    g_assert_cmpuint(st, ==, 5);        /* shut off */
    g_assert_cmpuint(reason, ==, 2);    /* destroyed */
    g_assert_cmpuint(waits.done, ==, 0);

    /* the VMM's exit answers each wait with success */
    for (int i = 0; i < N_WAITERS; i++) {
        g_autoptr(GVariant) r = fixture_domain(fx, paths[i], "Destroy", g_variant_new("(u)", 0),
                                               NULL, &err);
        g_assert_no_error(err);
    }
    g_assert_true(vt_wait_until(counter_reached, &waits, vt_timeout_ms(60000)));
    if (waits.failed)
        g_error("%u shutdown waits failed, first: %s", waits.failed, waits.first_error);
    for (int i = 0; i < N_WAITERS; i++)
        g_free(paths[i]);
    g_free(started.first_error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/concurrency/many-clients", test_many_clients);
    g_test_add_func("/daemon/concurrency/shutdown-waits", test_shutdown_waits);
    return g_test_run();
}
