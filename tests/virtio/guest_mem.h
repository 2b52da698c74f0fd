/* guest_mem.h - a plain buffer standing in for guest RAM in the virtio
 * tests: guest physical addresses 0 .. TEST_RAM_SIZE-1, nothing else. */
#ifndef VESSEL_TESTS_VIRTIO_GUEST_MEM_H
#define VESSEL_TESTS_VIRTIO_GUEST_MEM_H

#include "vmm/virtio/virtqueue.h"

#include <stdint.h>
#include <string.h>

#define TEST_RAM_SIZE 0x10000u

typedef struct {
    uint8_t ram[TEST_RAM_SIZE];
    VirtioGuestMem mem;
} TestGuest;

static inline void *test_guest_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
    TestGuest *g = opaque;
    if (gpa > TEST_RAM_SIZE || len > TEST_RAM_SIZE - gpa)
        return NULL;
    return g->ram + gpa;
}

static inline void test_guest_init(TestGuest *g)
{
    memset(g->ram, 0, sizeof(g->ram));
    g->mem.ptr = test_guest_ptr;
    g->mem.written = NULL;
    g->mem.opaque = g;
}

/* Ring layout used by the tests: descriptors, avail, used, data. */
#define TQ_DESC 0x0000u
#define TQ_AVAIL 0x1000u
#define TQ_USED 0x2000u
#define TQ_DATA 0x4000u

static inline void test_desc_set(TestGuest *g, unsigned i, uint64_t addr, uint32_t len,
                                 uint16_t flags, uint16_t next)
{
    uint8_t *d = g->ram + TQ_DESC + 16u * i;
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static inline void test_u16_set(TestGuest *g, uint64_t gpa, uint16_t v)
{
    memcpy(g->ram + gpa, &v, 2);
}

static inline uint16_t test_u16_get(TestGuest *g, uint64_t gpa)
{
    uint16_t v;
    memcpy(&v, g->ram + gpa, 2);
    return v;
}

static inline uint32_t test_u32_get(TestGuest *g, uint64_t gpa)
{
    uint32_t v;
    memcpy(&v, g->ram + gpa, 4);
    return v;
}

#endif
