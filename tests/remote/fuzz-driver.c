/* fuzz-driver.c - runs LLVMFuzzerTestOneInput (fuzz-remote-packet.c)
 * without libFuzzer: inputs from a fixed seed, most of them well-formed
 * calls of every procedure in the table (arguments made by encoding
 * plausible values) with bytes flipped, lengths and counts altered or
 * the packet cut short, some pure noise.  Prints TAP.
 * Arguments: [--tap] [N]. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote/remote_packet.h"
#include "remote/remote_procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern unsigned long fuzz_remote_packets, fuzz_remote_decoded;

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t fuzz_rand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
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

int main(int argc, char **argv)
{
    int n = 20000;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--tap") != 0)
            n = atoi(argv[i]);
    gsize n_procs;
    const RemoteProc *table = remote_proc_table(&n_procs);
    printf("1..1\n");
    for (int i = 0; i < n; i++) {
        GByteArray *in = make_input(table, n_procs);
        LLVMFuzzerTestOneInput(in->data, in->len);
        g_byte_array_unref(in);
    }
    /* the generator must reach the decoders, not only the framing */
    int ok = fuzz_remote_packets > (unsigned long)n && fuzz_remote_decoded > (unsigned long)n / 20;
    printf("%s 1 - %d inputs: %lu packets framed, %lu argument sets decoded\n",
           ok ? "ok" : "not ok", n, fuzz_remote_packets, fuzz_remote_decoded);
    return ok ? 0 : 1;
}
