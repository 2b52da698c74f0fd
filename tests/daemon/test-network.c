/* test-network.c - networks through vesseld: define, list, lookup, XML,
 * autostart, persistence, undefine; and (as root, with the daemon in a
 * private network namespace) starting and stopping one: bridge up, status
 * file, bridge gone after Destroy, transient networks; a VMM that runs as
 * nobody gets its tap as an inherited fd (--net tapfd=N). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon-fixture.h"

static const char net_xml[] =
    "<network>\n"
    "  <name>lab</name>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='vsbr-lab'/>\n"
    "  <ip address='192.168.150.1' prefix='24'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.150.10' end='192.168.150.99'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

static GVariant *net_call(DaemonFixture *fx, const char *path, const char *method,
                          GVariant *args, const char *rtype, GError **error)
{
    return fixture_call(fx->conn, path, "org.vessel.Network1", method, args, rtype, error);
}

static void test_network_definitions(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;

    g_autoptr(GVariant) d = fixture_manager(fx, "NetworkDefineXML", g_variant_new("(s)", net_xml),
                                            "(o)", &err);
    g_assert_no_error(err);
    const char *path;
    g_variant_get(d, "(&o)", &path);
    g_assert_true(g_str_has_prefix(path, "/org/vessel/Vessel1/network/"));

    g_autoptr(GVariant) list = fixture_manager(fx, "ListNetworks", g_variant_new("(u)", 0),
                                               "(a(ssbbbso))", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) arr = g_variant_get_child_value(list, 0);
    g_assert_cmpuint(g_variant_n_children(arr), ==, 1);
    const char *name, *uuid, *bridge, *opath;
    gboolean active, persistent, autostart;
    g_variant_get_child(arr, 0, "(&s&sbbb&s&o)", &name, &uuid, &active, &persistent, &autostart,
                        &bridge, &opath);
    g_assert_cmpstr(name, ==, "lab");
    g_assert_false(active);
    g_assert_true(persistent);
    g_assert_cmpstr(bridge, ==, "vsbr-lab");
    g_assert_cmpstr(opath, ==, path);

    g_autoptr(GVariant) byname = fixture_manager(fx, "NetworkLookupByName",
                                                 g_variant_new("(s)", "lab"), "(o)", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) byuuid = fixture_manager(fx, "NetworkLookupByUUID",
                                                 g_variant_new("(s)", uuid), "(o)", &err);
    g_assert_no_error(err);
    g_assert_true(g_variant_equal(byname, byuuid));
    g_autoptr(GVariant) none = fixture_manager(fx, "NetworkLookupByName",
                                               g_variant_new("(s)", "nope"), "(o)", &err);
    fixture_assert_error(err, "org.vessel.Error.NoNetwork");
    g_clear_error(&err);

    g_autoptr(GVariant) x = net_call(fx, path, "GetXMLDesc", g_variant_new("(u)", 0), "(s)", &err);
    g_assert_no_error(err);
    const char *xs;
    g_variant_get(x, "(&s)", &xs);
    g_assert_nonnull(strstr(xs, "192.168.150.10"));

    g_autoptr(GVariant) a = net_call(fx, path, "SetAutostart", g_variant_new("(b)", TRUE), NULL,
                                     &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) leases = net_call(fx, path, "GetDHCPLeases", g_variant_new("(s)", ""),
                                          "(a(xsisuss))", &err);
    g_assert_no_error(err);

    g_autoptr(GVariant) bad = fixture_manager(fx, "NetworkDefineXML",
                                              g_variant_new("(s)", "<network><name>x"), "(o)",
                                              &err);
    fixture_assert_error(err, "org.vessel.Error.InvalidXML");
    g_clear_error(&err);

    /* persists with its autostart flag */
    fixture_stop_daemon(fx, FALSE);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GVariant) list2 = fixture_manager(fx, "ListNetworks", g_variant_new("(u)", 0),
                                                "(a(ssbbbso))", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) arr2 = g_variant_get_child_value(list2, 0);
    g_assert_cmpuint(g_variant_n_children(arr2), ==, 1);
    g_variant_get_child(arr2, 0, "(&s&sbbb&s&o)", &name, &uuid, &active, &persistent,
                        &autostart, &bridge, &opath);
    g_assert_true(autostart);

    g_autoptr(GVariant) u = net_call(fx, path, "Undefine", NULL, NULL, &err);
    g_assert_no_error(err);
    g_autofree char *file = g_build_filename(fx->config_dir, "networks", "lab.xml", NULL);
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    g_autoptr(GVariant) gone = net_call(fx, path, "GetXMLDesc", g_variant_new("(u)", 0), "(s)",
                                        &err);
    fixture_assert_error(err, "org.vessel.Error.NoNetwork");
}

/* `ip -br link show DEV` inside the daemon's network namespace. */
static gboolean link_in_ns(DaemonFixture *fx, const char *dev, char **out)
{
    g_autofree char *pid = g_strdup_printf("%d", (int)vt_proc_pid(fx->daemon));
    const char *argv[] = { "nsenter", "-t", pid, "-n", "ip", "-br", "link", "show", dev, NULL };
    g_autofree char *errs = NULL;
    int code = -1;
    g_autoptr(GError) err = NULL;
    g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(20000), out, &errs, &code, &err));
    return code == 0;
}

/* Domain "netvm" with one interface on network "lab": its object path. */
static char *define_netvm(DaemonFixture *fx)
{
    g_autofree char *dxml = fixture_domain_xml(fx, "netvm", NULL);
    char *at = strstr(dxml, "<serial");
    g_autofree char *dxml2 = g_strdup_printf("%.*s<interface type='network'><source network='lab'/>"
                                             "<mac address='52:54:00:aa:bb:cc'/><model type='virtio'/>"
                                             "</interface>\n    %s", (int)(at - dxml), dxml, at);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) dd = fixture_manager(fx, "DefineXML", g_variant_new("(s)", dxml2), "(o)",
                                             &err);
    g_assert_no_error(err);
    const char *dpath;
    g_variant_get(dd, "(&o)", &dpath);
    return g_strdup(dpath);
}

static void test_network_activation(void)
{
    g_autofree char *unshare = g_find_program_in_path("unshare");
    g_autofree char *nsenter = g_find_program_in_path("nsenter");
    if (geteuid() != 0 || !unshare || !nsenter) {
        g_test_skip("needs root, unshare and nsenter (runs in a private network namespace)");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    const char *wrapper[] = { unshare, "--net", NULL };
    fx->wrapper = wrapper;
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) d = fixture_manager(fx, "NetworkDefineXML", g_variant_new("(s)", net_xml),
                                            "(o)", &err);
    g_assert_no_error(err);
    const char *path;
    g_variant_get(d, "(&o)", &path);

    g_autoptr(GVariant) c = net_call(fx, path, "Create", NULL, NULL, &err);
    g_assert_no_error(err);
    g_autofree char *out = NULL;
    g_assert_true(link_in_ns(fx, "vsbr-lab", &out));
    g_assert_nonnull(strstr(out, "UP"));
    g_autofree char *status = g_build_filename(fx->run_dir, "networks", "lab.xml", NULL);
    g_assert_true(g_file_test(status, G_FILE_TEST_EXISTS));

    g_autoptr(GVariant) again = net_call(fx, path, "Create", NULL, NULL, &err);
    g_assert_null(again);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);
    g_autoptr(GVariant) leases = net_call(fx, path, "GetDHCPLeases", g_variant_new("(s)", ""),
                                          "(a(xsisuss))", &err);
    g_assert_no_error(err);

    /* a domain on the network gets a tap on its bridge, removed at stop */
    g_autofree char *dpath = define_netvm(fx);
    g_autoptr(GVariant) ds = fixture_domain(fx, dpath, "Start", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
    g_autofree char *tapout = NULL;
    g_assert_true(link_in_ns(fx, "vtap0", &tapout));
    g_assert_nonnull(strstr(tapout, "vtap0"));
    g_autofree char *pid = g_strdup_printf("%d", (int)vt_proc_pid(fx->daemon));
    const char *margv[] = { "nsenter", "-t", pid, "-n", "ip", "-br", "link", "show", "master",
                            "vsbr-lab", NULL };
    g_autofree char *mout = NULL, *merr = NULL;
    int mcode = -1;
    g_assert_true(vt_run(margv, NULL, NULL, vt_timeout_ms(20000), &mout, &merr, &mcode, &err));
    g_assert_nonnull(strstr(mout, "vtap0"));
    g_autoptr(GVariant) dx = fixture_domain(fx, dpath, "Destroy", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
    g_autofree char *tapout2 = NULL;
    g_assert_false(link_in_ns(fx, "vtap0", &tapout2));

    g_autoptr(GVariant) x = net_call(fx, path, "Destroy", NULL, NULL, &err);
    g_assert_no_error(err);

    /* a domain on a network that is not running cannot start */
    g_autoptr(GVariant) ds2 = fixture_domain(fx, dpath, "Start", g_variant_new("(u)", 0), NULL,
                                             &err);
    g_assert_null(ds2);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_clear_error(&err);
    g_autofree char *out2 = NULL;
    g_assert_false(link_in_ns(fx, "vsbr-lab", &out2));
    g_assert_false(g_file_test(status, G_FILE_TEST_EXISTS));

    /* a transient network goes away when stopped */
    g_autofree char *xml2 = g_strdup(net_xml);
    {
        char *n = strstr(xml2, "<name>lab</name>");
        memcpy(n, "<name>tmp</name>", 16);
    }
    g_autoptr(GVariant) t = fixture_manager(fx, "NetworkCreateXML", g_variant_new("(s)", xml2),
                                            "(o)", &err);
    g_assert_no_error(err);
    const char *tpath;
    g_variant_get(t, "(&o)", &tpath);
    g_autoptr(GVariant) tx = net_call(fx, tpath, "Destroy", NULL, NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) look = fixture_manager(fx, "NetworkLookupByName",
                                               g_variant_new("(s)", "tmp"), "(o)", &err);
    fixture_assert_error(err, "org.vessel.Error.NoNetwork");
}

/* An fd of process @pid attached to tap @dev (tun fds name it in fdinfo). */
static gboolean process_has_tap(int pid, const char *dev)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/fdinfo", pid);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    g_autofree char *want = g_strdup_printf("iff:\t%s\n", dev);
    const char *ent;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);
        g_autofree char *info = NULL;
        if (g_file_get_contents(path, &info, NULL, NULL) && strstr(info, want))
            return TRUE;
    }
    return FALSE;
}

/* The daemon creates the tap and passes it down: a VMM running as its
 * own unprivileged id (which cannot open /dev/net/tun, 0600 here) starts
 * with a NIC. */
static void test_tap_fd_unprivileged(void)
{
    g_autofree char *unshare = g_find_program_in_path("unshare");
    g_autofree char *nsenter = g_find_program_in_path("nsenter");
    if (geteuid() != 0 || !unshare || !nsenter) {
        g_test_skip("needs root, unshare and nsenter (runs in a private network namespace)");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    const char *wrapper[] = { unshare, "--net", NULL };
    fx->wrapper = wrapper;
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) d = fixture_manager(fx, "NetworkCreateXML", g_variant_new("(s)", net_xml),
                                            "(o)", &err);
    g_assert_no_error(err);
    g_autofree char *dpath = define_netvm(fx);
    g_autoptr(GVariant) ds = fixture_domain(fx, dpath, "Start", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
    int pid = fixture_vmm_pid(fx, "netvm");
    g_assert_cmpint(pid, >, 0);
    struct stat st;
    g_autofree char *proc = g_strdup_printf("/proc/%d", pid);
    g_assert_cmpint(stat(proc, &st), ==, 0);
    g_assert_cmpuint(st.st_uid, >=, fx->uid_first);  /* the VMM's own id */
    g_assert_cmpuint(st.st_uid, <=, fx->uid_last);
    g_assert_true(process_has_tap(pid, "vtap0"));
    g_autofree char *log = fixture_read_log(fx, "netvm");
    g_assert_nonnull(strstr(log, " --net tapfd=3,mac=52:54:00:aa:bb:cc "));
    g_autoptr(GVariant) dx = fixture_domain(fx, dpath, "Destroy", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
    g_autofree char *tapout = NULL;
    g_assert_false(link_in_ns(fx, "vtap0", &tapout));

    /* Stopping the daemon leaves running networks running (it reattaches
     * to them), so destroy this one: its dnsmasq must not outlive us. */
    g_autofree char *pidfile = g_build_filename(fx->run_dir, "networks", "lab.pid", NULL);
    g_autofree char *pidtext = NULL;
    g_assert_true(g_file_get_contents(pidfile, &pidtext, NULL, NULL));
    int dnsmasq = atoi(pidtext);
    g_assert_cmpint(dnsmasq, >, 0);
    const char *npath;
    g_variant_get(d, "(&o)", &npath);
    g_autoptr(GVariant) nx = net_call(fx, npath, "Destroy", NULL, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(vt_wait_until(vt_pid_gone, GINT_TO_POINTER(dnsmasq), vt_timeout_ms(10000)));
}

static gboolean default_active(gpointer data)
{
    DaemonFixture *fx = data;
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "NetworkLookupByName",
                                            g_variant_new("(s)", "default"), "(o)", &err);
    if (!r)
        return FALSE;
    const char *p;
    g_variant_get(r, "(&o)", &p);
    g_autoptr(GVariant) v = g_dbus_connection_call_sync(
        fx->conn, NULL, p, "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", "org.vessel.Network1", "Active"), G_VARIANT_TYPE("(v)"), 0, -1,
        NULL, NULL);
    g_autoptr(GVariant) b = NULL;
    if (v)
        g_variant_get(v, "(v)", &b);
    return b && g_variant_get_boolean(b);
}

static void test_default_network(void)
{
    g_autofree char *unshare = g_find_program_in_path("unshare");
    g_autofree char *nsenter = g_find_program_in_path("nsenter");
    if (geteuid() != 0 || !unshare || !nsenter) {
        g_test_skip("needs root, unshare and nsenter (runs in a private network namespace)");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new("[networks]\ndefine_default=true\n");
    const char *wrapper[] = { unshare, "--net", NULL };
    fx->wrapper = wrapper;
    fixture_start_daemon(fx, NULL);
    /* defined with autostart, and started by the first-boot autostart */
    g_assert_true(vt_wait_until(default_active, fx, vt_timeout_ms(30000)));
    g_autofree char *out = NULL;
    g_assert_true(link_in_ns(fx, "vbr0", &out));

    /* undefined once, it stays undefined across restarts */
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "NetworkLookupByName",
                                            g_variant_new("(s)", "default"), "(o)", &err);
    g_assert_no_error(err);
    const char *p;
    g_variant_get(r, "(&o)", &p);
    g_autoptr(GVariant) x = net_call(fx, p, "Destroy", NULL, NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) u = net_call(fx, p, "Undefine", NULL, NULL, &err);
    g_assert_no_error(err);
    fixture_stop_daemon(fx, FALSE);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GVariant) l = fixture_manager(fx, "NetworkLookupByName",
                                            g_variant_new("(s)", "default"), "(o)", &err);
    fixture_assert_error(err, "org.vessel.Error.NoNetwork");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/network/definitions", test_network_definitions);
    g_test_add_func("/daemon/network/activation", test_network_activation);
    g_test_add_func("/daemon/network/tap-fd-unprivileged", test_tap_fd_unprivileged);
    g_test_add_func("/daemon/network/default-network", test_default_network);
    return g_test_run();
}
