/* qcow2_refcount.c - reference counts and cluster allocation (the image
 * lock held throughout; ordering rules: the design note in
 * qcow2_priv.h).
 *
 * A refcount block that does not exist means refcount 0 for every
 * cluster it would cover.  When an allocation needs one, the new block
 * goes into a free cluster of the very range it covers (so it counts
 * itself), written and synced before the refcount table entry that
 * points at it.  When the refcount table itself is full, a larger copy
 * goes to the end of the image together with the new blocks that cover
 * it, everything synced before one header write switches to it. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t qcow2_rb_entry_get(const Qcow2 *q, const void *block, uint64_t i)
{
    const uint8_t *b = block;
    switch (q->refcount_bits) {
    case 8:
        return b[i];
    case 16:
        return (uint64_t)b[2 * i] << 8 | b[2 * i + 1];
    case 32:
        return qcow2_be32(b + 4 * i);
    case 64:
        return qcow2_be64(b + 8 * i);
    default: {              /* 1, 2, 4 bits: bit 0 is the least significant */
        uint64_t bit = i * q->refcount_bits;
        return (b[bit / 8] >> (bit % 8)) & q->refcount_max;
    }
    }
}

static void qcow2_rb_entry_set(const Qcow2 *q, void *block, uint64_t i, uint64_t v)
{
    uint8_t *b = block;
    switch (q->refcount_bits) {
    case 8:
        b[i] = (uint8_t)v;
        break;
    case 16:
        b[2 * i] = (uint8_t)(v >> 8);
        b[2 * i + 1] = (uint8_t)v;
        break;
    case 32:
        qcow2_put_be32(b + 4 * i, (uint32_t)v);
        break;
    case 64:
        qcow2_put_be64(b + 8 * i, v);
        break;
    default: {
        uint64_t bit = i * q->refcount_bits;
        uint8_t mask = (uint8_t)(q->refcount_max << (bit % 8));
        b[bit / 8] = (uint8_t)((b[bit / 8] & ~mask) | ((v << (bit % 8)) & mask));
        break;
    }
    }
}

int qcow2_rb_load(void *opaque, uint64_t offset, void *table)
{
    Qcow2 *q = opaque;
    return file_pread_exact(q->img.fd, table, q->cluster_size, offset);
}

int qcow2_rb_store(void *opaque, uint64_t offset, const void *table)
{
    Qcow2 *q = opaque;
    q->unsynced = true;
    return file_pwrite_full(q->img.fd, table, q->cluster_size, offset);
}

/* The refcount block offset for table index @ti: 0 if none, -EIO if the
 * entry is invalid. */
static int64_t qcow2_refblock_offset(Qcow2 *q, uint64_t ti)
{
    if (ti >= q->reftable_size)
        return 0;
    uint64_t e = q->reftable[ti];
    if ((e & QCOW2_REFTABLE_RESERVED) || (e & (q->cluster_size - 1)) || e > (uint64_t)INT64_MAX) {
        qcow2_mark_corrupt(q, "invalid refcount table entry");
        return -EIO;
    }
    return (int64_t)e;
}

int qcow2_refcount_get(Qcow2 *q, uint64_t cluster, uint64_t *refcount)
{
    int64_t rbo = qcow2_refblock_offset(q, cluster / q->refblock_entries);
    *refcount = 0;
    if (rbo <= 0)
        return (int)rbo;
    int err = 0;
    void *block = qcow2_cache_get(q->rb_cache, (uint64_t)rbo, &err);
    if (!block)
        return err;
    *refcount = qcow2_rb_entry_get(q, block, cluster % q->refblock_entries);
    qcow2_cache_put(q->rb_cache, block);
    return 0;
}

static int qcow2_update(Qcow2 *q, uint64_t cluster, uint64_t n, int delta, uint64_t rlo,
                        uint64_t rhi);

/* Grow the refcount table so that index @need exists (design: top). */
static int qcow2_grow_reftable(Qcow2 *q, uint64_t need)
{
    uint64_t cs = q->cluster_size, R = q->refblock_entries, per = cs / 8;
    uint64_t old_entries = q->reftable_size;
    uint64_t entries = MAX(need + 1, old_entries + old_entries / 2);
    uint64_t E = q->alloc_end, T, B;
    for (;;) {
        entries = (entries + per - 1) / per * per;
        T = entries / per;
        B = 0;
        for (;;) {
            uint64_t end = E + T + B, count = 0;
            for (uint64_t j = E / R; j <= (end - 1) / R; j++)
                count += j >= old_entries || q->reftable[j] == 0;
            if (count == B)
                break;
            B = count;
        }
        uint64_t maxj = (E + T + B - 1) / R;
        if (maxj < entries)
            break;
        entries = maxj + 1;
    }
    if (entries * 8 > QCOW2_MAX_REFTABLE_BYTES || (E + T + B) > (1ull << (56 - q->cluster_bits)))
        return -EFBIG;
    if (qcow2_meta_overlaps(q, E * cs, T + B)) {
        qcow2_mark_corrupt(q, "refcount table growth would overwrite metadata");
        return -EIO;
    }

    uint64_t *table = g_new0(uint64_t, entries);
    memcpy(table, q->reftable, old_entries * sizeof(uint64_t));
    uint8_t *block = g_malloc(cs);
    int r = 0;
    uint64_t next = E + T;
    /* New blocks: placed after the table, counting [E, E + T + B). */
    for (uint64_t j = E / R; j <= (E + T + B - 1) / R; j++) {
        if (j < old_entries && q->reftable[j] != 0)
            continue;
        memset(block, 0, cs);
        for (uint64_t c = MAX(E, j * R); c < MIN(E + T + B, (j + 1) * R); c++)
            qcow2_rb_entry_set(q, block, c - j * R, 1);
        table[j] = next * cs;
        r = file_pwrite_full(q->img.fd, block, cs, next * cs);
        if (r < 0)
            goto out;
        next++;
    }
    /* Existing blocks covering part of the new area: through the cache. */
    for (uint64_t j = E / R; j <= (E + T + B - 1) / R; j++) {
        if (j < old_entries && q->reftable[j] != 0) {
            uint64_t lo = MAX(E, j * R), hi = MIN(E + T + B, (j + 1) * R);
            r = qcow2_update(q, lo, hi - lo, 1, E, E + T + B);
            if (r < 0)
                goto out;
        }
    }
    r = qcow2_cache_flush(q->rb_cache);
    if (r < 0)
        goto out;
    uint8_t *be = g_malloc(T * cs);
    for (uint64_t i = 0; i < entries; i++)
        qcow2_put_be64(be + 8 * i, table[i]);
    memset(be + entries * 8, 0, T * cs - entries * 8);
    r = qcow2_write_durable(q, be, T * cs, E * cs);
    g_free(be);
    if (r < 0)
        goto out;
    uint8_t hdr[12];
    qcow2_put_be64(hdr, E * cs);
    qcow2_put_be32(hdr + 8, (uint32_t)T);
    r = qcow2_write_header_fields(q, QCOW2_OFF_REFTABLE_OFFSET, hdr, sizeof(hdr));
    if (r < 0)
        goto out;

    uint64_t old_off = q->h.reftable_offset, old_clusters = q->h.reftable_clusters;
    qcow2_meta_remove(q, old_off, old_clusters);
    qcow2_meta_add(q, E * cs, T);
    for (uint64_t c = E + T; c < next; c++)
        qcow2_meta_add(q, c * cs, 1);
    g_free(q->reftable);
    q->reftable = g_steal_pointer(&table);
    q->reftable_size = entries;
    q->h.reftable_offset = E * cs;
    q->h.reftable_clusters = (uint32_t)T;
    q->alloc_end = MAX(q->alloc_end, E + T + B);
    /* The header no longer points at the old table: drop it now. */
    r = qcow2_update(q, old_off / cs, old_clusters, -1, 0, 0);
out:
    g_free(table);
    g_free(block);
    return r;
}

/* Make refcount block @ti exist; clusters [rlo, rhi) are being
 * allocated by the caller and are not free for the block itself. */
static int qcow2_ensure_refblock(Qcow2 *q, uint64_t ti, uint64_t rlo, uint64_t rhi)
{
    uint64_t cs = q->cluster_size, R = q->refblock_entries;
    if (ti >= q->reftable_size) {
        int r = qcow2_grow_reftable(q, ti);
        if (r < 0)
            return r;
    }
    int64_t cur = qcow2_refblock_offset(q, ti);
    if (cur != 0)
        return cur < 0 ? (int)cur : 0;
    uint64_t lo = ti * R, hi = lo + R, b = lo;
    if (b >= rlo && b < rhi)
        b = rhi;
    g_autofree uint8_t *block = g_malloc0(cs);
    int r;
    if (b < hi) {
        /* inside its own range: it counts itself */
        qcow2_rb_entry_set(q, block, b - lo, 1);
    } else {
        /* its whole range is being allocated: put it past the end and
         * count it in the block that covers that place */
        b = MAX(q->alloc_end, rhi);
        q->alloc_end = b + 1;
        r = qcow2_update(q, b, 1, 1, b, b + 1);
        if (r < 0)
            return r;
        r = qcow2_cache_flush(q->rb_cache);
        if (r < 0)
            return r;
    }
    if (b >= (1ull << (56 - q->cluster_bits)))
        return -EFBIG;
    if (qcow2_meta_overlaps(q, b * cs, 1)) {
        qcow2_mark_corrupt(q, "a new refcount block would overwrite metadata");
        return -EIO;
    }
    r = qcow2_write_durable(q, block, cs, b * cs);
    if (r < 0)
        return r;
    uint8_t be[8];
    qcow2_put_be64(be, b * cs);
    r = qcow2_write_durable(q, be, 8, q->h.reftable_offset + ti * 8);
    if (r < 0)
        return r;
    q->reftable[ti] = b * cs;
    qcow2_meta_add(q, b * cs, 1);
    q->alloc_end = MAX(q->alloc_end, b + 1);
    return 0;
}

static int qcow2_update(Qcow2 *q, uint64_t cluster, uint64_t n, int delta, uint64_t rlo,
                        uint64_t rhi)
{
    uint64_t R = q->refblock_entries;
    while (n > 0) {
        uint64_t ti = cluster / R, bi = cluster % R;
        uint64_t take = MIN(n, R - bi);
        int64_t rbo = qcow2_refblock_offset(q, ti);
        if (rbo < 0)
            return (int)rbo;
        if (rbo == 0) {
            if (delta < 0) {
                qcow2_mark_corrupt(q, "refcount of a cluster in use is 0");
                return -EIO;
            }
            int r = qcow2_ensure_refblock(q, ti, rlo, rhi);
            if (r < 0)
                return r;
            rbo = (int64_t)q->reftable[ti];
        }
        int err = 0;
        void *block = qcow2_cache_get(q->rb_cache, (uint64_t)rbo, &err);
        if (!block)
            return err;
        for (uint64_t i = 0; i < take; i++) {
            uint64_t v = qcow2_rb_entry_get(q, block, bi + i);
            if ((delta < 0 && v == 0) || (delta > 0 && v == q->refcount_max)) {
                qcow2_cache_put(q->rb_cache, block);
                qcow2_mark_corrupt(q, delta < 0 ? "refcount underflow" : "refcount overflow");
                return -EIO;
            }
            v = delta < 0 ? v - 1 : v + 1;
            qcow2_rb_entry_set(q, block, bi + i, v);
            if (v == 0 && cluster + i < q->free_hint)
                q->free_hint = cluster + i;
        }
        qcow2_cache_mark_dirty(q->rb_cache, block);
        qcow2_cache_put(q->rb_cache, block);
        if (delta > 0)
            q->alloc_end = MAX(q->alloc_end, cluster + take);
        cluster += take;
        n -= take;
    }
    return 0;
}

int qcow2_refcount_update(Qcow2 *q, uint64_t cluster, uint64_t n, int delta)
{
    return qcow2_update(q, cluster, n, delta, cluster, delta > 0 ? cluster + n : cluster);
}

/* Length (<= @max) of the run of free clusters at @c; 0 if @c is in use. */
static int qcow2_free_run(Qcow2 *q, uint64_t c, uint64_t max, uint64_t *run)
{
    uint64_t R = q->refblock_entries;
    *run = 0;
    while (*run < max) {
        uint64_t ti = (c + *run) / R, bi = (c + *run) % R;
        int64_t rbo = qcow2_refblock_offset(q, ti);
        if (rbo < 0)
            return (int)rbo;
        if (rbo == 0) {             /* no block: all free */
            *run += MIN(max - *run, R - bi);
            continue;
        }
        int err = 0;
        void *block = qcow2_cache_get(q->rb_cache, (uint64_t)rbo, &err);
        if (!block)
            return err;
        uint64_t i = bi;
        for (; i < R && *run < max && qcow2_rb_entry_get(q, block, i) == 0; i++)
            (*run)++;
        qcow2_cache_put(q->rb_cache, block);
        if (i < R && *run < max)
            break;                  /* hit a used cluster */
    }
    return 0;
}

/* The first cluster at or after @c whose refcount is 0. */
static int qcow2_next_free(Qcow2 *q, uint64_t c, uint64_t *found)
{
    uint64_t R = q->refblock_entries;
    for (;;) {
        uint64_t ti = c / R;
        int64_t rbo = qcow2_refblock_offset(q, ti);
        if (rbo <= 0) {
            *found = c;
            return (int)rbo;
        }
        int err = 0;
        void *block = qcow2_cache_get(q->rb_cache, (uint64_t)rbo, &err);
        if (!block)
            return err;
        uint64_t i = c % R;
        while (i < R && qcow2_rb_entry_get(q, block, i) != 0)
            i++;
        qcow2_cache_put(q->rb_cache, block);
        c = ti * R + i;
        if (i < R) {
            *found = c;
            return 0;
        }
    }
}

int64_t qcow2_alloc_clusters(Qcow2 *q, uint64_t n, bool exact, uint64_t *got)
{
    uint64_t c = q->free_hint, run = 0;
    bool skipped = false;
    for (;;) {
        int r = qcow2_next_free(q, c, &c);
        if (r < 0)
            return r;
        r = qcow2_free_run(q, c, n, &run);
        if (r < 0)
            return r;
        if (run == n || (!exact && run > 0))
            break;
        skipped = true;
        c += run;
    }
    if (c + run > (1ull << (56 - q->cluster_bits)))
        return -EFBIG;
    if (qcow2_meta_overlaps(q, c << q->cluster_bits, run)) {
        qcow2_mark_corrupt(q, "a free cluster holds metadata");
        return -EIO;
    }
    if (!skipped)
        q->free_hint = c + run;     /* everything below is in use */
    q->alloc_end = MAX(q->alloc_end, c + run);
    int r = qcow2_refcount_update(q, c, run, 1);
    if (r < 0)
        return r;
    *got = run;
    return (int64_t)(c << q->cluster_bits);
}

void qcow2_free_later(Qcow2 *q, uint64_t offset, uint64_t len)
{
    if (len == 0)
        return;
    GArray *p = q->pending_free;
    if (p->len) {
        Qcow2Range *last = &g_array_index(p, Qcow2Range, p->len - 1);
        if (last->offset + last->len == offset &&
            (offset & (q->cluster_size - 1)) == 0) {
            last->len += len;
            return;
        }
    }
    Qcow2Range rng = { offset, len };
    g_array_append_val(p, rng);
}

int qcow2_free_pending(Qcow2 *q)
{
    if (q->inflight)
        return 0;
    GArray *p = q->pending_free;
    int ret = 0;
    guint done = 0;
    for (; done < p->len; done++) {
        Qcow2Range *rng = &g_array_index(p, Qcow2Range, done);
        uint64_t first = rng->offset >> q->cluster_bits;
        uint64_t last = (rng->offset + rng->len - 1) >> q->cluster_bits;
        ret = qcow2_refcount_update(q, first, last - first + 1, -1);
        if (ret < 0)
            break;
    }
    g_array_remove_range(p, 0, done);
    return ret;
}

int qcow2_refcount_init(Qcow2 *q)
{
    uint64_t R = q->refblock_entries;
    q->alloc_end = 0;
    for (uint64_t ti = q->reftable_size; ti-- > 0 && q->alloc_end == 0;) {
        int64_t rbo = qcow2_refblock_offset(q, ti);
        if (rbo < 0)
            return (int)rbo;
        if (rbo == 0)
            continue;
        int err = 0;
        void *block = qcow2_cache_get(q->rb_cache, (uint64_t)rbo, &err);
        if (!block)
            return err;
        for (uint64_t i = R; i-- > 0;) {
            if (qcow2_rb_entry_get(q, block, i)) {
                q->alloc_end = ti * R + i + 1;
                break;
            }
        }
        qcow2_cache_put(q->rb_cache, block);
    }
    q->free_hint = 0;
    return 0;
}
