/* jit_sized.c - host code for the generic kinds at any operand size
 * (1, 2, 4, 8 bytes), register or memory operand: ADD/OR/ADC/SBB/AND/
 * SUB/XOR/CMP (ALU_EG, ALU_EI, ALU_GE, ALU_AI), TEST, NEG, NOT, INC/DEC, SHL/SHR/SAR by an
 * immediate or CL, MOV (EG, GE, EI, RI) and CBW/CWD.  jit_native.c
 * emits the specialised 32/64-bit register kinds the form pass picks;
 * these are what is left, mostly byte and word operations (compressors,
 * string code) that call-threading made expensive.
 *
 * Guest registers live in cpu->gpr, so a register operand is a memory
 * location like any other: AH..BH are byte 1 of RAX..RBX (without REX).
 * Values of 1 and 2 bytes are computed with 32-bit host operations and
 * cut to their size; the lazy flags record gets the operands and result
 * masked to the size, exactly as the ops in alu.c and shift.c store it.
 * A memory read-modify-write goes through the soft TLB's fast path for
 * a write (dbt_jit_host_addr); on a miss the whole instruction runs
 * through its op.  Only the host flags of 4- and 8-byte register forms
 * are the guest's (e->host_flags). */
#include "vmm/dbt/jit_int.h"

#define GPR(r) JGPR(r)
#define CPU(field) JCPU(field)

static uint64_t size_mask(unsigned s)
{
    return s == 8 ? ~0ull : (1ull << (8 * s)) - 1;
}

/* where register @r of @s bytes lives (AH..BH: byte 1 of RAX..RBX) */
static X86Mem reg_loc(const DbtInsn *in, unsigned r, unsigned s)
{
    if (s == 1 && !(in->flags & DBT_I_REX) && r >= 4 && r < 8)
        return JGPR_BYTE(r - 4, 1);
    return GPR(r);
}

/* host register @h = @s bytes at @m, zero-extended */
static void load_sized(X86Buf *b, unsigned s, unsigned h, X86Mem m)
{
    if (s >= 4)
        x86_load(b, s == 8, h, m);
    else
        x86_load_zx(b, s, h, m);
}

/* @s bytes of @h (zero-extended) to @m: a guest register (@reg: a 4-byte
 * value zero-extends to the whole register) or memory */
static void store_sized(X86Buf *b, unsigned s, X86Mem m, unsigned h, bool reg)
{
    if (s >= 4)
        x86_store(b, s == 8 || reg, m, h);
    else
        x86_store_small(b, s, m, h);
}

/* RAX = @v cut to @s bytes after a 32-bit host operation */
static void cut(X86Buf *b, unsigned s, unsigned h)
{
    if (s < 4)
        x86_movzx_rr(b, s, h, h);
}

/* The r/m operand of @in as a location: a register, or the host address
 * in RSI of a memory operand for a read-modify-write (@write) or a read.
 * *@mem tells which. */
static X86Mem rm_loc(JitEmit *e, const DbtInsn *in, unsigned off, unsigned s, bool write,
                     bool *mem)
{
    *mem = in->flags & DBT_I_MEM;
    if (!*mem)
        return reg_loc(in, in->rm, s);
    dbt_jit_ea(e, in, off, false);
    dbt_jit_host_addr(e, in, off, s, write);
    return x86_mem(X_RSI, 0);
}

/* RAX = the r/m operand, read only (a load through the soft TLB) */
static void rm_read(JitEmit *e, const DbtInsn *in, unsigned off, unsigned s)
{
    if (in->flags & DBT_I_MEM) {
        dbt_jit_ea(e, in, off, false);
        dbt_jit_access(e, in, off, off + in->len, s, false);
    } else {
        load_sized(&e->b, s, X_RAX, reg_loc(in, in->rm, s));
    }
}

/* ADD/OR/ADC/SBB/AND/SUB/XOR/CMP.  ADC and SBB take the carry in
 * before their operands are read (a slow path may call C in between):
 * it waits in cpu->jit_tmp, then into the host's CF for a host ADC/SBB;
 * their record keeps it in lf_cf, as alu.c's does. */
static bool emit_alu(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    unsigned op = in->sub & 7, s = in->osz;
    bool dead = in->flags & DBT_I_FLAGS_DEAD, mem = false;
    bool carry = op == X_ADC || op == X_SBB;
    X86Mem dst;
    if (carry) {
        dbt_jit_carry(e);
        x86_store(b, true, CPU(jit_tmp), X_RAX);
    }
    switch (in->kind) {
    case DBT_KIND_ALU_GE:
        rm_read(e, in, off, s);
        x86_mov_rr(b, true, X_RCX, X_RAX);
        dst = reg_loc(in, in->reg, s);
        break;
    case DBT_KIND_ALU_AI:
        x86_mov_ri(b, X_RCX, in->imm & size_mask(s));
        dst = reg_loc(in, DBT_RAX, s);
        break;
    default:    /* ALU_EG, ALU_EI */
        dst = rm_loc(e, in, off, s, op != X_CMP, &mem);
        if (in->kind == DBT_KIND_ALU_EG)
            load_sized(b, s, X_RCX, reg_loc(in, in->reg, s));
        else
            x86_mov_ri(b, X_RCX, in->imm & size_mask(s));
        break;
    }
    load_sized(b, s, X_RAX, dst);
    if (carry) {
        x86_load(b, false, X_RDI, CPU(jit_tmp));
        x86_alu_ri(b, X_ADD, false, X_RDI, -1);    /* CF = the carry in */
        x86_mov_rr(b, true, X_RDX, X_RAX);
        x86_alu_rr(b, op, s == 8, X_RAX, X_RCX);
        cut(b, s, X_RAX);
        store_sized(b, s, dst, X_RAX, !mem);
        if (!dead) {
            x86_load(b, false, X_RDI, CPU(jit_tmp));
            x86_store_small(b, 1, CPU(lf_cf), X_RDI);
            dbt_jit_lazy(e, op == X_ADC ? DBT_LF_ADC : DBT_LF_SBB, s, X_RAX, X_RDX, X_RCX);
            e->host_flags = s >= 4 && !mem;
        }
    } else if (!(dead && op == X_CMP)) {
        dbt_jit_alu_op(e, op, s == 8, dead);
        cut(b, s, X_RAX);
        if (op != X_CMP)
            store_sized(b, s, dst, X_RAX, !mem);
        if (!dead) {
            dbt_jit_lazy(e, dbt_jit_alu_lf(op), s, X_RAX, X_RDX, X_RCX);
            e->host_flags = s >= 4 && !mem;
        }
    }
    if (mem)
        dbt_jit_slow_rejoin(e);
    return true;
}

/* TEST r/m, r / r/m, imm / rAX, imm: the LOGIC record */
static bool emit_test(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    unsigned s = in->osz;
    bool dead = in->flags & DBT_I_FLAGS_DEAD;
    if (in->kind == DBT_KIND_TEST_AI) {
        if (dead)
            return true;
        load_sized(b, s, X_RAX, reg_loc(in, DBT_RAX, s));
    } else if (in->flags & DBT_I_MEM) {
        rm_read(e, in, off, s);    /* may fault: read even when dead */
    } else if (dead) {
        return true;
    } else {
        rm_read(e, in, off, s);
    }
    if (dead)
        return true;
    if (in->kind == DBT_KIND_TEST_EG)
        load_sized(b, s, X_RCX, reg_loc(in, in->reg, s));
    else
        x86_mov_ri(b, X_RCX, in->imm & size_mask(s));
    x86_alu_rr(b, X_AND, s == 8, X_RAX, X_RCX);
    dbt_jit_lazy(e, DBT_LF_LOGIC, s, X_RAX, X_RAX, X_RAX);
    e->host_flags = s >= 4 && !(in->flags & DBT_I_MEM);
    return true;
}

/* NEG (the SUB record of 0 - a) and NOT (no flags) */
static bool emit_negnot(JitEmit *e, const DbtInsn *in, unsigned off, bool neg)
{
    X86Buf *b = &e->b;
    unsigned s = in->osz;
    bool mem;
    X86Mem dst = rm_loc(e, in, off, s, true, &mem);
    load_sized(b, s, X_RAX, dst);
    if (neg) {
        x86_mov_rr(b, true, X_RCX, X_RAX);
        x86_mov_ri(b, X_RDX, 0);
        x86_mov_ri(b, X_RAX, 0);
        x86_alu_rr(b, X_SUB, s == 8, X_RAX, X_RCX);
    } else {
        x86_alu_ri(b, X_XOR, s == 8, X_RAX, -1);
    }
    cut(b, s, X_RAX);
    store_sized(b, s, dst, X_RAX, !mem);
    if (neg && !(in->flags & DBT_I_FLAGS_DEAD))
        dbt_jit_lazy(e, DBT_LF_SUB, s, X_RAX, X_RDX, X_RCX);
    if (mem)
        dbt_jit_slow_rejoin(e);
    return true;
}

/* INC/DEC of memory or of a 1- or 2-byte register (jit_native.c emits
 * the 4- and 8-byte registers), as op_incdec_E: the record keeps the CF
 * of the record before it in lf_cf (taken before the operand is read,
 * in cpu->jit_tmp until the instruction cannot fault any more) */
static bool emit_incdec(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    unsigned s = in->osz, k = (unsigned)e->lf_known;
    bool dead = in->flags & DBT_I_FLAGS_DEAD, dec = in->sub & 1, mem;
    bool carry = !dead && !(e->lf_known >= 0 && ((k & 0xff) == DBT_LF_INC
                                                 || (k & 0xff) == DBT_LF_DEC));
    if (carry) {
        dbt_jit_carry(e);
        x86_store(b, true, CPU(jit_tmp), X_RAX);
    }
    X86Mem dst = rm_loc(e, in, off, s, true, &mem);
    load_sized(b, s, X_RAX, dst);
    x86_mov_rr(b, true, X_RDX, X_RAX);
    x86_incdec_r(b, dec, s == 8, X_RAX);
    cut(b, s, X_RAX);
    store_sized(b, s, dst, X_RAX, !mem);
    if (!dead) {
        if (carry) {
            x86_load(b, false, X_RDI, CPU(jit_tmp));
            x86_store_small(b, 1, CPU(lf_cf), X_RDI);
        }
        x86_mov_ri(b, X_RCX, 1);
        dbt_jit_lazy(e, dec ? DBT_LF_DEC : DBT_LF_INC, s, X_RAX, X_RDX, X_RCX);
    }
    if (mem)
        dbt_jit_slow_rejoin(e);
    return true;
}

/* SHL/SAL, SHR, SAR by an immediate or CL: the count masked to 5 bits (6
 * for 8 bytes); a count of 0 changes no flags (the value is written
 * back: a 4-byte register is zero-extended) */
static bool emit_shift(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    static const uint8_t host_op[8] = { 0, 0, 0, 0, X_SHL, X_SHR, X_SHL, X_SAR };
    static const uint8_t lf[8] = { 0, 0, 0, 0, DBT_LF_SHL, DBT_LF_SHR, DBT_LF_SHL, DBT_LF_SAR };
    unsigned sub = in->sub & 7, s = in->osz, cmask = s == 8 ? 0x3f : 0x1f;
    bool cl = in->imm2, mem;
    if (sub < 4 || (!cl && !((unsigned)in->imm & cmask) && (in->flags & DBT_I_MEM)))
        return false;    /* rotates; a memory operand shifted by 0 is only read */
    /* by CL: the record is written or not at run time: its kind stored */
    if (cl)
        dbt_jit_lf_flush(e);
    X86Mem dst = rm_loc(e, in, off, s, true, &mem);
    if (cl) {
        x86_load_zx(b, 1, X_RCX, GPR(DBT_RCX));
        x86_alu_ri(b, X_AND, false, X_RCX, (int32_t)cmask);
    } else {
        x86_mov_ri(b, X_RCX, (unsigned)in->imm & cmask);
    }
    load_sized(b, s, X_RAX, dst);
    uint8_t *zero = NULL;
    if (cl) {
        x86_test_rr(b, false, X_RCX, X_RCX);
        zero = x86_jcc_fwd(b, X_CC_E);
    }
    if (cl || (in->imm & cmask)) {
        x86_mov_rr(b, true, X_RDX, X_RAX);
        if (host_op[sub] == X_SAR && s < 4)
            x86_movsx_rr(b, s, X_RAX, X_RAX);
        x86_shift_cl(b, host_op[sub], s == 8, X_RAX);
        cut(b, s, X_RAX);
        if (!(in->flags & DBT_I_FLAGS_DEAD)) {
            if (cl)
                dbt_jit_lazy_stored(e, lf[sub], s, X_RAX, X_RDX, X_RCX);
            else
                dbt_jit_lazy(e, lf[sub], s, X_RAX, X_RDX, X_RCX);
        }
        if (cl)    /* a count of 0 keeps the record before */
            e->lf_clobber = true;
    }
    if (zero)
        x86_patch_here(b, zero);
    store_sized(b, s, dst, X_RAX, !mem);
    if (mem)
        dbt_jit_slow_rejoin(e);
    return true;
}

/* MOV r/m, r / r, r/m / r/m, imm / r, imm */
static bool emit_mov(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    unsigned s = in->osz, next = off + in->len;
    bool mem = in->flags & DBT_I_MEM;
    switch (in->kind) {
    case DBT_KIND_MOV_GE:
        rm_read(e, in, off, s);
        store_sized(b, s, reg_loc(in, in->reg, s), X_RAX, true);
        return true;
    case DBT_KIND_MOV_RI:
        x86_mov_ri(b, X_RAX, in->imm & size_mask(s));
        store_sized(b, s, reg_loc(in, in->reg, s), X_RAX, true);
        return true;
    default:    /* MOV_EG, MOV_EI */
        if (mem)
            dbt_jit_ea(e, in, off, false);
        if (in->kind == DBT_KIND_MOV_EG)
            load_sized(b, s, X_RCX, reg_loc(in, in->reg, s));
        else
            x86_mov_ri(b, X_RCX, in->imm & size_mask(s));
        if (!mem) {
            store_sized(b, s, reg_loc(in, in->rm, s), X_RCX, true);
            return true;
        }
        dbt_jit_access(e, in, off, next, s, true);
        dbt_jit_leave_check(e, in, next, in->idx + 1u);
        return true;
    }
}

/* CBW/CWDE/CDQE: rAX = sign-extended half of it; CWD/CDQ/CQO: rDX = the
 * sign of rAX */
static bool emit_extend(JitEmit *e, const DbtInsn *in)
{
    X86Buf *b = &e->b;
    unsigned s = in->osz;
    if (in->kind == DBT_KIND_CBW) {
        load_sized(b, s / 2, X_RAX, GPR(DBT_RAX));
        x86_movsx_rr(b, s / 2, X_RAX, X_RAX);
        if (s == 4)
            x86_mov_rr(b, false, X_RAX, X_RAX);
        store_sized(b, s, GPR(DBT_RAX), X_RAX, true);
        return true;
    }
    load_sized(b, s, X_RAX, GPR(DBT_RAX));
    if (s < 8)
        x86_movsx_rr(b, s, X_RAX, X_RAX);
    x86_shift_ri(b, X_SAR, true, X_RAX, 63);
    if (s == 4)
        x86_mov_rr(b, false, X_RAX, X_RAX);
    store_sized(b, s, GPR(DBT_RDX), X_RAX, true);
    return true;
}

bool dbt_jit_emit_sized(JitEmit *e, const DbtInsn *in, unsigned off)
{
    switch (in->kind) {
    case DBT_KIND_ALU_EG: case DBT_KIND_ALU_EI: case DBT_KIND_ALU_GE: case DBT_KIND_ALU_AI:
        return emit_alu(e, in, off);
    case DBT_KIND_TEST_EG: case DBT_KIND_TEST_EI: case DBT_KIND_TEST_AI:
        return emit_test(e, in, off);
    case DBT_KIND_NEG_E: case DBT_KIND_NOT_E:
        return emit_negnot(e, in, off, in->kind == DBT_KIND_NEG_E);
    case DBT_KIND_INCDEC_E:
        return emit_incdec(e, in, off);
    case DBT_KIND_SHIFT_E:
        return emit_shift(e, in, off);
    case DBT_KIND_MOV_GE: case DBT_KIND_MOV_RI: case DBT_KIND_MOV_EG: case DBT_KIND_MOV_EI:
        return emit_mov(e, in, off);
    case DBT_KIND_CBW: case DBT_KIND_CWD:
        return emit_extend(e, in);
    default:
        return false;
    }
}
