/* test-xml-errors.c - every bad definition fails with the right message.
 *
 * error-cases.txt is the table: "DIR/FILE | CODE | expected substring".
 * Every file in domain-err/, network-err/, pool-err/ and vol-err/ must
 * have a row, so no case goes untested. */
#include "config.h"

#include <string.h>
#include "xml/domain_conf.h"
#include "xml/network_conf.h"
#include "xml/storage_conf.h"
#include "xml_test_util.h"

typedef struct {
    char *dir, *file, *code, *expect;
} ErrorCase;

static const char *const code_names[] = {
    [VESSEL_XML_ERROR_MALFORMED] = "MALFORMED",
    [VESSEL_XML_ERROR_SCHEMA] = "SCHEMA",
    [VESSEL_XML_ERROR_UNSUPPORTED] = "UNSUPPORTED",
    [VESSEL_XML_ERROR_INVALID] = "INVALID",
    [VESSEL_XML_ERROR_INTERNAL] = "INTERNAL",
};
G_STATIC_ASSERT(G_N_ELEMENTS(code_names) == VESSEL_XML_ERROR_LAST);

static void
error_case_free(ErrorCase *c)
{
    g_free(c->dir);
    g_free(c->file);
    g_free(c->code);
    g_free(c->expect);
    g_free(c);
}

static GPtrArray *
error_cases_load(void)
{
    g_autofree char *text = xml_test_read(".", "error-cases.txt");
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *cases = g_ptr_array_new_with_free_func((GDestroyNotify)error_case_free);

    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) f = NULL;
        ErrorCase *c;
        char *slash;

        if (!*g_strstrip(lines[i]) || lines[i][0] == '#')
            continue;
        f = g_strsplit(lines[i], " | ", 3);
        g_assert_cmpuint(g_strv_length(f), ==, 3);
        slash = strchr(f[0], '/');
        g_assert_nonnull(slash);
        c = g_new0(ErrorCase, 1);
        c->dir = g_strndup(f[0], (gsize)(slash - f[0]));
        c->file = g_strdup(slash + 1);
        c->code = g_strdup(f[1]);
        c->expect = g_strdup(f[2]);
        g_ptr_array_add(cases, c);
    }
    return cases;
}

static void
test_error_case(gconstpointer data)
{
    const ErrorCase *c = data;
    g_autofree char *xml = xml_test_read(c->dir, c->file);
    g_autoptr(GError) error = NULL;

    if (strcmp(c->dir, "domain-err") == 0) {
        g_autoptr(DomainDef) def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, &error);

        g_assert_null(def);
    } else if (strcmp(c->dir, "pool-err") == 0) {
        g_autoptr(StoragePoolDef) def = storage_pool_def_parse(xml, &error);

        g_assert_null(def);
    } else if (strcmp(c->dir, "vol-err") == 0) {
        g_autoptr(StorageVolDef) def = storage_vol_def_parse(xml, &error);

        g_assert_null(def);
    } else {
        g_autoptr(NetworkDef) def = network_def_parse(xml, NETWORK_PARSE_DEFAULT, &error);

        g_assert_null(def);
    }
    g_assert_nonnull(error);
    g_test_message("%s/%s: %s", c->dir, c->file, error->message);
    g_assert_true(error->domain == VESSEL_XML_ERROR);
    g_assert_cmpint(error->code, >=, 0);
    g_assert_cmpint(error->code, <, VESSEL_XML_ERROR_LAST);
    g_assert_cmpstr(code_names[error->code], ==, c->code);
    if (!strstr(error->message, c->expect))
        g_test_message("expected '%s' in '%s'", c->expect, error->message);
    g_assert_nonnull(strstr(error->message, c->expect));
}

static void
test_all_listed(gconstpointer data)
{
    const GPtrArray *cases = data;
    static const char *const dirs[] = { "domain-err", "network-err", "pool-err", "vol-err" };

    for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
        g_autoptr(GPtrArray) files = xml_test_list(dirs[d]);

        for (guint i = 0; i < files->len; i++) {
            gboolean found = FALSE;

            for (guint j = 0; j < cases->len; j++) {
                const ErrorCase *c = cases->pdata[j];

                found |= strcmp(c->dir, dirs[d]) == 0 && strcmp(c->file, files->pdata[i]) == 0;
            }
            if (!found)
                g_test_message("%s/%s has no row in error-cases.txt", dirs[d],
                               (const char *)files->pdata[i]);
            g_assert_true(found);
        }
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) cases = NULL;

    g_test_init(&argc, &argv, NULL);
    cases = error_cases_load();
    for (guint i = 0; i < cases->len; i++) {
        const ErrorCase *c = cases->pdata[i];
        g_autofree char *path = g_strdup_printf("/xml/errors/%s/%s", c->dir, c->file);

        g_test_add_data_func(path, c, test_error_case);
    }
    g_test_add_data_func("/xml/errors/all-listed", cases, test_all_listed);
    return g_test_run();
}
