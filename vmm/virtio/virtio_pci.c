/* virtio_pci.c - virtio 1.0 modern PCI transport (see virtio_pci.h).
 *
 * Config space from 0x40: four virtio vendor capabilities (common, notify,
 * ISR, device), the MSI-X capability, and the PCI_CFG capability (4.1.4.8:
 * a window through config space into the BARs, for firmware that cannot
 * map them).  pci.c stores every guest config write above 0x40, so
 * config_write puts the pristine bytes back and keeps only the MSI-X
 * enable and function-mask bits and the window's bar/offset/length/data.
 * A write that touches the window's data does the BAR write; a read of
 * it does the BAR read first (PciDeviceOps.config_read), so it has the
 * same effects as the access through the BAR (reading the ISR clears it).  Common-cfg reads render
 * the structure into a buffer and take the requested bytes; writes are
 * accepted only at field boundaries with the field's width (64-bit fields
 * as two 32-bit halves), everything else is ignored. */
#include "vmm/virtio/virtio_pci.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4
#define CAP_PCI_CFG 5

#define CFG_CAP_BASE 0x40u
#define CFG_MSIX 0x90u
#define CFG_PCICFG 0xa0u                /* 20 bytes: cap, then pci_cfg_data */
#define PCICFG_BAR (CFG_PCICFG + 4)
#define PCICFG_OFFSET (CFG_PCICFG + 8)
#define PCICFG_LENGTH (CFG_PCICFG + 12)
#define PCICFG_DATA (CFG_PCICFG + 16)
#define MSIX_CTRL_ENABLE 0x8000u
#define MSIX_CTRL_MASKALL 0x4000u
#define MSIX_ENTRY_MASKED 1u

#define ISR_QUEUE 1u
#define ISR_CONFIG 2u

/* Common configuration layout (4.1.4.3). */
enum {
    CC_DFSELECT = 0x00, CC_DF = 0x04, CC_GFSELECT = 0x08, CC_GF = 0x0c,
    CC_MSIX = 0x10, CC_NUMQ = 0x12, CC_STATUS = 0x14, CC_GEN = 0x15,
    CC_QSELECT = 0x16, CC_QSIZE = 0x18, CC_QMSIX = 0x1a, CC_QENABLE = 0x1c,
    CC_QNOTIFYOFF = 0x1e, CC_QDESC = 0x20, CC_QAVAIL = 0x28, CC_QUSED = 0x30,
    CC_SIZE = 0x38
};

typedef struct {
    uint32_t addr_lo, addr_hi, data, ctrl;
} MsixEntry;

struct VirtioPci {
    PciDevice *pci;
    const VirtioDeviceOps *ops;
    void *opaque;
    const uint8_t *config;
    uint32_t config_size;
    uint8_t pristine[PCI_CONFIG_SIZE];
    uint8_t power_on[PCI_CONFIG_SIZE]; /* capabilities as created */

    uint64_t host_features;
    uint64_t guest_features;
    uint32_t dfselect, gfselect;
    uint8_t status;
    uint8_t isr;
    uint16_t qselect;
    uint16_t msix_config;
    unsigned nvec;
    MsixEntry msix[VIRTIO_PCI_MAX_QUEUES + 1];
    uint64_t pba;
    const VirtioGuestMem *mem;
    Virtqueue vq[VIRTIO_PCI_MAX_QUEUES];
    uint16_t q_vector[VIRTIO_PCI_MAX_QUEUES];
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* ---- interrupts ------------------------------------------------------ */

static uint16_t virtio_pci_msix_ctrl(const VirtioPci *vp)
{
    const uint8_t *c = pci_device_config(vp->pci);
    return (uint16_t)(c[CFG_MSIX + 2] | c[CFG_MSIX + 3] << 8);
}

static bool virtio_pci_msix_on(const VirtioPci *vp)
{
    return virtio_pci_msix_ctrl(vp) & MSIX_CTRL_ENABLE;
}

static void virtio_pci_msix_fire(VirtioPci *vp, unsigned v)
{
    const MsixEntry *e = &vp->msix[v];
    if ((virtio_pci_msix_ctrl(vp) & MSIX_CTRL_MASKALL) || (e->ctrl & MSIX_ENTRY_MASKED)) {
        vp->pba |= 1ull << v;
        return;
    }
    vp->pba &= ~(1ull << v);
    pci_device_msi(vp->pci, (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
}

/* Deliver vectors left pending while masked, now that they may not be. */
static void virtio_pci_msix_unmasked(VirtioPci *vp)
{
    if (!virtio_pci_msix_on(vp))
        return;
    for (unsigned v = 0; v < vp->nvec; v++)
        if (vp->pba & (1ull << v))
            virtio_pci_msix_fire(vp, v);
}

static void virtio_pci_interrupt(VirtioPci *vp, uint16_t vector, uint8_t isr_bit)
{
    if (virtio_pci_msix_on(vp)) {
        if (vector < vp->nvec)
            virtio_pci_msix_fire(vp, vector);
        return;
    }
    vp->isr |= isr_bit;
    pci_device_set_irq(vp->pci, 1);
}

void virtio_pci_set_broken(VirtioPci *vp)
{
    if (vp->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    g_message("%s: guest broke a virtqueue; device needs reset", vp->ops->name);
    vp->status |= VIRTIO_STATUS_NEEDS_RESET;
    for (unsigned q = 0; q < vp->ops->num_queues; q++)
        vp->vq[q].ready = false;
    if (vp->status & VIRTIO_STATUS_DRIVER_OK)
        virtio_pci_interrupt(vp, vp->msix_config, ISR_CONFIG);
}

/* ---- queue helpers for devices -------------------------------------- */

int virtio_pci_pop(VirtioPci *vp, unsigned q, VirtqElem *elem)
{
    if (q >= vp->ops->num_queues || (vp->status & VIRTIO_STATUS_NEEDS_RESET))
        return -EIO;
    int r = virtq_pop(&vp->vq[q], elem);
    if (r < 0)
        virtio_pci_set_broken(vp);
    return r;
}

int virtio_pci_push(VirtioPci *vp, unsigned q, const VirtqElem *elem, uint32_t written)
{
    if (q >= vp->ops->num_queues)
        return -EIO;
    int r = virtq_push(&vp->vq[q], elem, written);
    if (r < 0)
        virtio_pci_set_broken(vp);
    return r;
}

bool virtio_pci_queue_active(const VirtioPci *vp, unsigned q)
{
    return q < vp->ops->num_queues && vp->vq[q].ready &&
           (vp->status & VIRTIO_STATUS_DRIVER_OK) &&
           !(vp->status & VIRTIO_STATUS_NEEDS_RESET) && pci_device_bus_master(vp->pci);
}

void virtio_pci_queue_done(VirtioPci *vp, unsigned q)
{
    if (q < vp->ops->num_queues && virtq_should_notify(&vp->vq[q]))
        virtio_pci_interrupt(vp, vp->q_vector[q], ISR_QUEUE);
}

bool virtio_pci_queue_pending(VirtioPci *vp, unsigned q)
{
    return q < vp->ops->num_queues && virtq_pending(&vp->vq[q]);
}

uint64_t virtio_pci_features(const VirtioPci *vp)
{
    return vp->guest_features;
}

uint8_t virtio_pci_status(const VirtioPci *vp)
{
    return vp->status;
}

PciDevice *virtio_pci_device(VirtioPci *vp)
{
    return vp->pci;
}

/* ---- status and reset ------------------------------------------------ */

static void virtio_pci_reset(VirtioPci *vp)
{
    vp->guest_features = 0;
    vp->dfselect = vp->gfselect = 0;
    vp->status = 0;
    vp->isr = 0;
    vp->qselect = 0;
    vp->msix_config = VIRTIO_MSI_NO_VECTOR;
    for (unsigned q = 0; q < VIRTIO_PCI_MAX_QUEUES; q++) {
        virtq_reset(&vp->vq[q], vp->mem, vp->ops->queue_max);
        vp->q_vector[q] = VIRTIO_MSI_NO_VECTOR;
    }
    pci_device_set_irq(vp->pci, 0);
    if (vp->ops->reset)
        vp->ops->reset(vp->opaque);
}

static void virtio_pci_status_write(VirtioPci *vp, uint8_t val)
{
    if (val == 0) {
        virtio_pci_reset(vp);
        return;
    }
    uint8_t old = vp->status;
    uint8_t next = (old & VIRTIO_STATUS_NEEDS_RESET) | (val & ~VIRTIO_STATUS_NEEDS_RESET);
    if ((next & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t f = vp->guest_features;
        if ((f & ~vp->host_features) || !(f & VIRTIO_F_VERSION_1))
            next &= ~VIRTIO_STATUS_FEATURES_OK;   /* the driver reads it back */
    }
    vp->status = next;
}

static void virtio_pci_queue_enable(VirtioPci *vp, Virtqueue *vq)
{
    if (vq->ready || !(vp->status & VIRTIO_STATUS_FEATURES_OK))
        return;
    vq->event_idx = vp->guest_features & VIRTIO_F_EVENT_IDX;
    vq->indirect = vp->guest_features & VIRTIO_F_INDIRECT_DESC;
    if (virtq_enable(vq) < 0)
        virtio_pci_set_broken(vp);
}

/* ---- common configuration ------------------------------------------- */

static Virtqueue *virtio_pci_selected(VirtioPci *vp)
{
    return vp->qselect < vp->ops->num_queues ? &vp->vq[vp->qselect] : NULL;
}

static void virtio_pci_common_render(VirtioPci *vp, uint8_t *b)
{
    memset(b, 0, CC_SIZE);
    put32(b + CC_DFSELECT, vp->dfselect);
    put32(b + CC_DF, vp->dfselect < 2 ? (uint32_t)(vp->host_features >> (32 * vp->dfselect)) : 0);
    put32(b + CC_GFSELECT, vp->gfselect);
    put32(b + CC_GF, vp->gfselect < 2 ? (uint32_t)(vp->guest_features >> (32 * vp->gfselect)) : 0);
    put16(b + CC_MSIX, vp->msix_config);
    put16(b + CC_NUMQ, (uint16_t)vp->ops->num_queues);
    b[CC_STATUS] = vp->status;
    b[CC_GEN] = 0;
    put16(b + CC_QSELECT, vp->qselect);
    Virtqueue *vq = virtio_pci_selected(vp);
    if (!vq)
        return;                   /* queue_size 0: no such queue */
    put16(b + CC_QSIZE, vq->size);
    put16(b + CC_QMSIX, vp->q_vector[vp->qselect]);
    put16(b + CC_QENABLE, vq->ready);
    put16(b + CC_QNOTIFYOFF, vp->qselect);
    put64(b + CC_QDESC, vq->desc_gpa);
    put64(b + CC_QAVAIL, vq->avail_gpa);
    put64(b + CC_QUSED, vq->used_gpa);
}

static uint16_t virtio_pci_vector(const VirtioPci *vp, uint32_t val)
{
    return val < vp->nvec ? (uint16_t)val : VIRTIO_MSI_NO_VECTOR;
}

/* Set the low or high half of a 64-bit ring address. */
static void virtio_pci_set_half(uint64_t *field, unsigned off, unsigned base, uint32_t val)
{
    if (off == base)
        *field = (*field & 0xffffffff00000000ull) | val;
    else
        *field = (*field & 0xffffffffull) | (uint64_t)val << 32;
}

static void virtio_pci_common_write(VirtioPci *vp, unsigned off, uint32_t val, unsigned size)
{
    Virtqueue *vq = virtio_pci_selected(vp);
    /* Queue setup is frozen once the queue is enabled (4.1.4.3.2). */
    bool qwritable = vq && !vq->ready && !(vp->status & VIRTIO_STATUS_NEEDS_RESET);
    switch (off | size << 8) {
    case CC_DFSELECT | 4 << 8: vp->dfselect = val; break;
    case CC_GFSELECT | 4 << 8: vp->gfselect = val; break;
    case CC_GF | 4 << 8:
        if (vp->gfselect < 2 && !(vp->status & VIRTIO_STATUS_FEATURES_OK)) {
            unsigned sh = 32 * vp->gfselect;
            vp->guest_features = (vp->guest_features & ~(0xffffffffull << sh)) |
                                 (uint64_t)val << sh;
        }
        break;
    case CC_MSIX | 2 << 8: vp->msix_config = virtio_pci_vector(vp, val); break;
    case CC_STATUS | 1 << 8: virtio_pci_status_write(vp, (uint8_t)val); break;
    case CC_QSELECT | 2 << 8: vp->qselect = (uint16_t)val; break;
    case CC_QSIZE | 2 << 8:
        if (qwritable)
            vq->size = (uint16_t)val;   /* checked by virtq_enable */
        break;
    case CC_QMSIX | 2 << 8:
        if (vq)
            vp->q_vector[vp->qselect] = virtio_pci_vector(vp, val);
        break;
    case CC_QENABLE | 2 << 8:
        if (vq && val == 1)
            virtio_pci_queue_enable(vp, vq);
        break;
    case CC_QDESC | 4 << 8: case (CC_QDESC + 4) | 4 << 8:
        if (qwritable)
            virtio_pci_set_half(&vq->desc_gpa, off, CC_QDESC, val);
        break;
    case CC_QAVAIL | 4 << 8: case (CC_QAVAIL + 4) | 4 << 8:
        if (qwritable)
            virtio_pci_set_half(&vq->avail_gpa, off, CC_QAVAIL, val);
        break;
    case CC_QUSED | 4 << 8: case (CC_QUSED + 4) | 4 << 8:
        if (qwritable)
            virtio_pci_set_half(&vq->used_gpa, off, CC_QUSED, val);
        break;
    default:
        break;                    /* read-only or malformed: ignored */
    }
}

/* ---- BAR 4: common, ISR, device, notify ------------------------------ */

static uint64_t virtio_pci_bar_read(void *opaque, uint64_t off, unsigned size)
{
    VirtioPci *vp = opaque;
    uint8_t buf[8] = { 0 };
    if (off + size <= CC_SIZE) {
        uint8_t cc[CC_SIZE];
        virtio_pci_common_render(vp, cc);
        memcpy(buf, cc + off, size);
    } else if (off == VIRTIO_PCI_ISR_OFF) {
        buf[0] = vp->isr;             /* reading acknowledges */
        vp->isr = 0;
        pci_device_set_irq(vp->pci, 0);
    } else if (off >= VIRTIO_PCI_DEVICE_OFF && off - VIRTIO_PCI_DEVICE_OFF + size <= vp->config_size) {
        memcpy(buf, vp->config + (off - VIRTIO_PCI_DEVICE_OFF), size);
    }
    uint64_t v = 0;
    memcpy(&v, buf, sizeof(v));
    return v;
}

static int virtio_pci_bar_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    VirtioPci *vp = opaque;
    if (off < CC_SIZE) {
        virtio_pci_common_write(vp, (unsigned)off, (uint32_t)val, size);
    } else if (off >= VIRTIO_PCI_NOTIFY_OFF) {
        uint64_t q = (off - VIRTIO_PCI_NOTIFY_OFF) / VIRTIO_PCI_NOTIFY_MULT;
        if (q < vp->ops->num_queues && virtio_pci_queue_active(vp, (unsigned)q))
            vp->ops->queue_notify(vp->opaque, vp, (unsigned)q);
    } else if (off >= VIRTIO_PCI_DEVICE_OFF && off - VIRTIO_PCI_DEVICE_OFF + size <= vp->config_size) {
        if (vp->ops->config_write)
            vp->ops->config_write(vp->opaque, (uint32_t)(off - VIRTIO_PCI_DEVICE_OFF),
                                  (uint32_t)val, size);
    }
    return 0;
}

static const IoOps virtio_pci_bar_ops = {
    .read = virtio_pci_bar_read,
    .write = virtio_pci_bar_write,
    .sizes = IO_SIZES_UP_TO_32,
};

/* ---- BAR 1: MSI-X table and PBA --------------------------------------- */

static uint64_t virtio_pci_msix_read(void *opaque, uint64_t off, unsigned size)
{
    VirtioPci *vp = opaque;
    (void)size;
    if (off < VIRTIO_PCI_PBA_OFF) {
        uint64_t v = off / 16;
        if (v >= vp->nvec)
            return 0;
        const uint32_t *w = &vp->msix[v].addr_lo;
        return w[(off % 16) / 4];
    }
    if (off == VIRTIO_PCI_PBA_OFF)
        return (uint32_t)vp->pba;
    if (off == VIRTIO_PCI_PBA_OFF + 4)
        return (uint32_t)(vp->pba >> 32);
    return 0;
}

static int virtio_pci_msix_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    VirtioPci *vp = opaque;
    (void)size;
    if (off >= VIRTIO_PCI_PBA_OFF || off / 16 >= vp->nvec)
        return 0;                     /* PBA is read-only */
    MsixEntry *e = &vp->msix[off / 16];
    switch (off % 16) {
    case 0: e->addr_lo = (uint32_t)val; break;
    case 4: e->addr_hi = (uint32_t)val; break;
    case 8: e->data = (uint32_t)val; break;
    case 12:
        e->ctrl = (uint32_t)val & MSIX_ENTRY_MASKED;
        virtio_pci_msix_unmasked(vp);
        break;
    }
    return 0;
}

static const IoOps virtio_pci_msix_ops = {
    .read = virtio_pci_msix_read,
    .write = virtio_pci_msix_write,
    .sizes = 0x4,                     /* table entries are dwords */
};

/* ---- PCI config space -------------------------------------------------- */

/* The BARs the PCI_CFG window reaches. */
static const struct {
    uint8_t bar;
    uint32_t size;
    const IoOps *ops;
} virtio_pci_bars[] = {
    { VIRTIO_PCI_MSIX_BAR, 0x1000, &virtio_pci_msix_ops },
    { VIRTIO_PCI_CFG_BAR, VIRTIO_PCI_BAR_SIZE, &virtio_pci_bar_ops },
};

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* One access through the PCI_CFG window: cap.length bytes at cap.offset
 * of BAR cap.bar, from (@write) or into pci_cfg_data.  What the spec does
 * not allow - another BAR, a length other than 1, 2 or 4 or one the BAR
 * does not take, an offset not a multiple of it, past the BAR's end - is
 * ignored (reads leave the data as it was). */
static void virtio_pci_window(VirtioPci *vp, bool write)
{
    uint8_t *c = pci_device_config(vp->pci);
    uint32_t off = get32(c + PCICFG_OFFSET), len = get32(c + PCICFG_LENGTH);
    if (len != 1 && len != 2 && len != 4)
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(virtio_pci_bars); i++) {
        if (virtio_pci_bars[i].bar != c[PCICFG_BAR])
            continue;
        const IoOps *ops = virtio_pci_bars[i].ops;
        if (off % len || off >= virtio_pci_bars[i].size || !(ops->sizes & len))
            return;
        if (write) {
            ops->write(vp, off, get32(c + PCICFG_DATA) & (0xffffffffu >> (32 - 8 * len)), len);
        } else {
            uint32_t v = (uint32_t)ops->read(vp, off, len);
            memcpy(c + PCICFG_DATA, &v, len);
            memcpy(vp->pristine + PCICFG_DATA, &v, len);
        }
        return;
    }
}

/* Config bytes the guest may change: MSI-X control (handled below) and
 * the window's bar, offset, length and data. */
static bool virtio_pci_cfg_writable(unsigned o)
{
    return o == PCICFG_BAR || (o >= PCICFG_OFFSET && o < PCICFG_DATA + 4);
}

static bool virtio_pci_overlaps(unsigned off, unsigned size, unsigned start, unsigned len)
{
    return off < start + len && start < off + size;
}

static void virtio_pci_config_read(void *opaque, unsigned off, unsigned size)
{
    VirtioPci *vp = opaque;
    if (virtio_pci_overlaps(off, size, PCICFG_DATA, 4))
        virtio_pci_window(vp, false);
}

static void virtio_pci_config_write(void *opaque, unsigned off, uint32_t val, unsigned size)
{
    VirtioPci *vp = opaque;
    uint8_t *c = pci_device_config(vp->pci);
    (void)val;
    uint16_t old = (uint16_t)(vp->pristine[CFG_MSIX + 2] | vp->pristine[CFG_MSIX + 3] << 8);
    uint16_t now = (uint16_t)(c[CFG_MSIX + 2] | c[CFG_MSIX + 3] << 8);
    for (unsigned i = 0; i < size && off + i < PCI_CONFIG_SIZE; i++) {
        if (virtio_pci_cfg_writable(off + i))
            vp->pristine[off + i] = c[off + i];
        else
            c[off + i] = vp->pristine[off + i];
    }
    uint16_t ctrl = (old & ~(MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL)) |
                    (now & (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL));
    put16(vp->pristine + CFG_MSIX + 2, ctrl);
    put16(c + CFG_MSIX + 2, ctrl);
    if (ctrl & MSIX_CTRL_ENABLE)
        pci_device_set_irq(vp->pci, 0);
    virtio_pci_msix_unmasked(vp);
    if (virtio_pci_overlaps(off, size, PCICFG_DATA, 4))
        virtio_pci_window(vp, true);
}

/* Machine reset: MSI-X off with every vector masked and nothing pending,
 * capabilities as created, then the same reset as a guest status write 0
 * (queues, features, the device model's own state). */
static void virtio_pci_machine_reset(void *opaque)
{
    VirtioPci *vp = opaque;
    uint8_t *c = pci_device_config(vp->pci);
    memcpy(vp->pristine + CFG_CAP_BASE, vp->power_on + CFG_CAP_BASE,
           PCI_CONFIG_SIZE - CFG_CAP_BASE);
    memcpy(c + CFG_CAP_BASE, vp->power_on + CFG_CAP_BASE, PCI_CONFIG_SIZE - CFG_CAP_BASE);
    for (unsigned v = 0; v < vp->nvec; v++)
        vp->msix[v] = (MsixEntry){ .ctrl = MSIX_ENTRY_MASKED };
    vp->pba = 0;
    virtio_pci_reset(vp);
}

static const PciDeviceOps virtio_pci_device_ops = {
    .config_write = virtio_pci_config_write,
    .reset = virtio_pci_machine_reset,
    .config_read = virtio_pci_config_read,
};

/* A virtio_pci_cap (4.1.4) at @at pointing at BAR 4 [@offset, +@length). */
static void virtio_pci_cap_put(uint8_t *c, unsigned at, unsigned next, uint8_t type,
                               uint32_t offset, uint32_t length, unsigned caplen)
{
    c[at] = 0x09;                     /* vendor specific */
    c[at + 1] = (uint8_t)next;
    c[at + 2] = (uint8_t)caplen;
    c[at + 3] = type;
    c[at + 4] = VIRTIO_PCI_CFG_BAR;
    put32(c + at + 8, offset);
    put32(c + at + 12, length);
}

static void virtio_pci_caps_build(VirtioPci *vp, uint8_t *c)
{
    c[0x34] = CFG_CAP_BASE;
    virtio_pci_cap_put(c, 0x40, 0x50, CAP_COMMON, VIRTIO_PCI_COMMON_OFF, CC_SIZE, 16);
    virtio_pci_cap_put(c, 0x50, 0x60, CAP_ISR, VIRTIO_PCI_ISR_OFF, 4, 16);
    /* the notify capability is 20 bytes: 0x60-0x73 */
    virtio_pci_cap_put(c, 0x60, vp->config_size ? 0x78 : CFG_MSIX, CAP_NOTIFY,
                       VIRTIO_PCI_NOTIFY_OFF, VIRTIO_PCI_NOTIFY_MULT * vp->ops->num_queues, 20);
    put32(c + 0x60 + 16, VIRTIO_PCI_NOTIFY_MULT);
    if (vp->config_size)
        virtio_pci_cap_put(c, 0x78, CFG_MSIX, CAP_DEVICE, VIRTIO_PCI_DEVICE_OFF,
                           vp->config_size, 16);
    c[CFG_MSIX] = 0x11;               /* MSI-X */
    c[CFG_MSIX + 1] = CFG_PCICFG;
    put16(c + CFG_MSIX + 2, (uint16_t)(vp->nvec - 1));
    put32(c + CFG_MSIX + 4, 0 | VIRTIO_PCI_MSIX_BAR);
    put32(c + CFG_MSIX + 8, VIRTIO_PCI_PBA_OFF | VIRTIO_PCI_MSIX_BAR);
    /* the window: BAR 0, offset 0, length 0 until the driver sets them */
    virtio_pci_cap_put(c, CFG_PCICFG, 0, CAP_PCI_CFG, 0, 0, 20);
    c[PCICFG_BAR] = 0;
}

VirtioPci *virtio_pci_create(PciHost *host, const VirtioGuestMem *mem,
                             const VirtioDeviceOps *ops, void *opaque,
                             uint64_t features, const void *config, uint32_t config_size)
{
    if (ops->num_queues == 0 || ops->num_queues > VIRTIO_PCI_MAX_QUEUES ||
        config_size > 0x1000)
        return NULL;
    VirtioPci *vp = g_new0(VirtioPci, 1);
    vp->ops = ops;
    vp->opaque = opaque;
    vp->mem = mem;
    vp->config = config;
    vp->config_size = config_size;
    vp->host_features = features | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX;
    vp->nvec = ops->num_queues + 1;
    for (unsigned v = 0; v < vp->nvec; v++)
        vp->msix[v].ctrl = MSIX_ENTRY_MASKED;
    vp->pci = pci_device_add(host, -1, VIRTIO_PCI_VENDOR, (uint16_t)(0x1040 + ops->device_id),
                             ops->pci_class, 1, VIRTIO_PCI_VENDOR, 0x40, 1,
                             &virtio_pci_device_ops, vp);
    if (!vp->pci) {
        g_free(vp);
        return NULL;
    }
    uint8_t *c = pci_device_config(vp->pci);
    virtio_pci_caps_build(vp, c);
    memcpy(vp->pristine, c, PCI_CONFIG_SIZE);
    memcpy(vp->power_on, c, PCI_CONFIG_SIZE);
    if (pci_device_add_bar(vp->pci, VIRTIO_PCI_MSIX_BAR, 0x1000, PCI_BAR_MEM32,
                           &virtio_pci_msix_ops, vp) < 0 ||
        pci_device_add_bar(vp->pci, VIRTIO_PCI_CFG_BAR, VIRTIO_PCI_BAR_SIZE, PCI_BAR_MEM32,
                           &virtio_pci_bar_ops, vp) < 0) {
        /* The PCI function keeps pointing at @vp, so it is not freed;
         * the caller treats this as fatal at start-up anyway. */
        return NULL;
    }
    virtio_pci_reset(vp);
    return vp;
}

void virtio_pci_destroy(VirtioPci *vp)
{
    g_free(vp);
}
