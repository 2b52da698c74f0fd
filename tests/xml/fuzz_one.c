/* fuzz_one.c - the fuzz oracle: parse, and if that works, round-trip. */
#include "config.h"
#include "fuzz_one.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xml/domain_conf.h"
#include "xml/domain_vmm.h"
#include "xml/network_conf.h"

#define FUZZ_CHECK(cond, what, text)                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz oracle failed: %s\n--- input ---\n%s\n",      \
                    what, text);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* VESSEL_FUZZ_DUMP_DIR: keep every formatted definition, so that
 * test-xml-libvirt-schema.sh can check them against libvirt's schemas. */
static void
fuzz_dump(const char *kind, const char *xml)
{
    static guint counter;
    const char *dir = g_getenv("VESSEL_FUZZ_DUMP_DIR");
    g_autofree char *name = NULL;
    g_autofree char *path = NULL;

    if (!dir)
        return;
    name = g_strdup_printf("%s-%05u.xml", kind, counter++);
    path = g_build_filename(dir, name, NULL);
    if (!g_file_set_contents(path, xml, -1, NULL))
        abort();
}

static void
fuzz_error_ok(const GError *error, const char *text)
{
    FUZZ_CHECK(error && error->domain == VESSEL_XML_ERROR && error->message &&
               *error->message, "failure without a VESSEL_XML_ERROR message", text);
}

static int
fuzz_domain(const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DomainDef) def = domain_def_parse(text, DOMAIN_PARSE_DEFAULT, &error);
    g_autoptr(DomainDef) again = NULL;
    g_autofree char *out = NULL, *out2 = NULL;
    g_auto(GStrv) argv = NULL;
    DomainVmmParams params = { .control_fd = -1 };

    if (!def) {
        fuzz_error_ok(error, text);
        return 0;
    }
    out = domain_def_format(def);
    again = domain_def_parse(out, DOMAIN_PARSE_DEFAULT, &error);
    if (!again)
        fprintf(stderr, "reparse error: %s\n--- output ---\n%s\n", error->message, out);
    FUZZ_CHECK(again != NULL, "formatted domain does not parse", text);
    FUZZ_CHECK(domain_def_equal(def, again), "domain round trip differs", text);
    out2 = domain_def_format(again);
    FUZZ_CHECK(strcmp(out, out2) == 0, "domain formats differently twice", text);
    fuzz_dump("domain", out);

    /* taps from <target dev=>, so missing ones are a clean error */
    argv = domain_def_to_vmm_argv(def, &params, &error);
    if (!argv)
        fuzz_error_ok(error, text);
    return 1;
}

static int
fuzz_network(const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetworkDef) def = network_def_parse(text, NETWORK_PARSE_DEFAULT, &error);
    g_autoptr(NetworkDef) again = NULL;
    g_autofree char *out = NULL, *out2 = NULL;

    if (!def) {
        fuzz_error_ok(error, text);
        return 0;
    }
    out = network_def_format(def);
    again = network_def_parse(out, NETWORK_PARSE_DEFAULT, &error);
    if (!again)
        fprintf(stderr, "reparse error: %s\n--- output ---\n%s\n", error->message, out);
    FUZZ_CHECK(again != NULL, "formatted network does not parse", text);
    FUZZ_CHECK(network_def_equal(def, again), "network round trip differs", text);
    out2 = network_def_format(again);
    FUZZ_CHECK(strcmp(out, out2) == 0, "network formats differently twice", text);
    fuzz_dump("network", out);
    return 1;
}

int
xml_fuzz_one(const guint8 *data, size_t size)
{
    g_autofree char *text = g_malloc(size + 1);

    if (size)
        memcpy(text, data, size);
    text[size] = 0;
    return fuzz_domain(text) + fuzz_network(text);
}
