/* segment.c - segment registers: real-mode loads (base = selector << 4),
 * descriptor loads from the GDT/LDT in protected and long mode with the
 * SDM's type and privilege checks, MOV/PUSH/POP of segment registers,
 * LAR, LSL, VERR and VERW.
 *
 * The flat CPU (dbt.h) has no descriptor tables in memory: it sees the
 * GDT Linux gives every x86-64 process (flat_gdt below), so selector
 * loads, far transfers and LAR/LSL behave as on the host. */
#include "vmm/dbt/ops.h"

/* Linux's x86-64 GDT as user code sees it (arch/x86/include/asm/
 * segment.h): kernel 32-bit code 0x08, kernel code 0x10, kernel data
 * 0x18, user 32-bit code 0x23, user data 0x2b, user code 0x33; the TSS,
 * LDT, TLS and per-CPU entries (0x40-0x7f) differ between hosts and
 * CPUs and stay empty here.  No LDT. */
static const uint64_t flat_gdt[16] = {
    0, 0x00cf9b000000ffffull, 0x00af9b000000ffffull, 0x00cf93000000ffffull,
    0x00cffb000000ffffull, 0x00cff3000000ffffull, 0x00affb000000ffffull,
};

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

/* The low 8 bytes of @sel's descriptor, or false if it lies beyond the
 * GDT/LDT limit. */
static bool desc_fetch(DbtCpu *cpu, uint16_t sel, uint64_t *lo)
{
    uint64_t off = sel & ~7u;
    if (cpu->flat) {
        if ((sel & 4) || off >= sizeof(flat_gdt))
            return false;
        *lo = flat_gdt[off / 8];
        return true;
    }
    uint64_t base = cpu->gdt_base, limit = cpu->gdt_limit;
    if (sel & 4) {
        base = cpu->ldt.base;
        limit = cpu->ldt.limit;
    }
    if (off + 7 > limit)
        return false;
    *lo = dbt_sys_read(cpu, base + off, 8);
    return true;
}

static uint64_t desc_read(DbtCpu *cpu, uint16_t sel, int exc)
{
    uint64_t lo;
    if (!desc_fetch(cpu, sel, &lo))
        dbt_raise(cpu, exc, sel & ~3u);
    return lo;
}

/* Descriptor fields (low 8 bytes) */
static inline unsigned desc_dpl(uint64_t lo) { return (lo >> 45) & 3; }
static inline bool desc_present(uint64_t lo) { return (lo >> 47) & 1; }
static inline bool desc_system(uint64_t lo) { return !((lo >> 44) & 1); }
static inline bool desc_code(uint64_t lo) { return (lo >> 43) & 1; }
/* code: conforming; data: expand-down */
static inline bool desc_conforming(uint64_t lo) { return (lo >> 42) & 1; }
/* code: readable; data: writable */
static inline bool desc_rw(uint64_t lo) { return (lo >> 41) & 1; }

void dbt_seg_flat_init(DbtCpu *cpu)
{
    cpu->gdt_limit = sizeof(flat_gdt) - 1;
    dbt_seg_from_desc(&cpu->seg[DBT_SEG_CS], 0x33, flat_gdt[6], 0);
    dbt_seg_from_desc(&cpu->seg[DBT_SEG_SS], 0x2b, flat_gdt[5], 0);
}

void dbt_seg_check(DbtCpu *cpu, int seg, uint16_t sel, unsigned cpl, DbtSeg *out)
{
    unsigned rpl = sel & 3u;
    if ((sel & ~3u) == 0) {
        if (seg == DBT_SEG_CS || (seg == DBT_SEG_SS && (cpl == 3 || rpl != cpl)))
            dbt_raise(cpu, DBT_EXC_GP, 0);
        out->sel = sel;
        out->attr = 0;
        out->limit = 0;
        out->base = 0;
        return;
    }
    uint64_t lo = desc_read(cpu, sel, DBT_EXC_GP);
    unsigned dpl = desc_dpl(lo);
    bool code = desc_code(lo);
    if (desc_system(lo))
        dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    if (seg == DBT_SEG_CS) {
        /* privilege: dbt_seg_check_cs */
        if (!code)
            dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    } else if (seg == DBT_SEG_SS) {
        if (code || !desc_rw(lo) || rpl != cpl || dpl != cpl)
            dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    } else {
        /* data, or readable code; privilege unless conforming code */
        if (code && !desc_rw(lo))
            dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
        if ((!code || !desc_conforming(lo)) && (rpl > dpl || cpl > dpl))
            dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    }
    if (!desc_present(lo))
        dbt_raise(cpu, seg == DBT_SEG_SS ? DBT_EXC_SS : DBT_EXC_NP, sel & ~3u);
    dbt_seg_from_desc(out, sel, lo, 0);
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
    dbt_seg_check(cpu, seg, sel, (unsigned)cpu->cpl, s);
}

void dbt_seg_check_cs(DbtCpu *cpu, uint16_t sel, bool ret, DbtSeg *out)
{
    if ((sel & ~3u) == 0)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint64_t lo = desc_read(cpu, sel, DBT_EXC_GP);
    unsigned dpl = desc_dpl(lo), rpl = sel & 3u, cpl = (unsigned)cpu->cpl;
    if (desc_system(lo) || !desc_code(lo))
        dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);   /* gates and TSSs: not supported */
    bool ok;
    if (ret)
        ok = rpl >= cpl && (desc_conforming(lo) ? dpl <= rpl : dpl == rpl);
    else
        ok = desc_conforming(lo) ? dpl <= cpl : rpl <= cpl && dpl == cpl;
    /* L and D together are reserved in IA-32e mode */
    if (!ok || ((cpu->efer & DBT_EFER_LMA) && ((lo >> 53) & 3) == 3))
        dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
    if (!desc_present(lo))
        dbt_raise(cpu, DBT_EXC_NP, sel & ~3u);
    dbt_seg_from_desc(out, (uint16_t)(ret ? sel : (sel & ~3u) | cpl), lo, 0);
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
    dbt_seg_load(cpu, i->sub, v);
    if (i->sub == DBT_SEG_SS)
        cpu->irq_shadow = true;
    cpu->gpr[DBT_RSP] = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], i->osz);
    return DBT_OK;
}

/* The descriptor of @sel if LAR (@lar) or LSL may report it at the
 * current privilege (64-bit mode types), else false. */
static bool desc_visible(DbtCpu *cpu, uint16_t sel, bool lar, uint64_t *lo)
{
    if ((sel & ~3u) == 0 || !desc_fetch(cpu, sel, lo))
        return false;
    if (desc_system(*lo)) {
        unsigned type = (*lo >> 40) & 0xf;
        /* LDT, available and busy 64-bit TSS; LAR also 64-bit call gates */
        if (type != 0x2 && type != 0x9 && type != 0xb && !(lar && type == 0xc))
            return false;
    } else if (desc_code(*lo) && desc_conforming(*lo)) {
        return true;
    }
    unsigned dpl = desc_dpl(*lo);
    return dpl >= (unsigned)cpu->cpl && dpl >= (sel & 3u);
}

/* 0F 02: LAR Gv, Ew (access rights: type, S, DPL, P, limit 19:16, AVL,
 * L, D, G; the destination is untouched when ZF is clear) */
int op_lar(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t sel = (uint16_t)dbt_rm_read(cpu, i, 2);
    uint64_t lo;
    bool ok = desc_visible(cpu, sel, true, &lo);
    dbt_flags_materialize(cpu);
    cpu->rflags &= ~(uint64_t)DBT_ZF;
    if (ok) {
        dbt_gr_write(cpu, i, i->osz, (lo >> 32) & (i->osz == 2 ? 0xff00 : 0x00ffff00));
        cpu->rflags |= DBT_ZF;
    }
    return DBT_OK;
}

/* 0F 03: LSL Gv, Ew (Linux's vDSO getcpu uses it) */
int op_lsl(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t sel = (uint16_t)dbt_rm_read(cpu, i, 2);
    uint64_t lo;
    bool ok = desc_visible(cpu, sel, false, &lo);
    dbt_flags_materialize(cpu);
    cpu->rflags &= ~(uint64_t)DBT_ZF;
    if (ok) {
        DbtSeg tmp;
        dbt_seg_from_desc(&tmp, sel, lo, 0);
        dbt_gr_write(cpu, i, i->osz, tmp.limit);
        cpu->rflags |= DBT_ZF;
    }
    return DBT_OK;
}

bool dbt_seg_verify(DbtCpu *cpu, uint16_t sel, bool write)
{
    uint64_t lo;
    if ((sel & ~3u) == 0 || !desc_fetch(cpu, sel, &lo) || desc_system(lo))
        return false;
    if (desc_code(lo)) {
        if (write || !desc_rw(lo))
            return false;
        if (desc_conforming(lo))
            return true;
    } else if (write && !desc_rw(lo)) {
        return false;
    }
    unsigned dpl = desc_dpl(lo);
    return dpl >= (unsigned)cpu->cpl && dpl >= (sel & 3u);
}
