/*
 * x87.c - the x87 instructions (escape opcodes D8-DF): the register
 * stack, tags, condition codes, exception flags and deferred #MF, over the
 * software extended arithmetic of f80.c (the transcendentals F2XM1,
 * FYL2X, FPATAN, FYL2XP1 on the host's x87: x87_trans.c).
 *
 * Dispatch is by tables: memory forms by [escape][ModRM.reg], register
 * forms by [escape][ModRM.reg] and, for the groups that use it, ModRM.rm.
 * Unmasked exceptions: IE/DE/ZE leave the destination unchanged, OE/UE
 * store the masked response (the SDM's exponent-biased result is not
 * modelled); either way FSW.ES/B are set and the next waiting x87
 * instruction raises #MF.  FIP is not tracked (no instruction length in
 * FpuInsn); FOP and FDP are.
 */
#include <string.h>

#include "f80.h"
#include "fpu_internal.h"

enum {
    FSW_C0 = 1 << 8, FSW_C1 = 1 << 9, FSW_C2 = 1 << 10, FSW_C3 = 1 << 14,
    FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3,
    FSW_ES = 1 << 7, FSW_B = 1 << 15,
    CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3,
};

typedef struct X87 {
    DbtFpuState *st;
    const FpuInsn *in;
    const FpuEnv *env;
    FpuCtx ctx;             /* for the shared memory helpers */
    unsigned exc;           /* F80_* raised by this instruction */
    bool cc_set;            /* the instruction defined C0-C3 itself */
    bool keep_c1;           /* C1 unchanged (FCMOVcc without a fault) */
    uint16_t cc;
} X87;

/* ------------------------------------------------------------ stack */

static unsigned top(const DbtFpuState *st)
{
    return (st->fsw >> 11) & 7;
}

static void set_top(DbtFpuState *st, unsigned t)
{
    st->fsw = (uint16_t)((st->fsw & ~(7u << 11)) | ((t & 7) << 11));
}

static unsigned phys(const DbtFpuState *st, unsigned i)
{
    return (top(st) + i) & 7;
}

static bool is_empty(const DbtFpuState *st, unsigned i)
{
    return !((st->ftw >> phys(st, i)) & 1);
}

static FpuF80 *reg(DbtFpuState *st, unsigned i)
{
    return &st->r[phys(st, i)];
}

static void set_reg(DbtFpuState *st, unsigned i, FpuF80 v)
{
    unsigned p = phys(st, i);
    st->r[p] = v;
    st->ftw |= (uint8_t)(1u << p);
}

static void pop(DbtFpuState *st)
{
    st->ftw &= (uint8_t)~(1u << phys(st, 0));
    set_top(st, top(st) + 1);
}

static F80Mode mode(const DbtFpuState *st)
{
    static const unsigned pc_bits[4] = { 24, 64, 53, 64 };
    return (F80Mode){ (st->fcw >> 10) & 3, pc_bits[(st->fcw >> 8) & 3] };
}

static bool masked(const X87 *x, unsigned exc)
{
    return !(exc & ~x->st->fcw & 0x3f);
}

/* Stack underflow: reading an empty register. */
static bool underflow(X87 *x, unsigned i)
{
    if (!is_empty(x->st, i))
        return false;
    x->exc |= F80_IE | F80_SF;
    x->exc &= ~(unsigned)F80_C1;
    return true;
}

static bool push_would_overflow(const DbtFpuState *st)
{
    return (st->ftw >> ((top(st) - 1) & 7)) & 1;
}

/* Push: overflow (IE, SF, C1 = 1) if the new ST(0) is in use; C1 = 0
 * otherwise. */
static void push(X87 *x, FpuF80 v, bool valid)
{
    DbtFpuState *st = x->st;
    unsigned newtop = (top(st) - 1) & 7;
    x->exc &= ~(unsigned)F80_C1;
    if ((st->ftw >> newtop) & 1) {
        x->exc |= F80_IE | F80_SF | F80_C1;
        if (!masked(x, F80_IE))
            return;
        v = f80_indefinite();
    } else if (!valid) {
        return;
    }
    set_top(st, newtop);
    set_reg(st, 0, v);
}

/* Store an arithmetic result unless a pre-computation exception is
 * unmasked. */
static void store_result(X87 *x, unsigned i, FpuF80 v)
{
    if (!masked(x, x->exc & (F80_IE | F80_DE | F80_ZE)))
        return;
    set_reg(x->st, i, v);
}

/* ------------------------------------------------------------ memory */

static int mem_read(X87 *x, void *buf, unsigned len)
{
    return fpu_mem_read(&x->ctx, x->in->ea, buf, len);
}

static int mem_write(X87 *x, const void *buf, unsigned len)
{
    return fpu_mem_write(&x->ctx, x->in->ea, buf, len);
}

/* Memory operand of the arithmetic/load forms by escape: m32fp, m32int,
 * m64fp, m16int (D8, DA, DC, DE), read and converted before anything
 * changes.  Returns FPU_OK and *v. */
static int load_operand(X87 *x, unsigned kind, FpuF80 *v, unsigned *lexc)
{
    uint8_t b[10] = { 0 };
    static const unsigned len[] = { 4, 4, 8, 2, 8, 10, 4, 2 };
    int r = mem_read(x, b, len[kind]);
    if (r)
        return r;
    uint32_t u32;
    uint64_t u64;
    int16_t i16;
    memcpy(&u32, b, 4);
    memcpy(&u64, b, 8);
    memcpy(&i16, b, 2);
    switch (kind) {
    case 0: *v = f80_from_f32(u32, lexc); break;
    case 1: *v = f80_from_int((int32_t)u32); break;
    case 2: *v = f80_from_f64(u64, lexc); break;
    case 3: *v = f80_from_int(i16); break;
    case 4: *v = f80_from_int((int64_t)u64); break;
    default: memcpy(&v->mant, b, 8); memcpy(&v->sexp, b + 8, 2); break;
    }
    return FPU_OK;
}

enum { LD_F32, LD_I32, LD_F64, LD_I16, LD_I64, LD_F80 };

/* ------------------------------------------------------------ arithmetic */

enum { OP_ADD, OP_MUL, OP_COM, OP_COMP, OP_SUB, OP_SUBR, OP_DIV, OP_DIVR };

static FpuF80 arith(X87 *x, unsigned op, FpuF80 d, FpuF80 s)
{
    F80Mode m = mode(x->st);
    switch (op) {
    case OP_ADD: return f80_add(d, s, false, m, &x->exc);
    case OP_MUL: return f80_mul(d, s, m, &x->exc);
    case OP_SUB: return f80_add(d, s, true, m, &x->exc);
    case OP_SUBR: return f80_add(s, d, true, m, &x->exc);
    case OP_DIV: return f80_div(d, s, m, &x->exc);
    default: return f80_div(s, d, m, &x->exc);
    }
}

static void set_cc(X87 *x, uint16_t cc)
{
    x->cc_set = true;
    x->cc = cc;
}

static void compare_cc(X87 *x, FpuF80 a, FpuF80 b, bool quiet)
{
    static const uint16_t cc[4] = { FSW_C0, FSW_C3, 0, FSW_C3 | FSW_C2 | FSW_C0 };
    int r = f80_compare(a, b, quiet, &x->exc);
    set_cc(x, cc[r < 0 ? 0 : r == 0 ? 1 : r == 1 ? 2 : 3]);
}

static bool is_nan80(FpuF80 v)
{
    F80Class k = f80_classify(v);
    return k == F80_CLASS_QNAN || k == F80_CLASS_SNAN;
}

/* ST(dst) = ST(dst) op src; compares set C0-C3; pops as asked.  @lexc:
 * flags of converting a memory source (#D only counts if the operation
 * goes ahead: no stack fault, no NaN operand). */
static void do_arith(X87 *x, unsigned op, unsigned dst, FpuF80 src, bool src_empty, int npop,
                     unsigned lexc)
{
    if (!src_empty && !is_empty(x->st, dst)) {
        FpuF80 divisor = op == OP_DIV ? src : *reg(x->st, dst);
        /* a NaN or unsupported operand: no DE for a denormal memory one */
        if (is_nan80(*reg(x->st, dst)) || is_nan80(src) ||
            f80_classify(*reg(x->st, dst)) == F80_CLASS_UNSUPPORTED)
            lexc &= ~(unsigned)F80_DE;
        if ((op == OP_DIV || op == OP_DIVR) && f80_classify(divisor) == F80_CLASS_ZERO)
            lexc &= ~(unsigned)F80_DE;              /* x/0: ZE only */
        x->exc |= lexc;
    }
    if (underflow(x, dst) || src_empty) {
        x->exc |= F80_IE | F80_SF;
        x->exc &= ~(unsigned)F80_C1;
        if (op == OP_COM || op == OP_COMP)
            set_cc(x, FSW_C3 | FSW_C2 | FSW_C0);
        else if (masked(x, F80_IE))
            set_reg(x->st, dst, f80_indefinite());
    } else if (op == OP_COM || op == OP_COMP) {
        compare_cc(x, *reg(x->st, dst), src, false);
    } else if ((lexc & F80_IE) && is_nan80(src) &&
               f80_classify(*reg(x->st, dst)) == F80_CLASS_QNAN) {
        /* a memory SNaN (quieted by the load) and a QNaN: the QNaN */
        store_result(x, dst, *reg(x->st, dst));
    } else {
        store_result(x, dst, arith(x, op, *reg(x->st, dst), src));
    }
    if (!masked(x, x->exc & (F80_IE | F80_DE | F80_ZE)))
        return;     /* unmasked invalid, denormal or zero divide: no pop */
    while (npop-- > 0)
        pop(x->st);
}

static void fcomi(X87 *x, unsigned i, bool quiet, bool dopop)
{
    uint64_t fl = 0;
    if (is_empty(x->st, 0) || is_empty(x->st, i)) {
        x->exc |= F80_IE | F80_SF;
        fl = 0x45;
    } else {
        int r = f80_compare(*reg(x->st, 0), *reg(x->st, i), quiet, &x->exc);
        fl = r < 0 ? 0x01 : r == 0 ? 0x40 : r == 1 ? 0 : 0x45;
    }
    /* As Intel's and AMD's CPUs do, not as the SDM's text says (rows
     * fcomi_unmasked_ia and fcomi_c1 of vmm/dbt/vendor.def): ZF PF CF are
     * set to "unordered" even when the #IA is unmasked, and C1 is kept
     * (0 after a stack underflow). */
    *x->env->rflags = (*x->env->rflags & ~0x8d5ull) | fl;
    x->exc &= ~(unsigned)F80_C1;
    x->keep_c1 = !(x->exc & F80_SF);
    if (dopop && masked(x, x->exc & (F80_IE | F80_DE)))
        pop(x->st);
}

/* ------------------------------------------------------------ environment */

/* The full 2-bit tag of physical register p. */
static unsigned full_tag(const DbtFpuState *st, unsigned p)
{
    if (!((st->ftw >> p) & 1))
        return 3;
    switch (f80_classify(st->r[p])) {
    case F80_CLASS_ZERO: return 1;
    case F80_CLASS_NORMAL: return 0;
    default: return 2;
    }
}

static uint16_t full_tag_word(const DbtFpuState *st)
{
    uint16_t t = 0;
    for (unsigned p = 0; p < 8; p++)
        t |= (uint16_t)(full_tag(st, p) << (2 * p));
    return t;
}

/* FNSTENV/FNSAVE image: 28 bytes (32-bit format) or 14 (66 prefix). */
static unsigned env_build(const X87 *x, uint8_t *b)
{
    const DbtFpuState *st = x->st;
    uint16_t tw = full_tag_word(st);
    if (x->in->opsize16) {
        uint16_t w[7] = { st->fcw, st->fsw, tw, (uint16_t)st->fip,
                          (uint16_t)(((st->fip >> 4) & 0xf000) | st->fop),
                          (uint16_t)st->fdp, (uint16_t)((st->fdp >> 4) & 0xf000) };
        memcpy(b, w, 14);
        return 14;
    }
    uint32_t d[7] = { 0xffff0000u | st->fcw, 0xffff0000u | st->fsw, 0xffff0000u | tw,
                      (uint32_t)st->fip, (uint32_t)st->fop << 16 | st->fcs,
                      (uint32_t)st->fdp, 0xffff0000u | st->fds };
    memcpy(b, d, 28);
    return 28;
}

static void env_load(X87 *x, const uint8_t *b)
{
    DbtFpuState *st = x->st;
    uint16_t tw;
    if (x->in->opsize16) {
        uint16_t w[7];
        memcpy(w, b, 14);
        st->fcw = w[0];
        st->fsw = w[1];
        tw = w[2];
        st->fip = w[3];
        st->fop = w[4] & 0x7ff;
        st->fdp = w[5];
    } else {
        uint32_t d[7];
        memcpy(d, b, 28);
        st->fcw = (uint16_t)d[0];
        st->fsw = (uint16_t)d[1];
        tw = (uint16_t)d[2];
        st->fip = d[3];
        st->fcs = (uint16_t)d[4];
        st->fop = (uint16_t)(d[4] >> 16) & 0x7ff;
        st->fdp = d[5];
        st->fds = (uint16_t)d[6];
    }
    st->ftw = 0;
    for (unsigned p = 0; p < 8; p++)
        if (((tw >> (2 * p)) & 3) != 3)
            st->ftw |= (uint8_t)(1u << p);
    fpu_x87_normalize(st);
}

static void finit(DbtFpuState *st)
{
    st->fcw = 0x037f;
    st->fsw = 0;
    st->ftw = 0;
    st->fop = 0;
    st->fip = st->fdp = 0;
    st->fcs = st->fds = 0;
}

/* ------------------------------------------------------------ memory forms */

static int x87_mem(X87 *x)
{
    DbtFpuState *st = x->st;
    unsigned esc = x->in->opcode & 7, r = (x->in->modrm >> 3) & 7;
    FpuF80 v;
    int rc;

    /* Arithmetic with a memory operand: D8 m32fp, DA m32int, DC m64fp,
     * DE m16int. */
    if (!(esc & 1)) {
        static const unsigned kind[4] = { LD_F32, LD_I32, LD_F64, LD_I16 };
        unsigned lexc = 0;
        rc = load_operand(x, kind[esc >> 1], &v, &lexc);
        if (rc)
            return rc;
        do_arith(x, r, 0, v, false, r == OP_COMP, lexc);
        return FPU_OK;
    }

    uint8_t buf[108];
    switch (esc << 3 | r) {
    case 1 << 3 | 0: case 3 << 3 | 0: case 3 << 3 | 5: case 5 << 3 | 0:
    case 7 << 3 | 0: case 7 << 3 | 5: {                   /* FLD / FILD */
        static const unsigned kinds[8][8] = {
            [1] = { [0] = LD_F32 }, [3] = { [0] = LD_I32, [5] = LD_F80 },
            [5] = { [0] = LD_F64 }, [7] = { [0] = LD_I16, [5] = LD_I64 },
        };
        unsigned lexc = 0;
        rc = load_operand(x, kinds[esc][r], &v, &lexc);
        if (rc)
            return rc;
        if (push_would_overflow(st)) {
            push(x, v, true);               /* stack fault wins over #D/#IA */
        } else {
            x->exc |= lexc;
            if (masked(x, x->exc & (F80_IE | F80_DE)))
                push(x, v, true);
        }
        return FPU_OK;
    }
    case 1 << 3 | 2: case 1 << 3 | 3: case 5 << 3 | 2: case 5 << 3 | 3:
    case 3 << 3 | 7: {                                     /* FST/FSTP m32/m64/m80 */
        unsigned len = esc == 1 ? 4 : esc == 5 ? 8 : 10;
        bool p = r != 2;
        if (underflow(x, 0)) {
            v = f80_indefinite();
            if (!masked(x, F80_IE))
                return FPU_OK;
        } else {
            v = *reg(st, 0);
        }
        if (len == 4) {
            uint32_t o = f80_to_f32(v, mode(st).rc, &x->exc);
            memcpy(buf, &o, 4);
        } else if (len == 8) {
            uint64_t o = f80_to_f64(v, mode(st).rc, &x->exc);
            memcpy(buf, &o, 8);
        } else {
            memcpy(buf, &v.mant, 8);
            memcpy(buf + 8, &v.sexp, 2);
        }
        if (!masked(x, x->exc & (F80_IE | F80_OE | F80_UE | F80_DE)) && len != 10)
            return FPU_OK;
        rc = mem_write(x, buf, len);
        if (rc)
            return rc;
        if (p)
            pop(st);
        return FPU_OK;
    }
    case 3 << 3 | 1: case 3 << 3 | 2: case 3 << 3 | 3: case 5 << 3 | 1:
    case 7 << 3 | 1: case 7 << 3 | 2: case 7 << 3 | 3: case 7 << 3 | 7: {
        /* FISTTP (/1), FIST (/2), FISTP (/3, DF /7 m64) */
        unsigned len = esc == 3 ? 4 : esc == 5 ? 8 : r == 7 ? 8 : 2;
        int64_t iv;
        if (underflow(x, 0)) {
            iv = (int64_t)(1ull << (len * 8 - 1));
            if (!masked(x, F80_IE))
                return FPU_OK;
        } else {
            iv = f80_to_int(*reg(st, 0), len, mode(st).rc, r == 1, &x->exc);
            if (!masked(x, x->exc & F80_IE))
                return FPU_OK;
        }
        memcpy(buf, &iv, 8);
        rc = mem_write(x, buf, len);
        if (rc)
            return rc;
        if (r != 2)
            pop(st);
        return FPU_OK;
    }
    case 1 << 3 | 5: {                                     /* FLDCW */
        uint16_t cw;
        rc = mem_read(x, &cw, 2);
        if (rc)
            return rc;
        st->fcw = cw;
        fpu_x87_normalize(st);
        return FPU_OK;
    }
    case 1 << 3 | 7:                                       /* FNSTCW */
        return mem_write(x, &st->fcw, 2);
    case 5 << 3 | 7:                                       /* FNSTSW m16 */
        return mem_write(x, &st->fsw, 2);
    case 1 << 3 | 6: {                                     /* FNSTENV */
        unsigned n = env_build(x, buf);
        rc = mem_write(x, buf, n);
        if (rc)
            return rc;
        st->fcw |= 0x3f;
        fpu_x87_normalize(st);
        return FPU_OK;
    }
    case 1 << 3 | 4:                                       /* FLDENV */
        rc = mem_read(x, buf, x->in->opsize16 ? 14 : 28);
        if (rc)
            return rc;
        env_load(x, buf);
        return FPU_OK;
    case 5 << 3 | 6: {                                     /* FNSAVE */
        unsigned n = env_build(x, buf);
        for (unsigned i = 0; i < 8; i++) {
            memcpy(buf + n + 10 * i, &reg(st, i)->mant, 8);
            memcpy(buf + n + 10 * i + 8, &reg(st, i)->sexp, 2);
        }
        rc = mem_write(x, buf, n + 80);
        if (rc)
            return rc;
        finit(st);
        return FPU_OK;
    }
    case 5 << 3 | 4: {                                     /* FRSTOR */
        unsigned n = x->in->opsize16 ? 14 : 28;
        rc = mem_read(x, buf, n + 80);
        if (rc)
            return rc;
        env_load(x, buf);
        for (unsigned i = 0; i < 8; i++) {
            memcpy(&reg(st, i)->mant, buf + n + 10 * i, 8);
            memcpy(&reg(st, i)->sexp, buf + n + 10 * i + 8, 2);
        }
        return FPU_OK;
    }
    default:
        return FPU_EXC_UD;                                 /* FBLD/FBSTP, reserved */
    }
}

/* ------------------------------------------------------------ register forms */

static const FpuF80 constants[7][2] = {
    /* [n][0] round to nearest / up, [n][1] down / toward zero */
    { { 0x8000000000000000ull, 0x3fff }, { 0x8000000000000000ull, 0x3fff } },  /* 1 */
    { { 0xd49a784bcd1b8afeull, 0x4000 }, { 0xd49a784bcd1b8afeull, 0x4000 } },  /* L2T */
    { { 0xb8aa3b295c17f0bcull, 0x3fff }, { 0xb8aa3b295c17f0bbull, 0x3fff } },  /* L2E */
    { { 0xc90fdaa22168c235ull, 0x4000 }, { 0xc90fdaa22168c234ull, 0x4000 } },  /* PI */
    { { 0x9a209a84fbcff799ull, 0x3ffd }, { 0x9a209a84fbcff798ull, 0x3ffd } },  /* LG2 */
    { { 0xb17217f7d1cf79acull, 0x3ffe }, { 0xb17217f7d1cf79abull, 0x3ffe } },  /* LN2 */
    { { 0, 0 }, { 0, 0 } },                                                    /* Z */
};

static void fxam(X87 *x)
{
    DbtFpuState *st = x->st;
    uint16_t c1 = f80_sign(*reg(st, 0)) ? FSW_C1 : 0, c;
    if (is_empty(st, 0)) {
        c = FSW_C3 | FSW_C0;
    } else {
        switch (f80_classify(*reg(st, 0))) {
        case F80_CLASS_UNSUPPORTED: c = 0; break;
        case F80_CLASS_QNAN: case F80_CLASS_SNAN: c = FSW_C0; break;
        case F80_CLASS_NORMAL: c = FSW_C2; break;
        case F80_CLASS_INF: c = FSW_C2 | FSW_C0; break;
        case F80_CLASS_ZERO: c = FSW_C3; break;
        default: c = FSW_C3 | FSW_C2; break;
        }
    }
    set_cc(x, c | c1);
}

/* FXTRACT: ST(0) becomes its unbiased exponent, then its significand
 * (exponent 0, same sign) is pushed.  Zero: ZE, exponent -inf; infinity:
 * exponent +inf; a denormal is normalized first (DE). */
static void fxtract(X87 *x)
{
    DbtFpuState *st = x->st;
    /* Stack fault, as the hardware does it: an empty ST(0) is underflow
     * (C1 = 0) whatever the slot it pushes into, else an occupied slot is
     * overflow (C1 = 1); masked, both halves are the indefinite. */
    bool under = underflow(x, 0);
    if (under || push_would_overflow(st)) {
        x->exc |= F80_IE | F80_SF | (under ? 0 : F80_C1);
        if (masked(x, F80_IE)) {
            set_reg(st, 0, f80_indefinite());
            set_top(st, top(st) - 1);
            set_reg(st, 0, f80_indefinite());
        }
        return;
    }
    FpuF80 v = *reg(st, 0), e, sig = v;
    bool neg = v.sexp & 0x8000;
    switch (f80_classify(v)) {
    case F80_CLASS_SNAN:
        x->exc |= F80_IE;
        sig.mant |= 1ull << 62;
        e = sig;
        break;
    case F80_CLASS_QNAN:
        e = v;
        break;
    case F80_CLASS_UNSUPPORTED:
        x->exc |= F80_IE;
        e = sig = f80_indefinite();
        break;
    case F80_CLASS_ZERO:
        x->exc |= F80_ZE;
        e = f80_inf(true);
        break;
    case F80_CLASS_INF:
        e = f80_inf(false);
        break;
    default: {
        int32_t ex = (int32_t)(v.sexp & 0x7fff) - 16383;
        if (!(v.sexp & 0x7fff)) {                   /* denormal */
            x->exc |= F80_DE;
            int sh = __builtin_clzll(v.mant);
            ex = 1 - 16383 - sh;
            sig.mant = v.mant << sh;
        }
        sig.sexp = (uint16_t)((neg ? 0x8000 : 0) | 16383);
        e = f80_from_int(ex);
        break;
    }
    }
    if (!masked(x, x->exc & (F80_IE | F80_DE | F80_ZE)))
        return;
    set_reg(st, 0, e);
    push(x, sig, true);
}

/* D9 E0-FF: one-operand and constant instructions. */
static int x87_d9_group(X87 *x, unsigned rm_byte)
{
    DbtFpuState *st = x->st;
    F80Mode m = mode(st);
    switch (rm_byte) {
    case 0xd0: return FPU_OK;                              /* FNOP */
    case 0xe0: case 0xe1:                                  /* FCHS, FABS */
        if (underflow(x, 0)) {
            if (masked(x, F80_IE))
                set_reg(st, 0, f80_indefinite());
        } else {
            FpuF80 v = *reg(st, 0);
            v.sexp = rm_byte == 0xe0 ? v.sexp ^ 0x8000 : v.sexp & 0x7fff;
            set_reg(st, 0, v);
        }
        return FPU_OK;
    case 0xe4:                                             /* FTST */
        if (underflow(x, 0))
            set_cc(x, FSW_C3 | FSW_C2 | FSW_C0);
        else
            compare_cc(x, *reg(st, 0), f80_zero(false), false);
        return FPU_OK;
    case 0xe5:
        fxam(x);
        return FPU_OK;
    case 0xe8: case 0xe9: case 0xea: case 0xeb: case 0xec: case 0xed: case 0xee: {
        bool down = m.rc == 1 || m.rc == 3;
        unsigned n = rm_byte - 0xe8;
        /* L2T rounds up only toward +inf; the others round down for RD/RZ. */
        FpuF80 v = constants[n][down];
        if (n == 1 && m.rc == 2)
            v.mant++;
        push(x, v, true);
        return FPU_OK;
    }
    case 0xf6:                                             /* FDECSTP */
        set_top(st, top(st) - 1);
        return FPU_OK;
    case 0xf7:                                             /* FINCSTP */
        set_top(st, top(st) + 1);
        return FPU_OK;
    case 0xf8: case 0xf5: {                                /* FPREM, FPREM1 */
        if (underflow(x, 0) || underflow(x, 1)) {
            /* as the hardware reports it: C2 = C1 = 0, C3 C0 kept */
            set_cc(x, st->fsw & (FSW_C3 | FSW_C0));
            if (masked(x, F80_IE))
                set_reg(st, 0, f80_indefinite());
            return FPU_OK;
        }
        uint16_t cc;
        FpuF80 v = f80_prem(*reg(st, 0), *reg(st, 1), rm_byte == 0xf5, &x->exc, &cc);
        x->exc &= ~(unsigned)F80_C1;
        if (cc & 1)         /* partial remainder: C2, the quotient bits read 0 */
            cc = FSW_C2;
        else if (f80_classify(v) == F80_CLASS_QNAN || f80_classify(v) == F80_CLASS_SNAN)
            cc = st->fsw & (FSW_C3 | FSW_C0);   /* NaN or invalid: as on underflow */
        set_cc(x, cc);
        store_result(x, 0, v);
        return FPU_OK;
    }
    case 0xfa: case 0xfc:                                  /* FSQRT, FRNDINT */
        if (underflow(x, 0)) {
            if (masked(x, F80_IE))
                set_reg(st, 0, f80_indefinite());
            return FPU_OK;
        }
        store_result(x, 0, rm_byte == 0xfa ? f80_sqrt(*reg(st, 0), m, &x->exc)
                                           : f80_rndint(*reg(st, 0), m.rc, &x->exc));
        return FPU_OK;
    case 0xfd:                                             /* FSCALE */
        if (underflow(x, 0) || underflow(x, 1)) {
            if (masked(x, F80_IE))
                set_reg(st, 0, f80_indefinite());
            return FPU_OK;
        }
        store_result(x, 0, f80_scale(*reg(st, 0), *reg(st, 1), m, &x->exc));
        return FPU_OK;
    case 0xf4:
        fxtract(x);
        return FPU_OK;
    case 0xf0:                                             /* F2XM1 */
        if (underflow(x, 0)) {
            if (masked(x, F80_IE))
                set_reg(st, 0, f80_indefinite());
            return FPU_OK;
        }
        store_result(x, 0, fpu_x87_transcendental(rm_byte, *reg(st, 0), *reg(st, 0), st->fcw,
                                                  &x->exc));
        return FPU_OK;
    case 0xf1: case 0xf3: case 0xf9:                       /* FYL2X, FPATAN, FYL2XP1 */
        if (underflow(x, 0) || underflow(x, 1)) {
            if (masked(x, F80_IE)) {
                set_reg(st, 1, f80_indefinite());
                pop(st);
            }
            return FPU_OK;
        }
        store_result(x, 1, fpu_x87_transcendental(rm_byte, *reg(st, 0), *reg(st, 1), st->fcw,
                                                  &x->exc));
        pop(st);
        return FPU_OK;
    default:
        return FPU_EXC_UD;      /* FPTAN, FSIN, FCOS, FSINCOS: not implemented */
    }
}

static bool fcmov_cond(uint64_t fl, unsigned esc, unsigned r)
{
    bool c;
    switch (r & 3) {
    case 0: c = fl & 0x01; break;                   /* B */
    case 1: c = fl & 0x40; break;                   /* E */
    case 2: c = fl & 0x41; break;                   /* BE */
    default: c = fl & 0x04; break;                  /* U */
    }
    return esc == 3 ? !c : c;
}

static int x87_reg(X87 *x)
{
    DbtFpuState *st = x->st;
    unsigned esc = x->in->opcode & 7, r = (x->in->modrm >> 3) & 7, i = x->in->modrm & 7;
    uint8_t mb = x->in->modrm;

    switch (esc) {
    case 0:                                         /* D8: ST0 op ST(i) */
        do_arith(x, r, 0, *reg(st, i), is_empty(st, i), r == OP_COMP, 0);
        return FPU_OK;
    case 4: case 6: {                               /* DC/DE: ST(i) op ST0 */
        static const unsigned swap[8] = { OP_ADD, OP_MUL, OP_COM, OP_COMP,
                                          OP_SUBR, OP_SUB, OP_DIVR, OP_DIV };
        if (esc == 6 && mb == 0xd9) {               /* FCOMPP */
            do_arith(x, OP_COMP, 0, *reg(st, 1), is_empty(st, 1), 2, 0);
            return FPU_OK;
        }
        if (r == 2 || r == 3)
            return FPU_EXC_UD;                      /* FCOM2/FCOMP3/5 aliases */
        do_arith(x, swap[r], i, *reg(st, 0), is_empty(st, 0), esc == 6, 0);
        return FPU_OK;
    }
    case 1:
        if (r == 0) {                               /* FLD ST(i) */
            if (is_empty(st, i)) {                  /* underflow wins */
                x->exc |= F80_IE | F80_SF;
                x->exc &= ~(unsigned)F80_C1;
                if (masked(x, F80_IE)) {
                    set_top(st, top(st) - 1);
                    set_reg(st, 0, f80_indefinite());
                }
                return FPU_OK;
            }
            push(x, *reg(st, i), true);
            return FPU_OK;
        }
        if (r == 1) {                               /* FXCH */
            if (is_empty(st, 0) || is_empty(st, i)) {
                x->exc |= F80_IE | F80_SF;
                x->exc &= ~(unsigned)F80_C1;
                if (!masked(x, F80_IE))
                    return FPU_OK;
                if (is_empty(st, 0))
                    set_reg(st, 0, f80_indefinite());
                if (is_empty(st, i))
                    set_reg(st, i, f80_indefinite());
            }
            FpuF80 a = *reg(st, 0);
            set_reg(st, 0, *reg(st, i));
            set_reg(st, i, a);
            return FPU_OK;
        }
        return x87_d9_group(x, mb);
    case 2: case 3:
        if (r < 4) {                                /* FCMOVcc */
            if (!x->env->rflags)
                return FPU_EXC_UD;
            if (is_empty(st, 0) || is_empty(st, i)) {
                x->exc |= F80_IE | F80_SF;
                x->exc &= ~(unsigned)F80_C1;
                if (masked(x, F80_IE))
                    set_reg(st, 0, f80_indefinite());
                return FPU_OK;
            }
            if (fcmov_cond(*x->env->rflags, esc, r))
                set_reg(st, 0, *reg(st, i));
            x->keep_c1 = true;
            return FPU_OK;
        }
        if (esc == 2 && mb == 0xe9) {               /* FUCOMPP */
            if (is_empty(st, 0) || is_empty(st, 1)) {
                x->exc |= F80_IE | F80_SF;
                set_cc(x, FSW_C3 | FSW_C2 | FSW_C0);
            } else {
                compare_cc(x, *reg(st, 0), *reg(st, 1), true);
            }
            x->exc &= ~(unsigned)F80_C1;
            if (masked(x, x->exc & F80_IE) || !(x->exc & F80_SF)) {
                pop(st);
                pop(st);
            }
            return FPU_OK;
        }
        if (esc == 3 && (r == 5 || r == 6)) {       /* FUCOMI, FCOMI */
            if (!x->env->rflags)
                return FPU_EXC_UD;
            fcomi(x, i, r == 5, false);
            return FPU_OK;
        }
        return FPU_EXC_UD;
    case 5:
        switch (r) {
        case 0:                                     /* FFREE */
            st->ftw &= (uint8_t)~(1u << phys(st, i));
            return FPU_OK;
        case 2: case 3:                             /* FST/FSTP ST(i) */
            if (underflow(x, 0)) {
                if (!masked(x, F80_IE))
                    return FPU_OK;
                set_reg(st, i, f80_indefinite());
            } else {
                set_reg(st, i, *reg(st, 0));
            }
            if (r == 3)
                pop(st);
            return FPU_OK;
        case 4: case 5:                             /* FUCOM, FUCOMP */
            if (is_empty(st, 0) || is_empty(st, i)) {
                x->exc |= F80_IE | F80_SF;
                set_cc(x, FSW_C3 | FSW_C2 | FSW_C0);
            } else {
                compare_cc(x, *reg(st, 0), *reg(st, i), true);
            }
            x->exc &= ~(unsigned)F80_C1;
            if (r == 5 && (masked(x, x->exc & F80_IE) || !(x->exc & F80_SF)))
                pop(st);
            return FPU_OK;
        default:
            return FPU_EXC_UD;
        }
    default:                                        /* DF */
        if (mb == 0xe0) {                           /* FNSTSW AX */
            x->env->gpr[0] = (x->env->gpr[0] & ~0xffffull) | st->fsw;
            return FPU_OK;
        }
        if (r == 0) {                               /* FFREEP (FFREE, then pop) */
            st->ftw &= (uint8_t)~(1u << phys(st, i));
            pop(st);
            return FPU_OK;
        }
        if (r == 5 || r == 6) {                     /* FUCOMIP, FCOMIP */
            if (!x->env->rflags)
                return FPU_EXC_UD;
            fcomi(x, i, r == 5, true);
            return FPU_OK;
        }
        return FPU_EXC_UD;
    }
}

/* ------------------------------------------------------------ entry */

/* Control instructions that neither wait for pending exceptions nor
 * update FOP/FIP/FDP. */
static bool is_control(const FpuInsn *in)
{
    unsigned esc = in->opcode & 7, r = (in->modrm >> 3) & 7;
    if (in->rm_is_mem)
        return (esc == 1 && r >= 4) || (esc == 5 && (r == 4 || r == 6 || r == 7));
    return (esc == 3 && (in->modrm == 0xe2 || in->modrm == 0xe3)) ||
           (esc == 7 && in->modrm == 0xe0) || (esc == 1 && in->modrm == 0xd0);
}

/* No-wait forms: FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE. */
static bool is_nowait(const FpuInsn *in)
{
    unsigned esc = in->opcode & 7, r = (in->modrm >> 3) & 7;
    if (in->rm_is_mem)
        return (esc == 1 && (r == 6 || r == 7)) || (esc == 5 && (r == 6 || r == 7));
    return (esc == 3 && (in->modrm == 0xe2 || in->modrm == 0xe3)) ||
           (esc == 7 && in->modrm == 0xe0);
}

int fpu_fwait(DbtFpuState *st, const FpuEnv *env)
{
    if ((env->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        return FPU_EXC_NM;
    return (st->fsw & FSW_ES) ? FPU_EXC_MF : FPU_OK;
}

int x87_exec(DbtFpuState *st, const FpuInsn *in, const FpuEnv *env)
{
    if (env->cr0 & (CR0_EM | CR0_TS))
        return FPU_EXC_NM;
    if (!is_nowait(in) && (st->fsw & FSW_ES))
        return FPU_EXC_MF;

    X87 x = { .st = st, .in = in, .env = env };
    x.ctx = (FpuCtx){ .st = st, .in = in, .env = env };

    if (!in->rm_is_mem && in->opcode == 0xdb && (in->modrm == 0xe2 || in->modrm == 0xe3)) {
        if (in->modrm == 0xe2)
            st->fsw &= 0x7f00;                      /* FNCLEX */
        else
            finit(st);                              /* FNINIT */
        return FPU_OK;
    }

    DbtFpuState saved = *st;
    int rc = in->rm_is_mem ? x87_mem(&x) : x87_reg(&x);
    if (rc) {
        *st = saved;
        return rc;
    }
    if (is_control(in))
        return FPU_OK;

    /* An unmasked pre-computation exception (IE, DE, ZE) stops the
     * operation: no post-computation flags (OE, UE, PE, C1), but a stack
     * fault keeps its C1 (1: overflow, 0: underflow). */
    if (x.exc & (F80_IE | F80_DE | F80_ZE) & ~st->fcw)
        x.exc &= ~(unsigned)(F80_OE | F80_UE | F80_PE | ((x.exc & F80_SF) ? 0 : F80_C1));
    /* Flags: sticky exception bits, C1 from this instruction, C0-C3. */
    uint16_t fsw = st->fsw;
    fsw |= (uint16_t)(x.exc & 0x7f);
    if (x.cc_set)
        fsw = (uint16_t)((fsw & ~FSW_CC) | x.cc);
    if (x.keep_c1)
        ;
    else if (!x.cc_set || !(x.cc & FSW_C1))
        fsw = (uint16_t)((fsw & ~FSW_C1) | ((x.exc & F80_C1) ? FSW_C1 : 0));
    st->fsw = fsw;
    fpu_x87_normalize(st);
    st->fop = (uint16_t)(((in->opcode & 7) << 8) | in->modrm);
    if (in->rm_is_mem)
        st->fdp = in->ea;
    return FPU_OK;
}
