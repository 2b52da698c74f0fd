/* qcow2_open.c - opening and closing a qcow2 image: the header (parsed
 * by qcow2_header.c), the L1 and refcount tables read into memory, the
 * caches, and for writable images the refusal of what we cannot keep
 * consistent (internal snapshots, lazy refcounts left dirty, an image
 * marked corrupt), the metadata cluster set for overlap checks, and the
 * autoclear bits cleared as the format requires of a writer that does
 * not maintain those features. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"
#include "i18n.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define CORRUPT(...) g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CORRUPT, __VA_ARGS__)

int qcow2_write_header_fields(Qcow2 *q, uint32_t offset, const uint8_t *buf, size_t len)
{
    return qcow2_write_durable(q, buf, len, offset);
}

void qcow2_mark_corrupt(Qcow2 *q, const char *what)
{
    if (q->corrupt || q->img.readonly)
        return;
    q->corrupt = true;
    q->corrupt_reason = what;
    if (q->h.version >= 3) {
        uint8_t be[8];
        qcow2_put_be64(be, q->h.incompat | QCOW2_INCOMPAT_CORRUPT);
        qcow2_write_header_fields(q, QCOW2_OFF_INCOMPAT, be, sizeof(be));
    }
}

void qcow2_meta_add(Qcow2 *q, uint64_t offset, uint64_t clusters)
{
    if (!q->meta)
        return;
    for (uint64_t c = offset >> q->cluster_bits; clusters--; c++)
        g_hash_table_add(q->meta, GSIZE_TO_POINTER(c + 1));
}

void qcow2_meta_remove(Qcow2 *q, uint64_t offset, uint64_t clusters)
{
    if (!q->meta)
        return;
    for (uint64_t c = offset >> q->cluster_bits; clusters--; c++)
        g_hash_table_remove(q->meta, GSIZE_TO_POINTER(c + 1));
}

bool qcow2_meta_overlaps(const Qcow2 *q, uint64_t offset, uint64_t clusters)
{
    if (!q->meta)
        return false;
    for (uint64_t c = offset >> q->cluster_bits; clusters--; c++)
        if (g_hash_table_contains(q->meta, GSIZE_TO_POINTER(c + 1)))
            return true;
    return false;
}

static void qcow2_free(Qcow2 *q)
{
    qcow2_cache_free(q->l2_cache);
    qcow2_cache_free(q->rb_cache);
    g_free(q->l1);
    g_free(q->reftable);
    if (q->meta)
        g_hash_table_destroy(q->meta);
    if (q->pending_free)
        g_array_free(q->pending_free, TRUE);
    if (q->allocs)
        g_array_free(q->allocs, TRUE);
    pthread_cond_destroy(&q->alloc_done);
    qcow2_header_clear(&q->h);
    pthread_mutex_destroy(&q->lock);
    storage_image_free_common(&q->img);
    g_free(q);
}

static int qcow2_close(StorageImage *img)
{
    Qcow2 *q = (Qcow2 *)img;
    int r = 0;
    if (!img->readonly && !q->corrupt) {
        pthread_mutex_lock(&q->lock);
        r = qcow2_flush_locked(q);
        /* again: writes the refcount drops the first one applied */
        if (r == 0)
            r = qcow2_flush_locked(q);
        pthread_mutex_unlock(&q->lock);
    }
    qcow2_free(q);
    return r;
}

static const StorageImageOps qcow2_ops = {
    .preadv = qcow2_preadv,
    .pwritev = qcow2_pwritev,
    .flush = qcow2_flush,
    .zero = qcow2_zero,
    .close = qcow2_close,
    .resize = qcow2_resize,
    .check = qcow2_check,
    .allocated = qcow2_allocated,
};

/* Read a table of @n big-endian entries at @off into host order. */
static uint64_t *qcow2_read_table(int fd, uint64_t off, uint64_t n, GError **error,
                                  const char *what)
{
    uint64_t *t = g_try_new(uint64_t, n ? n : 1);
    if (!t) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("out of memory for the %s"),
                    what);
        return NULL;
    }
    int r = n ? file_pread_exact(fd, t, n * 8, off) : 0;
    if (r < 0) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CORRUPT, _("cannot read the %s: %s"),
                    what, g_strerror(-r));
        g_free(t);
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++)
        t[i] = qcow2_be64((const uint8_t *)&t[i]);
    return t;
}

/* Writable images: the clusters metadata lives in. */
static void qcow2_meta_build(Qcow2 *q)
{
    q->meta = g_hash_table_new(g_direct_hash, g_direct_equal);
    qcow2_meta_add(q, 0, 1);
    qcow2_meta_add(q, q->h.l1_offset, qcow2_clusters_for(q, (uint64_t)q->l1_size * 8));
    qcow2_meta_add(q, q->h.reftable_offset, q->h.reftable_clusters);
    for (uint64_t i = 0; i < q->reftable_size; i++) {
        uint64_t e = q->reftable[i];
        if (e && !(e & QCOW2_REFTABLE_RESERVED) && !(e & (q->cluster_size - 1)))
            qcow2_meta_add(q, e, 1);
    }
    for (uint64_t i = 0; i < q->l1_size; i++) {
        uint64_t off = q->l1[i] & QCOW2_OFFSET_MASK;
        if (off && !(off & (q->cluster_size - 1)))
            qcow2_meta_add(q, off, 1);
    }
}

StorageImage *storage_qcow2_open(int fd, const char *name, bool readonly,
                                 const struct stat *st, GError **error)
{
    uint64_t file_size = st->st_size > 0 ? (uint64_t)st->st_size : 0;
    uint8_t fixed[QCOW2_V3_HEADER_LEN] = { 0 };
    int r = file_pread_zero(fd, fixed, sizeof(fixed), 0);
    uint32_t cbits = qcow2_be32(fixed + QCOW2_OFF_CLUSTER_BITS);
    if (cbits < QCOW2_MIN_CLUSTER_BITS || cbits > QCOW2_MAX_CLUSTER_BITS)
        cbits = QCOW2_MIN_CLUSTER_BITS;     /* the parser names the problem */
    size_t hlen = (size_t)MIN(file_size, 1ull << cbits);
    g_autofree uint8_t *hbuf = g_malloc0(MAX(hlen, sizeof(fixed)));
    if (r == 0)
        r = file_pread_zero(fd, hbuf, hlen, 0);
    if (r < 0) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED,
                    _("cannot read disk image %s: %s"), name, g_strerror(-r));
        close(fd);
        return NULL;
    }
    Qcow2 *q = g_new0(Qcow2, 1);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->alloc_done, NULL);
    q->img.fd = fd;
    q->img.name = g_strdup(name);
    q->img.ops = &qcow2_ops;
    q->img.format = STORAGE_FORMAT_QCOW2;
    q->img.readonly = readonly;
    if (!qcow2_header_parse(hbuf, hlen, file_size, &q->h, error))
        goto fail;
    const char *refuse = NULL;
    if (!readonly) {
        if (q->h.incompat & QCOW2_INCOMPAT_CORRUPT)
            refuse = _("it is marked corrupt (repair it with qemu-img check -r all)");
        else if (q->h.incompat & QCOW2_INCOMPAT_DIRTY)
            refuse = _("its refcounts are dirty (lazy refcounts; repair it with qemu-img "
                       "check -r all)");
        else if (q->h.nb_snapshots)
            refuse = _("it has internal snapshots");
    }
    if (refuse) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED,
                    _("cannot open qcow2 image for writing: %s"), refuse);
        goto fail;
    }

    q->cluster_bits = q->h.cluster_bits;
    q->cluster_size = 1ull << q->cluster_bits;
    q->l2_bits = q->cluster_bits - 3;
    q->l2_entries = q->cluster_size / 8;
    q->l2_span = q->cluster_size * q->l2_entries;
    q->refcount_bits = 1u << q->h.refcount_order;
    q->refblock_entries = q->cluster_size * 8 / q->refcount_bits;
    q->refcount_max = q->refcount_bits == 64 ? UINT64_MAX : (1ull << q->refcount_bits) - 1;
    q->csize_shift = 62 - (q->cluster_bits - 8);
    q->csize_mask = (1ull << (q->cluster_bits - 8)) - 1;
    q->coffset_mask = (1ull << q->csize_shift) - 1;
    q->img.size = q->h.size;
    q->img.zero_align = (uint32_t)q->cluster_size;
    q->fresh_end = qcow2_clusters_for(q, file_size);

    q->l1_size = q->h.l1_size;
    q->l1 = qcow2_read_table(fd, q->h.l1_offset, q->l1_size, error, _("L1 table"));
    if (!q->l1)
        goto fail;
    q->reftable_size = (uint64_t)q->h.reftable_clusters * q->cluster_size / 8;
    q->reftable = qcow2_read_table(fd, q->h.reftable_offset, q->reftable_size, error,
                                   _("refcount table"));
    if (!q->reftable)
        goto fail;
    Qcow2CacheIo l2io = { qcow2_l2_load, qcow2_l2_store, q };
    Qcow2CacheIo rbio = { qcow2_rb_load, qcow2_rb_store, q };
    q->l2_cache = qcow2_cache_new(q->cluster_size,
                                  MAX(QCOW2_CACHE_MIN, QCOW2_L2_CACHE_BYTES / q->cluster_size),
                                  &l2io);
    q->rb_cache = qcow2_cache_new(q->cluster_size,
                                  MAX(QCOW2_CACHE_MIN, QCOW2_RB_CACHE_BYTES / q->cluster_size),
                                  &rbio);
    q->pending_free = g_array_new(FALSE, FALSE, sizeof(Qcow2Range));
    q->allocs = g_array_new(FALSE, FALSE, sizeof(Qcow2Range));

    if (!readonly) {
        qcow2_meta_build(q);
        r = qcow2_refcount_init(q);
        if (r == 0 && q->h.autoclear) {
            uint8_t zero[8] = { 0 };
            r = qcow2_write_header_fields(q, QCOW2_OFF_AUTOCLEAR, zero, sizeof(zero));
            if (r == 0)
                q->h.autoclear = 0;
        }
        if (r < 0) {
            CORRUPT(_("cannot prepare qcow2 image %s for writing: %s"), name, g_strerror(-r));
            goto fail;
        }
    }
    return &q->img;
fail:
    g_prefix_error(error, "%s: ", name);
    q->corrupt = true;          /* nothing to flush */
    qcow2_free(q);
    return NULL;
}

const char *storage_qcow2_backing_name(const StorageImage *img)
{
    if (!img || img->format != STORAGE_FORMAT_QCOW2)
        return NULL;
    return ((const Qcow2 *)img)->h.backing_file;
}

int storage_qcow2_backing_format(const StorageImage *img)
{
    if (!img || img->format != STORAGE_FORMAT_QCOW2)
        return -1;
    const char *f = ((const Qcow2 *)img)->h.backing_format;
    if (!f)
        return -1;
    int fmt = storage_format_from_string(f);
    return fmt < 0 ? -2 : fmt;
}

const char *storage_qcow2_backing_format_name(const StorageImage *img)
{
    if (!img || img->format != STORAGE_FORMAT_QCOW2)
        return NULL;
    return ((const Qcow2 *)img)->h.backing_format;
}

const char *storage_image_corruption(const StorageImage *img)
{
    if (!img || img->format != STORAGE_FORMAT_QCOW2)
        return NULL;
    const Qcow2 *q = (const Qcow2 *)img;
    return q->corrupt ? q->corrupt_reason : NULL;
}

guint storage_qcow2_version(const StorageImage *img)
{
    return img && img->format == STORAGE_FORMAT_QCOW2 ? ((const Qcow2 *)img)->h.version : 0;
}
