/* exception.c - raising exceptions and delivering exceptions/interrupts
 * through the 64-bit IDT (real mode: the IVT, legacy.c; protected mode
 * without long mode: legacy_int.c).
 *
 * Design note: dbt_raise() records the vector and longjmps to the run
 * loop (run.c), which owns the jmp_buf.  Ops never change architectural
 * state before their last faulting access, so the interrupted instruction
 * restarts exactly (RIP still points at it).  In machine mode the run loop
 * then calls dbt_exc_deliver(); a fault during delivery escalates to #DF
 * and a fault while delivering #DF is a triple fault (the guest crashes).
 * In flat mode (dbt.h) the run loop reports the exception instead. */
#include <stdio.h>

#include "vmm/dbt/ops.h"

_Noreturn void dbt_raise(DbtCpu *cpu, int vector, uint32_t error)
{
    cpu->exc_vector = vector;
    cpu->exc_error = error;
    cpu->exc_has_error = vector == DBT_EXC_DF || vector == DBT_EXC_TS
        || vector == DBT_EXC_NP || vector == DBT_EXC_SS
        || vector == DBT_EXC_GP || vector == DBT_EXC_PF || vector == DBT_EXC_AC;
    DBT_STAT_INC(cpu, exceptions);
    longjmp(cpu->jmp, 1);
}

_Noreturn void dbt_raise_noerr(DbtCpu *cpu, int vector)
{
    dbt_raise(cpu, vector, 0);
}

_Noreturn void dbt_raise_pf(DbtCpu *cpu, uint64_t la, uint32_t pfec)
{
    cpu->cr2 = la;
    dbt_raise(cpu, DBT_EXC_PF, pfec);
}

_Noreturn void dbt_fatal(DbtCpu *cpu, const char *why)
{
    fprintf(stderr, "dbt: guest crash at rip=%#llx: %s\n",
            (unsigned long long)cpu->rip, why);
    cpu->exc_vector = -1;
    cpu->exc_error = 0;
    cpu->exc_has_error = false;
    longjmp(cpu->jmp, 1);
}

/* Read a 64-bit TSS stack pointer (RSP0-2 at 4, IST1-7 at 0x24). */
static uint64_t tss_stack(DbtCpu *cpu, unsigned off)
{
    if (off + 7 > cpu->tr.limit)
        dbt_raise(cpu, DBT_EXC_TS, cpu->tr.sel & ~3u);
    return dbt_sys_read(cpu, cpu->tr.base + off, 8);
}

int dbt_exc_deliver(DbtCpu *cpu, int vector, bool has_error, uint32_t error,
                    uint64_t ret_rip)
{
    bool soft = cpu->exc_soft;
    cpu->exc_soft = false;
    uint32_t ext = soft ? 0 : 1;   /* EXT: not raised by INT n / INT3 / INTO */

    if (!(cpu->cr0 & DBT_CR0_PE))
        return dbt_exc_deliver_real(cpu, vector, ret_rip);
    if (!(cpu->efer & DBT_EFER_LMA))
        return dbt_exc_deliver_prot(cpu, vector, soft, has_error, error, ret_rip);

    if ((uint64_t)vector * 16 + 15 > cpu->idt_limit)
        dbt_raise(cpu, DBT_EXC_GP, (uint32_t)vector * 8 + 2 + ext);
    uint64_t gate = cpu->idt_base + (uint64_t)vector * 16;
    uint64_t lo = dbt_sys_read(cpu, gate, 8);
    uint64_t hi = dbt_sys_read(cpu, gate + 8, 8);
    unsigned type = (lo >> 40) & 0xf, dpl = (lo >> 45) & 3, ist = (lo >> 32) & 7;
    if (type != 0xe && type != 0xf)
        dbt_raise(cpu, DBT_EXC_GP, (uint32_t)vector * 8 + 2 + ext);
    if (soft && dpl < (unsigned)cpu->cpl)
        dbt_raise(cpu, DBT_EXC_GP, (uint32_t)vector * 8 + 2);
    if (!((lo >> 47) & 1))
        dbt_raise(cpu, DBT_EXC_NP, (uint32_t)vector * 8 + 2 + ext);
    uint64_t target = (lo & 0xffff) | ((lo >> 32) & 0xffff0000ull) | (hi << 32);
    uint16_t cs = (uint16_t)(lo >> 16);

    /* the target code segment decides the new privilege level */
    if ((cs & ~3u) == 0 || (uint64_t)(cs & ~7u) + 7 > cpu->gdt_limit)
        dbt_raise(cpu, DBT_EXC_GP, cs & ~3u);
    uint64_t csd = dbt_sys_read(cpu, cpu->gdt_base + (cs & ~7u), 8);
    int new_cpl = (csd >> 45) & 3;
    if (!((csd >> 53) & 1))
        dbt_fatal(cpu, "interrupt gate to a non-64-bit code segment");
    if (new_cpl > cpu->cpl)
        dbt_raise(cpu, DBT_EXC_GP, cs & ~3u);

    uint64_t old_rsp = cpu->gpr[DBT_RSP];
    uint16_t old_ss = cpu->seg[DBT_SEG_SS].sel;
    uint16_t old_cs = cpu->seg[DBT_SEG_CS].sel;
    uint64_t rsp = old_rsp;
    if (ist)
        rsp = tss_stack(cpu, 0x24 + 8 * (ist - 1));
    else if (new_cpl < cpu->cpl)
        rsp = tss_stack(cpu, 4 + 8 * (unsigned)new_cpl);
    rsp &= ~15ull;

    uint64_t fl = dbt_flags_get(cpu);
    /* the frame is written with supervisor rights before anything changes */
    uint64_t frame[6];
    int nf = 0;
    if (has_error)
        frame[nf++] = error;
    frame[nf++] = ret_rip;
    frame[nf++] = old_cs;
    frame[nf++] = fl;
    frame[nf++] = old_rsp;
    frame[nf++] = old_ss;
    int save_cpl = cpu->mmu_cpl;
    DbtTlbEntry *save_tlb = cpu->tlb_cur;
    cpu->mmu_cpl = 0;
    cpu->tlb_cur = cpu->tlb[0];
    dbt_probe_write(cpu, rsp - (uint64_t)nf * 8, 8);
    dbt_probe_write(cpu, rsp - 8, 8);
    for (int k = 0; k < nf; k++)
        dbt_write64(cpu, rsp - (uint64_t)(nf - k) * 8, frame[k]);
    cpu->mmu_cpl = save_cpl;
    cpu->tlb_cur = save_tlb;
    rsp -= (uint64_t)nf * 8;

    /* commit */
    DbtSeg *c = &cpu->seg[DBT_SEG_CS];
    dbt_seg_from_desc(c, (uint16_t)((cs & ~3u) | (unsigned)new_cpl), csd, 0);
    if (new_cpl != cpu->cpl) {
        cpu->seg[DBT_SEG_SS].sel = (uint16_t)new_cpl;
        cpu->seg[DBT_SEG_SS].attr = 0;
        cpu->seg[DBT_SEG_SS].base = 0;
    }
    dbt_set_cpl(cpu, new_cpl);
    dbt_mode_update(cpu);
    cpu->gpr[DBT_RSP] = rsp;
    cpu->rflags &= ~(uint64_t)(DBT_TF | DBT_NT | DBT_RF | DBT_VM);
    if (type == 0xe)
        cpu->rflags &= ~(uint64_t)DBT_IF;
    cpu->rip = cpu->next_rip = target;
    cpu->halted = false;
    return 0;
}
