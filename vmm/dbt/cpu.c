/* cpu.c - creating and destroying a dbt CPU, and the standalone flat API
 * of dbt.h used by tests and the differential harness. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "vmm/dbt/jit.h"
#include "vmm/dbt/ops.h"
#include "vmm/dbt/run.h"
#include "vmm/dbt/smp.h"

/* Architectural state at power-on that is not zero. */
static void arch_init(DbtCpu *cpu)
{
    cpu->rflags = 0x2;
    cpu->lf_op = DBT_LF_NONE;
    cpu->pat = 0x0007040600070406ull;
    cpu->misc_enable = 1;     /* fast strings */
}

void dbt_cpu_init_common(DbtCpu *cpu)
{
    for (int k = 0; k < 2; k++) {
        for (unsigned e = 0; e < DBT_TLB_SIZE; e++) {
            cpu->tlb[k][e].tag_r = cpu->tlb[k][e].tag_w = cpu->tlb[k][e].tag_x = DBT_TLB_INVALID;
            cpu->tlb_page[k][e].pa = ~0ull;
            cpu->tlb_page[k][e].global = false;
        }
        cpu->tlb_nused[k] = 0;
    }
    arch_init(cpu);
    pthread_mutex_init(&cpu->dma_lock, NULL);
    dbt_block_cache_init(cpu);
    dbt_jit_init(cpu);
    dbt_fpu_env_init(cpu);
    dbt_set_cpl(cpu, 0);
}

static void ram_add(DbtCpu *cpu, uint64_t gpa, uint64_t size, uint8_t *host)
{
    DbtRam *r;
    cpu->ram = realloc(cpu->ram, sizeof(DbtRam) * (size_t)(cpu->nram + 1));
    if (!cpu->ram)
        abort();
    r = &cpu->ram[cpu->nram++];
    size_t pages = (size + 0xfff) >> 12;
    r->gpa = gpa;
    r->size = size;
    r->host = host;
    r->code = calloc(pages, 1);
    r->blocks = calloc(pages, sizeof(DbtBlock *));
    if (!r->code || !r->blocks)
        abort();
}

DbtCpu *dbt_cpu_new_host(const DbtHostOps *host, Vcpu *v, Machine *m,
                         const MachineRamRange *ram, int nram)
{
    DbtCpu *cpu = aligned_alloc(64, (sizeof(DbtCpu) + 63) & ~(size_t)63);
    if (!cpu)
        abort();
    memset(cpu, 0, sizeof(*cpu));
    cpu->vcpu = v;
    cpu->machine = m;
    cpu->host = host;
    const char *tr = getenv("VESSEL_DBT_TRACE");
    cpu->trace = tr ? atoi(tr) : 0;
    cpu->print_stats = getenv("VESSEL_DBT_STATS") != NULL;
#ifdef DBT_STATS
    dbt_prof_init(cpu);
#endif
    for (int k = 0; k < nram; k++)
        ram_add(cpu, ram[k].gpa, ram[k].size & ~0xfffull, ram[k].host);
    cpu->nr_vcpus = host->vcpu_count(m);
    dbt_cpu_init_common(cpu);
    cpu->cr0 = DBT_CR0_ET | DBT_CR0_CD | DBT_CR0_NW;
    fpu_state_reset(&cpu->fpu);
    return cpu;
}

/* What a 64-bit Linux process sees at CPL 3 (dbt.h). */
static void flat_arch_init(DbtCpu *cpu)
{
    cpu->rflags = 0x202;
    cpu->cr0 = DBT_CR0_PE | DBT_CR0_MP | DBT_CR0_ET | DBT_CR0_NE | DBT_CR0_WP;
    cpu->cr4 = DBT_CR4_PAE | DBT_CR4_OSFXSR | DBT_CR4_OSXMMEXCPT;
    cpu->efer = DBT_EFER_LME | DBT_EFER_LMA | DBT_EFER_NXE | DBT_EFER_SCE;
    dbt_seg_flat_init(cpu);
    dbt_set_cpl(cpu, 3);
    dbt_mode_update(cpu);
    fpu_state_finit(&cpu->fpu);
}

DbtCpu *dbt_cpu_new_flat(void *mem, uint64_t size)
{
    DbtCpu *cpu = aligned_alloc(64, (sizeof(DbtCpu) + 63) & ~(size_t)63);
    if (!cpu)
        abort();
    memset(cpu, 0, sizeof(*cpu));
    cpu->flat = true;
    /* only whole pages are RAM */
    uintptr_t start = ((uintptr_t)mem + 0xfff) & ~(uintptr_t)0xfff;
    uintptr_t end = ((uintptr_t)mem + size) & ~(uintptr_t)0xfff;
    if (end > start)
        ram_add(cpu, start, end - start, (uint8_t *)start);
    /* a small window needs a small block arena (allocating the full one
     * per CPU dominated the harness's run time under ASan) */
    cpu->arena_size = 1u << 20;
    dbt_cpu_init_common(cpu);
    flat_arch_init(cpu);
    return cpu;
}

void dbt_cpu_reset_flat(DbtCpu *cpu)
{
    memset(&cpu->arch, 0, sizeof(cpu->arch));
    arch_init(cpu);
    flat_arch_init(cpu);
    dbt_cpu_flush_code(cpu);
    cpu->exc_vector = 0;
    cpu->exc_error = 0;
    cpu->exc_has_error = false;
    cpu->total_insns = 0;
}

void dbt_cpu_free(DbtCpu *cpu)
{
    if (!cpu)
        return;
#ifdef DBT_STATS
    dbt_prof_finish(cpu);
#endif
    dbt_jit_fini(cpu);
    dbt_block_cache_fini(cpu);
    pthread_mutex_destroy(&cpu->dma_lock);
    for (int k = 0; k < cpu->nram; k++) {
        free(cpu->ram[k].code);
        free(cpu->ram[k].blocks);
    }
    free(cpu->ram);
    free(cpu);
}

uint64_t dbt_cpu_get_gpr(const DbtCpu *cpu, int reg)
{
    return cpu->gpr[reg & 15];
}

void dbt_cpu_set_gpr(DbtCpu *cpu, int reg, uint64_t val)
{
    cpu->gpr[reg & 15] = val;
}

uint64_t dbt_cpu_get_rip(const DbtCpu *cpu)
{
    return cpu->rip;
}

void dbt_cpu_set_rip(DbtCpu *cpu, uint64_t rip)
{
    cpu->rip = rip;
}

uint64_t dbt_cpu_get_rflags(DbtCpu *cpu)
{
    return dbt_flags_get(cpu);
}

void dbt_cpu_set_rflags(DbtCpu *cpu, uint64_t rflags)
{
    uint64_t user = DBT_STATUS_FLAGS | DBT_TF | DBT_DF | DBT_NT | DBT_AC | DBT_ID;
    dbt_flags_materialize(cpu);
    cpu->rflags = (cpu->rflags & ~user) | (rflags & user) | 2;
}

uint64_t dbt_cpu_get_fs_base(const DbtCpu *cpu)
{
    return cpu->seg[DBT_SEG_FS].base;
}

void dbt_cpu_set_fs_base(DbtCpu *cpu, uint64_t base)
{
    cpu->seg[DBT_SEG_FS].base = base;
}

uint64_t dbt_cpu_get_gs_base(const DbtCpu *cpu)
{
    return cpu->seg[DBT_SEG_GS].base;
}

void dbt_cpu_set_gs_base(DbtCpu *cpu, uint64_t base)
{
    cpu->seg[DBT_SEG_GS].base = base;
}

DbtFpuState *dbt_cpu_fpu(DbtCpu *cpu)
{
    return &cpu->fpu;
}

int dbt_cpu_run(DbtCpu *cpu, uint64_t max_insns, DbtStop *stop)
{
    if (!cpu->flat)
        return -EINVAL;
    dbt_run_loop(cpu, max_insns, stop);
    return 0;
}

void dbt_cpu_flush_code(DbtCpu *cpu)
{
    dbt_block_flush_all(cpu);
    dbt_tlb_flush(cpu, true);
}
