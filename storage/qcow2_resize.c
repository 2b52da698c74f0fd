/* qcow2_resize.c - growing the virtual size of a qcow2 image.  When the
 * L1 table must grow, the larger copy is written (and its refcounts
 * synced) first, then one header write switches size, L1 size and L1
 * offset together (bytes 24-47, one sector), then the old table is
 * released.  Shrinking is refused: the guest's data past the new end
 * would have to go, and no caller needs it. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"
#include "i18n.h"

#include <errno.h>
#include <string.h>

static gboolean qcow2_resize_fail(Qcow2 *q, int r, GError **error)
{
    g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot resize disk image %s: %s"),
                q->img.name, g_strerror(-r));
    return FALSE;
}

gboolean qcow2_resize(StorageImage *img, uint64_t size, GError **error)
{
    Qcow2 *q = (Qcow2 *)img;
    if (size % 512) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot resize disk image %s: the size must be a multiple of 512 bytes"),
                    img->name);
        return FALSE;
    }
    if (size < img->size) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED,
                    _("cannot shrink qcow2 image %s"), img->name);
        return FALSE;
    }
    if (size > (uint64_t)INT64_MAX - q->l2_span) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot resize disk image %s: size too large"), img->name);
        return FALSE;
    }
    uint64_t need = (size + q->l2_span - 1) / q->l2_span;
    if (need * 8 > QCOW2_MAX_L1_BYTES) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot resize disk image %s: the L1 table would exceed 32 MiB "
                      "(use larger clusters)"), img->name);
        return FALSE;
    }
    pthread_mutex_lock(&q->lock);
    int r = q->corrupt ? -EIO : qcow2_flush_locked(q);
    if (r < 0)
        goto fail;
    uint8_t hdr[24];
    if (need <= q->l1_size) {
        qcow2_put_be64(hdr, size);
        r = qcow2_write_header_fields(q, QCOW2_OFF_SIZE, hdr, 8);
        if (r < 0)
            goto fail;
    } else {
        uint64_t clusters = qcow2_clusters_for(q, need * 8), got;
        int64_t host = qcow2_alloc_clusters(q, clusters, true, &got);
        if (host < 0) {
            r = (int)host;
            goto fail;
        }
        qcow2_meta_add(q, (uint64_t)host, clusters);
        g_autofree uint8_t *be = g_malloc0(clusters * q->cluster_size);
        for (uint64_t i = 0; i < q->l1_size; i++)
            qcow2_put_be64(be + 8 * i, q->l1[i]);
        r = qcow2_cache_flush(q->rb_cache);
        if (r == 0)
            r = file_pwrite_full(img->fd, be, clusters * q->cluster_size, (uint64_t)host);
        q->unsynced = true;
        if (r == 0)
            r = qcow2_sync(q);
        if (r < 0)
            goto fail;
        qcow2_put_be64(hdr, size);
        qcow2_put_be32(hdr + 8, q->h.crypt_method);
        qcow2_put_be32(hdr + 12, (uint32_t)need);
        qcow2_put_be64(hdr + 16, (uint64_t)host);
        r = qcow2_write_header_fields(q, QCOW2_OFF_SIZE, hdr, sizeof(hdr));
        if (r < 0)
            goto fail;
        uint64_t old_off = q->h.l1_offset;
        uint64_t old_clusters = qcow2_clusters_for(q, (uint64_t)q->l1_size * 8);
        q->l1 = g_renew(uint64_t, q->l1, need);
        memset(q->l1 + q->l1_size, 0, (need - q->l1_size) * 8);
        q->l1_size = (uint32_t)need;
        q->h.l1_size = (uint32_t)need;
        q->h.l1_offset = (uint64_t)host;
        qcow2_meta_remove(q, old_off, old_clusters);
        if (old_clusters && old_off)
            r = qcow2_refcount_update(q, old_off >> q->cluster_bits, old_clusters, -1);
        if (r == 0)
            r = qcow2_flush_locked(q);
        if (r < 0)
            goto fail;
    }
    q->h.size = size;
    img->size = size;
    pthread_mutex_unlock(&q->lock);
    return TRUE;
fail:
    pthread_mutex_unlock(&q->lock);
    return qcow2_resize_fail(q, r, error);
}
