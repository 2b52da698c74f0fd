/* qcow2_create.c - a new, empty qcow2 image as QEMU lays it out: the
 * header cluster (header, backing format extension, end marker, backing
 * file name), the refcount table, the refcount blocks counting every
 * metadata cluster, and a zeroed L1 table.  Version 3 by default
 * (header_length 112, refcount_order 4, no features), version 2 with
 * compat_v2.  Metadata preallocation then allocates every L2 table and
 * data cluster through the normal allocator and extends the file over
 * them, so they read as zeros. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"
#include "i18n.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean qcow2_create_fail(const char *name, int r, GError **error)
{
    g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot create %s: %s"), name,
                g_strerror(-r));
    return FALSE;
}

/* Allocate every cluster of the image (lock held). */
static int qcow2_prealloc_metadata(Qcow2 *q)
{
    uint64_t clusters = qcow2_clusters_for(q, q->img.size);
    for (uint64_t c = 0; c < clusters;) {
        uint64_t goff = c << q->cluster_bits;
        uint64_t *l2;
        int r = qcow2_l2_get(q, goff / q->l2_span, true, &l2);
        if (r < 0)
            return r;
        uint64_t i0 = c & (q->l2_entries - 1);
        uint64_t n = MIN(clusters - c, q->l2_entries - i0);
        for (uint64_t done = 0; done < n;) {
            uint64_t got;
            int64_t host = qcow2_alloc_clusters(q, n - done, false, &got);
            if (host < 0) {
                qcow2_cache_put(q->l2_cache, l2);
                return (int)host;
            }
            for (uint64_t k = 0; k < got; k++)
                qcow2_put_be64((uint8_t *)&l2[i0 + done + k],
                               ((uint64_t)host + k * q->cluster_size) | QCOW2_OFLAG_COPIED);
            done += got;
        }
        qcow2_cache_mark_dirty(q->l2_cache, l2);
        qcow2_cache_put(q->l2_cache, l2);
        c += n;
    }
    /* the data clusters read as zeros: the file ends after them */
    if (ftruncate(q->img.fd, (off_t)(q->alloc_end << q->cluster_bits)) < 0)
        return -errno;
    return qcow2_flush_locked(q);
}

gboolean storage_qcow2_create(int fd, const char *name, uint64_t size,
                              const StorageCreateOptions *opts, GError **error)
{
    uint64_t cs = opts->cluster_size ? opts->cluster_size : 65536;
    if (cs < 512 || cs > (1u << QCOW2_MAX_CLUSTER_BITS) || (cs & (cs - 1))) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: the cluster size must be a power of two from 512 "
                      "bytes to 2 MiB"), name);
        return FALSE;
    }
    uint32_t cbits = (uint32_t)g_bit_nth_lsf(cs, -1);
    uint64_t l2_span = cs * (cs / 8);
    uint64_t l1_size = (size + l2_span - 1) / l2_span;
    if (l1_size * 8 > QCOW2_MAX_L1_BYTES) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: too large for %" PRIu64 "-byte clusters"),
                    name, cs);
        return FALSE;
    }
    const char *bfmt = opts->backing_file ? storage_format_to_string(opts->backing_format) : NULL;
    size_t blen = opts->backing_file ? strlen(opts->backing_file) : 0;
    if (blen > QCOW2_MAX_BACKING_NAME || (opts->backing_file && blen == 0)) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: the backing file name must be 1 to 1023 bytes"), name);
        return FALSE;
    }
    bool v2 = opts->compat_v2;
    uint32_t hlen = v2 ? QCOW2_V2_HEADER_LEN : QCOW2_HEADER_LEN_CREATE;
    size_t ext_len = bfmt ? 8 + ((strlen(bfmt) + 7) & ~(size_t)7) : 0;
    size_t name_off = hlen + ext_len + 8;
    if (name_off + blen > cs) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: the backing file name does not fit in one cluster"),
                    name);
        return FALSE;
    }

    /* Layout: header, refcount table (T), refcount blocks (B), L1. */
    uint64_t R = cs * 8 / 16, per = cs / 8;
    uint64_t l1c = (l1_size * 8 + cs - 1) / cs, T = 1, B = 1;
    for (;;) {
        uint64_t total = 1 + T + B + l1c;
        uint64_t b = (total + R - 1) / R, t = (b + per - 1) / per;
        if (b == B && t == T)
            break;
        B = b;
        T = t;
    }
    uint64_t total = 1 + T + B + l1c;
    g_autofree uint8_t *buf = g_malloc0((1 + T + B) * cs);
    uint8_t *h = buf;
    qcow2_put_be32(h + QCOW2_OFF_MAGIC, QCOW2_MAGIC);
    qcow2_put_be32(h + QCOW2_OFF_VERSION, v2 ? 2 : 3);
    if (blen) {
        qcow2_put_be64(h + QCOW2_OFF_BACKING_OFFSET, name_off);
        qcow2_put_be32(h + QCOW2_OFF_BACKING_SIZE, (uint32_t)blen);
        memcpy(h + name_off, opts->backing_file, blen);
    }
    qcow2_put_be32(h + QCOW2_OFF_CLUSTER_BITS, cbits);
    qcow2_put_be64(h + QCOW2_OFF_SIZE, size);
    qcow2_put_be32(h + QCOW2_OFF_L1_SIZE, (uint32_t)l1_size);
    qcow2_put_be64(h + QCOW2_OFF_L1_OFFSET, (1 + T + B) * cs);
    qcow2_put_be64(h + QCOW2_OFF_REFTABLE_OFFSET, cs);
    qcow2_put_be32(h + QCOW2_OFF_REFTABLE_CLUSTERS, (uint32_t)T);
    if (!v2) {
        qcow2_put_be32(h + QCOW2_OFF_REFCOUNT_ORDER, 4);
        qcow2_put_be32(h + QCOW2_OFF_HEADER_LEN, hlen);
    }
    if (bfmt) {
        qcow2_put_be32(h + hlen, QCOW2_EXT_BACKING_FORMAT);
        qcow2_put_be32(h + hlen + 4, (uint32_t)strlen(bfmt));
        memcpy(h + hlen + 8, bfmt, strlen(bfmt));
    }
    /* the end-of-extensions marker is already zero */
    for (uint64_t b = 0; b < B; b++)
        qcow2_put_be64(buf + cs + 8 * b, (1 + T + b) * cs);
    for (uint64_t c = 0; c < total; c++) {
        uint8_t *blk = buf + (1 + T + c / R) * cs;
        blk[2 * (c % R) + 1] = 1;                       /* 16-bit refcount 1 */
    }
    int r = file_pwrite_full(fd, buf, (1 + T + B) * cs, 0);
    if (r == 0 && ftruncate(fd, (off_t)(total * cs)) < 0)
        r = -errno;
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (r < 0)
        return qcow2_create_fail(name, r, error);
    if (opts->prealloc != STORAGE_PREALLOC_METADATA)
        return TRUE;

    struct stat st;
    int fd2 = dup(fd);
    if (fd2 < 0 || fstat(fd2, &st) < 0) {
        if (fd2 >= 0)
            close(fd2);
        return qcow2_create_fail(name, -errno, error);
    }
    StorageImage *img = storage_qcow2_open(fd2, name, false, &st, error);
    if (!img)
        return FALSE;
    Qcow2 *q = (Qcow2 *)img;
    pthread_mutex_lock(&q->lock);
    r = qcow2_prealloc_metadata(q);
    pthread_mutex_unlock(&q->lock);
    int rc = storage_image_close(img);
    if (r == 0)
        r = rc;
    return r < 0 ? qcow2_create_fail(name, r, error) : TRUE;
}
