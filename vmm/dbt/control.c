/* control.c - control transfers: Jcc, JMP, CALL, RET, LOOP/JrCXZ, ENTER,
 * LEAVE, INT3/INT n, IRETQ, far RET, and #UD.  Near branch targets are
 * checked for canonical form at the branch (#GP there, as the hardware). */
#include "vmm/dbt/ops.h"

/* Near branch: 64-bit targets must be canonical; legacy targets wrap to
 * the operand size (IP or EIP). */
static inline void branch_to(DbtCpu *cpu, const DbtInsn *i, uint64_t target)
{
    if (unlikely(i->flags & DBT_I_LEGACY)) {
        target = i->osz == 2 ? (uint16_t)target : (uint32_t)target;
        if (target > cpu->seg[DBT_SEG_CS].limit)
            dbt_raise(cpu, DBT_EXC_GP, 0);
    } else if (unlikely(!dbt_canonical(target))) {
        dbt_raise(cpu, DBT_EXC_GP, 0);
    }
    cpu->next_rip = target;
}

int op_ud(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    dbt_raise_noerr(cpu, DBT_EXC_UD);
}

/* an instruction longer than 15 bytes (block.c) */
int op_too_long(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    dbt_raise(cpu, DBT_EXC_GP, 0);
}

int op_jcc(DbtCpu *cpu, const DbtInsn *i)
{
    if (dbt_cond_fast(cpu, i->sub))
        branch_to(cpu, i, cpu->next_rip + i->imm);
    return DBT_OK;
}

int op_jmp_rel(DbtCpu *cpu, const DbtInsn *i)
{
    branch_to(cpu, i, cpu->next_rip + i->imm);
    return DBT_OK;
}

/* near CALL/RET push and pop i->osz bytes: 8 in 64-bit mode, 2 or 4 else */
int op_call_rel(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t ret = cpu->next_rip;
    branch_to(cpu, i, ret + i->imm);
    dbt_push(cpu, i->osz, ret);
    return DBT_OK;
}

int op_jmp_E(DbtCpu *cpu, const DbtInsn *i)
{
    branch_to(cpu, i, dbt_rm_read(cpu, i, i->osz));
    return DBT_OK;
}

int op_call_E(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t ret = cpu->next_rip;
    branch_to(cpu, i, dbt_rm_read(cpu, i, i->osz));
    dbt_push(cpu, i->osz, ret);
    return DBT_OK;
}

/* C3 / C2 iw */
int op_ret(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    branch_to(cpu, i, dbt_stack_read(cpu, 0, s));
    cpu->gpr[DBT_RSP] = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], s + (i->imm & 0xffff));
    return DBT_OK;
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JrCXZ */
int op_loop(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t m = (i->flags & DBT_I_ADDR16) ? 0xffff
        : (i->flags & (DBT_I_ADDR32 | DBT_I_LEGACY)) ? 0xffffffff : ~0ull;
    uint64_t c = cpu->gpr[DBT_RCX] & m;
    bool take;
    if (i->sub == 3) {
        take = c == 0;
    } else {
        c = (c - 1) & m;
        take = c != 0;
        if (i->sub == 0)
            take = take && !dbt_cond(cpu, 4);
        else if (i->sub == 1)
            take = take && dbt_cond(cpu, 4);
        if (take)
            branch_to(cpu, i, cpu->next_rip + i->imm);
        if (m == 0xffff)
            cpu->gpr[DBT_RCX] = (cpu->gpr[DBT_RCX] & ~m) | c;
        else
            cpu->gpr[DBT_RCX] = c;
        return DBT_OK;
    }
    if (take)
        branch_to(cpu, i, cpu->next_rip + i->imm);
    return DBT_OK;
}

/* C8 iw ib */
int op_enter(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    unsigned level = i->imm2 & 31;
    if (unlikely(cpu->mode != DBT_MODE_64))
        dbt_fatal(cpu, "ENTER in 16/32-bit code (not supported)");
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
    if (unlikely(cpu->mode != DBT_MODE_64))
        sp = dbt_ss32(cpu) ? (uint32_t)sp : (cpu->gpr[DBT_RSP] & ~0xffffull) | (uint16_t)sp;
    uint64_t v = dbt_read(cpu, dbt_stack_la(cpu, sp), s);
    cpu->gpr[DBT_RSP] = dbt_stack_add(cpu, sp, s);
    dbt_reg_write(cpu, DBT_RBP, s, true, v);
    return DBT_OK;
}

int op_int3(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if (cpu->flat)
        return DBT_BREAK;
    cpu->exc_soft = true;   /* a software interrupt: the gate's DPL counts */
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

/* CF: IRETQ (REX.W) / IRETD.  64-bit mode always pops SS:RSP.  CS and SS
 * are checked before anything changes. */
int op_iret(DbtCpu *cpu, const DbtInsn *i)
{
    if (unlikely(!(cpu->efer & DBT_EFER_LMA)))
        return dbt_far_return_legacy(cpu, i, true);
    unsigned s = i->osz == 2 ? 2 : i->osz;
    uint64_t sp = cpu->gpr[DBT_RSP];
    uint64_t rip = dbt_read(cpu, sp, s);
    uint16_t cs = (uint16_t)dbt_read(cpu, sp + s, s);
    uint64_t fl = dbt_read(cpu, sp + 2 * s, s);
    uint64_t rsp = dbt_read(cpu, sp + 3 * s, s);
    uint16_t ss = (uint16_t)dbt_read(cpu, sp + 4 * s, s);
    int new_cpl = cs & 3;
    if (new_cpl < cpu->cpl || (cs & ~3) == 0)
        dbt_raise(cpu, DBT_EXC_GP, cs & ~3u);
    DbtSeg ncs, nss = cpu->seg[DBT_SEG_SS];
    dbt_seg_check_cs(cpu, cs, true, &ncs);
    if (!(ss & ~3) && new_cpl == 0)
        nss.sel = ss;
    else
        dbt_seg_check(cpu, DBT_SEG_SS, ss, (unsigned)new_cpl, &nss);
    if (!dbt_canonical(rip))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint64_t mask = DBT_STATUS_FLAGS | DBT_TF | DBT_DF | DBT_NT | DBT_RF | DBT_AC | DBT_ID;
    if (cpu->cpl == 0)
        mask |= DBT_IOPL | DBT_IF | DBT_VIF | DBT_VIP;
    else if ((unsigned)cpu->cpl <= ((cpu->rflags & DBT_IOPL) >> 12))
        mask |= DBT_IF;
    if (s == 2)
        mask &= 0xffff;
    dbt_flags_materialize(cpu);
    cpu->rflags = (cpu->rflags & ~mask) | (fl & mask) | 2;
    cpu->nmi_blocked = false;
    cpu->seg[DBT_SEG_CS] = ncs;
    cpu->seg[DBT_SEG_SS] = nss;
    dbt_set_cpl(cpu, new_cpl);
    cpu->gpr[DBT_RSP] = s == 4 ? (uint32_t)rsp : rsp;
    dbt_mode_update(cpu);
    cpu->next_rip = s == 4 ? (uint32_t)rip : rip;
    return DBT_END_BLOCK;
}

/* CB / CA iw: far return (same privilege, or to an outer ring) */
int op_retf(DbtCpu *cpu, const DbtInsn *i)
{
    if (unlikely(cpu->mode != DBT_MODE_64 && !cpu->flat))
        return dbt_far_return_legacy(cpu, i, false);
    unsigned s = (i->flags & DBT_I_REXW) ? 8 : (i->flags & DBT_I_OPSIZE) ? 2 : 4;
    uint64_t sp = cpu->gpr[DBT_RSP];
    uint64_t rip = dbt_read(cpu, sp, s);
    uint16_t cs = (uint16_t)dbt_read(cpu, sp + s, s);
    int new_cpl = cs & 3;
    if (new_cpl < cpu->cpl || (cs & ~3) == 0)
        dbt_raise(cpu, DBT_EXC_GP, cs & ~3u);
    sp += 2 * s + (i->imm & 0xffff);
    DbtSeg ncs, nss = cpu->seg[DBT_SEG_SS];
    dbt_seg_check_cs(cpu, cs, true, &ncs);
    if (new_cpl != cpu->cpl) {
        uint64_t rsp = dbt_read(cpu, sp, s);
        uint16_t ss = (uint16_t)dbt_read(cpu, sp + s, s);
        dbt_seg_check(cpu, DBT_SEG_SS, ss, (unsigned)new_cpl, &nss);
        sp = rsp + (i->imm & 0xffff);
    }
    if (s == 8 && !dbt_canonical(rip))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    cpu->seg[DBT_SEG_CS] = ncs;
    cpu->seg[DBT_SEG_SS] = nss;
    dbt_set_cpl(cpu, new_cpl);
    cpu->gpr[DBT_RSP] = sp;
    dbt_mode_update(cpu);
    cpu->next_rip = s == 8 ? rip : (uint32_t)rip;
    return DBT_END_BLOCK;
}
