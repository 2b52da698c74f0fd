/* daemon-fixture.c - see daemon-fixture.h. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>

#include "daemon-fixture.h"

DaemonFixture *fixture_new(const char *extra_conf)
{
    DaemonFixture *fx = g_new0(DaemonFixture, 1);
    fx->dir = vt_tmpdir_new("vesseld");
    fx->conf = g_build_filename(fx->dir->path, "vesseld.conf", NULL);
    fx->run_dir = g_build_filename(fx->dir->path, "run", NULL);
    fx->config_dir = g_build_filename(fx->dir->path, "etc", NULL);
    fx->kernel = vt_build_path("tests/daemon/guests/idle.elf");
    fx->events = g_ptr_array_new_with_free_func(g_free);
    g_mutex_init(&fx->events_lock);
    /* VMM ids of our own (a root daemon runs each VMM as one): a range
     * unique to this test process, so concurrent tests never share one */
    fx->uid_first = 0x70100000u + (guint32)(getpid() % 16384) * 64u;
    fx->uid_last = fx->uid_first + 63u;
    g_autofree char *conf = g_strdup_printf(
        "[paths]\nconfig_dir=%s\nrun_dir=%s\nlog_dir=%s/log\nstate_dir=%s/state\n"
        "[sockets]\ngroup=\n[dbus]\nsystem_bus=false\n[vmm]\nshutdown_grace=5\n"
        "uid_range=%u-%u\n%s",
        fx->config_dir, fx->run_dir, fx->dir->path, fx->dir->path, fx->uid_first,
        fx->uid_last, extra_conf ? extra_conf : "");
    g_assert_true(g_file_set_contents(fx->conf, conf, -1, NULL));
    if (!g_file_test(fx->kernel, G_FILE_TEST_EXISTS))
        g_error("%s is not built (make -C tests/daemon check builds it)", fx->kernel);
    return fx;
}

static void on_domain_event(GDBusConnection *c, const char *sender, const char *path,
                            const char *iface, const char *signal, GVariant *params,
                            gpointer data)
{
    DaemonFixture *fx = data;
    const char *name, *uuid, *opath;
    gint32 event, detail;
    g_variant_get(params, "(&s&sii&o)", &name, &uuid, &event, &detail, &opath);
    g_mutex_lock(&fx->events_lock);
    g_ptr_array_add(fx->events, g_strdup_printf("%s %d %d", name, event, detail));
    if (g_getenv("FIXTURE_DEBUG")) g_printerr("# got event %s %d %d\n", name, event, detail);
    g_mutex_unlock(&fx->events_lock);
}

GDBusConnection *fixture_connect(DaemonFixture *fx, const char *socket, GError **error)
{
    g_autofree char *path = g_build_filename(fx->run_dir, socket, NULL);
    g_autofree char *esc = g_dbus_address_escape_value(path);
    g_autofree char *addr = g_strconcat("unix:path=", esc, NULL);
    return g_dbus_connection_new_for_address_sync(
        addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, error);
}

static gboolean try_connect(gpointer data)
{
    DaemonFixture *fx = data;
    int status;
    if (vt_proc_exited(fx->daemon, &status))
        return TRUE;    /* fail below with a clear message */
    fx->conn = fixture_connect(fx, "vessel-sock", NULL);
    return fx->conn != NULL;
}

void fixture_start_daemon(DaemonFixture *fx, const char *const *env)
{
    g_autofree char *vesseld = vt_build_path("daemon/vesseld");
    g_autofree char *vmm = vt_build_path("vmm/vessel-vmm");
    g_autofree char *vmm_env = g_strconcat("VESSEL_VMM=", vmm, NULL);
    g_autofree char *log = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autoptr(GPtrArray) envp = g_ptr_array_new();
    g_ptr_array_add(envp, vmm_env);
    for (const char *const *e = env; e && *e; e++)
        g_ptr_array_add(envp, (gpointer)*e);
    g_ptr_array_add(envp, NULL);
    g_autoptr(GPtrArray) argvp = g_ptr_array_new();
    for (const char *const *w = fx->wrapper; w && *w; w++)
        g_ptr_array_add(argvp, (gpointer)*w);
    g_ptr_array_add(argvp, vesseld);
    g_ptr_array_add(argvp, "--config");
    g_ptr_array_add(argvp, fx->conf);
    g_ptr_array_add(argvp, NULL);
    const char *const *argv = (const char *const *)argvp->pdata;
    g_autoptr(GError) err = NULL;

    /* append, so a restarted daemon keeps the earlier log */
    fx->daemon = vt_proc_spawn(argv, (const char *const *)envp->pdata, VT_PROC_DEFAULT, log,
                               &err);
    g_assert_no_error(err);
    gboolean ok = vt_wait_until(try_connect, fx, vt_timeout_ms(20000));
    if (!ok || !fx->conn) {
        g_autofree char *text = NULL;
        g_file_get_contents(log, &text, NULL, NULL);
        g_printerr("vesseld log:\n%s\n", text ? text : "");
        g_assert_not_reached();
    }
    fx->sub_id = g_dbus_connection_signal_subscribe(
        fx->conn, NULL, "org.vessel.Manager1", "DomainEvent", "/org/vessel/Vessel1", NULL,
        G_DBUS_SIGNAL_FLAGS_NONE, on_domain_event, fx, NULL);
    /* One round trip: once a call is answered, the daemon has set the
     * connection up and will send it every signal from now on. */
    g_autoptr(GVariant) v = fixture_manager(fx, "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);
}

void fixture_stop_daemon(DaemonFixture *fx, gboolean kill9)
{
    if (fx->conn) {
        g_dbus_connection_signal_unsubscribe(fx->conn, fx->sub_id);
        g_dbus_connection_close_sync(fx->conn, NULL, NULL);
        g_clear_object(&fx->conn);
    }
    if (!fx->daemon)
        return;
    int status = 0;
    if (kill9) {
        kill(vt_proc_pid(fx->daemon), SIGKILL);
        g_assert_true(vt_proc_wait(fx->daemon, vt_timeout_ms(10000), &status));
    } else {
        status = vt_proc_stop(fx->daemon, vt_timeout_ms(20000));
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    g_clear_pointer(&fx->daemon, vt_proc_free);
}

/* Paths of the status files RUN/domains/ *.xml. */
static GPtrArray *status_files(DaemonFixture *fx)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *dir = g_build_filename(fx->run_dir, "domains", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;
    while (d && (ent = g_dir_read_name(d)))
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(out, g_build_filename(dir, ent, NULL));
    return out;
}

/* The pid='N' of a status file, 0 if none. */
static int status_pid(const char *path)
{
    g_autofree char *text = NULL;
    const char *p = path && g_file_get_contents(path, &text, NULL, NULL) ? strstr(text, " pid='")
                                                                        : NULL;
    return p ? atoi(p + 6) : 0;
}

static void kill_leftover_vmms(DaemonFixture *fx)
{
    g_autoptr(GPtrArray) all = status_files(fx);
    for (guint i = 0; i < all->len; i++) {
        int pid = status_pid(all->pdata[i]);
        if (pid > 0)
            kill(pid, SIGKILL);
    }
}

void fixture_free(DaemonFixture *fx)
{
    if (!fx)
        return;
    fixture_stop_daemon(fx, FALSE);
    kill_leftover_vmms(fx);
    vt_tmpdir_free(fx->dir);
    g_free(fx->conf);
    g_free(fx->run_dir);
    g_free(fx->config_dir);
    g_free(fx->kernel);
    g_ptr_array_unref(fx->events);
    g_mutex_clear(&fx->events_lock);
    g_free(fx);
}

char *fixture_domain_xml(DaemonFixture *fx, const char *name, const char *cmdline)
{
    return fixture_domain_xml_guest(fx, name, NULL, cmdline);
}

char *fixture_domain_xml_guest(DaemonFixture *fx, const char *name, const char *guest,
                               const char *cmdline)
{
    g_autofree char *kernel = NULL;
    if (guest && g_path_is_absolute(guest))
        kernel = g_strdup(guest);
    else if (guest) {
        g_autofree char *rel = g_strdup_printf("tests/daemon/guests/%s.elf", guest);
        kernel = vt_build_path(rel);
    } else
        kernel = g_strdup(fx->kernel);
    return g_strdup_printf(
        "<domain type='dbt'>\n  <name>%s</name>\n  <memory unit='MiB'>64</memory>\n"
        "  <vcpu>2</vcpu>\n  <os>\n    <type>hvm</type>\n    <kernel>%s</kernel>\n"
        "    <cmdline>console=ttyS0 %s</cmdline>\n  </os>\n  <devices>\n"
        "    <serial type='pty'/>\n  </devices>\n</domain>\n",
        name, kernel, cmdline ? cmdline : "");
}

GVariant *fixture_call(GDBusConnection *conn, const char *path, const char *iface,
                       const char *method, GVariant *args, const char *rtype,
                       GError **error)
{
    return g_dbus_connection_call_sync(conn, NULL, path, iface, method, args,
                                       rtype ? G_VARIANT_TYPE(rtype) : NULL,
                                       G_DBUS_CALL_FLAGS_NONE, vt_timeout_ms(60000), NULL,
                                       error);
}

GVariant *fixture_manager(DaemonFixture *fx, const char *method, GVariant *args,
                          const char *rtype, GError **error)
{
    return fixture_call(fx->conn, "/org/vessel/Vessel1", "org.vessel.Manager1", method,
                        args, rtype, error);
}

GVariant *fixture_domain(DaemonFixture *fx, const char *path, const char *method,
                         GVariant *args, const char *rtype, GError **error)
{
    return fixture_call(fx->conn, path, "org.vessel.Domain1", method, args, rtype, error);
}

char *fixture_define(DaemonFixture *fx, const char *name, const char *cmdline)
{
    return fixture_define_guest(fx, name, NULL, cmdline);
}

char *fixture_define_guest(DaemonFixture *fx, const char *name, const char *guest,
                           const char *cmdline)
{
    g_autofree char *xml = fixture_domain_xml_guest(fx, name, guest, cmdline);
    return fixture_define_xml(fx, xml);
}

char *fixture_define_xml(DaemonFixture *fx, const char *xml)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "DefineXML", g_variant_new("(s)", xml), "(o)",
                                            &err);
    g_assert_no_error(err);
    char *path = NULL;
    g_variant_get(r, "(o)", &path);
    return path;
}

void fixture_state(DaemonFixture *fx, const char *path, guint *state, guint *reason)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, path, "GetState", NULL, "(uu)", &err);
    g_assert_no_error(err);
    g_variant_get(r, "(uu)", state, reason);
}

typedef struct {
    DaemonFixture *fx;
    const char *path;
    guint state;
    const char *event;
} WaitCtx;

static gboolean state_reached(gpointer data)
{
    WaitCtx *w = data;
    guint st, reason;
    fixture_state(w->fx, w->path, &st, &reason);
    return st == w->state;
}

void fixture_wait_state(DaemonFixture *fx, const char *path, guint state)
{
    WaitCtx w = { fx, path, state, NULL };
    g_assert_true(vt_wait_until(state_reached, &w, vt_timeout_ms(20000)));
}

static gboolean event_seen(gpointer data)
{
    WaitCtx *w = data;
    gboolean seen = FALSE;
    g_mutex_lock(&w->fx->events_lock);
    for (guint i = 0; i < w->fx->events->len && !seen; i++)
        seen = g_str_equal(w->fx->events->pdata[i], w->event);
    g_mutex_unlock(&w->fx->events_lock);
    return seen;
}

void fixture_wait_event(DaemonFixture *fx, const char *name, int event, int detail)
{
    g_autofree char *want = g_strdup_printf("%s %d %d", name, event, detail);
    WaitCtx w = { fx, NULL, 0, want };
    if (!vt_wait_until(event_seen, &w, vt_timeout_ms(20000))) {
        g_mutex_lock(&fx->events_lock);
        for (guint i = 0; i < fx->events->len; i++)
            g_printerr("# event seen: %s\n", (char *)fx->events->pdata[i]);
        g_mutex_unlock(&fx->events_lock);
        g_error("event '%s' not seen", want);
    }
}

char *fixture_status_path(DaemonFixture *fx, const char *name)
{
    g_autofree char *want = g_strdup_printf("<name>%s</name>", name);
    g_autoptr(GPtrArray) all = status_files(fx);
    for (guint i = 0; i < all->len; i++) {
        g_autofree char *text = NULL;
        if (g_file_get_contents(all->pdata[i], &text, NULL, NULL) && strstr(text, want))
            return g_strdup(all->pdata[i]);
    }
    return NULL;
}

int fixture_vmm_pid(DaemonFixture *fx, const char *name)
{
    g_autofree char *path = fixture_status_path(fx, name);
    return status_pid(path);
}

char *fixture_proc_status(int pid, const char *field)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", pid);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_str_has_prefix(*l, field) && (*l)[strlen(field)] == ':')
            return g_strstrip(g_strdup(*l + strlen(field) + 1));
    return NULL;
}

char *fixture_status_file(DaemonFixture *fx, const char *object_path)
{
    const char *node = strrchr(object_path, '/');
    g_autofree char *uuid = g_strdup(node ? node + 1 : object_path);
    g_strdelimit(uuid, "_", '-');
    g_autofree char *file = g_strconcat(uuid, ".xml", NULL);
    return g_build_filename(fx->run_dir, "domains", file, NULL);
}

char *fixture_socket_path(DaemonFixture *fx, const char *name, const char *kind)
{
    g_autofree char *path = fixture_status_path(fx, name);
    g_autofree char *text = NULL;
    g_assert_nonnull(path);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    const char *u = strstr(text, "<uuid>");
    g_assert_nonnull(u);
    g_autofree char *uuid = g_strndup(u + 6, 36);
    return g_build_filename(fx->run_dir, "domains", uuid, kind, NULL);
}

void fixture_assert_error(GError *error, const char *name)
{
    g_assert_nonnull(error);
    g_autofree char *remote = g_dbus_error_get_remote_error(error);
    if (g_strcmp0(remote, name) != 0)
        g_error("expected %s, got %s: %s", name, remote ? remote : "(local)", error->message);
}

char *fixture_read_log(DaemonFixture *fx, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".log", NULL);
    g_autofree char *path = g_build_filename(fx->dir->path, "log", "domains", file, NULL);
    char *text = NULL;
    g_file_get_contents(path, &text, NULL, NULL);
    return text ? text : g_strdup("");
}

typedef struct {
    DaemonFixture *fx;
    const char *name;
    const char *text;
} LogWait;

static gboolean log_has(gpointer data)
{
    LogWait *w = data;
    g_autofree char *log = fixture_read_log(w->fx, w->name);
    return strstr(log, w->text) != NULL;
}

void fixture_wait_log(DaemonFixture *fx, const char *name, const char *text)
{
    LogWait w = { fx, name, text };
    if (!vt_wait_until(log_has, &w, vt_timeout_ms(30000))) {
        g_autofree char *log = fixture_read_log(fx, name);
        g_printerr("# %s's log lacks '%s':\n%s\n", name, text, log);
        g_assert_not_reached();
    }
}

int fixture_open_console(DaemonFixture *fx, const char *path, guint flags, GError **error)
{
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) r = g_dbus_connection_call_with_unix_fd_list_sync(
        fx->conn, NULL, path, "org.vessel.Domain1", "OpenConsole", g_variant_new("(u)", flags),
        G_VARIANT_TYPE("(h)"), 0, -1, NULL, &fds, NULL, error);
    if (!r)
        return -1;
    gint32 idx;
    g_variant_get(r, "(h)", &idx);
    return g_unix_fd_list_get(fds, idx, error);
}

/* The guest is up once it echoes a ping.  Bytes that reach the UART
 * before the guest has set it up are lost (enabling the FIFO clears it,
 * as on hardware), so ping again until one comes back. */
void fixture_wait_guest(DaemonFixture *fx, const char *path, const char *name)
{
    static int serial;
    g_autoptr(GError) err = NULL;
    int fd = fixture_open_console(fx, path, 0, &err);
    g_assert_no_error(err);
    gint64 deadline = g_get_monotonic_time() + (gint64)vt_timeout_ms(60000) * 1000;
    for (;;) {
        g_autofree char *ping = g_strdup_printf("vessel-ping-%d\n", g_atomic_int_add(&serial, 1));
        g_assert_cmpint(write(fd, ping, strlen(ping)), ==, (gssize)strlen(ping));
        LogWait w = { fx, name, ping };
        if (vt_wait_until(log_has, &w, vt_timeout_ms(2000)))
            break;
        if (g_get_monotonic_time() > deadline) {
            g_autofree char *log = fixture_read_log(fx, name);
            g_printerr("# %s never echoed a ping:\n%s\n", name, log);
            g_assert_not_reached();
        }
    }
    close(fd);
}
