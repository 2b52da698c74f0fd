/* block.h - decoded blocks and their cache (block.c): a block is a run
 * of DbtInsn from one guest physical address in one mode, up to a
 * control transfer or the end of a page.  Above insn.h; DbtCpu (cpu.h)
 * holds the cache. */
#ifndef VESSEL_DBT_BLOCK_H
#define VESSEL_DBT_BLOCK_H

#include "vmm/dbt/insn.h"
#include "vmm/dbt/mmu.h"

#define DBT_BLOCK_MAX_INSNS 64
#define DBT_HASH_BITS 16
#define DBT_JC_BITS 12
#define DBT_VJC_BITS 12

struct DbtBlock {
    uint64_t pa;           /* physical address of the first byte */
    uint64_t pa_page2;     /* second page if the block crosses one, else ~0 */
    DbtBlock *hash_next;
    DbtBlock *page_next[2];
    bool valid;
    uint8_t mode;          /* DbtMode it was decoded in (part of the key) */
    uint16_t n;
    /* chaining: the last two blocks that followed this one (taken and
     * not taken, for a Jcc), each for (succ_rip, succ_gen); see
     * cpu->chain_gen */
    uint8_t succ_victim;   /* slot the next new successor replaces */
    uint32_t succ_gen[2];
    uint64_t succ_rip[2];
    DbtBlock *succ[2];
    const void *jit_code;  /* its translation (jit.c), or NULL */
    DbtInsn insn[];
};

/* Block by linear RIP, valid for one cpu->chain_gen like a successor
 * link (run.c): where links miss (RET, indirect jumps) without a TLB
 * lookup. */
typedef struct {
    uint64_t rip;
    uint32_t gen;
    DbtBlock *block;
} DbtVjcEntry;

DbtBlock *dbt_block_get(DbtCpu *cpu, uint64_t rip);
/* The valid block at @rip if it is decoded already and the soft TLB maps
 * its page for execution, else NULL: never walks the page tables, never
 * decodes, never faults (the translator's lookup at indirect branches,
 * jit.c; the run loop's dbt_block_get() does the rest). */
DbtBlock *dbt_block_find(DbtCpu *cpu, uint64_t rip);
void dbt_block_flush_all(DbtCpu *cpu);
void dbt_block_cache_init(DbtCpu *cpu);
void dbt_block_cache_fini(DbtCpu *cpu);
/* The CPU's RAM page @pa received a write: drop blocks decoded from it. */
void dbt_code_page_written(DbtCpu *cpu, DbtRam *ram, uint64_t pa);

#endif /* VESSEL_DBT_BLOCK_H */
