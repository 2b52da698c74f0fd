/* legacy_int.c - interrupts, exceptions, IRET and far RET in protected
 * mode without long mode (16- and 32-bit code; real mode's IVT is in
 * legacy.c, the 64-bit IDT in exception.c).
 *
 * Design note: delivery follows the SDM's "Interrupt and Exception
 * Handling" for an 8-byte IDT gate: the gate (16- or 32-bit interrupt or
 * trap gate; task gates are not supported), its DPL for INT n, the target
 * code segment, and for a more privileged handler the stack from the TSS
 * (32-bit TSS: ESPn at 4 + 8n, SSn at 8 + 8n; 16-bit: SPn at 2 + 4n, SSn
 * at 4 + 4n), checked as the SDM says (#TS with the SS selector).  Every
 * check comes before anything changes; the frame (SS:ESP when the stack
 * changes, EFLAGS, CS, EIP, the error code) is pushed in the gate's size,
 * checked against the stack segment's limit (#SS) and written with
 * supervisor rights.  Error codes set EXT for everything but INT n,
 * INT3 and INTO.  IRET and RETF to an outer privilege level pop SS:ESP
 * and clear the data segment registers the new level may not use.
 * Virtual-8086 mode and task switches (a task gate, IRET with NT) stop
 * the guest as unsupported. */
#include "vmm/dbt/ops.h"

#define DESC_P (1ull << 47)

static bool tss_is_32(const DbtCpu *cpu)
{
    unsigned type = cpu->tr.attr & 0xf;
    return type == 0x9 || type == 0xb;
}

/* The 8 bytes of descriptor @sel (GDT or LDT), or false beyond the limit. */
static bool desc_get(DbtCpu *cpu, uint16_t sel, uint64_t *lo)
{
    uint64_t base = cpu->gdt_base, limit = cpu->gdt_limit;
    if (sel & 4) {
        base = cpu->ldt.base;
        limit = cpu->ldt.attr & 0x80 ? cpu->ldt.limit : 0;
    }
    if ((uint64_t)(sel & ~7u) + 7 > limit)
        return false;
    *lo = dbt_sys_read(cpu, base + (sel & ~7u), 8);
    return true;
}

/* The stack a handler runs on: segment and pointer. */
typedef struct {
    DbtSeg ss;
    uint64_t sp;
} Stack;

/* Offsets of the @n slots of @size below sp; #SS(@err) beyond the limit. */
static void stack_check(DbtCpu *cpu, const Stack *st, unsigned n, unsigned size, uint32_t err)
{
    uint64_t mask = st->ss.attr & 0x4000 ? 0xffffffffull : 0xffffull;
    uint64_t top = (st->sp - 1) & mask;
    uint64_t low = (st->sp - (uint64_t)n * size) & mask;
    if (low > top || top > st->ss.limit)
        dbt_raise(cpu, DBT_EXC_SS, err);
}

static void stack_write(DbtCpu *cpu, const Stack *st, unsigned k, unsigned size, uint64_t v)
{
    uint64_t mask = st->ss.attr & 0x4000 ? 0xffffffffull : 0xffffull;
    uint64_t off = (st->sp - (uint64_t)(k + 1) * size) & mask;
    dbt_sys_write(cpu, (uint32_t)(st->ss.base + off), size, v);
}

/* The inner stack for @cpl from the TSS, checked as a stack switch. */
static void tss_stack(DbtCpu *cpu, unsigned cpl, uint32_t ext, Stack *st)
{
    uint32_t tss_err = (cpu->tr.sel & ~3u) + ext;
    uint64_t sp;
    uint16_t ss;
    if (tss_is_32(cpu)) {
        if (8 + 8 * cpl + 1 > cpu->tr.limit)
            dbt_raise(cpu, DBT_EXC_TS, tss_err);
        sp = dbt_sys_read(cpu, cpu->tr.base + 4 + 8 * cpl, 4);
        ss = (uint16_t)dbt_sys_read(cpu, cpu->tr.base + 8 + 8 * cpl, 2);
    } else {
        if (4 + 4 * cpl + 1 > cpu->tr.limit)
            dbt_raise(cpu, DBT_EXC_TS, tss_err);
        sp = dbt_sys_read(cpu, cpu->tr.base + 2 + 4 * cpl, 2);
        ss = (uint16_t)dbt_sys_read(cpu, cpu->tr.base + 4 + 4 * cpl, 2);
    }
    uint32_t ss_err = (ss & ~3u) + ext;
    uint64_t lo;
    if ((ss & ~3u) == 0)
        dbt_raise(cpu, DBT_EXC_TS, ext);
    if (!desc_get(cpu, ss, &lo))
        dbt_raise(cpu, DBT_EXC_TS, ss_err);
    bool data_rw = ((lo >> 43) & 3) == 2 && ((lo >> 41) & 1); /* S=1, data, writable */
    if ((ss & 3u) != cpl || ((lo >> 45) & 3) != cpl || !data_rw)
        dbt_raise(cpu, DBT_EXC_TS, ss_err);
    if (!(lo & DESC_P))
        dbt_raise(cpu, DBT_EXC_SS, ss_err);
    dbt_seg_from_desc(&st->ss, ss, lo, 0);
    st->sp = sp;
}

int dbt_exc_deliver_prot(DbtCpu *cpu, int vector, bool soft, bool has_error, uint32_t error,
                         uint64_t ret_rip)
{
    uint32_t ext = soft ? 0 : 1;
    uint32_t idt_err = (uint32_t)vector * 8 + 2 + ext;
    if (cpu->rflags & DBT_VM)
        dbt_fatal(cpu, "interrupt in virtual-8086 mode (not supported)");
    if ((uint64_t)vector * 8 + 7 > cpu->idt_limit)
        dbt_raise(cpu, DBT_EXC_GP, idt_err);
    uint64_t gate = dbt_sys_read(cpu, cpu->idt_base + (uint64_t)vector * 8, 8);
    unsigned type = (gate >> 40) & 0x1f;   /* with S, which must be 0 */
    if (type == 0x05)
        dbt_fatal(cpu, "task gate in the IDT (task switches are not supported)");
    if (type != 0x06 && type != 0x07 && type != 0x0e && type != 0x0f)
        dbt_raise(cpu, DBT_EXC_GP, idt_err);
    if (soft && ((gate >> 45) & 3) < (unsigned)cpu->cpl)
        dbt_raise(cpu, DBT_EXC_GP, (uint32_t)vector * 8 + 2);
    if (!(gate & DESC_P))
        dbt_raise(cpu, DBT_EXC_NP, idt_err);
    bool gate32 = type & 0x08;
    unsigned size = gate32 ? 4 : 2;
    uint16_t sel = (uint16_t)(gate >> 16);
    uint64_t target = (gate & 0xffff) | (gate32 ? ((gate >> 48) & 0xffff) << 16 : 0);

    /* the handler's code segment */
    uint32_t cs_err = (sel & ~3u) + ext;
    uint64_t csd;
    if ((sel & ~3u) == 0)
        dbt_raise(cpu, DBT_EXC_GP, ext);
    if (!desc_get(cpu, sel, &csd))
        dbt_raise(cpu, DBT_EXC_GP, cs_err);
    unsigned cs_dpl = (csd >> 45) & 3;
    if (((csd >> 43) & 3) != 3 || cs_dpl > (unsigned)cpu->cpl)   /* S=1 and code */
        dbt_raise(cpu, DBT_EXC_GP, cs_err);
    if (!(csd & DESC_P))
        dbt_raise(cpu, DBT_EXC_NP, cs_err);
    bool conforming = (csd >> 42) & 1;
    unsigned new_cpl = conforming ? (unsigned)cpu->cpl : cs_dpl;
    DbtSeg ncs;
    dbt_seg_from_desc(&ncs, (uint16_t)((sel & ~3u) | new_cpl), csd, 0);

    /* the stack and the frame */
    Stack st = { cpu->seg[DBT_SEG_SS], cpu->gpr[DBT_RSP] };
    uint64_t frame[6];
    unsigned nf = 0;
    bool switched = new_cpl < (unsigned)cpu->cpl;
    uint32_t ss_fault = 0;
    if (switched) {
        tss_stack(cpu, new_cpl, ext, &st);
        ss_fault = (st.ss.sel & ~3u) + ext;
        frame[nf++] = cpu->seg[DBT_SEG_SS].sel;
        frame[nf++] = (uint32_t)cpu->gpr[DBT_RSP];
    }
    frame[nf++] = dbt_flags_get(cpu);
    frame[nf++] = cpu->seg[DBT_SEG_CS].sel;
    frame[nf++] = ret_rip;
    if (has_error)
        frame[nf++] = error;
    stack_check(cpu, &st, nf, size, ss_fault);
    if (target > ncs.limit)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    int save_cpl = cpu->mmu_cpl;
    DbtTlbEntry *save_tlb = cpu->tlb_cur;
    cpu->mmu_cpl = 0;
    cpu->tlb_cur = cpu->tlb[0];
    for (unsigned k = 0; k < nf; k++)
        stack_write(cpu, &st, k, size, frame[k]);
    cpu->mmu_cpl = save_cpl;
    cpu->tlb_cur = save_tlb;

    /* commit */
    uint64_t sp = st.sp - (uint64_t)nf * size;
    if (switched)
        cpu->seg[DBT_SEG_SS] = st.ss;
    if (st.ss.attr & 0x4000)
        cpu->gpr[DBT_RSP] = (uint32_t)sp;
    else
        cpu->gpr[DBT_RSP] = (switched ? 0 : cpu->gpr[DBT_RSP] & ~0xffffull) | (uint16_t)sp;
    cpu->seg[DBT_SEG_CS] = ncs;
    dbt_set_cpl(cpu, (int)new_cpl);
    dbt_mode_update(cpu);
    dbt_flags_materialize(cpu);
    cpu->rflags &= ~(uint64_t)(DBT_TF | DBT_NT | DBT_RF | DBT_VM);
    if (!(type & 1))
        cpu->rflags &= ~(uint64_t)DBT_IF;
    cpu->rip = cpu->next_rip = target;
    cpu->halted = false;
    return 0;
}

/* After a return to an outer level: data segment registers the new CPL
 * may not use become null (SDM, RET and IRET). */
static void clear_inner_segments(DbtCpu *cpu)
{
    static const int segs[] = { DBT_SEG_ES, DBT_SEG_DS, DBT_SEG_FS, DBT_SEG_GS };
    for (unsigned k = 0; k < sizeof(segs) / sizeof(segs[0]); k++) {
        DbtSeg *s = &cpu->seg[segs[k]];
        unsigned dpl = (s->attr >> 5) & 3;
        bool conforming_code = (s->attr & 0x0c) == 0x0c && (s->attr & 0x10);
        if ((s->attr & 0x80) && !conforming_code && dpl < (unsigned)cpu->cpl) {
            s->sel = 0;
            s->attr = 0;
            s->base = 0;
            s->limit = 0;
        }
    }
}

/* IRET (@iret) or far RET in real mode or protected mode without long
 * mode, popping @i->osz-sized values; RETF imm16 releases that many bytes
 * of parameters (on both stacks when it changes level). */
int dbt_far_return_legacy(DbtCpu *cpu, const DbtInsn *i, bool iret)
{
    unsigned s = i->osz;
    uint64_t imm = iret ? 0 : (i->imm & 0xffff);
    if (iret && (cpu->cr0 & DBT_CR0_PE) && (cpu->rflags & DBT_NT))
        dbt_fatal(cpu, "IRET with NT set (task switches are not supported)");
    uint64_t rip = dbt_stack_read(cpu, 0, s);
    uint16_t cs = (uint16_t)dbt_stack_read(cpu, s, s);
    uint64_t fl = iret ? dbt_stack_read(cpu, 2 * s, s) : 0;
    unsigned npop = iret ? 3 : 2;
    if (s == 2)
        rip = (uint16_t)rip;
    else
        rip = (uint32_t)rip;

    if (!(cpu->cr0 & DBT_CR0_PE)) {
        /* real mode */
        uint64_t sp1 = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], (int64_t)(npop * s + imm));
        dbt_far_load_cs(cpu, cs, rip);
        if (iret) {
            uint64_t mask = DBT_STATUS_FLAGS | DBT_TF | DBT_DF | DBT_NT | DBT_IF | DBT_IOPL;
            if (s == 4)
                mask |= DBT_AC | DBT_ID | DBT_RF;
            dbt_flags_materialize(cpu);
            cpu->rflags = (cpu->rflags & ~mask) | (fl & mask) | 2;
            cpu->nmi_blocked = false;
        }
        cpu->gpr[DBT_RSP] = sp1;
        return DBT_END_BLOCK;
    }

    if (iret && s == 4 && (fl & DBT_VM) && cpu->cpl == 0)
        dbt_fatal(cpu, "IRET to virtual-8086 mode (not supported)");
    unsigned rpl = cs & 3u;
    if ((cs & ~3u) == 0)
        dbt_raise(cpu, DBT_EXC_GP, 0);
    if (rpl < (unsigned)cpu->cpl)
        dbt_raise(cpu, DBT_EXC_GP, cs & ~3u);
    DbtSeg ncs, nss = cpu->seg[DBT_SEG_SS];
    dbt_seg_check_cs(cpu, cs, true, &ncs);
    bool outer = rpl > (unsigned)cpu->cpl;
    uint64_t new_sp = 0;
    if (outer) {
        uint64_t sp = dbt_stack_read(cpu, npop * s + imm, s);
        uint16_t ss = (uint16_t)dbt_stack_read(cpu, npop * s + imm + s, s);
        dbt_seg_check(cpu, DBT_SEG_SS, ss, rpl, &nss);
        new_sp = sp + imm;
    }
    if (rip > ncs.limit)
        dbt_raise(cpu, DBT_EXC_GP, 0);

    /* commit */
    uint64_t sp1 = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], (int64_t)(npop * s + imm));
    if (iret) {
        uint64_t mask = DBT_STATUS_FLAGS | DBT_TF | DBT_DF | DBT_NT;
        if (s == 4)
            mask |= DBT_AC | DBT_ID | DBT_RF;
        unsigned iopl = (cpu->rflags & DBT_IOPL) >> 12;
        if ((unsigned)cpu->cpl <= iopl)
            mask |= DBT_IF;
        if (cpu->cpl == 0) {
            mask |= DBT_IOPL;
            if (s == 4)
                mask |= DBT_VIF | DBT_VIP;
        }
        dbt_flags_materialize(cpu);
        cpu->rflags = (cpu->rflags & ~mask) | (fl & mask) | 2;
        cpu->nmi_blocked = false;
    }
    cpu->seg[DBT_SEG_CS] = ncs;
    if (outer) {
        cpu->seg[DBT_SEG_SS] = nss;
        cpu->gpr[DBT_RSP] = nss.attr & 0x4000 ? (uint32_t)new_sp
                                              : (cpu->gpr[DBT_RSP] & ~0xffffull) | (uint16_t)new_sp;
    } else {
        cpu->gpr[DBT_RSP] = sp1;
    }
    dbt_set_cpl(cpu, (int)rpl);
    if (outer)
        clear_inner_segments(cpu);
    dbt_mode_update(cpu);
    cpu->next_rip = rip;
    return DBT_END_BLOCK;
}
