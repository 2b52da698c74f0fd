/* smp.h - several vCPUs (smp.c): one host thread each, taking turns
 * with one baton or running in parallel. */
#ifndef VESSEL_DBT_SMP_H
#define VESSEL_DBT_SMP_H

#include "vmm/dbt/cpu.h"

#define DBT_SMP_SLICE 200000   /* instructions between offers of the baton */

/* Parallel or taking turns, for a machine of several vCPUs:
 * VESSEL_DBT_PARALLEL (@env) "1" parallel, "0" turns; unset (or any other
 * value) parallel when the VMM may run on at least 2 host CPUs
 * (@host_cpus), turns on one (README "Several vCPUs"). */
bool dbt_smp_parallel_choose(const char *env, int host_cpus);
/* @parallel: no baton (README "Several vCPUs") */
DbtSmp *dbt_smp_new(bool parallel);
void dbt_smp_free(DbtSmp *smp);
void dbt_smp_add(DbtSmp *smp, DbtCpu *cpu);
void dbt_smp_acquire(DbtCpu *cpu);
void dbt_smp_release(DbtCpu *cpu);
/* At a block boundary: hand the baton over if another vCPU waits. */
void dbt_smp_yield(DbtCpu *cpu);
bool dbt_smp_contended(const DbtCpu *cpu);
/* PAUSE in parallel mode: a host PAUSE, and the host thread yielded
 * when the spin-wait goes on (smp.c). */
void dbt_smp_spin(DbtCpu *cpu);
/* The code mask of physical page @pa (RAM range @ram of @cpu): bit k
 * set while vCPU k has blocks decoded from it. */
uint64_t *dbt_smp_code_mask(DbtCpu *cpu, const DbtRam *ram, uint64_t pa);
/* Decoded code on physical page @pa of any vCPU. */
static inline bool dbt_smp_page_has_code(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    if (likely(!cpu->smp))
        return ram->code[(pa - ram->gpa) >> 12];
    return __atomic_load_n(dbt_smp_code_mask(cpu, ram, pa), __ATOMIC_SEQ_CST) != 0;
}
/* @pa was written (the store is done): drop every vCPU's blocks decoded
 * from it; in parallel, the others' through their invalidation queues. */
void dbt_smp_code_written(DbtCpu *cpu, const DbtRam *ram, uint64_t pa);
/* @cpu is about to decode code from @pa (its code byte just went from 0
 * to 1): set its bit and, if it is the first, make sure no vCPU keeps a
 * write mapping of the page. */
void dbt_smp_code_marked(DbtCpu *cpu, const DbtRam *ram, uint64_t pa);
/* @cpu has no blocks on @pa any more (its code byte went to 0). */
void dbt_smp_code_dropped(DbtCpu *cpu, const DbtRam *ram, uint64_t pa);

/* The locked-operation fallback (locked.c): a mutex shared by the vCPUs
 * (nothing with one vCPU). */
void dbt_smp_locked_enter(DbtCpu *cpu);
void dbt_smp_locked_leave(DbtCpu *cpu);

#endif /* VESSEL_DBT_SMP_H */
