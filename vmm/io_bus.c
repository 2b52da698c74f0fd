/* io_bus.c - port I/O and MMIO range dispatch (see io_bus.h). */
#include "config.h"

#include "vmm/io_bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t base, len;
    const IoOps *ops;
    void *opaque;
} IoRange;

typedef struct {
    IoRange *r;     /* sorted by base, non-overlapping */
    int n, cap;
} IoRangeList;

struct IoBus {
    IoRangeList space[IO_SPACE_LAST];
};

IoBus *io_bus_new(void)
{
    return calloc(1, sizeof(IoBus));
}

void io_bus_free(IoBus *bus)
{
    if (!bus)
        return;
    for (int i = 0; i < IO_SPACE_LAST; i++)
        free(bus->space[i].r);
    free(bus);
}

static int io_range_find(const IoRangeList *l, uint64_t addr)
{
    int lo = 0, hi = l->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const IoRange *r = &l->r[mid];
        if (addr < r->base)
            hi = mid - 1;
        else if (addr - r->base >= r->len)
            lo = mid + 1;
        else
            return mid;
    }
    return -1;
}

int io_bus_register(IoBus *bus, IoSpace space, uint64_t base, uint64_t len,
                    const IoOps *ops, void *opaque)
{
    if (space >= IO_SPACE_LAST || len == 0 || base + len - 1 < base || !ops ||
        !(ops->sizes & IO_SIZES_ALL))
        return -EINVAL;
    IoRangeList *l = &bus->space[space];
    int pos = 0;
    while (pos < l->n && l->r[pos].base < base)
        pos++;
    if (pos > 0 && l->r[pos - 1].base + l->r[pos - 1].len > base)
        return -EEXIST;
    if (pos < l->n && base + len > l->r[pos].base)
        return -EEXIST;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        IoRange *r = realloc(l->r, cap * sizeof(*r));
        if (!r)
            return -ENOMEM;
        l->r = r;
        l->cap = cap;
    }
    memmove(&l->r[pos + 1], &l->r[pos], (l->n - pos) * sizeof(IoRange));
    l->r[pos] = (IoRange){ base, len, ops, opaque };
    l->n++;
    return 0;
}

int io_bus_unregister(IoBus *bus, IoSpace space, uint64_t base)
{
    if (space >= IO_SPACE_LAST)
        return -EINVAL;
    IoRangeList *l = &bus->space[space];
    int i = io_range_find(l, base);
    if (i < 0 || l->r[i].base != base)
        return -ENOENT;
    memmove(&l->r[i], &l->r[i + 1], (l->n - i - 1) * sizeof(IoRange));
    l->n--;
    return 0;
}

int io_bus_claimed(const IoBus *bus, IoSpace space, uint64_t addr)
{
    return space < IO_SPACE_LAST && io_range_find(&bus->space[space], addr) >= 0;
}

static unsigned io_size_mask(unsigned size)
{
    return size & IO_SIZES_ALL;
}

/* Largest accepted size strictly smaller than @size, or 0. */
static unsigned io_size_smaller(unsigned sizes, unsigned size)
{
    for (unsigned s = size >> 1; s; s >>= 1)
        if (sizes & s)
            return s;
    return 0;
}

/* Smallest accepted size larger than @size, or 0. */
static unsigned io_size_larger(unsigned sizes, unsigned size)
{
    for (unsigned s = size << 1; s <= 8; s <<= 1)
        if (sizes & s)
            return s;
    return 0;
}

static int io_access(IoBus *bus, IoSpace space, uint64_t addr, unsigned size,
                     uint64_t *val, int is_write);

/* Split into @part-sized pieces, little-endian. */
static int io_access_split(IoBus *bus, IoSpace space, uint64_t addr,
                           unsigned size, unsigned part, uint64_t *val,
                           int is_write)
{
    uint64_t result = 0;
    int ret = 0;
    for (unsigned off = 0; off < size; off += part) {
        uint64_t piece = is_write ? (*val >> (off * 8)) : 0;
        if (part < 8)
            piece &= (1ull << (part * 8)) - 1;
        int r = io_access(bus, space, addr + off, part, &piece, is_write);
        if (r > 0 && !ret)
            ret = r;
        if (!is_write) {
            if (part < 8)
                piece &= (1ull << (part * 8)) - 1;
            result |= piece << (off * 8);
        }
    }
    if (!is_write)
        *val = result;
    return ret;
}

static int io_access(IoBus *bus, IoSpace space, uint64_t addr, unsigned size,
                     uint64_t *val, int is_write)
{
    IoRangeList *l = &bus->space[space];
    int i = io_range_find(l, addr);
    if (i < 0) {
        if (!is_write)
            *val = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
        return 0;
    }
    const IoRange *r = &l->r[i];
    uint64_t off = addr - r->base;
    if (off + size > r->len && size > 1)
        return io_access_split(bus, space, addr, size, 1, val, is_write);
    unsigned sizes = r->ops->sizes;
    if (sizes & io_size_mask(size)) {
        if (is_write)
            return r->ops->write ? r->ops->write(r->opaque, off, *val, size) : 0;
        *val = r->ops->read ? r->ops->read(r->opaque, off, size) : ~0ull;
        if (size < 8)
            *val &= (1ull << (size * 8)) - 1;
        return 0;
    }
    unsigned smaller = io_size_smaller(sizes, size);
    if (smaller)
        return io_access_split(bus, space, addr, size, smaller, val, is_write);
    unsigned larger = io_size_larger(sizes, size);
    if (!larger || is_write)
        goto unclaimed;
    uint64_t aligned = off & ~(uint64_t)(larger - 1);
    if (aligned + larger > r->len)
        goto unclaimed;
    uint64_t wide = r->ops->read ? r->ops->read(r->opaque, aligned, larger) : ~0ull;
    wide >>= (off - aligned) * 8;
    *val = wide & ((1ull << (size * 8)) - 1);
    return 0;
unclaimed:
    if (!is_write)
        *val = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
    return 0;
}

int io_bus_read(IoBus *bus, IoSpace space, uint64_t addr, unsigned size,
                uint64_t *val)
{
    if (space >= IO_SPACE_LAST || !(size == 1 || size == 2 || size == 4 || size == 8)) {
        *val = ~0ull;
        return 0;
    }
    return io_access(bus, space, addr, size, val, 0);
}

int io_bus_write(IoBus *bus, IoSpace space, uint64_t addr, unsigned size,
                 uint64_t val)
{
    if (space >= IO_SPACE_LAST || !(size == 1 || size == 2 || size == 4 || size == 8))
        return 0;
    return io_access(bus, space, addr, size, &val, 1);
}
