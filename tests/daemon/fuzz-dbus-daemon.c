/* fuzz-dbus-daemon.c - see fuzz-dbus-daemon.h. */
#include "config.h"

#include <gio/gunixfdlist.h>
#include <string.h>
#include <unistd.h>

#include "daemon_dbus.h"
#include "daemon_resources.h"
#include "domain_state.h"
#include "domain_stop_wait.h"
#include "tests/lib/vtest.h"

#include "fuzz-dbus-daemon.h"

struct FuzzDaemon {
    char *dir;
    char *kernel;
    gboolean runs;              /* fz1 could start: restart it */
    Daemon d;
    GDBusConnection *rw, *ro;
    GPtrArray *methods;         /* FuzzMethod */
};

static const char *const contract[] = {
    "org.vessel.Manager1", "org.vessel.Domain1", "org.vessel.Network1",
    "org.vessel.StoragePool1",
};

static void method_free(FuzzMethod *m)
{
    g_free(m->iface);
    g_free(m->name);
    g_free(m->in_sig);
    g_free(m->out_sig);
    g_free(m);
}

static char *args_signature(GDBusArgInfo **args)
{
    GString *s = g_string_new("(");
    for (GDBusArgInfo **a = args; a && *a; a++)
        g_string_append(s, (*a)->signature);
    g_string_append_c(s, ')');
    return g_string_free(s, FALSE);
}

/* The contract as the daemon compiled it in (its GResource). */
static gboolean load_methods(FuzzDaemon *fd, GError **error)
{
    fd->methods = g_ptr_array_new_with_free_func((GDestroyNotify)method_free);
    for (gsize i = 0; i < G_N_ELEMENTS(contract); i++) {
        g_autofree char *res = g_strconcat("/org/vessel/daemon/", contract[i], ".xml", NULL);
        g_autoptr(GBytes) xml = g_resources_lookup_data(res, 0, error);
        if (!xml)
            return FALSE;
        g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml(g_bytes_get_data(xml, NULL),
                                                                     error);
        if (!node)
            return FALSE;
        GDBusInterfaceInfo *iface = g_dbus_node_info_lookup_interface(node, contract[i]);
        for (GDBusMethodInfo **mi = iface ? iface->methods : NULL; mi && *mi; mi++) {
            FuzzMethod *m = g_new0(FuzzMethod, 1);
            m->iface = g_strdup(contract[i]);
            m->name = g_strdup((*mi)->name);
            m->in_sig = args_signature((*mi)->in_args);
            m->out_sig = args_signature((*mi)->out_args);
            m->write = g_strcmp0(g_dbus_annotation_info_lookup((*mi)->annotations,
                                                               "org.vessel.Access"), "read") != 0;
            g_ptr_array_add(fd->methods, m);
        }
    }
    return TRUE;
}

const FuzzMethod *fuzz_daemon_method(FuzzDaemon *fd, const char *iface, const char *name)
{
    for (guint i = 0; i < fd->methods->len; i++) {
        const FuzzMethod *m = fd->methods->pdata[i];
        if (strcmp(m->iface, iface) == 0 && strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

GPtrArray *fuzz_daemon_methods(FuzzDaemon *fd)
{
    return fd->methods;
}

GDBusConnection *fuzz_daemon_client(FuzzDaemon *fd, gboolean ro)
{
    return ro ? fd->ro : fd->rw;
}

/* ------------------------------------------------------------ waiting */

typedef struct {
    gboolean done;
    GAsyncResult *res;
} Wait;

static void on_done(GObject *source, GAsyncResult *res, gpointer data)
{
    Wait *w = data;
    w->res = g_object_ref(res);
    w->done = TRUE;
}

static void wait_done(Wait *w)
{
    while (!w->done)
        g_main_context_iteration(NULL, TRUE);
}

GVariant *fuzz_daemon_call(GDBusConnection *conn, const char *path, const char *iface,
                           const char *method, GVariant *args, int timeout_ms,
                           GError **error)
{
    Wait w = { 0 };
    g_dbus_connection_call_with_unix_fd_list(conn, NULL, path, iface, method, args, NULL,
                                             G_DBUS_CALL_FLAGS_NONE, timeout_ms, NULL, NULL,
                                             on_done, &w);
    wait_done(&w);
    g_autoptr(GUnixFDList) fds = NULL;
    GVariant *r = g_dbus_connection_call_with_unix_fd_list_finish(conn, &fds, w.res, error);
    g_object_unref(w.res);
    if (fds) {
        gint n = 0;
        g_autofree gint *list = g_unix_fd_list_steal_fds(fds, &n);
        for (gint i = 0; i < n; i++)
            close(list[i]);
    }
    return r;
}

static GDBusConnection *connect_socket(FuzzDaemon *fd, const char *name, GError **error)
{
    g_autofree char *path = g_build_filename(fd->d.config->run_dir, name, NULL);
    g_autofree char *esc = g_dbus_address_escape_value(path);
    g_autofree char *addr = g_strconcat("unix:path=", esc, NULL);
    Wait w = { 0 };
    g_dbus_connection_new_for_address(addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                      NULL, NULL, on_done, &w);
    wait_done(&w);
    GDBusConnection *c = g_dbus_connection_new_for_address_finish(w.res, error);
    g_object_unref(w.res);
    if (c)
        g_dbus_connection_set_exit_on_close(c, FALSE);
    return c;
}

/* ------------------------------------------------------------ objects */

static gboolean call_ok(FuzzDaemon *fd, const char *path, const char *iface,
                        const char *method, GVariant *args, GError **error)
{
    g_autoptr(GVariant) r = fuzz_daemon_call(fd->rw, path, iface, method, args,
                                             (int)vt_timeout_ms(60000), error);
    return r != NULL;
}

static char *object_path(const char *prefix, const char *uuid)
{
    char *path = g_strdup_printf("%s/%s", prefix, uuid);
    g_strdelimit(path + strlen(prefix), "-", '_');
    return path;
}

static gboolean exists(FuzzDaemon *fd, const char *lookup, const char *uuid)
{
    g_autoptr(GVariant) r = fuzz_daemon_call(fd->rw, DAEMON_MANAGER_PATH,
                                             "org.vessel.Manager1", lookup,
                                             g_variant_new("(s)", uuid),
                                             (int)vt_timeout_ms(60000), NULL);
    return r != NULL;
}

/* fz1 runs or is paused */
static gboolean running(FuzzDaemon *fd)
{
    g_autofree char *dom_path = object_path(DOMAIN_PATH_PREFIX, FUZZ_DOMAIN_UUID);
    g_autoptr(GVariant) r = fuzz_daemon_call(fd->rw, dom_path, "org.vessel.Domain1",
                                             "GetState", NULL, (int)vt_timeout_ms(60000),
                                             NULL);
    guint32 state = 0;
    if (r)
        g_variant_get(r, "(uu)", &state, NULL);
    return state == DOMAIN_STATE_RUNNING || state == DOMAIN_STATE_PAUSED;
}

gboolean fuzz_daemon_restore(FuzzDaemon *fd, GError **error)
{
    const char *mgr = "org.vessel.Manager1";
    if (!exists(fd, "LookupByUUID", FUZZ_DOMAIN_UUID)) {
        g_autofree char *dom = g_strdup_printf(
            "<domain type='dbt'><name>fz1</name><uuid>%s</uuid><memory unit='MiB'>64</memory>"
            "<vcpu>1</vcpu><os><type>hvm</type><kernel>%s</kernel>"
            "<cmdline>console=ttyS0</cmdline></os><devices><serial type='pty'/></devices>"
            "</domain>", FUZZ_DOMAIN_UUID, fd->kernel);
        if (!call_ok(fd, DAEMON_MANAGER_PATH, mgr, "DefineXML", g_variant_new("(s)", dom),
                     error))
            return FALSE;
    }
    if (!exists(fd, "NetworkLookupByUUID", FUZZ_NETWORK_UUID)) {
        g_autofree char *net = g_strdup_printf(
            "<network><name>fznet</name><uuid>%s</uuid><bridge name='vfz0'/>"
            "<ip address='192.168.250.1' netmask='255.255.255.0'/></network>",
            FUZZ_NETWORK_UUID);
        if (!call_ok(fd, DAEMON_MANAGER_PATH, mgr, "NetworkDefineXML",
                     g_variant_new("(s)", net), error))
            return FALSE;
    }
    if (!exists(fd, "StoragePoolLookupByUUID", FUZZ_POOL_UUID)) {
        g_autofree char *pool = g_strdup_printf(
            "<pool type='dir'><name>fzpool</name><uuid>%s</uuid><target><path>%s/pool</path>"
            "</target></pool>", FUZZ_POOL_UUID, fd->dir);
        g_autofree char *pool_path = object_path(POOL_PATH_PREFIX, FUZZ_POOL_UUID);
        const char *p1 = "org.vessel.StoragePool1";
        if (!call_ok(fd, DAEMON_MANAGER_PATH, mgr, "StoragePoolDefineXML",
                     g_variant_new("(su)", pool, 0), error) ||
            !call_ok(fd, pool_path, p1, "Build", g_variant_new("(u)", 0), error) ||
            !call_ok(fd, pool_path, p1, "Create", g_variant_new("(u)", 0), error))
            return FALSE;
    }
    /* running, when it can: the methods of a running domain get fuzzed */
    if (fd->runs && !running(fd)) {
        g_autofree char *dom_path = object_path(DOMAIN_PATH_PREFIX, FUZZ_DOMAIN_UUID);
        return call_ok(fd, dom_path, "org.vessel.Domain1", "Start", g_variant_new("(u)", 0),
                       error);
    }
    return TRUE;
}

static gboolean define_objects(FuzzDaemon *fd, GError **error)
{
    if (!fuzz_daemon_restore(fd, error))
        return FALSE;
    /* a running domain when the host lets this uid run a VMM */
    g_autofree char *dom_path = object_path(DOMAIN_PATH_PREFIX, FUZZ_DOMAIN_UUID);
    g_autoptr(GError) start_err = NULL;
    fd->runs = call_ok(fd, dom_path, "org.vessel.Domain1", "Start", g_variant_new("(u)", 0),
                       &start_err);
    if (!fd->runs)
        g_printerr("# fz1 does not run: %s\n", start_err->message);
    return TRUE;
}

/* ------------------------------------------------------------ the daemon */

FuzzDaemon *fuzz_daemon_new(const char *dir, const char *kernel, GError **error)
{
    if (geteuid() == 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                            "the fuzzed daemon must not run as root");
        return NULL;
    }
    FuzzDaemon *fd = g_new0(FuzzDaemon, 1);
    Daemon *d = &fd->d;
    fd->dir = g_strdup(dir);
    fd->kernel = g_strdup(kernel);
    d->lock_fd = -1;
    vesseld_resources_register_resource();
    g_autofree char *conf = g_build_filename(dir, "vesseld.conf", NULL);
    g_autofree char *text = g_strdup_printf(
        "[paths]\nconfig_dir=%s/etc\nrun_dir=%s/run\nlog_dir=%s/log\nstate_dir=%s/state\n"
        "[sockets]\ngroup=\n[dbus]\nsystem_bus=false\n[vmm]\nshutdown_grace=2\n",
        dir, dir, dir, dir);
    d->config = daemon_config_new(DAEMON_MODE_SYSTEM);
    d->config->default_network = FALSE;
    g_clear_pointer(&d->config->default_pool, g_free);
    if (!load_methods(fd, error) || !g_file_set_contents(conf, text, -1, error) ||
        !daemon_config_load(d->config, conf, error) ||
        !daemon_config_check_group(d->config, error) ||
        !daemon_config_make_dirs(d->config, error))
        goto fail;
    if (!daemon_setup(d, error) || !daemon_dbus_start(d->dbus, error) ||
        !(fd->rw = connect_socket(fd, "vessel-sock", error)) ||
        !(fd->ro = connect_socket(fd, "vessel-sock-ro", error)) ||
        !define_objects(fd, error))
        goto fail;
    return fd;
fail:
    fuzz_daemon_free(fd);
    return NULL;
}

static gboolean drained(Daemon *d)
{
    return !d->dbus || daemon_dbus_busy(d->dbus) == 0;
}

void fuzz_daemon_free(FuzzDaemon *fd)
{
    if (!fd)
        return;
    Daemon *d = &fd->d;
    if (fd->rw) {
        /* no VMM outlives the run */
        g_autoptr(GVariant) r = fuzz_daemon_call(fd->rw, DAEMON_MANAGER_PATH,
                                                 "org.vessel.Manager1", "ListDomains",
                                                 g_variant_new("(u)", 1),
                                                 (int)vt_timeout_ms(60000), NULL);
        g_autoptr(GVariantIter) it = NULL;
        const char *path;
        if (r)
            g_variant_get(r, "(a(sisuubbo))", &it);
        while (it && g_variant_iter_next(it, "(&sisuubb&o)", NULL, NULL, NULL, NULL, NULL,
                                         NULL, NULL, &path)) {
            g_autoptr(GVariant) x = fuzz_daemon_call(fd->rw, path, "org.vessel.Domain1",
                                                     "Destroy", g_variant_new("(u)", 0),
                                                     (int)vt_timeout_ms(60000), NULL);
        }
    }
    g_clear_object(&fd->rw);
    g_clear_object(&fd->ro);
    if (d->dbus)
        daemon_dbus_stop(d->dbus);
    if (d->domains)
        domain_stop_wait_cancel_all(d);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!drained(d) && g_get_monotonic_time() < deadline)
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(10000);
    daemon_teardown(d);
    daemon_config_free(d->config);
    if (fd->methods)
        g_ptr_array_unref(fd->methods);
    g_free(fd->dir);
    g_free(fd->kernel);
    g_free(fd);
}
