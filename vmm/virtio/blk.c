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
 * workers (iothread.h; VIRTIO_BLK_WORKERS of them, so that many requests
 * can be in flight at once); the guest's notify on a vCPU thread only
 * kicks them.  A worker takes the device lock to pop a request (the
 * walker checks it against guest RAM), kicks the next worker, drops the
 * lock for the host I/O straight into the guest's buffers (host pointers
 * the walker checked), and takes it again to push the used entry and
 * raise the interrupt (MSI-X or INTx through the machine, which wants
 * the lock).  Requests complete in any order, as virtio allows; a flush
 * covers the writes completed before it (what the guest waited for).
 * State and who owns it:
 *   device lock:     the transport and virtqueue, generation, paused
 *   one worker:      its VirtioBlkReq (elem, iov)
 *   thread-safe:     the BlockBackend (libvesselstorage locks inside)
 *   immutable:       bb->size/readonly/serial, config, lock, io (until stop)
 * A reset (guest status 0, or the machine's reset on reboot) runs with
 * the device lock held: it bumps generation and drains the workers, so
 * once it returns no host I/O writes guest memory any more, and requests
 * that were in flight are dropped instead of pushed to the new queue.
 * Pause (without the lock) sets paused, which stops the workers from
 * popping, and waits until none is running: requests in flight are
 * completed and pushed, then nothing changes until resume kicks them.
 * Stop (at quit, vCPUs stopped, before the machine is freed) and destroy
 * join the workers.  Interrupts: one per completed request, unless the
 * guest's used_event / NO_INTERRUPT says it does not want it. */
#include "vmm/virtio/blk.h"
#include "vmm/virtio/iothread.h"

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

/* One request in the hands of one worker. */
typedef struct {
    VirtqElem elem;
    struct iovec iov[BLOCK_IOV_MAX];
} VirtioBlkReq;

struct VirtioBlk {
    VirtioPci *vp;
    BlockBackend *bb;
    VirtioBlkConfig config;
    IoThreadLock lock;
    IoThread *io;           /* NULL once stopped */
    unsigned generation;
    bool paused;
    VirtioBlkReq *reqs;     /* [VIRTIO_BLK_WORKERS] */
};
G_STATIC_ASSERT(VIRTQ_MAX_SEGS <= BLOCK_IOV_MAX);

/* Move @len bytes between the disk at @off and @nseg segments, skipping
 * @skip bytes of them first: one vectored call.  0 or -errno. */
static int virtio_blk_io(VirtioBlk *blk, VirtioBlkReq *req, const VirtqSeg *seg, unsigned nseg,
                         size_t skip, size_t len, uint64_t off, bool write)
{
    struct iovec *iov = req->iov;
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

/* Serve one request; returns the bytes written to the guest (including
 * the status byte) or -EIO if it cannot be answered. */
static int virtio_blk_request(VirtioBlk *blk, VirtioBlkReq *req)
{
    const VirtqElem *e = &req->elem;
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
            virtio_blk_io(blk, req, e->seg + e->nout, e->nin, 0, in_data, hdr.sector * SECTOR,
                          false) < 0)
            status = VIRTIO_BLK_S_IOERR;
        else
            written = (uint32_t)in_data;
        break;
    case VIRTIO_BLK_T_OUT:
        if (blk->bb->readonly || !virtio_blk_in_range(blk, hdr.sector, out_data) ||
            virtio_blk_io(blk, req, e->seg, e->nout, sizeof(hdr), out_data, hdr.sector * SECTOR,
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

/* I/O worker: serve requests until the queue is empty (or stopped). */
static void virtio_blk_work(void *opaque, unsigned worker)
{
    VirtioBlk *blk = opaque;
    VirtioPci *vp = blk->vp;
    VirtioBlkReq *req = &blk->reqs[worker];
    blk->lock.lock(blk->lock.opaque);
    while (!blk->paused && virtio_pci_queue_active(vp, 0) &&
           virtio_pci_pop(vp, 0, &req->elem) > 0) {
        unsigned generation = blk->generation;
        iothread_io_begin(blk->io);
        blk->lock.unlock(blk->lock.opaque);
        iothread_kick(blk->io);         /* the next request: another worker */
        int n = virtio_blk_request(blk, req);
        iothread_io_end(blk->io);
        blk->lock.lock(blk->lock.opaque);
        if (generation != blk->generation)
            break;              /* reset meanwhile: that queue is gone */
        if (n < 0) {
            virtio_pci_set_broken(vp);
            break;
        }
        if (virtio_pci_push(vp, 0, &req->elem, (uint32_t)n) < 0)
            break;
        virtio_pci_queue_done(vp, 0);
        if (blk->bb->ops->after_request && atomic_load(&blk->bb->work_due)) {
            /* the guest has its answer; now the back-end's own work */
            iothread_io_begin(blk->io);
            blk->lock.unlock(blk->lock.opaque);
            blk->bb->ops->after_request(blk->bb);
            iothread_io_end(blk->io);
            blk->lock.lock(blk->lock.opaque);
        }
    }
    blk->lock.unlock(blk->lock.opaque);
}

/* vCPU thread, device lock held. */
static void virtio_blk_notify(void *opaque, VirtioPci *vp, unsigned q)
{
    VirtioBlk *blk = opaque;
    (void)vp;
    (void)q;
    if (blk->io)
        iothread_kick(blk->io);
}

/* Device lock held (guest reset, machine reset). */
static void virtio_blk_reset(void *opaque)
{
    VirtioBlk *blk = opaque;
    blk->generation++;
    iothread_drain(blk->io);
}

void virtio_blk_set_paused(VirtioBlk *blk, bool paused)
{
    blk->lock.lock(blk->lock.opaque);
    blk->paused = paused;
    blk->lock.unlock(blk->lock.opaque);
    if (paused)
        iothread_quiesce(blk->io);
    else if (blk->io)
        iothread_kick(blk->io);
}

void virtio_blk_stop(VirtioBlk *blk)
{
    iothread_free(blk->io);
    blk->io = NULL;
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
    blk->lock = *lock;
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
    blk->reqs = g_new0(VirtioBlkReq, VIRTIO_BLK_WORKERS);
    /* The workers first: the transport's reset drains them. */
    blk->io = iothread_new("vessel-blk", VIRTIO_BLK_WORKERS, virtio_blk_work, blk);
    if (blk->io)
        blk->vp = virtio_pci_create(host, mem, &virtio_blk_ops, blk, features,
                                    &blk->config, sizeof(blk->config));
    if (!blk->vp) {
        iothread_free(blk->io);
        block_backend_close(bb);
        g_free(blk->reqs);
        g_free(blk);
        return NULL;
    }
    return blk;
}

void virtio_blk_destroy(VirtioBlk *blk)
{
    if (!blk)
        return;
    virtio_blk_stop(blk);
    virtio_pci_destroy(blk->vp);
    block_backend_close(blk->bb);
    g_free(blk->reqs);
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
    blk->lock.lock(blk->lock.opaque);
    bool was_paused = blk->paused;
    blk->paused = true;
    blk->lock.unlock(blk->lock.opaque);
    iothread_quiesce(blk->io);
    gboolean ok = op(blk->bb, file, error);
    blk->lock.lock(blk->lock.opaque);
    blk->paused = was_paused;
    blk->lock.unlock(blk->lock.opaque);
    if (!was_paused && blk->io)
        iothread_kick(blk->io);
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
