/* fuzz-driver.c - runs LLVMFuzzerTestOneInput (fuzz-qcow2.c) without
 * libFuzzer: every image of the checked-in corpus (fuzz-corpus/), then
 * fixed-seed mutations of them: header fields set to boundary values,
 * 8-byte words (table entries) replaced, bit flips, truncation and
 * growth, refcount and L2 tables pointed at each other.  Prints TAP.
 * Arguments: [--tap] [ITERATIONS]; VESSEL_FUZZ_ITERATIONS too. */
#include "config.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern unsigned long fuzz_qcow2_opened, fuzz_qcow2_rejected, fuzz_qcow2_writable;


static const uint64_t interesting[] = {
    0, 1, 2, 3, 4, 7, 8, 9, 16, 21, 22, 63, 64, 72, 104, 112, 0x1ff, 0x200, 0x201, 0x400, 0x600,
    0x800, 0xa00, 0x1000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x00fffffffffffe00ull, 0x8000000000000000ull, 0x4000000000000000ull, 0x8000000000000200ull,
    0x8000000000000400ull, 0x8000000000000001ull, 0x7fffffffffffffffull, 0xffffffffffffffffull,
};

/* Header fields: offset and width. */
static const struct { unsigned off, width; } fields[] = {
    { 4, 4 }, { 8, 8 }, { 16, 4 }, { 20, 4 }, { 24, 8 }, { 32, 4 }, { 36, 4 }, { 40, 8 },
    { 48, 8 }, { 56, 4 }, { 60, 4 }, { 64, 8 }, { 72, 8 }, { 80, 8 }, { 88, 8 }, { 96, 4 },
    { 100, 4 },
};

static void put_be(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++)
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v = v << 8 | p[i];
    return v;
}

static void mutate(GByteArray *b)
{
    unsigned n = 1 + (unsigned)(vt_fuzz_rand() % 3);
    for (unsigned i = 0; i < n && b->len >= 112; i++) {
        switch (vt_fuzz_rand() % 7) {
        case 0: {                           /* a header field */
            unsigned f = (unsigned)(vt_fuzz_rand() % G_N_ELEMENTS(fields));
            uint64_t v = interesting[vt_fuzz_rand() % G_N_ELEMENTS(interesting)];
            if (vt_fuzz_rand() % 3 == 0)
                v = get_be(b->data + fields[f].off, fields[f].width) + (vt_fuzz_rand() % 5) - 2;
            put_be(b->data + fields[f].off, v, fields[f].width);
            break;
        }
        case 1: {                           /* a table entry somewhere */
            size_t at = (vt_fuzz_rand() % (b->len / 8)) * 8;
            uint64_t v = interesting[vt_fuzz_rand() % G_N_ELEMENTS(interesting)];
            if (vt_fuzz_rand() % 2)                  /* another cluster of this file */
                v = (vt_fuzz_rand() % (b->len / 512 + 2)) * 512 | (vt_fuzz_rand() % 2 ? 1ull << 63 : 0);
            put_be(b->data + at, v, 8);
            break;
        }
        case 2: {                           /* an existing entry moved a little */
            size_t at = (vt_fuzz_rand() % (b->len / 8)) * 8;
            uint64_t v = get_be(b->data + at, 8);
            if (v)
                put_be(b->data + at, v + ((vt_fuzz_rand() % 9) - 4) * 512, 8);
            break;
        }
        case 3:                             /* bit flips */
            for (unsigned k = 0; k < 1 + vt_fuzz_rand() % 4; k++) {
                size_t at = vt_fuzz_rand() % 2 ? vt_fuzz_rand() % 128 : vt_fuzz_rand() % b->len;
                b->data[at] ^= (uint8_t)(1u << (vt_fuzz_rand() % 8));
            }
            break;
        case 4:                             /* truncate */
            g_byte_array_set_size(b, (guint)(vt_fuzz_rand() % b->len + 1));
            break;
        case 5: {                           /* grow with noise */
            guint old = b->len, add = (guint)(vt_fuzz_rand() % 4096);
            g_byte_array_set_size(b, old + add);
            for (guint k = old; k < b->len; k++)
                b->data[k] = (uint8_t)vt_fuzz_rand();
            break;
        }
        default: {                          /* copy one cluster over another */
            size_t nc = b->len / 512;
            if (nc >= 2) {
                size_t from = vt_fuzz_rand() % nc, to = vt_fuzz_rand() % nc;
                memmove(b->data + to * 512, b->data + from * 512, 512);
            }
            break;
        }
        }
    }
}

int main(int argc, char **argv)
{
    unsigned iterations = vt_fuzz_iterations(argc, argv, 3000);
    vt_fuzz_seed(0x2545f4914f6cdd1dull);
    g_autofree char *dirname = NULL;
    GPtrArray *corpus = vt_fuzz_corpus("fuzz-corpus", &dirname);
    printf("1..2\n");
    if (corpus->len == 0) {
        printf("not ok 1 - no corpus in %s\nnot ok 2 - mutations\n", dirname);
        return 1;
    }
    vt_fuzz_replay(corpus, LLVMFuzzerTestOneInput);
    bool all_open = fuzz_qcow2_opened == corpus->len;
    printf("%s 1 - corpus: %u images, all opened (%lu)\n", all_open ? "ok" : "not ok",
           corpus->len, fuzz_qcow2_opened);
    fuzz_qcow2_opened = fuzz_qcow2_rejected = fuzz_qcow2_writable = 0;
    vt_fuzz_mutations(corpus, iterations, vt_fuzz_rand, mutate, LLVMFuzzerTestOneInput);
    /* a generator that never got past the header would prove nothing */
    bool deep = fuzz_qcow2_opened > iterations / 10 && fuzz_qcow2_rejected > iterations / 10 &&
                fuzz_qcow2_writable > iterations / 20;
    printf("%s 2 - %u fixed-seed mutations survived (%lu opened, %lu writable, %lu rejected)\n",
           deep ? "ok" : "not ok", iterations, fuzz_qcow2_opened, fuzz_qcow2_writable,
           fuzz_qcow2_rejected);
    g_ptr_array_unref(corpus);
    return all_open && deep ? 0 : 1;
}
