/* qcow2_format.h - the qcow2 on-disk format (QEMU's docs/interop/
 * qcow2.txt): header fields, entry bits, and the header parser.
 *
 * qcow2_header_parse() is a pure function over the bytes of the first
 * cluster, so it is what the fuzz target drives first: every field is
 * checked against the file size and against each other before anything
 * is read through it. */
#ifndef VESSEL_STORAGE_QCOW2_FORMAT_H
#define VESSEL_STORAGE_QCOW2_FORMAT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define QCOW2_MAGIC 0x514649fbu             /* "QFI\xfb" */
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21           /* 2 MiB */
#define QCOW2_V2_HEADER_LEN 72
#define QCOW2_V3_HEADER_LEN 104
#define QCOW2_HEADER_LEN_CREATE 112         /* with compression_type, padded */
#define QCOW2_MAX_BACKING_NAME 1023
#define QCOW2_MAX_BACKING_FORMAT 16
#define QCOW2_MAX_L1_BYTES (32u << 20)      /* QEMU's limits too */
#define QCOW2_MAX_REFTABLE_BYTES (8u << 20)
#define QCOW2_MAX_SNAPSHOTS 65536

/* Header field offsets (big-endian). */
enum {
    QCOW2_OFF_MAGIC = 0,
    QCOW2_OFF_VERSION = 4,
    QCOW2_OFF_BACKING_OFFSET = 8,
    QCOW2_OFF_BACKING_SIZE = 16,
    QCOW2_OFF_CLUSTER_BITS = 20,
    QCOW2_OFF_SIZE = 24,
    QCOW2_OFF_CRYPT = 32,
    QCOW2_OFF_L1_SIZE = 36,
    QCOW2_OFF_L1_OFFSET = 40,
    QCOW2_OFF_REFTABLE_OFFSET = 48,
    QCOW2_OFF_REFTABLE_CLUSTERS = 56,
    QCOW2_OFF_NB_SNAPSHOTS = 60,
    QCOW2_OFF_SNAPSHOTS_OFFSET = 64,
    QCOW2_OFF_INCOMPAT = 72,
    QCOW2_OFF_COMPAT = 80,
    QCOW2_OFF_AUTOCLEAR = 88,
    QCOW2_OFF_REFCOUNT_ORDER = 96,
    QCOW2_OFF_HEADER_LEN = 100,
    QCOW2_OFF_COMPRESSION = 104,
};

/* Feature bits. */
#define QCOW2_INCOMPAT_DIRTY (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2 (1ull << 4)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ull << 0)

/* Header extension types. */
#define QCOW2_EXT_END 0x00000000u
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_FEATURE_TABLE 0x6803f857u
#define QCOW2_EXT_BITMAPS 0x23852875u
#define QCOW2_EXT_CRYPTO 0x0537be77u
#define QCOW2_EXT_DATA_FILE 0x44415441u

/* L1 / L2 / refcount table entries. */
#define QCOW2_OFLAG_COPIED (1ull << 63)
#define QCOW2_OFLAG_COMPRESSED (1ull << 62)
#define QCOW2_OFLAG_ZERO 1ull
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ull     /* bits 9-55 */
#define QCOW2_L1_RESERVED 0x7f000000000001ffull     /* bits 0-8, 56-62 */
#define QCOW2_L2_RESERVED 0x3f000000000001feull     /* bits 1-8, 56-61 */
#define QCOW2_REFTABLE_RESERVED 0x1ffull

typedef struct {
    uint32_t version;
    uint64_t backing_offset;
    uint32_t backing_size;
    uint32_t cluster_bits;
    uint64_t size;
    uint32_t crypt_method;
    uint32_t l1_size;
    uint64_t l1_offset;
    uint64_t reftable_offset;
    uint32_t reftable_clusters;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t incompat;
    uint64_t compat;
    uint64_t autoclear;
    uint32_t refcount_order;
    uint32_t header_len;
    uint8_t compression_type;
    /* from the extensions and the backing name */
    char *backing_file;             /* NULL if none */
    char *backing_format;           /* NULL if not recorded */
    bool has_bitmaps;
    uint32_t nb_bitmaps;            /* bitmaps extension */
    uint64_t bitmap_dir_size;
    uint64_t bitmap_dir_offset;
    uint32_t ext_end;               /* first byte after the extension area */
} Qcow2Header;

static inline uint32_t qcow2_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t qcow2_be64(const uint8_t *p)
{
    return (uint64_t)qcow2_be32(p) << 32 | qcow2_be32(p + 4);
}

static inline void qcow2_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void qcow2_put_be64(uint8_t *p, uint64_t v)
{
    qcow2_put_be32(p, (uint32_t)(v >> 32));
    qcow2_put_be32(p + 4, (uint32_t)v);
}

/* Parse and validate the header in @buf (the first @len bytes of the
 * file: the first cluster, or the whole file if shorter), for a file of
 * @file_size bytes.  Only structural checks a reader needs; what a
 * writer refuses is checked by the caller. */
gboolean qcow2_header_parse(const uint8_t *buf, size_t len, uint64_t file_size, Qcow2Header *h,
                            GError **error);
void qcow2_header_clear(Qcow2Header *h);

#endif
