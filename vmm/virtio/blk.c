/* blk.c - virtio-blk.  A request is a 16-byte header (type, reserved,
 * sector) in the readable part, data, and one status byte: the last
 * writable byte.  Guest mistakes in a request (range past the end, write
 * to a read-only disk, unknown type) get an error status; a request
 * without a header or a status byte cannot be answered and breaks the
 * device.  Host I/O errors become VIRTIO_BLK_S_IOERR.  DISCARD and
 * WRITE_ZEROES (when the back-end can zero ranges) carry up to
 * VIRTIO_BLK_DISCARD_SEGS 16-byte segments {sector, num_sectors, flags};
 * each is range-checked, reserved flag bits (and UNMAP on a discard) get
 * UNSUPP.
 *
 * Threads and locking.  Requests are served by the disk's own I/O
 * workers (VIRTIO_BLK_WORKERS of them, so that many requests can be in
 * flight at once) through the request loop of queue_worker.h, which
 * says who owns what and how reset, pause and stop reach the workers;
 * the guest's notify on a vCPU thread only kicks them.  A worker does
 * the host I/O without the device lock, straight into the guest's
 * buffers (host pointers the walker checked), with its own iovec
 * (iovs[worker]); the BlockBackend is thread-safe (libvesselstorage
 * locks inside); bb->size/readonly/serial and the config are immutable.
 * A flush covers the writes completed before it (what the guest waited
 * for).  After a request the back-end's own work (write-behind) runs
 * in the worker, once the guest has its answer.  Overlay and commit
 * switch the back-end with the workers held (no request in flight).
 * Interrupts: one per completed request, unless the guest's used_event
 * / NO_INTERRUPT says it does not want it. */
#include "vmm/virtio/blk.h"
#include "vmm/virtio/queue_worker.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define VIRTIO_BLK_ID 2
/* 1024 descriptors (as QEMU's largest queue-size) so that seg_max, which
 * with the header and status must fit one chain, lets a guest send 1 MiB
 * of scattered 4 KiB pages as one request: with 256, Linux cuts every
 * 1 MiB into 1016 + 8 KiB, two requests, and on qcow2 the second waits
 * for the first (they share a new cluster). */
#define VIRTIO_BLK_QUEUE_MAX 1024
#define VIRTIO_BLK_WORKERS 4            /* requests in flight per disk */
#define VIRTIO_BLK_SEG_MAX (VIRTIO_BLK_QUEUE_MAX - 2)
#define SECTOR 512u

#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define VIRTIO_BLK_F_DISCARD (1ull << 13)
#define VIRTIO_BLK_F_WRITE_ZEROES (1ull << 14)
#define VIRTIO_BLK_DISCARD_SEGS 32u
/* Per segment: 2^22 sectors (2 GiB) keeps the byte length in 32 bits. */
#define VIRTIO_BLK_DISCARD_SECTORS (1u << 22)
#define VIRTIO_BLK_WZ_UNMAP 1u

enum { VIRTIO_BLK_T_IN = 0, VIRTIO_BLK_T_OUT = 1, VIRTIO_BLK_T_FLUSH = 4,
       VIRTIO_BLK_T_GET_ID = 8, VIRTIO_BLK_T_DISCARD = 11, VIRTIO_BLK_T_WRITE_ZEROES = 13 };
enum { VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2 };

/* struct virtio_blk_config up to the write-zeroes fields (5.2.4),
 * little-endian. */
typedef struct __attribute__((packed)) {
    uint64_t capacity;
    uint32_t size_max;
    uint32_t seg_max;
    uint16_t cylinders;
    uint8_t heads, sectors;
    uint32_t blk_size;
    uint8_t physical_block_exp, alignment_offset;
    uint16_t min_io_size;
    uint32_t opt_io_size;
    uint8_t writeback, unused0;
    uint16_t num_queues;
    uint32_t max_discard_sectors;
    uint32_t max_discard_seg;
    uint32_t discard_sector_alignment;
    uint32_t max_write_zeroes_sectors;
    uint32_t max_write_zeroes_seg;
    uint8_t write_zeroes_may_unmap;
    uint8_t unused1[3];
} VirtioBlkConfig;
G_STATIC_ASSERT(sizeof(VirtioBlkConfig) == 60);

/* The host side of one worker's request. */
typedef struct {
    struct iovec iov[BLOCK_IOV_MAX];
} VirtioBlkIov;

struct VirtioBlk {
    VirtioPci *vp;
    BlockBackend *bb;
    VirtioBlkConfig config;
    QueueWorker *qw;
    VirtioBlkIov *iovs;     /* [VIRTIO_BLK_WORKERS] */
};
G_STATIC_ASSERT(VIRTQ_MAX_SEGS <= BLOCK_IOV_MAX);

/* Move @len bytes between the disk at @off and @nseg segments, skipping
 * @skip bytes of them first: one vectored call.  0 or -errno. */
static int virtio_blk_io(VirtioBlk *blk, struct iovec *iov, const VirtqSeg *seg, unsigned nseg,
                         size_t skip, size_t len, uint64_t off, bool write)
{
    int n = 0;
    for (unsigned s = 0; s < nseg && len; s++) {
        if (skip >= seg[s].len) {
            skip -= seg[s].len;
            continue;
        }
        size_t take = MIN(seg[s].len - skip, len);
        iov[n++] = (struct iovec){ seg[s].host + skip, take };
        len -= take;
        skip = 0;
    }
    if (len)
        return -EIO;
    if (n == 0)
        return 0;
    return write ? blk->bb->ops->pwritev(blk->bb, iov, n, off)
                 : blk->bb->ops->preadv(blk->bb, iov, n, off);
}

static bool virtio_blk_in_range(const VirtioBlk *blk, uint64_t sector, uint64_t len)
{
    uint64_t cap = blk->config.capacity;
    return sector <= cap && (len + SECTOR - 1) / SECTOR <= cap - sector;
}

/* DISCARD / WRITE_ZEROES: the segments after the header.  A status. */
static uint8_t virtio_blk_zero(VirtioBlk *blk, const VirtqElem *e, size_t out_data, bool discard)
{
    struct { uint64_t sector; uint32_t num_sectors, flags; } seg;
    if (!blk->bb->ops->zero)
        return VIRTIO_BLK_S_UNSUPP;
    if (blk->bb->readonly || out_data == 0 || out_data % sizeof(seg) ||
        out_data / sizeof(seg) > VIRTIO_BLK_DISCARD_SEGS)
        return VIRTIO_BLK_S_IOERR;
    for (size_t off = 0; off < out_data; off += sizeof(seg)) {
        virtq_elem_from_guest(e, 16 + off, &seg, sizeof(seg));
        uint32_t bad_flags = discard ? ~0u : ~VIRTIO_BLK_WZ_UNMAP;
        if (seg.flags & bad_flags)
            return VIRTIO_BLK_S_UNSUPP;
        if (seg.num_sectors > VIRTIO_BLK_DISCARD_SECTORS ||
            !virtio_blk_in_range(blk, seg.sector, (uint64_t)seg.num_sectors * SECTOR))
            return VIRTIO_BLK_S_IOERR;
        bool unmap = discard || (seg.flags & VIRTIO_BLK_WZ_UNMAP);
        if (seg.num_sectors &&
            blk->bb->ops->zero(blk->bb, seg.sector * SECTOR, (uint64_t)seg.num_sectors * SECTOR,
                               unmap) < 0)
            return VIRTIO_BLK_S_IOERR;
    }
    return VIRTIO_BLK_S_OK;
}

/* Serve one request on @worker; returns the bytes written to the guest
 * (including the status byte) or -EIO if it cannot be answered. */
static int virtio_blk_request(void *opaque, unsigned worker, const VirtqElem *e)
{
    VirtioBlk *blk = opaque;
    struct iovec *iov = blk->iovs[worker].iov;
    struct { uint32_t type, reserved; uint64_t sector; } hdr;
    if (e->out_len < sizeof(hdr) || e->in_len < 1)
        return -EIO;
    virtq_elem_from_guest(e, 0, &hdr, sizeof(hdr));
    size_t out_data = e->out_len - sizeof(hdr);
    size_t in_data = e->in_len - 1;
    uint8_t status = VIRTIO_BLK_S_OK;
    uint32_t written = 0;
    switch (hdr.type) {
    case VIRTIO_BLK_T_IN:
        if (!virtio_blk_in_range(blk, hdr.sector, in_data) ||
            virtio_blk_io(blk, iov, e->seg + e->nout, e->nin, 0, in_data, hdr.sector * SECTOR,
                          false) < 0)
            status = VIRTIO_BLK_S_IOERR;
        else
            written = (uint32_t)in_data;
        break;
    case VIRTIO_BLK_T_OUT:
        if (blk->bb->readonly || !virtio_blk_in_range(blk, hdr.sector, out_data) ||
            virtio_blk_io(blk, iov, e->seg, e->nout, sizeof(hdr), out_data, hdr.sector * SECTOR,
                          true) < 0)
            status = VIRTIO_BLK_S_IOERR;
        break;
    case VIRTIO_BLK_T_FLUSH:
        if (!blk->bb->readonly && blk->bb->ops->flush(blk->bb) < 0)
            status = VIRTIO_BLK_S_IOERR;
        break;
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        status = virtio_blk_zero(blk, e, out_data, hdr.type == VIRTIO_BLK_T_DISCARD);
        break;
    case VIRTIO_BLK_T_GET_ID:
        written = (uint32_t)virtq_elem_to_guest(e, 0, blk->bb->serial,
                                                MIN(in_data, sizeof(blk->bb->serial) - 1));
        break;
    default:
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    virtq_elem_to_guest(e, in_data, &status, 1);
    return (int)(written + 1);
}

/* Device lock held, after a request: is write-behind due? */
static bool virtio_blk_after_due(void *opaque)
{
    VirtioBlk *blk = opaque;
    return blk->bb->ops->after_request && atomic_load(&blk->bb->work_due);
}

static void virtio_blk_after(void *opaque)
{
    VirtioBlk *blk = opaque;
    blk->bb->ops->after_request(blk->bb);
}

static const QueueWorkerOps virtio_blk_worker_ops = {
    .serve = virtio_blk_request,
    .after_due = virtio_blk_after_due,
    .after = virtio_blk_after,
};

/* vCPU thread, device lock held. */
static void virtio_blk_notify(void *opaque, VirtioPci *vp, unsigned q)
{
    VirtioBlk *blk = opaque;
    (void)vp;
    (void)q;
    queue_worker_kick(blk->qw);
}

/* Device lock held (guest reset, machine reset). */
static void virtio_blk_reset(void *opaque)
{
    VirtioBlk *blk = opaque;
    queue_worker_reset(blk->qw);
}

void virtio_blk_set_paused(VirtioBlk *blk, bool paused)
{
    queue_worker_set_paused(blk->qw, paused);
}

void virtio_blk_stop(VirtioBlk *blk)
{
    queue_worker_stop(blk->qw);
}

static const VirtioDeviceOps virtio_blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_BLK_ID,
    .pci_class = 0x018000,
    .num_queues = 1,
    .queue_max = VIRTIO_BLK_QUEUE_MAX,
    .queue_notify = virtio_blk_notify,
    .reset = virtio_blk_reset,
};

VirtioBlk *virtio_blk_create(PciHost *host, const VirtioGuestMem *mem, const IoThreadLock *lock,
                             BlockBackend *bb)
{
    VirtioBlk *blk = g_new0(VirtioBlk, 1);
    blk->bb = bb;
    blk->config.capacity = bb->size / SECTOR;
    blk->config.seg_max = VIRTIO_BLK_SEG_MAX;
    uint64_t features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH;
    if (bb->readonly) {
        features |= VIRTIO_BLK_F_RO;
    } else if (bb->ops->zero) {
        features |= VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES;
        blk->config.max_discard_sectors = VIRTIO_BLK_DISCARD_SECTORS;
        blk->config.max_discard_seg = VIRTIO_BLK_DISCARD_SEGS;
        /* the image's granularity (qcow2: a cluster), so the guest's
         * discards can free whole clusters */
        blk->config.discard_sector_alignment = (bb->zero_align ? bb->zero_align : 4096) / SECTOR;
        blk->config.max_write_zeroes_sectors = VIRTIO_BLK_DISCARD_SECTORS;
        blk->config.max_write_zeroes_seg = VIRTIO_BLK_DISCARD_SEGS;
        blk->config.write_zeroes_may_unmap = 1;
    }
    blk->iovs = g_new0(VirtioBlkIov, VIRTIO_BLK_WORKERS);
    /* The workers first: the transport's reset drains them. */
    blk->qw = queue_worker_new("vessel-blk", VIRTIO_BLK_WORKERS, 0, lock,
                               &virtio_blk_worker_ops, blk);
    if (blk->qw)
        blk->vp = virtio_pci_create(host, mem, &virtio_blk_ops, blk, features,
                                    &blk->config, sizeof(blk->config));
    if (!blk->vp) {
        queue_worker_free(blk->qw);
        block_backend_close(bb);
        g_free(blk->iovs);
        g_free(blk);
        return NULL;
    }
    queue_worker_attach(blk->qw, blk->vp);
    return blk;
}

void virtio_blk_destroy(VirtioBlk *blk)
{
    if (!blk)
        return;
    virtio_blk_stop(blk);
    virtio_pci_destroy(blk->vp);
    queue_worker_free(blk->qw);
    block_backend_close(blk->bb);
    g_free(blk->iovs);
    g_free(blk);
}

VirtioPci *virtio_blk_transport(VirtioBlk *blk)
{
    return blk->vp;
}

/* Run @op (a back-end switch: overlay or commit) with the disk quiesced. */
static gboolean virtio_blk_switch(VirtioBlk *blk,
                                  gboolean (*op)(BlockBackend *, const char *, GError **),
                                  const char *file, GError **error)
{
    if (blk->bb->readonly || !op) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "disk %s: read-only disks take no overlay and no commit", blk->bb->serial);
        return FALSE;
    }
    bool was_paused = queue_worker_hold(blk->qw);
    gboolean ok = op(blk->bb, file, error);
    queue_worker_release(blk->qw, was_paused);
    return ok;
}

gboolean virtio_blk_overlay(VirtioBlk *blk, const char *file, GError **error)
{
    return virtio_blk_switch(blk, blk->bb->ops->overlay, file, error);
}

gboolean virtio_blk_commit(VirtioBlk *blk, const char *base, GError **error)
{
    return virtio_blk_switch(blk, blk->bb->ops->commit, base, error);
}
