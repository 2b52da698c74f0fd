/* qcow2_io.c - guest reads, writes and zeroing on a qcow2 image.
 *
 * Reads map a run of clusters under the lock and then read without it:
 * allocated data from the file, unallocated clusters from the backing
 * chain (zeros past its end or without one), zero clusters as zeros,
 * compressed clusters inflated (raw deflate, zlib's inflate).  Writes to
 * clusters that are allocated with refcount 1 go straight to the file,
 * lock dropped.  Everything else allocates: new clusters for a whole run
 * at once, the parts of the first and last cluster the write does not
 * cover copied from what they read before (backing file, compressed
 * data, zeros), one vectored write, then the L2 entries changed in the
 * cache; the old clusters (compressed data) are released after the next
 * flush.  Allocating writes and zeroing hold the lock throughout. */
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

/* Write into a preallocated zero cluster (ZERO_ALLOC): the rest of the
 * cluster becomes zeros, the entry a normal one.  Lock held. */
static int qcow2_write_zero_alloc(Qcow2 *q, uint64_t goff, const Qcow2Mapping *m,
                                  const struct iovec *iov, int iovcnt, uint64_t skip,
                                  uint64_t *done)
{
    uint64_t cs = q->cluster_size, in = goff & (cs - 1);
    uint64_t bytes = MIN(m->bytes, cs - in);
    uint64_t host = m->host - in;
    if (qcow2_meta_overlaps(q, host, 1)) {
        qcow2_mark_corrupt(q, "L2 entry points at metadata");
        return -EIO;
    }
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

/* Allocating write of the run @m at guest @goff (lock held): data from
 * @iov at @skip; *@done = bytes written. */
static int qcow2_write_alloc(Qcow2 *q, uint64_t goff, const Qcow2Mapping *m,
                             const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t *done)
{
    if (m->type == QCOW2_CLUSTER_ZERO_ALLOC)
        return qcow2_write_zero_alloc(q, goff, m, iov, iovcnt, skip, done);
    uint64_t cs = q->cluster_size, in = goff & (cs - 1);
    uint64_t want = (in + m->bytes + cs - 1) / cs;
    /* the L2 table first, so that it sits before its data */
    uint64_t *l2;
    int r = qcow2_l2_get(q, goff / q->l2_span, true, &l2);
    if (r < 0)
        return r;
    qcow2_cache_put(q->l2_cache, l2);
    uint64_t got;
    int64_t host = qcow2_alloc_clusters(q, want, false, &got);
    if (host < 0)
        return (int)host;
    uint64_t bytes = MIN(m->bytes, got * cs - in);
    uint64_t end = in + bytes;                      /* within the new run */
    uint64_t tlen = (cs - (end & (cs - 1))) & (cs - 1);
    uint8_t *head = NULL, *tail = NULL;
    uint64_t cstart = goff - in;                    /* guest offset of the run */
    if (in) {
        head = malloc(in);
        r = head ? qcow2_read_old(q, m, goff, cstart, head, in) : -ENOMEM;
    }
    if (r == 0 && tlen) {
        tail = malloc(tlen);
        r = tail ? qcow2_read_old(q, m, goff, cstart + end, tail, tlen) : -ENOMEM;
    }
    int n = 0;
    struct iovec *v = NULL;
    if (r == 0) {
        v = qcow2_wrap(iov, iovcnt, skip, bytes, head, in, tail, tlen, &n);
        r = v ? 0 : -EINVAL;
    }
    if (r == 0) {
        q->unsynced = true;
        r = file_pwritev_full(q->img.fd, v, n, (uint64_t)host);
    }
    for (uint64_t k = 0; r == 0 && k < got; k++) {
        uint64_t old;
        r = qcow2_l2_set(q, cstart + k * cs, ((uint64_t)host + k * cs) | QCOW2_OFLAG_COPIED,
                         &old);
        if (r == 0)
            qcow2_drop_entry(q, old);
    }
    g_free(v);
    free(head);
    free(tail);
    if (r == 0)
        *done = bytes;
    return r;
}

/* The old-cluster reads in qcow2_read_old want host = the mapping of
 * guest byte @first; qcow2_write_alloc passes the run's first guest
 * byte, whose host is m->host. */

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
            if (qcow2_meta_overlaps(q, m.host & ~(q->cluster_size - 1),
                                    qcow2_clusters_for(q, (m.host & (q->cluster_size - 1)) +
                                                              m.bytes))) {
                qcow2_mark_corrupt(q, "L2 entry points at metadata");
                r = -EIO;
                break;
            }
            int n = iov_slice(iov, iovcnt, pos, m.bytes, sl, iovcnt);
            q->unsynced = true;
            r = file_pwritev_full(q->img.fd, sl, n, m.host);
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
            if (qcow2_meta_overlaps(q, m.host - in, qcow2_clusters_for(q, in + m.bytes))) {
                qcow2_mark_corrupt(q, "L2 entry points at metadata");
                r = -EIO;
            } else {
                /* in place, without the lock */
                atomic_fetch_add(&q->inflight, 1);
                q->unsynced = true;
                pthread_mutex_unlock(&q->lock);
                int n = iov_slice(iov, iovcnt, pos, m.bytes, sl, iovcnt);
                r = file_pwritev_full(img->fd, sl, n, m.host);
                atomic_fetch_sub(&q->inflight, 1);
                pos += m.bytes;
                continue;
            }
        }
        uint64_t done = 0;
        if (r == 0)
            r = qcow2_write_alloc(q, off + pos, &m, iov, iovcnt, pos, &done);
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
