/* test-xml-golden.c - golden files and round trips.
 *
 *   domain-in/X.xml  --parse/format-->  domain-out/X.xml
 *   domain-in/X.xml  --vmm argv------>  domain-argv/X.argv (one arg per line)
 *   network-in/X.xml --parse/format-->  network-out/X.xml
 *   pool-in/X.xml    --parse/format-->  pool-out/X.xml (with live sizes)
 * and for every input: parse(format(def)) equals def and formats to the
 * same text again.  VESSEL_REGENERATE=1 rewrites the outputs. */
#include "config.h"

#include <string.h>
#include "xml/domain_conf.h"
#include "xml/domain_vmm.h"
#include "xml/network_conf.h"
#include "xml/storage_conf.h"
#include "xml_test_util.h"

static char *
stem(const char *name)
{
    return g_strndup(name, strlen(name) - strlen(".xml"));
}

static void
test_domain(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in = xml_test_read("domain-in", name);
    g_autoptr(GError) error = NULL;
    g_autoptr(DomainDef) def = domain_def_parse(in, DOMAIN_PARSE_DEFAULT, &error);
    g_autoptr(DomainDef) again = NULL;
    g_autoptr(DomainDef) copy = NULL;
    g_autofree char *out = NULL, *out2 = NULL;

    g_assert_no_error(error);
    out = domain_def_format(def);
    xml_test_golden("domain-out", name, out);

    again = domain_def_parse(out, DOMAIN_PARSE_DEFAULT, &error);
    g_assert_no_error(error);
    g_assert_true(domain_def_equal(def, again));
    out2 = domain_def_format(again);
    g_assert_cmpstr(out, ==, out2);

    copy = domain_def_copy(def);
    g_assert_true(domain_def_equal(def, copy));
}

static void
test_pool(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in = xml_test_read("pool-in", name);
    g_autoptr(GError) error = NULL;
    g_autoptr(StoragePoolDef) def = storage_pool_def_parse(in, &error);
    StoragePoolSizes sizes = { 107374182400ull, 1073741824ull, 106300440576ull };

    g_assert_no_error(error);
    g_autofree char *out = storage_pool_def_format(def, &sizes);
    xml_test_golden("pool-out", name, out);
    g_autoptr(StoragePoolDef) again = storage_pool_def_parse(out, &error);
    g_assert_no_error(error);
    g_autofree char *out2 = storage_pool_def_format(again, &sizes);
    g_assert_cmpstr(out, ==, out2);
    g_autoptr(StoragePoolDef) copy = storage_pool_def_copy(def);
    g_autofree char *out3 = storage_pool_def_format(copy, &sizes);
    g_assert_cmpstr(out, ==, out3);
}

static void
test_domain_argv(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in = xml_test_read("domain-in", name);
    g_autofree char *base = stem(name);
    g_autofree char *argv_name = g_strconcat(base, ".argv", NULL);
    g_autofree char *serial = g_strdup_printf("unix:/run/vessel/domains/%s.console", base);
    g_autofree char *control = g_strdup_printf("/run/vessel/domains/%s.ctl", base);
    g_autofree char *pidfile = g_strdup_printf("/run/vessel/domains/%s.pid", base);
    g_autoptr(GPtrArray) taps = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(DomainDef) def = domain_def_parse(in, DOMAIN_PARSE_DEFAULT, &error);
    g_auto(GStrv) argv = NULL;
    g_autofree char *text = NULL;
    DomainVmmParams params = {
        .serial = serial, .control_path = control, .control_fd = -1, .pidfile = pidfile,
    };

    g_assert_no_error(error);
    for (guint i = 0; i < def->n_nets; i++)
        g_ptr_array_add(taps, g_strdup_printf("vtap%u", i));
    g_ptr_array_add(taps, NULL);
    params.tap_names = (const char *const *)taps->pdata;
    /* volume disks: as the daemon would resolve them (here without
     * looking at any file) */
    g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < def->n_disks; i++) {
        const DomainDiskDef *d = def->disks[i];
        if (d->type == DOMAIN_DISK_VOLUME)
            params.disk_args = (const char *const *)disks->pdata;
        g_ptr_array_add(disks, g_strdup_printf(
            "%s%s%s%s%s,format=%s%s", d->source ? d->source : "/pools/",
            d->source_pool ? d->source_pool : "", d->source_pool ? "/" : "",
            d->source_volume ? d->source_volume : "", "",
            d->format == DOMAIN_DISK_FORMAT_QCOW2 ? "qcow2" : "raw",
            d->readonly ? ",readonly" : ""));
    }
    g_ptr_array_add(disks, NULL);
    if (params.disk_args)
        params.disk_args = (const char *const *)disks->pdata;

    argv = domain_def_to_vmm_argv(def, &params, &error);
    g_assert_no_error(error);
    text = g_strjoinv("\n", argv);
    {
        g_autofree char *with_nl = g_strconcat(text, "\n", NULL);

        xml_test_golden("domain-argv", argv_name, with_nl);
    }
}

static void
test_network(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in = xml_test_read("network-in", name);
    g_autoptr(GError) error = NULL;
    g_autoptr(NetworkDef) def = network_def_parse(in, NETWORK_PARSE_DEFAULT, &error);
    g_autoptr(NetworkDef) again = NULL;
    g_autoptr(NetworkDef) copy = NULL;
    g_autofree char *out = NULL, *out2 = NULL;

    g_assert_no_error(error);
    out = network_def_format(def);
    xml_test_golden("network-out", name, out);

    again = network_def_parse(out, NETWORK_PARSE_DEFAULT, &error);
    g_assert_no_error(error);
    g_assert_true(network_def_equal(def, again));
    out2 = network_def_format(again);
    g_assert_cmpstr(out, ==, out2);

    copy = network_def_copy(def);
    g_assert_true(network_def_equal(def, copy));
}

/* Every golden output has an input (stale outputs are errors). */
static void
test_no_orphans(gconstpointer data)
{
    const char *const *pair = data;
    g_autoptr(GPtrArray) in = xml_test_list_stems(pair[0], ".xml");
    g_autoptr(GPtrArray) out = xml_test_list_stems(pair[1], pair[2]);

    g_assert_cmpuint(in->len, >, 0);
    g_assert_cmpuint(in->len, ==, out->len);
    for (guint i = 0; i < in->len; i++)
        g_assert_cmpstr(in->pdata[i], ==, out->pdata[i]);
}

int
main(int argc, char **argv)
{
    static const char *const domain_pair[] = { "domain-in", "domain-out", ".xml" };
    static const char *const argv_pair[] = { "domain-in", "domain-argv", ".argv" };
    static const char *const network_pair[] = { "network-in", "network-out", ".xml" };
    static const char *const pool_pair[] = { "pool-in", "pool-out", ".xml" };
    g_autoptr(GPtrArray) domains = NULL;
    g_autoptr(GPtrArray) networks = NULL;
    g_autoptr(GPtrArray) pools = NULL;

    g_test_init(&argc, &argv, NULL);
    domains = xml_test_list("domain-in");
    networks = xml_test_list("network-in");
    pools = xml_test_list("pool-in");
    for (guint i = 0; i < domains->len; i++) {
        const char *n = domains->pdata[i];
        g_autofree char *p1 = g_strdup_printf("/xml/domain/golden/%s", n);
        g_autofree char *p2 = g_strdup_printf("/xml/domain/argv/%s", n);

        g_test_add_data_func(p1, n, test_domain);
        g_test_add_data_func(p2, n, test_domain_argv);
    }
    for (guint i = 0; i < networks->len; i++) {
        const char *n = networks->pdata[i];
        g_autofree char *p = g_strdup_printf("/xml/network/golden/%s", n);

        g_test_add_data_func(p, n, test_network);
    }
    for (guint i = 0; i < pools->len; i++) {
        const char *n = pools->pdata[i];
        g_autofree char *p = g_strdup_printf("/xml/pool/golden/%s", n);

        g_test_add_data_func(p, n, test_pool);
    }
    if (g_strcmp0(g_getenv("VESSEL_REGENERATE"), "1") != 0) {
        g_test_add_data_func("/xml/pool/golden/no-orphans", pool_pair, test_no_orphans);
        g_test_add_data_func("/xml/domain/golden/no-orphans", domain_pair, test_no_orphans);
        g_test_add_data_func("/xml/domain/argv/no-orphans", argv_pair, test_no_orphans);
        g_test_add_data_func("/xml/network/golden/no-orphans", network_pair, test_no_orphans);
    }
    return g_test_run();
}
