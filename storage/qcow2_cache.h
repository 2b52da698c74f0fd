/* qcow2_cache.h - a bounded cache of cluster-sized metadata tables (L2
 * tables, refcount blocks) keyed by their offset in the image file.
 *
 * Tables stay in the on-disk byte order.  The cache does no I/O itself:
 * a miss calls @load, and writing a dirty table back (on eviction or
 * qcow2_cache_flush) calls @store, where the owner enforces its ordering
 * rules (an L2 table may only reach the disk after the refcounts it
 * relies on).  Entries are reference counted while in use (get/put), so
 * eviction only picks tables nobody holds; least recently used first.
 * Not thread-safe: the owner serializes (the image lock). */
#ifndef VESSEL_STORAGE_QCOW2_CACHE_H
#define VESSEL_STORAGE_QCOW2_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Qcow2Cache Qcow2Cache;

typedef struct {
    int (*load)(void *opaque, uint64_t offset, void *table);        /* 0 or -errno */
    int (*store)(void *opaque, uint64_t offset, const void *table);
    void *opaque;
} Qcow2CacheIo;

/* @capacity tables of @table_size bytes (capacity >= 2). */
Qcow2Cache *qcow2_cache_new(size_t table_size, unsigned capacity, const Qcow2CacheIo *io);
void qcow2_cache_free(Qcow2Cache *c);

/* The table at @offset, loaded on a miss; held until qcow2_cache_put.
 * NULL with *err = -errno (load or write-back failure, or -ENOMEM when
 * every entry is held). */
void *qcow2_cache_get(Qcow2Cache *c, uint64_t offset, int *err);
/* A fresh zero-filled table for a newly allocated cluster at @offset,
 * already dirty (nothing is read). */
void *qcow2_cache_get_empty(Qcow2Cache *c, uint64_t offset, int *err);
void qcow2_cache_put(Qcow2Cache *c, void *table);
void qcow2_cache_mark_dirty(Qcow2Cache *c, void *table);

bool qcow2_cache_has_dirty(const Qcow2Cache *c);
/* Store every dirty table, in offset order.  0 or the first error (the
 * tables that failed stay dirty). */
int qcow2_cache_flush(Qcow2Cache *c);
/* Forget the table at @offset (its cluster was freed); not if held. */
void qcow2_cache_drop(Qcow2Cache *c, uint64_t offset);

/* Statistics for tests. */
typedef struct {
    uint64_t hits, misses, evictions, stores;
    unsigned entries, capacity;
} Qcow2CacheStats;
void qcow2_cache_stats(const Qcow2Cache *c, Qcow2CacheStats *s);

#endif
