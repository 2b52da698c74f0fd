/* test-virtqueue.c - the split virtqueue walker over a buffer standing in
 * for guest RAM: well-formed chains, indirect tables, used ring updates,
 * notification suppression, and every hostile value virtqueue.h lists. */
#include "tests/virtio/guest_mem.h"

#include <errno.h>
#include <glib.h>

#define QSIZE 8

typedef struct {
    TestGuest g;
    Virtqueue vq;
    VirtqElem elem;
} Fixture;

static void fx_setup(Fixture *f, gconstpointer data)
{
    (void)data;
    test_guest_init(&f->g);
    virtq_reset(&f->vq, &f->g.mem, QSIZE);
    f->vq.desc_gpa = TQ_DESC;
    f->vq.avail_gpa = TQ_AVAIL;
    f->vq.used_gpa = TQ_USED;
    f->vq.indirect = true;
    g_assert_cmpint(virtq_enable(&f->vq), ==, 0);
}

static void fx_teardown(Fixture *f, gconstpointer data)
{
    (void)f;
    (void)data;
}

/* Publish @head in the next avail slot. */
static void fx_offer(Fixture *f, uint16_t head)
{
    uint16_t idx = test_u16_get(&f->g, TQ_AVAIL + 2);
    test_u16_set(&f->g, TQ_AVAIL + 4 + 2 * (idx % QSIZE), head);
    test_u16_set(&f->g, TQ_AVAIL + 2, idx + 1);
}

static void fx_expect_broken(Fixture *f)
{
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, -EIO);
    g_assert_true(f->vq.broken);
    /* and it stays broken */
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, -EIO);
}

static void test_simple_chain(Fixture *f, gconstpointer data)
{
    (void)data;
    memcpy(f->g.ram + TQ_DATA, "hello", 5);
    test_desc_set(&f->g, 3, TQ_DATA, 5, VIRTQ_DESC_F_NEXT, 5);
    test_desc_set(&f->g, 5, TQ_DATA + 0x100, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    test_desc_set(&f->g, 1, TQ_DATA + 0x200, 4, VIRTQ_DESC_F_WRITE, 0);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 0);
    fx_offer(f, 3);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
    g_assert_cmpuint(f->elem.head, ==, 3);
    g_assert_cmpuint(f->elem.nout, ==, 1);
    g_assert_cmpuint(f->elem.nin, ==, 2);
    g_assert_cmpuint(f->elem.out_len, ==, 5);
    g_assert_cmpuint(f->elem.in_len, ==, 8);
    char buf[8] = { 0 };
    g_assert_cmpuint(virtq_elem_from_guest(&f->elem, 1, buf, sizeof(buf)), ==, 4);
    g_assert_cmpstr(buf, ==, "ello");
    /* 6 bytes into two 4-byte segments, split across them */
    g_assert_cmpuint(virtq_elem_to_guest(&f->elem, 1, "ABCDEFGH", 8), ==, 7);
    g_assert_cmpmem(f->g.ram + TQ_DATA + 0x100, 4, "\0ABC", 4);
    g_assert_cmpmem(f->g.ram + TQ_DATA + 0x200, 4, "DEFG", 4);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 0);
    g_assert_cmpint(virtq_push(&f->vq, &f->elem, 8), ==, 0);
    g_assert_cmpuint(test_u16_get(&f->g, TQ_USED + 2), ==, 1);
    g_assert_cmpuint(test_u32_get(&f->g, TQ_USED + 4), ==, 3);
    g_assert_cmpuint(test_u32_get(&f->g, TQ_USED + 8), ==, 8);
    g_assert_true(virtq_should_notify(&f->vq));
    g_assert_false(f->vq.broken);
}

static void test_written_clamped(Fixture *f, gconstpointer data)
{
    (void)data;
    test_desc_set(&f->g, 0, TQ_DATA, 16, VIRTQ_DESC_F_WRITE, 0);
    fx_offer(f, 0);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
    g_assert_cmpint(virtq_push(&f->vq, &f->elem, 1000), ==, 0);
    g_assert_cmpuint(test_u32_get(&f->g, TQ_USED + 8), ==, 16);
}

static void test_ring_wraps(Fixture *f, gconstpointer data)
{
    (void)data;
    test_desc_set(&f->g, 2, TQ_DATA, 1, 0, 0);
    for (unsigned n = 0; n < 3 * QSIZE + 1; n++) {
        fx_offer(f, 2);
        g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
        g_assert_cmpint(virtq_push(&f->vq, &f->elem, 0), ==, 0);
    }
    g_assert_cmpuint(test_u16_get(&f->g, TQ_USED + 2), ==, 3 * QSIZE + 1);
    /* avail idx wrapping at 65536 */
    test_u16_set(&f->g, TQ_AVAIL + 2, 0xffff);
    f->vq.last_avail = 0xffff;
    fx_offer(f, 2);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 0);
    g_assert_cmpuint(f->vq.last_avail, ==, 0);
}

static void test_indirect(Fixture *f, gconstpointer data)
{
    (void)data;
    uint64_t table = TQ_DATA + 0x1000;
    /* the table: 2 -> 0 (readable) -> 1 (writable) */
    uint8_t *t = f->g.ram + table;
    struct { uint64_t a; uint32_t l; uint16_t fl, nx; } e[3] = {
        { TQ_DATA, 10, VIRTQ_DESC_F_NEXT, 1 },
        { TQ_DATA + 0x100, 20, VIRTQ_DESC_F_WRITE, 0 },
        { TQ_DATA + 0x200, 30, VIRTQ_DESC_F_NEXT, 0 },
    };
    memcpy(t, e, sizeof(e));
    test_desc_set(&f->g, 4, table, sizeof(e), VIRTQ_DESC_F_INDIRECT, 0);
    fx_offer(f, 4);
    /* the walk starts at table entry 0; entry 2 is reached by nobody */
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
    g_assert_cmpuint(f->elem.head, ==, 4);
    g_assert_cmpuint(f->elem.nout, ==, 1);
    g_assert_cmpuint(f->elem.nin, ==, 1);
    g_assert_cmpuint(f->elem.out_len, ==, 10);
    g_assert_cmpuint(f->elem.in_len, ==, 20);
}

static void test_indirect_bad(Fixture *f, gconstpointer data)
{
    int which = GPOINTER_TO_INT(data);
    uint64_t table = TQ_DATA + 0x1000;
    struct { uint64_t a; uint32_t l; uint16_t fl, nx; } e[2] = {
        { TQ_DATA, 10, VIRTQ_DESC_F_NEXT, 1 },
        { TQ_DATA + 0x100, 20, 0, 0 },
    };
    uint32_t len = sizeof(e);
    uint16_t flags = VIRTQ_DESC_F_INDIRECT;
    switch (which) {
    case 0: e[1].fl = VIRTQ_DESC_F_INDIRECT; break;          /* nested */
    case 1: len = 24; break;                                   /* not 16n */
    case 2: e[1].fl = VIRTQ_DESC_F_NEXT; e[1].nx = 0; break;  /* loop */
    case 3: e[0].nx = 2; break;                                /* next past end */
    case 4: flags |= VIRTQ_DESC_F_NEXT; break;                 /* INDIRECT|NEXT */
    case 5: f->vq.indirect = false; break;                     /* not negotiated */
    case 6: len = 0; break;                                    /* empty table */
    case 7: table = TEST_RAM_SIZE - 16; break;                 /* outside RAM */
    case 8: len = 0x20000 * 16; break;                         /* huge */
    }
    if (table < TEST_RAM_SIZE - sizeof(e))
        memcpy(f->g.ram + table, e, sizeof(e));
    test_desc_set(&f->g, 0, table, len, flags, 0);
    fx_offer(f, 0);
    fx_expect_broken(f);
}

static void test_bad_enable(Fixture *f, gconstpointer data)
{
    int which = GPOINTER_TO_INT(data);
    virtq_reset(&f->vq, &f->g.mem, QSIZE);
    f->vq.desc_gpa = TQ_DESC;
    f->vq.avail_gpa = TQ_AVAIL;
    f->vq.used_gpa = TQ_USED;
    switch (which) {
    case 0: f->vq.size = 6; break;
    case 1: f->vq.size = 0; break;
    case 2: f->vq.size = 2048; break;
    case 3: f->vq.desc_gpa = TEST_RAM_SIZE - 8; break;
    case 4: f->vq.used_gpa = TEST_RAM_SIZE - 6; break;
    case 5: f->vq.avail_gpa = UINT64_MAX - 3; break;
    case 6: f->vq.desc_gpa = TQ_DESC + 8; break;
    case 7: f->vq.used_gpa = TQ_USED + 2; break;
    }
    g_assert_cmpint(virtq_enable(&f->vq), ==, -EINVAL);
    g_assert_true(f->vq.broken);
    g_assert_false(f->vq.ready);
    fx_expect_broken(f);
}

static void test_bad_chain(Fixture *f, gconstpointer data)
{
    int which = GPOINTER_TO_INT(data);
    uint16_t head = 0;
    switch (which) {
    case 0: head = QSIZE; test_desc_set(&f->g, 0, TQ_DATA, 1, 0, 0); break;
    case 1: test_desc_set(&f->g, 0, TQ_DATA, 1, VIRTQ_DESC_F_NEXT, QSIZE); break;
    case 2: /* 0 -> 1 -> 2 -> 0 */
        test_desc_set(&f->g, 0, TQ_DATA, 1, VIRTQ_DESC_F_NEXT, 1);
        test_desc_set(&f->g, 1, TQ_DATA, 1, VIRTQ_DESC_F_NEXT, 2);
        test_desc_set(&f->g, 2, TQ_DATA, 1, VIRTQ_DESC_F_NEXT, 0);
        break;
    case 3: test_desc_set(&f->g, 0, TQ_DATA, 1, VIRTQ_DESC_F_NEXT, 0); break;
    case 4: test_desc_set(&f->g, 0, TEST_RAM_SIZE - 4, 8, 0, 0); break;
    case 5: test_desc_set(&f->g, 0, UINT64_MAX - 3, 16, 0, 0); break;
    case 6: test_desc_set(&f->g, 0, TQ_DATA, 0xffffffffu, VIRTQ_DESC_F_WRITE, 0); break;
    case 7: /* readable after writable */
        test_desc_set(&f->g, 0, TQ_DATA, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
        test_desc_set(&f->g, 1, TQ_DATA, 4, 0, 0);
        break;
    }
    fx_offer(f, head);
    fx_expect_broken(f);
}

static void test_avail_jump(Fixture *f, gconstpointer data)
{
    (void)data;
    test_desc_set(&f->g, 0, TQ_DATA, 1, 0, 0);
    test_u16_set(&f->g, TQ_AVAIL + 2, QSIZE + 1);
    fx_expect_broken(f);
}

static void test_avail_full_ok(Fixture *f, gconstpointer data)
{
    (void)data;
    for (unsigned i = 0; i < QSIZE; i++)
        test_desc_set(&f->g, i, TQ_DATA + i, 1, 0, 0);
    test_u16_set(&f->g, TQ_AVAIL + 2, QSIZE);
    for (unsigned i = 0; i < QSIZE; i++)
        g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 0);
    /* a 9th buffer while all 8 are still in flight cannot be legitimate */
    fx_offer(f, 0);
    fx_expect_broken(f);
}

static void test_push_without_pop(Fixture *f, gconstpointer data)
{
    (void)data;
    VirtqElem *e = &f->elem;
    e->head = 0;
    e->nin = e->nout = 0;
    e->in_len = 0;
    g_assert_cmpint(virtq_push(&f->vq, e, 0), ==, -EIO);
    g_assert_true(f->vq.broken);
    g_assert_cmpuint(test_u16_get(&f->g, TQ_USED + 2), ==, 0);
}

static void test_no_interrupt_flag(Fixture *f, gconstpointer data)
{
    (void)data;
    test_desc_set(&f->g, 0, TQ_DATA, 1, 0, 0);
    test_u16_set(&f->g, TQ_AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
    fx_offer(f, 0);
    g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
    g_assert_cmpint(virtq_push(&f->vq, &f->elem, 0), ==, 0);
    g_assert_false(virtq_should_notify(&f->vq));
    test_u16_set(&f->g, TQ_AVAIL, 0);
    g_assert_true(virtq_should_notify(&f->vq));
    virtq_set_notification(&f->vq, false);
    g_assert_cmpuint(test_u16_get(&f->g, TQ_USED), ==, VIRTQ_USED_F_NO_NOTIFY);
    virtq_set_notification(&f->vq, true);
    g_assert_cmpuint(test_u16_get(&f->g, TQ_USED), ==, 0);
}

static void test_event_idx(Fixture *f, gconstpointer data)
{
    (void)data;
    f->vq.event_idx = true;
    uint64_t used_event = TQ_AVAIL + 4 + 2 * QSIZE;
    uint64_t avail_event = TQ_USED + 4 + 8 * QSIZE;
    test_desc_set(&f->g, 0, TQ_DATA, 1, 0, 0);
    /* the guest wants an interrupt once used idx passes 2 */
    test_u16_set(&f->g, used_event, 2);
    for (unsigned n = 1; n <= 4; n++) {
        fx_offer(f, 0);
        g_assert_cmpint(virtq_pop(&f->vq, &f->elem), ==, 1);
        g_assert_cmpuint(test_u16_get(&f->g, avail_event), ==, n);
        g_assert_cmpint(virtq_push(&f->vq, &f->elem, 0), ==, 0);
        bool want = virtq_should_notify(&f->vq);
        /* first push: nothing signalled yet; then only when idx hits 3 */
        g_assert_cmpint(want, ==, n == 1 || n == 3);
    }
}

static void add_cases(const char *group, const char *const *names, unsigned n,
                      void (*fn)(Fixture *, gconstpointer))
{
    for (unsigned i = 0; i < n; i++) {
        g_autofree char *path = g_strdup_printf("/virtqueue/%s/%s", group, names[i]);
        g_test_add(path, Fixture, GINT_TO_POINTER(i), fx_setup, fn, fx_teardown);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add("/virtqueue/" path, Fixture, NULL, fx_setup, fn, fx_teardown)
    ADD("simple-chain", test_simple_chain);
    ADD("written-clamped", test_written_clamped);
    ADD("ring-wraps", test_ring_wraps);
    ADD("indirect", test_indirect);
    ADD("avail-jump", test_avail_jump);
    ADD("inflight-bound", test_avail_full_ok);
    ADD("push-without-pop", test_push_without_pop);
    ADD("no-interrupt-flag", test_no_interrupt_flag);
    ADD("event-idx", test_event_idx);
    static const char *const ind[] = { "nested", "len-not-16n", "loop", "next-past-end",
                                       "with-next", "not-negotiated", "empty",
                                       "outside-ram", "huge" };
    add_cases("indirect-bad", ind, G_N_ELEMENTS(ind), test_indirect_bad);
    static const char *const en[] = { "size-not-pow2", "size-zero", "size-too-big",
                                      "desc-outside-ram", "used-outside-ram",
                                      "avail-wraps", "desc-misaligned", "used-misaligned" };
    add_cases("bad-enable", en, G_N_ELEMENTS(en), test_bad_enable);
    static const char *const ch[] = { "head-out-of-range", "next-out-of-range", "loop",
                                      "self-loop", "buffer-outside-ram", "buffer-wraps",
                                      "length-overflow", "readable-after-writable" };
    add_cases("bad-chain", ch, G_N_ELEMENTS(ch), test_bad_chain);
    return g_test_run();
}
