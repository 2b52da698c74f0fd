/* test-virtio-scsi.c - virtio-scsi with a CD-ROM target on a real image
 * file (block_image.c, libvesselstorage), driven through the PCI
 * transport (vdriver.h) as a guest driver would: the configuration,
 * INQUIRY, READ CAPACITY, READ (10) of the image's sectors, READ TOC,
 * GET CONFIGURATION; and what a hostile or careless guest does: reads
 * past the end, writes of every kind (DATA PROTECT, the image
 * unchanged), unknown commands, a target that does not exist, a data
 * buffer too small (OVERRUN), a request without room for the response
 * (the device needs a reset).  Then scsi_cd_new's refusals of images
 * that cannot be CDs. */
#include "tests/virtio/vdriver.h"
#include "vmm/virtio/scsi.h"

#include "tests/lib/vtest.h"

#include <glib.h>
#include <glib/gstdio.h>

#define QSIZE 16
#define REQQ 2                          /* the request queue */
#define SECTORS 20
#define REQ (TQ_DATA)
#define OUT (TQ_DATA + 0x100)
#define RESP (TQ_DATA + 0x400)
#define BUF (TQ_DATA + 0x1000)
#define REQ_LEN 51
#define RESP_LEN 108

typedef struct {
    VDriver d;
    VirtioScsi *vs;
    char *dir, *path;
    uint8_t image[SECTORS * 2048];
} Fx;

/* The response header of the last request. */
typedef struct {
    uint32_t sense_len, residual, used;
    uint8_t status, response;
    const uint8_t *sense;
} Resp;

static void fx_setup(Fx *f, gconstpointer data)
{
    (void)data;
    vdriver_init(&f->d);
    f->dir = g_dir_make_tmp("vessel-scsi-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, "cd.iso", NULL);
    for (unsigned i = 0; i < sizeof(f->image); i++)
        f->image[i] = (uint8_t)(i * 13 + i / 2048);
    g_assert_true(g_file_set_contents(f->path, (char *)f->image, sizeof(f->image), NULL));
    g_autoptr(GError) error = NULL;
    g_autofree char *spec = g_strconcat(f->path, ",readonly", NULL);
    BlockBackend *bb = block_image_open(spec, &error);
    g_assert_no_error(error);
    ScsiCd *cd = scsi_cd_new(bb, "cd.iso", &error);
    g_assert_no_error(error);
    IoThreadLock lock = vdriver_device_lock(&f->d);
    f->vs = virtio_scsi_create(f->d.host, &f->d.g.mem, &lock, &cd, 1);
    g_assert_nonnull(f->vs);
    vdriver_attach(&f->d, virtio_scsi_transport(f->vs));
    g_assert_true(vdriver_negotiate(&f->d, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
    vdriver_queue_setup(&f->d, REQQ, QSIZE, VIRTIO_MSI_NO_VECTOR);
    vdriver_driver_ok(&f->d);
}

static void fx_teardown(Fx *f, gconstpointer data)
{
    (void)data;
    virtio_scsi_destroy(f->vs);
    vdriver_fini(&f->d);
    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

/* One command to target @target LUN 0: @cdb, @out bytes of data-out,
 * @in bytes of data-in at BUF (@resp_len bytes of response header). */
static Resp fx_cmd_full(Fx *f, unsigned target, const uint8_t *cdb, size_t cdb_len, uint32_t out,
                        uint32_t in, uint32_t resp_len)
{
    uint8_t *req = f->d.g.ram + REQ;
    memset(req, 0, REQ_LEN);
    req[0] = 1;
    req[1] = (uint8_t)target;
    req[2] = 0x40;
    memcpy(req + 19, cdb, cdb_len);
    memset(f->d.g.ram + RESP, 0xee, RESP_LEN);
    memset(f->d.g.ram + BUF, 0xee, 0x8000);
    unsigned n = 0;
    test_desc_set(&f->d.g, n, REQ, REQ_LEN, VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1));
    n++;
    if (out) {
        test_desc_set(&f->d.g, n, OUT, out, VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1));
        n++;
    }
    test_desc_set(&f->d.g, n, RESP, resp_len, VIRTQ_DESC_F_WRITE | (in ? VIRTQ_DESC_F_NEXT : 0),
                  (uint16_t)(n + 1));
    n++;
    if (in)
        test_desc_set(&f->d.g, n, BUF, in, VIRTQ_DESC_F_WRITE, 0);
    uint16_t before = test_u16_get(&f->d.g, TQ_USED + 2);
    vdriver_offer(&f->d, QSIZE, 0);
    vdriver_kick(&f->d, REQQ);
    Resp r = { 0 };
    if (resp_len < RESP_LEN)
        return r;
    g_assert_true(vdriver_wait_used(&f->d, (uint16_t)(before + 1)));
    r.used = test_u32_get(&f->d.g, TQ_USED + 4 + 8 * (before % QSIZE) + 4);
    r.sense_len = test_u32_get(&f->d.g, RESP);
    r.residual = test_u32_get(&f->d.g, RESP + 4);
    r.status = f->d.g.ram[RESP + 10];
    r.response = f->d.g.ram[RESP + 11];
    r.sense = f->d.g.ram + RESP + 12;
    return r;
}

static Resp fx_cmd(Fx *f, const uint8_t *cdb, size_t cdb_len, uint32_t out, uint32_t in)
{
    return fx_cmd_full(f, 0, cdb, cdb_len, out, in, RESP_LEN);
}

static void assert_sense(Resp r, uint8_t key, uint8_t asc)
{
    g_assert_cmpuint(r.response, ==, 0);
    g_assert_cmpuint(r.status, ==, SCSI_STATUS_CHECK_CONDITION);
    g_assert_cmpuint(r.sense_len, ==, 18);
    g_assert_cmphex(r.sense[0], ==, 0x70);
    g_assert_cmphex(r.sense[2], ==, key);
    g_assert_cmphex(r.sense[12], ==, asc);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_config(Fx *f, gconstpointer data)
{
    (void)data;
    g_assert_cmphex(vdriver_cfg_read(&f->d, 0x02, 2), ==, 0x1048);
    g_assert_cmphex(vdriver_cfg_read(&f->d, 0x09, 1) | vdriver_cfg_read(&f->d, 0x0a, 2) << 8,
                    ==, 0x010000);
    uint64_t cfg = VIRTIO_PCI_DEVICE_OFF;
    g_assert_cmpuint(vdriver_bar_read(&f->d, cfg + 0, 4), ==, 1);      /* num_queues */
    g_assert_cmpuint(vdriver_bar_read(&f->d, cfg + 20, 4), ==, 96);    /* sense_size */
    g_assert_cmpuint(vdriver_bar_read(&f->d, cfg + 24, 4), ==, 32);    /* cdb_size */
    g_assert_cmpuint(vdriver_bar_read(&f->d, cfg + 30, 2), ==, 0);     /* max_target */
    g_assert_cmpuint(vdriver_bar_read(&f->d, cfg + 32, 4), ==, 0);     /* max_lun */
}

static void test_identify(Fx *f, gconstpointer data)
{
    (void)data;
    const uint8_t *b = f->d.g.ram + BUF;
    Resp r = fx_cmd(f, (uint8_t[]){ 0x12, 0, 0, 0, 36, 0 }, 6, 0, 36);
    g_assert_cmpuint(r.status, ==, 0);
    g_assert_cmpuint(r.used, ==, RESP_LEN + 36);
    g_assert_cmphex(b[0], ==, 0x05);                /* CD/DVD */
    g_assert_cmphex(b[1], ==, 0x80);                /* removable */
    g_assert_cmpmem(b + 8, 8, "VESSEL  ", 8);
    /* READ CAPACITY (10): the last LBA, 2048-byte blocks */
    r = fx_cmd(f, (uint8_t[]){ 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 10, 0, 8);
    g_assert_cmpuint(r.status, ==, 0);
    g_assert_cmpuint(be32(b), ==, SECTORS - 1);
    g_assert_cmpuint(be32(b + 4), ==, 2048);
    /* READ TOC, format 0: track 1 at 0, the lead-out at the end */
    r = fx_cmd(f, (uint8_t[]){ 0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0 }, 10, 0, 100);
    g_assert_cmpuint(r.status, ==, 0);
    g_assert_cmpuint(r.used, ==, RESP_LEN + 20);
    g_assert_cmpuint(b[2], ==, 1);
    g_assert_cmpuint(b[6], ==, 1);
    g_assert_cmpuint(be32(b + 8), ==, 0);
    g_assert_cmpuint(b[14], ==, 0xaa);
    g_assert_cmpuint(be32(b + 16), ==, SECTORS);
    /* GET CONFIGURATION: the current profile is CD-ROM; the allocation
     * length cuts the reply */
    r = fx_cmd(f, (uint8_t[]){ 0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0 }, 10, 0, 64);
    g_assert_cmpuint(r.status, ==, 0);
    g_assert_cmpuint(r.used, ==, RESP_LEN + 8);
    g_assert_cmpuint(r.residual, ==, 64 - 8);
    g_assert_cmphex(b[6] << 8 | b[7], ==, 0x0008);
}

static void test_read(Fx *f, gconstpointer data)
{
    (void)data;
    /* READ (10): LBA 3, 2 blocks */
    Resp r = fx_cmd(f, (uint8_t[]){ 0x28, 0, 0, 0, 0, 3, 0, 0, 2, 0 }, 10, 0, 4096);
    g_assert_cmpuint(r.status, ==, 0);
    g_assert_cmpuint(r.response, ==, 0);
    g_assert_cmpuint(r.used, ==, RESP_LEN + 4096);
    g_assert_cmpuint(r.residual, ==, 0);
    g_assert_cmpmem(f->d.g.ram + BUF, 4096, f->image + 3 * 2048, 4096);
    /* the last block reads, one past it does not */
    r = fx_cmd(f, (uint8_t[]){ 0x28, 0, 0, 0, 0, SECTORS - 1, 0, 0, 1, 0 }, 10, 0, 2048);
    g_assert_cmpuint(r.status, ==, 0);
    r = fx_cmd(f, (uint8_t[]){ 0x28, 0, 0, 0, 0, SECTORS - 1, 0, 0, 2, 0 }, 10, 0, 4096);
    assert_sense(r, 0x05, 0x21);                    /* LBA out of range */
    g_assert_cmpuint(r.used, ==, RESP_LEN);
    r = fx_cmd(f, (uint8_t[]){ 0x28, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0 }, 10, 0, 4096);
    assert_sense(r, 0x05, 0x21);
    /* a buffer smaller than the transfer */
    r = fx_cmd(f, (uint8_t[]){ 0x28, 0, 0, 0, 0, 0, 0, 0, 4, 0 }, 10, 0, 4096);
    g_assert_cmpuint(r.response, ==, 1);            /* VIRTIO_SCSI_S_OVERRUN */
    g_assert_cmpuint(r.used, ==, RESP_LEN);
}

/* Writes of every kind: DATA PROTECT / WRITE PROTECTED, the file as it
 * was.  Commands we do not know: ILLEGAL REQUEST. */
static void test_hostile(Fx *f, gconstpointer data)
{
    (void)data;
    static const uint8_t writes[] = { 0x0a, 0x2a, 0x2e, 0x41, 0x8a, 0x8e, 0x93, 0xaa, 0xae,
                                      0x04 };
    memset(f->d.g.ram + OUT, 0x5a, 2048);
    for (size_t i = 0; i < sizeof(writes); i++) {
        uint8_t cdb[16] = { writes[i], 0, 0, 0, 0, 1, 0, 0, 1, 0 };
        Resp r = fx_cmd(f, cdb, sizeof(cdb), 2048, 0);
        assert_sense(r, 0x07, 0x27);
        g_assert_cmpuint(r.residual, ==, 2048);
    }
    g_autofree char *now = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(f->path, &now, &len, NULL));
    g_assert_cmpmem(now, len, f->image, sizeof(f->image));
    assert_sense(fx_cmd(f, (uint8_t[]){ 0xff }, 1, 0, 512), 0x05, 0x20);
    assert_sense(fx_cmd(f, (uint8_t[]){ 0x12, 0, 0x99, 0, 255, 0 }, 6, 0, 255), 0x05, 0x24);
    /* a target that does not exist */
    Resp r = fx_cmd_full(f, 1, (uint8_t[]){ 0x00 }, 1, 0, 0, RESP_LEN);
    g_assert_cmpuint(r.response, ==, 3);            /* VIRTIO_SCSI_S_BAD_TARGET */
    /* no room for the response header: the device needs a reset */
    fx_cmd_full(f, 0, (uint8_t[]){ 0x00 }, 1, 0, 0, RESP_LEN - 1);
    g_assert_true(vdriver_wait_needs_reset(&f->d));
}

/* Images that cannot be CDs are refused with the reason. */
static void test_refused(void)
{
    g_autofree char *dir = g_dir_make_tmp("vessel-scsi-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "bad.iso", NULL);
    g_autofree uint8_t *data = g_malloc0(40 * 2048);
    /* an ISO 9660 primary volume descriptor saying 100 sectors */
    data[16 * 2048] = 1;
    memcpy(data + 16 * 2048 + 1, "CD001", 5);
    data[16 * 2048 + 80] = 100;
    data[16 * 2048 + 87] = 100;
    const struct {
        size_t len;
        const char *want;
    } cases[] = {
        { 40 * 2048 - 1, "not a whole number of 2048-byte sectors" },
        { 0, "not a whole number of 2048-byte sectors" },
        { 40 * 2048, "is truncated: its ISO 9660 volume has 100 sectors" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_true(g_file_set_contents(path, (char *)data, (gssize)cases[i].len, NULL));
        g_autoptr(GError) error = NULL;
        g_autofree char *spec = g_strconcat(path, ",readonly", NULL);
        BlockBackend *bb = block_image_open(spec, &error);
        g_assert_no_error(error);
        g_assert_null(scsi_cd_new(bb, "bad.iso", &error));
        g_assert_nonnull(error);
        if (!strstr(error->message, cases[i].want) || !strstr(error->message, "bad.iso"))
            g_error("'%s' does not say '%s'", error->message, cases[i].want);
    }
    /* 100 sectors: the volume fits */
    data = g_realloc(data, 100 * 2048);
    memset(data + 40 * 2048, 0, 60 * 2048);
    g_assert_true(g_file_set_contents(path, (char *)data, 100 * 2048, NULL));
    g_autoptr(GError) error = NULL;
    BlockBackend *bb = block_image_open(path, &error);
    g_assert_no_error(error);
    ScsiCd *cd = scsi_cd_new(bb, "bad.iso", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(scsi_cd_sectors(cd), ==, 100);
    scsi_cd_free(cd);
    g_unlink(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/virtio/scsi/config", Fx, NULL, fx_setup, test_config, fx_teardown);
    g_test_add("/virtio/scsi/identify", Fx, NULL, fx_setup, test_identify, fx_teardown);
    g_test_add("/virtio/scsi/read", Fx, NULL, fx_setup, test_read, fx_teardown);
    g_test_add("/virtio/scsi/hostile", Fx, NULL, fx_setup, test_hostile, fx_teardown);
    g_test_add_func("/virtio/scsi/refused", test_refused);
    return g_test_run();
}
