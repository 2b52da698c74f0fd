/* smp.h - several vCPUs (smp.c): one host thread each, one baton. */
#ifndef VESSEL_DBT_SMP_H
#define VESSEL_DBT_SMP_H

#include "vmm/dbt/cpu.h"

#define DBT_SMP_SLICE 200000   /* instructions between offers of the baton */

DbtSmp *dbt_smp_new(void);
void dbt_smp_free(DbtSmp *smp);
void dbt_smp_add(DbtSmp *smp, DbtCpu *cpu);
void dbt_smp_acquire(DbtCpu *cpu);
void dbt_smp_release(DbtCpu *cpu);
/* At a block boundary: hand the baton over if another vCPU waits. */
void dbt_smp_yield(DbtCpu *cpu);
bool dbt_smp_contended(const DbtCpu *cpu);
/* Decoded code on physical page @pa (RAM range @ram of @cpu) of any vCPU. */
bool dbt_smp_any_has_code(DbtCpu *cpu, const DbtRam *ram, size_t idx);
static inline bool dbt_smp_page_has_code(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    size_t idx = (pa - ram->gpa) >> 12;
    if (likely(!cpu->smp))
        return ram->code[idx];
    return dbt_smp_any_has_code(cpu, ram, idx);
}
/* @pa was written: drop every vCPU's blocks decoded from it. */
void dbt_smp_code_written(DbtCpu *cpu, const DbtRam *ram, uint64_t pa);
/* Blocks now live on @pa: no vCPU may keep a write mapping of it. */
void dbt_smp_protect_code(DbtCpu *cpu, uint64_t pa);

#endif /* VESSEL_DBT_SMP_H */
