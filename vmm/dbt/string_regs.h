/* string_regs.h - the registers of string instructions as the address
 * size sees them: rCX, rSI, rDI read and written at 64, 32 or 16 bits,
 * ES:rDI as a linear address, the DF step.  Shared by the string ops
 * (string.c) and INS/OUTS (system.c), so every address size and mode
 * takes one path. */
#ifndef VESSEL_DBT_STRING_REGS_H
#define VESSEL_DBT_STRING_REGS_H

#include "vmm/dbt/cpu.h"

/* RCX/RSI/RDI as the address size sees them (64, 32 or 16 bits) */
static inline uint64_t dbt_areg(const DbtCpu *cpu, const DbtInsn *i, int r)
{
    if (unlikely(i->flags & DBT_I_ADDR16))
        return (uint16_t)cpu->gpr[r];
    return (i->flags & (DBT_I_ADDR32 | DBT_I_LEGACY)) ? (uint32_t)cpu->gpr[r] : cpu->gpr[r];
}

static inline void dbt_areg_set(DbtCpu *cpu, const DbtInsn *i, int r, uint64_t v)
{
    if (unlikely(i->flags & DBT_I_ADDR16))
        cpu->gpr[r] = (cpu->gpr[r] & ~0xffffull) | (uint16_t)v;
    else
        cpu->gpr[r] = (i->flags & (DBT_I_ADDR32 | DBT_I_LEGACY)) ? (uint32_t)v : v;
}

/* linear address of ES:rDI (ES has base 0 in 64-bit mode) */
static inline uint64_t dbt_string_dst(DbtCpu *cpu, const DbtInsn *i, uint64_t di, unsigned s)
{
    if (unlikely(i->flags & DBT_I_LEGACY))
        return dbt_seg_la(cpu, DBT_SEG_ES, di, s);
    return di;
}

/* the per-element step: +size, or -size with DF set */
static inline int64_t dbt_string_step(const DbtCpu *cpu, unsigned s)
{
    return (cpu->rflags & DBT_DF) ? -(int64_t)s : (int64_t)s;
}

#endif /* VESSEL_DBT_STRING_REGS_H */
