/* test-storage-unit.c - unit tests of libvesselstorage's parts: the
 * metadata cache (LRU, holding, write-back and its failures), refcount
 * allocation (contiguity, reuse after deferred frees, overflow), the
 * qcow2 header parser on hostile headers (one clear error each), and
 * backing chains (loops, depth, explicit chains that do not match), and
 * allocating writes from many threads at once into shared clusters. */
#include "config.h"

#include "storage/qcow2_cache.h"
#include "storage/qcow2_format.h"
#include "storage/qcow2_priv.h"
#include "storage/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- cache ------------------------------------------------------------ */

typedef struct {
    GArray *loads, *stores;     /* offsets */
    int fail_store;
    uint8_t stored[4][16];      /* content of the last store per offset / 16 */
} CacheLog;

static int log_load(void *opaque, uint64_t off, void *table)
{
    CacheLog *l = opaque;
    g_array_append_val(l->loads, off);
    memset(table, (int)(off / 16), 16);
    return 0;
}

static int log_store(void *opaque, uint64_t off, const void *table)
{
    CacheLog *l = opaque;
    if (l->fail_store)
        return -EIO;
    g_array_append_val(l->stores, off);
    memcpy(l->stored[off / 16 % 4], table, 16);
    return 0;
}

static void test_cache_lru(void)
{
    CacheLog l = { g_array_new(FALSE, FALSE, 8), g_array_new(FALSE, FALSE, 8), 0, { { 0 } } };
    Qcow2CacheIo io = { log_load, log_store, &l };
    Qcow2Cache *c = qcow2_cache_new(16, 3, &io);
    int err = 0;
    uint64_t offs[] = { 16, 32, 48, 16, 64 };
    for (unsigned i = 0; i < G_N_ELEMENTS(offs); i++) {
        uint8_t *t = qcow2_cache_get(c, offs[i], &err);
        g_assert_nonnull(t);
        g_assert_cmpint(t[0], ==, offs[i] / 16);
        qcow2_cache_put(c, t);
    }
    /* 16 was used again, so 32 (least recently used) made room for 64 */
    g_assert_cmpuint(l.loads->len, ==, 4);
    uint8_t *t = qcow2_cache_get(c, 16, &err);
    qcow2_cache_put(c, t);
    g_assert_cmpuint(l.loads->len, ==, 4);
    t = qcow2_cache_get(c, 32, &err);
    qcow2_cache_put(c, t);
    g_assert_cmpuint(l.loads->len, ==, 5);
    Qcow2CacheStats st;
    qcow2_cache_stats(c, &st);
    g_assert_cmpuint(st.hits, ==, 2);
    g_assert_cmpuint(st.misses, ==, 5);
    g_assert_cmpuint(st.evictions, ==, 2);
    g_assert_cmpuint(st.entries, ==, 3);
    qcow2_cache_free(c);
    g_array_free(l.loads, TRUE);
    g_array_free(l.stores, TRUE);
}

static void test_cache_held(void)
{
    CacheLog l = { g_array_new(FALSE, FALSE, 8), g_array_new(FALSE, FALSE, 8), 0, { { 0 } } };
    Qcow2CacheIo io = { log_load, log_store, &l };
    Qcow2Cache *c = qcow2_cache_new(16, 2, &io);
    int err = 0;
    void *a = qcow2_cache_get(c, 16, &err), *b = qcow2_cache_get(c, 32, &err);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    /* both held: nothing can be evicted */
    g_assert_null(qcow2_cache_get(c, 48, &err));
    g_assert_cmpint(err, ==, -ENOMEM);
    qcow2_cache_put(c, a);
    void *d = qcow2_cache_get(c, 48, &err);
    g_assert_true(d == a);      /* the slot a held was reused, b was kept */
    qcow2_cache_put(c, d);
    qcow2_cache_put(c, b);
    qcow2_cache_free(c);
    g_array_free(l.loads, TRUE);
    g_array_free(l.stores, TRUE);
}

static void test_cache_writeback(void)
{
    CacheLog l = { g_array_new(FALSE, FALSE, 8), g_array_new(FALSE, FALSE, 8), 0, { { 0 } } };
    Qcow2CacheIo io = { log_load, log_store, &l };
    Qcow2Cache *c = qcow2_cache_new(16, 2, &io);
    int err = 0;
    uint8_t *t = qcow2_cache_get_empty(c, 48, &err);
    g_assert_cmpuint(l.loads->len, ==, 0);      /* new tables are not read */
    t[0] = 0xab;
    qcow2_cache_put(c, t);
    t = qcow2_cache_get(c, 16, &err);
    t[1] = 0xcd;
    qcow2_cache_mark_dirty(c, t);
    qcow2_cache_put(c, t);
    g_assert_true(qcow2_cache_has_dirty(c));
    /* evicting the dirty 48 stores it first, with its content */
    l.fail_store = 1;
    g_assert_null(qcow2_cache_get(c, 64, &err));
    g_assert_cmpint(err, ==, -EIO);
    l.fail_store = 0;
    t = qcow2_cache_get(c, 64, &err);
    g_assert_nonnull(t);
    qcow2_cache_put(c, t);
    g_assert_cmpuint(l.stores->len, ==, 1);
    g_assert_cmpuint(g_array_index(l.stores, uint64_t, 0), ==, 48);
    g_assert_cmpuint(l.stored[48 / 16 % 4][0], ==, 0xab);
    /* flush stores the rest, failures keep it dirty */
    l.fail_store = 1;
    g_assert_cmpint(qcow2_cache_flush(c), ==, -EIO);
    g_assert_true(qcow2_cache_has_dirty(c));
    l.fail_store = 0;
    g_assert_cmpint(qcow2_cache_flush(c), ==, 0);
    g_assert_false(qcow2_cache_has_dirty(c));
    g_assert_cmpuint(g_array_index(l.stores, uint64_t, 1), ==, 16);
    g_assert_cmpuint(l.stored[16 / 16 % 4][1], ==, 0xcd);
    qcow2_cache_free(c);
    g_array_free(l.loads, TRUE);
    g_array_free(l.stores, TRUE);
}

/* ---- refcounts ---------------------------------------------------------- */

static char *tmpdir;

static StorageImage *new_qcow2(const char *name, uint64_t size, uint32_t cs, unsigned flags)
{
    g_autofree char *path = g_build_filename(tmpdir, name, NULL);
    StorageCreateOptions o = { .cluster_size = cs };
    g_autoptr(GError) error = NULL;
    g_unlink(path);
    g_assert_true(storage_image_create(path, STORAGE_FORMAT_QCOW2, size, &o, &error));
    StorageImage *img = storage_image_open(path, STORAGE_FORMAT_QCOW2, flags, &error);
    g_assert_no_error(error);
    return img;
}

static void test_refcount_alloc(void)
{
    StorageImage *img = new_qcow2("alloc.qcow2", 64 << 20, 4096, 0);
    Qcow2 *q = (Qcow2 *)img;
    pthread_mutex_lock(&q->lock);
    uint64_t got, rc;
    int64_t a = qcow2_alloc_clusters(q, 10, false, &got);
    g_assert_cmpint(a, >, 0);
    g_assert_cmpuint(got, ==, 10);
    int64_t b = qcow2_alloc_clusters(q, 5, true, &got);
    g_assert_cmpint(b, ==, a + 10 * 4096);      /* contiguous after a */
    for (uint64_t c = 0; c < 15; c++) {
        g_assert_cmpint(qcow2_refcount_get(q, ((uint64_t)a >> 12) + c, &rc), ==, 0);
        g_assert_cmpuint(rc, ==, 1);
    }
    /* free 3 clusters in the middle of a: deferred until a flush */
    qcow2_free_later(q, (uint64_t)a + 4 * 4096, 3 * 4096);
    g_assert_cmpint(qcow2_refcount_get(q, ((uint64_t)a >> 12) + 4, &rc), ==, 0);
    g_assert_cmpuint(rc, ==, 1);
    g_assert_cmpint(qcow2_flush_locked(q), ==, 0);
    g_assert_cmpint(qcow2_refcount_get(q, ((uint64_t)a >> 12) + 4, &rc), ==, 0);
    g_assert_cmpuint(rc, ==, 0);
    /* exact 4 does not fit the 3-cluster hole; 2 reuse it */
    int64_t e = qcow2_alloc_clusters(q, 4, true, &got);
    g_assert_cmpint(e, >=, b + 5 * 4096);
    int64_t h = qcow2_alloc_clusters(q, 2, true, &got);
    g_assert_cmpint(h, ==, a + 4 * 4096);
    /* a free while a request is in flight waits for it */
    qcow2_free_later(q, (uint64_t)h, 4096);
    atomic_fetch_add(&q->inflight, 1);
    g_assert_cmpint(qcow2_flush_locked(q), ==, 0);
    g_assert_cmpint(qcow2_refcount_get(q, (uint64_t)h >> 12, &rc), ==, 0);
    g_assert_cmpuint(rc, ==, 1);
    atomic_fetch_sub(&q->inflight, 1);
    g_assert_cmpint(qcow2_flush_locked(q), ==, 0);
    g_assert_cmpint(qcow2_refcount_get(q, (uint64_t)h >> 12, &rc), ==, 0);
    g_assert_cmpuint(rc, ==, 0);
    /* allocations never land on metadata */
    g_assert_false(qcow2_meta_overlaps(q, (uint64_t)a, 15));
    g_assert_true(qcow2_meta_overlaps(q, 0, 1));
    pthread_mutex_unlock(&q->lock);
    /* the leaks we made on purpose (a, b, e) are leaks, nothing worse */
    StorageCheckResult res;
    g_autoptr(GError) error = NULL;
    g_assert_true(storage_image_check(img, &res, &error));
    g_assert_cmpuint(res.corruptions, ==, 0);
    g_assert_cmpuint(res.leaks, ==, 10 + 5 + 4 + 1 - 3);
    storage_check_result_clear(&res);
    storage_image_close(img);
}

static void test_refcount_overflow(void)
{
    StorageImage *img = new_qcow2("ovf.qcow2", 1 << 20, 4096, 0);
    Qcow2 *q = (Qcow2 *)img;
    pthread_mutex_lock(&q->lock);
    uint64_t rc;
    /* 16-bit refcounts: the header cluster at 65535 cannot take one more */
    for (unsigned i = 1; i < 65535; i++)
        g_assert_cmpint(qcow2_refcount_update(q, 0, 1, 1), ==, 0);
    g_assert_cmpint(qcow2_refcount_get(q, 0, &rc), ==, 0);
    g_assert_cmpuint(rc, ==, 65535);
    g_assert_cmpint(qcow2_refcount_update(q, 0, 1, 1), ==, -EIO);
    g_assert_true(q->corrupt);
    g_assert_nonnull(storage_image_corruption(img));
    pthread_mutex_unlock(&q->lock);
    uint8_t buf[512] = { 0 };
    g_assert_cmpint(storage_image_pwrite(img, buf, sizeof(buf), 0), ==, -EIO);
    storage_image_close(img);
    /* the corrupt bit is on disk: no writable open, read-only is fine */
    g_autofree char *path = g_build_filename(tmpdir, "ovf.qcow2", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_null(storage_image_open(path, STORAGE_FORMAT_QCOW2, 0, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED);
    g_assert_nonnull(strstr(error->message, "marked corrupt"));
    img = storage_image_open(path, STORAGE_FORMAT_QCOW2, STORAGE_OPEN_READONLY, NULL);
    g_assert_nonnull(img);
    storage_image_close(img);
}

/* ---- header parser ------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v) { qcow2_put_be32(p, v); }
static void put64(uint8_t *p, uint64_t v) { qcow2_put_be64(p, v); }

/* A valid v3 header: 512-byte clusters, 1 MiB, reftable at 512, L1 at 1536. */
static void good_header(uint8_t *h)
{
    memset(h, 0, 512);
    put32(h, QCOW2_MAGIC);
    put32(h + 4, 3);
    put32(h + 20, 9);
    put64(h + 24, 1 << 20);
    put32(h + 36, 32);              /* 1 MiB / (512 * 64) */
    put64(h + 40, 1536);
    put64(h + 48, 512);
    put32(h + 56, 1);
    put32(h + 96, 4);
    put32(h + 100, 104);
}

typedef void (*Tweak)(uint8_t *h);
static void t_magic(uint8_t *h) { h[0] = 'X'; }
static void t_version(uint8_t *h) { put32(h + 4, 4); }
static void t_cbits_small(uint8_t *h) { put32(h + 20, 8); }
static void t_cbits_big(uint8_t *h) { put32(h + 20, 22); }
static void t_hlen(uint8_t *h) { put32(h + 100, 100); }
static void t_hlen_odd(uint8_t *h) { put32(h + 100, 108); }
static void t_l1_small(uint8_t *h) { put32(h + 36, 1); }
static void t_l1_huge(uint8_t *h) { put32(h + 36, 0x7fffffff); put64(h + 24, 0x7fffffffull << 15); }
static void t_l1_beyond(uint8_t *h) { put64(h + 40, 1ull << 40); }
static void t_l1_unaligned(uint8_t *h) { put64(h + 40, 1537); }
static void t_overlap(uint8_t *h) { put64(h + 48, 1536); }
static void t_reftable_zero(uint8_t *h) { put32(h + 56, 0); }
static void t_order(uint8_t *h) { put32(h + 96, 7); }
static void t_backing_out(uint8_t *h) { put64(h + 8, 500); put32(h + 16, 100); }
static void t_backing_nul(uint8_t *h) { put64(h + 8, 200); put32(h + 16, 4); memcpy(h + 200, "a\0b", 4); }
static void t_crypt(uint8_t *h) { put32(h + 32, 2); }
static void t_datafile(uint8_t *h) { put64(h + 72, QCOW2_INCOMPAT_DATA_FILE); }
static void t_extl2(uint8_t *h) { put64(h + 72, QCOW2_INCOMPAT_EXTL2); }
static void t_zstd(uint8_t *h) { put64(h + 72, QCOW2_INCOMPAT_COMPRESSION); put32(h + 100, 112); h[104] = 1; }
static void t_unknown(uint8_t *h)
{
    put64(h + 72, 1ull << 9);
    /* a feature name table naming bit 9 */
    put32(h + 104, QCOW2_EXT_FEATURE_TABLE);
    put32(h + 108, 48);
    h[112] = 0;
    h[113] = 9;
    memcpy(h + 114, "time travel", 11);
}
static void t_ext_long(uint8_t *h) { put32(h + 104, 0x12345678); put32(h + 108, 4096); }
static void t_two_formats(uint8_t *h)
{
    put32(h + 104, QCOW2_EXT_BACKING_FORMAT); put32(h + 108, 3); memcpy(h + 112, "raw", 3);
    put32(h + 120, QCOW2_EXT_BACKING_FORMAT); put32(h + 124, 3); memcpy(h + 128, "raw", 3);
}
static void t_snapshots(uint8_t *h) { put32(h + 60, 100000); put64(h + 64, 2048); }

static void test_header_hostile(void)
{
    static const struct { Tweak tweak; int code; const char *says; } cases[] = {
        { t_magic, STORAGE_ERROR_CORRUPT, "not a qcow2 image" },
        { t_version, STORAGE_ERROR_UNSUPPORTED, "version 4" },
        { t_cbits_small, STORAGE_ERROR_UNSUPPORTED, "cluster_bits 8" },
        { t_cbits_big, STORAGE_ERROR_UNSUPPORTED, "cluster_bits 22" },
        { t_hlen, STORAGE_ERROR_CORRUPT, "header_length 100" },
        { t_hlen_odd, STORAGE_ERROR_CORRUPT, "header_length 108" },
        { t_l1_small, STORAGE_ERROR_CORRUPT, "L1 table is too small" },
        { t_l1_huge, STORAGE_ERROR_CORRUPT, "larger than 32 MiB" },
        { t_l1_beyond, STORAGE_ERROR_CORRUPT, "outside the file" },
        { t_l1_unaligned, STORAGE_ERROR_CORRUPT, "unaligned" },
        { t_overlap, STORAGE_ERROR_CORRUPT, "overlap" },
        { t_reftable_zero, STORAGE_ERROR_CORRUPT, "refcount table size" },
        { t_order, STORAGE_ERROR_CORRUPT, "refcount_order 7" },
        { t_backing_out, STORAGE_ERROR_CORRUPT, "backing file name" },
        { t_backing_nul, STORAGE_ERROR_CORRUPT, "NUL" },
        { t_crypt, STORAGE_ERROR_UNSUPPORTED, "encryption" },
        { t_datafile, STORAGE_ERROR_UNSUPPORTED, "external data file" },
        { t_extl2, STORAGE_ERROR_UNSUPPORTED, "subclusters" },
        { t_zstd, STORAGE_ERROR_UNSUPPORTED, "zstd" },
        { t_unknown, STORAGE_ERROR_UNSUPPORTED, "time travel" },
        { t_ext_long, STORAGE_ERROR_CORRUPT, "longer than the header cluster" },
        { t_two_formats, STORAGE_ERROR_CORRUPT, "two backing format" },
        { t_snapshots, STORAGE_ERROR_CORRUPT, "too many snapshots" },
    };
    uint8_t h[512];
    Qcow2Header hdr;
    good_header(h);
    g_assert_true(qcow2_header_parse(h, sizeof(h), 4096, &hdr, NULL));
    qcow2_header_clear(&hdr);
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        good_header(h);
        cases[i].tweak(h);
        g_assert_false(qcow2_header_parse(h, sizeof(h), 4096, &hdr, &error));
        g_assert_error(error, STORAGE_ERROR, cases[i].code);
        if (!strstr(error->message, cases[i].says))
            g_error("case %u: '%s' does not say '%s'", i, error->message, cases[i].says);
    }
    /* a short file */
    g_autoptr(GError) error = NULL;
    g_assert_false(qcow2_header_parse(h, 10, 10, &hdr, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CORRUPT);
}

/* ---- chains ------------------------------------------------------------- */

static char *tpath(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static void make_overlay(const char *name, const char *backing, StorageFormat bfmt)
{
    g_autofree char *p = tpath(name);
    StorageCreateOptions o = { .backing_file = backing, .backing_format = bfmt };
    g_autoptr(GError) error = NULL;
    g_unlink(p);
    g_assert_true(storage_image_create(p, STORAGE_FORMAT_QCOW2, 1 << 20, &o, &error));
}

static void test_chain_loop(void)
{
    make_overlay("loop-a.qcow2", "loop-b.qcow2", STORAGE_FORMAT_QCOW2);
    make_overlay("loop-b.qcow2", "loop-a.qcow2", STORAGE_FORMAT_QCOW2);
    g_autofree char *a = tpath("loop-a.qcow2");
    g_autoptr(GError) error = NULL;
    g_assert_null(storage_image_open(a, STORAGE_FORMAT_QCOW2, STORAGE_OPEN_READONLY, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    g_assert_nonnull(strstr(error->message, "loops"));
    g_clear_error(&error);
    g_assert_null(storage_chain_describe(a, STORAGE_FORMAT_QCOW2, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    /* an image that is its own backing file */
    make_overlay("self.qcow2", "self.qcow2", STORAGE_FORMAT_QCOW2);
    g_autofree char *s = tpath("self.qcow2");
    g_clear_error(&error);
    g_assert_null(storage_image_open(s, STORAGE_FORMAT_QCOW2, 0, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
}

static void test_chain_depth(void)
{
    g_autofree char *base = tpath("d0.raw");
    g_assert_true(storage_image_create(base, STORAGE_FORMAT_RAW, 1 << 20, NULL, NULL));
    for (unsigned i = 1; i <= STORAGE_CHAIN_MAX + 1; i++) {
        g_autofree char *name = g_strdup_printf("d%u.qcow2", i);
        g_autofree char *below = i == 1 ? g_strdup("d0.raw") : g_strdup_printf("d%u.qcow2", i - 1);
        make_overlay(name, below, i == 1 ? STORAGE_FORMAT_RAW : STORAGE_FORMAT_QCOW2);
    }
    /* STORAGE_CHAIN_MAX images below the top are fine, one more is not */
    g_autoptr(GError) error = NULL;
    g_autofree char *ok = g_strdup_printf("%s/d%u.qcow2", tmpdir, STORAGE_CHAIN_MAX);
    StorageImage *img = storage_image_open(ok, STORAGE_FORMAT_QCOW2, STORAGE_OPEN_READONLY, &error);
    g_assert_no_error(error);
    storage_image_close(img);
    g_autofree char *deep = g_strdup_printf("%s/d%u.qcow2", tmpdir, STORAGE_CHAIN_MAX + 1);
    g_assert_null(storage_image_open(deep, STORAGE_FORMAT_QCOW2, STORAGE_OPEN_READONLY, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    g_assert_nonnull(strstr(error->message, "deeper"));
    g_clear_error(&error);
    g_assert_null(storage_chain_describe(deep, STORAGE_FORMAT_QCOW2, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
}

static void test_chain_explicit(void)
{
    g_autofree char *base = tpath("e0.raw"), *mid = tpath("e1.qcow2"), *top = tpath("e2.qcow2");
    g_unlink(base);
    g_assert_true(storage_image_create(base, STORAGE_FORMAT_RAW, 1 << 20, NULL, NULL));
    make_overlay("e1.qcow2", "e0.raw", STORAGE_FORMAT_RAW);
    make_overlay("e2.qcow2", "e1.qcow2", STORAGE_FORMAT_QCOW2);
    StorageLayer good[] = { { top, STORAGE_FORMAT_QCOW2 }, { mid, STORAGE_FORMAT_QCOW2 },
                            { base, STORAGE_FORMAT_RAW } };
    g_autoptr(GError) error = NULL;
    StorageImage *img = storage_chain_open(good, 3, 0, &error);
    g_assert_no_error(error);
    g_assert_false(storage_image_readonly(img));
    g_assert_true(storage_image_readonly(storage_image_backing(img)));
    storage_image_close(img);
    /* one layer short, one too many, wrong format, a loop */
    StorageLayer shorter[] = { { top, STORAGE_FORMAT_QCOW2 }, { mid, STORAGE_FORMAT_QCOW2 } };
    g_assert_null(storage_chain_open(shorter, 2, 0, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    g_assert_nonnull(strstr(error->message, "none is given"));
    g_clear_error(&error);
    StorageLayer longer[] = { { top, STORAGE_FORMAT_QCOW2 }, { mid, STORAGE_FORMAT_QCOW2 },
                              { base, STORAGE_FORMAT_RAW }, { base, STORAGE_FORMAT_RAW } };
    g_assert_null(storage_chain_open(longer, 4, 0, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    g_clear_error(&error);
    StorageLayer wrongfmt[] = { { top, STORAGE_FORMAT_QCOW2 }, { mid, STORAGE_FORMAT_RAW } };
    g_assert_null(storage_chain_open(wrongfmt, 2, 0, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    g_assert_nonnull(strstr(error->message, "records backing format"));
    g_clear_error(&error);
    StorageLayer loop[] = { { top, STORAGE_FORMAT_QCOW2 }, { top, STORAGE_FORMAT_QCOW2 } };
    g_assert_null(storage_chain_open(loop, 2, STORAGE_OPEN_READONLY, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    /* a top layer passed as a descriptor never opens paths by name */
    g_clear_error(&error);
    int fd = open(top, O_RDONLY);
    g_autofree char *spec = g_strdup_printf("fd:%d", fd);
    g_assert_null(storage_image_open(spec, STORAGE_FORMAT_QCOW2, STORAGE_OPEN_READONLY, &error));
    g_assert_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN);
    g_assert_nonnull(strstr(error->message, "pass the chain explicitly"));
}

/* ---- concurrent writes ---------------------------------------------------- */

#define CW_THREADS 8
#define CW_CLUSTERS 128
#define CW_CS 65536u
#define CW_BLK (CW_CS / CW_THREADS)

typedef struct {
    StorageImage *img;
    unsigned t;
    int err;
} CwArg;

/* Thread t writes block t of every cluster (so several threads allocate
 * each guest cluster at once), clusters in its own order. */
static void *cw_thread(void *opaque)
{
    CwArg *a = opaque;
    uint8_t buf[CW_BLK];
    memset(buf, 0x40 + (int)a->t, CW_BLK);
    for (unsigned i = 0; i < CW_CLUSTERS && !a->err; i++) {
        unsigned c = (i * 37u + a->t * 11u) % CW_CLUSTERS;
        a->err = storage_image_pwrite(a->img, buf, CW_BLK, (uint64_t)c * CW_CS + a->t * CW_BLK);
    }
    return NULL;
}

/* Allocating writes run in parallel (the data written without the image
 * lock): writes that share a guest cluster must neither allocate it
 * twice nor undo one another with their copy-on-write. */
static void test_write_concurrent(void)
{
    g_autofree char *base = tpath("cw-base.raw");
    g_autofree char *top = tpath("cw-top.qcow2");
    g_autoptr(GError) error = NULL;
    uint64_t size = (uint64_t)CW_CLUSTERS * CW_CS;
    g_autofree uint8_t *fill = g_malloc(size);
    memset(fill, 0x11, size);
    g_assert_true(g_file_set_contents(base, (const char *)fill, (gssize)size, &error));
    StorageCreateOptions o = { .cluster_size = CW_CS, .backing_file = base,
                               .backing_format = STORAGE_FORMAT_RAW };
    g_unlink(top);
    g_assert_true(storage_image_create(top, STORAGE_FORMAT_QCOW2, size, &o, &error));
    for (int round = 0; round < 3; round++) {
        StorageImage *img = storage_image_open(top, STORAGE_FORMAT_QCOW2, 0, &error);
        g_assert_no_error(error);
        if (round == 0) {
            CwArg a[CW_THREADS];
            pthread_t th[CW_THREADS];
            for (unsigned t = 0; t < CW_THREADS; t++) {
                a[t] = (CwArg){ img, t, 0 };
                pthread_create(&th[t], NULL, cw_thread, &a[t]);
            }
            for (unsigned t = 0; t < CW_THREADS; t++) {
                pthread_join(th[t], NULL);
                g_assert_cmpint(a[t].err, ==, 0);
            }
        }
        /* every block holds its writer's bytes (none the backing file's) */
        g_autofree uint8_t *got = g_malloc(size);
        g_assert_cmpint(storage_image_pread(img, got, size, 0), ==, 0);
        for (uint64_t b = 0; b < size / CW_BLK; b++) {
            uint8_t want = (uint8_t)(0x40 + b % CW_THREADS);
            if (got[b * CW_BLK] != want || got[b * CW_BLK + CW_BLK - 1] != want)
                g_error("block %" G_GUINT64_FORMAT " reads %#x, wrote %#x", b, got[b * CW_BLK],
                        want);
        }
        StorageCheckResult res;
        g_assert_true(storage_image_check(img, &res, &error));
        g_assert_cmpuint(res.corruptions, ==, 0);
        g_assert_cmpuint(res.leaks, ==, 0);
        storage_check_result_clear(&res);
        g_assert_cmpint(storage_image_close(img), ==, 0);
    }
}

/* A 4 KiB write into a never-written 64 KiB cluster leaves the rest a
 * hole or past the end of the file (reads zeros, costs no writing), and
 * the image checks clean (qemu-img: test-storage-qemu.sh). */
static void test_write_fresh_hole(void)
{
    g_autofree char *path = tpath("hole.qcow2");
    StorageImage *img = new_qcow2("hole.qcow2", 8 << 20, 65536, 0);
    uint8_t buf[4096];
    memset(buf, 0x5a, sizeof(buf));
    g_assert_cmpint(storage_image_pwrite(img, buf, sizeof(buf), 0), ==, 0);
    g_assert_cmpint(storage_image_flush(img), ==, 0);
    struct stat st0, st1;
    g_assert_cmpint(stat(path, &st0), ==, 0);
    g_assert_cmpint(storage_image_pwrite(img, buf, sizeof(buf), (1 << 20) + 8192), ==, 0);
    g_assert_cmpint(storage_image_flush(img), ==, 0);
    g_assert_cmpint(stat(path, &st1), ==, 0);
    /* the data, not the whole cluster */
    g_assert_cmpint((st1.st_blocks - st0.st_blocks) * 512, <, 65536);
    g_autofree uint8_t *got = g_malloc(65536);
    g_assert_cmpint(storage_image_pread(img, got, 65536, 1 << 20), ==, 0);
    for (unsigned i = 0; i < 65536; i++)
        g_assert_cmpuint(got[i], ==, i >= 8192 && i < 8192 + 4096 ? 0x5a : 0);
    StorageCheckResult res;
    g_autoptr(GError) error = NULL;
    g_assert_true(storage_image_check(img, &res, &error));
    g_assert_cmpuint(res.corruptions + res.leaks, ==, 0);
    storage_check_result_clear(&res);
    g_assert_cmpint(storage_image_close(img), ==, 0);
}

/* Write-behind (storage_image_writeback) starts the write-out and
 * changes nothing else: what was written still reads back, the image
 * checks clean, and a read-only image accepts the call too. */
static void test_write_writeback(void)
{
    StorageImage *img = new_qcow2("wb.qcow2", 16 << 20, 65536, 0);
    g_autofree uint8_t *buf = g_malloc(1 << 20);
    memset(buf, 0x3c, 1 << 20);
    for (unsigned i = 0; i < 4; i++)
        g_assert_cmpint(storage_image_pwrite(img, buf, 1 << 20, (uint64_t)i << 21), ==, 0);
    g_assert_cmpint(storage_image_writeback(img), ==, 0);
    g_autofree uint8_t *got = g_malloc(1 << 20);
    g_assert_cmpint(storage_image_pread(img, got, 1 << 20, 3u << 21), ==, 0);
    g_assert_cmpmem(got, 1 << 20, buf, 1 << 20);
    StorageCheckResult res;
    g_autoptr(GError) error = NULL;
    g_assert_true(storage_image_check(img, &res, &error));
    g_assert_cmpuint(res.corruptions + res.leaks, ==, 0);
    storage_check_result_clear(&res);
    g_assert_cmpint(storage_image_close(img), ==, 0);
    g_autofree char *path = tpath("wb.qcow2");
    img = storage_image_open(path, STORAGE_FORMAT_QCOW2, STORAGE_OPEN_READONLY, &error);
    g_assert_no_error(error);
    g_assert_cmpint(storage_image_writeback(img), ==, 0);
    g_assert_cmpint(storage_image_close(img), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("storage-unit-XXXXXX", NULL);
    g_test_add_func("/storage/cache/lru", test_cache_lru);
    g_test_add_func("/storage/cache/held", test_cache_held);
    g_test_add_func("/storage/cache/writeback", test_cache_writeback);
    g_test_add_func("/storage/refcount/alloc", test_refcount_alloc);
    g_test_add_func("/storage/refcount/overflow", test_refcount_overflow);
    g_test_add_func("/storage/header/hostile", test_header_hostile);
    g_test_add_func("/storage/chain/loop", test_chain_loop);
    g_test_add_func("/storage/chain/depth", test_chain_depth);
    g_test_add_func("/storage/chain/explicit", test_chain_explicit);
    g_test_add_func("/storage/write/concurrent", test_write_concurrent);
    g_test_add_func("/storage/write/fresh-hole", test_write_fresh_hole);
    g_test_add_func("/storage/write/writeback", test_write_writeback);
    int r = g_test_run();
    if (!g_getenv("VESSEL_TEST_KEEP")) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            r = 1;
    }
    g_free(tmpdir);
    return r;
}
