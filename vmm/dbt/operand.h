/* operand.h - an instruction's operands: registers (with the byte
 * registers AH..BH), effective addresses, the r/m operand, the stack. */
#ifndef VESSEL_DBT_OPERAND_H
#define VESSEL_DBT_OPERAND_H

#include "vmm/dbt/insn.h"
#include "vmm/dbt/mem.h"

/* ---- registers ------------------------------------------------------ */
static inline uint64_t dbt_reg_read(const DbtCpu *cpu, unsigned r, unsigned size,
                                    bool rex)
{
    switch (size) {
    case 1:
        if (!rex && r >= 4 && r < 8)
            return (cpu->gpr[r - 4] >> 8) & 0xff;
        return cpu->gpr[r] & 0xff;
    case 2: return cpu->gpr[r] & 0xffff;
    case 4: return cpu->gpr[r] & 0xffffffff;
    default: return cpu->gpr[r];
    }
}
static inline void dbt_reg_write(DbtCpu *cpu, unsigned r, unsigned size, bool rex,
                                 uint64_t v)
{
    switch (size) {
    case 1:
        if (!rex && r >= 4 && r < 8)
            cpu->gpr[r - 4] = (cpu->gpr[r - 4] & ~0xff00ull) | ((v & 0xff) << 8);
        else
            cpu->gpr[r] = (cpu->gpr[r] & ~0xffull) | (v & 0xff);
        break;
    case 2: cpu->gpr[r] = (cpu->gpr[r] & ~0xffffull) | (v & 0xffff); break;
    case 4: cpu->gpr[r] = (uint32_t)v; break;
    default: cpu->gpr[r] = v; break;
    }
}

/* ---- memory operands ------------------------------------------------ */
/* Legacy-mode segmentation (legacy.c): @off checked against the limit of
 * segment @seg (#GP/#SS), plus its base, wrapped to 32 bits.  @size is
 * the access size for the limit check (1 if unknown). */
uint64_t dbt_seg_la(DbtCpu *cpu, int seg, uint64_t off, unsigned size);

/* The effective address of a memory operand, the one place it is
 * computed: disp + base + index << scale (+ the next RIP for
 * RIP-relative operands), wrapped to the address size.  LEA returns it;
 * dbt_ea() makes it a linear address. */
static inline uint64_t dbt_ea_offset(const DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t a = (uint64_t)(int64_t)i->disp;
    if (i->base != DBT_NOREG)
        a += cpu->gpr[i->base];
    if (i->index != DBT_NOREG)
        a += cpu->gpr[i->index] << i->scale;
    if (i->flags & DBT_I_RIPREL)
        a += cpu->next_rip;
    if (unlikely(i->flags & (DBT_I_ADDR32 | DBT_I_ADDR16 | DBT_I_LEGACY)))
        a = (i->flags & DBT_I_ADDR16) ? (uint16_t)a : (uint32_t)a;
    return a;
}
/* The linear address of a memory operand: its segment applied (FS/GS in
 * 64-bit code; base and limit in legacy modes). */
static inline uint64_t dbt_ea(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t a = dbt_ea_offset(cpu, i);
    if (unlikely(i->flags & DBT_I_LEGACY))
        return dbt_seg_la(cpu, i->seg, a, 1);
    if (i->seg != DBT_SEG_NONE)
        a += cpu->seg[i->seg].base;
    return a;
}
/* Apply the segment of @i to a computed address (FS/GS in 64-bit mode;
 * string sources and moffs in legacy modes). */
static inline uint64_t dbt_seg_addr(DbtCpu *cpu, const DbtInsn *i, uint64_t a)
{
    if (unlikely(i->flags & DBT_I_LEGACY))
        return dbt_seg_la(cpu, i->seg, a, 1);
    if (i->seg != DBT_SEG_NONE)
        a += cpu->seg[i->seg].base;
    return a;
}
static inline uint64_t dbt_rm_read(DbtCpu *cpu, const DbtInsn *i, unsigned size)
{
    if (i->flags & DBT_I_MEM)
        return dbt_read(cpu, dbt_ea(cpu, i), size);
    return dbt_reg_read(cpu, i->rm, size, i->flags & DBT_I_REX);
}
static inline void dbt_rm_write(DbtCpu *cpu, const DbtInsn *i, unsigned size, uint64_t v)
{
    if (i->flags & DBT_I_MEM)
        dbt_write(cpu, dbt_ea(cpu, i), size, v);
    else
        dbt_reg_write(cpu, i->rm, size, i->flags & DBT_I_REX, v);
}
/* Read-modify-write of the r/m operand, the one prologue of every op
 * that updates it: dbt_rmw_read() reads it, probing a memory operand for
 * the write first when @write (so the op faults before it changes
 * anything, and restarts exactly); dbt_rmw_write() stores the result.
 * @ea carries the address from one to the other. */
static inline uint64_t dbt_rmw_read(DbtCpu *cpu, const DbtInsn *i, unsigned size,
                                    bool write, uint64_t *ea)
{
    if (i->flags & DBT_I_MEM) {
        *ea = dbt_ea(cpu, i);
        if (write)
            dbt_probe_write(cpu, *ea, size);
        return dbt_read(cpu, *ea, size);
    }
    *ea = 0;
    return dbt_reg_read(cpu, i->rm, size, i->flags & DBT_I_REX);
}
static inline void dbt_rmw_write(DbtCpu *cpu, const DbtInsn *i, unsigned size, uint64_t ea,
                                 uint64_t v)
{
    if (i->flags & DBT_I_MEM)
        dbt_write(cpu, ea, size, v);
    else
        dbt_reg_write(cpu, i->rm, size, i->flags & DBT_I_REX, v);
}
static inline uint64_t dbt_gr_read(const DbtCpu *cpu, const DbtInsn *i, unsigned size)
{
    return dbt_reg_read(cpu, i->reg, size, i->flags & DBT_I_REX);
}
static inline void dbt_gr_write(DbtCpu *cpu, const DbtInsn *i, unsigned size, uint64_t v)
{
    dbt_reg_write(cpu, i->reg, size, i->flags & DBT_I_REX, v);
}

/* Stack: 64-bit mode uses RSP as the linear address; legacy modes use SP
 * or ESP (by SS.B) as an offset into SS. */
static inline bool dbt_ss32(const DbtCpu *cpu)
{
    return cpu->seg[DBT_SEG_SS].attr & 0x4000;
}
static inline uint64_t dbt_stack_la(DbtCpu *cpu, uint64_t sp)
{
    if (likely(cpu->mode == DBT_MODE_64))
        return sp;
    return dbt_seg_la(cpu, DBT_SEG_SS, dbt_ss32(cpu) ? (uint32_t)sp : (uint16_t)sp, 1);
}
/* RSP after adding @delta, keeping the bits above SP/ESP in legacy modes */
static inline uint64_t dbt_stack_add(const DbtCpu *cpu, uint64_t sp, int64_t delta)
{
    if (likely(cpu->mode == DBT_MODE_64))
        return sp + (uint64_t)delta;
    if (dbt_ss32(cpu))
        return (uint32_t)(sp + (uint64_t)delta);
    return (sp & ~0xffffull) | (uint16_t)(sp + (uint64_t)delta);
}
static inline void dbt_push(DbtCpu *cpu, unsigned size, uint64_t v)
{
    uint64_t sp = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], -(int64_t)size);
    dbt_write(cpu, dbt_stack_la(cpu, sp), size, v);
    cpu->gpr[DBT_RSP] = sp;
}
/* Read the stack at RSP + @off (no RSP change). */
static inline uint64_t dbt_stack_read(DbtCpu *cpu, uint64_t off, unsigned size)
{
    return dbt_read(cpu, dbt_stack_la(cpu, dbt_stack_add(cpu, cpu->gpr[DBT_RSP],
                                                         (int64_t)off)), size);
}

#endif /* VESSEL_DBT_OPERAND_H */
