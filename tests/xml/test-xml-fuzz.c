/* test-xml-fuzz.c - deterministic fuzzing of the parsers in make check.
 *
 * Replays the corpus (every XML file under tests/xml) through the fuzz
 * oracle (fuzz_one.c), then applies VESSEL_FUZZ_ITERATIONS (default 5000)
 * random mutations with a fixed seed (VESSEL_FUZZ_SEED, default 1):
 * byte flips, insertions of XML-ish tokens, deletions, duplications,
 * splices of two corpus files, and (most often) swaps of an attribute
 * value or element text for a plausible value.  The same oracle runs under libFuzzer
 * with fuzz/build-libfuzzer.sh for open-ended fuzzing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include "fuzz_one.h"
#include "xml_test_util.h"

/* the first N_VALID_DIRS hold definitions that parse */
static const char *const corpus_dirs[] = {
    "domain-in", "domain-out", "network-in", "network-out", "domain-err", "network-err",
};
#define N_VALID_DIRS 4

static const char *const tokens[] = {
    "<", ">", "/>", "</", "'", "\"", "&amp;", "&lt;", "&#10;", "&#13;", "&#9;", "]]>",
    "<![CDATA[x]]>", "<!-- c -->", "<?pi x?>", "<!DOCTYPE domain>", "&xxe;", "\t", "\n",
    "<graphics type='vnc'/>", "<disk type='file'><source file='/a'/><target dev='vdz'/></disk>",
    "<interface type='network'><source network='n'/></interface>",
    "<serial type='pty'/>", "<console type='pty'/>", "<metadata><x:a xmlns:x='urn:x'>t</x:a></metadata>",
    "unit='b'", "unit='EiB'", "unit='KB'", "18446744073709551615", "4294967296", "0",
    "xmlns='urn:x'", "xmlns:v='urn:v'", " v:a='1'", "/", "..", ",", "=", "ff:ff:ff:ff:ff:ff",
    "52:54:00:00:00:01", "00000000-0000-0000-0000-000000000000", "<ip address='10.0.0.1' prefix='8'/>",
    "<host mac='52:54:00:00:00:02' ip='10.0.0.2'/>", "\xc3\xa9", "\xff", "\xef\xbb\xbf",
};


/* Values that are valid somewhere, so mutated documents often still
 * parse and the round trip (not only the error paths) gets exercised. */
static const char *const values[] = {
    "", "0", "1", "2", "255", "1024", "65536", "vda", "vdb", "/x", "/dev/urandom", "x",
    "52:54:00:00:00:09", "52:54:00:AA:bb:0c", "10.0.0.1", "10.0.0.9", "255.255.0.0", "24",
    "8", "GiB", "b", "KB", "virtio", "none", "qemu", "raw", "bridge", "network", "pty",
    "on", "off", "nat", "route", "kvm", "dbt", "utc", "destroy", "restart", "br0", "default",
    "vessel-pc", "x86_64", "hvm", "file", "disk", "serial", "random", "a b", "caf\xc3\xa9",
    "&amp;", "&#10;", "&#13;", "&quot;",
};

/* Replace the text between two delimiters ('...' or >...<) at or after
 * @pos with @value. */
static void
replace_value(GByteArray *buf, guint pos, const char *value)
{
    guint start, end;
    char open = 0;

    for (start = pos; start < buf->len; start++)
        if (buf->data[start] == '\'' || buf->data[start] == '>')
            break;
    if (start >= buf->len)
        return;
    open = (char)buf->data[start];
    for (end = start + 1; end < buf->len; end++)
        if (buf->data[end] == (open == '>' ? '<' : '\''))
            break;
    if (end >= buf->len)
        return;
    {
        g_autoptr(GByteArray) tail = g_byte_array_new();

        g_byte_array_append(tail, buf->data + end, buf->len - end);
        g_byte_array_set_size(buf, start + 1);
        g_byte_array_append(buf, (const guint8 *)value, (guint)strlen(value));
        g_byte_array_append(buf, tail->data, tail->len);
    }
}

static GPtrArray *
corpus_load(void)
{
    GPtrArray *corpus = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);

    for (guint d = 0; d < G_N_ELEMENTS(corpus_dirs); d++) {
        g_autoptr(GPtrArray) files = xml_test_list(corpus_dirs[d]);

        for (guint i = 0; i < files->len; i++) {
            char *text = xml_test_read(corpus_dirs[d], files->pdata[i]);

            g_ptr_array_add(corpus, g_bytes_new_take(text, strlen(text)));
        }
    }
    return corpus;
}

/* Every definition in the valid dirs parses, as exactly one of domain and
 * network; every one in the error dirs parses as neither, except
 * domain-err/wrong-root.xml, a valid network. */
static void
test_replay(void)
{
    guint files_total = 0, ok = 0;

    for (guint d = 0; d < G_N_ELEMENTS(corpus_dirs); d++) {
        g_autoptr(GPtrArray) files = xml_test_list(corpus_dirs[d]);
        for (guint i = 0; i < files->len; i++) {
            g_autofree char *name = g_build_filename(corpus_dirs[d], files->pdata[i], NULL);
            int want = d < N_VALID_DIRS || !strcmp(name, "domain-err/wrong-root.xml") ? 1 : 0;
            g_autofree char *text = xml_test_read(corpus_dirs[d], files->pdata[i]);
            int got = xml_fuzz_one((const guint8 *)text, strlen(text));

            if (got != want)
                g_error("%s: %d parses succeeded, want %d", name, got, want);
            ok += (guint)got;
            files_total++;
        }
    }
    g_test_message("corpus: %u files, %u parses succeeded", files_total, ok);
}

static void
mutate(GByteArray *buf, GRand *rand, GPtrArray *corpus)
{
    guint len = buf->len;
    guint pos = len ? (guint)g_rand_int_range(rand, 0, (gint32)len) : 0;

    switch (g_rand_int_range(rand, 0, 9)) {
    case 6: case 7: case 8: /* swap a value: keeps documents well-formed */
        replace_value(buf, pos, values[g_rand_int_range(rand, 0, G_N_ELEMENTS(values))]);
        break;
    case 0: /* flip a byte */
        if (len)
            buf->data[pos] ^= (guint8)(1u << g_rand_int_range(rand, 0, 8));
        break;
    case 1: /* random byte */
        if (len)
            buf->data[pos] = (guint8)g_rand_int_range(rand, 0, 256);
        break;
    case 2: { /* insert a token */
        const char *t = tokens[g_rand_int_range(rand, 0, G_N_ELEMENTS(tokens))];

        {
            g_autoptr(GByteArray) tail = g_byte_array_new();

            g_byte_array_append(tail, buf->data + pos, len - pos);
            g_byte_array_set_size(buf, pos);
            g_byte_array_append(buf, (const guint8 *)t, (guint)strlen(t));
            g_byte_array_append(buf, tail->data, tail->len);
        }
        break;
    }
    case 3: { /* delete a range */
        guint n = (guint)g_rand_int_range(rand, 1, 32);

        if (len)
            g_byte_array_remove_range(buf, pos, MIN(n, len - pos));
        break;
    }
    case 4: { /* duplicate a range */
        guint n = MIN((guint)g_rand_int_range(rand, 1, 64), len - pos);
        g_autoptr(GByteArray) tail = g_byte_array_new();

        g_byte_array_append(tail, buf->data + pos, len - pos);
        g_byte_array_append(buf, tail->data, MIN(n, tail->len));
        break;
    }
    default: { /* splice: our head, another file's tail */
        GBytes *other = corpus->pdata[g_rand_int_range(rand, 0, (gint32)corpus->len)];
        gsize olen;
        const guint8 *odata = g_bytes_get_data(other, &olen);
        guint opos = olen ? (guint)g_rand_int_range(rand, 0, (gint32)olen) : 0;

        g_byte_array_set_size(buf, pos);
        g_byte_array_append(buf, odata + opos, (guint)(olen - opos));
        break;
    }
    }
}

static void
test_mutations(void)
{
    g_autoptr(GPtrArray) corpus = corpus_load();
    const char *iter_env = g_getenv("VESSEL_FUZZ_ITERATIONS");
    const char *seed_env = g_getenv("VESSEL_FUZZ_SEED");
    guint iterations = iter_env ? (guint)atoi(iter_env) : 5000;
    guint32 seed = seed_env ? (guint32)atoi(seed_env) : 1;
    g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
    guint ok = 0, n_valid = 0;

    for (guint d = 0; d < N_VALID_DIRS; d++) {
        g_autoptr(GPtrArray) files = xml_test_list(corpus_dirs[d]);

        n_valid += files->len;
    }
    for (guint i = 0; i < iterations; i++) {
        /* mostly start from valid files (loaded first), sometimes from any */
        guint n = g_rand_int_range(rand, 0, 4) ? n_valid : corpus->len;
        GBytes *src = corpus->pdata[g_rand_int_range(rand, 0, (gint32)n)];
        gsize size;
        const guint8 *data = g_bytes_get_data(src, &size);
        g_autoptr(GByteArray) buf = g_byte_array_new();
        guint rounds = (guint)g_rand_int_range(rand, 1, 4);

        g_byte_array_append(buf, data, (guint)size);
        for (guint r = 0; r < rounds; r++)
            mutate(buf, rand, corpus);
        ok += xml_fuzz_one(buf->data, buf->len);
    }
    g_test_message("seed %u: %u mutated inputs, %u parses succeeded", seed, iterations, ok);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml/fuzz/replay", test_replay);
    g_test_add_func("/xml/fuzz/mutations", test_mutations);
    return g_test_run();
}
