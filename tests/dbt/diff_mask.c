/*
 * diff_mask.c - the rows of vmm/dbt/vendor.def as the harness applies
 * them: for each row with a mask, the function that recognises the
 * instructions and the outcome the row is about and masks exactly the
 * bits it names; for each VENDOR row, a sample case with both vendors'
 * outcomes (the unit test of the masking runs them on any host); the
 * printer of the README table.
 *
 * Rows look at the instruction bytes themselves (prefixes, opcode,
 * ModRM, the count), not at the form tables, so a mask follows from
 * what the instruction is and from the case's operands: a shift by a
 * count of 1 has its OF compared, by 3 not.
 */
#include <cpuid.h>
#include <string.h>

#include "diff_mask.h"

enum { CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800 };
#define STATUS (CF | PF | AF | ZF | SF | OF)

/* ---------------------------------------------------------- instructions */

typedef struct Op {
    unsigned off;           /* in c->code */
    bool rep, repne, opsize, rexw;
    unsigned map;           /* 0; 1: 0F; 2: 0F 38; 3: 0F 3A */
    unsigned opc;
    bool has_modrm, mem;
    unsigned modrm, reg;
    uint8_t last;           /* the instruction's last byte (an ib count) */
} Op;

static bool modrm_follows(unsigned map, unsigned opc)
{
    if (map >= 2)
        return true;
    if (map == 1)
        return !((opc >= 0x05 && opc <= 0x0b) || opc == 0x0e || (opc >= 0x30 && opc <= 0x37) ||
                 opc == 0x77 || (opc >= 0x80 && opc <= 0x8f) || opc == 0xa0 || opc == 0xa1 ||
                 opc == 0xa2 || opc == 0xa8 || opc == 0xa9 || opc == 0xaa ||
                 (opc >= 0xc8 && opc <= 0xcf));
    return (opc < 0x40 && (opc & 7) < 4) || opc == 0x62 || opc == 0x63 || opc == 0x69 ||
           opc == 0x6b || (opc >= 0x80 && opc <= 0x8f) || opc == 0xc0 || opc == 0xc1 ||
           (opc >= 0xc4 && opc <= 0xc7) || (opc >= 0xd0 && opc <= 0xd3) ||
           (opc >= 0xd8 && opc <= 0xdf) || opc == 0xf6 || opc == 0xf7 || opc == 0xfe ||
           opc == 0xff;
}

static void op_of(const DiffCase *c, unsigned k, Op *o)
{
    const DiffInsn *in = &c->insn[k];
    const uint8_t *p = c->code + in->offset, *end = p + in->len;
    memset(o, 0, sizeof(*o));
    o->off = in->offset;
    o->last = in->len ? end[-1] : 0;
    for (; p < end; p++) {
        if (*p == 0x66)
            o->opsize = true;
        else if (*p == 0xf2)
            o->repne = true;
        else if (*p == 0xf3)
            o->rep = true;
        else if (*p != 0xf0 && *p != 0x67 && *p != 0x2e && *p != 0x36 && *p != 0x3e &&
                 *p != 0x26 && *p != 0x64 && *p != 0x65)
            break;
    }
    if (p < end && (*p & 0xf0) == 0x40)
        o->rexw = *p++ & 8;
    if (p < end && *p == 0x0f) {
        o->map = 1;
        if (++p < end && (*p == 0x38 || *p == 0x3a))
            o->map = *p++ == 0x38 ? 2 : 3;
    }
    if (p < end)
        o->opc = *p++;
    if (p < end && modrm_follows(o->map, o->opc)) {
        o->has_modrm = true;
        o->modrm = *p;
        o->reg = (*p >> 3) & 7;
        o->mem = (*p >> 6) != 3;
    }
}

/* Integer operand width in bytes: the byte form when the opcode's bit 0
 * is clear (for the opcodes the rows ask about). */
static unsigned width(const Op *o, bool byte_form)
{
    return byte_form ? 1 : o->rexw ? 8 : o->opsize ? 2 : 4;
}

static bool faulted_at(const DiffResult *ref, const Op *o)
{
    return ref->vector >= 0 && ref->fault_off == o->off;
}

/* The shift count of instruction @k: the immediate, 1, or CL (known for
 * the first instruction of a case only; -1 otherwise). */
static int shift_count(const DiffCase *c, unsigned k, const Op *o, bool cl)
{
    if (!cl)
        return o->opc == 0xd0 || o->opc == 0xd1 ? 1 : o->last;
    return k == 0 ? (int)(c->init.gpr[1] & 0xff) : -1;
}

/* ---------------------------------------------------------- VENDOR rows */

static bool row_rep_cmps_fault(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    for (unsigned k = 0; k < c->ninsn; k++) {
        Op o;
        op_of(c, k, &o);
        if (faulted_at(ref, &o) && o.map == 0 && (o.rep || o.repne) &&
            (o.opc == 0xa6 || o.opc == 0xa7 || o.opc == 0xae || o.opc == 0xaf)) {
            m->rflags |= STATUS;
            return true;
        }
    }
    return false;
}

static bool row_mmx_store_fault(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    if (ref->vector != 12 && ref->vector != 13 && ref->vector != 14)
        return false;
    for (unsigned k = 0; k < c->ninsn; k++) {
        Op o;
        op_of(c, k, &o);
        if (faulted_at(ref, &o) && o.map == 1 && o.mem && !o.opsize && !o.rep && !o.repne &&
            (o.opc == 0x7e || o.opc == 0x7f || o.opc == 0xe7)) {
            m->fsw |= 0x3800;
            m->ftw = 0xff;
            return true;
        }
    }
    return false;
}

static bool row_maskmovdqu_fault(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    if (ref->vector != 14)
        return false;
    for (unsigned k = 0; k < c->ninsn; k++) {
        Op o;
        op_of(c, k, &o);
        if (faulted_at(ref, &o) && o.map == 1 && o.opc == 0xf7 && o.opsize) {
            m->cr2 = true;
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------- UNDEF rows */

static bool row_shift_flags(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    bool any = false;
    (void)ref;
    for (unsigned k = 0; k < c->ninsn; k++) {
        Op o;
        op_of(c, k, &o);
        if (o.map || !(o.opc == 0xc0 || o.opc == 0xc1 || (o.opc >= 0xd0 && o.opc <= 0xd3)) ||
            o.reg < 4)
            continue;
        unsigned w = width(&o, !(o.opc & 1));
        int n = shift_count(c, k, &o, o.opc >= 0xd2);
        bool shl_shr = o.reg != 7;
        uint64_t f = AF | OF | (shl_shr && w <= 2 ? CF : 0);    /* any count */
        if (n >= 0) {
            unsigned mc = (unsigned)n & (w == 8 ? 0x3f : 0x1f);
            f = (mc >= 1 ? AF : 0) | (mc > 1 ? OF : 0) | (shl_shr && mc >= 8 * w ? CF : 0);
        }
        m->rflags |= f;
        any |= f != 0;
    }
    return any;
}

static bool row_rotate_flags(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    bool any = false;
    (void)ref;
    for (unsigned k = 0; k < c->ninsn; k++) {
        Op o;
        op_of(c, k, &o);
        if (o.map || !(o.opc == 0xc0 || o.opc == 0xc1 || (o.opc >= 0xd0 && o.opc <= 0xd3)) ||
            o.reg >= 4)
            continue;
        unsigned w = width(&o, !(o.opc & 1));
        int n = shift_count(c, k, &o, o.opc >= 0xd2);
        if (n < 0 || ((unsigned)n & (w == 8 ? 0x3f : 0x1f)) > 1) {
            m->rflags |= OF;
            any = true;
        }
    }
    return any;
}

static bool row_shxd_flags(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    bool any = false;
    (void)ref;
    for (unsigned k = 0; k < c->ninsn; k++) {
        Op o;
        op_of(c, k, &o);
        if (o.map != 1 || !(o.opc == 0xa4 || o.opc == 0xa5 || o.opc == 0xac || o.opc == 0xad))
            continue;
        unsigned w = width(&o, false);
        int n = shift_count(c, k, &o, o.opc & 1);
        uint64_t f = AF | OF;
        if (n >= 0) {
            unsigned mc = (unsigned)n & (w == 8 ? 0x3f : 0x1f);
            f = (mc >= 1 ? AF : 0) | (mc > 1 ? OF : 0) | (w == 2 && mc > 16 ? STATUS : 0);
        }
        m->rflags |= f;
        any |= f != 0;
    }
    return any;
}

/* Rows whose instructions leave a fixed set of flags undefined. */
static bool fixed_flags(const DiffCase *c, DiffMask *m, bool (*is)(const Op *o), uint64_t f)
{
    for (unsigned k = 0; k < c->ninsn; k++) {
        Op o;
        op_of(c, k, &o);
        if (is(&o)) {
            m->rflags |= f;
            return true;
        }
    }
    return false;
}

static bool is_logic(const Op *o)
{
    unsigned x = o->opc;
    if (o->map)
        return false;
    return (x >= 0x08 && x <= 0x0d) || (x >= 0x20 && x <= 0x25) || (x >= 0x30 && x <= 0x35) ||
           x == 0x84 || x == 0x85 || x == 0xa8 || x == 0xa9 ||
           ((x == 0x80 || x == 0x81 || x == 0x83) && (o->reg == 1 || o->reg == 4 || o->reg == 6)) ||
           ((x == 0xf6 || x == 0xf7) && o->reg <= 1);
}

static bool is_mul(const Op *o)
{
    if (o->map == 1)
        return o->opc == 0xaf;
    return o->map == 0 && (o->opc == 0x69 || o->opc == 0x6b ||
                           ((o->opc == 0xf6 || o->opc == 0xf7) && (o->reg == 4 || o->reg == 5)));
}

static bool is_div(const Op *o)
{
    return o->map == 0 && (o->opc == 0xf6 || o->opc == 0xf7) && o->reg >= 6;
}

static bool is_bt(const Op *o)
{
    return o->map == 1 && (o->opc == 0xa3 || o->opc == 0xab || o->opc == 0xb3 ||
                           o->opc == 0xbb || (o->opc == 0xba && o->reg >= 4));
}

static bool is_bsf(const Op *o)
{
    return o->map == 1 && (o->opc == 0xbc || o->opc == 0xbd) && !o->rep;
}

static bool is_tzcnt(const Op *o)
{
    return o->map == 1 && o->opc == 0xbc && o->rep;
}

static bool row_logic_af(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    (void)ref;
    return fixed_flags(c, m, is_logic, AF);
}

static bool row_mul_flags(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    (void)ref;
    return fixed_flags(c, m, is_mul, SF | ZF | AF | PF);
}

static bool row_div_flags(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    (void)ref;
    return fixed_flags(c, m, is_div, STATUS);
}

static bool row_bt_flags(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    (void)ref;
    return fixed_flags(c, m, is_bt, OF | SF | AF | PF);
}

static bool row_bsf_flags(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    (void)ref;
    return fixed_flags(c, m, is_bsf, OF | SF | AF | PF | CF);
}

/* MODEL: TZCNT on the host, BSF on the model: only the destination of a
 * nonzero source is the same (the form sets such a source up). */
static bool row_tzcnt_lzcnt(const DiffCase *c, const DiffResult *ref, DiffMask *m)
{
    (void)ref;
    return fixed_flags(c, m, is_tzcnt, STATUS);
}

/* ---------------------------------------------------------- samples */

static void sample_case(DiffCase *c, const uint8_t *code, unsigned len, const unsigned *lens,
                        unsigned n)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->code, code, len);
    c->code_len = len;
    for (unsigned k = 0, off = 0; k < n; off += lens[k++]) {
        c->insn[k].offset = (uint8_t)off;
        c->insn[k].len = (uint8_t)lens[k];
        c->insn[k].base = -1;
    }
    c->ninsn = n;
    c->init.gpr[4] = DIFF_STACK;
    c->init.rflags = 0x202;
}

static void sample_results(DiffSample *s, int vector, uint64_t cr2)
{
    memset(&s->intel, 0, sizeof(s->intel));
    s->intel.vector = vector;
    s->intel.cr2 = cr2;
    s->intel.st = s->c.init;
    s->amd = s->intel;
}

static void sample_rep_cmps_fault(DiffSample *s)
{
    /* REPNE CMPSB running into the unmapped page after some iterations */
    sample_case(&s->c, (const uint8_t[]){ 0xf2, 0xa6 }, 2, (const unsigned[]){ 2 }, 1);
    sample_case(&s->unlisted, (const uint8_t[]){ 0xf3, 0xa4 }, 2, (const unsigned[]){ 2 }, 1);
    sample_results(s, 14, DIFF_DATA + DIFF_DATA_SIZE);
    s->intel.st.rflags = 0x202 | CF | PF;       /* as before the instruction */
    s->amd.st.rflags = 0x202 | SF;              /* the last iteration's */
}

static void sample_mmx_store_fault(DiffSample *s)
{
    /* MOVD [rbx], mm7 against MOVD [rbx], xmm7 (not MMX) */
    sample_case(&s->c, (const uint8_t[]){ 0x0f, 0x7e, 0x3b }, 3, (const unsigned[]){ 3 }, 1);
    sample_case(&s->unlisted, (const uint8_t[]){ 0x66, 0x0f, 0x7e, 0x3b }, 4,
                (const unsigned[]){ 4 }, 1);
    s->c.insn[0].base = s->unlisted.insn[0].base = 3;
    s->c.init.gpr[3] = s->unlisted.init.gpr[3] = DIFF_DATA + DIFF_DATA_SIZE;
    sample_results(s, 14, DIFF_DATA + DIFF_DATA_SIZE);
    s->intel.st.fx[2] = 0, s->intel.st.fx[3] = 0x00, s->intel.st.fx[4] = 0xff;
    s->amd.st.fx[2] = 0, s->amd.st.fx[3] = 0x28, s->amd.st.fx[4] = 0x30;
}

static void sample_maskmovdqu_fault(DiffSample *s)
{
    /* MASKMOVDQU xmm0, xmm1 with RDI = 0 against MASKMOVQ mm0, mm1 */
    sample_case(&s->c, (const uint8_t[]){ 0x66, 0x0f, 0xf7, 0xc1 }, 4,
                (const unsigned[]){ 4 }, 1);
    sample_case(&s->unlisted, (const uint8_t[]){ 0x0f, 0xf7, 0xc1 }, 3,
                (const unsigned[]){ 3 }, 1);
    sample_results(s, 14, 8);
    s->amd.cr2 = 0;
}

/* ---------------------------------------------------------- the table */

#define VENDOR_FN(id) row_##id, sample_##id
#define UNDEF_FN(id) row_##id, NULL
#define MODEL_FN(id) NULL, NULL
#define HOST_FN(id) NULL, NULL
#define SDM_FN(id) NULL, NULL
#define OTHER_FN(id) NULL, NULL
#define DBT_VENDOR_ROW(id, kind, what, intel, amd, dbt, sdm, how, masked) \
    { #id, DIFF_ROW_##kind, what, intel, amd, dbt, sdm, how, masked, kind##_FN(id) },

/* MODEL rows with a mask of their own */
#undef MODEL_FN
#define MODEL_FN(id) MODEL_FN_##id
#define MODEL_FN_tzcnt_lzcnt row_tzcnt_lzcnt, NULL
#define MODEL_FN_descriptor_stores NULL, NULL
#define MODEL_FN_model_values NULL, NULL

const DiffRow diff_rows[] = {
#include "vmm/dbt/vendor.def"
};

const unsigned diff_nrows = sizeof(diff_rows) / sizeof(diff_rows[0]);

const char *diff_host_vendor(void)
{
    static char v[13];
    unsigned a, b, c, d;
    if (!v[0]) {
        __cpuid(0, a, b, c, d);
        memcpy(v, &b, 4);
        memcpy(v + 4, &d, 4);
        memcpy(v + 8, &c, 4);
    }
    return v;
}

void diff_mask_case(const DiffCase *c, const DiffResult *ref, bool other_vendor, DiffMask *m,
                    bool *applied)
{
    memset(m, 0, sizeof(*m));
    for (unsigned r = 0; r < diff_nrows; r++) {
        const DiffRow *row = &diff_rows[r];
        bool on = row->apply && (row->kind != DIFF_ROW_VENDOR || other_vendor) &&
                  row->apply(c, ref, m);
        if (applied)
            applied[r] = on;
    }
}

/* ---------------------------------------------------------- README */

static const char *kind_name(DiffRowKind k)
{
    static const char *const names[] = { "vendor", "undefined", "model", "host", "sdm", "other" };
    return names[k];
}

/* @label then @text wrapped at 76 columns, continuation lines indented. */
static void wrap(FILE *f, const char *label, const char *text)
{
    const unsigned indent = 11, cols = 76;
    unsigned col = (unsigned)fprintf(f, "  %-*s", indent - 2, label);
    const char *p = text;
    bool first = true;
    while (*p) {
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        unsigned n = (unsigned)(e - p);
        if (!first && col + 1 + n > cols) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, n, f);
        col += n;
        first = false;
        p = *e ? e + 1 : e;
    }
    fputc('\n', f);
}

void diff_rows_print(FILE *f)
{
    for (unsigned r = 0; r < diff_nrows; r++) {
        const DiffRow *row = &diff_rows[r];
        const char *harness;
        char buf[512];
        switch (row->kind) {
        case DIFF_ROW_VENDOR:
            snprintf(buf, sizeof(buf), "every bit compared on Intel hosts; masked on others: %s",
                     row->masked);
            harness = buf;
            break;
        case DIFF_ROW_UNDEF:
            snprintf(buf, sizeof(buf), "masked on every host: %s", row->masked);
            harness = buf;
            break;
        default:
            harness = row->masked;
            break;
        }
        fprintf(f, "%s%s (%s)\n", r ? "\n" : "", row->id, kind_name(row->kind));
        wrap(f, "what", row->what);
        wrap(f, "Intel", row->intel);
        wrap(f, "AMD", row->amd);
        wrap(f, "dbt", row->dbt);
        wrap(f, "ref", row->sdm);
        wrap(f, "how", row->how);
        wrap(f, "harness", harness);
    }
}
