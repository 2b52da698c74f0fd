/* vdriver.c - see vdriver.h. */
#include "tests/virtio/vdriver.h"
#include "tests/lib/vtest.h"

#include <glib.h>
#include <time.h>

#define VDRIVER_WAIT_MS 20000

static void vdriver_set_gsi(void *opaque, int gsi, int level)
{
    VDriver *f = opaque;
    (void)gsi;
    f->gsi_level = level;
    pthread_cond_broadcast(&f->irq);
}

static void vdriver_msi(void *opaque, uint64_t addr, uint32_t data)
{
    VDriver *f = opaque;
    g_assert_cmphex(addr, ==, 0xfee00000);
    f->nmsi++;
    f->last_msi_data = data;
    pthread_cond_broadcast(&f->irq);
}

void vdriver_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

gboolean vdriver_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, gint64 deadline_us)
{
    struct timespec ts = { deadline_us / G_USEC_PER_SEC, (deadline_us % G_USEC_PER_SEC) * 1000 };
    return pthread_cond_timedwait(c, m, &ts) == 0;
}

uint32_t vdriver_cfg_read(VDriver *f, unsigned reg, unsigned size)
{
    uint64_t v = 0;
    pthread_mutex_lock(&f->lock);
    io_bus_write(f->bus, IO_SPACE_PIO, 0xcf8, 4, 0x80000000u | f->slot << 11 | (reg & 0xfc));
    io_bus_read(f->bus, IO_SPACE_PIO, 0xcfc + (reg & 3), size, &v);
    pthread_mutex_unlock(&f->lock);
    return (uint32_t)v;
}

void vdriver_cfg_write(VDriver *f, unsigned reg, uint32_t val, unsigned size)
{
    pthread_mutex_lock(&f->lock);
    io_bus_write(f->bus, IO_SPACE_PIO, 0xcf8, 4, 0x80000000u | f->slot << 11 | (reg & 0xfc));
    io_bus_write(f->bus, IO_SPACE_PIO, 0xcfc + (reg & 3), size, val);
    pthread_mutex_unlock(&f->lock);
}

uint32_t vdriver_bar_read(VDriver *f, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    pthread_mutex_lock(&f->lock);
    io_bus_read(f->bus, IO_SPACE_MMIO, f->bar + off, size, &v);
    pthread_mutex_unlock(&f->lock);
    return (uint32_t)v;
}

void vdriver_bar_write(VDriver *f, uint64_t off, uint32_t val, unsigned size)
{
    pthread_mutex_lock(&f->lock);
    io_bus_write(f->bus, IO_SPACE_MMIO, f->bar + off, size, val);
    pthread_mutex_unlock(&f->lock);
}

static void vdriver_lock(void *opaque)
{
    VDriver *f = opaque;
    pthread_mutex_lock(&f->lock);
}

static void vdriver_unlock(void *opaque)
{
    VDriver *f = opaque;
    pthread_mutex_unlock(&f->lock);
}

IoThreadLock vdriver_device_lock(VDriver *f)
{
    return (IoThreadLock){ vdriver_lock, vdriver_unlock, f };
}

gboolean vdriver_wait_until(VDriver *f, gboolean (*done)(VDriver *f, void *arg), void *arg)
{
    gint64 deadline = g_get_monotonic_time() +
                      vt_timeout_ms(VDRIVER_WAIT_MS) * G_TIME_SPAN_MILLISECOND;
    pthread_mutex_lock(&f->lock);
    gboolean ok;
    /* Woken by interrupts; the short period also catches a completion
     * that raised none (the guest may have suppressed it). */
    while (!(ok = done(f, arg)) && g_get_monotonic_time() < deadline)
        vdriver_cond_wait_until(&f->irq, &f->lock,
                                MIN(deadline, g_get_monotonic_time() + 10 * G_TIME_SPAN_MILLISECOND));
    pthread_mutex_unlock(&f->lock);
    return ok;
}

static gboolean vdriver_used_is(VDriver *f, void *arg)
{
    return test_u16_get(&f->g, TQ_USED + 2) == *(uint16_t *)arg;
}

gboolean vdriver_wait_used(VDriver *f, uint16_t idx)
{
    return vdriver_wait_until(f, vdriver_used_is, &idx);
}

static gboolean vdriver_needs_reset(VDriver *f, void *arg)
{
    uint64_t v = 0;
    (void)arg;
    io_bus_read(f->bus, IO_SPACE_MMIO, f->bar + 0x14, 1, &v);
    return (v & VIRTIO_STATUS_NEEDS_RESET) != 0;
}

gboolean vdriver_wait_needs_reset(VDriver *f)
{
    return vdriver_wait_until(f, vdriver_needs_reset, NULL);
}

void vdriver_init(VDriver *f)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->lock, NULL);
    vdriver_cond_init(&f->irq);
    test_guest_init(&f->g);
    f->bus = io_bus_new();
    PciHostIrq irq = { vdriver_set_gsi, vdriver_msi, f };
    f->host = pci_host_create(f->bus, &irq);
    g_assert_cmpint(pci_host_attach(f->host), ==, 0);
}

void vdriver_attach(VDriver *f, VirtioPci *vp)
{
    g_assert_nonnull(vp);
    f->dev = virtio_pci_device(vp);
    f->slot = pci_device_slot(f->dev);
    f->bar = pci_device_bar_addr(f->dev, VIRTIO_PCI_CFG_BAR);
    f->msix_bar = pci_device_bar_addr(f->dev, VIRTIO_PCI_MSIX_BAR);
    vdriver_cfg_write(f, 0x04, 0x0006, 2);   /* memory decode + bus master */
}

void vdriver_fini(VDriver *f)
{
    pci_host_destroy(f->host);
    io_bus_free(f->bus);
    pthread_cond_destroy(&f->irq);
    pthread_mutex_destroy(&f->lock);
}

uint8_t vdriver_negotiate(VDriver *f, uint64_t features)
{
    vdriver_bar_write(f, 0x14, 0, 1);
    vdriver_bar_write(f, 0x14, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, 1);
    vdriver_bar_write(f, 0x08, 0, 4);
    vdriver_bar_write(f, 0x0c, (uint32_t)features, 4);
    vdriver_bar_write(f, 0x08, 1, 4);
    vdriver_bar_write(f, 0x0c, (uint32_t)(features >> 32), 4);
    vdriver_bar_write(f, 0x14, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                               VIRTIO_STATUS_FEATURES_OK, 1);
    return (uint8_t)vdriver_bar_read(f, 0x14, 1);
}

void vdriver_queue_setup_at(VDriver *f, unsigned q, uint16_t size, uint16_t vector,
                            uint64_t desc, uint64_t avail, uint64_t used)
{
    vdriver_bar_write(f, 0x16, q, 2);
    vdriver_bar_write(f, 0x18, size, 2);
    vdriver_bar_write(f, 0x1a, vector, 2);
    vdriver_bar_write(f, 0x20, (uint32_t)desc, 4);
    vdriver_bar_write(f, 0x24, (uint32_t)(desc >> 32), 4);
    vdriver_bar_write(f, 0x28, (uint32_t)avail, 4);
    vdriver_bar_write(f, 0x2c, (uint32_t)(avail >> 32), 4);
    vdriver_bar_write(f, 0x30, (uint32_t)used, 4);
    vdriver_bar_write(f, 0x34, (uint32_t)(used >> 32), 4);
    vdriver_bar_write(f, 0x1c, 1, 2);
}

void vdriver_queue_setup(VDriver *f, unsigned q, uint16_t size, uint16_t vector)
{
    vdriver_queue_setup_at(f, q, size, vector, TQ_DESC, TQ_AVAIL, TQ_USED);
}

void vdriver_driver_ok(VDriver *f)
{
    vdriver_bar_write(f, 0x14, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                               VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK, 1);
}

void vdriver_kick(VDriver *f, unsigned q)
{
    vdriver_bar_write(f, VIRTIO_PCI_NOTIFY_OFF + q * VIRTIO_PCI_NOTIFY_MULT, q, 2);
}

void vdriver_offer(VDriver *f, uint16_t qsize, uint16_t head)
{
    pthread_mutex_lock(&f->lock);             /* a device thread may be reading it */
    uint16_t idx = test_u16_get(&f->g, TQ_AVAIL + 2);
    test_u16_set(&f->g, TQ_AVAIL + 4 + 2 * (idx % qsize), head);
    test_u16_set(&f->g, TQ_AVAIL + 2, idx + 1);
    pthread_mutex_unlock(&f->lock);
}
