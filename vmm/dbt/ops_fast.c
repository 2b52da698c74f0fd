/* ops_fast.c - the interpreter's ops for the specialised kinds of the
 * hottest instruction forms.
 *
 * Design note: the generic ops (alu.c ...) decide at run time between
 * register and memory operands, byte registers and operand sizes.  For
 * the forms that dominate real code (measured on the Debian boot: the
 * kernel's RSA/MPI and SHA-256 loops, busybox's sha256) the
 * form-selection pass (pass_forms.c) gives an instruction a specialised
 * kind whose op has those decisions made: 32- and 64-bit
 * register-register and register-immediate ALU ops, register moves,
 * loads/stores through [base + disp], the stack and one Jcc per
 * condition in 64-bit code.  Each has the generic op's exact semantics
 * (same lazy flags record, same zero extension, same fault behaviour) and
 * the same signature; tests/dbt's differential harness runs every form
 * through the decoder and the passes and so through these ops. */
#include "vmm/dbt/ops.h"

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
int name(DbtCpu *cpu, const DbtInsn *i)                              \
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

/* ---- moves ------------------------------------------------------------ */

int op_mov_rr64(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = cpu->gpr[i->reg];
    return DBT_OK;
}

int op_mov_rr32(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = (uint32_t)cpu->gpr[i->reg];
    return DBT_OK;
}

int op_mov_gr64(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = cpu->gpr[i->rm];
    return DBT_OK;
}

int op_mov_gr32(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = (uint32_t)cpu->gpr[i->rm];
    return DBT_OK;
}

int op_load64_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read64(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

int op_load32_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read32(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

int op_store64_bd(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_write64(cpu, ea_bd(cpu, i), cpu->gpr[i->reg]);
    return DBT_OK;
}

int op_store32_bd(DbtCpu *cpu, const DbtInsn *i)
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
int op_load64_##form(DbtCpu *cpu, const DbtInsn *i)                  \
{                                                                           \
    cpu->gpr[i->reg] = dbt_read64(cpu, EA(cpu, i));                         \
    return DBT_OK;                                                          \
}                                                                           \
int op_load32_##form(DbtCpu *cpu, const DbtInsn *i)                  \
{                                                                           \
    cpu->gpr[i->reg] = dbt_read32(cpu, EA(cpu, i));                         \
    return DBT_OK;                                                          \
}                                                                           \
int op_store64_##form(DbtCpu *cpu, const DbtInsn *i)                 \
{                                                                           \
    dbt_write64(cpu, EA(cpu, i), cpu->gpr[i->reg]);                         \
    return DBT_OK;                                                          \
}                                                                           \
int op_store32_##form(DbtCpu *cpu, const DbtInsn *i)                 \
{                                                                           \
    dbt_write32(cpu, EA(cpu, i), (uint32_t)cpu->gpr[i->reg]);               \
    return DBT_OK;                                                          \
}
DEF_LOADSTORE(bisd, ea_bisd)
DEF_LOADSTORE(rip, ea_rip)

/* ---- MOVZX to a 32/64-bit register (both clear bits 63..size) --------- */

int op_movzx8_r(DbtCpu *cpu, const DbtInsn *i)    /* not AH..BH */
{
    cpu->gpr[i->reg] = cpu->gpr[i->rm] & 0xff;
    return DBT_OK;
}

int op_movzx16_r(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = cpu->gpr[i->rm] & 0xffff;
    return DBT_OK;
}

int op_movzx8_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read8(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

int op_movzx16_bd(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->reg] = dbt_read16(cpu, ea_bd(cpu, i));
    return DBT_OK;
}

/* ---- stack in 64-bit code (RSP is the linear address) ------------------- */

int op_push64_R(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t v = cpu->gpr[i->reg], sp = cpu->gpr[DBT_RSP] - 8;
    dbt_write64(cpu, sp, v);
    cpu->gpr[DBT_RSP] = sp;
    return DBT_OK;
}

int op_pop64_R(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t v = dbt_read64(cpu, cpu->gpr[DBT_RSP]);
    cpu->gpr[DBT_RSP] += 8;
    cpu->gpr[i->reg] = v;      /* POP RSP: the loaded value wins */
    return DBT_OK;
}

int op_call64_rel(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t ret = cpu->next_rip, target = ret + i->imm, sp = cpu->gpr[DBT_RSP] - 8;
    if (unlikely(!dbt_canonical(target)))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    dbt_write64(cpu, sp, ret);
    cpu->gpr[DBT_RSP] = sp;
    cpu->next_rip = target;
    return DBT_OK;
}

int op_ret64(DbtCpu *cpu, const DbtInsn *i)
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
int op_jcc_##cc(DbtCpu *cpu, const DbtInsn *i)                       \
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
