/* qcow2_check.c - consistency check, in the spirit of `qemu-img check`:
 * walk every structure that references clusters (header, L1 tables of
 * the image and its snapshots, L2 tables, data and compressed clusters,
 * the refcount table and blocks, the snapshot table), count the
 * references per host cluster, and compare with the stored refcounts:
 * stored < counted is a corruption, stored > counted a leak.  The COPIED
 * flags of the active tables must say "refcount is 1" exactly when it
 * is.  Work and memory are bounded: an image too large to check in
 * memory gets an error instead. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/qcow2_priv.h"
#include "i18n.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK_MAX_CLUSTERS (1ull << 26)
#define CHECK_MAX_L1_WALK (1ull << 24)

typedef struct {
    Qcow2 *q;
    StorageCheckResult *res;
    uint32_t *refs;
    uint64_t n;                 /* clusters counted (file size) */
    uint64_t l1_walked;
    uint8_t *l2buf;
} Qcow2Checker;

static void check_problem(Qcow2Checker *c, bool leak, const char *fmt, ...)
{
    if (leak)
        c->res->leaks++;
    else
        c->res->corruptions++;
    if (!c->res->first_problem) {
        va_list ap;
        va_start(ap, fmt);
        c->res->first_problem = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
}

/* One reference to every cluster [off, off + len) touches. */
static void check_inc(Qcow2Checker *c, uint64_t off, uint64_t len, const char *what)
{
    if (len == 0)
        return;
    uint64_t first = off >> c->q->cluster_bits;
    uint64_t last = (off + len - 1) >> c->q->cluster_bits;
    if (off + len < off || last >= c->n) {
        check_problem(c, false, "%s at offset 0x%" G_GINT64_MODIFIER "x lies beyond the end of "
                      "the file", what, off);
        return;
    }
    for (uint64_t i = first; i <= last; i++)
        if (c->refs[i] != UINT32_MAX)
            c->refs[i]++;
}

/* An L2 entry's type without marking anything (NULL = invalid). */
static const char *check_entry(const Qcow2 *q, uint64_t e, Qcow2ClusterType *t)
{
    if (e & QCOW2_OFLAG_COMPRESSED) {
        *t = QCOW2_CLUSTER_COMPRESSED;
        if (e & QCOW2_OFLAG_COPIED)
            return "compressed cluster with the COPIED flag";
        return NULL;
    }
    uint64_t off = e & QCOW2_OFFSET_MASK;
    if (e & QCOW2_L2_RESERVED)
        return "reserved bits set";
    if (off & (q->cluster_size - 1))
        return "unaligned cluster offset";
    if (e & QCOW2_OFLAG_ZERO) {
        if (q->h.version < 3)
            return "zero flag in a version 2 image";
        *t = off ? QCOW2_CLUSTER_ZERO_ALLOC : QCOW2_CLUSTER_ZERO_PLAIN;
    } else {
        *t = off ? QCOW2_CLUSTER_NORMAL : QCOW2_CLUSTER_UNALLOCATED;
    }
    return NULL;
}

/* Read an L2 table as the image sees it (cache first). */
static int check_read_l2(Qcow2Checker *c, uint64_t off)
{
    int err = 0;
    void *t = qcow2_cache_get(c->q->l2_cache, off, &err);
    if (!t)
        return err;
    memcpy(c->l2buf, t, c->q->cluster_size);
    qcow2_cache_put(c->q->l2_cache, t);
    return 0;
}

/* Count the L2 tables and clusters of an L1 table of @n entries. */
static void check_l1(Qcow2Checker *c, const uint64_t *l1, uint64_t n, bool active)
{
    Qcow2 *q = c->q;
    if (c->l1_walked + n > CHECK_MAX_L1_WALK) {
        check_problem(c, false, "too many L1 entries to check");
        return;
    }
    c->l1_walked += n;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t e = l1[i], off = e & QCOW2_OFFSET_MASK;
        if (e & QCOW2_L1_RESERVED || off & (q->cluster_size - 1)) {
            check_problem(c, false, "L1 entry %" G_GUINT64_FORMAT " is invalid", i);
            continue;
        }
        if (!off)
            continue;
        check_inc(c, off, q->cluster_size, "L2 table");
        if (check_read_l2(c, off) < 0) {
            check_problem(c, false, "cannot read L2 table at 0x%" G_GINT64_MODIFIER "x", off);
            continue;
        }
        for (uint64_t k = 0; k < q->l2_entries; k++) {
            uint64_t le = qcow2_be64(c->l2buf + 8 * k);
            Qcow2ClusterType t;
            const char *bad = check_entry(q, le, &t);
            if (bad) {
                check_problem(c, false, "L2 entry %" G_GUINT64_FORMAT " of table 0x%"
                              G_GINT64_MODIFIER "x: %s", k, off, bad);
                continue;
            }
            if (t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) {
                check_inc(c, le & QCOW2_OFFSET_MASK, q->cluster_size, "data cluster");
                if (active)
                    c->res->allocated_clusters++;
            } else if (t == QCOW2_CLUSTER_COMPRESSED) {
                uint64_t coff = le & q->coffset_mask;
                uint64_t nsec = ((le >> q->csize_shift) & q->csize_mask) + 1;
                check_inc(c, coff, nsec * 512 - (coff & 511), "compressed cluster");
                if (active)
                    c->res->allocated_clusters++;
            }
        }
    }
}

/* The snapshot table: its clusters and every snapshot's L1 table. */
static void check_snapshots(Qcow2Checker *c)
{
    Qcow2 *q = c->q;
    uint64_t off = q->h.snapshots_offset, start = off;
    for (uint32_t s = 0; s < q->h.nb_snapshots; s++) {
        uint8_t fixed[40];
        if (file_pread_exact(q->img.fd, fixed, sizeof(fixed), off) < 0) {
            check_problem(c, false, "cannot read snapshot %u", s);
            return;
        }
        uint64_t l1_off = qcow2_be64(fixed);
        uint32_t l1_size = qcow2_be32(fixed + 8);
        uint16_t id_len = (uint16_t)(fixed[12] << 8 | fixed[13]);
        uint16_t name_len = (uint16_t)(fixed[14] << 8 | fixed[15]);
        uint32_t extra = qcow2_be32(fixed + 36);
        if (extra > 1024) {
            check_problem(c, false, "snapshot %u has %u bytes of extra data", s, extra);
            return;
        }
        off += (40 + (uint64_t)extra + id_len + name_len + 7) & ~7ull;
        if ((uint64_t)l1_size * 8 > QCOW2_MAX_L1_BYTES || l1_off & (q->cluster_size - 1)) {
            check_problem(c, false, "snapshot %u has an invalid L1 table", s);
            continue;
        }
        check_inc(c, l1_off, (uint64_t)l1_size * 8, "snapshot L1 table");
        uint64_t *l1 = g_try_new(uint64_t, l1_size ? l1_size : 1);
        if (!l1 || (l1_size && file_pread_exact(q->img.fd, l1, (uint64_t)l1_size * 8, l1_off) < 0)) {
            check_problem(c, false, "cannot read the L1 table of snapshot %u", s);
            g_free(l1);
            continue;
        }
        for (uint32_t i = 0; i < l1_size; i++)
            l1[i] = qcow2_be64((const uint8_t *)&l1[i]);
        check_l1(c, l1, l1_size, false);
        g_free(l1);
    }
    check_inc(c, start, off - start, "snapshot table");
}

/* Persistent dirty bitmaps (bitmaps extension): the directory, each
 * bitmap's table and its data clusters.  Counted only while the
 * autoclear bit says the extension is consistent. */
static void check_bitmaps(Qcow2Checker *c)
{
    Qcow2 *q = c->q;
    uint64_t dsize = q->h.bitmap_dir_size, doff = q->h.bitmap_dir_offset;
    if (!q->h.nb_bitmaps || !(q->h.autoclear & 1))
        return;
    if (dsize > (1u << 20) || doff & (q->cluster_size - 1) || q->h.nb_bitmaps > 65535) {
        check_problem(c, false, "invalid bitmaps extension");
        return;
    }
    check_inc(c, doff, dsize, "bitmap directory");
    g_autofree uint8_t *dir = g_malloc(dsize ? dsize : 1);
    if (file_pread_exact(q->img.fd, dir, dsize, doff) < 0) {
        check_problem(c, false, "cannot read the bitmap directory");
        return;
    }
    uint64_t off = 0;
    for (uint32_t b = 0; b < q->h.nb_bitmaps; b++) {
        if (off + 24 > dsize) {
            check_problem(c, false, "bitmap directory too short");
            return;
        }
        uint64_t toff = qcow2_be64(dir + off);
        uint32_t tsize = qcow2_be32(dir + off + 8);
        uint16_t name_len = (uint16_t)(dir[off + 18] << 8 | dir[off + 19]);
        uint32_t extra = qcow2_be32(dir + off + 20);
        off += (24 + (uint64_t)extra + name_len + 7) & ~7ull;
        if (toff & (q->cluster_size - 1) || (uint64_t)tsize * 8 > (1u << 26)) {
            check_problem(c, false, "bitmap %u has an invalid table", b);
            continue;
        }
        check_inc(c, toff, (uint64_t)tsize * 8, "bitmap table");
        g_autofree uint8_t *t = g_try_malloc((uint64_t)tsize * 8 + 1);
        if (!t || (tsize && file_pread_exact(q->img.fd, t, (uint64_t)tsize * 8, toff) < 0)) {
            check_problem(c, false, "cannot read the table of bitmap %u", b);
            continue;
        }
        for (uint32_t i = 0; i < tsize; i++) {
            uint64_t e = qcow2_be64(t + 8 * i) & QCOW2_OFFSET_MASK;
            if (e)
                check_inc(c, e, q->cluster_size, "bitmap data");
        }
    }
}

/* Active tables: COPIED must be set exactly where the refcount is 1. */
static void check_copied(Qcow2Checker *c)
{
    Qcow2 *q = c->q;
    for (uint64_t i = 0; i < q->l1_size; i++) {
        uint64_t e = q->l1[i], off = e & QCOW2_OFFSET_MASK, rc;
        if (!off || e & QCOW2_L1_RESERVED || off & (q->cluster_size - 1))
            continue;
        if (qcow2_refcount_get(q, off >> q->cluster_bits, &rc) == 0 &&
            (rc == 1) != !!(e & QCOW2_OFLAG_COPIED))
            check_problem(c, false, "OFLAG_COPIED L2 table at 0x%" G_GINT64_MODIFIER
                          "x: refcount %" G_GUINT64_FORMAT, off, rc);
        if (check_read_l2(c, off) < 0)
            continue;
        for (uint64_t k = 0; k < q->l2_entries; k++) {
            uint64_t le = qcow2_be64(c->l2buf + 8 * k);
            Qcow2ClusterType t;
            if (check_entry(q, le, &t) ||
                (t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC))
                continue;
            uint64_t host = le & QCOW2_OFFSET_MASK;
            if (qcow2_refcount_get(q, host >> q->cluster_bits, &rc) == 0 &&
                (rc == 1) != !!(le & QCOW2_OFLAG_COPIED))
                check_problem(c, false, "OFLAG_COPIED data cluster at 0x%" G_GINT64_MODIFIER
                              "x: refcount %" G_GUINT64_FORMAT, host, rc);
        }
    }
}

static void check_compare(Qcow2Checker *c)
{
    Qcow2 *q = c->q;
    uint64_t R = q->refblock_entries;
    uint64_t covered = q->reftable_size * R;
    for (uint64_t i = 0; i < MAX(c->n, covered);) {
        uint64_t ti = i / R;
        uint64_t e = ti < q->reftable_size ? q->reftable[ti] : 0;
        if (i >= c->n && e == 0) {
            i = (ti + 1) * R;               /* no block, nothing counted here */
            continue;
        }
        uint64_t rc = 0;
        if (e && qcow2_refcount_get(q, i, &rc) < 0) {
            check_problem(c, false, "cannot read the refcount of cluster %" G_GUINT64_FORMAT, i);
            i = (ti + 1) * R;
            continue;
        }
        uint64_t want = i < c->n ? c->refs[i] : 0;
        if (rc < want)
            check_problem(c, false, "cluster %" G_GUINT64_FORMAT " refcount=%" G_GUINT64_FORMAT
                          " reference=%" G_GUINT64_FORMAT, i, rc, want);
        else if (rc > want)
            check_problem(c, true, "leaked cluster %" G_GUINT64_FORMAT " refcount=%"
                          G_GUINT64_FORMAT " reference=%" G_GUINT64_FORMAT, i, rc, want);
        i++;
    }
}

gboolean qcow2_check(StorageImage *img, StorageCheckResult *res, GError **error)
{
    Qcow2 *q = (Qcow2 *)img;
    struct stat st;
    if (fstat(img->fd, &st) < 0) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot check %s: %s"),
                    img->name, g_strerror(errno));
        return FALSE;
    }
    uint64_t n = qcow2_clusters_for(q, st.st_size > 0 ? (uint64_t)st.st_size : 0);
    if (n > CHECK_MAX_CLUSTERS) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED,
                    _("cannot check %s: too many clusters to count in memory"), img->name);
        return FALSE;
    }
    Qcow2Checker c = { q, res, NULL, n, 0, NULL };
    c.refs = g_try_new0(uint32_t, n ? n : 1);
    c.l2buf = g_try_malloc(q->cluster_size);
    if (!c.refs || !c.l2buf) {
        g_free(c.refs);
        g_free(c.l2buf);
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED,
                    _("cannot check %s: out of memory"), img->name);
        return FALSE;
    }
    pthread_mutex_lock(&q->lock);
    res->total_clusters = qcow2_clusters_for(q, img->size);
    check_inc(&c, 0, q->cluster_size, "header");
    check_inc(&c, q->h.l1_offset, (uint64_t)q->l1_size * 8, "L1 table");
    check_l1(&c, q->l1, q->l1_size, true);
    check_inc(&c, q->h.reftable_offset, (uint64_t)q->h.reftable_clusters * q->cluster_size,
              "refcount table");
    for (uint64_t i = 0; i < q->reftable_size; i++) {
        uint64_t e = q->reftable[i];
        if (!e)
            continue;
        if (e & QCOW2_REFTABLE_RESERVED || e & (q->cluster_size - 1))
            check_problem(&c, false, "refcount table entry %" G_GUINT64_FORMAT " is invalid", i);
        else
            check_inc(&c, e, q->cluster_size, "refcount block");
    }
    if (q->h.nb_snapshots)
        check_snapshots(&c);
    check_bitmaps(&c);
    check_compare(&c);
    check_copied(&c);
    pthread_mutex_unlock(&q->lock);
    g_free(c.refs);
    g_free(c.l2buf);
    return TRUE;
}
