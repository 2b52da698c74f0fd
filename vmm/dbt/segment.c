/* segment.c - segment registers: real-mode loads (base = selector << 4),
 * descriptor loads from the GDT/LDT in protected and long mode, MOV/PUSH/
 * POP of segment registers, LSL. */
#include "vmm/dbt/ops.h"

void dbt_seg_from_desc(DbtSeg *s, uint16_t sel, uint64_t lo, uint64_t hi)
{
    (void)hi;
    uint32_t limit = (uint32_t)((lo & 0xffff) | ((lo >> 32) & 0xf0000));
    uint16_t attr = (uint16_t)(((lo >> 40) & 0xff) | (((lo >> 52) & 0xf) << 12));
    if (attr & 0x8000)
        limit = (limit << 12) | 0xfff;
    s->sel = sel;
    s->base = ((lo >> 16) & 0xffffff) | (((lo >> 56) & 0xff) << 24);
    s->limit = limit;
    s->attr = attr;
}

static uint64_t desc_read(DbtCpu *cpu, uint16_t sel, int exc)
{
    uint64_t base = cpu->gdt_base, limit = cpu->gdt_limit;
    if (sel & 4) {
        base = cpu->ldt.base;
        limit = cpu->ldt.limit;
    }
    if ((uint64_t)(sel & ~7u) + 7 > limit)
        dbt_raise(cpu, exc, sel & ~3u);
    return dbt_sys_read(cpu, base + (sel & ~7u), 8);
}

void dbt_seg_load(DbtCpu *cpu, int seg, uint16_t sel)
{
    DbtSeg *s = &cpu->seg[seg];
    if (!(cpu->cr0 & DBT_CR0_PE)) {
        /* real mode: only selector and base change (limits stay, as
         * "unreal mode" code relies on) */
        s->sel = sel;
        s->base = (uint64_t)sel << 4;
        return;
    }
    if ((sel & ~3u) == 0) {
        if (seg == DBT_SEG_CS)
            dbt_raise(cpu, DBT_EXC_GP, 0);
        if (seg == DBT_SEG_SS && (cpu->cpl == 3 || (sel & 3) != cpu->cpl))
            dbt_raise(cpu, DBT_EXC_GP, 0);
        s->sel = sel;
        s->attr = 0;
        s->limit = 0;
        if (seg != DBT_SEG_FS && seg != DBT_SEG_GS)
            s->base = 0;
        else
            s->base = 0;
        return;
    }
    uint64_t lo = desc_read(cpu, sel, DBT_EXC_GP);
    bool present = (lo >> 47) & 1;
    bool code = (lo >> 43) & 1, sys = !((lo >> 44) & 1);
    if (sys)
        dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    if (seg == DBT_SEG_CS && !code)
        dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    if (seg == DBT_SEG_SS && (code || !((lo >> 41) & 1)))
        dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    if (!present)
        dbt_raise(cpu, seg == DBT_SEG_SS ? DBT_EXC_SS : DBT_EXC_NP, sel & ~3u);
    dbt_seg_from_desc(s, sel, lo, 0);
}

/* 8C: MOV r/m16, Sreg */
int op_mov_ES(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned sr = (i->modrm >> 3) & 7;
    if (sr >= DBT_NR_SEGS)
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    uint16_t v = cpu->seg[sr].sel;
    if (i->flags & DBT_I_MEM)
        dbt_write16(cpu, dbt_ea(cpu, i), v);
    else
        dbt_reg_write(cpu, i->rm, i->osz, true, v);
    return DBT_OK;
}

/* 8E: MOV Sreg, r/m16 */
int op_mov_SE(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned sr = (i->modrm >> 3) & 7;
    if (sr >= DBT_NR_SEGS || sr == DBT_SEG_CS)
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    uint16_t v = (uint16_t)dbt_rm_read(cpu, i, 2);
    if (cpu->flat) {
        /* the flat CPU has no descriptor tables: only null selectors */
        if (v & ~3u)
            dbt_raise(cpu, DBT_EXC_GP, v & ~3u);
        cpu->seg[sr].sel = v;
        return DBT_OK;
    }
    dbt_seg_load(cpu, (int)sr, v);
    if (sr == DBT_SEG_SS)
        cpu->irq_shadow = true;
    return DBT_END_BLOCK;
}

int op_push_seg(DbtCpu *cpu, const DbtInsn *i)
{
    dbt_push(cpu, i->osz, cpu->seg[i->sub].sel);
    return DBT_OK;
}

int op_pop_seg(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t v = (uint16_t)dbt_stack_read(cpu, 0, i->osz);
    if (cpu->flat) {
        if (v & ~3u)
            dbt_raise(cpu, DBT_EXC_GP, v & ~3u);
        cpu->seg[i->sub].sel = v;
    } else {
        dbt_seg_load(cpu, i->sub, v);
        if (i->sub == DBT_SEG_SS)
            cpu->irq_shadow = true;
    }
    cpu->gpr[DBT_RSP] = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], i->osz);
    return DBT_OK;
}

/* 0F 03: LSL Gv, Ew (Linux's vDSO getcpu uses it) */
int op_lsl(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t sel = (uint16_t)dbt_rm_read(cpu, i, 2);
    dbt_flags_materialize(cpu);
    if (cpu->flat || (sel & ~3u) == 0) {
        cpu->rflags &= ~(uint64_t)DBT_ZF;
        return DBT_OK;
    }
    uint64_t base = (sel & 4) ? cpu->ldt.base : cpu->gdt_base;
    uint64_t limit = (sel & 4) ? cpu->ldt.limit : cpu->gdt_limit;
    if ((uint64_t)(sel & ~7u) + 7 > limit) {
        cpu->rflags &= ~(uint64_t)DBT_ZF;
        return DBT_OK;
    }
    uint64_t lo = dbt_sys_read(cpu, base + (sel & ~7u), 8);
    unsigned dpl = (lo >> 45) & 3;
    bool s = (lo >> 44) & 1, conforming = ((lo >> 42) & 3) == 3;
    if (!s || (!conforming && (dpl < (unsigned)cpu->cpl || dpl < (sel & 3u)))) {
        cpu->rflags &= ~(uint64_t)DBT_ZF;
        return DBT_OK;
    }
    DbtSeg tmp;
    dbt_seg_from_desc(&tmp, sel, lo, 0);
    dbt_gr_write(cpu, i, i->osz, tmp.limit);
    cpu->rflags |= DBT_ZF;
    return DBT_OK;
}
