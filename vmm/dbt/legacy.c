/* legacy.c - real mode, 16/32-bit protected mode and compatibility mode:
 * segmented addressing, the CPU mode, far transfers, PUSHA/POPA and
 * real-mode interrupts through the IVT.
 *
 * Design note: 64-bit code stays on the fast paths of cpu.h (linear =
 * offset, FS/GS bases only).  Code decoded in a legacy mode carries
 * DBT_I_LEGACY on every instruction, which sends its memory operands here:
 * the offset is masked to the address size, checked against the segment
 * limit (#GP(0), or #SS(0) through SS), the segment base is added and the
 * linear address wraps at 4 GiB.  cpu->rip is the offset in CS (EIP/IP);
 * instructions are fetched at cpu->code_base + rip.  cpu->mode says how to
 * decode (16, 32 or 64-bit code) and is part of a decoded block's key, so
 * the same bytes decoded in two modes are two blocks.  dbt_mode_update()
 * recomputes it whenever CR0, EFER.LMA or CS change and ends the block.
 * Limits are checked for the first byte of an access only, expand-down
 * segments are treated as expand-up, and interrupts in 32-bit protected
 * mode without long mode are a guest crash (Linux never takes one there:
 * its trampoline runs with interrupts off and an empty IDT). */
#include "vmm/dbt/ops.h"

uint64_t dbt_seg_la(DbtCpu *cpu, int seg, uint64_t off, unsigned size)
{
    const DbtSeg *s = &cpu->seg[seg];
    if (cpu->mode == DBT_MODE_64)
        return off + ((seg == DBT_SEG_FS || seg == DBT_SEG_GS) ? s->base : 0);
    if (off + size - 1 > s->limit)
        dbt_raise(cpu, seg == DBT_SEG_SS ? DBT_EXC_SS : DBT_EXC_GP, 0);
    return (uint32_t)(s->base + off);
}

void dbt_mode_update(DbtCpu *cpu)
{
    const DbtSeg *cs = &cpu->seg[DBT_SEG_CS];
    DbtMode m;
    if (!(cpu->cr0 & DBT_CR0_PE))
        m = DBT_MODE_16;
    else if ((cpu->efer & DBT_EFER_LMA) && (cs->attr & 0x2000))
        m = DBT_MODE_64;
    else
        m = (cs->attr & 0x4000) ? DBT_MODE_32 : DBT_MODE_16;
    uint64_t base = m == DBT_MODE_64 ? 0 : cs->base;
    if (m != cpu->mode || base != cpu->code_base) {
        cpu->mode = m;
        cpu->code_base = base;
        dbt_chain_invalidate(cpu);
        cpu->leave_block = true;
    }
}

/* A far transfer's new CS:rIP (JMP/CALL ptr or m16:xx, RETF, IRET). */
void dbt_far_load_cs(DbtCpu *cpu, uint16_t sel, uint64_t off)
{
    if (!(cpu->cr0 & DBT_CR0_PE)) {
        DbtSeg *cs = &cpu->seg[DBT_SEG_CS];
        cs->sel = sel;
        cs->base = (uint64_t)sel << 4;
    } else {
        dbt_seg_check_cs(cpu, sel, false, &cpu->seg[DBT_SEG_CS]);
    }
    dbt_mode_update(cpu);
    cpu->next_rip = cpu->mode == DBT_MODE_64 ? off : (uint32_t)off;
}

/* 60: PUSHA/PUSHAD */
int op_pusha(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t sp0 = cpu->gpr[DBT_RSP];
    /* the lowest and highest slots decide whether it faults */
    dbt_probe_write(cpu, dbt_stack_la(cpu, dbt_stack_add(cpu, sp0, -8 * (int64_t)s)), s);
    dbt_probe_write(cpu, dbt_stack_la(cpu, dbt_stack_add(cpu, sp0, -(int64_t)s)), s);
    for (int r = DBT_RAX; r <= DBT_RDI; r++)
        dbt_push(cpu, s, r == DBT_RSP ? sp0 : cpu->gpr[r]);
    return DBT_OK;
}

/* 61: POPA/POPAD (the saved SP is skipped) */
int op_popa(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t v[8];
    for (int k = 0; k < 8; k++)
        v[k] = dbt_stack_read(cpu, (uint64_t)k * s, s);
    for (int k = 0; k < 8; k++)
        if (DBT_RDI - k != DBT_RSP)
            dbt_reg_write(cpu, DBT_RDI - k, s, true, v[k]);
    cpu->gpr[DBT_RSP] = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], 8 * (int64_t)s);
    return DBT_OK;
}

/* Push CS and the return offset with the current stack rules, then load
 * the new CS; a fault in the load leaves RSP as it was. */
static int far_call(DbtCpu *cpu, unsigned s, uint16_t sel, uint64_t off)
{
    uint64_t ret = cpu->next_rip;
    uint64_t sp0 = cpu->gpr[DBT_RSP];
    dbt_probe_write(cpu, dbt_stack_la(cpu, dbt_stack_add(cpu, sp0, -2 * (int64_t)s)), 2 * s);
    dbt_push(cpu, s, cpu->seg[DBT_SEG_CS].sel);
    dbt_push(cpu, s, ret);
    uint64_t sp1 = cpu->gpr[DBT_RSP];
    cpu->gpr[DBT_RSP] = sp0;
    dbt_far_load_cs(cpu, sel, off);
    cpu->gpr[DBT_RSP] = sp1;
    return DBT_END_BLOCK;
}

/* m16:16/32/64 operand: offset of the operand size, then the selector */
static uint64_t far_ptr_read(DbtCpu *cpu, const DbtInsn *i, uint16_t *sel)
{
    uint64_t ea = dbt_ea(cpu, i);
    uint64_t off = dbt_read(cpu, ea, i->osz);
    *sel = dbt_read16(cpu, ea + i->osz);
    return off;
}

/* 9A: CALL ptr16:16/32 */
int op_callf_A(DbtCpu *cpu, const DbtInsn *i)
{
    return far_call(cpu, i->osz, i->imm2, i->imm);
}

/* EA: JMP ptr16:16/32 */
int op_jmpf_A(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_far_load_cs(cpu, i->imm2, i->imm);
    return DBT_END_BLOCK;
}

/* FF /5: JMP m16:16/32/64 */
int op_jmpf_E(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t sel;
    uint64_t off = far_ptr_read(cpu, i, &sel);
    dbt_far_load_cs(cpu, sel, off);
    return DBT_END_BLOCK;
}

/* FF /3: CALL m16:16/32/64 */
int op_callf_E(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t sel;
    uint64_t off = far_ptr_read(cpu, i, &sel);
    return far_call(cpu, i->osz, sel, off);
}

/* Real mode: vector through the IVT (flags, CS, IP pushed as 16 bits). */
int dbt_exc_deliver_real(DbtCpu *cpu, int vector, uint64_t ret_rip)
{
    if ((uint64_t)vector * 4 + 3 > cpu->idt_limit)
        dbt_raise(cpu, DBT_EXC_GP, (uint32_t)vector * 8 + 2);
    uint32_t ent = (uint32_t)dbt_sys_read(cpu, cpu->idt_base + (uint64_t)vector * 4, 4);
    uint64_t sp0 = cpu->gpr[DBT_RSP];
    dbt_probe_write(cpu, dbt_stack_la(cpu, dbt_stack_add(cpu, sp0, -6)), 6);
    dbt_push(cpu, 2, dbt_flags_get(cpu));
    dbt_push(cpu, 2, cpu->seg[DBT_SEG_CS].sel);
    dbt_push(cpu, 2, ret_rip);
    cpu->rflags &= ~(uint64_t)(DBT_IF | DBT_TF | DBT_AC | DBT_RF);
    DbtSeg *cs = &cpu->seg[DBT_SEG_CS];
    cs->sel = (uint16_t)(ent >> 16);
    cs->base = (uint64_t)(ent >> 16) << 4;
    dbt_mode_update(cpu);
    cpu->rip = cpu->next_rip = ent & 0xffff;
    cpu->halted = false;
    return 0;
}
