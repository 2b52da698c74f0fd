/* qcow2_flush.c - writing metadata back in the order that keeps the
 * image consistent at every moment (design note: qcow2_priv.h):
 *
 *   refcount blocks -> sync -> L2 tables and L1 entries -> sync
 *   -> apply the reference drops those L2 changes made safe
 *
 * L2 tables and L1 entries go out together, with no sync between them:
 * an L1 entry only ever points at a table whose clusters were written
 * (a new table as zeros, when it was allocated) and counted before the
 * first sync, so whichever of the two writes reaches the disk first,
 * the L1 entry finds a valid table (zeros, or entries whose data and
 * refcounts the first sync made durable).  QEMU's qcow2 makes the same
 * two syncs per flush; a third one here cost 3-25 ms per guest flush on
 * the build machine.  Phases with nothing to write are skipped, so a
 * flush after plain overwrites of allocated clusters is one fdatasync.
 * The lock is held. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"

#include <errno.h>
#include <unistd.h>

int qcow2_sync(Qcow2 *q)
{
    /* Cleared before fdatasync starts: a write that completes meanwhile
     * (in place, lock dropped) sets it again for the next sync. */
    if (!atomic_exchange(&q->unsynced, false))
        return 0;
    if (fdatasync(q->img.fd) < 0) {
        int r = -errno;
        q->unsynced = true;
        return r;
    }
    return 0;
}

int qcow2_write_durable(Qcow2 *q, const void *buf, size_t len, uint64_t off)
{
    int r = file_pwrite_full(q->img.fd, buf, len, off);
    q->unsynced = true;
    return r < 0 ? r : qcow2_sync(q);
}

int qcow2_before_l2_store(Qcow2 *q)
{
    int r = qcow2_cache_flush(q->rb_cache);
    return r < 0 ? r : qcow2_sync(q);
}

static int qcow2_l1_store(Qcow2 *q)
{
    uint64_t lo = q->l1_dirty_lo, hi = q->l1_dirty_hi;
    if (lo >= hi)
        return 0;
    /* whole 512-byte sectors around the dirty entries */
    lo &= ~(uint64_t)63;
    hi = MIN((hi + 63) & ~(uint64_t)63, q->l1_size);
    g_autofree uint8_t *buf = g_malloc((hi - lo) * 8);
    for (uint64_t i = lo; i < hi; i++)
        qcow2_put_be64(buf + 8 * (i - lo), q->l1[i]);
    q->unsynced = true;
    int r = file_pwrite_full(q->img.fd, buf, (hi - lo) * 8, q->h.l1_offset + lo * 8);
    if (r == 0)
        q->l1_dirty_lo = q->l1_dirty_hi = 0;
    return r;
}

int qcow2_flush_locked(Qcow2 *q)
{
    int r = qcow2_cache_flush(q->rb_cache);
    if (r < 0)
        return r;
    bool l1_dirty = q->l1_dirty_lo < q->l1_dirty_hi;
    if (qcow2_cache_has_dirty(q->l2_cache) || l1_dirty) {
        /* data, refcount blocks and new (zeroed) L2 tables durable */
        r = qcow2_sync(q);
        if (r == 0)
            r = qcow2_cache_flush(q->l2_cache);
        if (r == 0 && l1_dirty)
            r = qcow2_l1_store(q);
        if (r < 0)
            return r;
    }
    r = qcow2_sync(q);
    if (r < 0)
        return r;
    /* Every L2 change is durable now: dropped references may go (their
     * blocks are written by the next flush or eviction). */
    return qcow2_free_pending(q);
}

int qcow2_flush(StorageImage *img)
{
    Qcow2 *q = (Qcow2 *)img;
    pthread_mutex_lock(&q->lock);
    int r = qcow2_flush_locked(q);
    pthread_mutex_unlock(&q->lock);
    return r;
}
