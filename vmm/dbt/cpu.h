/* cpu.h - the dbt CPU object: the architectural state (arch.h) with
 * everything the host keeps beside it: the soft TLB and RAM ranges
 * (mmu.h), the block cache and chaining state (block.h), the fault
 * return, the machine it runs in (DbtHostOps), DMA and SMP bookkeeping
 * and statistics (stats.h).  Every module above includes it; it
 * includes only the layers below (see README for the drawing). */
#ifndef VESSEL_DBT_CPU_H
#define VESSEL_DBT_CPU_H

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmm/cpu_backend.h"
#include "vmm/dbt/arch.h"
#include "vmm/dbt/block.h"
#include "vmm/dbt/insn.h"
#include "vmm/dbt/mmu.h"
#include "vmm/dbt/stats.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Device-written code pages queued before everything is dropped. */
#define DBT_DMA_QUEUE 256

/* What the CPU needs from its environment in machine mode.  backend.c
 * fills it with the machine_* functions of cpu_backend.h; tests can run a
 * machine-mode CPU on their own small machine.  The flat CPU has none, so
 * the harness links no machine code. */
typedef struct DbtHostOps {
    int (*pio_read)(Vcpu *v, uint16_t port, unsigned size, uint32_t *val);
    int (*pio_write)(Vcpu *v, uint16_t port, unsigned size, uint32_t val);
    int (*mmio_read)(Vcpu *v, uint64_t gpa, unsigned size, uint64_t *val);
    int (*mmio_write)(Vcpu *v, uint64_t gpa, unsigned size, uint64_t val);
    int (*irq_pending)(Vcpu *v);
    void (*irq_ack)(Vcpu *v, int vector);
    bool (*nmi_pending)(Vcpu *v);
    int (*msr_read)(Vcpu *v, uint32_t msr, uint64_t *val);
    int (*msr_write)(Vcpu *v, uint32_t msr, uint64_t val);
    uint64_t (*tsc_hz)(const Machine *m);
    uint64_t (*tsc_read)(Vcpu *v);
    void (*tsc_write)(Vcpu *v, uint64_t value);
    void (*wait_event)(Vcpu *v);
    bool (*timer_due)(Machine *m);
    void (*run_timers)(Machine *m);
    int (*vcpu_index)(const Vcpu *v);
    int (*vcpu_count)(const Machine *m);
} DbtHostOps;

/* Several vCPUs of one machine (smp.h): one host thread each. */
#define DBT_SMP_MAX_CPUS 64
#define DBT_SMP_MAX_RAM 8      /* RAM ranges (backend.c takes 8) */
typedef struct DbtSmp DbtSmp;
typedef struct DbtJit DbtJit;

struct DbtCpu {
    /* the architectural state, as cpu->arch or field by field */
    union {
        DbtArch arch;
        struct {
            DBT_ARCH_FIELDS
        };
    };

    /* soft MMU: [0] supervisor, [1] user */
    DbtTlbEntry tlb[2][DBT_TLB_SIZE];
    DbtTlbPage tlb_page[2][DBT_TLB_SIZE];
    DbtTlbEntry *tlb_cur;
    /* the indices of the entries filled since the last flush, so that a
     * flush (every CR3 write), INVLPG and code protection visit those
     * rather than the whole table; tlb_nused > DBT_TLB_SIZE: lost
     * count, visit every entry */
    uint16_t tlb_used[2][DBT_TLB_SIZE];
    uint32_t tlb_nused[2];
    DbtRam *ram;
    int nram;

    /* block cache */
    DbtBlock *hash[1u << DBT_HASH_BITS];
    DbtBlock *jc[1u << DBT_JC_BITS];   /* direct-mapped front cache of hash */
    DbtVjcEntry vjc[1u << DBT_VJC_BITS];
    uint8_t *arena;
    size_t arena_size, arena_used;
    /* Successor links hold for one chain_gen: bit 0 is the privilege
     * class (CPL 3) whose TLB checked the target's execute permission, the
     * bits above count events that may have changed a translation, the
     * mode or the block memory (dbt_chain_invalidate).  A CPL change only
     * flips bit 0, so the kernel's and the user's links both survive
     * system calls and interrupts. */
    uint32_t chain_gen;
    DbtBlock *prev_block;  /* block just executed, for chaining */
    /* the instruction being executed (NULL between blocks): what a fault
     * happened in (its kind's attributes, its index in the block) */
    const DbtInsn *cur_insn;
    bool leave_block;      /* a write hit decoded code, or MMIO asked to stop */

    /* the translator (jit.c); NULL: the interpreter runs every block */
    DbtJit *jit;
    int32_t jit_budget;    /* blocks translated code may still enter */
    const uint8_t *jit_site;  /* the direct branch the last exit took, to link */
    uint64_t jit_tmp;      /* translated code: a value kept across a call */
    uint64_t jit_site_rip;    /* ... to the block at this RIP */
    DbtBlock *jit_prefix;     /* dbt_jit_prefix()'s block */

    /* fault return */
    jmp_buf jmp;
    int exc_vector;
    uint32_t exc_error;
    bool exc_has_error;

    /* environment */
    bool flat;             /* standalone CPU (dbt.h) */
    Vcpu *vcpu;            /* backend mode */
    Machine *machine;
    const DbtHostOps *host;
    int nr_vcpus;
    int kick;              /* set by vcpu_kick() from any thread (atomic) */
    /* Pages with blocks that a device wrote (dma.c), from any thread. */
    pthread_mutex_t dma_lock;
    int dma_pending;       /* atomic: dma_pages has entries to drain */
    bool dma_overflow;     /* more than DBT_DMA_QUEUE pages: drop all */
    unsigned dma_n;
    uint64_t dma_pages[DBT_DMA_QUEUE];
    int exit_code;         /* VcpuExit for DBT_EXIT */
    int pending_exit;      /* an MMIO write asked the machine to stop */
    uint64_t insn_count;   /* retired by the current dbt_run_loop() call */
    uint64_t total_insns;  /* retired since creation */
    uint32_t poll_counter;
    DbtSmp *smp;           /* NULL with one vCPU */
    uint64_t smp_bit;      /* this vCPU's bit in smp's code masks */
    bool parallel;         /* vCPUs run in parallel (smp.c), no baton */
    uint64_t slice_end;    /* insn_count at which to offer the baton */
    bool yield_now;        /* PAUSE with others waiting: offer the baton */
    uint64_t spin_last;    /* in parallel: where the last PAUSE retired */
    uint32_t spin_count;   /* ... and how many came close together */
    FpuEnv fpu_env;
    int trace;             /* VESSEL_DBT_TRACE: 1 = exceptions, 2 = + blocks */
    bool print_stats;      /* VESSEL_DBT_STATS: print stats at destroy */

#ifdef DBT_STATS
    DbtStats stats;
    /* guest profile (VESSEL_DBT_PROFILE=FILE): RIP every DBT_PROF_PERIOD
     * instructions, at block entry */
    uint64_t *prof;
    size_t prof_n, prof_cap;
    uint64_t prof_next;
#endif
};

/* the slow-path half of TLB entry @e */
static inline DbtTlbPage *dbt_tlb_page(DbtCpu *cpu, const DbtTlbEntry *e)
{
    return &cpu->tlb_page[0][0] + (e - &cpu->tlb[0][0]);
}

/* The linear-RIP cache's slot for @rip (translated code computes the
 * same: jit.c emit_vjc_lookup) and filling it for chain generation @gen. */
static inline DbtVjcEntry *dbt_vjc_slot(DbtCpu *cpu, uint64_t rip)
{
    return &cpu->vjc[(rip ^ (rip >> DBT_VJC_BITS)) & ((1u << DBT_VJC_BITS) - 1)];
}

static inline void dbt_vjc_set(DbtCpu *cpu, uint64_t rip, uint32_t gen, DbtBlock *b)
{
    DbtVjcEntry *e = dbt_vjc_slot(cpu, rip);
    e->rip = rip;
    e->gen = gen;
    e->block = b;
}

/* Successor links made so far no longer hold (run.c). */
static inline void dbt_chain_invalidate(DbtCpu *cpu)
{
    cpu->chain_gen += 2;
}

/* ---- creation (cpu.c) and device writes (dma.c) ------------------------ */
void dbt_cpu_init_common(DbtCpu *cpu);
/* A machine-mode CPU (paging, interrupts, devices through @host) over the
 * given RAM ranges (page aligned).  Registers at their reset values; the
 * caller sets the long-mode state. */
DbtCpu *dbt_cpu_new_host(const DbtHostOps *host, Vcpu *v, Machine *m,
                         const MachineRamRange *ram, int nram);
/* dma.c: [gpa, gpa+len) of guest RAM was written by a device (any
 * thread); the vCPU drops blocks decoded from it at its next poll. */
void dbt_cpu_ram_written(DbtCpu *cpu, uint64_t gpa, uint64_t len);
/* On the vCPU's thread: drop the blocks of pages devices wrote. */
void dbt_cpu_dma_drain(DbtCpu *cpu);

#endif /* VESSEL_DBT_CPU_H */
