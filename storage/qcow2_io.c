/* qcow2_io.c - guest reads, writes and zeroing on a qcow2 image.
 *
 * Reads map a run of clusters under the lock and then read without it:
 * allocated data from the file, unallocated clusters from the backing
 * chain (zeros past its end or without one), zero clusters as zeros,
 * compressed clusters inflated (raw deflate, zlib's inflate).  Writes to
 * clusters that are allocated with refcount 1 go straight to the file,
 * lock dropped.  Everything else allocates: new clusters for a whole run
 * at once under the lock, then without it the parts of the first and
 * last cluster the write does not cover copied from what they read
 * before (backing file, compressed data, zeros) and one vectored write,
 * then under the lock again the L2 entries changed in the cache; the old
 * clusters (compressed data) are released after the next flush.  Guest
 * clusters being allocated are noted (Qcow2.allocs) and other writes to
 * them, and zeroing, wait until that write is done.  Zeroing holds the
 * lock throughout. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Never written: a cluster of zeros for any cluster size. */
static uint8_t qcow2_zeros[1u << QCOW2_MAX_CLUSTER_BITS];

int qcow2_read_compressed(Qcow2 *q, uint64_t entry, uint8_t *out)
{
    uint64_t coff = entry & q->coffset_mask;
    uint64_t nsec = ((entry >> q->csize_shift) & q->csize_mask) + 1;
    size_t csize = (size_t)(nsec * 512 - (coff & 511));
    uint8_t *in = malloc(csize);
    if (!in)
        return -ENOMEM;
    int r = file_pread_zero(q->img.fd, in, csize, coff);
    if (r == 0) {
        z_stream zs = { 0 };
        zs.next_in = in;
        zs.avail_in = (uInt)csize;
        zs.next_out = out;
        zs.avail_out = (uInt)q->cluster_size;
        if (inflateInit2(&zs, -12) != Z_OK) {
            r = -ENOMEM;
        } else {
            int z = inflate(&zs, Z_FINISH);
            if ((z != Z_STREAM_END && z != Z_BUF_ERROR) || zs.avail_out != 0)
                r = -EIO;       /* not a whole cluster of valid deflate data */
            inflateEnd(&zs);
        }
    }
    free(in);
    return r;
}

int qcow2_read_backing(Qcow2 *q, const struct iovec *iov, int iovcnt, uint64_t off,
                       uint64_t len)
{
    StorageImage *b = q->img.backing;
    uint64_t have = 0;
    if (b && off < b->size)
        have = MIN(len, b->size - off);
    if (have) {
        struct iovec *sl = g_new(struct iovec, iovcnt);
        int n = iov_slice(iov, iovcnt, 0, have, sl, iovcnt);
        int r = n < 0 ? -EINVAL : b->ops->preadv(b, sl, n, off, have);
        g_free(sl);
        if (r < 0)
            return r;
    }
    if (have < len)
        iov_memset(iov, iovcnt, have, 0, len - have);
    return 0;
}

/* Guest bytes [off, off + len) of the cluster run @m as they read now,
 * into @buf (for copy-on-write).  @first = guest offset where @m starts
 * (m->host describes that byte). */
static int qcow2_read_old(Qcow2 *q, const Qcow2Mapping *m, uint64_t first, uint64_t off,
                          uint8_t *buf, uint64_t len)
{
    struct iovec v = { buf, len };
    switch (m->type) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return qcow2_read_backing(q, &v, 1, off, len);
    case QCOW2_CLUSTER_ZERO_PLAIN:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        memset(buf, 0, len);
        return 0;
    case QCOW2_CLUSTER_NORMAL:
        return file_pread_zero(q->img.fd, buf, len, m->host + (off - first));
    case QCOW2_CLUSTER_COMPRESSED: {
        uint8_t *c = malloc(q->cluster_size);
        if (!c)
            return -ENOMEM;
        int r = qcow2_read_compressed(q, m->host, c);
        if (r == 0)
            memcpy(buf, c + (off & (q->cluster_size - 1)), len);
        free(c);
        return r;
    }
    }
    return -EIO;
}

int qcow2_preadv(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                 uint64_t len)
{
    Qcow2 *q = (Qcow2 *)img;
    struct iovec *sl = g_new(struct iovec, iovcnt);
    uint8_t *cbuf = NULL;
    int r = 0;
    for (uint64_t pos = 0; pos < len && r == 0;) {
        Qcow2Mapping m;
        pthread_mutex_lock(&q->lock);
        r = qcow2_map(q, off + pos, len - pos, &m);
        bool through_file = r == 0 && (m.type == QCOW2_CLUSTER_NORMAL ||
                                       m.type == QCOW2_CLUSTER_COMPRESSED);
        if (through_file)
            atomic_fetch_add(&q->inflight, 1);
        pthread_mutex_unlock(&q->lock);
        if (r < 0)
            break;
        int n = iov_slice(iov, iovcnt, pos, m.bytes, sl, iovcnt);
        switch (m.type) {
        case QCOW2_CLUSTER_NORMAL:
            r = file_preadv_zero(img->fd, sl, n, m.host);
            break;
        case QCOW2_CLUSTER_ZERO_PLAIN:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            iov_memset(sl, n, 0, 0, m.bytes);
            break;
        case QCOW2_CLUSTER_UNALLOCATED:
            r = qcow2_read_backing(q, sl, n, off + pos, m.bytes);
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            if (!cbuf && !(cbuf = malloc(q->cluster_size))) {
                r = -ENOMEM;
                break;
            }
            r = qcow2_read_compressed(q, m.host, cbuf);
            if (r == 0)
                iov_from_buf(sl, n, 0, cbuf + ((off + pos) & (q->cluster_size - 1)), m.bytes);
            break;
        }
        if (through_file)
            atomic_fetch_sub(&q->inflight, 1);
        pos += m.bytes;
    }
    free(cbuf);
    g_free(sl);
    return r;
}

int qcow2_allocated(StorageImage *img, uint64_t off, uint64_t len, uint64_t *bytes)
{
    Qcow2 *q = (Qcow2 *)img;
    Qcow2Mapping m;
    pthread_mutex_lock(&q->lock);
    int r = qcow2_map(q, off, len, &m);
    pthread_mutex_unlock(&q->lock);
    if (r < 0)
        return r;
    *bytes = m.bytes;
    return m.type != QCOW2_CLUSTER_UNALLOCATED;
}

/* Set L2 entry @goff (guest offset) to @entry; the old entry in *@old. */
static int qcow2_l2_set(Qcow2 *q, uint64_t goff, uint64_t entry, uint64_t *old)
{
    uint64_t *l2;
    int r = qcow2_l2_get(q, goff / q->l2_span, true, &l2);
    if (r < 0)
        return r;
    uint64_t i = (goff >> q->cluster_bits) & (q->l2_entries - 1);
    if (old)
        *old = qcow2_be64((const uint8_t *)&l2[i]);
    qcow2_put_be64((uint8_t *)&l2[i], entry);
    qcow2_cache_mark_dirty(q->l2_cache, l2);
    qcow2_cache_put(q->l2_cache, l2);
    return 0;
}

/* Release the host space an old L2 entry held (after the next flush). */
static void qcow2_drop_entry(Qcow2 *q, uint64_t old)
{
    Qcow2ClusterType t;
    if (qcow2_entry_type(q, old, &t) < 0)
        return;
    if (t == QCOW2_CLUSTER_COMPRESSED) {
        uint64_t coff = old & q->coffset_mask;
        uint64_t nsec = ((old >> q->csize_shift) & q->csize_mask) + 1;
        qcow2_free_later(q, coff, nsec * 512 - (coff & 511));
    } else if (t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) {
        qcow2_free_later(q, old & QCOW2_OFFSET_MASK, q->cluster_size);
    }
}

/* The data iov, wrapped in @head and @tail buffers, as one vector. */
static struct iovec *qcow2_wrap(const struct iovec *iov, int iovcnt, uint64_t skip,
                                uint64_t len, void *head, uint64_t hlen, void *tail,
                                uint64_t tlen, int *cnt)
{
    struct iovec *v = g_new(struct iovec, iovcnt + 2);
    int n = 0;
    if (hlen)
        v[n++] = (struct iovec){ head, hlen };
    int k = iov_slice(iov, iovcnt, skip, len, v + n, iovcnt);
    if (k < 0) {
        g_free(v);
        return NULL;
    }
    n += k;
    if (tlen)
        v[n++] = (struct iovec){ tail, tlen };
    *cnt = n;
    return v;
}

/* Lock held, before guest data is written in place at the @clusters
 * clusters from @host (an L2 entry's): false, and the image marked
 * corrupt, if they hold metadata or lie past every cluster that has a
 * refcount (an entry pointing outside the file: writing there would
 * grow the file, and the allocator could later hand the cluster out a
 * second time). */
static bool qcow2_in_place_ok(Qcow2 *q, uint64_t host, uint64_t clusters)
{
    const char *why = NULL;
    if (qcow2_meta_overlaps(q, host, clusters))
        why = "L2 entry points at metadata";
    else if (qcow2_cluster_of(q, host) + clusters > q->alloc_end)
        why = "L2 entry points past the allocated clusters";
    if (why)
        qcow2_mark_corrupt(q, why);
    return !why;
}

/* Write into a preallocated zero cluster (ZERO_ALLOC): the rest of the
 * cluster becomes zeros, the entry a normal one.  Lock held. */
static int qcow2_write_zero_alloc(Qcow2 *q, uint64_t goff, const Qcow2Mapping *m,
                                  const struct iovec *iov, int iovcnt, uint64_t skip,
                                  uint64_t *done)
{
    uint64_t cs = q->cluster_size, in = goff & (cs - 1);
    uint64_t bytes = MIN(m->bytes, cs - in);
    uint64_t host = m->host - in;
    if (!qcow2_in_place_ok(q, host, 1))
        return -EIO;
    int n;
    struct iovec *v = qcow2_wrap(iov, iovcnt, skip, bytes, qcow2_zeros, in, qcow2_zeros,
                                 cs - in - bytes, &n);
    if (!v)
        return -EINVAL;
    q->unsynced = true;
    int r = file_pwritev_full(q->img.fd, v, n, host);
    g_free(v);
    if (r == 0)
        r = qcow2_l2_set(q, goff, host | QCOW2_OFLAG_COPIED, NULL);
    if (r == 0)
        *done = bytes;
    return r;
}

/* An allocating write of one run, between qcow2_alloc_begin and
 * qcow2_alloc_end: the new clusters and what the data phase, which runs
 * without the lock, needs. */
typedef struct {
    Qcow2Mapping m;             /* how the guest run read before */
    uint64_t goff;              /* guest offset of the write */
    uint64_t cstart;            /* guest offset of its first cluster */
    uint64_t host;              /* host offset of the new clusters */
    uint64_t got;               /* new clusters */
    uint64_t in, bytes, tlen;   /* head (copied), data, tail (copied) */
    bool fresh;                 /* the new clusters were never written */
} Qcow2AllocWrite;

/* Does an allocating write in flight cover a guest cluster of
 * [off, off + len)?  Lock held. */
static bool qcow2_alloc_busy(Qcow2 *q, uint64_t off, uint64_t len)
{
    uint64_t first = off >> q->cluster_bits, end = ((off + len - 1) >> q->cluster_bits) + 1;
    for (guint i = 0; i < q->allocs->len; i++) {
        const Qcow2Range *a = &g_array_index(q->allocs, Qcow2Range, i);
        if (a->offset < end && first < a->offset + a->len)
            return true;
    }
    return false;
}

/* Allocate the clusters for the run @m at guest @goff and note them in
 * flight (lock held).  The whole run if one free stretch of the file
 * holds it, else a first part (w->bytes). */
static int qcow2_alloc_begin(Qcow2 *q, uint64_t goff, const Qcow2Mapping *m, Qcow2AllocWrite *w)
{
    uint64_t cs = q->cluster_size, in = goff & (cs - 1);
    uint64_t want = (in + m->bytes + cs - 1) / cs;
    /* the L2 table first, so that it sits before its data */
    uint64_t *l2;
    int r = qcow2_l2_get(q, goff / q->l2_span, true, &l2);
    if (r < 0)
        return r;
    qcow2_cache_put(q->l2_cache, l2);
    uint64_t got, fresh_from = MAX(q->fresh_end, q->alloc_end);
    int64_t host = qcow2_alloc_clusters(q, want, false, &got);
    if (host < 0)
        return (int)host;
    uint64_t bytes = MIN(m->bytes, got * cs - in);
    *w = (Qcow2AllocWrite){ .m = *m, .goff = goff, .cstart = goff - in, .host = (uint64_t)host,
                            .got = got, .in = in, .bytes = bytes,
                            .tlen = (cs - ((in + bytes) & (cs - 1))) & (cs - 1),
                            .fresh = ((uint64_t)host >> q->cluster_bits) >= fresh_from };
    Qcow2Range busy = { w->cstart >> q->cluster_bits, got };
    g_array_append_val(q->allocs, busy);
    atomic_fetch_add(&q->inflight, 1);
    return 0;
}

/* Do the guest bytes of the run @m from @off on read as zeros without
 * looking at data (unallocated past the backing file, zero clusters)? */
static bool qcow2_old_is_zero(const Qcow2 *q, const Qcow2Mapping *m, uint64_t off)
{
    const StorageImage *b = q->img.backing;
    return m->type == QCOW2_CLUSTER_ZERO_PLAIN ||
           (m->type == QCOW2_CLUSTER_UNALLOCATED && (!b || off >= b->size));
}

/* The data phase (no lock needed): the parts of the first and last
 * cluster the write does not cover read as they read before, and one
 * vectored write of the whole new run.  Where those parts are zeros and
 * the new clusters were never written (they are past what the file
 * ever held), they are not written: the file reads zeros there anyway,
 * a hole, or past its end for the last cluster, which qemu-img and QEMU
 * read as zeros too (our reads do: file_pread_zero).  A 4 KiB write into
 * a fresh 64 KiB cluster then writes 4 KiB, not 64. */
static int qcow2_alloc_data(Qcow2 *q, const Qcow2AllocWrite *w, const struct iovec *iov,
                            int iovcnt, uint64_t skip)
{
    uint8_t *head = NULL, *tail = NULL;
    uint64_t in = w->in, tlen = w->tlen;
    bool skip_head = in && w->fresh && qcow2_old_is_zero(q, &w->m, w->cstart);
    bool skip_tail = tlen && w->fresh && qcow2_old_is_zero(q, &w->m, w->goff + w->bytes);
    int r = 0;
    if (skip_head)
        in = 0;
    if (skip_tail)
        tlen = 0;
    if (in) {
        head = malloc(in);
        r = head ? qcow2_read_old(q, &w->m, w->goff, w->cstart, head, in) : -ENOMEM;
    }
    if (r == 0 && tlen) {
        tail = malloc(tlen);
        r = tail ? qcow2_read_old(q, &w->m, w->goff, w->goff + w->bytes, tail, tlen) : -ENOMEM;
    }
    if (r == 0) {
        int n;
        struct iovec *v = qcow2_wrap(iov, iovcnt, skip, w->bytes, head, in, tail, tlen, &n);
        r = v ? file_pwritev_full(q->img.fd, v, n, w->host + (w->in - in)) : -EINVAL;
        g_free(v);
    }
    free(head);
    free(tail);
    return r;
}

/* End the allocating write (lock held): on success (@r == 0) the L2
 * entries point at the new clusters, the old ones are released after
 * the next flush; on failure the new clusters go back.  Waiters wake. */
static int qcow2_alloc_end(Qcow2 *q, const Qcow2AllocWrite *w, int r)
{
    uint64_t first = w->cstart >> q->cluster_bits;
    if (r == 0) {
        /* the data is written: the next sync must cover it before any
         * L2 table that points at it is written */
        q->unsynced = true;
        uint64_t *l2;
        r = qcow2_l2_get(q, w->cstart / q->l2_span, true, &l2);
        if (r == 0) {
            uint64_t i0 = first & (q->l2_entries - 1);
            for (uint64_t k = 0; k < w->got; k++) {
                uint8_t *p = (uint8_t *)&l2[i0 + k];
                uint64_t old = qcow2_be64(p);
                qcow2_put_be64(p, (w->host + (k << q->cluster_bits)) | QCOW2_OFLAG_COPIED);
                qcow2_drop_entry(q, old);
            }
            qcow2_cache_mark_dirty(q->l2_cache, l2);
            qcow2_cache_put(q->l2_cache, l2);
        }
    } else {
        /* nothing points at them: free now (their refcounts may already
         * be on disk, a leak at worst if this one is lost) */
        qcow2_refcount_update(q, w->host >> q->cluster_bits, w->got, -1);
    }
    for (guint i = 0; i < q->allocs->len; i++) {
        if (g_array_index(q->allocs, Qcow2Range, i).offset == first) {
            g_array_remove_index_fast(q->allocs, i);
            break;
        }
    }
    atomic_fetch_sub(&q->inflight, 1);
    pthread_cond_broadcast(&q->alloc_done);
    return r;
}

/* Allocating write with the lock held throughout (zeroing). */
static int qcow2_write_alloc(Qcow2 *q, uint64_t goff, const Qcow2Mapping *m,
                             const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t *done)
{
    if (m->type == QCOW2_CLUSTER_ZERO_ALLOC)
        return qcow2_write_zero_alloc(q, goff, m, iov, iovcnt, skip, done);
    Qcow2AllocWrite w;
    int r = qcow2_alloc_begin(q, goff, m, &w);
    if (r < 0)
        return r;
    r = qcow2_alloc_end(q, &w, qcow2_alloc_data(q, &w, iov, iovcnt, skip));
    if (r == 0)
        *done = w.bytes;
    return r;
}

/* Write with the lock held (zeroing partial clusters). */
static int qcow2_write_locked(Qcow2 *q, const struct iovec *iov, int iovcnt, uint64_t off,
                              uint64_t len)
{
    struct iovec *sl = g_new(struct iovec, iovcnt);
    int r = 0;
    for (uint64_t pos = 0; pos < len && r == 0;) {
        Qcow2Mapping m;
        r = qcow2_map(q, off + pos, len - pos, &m);
        if (r < 0)
            break;
        uint64_t done = m.bytes;
        if (m.type == QCOW2_CLUSTER_NORMAL && m.copied) {
            if (!qcow2_in_place_ok(q, m.host & ~(q->cluster_size - 1),
                                   qcow2_clusters_for(q, (m.host & (q->cluster_size - 1)) +
                                                             m.bytes))) {
                r = -EIO;
                break;
            }
            int n = iov_slice(iov, iovcnt, pos, m.bytes, sl, iovcnt);
            r = file_pwritev_full(q->img.fd, sl, n, m.host);
            q->unsynced = true;
        } else {
            r = qcow2_write_alloc(q, off + pos, &m, iov, iovcnt, pos, &done);
        }
        pos += done;
    }
    g_free(sl);
    return r;
}

int qcow2_pwritev(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                  uint64_t len)
{
    Qcow2 *q = (Qcow2 *)img;
    struct iovec *sl = g_new(struct iovec, iovcnt);
    int r = 0;
    for (uint64_t pos = 0; pos < len && r == 0;) {
        Qcow2Mapping m;
        pthread_mutex_lock(&q->lock);
        if (q->corrupt) {
            pthread_mutex_unlock(&q->lock);
            r = -EIO;
            break;
        }
        r = qcow2_map(q, off + pos, len - pos, &m);
        if (r == 0 && m.type == QCOW2_CLUSTER_NORMAL && m.copied) {
            uint64_t in = m.host & (q->cluster_size - 1);
            if (!qcow2_in_place_ok(q, m.host - in, qcow2_clusters_for(q, in + m.bytes))) {
                r = -EIO;
            } else {
                /* in place, without the lock */
                atomic_fetch_add(&q->inflight, 1);
                pthread_mutex_unlock(&q->lock);
                int n = iov_slice(iov, iovcnt, pos, m.bytes, sl, iovcnt);
                r = file_pwritev_full(img->fd, sl, n, m.host);
                q->unsynced = true;
                atomic_fetch_sub(&q->inflight, 1);
                pos += m.bytes;
                continue;
            }
        }
        if (r == 0 && qcow2_alloc_busy(q, off + pos, m.bytes)) {
            /* another write is allocating these guest clusters: map
             * again once it is done */
            pthread_cond_wait(&q->alloc_done, &q->lock);
            pthread_mutex_unlock(&q->lock);
            continue;
        }
        uint64_t done = 0;
        if (r == 0 && m.type == QCOW2_CLUSTER_ZERO_ALLOC) {
            r = qcow2_write_zero_alloc(q, off + pos, &m, iov, iovcnt, pos, &done);
        } else if (r == 0) {
            /* allocate under the lock, write the data without it */
            Qcow2AllocWrite w;
            r = qcow2_alloc_begin(q, off + pos, &m, &w);
            if (r == 0) {
                pthread_mutex_unlock(&q->lock);
                int d = qcow2_alloc_data(q, &w, iov, iovcnt, pos);
                pthread_mutex_lock(&q->lock);
                r = qcow2_alloc_end(q, &w, d);
                done = w.bytes;
            }
        }
        pthread_mutex_unlock(&q->lock);
        pos += done;
    }
    g_free(sl);
    return r;
}

/* Whole clusters [goff, goff + n * cs) within one L2 table read as zeros
 * afterwards (lock held). */
static int qcow2_zero_clusters(Qcow2 *q, uint64_t goff, uint64_t n, bool unmap)
{
    bool backing = q->img.backing != NULL;
    uint64_t cs = q->cluster_size;
    if (q->h.version < 3) {
        /* no zero flag: unallocate where nothing shows through, else
         * write zeros */
        for (uint64_t k = 0; k < n; k++) {
            uint64_t g = goff + k * cs;
            Qcow2Mapping m;
            int r = qcow2_map(q, g, cs, &m);
            if (r < 0)
                return r;
            if (m.type == QCOW2_CLUSTER_UNALLOCATED && !backing)
                continue;
            if (!backing && (unmap || m.type == QCOW2_CLUSTER_COMPRESSED || !m.copied)) {
                uint64_t old;
                r = qcow2_l2_set(q, g, 0, &old);
                if (r < 0)
                    return r;
                qcow2_drop_entry(q, old);
                continue;
            }
            struct iovec v = { qcow2_zeros, cs };
            r = qcow2_write_locked(q, &v, 1, g, cs);
            if (r < 0)
                return r;
        }
        return 0;
    }
    uint64_t *l2;
    int r = qcow2_l2_get(q, goff / q->l2_span, backing, &l2);
    if (r < 0 || !l2)
        return r;
    uint64_t i0 = (goff >> q->cluster_bits) & (q->l2_entries - 1);
    for (uint64_t k = 0; k < n; k++) {
        uint8_t *p = (uint8_t *)&l2[i0 + k];
        uint64_t old = qcow2_be64(p), e = old;
        Qcow2ClusterType t;
        r = qcow2_entry_type(q, old, &t);
        if (r < 0)
            break;
        uint64_t plain = backing ? QCOW2_OFLAG_ZERO : 0;
        switch (t) {
        case QCOW2_CLUSTER_UNALLOCATED:
            e = plain;
            break;
        case QCOW2_CLUSTER_ZERO_PLAIN:
            break;
        case QCOW2_CLUSTER_ZERO_ALLOC:
            if (unmap)
                e = plain;
            break;
        case QCOW2_CLUSTER_NORMAL:
            e = unmap || !(old & QCOW2_OFLAG_COPIED) ? plain : old | QCOW2_OFLAG_ZERO;
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            e = plain;
            break;
        }
        if (e != old) {
            qcow2_put_be64(p, e);
            qcow2_cache_mark_dirty(q->l2_cache, l2);
            if ((e & QCOW2_OFFSET_MASK) == 0)
                qcow2_drop_entry(q, old);
        }
    }
    qcow2_cache_put(q->l2_cache, l2);
    return r;
}

int qcow2_zero(StorageImage *img, uint64_t off, uint64_t len, bool unmap)
{
    Qcow2 *q = (Qcow2 *)img;
    uint64_t cs = q->cluster_size, end = off + len;
    int r = 0;
    pthread_mutex_lock(&q->lock);
    /* an allocating write in flight here would undo the zeroing */
    while (len && qcow2_alloc_busy(q, off, len))
        pthread_cond_wait(&q->alloc_done, &q->lock);
    if (q->corrupt)
        r = -EIO;
    for (uint64_t pos = off; pos < end && r == 0;) {
        uint64_t in = pos & (cs - 1);
        if (in == 0 && end - pos >= cs) {
            uint64_t left_in_l2 = q->l2_entries - ((pos >> q->cluster_bits) & (q->l2_entries - 1));
            uint64_t n = MIN((end - pos) / cs, left_in_l2);
            r = qcow2_zero_clusters(q, pos, n, unmap);
            pos += n * cs;
            continue;
        }
        uint64_t plen = MIN(end - pos, cs - in);
        Qcow2Mapping m;
        r = qcow2_map(q, pos, plen, &m);
        if (r < 0)
            break;
        bool zero_now = m.type == QCOW2_CLUSTER_ZERO_PLAIN || m.type == QCOW2_CLUSTER_ZERO_ALLOC ||
                        (m.type == QCOW2_CLUSTER_UNALLOCATED &&
                         (!img->backing || pos >= img->backing->size));
        if (!zero_now) {
            struct iovec v = { qcow2_zeros, m.bytes };
            r = qcow2_write_locked(q, &v, 1, pos, m.bytes);
        }
        pos += m.bytes;
    }
    pthread_mutex_unlock(&q->lock);
    return r;
}
