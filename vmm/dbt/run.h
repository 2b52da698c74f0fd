/* run.h - the run loop (run.c): blocks, chaining, polls, interrupts,
 * HLT; the entry of every backend. */
#ifndef VESSEL_DBT_RUN_H
#define VESSEL_DBT_RUN_H

#include "vmm/dbt/cpu.h"

/* Execute until an op asks to stop, an exception in flat mode, the budget
 * or a kick.  Returns DBT_* stop code. */
int dbt_run_loop(DbtCpu *cpu, uint64_t max_insns, DbtStop *stop);
void dbt_trace_exception(DbtCpu *cpu, int vec, uint32_t err);

#endif /* VESSEL_DBT_RUN_H */
