/* qcow2_priv.h - the state of an open qcow2 image, shared by the qcow2
 * files: qcow2_open.c (open, close, header updates), qcow2_refcount.c
 * (reference counts, cluster allocation), qcow2_map.c (L1/L2 lookup),
 * qcow2_io.c (read, write, zero), qcow2_flush.c (write-back order),
 * qcow2_check.c, qcow2_resize.c, qcow2_create.c.
 *
 * Design note: consistency at any moment.
 *   The image on disk must stay consistent whenever the process dies:
 *   at worst clusters leak (a refcount nothing uses), never a cluster
 *   in use with a refcount too low, and never a table pointing at
 *   unwritten metadata.  So:
 *   - Data is written straight to its cluster when the guest writes;
 *     metadata (L2 tables, refcount blocks, the L1 table) is changed in
 *     memory and written back later (flush, or cache eviction).
 *   - Before any L2 table or L1 entry is written, everything written so
 *     far (data, refcount blocks) is made durable first (fdatasync):
 *     a table never points at a cluster whose refcount or content could
 *     still be lost.  A new L2 table's cluster is written (zeros) when
 *     it is allocated, so that sync covers it too and the L1 entry may
 *     go out together with the table's entries.  Refcount blocks themselves may be written at any
 *     time: they only ever contain increments that are not yet relied
 *     on, or decrements whose references are already gone on disk.
 *   - A reference is dropped (discard, overwrite of a compressed
 *     cluster) by changing the L2 entry first; the refcount decrement
 *     waits in @pending_free until the L2 change is durable (the end of
 *     a flush), and is applied only when no request still reads or
 *     writes through an old mapping (@inflight == 0), so a freed cluster
 *     is never reused under a request in flight.
 *   - New refcount blocks and a grown refcount table or L1 table are
 *     written and synced before the table or header field that points
 *     at them (header fields change with one sector write).
 *   - A guest flush runs this write-back and ends with fdatasync.
 *
 * Threads: one mutex (@lock) guards all of the state below.  Reads and
 * writes to clusters that are already allocated drop it for the data
 * I/O.  An allocating write takes its clusters (refcounts raised) and
 * notes its guest clusters in @allocs under the lock, writes the data
 * without it, and sets the L2 entries under it again once the data is
 * written, so requests to other clusters go on meanwhile and the
 * ordering above holds (a table only ever points at data already
 * written).  Another write or a zeroing that touches a noted guest
 * cluster waits for @alloc_done first (it would otherwise allocate the
 * same guest cluster twice or be undone by the copy-on-write of the
 * first).  Zeroing and flushes hold the lock throughout.
 *
 * Hostile images: every offset read from a table is checked (alignment,
 * reserved bits) before use; writable images also keep the set of
 * metadata clusters (@meta), and a data write or an allocation that
 * would land on one marks the image corrupt (no further writes, -EIO)
 * instead of overwriting metadata. */
#ifndef VESSEL_STORAGE_QCOW2_PRIV_H
#define VESSEL_STORAGE_QCOW2_PRIV_H

#include "storage/image.h"
#include "storage/qcow2_cache.h"
#include "storage/qcow2_format.h"

#include <pthread.h>
#include <stdatomic.h>

/* L2 cache default: 4 MiB of tables (32 GiB of disk with 64 KiB
 * clusters), at least 4 tables; refcount block cache: 1 MiB, >= 4. */
#define QCOW2_L2_CACHE_BYTES (4u << 20)
#define QCOW2_RB_CACHE_BYTES (1u << 20)
#define QCOW2_CACHE_MIN 4

typedef struct {
    uint64_t offset;            /* host byte offset */
    uint64_t len;               /* bytes */
} Qcow2Range;

typedef struct {
    StorageImage img;
    Qcow2Header h;
    uint32_t cluster_bits;
    uint64_t cluster_size;
    uint32_t l2_bits;           /* log2 of entries per L2 table */
    uint64_t l2_entries;
    uint64_t l2_span;           /* guest bytes one L2 table maps */

    uint64_t *l1;               /* host byte order */
    uint32_t l1_size;
    uint64_t l1_dirty_lo, l1_dirty_hi;    /* dirty entries [lo, hi) */

    uint64_t *reftable;         /* host byte order */
    uint64_t reftable_size;     /* entries */
    uint64_t refblock_entries;  /* clusters per refcount block */
    uint32_t refcount_bits;
    uint64_t refcount_max;

    /* compressed cluster descriptors */
    uint32_t csize_shift;
    uint64_t csize_mask;
    uint64_t coffset_mask;

    Qcow2Cache *l2_cache;
    Qcow2Cache *rb_cache;

    pthread_mutex_t lock;
    uint64_t free_hint;         /* no free cluster below this index */
    uint64_t alloc_end;         /* no allocated cluster at or above it */
    uint64_t fresh_end;         /* clusters at or above both this (the file's
                                 * end at open) and alloc_end were never
                                 * written: they read as zeros */
    GArray *pending_free;       /* Qcow2Range */
    atomic_uint inflight;       /* data I/O through a mapping, lock dropped:
                                 * raised with the lock held, dropped without */
    GArray *allocs;             /* Qcow2Range: guest clusters [offset, +len)
                                 * an allocating write has in flight */
    pthread_cond_t alloc_done;  /* broadcast when one of @allocs ends */
    atomic_bool unsynced;       /* written since the last fdatasync: set
                                 * once a write has completed, cleared just
                                 * before fdatasync starts */
    bool corrupt;
    const char *corrupt_reason; /* static string: the first problem */
    GHashTable *meta;           /* writable: cluster index -> 1 for metadata */
} Qcow2;

typedef enum {
    QCOW2_CLUSTER_UNALLOCATED,  /* backing file or zeros */
    QCOW2_CLUSTER_ZERO_PLAIN,   /* reads zeros, no host cluster */
    QCOW2_CLUSTER_ZERO_ALLOC,   /* reads zeros, host cluster kept */
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

/* A run of guest clusters that read the same way. */
typedef struct {
    Qcow2ClusterType type;
    uint64_t host;              /* NORMAL/ZERO_ALLOC: host offset of the first byte;
                                 * COMPRESSED: the raw L2 entry */
    uint64_t bytes;             /* guest bytes in the run */
    bool copied;                /* NORMAL: every cluster has refcount 1 (writable in place) */
} Qcow2Mapping;

/* qcow2_open.c */
int qcow2_write_header_fields(Qcow2 *q, uint32_t offset, const uint8_t *buf, size_t len);
void qcow2_mark_corrupt(Qcow2 *q, const char *what);
static inline uint64_t qcow2_cluster_of(const Qcow2 *q, uint64_t offset)
{
    return offset >> q->cluster_bits;
}
static inline uint64_t qcow2_clusters_for(const Qcow2 *q, uint64_t bytes)
{
    return (bytes + q->cluster_size - 1) >> q->cluster_bits;
}
void qcow2_meta_add(Qcow2 *q, uint64_t offset, uint64_t clusters);
void qcow2_meta_remove(Qcow2 *q, uint64_t offset, uint64_t clusters);
bool qcow2_meta_overlaps(const Qcow2 *q, uint64_t offset, uint64_t clusters);

/* qcow2_refcount.c (lock held) */
int qcow2_refcount_get(Qcow2 *q, uint64_t cluster, uint64_t *refcount);
/* Add @delta to the refcounts of @n clusters from @cluster. */
int qcow2_refcount_update(Qcow2 *q, uint64_t cluster, uint64_t n, int delta);
/* Allocate up to @n contiguous clusters (at least 1; all @n if
 * @exact): refcount 1.  Returns the host offset (> 0) and the count in
 * *@got, or -errno. */
int64_t qcow2_alloc_clusters(Qcow2 *q, uint64_t n, bool exact, uint64_t *got);
/* Queue a reference drop of the clusters holding [offset, offset+len). */
void qcow2_free_later(Qcow2 *q, uint64_t offset, uint64_t len);
/* Apply queued drops (the L2 changes that dropped them are durable). */
int qcow2_free_pending(Qcow2 *q);
/* Scan refcounts for alloc_end at open. */
int qcow2_refcount_init(Qcow2 *q);
int qcow2_rb_load(void *opaque, uint64_t offset, void *table);
int qcow2_rb_store(void *opaque, uint64_t offset, const void *table);
uint64_t qcow2_rb_entry_get(const Qcow2 *q, const void *block, uint64_t index);

/* qcow2_map.c (lock held) */
/* Classify an L2 entry; -EIO (and the image marked corrupt when
 * writable) for reserved bits or a misaligned offset. */
int qcow2_entry_type(Qcow2 *q, uint64_t entry, Qcow2ClusterType *type);
/* The run starting at guest @off, at most @len bytes, not crossing an
 * L2 table. */
int qcow2_map(Qcow2 *q, uint64_t off, uint64_t len, Qcow2Mapping *m);
/* The L2 table for L1 index @l1i (held; put it with qcow2_cache_put),
 * allocated when @alloc, else NULL with 0 when there is none. */
int qcow2_l2_get(Qcow2 *q, uint64_t l1i, bool alloc, uint64_t **table);
int qcow2_l2_load(void *opaque, uint64_t offset, void *table);
int qcow2_l2_store(void *opaque, uint64_t offset, const void *table);
void qcow2_l1_set(Qcow2 *q, uint64_t l1i, uint64_t entry);

/* qcow2_flush.c (lock held) */
/* Make everything written so far durable, if anything was. */
int qcow2_sync(Qcow2 *q);
/* Write @buf at @off and make it (and everything before) durable. */
int qcow2_write_durable(Qcow2 *q, const void *buf, size_t len, uint64_t off);
/* Before an L2 table is written: refcount blocks out, then sync. */
int qcow2_before_l2_store(Qcow2 *q);
int qcow2_flush_locked(Qcow2 *q);
int qcow2_flush(StorageImage *img);

/* qcow2_io.c */
int qcow2_preadv(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                 uint64_t len);
int qcow2_pwritev(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                  uint64_t len);
int qcow2_zero(StorageImage *img, uint64_t off, uint64_t len, bool unmap);
int qcow2_allocated(StorageImage *img, uint64_t off, uint64_t len, uint64_t *bytes);
/* Decompress the compressed cluster of L2 @entry into @out (one cluster). */
int qcow2_read_compressed(Qcow2 *q, uint64_t entry, uint8_t *out);
/* Read guest bytes [off, off + len) below this image (the backing chain,
 * zeros past its end). */
int qcow2_read_backing(Qcow2 *q, const struct iovec *iov, int iovcnt, uint64_t off,
                       uint64_t len);

/* qcow2_check.c, qcow2_resize.c */
gboolean qcow2_check(StorageImage *img, StorageCheckResult *res, GError **error);
gboolean qcow2_resize(StorageImage *img, uint64_t size, GError **error);

#endif
