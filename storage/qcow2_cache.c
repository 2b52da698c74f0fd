/* qcow2_cache.c - see qcow2_cache.h.  A fixed array of slots, a hash
 * table from offset to slot, and a use counter for LRU (the cache is
 * small: a linear scan for the victim costs less than the I/O a miss
 * does anyway). */
#include "config.h"

#include "storage/qcow2_cache.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t offset;
    uint8_t *table;
    uint64_t last_use;
    unsigned refs;
    bool valid;
    bool dirty;
} Qcow2CacheSlot;

struct Qcow2Cache {
    size_t table_size;
    unsigned capacity;
    Qcow2CacheIo io;
    Qcow2CacheSlot *slots;
    GHashTable *by_offset;      /* offset -> slot index + 1 */
    uint64_t clock;
    Qcow2CacheStats stats;
};

Qcow2Cache *qcow2_cache_new(size_t table_size, unsigned capacity, const Qcow2CacheIo *io)
{
    Qcow2Cache *c = g_new0(Qcow2Cache, 1);
    c->table_size = table_size;
    c->capacity = capacity < 2 ? 2 : capacity;
    c->io = *io;
    c->slots = g_new0(Qcow2CacheSlot, c->capacity);
    c->by_offset = g_hash_table_new(g_int64_hash, g_int64_equal);
    return c;
}

void qcow2_cache_free(Qcow2Cache *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->capacity; i++)
        free(c->slots[i].table);
    g_hash_table_destroy(c->by_offset);
    g_free(c->slots);
    g_free(c);
}

static Qcow2CacheSlot *qcow2_cache_find(Qcow2Cache *c, uint64_t offset)
{
    gpointer v = g_hash_table_lookup(c->by_offset, &offset);
    return v ? &c->slots[GPOINTER_TO_UINT(v) - 1] : NULL;
}

static Qcow2CacheSlot *qcow2_cache_slot_of(Qcow2Cache *c, const void *table)
{
    for (unsigned i = 0; i < c->capacity; i++)
        if (c->slots[i].valid && c->slots[i].table == table)
            return &c->slots[i];
    return NULL;
}

static int qcow2_cache_store_slot(Qcow2Cache *c, Qcow2CacheSlot *s)
{
    int r = c->io.store(c->io.opaque, s->offset, s->table);
    if (r == 0) {
        s->dirty = false;
        c->stats.stores++;
    }
    return r;
}

static void qcow2_cache_unlink(Qcow2Cache *c, Qcow2CacheSlot *s)
{
    g_hash_table_remove(c->by_offset, &s->offset);
    s->valid = false;
    s->dirty = false;
}

/* A free slot, evicting the least recently used unheld table. */
static Qcow2CacheSlot *qcow2_cache_victim(Qcow2Cache *c, int *err)
{
    Qcow2CacheSlot *best = NULL;
    for (unsigned i = 0; i < c->capacity; i++) {
        Qcow2CacheSlot *s = &c->slots[i];
        if (!s->valid)
            return s;
        if (s->refs == 0 && (!best || s->last_use < best->last_use))
            best = s;
    }
    if (!best) {
        *err = -ENOMEM;
        return NULL;
    }
    if (best->dirty) {
        int r = qcow2_cache_store_slot(c, best);
        if (r < 0) {
            *err = r;
            return NULL;
        }
    }
    qcow2_cache_unlink(c, best);
    c->stats.evictions++;
    return best;
}

static void *qcow2_cache_take(Qcow2Cache *c, uint64_t offset, bool empty, int *err)
{
    Qcow2CacheSlot *s = qcow2_cache_find(c, offset);
    if (s) {
        c->stats.hits++;
        if (empty) {
            memset(s->table, 0, c->table_size);
            s->dirty = true;
        }
    } else {
        c->stats.misses++;
        s = qcow2_cache_victim(c, err);
        if (!s)
            return NULL;
        if (!s->table && !(s->table = malloc(c->table_size))) {
            *err = -ENOMEM;
            return NULL;
        }
        if (empty) {
            memset(s->table, 0, c->table_size);
        } else {
            int r = c->io.load(c->io.opaque, offset, s->table);
            if (r < 0) {
                *err = r;
                return NULL;
            }
        }
        s->offset = offset;
        s->valid = true;
        s->dirty = empty;
        s->refs = 0;
        g_hash_table_insert(c->by_offset, &s->offset, GUINT_TO_POINTER((unsigned)(s - c->slots) + 1));
    }
    s->refs++;
    s->last_use = ++c->clock;
    return s->table;
}

void *qcow2_cache_get(Qcow2Cache *c, uint64_t offset, int *err)
{
    return qcow2_cache_take(c, offset, false, err);
}

void *qcow2_cache_get_empty(Qcow2Cache *c, uint64_t offset, int *err)
{
    return qcow2_cache_take(c, offset, true, err);
}

void qcow2_cache_put(Qcow2Cache *c, void *table)
{
    Qcow2CacheSlot *s = table ? qcow2_cache_slot_of(c, table) : NULL;
    if (s && s->refs)
        s->refs--;
}

void qcow2_cache_mark_dirty(Qcow2Cache *c, void *table)
{
    Qcow2CacheSlot *s = qcow2_cache_slot_of(c, table);
    if (s)
        s->dirty = true;
}

bool qcow2_cache_has_dirty(const Qcow2Cache *c)
{
    for (unsigned i = 0; i < c->capacity; i++)
        if (c->slots[i].valid && c->slots[i].dirty)
            return true;
    return false;
}

static int qcow2_cache_cmp_slot(const void *a, const void *b)
{
    const Qcow2CacheSlot *x = *(Qcow2CacheSlot *const *)a, *y = *(Qcow2CacheSlot *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int qcow2_cache_flush(Qcow2Cache *c)
{
    Qcow2CacheSlot **dirty = g_new(Qcow2CacheSlot *, c->capacity);
    unsigned n = 0;
    for (unsigned i = 0; i < c->capacity; i++)
        if (c->slots[i].valid && c->slots[i].dirty)
            dirty[n++] = &c->slots[i];
    qsort(dirty, n, sizeof(*dirty), qcow2_cache_cmp_slot);
    int ret = 0;
    for (unsigned i = 0; i < n; i++) {
        int r = qcow2_cache_store_slot(c, dirty[i]);
        if (r < 0 && ret == 0)
            ret = r;
    }
    g_free(dirty);
    return ret;
}

void qcow2_cache_drop(Qcow2Cache *c, uint64_t offset)
{
    Qcow2CacheSlot *s = qcow2_cache_find(c, offset);
    if (s && s->refs == 0)
        qcow2_cache_unlink(c, s);
}

void qcow2_cache_stats(const Qcow2Cache *c, Qcow2CacheStats *s)
{
    *s = c->stats;
    s->capacity = c->capacity;
    s->entries = 0;
    for (unsigned i = 0; i < c->capacity; i++)
        s->entries += c->slots[i].valid;
}
