/* xml_test_util.c - shared helpers of the tests in tests/xml. */
#include "config.h"
#include "xml_test_util.h"

#include <string.h>

static int
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
xml_test_path(const char *dir, const char *name)
{
    return g_test_build_filename(G_TEST_DIST, dir, name, NULL);
}

static GPtrArray *
list_files(const char *dir, const char *suffix, gboolean strip)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, dir, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(path, 0, &error);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    g_assert_no_error(error);
    while ((n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, suffix))
            g_ptr_array_add(names, strip ? g_strndup(n, strlen(n) - strlen(suffix))
                                         : g_strdup(n));
    g_ptr_array_sort(names, cmp_names);
    return names;
}

GPtrArray *
xml_test_list(const char *dir)
{
    return list_files(dir, ".xml", FALSE);
}

GPtrArray *
xml_test_list_stems(const char *dir, const char *suffix)
{
    return list_files(dir, suffix, TRUE);
}

char *
xml_test_read(const char *dir, const char *name)
{
    g_autofree char *path = xml_test_path(dir, name);
    g_autoptr(GError) error = NULL;
    char *data = NULL;

    g_file_get_contents(path, &data, NULL, &error);
    g_assert_no_error(error);
    return data;
}

void
xml_test_golden(const char *dir, const char *name, const char *actual)
{
    g_autofree char *path = xml_test_path(dir, name);
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (g_strcmp0(g_getenv("VESSEL_REGENERATE"), "1") == 0) {
        g_file_set_contents(path, actual, -1, &error);
        g_assert_no_error(error);
        return;
    }
    g_file_get_contents(path, &expected, NULL, &error);
    if (error)
        g_test_message("missing golden file %s (VESSEL_REGENERATE=1 creates it)", path);
    g_assert_no_error(error);
    if (strcmp(expected, actual) != 0)
        g_test_message("%s differs; got:\n%s", path, actual);
    g_assert_cmpstr(actual, ==, expected);
}
