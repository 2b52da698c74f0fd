/* test-xml-values.c - behaviour that golden files cannot show: generated
 * UUIDs and MACs, memory units, size limits, argv parameters, enums. */
#include "config.h"

#include <glib/gstdio.h>
#include <arpa/inet.h>
#include <string.h>
#include "xml/domain_conf.h"
#include "xml/domain_vmm.h"
#include "xml/network_conf.h"

#define DOMAIN_HEAD "<domain type='kvm'><name>t</name>"
#define DOMAIN_OS "<os><type>hvm</type><kernel>/k</kernel></os>"

static DomainDef *
parse_ok(const char *xml)
{
    g_autoptr(GError) error = NULL;
    DomainDef *def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, &error);

    g_assert_no_error(error);
    g_assert_nonnull(def);
    return def;
}

static void
test_units(void)
{
    static const struct {
        const char *unit;
        const char *value;
        guint64 kib; /* after rounding up to whole MiB */
    } cases[] = {
        { NULL, "1024", 1024 },
        { "KiB", "1025", 2048 },
        { "k", "2048", 2048 },
        { "K", "3072", 3072 },
        { "b", "1048576", 1024 },
        { "bytes", "1", 1024 },
        { "M", "64", 65536 },
        { "MiB", "64", 65536 },
        { "MB", "1", 1024 },       /* 10^6 bytes = 976.6 KiB -> 1 MiB */
        { "KB", "1024000", 1000448 }, /* 10^9 B = 976562.5 KiB -> 977 MiB */
        { "G", "1", 1048576 },
        { "GiB", "2", 2097152 },
        { "gb", "1", 976896 },     /* 10^9 B = 976562.5 KiB -> 954 MiB */
        { "T", "1", G_GUINT64_CONSTANT(1073741824) },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *unit = cases[i].unit ? g_strdup_printf(" unit='%s'", cases[i].unit)
                                              : g_strdup("");
        g_autofree char *xml = g_strdup_printf(DOMAIN_HEAD "<memory%s>%s</memory>" DOMAIN_OS
                                               "</domain>", unit, cases[i].value);
        g_autoptr(DomainDef) def = parse_ok(xml);

        g_test_message("%s %s", cases[i].value, cases[i].unit ? cases[i].unit : "(none)");
        g_assert_cmpuint(def->memory_kib, ==, cases[i].kib);
        g_assert_cmpuint(def->current_memory_kib, ==, cases[i].kib);
    }
}

static void
test_memory_overflow(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DomainDef) def = domain_def_parse(DOMAIN_HEAD "<memory unit='EiB'>"
                                                "18446744073709551615</memory>" DOMAIN_OS
                                                "</domain>", 0, &error);

    g_assert_null(def);
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "too large"));
}

static void
test_generated_ids(void)
{
    const char *xml = DOMAIN_HEAD "<memory>1024</memory>" DOMAIN_OS
        "<devices><interface type='bridge'><source bridge='br0'/></interface>"
        "<interface type='bridge'><source bridge='br0'/></interface></devices></domain>";
    g_autoptr(DomainDef) a = parse_ok(xml);
    g_autoptr(DomainDef) b = parse_ok(xml);
    g_autofree char *out = domain_def_format(a);
    g_autoptr(DomainDef) again = parse_ok(out);

    g_assert_true(g_uuid_string_is_valid(a->uuid));
    g_assert_cmpstr(a->uuid, !=, b->uuid);
    g_assert_cmpuint(a->n_nets, ==, 2);
    for (guint i = 0; i < a->n_nets; i++) {
        g_assert_true(g_str_has_prefix(a->nets[i]->mac, "52:54:00:"));
        g_assert_cmpuint(strlen(a->nets[i]->mac), ==, 17);
    }
    g_assert_cmpstr(a->nets[0]->mac, !=, a->nets[1]->mac);
    /* once formatted, the generated values are part of the definition */
    g_assert_true(domain_def_equal(a, again));
}

static void
test_network_generated(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetworkDef) def = network_def_parse("<network><name>n</name></network>", 0, &error);
    g_autofree char *out = NULL;
    g_autoptr(NetworkDef) again = NULL;

    g_assert_no_error(error);
    g_assert_true(g_uuid_string_is_valid(def->uuid));
    g_assert_true(g_str_has_prefix(def->mac, "52:54:00:"));
    g_assert_cmpint(def->forward, ==, NETWORK_FORWARD_NONE);
    g_assert_null(def->bridge);
    out = network_def_format(def);
    again = network_def_parse(out, 0, &error);
    g_assert_no_error(error);
    g_assert_true(network_def_equal(def, again));
}

static void
test_netmask(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetworkDef) def = network_def_parse(
        "<network><name>n</name><ip address='10.1.2.1' netmask='255.255.254.0'/></network>",
        0, &error);
    g_autofree char *mask = NULL;

    g_assert_no_error(error);
    g_assert_cmpuint(def->prefix, ==, 23);
    mask = network_def_netmask_string(def);
    g_assert_cmpstr(mask, ==, "255.255.254.0");
}

static void
test_size_limit(void)
{
    g_autoptr(GString) big = g_string_new(DOMAIN_HEAD "<description>");
    g_autoptr(GError) error = NULL;
    g_autoptr(DomainDef) def = NULL;

    while (big->len <= VESSEL_XML_MAX_SIZE)
        g_string_append(big, "0123456789abcdef");
    g_string_append(big, "</description><memory>1024</memory>" DOMAIN_OS "</domain>");
    def = domain_def_parse(big->str, 0, &error);
    g_assert_null(def);
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED);
    g_assert_nonnull(strstr(error->message, "larger than"));
}

static void
test_parse_flags(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DomainDef) def = domain_def_parse(DOMAIN_HEAD "<memory>1024</memory>" DOMAIN_OS
                                                "</domain>", (DomainParseFlags)0x100, &error);

    g_assert_null(def);
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL);
}

static void
test_argv_params(void)
{
    g_autoptr(DomainDef) def = parse_ok(
        "<domain type='qemu'><name>a b</name><uuid>11111111-2222-3333-4444-555555555555</uuid>"
        "<memory>1000</memory>" DOMAIN_OS
        "<devices><interface type='bridge'><source bridge='br0'/>"
        "<mac address='52:54:00:00:00:01'/><target dev='tap-a'/></interface></devices></domain>");
    const char *taps_wrong[] = { "t0", "t1", NULL };
    const char *taps_bad[] = { "t,0", NULL };
    DomainVmmParams params = { .control_fd = 7, .accel = "auto", .vmm_path = "/opt/vmm" };
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = domain_def_to_vmm_argv(def, &params, &error);
    g_autofree char *joined = NULL;

    g_assert_no_error(error);
    joined = g_strjoinv(" ", argv);
    g_assert_cmpstr(joined, ==,
                    "/opt/vmm --kernel /k --memory 1 --cpus 1 --accel auto "
                    "--net tap=tap-a,mac=52:54:00:00:00:01 --control fd:7 --name a b "
                    "--uuid 11111111-2222-3333-4444-555555555555");
    /* the name stays one argument even with a space */
    g_assert_cmpstr(argv[g_strv_length(argv) - 3], ==, "a b");

    params.paused = TRUE;       /* the daemon resumes after attaching */
    g_auto(GStrv) paused = domain_def_to_vmm_argv(def, &params, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(paused[g_strv_length(paused) - 1], ==, "--paused");
    params.paused = FALSE;

    const int fds[] = { 3 };    /* the daemon passes the tap it opened */
    params.tap_fds = fds;
    g_auto(GStrv) byfd = domain_def_to_vmm_argv(def, &params, &error);
    g_assert_no_error(error);
    g_autofree char *byfd_joined = g_strjoinv(" ", byfd);
    g_assert_nonnull(strstr(byfd_joined, " --net tapfd=3,mac=52:54:00:00:00:01 "));
    params.tap_fds = NULL;

    params.accel = "tcg";
    g_assert_null(domain_def_to_vmm_argv(def, &params, &error));
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID);
    g_clear_error(&error);

    params.accel = NULL;
    params.tap_names = taps_wrong;
    g_assert_null(domain_def_to_vmm_argv(def, &params, &error));
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID);
    g_clear_error(&error);

    params.tap_names = taps_bad;
    g_assert_null(domain_def_to_vmm_argv(def, &params, &error));
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID);
    g_clear_error(&error);
}

static void
test_argv_no_tap(void)
{
    g_autoptr(DomainDef) def = parse_ok(
        DOMAIN_HEAD "<memory>1024</memory>" DOMAIN_OS
        "<devices><interface type='network'><source network='default'/></interface>"
        "</devices></domain>");
    DomainVmmParams params = { .control_fd = -1 };
    g_autoptr(GError) error = NULL;

    g_assert_null(domain_def_to_vmm_argv(def, &params, &error));
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "no tap device"));
}

/* libvirt's stock default network (libvirt-daemon-config-network's
 * default.xml) works unchanged: no uuid, no mac, <forward/> = NAT. */
static void
test_libvirt_default_network(void)
{
    static const char xml[] =
        "<network>\n"
        "  <name>default</name>\n"
        "  <bridge name='virbr0'/>\n"
        "  <forward/>\n"
        "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
        "    <dhcp>\n"
        "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
        "    </dhcp>\n"
        "  </ip>\n"
        "</network>\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(NetworkDef) def = network_def_parse(xml, 0, &error);
    g_autofree char *mask = NULL;

    g_assert_no_error(error);
    g_assert_cmpstr(def->name, ==, "default");
    g_assert_cmpstr(def->bridge, ==, "virbr0");
    g_assert_cmpint(def->forward, ==, NETWORK_FORWARD_NAT);
    g_assert_true(def->has_ip);
    g_assert_cmpuint(def->prefix, ==, 24);
    g_assert_true(def->netmask_form);
    g_assert_true(def->has_dhcp_range);
    g_assert_cmpuint(ntohl(def->dhcp_start.s_addr), ==, 0xc0a87a02);
    g_assert_cmpuint(ntohl(def->dhcp_end.s_addr), ==, 0xc0a87afe);
    g_assert_true(def->stp);
    mask = network_def_netmask_string(def);
    g_assert_cmpstr(mask, ==, "255.255.255.0");
}

/* Definitions built in code (not parsed) must not crash the formatter
 * or produce a truncated argv. */
static void
test_incomplete_def(void)
{
    g_autoptr(DomainDef) def = g_new0(DomainDef, 1);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    DomainVmmParams params = { .control_fd = -1 };

    def->disks = g_new0(DomainDiskDef *, 1);
    def->nets = g_new0(DomainNetDef *, 1);
    xml = domain_def_format(def);
    g_assert_nonnull(xml);
    g_assert_null(domain_def_to_vmm_argv(def, &params, &error));
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID);
}

static void
test_enums(void)
{
    for (int i = 0; i < DOMAIN_VIRT_LAST; i++)
        g_assert_cmpint(domain_virt_type_from_string(domain_virt_type_to_string(i)), ==, i);
    g_assert_cmpint(domain_virt_type_from_string("xen"), ==, -1);
    g_assert_null(domain_virt_type_to_string(DOMAIN_VIRT_LAST));
    g_assert_cmpint(domain_virt_type_accel(DOMAIN_VIRT_QEMU), ==, DOMAIN_ACCEL_DBT);
    g_assert_cmpint(domain_virt_type_accel(DOMAIN_VIRT_DBT), ==, DOMAIN_ACCEL_DBT);
    g_assert_cmpint(domain_virt_type_accel(DOMAIN_VIRT_KVM), ==, DOMAIN_ACCEL_KVM);
    for (int i = 0; i < NETWORK_FORWARD_LAST; i++)
        g_assert_cmpint(network_forward_mode_from_string(network_forward_mode_to_string(i)),
                        ==, i);
    g_assert_cmpstr(domain_lifecycle_action_to_string(DOMAIN_LIFECYCLE_RESTART), ==, "restart");
}

static void
test_parse_file_names_path(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("vessel-xml-XXXXXX", &error);
    g_autofree char *path = NULL;
    g_autoptr(DomainDef) def = NULL;

    g_assert_no_error(error);
    path = g_build_filename(dir, "bad.xml", NULL);
    g_file_set_contents(path, "<domain type='kvm'>", -1, &error);
    g_assert_no_error(error);
    def = domain_def_parse_file(path, 0, &error);
    g_assert_null(def);
    g_assert_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED);
    g_assert_true(g_str_has_prefix(error->message, path));
    g_unlink(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml/values/units", test_units);
    g_test_add_func("/xml/values/memory-overflow", test_memory_overflow);
    g_test_add_func("/xml/values/generated-ids", test_generated_ids);
    g_test_add_func("/xml/values/network-generated", test_network_generated);
    g_test_add_func("/xml/values/netmask", test_netmask);
    g_test_add_func("/xml/values/size-limit", test_size_limit);
    g_test_add_func("/xml/values/parse-flags", test_parse_flags);
    g_test_add_func("/xml/values/argv-params", test_argv_params);
    g_test_add_func("/xml/values/argv-no-tap", test_argv_no_tap);
    g_test_add_func("/xml/values/enums", test_enums);
    g_test_add_func("/xml/values/incomplete-def", test_incomplete_def);
    g_test_add_func("/xml/values/libvirt-default-network", test_libvirt_default_network);
    g_test_add_func("/xml/values/parse-file-names-path", test_parse_file_names_path);
    return g_test_run();
}
