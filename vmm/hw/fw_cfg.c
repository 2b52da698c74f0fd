/* fw_cfg.c - QEMU's fw_cfg interface on I/O ports 0x510-0x51b (fw_cfg.h).
 *
 * Semantics, as docs/specs/fw_cfg.rst and QEMU's fw_cfg_io give them:
 *   - a 16-bit write to 0x510 selects an item (bit 14, the old write
 *     channel, is ignored; bit 15 selects the architecture's keys) and
 *     sets the data offset to 0;
 *   - a byte read at 0x510 or 0x511 returns the next byte of the item,
 *     0 once past its end or for a key nobody added; byte writes there
 *     are ignored (QEMU >= 2.4);
 *   - 0x514-0x51b reads as "QEMU CFG" (the DMA signature, big-endian);
 *     a 32-bit write at 0x514 sets the high half of the DMA address, at
 *     0x518 the low half and starts the transfer described by the
 *     FWCfgDmaAccess at that address (control, length, address, all
 *     big-endian).  Select, then read (past the end: zeros), skip, or
 *     write (refused: error bit).  The control word is then written back
 *     as 0, or with the error bit when the structure or the buffer lies
 *     outside RAM.  The address register is 0 again after a transfer.
 * Everything a guest gives (selector, lengths, addresses) is checked;
 * nothing it does can make the device touch memory outside guest RAM. */
#include "config.h"

#include "vmm/hw/fw_cfg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint16_t key;
    char name[FW_CFG_MAX_FILE_PATH];   /* "" for a well-known key */
    uint8_t *data;
    size_t len;
} FwCfgItem;

struct FwCfg {
    FwCfgRam ram;
    FwCfgItem *items;
    size_t nitems, cap;
    int nfiles;
    int cur;                 /* index into items, -1: nothing selected */
    uint64_t offset;         /* data offset in the current item */
    uint32_t dma_hi;         /* high half of the DMA address */
};

static int item_find(const FwCfg *fw, uint16_t key)
{
    for (size_t i = 0; i < fw->nitems; i++)
        if (fw->items[i].key == key)
            return (int)i;
    return -1;
}

static int item_find_name(const FwCfg *fw, const char *name)
{
    for (size_t i = 0; i < fw->nitems; i++)
        if (fw->items[i].name[0] && !strcmp(fw->items[i].name, name))
            return (int)i;
    return -1;
}

/* Add or replace the data of @key; returns the item's index or -errno. */
static int item_set(FwCfg *fw, uint16_t key, const char *name, const void *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -ENOMEM;
    if (len)
        memcpy(copy, data, len);
    int i = item_find(fw, key);
    if (i < 0) {
        if (fw->nitems == fw->cap) {
            size_t cap = fw->cap ? fw->cap * 2 : 32;
            FwCfgItem *n = realloc(fw->items, cap * sizeof(*n));
            if (!n) {
                free(copy);
                return -ENOMEM;
            }
            fw->items = n;
            fw->cap = cap;
        }
        i = (int)fw->nitems++;
        memset(&fw->items[i], 0, sizeof(fw->items[i]));
        fw->items[i].key = key;
    }
    FwCfgItem *it = &fw->items[i];
    free(it->data);
    it->data = copy;
    it->len = len;
    if (name)
        snprintf(it->name, sizeof(it->name), "%s", name);
    return i;
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, (uint16_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int file_cmp(const void *a, const void *b)
{
    const FwCfgItem *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* The file directory: a big-endian count, then per file its size, key,
 * a reserved u16 and the NUL-padded name (64 bytes), sorted by name. */
static int dir_rebuild(FwCfg *fw)
{
    const FwCfgItem **files = calloc(fw->nfiles ? fw->nfiles : 1, sizeof(*files));
    size_t len = 4 + 64 * (size_t)fw->nfiles;
    uint8_t *dir = calloc(1, len);
    int r = -ENOMEM;
    if (files && dir) {
        int n = 0;
        for (size_t i = 0; i < fw->nitems; i++)
            if (fw->items[i].name[0])
                files[n++] = &fw->items[i];
        qsort(files, n, sizeof(*files), file_cmp);
        put_be32(dir, n);
        for (int k = 0; k < n; k++) {
            uint8_t *e = dir + 4 + 64 * k;
            put_be32(e, (uint32_t)files[k]->len);
            put_be16(e + 4, files[k]->key);
            memcpy(e + 8, files[k]->name, strlen(files[k]->name));
        }
        r = item_set(fw, FW_CFG_FILE_DIR, NULL, dir, len);
    }
    free(files);
    free(dir);
    return r < 0 ? r : 0;
}

int fw_cfg_add_bytes(FwCfg *fw, uint16_t key, const void *data, size_t len)
{
    uint16_t k = key & ~FW_CFG_WRITE_CHANNEL;
    if ((k & ~FW_CFG_ARCH_LOCAL) >= FW_CFG_FILE_FIRST || k == FW_CFG_FILE_DIR ||
        len > UINT32_MAX)
        return -EINVAL;
    int r = item_set(fw, k, NULL, data, len);
    return r < 0 ? r : 0;
}

int fw_cfg_add_u16(FwCfg *fw, uint16_t key, uint16_t value)
{
    uint8_t b[2] = { (uint8_t)value, value >> 8 };
    return fw_cfg_add_bytes(fw, key, b, sizeof(b));
}

int fw_cfg_add_u32(FwCfg *fw, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    return fw_cfg_add_bytes(fw, key, b, sizeof(b));
}

int fw_cfg_add_u64(FwCfg *fw, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    return fw_cfg_add_bytes(fw, key, b, sizeof(b));
}

int fw_cfg_add_file(FwCfg *fw, const char *name, const void *data, size_t len)
{
    if (!name[0] || strlen(name) >= FW_CFG_MAX_FILE_PATH || len > UINT32_MAX)
        return -EINVAL;
    int i = item_find_name(fw, name);
    uint16_t key;
    if (i >= 0) {
        key = fw->items[i].key;
    } else {
        if (fw->nfiles >= FW_CFG_FILE_SLOTS)
            return -ENOSPC;
        key = (uint16_t)(FW_CFG_FILE_FIRST + fw->nfiles);
    }
    int r = item_set(fw, key, name, data, len);
    if (r < 0)
        return r;
    if (i < 0)
        fw->nfiles++;
    r = dir_rebuild(fw);
    return r < 0 ? r : key;
}

const uint8_t *fw_cfg_item(const FwCfg *fw, uint16_t key, size_t *len)
{
    int i = item_find(fw, key & ~FW_CFG_WRITE_CHANNEL);
    if (i < 0)
        return NULL;
    *len = fw->items[i].len;
    return fw->items[i].data;
}

const uint8_t *fw_cfg_file(const FwCfg *fw, const char *name, size_t *len)
{
    int i = item_find_name(fw, name);
    if (i < 0)
        return NULL;
    *len = fw->items[i].len;
    return fw->items[i].data;
}

static void fw_cfg_select(FwCfg *fw, uint16_t key)
{
    fw->cur = item_find(fw, key & ~FW_CFG_WRITE_CHANNEL);
    fw->offset = 0;
}

static uint8_t fw_cfg_next_byte(FwCfg *fw)
{
    if (fw->cur < 0)
        return 0;
    const FwCfgItem *it = &fw->items[fw->cur];
    if (fw->offset >= it->len)
        return 0;
    return it->data[fw->offset++];
}

/* Copy (@read) or skip @len bytes of the current item at @gpa; false if
 * the buffer is not guest RAM. */
static bool dma_read(FwCfg *fw, uint64_t gpa, uint32_t len, bool read)
{
    uint8_t *dst = NULL;
    if (read && len) {
        dst = fw->ram.ram_ptr ? fw->ram.ram_ptr(fw->ram.opaque, gpa, len) : NULL;
        if (!dst)
            return false;
    }
    uint64_t avail = 0;
    const uint8_t *src = NULL;
    if (fw->cur >= 0 && fw->offset < fw->items[fw->cur].len) {
        avail = fw->items[fw->cur].len - fw->offset;
        src = fw->items[fw->cur].data + fw->offset;
    }
    uint64_t n = len < avail ? len : avail;
    if (dst) {
        if (n)
            memcpy(dst, src, n);
        memset(dst + n, 0, len - n);
        if (fw->ram.ram_written)
            fw->ram.ram_written(fw->ram.opaque, gpa, len);
    }
    fw->offset += n;
    return true;
}

static void fw_cfg_dma(FwCfg *fw, uint64_t addr)
{
    uint8_t *acc = fw->ram.ram_ptr ? fw->ram.ram_ptr(fw->ram.opaque, addr, 16) : NULL;
    if (!acc)
        return;   /* no structure to read or report to */
    uint32_t control = get_be32(acc);
    uint32_t length = get_be32(acc + 4);
    uint64_t buf = (uint64_t)get_be32(acc + 8) << 32 | get_be32(acc + 12);
    if (control & FW_CFG_DMA_CTL_SELECT)
        fw_cfg_select(fw, (uint16_t)(control >> 16));
    uint32_t result = 0;
    if (control & FW_CFG_DMA_CTL_READ) {
        if (!dma_read(fw, buf, length, true))
            result = FW_CFG_DMA_CTL_ERROR;
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        result = FW_CFG_DMA_CTL_ERROR;   /* every item is read-only */
    } else if (control & FW_CFG_DMA_CTL_SKIP) {
        dma_read(fw, buf, length, false);
    }
    put_be32(acc, result);
    if (fw->ram.ram_written)
        fw->ram.ram_written(fw->ram.opaque, addr, 4);
}

static uint32_t bswap32(uint32_t v)
{
    return __builtin_bswap32(v);
}

uint64_t fw_cfg_read(void *opaque, uint64_t offset, unsigned size)
{
    FwCfg *fw = opaque;
    if (offset < 2)
        return size == 1 ? fw_cfg_next_byte(fw) : ~0ull;
    if (offset >= 4 && offset + size <= 12) {
        /* "QEMU CFG" in port order */
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)((FW_CFG_DMA_SIGNATURE >> (8 * (7 - (offset - 4 + i)))) & 0xff)
                 << (8 * i);
        return v;
    }
    return ~0ull;
}

int fw_cfg_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    FwCfg *fw = opaque;
    if (offset == 0 && size == 2) {
        fw_cfg_select(fw, (uint16_t)val);
    } else if (offset == 4 && size == 4) {
        fw->dma_hi = bswap32((uint32_t)val);
    } else if (offset == 8 && size == 4) {
        uint64_t addr = (uint64_t)fw->dma_hi << 32 | bswap32((uint32_t)val);
        fw->dma_hi = 0;
        fw_cfg_dma(fw, addr);
    }
    /* data writes and other widths: ignored */
    return 0;
}

static const IoOps fw_cfg_ops = { fw_cfg_read, fw_cfg_write, IO_SIZES_UP_TO_32 };

void fw_cfg_reset(FwCfg *fw)
{
    fw_cfg_select(fw, FW_CFG_SIGNATURE);
    fw->dma_hi = 0;
}

FwCfg *fw_cfg_create(const FwCfgRam *ram)
{
    FwCfg *fw = calloc(1, sizeof(*fw));
    if (!fw)
        return NULL;
    if (ram)
        fw->ram = *ram;
    static const uint8_t sig[4] = { 'Q', 'E', 'M', 'U' };
    if (fw_cfg_add_bytes(fw, FW_CFG_SIGNATURE, sig, sizeof(sig)) < 0 ||
        fw_cfg_add_u32(fw, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA) < 0 ||
        dir_rebuild(fw) < 0) {
        fw_cfg_destroy(fw);
        return NULL;
    }
    fw_cfg_reset(fw);
    return fw;
}

void fw_cfg_destroy(FwCfg *fw)
{
    if (!fw)
        return;
    for (size_t i = 0; i < fw->nitems; i++)
        free(fw->items[i].data);
    free(fw->items);
    free(fw);
}

int fw_cfg_attach(FwCfg *fw, IoBus *bus)
{
    return io_bus_register(bus, IO_SPACE_PIO, FW_CFG_PORT, FW_CFG_PORT_LEN, &fw_cfg_ops, fw);
}
