/* fuzz-driver.c - runs LLVMFuzzerTestOneInput (fuzz-virtqueue.c) without
 * libFuzzer: the checked-in corpus (fuzz-corpus/virtqueue/, written by
 * fuzz/make-corpus.py: well-formed chains, indirect tables, EVENT_IDX, a
 * full ring, loops, nested indirect tables, buffers outside RAM), then a
 * few thousand inputs from a fixed seed, most of them well-formed rings
 * with a few bytes flipped so the walker gets past the first check, some
 * pure noise.  Prints TAP.  Arguments: [--tap] [N]. */
#include "tests/virtio/guest_mem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "vtest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern unsigned long fuzz_virtqueue_popped, fuzz_virtqueue_broken;

#define IMAGE 0x5000u         /* rings 0-0x2fff, indirect 0x3000-0x3fff */

/* 32 bits of tests/lib's generator (the upper middle of its state) */
static uint32_t fuzz_rand(void)
{
    return (uint32_t)(vt_fuzz_rand() >> 16);
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

static void put_desc(uint8_t *p, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &next, 2);
}

static uint16_t rand_flags(void)
{
    uint16_t f = fuzz_rand() & (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
    if (fuzz_rand() % 8 == 0)
        f |= VIRTQ_DESC_F_INDIRECT;
    return f;
}

/* A plausible ring of 1 << (0..5) entries at the usual places. */
static size_t make_input(uint8_t *in)
{
    memset(in, 0, 8 + IMAGE);
    if (fuzz_rand() % 16 == 0) {
        for (size_t i = 0; i < 8 + IMAGE; i++)
            in[i] = (uint8_t)fuzz_rand();
        return 8 + fuzz_rand() % IMAGE;
    }
    unsigned lg = fuzz_rand() % 6;
    uint16_t qs = (uint16_t)(1u << lg);
    in[0] = (uint8_t)lg;
    in[1] = (uint8_t)(fuzz_rand() & 3);
    put16(in + 2, 0x0000);
    put16(in + 4, 0x1000);
    put16(in + 6, 0x2000);
    uint8_t *ram = in + 8;
    for (unsigned i = 0; i < qs; i++) {
        uint16_t fl = rand_flags();
        uint64_t addr = 0x4000 + fuzz_rand() % 0xb000;
        uint32_t len = fuzz_rand() % 0x800;
        if (fl & VIRTQ_DESC_F_INDIRECT) {
            addr = 0x3000 + 16 * (fuzz_rand() % 64);
            len = 16 * (1 + fuzz_rand() % 16);
        }
        put_desc(ram + 16 * i, addr, len, fl, (uint16_t)(fuzz_rand() % qs));
    }
    for (unsigned i = 0; i < 256; i++)
        put_desc(ram + 0x3000 + 16 * i, 0x4000 + fuzz_rand() % 0xb000, fuzz_rand() % 0x800,
                 rand_flags(), (uint16_t)(fuzz_rand() % 16));
    put16(ram + 0x1002, (uint16_t)(fuzz_rand() % (qs + 2)));
    for (unsigned i = 0; i <= qs; i++)
        put16(ram + 0x1004 + 2 * i, (uint16_t)(fuzz_rand() % qs));
    unsigned flips = fuzz_rand() % 4;
    for (unsigned i = 0; i < flips; i++)
        in[fuzz_rand() % (8 + IMAGE)] ^= (uint8_t)(1u << (fuzz_rand() % 8));
    return 8 + IMAGE;
}

int main(int argc, char **argv)
{
    unsigned iterations = vt_fuzz_iterations(argc, argv, 4000);
    vt_fuzz_seed(0x9e3779b97f4a7c15ull);
    static uint8_t in[8 + IMAGE];
    g_autofree char *dirname = NULL;
    GPtrArray *corpus = vt_fuzz_corpus("fuzz-corpus/virtqueue", &dirname);
    printf("1..2\n");
    vt_fuzz_replay(corpus, LLVMFuzzerTestOneInput);
    /* the corpus has rings the walker accepts and rings it must refuse */
    bool reached = corpus->len > 0 && fuzz_virtqueue_popped > 0 && fuzz_virtqueue_broken > 0;
    printf("%s 1 - corpus of %s: %u inputs (%lu buffers accepted, %lu queues broken)\n",
           reached ? "ok" : "not ok", dirname, corpus->len, fuzz_virtqueue_popped,
           fuzz_virtqueue_broken);
    g_ptr_array_unref(corpus);
    fuzz_virtqueue_popped = fuzz_virtqueue_broken = 0;
    for (unsigned n = 0; n < iterations; n++) {
        size_t len = make_input(in);
        LLVMFuzzerTestOneInput(in, len);
    }
    /* A generator that never got past the first check would prove nothing. */
    bool deep = fuzz_virtqueue_popped > iterations / 10 && fuzz_virtqueue_broken > iterations / 10;
    printf("%s 2 - virtqueue walker survived %u fixed-seed inputs "
           "(%lu buffers accepted, %lu queues broken)\n", deep ? "ok" : "not ok",
           iterations, fuzz_virtqueue_popped, fuzz_virtqueue_broken);
    return reached && deep ? 0 : 1;
}
