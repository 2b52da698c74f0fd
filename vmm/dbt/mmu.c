/* mmu.c - soft MMU: 4-level paging, the soft TLB, and the slow paths of
 * guest memory access (page crossings, misses, MMIO, writes to code).
 *
 * Design note: the TLB is direct mapped, one array per privilege class
 * (supervisor, user) so CPL changes need no flush.  An entry caches one
 * 4 KiB linear page of RAM as `host = addend + linear` with three tags:
 * readable, writable and executable.  The write tag is installed only when
 * the walk has set the dirty bit and the physical page holds no decoded
 * code, so the fast path (cpu.h) is a compare and a load/store; everything
 * else comes here.  MMIO pages are never cached: each access walks the page
 * tables and calls the machine.  Faults are raised with dbt_raise_pf(),
 * which longjmps back to the run loop. */
#include <stdio.h>

#include "vmm/dbt/exception.h"
#include "vmm/dbt/operand.h"
#include "vmm/dbt/smp.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

uint8_t *dbt_ram_ptr(DbtCpu *cpu, uint64_t pa, uint64_t len, DbtRam **ramp)
{
    for (int k = 0; k < cpu->nram; k++) {
        DbtRam *r = &cpu->ram[k];
        if (pa >= r->gpa && pa - r->gpa < r->size && len <= r->size - (pa - r->gpa)) {
            if (ramp)
                *ramp = r;
            return r->host + (pa - r->gpa);
        }
    }
    return NULL;
}

void dbt_tlb_select(DbtCpu *cpu)
{
    cpu->chain_gen = (cpu->chain_gen & ~1u) | (cpu->cpl == 3);
    cpu->mmu_cpl = cpu->cpl;
    cpu->tlb_cur = cpu->tlb[cpu->cpl == 3];
}

void dbt_set_cpl(DbtCpu *cpu, int cpl)
{
    cpu->cpl = cpl;
    dbt_tlb_select(cpu);
}

static inline void tlb_entry_clear(DbtTlbEntry *e)
{
    e->tag_r = e->tag_w = e->tag_x = DBT_TLB_INVALID;
    e->global = false;
}

void dbt_tlb_flush(DbtCpu *cpu, bool include_global)
{
    dbt_chain_invalidate(cpu);
    DBT_STAT_INC(cpu, flushes);
    for (int c = 0; c < 2; c++)
        for (unsigned k = 0; k < DBT_TLB_SIZE; k++)
            if (include_global || !cpu->tlb[c][k].global)
                tlb_entry_clear(&cpu->tlb[c][k]);
}

/* INVLPG: drop every entry in the same 2 MiB region (covers large pages) */
void dbt_tlb_flush_page(DbtCpu *cpu, uint64_t la)
{
    dbt_chain_invalidate(cpu);
    uint64_t region = la & ~0x1fffffull;
    for (int c = 0; c < 2; c++)
        for (unsigned k = 0; k < DBT_TLB_SIZE; k++) {
            DbtTlbEntry *e = &cpu->tlb[c][k];
            uint64_t tag = e->tag_r != DBT_TLB_INVALID ? e->tag_r
                : e->tag_x != DBT_TLB_INVALID ? e->tag_x : e->tag_w;
            if (tag != DBT_TLB_INVALID && (tag & ~0x1fffffull) == region)
                tlb_entry_clear(e);
        }
}

void dbt_tlb_protect_code(DbtCpu *cpu, uint64_t pa)
{
    pa &= DBT_PAGE_MASK;
    for (int c = 0; c < 2; c++)
        for (unsigned k = 0; k < DBT_TLB_SIZE; k++)
            if (cpu->tlb[c][k].pa == pa)
                cpu->tlb[c][k].tag_w = DBT_TLB_INVALID;
}

static uint64_t pte_read(DbtCpu *cpu, uint64_t pa, uint64_t **hostp)
{
    uint8_t *h = dbt_ram_ptr(cpu, pa, 8, NULL);
    if (!h)
        dbt_fatal(cpu, "page table outside RAM");
    *hostp = (uint64_t *)(void *)h;
    uint64_t v;
    memcpy(&v, h, 8);
    return v;
}

static inline uint32_t pfec_base(const DbtCpu *cpu, DbtAccess acc)
{
    uint32_t e = 0;
    if (acc == DBT_ACC_WRITE)
        e |= DBT_PFEC_W;
    if (cpu->mmu_cpl == 3)
        e |= DBT_PFEC_U;
    if (acc == DBT_ACC_EXEC && (cpu->efer & DBT_EFER_NXE))
        e |= DBT_PFEC_I;
    return e;
}

/* Walk the page tables; on success return the physical address and fill
 * the permission summary.  Raises #PF. */
static uint64_t walk(DbtCpu *cpu, uint64_t la, DbtAccess acc, bool *w_ok,
                     bool *x_ok, bool *dirty, bool *global)
{
    bool user = cpu->mmu_cpl == 3;
    bool nxe = cpu->efer & DBT_EFER_NXE;
    uint64_t rsvd_nx = nxe ? 0 : PTE_NX;
    uint64_t table = cpu->cr3 & PTE_ADDR;
    bool rw = true, us = true, nx = false;
    uint64_t *ent[4];
    uint64_t pte = 0, pa = 0;
    int level, nlev = 0;

    for (level = 3; level >= 0; level--) {
        unsigned idx = (la >> (12 + 9 * level)) & 511;
        uint64_t *h;
        pte = pte_read(cpu, table + idx * 8, &h);
        ent[nlev++] = h;
        if (!(pte & PTE_P))
            dbt_raise_pf(cpu, la, pfec_base(cpu, acc));
        if ((pte & rsvd_nx) || (level == 3 && (pte & PTE_PS)))
            dbt_raise_pf(cpu, la, pfec_base(cpu, acc) | DBT_PFEC_P | DBT_PFEC_RSVD);
        rw = rw && (pte & PTE_W);
        us = us && (pte & PTE_U);
        nx = nx || (nxe && (pte & PTE_NX));
        if (level > 0 && level < 3 && (pte & PTE_PS)) {
            uint64_t span = 1ull << (12 + 9 * level);
            pa = (pte & PTE_ADDR & ~(span - 1)) | (la & (span - 1));
            break;
        }
        if (level == 0)
            pa = (pte & PTE_ADDR) | (la & 0xfff);
        table = pte & PTE_ADDR;
    }

    bool wp = cpu->cr0 & DBT_CR0_WP;
    bool can_write = rw || (!user && !wp);
    bool fault = (user && !us)
        || (acc == DBT_ACC_WRITE && !can_write)
        || (acc == DBT_ACC_EXEC && nx);
    if (fault)
        dbt_raise_pf(cpu, la, pfec_base(cpu, acc) | DBT_PFEC_P);

    /* accessed bits on every level, dirty on the leaf for writes */
    for (int k = 0; k < nlev; k++) {
        uint64_t v;
        memcpy(&v, ent[k], 8);
        if (!(v & PTE_A)) {
            v |= PTE_A;
            memcpy(ent[k], &v, 8);
        }
    }
    uint64_t leaf;
    memcpy(&leaf, ent[nlev - 1], 8);
    if (acc == DBT_ACC_WRITE && !(leaf & PTE_D)) {
        leaf |= PTE_D;
        memcpy(ent[nlev - 1], &leaf, 8);
    }
    *w_ok = can_write && (!user || us);
    *x_ok = !nx;
    *dirty = leaf & PTE_D;
    *global = (leaf & PTE_G) && (cpu->cr4 & DBT_CR4_PGE);
    return pa;
}

/* A non-canonical address is #SS(0) when it goes through the stack
 * segment (implicit stack accesses, RSP/RBP-based operands), else #GP(0):
 * the kind of the instruction being executed (cpu->cur_insn; none while
 * delivering an interrupt) says whether it accesses the stack, and @la
 * (the faulting address) tells a stack instruction's memory operand
 * (PUSH m, POP m, CALL m) from its stack access. */
static int noncanonical_vector(DbtCpu *cpu, uint64_t la, DbtAccess acc)
{
    const DbtInsn *in = cpu->cur_insn;
    if (acc == DBT_ACC_EXEC || !in)
        return DBT_EXC_GP;
    bool stack = dbt_insn_attr(in) & DBT_KA_STACK;
    if ((in->flags & DBT_I_MEM) && (!stack || la - (dbt_ea(cpu, in) & DBT_PAGE_MASK) < 0x2000))
        return in->base == DBT_RSP || in->base == DBT_RBP ? DBT_EXC_SS : DBT_EXC_GP;
    return stack ? DBT_EXC_SS : DBT_EXC_GP;
}

uint64_t dbt_mmu_translate(DbtCpu *cpu, uint64_t la, DbtAccess acc)
{
    uint64_t pa;
    bool w_ok = true, x_ok = true, dirty = true, global = false;

    DBT_STAT_INC(cpu, tlb_misses);
    if (!dbt_canonical(la))
        dbt_raise(cpu, noncanonical_vector(cpu, la, acc), 0);
    if (cpu->cr0 & DBT_CR0_PG) {
        pa = walk(cpu, la, acc, &w_ok, &x_ok, &dirty, &global);
    } else {
        pa = la;
        if (cpu->flat && !dbt_ram_ptr(cpu, pa, 1, NULL))
            dbt_raise_pf(cpu, la, pfec_base(cpu, acc));
    }

    DbtRam *ram = NULL;
    uint64_t ppage = pa & DBT_PAGE_MASK;
    uint8_t *host = dbt_ram_ptr(cpu, ppage, 0x1000, &ram);
    if (host) {
        DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
        uint64_t lpage = la & DBT_PAGE_MASK;
        bool code = dbt_smp_page_has_code(cpu, ram, ppage);
        tlb_entry_clear(e);
        e->addend = (uintptr_t)host - lpage;
        e->pa = ppage;
        e->global = global;
        e->tag_r = lpage;
        if (w_ok && dirty && !code)
            e->tag_w = lpage;
        if (x_ok)
            e->tag_x = lpage;
    }
    return pa;
}

/* ---- slow paths ----------------------------------------------------- */

static inline bool crosses(uint64_t la, unsigned size)
{
    return (la & 0xfff) + size > 0x1000;
}

uint64_t dbt_mem_read_slow(DbtCpu *cpu, uint64_t la, unsigned size)
{
    if (crosses(la, size)) {
        uint64_t v = 0;
        for (unsigned k = 0; k < size; k++)
            v |= (uint64_t)dbt_read8(cpu, la + k) << (8 * k);
        return v;
    }
    uint64_t pa = dbt_mmu_translate(cpu, la, DBT_ACC_READ);
    uint8_t *h = dbt_ram_ptr(cpu, pa, size, NULL);
    uint64_t v = 0;
    if (h) {
        memcpy(&v, h, size);
        return v;
    }
    if (cpu->flat || !cpu->vcpu)
        dbt_raise_pf(cpu, la, 0);
    cpu->host->mmio_read(cpu->vcpu, pa, size, &v);
    return v & dbt_mask(size);
}

static void write_one_page(DbtCpu *cpu, uint64_t la, unsigned size, uint64_t v)
{
    uint64_t pa = dbt_mmu_translate(cpu, la, DBT_ACC_WRITE);
    DbtRam *ram = NULL;
    uint8_t *h = dbt_ram_ptr(cpu, pa, size, &ram);
    if (h) {
        if (dbt_smp_page_has_code(cpu, ram, pa & DBT_PAGE_MASK))
            dbt_smp_code_written(cpu, ram, pa & DBT_PAGE_MASK);
        memcpy(h, &v, size);
        return;
    }
    if (cpu->flat || !cpu->vcpu)
        dbt_raise_pf(cpu, la, DBT_PFEC_W);
    int r = cpu->host->mmio_write(cpu->vcpu, pa, size, v);
    if (r > 0) {
        cpu->pending_exit = r;
        cpu->leave_block = true;
    }
}

void dbt_mem_probe_write_slow(DbtCpu *cpu, uint64_t la, unsigned size)
{
    dbt_mmu_translate(cpu, la, DBT_ACC_WRITE);
    if (crosses(la, size))
        dbt_mmu_translate(cpu, (la + size - 1) & DBT_PAGE_MASK, DBT_ACC_WRITE);
}

void dbt_mem_write_slow(DbtCpu *cpu, uint64_t la, unsigned size, uint64_t v)
{
    if (crosses(la, size)) {
        dbt_mem_probe_write_slow(cpu, la, size);
        for (unsigned k = 0; k < size; k++)
            dbt_write8(cpu, la + k, (uint8_t)(v >> (8 * k)));
        return;
    }
    write_one_page(cpu, la, size, v);
}

void dbt_mem_read_bytes(DbtCpu *cpu, uint64_t la, void *buf, unsigned len)
{
    uint8_t *b = buf;
    unsigned k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t v = dbt_read64(cpu, la + k);
        memcpy(b + k, &v, 8);
    }
    for (; k < len; k++)
        b[k] = dbt_read8(cpu, la + k);
}

void dbt_mem_write_bytes(DbtCpu *cpu, uint64_t la, const void *buf, unsigned len)
{
    const uint8_t *b = buf;
    if (len == 0)
        return;
    /* fault before writing anything */
    for (uint64_t p = la & DBT_PAGE_MASK; p <= ((la + len - 1) & DBT_PAGE_MASK); p += 0x1000)
        dbt_probe_write(cpu, p < la ? la : p, 1);
    unsigned k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t v;
        memcpy(&v, b + k, 8);
        dbt_write64(cpu, la + k, v);
    }
    for (; k < len; k++)
        dbt_write8(cpu, la + k, b[k]);
}

uint64_t dbt_sys_read(DbtCpu *cpu, uint64_t la, unsigned size)
{
    int save = cpu->mmu_cpl;
    DbtTlbEntry *t = cpu->tlb_cur;
    cpu->mmu_cpl = 0;
    cpu->tlb_cur = cpu->tlb[0];
    uint64_t v = dbt_read(cpu, la, size);
    cpu->mmu_cpl = save;
    cpu->tlb_cur = t;
    return v;
}

void dbt_sys_write(DbtCpu *cpu, uint64_t la, unsigned size, uint64_t v)
{
    int save = cpu->mmu_cpl;
    DbtTlbEntry *t = cpu->tlb_cur;
    cpu->mmu_cpl = 0;
    cpu->tlb_cur = cpu->tlb[0];
    dbt_write(cpu, la, size, v);
    cpu->mmu_cpl = save;
    cpu->tlb_cur = t;
}
