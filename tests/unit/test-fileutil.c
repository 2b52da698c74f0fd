/* test-fileutil.c - atomic writes in common/fileutil.c. */
#include "config.h"

#include <sys/stat.h>

#include "fileutil.h"
#include "vtest.h"

static void test_write_and_replace(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("fileutil");
    g_autofree char *path = g_build_filename(dir->path, "a.xml", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *got = NULL;

    g_assert_true(vessel_file_write_atomic(path, "<one/>", -1, 0600, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, "<one/>");
    g_clear_pointer(&got, g_free);

    g_assert_true(vessel_file_write_atomic(path, "<two/>", -1, 0640, &error));
    g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, "<two/>");

    struct stat st;
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0640);

    /* No temporary file is left behind. */
    GDir *d = g_dir_open(dir->path, 0, NULL);
    int n = 0;
    while (g_dir_read_name(d))
        n++;
    g_dir_close(d);
    g_assert_cmpint(n, ==, 1);
}

static void test_write_error(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_false(vessel_file_write_atomic("/nonexistent-dir/x", "x", 1, 0600, &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull(strstr(error->message, "/nonexistent-dir/x"));
}

static void test_remove(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("fileutil");
    g_autofree char *path = g_build_filename(dir->path, "b", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(vessel_file_write_atomic(path, "x", 1, 0600, &error));
    g_assert_true(vessel_file_remove_durable(path, &error));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    /* Removing what is gone is fine. */
    g_assert_true(vessel_file_remove_durable(path, &error));
    g_assert_no_error(error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fileutil/write-and-replace", test_write_and_replace);
    g_test_add_func("/fileutil/write-error", test_write_error);
    g_test_add_func("/fileutil/remove", test_remove);
    return g_test_run();
}
