/* vessel_xml_tool.c - `vessel-xml`: check, canonicalize and translate
 * definitions without a daemon.
 *
 *   vessel-xml domain FILE            validate, print the canonical XML
 *   vessel-xml network FILE           same for a network
 *   vessel-xml pool FILE              same for a storage pool
 *   vessel-xml volume FILE            validate a volume to create, print
 *                                     what it asks for (key=value)
 *   vessel-xml argv FILE [--tap T]... [--accel A] [--vmm PATH]
 *                                     print the vessel-vmm command line,
 *                                     one argument per line
 * FILE '-' reads standard input.  Exit status 0, 1 on an invalid
 * definition (message on stderr), 2 on a usage error. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include "i18n.h"
#include "xml/domain_conf.h"
#include "xml/domain_vmm.h"
#include "xml/network_conf.h"
#include "xml/storage_conf.h"

static char *
tool_read(const char *path, GError **error)
{
    g_autoptr(GString) in = NULL;
    char buf[4096];
    size_t n;
    char *data = NULL;

    if (strcmp(path, "-") != 0)
        return g_file_get_contents(path, &data, NULL, error) ? data : NULL;
    in = g_string_new(NULL);
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0 && in->len <= VESSEL_XML_MAX_SIZE)
        g_string_append_len(in, buf, (gssize)n);
    return g_string_free(g_steal_pointer(&in), FALSE);
}

static int
tool_usage(void)
{
    fprintf(stderr, "%s",
            _("usage: vessel-xml domain FILE\n"
              "       vessel-xml network FILE\n"
              "       vessel-xml pool FILE\n"
              "       vessel-xml volume FILE\n"
              "       vessel-xml argv FILE [--tap NAME]... [--accel auto|kvm|dbt] [--vmm PATH]\n"));
    return 2;
}

static int
tool_fail(const GError *error)
{
    fprintf(stderr, _("error: %s\n"), error->message);
    return 1;
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    const char *cmd;

    vessel_i18n_init();
    if (argc < 3)
        return tool_usage();
    cmd = argv[1];
    if (strcmp(cmd, "domain") != 0 && strcmp(cmd, "network") != 0 && strcmp(cmd, "argv") != 0 &&
        strcmp(cmd, "pool") != 0 && strcmp(cmd, "volume") != 0)
        return tool_usage();
    if (strcmp(cmd, "argv") != 0 && argc != 3)
        return tool_usage();
    if (!(xml = tool_read(argv[2], &error)))
        return tool_fail(error);

    if (strcmp(cmd, "pool") == 0) {
        g_autoptr(StoragePoolDef) def = storage_pool_def_parse(xml, &error);
        g_autofree char *out = NULL;

        if (!def)
            return tool_fail(error);
        out = storage_pool_def_format(def, NULL);
        fputs(out, stdout);
    } else if (strcmp(cmd, "volume") == 0) {
        g_autoptr(StorageVolDef) def = storage_vol_def_parse(xml, &error);

        if (!def)
            return tool_fail(error);
        printf("name=%s\ncapacity=%" G_GUINT64_FORMAT "\nformat=%s\n", def->name, def->capacity,
               storage_vol_format_to_string(def->format));
        if (def->has_allocation)
            printf("allocation=%" G_GUINT64_FORMAT "\n", def->allocation);
        if (def->backing_path)
            printf("backing=%s\n", def->backing_path);
        if (def->has_backing_format)
            printf("backing_format=%s\n", storage_vol_format_to_string(def->backing_format));
    } else if (strcmp(cmd, "network") == 0) {
        g_autoptr(NetworkDef) def = network_def_parse(xml, NETWORK_PARSE_DEFAULT, &error);
        g_autofree char *out = NULL;

        if (!def)
            return tool_fail(error);
        out = network_def_format(def);
        fputs(out, stdout);
    } else {
        g_autoptr(DomainDef) def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, &error);
        g_autoptr(GPtrArray) taps = g_ptr_array_new();
        DomainVmmParams params = { .control_fd = -1 };
        g_auto(GStrv) vmm_argv = NULL;

        if (!def)
            return tool_fail(error);
        if (strcmp(cmd, "domain") == 0) {
            g_autofree char *out = domain_def_format(def);

            fputs(out, stdout);
            return 0;
        }
        for (int i = 3; i < argc; i++) {
            if (i + 1 >= argc)
                return tool_usage();
            if (strcmp(argv[i], "--tap") == 0)
                g_ptr_array_add(taps, argv[++i]);
            else if (strcmp(argv[i], "--accel") == 0)
                params.accel = argv[++i];
            else if (strcmp(argv[i], "--vmm") == 0)
                params.vmm_path = argv[++i];
            else
                return tool_usage();
        }
        if (taps->len) {
            g_ptr_array_add(taps, NULL);
            params.tap_names = (const char *const *)taps->pdata;
        }
        if (!(vmm_argv = domain_def_to_vmm_argv(def, &params, &error)))
            return tool_fail(error);
        for (guint i = 0; vmm_argv[i]; i++)
            printf("%s\n", vmm_argv[i]);
    }
    return 0;
}
