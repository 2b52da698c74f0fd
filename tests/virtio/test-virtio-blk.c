/* test-virtio-blk.c - virtio-blk on a real raw image file, driven through
 * the PCI transport (vdriver.h): reads, writes, flush, GET_ID, read-only
 * disks, requests past the end, host I/O errors (image shrunk under the
 * device), unknown types and unanswerable requests, discard and
 * write-zeroes (holes in the image, hostile segment lists). */
#include "tests/virtio/vdriver.h"
#include "vmm/virtio/blk.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#define QSIZE 16
#define IMAGE_SECTORS 64
#define HDR TQ_DATA
#define STATUS (TQ_DATA + 0x800)
#define BUF (TQ_DATA + 0x1000)

typedef struct {
    VDriver d;
    VirtioBlk *blk;
    char *dir, *path;
    uint8_t image[IMAGE_SECTORS * 512];
} Fx;

static void fx_open(Fx *f, bool readonly)
{
    g_autoptr(GError) error = NULL;
    BlockBackend *bb = block_raw_open(f->path, readonly, &error);
    g_assert_no_error(error);
    f->blk = virtio_blk_create(f->d.host, &f->d.g.mem, bb);
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

/* One request: header, optional data (@len bytes at BUF, device-writable
 * if @to_guest), status byte.  Returns the status; *@used the used len. */
static uint8_t fx_request(Fx *f, uint32_t type, uint64_t sector, uint32_t len, bool to_guest,
                          uint32_t *used)
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
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, (uint16_t)(before + 1));
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
    g_assert_cmphex(types, ==, 0x1e);
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
    g_assert_true(vdriver_bar_read(&f->d, 0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 0);
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
    return g_test_run();
}
