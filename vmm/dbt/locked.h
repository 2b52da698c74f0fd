/* locked.h - read-modify-write of the r/m operand as one atomic update
 * of guest memory when the instruction is locked (LOCK prefix, or XCHG
 * with memory), for the ops of alu.c and bitops.c; locked.c has the
 * design note (and README "Several vCPUs").
 *
 * The contract, for an op that updates its r/m operand:
 *
 *     DbtRmw m;
 *     uint64_t old = dbt_rmw_begin(cpu, i, size, &m);
 *     do
 *         new = f(old);               (flags too: the last pass counts)
 *     while (!dbt_rmw_commit(cpu, &m, &old, new));
 *
 * dbt_rmw_begin() reads the operand after probing it for a write (every
 * fault comes before anything changes).  dbt_rmw_commit() stores @new if
 * the operand still holds *@old and returns true; otherwise (another vCPU
 * wrote it meanwhile) it loads the current value into *@old and returns
 * false.  Unlocked and register operands always commit. */
#ifndef VESSEL_DBT_LOCKED_H
#define VESSEL_DBT_LOCKED_H

#include "vmm/dbt/operand.h"

typedef struct {
    const DbtInsn *insn;
    unsigned size;
    uint64_t la;           /* memory operand: its linear address */
    uint8_t *host;         /* locked, in RAM: the host bytes to update */
    bool mem, locked;
    bool fallback;         /* locked, not one host atomic: under smp's mutex */
    bool code;             /* the bytes are on a page with decoded code */
} DbtRmw;

/* The operand at @la (BT's bit string: not the ModRM address), locked
 * or not as @locked says. */
uint64_t dbt_rmw_begin_at(DbtCpu *cpu, const DbtInsn *i, unsigned size, uint64_t la,
                          bool locked, DbtRmw *m);
bool dbt_locked_commit(DbtCpu *cpu, DbtRmw *m, uint64_t *old, uint64_t v);

/* Is @i's memory operand updated atomically? */
static inline bool dbt_insn_locked(const DbtInsn *i)
{
    return (i->flags & DBT_I_LOCK)
        || ((dbt_insn_attr(i) & DBT_KA_LOCKED) && (i->flags & DBT_I_MEM));
}

static inline uint64_t dbt_rmw_begin(DbtCpu *cpu, const DbtInsn *i, unsigned size,
                                     DbtRmw *m)
{
    if (unlikely(dbt_insn_locked(i)))
        return dbt_rmw_begin_at(cpu, i, size, dbt_ea(cpu, i), true, m);
    m->insn = i;
    m->size = size;
    m->mem = i->flags & DBT_I_MEM;
    m->locked = false;
    return dbt_rmw_read(cpu, i, size, true, &m->la);
}

static inline bool dbt_rmw_commit(DbtCpu *cpu, DbtRmw *m, uint64_t *old, uint64_t v)
{
    if (unlikely(m->locked))
        return dbt_locked_commit(cpu, m, old, v);
    dbt_rmw_write(cpu, m->insn, m->size, m->la, v);
    return true;
}

/* End an update that stores nothing (a CMPXCHG that found another value). */
void dbt_locked_abort(DbtCpu *cpu, DbtRmw *m);
static inline void dbt_rmw_abort(DbtCpu *cpu, DbtRmw *m)
{
    if (unlikely(m->locked))
        dbt_locked_abort(cpu, m);
}

/* CMPXCHG16B at @la (16-byte aligned, probed): compare RDX:RAX, store
 * RCX:RBX; returns whether it stored, and the old value in @lo/@hi. */
bool dbt_locked_cmpxchg16b(DbtCpu *cpu, uint64_t la, uint64_t *lo, uint64_t *hi,
                           uint64_t new_lo, uint64_t new_hi);

#endif /* VESSEL_DBT_LOCKED_H */
