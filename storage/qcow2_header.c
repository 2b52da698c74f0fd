/* qcow2_header.c - parse and validate a qcow2 header, its extensions and
 * the backing file name (see qcow2_format.h).  Everything is checked
 * with overflow-safe arithmetic before use: a hostile header gets one
 * clear error naming the field. */
#include "config.h"

#include "storage/qcow2_format.h"
#include "storage/storage.h"
#include "i18n.h"

#include <string.h>

#define CORRUPT(...) g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CORRUPT, __VA_ARGS__)
#define UNSUPPORTED(...) g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED, __VA_ARGS__)

void qcow2_header_clear(Qcow2Header *h)
{
    g_clear_pointer(&h->backing_file, g_free);
    g_clear_pointer(&h->backing_format, g_free);
}

/* A string of @len bytes at @p without NUL bytes, or NULL. */
static char *qcow2_string(const uint8_t *p, size_t len)
{
    if (memchr(p, 0, len))
        return NULL;
    return g_strndup((const char *)p, len);
}

/* Unknown incompatible features, by name from the feature table where
 * the image has one ("bit 7" otherwise). */
static char *qcow2_feature_names(const uint8_t *table, size_t table_len, uint64_t bits)
{
    GString *s = g_string_new(NULL);
    for (unsigned b = 0; b < 64; b++) {
        if (!(bits & (1ull << b)))
            continue;
        char name[47] = "";
        for (size_t i = 0; table && i + 48 <= table_len; i += 48) {
            if (table[i] == 0 && table[i + 1] == b) {
                memcpy(name, table + i + 2, 46);
                name[46] = '\0';
                for (char *c = name; *c; c++)
                    if (!g_ascii_isprint(*c))
                        *c = '?';
            }
        }
        if (s->len)
            g_string_append(s, ", ");
        if (name[0])
            g_string_append(s, name);
        else
            g_string_append_printf(s, "bit %u", b);
    }
    return g_string_free(s, FALSE);
}

/* [a, a + alen) and [b, b + blen) overlap (lengths > 0, no overflow). */
static bool qcow2_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static gboolean qcow2_parse_extensions(const uint8_t *buf, size_t end, Qcow2Header *h,
                                       const uint8_t **ftable, size_t *ftable_len,
                                       GError **error)
{
    size_t off = h->header_len;
    while (off + 8 <= end) {
        uint32_t type = qcow2_be32(buf + off);
        uint32_t len = qcow2_be32(buf + off + 4);
        off += 8;
        if (type == QCOW2_EXT_END)
            break;
        if (len > end - off) {
            CORRUPT(_("header extension 0x%08x is longer than the header cluster"), type);
            return FALSE;
        }
        const uint8_t *data = buf + off;
        switch (type) {
        case QCOW2_EXT_BACKING_FORMAT:
            if (h->backing_format) {
                CORRUPT("%s", _("two backing format header extensions"));
                return FALSE;
            }
            if (len == 0 || len > QCOW2_MAX_BACKING_FORMAT ||
                !(h->backing_format = qcow2_string(data, len))) {
                CORRUPT("%s", _("invalid backing format header extension"));
                return FALSE;
            }
            break;
        case QCOW2_EXT_FEATURE_TABLE:
            *ftable = data;
            *ftable_len = len;
            break;
        case QCOW2_EXT_BITMAPS:
            h->has_bitmaps = true;
            if (len >= 24) {
                h->nb_bitmaps = qcow2_be32(data);
                h->bitmap_dir_size = qcow2_be64(data + 8);
                h->bitmap_dir_offset = qcow2_be64(data + 16);
            }
            break;
        default:
            break;              /* unknown extensions may be ignored */
        }
        size_t padded = ((size_t)len + 7) & ~(size_t)7;
        off += padded < end - off ? padded : end - off;
    }
    h->ext_end = (uint32_t)off;
    return TRUE;
}

gboolean qcow2_header_parse(const uint8_t *buf, size_t len, uint64_t file_size, Qcow2Header *h,
                            GError **error)
{
    memset(h, 0, sizeof(*h));
    if (len < QCOW2_V2_HEADER_LEN || qcow2_be32(buf) != QCOW2_MAGIC) {
        CORRUPT("%s", _("not a qcow2 image (no qcow2 header)"));
        return FALSE;
    }
    h->version = qcow2_be32(buf + QCOW2_OFF_VERSION);
    h->backing_offset = qcow2_be64(buf + QCOW2_OFF_BACKING_OFFSET);
    h->backing_size = qcow2_be32(buf + QCOW2_OFF_BACKING_SIZE);
    h->cluster_bits = qcow2_be32(buf + QCOW2_OFF_CLUSTER_BITS);
    h->size = qcow2_be64(buf + QCOW2_OFF_SIZE);
    h->crypt_method = qcow2_be32(buf + QCOW2_OFF_CRYPT);
    h->l1_size = qcow2_be32(buf + QCOW2_OFF_L1_SIZE);
    h->l1_offset = qcow2_be64(buf + QCOW2_OFF_L1_OFFSET);
    h->reftable_offset = qcow2_be64(buf + QCOW2_OFF_REFTABLE_OFFSET);
    h->reftable_clusters = qcow2_be32(buf + QCOW2_OFF_REFTABLE_CLUSTERS);
    h->nb_snapshots = qcow2_be32(buf + QCOW2_OFF_NB_SNAPSHOTS);
    h->snapshots_offset = qcow2_be64(buf + QCOW2_OFF_SNAPSHOTS_OFFSET);

    if (h->version != 2 && h->version != 3) {
        UNSUPPORTED(_("qcow2 version %u is not supported (only 2 and 3)"), h->version);
        return FALSE;
    }
    if (h->cluster_bits < QCOW2_MIN_CLUSTER_BITS || h->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        UNSUPPORTED(_("qcow2 cluster_bits %u is outside 9..21 (512 bytes to 2 MiB)"),
                    h->cluster_bits);
        return FALSE;
    }
    uint64_t cs = 1ull << h->cluster_bits;
    if (h->version == 2) {
        h->header_len = QCOW2_V2_HEADER_LEN;
        h->refcount_order = 4;
    } else {
        if (len < QCOW2_V3_HEADER_LEN) {
            CORRUPT("%s", _("qcow2 version 3 header is truncated"));
            return FALSE;
        }
        h->incompat = qcow2_be64(buf + QCOW2_OFF_INCOMPAT);
        h->compat = qcow2_be64(buf + QCOW2_OFF_COMPAT);
        h->autoclear = qcow2_be64(buf + QCOW2_OFF_AUTOCLEAR);
        h->refcount_order = qcow2_be32(buf + QCOW2_OFF_REFCOUNT_ORDER);
        h->header_len = qcow2_be32(buf + QCOW2_OFF_HEADER_LEN);
        if (h->header_len < QCOW2_V3_HEADER_LEN || h->header_len % 8 || h->header_len > cs ||
            h->header_len > len) {
            CORRUPT(_("qcow2 header_length %u is invalid"), h->header_len);
            return FALSE;
        }
        if (h->header_len > QCOW2_OFF_COMPRESSION)
            h->compression_type = buf[QCOW2_OFF_COMPRESSION];
    }
    if (h->refcount_order > 6) {
        CORRUPT(_("qcow2 refcount_order %u is above 6"), h->refcount_order);
        return FALSE;
    }

    /* Backing file name: inside the first cluster, after the header. */
    if (h->backing_offset) {
        if (h->backing_size == 0 || h->backing_size > QCOW2_MAX_BACKING_NAME ||
            h->backing_offset < h->header_len || h->backing_offset > len ||
            h->backing_size > len - h->backing_offset) {
            CORRUPT("%s", _("qcow2 backing file name lies outside the header cluster or is "
                            "longer than 1023 bytes"));
            return FALSE;
        }
        h->backing_file = qcow2_string(buf + h->backing_offset, h->backing_size);
        if (!h->backing_file) {
            CORRUPT("%s", _("qcow2 backing file name contains a NUL byte"));
            return FALSE;
        }
    }
    const uint8_t *ftable = NULL;
    size_t ftable_len = 0;
    size_t ext_area_end = h->backing_offset ? (size_t)h->backing_offset : len;
    if (!qcow2_parse_extensions(buf, ext_area_end, h, &ftable, &ftable_len, error)) {
        qcow2_header_clear(h);
        return FALSE;
    }

    /* Features a reader must understand. */
    uint64_t known = QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT | QCOW2_INCOMPAT_DATA_FILE |
                     QCOW2_INCOMPAT_COMPRESSION | QCOW2_INCOMPAT_EXTL2;
    const char *why = NULL;
    g_autofree char *names = NULL;
    if (h->incompat & ~known)
        why = names = qcow2_feature_names(ftable, ftable_len, h->incompat & ~known);
    else if (h->incompat & QCOW2_INCOMPAT_DATA_FILE)
        why = _("external data file");
    else if (h->incompat & QCOW2_INCOMPAT_EXTL2)
        why = _("extended L2 entries (subclusters)");
    else if (h->crypt_method)
        why = _("encryption");
    else if ((h->incompat & QCOW2_INCOMPAT_COMPRESSION) ? h->compression_type != 1
                                                         : h->compression_type != 0)
        why = _("an invalid compression type");
    else if (h->compression_type == 1)
        why = _("zstd compression");
    if (why) {
        UNSUPPORTED(_("qcow2 image uses a feature Vessel does not support: %s"), why);
        qcow2_header_clear(h);
        return FALSE;
    }

    /* Tables: aligned, inside the file, apart from each other. */
    uint64_t l2_entries = cs / 8;
    uint64_t per_l1 = cs * l2_entries;          /* bytes one L1 entry maps, <= 2^39 */
    uint64_t l1_bytes = (uint64_t)h->l1_size * 8;
    const char *bad = NULL;
    if (h->size > (uint64_t)INT64_MAX - per_l1)
        bad = _("virtual size is too large");
    else if ((h->size + per_l1 - 1) / per_l1 > h->l1_size)
        bad = _("L1 table is too small for the virtual size");
    else if (l1_bytes > QCOW2_MAX_L1_BYTES)
        bad = _("L1 table is larger than 32 MiB");
    else if (h->l1_size && (h->l1_offset % cs || h->l1_offset == 0 ||
                            h->l1_offset > file_size || l1_bytes > file_size - h->l1_offset))
        bad = _("L1 table is unaligned or lies outside the file");
    else if (h->reftable_clusters == 0 ||
             (uint64_t)h->reftable_clusters * cs > QCOW2_MAX_REFTABLE_BYTES)
        bad = _("refcount table size is invalid");
    else if (h->reftable_offset % cs || h->reftable_offset == 0 ||
             h->reftable_offset > file_size ||
             (uint64_t)h->reftable_clusters * cs > file_size - h->reftable_offset)
        bad = _("refcount table is unaligned or lies outside the file");
    else if (h->nb_snapshots > QCOW2_MAX_SNAPSHOTS)
        bad = _("too many snapshots");
    else if (h->nb_snapshots && (h->snapshots_offset % cs || h->snapshots_offset == 0 ||
                                 h->snapshots_offset >= file_size))
        bad = _("snapshot table is unaligned or lies outside the file");
    else if (h->l1_size && qcow2_ranges_overlap(h->l1_offset, l1_bytes, h->reftable_offset,
                                                (uint64_t)h->reftable_clusters * cs))
        bad = _("L1 table and refcount table overlap");
    if (bad) {
        CORRUPT(_("corrupt qcow2 image: %s"), bad);
        qcow2_header_clear(h);
        return FALSE;
    }
    return TRUE;
}
