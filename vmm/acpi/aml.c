/* aml.c - AML builder (see aml.h).  Encodings per the ACPI 6.x
 * specification, chapter 20 (AML grammar) and 6.4 (resource data). */
#include "config.h"

#include "vmm/acpi/aml.h"

#include <string.h>

struct Aml {
    GByteArray *data;        /* body (children) */
    GByteArray *head;        /* for blocks: what follows PkgLength before the body */
    uint8_t op[2];
    int op_len;
    gboolean block;          /* has a PkgLength */
};

static Aml *aml_new(void)
{
    Aml *a = g_new0(Aml, 1);
    a->data = g_byte_array_new();
    a->head = g_byte_array_new();
    return a;
}

Aml *aml_block(void)
{
    return aml_new();
}

void aml_free(Aml *a)
{
    if (!a)
        return;
    g_byte_array_unref(a->data);
    g_byte_array_unref(a->head);
    g_free(a);
}

gsize aml_pkglength_encode(gsize body_len, uint8_t out[4])
{
    /* The length counts the PkgLength bytes themselves. */
    if (body_len + 1 < 0x40) {
        out[0] = body_len + 1;
        return 1;
    }
    for (gsize n = 2; n <= 4; n++) {
        gsize total = body_len + n;
        if (total < (1ull << (4 + 8 * (n - 1)))) {
            out[0] = ((n - 1) << 6) | (total & 0xf);
            for (gsize i = 1; i < n; i++)
                out[i] = total >> (4 + 8 * (i - 1));
            return n;
        }
    }
    g_assert_not_reached(); /* > 256 MiB of AML: not ours */
}

GByteArray *aml_serialize(const Aml *a)
{
    GByteArray *out = g_byte_array_new();
    if (a->op_len)
        g_byte_array_append(out, a->op, a->op_len);
    if (a->block) {
        uint8_t pl[4];
        gsize n = aml_pkglength_encode(a->head->len + a->data->len, pl);
        g_byte_array_append(out, pl, n);
    }
    g_byte_array_append(out, a->head->data, a->head->len);
    g_byte_array_append(out, a->data->data, a->data->len);
    return out;
}

void aml_append(Aml *parent, Aml *child)
{
    GByteArray *b = aml_serialize(child);
    g_byte_array_append(parent->data, b->data, b->len);
    if (parent->op_len == 1 && parent->op[0] == 0x12)
        parent->head->data[0]++; /* Package NumElements */
    g_byte_array_unref(b);
    aml_free(child);
}

static void put_seg(GByteArray *out, const char *seg, gsize len)
{
    char s[4] = { '_', '_', '_', '_' };
    memcpy(s, seg, MIN(len, 4));
    g_byte_array_append(out, (const guint8 *)s, 4);
}

void aml_namestring_encode(GByteArray *out, const char *path)
{
    static const guint8 root = '\\', parent = '^', nul = 0, dual = 0x2e, multi = 0x2f;
    if (*path == '\\') {
        g_byte_array_append(out, &root, 1);
        path++;
    }
    while (*path == '^') {
        g_byte_array_append(out, &parent, 1);
        path++;
    }
    if (!*path) {
        g_byte_array_append(out, &nul, 1);
        return;
    }
    g_auto(GStrv) segs = g_strsplit(path, ".", -1);
    guint n = g_strv_length(segs);
    if (n == 2) {
        g_byte_array_append(out, &dual, 1);
    } else if (n > 2) {
        guint8 cnt = n;
        g_byte_array_append(out, &multi, 1);
        g_byte_array_append(out, &cnt, 1);
    }
    for (guint i = 0; i < n; i++)
        put_seg(out, segs[i], strlen(segs[i]));
}

Aml *aml_int(uint64_t v)
{
    Aml *a = aml_new();
    guint8 b[9];
    gsize n;
    if (v == 0) {
        b[0] = 0x00;
        n = 1;
    } else if (v == 1) {
        b[0] = 0x01;
        n = 1;
    } else if (v == ~0ull) {
        b[0] = 0xff;
        n = 1;
    } else {
        gsize width = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffull ? 4 : 8;
        b[0] = width == 1 ? 0x0a : width == 2 ? 0x0b : width == 4 ? 0x0c : 0x0e;
        for (gsize i = 0; i < width; i++)
            b[1 + i] = v >> (8 * i);
        n = 1 + width;
    }
    g_byte_array_append(a->data, b, n);
    return a;
}

Aml *aml_string(const char *s)
{
    Aml *a = aml_new();
    static const guint8 prefix = 0x0d;
    g_byte_array_append(a->data, &prefix, 1);
    g_byte_array_append(a->data, (const guint8 *)s, strlen(s) + 1);
    return a;
}

Aml *aml_eisaid(const char *id)
{
    g_assert(strlen(id) == 7);
    uint16_t vendor = ((id[0] - 0x40) & 0x1f) << 10 | ((id[1] - 0x40) & 0x1f) << 5 |
                      ((id[2] - 0x40) & 0x1f);
    guint8 b[5];
    b[0] = 0x0c;
    b[1] = vendor >> 8;
    b[2] = vendor & 0xff;
    b[3] = g_ascii_xdigit_value(id[3]) << 4 | g_ascii_xdigit_value(id[4]);
    b[4] = g_ascii_xdigit_value(id[5]) << 4 | g_ascii_xdigit_value(id[6]);
    Aml *a = aml_new();
    g_byte_array_append(a->data, b, 5);
    return a;
}

Aml *aml_name(const char *path)
{
    Aml *a = aml_new();
    aml_namestring_encode(a->data, path);
    return a;
}

Aml *aml_name_decl(const char *name, Aml *value)
{
    Aml *a = aml_new();
    static const guint8 op = 0x08;
    g_byte_array_append(a->data, &op, 1);
    aml_namestring_encode(a->data, name);
    aml_append(a, value);
    return a;
}

static Aml *aml_block_op(const guint8 *op, int op_len, const char *name)
{
    Aml *a = aml_new();
    memcpy(a->op, op, op_len);
    a->op_len = op_len;
    a->block = TRUE;
    if (name)
        aml_namestring_encode(a->head, name);
    return a;
}

Aml *aml_scope(const char *path)
{
    static const guint8 op[] = { 0x10 };
    return aml_block_op(op, 1, path);
}

Aml *aml_device(const char *name)
{
    static const guint8 op[] = { 0x5b, 0x82 };
    return aml_block_op(op, 2, name);
}

Aml *aml_method(const char *name, int nargs, gboolean serialized)
{
    static const guint8 op[] = { 0x14 };
    Aml *a = aml_block_op(op, 1, name);
    guint8 flags = (nargs & 7) | (serialized ? 0x08 : 0);
    g_byte_array_append(a->head, &flags, 1);
    return a;
}

Aml *aml_return(Aml *value)
{
    Aml *a = aml_new();
    static const guint8 op = 0xa4;
    g_byte_array_append(a->data, &op, 1);
    aml_append(a, value);
    return a;
}

/* Package: NumElements is counted at serialization, so keep a counter in
 * the head (one byte, we never build packages of 256+ elements). */
Aml *aml_package(void)
{
    static const guint8 op[] = { 0x12 };
    Aml *a = aml_block_op(op, 1, NULL);
    guint8 zero = 0;
    g_byte_array_append(a->head, &zero, 1);
    return a;
}

Aml *aml_buffer(const uint8_t *data, gsize len)
{
    static const guint8 op[] = { 0x11 };
    Aml *a = aml_block_op(op, 1, NULL);
    Aml *size = aml_int(len);
    g_byte_array_append(a->head, size->data->data, size->data->len);
    aml_free(size);
    g_byte_array_append(a->data, data, len);
    return a;
}

static void put_le(GByteArray *rt, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        guint8 b = v >> (8 * i);
        g_byte_array_append(rt, &b, 1);
    }
}

void aml_res_io(GByteArray *rt, uint16_t base, uint8_t len)
{
    put_le(rt, 0x47, 1);     /* small item: I/O port, 7 bytes */
    put_le(rt, 0x01, 1);     /* 16-bit decode */
    put_le(rt, base, 2);
    put_le(rt, base, 2);
    put_le(rt, 1, 1);        /* alignment */
    put_le(rt, len, 1);
}

void aml_res_irq(GByteArray *rt, unsigned irq)
{
    put_le(rt, 0x22, 1);     /* small item: IRQ, 2 bytes (edge, high) */
    put_le(rt, 1u << irq, 2);
}

/* Word/DWord address space descriptors: producer, fixed min and max. */
static void res_addr(GByteArray *rt, int width, uint8_t type, uint8_t tflags,
                     uint64_t min, uint64_t max)
{
    put_le(rt, width == 2 ? 0x88 : 0x87, 1);
    put_le(rt, 3 + 5 * width, 2);   /* length of the rest */
    put_le(rt, type, 1);
    put_le(rt, 0x0c, 1);            /* MinFixed | MaxFixed, producer */
    put_le(rt, tflags, 1);
    put_le(rt, 0, width);           /* granularity */
    put_le(rt, min, width);
    put_le(rt, max, width);
    put_le(rt, 0, width);           /* translation */
    put_le(rt, max - min + 1, width);
}

void aml_res_word_bus(GByteArray *rt, uint16_t min, uint16_t max)
{
    res_addr(rt, 2, 2, 0, min, max);
}

void aml_res_word_io(GByteArray *rt, uint16_t min, uint16_t max)
{
    res_addr(rt, 2, 1, 3, min, max);   /* entire range (ISA and non-ISA) */
}

void aml_res_dword_mem(GByteArray *rt, uint32_t min, uint32_t max)
{
    res_addr(rt, 4, 0, 1, min, max);   /* read-write, non-cacheable */
}

Aml *aml_resource_template(GByteArray *rt)
{
    put_le(rt, 0x79, 1);     /* end tag, checksum 0 ("treat as correct") */
    put_le(rt, 0x00, 1);
    return aml_buffer(rt->data, rt->len);
}
