/* test-virtio-blk.c - virtio-blk on a real raw image file (opened through
 * block_image.c and libvesselstorage), driven through
 * the PCI transport (vdriver.h): reads, writes, flush, GET_ID, read-only
 * disks, requests past the end, host I/O errors (image shrunk under the
 * device), unknown types and unanswerable requests, discard and
 * write-zeroes (holes in the image, hostile segment lists), buffers split
 * anywhere across descriptors.
 *
 * The disk's I/O workers: requests complete asynchronously (waited for
 * with a deadline), many requests kicked while the workers run, and -
 * with a gate in front of the raw image that holds a read in flight - a
 * write that completes while that read is still in flight (several
 * requests at once, offered with a kick each or with one kick for
 * both), a device reset that must wait for that read and
 * drop it, and a VM pause that must complete it before returning. */
#include "tests/virtio/vdriver.h"
#include "vmm/virtio/blk.h"

#include "tests/lib/vtest.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#define QSIZE 16
#define IMAGE_SECTORS 64
#define HDR TQ_DATA
#define STATUS (TQ_DATA + 0x800)
#define BUF (TQ_DATA + 0x1000)

/* The raw image behind a gate: preadv waits until the test opens it. */
typedef struct {
    BlockBackend bb;
    BlockBackend *raw;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool open, entered, left;
} GatedDisk;

static bool gated_wait(GatedDisk *g, const bool *flag)
{
    gint64 deadline = g_get_monotonic_time() + vt_timeout_ms(20000) * G_TIME_SPAN_MILLISECOND;
    pthread_mutex_lock(&g->lock);
    while (!*flag && vdriver_cond_wait_until(&g->cond, &g->lock, deadline))
        ;
    bool ok = *flag;
    pthread_mutex_unlock(&g->lock);
    return ok;
}

static void gated_set(GatedDisk *g, bool *flag)
{
    pthread_mutex_lock(&g->lock);
    *flag = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

static bool gated_get(GatedDisk *g, const bool *flag)
{
    pthread_mutex_lock(&g->lock);
    bool v = *flag;
    pthread_mutex_unlock(&g->lock);
    return v;
}

static int gated_preadv(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off)
{
    GatedDisk *g = (GatedDisk *)bb;
    gated_set(g, &g->entered);
    g_assert_true(gated_wait(g, &g->open));
    int r = g->raw->ops->preadv(g->raw, iov, iovcnt, off);
    gated_set(g, &g->left);
    return r;
}

static int gated_pwritev(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off)
{
    GatedDisk *g = (GatedDisk *)bb;
    return g->raw->ops->pwritev(g->raw, iov, iovcnt, off);
}

static int gated_flush(BlockBackend *bb)
{
    GatedDisk *g = (GatedDisk *)bb;
    return g->raw->ops->flush(g->raw);
}

static void gated_close(BlockBackend *bb)
{
    GatedDisk *g = (GatedDisk *)bb;
    block_backend_close(g->raw);
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->lock);
    g_free(g);
}

static const BlockBackendOps gated_ops = {
    .preadv = gated_preadv,
    .pwritev = gated_pwritev,
    .flush = gated_flush,
    .close = gated_close,
};

static BlockBackend *gated_new(BlockBackend *raw)
{
    GatedDisk *g = g_new0(GatedDisk, 1);
    pthread_mutex_init(&g->lock, NULL);
    vdriver_cond_init(&g->cond);
    g->raw = raw;
    g->bb = *raw;
    g->bb.ops = &gated_ops;
    return &g->bb;
}

enum { FX_RW, FX_RO, FX_GATED };

typedef struct {
    VDriver d;
    VirtioBlk *blk;
    GatedDisk *gate;            /* FX_GATED: the back-end */
    char *dir, *path;
    uint8_t image[IMAGE_SECTORS * 512];
} Fx;

static void fx_open(Fx *f, int kind)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *spec = g_strconcat(f->path, kind == FX_RO ? ",readonly" : "", NULL);
    BlockBackend *bb = block_image_open(spec, &error);
    g_assert_no_error(error);
    if (kind == FX_GATED) {
        bb = gated_new(bb);
        f->gate = (GatedDisk *)bb;
    }
    IoThreadLock lock = vdriver_device_lock(&f->d);
    f->blk = virtio_blk_create(f->d.host, &f->d.g.mem, &lock, bb);
    vdriver_attach(&f->d, virtio_blk_transport(f->blk));
    g_assert_true(vdriver_negotiate(&f->d, VIRTIO_F_VERSION_1 | (1ull << 9)) &
                  VIRTIO_STATUS_FEATURES_OK);
    vdriver_queue_setup(&f->d, 0, QSIZE, VIRTIO_MSI_NO_VECTOR);
    vdriver_driver_ok(&f->d);
}

static void fx_setup(Fx *f, gconstpointer data)
{
    vdriver_init(&f->d);
    f->dir = g_dir_make_tmp("vessel-blk-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, "disk0.img", NULL);
    for (unsigned i = 0; i < sizeof(f->image); i++)
        f->image[i] = (uint8_t)(i * 7 + i / 512);
    g_assert_true(g_file_set_contents(f->path, (char *)f->image, sizeof(f->image), NULL));
    fx_open(f, GPOINTER_TO_INT(data));
}

static void fx_teardown(Fx *f, gconstpointer data)
{
    (void)data;
    virtio_blk_destroy(f->blk);
    vdriver_fini(&f->d);
    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

/* Post one request without waiting: header, optional data (@len bytes at
 * BUF, device-writable if @to_guest), status byte.  The used idx before. */
static uint16_t fx_post(Fx *f, uint32_t type, uint64_t sector, uint32_t len, bool to_guest)
{
    struct { uint32_t type, reserved; uint64_t sector; } hdr = { type, 0, sector };
    memcpy(f->d.g.ram + HDR, &hdr, sizeof(hdr));
    f->d.g.ram[STATUS] = 0xee;
    test_desc_set(&f->d.g, 0, HDR, sizeof(hdr), VIRTQ_DESC_F_NEXT, len ? 1 : 2);
    test_desc_set(&f->d.g, 1, BUF, len, VIRTQ_DESC_F_NEXT | (to_guest ? VIRTQ_DESC_F_WRITE : 0), 2);
    test_desc_set(&f->d.g, 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    uint16_t before = test_u16_get(&f->d.g, TQ_USED + 2);
    vdriver_offer(&f->d, QSIZE, 0);
    vdriver_kick(&f->d, 0);
    return before;
}

/* The same, waiting for it.  Returns the status; *@used the used len. */
static uint8_t fx_request(Fx *f, uint32_t type, uint64_t sector, uint32_t len, bool to_guest,
                          uint32_t *used)
{
    uint16_t before = fx_post(f, type, sector, len, to_guest);
    g_assert_true(vdriver_wait_used(&f->d, (uint16_t)(before + 1)));   /* the I/O thread */
    *used = test_u32_get(&f->d.g, TQ_USED + 4 + 8 * (before % QSIZE) + 4);
    return f->d.g.ram[STATUS];
}

static void fx_file(Fx *f, uint8_t *buf)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(f->path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, sizeof(f->image));
    memcpy(buf, data, len);
}

static void test_config(Fx *f, gconstpointer data)
{
    (void)data;
    uint64_t cap = vdriver_bar_read(&f->d, VIRTIO_PCI_DEVICE_OFF, 4) |
                   (uint64_t)vdriver_bar_read(&f->d, VIRTIO_PCI_DEVICE_OFF + 4, 4) << 32;
    g_assert_cmpuint(cap, ==, IMAGE_SECTORS);
    g_assert_cmpuint(vdriver_cfg_read(&f->d, 0x02, 2), ==, 0x1042);
    vdriver_bar_write(&f->d, 0x00, 0, 4);
    uint32_t feat = vdriver_bar_read(&f->d, 0x04, 4);
    g_assert_true(feat & (1u << 9));                /* FLUSH */
    g_assert_cmpuint(!!(feat & (1u << 5)), ==, GPOINTER_TO_INT(data));   /* RO */
    /* with a device-config capability too, no capability overlaps another
     * and the notify multiplier survives */
    unsigned types = 0, prev_end = 0x40;
    for (unsigned at = vdriver_cfg_read(&f->d, 0x34, 1), n = 0; at && n < 16; n++) {
        g_assert_cmpuint(at, >=, prev_end);
        unsigned id = vdriver_cfg_read(&f->d, at, 1);
        unsigned len = id == 0x09 ? vdriver_cfg_read(&f->d, at + 2, 1) : 12;
        if (id == 0x09) {
            unsigned type = vdriver_cfg_read(&f->d, at + 3, 1);
            types |= 1u << type;
            if (type == 2)
                g_assert_cmpuint(vdriver_cfg_read(&f->d, at + 16, 4), ==, VIRTIO_PCI_NOTIFY_MULT);
        }
        prev_end = at + len;
        at = vdriver_cfg_read(&f->d, at + 1, 1);
    }
    g_assert_cmphex(types, ==, 0x3e);               /* common, notify, ISR, device, PCI_CFG */
}

static void test_read(Fx *f, gconstpointer data)
{
    (void)data;
    uint32_t used;
    g_assert_cmpuint(fx_request(f, 0, 3, 1024, true, &used), ==, 0);
    g_assert_cmpuint(used, ==, 1025);
    g_assert_cmpmem(f->d.g.ram + BUF, 1024, f->image + 3 * 512, 1024);
    /* the last sector is readable, one past it is not */
    g_assert_cmpuint(fx_request(f, 0, IMAGE_SECTORS - 1, 512, true, &used), ==, 0);
    g_assert_cmpuint(fx_request(f, 0, IMAGE_SECTORS - 1, 1024, true, &used), ==, 1);
    g_assert_cmpuint(fx_request(f, 0, IMAGE_SECTORS, 512, true, &used), ==, 1);
    g_assert_cmpuint(fx_request(f, 0, UINT64_MAX / 256, 512, true, &used), ==, 1);
    g_assert_cmpuint(used, ==, 1);
}

static void test_write(Fx *f, gconstpointer data)
{
    (void)data;
    uint32_t used;
    memset(f->d.g.ram + BUF, 0x5a, 512);
    g_assert_cmpuint(fx_request(f, 1, 5, 512, false, &used), ==, 0);
    g_assert_cmpuint(used, ==, 1);
    g_assert_cmpuint(fx_request(f, 4, 0, 0, false, &used), ==, 0);   /* flush */
    uint8_t now[sizeof(f->image)];
    fx_file(f, now);
    memset(f->image + 5 * 512, 0x5a, 512);
    g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));
    g_assert_cmpuint(fx_request(f, 1, IMAGE_SECTORS, 512, false, &used), ==, 1);
}

static void test_readonly(Fx *f, gconstpointer data)
{
    (void)data;
    uint32_t used;
    memset(f->d.g.ram + BUF, 0x5a, 512);
    g_assert_cmpuint(fx_request(f, 1, 5, 512, false, &used), ==, 1);
    uint8_t now[sizeof(f->image)];
    fx_file(f, now);
    g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));
    g_assert_cmpuint(fx_request(f, 0, 5, 512, true, &used), ==, 0);
    g_assert_cmpuint(fx_request(f, 4, 0, 0, false, &used), ==, 0);
}

static void test_get_id_and_unsupp(Fx *f, gconstpointer data)
{
    (void)data;
    uint32_t used;
    memset(f->d.g.ram + BUF, 0, 20);
    g_assert_cmpuint(fx_request(f, 8, 0, 20, true, &used), ==, 0);
    g_assert_cmpstr((char *)f->d.g.ram + BUF, ==, "disk0.img");
    g_assert_cmpuint(fx_request(f, 99, 0, 0, false, &used), ==, 2);
}

static void test_host_error(Fx *f, gconstpointer data)
{
    (void)data;
    uint32_t used;
    g_assert_cmpint(truncate(f->path, 4 * 512), ==, 0);
    g_assert_cmpuint(fx_request(f, 0, 10, 512, true, &used), ==, 1);
    g_assert_cmpuint(fx_request(f, 0, 1, 512, true, &used), ==, 0);
    g_assert_false(vdriver_bar_read(&f->d, 0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
}

/* DISCARD (11) / WRITE_ZEROES (13) with @n segments {sector, count, flags}. */
static uint8_t fx_zero(Fx *f, uint32_t type, const uint64_t (*segs)[3], unsigned n)
{
    uint32_t used;
    for (unsigned i = 0; i < n; i++) {
        struct { uint64_t sector; uint32_t num, flags; } seg = {
            segs[i][0], (uint32_t)segs[i][1], (uint32_t)segs[i][2] };
        memcpy(f->d.g.ram + BUF + 16 * i, &seg, sizeof(seg));
    }
    return fx_request(f, type, 0, 16 * n, false, &used);
}

static void test_discard(Fx *f, gconstpointer data)
{
    uint8_t now[sizeof(f->image)];
    GStatBuf before, after;
    g_assert_cmpint(g_stat(f->path, &before), ==, 0);
    /* the device offers both when the disk is writable */
    vdriver_bar_write(&f->d, 0x00, 0, 4);
    uint32_t feat = vdriver_bar_read(&f->d, 0x04, 4);
    bool ro = GPOINTER_TO_INT(data);
    g_assert_cmpuint(!!(feat & (1u << 13)), ==, !ro);
    g_assert_cmpuint(!!(feat & (1u << 14)), ==, !ro);
    static const uint64_t two[][3] = { { 8, 8, 0 }, { 24, 8, 0 } };
    if (ro) {
        g_assert_cmpuint(fx_zero(f, 11, two, 2), ==, 1);
        fx_file(f, now);
        g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));
        return;
    }
    g_assert_cmpuint(vdriver_bar_read(&f->d, VIRTIO_PCI_DEVICE_OFF + 36, 4), ==, 1u << 22);
    g_assert_cmpuint(vdriver_bar_read(&f->d, VIRTIO_PCI_DEVICE_OFF + 40, 4), ==, 32);
    g_assert_cmpuint(fx_zero(f, 11, two, 2), ==, 0);
    static const uint64_t wz[][3] = { { 40, 8, 0 } };
    g_assert_cmpuint(fx_zero(f, 13, wz, 1), ==, 0);
    memset(f->image + 8 * 512, 0, 8 * 512);
    memset(f->image + 24 * 512, 0, 8 * 512);
    memset(f->image + 40 * 512, 0, 8 * 512);
    fx_file(f, now);
    g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));
    /* the discarded ranges became holes: fewer blocks allocated */
    g_assert_cmpint(g_stat(f->path, &after), ==, 0);
    g_assert_cmpint(after.st_blocks, <, before.st_blocks);
    /* guest mistakes: UNMAP on a discard or reserved flags are UNSUPP,
     * ranges past the end, a ragged segment list or too many segments
     * are IOERR, and nothing changes */
    static const uint64_t unmap[][3] = { { 0, 8, 1 } };
    g_assert_cmpuint(fx_zero(f, 11, unmap, 1), ==, 2);
    static const uint64_t resv[][3] = { { 0, 8, 2 } };
    g_assert_cmpuint(fx_zero(f, 13, resv, 1), ==, 2);
    static const uint64_t past[][3] = { { IMAGE_SECTORS - 4, 8, 0 } };
    g_assert_cmpuint(fx_zero(f, 11, past, 1), ==, 1);
    static const uint64_t wrap[][3] = { { UINT64_MAX - 2, 8, 0 } };
    g_assert_cmpuint(fx_zero(f, 13, wrap, 1), ==, 1);
    uint64_t many[33][3];
    for (unsigned i = 0; i < 33; i++) {
        many[i][0] = i;
        many[i][1] = 1;
        many[i][2] = 0;
    }
    g_assert_cmpuint(fx_zero(f, 11, (const uint64_t (*)[3])many, 33), ==, 1);
    uint32_t used;
    g_assert_cmpuint(fx_request(f, 11, 0, 15, false, &used), ==, 1);
    fx_file(f, now);
    g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));
}

static void test_no_status_byte(Fx *f, gconstpointer data)
{
    (void)data;
    struct { uint32_t type, reserved; uint64_t sector; } hdr = { 0, 0, 0 };
    memcpy(f->d.g.ram + HDR, &hdr, sizeof(hdr));
    test_desc_set(&f->d.g, 0, HDR, sizeof(hdr), 0, 0);
    vdriver_offer(&f->d, QSIZE, 0);
    vdriver_kick(&f->d, 0);
    g_assert_true(vdriver_wait_needs_reset(&f->d));
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 0);
}

/* Header and data share a descriptor, data runs over three, the status
 * byte shares the last one: the device must find each part by offset. */
static void test_segments(Fx *f, gconstpointer data)
{
    (void)data;
    struct { uint32_t type, reserved; uint64_t sector; } hdr = { 1, 0, 7 };
    uint8_t *ram = f->d.g.ram;
    memcpy(ram + HDR, &hdr, sizeof(hdr));
    for (unsigned i = 0; i < 1024; i++)
        ram[HDR + 16 + i] = (uint8_t)(i * 13 + 1);
    test_desc_set(&f->d.g, 0, HDR, 16 + 100, VIRTQ_DESC_F_NEXT, 1);
    test_desc_set(&f->d.g, 1, HDR + 116, 400, VIRTQ_DESC_F_NEXT, 2);
    test_desc_set(&f->d.g, 2, HDR + 516, 524, VIRTQ_DESC_F_NEXT, 3);
    test_desc_set(&f->d.g, 3, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    vdriver_offer(&f->d, QSIZE, 0);
    vdriver_kick(&f->d, 0);
    g_assert_true(vdriver_wait_used(&f->d, 1));
    g_assert_cmpuint(ram[STATUS], ==, 0);
    uint8_t now[sizeof(f->image)];
    fx_file(f, now);
    memcpy(f->image + 7 * 512, ram + HDR + 16, 1024);
    g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));

    /* read it back into 3 + 1 writable pieces, status in the last one */
    hdr.type = 0;
    memcpy(ram + HDR, &hdr, sizeof(hdr));
    memset(ram + BUF, 0, 0x1000);
    test_desc_set(&f->d.g, 4, HDR, 16, VIRTQ_DESC_F_NEXT, 5);
    test_desc_set(&f->d.g, 5, BUF, 1, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 6);
    test_desc_set(&f->d.g, 6, BUF + 1, 600, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 7);
    test_desc_set(&f->d.g, 7, BUF + 601, 423 + 1, VIRTQ_DESC_F_WRITE, 0);
    ram[BUF + 1024] = 0xee;
    vdriver_offer(&f->d, QSIZE, 4);
    vdriver_kick(&f->d, 0);
    g_assert_true(vdriver_wait_used(&f->d, 2));
    g_assert_cmpuint(ram[BUF + 1024], ==, 0);
    g_assert_cmpuint(test_u32_get(&f->d.g, TQ_USED + 4 + 8 + 4), ==, 1025);
    g_assert_cmpmem(ram + BUF, 1024, f->image + 7 * 512, 1024);
}

/* Five writes, each kicked as soon as it is offered while the I/O thread
 * may be serving the ones before: all land, each with its own data. */
static void test_many(Fx *f, gconstpointer data)
{
    (void)data;
    uint8_t *ram = f->d.g.ram;
    for (unsigned r = 0; r < 5; r++) {
        struct { uint32_t type, reserved; uint64_t sector; } hdr = { 1, 0, 10 + 2 * r };
        uint64_t h = HDR + 16 * r, b = BUF + 1024 * r, st = STATUS + r;
        memcpy(ram + h, &hdr, sizeof(hdr));
        memset(ram + b, 0x30 + r, 1024);
        ram[st] = 0xee;
        test_desc_set(&f->d.g, 3 * r, h, 16, VIRTQ_DESC_F_NEXT, 3 * r + 1);
        test_desc_set(&f->d.g, 3 * r + 1, b, 1024, VIRTQ_DESC_F_NEXT, 3 * r + 2);
        test_desc_set(&f->d.g, 3 * r + 2, st, 1, VIRTQ_DESC_F_WRITE, 0);
        vdriver_offer(&f->d, QSIZE, (uint16_t)(3 * r));
        vdriver_kick(&f->d, 0);
    }
    g_assert_true(vdriver_wait_used(&f->d, 5));
    uint8_t now[sizeof(f->image)];
    fx_file(f, now);
    for (unsigned r = 0; r < 5; r++) {
        g_assert_cmpuint(ram[STATUS + r], ==, 0);
        memset(f->image + (10 + 2 * r) * 512, 0x30 + r, 1024);
    }
    g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));
}

/* Offer request @r (descriptors 3r..3r+2, its own header, buffer and
 * status) without waiting; kick the queue if @kick. */
static void fx_offer_slot(Fx *f, unsigned r, uint32_t type, uint64_t sector, uint32_t len,
                          bool to_guest, bool kick)
{
    uint8_t *ram = f->d.g.ram;
    struct { uint32_t type, reserved; uint64_t sector; } hdr = { type, 0, sector };
    uint64_t h = HDR + 16 * r, b = BUF + 1024 * r, st = STATUS + r;
    memcpy(ram + h, &hdr, sizeof(hdr));
    ram[st] = 0xee;
    test_desc_set(&f->d.g, 3 * r, h, 16, VIRTQ_DESC_F_NEXT, 3 * r + 1);
    test_desc_set(&f->d.g, 3 * r + 1, b, len, VIRTQ_DESC_F_NEXT | (to_guest ? VIRTQ_DESC_F_WRITE : 0),
                  3 * r + 2);
    test_desc_set(&f->d.g, 3 * r + 2, st, 1, VIRTQ_DESC_F_WRITE, 0);
    vdriver_offer(&f->d, QSIZE, (uint16_t)(3 * r));
    if (kick)
        vdriver_kick(&f->d, 0);
}

/* Two requests in flight at once: while a read waits at the gate, a
 * write offered after it completes (the used ring shows it first).  With
 * @one_kick both are offered before a single kick: the worker that takes
 * the read hands the write to another worker (the kick-ahead). */
static void parallel_run(Fx *f, bool one_kick)
{
    uint8_t *ram = f->d.g.ram;
    memset(ram + BUF + 1024, 0x5a, 1024);
    fx_offer_slot(f, 0, 0, 2, 512, true, !one_kick);
    if (!one_kick)
        g_assert_true(gated_wait(f->gate, &f->gate->entered));
    fx_offer_slot(f, 1, 1, 7, 1024, false, true);
    g_assert_true(vdriver_wait_used(&f->d, 1));
    g_assert_false(gated_get(f->gate, &f->gate->left));
    pthread_mutex_lock(&f->d.lock);
    g_assert_cmpuint(test_u32_get(&f->d.g, TQ_USED + 4), ==, 3);     /* the write's head */
    g_assert_cmpuint(ram[STATUS + 1], ==, 0);
    pthread_mutex_unlock(&f->d.lock);
    gated_set(f->gate, &f->gate->open);
    g_assert_true(vdriver_wait_used(&f->d, 2));
    g_assert_cmpuint(test_u32_get(&f->d.g, TQ_USED + 4 + 8), ==, 0);  /* then the read */
    g_assert_cmpuint(ram[STATUS], ==, 0);
    g_assert_cmpmem(ram + BUF, 512, f->image + 2 * 512, 512);
    uint8_t now[sizeof(f->image)];
    fx_file(f, now);
    memset(f->image + 7 * 512, 0x5a, 1024);
    g_assert_cmpmem(now, sizeof(now), f->image, sizeof(f->image));
}

static void test_parallel(Fx *f, gconstpointer data)
{
    (void)data;
    parallel_run(f, false);
}

static void test_parallel_one_kick(Fx *f, gconstpointer data)
{
    (void)data;
    parallel_run(f, true);
}

/* Run @fn(@f) on a thread of its own while a read waits at the gate.
 * Give @fn a fair chance to return early (which it must not: the read is
 * in flight), then open the gate.  Returns what @fn saw when it returned:
 * whether the read had left the back-end, and queue 0's used idx. */
typedef struct {
    Fx *f;
    void (*fn)(Fx *f);
    bool returned;
    bool left;
    uint16_t used;
} GatedCall;

static gpointer gated_call_thread(gpointer data)
{
    GatedCall *c = data;
    c->fn(c->f);
    pthread_mutex_lock(&c->f->d.lock);
    c->used = test_u16_get(&c->f->d.g, TQ_USED + 2);
    pthread_mutex_unlock(&c->f->d.lock);
    c->left = gated_get(c->f->gate, &c->f->gate->left);
    gated_set(c->f->gate, &c->returned);
    return NULL;
}

static void gated_call(Fx *f, void (*fn)(Fx *f), GatedCall *c)
{
    *c = (GatedCall){ .f = f, .fn = fn };
    g_assert_true(gated_wait(f->gate, &f->gate->entered));
    GThread *t = g_thread_new("gated-call", gated_call_thread, c);
    /* A deadline, not a synchronisation: a correct device never returns
     * here, so this only decides how likely a broken one is caught. */
    gint64 until = g_get_monotonic_time() + 200 * G_TIME_SPAN_MILLISECOND;
    pthread_mutex_lock(&f->gate->lock);
    while (!c->returned && vdriver_cond_wait_until(&f->gate->cond, &f->gate->lock, until))
        ;
    pthread_mutex_unlock(&f->gate->lock);
    gated_set(f->gate, &f->gate->open);
    g_thread_join(t);
    g_assert_true(c->left);
}

static void fx_reset(Fx *f)
{
    vdriver_bar_write(&f->d, 0x14, 0, 1);     /* the guest's reset, on a "vCPU" */
}

static void fx_pause(Fx *f)
{
    virtio_blk_set_paused(f->blk, true);
}

/* A reset while a read is in flight: the reset (device lock held) returns
 * only after the read left the back-end, the read is dropped (no used
 * entry, no interrupt into the new queue), and the device works after
 * the driver sets it up again. */
static void test_reset_in_flight(Fx *f, gconstpointer data)
{
    (void)data;
    GatedCall c;
    fx_post(f, 0, 2, 512, true);
    gated_call(f, fx_reset, &c);
    g_assert_cmpuint(c.used, ==, 0);
    g_assert_cmpuint(vdriver_bar_read(&f->d, 0x14, 1), ==, 0);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 0);

    memset(f->d.g.ram + TQ_AVAIL, 0, 0x2000);     /* fresh rings */
    g_assert_true(vdriver_negotiate(&f->d, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
    vdriver_queue_setup(&f->d, 0, QSIZE, VIRTIO_MSI_NO_VECTOR);
    vdriver_driver_ok(&f->d);
    uint32_t used;
    g_assert_cmpuint(fx_request(f, 0, 3, 512, true, &used), ==, 0);
    g_assert_cmpuint(used, ==, 513);
    g_assert_cmpmem(f->d.g.ram + BUF, 512, f->image + 3 * 512, 512);
}

/* Pause while a read is in flight: it returns once that read is
 * completed and in the used ring; a request offered while paused waits
 * for the resume. */
static void test_pause_in_flight(Fx *f, gconstpointer data)
{
    (void)data;
    GatedCall c;
    fx_post(f, 0, 4, 512, true);
    gated_call(f, fx_pause, &c);
    g_assert_cmpuint(c.used, ==, 1);
    g_assert_cmpuint(f->d.g.ram[STATUS], ==, 0);
    g_assert_cmpmem(f->d.g.ram + BUF, 512, f->image + 4 * 512, 512);

    fx_post(f, 0, 5, 512, true);
    virtio_blk_set_paused(f->blk, false);
    g_assert_true(vdriver_wait_used(&f->d, 2));
    g_assert_cmpuint(f->d.g.ram[STATUS], ==, 0);
    g_assert_cmpmem(f->d.g.ram + BUF, 512, f->image + 5 * 512, 512);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, ro) \
    g_test_add("/virtio-blk/" path, Fx, GINT_TO_POINTER(ro), fx_setup, fn, fx_teardown)
    ADD("config", test_config, 0);
    ADD("config-readonly", test_config, 1);
    ADD("read", test_read, 0);
    ADD("write-flush", test_write, 0);
    ADD("readonly", test_readonly, 1);
    ADD("get-id-unsupp", test_get_id_and_unsupp, 0);
    ADD("host-error", test_host_error, 0);
    ADD("no-status-byte", test_no_status_byte, 0);
    ADD("discard-write-zeroes", test_discard, 0);
    ADD("discard-readonly", test_discard, 1);
    ADD("segments", test_segments, FX_RW);
    ADD("many-kicks", test_many, FX_RW);
    ADD("thread/parallel", test_parallel, FX_GATED);
    ADD("thread/parallel-one-kick", test_parallel_one_kick, FX_GATED);
    ADD("thread/reset-in-flight", test_reset_in_flight, FX_GATED);
    ADD("thread/pause-in-flight", test_pause_in_flight, FX_GATED);
    return g_test_run();
}
