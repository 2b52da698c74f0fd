/* qcow2_map.c - guest offset -> host cluster: the L1 table (in memory)
 * and L2 tables (through the bounded L2 cache), entry classification
 * with every reserved bit and offset checked, and L2 table allocation.
 * The image lock is held by every caller. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"

#include <errno.h>

static int qcow2_bad_entry(Qcow2 *q, const char *what)
{
    qcow2_mark_corrupt(q, what);
    return -EIO;
}

int qcow2_entry_type(Qcow2 *q, uint64_t e, Qcow2ClusterType *type)
{
    if (e & QCOW2_OFLAG_COMPRESSED) {
        if (e & QCOW2_OFLAG_COPIED)
            return qcow2_bad_entry(q, "compressed L2 entry with the COPIED flag");
        if ((e & q->coffset_mask) >> 56)
            return qcow2_bad_entry(q, "compressed cluster offset beyond 2^56");
        *type = QCOW2_CLUSTER_COMPRESSED;
        return 0;
    }
    if (e & QCOW2_L2_RESERVED)
        return qcow2_bad_entry(q, "L2 entry with reserved bits set");
    uint64_t off = e & QCOW2_OFFSET_MASK;
    if (off & (q->cluster_size - 1))
        return qcow2_bad_entry(q, "L2 entry with an unaligned cluster offset");
    if (e & QCOW2_OFLAG_ZERO) {
        if (q->h.version < 3)
            return qcow2_bad_entry(q, "zero cluster in a version 2 image");
        *type = off ? QCOW2_CLUSTER_ZERO_ALLOC : QCOW2_CLUSTER_ZERO_PLAIN;
    } else if (off) {
        *type = QCOW2_CLUSTER_NORMAL;
    } else {
        if (e & QCOW2_OFLAG_COPIED)
            return qcow2_bad_entry(q, "L2 entry for host offset 0");
        *type = QCOW2_CLUSTER_UNALLOCATED;
    }
    return 0;
}

int qcow2_l2_load(void *opaque, uint64_t offset, void *table)
{
    Qcow2 *q = opaque;
    return file_pread_exact(q->img.fd, table, q->cluster_size, offset);
}

int qcow2_l2_store(void *opaque, uint64_t offset, const void *table)
{
    Qcow2 *q = opaque;
    int r = qcow2_before_l2_store(q);
    if (r < 0)
        return r;
    q->unsynced = true;
    return file_pwrite_full(q->img.fd, table, q->cluster_size, offset);
}

void qcow2_l1_set(Qcow2 *q, uint64_t l1i, uint64_t entry)
{
    q->l1[l1i] = entry;
    if (q->l1_dirty_lo >= q->l1_dirty_hi) {
        q->l1_dirty_lo = l1i;
        q->l1_dirty_hi = l1i + 1;
    } else {
        q->l1_dirty_lo = MIN(q->l1_dirty_lo, l1i);
        q->l1_dirty_hi = MAX(q->l1_dirty_hi, l1i + 1);
    }
}

int qcow2_l2_get(Qcow2 *q, uint64_t l1i, bool alloc, uint64_t **table)
{
    *table = NULL;
    if (l1i >= q->l1_size)
        return alloc ? qcow2_bad_entry(q, "guest offset beyond the L1 table") : 0;
    uint64_t e = q->l1[l1i];
    if (e & QCOW2_L1_RESERVED)
        return qcow2_bad_entry(q, "L1 entry with reserved bits set");
    uint64_t off = e & QCOW2_OFFSET_MASK;
    if (off & (q->cluster_size - 1))
        return qcow2_bad_entry(q, "L1 entry with an unaligned L2 table offset");
    int err = 0;
    if (off == 0) {
        if (!alloc)
            return 0;
        uint64_t got;
        int64_t host = qcow2_alloc_clusters(q, 1, true, &got);
        if (host < 0)
            return (int)host;
        /* Zeros on disk now, while nothing points at the table: the
         * file gets the space before the data clusters after it, so the
         * table's write-back cannot fail for want of room (a full host
         * disk: the guest's completed writes must stay reachable). */
        g_autofree void *zeros = g_malloc0(q->cluster_size);
        int r = file_pwrite_full(q->img.fd, zeros, q->cluster_size, (uint64_t)host);
        if (r < 0)
            return r;
        q->unsynced = true;
        qcow2_meta_add(q, (uint64_t)host, 1);
        *table = qcow2_cache_get_empty(q->l2_cache, (uint64_t)host, &err);
        if (!*table)
            return err;
        qcow2_l1_set(q, l1i, (uint64_t)host | QCOW2_OFLAG_COPIED);
        return 0;
    }
    if (alloc && !(e & QCOW2_OFLAG_COPIED)) {
        uint64_t rc;
        int r = qcow2_refcount_get(q, off >> q->cluster_bits, &rc);
        if (r < 0)
            return r;
        if (rc != 1)
            return qcow2_bad_entry(q, "shared L2 table (internal snapshots) in a writable image");
        qcow2_l1_set(q, l1i, e | QCOW2_OFLAG_COPIED);
    }
    *table = qcow2_cache_get(q->l2_cache, off, &err);
    return *table ? 0 : err;
}

int qcow2_map(Qcow2 *q, uint64_t off, uint64_t len, Qcow2Mapping *m)
{
    uint64_t cs = q->cluster_size;
    uint64_t l1i = off / q->l2_span;
    uint64_t l2i = (off >> q->cluster_bits) & (q->l2_entries - 1);
    uint64_t in = off & (cs - 1);
    len = MIN(len, (q->l2_entries - l2i) * cs - in);
    uint64_t *l2;
    int r = qcow2_l2_get(q, l1i, false, &l2);
    if (r < 0)
        return r;
    if (!l2) {
        *m = (Qcow2Mapping){ QCOW2_CLUSTER_UNALLOCATED, 0, len, false };
        return 0;
    }
    uint64_t e0 = qcow2_be64((const uint8_t *)&l2[l2i]);
    Qcow2ClusterType t0;
    r = qcow2_entry_type(q, e0, &t0);
    if (r < 0)
        goto out;
    uint64_t host0 = e0 & QCOW2_OFFSET_MASK;
    bool copied = (e0 & QCOW2_OFLAG_COPIED) != 0;
    uint64_t n = 1, want = (in + len + cs - 1) / cs;
    if (t0 != QCOW2_CLUSTER_COMPRESSED) {
        for (; n < want; n++) {
            uint64_t e = qcow2_be64((const uint8_t *)&l2[l2i + n]);
            Qcow2ClusterType t;
            if (qcow2_entry_type(q, e, &t) < 0 || t != t0 ||
                ((e & QCOW2_OFLAG_COPIED) != 0) != copied)
                break;
            if ((t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) &&
                (e & QCOW2_OFFSET_MASK) != host0 + n * cs)
                break;
        }
    }
    m->type = t0;
    m->copied = copied;
    m->bytes = MIN(len, n * cs - in);
    m->host = t0 == QCOW2_CLUSTER_COMPRESSED ? e0 : host0 + (host0 ? in : 0);
out:
    qcow2_cache_put(q->l2_cache, l2);
    return r;
}
