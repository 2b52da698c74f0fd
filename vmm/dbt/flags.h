/* flags.h - lazy RFLAGS (flags.c): arithmetic ops record the operation,
 * size, operands and result; CF/PF/AF/ZF/SF/OF are computed on demand. */
#ifndef VESSEL_DBT_FLAGS_H
#define VESSEL_DBT_FLAGS_H

#include "vmm/dbt/cpu.h"

uint64_t dbt_flags_get(DbtCpu *cpu);                  /* full RFLAGS */
void dbt_flags_materialize(DbtCpu *cpu);             /* lf_op = NONE */
bool dbt_flag_cf(DbtCpu *cpu);
bool dbt_cond(DbtCpu *cpu, unsigned cc);             /* Jcc/SETcc/CMOVcc condition 0-15 */
/* dbt_cond() with the compare-and-branch cases inline: the flags of a
 * CMP/SUB or of a logic op (TEST, AND, OR, XOR: CF = OF = 0) read
 * straight from the lazy record.  With a constant @cc the switch folds. */
static inline __attribute__((always_inline)) bool dbt_cond_fast(DbtCpu *cpu, unsigned cc)
{
    uint64_t m = cpu->lf_size >= 8 ? ~0ull : (1ull << (cpu->lf_size * 8)) - 1;
    uint64_t sb = (m >> 1) + 1;
    bool r;
    if (cpu->lf_op == DBT_LF_SUB) {
        uint64_t a = cpu->lf_src1 & m, b = cpu->lf_src2 & m;
        switch (cc >> 1) {
        case 1: r = a < b; break;                              /* B / AE */
        case 2: r = a == b; break;                             /* E / NE */
        case 3: r = a <= b; break;                             /* BE / A */
        case 6: r = (a ^ sb) < (b ^ sb); break;                /* L / GE */
        case 7: r = (a ^ sb) <= (b ^ sb); break;               /* LE / G */
        default: return dbt_cond(cpu, cc);
        }
        return r ^ (cc & 1);
    }
    if (cpu->lf_op == DBT_LF_LOGIC) {
        uint64_t res = cpu->lf_res & m;
        switch (cc >> 1) {
        case 0: case 1: r = false; break;                      /* O, B */
        case 2: case 3: r = res == 0; break;                   /* E, BE */
        case 4: case 6: r = (res & sb) != 0; break;            /* S, L */
        case 7: r = res == 0 || (res & sb); break;             /* LE */
        default: return dbt_cond(cpu, cc);
        }
        return r ^ (cc & 1);
    }
    return dbt_cond(cpu, cc);
}
/* Set status flags eagerly from a mask of computed values. */
static inline void dbt_flags_set_status(DbtCpu *cpu, uint32_t status)
{
    cpu->lf_op = DBT_LF_NONE;
    cpu->rflags = (cpu->rflags & ~(uint64_t)DBT_STATUS_FLAGS) | status;
}
static inline void dbt_flags_lazy(DbtCpu *cpu, uint32_t op, unsigned size,
                                  uint64_t res, uint64_t a, uint64_t b)
{
    cpu->lf_op = op;
    cpu->lf_size = size;
    cpu->lf_res = res;
    cpu->lf_src1 = a;
    cpu->lf_src2 = b;
}
uint32_t dbt_parity(uint64_t v);                       /* DBT_PF or 0 */
uint32_t dbt_flags_szp(uint64_t res, unsigned size);   /* SF ZF PF of a result */

#endif /* VESSEL_DBT_FLAGS_H */
