/* backend.c - cpu_backend_dbt: the dbt CPU behind vmm/cpu_backend.h.
 * The only file that calls the machine_* / vcpu_* functions; everything
 * else reaches the machine through DbtHostOps. */
#include "config.h"   /* _GNU_SOURCE: sched_getaffinity */

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/dbt/ops.h"
#include "vmm/dbt/run.h"
#include "vmm/dbt/smp.h"

static const DbtHostOps machine_host_ops = {
    .pio_read = machine_pio_read,
    .pio_write = machine_pio_write,
    .mmio_read = machine_mmio_read,
    .mmio_write = machine_mmio_write,
    .irq_pending = vcpu_irq_pending,
    .irq_ack = vcpu_irq_ack,
    .nmi_pending = vcpu_nmi_pending,
    .msr_read = machine_msr_read,
    .msr_write = machine_msr_write,
    .tsc_hz = machine_tsc_hz,
    .tsc_read = vcpu_tsc_read,
    .tsc_write = vcpu_tsc_write,
    .wait_event = vcpu_wait_event,
    .timer_due = machine_timer_due,
    .run_timers = machine_run_timers,
    .vcpu_index = vcpu_index,
    .vcpu_count = machine_vcpu_count,
};

static int dbt_backend_probe(char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
    return 0;
}

/* The host CPUs this process may run on (its affinity mask). */
static int dbt_backend_host_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) < 0)
        return 1;
    return CPU_COUNT(&set);
}

static int dbt_backend_vm_create(Machine *m)
{
    int n = machine_vcpu_count(m);
    if (n > DBT_SMP_MAX_CPUS)
        return -E2BIG;
    if (n > 1) {
        bool par = dbt_smp_parallel_choose(getenv("VESSEL_DBT_PARALLEL"),
                                           dbt_backend_host_cpus());
        machine_set_backend_data(m, dbt_smp_new(par));
    } else
        machine_set_backend_data(m, NULL);
    return 0;
}

static void dbt_backend_vm_destroy(Machine *m)
{
    dbt_smp_free(machine_backend_data(m));
    machine_set_backend_data(m, NULL);
}

static int dbt_backend_vcpu_create(Vcpu *v)
{
    Machine *m = vcpu_machine(v);
    int n = machine_ram_range_count(m);
    MachineRamRange ram[8];
    if (n > 8)
        return -E2BIG;
    for (int k = 0; k < n; k++)
        ram[k] = *machine_ram_range(m, k);
    DbtCpu *cpu = dbt_cpu_new_host(&machine_host_ops, v, m, ram, n);
    if (machine_backend_data(m))
        dbt_smp_add(machine_backend_data(m), cpu);
    vcpu_set_backend_data(v, cpu);
    return 0;
}

static void dbt_backend_vcpu_destroy(Vcpu *v)
{
    DbtCpu *cpu = vcpu_backend_data(v);
    if (cpu && (cpu->trace || cpu->print_stats))
        dbt_stats_print(cpu, vcpu_index(v));
    dbt_cpu_free(vcpu_backend_data(v));
    vcpu_set_backend_data(v, NULL);
}

static int dbt_backend_get_regs(Vcpu *v, VcpuRegs *regs)
{
    DbtCpu *cpu = vcpu_backend_data(v);
    memcpy(regs->gpr, cpu->gpr, sizeof(regs->gpr));
    regs->rip = cpu->rip;
    regs->rflags = dbt_flags_get(cpu);
    return 0;
}

static int dbt_backend_set_regs(Vcpu *v, const VcpuRegs *regs)
{
    DbtCpu *cpu = vcpu_backend_data(v);
    memcpy(cpu->gpr, regs->gpr, sizeof(cpu->gpr));
    cpu->rip = regs->rip;
    cpu->lf_op = DBT_LF_NONE;
    cpu->rflags = regs->rflags | 2;
    cpu->halted = false;
    return 0;
}

static void seg_to_vcpu(const DbtSeg *s, VcpuSegment *o)
{
    o->base = s->base;
    o->limit = s->limit;
    o->selector = s->sel;
    o->type = s->attr & 0xf;
    o->s = (s->attr >> 4) & 1;
    o->dpl = (s->attr >> 5) & 3;
    o->present = (s->attr >> 7) & 1;
    o->avl = (s->attr >> 12) & 1;
    o->l = (s->attr >> 13) & 1;
    o->db = (s->attr >> 14) & 1;
    o->g = (s->attr >> 15) & 1;
    o->unusable = !o->present;
}

static void seg_from_vcpu(DbtSeg *s, const VcpuSegment *o)
{
    s->base = o->base;
    s->limit = o->limit;
    s->sel = o->selector;
    s->attr = (uint16_t)((o->type & 0xf) | (o->s & 1) << 4 | (o->dpl & 3) << 5
                         | (o->present & 1) << 7 | (o->avl & 1) << 12
                         | (o->l & 1) << 13 | (o->db & 1) << 14 | (o->g & 1) << 15);
    if (o->unusable)
        s->attr &= (uint16_t)~0x80;
}

static int dbt_backend_get_sregs(Vcpu *v, VcpuSregs *sr)
{
    DbtCpu *cpu = vcpu_backend_data(v);
    for (int k = 0; k < VCPU_NR_SEGS; k++)
        seg_to_vcpu(&cpu->seg[k], &sr->seg[k]);
    seg_to_vcpu(&cpu->tr, &sr->tr);
    seg_to_vcpu(&cpu->ldt, &sr->ldt);
    sr->gdt.base = cpu->gdt_base;
    sr->gdt.limit = cpu->gdt_limit;
    sr->idt.base = cpu->idt_base;
    sr->idt.limit = cpu->idt_limit;
    sr->cr0 = cpu->cr0;
    sr->cr2 = cpu->cr2;
    sr->cr3 = cpu->cr3;
    sr->cr4 = cpu->cr4;
    sr->cr8 = cpu->cr8;
    sr->efer = cpu->efer;
    uint64_t apic = 0;
    if (cpu->host->msr_read(v, 0x1b, &apic) == 0)
        sr->apic_base = apic;
    return 0;
}

static int dbt_backend_set_sregs(Vcpu *v, const VcpuSregs *sr)
{
    DbtCpu *cpu = vcpu_backend_data(v);
    if (cpu->smp)   /* the baton holder may be editing this TLB */
        dbt_smp_acquire(cpu);
    for (int k = 0; k < VCPU_NR_SEGS; k++)
        seg_from_vcpu(&cpu->seg[k], &sr->seg[k]);
    seg_from_vcpu(&cpu->tr, &sr->tr);
    seg_from_vcpu(&cpu->ldt, &sr->ldt);
    cpu->gdt_base = sr->gdt.base;
    cpu->gdt_limit = sr->gdt.limit;
    cpu->idt_base = sr->idt.base;
    cpu->idt_limit = sr->idt.limit;
    cpu->cr0 = sr->cr0;
    cpu->cr2 = sr->cr2;
    cpu->cr3 = sr->cr3;
    cpu->cr4 = sr->cr4;
    cpu->cr8 = sr->cr8;
    cpu->efer = sr->efer;
    if ((cpu->efer & DBT_EFER_LME) && (cpu->cr0 & DBT_CR0_PG))
        cpu->efer |= DBT_EFER_LMA;
    if (sr->apic_base)
        cpu->host->msr_write(v, 0x1b, sr->apic_base);
    dbt_set_cpl(cpu, (sr->cr0 & DBT_CR0_PE) ? sr->seg[VCPU_SEG_CS].dpl & 3 : 0);
    dbt_tlb_flush(cpu, true);
    dbt_mode_update(cpu);
    if (cpu->smp)
        dbt_smp_release(cpu);
    return 0;
}

static int dbt_backend_vcpu_run(Vcpu *v)
{
    DbtCpu *cpu = vcpu_backend_data(v);
    if (vcpu_wait_for_sipi(v)) {
        vcpu_wait_event(v);
        return VCPU_EXIT_KICKED;
    }
    int r = dbt_run_loop(cpu, 0, NULL);
    if (r == VCPU_EXIT_CRASH) /* exc_* still describe the fault that ended it */
        vcpu_report_crash(v, &(VcpuCrash){
            cpu->exc_vector >= 0 ? "triple fault" : "unrecoverable CPU state",
            cpu->exc_vector, cpu->exc_vector >= 0 && cpu->exc_has_error, cpu->exc_error });
    return r;
}

static void dbt_backend_ram_written(Machine *m, uint64_t gpa, uint64_t len)
{
    for (int i = 0; i < machine_vcpu_count(m); i++) {
        DbtCpu *cpu = vcpu_backend_data(machine_vcpu(m, i));
        if (cpu)
            dbt_cpu_ram_written(cpu, gpa, len);
    }
}

static void dbt_backend_vcpu_kick(Vcpu *v)
{
    DbtCpu *cpu = vcpu_backend_data(v);
    if (cpu)
        __atomic_store_n(&cpu->kick, 1, __ATOMIC_RELEASE);
}

const CpuBackendOps cpu_backend_dbt = {
    .name = "dbt",
    .probe = dbt_backend_probe,
    .vm_create = dbt_backend_vm_create,
    .vm_destroy = dbt_backend_vm_destroy,
    .vcpu_create = dbt_backend_vcpu_create,
    .vcpu_destroy = dbt_backend_vcpu_destroy,
    .get_regs = dbt_backend_get_regs,
    .set_regs = dbt_backend_set_regs,
    .get_sregs = dbt_backend_get_sregs,
    .set_sregs = dbt_backend_set_sregs,
    .vcpu_run = dbt_backend_vcpu_run,
    .vcpu_kick = dbt_backend_vcpu_kick,
    .ram_written = dbt_backend_ram_written,
};
