/* fastpath.c - specialised ops for the hottest instruction forms.
 *
 * Design note: the generic ops (alu.c ...) decide at run time between
 * register and memory operands, byte registers and operand sizes.  For
 * the forms that dominate real code (measured on the Debian boot: the
 * kernel's RSA/MPI and SHA-256 loops, busybox's sha256) the decoder asks
 * dbt_op_specialise() for an op that has those decisions made: 32- and
 * 64-bit register-register and register-immediate ALU ops, register
 * moves, and loads/stores through [base + disp].  Each specialised op
 * has the generic op's exact semantics (same lazy flags record, same
 * zero extension, same fault behaviour) and the same signature, so a
 * translator can call it too; tests/dbt's differential harness runs
 * every form through the decoder and so through these ops. */
#include "vmm/dbt/ops.h"
#include "vmm/dbt/pass.h"

enum { K_ADD, K_OR, K_ADC, K_SBB, K_AND, K_SUB, K_XOR, K_CMP, K_LAST };

/* One ALU step on already-masked operands; writes the lazy flags
 * record the way alu.c does.  Returns the (masked) result. */
#define ALU_STEP(cpu, kind, size, a, b, r)                                  \
    do {                                                                    \
        switch (kind) {                                                     \
        case K_ADD: r = (a + b) & M; dbt_flags_lazy(cpu, DBT_LF_ADD, size, r, a, b); break; \
        case K_OR: r = a | b; dbt_flags_lazy(cpu, DBT_LF_LOGIC, size, r, a, b); break; \
        case K_AND: r = a & b; dbt_flags_lazy(cpu, DBT_LF_LOGIC, size, r, a, b); break; \
        case K_XOR: r = a ^ b; dbt_flags_lazy(cpu, DBT_LF_LOGIC, size, r, a, b); break; \
        default: r = (a - b) & M; dbt_flags_lazy(cpu, DBT_LF_SUB, size, r, a, b); break; \
        }                                                                   \
    } while (0)

/* [base + disp], no index, no segment override, 64-bit addressing */
static inline uint64_t ea_bd(const DbtCpu *cpu, const DbtInsn *i)
{
    return cpu->gpr[i->base] + (uint64_t)(int64_t)i->disp;
}

/* dst op= src for register dst (field D) and register src (field S),
 * the immediate (S = imm) or a load (read before any state changes). */
#define DEF_ALU(name, kind, size, DST, SRC)                                 \
static int name(DbtCpu *cpu, const DbtInsn *i)                              \
{                                                                           \
    const uint64_t M = dbt_mask(size);                                      \
    uint64_t a = cpu->gpr[i->DST] & M, b = (SRC) & M, r;                    \
    ALU_STEP(cpu, kind, size, a, b, r);                                     \
    if (kind != K_CMP)                                                      \
        cpu->gpr[i->DST] = r;                                               \
    return DBT_OK;                                                          \
}

#define DEF_ALU_KIND(kname, kind)                                           \
    DEF_ALU(op_##kname##_rr64, kind, 8, rm, cpu->gpr[i->reg])               \
    DEF_ALU(op_##kname##_rr32, kind, 4, rm, cpu->gpr[i->reg])               \
    DEF_ALU(op_##kname##_gr64, kind, 8, reg, cpu->gpr[i->rm])               \
    DEF_ALU(op_##kname##_gr32, kind, 4, reg, cpu->gpr[i->rm])               \
    DEF_ALU(op_##kname##_ri64, kind, 8, rm, i->imm)                         \
    DEF_ALU(op_##kname##_ri32, kind, 4, rm, i->imm)                         \
    DEF_ALU(op_##kname##_gm64, kind, 8, reg, dbt_read64(cpu, ea_bd(cpu, i))) \
    DEF_ALU(op_##kname##_gm32, kind, 4, reg, dbt_read32(cpu, ea_bd(cpu, i)))

DEF_ALU_KIND(add, K_ADD)
DEF_ALU_KIND(or, K_OR)
DEF_ALU_KIND(and, K_AND)
DEF_ALU_KIND(sub, K_SUB)
DEF_ALU_KIND(xor, K_XOR)
DEF_ALU_KIND(cmp, K_CMP)

/* forms: 0 E,G (dst r/m)  1 G,E (dst reg)  2 E,imm (register forms:
 * no fault), 3 G,[base+disp] (a load: may fault); [size == 8] */
#define ALU_ROW(kname) { { op_##kname##_rr32, op_##kname##_rr64 }, \
                         { op_##kname##_gr32, op_##kname##_gr64 }, \
                         { op_##kname##_ri32, op_##kname##_ri64 }, \
                         { op_##kname##_gm32, op_##kname##_gm64 } }
static const DbtOp alu_ops[K_LAST][4][2] = {
    [K_ADD] = ALU_ROW(add), [K_OR] = ALU_ROW(or), [K_AND] = ALU_ROW(and),
    [K_SUB] = ALU_ROW(sub), [K_XOR] = ALU_ROW(xor), [K_CMP] = ALU_ROW(cmp),
};

/* ---- moves ------------------------------------------------------------ */

static int op_mov_rr64(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = cpu->gpr[i->reg];
    return DBT_OK;
}

static int op_mov_rr32(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = (uint32_t)cpu->gpr[i->reg];
    return DBT_OK;
}

static int op_mov_gr64(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = cpu->gpr[i->rm];
    return DBT_OK;
}

static int op_mov_gr32(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = (uint32_t)cpu->gpr[i->rm];
    return DBT_OK;
}

static int op_load64_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read64(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

static int op_load32_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read32(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

static int op_store64_bd(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_write64(cpu, ea_bd(cpu, i), cpu->gpr[i->reg]);
    return DBT_OK;
}

static int op_store32_bd(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_write32(cpu, ea_bd(cpu, i), (uint32_t)cpu->gpr[i->reg]);
    return DBT_OK;
}

/* [base + index * scale + disp] and [RIP + disp], 64-bit addressing, no
 * segment override */
static inline uint64_t ea_bisd(const DbtCpu *cpu, const DbtInsn *i)
{
    return cpu->gpr[i->base] + (cpu->gpr[i->index] << i->scale) + (uint64_t)(int64_t)i->disp;
}

static inline uint64_t ea_rip(const DbtCpu *cpu, const DbtInsn *i)
{
    return cpu->next_rip + (uint64_t)(int64_t)i->disp;
}

#define DEF_LOADSTORE(form, EA)                                             \
static int op_load64_##form(DbtCpu *cpu, const DbtInsn *i)                  \
{                                                                           \
    cpu->gpr[i->reg] = dbt_read64(cpu, EA(cpu, i));                         \
    return DBT_OK;                                                          \
}                                                                           \
static int op_load32_##form(DbtCpu *cpu, const DbtInsn *i)                  \
{                                                                           \
    cpu->gpr[i->reg] = dbt_read32(cpu, EA(cpu, i));                         \
    return DBT_OK;                                                          \
}                                                                           \
static int op_store64_##form(DbtCpu *cpu, const DbtInsn *i)                 \
{                                                                           \
    dbt_write64(cpu, EA(cpu, i), cpu->gpr[i->reg]);                         \
    return DBT_OK;                                                          \
}                                                                           \
static int op_store32_##form(DbtCpu *cpu, const DbtInsn *i)                 \
{                                                                           \
    dbt_write32(cpu, EA(cpu, i), (uint32_t)cpu->gpr[i->reg]);               \
    return DBT_OK;                                                          \
}
DEF_LOADSTORE(bisd, ea_bisd)
DEF_LOADSTORE(rip, ea_rip)

/* ---- MOVZX to a 32/64-bit register (both clear bits 63..size) --------- */

static int op_movzx8_r(DbtCpu *cpu, const DbtInsn *i)    /* not AH..BH */
{
    cpu->gpr[i->reg] = cpu->gpr[i->rm] & 0xff;
    return DBT_OK;
}

static int op_movzx16_r(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = cpu->gpr[i->rm] & 0xffff;
    return DBT_OK;
}

static int op_movzx8_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read8(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

static int op_movzx16_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read16(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

/* ---- stack in 64-bit code (RSP is the linear address) ------------------- */

static int op_push64_R(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t v = cpu->gpr[i->reg], sp = cpu->gpr[DBT_RSP] - 8;
    dbt_write64(cpu, sp, v);
    cpu->gpr[DBT_RSP] = sp;
    return DBT_OK;
}

static int op_pop64_R(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t v = dbt_read64(cpu, cpu->gpr[DBT_RSP]);
    cpu->gpr[DBT_RSP] += 8;
    cpu->gpr[i->reg] = v;      /* POP RSP: the loaded value wins */
    return DBT_OK;
}

static int op_call64_rel(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t ret = cpu->next_rip, target = ret + i->imm, sp = cpu->gpr[DBT_RSP] - 8;
    if (unlikely(!dbt_canonical(target)))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    dbt_write64(cpu, sp, ret);
    cpu->gpr[DBT_RSP] = sp;
    cpu->next_rip = target;
    return DBT_OK;
}

static int op_ret64(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    uint64_t target = dbt_read64(cpu, cpu->gpr[DBT_RSP]);
    if (unlikely(!dbt_canonical(target)))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    cpu->gpr[DBT_RSP] += 8;
    cpu->next_rip = target;
    return DBT_OK;
}

/* ---- Jcc in 64-bit code, one op per condition --------------------------- */

#define DEF_JCC(cc)                                                         \
static int op_jcc_##cc(DbtCpu *cpu, const DbtInsn *i)                       \
{                                                                           \
    if (dbt_cond_fast(cpu, cc)) {                                           \
        uint64_t target = cpu->next_rip + i->imm;                           \
        if (unlikely(!dbt_canonical(target)))                               \
            dbt_raise(cpu, DBT_EXC_GP, 0);                                  \
        cpu->next_rip = target;                                             \
    }                                                                       \
    return DBT_OK;                                                          \
}
DEF_JCC(0) DEF_JCC(1) DEF_JCC(2) DEF_JCC(3) DEF_JCC(4) DEF_JCC(5) DEF_JCC(6) DEF_JCC(7)
DEF_JCC(8) DEF_JCC(9) DEF_JCC(10) DEF_JCC(11) DEF_JCC(12) DEF_JCC(13) DEF_JCC(14) DEF_JCC(15)

static const DbtOp jcc_ops[16] = {
    op_jcc_0, op_jcc_1, op_jcc_2, op_jcc_3, op_jcc_4, op_jcc_5, op_jcc_6, op_jcc_7,
    op_jcc_8, op_jcc_9, op_jcc_10, op_jcc_11, op_jcc_12, op_jcc_13, op_jcc_14, op_jcc_15,
};

/* ---- dead flags ---------------------------------------------------------- */

static DbtFlagUse flag_use(const DbtInsn *in)
{
    DbtOp op = in->op;
    if (op == op_mov_rr64 || op == op_mov_rr32 || op == op_mov_gr64 || op == op_mov_gr32
        || (op == op_lea && (in->flags & DBT_I_MEM)))   /* LEA reg,reg: #UD */
        return DBT_FU_NONE;
    for (unsigned k = 0; k < K_LAST; k++)
        for (unsigned f = 0; f < 3; f++)
            if (alu_ops[k][f][0] && (op == alu_ops[k][f][0] || op == alu_ops[k][f][1]))
                return DBT_FU_SETS_ALL;
    return dbt_shift_flag_use(op);
}

/* Backwards over the block with the set of live status flags: all of
 * them at the end (the next block, an interrupt frame), none before an
 * op that writes all six, all before an op that reads them or may fault
 * (the exception frame holds RFLAGS). */
void dbt_block_flags_pass(DbtInsn *insn, unsigned n)
{
    uint32_t live = DBT_STATUS_FLAGS;
    for (unsigned k = n; k-- > 0;) {
        DbtInsn *in = &insn[k];
        switch (flag_use(in)) {
        case DBT_FU_NONE:
            break;
        case DBT_FU_SETS_ALL:
            live = 0;
            break;
        case DBT_FU_SETS_CF_OF:
            if (!(live & (DBT_CF | DBT_OF)))
                in->op = dbt_shift_flags_variant(in->op, false);
            else
                live &= ~(uint32_t)(DBT_CF | DBT_OF);
            break;
        default:
            live = DBT_STATUS_FLAGS;
            break;
        }
    }
}

void dbt_block_flags_exact(DbtInsn *insn, unsigned n)
{
    for (unsigned k = n; k-- > 0;) {
        DbtOp full = dbt_shift_flags_variant(insn[k].op, true);
        if (full)
            insn[k].op = full;
        else if (flag_use(&insn[k]) != DBT_FU_NONE)
            break;
    }
}

/* ---- selection ---------------------------------------------------------- */

DbtOp dbt_op_specialise(const DbtInsn *in)
{
    bool mem = in->flags & DBT_I_MEM;
    unsigned w = in->osz == 8;
    if (!(in->flags & DBT_I_LEGACY)) {
        if (in->op == op_jcc)
            return jcc_ops[in->sub & 15];
        if (in->osz == 8 && in->op == op_push_R)
            return op_push64_R;
        if (in->osz == 8 && in->op == op_pop_R)
            return op_pop64_R;
        if (in->osz == 8 && in->op == op_call_rel)
            return op_call64_rel;
        if (in->osz == 8 && in->op == op_ret && (in->imm & 0xffff) == 0)
            return op_ret64;
    }
    if ((in->osz != 4 && in->osz != 8) || (in->flags & DBT_I_LOCK))
        return in->op;
    if (!mem) {
        if (in->op == op_alu_EG && alu_ops[in->sub][0][w])
            return alu_ops[in->sub][0][w];
        if (in->op == op_alu_GE && alu_ops[in->sub][1][w])
            return alu_ops[in->sub][1][w];
        if (in->op == op_alu_EI && alu_ops[in->sub][2][w])
            return alu_ops[in->sub][2][w];
        if (in->op == op_mov_EG)
            return w ? op_mov_rr64 : op_mov_rr32;
        if (in->op == op_mov_GE)
            return w ? op_mov_gr64 : op_mov_gr32;
        if (in->op == op_movzx && in->sub == 2)
            return op_movzx16_r;
        if (in->op == op_movzx && in->sub == 1
            && ((in->flags & DBT_I_REX) || in->rm < 4 || in->rm >= 8))
            return op_movzx8_r;
        return dbt_shift_specialise(in);
    }
    /* 64-bit code only: legacy modes add segment bases and limits */
    bool bd = in->base != DBT_NOREG && in->index == DBT_NOREG && in->seg == DBT_SEG_NONE
        && !(in->flags & (DBT_I_RIPREL | DBT_I_ADDR32 | DBT_I_LEGACY));
    if (bd && in->op == op_mov_GE)
        return w ? op_load64_bd : op_load32_bd;
    if (bd && in->op == op_mov_EG)
        return w ? op_store64_bd : op_store32_bd;
    if (bd && in->op == op_alu_GE && alu_ops[in->sub][3][w])
        return alu_ops[in->sub][3][w];
    if (bd && in->op == op_movzx)
        return in->sub == 1 ? op_movzx8_bd : op_movzx16_bd;
    bool plain = in->seg == DBT_SEG_NONE && !(in->flags & (DBT_I_ADDR32 | DBT_I_LEGACY));
    bool bisd = plain && in->base != DBT_NOREG && in->index != DBT_NOREG
        && !(in->flags & DBT_I_RIPREL);
    bool rip = plain && (in->flags & DBT_I_RIPREL);
    if (bisd && in->op == op_mov_GE)
        return w ? op_load64_bisd : op_load32_bisd;
    if (bisd && in->op == op_mov_EG)
        return w ? op_store64_bisd : op_store32_bisd;
    if (rip && in->op == op_mov_GE)
        return w ? op_load64_rip : op_load32_rip;
    if (rip && in->op == op_mov_EG)
        return w ? op_store64_rip : op_store32_rip;
    return in->op;
}
