/* smp.c - several vCPUs on the dbt CPU: one host thread per vCPU, taking
 * turns with one baton or running in parallel (the default on a host
 * with two CPUs or more; VESSEL_DBT_PARALLEL=0 or 1 chooses).
 *
 * Design note: the machine runs every vCPU on its own host thread
 * (vmm/machine_run.c).  With the baton, only the thread that holds it
 * executes guest code; the others wait for their turn, sleep in HLT
 * (without the baton) or wait for SIPI.  That is round-robin scheduling
 * spread over the vCPU threads: guest memory is sequentially consistent
 * by construction, and code written by one vCPU invalidates the blocks
 * every vCPU decoded from that page directly (the others stand at a
 * block boundary, so the holder may edit their block caches and TLBs).
 * Hand-over is FIFO (a ticket lock on a mutex and condition variable).
 * The holder offers the baton every DBT_SMP_SLICE instructions, at PAUSE
 * (spin-wait loops: the vCPU it waits for gets to run at once) and
 * before sleeping in HLT; it keeps running when nobody waits.  Other
 * threads of the backend that change a vCPU's TLB (set_sregs) take the
 * baton too.
 *
 * In parallel mode there is no baton and no vCPU touches another's block
 * cache; README "Several vCPUs" gives the whole design.  Here: the code
 * masks (per RAM page, a bit per vCPU with blocks decoded from it, kept
 * in both modes), the write-tag side of the protocol that keeps every
 * store to a code page on the slow path (dbt_smp_code_marked: the first
 * vCPU to decode from a page clears the write tags the others' TLBs hold
 * for it, after a full fence; mmu.c's refill is the other side), and the
 * invalidation of the others' blocks through their queues (dma.c),
 * which they drain at their next block entry (the kick).
 *
 * The single-vCPU case has no DbtSmp at all (cpu->smp is NULL). */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/dbt/smp.h"
#include "vmm/dbt/block.h"
#include "vmm/dbt/run.h"

struct DbtSmp {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_mutex_t locked_op;     /* locked.c's fallback */
    uint64_t next_ticket, serving;
    int waiting;                   /* atomic: threads waiting for their turn */
    int ncpus;
    DbtCpu *cpus[DBT_SMP_MAX_CPUS];
    bool parallel;
    /* per RAM range of the vCPUs (all are built from one list): a bit
     * per vCPU for each page, set while it has blocks from the page */
    int nram;
    uint64_t *code_mask[DBT_SMP_MAX_RAM];
};

bool dbt_smp_parallel_choose(const char *env, int host_cpus)
{
    if (env && !strcmp(env, "1"))
        return true;
    if (env && !strcmp(env, "0"))
        return false;
    return host_cpus >= 2;
}

DbtSmp *dbt_smp_new(bool parallel)
{
    DbtSmp *smp = calloc(1, sizeof(*smp));
    if (!smp)
        abort();
    smp->parallel = parallel;
    pthread_mutex_init(&smp->lock, NULL);
    pthread_cond_init(&smp->cond, NULL);
    pthread_mutex_init(&smp->locked_op, NULL);
    return smp;
}

void dbt_smp_free(DbtSmp *smp)
{
    if (!smp)
        return;
    pthread_mutex_destroy(&smp->lock);
    pthread_cond_destroy(&smp->cond);
    pthread_mutex_destroy(&smp->locked_op);
    for (int k = 0; k < smp->nram; k++)
        free(smp->code_mask[k]);
    free(smp);
}

void dbt_smp_add(DbtSmp *smp, DbtCpu *cpu)
{
    pthread_mutex_lock(&smp->lock);
    if (!smp->ncpus) {
        smp->nram = cpu->nram < DBT_SMP_MAX_RAM ? cpu->nram : DBT_SMP_MAX_RAM;
        for (int k = 0; k < smp->nram; k++) {
            smp->code_mask[k] = calloc((cpu->ram[k].size + 0xfff) >> 12, sizeof(uint64_t));
            if (!smp->code_mask[k])
                abort();
        }
    }
    if (smp->ncpus < DBT_SMP_MAX_CPUS && cpu->nram == smp->nram) {
        cpu->smp_bit = 1ull << smp->ncpus;
        cpu->parallel = smp->parallel;
        smp->cpus[smp->ncpus++] = cpu;
        cpu->smp = smp;
    }
    pthread_mutex_unlock(&smp->lock);
}

void dbt_smp_acquire(DbtCpu *cpu)
{
    DbtSmp *smp = cpu->smp;
    if (smp->parallel)
        return;
    pthread_mutex_lock(&smp->lock);
    uint64_t ticket = smp->next_ticket++;
    __atomic_add_fetch(&smp->waiting, 1, __ATOMIC_RELAXED);
    while (smp->serving != ticket)
        pthread_cond_wait(&smp->cond, &smp->lock);
    __atomic_sub_fetch(&smp->waiting, 1, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&smp->lock);
    /* others may have edited this vCPU's TLB and blocks meanwhile */
    cpu->prev_block = NULL;
    dbt_chain_invalidate(cpu);
}

void dbt_smp_release(DbtCpu *cpu)
{
    DbtSmp *smp = cpu->smp;
    if (smp->parallel)
        return;
    pthread_mutex_lock(&smp->lock);
    smp->serving++;
    pthread_cond_broadcast(&smp->cond);
    pthread_mutex_unlock(&smp->lock);
}

/* A spin-wait in parallel mode.  The vCPU it waits for (a lock holder,
 * the target of an IPI whose answer it waits for) may be a host thread
 * the host has descheduled, on a host shared with other work: then the
 * spinning only takes a core from it.  So the PAUSEs of one wait are
 * counted (those less than DBT_SPIN_GAP instructions apart), and after
 * DBT_SPIN_YIELD of them every DBT_SPIN_EVERY-th gives the host CPU away
 * (sched_yield): short waits stay host PAUSEs, long ones let the waited-for
 * thread run. */
#define DBT_SPIN_GAP 64
#define DBT_SPIN_YIELD 256
#define DBT_SPIN_EVERY 16

void dbt_smp_spin(DbtCpu *cpu)
{
    uint64_t now = cpu->total_insns + cpu->insn_count;
    if (now - cpu->spin_last > DBT_SPIN_GAP)
        cpu->spin_count = 0;
    cpu->spin_last = now;
    if (++cpu->spin_count < DBT_SPIN_YIELD || cpu->spin_count % DBT_SPIN_EVERY) {
        __builtin_ia32_pause();
        return;
    }
    DBT_STAT_INC(cpu, spin_yields);
    sched_yield();
}

bool dbt_smp_contended(const DbtCpu *cpu)
{
    return cpu->smp && __atomic_load_n(&cpu->smp->waiting, __ATOMIC_RELAXED) > 0;
}

void dbt_smp_yield(DbtCpu *cpu)
{
    cpu->yield_now = false;
    cpu->slice_end = cpu->insn_count + DBT_SMP_SLICE;
    if (!dbt_smp_contended(cpu))
        return;
    dbt_smp_release(cpu);
    dbt_smp_acquire(cpu);
}

/* the same RAM range of another vCPU (all are built from one list) */
static DbtRam *ram_of(DbtCpu *other, const DbtCpu *cpu, const DbtRam *ram)
{
    return &other->ram[ram - cpu->ram];
}

uint64_t *dbt_smp_code_mask(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    return &cpu->smp->code_mask[ram - cpu->ram][(pa - ram->gpa) >> 12];
}

void dbt_smp_code_written(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    size_t idx = (pa - ram->gpa) >> 12;
    if (!cpu->smp) {
        if (ram->code[idx])
            dbt_code_page_written(cpu, (DbtRam *)ram, pa);
        return;
    }
    uint64_t mask = __atomic_load_n(dbt_smp_code_mask(cpu, ram, pa), __ATOMIC_SEQ_CST);
    for (int k = 0; k < cpu->smp->ncpus && mask; k++) {
        DbtCpu *o = cpu->smp->cpus[k];
        if (!(mask & o->smp_bit))
            continue;
        if (o == cpu || !cpu->parallel) {
            DbtRam *r = ram_of(o, cpu, ram);
            if (r->code[idx])
                dbt_code_page_written(o, r, pa);
        } else {
            dbt_cpu_ram_written(o, pa, 1);    /* queued, and o is kicked */
        }
    }
}

void dbt_smp_code_marked(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    if (!cpu->smp) {
        dbt_tlb_protect_code(cpu, pa);
        return;
    }
    /* a locked instruction: the full fence of the protocol */
    uint64_t was = __atomic_fetch_or(dbt_smp_code_mask(cpu, ram, pa), cpu->smp_bit,
                                     __ATOMIC_SEQ_CST);
    if (was)
        return;     /* code already: no TLB holds a write tag for it */
    for (int k = 0; k < cpu->smp->ncpus; k++) {
        DbtCpu *o = cpu->smp->cpus[k];
        if (o == cpu || !cpu->parallel)
            dbt_tlb_protect_code(o, pa);
        else
            dbt_tlb_protect_code_remote(o, pa);
    }
}

void dbt_smp_code_dropped(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    if (cpu->smp)
        __atomic_fetch_and(dbt_smp_code_mask(cpu, ram, pa), ~cpu->smp_bit, __ATOMIC_SEQ_CST);
}

void dbt_smp_locked_enter(DbtCpu *cpu)
{
    if (cpu->smp)
        pthread_mutex_lock(&cpu->smp->locked_op);
}

void dbt_smp_locked_leave(DbtCpu *cpu)
{
    if (cpu->smp)
        pthread_mutex_unlock(&cpu->smp->locked_op);
}
