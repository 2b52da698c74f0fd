/* jit.h - the translator backend (jit.c, jit_buf.c): decoded blocks to
 * host x86-64 code.  The run loop (run.c) enters translated code instead
 * of the interpreter when cpu->jit is set (VESSEL_DBT unset or "jit");
 * VESSEL_DBT=interp keeps the interpreter, the reference. */
#ifndef VESSEL_DBT_JIT_H
#define VESSEL_DBT_JIT_H

#include "vmm/dbt/cpu.h"

/* What translated code returns to the run loop (besides the op codes
 * DBT_END_BLOCK ... DBT_EXIT of an op that asked to stop): */
enum {
    DBT_JIT_NEXT = 16,     /* the block ended; go on at cpu->rip */
    DBT_JIT_STOP = 17,     /* the block budget ran out or a kick came */
    DBT_JIT_LEAVE = 18,    /* an instruction asked to leave (leave_block) */
};

/* Set up the translator for @cpu if VESSEL_DBT asks for it (the
 * default); false keeps the interpreter. */
bool dbt_jit_init(DbtCpu *cpu);
void dbt_jit_fini(DbtCpu *cpu);
/* Translate @b (b->jit_code).  False when the code cache is full: the
 * caller flushes every block (dbt_block_flush_all, which empties the code
 * cache too) and looks the block up again. */
bool dbt_jit_translate(DbtCpu *cpu, DbtBlock *b);
/* Empty the code cache (every block is dropped at the same time). */
void dbt_jit_flush(DbtCpu *cpu);
/* Run @b's translation with at most @blocks blocks chained inside the
 * translated code.  Returns an op code or DBT_JIT_*; cpu->rip, the
 * retired count and cpu->leave_block are as after block_exec(). */
int dbt_jit_run(DbtCpu *cpu, DbtBlock *b, int blocks);
/* The first @n instructions of @b as a translated block of their own,
 * for a run cut short (see jit.c); NULL when the code cache is full. */
DbtBlock *dbt_jit_prefix(DbtCpu *cpu, const DbtBlock *b, unsigned n);
/* The last exit was a direct branch to the block now at cpu->rip: make
 * it jump to @next's translation from now on (if the two may chain). */
void dbt_jit_link(DbtCpu *cpu, DbtBlock *next);

#endif /* VESSEL_DBT_JIT_H */
