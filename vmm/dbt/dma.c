/* dma.c - guest RAM written behind the CPU's back (device DMA, the loader,
 * another vCPU running in parallel: smp.c).
 *
 * Design note: the soft MMU sees every guest store, so the guest's own
 * writes to a page with decoded blocks invalidate them at once
 * (block.c).  Devices write guest RAM through host pointers from other
 * threads (virtio on the main thread, a vCPU thread or an I/O thread).
 * Such a writer calls dbt_cpu_ram_written(): the pages that hold decoded
 * code of this vCPU are queued under dma_lock and the vCPU is kicked; the
 * vCPU drops their blocks itself (dbt_cpu_dma_drain) at its next poll,
 * before it takes any interrupt, so the guest cannot learn that the
 * transfer completed - by the interrupt or by a used ring it polls at a
 * block boundary - and still run the old code.  A queue that overflows
 * drops every block.  Only this vCPU's thread touches its block cache. */
#include "vmm/dbt/block.h"
#include "vmm/dbt/cpu.h"
#include "vmm/dbt/mmu.h"

#define DMA_MIN(a, b) ((a) < (b) ? (a) : (b))
#define DMA_MAX(a, b) ((a) > (b) ? (a) : (b))

void dbt_cpu_ram_written(DbtCpu *cpu, uint64_t gpa, uint64_t len)
{
    bool queued = false;
    if (!len)
        return;
    uint64_t end = gpa + len - 1;
    for (int k = 0; k < cpu->nram; k++) {
        DbtRam *r = &cpu->ram[k];
        if (end < r->gpa || gpa >= r->gpa + r->size)
            continue;
        uint64_t lo = DMA_MAX(gpa, r->gpa) & DBT_PAGE_MASK;
        uint64_t hi = DMA_MIN(end, r->gpa + r->size - 1);
        for (uint64_t pa = lo; pa <= hi; pa += 4096) {
            size_t idx = (pa - r->gpa) >> 12;
            if (!__atomic_load_n(&r->code[idx], __ATOMIC_ACQUIRE))
                continue;
            pthread_mutex_lock(&cpu->dma_lock);
            unsigned q = 0;
            while (q < cpu->dma_n && cpu->dma_pages[q] != pa)
                q++;                    /* queued once */
            if (q < cpu->dma_n)
                ;
            else if (cpu->dma_n < DBT_DMA_QUEUE)
                cpu->dma_pages[cpu->dma_n++] = pa;
            else
                cpu->dma_overflow = true;
            pthread_mutex_unlock(&cpu->dma_lock);
            queued = true;
        }
    }
    if (queued) {
        __atomic_store_n(&cpu->dma_pending, 1, __ATOMIC_RELEASE);
        __atomic_store_n(&cpu->kick, 1, __ATOMIC_RELEASE);
    }
}

void dbt_cpu_dma_drain(DbtCpu *cpu)
{
    if (!__atomic_load_n(&cpu->dma_pending, __ATOMIC_ACQUIRE) ||
        !__atomic_exchange_n(&cpu->dma_pending, 0, __ATOMIC_ACQ_REL))
        return;     /* the common case costs a plain load, not a locked xchg */
    pthread_mutex_lock(&cpu->dma_lock);
    if (cpu->dma_overflow) {
        dbt_block_flush_all(cpu);
    } else {
        for (unsigned i = 0; i < cpu->dma_n; i++) {
            DbtRam *ram = NULL;
            uint64_t pa = cpu->dma_pages[i];
            if (dbt_ram_ptr(cpu, pa, 1, &ram) && ram->code[(pa - ram->gpa) >> 12])
                dbt_code_page_written(cpu, ram, pa);
        }
    }
    cpu->dma_n = 0;
    cpu->dma_overflow = false;
    pthread_mutex_unlock(&cpu->dma_lock);
    cpu->prev_block = NULL;
}
