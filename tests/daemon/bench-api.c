/* bench-api.c - API latency of vesseld (a benchmark, not a test: it
 * prints figures and asserts nothing about time).
 *
 * Measures over the read-write peer-to-peer socket: DefineXML while
 * 1,000 domains get defined, ListDomains and LookupByName with 1,000
 * domains, and Start+Destroy of the real vessel-vmm running a tiny guest
 * under dbt (process spawn, control socket handshake, SIGTERM, reap).  As a reference in the same
 * run it times libvirt's test driver through virsh (test:///default, an
 * in-process driver: no daemon, no IPC - a lower bound, not a peer) when
 * virsh is installed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "daemon-fixture.h"

#define N_DOMAINS 1000
#define N_LIST 50
#define N_START 20

static double ms_since(gint64 t0)
{
    return (g_get_monotonic_time() - t0) / 1000.0;
}

static void bench_vesseld(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;

    gint64 t0 = g_get_monotonic_time();
    for (int i = 0; i < N_DOMAINS; i++) {
        g_autofree char *name = g_strdup_printf("bench%04d", i);
        g_autofree char *path = fixture_define(fx, name, NULL);
    }
    double define_ms = ms_since(t0) / N_DOMAINS;

    t0 = g_get_monotonic_time();
    for (int i = 0; i < N_LIST; i++) {
        g_autoptr(GVariant) l = fixture_manager(fx, "ListDomains", g_variant_new("(u)", 0),
                                                "(a(sisuubbo))", &err);
        g_assert_no_error(err);
    }
    double list_ms = ms_since(t0) / N_LIST;

    t0 = g_get_monotonic_time();
    for (int i = 0; i < N_DOMAINS; i++) {
        g_autofree char *name = g_strdup_printf("bench%04d", i);
        g_autoptr(GVariant) r = fixture_manager(fx, "LookupByName", g_variant_new("(s)", name),
                                                "(o)", &err);
        g_assert_no_error(err);
    }
    double lookup_ms = ms_since(t0) / N_DOMAINS;

    g_autofree char *p = fixture_define(fx, "bench0000", NULL);
    t0 = g_get_monotonic_time();
    for (int i = 0; i < N_START; i++) {
        g_autoptr(GVariant) s = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
        g_assert_no_error(err);
        g_autoptr(GVariant) d = fixture_domain(fx, p, "Destroy", g_variant_new("(u)", 0), NULL,
                                               &err);
        g_assert_no_error(err);
    }
    double cycle_ms = ms_since(t0) / N_START;

    printf("vesseld (D-Bus, peer-to-peer socket)\n");
    printf("  DefineXML, %d domains         %8.3f ms/call\n", N_DOMAINS, define_ms);
    printf("  ListDomains with %d domains   %8.3f ms/call\n", N_DOMAINS, list_ms);
    printf("  LookupByName                    %8.3f ms/call\n", lookup_ms);
    printf("  Start+Destroy (tiny guest)      %8.3f ms/cycle\n", cycle_ms);
}

/* virsh -c test:///default running @cmds in one session; wall ms. */
static double virsh_session(const char *virsh, const char *cmds)
{
    const char *argv[] = { virsh, "-q", "-c", "test:///default", cmds, NULL };
    g_autofree char *out = NULL, *errs = NULL;
    int code = -1;
    g_autoptr(GError) err = NULL;
    gint64 t0 = g_get_monotonic_time();
    if (!vt_run(argv, NULL, NULL, 600000, &out, &errs, &code, &err) || code != 0) {
        printf("  (virsh failed: %s)\n", err ? err->message : errs);
        return -1;
    }
    return ms_since(t0);
}

static void bench_libvirt_test_driver(void)
{
    g_autofree char *virsh = g_find_program_in_path("virsh");
    if (!virsh) {
        printf("libvirt test driver: skipped (virsh not installed: Debian libvirt-clients)\n");
        return;
    }
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("bench-virsh");
    g_autoptr(GString) defines = g_string_new(NULL);
    for (int i = 0; i < N_DOMAINS; i++) {
        g_autofree char *f = g_strdup_printf("%s/d%04d.xml", dir->path, i);
        g_autofree char *xml = g_strdup_printf(
            "<domain type='test'><name>bench%04d</name><memory>65536</memory>"
            "<os><type>hvm</type></os></domain>", i);
        g_assert_true(g_file_set_contents(f, xml, -1, NULL));
        g_string_append_printf(defines, "define %s; ", f);
    }
    g_autoptr(GString) lists = g_string_new(defines->str);
    for (int i = 0; i < N_LIST; i++)
        g_string_append(lists, "list --all; ");
    g_autoptr(GString) cycles = g_string_new(defines->str);
    for (int i = 0; i < N_START; i++)
        g_string_append(cycles, "start bench0000; destroy bench0000; ");

    double empty = virsh_session(virsh, "version");
    double def = virsh_session(virsh, defines->str);
    double lst = virsh_session(virsh, lists->str);
    double cyc = virsh_session(virsh, cycles->str);
    if (empty < 0 || def < 0 || lst < 0 || cyc < 0)
        return;
    printf("libvirt test driver (virsh -c test:///default, in-process, no IPC)\n");
    printf("  define, %d domains            %8.3f ms/call\n", N_DOMAINS,
           (def - empty) / N_DOMAINS);
    printf("  list --all with %d domains    %8.3f ms/call (incl. printing)\n", N_DOMAINS,
           (lst - def) / N_LIST);
    printf("  start+destroy (simulated)       %8.3f ms/cycle\n", (cyc - def) / N_START);
}

int main(int argc, char **argv)
{
    bench_vesseld();
    bench_libvirt_test_driver();
    return 0;
}
