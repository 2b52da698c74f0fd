/* test-virtio-pci.c - the modern virtio-pci transport with virtio-rng on a
 * real PciHost and IoBus (the code the VMM runs), driven the way a guest
 * driver does it (vdriver.h): capability walk, feature negotiation, queue
 * setup, notify, MSI-X and INTx interrupts, DEVICE_NEEDS_RESET and reset,
 * and the PCI_CFG capability's window into the BARs. */
#include "tests/virtio/vdriver.h"
#include "vmm/virtio/rng.h"

#include <glib.h>

#define QSIZE 8

typedef struct {
    VDriver d;
    VirtioRng *rng;
} Fx;

#define cfg_read(f, ...) vdriver_cfg_read(&(f)->d, __VA_ARGS__)
#define cfg_write(f, ...) vdriver_cfg_write(&(f)->d, __VA_ARGS__)
#define bar_read(f, ...) vdriver_bar_read(&(f)->d, __VA_ARGS__)
#define bar_write(f, ...) vdriver_bar_write(&(f)->d, __VA_ARGS__)
#define fx_negotiate(f, feat) vdriver_negotiate(&(f)->d, feat)
#define fx_queue_setup(f, size, vec) vdriver_queue_setup(&(f)->d, 0, size, vec)
#define fx_driver_ok(f) vdriver_driver_ok(&(f)->d)

static void fx_setup(Fx *f, gconstpointer data)
{
    (void)data;
    vdriver_init(&f->d);
    f->rng = virtio_rng_create(f->d.host, &f->d.g.mem, NULL);
    vdriver_attach(&f->d, virtio_rng_transport(f->rng));
}

static void fx_teardown(Fx *f, gconstpointer data)
{
    (void)data;
    virtio_rng_destroy(f->rng);
    vdriver_fini(&f->d);
}

/* Offer one writable buffer of @len bytes and kick queue 0. */
static void fx_offer_and_kick(Fx *f, uint32_t len)
{
    uint16_t idx = test_u16_get(&f->d.g, TQ_AVAIL + 2);
    test_desc_set(&f->d.g, idx % QSIZE, TQ_DATA + 0x100 * (idx % QSIZE), len, VIRTQ_DESC_F_WRITE, 0);
    test_u16_set(&f->d.g, TQ_AVAIL + 4 + 2 * (idx % QSIZE), idx % QSIZE);
    test_u16_set(&f->d.g, TQ_AVAIL + 2, idx + 1);
    bar_write(f, VIRTIO_PCI_NOTIFY_OFF + 0 * VIRTIO_PCI_NOTIFY_MULT, 0, 2);
}

static void msix_enable(Fx *f, uint16_t extra_ctrl)
{
    uint32_t ctrl = cfg_read(f, 0x92, 2);
    cfg_write(f, 0x92, ctrl | 0x8000 | extra_ctrl, 2);
    for (unsigned v = 0; v < 2; v++) {
        io_bus_write(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 * v, 4, 0xfee00000);
        io_bus_write(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 * v + 4, 4, 0);
        io_bus_write(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 * v + 8, 4, 0x40 + v);
        io_bus_write(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 * v + 12, 4, 0);
    }
}

static void test_ids_and_caps(Fx *f, gconstpointer data)
{
    (void)data;
    g_assert_cmphex(cfg_read(f, 0x00, 4), ==, 0x10441af4);
    g_assert_cmphex(cfg_read(f, 0x2c, 4), ==, 0x00401af4);
    g_assert_true(cfg_read(f, 0x06, 2) & 0x10);
    unsigned seen = 0, msix = 0;
    unsigned at = cfg_read(f, 0x34, 1);
    for (int n = 0; at && n < 16; n++) {
        unsigned id = cfg_read(f, at, 1);
        if (id == 0x09) {
            unsigned type = cfg_read(f, at + 3, 1);
            if (type == 5)              /* PCI_CFG: the driver picks the BAR */
                g_assert_cmpuint(cfg_read(f, at + 2, 1), ==, 20);
            else
                g_assert_cmpuint(cfg_read(f, at + 4, 1), ==, VIRTIO_PCI_CFG_BAR);
            seen |= 1u << type;
            if (type == 2)
                g_assert_cmpuint(cfg_read(f, at + 16, 4), ==, VIRTIO_PCI_NOTIFY_MULT);
        } else if (id == 0x11) {
            msix = at;
        }
        at = cfg_read(f, at + 1, 1);
    }
    /* rng: no device cfg */
    g_assert_cmphex(seen, ==, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5));
    g_assert_cmpuint(msix, !=, 0);
    g_assert_cmpuint(cfg_read(f, msix + 2, 2) & 0x7ff, ==, 1);       /* 2 vectors */
    /* the guest cannot rewrite the capabilities */
    cfg_write(f, 0x40, 0xdeadbeef, 4);
    cfg_write(f, msix + 2, 0x07ff, 2);
    g_assert_cmpuint(cfg_read(f, 0x40, 1), ==, 0x09);
    g_assert_cmpuint(cfg_read(f, msix + 2, 2), ==, 1);
    /* device features: VERSION_1 offered */
    bar_write(f, 0x00, 1, 4);
    g_assert_true(bar_read(f, 0x04, 4) & 1);
    g_assert_cmpuint(bar_read(f, 0x12, 2), ==, 1);
}

static void test_negotiation(Fx *f, gconstpointer data)
{
    (void)data;
    g_assert_false(fx_negotiate(f, 0) & VIRTIO_STATUS_FEATURES_OK);
    g_assert_false(fx_negotiate(f, VIRTIO_F_VERSION_1 | (1ull << 40)) & VIRTIO_STATUS_FEATURES_OK);
    g_assert_true(fx_negotiate(f, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
    /* features are frozen after FEATURES_OK */
    bar_write(f, 0x08, 0, 4);
    bar_write(f, 0x0c, 0xffffffff, 4);
    g_assert_cmphex(bar_read(f, 0x0c, 4), ==, 0);
    /* queue enable before FEATURES_OK does nothing */
    bar_write(f, 0x14, 0, 1);
    fx_queue_setup(f, QSIZE, 0);
    g_assert_cmpuint(bar_read(f, 0x1c, 2), ==, 0);
    /* a queue that does not exist reads size 0 */
    bar_write(f, 0x16, 5, 2);
    g_assert_cmpuint(bar_read(f, 0x18, 2), ==, 0);
}

static void test_rng_msix(Fx *f, gconstpointer data)
{
    (void)data;
    msix_enable(f, 0);
    g_assert_true(fx_negotiate(f, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
    fx_queue_setup(f, QSIZE, 1);
    g_assert_cmpuint(bar_read(f, 0x1a, 2), ==, 1);
    g_assert_cmpuint(bar_read(f, 0x1c, 2), ==, 1);
    fx_driver_ok(f);
    fx_offer_and_kick(f, 32);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
    g_assert_cmpuint(test_u32_get(&f->d.g, TQ_USED + 8), ==, 32);
    static const uint8_t zero[32];
    g_assert_true(memcmp(f->d.g.ram + TQ_DATA, zero, 32) != 0);
    g_assert_cmpuint(f->d.nmsi, ==, 1);
    g_assert_cmphex(f->d.last_msi_data, ==, 0x41);
    g_assert_cmpint(f->d.gsi_level, ==, 0);
    /* a vector out of range reads back as NO_VECTOR */
    bar_write(f, 0x10, 7, 2);
    g_assert_cmphex(bar_read(f, 0x10, 2), ==, VIRTIO_MSI_NO_VECTOR);
}

static void test_msix_masked_pending(Fx *f, gconstpointer data)
{
    (void)data;
    msix_enable(f, 0x4000);          /* function masked */
    fx_negotiate(f, VIRTIO_F_VERSION_1);
    fx_queue_setup(f, QSIZE, 1);
    fx_driver_ok(f);
    fx_offer_and_kick(f, 8);
    g_assert_cmpuint(f->d.nmsi, ==, 0);
    uint64_t pba = 0;
    io_bus_read(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + VIRTIO_PCI_PBA_OFF, 4, &pba);
    g_assert_cmphex(pba, ==, 2);
    cfg_write(f, 0x92, cfg_read(f, 0x92, 2) & ~0x4000u, 2);
    g_assert_cmpuint(f->d.nmsi, ==, 1);
    io_bus_read(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + VIRTIO_PCI_PBA_OFF, 4, &pba);
    g_assert_cmphex(pba, ==, 0);
}

static void test_rng_intx(Fx *f, gconstpointer data)
{
    (void)data;
    fx_negotiate(f, VIRTIO_F_VERSION_1);
    fx_queue_setup(f, QSIZE, VIRTIO_MSI_NO_VECTOR);
    fx_driver_ok(f);
    fx_offer_and_kick(f, 16);
    g_assert_cmpint(f->d.gsi_level, ==, 1);
    g_assert_cmpuint(bar_read(f, VIRTIO_PCI_ISR_OFF, 1), ==, 1);
    g_assert_cmpint(f->d.gsi_level, ==, 0);
    g_assert_cmpuint(bar_read(f, VIRTIO_PCI_ISR_OFF, 1), ==, 0);
    /* bus mastering off: no DMA, the kick is ignored */
    cfg_write(f, 0x04, 0x0002, 2);
    fx_offer_and_kick(f, 16);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
}

static void test_broken_queue_and_reset(Fx *f, gconstpointer data)
{
    (void)data;
    fx_negotiate(f, VIRTIO_F_VERSION_1);
    fx_queue_setup(f, QSIZE, VIRTIO_MSI_NO_VECTOR);
    fx_driver_ok(f);
    test_u16_set(&f->d.g, TQ_AVAIL + 2, QSIZE + 3);   /* avail idx jumps */
    bar_write(f, VIRTIO_PCI_NOTIFY_OFF, 0, 2);
    g_assert_true(bar_read(f, 0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
    g_assert_cmpuint(bar_read(f, VIRTIO_PCI_ISR_OFF, 1), ==, 2);   /* config change */
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 0);
    /* setting other status bits keeps NEEDS_RESET; only a reset clears it */
    fx_driver_ok(f);
    g_assert_true(bar_read(f, 0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
    test_guest_init(&f->d.g);
    fx_negotiate(f, VIRTIO_F_VERSION_1);
    g_assert_false(bar_read(f, 0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
    fx_queue_setup(f, QSIZE, VIRTIO_MSI_NO_VECTOR);
    fx_driver_ok(f);
    fx_offer_and_kick(f, 4);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
}

/* A machine reset (reboot in place) puts the function back to power-on:
 * status 0, queues off, MSI-X disabled with every vector masked, and the
 * next driver finds a device that works from scratch. */
static void test_machine_reset(Fx *f, gconstpointer data)
{
    (void)data;
    msix_enable(f, 0);
    fx_negotiate(f, VIRTIO_F_VERSION_1);
    fx_queue_setup(f, QSIZE, 1);
    fx_driver_ok(f);
    fx_offer_and_kick(f, 8);
    g_assert_cmpuint(f->d.nmsi, ==, 1);
    g_assert_cmpuint(bar_read(f, 0x14, 1), ==, 0x0f);
    pci_host_reset(f->d.host);
    /* the generic header is reset too: decoding back on, as firmware would */
    cfg_write(f, 0x04, 0x0006, 2);
    g_assert_cmpuint(bar_read(f, 0x14, 1), ==, 0);
    g_assert_cmpuint(bar_read(f, 0x1c, 2), ==, 0);
    g_assert_cmphex(bar_read(f, 0x10, 2), ==, VIRTIO_MSI_NO_VECTOR);
    g_assert_cmphex(bar_read(f, 0x1a, 2), ==, VIRTIO_MSI_NO_VECTOR);
    g_assert_cmpuint(bar_read(f, 0x18, 2), ==, 64);   /* VIRTIO_RNG_QUEUE_MAX */
    g_assert_cmphex(cfg_read(f, 0x92, 2) & 0xc000, ==, 0);
    for (unsigned v = 0; v < 2; v++) {
        uint64_t w = 0;
        io_bus_read(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 * v + 8, 4, &w);
        g_assert_cmphex(w, ==, 0);
        io_bus_read(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 * v + 12, 4, &w);
        g_assert_cmphex(w, ==, 1);
    }
    /* a kick before the new driver set anything up does nothing */
    bar_write(f, VIRTIO_PCI_NOTIFY_OFF, 0, 2);
    g_assert_cmpuint(f->d.nmsi, ==, 1);
    /* the next boot's driver: INTx this time, a fresh ring */
    test_guest_init(&f->d.g);
    g_assert_true(fx_negotiate(f, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
    fx_queue_setup(f, QSIZE, VIRTIO_MSI_NO_VECTOR);
    fx_driver_ok(f);
    fx_offer_and_kick(f, 4);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
    g_assert_cmpint(f->d.gsi_level, ==, 1);
    g_assert_cmpuint(f->d.nmsi, ==, 1);
}

/* The VIRTIO_PCI_CAP_PCI_CFG capability's offset in config space. */
static unsigned fx_pci_cfg_cap(Fx *f)
{
    unsigned at = cfg_read(f, 0x34, 1);
    for (int n = 0; at && n < 16; n++) {
        if (cfg_read(f, at, 1) == 0x09 && cfg_read(f, at + 3, 1) == 5)
            return at;
        at = cfg_read(f, at + 1, 1);
    }
    return 0;
}

/* Point the window at @len bytes at @off of @bar. */
static void window_set(Fx *f, unsigned cap, unsigned bar, uint32_t off, uint32_t len)
{
    cfg_write(f, cap + 4, bar, 1);
    cfg_write(f, cap + 8, off, 4);
    cfg_write(f, cap + 12, len, 4);
}

static uint32_t window_read(Fx *f, unsigned cap, unsigned bar, uint32_t off, uint32_t len)
{
    window_set(f, cap, bar, off, len);
    return cfg_read(f, cap + 16, 4) & (0xffffffffu >> (32 - 8 * len));
}

static void window_write(Fx *f, unsigned cap, unsigned bar, uint32_t off, uint32_t len,
                         uint32_t val)
{
    window_set(f, cap, bar, off, len);
    cfg_write(f, cap + 16, val, 4);
}

/* The spec's alternative access path (4.1.4.8): the whole driver setup,
 * a kick and the interrupt acknowledge done through config space only,
 * the MSI-X table reached through it too, and hostile window settings
 * ignored. */
static void test_pci_cfg_window(Fx *f, gconstpointer data)
{
    (void)data;
    unsigned cap = fx_pci_cfg_cap(f);
    g_assert_cmpuint(cap, !=, 0);
    g_assert_cmpuint(cfg_read(f, cap + 8, 4), ==, 0);
    g_assert_cmpuint(cfg_read(f, cap + 12, 4), ==, 0);
    const unsigned B = VIRTIO_PCI_CFG_BAR;

    /* reads agree with the BAR */
    window_write(f, cap, B, 0x00, 4, 1);                   /* device_feature_select */
    g_assert_cmphex(window_read(f, cap, B, 0x04, 4), ==, bar_read(f, 0x04, 4));
    g_assert_true(window_read(f, cap, B, 0x04, 4) & 1);    /* VERSION_1 */
    g_assert_cmpuint(window_read(f, cap, B, 0x12, 2), ==, 1);   /* num_queues */
    g_assert_cmpuint(window_read(f, cap, B, 0x13, 1), ==, 0);   /* its high byte */

    /* negotiation and queue setup through the window only */
    window_write(f, cap, B, 0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    window_write(f, cap, B, 0x08, 4, 1);
    window_write(f, cap, B, 0x0c, 4, 1);                   /* VERSION_1 */
    window_write(f, cap, B, 0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                     VIRTIO_STATUS_FEATURES_OK);
    g_assert_true(window_read(f, cap, B, 0x14, 1) & VIRTIO_STATUS_FEATURES_OK);
    window_write(f, cap, B, 0x16, 2, 0);
    window_write(f, cap, B, 0x18, 2, QSIZE);
    window_write(f, cap, B, 0x1a, 2, VIRTIO_MSI_NO_VECTOR);
    window_write(f, cap, B, 0x20, 4, TQ_DESC);
    window_write(f, cap, B, 0x28, 4, TQ_AVAIL);
    window_write(f, cap, B, 0x30, 4, TQ_USED);
    window_write(f, cap, B, 0x1c, 2, 1);
    g_assert_cmpuint(bar_read(f, 0x1c, 2), ==, 1);
    window_write(f, cap, B, 0x14, 1, 0x0f);
    g_assert_cmpuint(bar_read(f, 0x14, 1), ==, 0x0f);

    /* a kick through the window; the ISR read through it acknowledges */
    test_desc_set(&f->d.g, 0, TQ_DATA, 16, VIRTQ_DESC_F_WRITE, 0);
    test_u16_set(&f->d.g, TQ_AVAIL + 4, 0);
    test_u16_set(&f->d.g, TQ_AVAIL + 2, 1);
    window_write(f, cap, B, VIRTIO_PCI_NOTIFY_OFF, 2, 0);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
    g_assert_cmpint(f->d.gsi_level, ==, 1);
    g_assert_cmpuint(window_read(f, cap, B, VIRTIO_PCI_ISR_OFF, 1), ==, 1);
    g_assert_cmpint(f->d.gsi_level, ==, 0);
    g_assert_cmpuint(cfg_read(f, cap + 16, 1), ==, 0);     /* read again: cleared */

    /* the MSI-X table (BAR 1, dwords only) */
    window_write(f, cap, VIRTIO_PCI_MSIX_BAR, 16 + 8, 4, 0x4242);
    uint64_t w = 0;
    io_bus_read(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 + 8, 4, &w);
    g_assert_cmphex(w, ==, 0x4242);
    g_assert_cmphex(window_read(f, cap, VIRTIO_PCI_MSIX_BAR, 16 + 8, 4), ==, 0x4242);

    /* hostile settings do nothing: a stray status write of 0 would reset */
    static const uint32_t bad[][3] = {
        { B, 0x14, 3 }, { B, 0x14, 0 }, { B, 0x14, 8 }, { B, 0x13, 2 }, { B, 0x12, 4 },
        { 0, 0x14, 1 }, { 2, 0x14, 1 }, { 5, 0x14, 1 }, { 0xff, 0x14, 1 },
        { B, VIRTIO_PCI_BAR_SIZE, 1 }, { B, 0xfffffffc, 4 },
        { VIRTIO_PCI_MSIX_BAR, 24, 2 }, { VIRTIO_PCI_MSIX_BAR, 0x1000, 4 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        window_write(f, cap, bad[i][0], bad[i][1], bad[i][2], 0);
        cfg_write(f, cap + 16, 0x5a5a5a5a, 4);
        g_assert_cmphex(cfg_read(f, cap + 16, 4), ==, 0x5a5a5a5a);  /* no read either */
    }
    g_assert_cmpuint(bar_read(f, 0x14, 1), ==, 0x0f);
    g_assert_cmphex(bar_read(f, 0x0c, 4), ==, 1);
    io_bus_read(f->d.bus, IO_SPACE_MMIO, f->d.msix_bar + 16 + 8, 4, &w);
    g_assert_cmphex(w, ==, 0x4242);

    /* the rest of the capability stays read-only; a machine reset
     * forgets the window */
    cfg_write(f, cap, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(f, cap, 4), ==, 0x05140009);
    window_set(f, cap, B, 0x14, 1);
    pci_host_reset(f->d.host);
    g_assert_cmpuint(cfg_read(f, cap + 4, 1), ==, 0);
    g_assert_cmpuint(cfg_read(f, cap + 8, 4), ==, 0);
    g_assert_cmpuint(cfg_read(f, cap + 12, 4), ==, 0);
}

static void test_bad_queue_size(Fx *f, gconstpointer data)
{
    (void)data;
    fx_negotiate(f, VIRTIO_F_VERSION_1);
    fx_queue_setup(f, 3, VIRTIO_MSI_NO_VECTOR);
    g_assert_true(bar_read(f, 0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
    g_assert_cmpuint(bar_read(f, 0x1c, 2), ==, 0);
}

/* A hostile driver: random writes of random widths all over the config
 * space (from 0x40), both BARs and the notify area, with random bytes in
 * guest RAM and kicks in between.  Nothing may crash; a reset and a proper
 * setup must still work afterwards. */
static void test_register_fuzz(Fx *f, gconstpointer data)
{
    (void)data;
    GRand *r = g_rand_new_with_seed(0x5eed);
    static const unsigned widths[] = { 1, 2, 4 };
    for (unsigned i = 0; i < 20000; i++) {
        unsigned w = widths[g_rand_int_range(r, 0, 3)];
        uint32_t v = g_rand_int(r);
        if (g_rand_int_range(r, 0, 4) == 0)
            v &= 0xff;
        switch (g_rand_int_range(r, 0, 6)) {
        case 0: cfg_write(f, g_rand_int_range(r, 0x40, 0x100) & ~(w - 1), v, w); break;
        case 1: bar_write(f, g_rand_int_range(r, 0, 0x40) & ~(w - 1), v, w); break;
        case 2: bar_write(f, g_rand_int_range(r, 0, VIRTIO_PCI_BAR_SIZE) & ~(w - 1), v, w); break;
        case 3:
            io_bus_write(f->d.bus, IO_SPACE_MMIO,
                         f->d.msix_bar + (g_rand_int_range(r, 0, 0x1000) & ~3u), 4, v);
            break;
        case 4: f->d.g.ram[g_rand_int_range(r, 0, TEST_RAM_SIZE)] = (uint8_t)v; break;
        case 5: vdriver_kick(&f->d, 0); break;
        }
        (void)bar_read(f, g_rand_int_range(r, 0, VIRTIO_PCI_BAR_SIZE) & ~3u, 4);
        (void)cfg_read(f, g_rand_int_range(r, 0x40, 0x100) & ~3u, 4);
    }
    g_rand_free(r);
    cfg_write(f, 0x04, 0x0006, 2);
    cfg_write(f, 0x92, 0, 2);                     /* MSI-X off: INTx */
    test_guest_init(&f->d.g);
    g_assert_true(fx_negotiate(f, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
    fx_queue_setup(f, QSIZE, VIRTIO_MSI_NO_VECTOR);
    fx_driver_ok(f);
    g_assert_cmphex(bar_read(f, 0x14, 1), ==, 0x0f);
    fx_offer_and_kick(f, 16);
    g_assert_cmpuint(test_u16_get(&f->d.g, TQ_USED + 2), ==, 1);
    g_assert_cmpuint(cfg_read(f, 0x40, 1), ==, 0x09);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add("/virtio-pci/" path, Fx, NULL, fx_setup, fn, fx_teardown)
    ADD("ids-and-caps", test_ids_and_caps);
    ADD("negotiation", test_negotiation);
    ADD("rng-msix", test_rng_msix);
    ADD("msix-masked-pending", test_msix_masked_pending);
    ADD("rng-intx", test_rng_intx);
    ADD("broken-queue-and-reset", test_broken_queue_and_reset);
    ADD("machine-reset", test_machine_reset);
    ADD("bad-queue-size", test_bad_queue_size);
    ADD("pci-cfg-window", test_pci_cfg_window);
    ADD("register-fuzz", test_register_fuzz);
    return g_test_run();
}
