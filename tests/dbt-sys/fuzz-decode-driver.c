/* fuzz-decode-driver.c - runs LLVMFuzzerTestOneInput (fuzz-decode.c)
 * without libFuzzer: every input of the checked-in corpus
 * (fuzz-corpus/decode/: the tiny guests' code in each mode, prefix
 * runs, escapes), then fixed-seed mutations of them: prefixes (66, 67,
 * F0, F2, F3, segments, REX) inserted, 0F/0F38/0F3A escapes, ModRM and
 * SIB bytes, bytes flipped, runs cut and duplicated, the mode changed.
 * Prints TAP.  Arguments: [ITERATIONS]; VESSEL_FUZZ_ITERATIONS too, and
 * VESSEL_FUZZ_SEED for other mutations than make check's. */
#include "config.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vtest.h"

#include "fuzz-decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const uint8_t prefixes[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e,
                                    0x26, 0x64, 0x65, 0x40, 0x41, 0x44, 0x48, 0x4f };
static const uint8_t escapes[][2] = { { 0x0f, 0x00 }, { 0x0f, 0x38 }, { 0x0f, 0x3a },
                                      { 0xc4, 0xe2 }, { 0x62, 0xf1 }, { 0x8f, 0xe8 } };
static const uint8_t modrm[] = { 0x04, 0x05, 0x0c, 0x44, 0x84, 0x24, 0x25, 0xc0, 0xff,
                                 0x3c, 0x00, 0x80 };

static void insert(GByteArray *b, guint at, const uint8_t *p, guint n)
{
    g_byte_array_set_size(b, b->len + n);
    memmove(b->data + at + n, b->data + at, b->len - n - at);
    memcpy(b->data + at, p, n);
}

static void mutate(GByteArray *b)
{
    for (unsigned n = 1 + (unsigned)(vt_fuzz_rand() % 6); n > 0; n--) {
        guint at = 1 + (b->len > 1 ? (guint)(vt_fuzz_rand() % b->len) : 0);
        if (at > b->len)
            at = b->len;
        switch (vt_fuzz_rand() % 8) {
        case 0:
        case 1: {                               /* a run of prefixes */
            uint8_t run[16];
            guint most = vt_fuzz_rand() % 4 ? 3 : 16;   /* vt_fuzz_rand() in sequence: the same on every build */
            guint k = 1 + (guint)(vt_fuzz_rand() % most);
            for (guint i = 0; i < k; i++)
                run[i] = prefixes[vt_fuzz_rand() % G_N_ELEMENTS(prefixes)];
            insert(b, at, run, k);
            break;
        }
        case 2: {                               /* an escape, maybe a ModRM */
            const uint8_t *e = escapes[vt_fuzz_rand() % G_N_ELEMENTS(escapes)];
            uint8_t s[4] = { e[0], e[1] };
            if (!e[1])
                s[1] = (uint8_t)vt_fuzz_rand();
            s[2] = (uint8_t)vt_fuzz_rand();
            s[3] = modrm[vt_fuzz_rand() % G_N_ELEMENTS(modrm)];
            insert(b, at, s, 4);
            break;
        }
        case 3: {                               /* ModRM + SIB + displacement */
            uint8_t s[6] = { 0, 0, 0, 0, 0xff, 0x7f };
            s[0] = modrm[vt_fuzz_rand() % G_N_ELEMENTS(modrm)];
            for (int i = 1; i < 4; i++)
                s[i] = (uint8_t)vt_fuzz_rand();
            insert(b, at, s, 1 + (guint)(vt_fuzz_rand() % 6));
            break;
        }
        case 4:                                 /* bit flip */
            if (b->len > 1) {
                guint i = 1 + (guint)(vt_fuzz_rand() % (b->len - 1));
                b->data[i] ^= (uint8_t)(1u << (vt_fuzz_rand() % 8));
            }
            break;
        case 5:                                 /* cut */
            if (b->len > 1 && at < b->len) {
                guint want = (guint)(vt_fuzz_rand() % 8 + 1);    /* once: MIN() evaluates twice */
                g_byte_array_remove_range(b, at, MIN(b->len - at, want));
            }
            break;
        case 6: {                               /* duplicate a slice */
            if (b->len > 2) {
                guint from = 1 + (guint)(vt_fuzz_rand() % (b->len - 1));
                guint want = (guint)(vt_fuzz_rand() % 24 + 1);
                guint len = MIN(b->len - from, want);
                g_autofree uint8_t *copy = g_memdup2(b->data + from, len);
                insert(b, at, copy, len);
            }
            break;
        }
        default:                                /* another mode */
            b->data[0] = (uint8_t)vt_fuzz_rand();
            break;
        }
    }
}

int main(int argc, char **argv)
{
    unsigned iterations = vt_fuzz_iterations(argc, argv, 3000);
    vt_fuzz_seed(0x853c49e6748fea9bull);
    g_autofree char *dirname = NULL;
    g_autoptr(GPtrArray) corpus = vt_fuzz_corpus("fuzz-corpus/decode", &dirname);
    FuzzDecodeCounters *c = &fuzz_decode_counters;
    printf("1..2\n");
    if (corpus->len == 0) {
        printf("not ok 1 - no corpus in %s\nnot ok 2 - mutations\n", dirname);
        return 1;
    }
    vt_fuzz_replay(corpus, LLVMFuzzerTestOneInput);
    bool reached = c->decoded > 1000 && c->undefined > 0 && c->too_long > 0;
    printf("%s 1 - corpus: %u inputs, %lu instructions (%lu undefined), %lu too long\n",
           reached ? "ok" : "not ok", corpus->len, c->decoded + c->undefined, c->undefined,
           c->too_long);
    memset(c, 0, sizeof(*c));
    vt_fuzz_mutations(corpus, iterations, vt_fuzz_rand, mutate, LLVMFuzzerTestOneInput);
    bool deep = c->decoded > iterations && c->undefined > iterations / 100 &&
                c->too_long > 0 && c->short_fetch > 0;
    printf("%s 2 - %u fixed-seed mutations survived: %lu instructions (%lu undefined), "
           "%lu too long, %lu cut short\n", deep ? "ok" : "not ok", iterations,
           c->decoded + c->undefined, c->undefined, c->too_long, c->short_fetch);
    return reached && deep ? 0 : 1;
}
