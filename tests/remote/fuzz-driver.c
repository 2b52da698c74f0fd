/* fuzz-driver.c - runs LLVMFuzzerTestOneInput (fuzz-remote-packet.c)
 * without libFuzzer, from a fixed seed:
 *   1. the corpus fuzz-corpus/ (what Debian's virsh and python3-libvirt
 *      really sent, one connection per file, recorded by
 *      fuzz/make-corpus.sh): every packet must frame and decode;
 *   2. those connections with bytes flipped, length words altered, the
 *      end cut or a packet repeated;
 *   3. generated streams: well-formed calls of every procedure in the
 *      table (arguments made by encoding plausible values) with bytes
 *      flipped, lengths and counts altered or the packet cut short, some
 *      pure noise.
 * Prints TAP.  Arguments: [--tap] [N]. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote/remote_packet.h"
#include "remote/remote_procs.h"
#include "vtest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern unsigned long fuzz_remote_packets, fuzz_remote_decoded, fuzz_remote_known;

/* 32 bits of tests/lib's generator (the upper middle of its state) */
static uint32_t fuzz_rand(void)
{
    return (uint32_t)(vt_fuzz_rand() >> 16);
}

/* XDR words that decode as small ints, lengths, strings or flags. */
static void put32(GByteArray *b, uint32_t v)
{
    guint8 w[4] = { v >> 24, v >> 16, v >> 8, v };
    g_byte_array_append(b, w, 4);
}

static void put_string(GByteArray *b, const char *s)
{
    uint32_t n = (uint32_t)strlen(s);
    put32(b, n);
    g_byte_array_append(b, (const guint8 *)s, n);
    while (b->len % 4)
        g_byte_array_append(b, (const guint8 *)"", 1);
}

/* A payload of plausible words: domain references, strings, counts. */
static void plausible_payload(GByteArray *b)
{
    static const char *strings[] = { "web1", "qemu:///system", "<domain/>", "",
                                     "0123456789abcdef" };
    int words = fuzz_rand() % 24;
    for (int i = 0; i < words; i++) {
        switch (fuzz_rand() % 6) {
        case 0:
            put_string(b, strings[fuzz_rand() % G_N_ELEMENTS(strings)]);
            break;
        case 1:     /* a 16-byte uuid */
            for (int j = 0; j < 4; j++)
                put32(b, fuzz_rand());
            break;
        case 2:
            put32(b, fuzz_rand() % 4);      /* a bool / optional marker / count */
            break;
        case 3:
            put32(b, 0xffffffffu - fuzz_rand() % 4);   /* -1 or a huge count */
            break;
        default:
            put32(b, fuzz_rand());
        }
    }
}

static GByteArray *make_input(const RemoteProc *table, gsize n)
{
    GByteArray *b = g_byte_array_new();
    if (fuzz_rand() % 16 == 0) {
        int len = fuzz_rand() % 512;
        for (int i = 0; i < len; i++) {
            guint8 c = (guint8)fuzz_rand();
            g_byte_array_append(b, &c, 1);
        }
        return b;
    }
    int packets = 1 + fuzz_rand() % 4;
    for (int p = 0; p < packets; p++) {
        guint start = b->len;
        const RemoteProc *proc = &table[fuzz_rand() % n];
        put32(b, 0);                                   /* length, fixed below */
        put32(b, fuzz_rand() % 8 ? REMOTE_PROGRAM : fuzz_rand());
        put32(b, fuzz_rand() % 8 ? 1 : fuzz_rand());
        put32(b, fuzz_rand() % 8 ? (uint32_t)proc->number : fuzz_rand() % 500);
        put32(b, fuzz_rand() % 7);
        put32(b, fuzz_rand());
        put32(b, fuzz_rand() % 3);
        plausible_payload(b);
        uint32_t len = b->len - start;
        guint8 *l = b->data + start;
        l[0] = len >> 24, l[1] = len >> 16, l[2] = len >> 8, l[3] = len;
        /* damage: flip bytes, lie about the length, cut the end */
        int flips = fuzz_rand() % 4;
        for (int i = 0; i < flips && b->len > start; i++)
            b->data[start + fuzz_rand() % (b->len - start)] ^= (guint8)(1u << (fuzz_rand() % 8));
        if (fuzz_rand() % 8 == 0)
            l[3] ^= (guint8)(fuzz_rand() % 16);
        if (fuzz_rand() % 8 == 0)
            g_byte_array_set_size(b, b->len - fuzz_rand() % (b->len - start));
    }
    return b;
}

/* A recorded connection, damaged the ways a hostile client would. */
static void mutate_stream(GByteArray *b)
{
    if (!b->len)
        return;
    switch (fuzz_rand() % 4) {
    case 0: /* flip bits anywhere */
        for (int i = 1 + fuzz_rand() % 4; i > 0; i--)
            b->data[fuzz_rand() % b->len] ^= (guint8)(1u << (fuzz_rand() % 8));
        break;
    case 1: { /* a word set to a boundary value (length, count, proc...) */
        static const uint32_t edge[] = { 0, 1, 3, 4, 27, 28, 0x7fffffffu, 0x80000000u,
                                         0xffffffffu, 262144, 262148 };
        guint at = (fuzz_rand() % b->len) & ~3u;
        uint32_t v = edge[fuzz_rand() % G_N_ELEMENTS(edge)];
        for (guint j = 0; j < 4 && at + j < b->len; j++)
            b->data[at + j] = (guint8)(v >> (24 - 8 * j));
        break;
    }
    case 2: /* cut short */
        g_byte_array_set_size(b, fuzz_rand() % b->len);
        break;
    default: { /* a stretch repeated */
        guint from = fuzz_rand() % b->len, n = 1 + fuzz_rand() % (b->len - from);
        GByteArray *copy = g_byte_array_sized_new(n);
        g_byte_array_append(copy, b->data + from, n);
        g_byte_array_append(b, copy->data, copy->len);
        g_byte_array_unref(copy);
    }
    }
}

int main(int argc, char **argv)
{
    unsigned n = vt_fuzz_iterations(argc, argv, 20000);
    vt_fuzz_seed(0x2545f4914f6cdd1dull);
    gsize n_procs;
    const RemoteProc *table = remote_proc_table(&n_procs);
    printf("1..3\n");

    g_autofree char *dirname = NULL;
    GPtrArray *corpus = vt_fuzz_corpus("fuzz-corpus", &dirname);
    vt_fuzz_replay(corpus, LLVMFuzzerTestOneInput);
    /* a real client's packets: each one frames, and each call of a
     * procedure in the table decodes with its argument filter */
    int ok = corpus->len > 0 && fuzz_remote_packets >= corpus->len &&
             fuzz_remote_known > 0 && fuzz_remote_decoded == fuzz_remote_known;
    printf("%s 1 - corpus of %s: %u connections, %lu packets, %lu calls of known "
           "procedures, %lu decoded\n",
           ok ? "ok" : "not ok", dirname, corpus->len, fuzz_remote_packets, fuzz_remote_known,
           fuzz_remote_decoded);
    int failed = !ok;

    fuzz_remote_packets = fuzz_remote_decoded = 0;
    if (corpus->len)
        vt_fuzz_mutations(corpus, n / 2, vt_fuzz_rand, mutate_stream, LLVMFuzzerTestOneInput);
    ok = corpus->len && fuzz_remote_decoded > n / 8;
    printf("%s 2 - %u damaged recordings: %lu packets framed, %lu argument sets decoded\n",
           ok ? "ok" : "not ok", n / 2, fuzz_remote_packets, fuzz_remote_decoded);
    failed |= !ok;
    g_ptr_array_unref(corpus);

    fuzz_remote_packets = fuzz_remote_decoded = 0;
    for (unsigned i = 0; i < n; i++) {
        GByteArray *in = make_input(table, n_procs);
        LLVMFuzzerTestOneInput(in->data, in->len);
        g_byte_array_unref(in);
    }
    /* the generator must reach the decoders, not only the framing */
    ok = fuzz_remote_packets > (unsigned long)n && fuzz_remote_decoded > (unsigned long)n / 20;
    printf("%s 3 - %u generated inputs: %lu packets framed, %lu argument sets decoded\n",
           ok ? "ok" : "not ok", n, fuzz_remote_packets, fuzz_remote_decoded);
    failed |= !ok;
    return failed;
}
