/* smp.c - several vCPUs on the dbt CPU: one host thread per vCPU, one
 * baton.
 *
 * Design note: the machine runs every vCPU on its own host thread
 * (vmm/machine_run.c).  The dbt CPU lets only the thread that holds the
 * machine's baton execute guest code; the others wait for their turn, sleep
 * in HLT (without the baton) or wait for SIPI.  This is round-robin
 * scheduling spread over the vCPU threads, chosen over truly parallel
 * execution because:
 *  - guest memory is then sequentially consistent by construction: LOCK'd
 *    read-modify-write ops, XCHG, CMPXCHG8B/16B, XADD, page-table A/D bit
 *    updates and string ops need no host atomics, and split or MMIO locked
 *    accesses need no fallback lock;
 *  - code written by one vCPU invalidates the blocks every vCPU decoded
 *    from that page directly (each vCPU keeps its own block cache and soft
 *    TLB; the baton holder may edit the others' because they are stopped at
 *    a block boundary), with no cross-thread handshake or per-block
 *    generation checks on the single-vCPU fast path;
 *  - the single-vCPU case is unchanged (cpu->smp is NULL);
 *  - each vCPU still has its own LAPIC, HLT sleeps its own thread, and the
 *    host scheduler, not the interpreter, decides who runs between slices.
 * The price is no guest parallelism, which this 2-core shared build host
 * could not offer anyway.
 *
 * Hand-over is FIFO (a ticket lock on a mutex and condition variable).
 * The holder offers the baton every DBT_SMP_SLICE instructions, at PAUSE
 * (spin-wait loops: the vCPU it waits for gets to run at once) and before
 * sleeping in HLT; it keeps running when nobody waits.  Other threads of
 * the backend that change a vCPU's TLB (set_sregs) take the baton too. */
#include <pthread.h>
#include <stdlib.h>

#include "vmm/dbt/smp.h"
#include "vmm/dbt/run.h"

struct DbtSmp {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t next_ticket, serving;
    int waiting;                   /* atomic: threads waiting for their turn */
    int ncpus;
    DbtCpu *cpus[DBT_SMP_MAX_CPUS];
};

DbtSmp *dbt_smp_new(void)
{
    DbtSmp *smp = calloc(1, sizeof(*smp));
    if (!smp)
        abort();
    pthread_mutex_init(&smp->lock, NULL);
    pthread_cond_init(&smp->cond, NULL);
    return smp;
}

void dbt_smp_free(DbtSmp *smp)
{
    if (!smp)
        return;
    pthread_mutex_destroy(&smp->lock);
    pthread_cond_destroy(&smp->cond);
    free(smp);
}

void dbt_smp_add(DbtSmp *smp, DbtCpu *cpu)
{
    pthread_mutex_lock(&smp->lock);
    if (smp->ncpus < DBT_SMP_MAX_CPUS)
        smp->cpus[smp->ncpus++] = cpu;
    cpu->smp = smp;
    pthread_mutex_unlock(&smp->lock);
}

void dbt_smp_acquire(DbtCpu *cpu)
{
    DbtSmp *smp = cpu->smp;
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
    pthread_mutex_lock(&smp->lock);
    smp->serving++;
    pthread_cond_broadcast(&smp->cond);
    pthread_mutex_unlock(&smp->lock);
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

bool dbt_smp_any_has_code(DbtCpu *cpu, const DbtRam *ram, size_t idx)
{
    for (int k = 0; k < cpu->smp->ncpus; k++)
        if (ram_of(cpu->smp->cpus[k], cpu, ram)->code[idx])
            return true;
    return false;
}

void dbt_smp_code_written(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    size_t idx = (pa - ram->gpa) >> 12;
    if (!cpu->smp) {
        if (ram->code[idx])
            dbt_code_page_written(cpu, (DbtRam *)ram, pa);
        return;
    }
    for (int k = 0; k < cpu->smp->ncpus; k++) {
        DbtCpu *o = cpu->smp->cpus[k];
        DbtRam *r = ram_of(o, cpu, ram);
        if (r->code[idx])
            dbt_code_page_written(o, r, pa);
    }
}

void dbt_smp_protect_code(DbtCpu *cpu, uint64_t pa)
{
    if (!cpu->smp) {
        dbt_tlb_protect_code(cpu, pa);
        return;
    }
    for (int k = 0; k < cpu->smp->ncpus; k++)
        dbt_tlb_protect_code(cpu->smp->cpus[k], pa);
}
