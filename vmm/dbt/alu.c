/* alu.c - integer ALU, moves, exchanges, sign/zero extension, CMOV/SETcc,
 * flag ops and the atomic read-modify-write group (XADD, CMPXCHG*).
 *
 * Every op that updates its r/m operand does it through locked.h's
 * begin/commit pair, which makes the update one host atomic when the
 * instruction is locked (LOCK, or XCHG with memory): the new value and
 * its flags are computed again if another vCPU changed the operand. */
#include "vmm/dbt/locked.h"
#include "vmm/dbt/ops.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* the carry in of ADC and SBB (@cf of alu_do) */
static inline bool alu_cf_in(DbtCpu *cpu, unsigned kind)
{
    return (kind == ALU_ADC || kind == ALU_SBB) && dbt_flag_cf(cpu);
}

static inline uint64_t alu_do(DbtCpu *cpu, unsigned kind, unsigned size,
                              uint64_t a, uint64_t b, bool cf)
{
    uint64_t m = dbt_mask(size), r;
    a &= m;
    b &= m;
    switch (kind) {
    case ALU_ADD:
        r = (a + b) & m;
        dbt_flags_lazy(cpu, DBT_LF_ADD, size, r, a, b);
        break;
    case ALU_OR:
        r = a | b;
        dbt_flags_lazy(cpu, DBT_LF_LOGIC, size, r, a, b);
        break;
    case ALU_ADC:
        r = (a + b + cf) & m;
        cpu->lf_cf = cf;
        dbt_flags_lazy(cpu, DBT_LF_ADC, size, r, a, b);
        break;
    case ALU_SBB:
        r = (a - b - cf) & m;
        cpu->lf_cf = cf;
        dbt_flags_lazy(cpu, DBT_LF_SBB, size, r, a, b);
        break;
    case ALU_AND:
        r = a & b;
        dbt_flags_lazy(cpu, DBT_LF_LOGIC, size, r, a, b);
        break;
    case ALU_XOR:
        r = a ^ b;
        dbt_flags_lazy(cpu, DBT_LF_LOGIC, size, r, a, b);
        break;
    default: /* SUB, CMP */
        r = (a - b) & m;
        dbt_flags_lazy(cpu, DBT_LF_SUB, size, r, a, b);
        break;
    }
    return r;
}

/* dest = r/m, src = @b */
static inline void alu_rm(DbtCpu *cpu, const DbtInsn *i, uint64_t b)
{
    unsigned s = i->osz, kind = i->sub;
    if (kind == ALU_CMP) {
        alu_do(cpu, kind, s, dbt_rm_read(cpu, i, s), b, false);
        return;
    }
    DbtRmw m;
    uint64_t a = dbt_rmw_begin(cpu, i, s, &m), r;
    bool cf = alu_cf_in(cpu, kind);
    do
        r = alu_do(cpu, kind, s, a, b, cf);
    while (!dbt_rmw_commit(cpu, &m, &a, r));
}

int op_alu_EG(DbtCpu *cpu, const DbtInsn *i)
{
    alu_rm(cpu, i, dbt_gr_read(cpu, i, i->osz));
    return DBT_OK;
}

int op_alu_EI(DbtCpu *cpu, const DbtInsn *i)
{
    alu_rm(cpu, i, i->imm);
    return DBT_OK;
}

int op_alu_GE(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t b = dbt_rm_read(cpu, i, s);
    uint64_t r = alu_do(cpu, i->sub, s, dbt_gr_read(cpu, i, s), b, alu_cf_in(cpu, i->sub));
    if (i->sub != ALU_CMP)
        dbt_gr_write(cpu, i, s, r);
    return DBT_OK;
}

int op_alu_AI(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t r = alu_do(cpu, i->sub, s, dbt_reg_read(cpu, DBT_RAX, s, true), i->imm,
                        alu_cf_in(cpu, i->sub));
    if (i->sub != ALU_CMP)
        dbt_reg_write(cpu, DBT_RAX, s, true, r);
    return DBT_OK;
}

int op_test_EG(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t r = dbt_rm_read(cpu, i, s) & dbt_gr_read(cpu, i, s);
    dbt_flags_lazy(cpu, DBT_LF_LOGIC, s, r, 0, 0);
    return DBT_OK;
}

int op_test_EI(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t r = dbt_rm_read(cpu, i, s) & i->imm & dbt_mask(s);
    dbt_flags_lazy(cpu, DBT_LF_LOGIC, s, r, 0, 0);
    return DBT_OK;
}

int op_test_AI(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t r = cpu->gpr[DBT_RAX] & i->imm & dbt_mask(s);
    dbt_flags_lazy(cpu, DBT_LF_LOGIC, s, r, 0, 0);
    return DBT_OK;
}

/* sub: 0 INC, 1 DEC */
int op_incdec_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    DbtRmw m;
    uint64_t a = dbt_rmw_begin(cpu, i, s, &m), r;
    bool cf = dbt_flag_cf(cpu);
    do
        r = (i->sub ? a - 1 : a + 1) & dbt_mask(s);
    while (!dbt_rmw_commit(cpu, &m, &a, r));
    cpu->lf_cf = cf;
    dbt_flags_lazy(cpu, i->sub ? DBT_LF_DEC : DBT_LF_INC, s, r, a, 1);
    return DBT_OK;
}

int op_not_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    DbtRmw m;
    uint64_t a = dbt_rmw_begin(cpu, i, s, &m);
    while (!dbt_rmw_commit(cpu, &m, &a, ~a))
        ;
    return DBT_OK;
}

int op_neg_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    DbtRmw m;
    uint64_t a = dbt_rmw_begin(cpu, i, s, &m), r;
    do
        r = (0 - a) & dbt_mask(s);
    while (!dbt_rmw_commit(cpu, &m, &a, r));
    dbt_flags_lazy(cpu, DBT_LF_SUB, s, r, 0, a & dbt_mask(s));
    return DBT_OK;
}

/* ---- moves ---------------------------------------------------------- */

int op_mov_EG(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_rm_write(cpu, i, i->osz, dbt_gr_read(cpu, i, i->osz));
    return DBT_OK;
}

int op_mov_GE(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_gr_write(cpu, i, i->osz, dbt_rm_read(cpu, i, i->osz));
    return DBT_OK;
}

int op_mov_EI(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_rm_write(cpu, i, i->osz, i->imm);
    return DBT_OK;
}

/* B0-BF: MOV reg, imm (reg in i->reg) */
int op_mov_RI(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_gr_write(cpu, i, i->osz, i->imm);
    return DBT_OK;
}

/* A0-A3: MOV AL/rAX <-> moffs; sub 0 load, 1 store */
int op_mov_AO(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t a = i->imm;
    if (i->flags & DBT_I_ADDR32)
        a = (uint32_t)a;
    a = dbt_seg_addr(cpu, i, a);
    if (i->sub)
        dbt_write(cpu, a, i->osz, cpu->gpr[DBT_RAX]);
    else
        dbt_reg_write(cpu, DBT_RAX, i->osz, true, dbt_read(cpu, a, i->osz));
    return DBT_OK;
}

/* 8D (the register form decodes to #UD) */
int op_lea(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_gr_write(cpu, i, i->osz, dbt_ea_offset(cpu, i));
    return DBT_OK;
}

/* with memory: locked whatever the prefixes (DBT_KA_LOCKED) */
int op_xchg_EG(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t g = dbt_gr_read(cpu, i, s);
    DbtRmw m;
    uint64_t old = dbt_rmw_begin(cpu, i, s, &m);
    while (!dbt_rmw_commit(cpu, &m, &old, g))
        ;
    dbt_gr_write(cpu, i, s, old);
    return DBT_OK;
}

/* 91-97 (and 90 with REX.B): XCHG rAX, reg */
int op_xchg_AR(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t a = dbt_reg_read(cpu, DBT_RAX, s, true);
    uint64_t r = dbt_reg_read(cpu, i->reg, s, true);
    dbt_reg_write(cpu, DBT_RAX, s, true, r);
    dbt_reg_write(cpu, i->reg, s, true, a);
    return DBT_OK;
}

int op_nop(DbtCpu *cpu, const DbtInsn *i)
{
    (void)cpu;
    (void)i;
    return DBT_OK;
}

/* MOVZX: sub = source size */
int op_movzx(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_gr_write(cpu, i, i->osz, dbt_rm_read(cpu, i, i->sub));
    return DBT_OK;
}

/* MOVSX / MOVSXD: sub = source size */
int op_movsx(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_gr_write(cpu, i, i->osz, (uint64_t)dbt_sext(dbt_rm_read(cpu, i, i->sub), i->sub));
    return DBT_OK;
}

int op_cmov(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t v = dbt_rm_read(cpu, i, i->osz);
    if (dbt_cond_fast(cpu, i->sub))
        dbt_gr_write(cpu, i, i->osz, v);
    else if (i->osz == 4)
        cpu->gpr[i->reg] = (uint32_t)cpu->gpr[i->reg];
    return DBT_OK;
}

int op_setcc(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_rm_write(cpu, i, 1, dbt_cond_fast(cpu, i->sub));
    return DBT_OK;
}

/* 98: CBW / CWDE / CDQE */
int op_cbw(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    dbt_reg_write(cpu, DBT_RAX, s, true,
                  (uint64_t)dbt_sext(cpu->gpr[DBT_RAX], s / 2));
    return DBT_OK;
}

/* 99: CWD / CDQ / CQO */
int op_cwd(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t a = cpu->gpr[DBT_RAX] & dbt_mask(s);
    dbt_reg_write(cpu, DBT_RDX, s, true, (a & dbt_sign_bit(s)) ? ~0ull : 0);
    return DBT_OK;
}

int op_bswap(DbtCpu *cpu, const DbtInsn *i)
{
    if (i->osz == 8)
        cpu->gpr[i->reg] = __builtin_bswap64(cpu->gpr[i->reg]);
    else if (i->osz == 4)
        cpu->gpr[i->reg] = __builtin_bswap32((uint32_t)cpu->gpr[i->reg]);
    else /* 16-bit BSWAP is undefined; hardware zeroes the low word */
        cpu->gpr[i->reg] &= ~0xffffull;
    return DBT_OK;
}

/* ---- flag ops --------------------------------------------------------- */

/* F5 CMC, F8 CLC, F9 STC, FC CLD, FD STD: sub = opcode */
int op_flagop(DbtCpu *cpu, const DbtInsn *i)
{
    if (i->sub != 0xfc && i->sub != 0xfd)
        dbt_flags_materialize(cpu);
    switch (i->sub) {
    case 0xf5: cpu->rflags ^= DBT_CF; break;
    case 0xf8: cpu->rflags &= ~(uint64_t)DBT_CF; break;
    case 0xf9: cpu->rflags |= DBT_CF; break;
    case 0xfc: cpu->rflags &= ~(uint64_t)DBT_DF; break;
    default: cpu->rflags |= DBT_DF; break;
    }
    return DBT_OK;
}

int op_lahf(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    uint64_t f = dbt_flags_get(cpu) & 0xff;
    cpu->gpr[DBT_RAX] = (cpu->gpr[DBT_RAX] & ~0xff00ull) | (f << 8) | 2u << 8;
    return DBT_OK;
}

int op_sahf(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    uint32_t ah = (cpu->gpr[DBT_RAX] >> 8) & 0xff;
    dbt_flags_materialize(cpu);
    dbt_flags_set_status(cpu, (cpu->rflags & DBT_OF)
                         | (ah & (DBT_CF | DBT_PF | DBT_AF | DBT_ZF | DBT_SF)));
    return DBT_OK;
}

/* ---- atomics ------------------------------------------------------------- */

int op_xadd(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t src = dbt_gr_read(cpu, i, s);
    DbtRmw m;
    uint64_t dst = dbt_rmw_begin(cpu, i, s, &m), r;
    if (!m.mem) {
        /* the register first: with the same register as both, the sum wins */
        r = alu_do(cpu, ALU_ADD, s, dst, src, false);
        dbt_gr_write(cpu, i, s, dst);
        dbt_rmw_commit(cpu, &m, &dst, r);
        return DBT_OK;
    }
    do
        r = alu_do(cpu, ALU_ADD, s, dst, src, false);
    while (!dbt_rmw_commit(cpu, &m, &dst, r));
    dbt_gr_write(cpu, i, s, dst);
    return DBT_OK;
}

int op_cmpxchg(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t acc = dbt_reg_read(cpu, DBT_RAX, s, true);
    DbtRmw m;
    uint64_t dst = dbt_rmw_begin(cpu, i, s, &m);
    for (;;) {
        if (acc != dst) {
            /* unlocked memory is written back with its own value; a
             * locked compare-exchange that fails stores nothing */
            alu_do(cpu, ALU_CMP, s, acc, dst, false);
            if (m.mem && !m.locked)
                dbt_write(cpu, m.la, s, dst);
            dbt_rmw_abort(cpu, &m);
            dbt_reg_write(cpu, DBT_RAX, s, true, dst);
            return DBT_OK;
        }
        if (dbt_rmw_commit(cpu, &m, &dst, dbt_gr_read(cpu, i, s)))
            break;
    }
    alu_do(cpu, ALU_CMP, s, acc, dst, false);
    return DBT_OK;
}

/* 0F C7 /1: CMPXCHG8B / CMPXCHG16B (REX.W); with LOCK one host atomic
 * (locked.h), else the plain accesses, which write the destination back
 * when it differs */
static bool cmpxchg16b_plain(DbtCpu *cpu, uint64_t ea, uint64_t *lo, uint64_t *hi)
{
    uint64_t l = dbt_read64(cpu, ea), h = dbt_read64(cpu, ea + 8);
    bool ok = l == *lo && h == *hi;
    dbt_write64(cpu, ea, ok ? cpu->gpr[DBT_RBX] : l);
    dbt_write64(cpu, ea + 8, ok ? cpu->gpr[DBT_RCX] : h);
    *lo = l;
    *hi = h;
    return ok;
}

static bool cmpxchg8b_do(DbtCpu *cpu, const DbtInsn *i, uint64_t ea, uint64_t *v)
{
    uint64_t cmp = *v;
    uint64_t nv = (cpu->gpr[DBT_RCX] << 32) | (uint32_t)cpu->gpr[DBT_RBX];
    DbtRmw m;
    *v = dbt_rmw_begin_at(cpu, i, 8, ea, i->flags & DBT_I_LOCK, &m);
    for (;;) {
        if (*v != cmp) {
            if (!m.locked)
                dbt_write64(cpu, ea, *v);
            dbt_rmw_abort(cpu, &m);
            return false;
        }
        if (dbt_rmw_commit(cpu, &m, v, nv))
            return true;
    }
}

int op_cmpxchg8b(DbtCpu *cpu, const DbtInsn *i)
{
    if (!(i->flags & DBT_I_MEM))
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    uint64_t ea = dbt_ea(cpu, i);
    bool ok;
    dbt_flags_materialize(cpu);
    if (i->flags & DBT_I_REXW) {
        if (ea & 15)
            dbt_raise(cpu, DBT_EXC_GP, 0);
        dbt_probe_write(cpu, ea, 8);
        dbt_probe_write(cpu, ea + 8, 8);
        uint64_t lo = cpu->gpr[DBT_RAX], hi = cpu->gpr[DBT_RDX];
        if (i->flags & DBT_I_LOCK)
            ok = dbt_locked_cmpxchg16b(cpu, ea, &lo, &hi, cpu->gpr[DBT_RBX],
                                       cpu->gpr[DBT_RCX]);
        else
            ok = cmpxchg16b_plain(cpu, ea, &lo, &hi);
        if (!ok) {
            cpu->gpr[DBT_RAX] = lo;
            cpu->gpr[DBT_RDX] = hi;
        }
    } else {
        uint64_t v = (cpu->gpr[DBT_RDX] << 32) | (uint32_t)cpu->gpr[DBT_RAX];
        ok = cmpxchg8b_do(cpu, i, ea, &v);
        if (!ok) {
            cpu->gpr[DBT_RAX] = (uint32_t)v;
            cpu->gpr[DBT_RDX] = v >> 32;
        }
    }
    cpu->rflags = (cpu->rflags & ~(uint64_t)DBT_ZF) | (ok ? DBT_ZF : 0);
    return DBT_OK;
}

/* ---- stack ------------------------------------------------------------------ */

/* 50-57: PUSH reg (64 or 16 bit) */
int op_push_R(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_push(cpu, i->osz, cpu->gpr[i->reg]);
    return DBT_OK;
}

int op_pop_R(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t v = dbt_stack_read(cpu, 0, i->osz);
    cpu->gpr[DBT_RSP] = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], i->osz);
    dbt_reg_write(cpu, i->reg, i->osz, true, v);
    return DBT_OK;
}

int op_push_I(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_push(cpu, i->osz, i->imm);
    return DBT_OK;
}

int op_push_E(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_push(cpu, i->osz, dbt_rm_read(cpu, i, i->osz));
    return DBT_OK;
}

/* 8F /0: the address is computed with the incremented RSP */
int op_pop_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t sp = cpu->gpr[DBT_RSP], sp1 = dbt_stack_add(cpu, sp, s);
    uint64_t v = dbt_stack_read(cpu, 0, s);
    if (i->flags & DBT_I_MEM) {
        cpu->gpr[DBT_RSP] = sp1;
        uint64_t ea = dbt_ea(cpu, i);
        cpu->gpr[DBT_RSP] = sp;
        dbt_write(cpu, ea, s, v);
        cpu->gpr[DBT_RSP] = sp1;
    } else {
        cpu->gpr[DBT_RSP] = sp1;
        dbt_reg_write(cpu, i->rm, s, true, v);
    }
    return DBT_OK;
}
