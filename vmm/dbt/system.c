/* system.c - privileged and system instructions: HLT, CLI/STI, PUSHF/POPF,
 * IN/OUT, MOV CR/DR, descriptor-table ops (group 6/7), CLTS, WBINVD,
 * RDMSR/WRMSR, RDTSC/RDTSCP, CPUID, SYSCALL/SYSRET, SWAPGS, INVLPG, fences
 * and group 15. */
#include "vmm/dbt/ops.h"
#include "vmm/dbt/smp.h"
#include "vmm/dbt/string_regs.h"

static inline void need_cpl0(DbtCpu *cpu)
{
    if (cpu->cpl != 0)
        dbt_raise(cpu, DBT_EXC_GP, 0);
}

static inline unsigned iopl(const DbtCpu *cpu)
{
    return (cpu->rflags & DBT_IOPL) >> 12;
}

int op_hlt(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if (cpu->flat)
        return DBT_HALT;   /* the standalone CPU stops at HLT (dbt.h) */
    need_cpl0(cpu);
    cpu->halted = true;
    return DBT_HALT;
}

int op_cli(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if ((unsigned)cpu->cpl > iopl(cpu))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    cpu->rflags &= ~(uint64_t)DBT_IF;
    return DBT_OK;
}

int op_sti(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if ((unsigned)cpu->cpl > iopl(cpu))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    if (!(cpu->rflags & DBT_IF))
        cpu->irq_shadow = true;
    cpu->rflags |= DBT_IF;
    return DBT_END_BLOCK;
}

int op_pushf(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t f = dbt_flags_get(cpu) & ~(uint64_t)(DBT_RF | DBT_VM);
    dbt_push(cpu, i->osz, f);
    return DBT_OK;
}

int op_popf(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t v = dbt_stack_read(cpu, 0, s);
    uint64_t mask = DBT_STATUS_FLAGS | DBT_TF | DBT_DF | DBT_NT | DBT_AC | DBT_ID;
    if (cpu->cpl == 0)
        mask |= DBT_IOPL | DBT_IF;
    else if ((unsigned)cpu->cpl <= iopl(cpu))
        mask |= DBT_IF;
    if (s == 2)
        mask &= 0xffff;
    dbt_flags_materialize(cpu);
    cpu->rflags = (cpu->rflags & ~mask) | (v & mask) | 2;
    cpu->gpr[DBT_RSP] = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], s);
    return DBT_END_BLOCK;
}

/* ---- port I/O ----------------------------------------------------------- */

/* In protected mode with CPL > IOPL, the @size ports from @port must be
 * allowed by the TSS's I/O permission bitmap (base at TSS offset 0x66;
 * two bytes read, both within the TSS limit; a set bit denies).  The
 * flat CPU is a Linux process without ioperm(): #GP. */
static void io_check(DbtCpu *cpu, uint16_t port, unsigned size)
{
    if (cpu->flat)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    if (!(cpu->cr0 & DBT_CR0_PE) || (unsigned)cpu->cpl <= iopl(cpu))
        return;
    if (cpu->tr.limit < 0x67)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint64_t off = dbt_sys_read(cpu, cpu->tr.base + 0x66, 2) + (uint64_t)(port >> 3);
    if (off + 1 > cpu->tr.limit)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint32_t bits = (uint32_t)dbt_sys_read(cpu, cpu->tr.base + off, 2);
    if ((bits >> (port & 7)) & ((1u << size) - 1))
        dbt_raise(cpu, DBT_EXC_GP, 0);
}

static unsigned io_size(const DbtInsn *i)
{
    return i->osz == 1 ? 1 : i->osz == 2 ? 2 : 4;
}

int op_in(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t port = i->sub ? (uint16_t)cpu->gpr[DBT_RDX] : (uint16_t)i->imm;
    unsigned s = io_size(i);
    io_check(cpu, port, s);
    uint32_t v = 0xffffffff;
    int r = cpu->host->pio_read(cpu->vcpu, port, s, &v);
    dbt_reg_write(cpu, DBT_RAX, s, true, v);
    if (r > 0) {
        cpu->exit_code = r;
        return DBT_EXIT;
    }
    return DBT_OK;
}

int op_out(DbtCpu *cpu, const DbtInsn *i)
{
    uint16_t port = i->sub ? (uint16_t)cpu->gpr[DBT_RDX] : (uint16_t)i->imm;
    unsigned s = io_size(i);
    io_check(cpu, port, s);
    int r = cpu->host->pio_write(cpu->vcpu, port, s, (uint32_t)cpu->gpr[DBT_RAX]);
    if (r > 0) {
        cpu->exit_code = r;
        return DBT_EXIT;
    }
    /* device writes may raise interrupts: look for them soon */
    return DBT_END_BLOCK;
}

/* INS/OUTS, one element per execution (REP re-executes); the address
 * size and the segments (ES:rDI, DS or an override :rSI) as for the
 * other string instructions (string_regs.h). */
int op_ins(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = io_size(i);
    uint16_t port = (uint16_t)cpu->gpr[DBT_RDX];
    io_check(cpu, port, s);
    bool rep = i->flags & (DBT_I_REP | DBT_I_REPNE);
    uint64_t cnt = rep ? dbt_areg(cpu, i, DBT_RCX) : 1;
    if (cnt == 0)
        return DBT_OK;
    uint64_t di = dbt_areg(cpu, i, DBT_RDI);
    uint64_t la = dbt_string_dst(cpu, i, di, s);
    dbt_probe_write(cpu, la, s);
    uint32_t v = 0xffffffff;
    int r = cpu->host->pio_read(cpu->vcpu, port, s, &v);
    dbt_write(cpu, la, s, v);
    dbt_areg_set(cpu, i, DBT_RDI, di + (uint64_t)dbt_string_step(cpu, s));
    if (rep) {
        dbt_areg_set(cpu, i, DBT_RCX, --cnt);
        if (cnt)
            cpu->next_rip = cpu->rip;
    }
    if (r > 0) {
        cpu->exit_code = r;
        return DBT_EXIT;
    }
    return rep ? DBT_END_BLOCK : DBT_OK;
}

int op_outs(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = io_size(i);
    uint16_t port = (uint16_t)cpu->gpr[DBT_RDX];
    io_check(cpu, port, s);
    bool rep = i->flags & (DBT_I_REP | DBT_I_REPNE);
    uint64_t cnt = rep ? dbt_areg(cpu, i, DBT_RCX) : 1;
    if (cnt == 0)
        return DBT_OK;
    uint64_t si = dbt_areg(cpu, i, DBT_RSI);
    uint32_t v = (uint32_t)dbt_read(cpu, dbt_seg_addr(cpu, i, si), s);
    int r = cpu->host->pio_write(cpu->vcpu, port, s, v);
    dbt_areg_set(cpu, i, DBT_RSI, si + (uint64_t)dbt_string_step(cpu, s));
    if (rep) {
        dbt_areg_set(cpu, i, DBT_RCX, --cnt);
        if (cnt)
            cpu->next_rip = cpu->rip;
    }
    if (r > 0) {
        cpu->exit_code = r;
        return DBT_EXIT;
    }
    return rep ? DBT_END_BLOCK : DBT_OK;
}

/* ---- control and debug registers ----------------------------------------- */

#define CR4_ALLOWED (DBT_CR4_PSE | DBT_CR4_PAE | DBT_CR4_PGE | DBT_CR4_PCE \
                     | DBT_CR4_OSFXSR | DBT_CR4_OSXMMEXCPT | (1ull << 2) | (1ull << 3) \
                     | (1ull << 6))

static void cr_write(DbtCpu *cpu, unsigned cr, uint64_t v)
{
    switch (cr) {
    case 0: {
        if (v >> 32)
            dbt_raise(cpu, DBT_EXC_GP, 0);
        if ((v & DBT_CR0_PG) && !(v & DBT_CR0_PE))
            dbt_raise(cpu, DBT_EXC_GP, 0);
        uint64_t changed = cpu->cr0 ^ v;
        if ((changed & DBT_CR0_PG) && (v & DBT_CR0_PG)) {
            /* paging on: long mode if EFER.LME (needs PAE), else 32-bit
             * or PAE paging (mmu.c) */
            if (cpu->efer & DBT_EFER_LME) {
                if (!(cpu->cr4 & DBT_CR4_PAE))
                    dbt_raise(cpu, DBT_EXC_GP, 0);
                cpu->efer |= DBT_EFER_LMA;
            }
        } else if (changed & DBT_CR0_PG) {
            /* paging off: leaves long mode, only from compatibility mode */
            if (cpu->mode == DBT_MODE_64)
                dbt_raise(cpu, DBT_EXC_GP, 0);
            cpu->efer &= ~DBT_EFER_LMA;
        }
        cpu->cr0 = v | DBT_CR0_ET;
        if (changed & (DBT_CR0_PG | DBT_CR0_WP | DBT_CR0_PE))
            dbt_tlb_flush(cpu, true);
        dbt_mode_update(cpu);
        break;
    }
    case 2:
        cpu->cr2 = v;
        break;
    case 3:
        if (v >> 52)
            dbt_raise(cpu, DBT_EXC_GP, 0);
        cpu->cr3 = v;
        dbt_tlb_flush(cpu, false);
        break;
    case 4: {
        if (v & ~CR4_ALLOWED)
            dbt_raise(cpu, DBT_EXC_GP, 0);
        if ((cpu->efer & DBT_EFER_LMA) && !(v & DBT_CR4_PAE))
            dbt_raise(cpu, DBT_EXC_GP, 0);
        uint64_t changed = cpu->cr4 ^ v;
        cpu->cr4 = v;
        if (changed & (DBT_CR4_PGE | DBT_CR4_PAE | DBT_CR4_PSE))
            dbt_tlb_flush(cpu, true);
        break;
    }
    case 8:
        if (v & ~0xfull)
            dbt_raise(cpu, DBT_EXC_GP, 0);
        cpu->cr8 = v;
        break;
    default:
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    }
}

/* 0F 20 (sub 0: read) / 0F 22 (sub 1: write) */
int op_mov_cr(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned cr = i->reg;
    if (cr != 0 && cr != 2 && cr != 3 && cr != 4 && cr != 8)
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    need_cpl0(cpu);
    bool legacy = i->flags & DBT_I_LEGACY;    /* 32-bit operands */
    if (i->sub) {
        cr_write(cpu, cr, legacy ? (uint32_t)cpu->gpr[i->rm] : cpu->gpr[i->rm]);
        return DBT_END_BLOCK;
    }
    uint64_t v = cr == 0 ? cpu->cr0 : cr == 2 ? cpu->cr2 : cr == 3 ? cpu->cr3
        : cr == 4 ? cpu->cr4 : cpu->cr8;
    cpu->gpr[i->rm] = legacy ? (uint32_t)v : v;
    return DBT_OK;
}

int op_mov_dr(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned dr = i->reg;
    if (dr > 7)
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    need_cpl0(cpu);
    if (dr == 4 || dr == 5)
        dr += 2;
    if (i->sub)
        cpu->dr[dr] = cpu->gpr[i->rm];
    else
        cpu->gpr[i->rm] = dr == 6 ? (cpu->dr[6] | 0xffff0ff0ull)
            : dr == 7 ? (cpu->dr[7] | 0x400) : cpu->dr[dr];
    return DBT_OK;
}

int op_clts(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    need_cpl0(cpu);
    cpu->cr0 &= ~DBT_CR0_TS;
    return DBT_OK;
}

int op_wbinvd(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    need_cpl0(cpu);
    return DBT_OK;
}

/* ---- descriptor tables ------------------------------------------------------- */

/* 0F 00: SLDT STR LLDT LTR VERR VERW */
int op_grp6(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned r = (i->modrm >> 3) & 7;
    switch (r) {
    case 0:
        dbt_rm_write(cpu, i, (i->flags & DBT_I_MEM) ? 2 : i->osz, cpu->ldt.sel);
        return DBT_OK;
    case 1:
        dbt_rm_write(cpu, i, (i->flags & DBT_I_MEM) ? 2 : i->osz, cpu->tr.sel);
        return DBT_OK;
    case 2:
    case 3: {
        need_cpl0(cpu);
        uint16_t sel = (uint16_t)dbt_rm_read(cpu, i, 2);
        if (r == 2 && (sel & ~3u) == 0) {
            cpu->ldt.sel = sel;
            cpu->ldt.base = 0;
            cpu->ldt.limit = 0;
            cpu->ldt.attr = 0;
            return DBT_OK;
        }
        /* 16-byte descriptors in IA-32e mode, 8-byte ones outside it
         * (where a 16-bit TSS, type 1, is also valid) */
        bool wide = cpu->efer & DBT_EFER_LMA;
        if ((sel & 4) || (uint64_t)(sel & ~7u) + (wide ? 15 : 7) > cpu->gdt_limit)
            dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
        uint64_t a = cpu->gdt_base + (sel & ~7u);
        uint64_t lo = dbt_sys_read(cpu, a, 8), hi = wide ? dbt_sys_read(cpu, a + 8, 8) : 0;
        unsigned type = (lo >> 40) & 0x1f;
        if (r == 2 ? type != 0x02 : (type != 0x09 && (wide || type != 0x01)))
            dbt_raise(cpu, DBT_EXC_GP, sel & ~3u);
        if (!((lo >> 47) & 1))
            dbt_raise(cpu, DBT_EXC_NP, sel & ~3u);
        DbtSeg *s = r == 2 ? &cpu->ldt : &cpu->tr;
        dbt_seg_from_desc(s, sel, lo, hi);
        s->base |= (hi & 0xffffffff) << 32;
        if (r == 3) {
            /* mark busy */
            dbt_sys_write(cpu, a, 8, lo | (1ull << 41));
            s->attr |= 2;
        }
        return DBT_OK;
    }
    case 4:
    case 5: {
        bool ok = dbt_seg_verify(cpu, (uint16_t)dbt_rm_read(cpu, i, 2), r == 5);
        dbt_flags_materialize(cpu);
        cpu->rflags = ok ? cpu->rflags | DBT_ZF : cpu->rflags & ~(uint64_t)DBT_ZF;
        return DBT_OK;
    }
    default:
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    }
}

/* 0F 01 */
int op_grp7(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned r = (i->modrm >> 3) & 7;
    if (!(i->flags & DBT_I_MEM)) {
        switch (i->modrm) {
        case 0xf8: /* SWAPGS */
            need_cpl0(cpu);
            {
                uint64_t t = cpu->seg[DBT_SEG_GS].base;
                cpu->seg[DBT_SEG_GS].base = cpu->kernel_gs_base;
                cpu->kernel_gs_base = t;
            }
            return DBT_OK;
        case 0xf9: { /* RDTSCP */
            uint64_t t = dbt_tsc_read(cpu);
            cpu->gpr[DBT_RAX] = (uint32_t)t;
            cpu->gpr[DBT_RDX] = t >> 32;
            cpu->gpr[DBT_RCX] = (uint32_t)cpu->tsc_aux;
            return DBT_OK;
        }
        default:
            if (r == 4) { /* SMSW reg */
                dbt_reg_write(cpu, i->rm, i->osz, true, cpu->cr0);
                return DBT_OK;
            }
            if (r == 6) { /* LMSW reg */
                need_cpl0(cpu);
                uint64_t v = cpu->gpr[i->rm] & 0xf;
                cpu->cr0 = (cpu->cr0 & ~0xeull) | v | (cpu->cr0 & 1);
                dbt_mode_update(cpu);     /* LMSW can set PE */
                return DBT_OK;
            }
            dbt_raise_noerr(cpu, DBT_EXC_UD);
        }
    }
    uint64_t ea = dbt_ea(cpu, i);
    switch (r) {
    case 0: /* SGDT */
    case 1: /* SIDT */
        if (i->flags & DBT_I_LEGACY) {
            dbt_probe_write(cpu, ea, 6);
            dbt_write16(cpu, ea, r ? cpu->idt_limit : cpu->gdt_limit);
            dbt_write32(cpu, ea + 2, (uint32_t)(r ? cpu->idt_base : cpu->gdt_base));
            return DBT_OK;
        }
        dbt_probe_write(cpu, ea, 10);
        dbt_write16(cpu, ea, r ? cpu->idt_limit : cpu->gdt_limit);
        dbt_write64(cpu, ea + 2, r ? cpu->idt_base : cpu->gdt_base);
        return DBT_OK;
    case 2: /* LGDT */
    case 3: { /* LIDT */
        need_cpl0(cpu);
        uint16_t lim = dbt_read16(cpu, ea);
        uint64_t base;
        if (i->flags & DBT_I_LEGACY)   /* 24-bit base with a 16-bit operand */
            base = dbt_read32(cpu, ea + 2) & (i->osz == 2 ? 0xffffff : 0xffffffff);
        else
            base = dbt_read64(cpu, ea + 2);
        if (!dbt_canonical(base))
            dbt_raise(cpu, DBT_EXC_GP, 0);
        if (r == 2) {
            cpu->gdt_base = base;
            cpu->gdt_limit = lim;
        } else {
            cpu->idt_base = base;
            cpu->idt_limit = lim;
        }
        return DBT_OK;
    }
    case 4: /* SMSW m16 */
        dbt_write16(cpu, ea, (uint16_t)cpu->cr0);
        return DBT_OK;
    case 6: { /* LMSW m16 */
        need_cpl0(cpu);
        uint64_t v = dbt_read16(cpu, ea) & 0xf;
        cpu->cr0 = (cpu->cr0 & ~0xeull) | v | (cpu->cr0 & 1);
        dbt_mode_update(cpu);
        return DBT_OK;
    }
    case 7: /* INVLPG */
        need_cpl0(cpu);
        dbt_tlb_flush_page(cpu, ea);
        return DBT_OK;
    default:
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    }
}

/* ---- MSRs, TSC, CPUID ---------------------------------------------------------- */

int op_wrmsr(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    need_cpl0(cpu);
    uint64_t v = (cpu->gpr[DBT_RDX] << 32) | (uint32_t)cpu->gpr[DBT_RAX];
    if (dbt_msr_write(cpu, (uint32_t)cpu->gpr[DBT_RCX], v) < 0)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    return DBT_END_BLOCK;
}

int op_rdmsr(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    need_cpl0(cpu);
    uint64_t v = 0;
    if (dbt_msr_read(cpu, (uint32_t)cpu->gpr[DBT_RCX], &v) < 0)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    cpu->gpr[DBT_RAX] = (uint32_t)v;
    cpu->gpr[DBT_RDX] = v >> 32;
    return DBT_OK;
}

int op_rdtsc(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if ((cpu->cr4 & (1ull << 2)) && cpu->cpl != 0)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint64_t t = dbt_tsc_read(cpu);
    cpu->gpr[DBT_RAX] = (uint32_t)t;
    cpu->gpr[DBT_RDX] = t >> 32;
    return DBT_OK;
}

int op_rdpmc(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    dbt_raise(cpu, DBT_EXC_GP, 0);
}

int op_cpuid(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    uint32_t out[4];
    dbt_cpuid(cpu, (uint32_t)cpu->gpr[DBT_RAX], (uint32_t)cpu->gpr[DBT_RCX], out);
    cpu->gpr[DBT_RAX] = out[0];
    cpu->gpr[DBT_RBX] = out[1];
    cpu->gpr[DBT_RCX] = out[2];
    cpu->gpr[DBT_RDX] = out[3];
    return DBT_OK;
}

/* ---- SYSCALL / SYSRET -------------------------------------------------------------- */

static void seg_flat(DbtSeg *s, uint16_t sel, bool code, unsigned dpl)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffff;
    /* present, S, type 0xB (code, RA) or 0x3 (data, RWA); code: L; data: DB; G */
    s->attr = (uint16_t)((code ? 0xb : 0x3) | 0x10 | (dpl << 5) | 0x80
                         | (code ? 0x2000 : 0x4000) | 0x8000);
}

int op_syscall(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if (cpu->flat || !(cpu->efer & DBT_EFER_SCE))
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    uint64_t fl = dbt_flags_get(cpu) & ~(uint64_t)DBT_RF;
    cpu->gpr[DBT_RCX] = cpu->next_rip;
    cpu->gpr[DBT_R11] = fl;
    cpu->rflags = (fl & ~cpu->sfmask & ~(uint64_t)DBT_RF) | 2;
    uint16_t sel = (uint16_t)(cpu->star >> 32);
    seg_flat(&cpu->seg[DBT_SEG_CS], sel & ~3u, true, 0);
    seg_flat(&cpu->seg[DBT_SEG_SS], (uint16_t)((sel + 8) & ~3u), false, 0);
    dbt_set_cpl(cpu, 0);
    dbt_mode_update(cpu);
    cpu->next_rip = cpu->lstar;
    return DBT_END_BLOCK;
}

int op_sysret(DbtCpu *cpu, const DbtInsn *i)
{
    if (!(cpu->efer & DBT_EFER_SCE))
        dbt_raise_noerr(cpu, DBT_EXC_UD);
    need_cpl0(cpu);
    if (!(i->flags & DBT_I_REXW))
        dbt_fatal(cpu, "SYSRET to compatibility mode (not supported)");
    if (!dbt_canonical(cpu->gpr[DBT_RCX]))
        dbt_raise(cpu, DBT_EXC_GP, 0);
    uint16_t sel = (uint16_t)(cpu->star >> 48);
    seg_flat(&cpu->seg[DBT_SEG_CS], (uint16_t)((sel + 16) | 3), true, 3);
    cpu->seg[DBT_SEG_SS].sel = (uint16_t)((sel + 8) | 3);
    cpu->seg[DBT_SEG_SS].attr = (uint16_t)(0x3 | 0x10 | (3 << 5) | 0x80 | 0x4000 | 0x8000);
    cpu->lf_op = DBT_LF_NONE;
    cpu->rflags = (cpu->gpr[DBT_R11] & 0x3c7fd7) | 2;
    dbt_set_cpl(cpu, 3);
    dbt_mode_update(cpu);
    cpu->next_rip = cpu->gpr[DBT_RCX];
    return DBT_END_BLOCK;
}

/* ---- group 15, fences, misc ------------------------------------------------------------ */

int op_grp15(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned r = (i->modrm >> 3) & 7;
    if (i->mandatory == 0xf3 || i->mandatory == 0xf2)
        dbt_raise_noerr(cpu, DBT_EXC_UD);   /* RDFSBASE etc.: not advertised */
    if (r <= 3 && (i->flags & DBT_I_MEM))
        return op_fpu(cpu, i);               /* FXSAVE FXRSTOR LDMXCSR STMXCSR */
    if (!(i->flags & DBT_I_MEM) && r >= 5) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);   /* LFENCE MFENCE SFENCE */
        return DBT_OK;
    }
    if ((i->flags & DBT_I_MEM) && r == 7 && i->mandatory == 0) {
        (void)dbt_read8(cpu, dbt_ea(cpu, i));       /* CLFLUSH: faults like a read */
        return DBT_OK;
    }
    dbt_raise_noerr(cpu, DBT_EXC_UD);
}

/* F3 90: PAUSE.  A spin-wait loop: if another vCPU waits for the baton,
 * let it run now (it is probably the one this loop waits for); with the
 * vCPUs in parallel, a host PAUSE, or a yield of the host CPU if the
 * wait goes on (dbt_smp_spin). */
int op_pause(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if (cpu->parallel) {
        dbt_smp_spin(cpu);
        return DBT_OK;
    }
    if (dbt_smp_contended(cpu)) {
        cpu->yield_now = true;
        return DBT_END_BLOCK;
    }
    return DBT_OK;
}

int op_fwait(DbtCpu *cpu, const DbtInsn *i)
{
    (void)i;
    if ((cpu->cr0 & (DBT_CR0_TS | DBT_CR0_MP)) == (DBT_CR0_TS | DBT_CR0_MP))
        dbt_raise_noerr(cpu, DBT_EXC_NM);
    return DBT_OK;
}

/* 0F C3: MOVNTI m, r (when the FPU unit does not take it) */
int op_movnti(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = (i->flags & DBT_I_REXW) ? 8 : 4;
    dbt_write(cpu, dbt_ea(cpu, i), s, dbt_gr_read(cpu, i, s));
    return DBT_OK;
}
