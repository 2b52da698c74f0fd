/* test-xml-storage.c - <volume> XML: what a parsed volume asks for
 * (vol-in/), and the XML of existing volumes (vol-out/, golden, from
 * fixed StorageVolInfo values) which must parse again as a volume to
 * create (libvirt's vol-create accepts vol-dumpxml output too).
 * VESSEL_REGENERATE=1 rewrites vol-out/. */
#include "config.h"

#include <string.h>
#include "xml/storage_conf.h"
#include "xml_test_util.h"

static void
test_parse_qcow2_backing(void)
{
    g_autofree char *in = xml_test_read("vol-in", "qcow2-backing.xml");
    g_autoptr(GError) error = NULL;
    g_autoptr(StorageVolDef) def = storage_vol_def_parse(in, &error);

    g_assert_no_error(error);
    g_assert_cmpstr(def->name, ==, "overlay.qcow2");
    g_assert_cmpuint(def->capacity, ==, 10ull << 30);
    g_assert_false(def->has_allocation);
    g_assert_true(def->has_format);
    g_assert_cmpint(def->format, ==, STORAGE_VOL_FORMAT_QCOW2);
    g_assert_cmpstr(def->backing_path, ==, "/var/lib/vessel/images/base.qcow2");
    g_assert_true(def->has_backing_format);
    g_assert_cmpint(def->backing_format, ==, STORAGE_VOL_FORMAT_QCOW2);
    g_assert_cmpint(def->perms.mode, ==, 0640);
    g_assert_cmpint(def->perms.owner, ==, -1);
    g_assert_false(def->compat_v2);
    g_assert_cmpuint(def->cluster_size, ==, 65536);
}

static void
test_parse_raw(void)
{
    g_autofree char *in = xml_test_read("vol-in", "raw-prealloc.xml");
    g_autoptr(GError) error = NULL;
    g_autoptr(StorageVolDef) def = storage_vol_def_parse(in, &error);

    g_assert_no_error(error);
    g_assert_cmpstr(def->name, ==, "disk.img");
    g_assert_cmpuint(def->capacity, ==, 100000000);
    g_assert_true(def->has_allocation);
    g_assert_cmpuint(def->allocation, ==, 100000000);
    g_assert_false(def->has_format);
    g_assert_cmpint(def->format, ==, STORAGE_VOL_FORMAT_RAW);
    g_assert_null(def->backing_path);
}

static void
test_format_info(void)
{
    StorageVolInfo q = {
        .name = "overlay.qcow2", .path = "/var/lib/vessel/images/overlay.qcow2",
        .capacity = 10737418240ull, .allocation = 200704, .physical = 196624,
        .format = STORAGE_VOL_FORMAT_QCOW2, .perms = { 0600, 0, 0 },
        .atime = "1700000000.123456789", .mtime = "1700000001.5", .ctime = "1700000002.0",
        .compat = "1.1", .cluster_size = 65536,
        .backing_path = "/var/lib/vessel/images/base&1.qcow2", .has_backing_format = TRUE,
        .backing_format = STORAGE_VOL_FORMAT_QCOW2,
    };
    StorageVolInfo r = {
        .name = "disk.img", .path = "/srv/disk.img", .capacity = 1048576, .allocation = 0,
        .physical = 1048576, .format = STORAGE_VOL_FORMAT_RAW, .perms = { 0644, 1000, 1000 },
    };
    const StorageVolInfo *infos[] = { &q, &r };
    const char *names[] = { "qcow2-backing.xml", "raw.xml" };

    for (guint i = 0; i < G_N_ELEMENTS(infos); i++) {
        g_autofree char *out = storage_vol_info_format(infos[i]);
        g_autoptr(GError) error = NULL;

        xml_test_golden("vol-out", names[i], out);
        g_autoptr(StorageVolDef) def = storage_vol_def_parse(out, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(def->name, ==, infos[i]->name);
        g_assert_cmpuint(def->capacity, ==, infos[i]->capacity);
        g_assert_cmpint(def->format, ==, infos[i]->format);
        g_assert_cmpstr(def->backing_path, ==, infos[i]->backing_path);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml/volume/parse/qcow2-backing", test_parse_qcow2_backing);
    g_test_add_func("/xml/volume/parse/raw", test_parse_raw);
    g_test_add_func("/xml/volume/format", test_format_info);
    return g_test_run();
}
