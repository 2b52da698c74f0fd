/* fuzz-virtqueue.c - libFuzzer entry point for the virtqueue walker.
 *
 * An input is an 8-byte header followed by an image of guest RAM:
 *   byte 0    queue size: values < 16 mean 1 << v, else v * 7 (odd sizes)
 *   byte 1    bit 0 EVENT_IDX, bit 1 INDIRECT_DESC
 *   bytes 2-7 desc, avail and used ring addresses (little-endian u16)
 *   rest      copied to guest RAM from address 0 (RAM is TEST_RAM_SIZE)
 * The walker then pops every buffer it accepts, reads each readable
 * segment, fills each writable one and pushes it back.  RAM is a heap
 * block of exactly TEST_RAM_SIZE bytes, so under ASan any access outside
 * guest RAM is caught.
 *
 * In `make check` fuzz-driver.c feeds it the checked-in corpus
 * (fuzz-corpus/virtqueue/, from fuzz/make-corpus.py) and a few thousand
 * fixed-seed inputs.
 * Real fuzzing, on demand (apt-get install clang libclang-rt-14-dev):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I$top_srcdir \
 *     $top_srcdir/tests/virtio/fuzz-virtqueue.c \
 *     $top_srcdir/vmm/virtio/virtqueue.c -o fuzz-virtqueue-lf
 *   cp -r $top_srcdir/tests/virtio/fuzz-corpus/virtqueue CORPUS_DIR
 *   ./fuzz-virtqueue-lf -max_len=20000 -max_total_time=600 CORPUS_DIR
 */
#include "tests/virtio/guest_mem.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Coverage counters the driver checks (elements accepted, queues broken). */
unsigned long fuzz_virtqueue_popped, fuzz_virtqueue_broken;

static uint16_t fuzz_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static TestGuest *g;
    static VirtqElem *elem;
    static uint8_t scratch[TEST_RAM_SIZE];
    if (!g) {
        g = malloc(sizeof(*g));
        elem = malloc(sizeof(*elem));
        if (!g || !elem)
            abort();
    }
    if (size < 8)
        return 0;
    test_guest_init(g);
    size_t img = size - 8 < TEST_RAM_SIZE ? size - 8 : TEST_RAM_SIZE;
    memcpy(g->ram, data + 8, img);

    Virtqueue vq;
    virtq_reset(&vq, &g->mem, data[0] < 16 ? (uint16_t)(1u << data[0]) : (uint16_t)(data[0] * 7));
    vq.event_idx = data[1] & 1;
    vq.indirect = data[1] & 2;
    vq.desc_gpa = fuzz_u16(data + 2);
    vq.avail_gpa = fuzz_u16(data + 4);
    vq.used_gpa = fuzz_u16(data + 6);
    if (virtq_enable(&vq) < 0)
        return 0;
    virtq_set_notification(&vq, true);
    /* Bounded: the walker must stop on its own long before this. */
    for (unsigned n = 0; n < 4 * VIRTQ_MAX_SIZE; n++) {
        int r = virtq_pop(&vq, elem);
        if (r < 0)
            fuzz_virtqueue_broken++;
        if (r <= 0)
            break;
        fuzz_virtqueue_popped++;
        size_t got = virtq_elem_from_guest(elem, 0, scratch, sizeof(scratch));
        if (got > elem->out_len)
            abort();
        size_t put = virtq_elem_to_guest(elem, 0, scratch, sizeof(scratch));
        if (put > elem->in_len)
            abort();
        if (virtq_push(&vq, elem, (uint32_t)put) < 0)
            abort();          /* a pop we accepted must push cleanly */
        (void)virtq_should_notify(&vq);
    }
    return 0;
}
