/* stats.h - statistics counters of the dbt CPU.  They compile away
 * unless the tree is configured with CPPFLAGS=-DDBT_STATS; the retired
 * instruction count is always kept (cheap, per block).  A leaf header:
 * cpu.h holds a DbtStats, stats.c prints it. */
#ifndef VESSEL_DBT_STATS_H
#define VESSEL_DBT_STATS_H

#include <stdint.h>

#include "vmm/dbt/dbt.h"

#ifdef DBT_STATS
#define DBT_STAT_INC(cpu, field) ((cpu)->stats.field++)
#else
#define DBT_STAT_INC(cpu, field) ((void)0)
#endif

/* Statistics counters (stats.c prints them): one X() per counter. */
#define DBT_STATS_FIELDS(X) \
    X(insns, "instructions executed") \
    X(blocks_run, "blocks entered") \
    X(chain_hits, "successor found through the chain link") \
    X(vjc_hits, "successor found by linear RIP (no link)") \
    X(block_lookups, "block lookups (dbt_block_get)") \
    X(block_finds, "lookups of translated code at a vjc miss (dbt_block_find)") \
    X(jc_misses, "lookups that missed the front cache") \
    X(blocks_built, "blocks decoded") \
    X(tlb_misses, "soft TLB misses (page walks)") \
    X(flushes, "TLB flushes") \
    X(code_writes, "writes that invalidated decoded code") \
    X(polls, "machine polls") \
    X(interrupts, "external interrupts delivered") \
    X(halts, "HLT waits") \
    X(spin_yields, "host CPU given away in a long spin-wait (PAUSE)") \
    X(exceptions, "exceptions raised") \
    X(jit_exit_stop, "translated code left to poll (budget, kick)") \
    X(jit_exit_link, "... at a direct branch not linked yet") \
    X(jit_exit_miss, "... at an indirect branch missing cpu->vjc") \
    X(jit_exit_leave, "... after an op asked to leave its block") \
    X(jit_exit_op, "... with an op's result (HLT, exit, end of block)")
#ifdef DBT_STATS
typedef struct {
#define DBT_STATS_DECLARE(name, what) uint64_t name;
    DBT_STATS_FIELDS(DBT_STATS_DECLARE)
#undef DBT_STATS_DECLARE
} DbtStats;
#endif

/* Print the retired instruction count and, in a DBT_STATS build, every
 * counter, to stderr; done at vCPU destroy when VESSEL_DBT_STATS is set. */
void dbt_stats_print(const DbtCpu *cpu, int index);
#ifdef DBT_STATS
#define DBT_PROF_PERIOD 4096
/* Start the guest profile if VESSEL_DBT_PROFILE names a file. */
void dbt_prof_init(DbtCpu *cpu);
/* Record cpu->rip (the run loop calls it when prof_next is reached). */
void dbt_prof_sample(DbtCpu *cpu);
/* Write the samples ("%llx\n" each) to the file and free them. */
void dbt_prof_finish(DbtCpu *cpu);
#endif

#endif /* VESSEL_DBT_STATS_H */
