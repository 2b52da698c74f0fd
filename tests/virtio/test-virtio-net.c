/* test-virtio-net.c - virtio-net through the PCI transport (vdriver.h)
 * on a SOCK_DGRAM socketpair standing in for the tap (same one frame per
 * read/write semantics): MAC in device config, transmit strips the
 * virtio-net header, receive waits for buffers, adds the header, and drops
 * frames larger than the posted buffer. */
#include "tests/virtio/vdriver.h"
#include "vmm/virtio/net.h"

#include <glib.h>
#include <sys/socket.h>
#include <unistd.h>

#define QSIZE 8
#define TX_DESC 0x8000u
#define TX_AVAIL 0x9000u
#define TX_USED 0xa000u
#define TX_DATA 0xc000u

typedef struct {
    VDriver d;
    VirtioNet *vn;
    int peer;
    unsigned rx_kicks;
} Fx;

static void fx_rx_buffers(void *opaque)
{
    ((Fx *)opaque)->rx_kicks++;
}

static void fx_setup(Fx *f, gconstpointer data)
{
    (void)data;
    int sv[2];
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    f->peer = sv[1];
    f->rx_kicks = 0;
    vdriver_init(&f->d);
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    f->vn = virtio_net_create(f->d.host, &f->d.g.mem, sv[0], mac);
    virtio_net_set_rx_notify(f->vn, fx_rx_buffers, f);
    vdriver_attach(&f->d, virtio_net_transport(f->vn));
    g_assert_true(vdriver_negotiate(&f->d, VIRTIO_F_VERSION_1 | (1ull << 5)) &
                  VIRTIO_STATUS_FEATURES_OK);
    vdriver_queue_setup(&f->d, 0, QSIZE, VIRTIO_MSI_NO_VECTOR);
    vdriver_queue_setup_at(&f->d, 1, QSIZE, VIRTIO_MSI_NO_VECTOR, TX_DESC, TX_AVAIL, TX_USED);
    vdriver_driver_ok(&f->d);
}

static void fx_teardown(Fx *f, gconstpointer data)
{
    (void)data;
    virtio_net_destroy(f->vn);
    close(f->peer);
    vdriver_fini(&f->d);
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

static void test_mac(Fx *f, gconstpointer data)
{
    (void)data;
    uint8_t mac[6];
    for (unsigned i = 0; i < 6; i++)
        mac[i] = (uint8_t)vdriver_bar_read(&f->d, VIRTIO_PCI_DEVICE_OFF + i, 1);
    g_assert_cmpmem(mac, 6, "\x52\x54\x00\x12\x34\x56", 6);
    g_assert_cmpuint(vdriver_cfg_read(&f->d, 0x0a, 2), ==, 0x0200);   /* ethernet */
}

static void test_tx(Fx *f, gconstpointer data)
{
    (void)data;
    uint8_t frame[60];
    for (unsigned i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)(i * 3);
    memset(f->d.g.ram + TX_DATA, 0, 12);
    memcpy(f->d.g.ram + TX_DATA + 0x100, frame, sizeof(frame));
    put_desc(f, TX_DESC, 0, TX_DATA, 12, VIRTQ_DESC_F_NEXT, 1);
    put_desc(f, TX_DESC, 1, TX_DATA + 0x100, sizeof(frame), 0, 0);
    test_u16_set(&f->d.g, TX_AVAIL + 4, 0);
    test_u16_set(&f->d.g, TX_AVAIL + 2, 1);
    vdriver_kick(&f->d, 1);
    g_assert_cmpuint(test_u16_get(&f->d.g, TX_USED + 2), ==, 1);
    uint8_t got[256];
    ssize_t n = recv(f->peer, got, sizeof(got), MSG_DONTWAIT);
    g_assert_cmpint(n, ==, sizeof(frame));
    g_assert_cmpmem(got, sizeof(frame), frame, sizeof(frame));
}

static void test_rx(Fx *f, gconstpointer data)
{
    (void)data;
    uint8_t big[200], small[50];
    memset(big, 0xbb, sizeof(big));
    memset(small, 0x55, sizeof(small));
    g_assert_cmpint(send(f->peer, big, sizeof(big), 0), ==, sizeof(big));
    g_assert_cmpint(send(f->peer, small, sizeof(small), 0), ==, sizeof(small));
    /* no buffer posted: nothing moves, the frames wait */
    g_assert_false(virtio_net_rx_poll(f->vn));
    /* a 100-byte buffer: the 200-byte frame is dropped, the 50-byte one lands */
    test_desc_set(&f->d.g, 0, TQ_DATA, 100, VIRTQ_DESC_F_WRITE, 0);
    vdriver_offer(&f->d, QSIZE, 0);
    vdriver_kick(&f->d, 0);
    g_assert_cmpuint(f->rx_kicks, ==, 1);
    /* false: the only buffer is used up, stop polling until the next kick */
    g_assert_false(virtio_net_rx_poll(f->vn));
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
    g_assert_cmpuint(test_u32_get(&f->d.g, TQ_USED + 8), ==, 12 + sizeof(small));
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_DATA + 10), ==, 1);   /* num_buffers */
    g_assert_cmpmem(f->d.g.ram + TQ_DATA + 12, sizeof(small), small, sizeof(small));
    g_assert_cmpint(f->d.gsi_level, ==, 1);
    /* with buffers left and no frame pending, polling goes on */
    test_desc_set(&f->d.g, 1, TQ_DATA + 0x200, 100, VIRTQ_DESC_F_WRITE, 0);
    vdriver_offer(&f->d, QSIZE, 1);
    g_assert_true(virtio_net_rx_poll(f->vn));
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/virtio-net/mac", Fx, NULL, fx_setup, test_mac, fx_teardown);
    g_test_add("/virtio-net/tx", Fx, NULL, fx_setup, test_tx, fx_teardown);
    g_test_add("/virtio-net/rx", Fx, NULL, fx_setup, test_rx, fx_teardown);
    return g_test_run();
}
