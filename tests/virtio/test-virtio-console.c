/* test-virtio-console.c - virtio-console through the PCI transport
 * (vdriver.h): guest output reaches the CharBackend, host input fills the
 * guest's receive buffers with flow control (nothing accepted without a
 * buffer, accept_input once the guest posts one), zero-length receive
 * buffers are handed back. */
#include "tests/virtio/vdriver.h"
#include "vmm/virtio/console.h"

#include <glib.h>

#define QSIZE 8
/* transmit queue rings, away from the TQ_* receive rings */
#define TX_DESC 0x8000u
#define TX_AVAIL 0x9000u
#define TX_USED 0xa000u
#define TX_DATA 0xc000u

typedef struct {
    CharBackend be;
    GString *out;
    unsigned accepts;
} TestBackend;

typedef struct {
    VDriver d;
    TestBackend tb;
    VirtioConsole *vc;
} Fx;

static void tb_write(CharBackend *be, const uint8_t *buf, size_t len)
{
    TestBackend *tb = (TestBackend *)be;
    g_string_append_len(tb->out, (const char *)buf, (gssize)len);
}

static void tb_accept(CharBackend *be)
{
    ((TestBackend *)be)->accepts++;
}

static void fx_setup(Fx *f, gconstpointer data)
{
    (void)data;
    vdriver_init(&f->d);
    f->tb = (TestBackend){ { tb_write, tb_accept }, g_string_new(NULL), 0 };
    f->vc = virtio_console_create(f->d.host, &f->d.g.mem, &f->tb.be);
    vdriver_attach(&f->d, virtio_console_transport(f->vc));
    g_assert_true(vdriver_negotiate(&f->d, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
    vdriver_queue_setup(&f->d, 0, QSIZE, VIRTIO_MSI_NO_VECTOR);
    vdriver_queue_setup_at(&f->d, 1, QSIZE, VIRTIO_MSI_NO_VECTOR, TX_DESC, TX_AVAIL, TX_USED);
    vdriver_driver_ok(&f->d);
}

static void fx_teardown(Fx *f, gconstpointer data)
{
    (void)data;
    virtio_console_destroy(f->vc);
    vdriver_fini(&f->d);
    g_string_free(f->tb.out, TRUE);
}

static void put_desc(Fx *f, uint64_t table, unsigned i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
    uint8_t *d = f->d.g.ram + table + 16 * i;
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static void test_output(Fx *f, gconstpointer data)
{
    (void)data;
    memcpy(f->d.g.ram + TX_DATA, "hello, ", 7);
    memcpy(f->d.g.ram + TX_DATA + 0x100, "hvc0\n", 5);
    put_desc(f, TX_DESC, 0, TX_DATA, 7, VIRTQ_DESC_F_NEXT, 1);
    put_desc(f, TX_DESC, 1, TX_DATA + 0x100, 5, 0, 0);
    test_u16_set(&f->d.g, TX_AVAIL + 4, 0);
    test_u16_set(&f->d.g, TX_AVAIL + 2, 1);
    vdriver_kick(&f->d, 1);
    g_assert_cmpstr(f->tb.out->str, ==, "hello, hvc0\n");
    g_assert_cmpuint(test_u16_get(&f->d.g, TX_USED + 2), ==, 1);
    g_assert_cmpint(f->d.gsi_level, ==, 1);
}

static void test_input(Fx *f, gconstpointer data)
{
    (void)data;
    /* no receive buffer yet: nothing can be delivered */
    g_assert_cmpuint(virtio_console_can_receive(f->vc), ==, 0);
    /* a zero-length buffer is handed back, then a real one */
    test_desc_set(&f->d.g, 0, TQ_DATA, 0, VIRTQ_DESC_F_WRITE, 0);
    test_desc_set(&f->d.g, 1, TQ_DATA, 16, VIRTQ_DESC_F_WRITE, 0);
    vdriver_offer(&f->d, QSIZE, 0);
    vdriver_offer(&f->d, QSIZE, 1);
    vdriver_kick(&f->d, 0);
    g_assert_cmpuint(f->tb.accepts, ==, 1);
    g_assert_cmpuint(virtio_console_can_receive(f->vc), ==, 16);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
    virtio_console_receive(f->vc, (const uint8_t *)"ls\n", 3);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 2);
    g_assert_cmpuint(test_u32_get(&f->d.g, TQ_USED + 4 + 8 + 4), ==, 3);
    g_assert_cmpmem(f->d.g.ram + TQ_DATA, 3, "ls\n", 3);
    g_assert_cmpuint(virtio_console_can_receive(f->vc), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/virtio-console/output", Fx, NULL, fx_setup, test_output, fx_teardown);
    g_test_add("/virtio-console/input", Fx, NULL, fx_setup, test_input, fx_teardown);
    return g_test_run();
}
