/* test-xml-limits.c - definitions with costly shapes are refused before
 * libxml2 parses them (xml/xml_limits.h), and validations run in
 * parallel (issue 16).
 *
 * The documents are the findings: 60,000 attributes on one
 * <metadata> child (a minute of parsing and gigabytes of validation
 * before), 140,000 empty metadata children (a minute of validation at
 * every daemon start), plus depth and <metadata> size.  Every kind of
 * definition (domain, network, pool, volume) goes through the same
 * check.  Documents just inside the limits are accepted, so the counts
 * are exact. */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include "xml/domain_conf.h"
#include "xml/network_conf.h"
#include "xml/storage_conf.h"
#include "xml/xml_doc.h"
#include "xml/xml_limits.h"
#include "tests/lib/vtest-xml.h"

/* A domain whose <metadata> holds @body. */
static char *domain_with_metadata(const char *body)
{
    return vt_xml_domain_with_metadata("d", body);
}

static glong maxrss_kb(void)
{
    struct rusage ru;
    g_assert_cmpint(getrusage(RUSAGE_SELF, &ru), ==, 0);
    return ru.ru_maxrss;
}

static void assert_refused(const char *xml, const char *what)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DomainDef) def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, &err);
    g_assert_null(def);
    g_assert_error(err, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED);
    if (!strstr(err->message, what) || !strstr(err->message, "(the limit is"))
        g_error("expected '%s', got: %s", what, err->message);
    g_test_message("%s", err->message);
}

static void assert_accepted(const char *xml)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DomainDef) def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, &err);
    g_assert_no_error(err);
    g_assert_nonnull(def);
}

/* The 650 KB document: refused at once, with no memory to speak
 * of (before: a minute of parsing, then 16 GB of validation). */
static void test_attributes(void)
{
    g_autofree char *el = vt_xml_element_with_attrs(60000);
    g_autofree char *xml = domain_with_metadata(el);
    glong before = maxrss_kb();
    assert_refused(xml, "too many attributes on one element");
    glong grown = maxrss_kb() - before;
    g_test_message("%zu bytes, peak RSS grew by %ld KiB", strlen(xml), grown);
    g_assert_cmpint(grown, <, 32 * 1024);

    g_autofree char *at = vt_xml_element_with_attrs(VESSEL_XML_MAX_ATTRIBUTES);
    g_autofree char *ok = domain_with_metadata(at);
    assert_accepted(ok);
    g_autofree char *over = vt_xml_element_with_attrs(VESSEL_XML_MAX_ATTRIBUTES + 1);
    g_autofree char *bad = domain_with_metadata(over);
    assert_refused(bad, "too many attributes on one element");
}

/* 140,000 empty children (840 KB): refused instead of stored and
 * validated for a minute at every daemon start. */
static void test_elements(void)
{
    g_autofree char *many = vt_xml_element_with_children(140000);
    g_autofree char *xml = domain_with_metadata(many);
    assert_refused(xml, "too many elements");
    /* the domain, <metadata> and <m:x> make 9 elements: just at the
     * limit is fine, one more is not */
    g_autofree char *at = vt_xml_element_with_children(VESSEL_XML_MAX_ELEMENTS - 9);
    g_autofree char *ok = domain_with_metadata(at);
    assert_accepted(ok);
    g_autofree char *over = vt_xml_element_with_children(VESSEL_XML_MAX_ELEMENTS - 9 + 1);
    g_autofree char *bad = domain_with_metadata(over);
    assert_refused(bad, "too many elements");
}

static void test_depth(void)
{
    GString *s = g_string_new(NULL);
    guint n = VESSEL_XML_MAX_DEPTH - 2;     /* <domain><metadata> are two levels */
    for (guint i = 0; i < n; i++)
        g_string_append(s, "<m:a xmlns:m='urn:t'>");
    for (guint i = 0; i < n; i++)
        g_string_append(s, "</m:a>");
    g_autofree char *ok = domain_with_metadata(s->str);
    assert_accepted(ok);
    g_string_prepend(s, "<m:b xmlns:m='urn:t'>");
    g_string_append(s, "</m:b>");
    g_autofree char *bad = domain_with_metadata(s->str);
    assert_refused(bad, "elements nested too deeply");
    g_string_free(s, TRUE);
}

static void test_metadata_size(void)
{
    g_autofree char *text = g_strnfill(VESSEL_XML_MAX_METADATA, 't');
    g_autofree char *body = g_strdup_printf("<m:x xmlns:m='urn:t'>%s</m:x>", text);
    g_autofree char *xml = domain_with_metadata(body);
    assert_refused(xml, "<metadata> is too large");
    text[VESSEL_XML_MAX_METADATA / 2] = '\0';
    g_autofree char *body2 = g_strdup_printf("<m:x xmlns:m='urn:t'>%s</m:x>", text);
    g_autofree char *ok = domain_with_metadata(body2);
    assert_accepted(ok);
}

/* Comments, CDATA and processing instructions hold no elements or
 * attributes; '=' and '>' inside quoted values are not markup. */
static void test_exact_counts(void)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < VESSEL_XML_MAX_ATTRIBUTES * 2; i++)
        g_string_append(s, "<!-- <a b='c' d=e> --><m:y xmlns:m='urn:t'><![CDATA[<x y=z>]]>"
                           "</m:y><?pi a=b?>");
    g_autofree char *el = vt_xml_element_with_attrs(VESSEL_XML_MAX_ATTRIBUTES - 1);
    /* one more attribute whose value has '=', '>' and the other quote */
    el[strlen(el) - 2] = '\0';
    g_string_append_printf(s, "%s m:q='a=b>\"c\"=d'/>", el);
    g_autofree char *xml = domain_with_metadata(s->str);
    assert_accepted(xml);
    g_string_free(s, TRUE);
}

/* Networks, pools and volumes go through the same check. */
static void test_other_kinds(void)
{
    g_autofree char *attrs = vt_xml_element_with_attrs(VESSEL_XML_MAX_ATTRIBUTES + 1);
    char *inner = attrs + strlen("<m:x");
    g_autofree char *net = g_strdup_printf("<network><name%s</network>", inner);
    g_autofree char *pool = g_strdup_printf("<pool type='dir'><name%s</pool>", inner);
    g_autofree char *vol = g_strdup_printf("<volume><name%s</volume>", inner);
    g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
    g_autoptr(NetworkDef) n = network_def_parse(net, NETWORK_PARSE_DEFAULT, &e1);
    g_autoptr(StoragePoolDef) p = storage_pool_def_parse(pool, &e2);
    g_autoptr(StorageVolDef) v = storage_vol_def_parse(vol, &e3);
    g_assert_null(n);
    g_assert_null(p);
    g_assert_null(v);
    GError *errs[] = { e1, e2, e3 };
    for (guint i = 0; i < G_N_ELEMENTS(errs); i++) {
        g_assert_error(errs[i], VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED);
        g_assert_nonnull(strstr(errs[i]->message, "too many attributes on one element"));
    }
}

typedef struct {
    const char *xml;
    gint failures;
} ParallelRun;

static gpointer validate_loop(gpointer data)
{
    ParallelRun *run = data;
    for (int i = 0; i < 200 && xml_doc_schema_copies("domain.rng") < 2; i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(DomainDef) def = domain_def_parse(run->xml, DOMAIN_PARSE_DEFAULT, &err);
        if (!def)
            g_atomic_int_inc(&run->failures);
    }
    return NULL;
}

/* Validations run side by side, each on a compiled schema of its own:
 * none waits for another behind a lock (issue 16: one slow definition
 * held the schema lock while other defines timed out). */
static void test_parallel(void)
{
    g_autofree char *kids = vt_xml_element_with_children(VESSEL_XML_MAX_ELEMENTS - 9);
    ParallelRun run = { .xml = NULL };
    g_autofree char *xml = domain_with_metadata(kids);
    run.xml = xml;
    GThread *threads[4];
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("validate", validate_loop, &run);
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
    g_assert_cmpint(run.failures, ==, 0);
    g_test_message("compiled copies of domain.rng: %u", xml_doc_schema_copies("domain.rng"));
    g_assert_cmpuint(xml_doc_schema_copies("domain.rng"), >=, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml/limits/attributes", test_attributes);
    g_test_add_func("/xml/limits/elements", test_elements);
    g_test_add_func("/xml/limits/depth", test_depth);
    g_test_add_func("/xml/limits/metadata-size", test_metadata_size);
    g_test_add_func("/xml/limits/exact-counts", test_exact_counts);
    g_test_add_func("/xml/limits/other-kinds", test_other_kinds);
    g_test_add_func("/xml/limits/parallel", test_parallel);
    return g_test_run();
}
