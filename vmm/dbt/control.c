/* control.c - control transfers: Jcc, JMP, CALL, RET, LOOP/JrCXZ, ENTER,
 * LEAVE, INT3/INT n, IRETQ, far RET, and #UD.  Near branch targets are
 * checked for canonical form at the branch (#GP there, as the hardware). */
#include "vmm/dbt/ops.h"

static inline void branch_to(DbtCpu *cpu, uint64_t target)
{
    if (unlikely(!dbt_canonical(target)))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    cpu->next_rip = target;
}

int op_ud(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    dbt_raise_noerr(cpu, DBT_EXC_UD);
}

int op_jcc(DbtCpu *cpu, const DbtInsn *i)
{
    if (dbt_cond(cpu, i->sub))
        branch_to(cpu, cpu->next_rip + i->imm);
    return DBT_OK;
}

int op_jmp_rel(DbtCpu *cpu, const DbtInsn *i)
{
    branch_to(cpu, cpu->next_rip + i->imm);
    return DBT_OK;
}

int op_call_rel(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t target = cpu->next_rip + i->imm;
    if (unlikely(!dbt_canonical(target)))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    dbt_push(cpu, 8, cpu->next_rip);
    cpu->next_rip = target;
    return DBT_OK;
}

int op_jmp_E(DbtCpu *cpu, const DbtInsn *i)
{
    branch_to(cpu, dbt_rm_read(cpu, i, 8));
    return DBT_OK;
}

int op_call_E(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t target = dbt_rm_read(cpu, i, 8);
    if (unlikely(!dbt_canonical(target)))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    dbt_push(cpu, 8, cpu->next_rip);
    cpu->next_rip = target;
    return DBT_OK;
}

/* C3 / C2 iw */
int op_ret(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t sp = cpu->gpr[DBT_RSP];
    uint64_t target = dbt_read64(cpu, sp);
    branch_to(cpu, target);
    cpu->gpr[DBT_RSP] = sp + 8 + (i->imm & 0xffff);
    return DBT_OK;
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JrCXZ */
int op_loop(DbtCpu *cpu, const DbtInsn *i)
{
    bool a32 = i->flags & DBT_I_ADDR32;
    uint64_t c = a32 ? (uint32_t)cpu->gpr[DBT_RCX] : cpu->gpr[DBT_RCX];
    bool take;
    if (i->sub == 3) {
        take = c == 0;
    } else {
        c = a32 ? (uint32_t)(c - 1) : c - 1;
        take = c != 0;
        if (i->sub == 0)
            take = take && !dbt_cond(cpu, 4);
        else if (i->sub == 1)
            take = take && dbt_cond(cpu, 4);
        if (take)
            branch_to(cpu, cpu->next_rip + i->imm);
        cpu->gpr[DBT_RCX] = c;
        return DBT_OK;
    }
    if (take)
        branch_to(cpu, cpu->next_rip + i->imm);
    return DBT_OK;
}

/* C8 iw ib */
int op_enter(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    unsigned level = i->imm2 & 31;
    uint64_t sp = cpu->gpr[DBT_RSP], bp = cpu->gpr[DBT_RBP];
    sp -= s;
    dbt_write(cpu, sp, s, bp);
    uint64_t frame = sp;
    if (level) {
        for (unsigned k = 1; k < level; k++) {
            bp -= s;
            uint64_t v = dbt_read(cpu, bp, s);
            sp -= s;
            dbt_write(cpu, sp, s, v);
        }
        sp -= s;
        dbt_write(cpu, sp, s, frame);
    }
    sp -= i->imm & 0xffff;
    /* touch the new stack top the way the hardware does */
    dbt_probe_write(cpu, sp, s);
    dbt_reg_write(cpu, DBT_RBP, s, true, frame);
    cpu->gpr[DBT_RSP] = sp;
    return DBT_OK;
}

int op_leave(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t sp = cpu->gpr[DBT_RBP];
    uint64_t v = dbt_read(cpu, sp, s);
    cpu->gpr[DBT_RSP] = sp + s;
    dbt_reg_write(cpu, DBT_RBP, s, true, v);
    return DBT_OK;
}

int op_int3(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if (cpu->flat)
        return DBT_BREAK;
    dbt_exc_deliver(cpu, DBT_EXC_BP, false, 0, cpu->next_rip);
    return DBT_END_BLOCK;
}

int op_int_n(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned vec = i->imm & 0xff;
    if (cpu->flat) {
        /* as under Linux: the gate's DPL is 0, so user INT n is #GP */
        if (vec == 3)
            return DBT_BREAK;
        dbt_raise(cpu, DBT_EXC_GP, (vec << 3) | 2);
    }
    /* gate DPL is checked in delivery for software interrupts */
    cpu->exc_soft = true;
    dbt_exc_deliver(cpu, (int)vec, false, 0, cpu->next_rip);
    return DBT_END_BLOCK;
}

/* CF: IRETQ (REX.W) / IRETD.  64-bit mode always pops SS:RSP. */
int op_iret(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz == 2 ? 2 : i->osz;
    uint64_t sp = cpu->gpr[DBT_RSP];
    if (cpu->flat)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint64_t rip = dbt_read(cpu, sp, s);
    uint16_t cs = (uint16_t)dbt_read(cpu, sp + s, s);
    uint64_t fl = dbt_read(cpu, sp + 2 * s, s);
    uint64_t rsp = dbt_read(cpu, sp + 3 * s, s);
    uint16_t ss = (uint16_t)dbt_read(cpu, sp + 4 * s, s);
    int new_cpl = cs & 3;
    if (new_cpl < cpu->cpl || (cs & ~3) == 0)
        dbt_raise(cpu, DBT_EXC_GP, cs & ~3u);
    if (!dbt_canonical(rip))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    dbt_seg_load(cpu, DBT_SEG_CS, cs);
    uint64_t mask = DBT_STATUS_FLAGS | DBT_TF | DBT_DF | DBT_NT | DBT_RF
        | DBT_AC | DBT_ID | DBT_VIF | DBT_VIP;
    if (cpu->cpl == 0)
        mask |= DBT_IOPL | DBT_IF;
    else if ((unsigned)cpu->cpl <= ((cpu->rflags & DBT_IOPL) >> 12))
        mask |= DBT_IF;
    if (s == 2)
        mask &= 0xffff;
    dbt_flags_materialize(cpu);
    cpu->rflags = (cpu->rflags & ~mask) | (fl & mask) | 2;
    cpu->nmi_blocked = false;
    dbt_set_cpl(cpu, new_cpl);
    if (!(ss & ~3) && new_cpl == 0) {
        cpu->seg[DBT_SEG_SS].sel = ss;
    } else {
        dbt_seg_load(cpu, DBT_SEG_SS, ss);
    }
    cpu->gpr[DBT_RSP] = s == 4 ? (uint32_t)rsp : rsp;
    cpu->next_rip = s == 4 ? (uint32_t)rip : rip;
    return DBT_END_BLOCK;
}

/* CB / CA iw: far return (same privilege, or to an outer ring) */
int op_retf(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = (i->flags & DBT_I_REXW) ? 8 : (i->flags & DBT_I_OPSIZE) ? 2 : 4;
    uint64_t sp = cpu->gpr[DBT_RSP];
    if (cpu->flat)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint64_t rip = dbt_read(cpu, sp, s);
    uint16_t cs = (uint16_t)dbt_read(cpu, sp + s, s);
    int new_cpl = cs & 3;
    if (new_cpl < cpu->cpl || (cs & ~3) == 0)
        dbt_raise(cpu, DBT_EXC_GP, cs & ~3u);
    sp += 2 * s + (i->imm & 0xffff);
    if (new_cpl != cpu->cpl) {
        uint64_t rsp = dbt_read(cpu, sp, s);
        uint16_t ss = (uint16_t)dbt_read(cpu, sp + s, s);
        dbt_seg_load(cpu, DBT_SEG_CS, cs);
        dbt_set_cpl(cpu, new_cpl);
        dbt_seg_load(cpu, DBT_SEG_SS, ss);
        sp = rsp + (i->imm & 0xffff);
    } else {
        dbt_seg_load(cpu, DBT_SEG_CS, cs);
    }
    cpu->gpr[DBT_RSP] = sp;
    cpu->next_rip = s == 8 ? rip : (uint32_t)rip;
    return DBT_END_BLOCK;
}
