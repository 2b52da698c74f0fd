/* mmu.c - soft MMU: 4-level, PAE and 32-bit paging (paging_fmt), the
 * soft TLB, and the slow paths of guest memory access (page crossings,
 * misses, MMIO, writes to code).
 *
 * Design note: the TLB is direct mapped, one array per privilege class
 * (supervisor, user) so CPL changes need no flush.  An entry caches one
 * 4 KiB linear page of RAM as `host = addend + linear` with three tags:
 * readable, writable and executable.  The write tag is installed only when
 * the walk has set the dirty bit and the physical page holds no decoded
 * code (of any vCPU; with vCPUs in parallel the refill checks again after
 * a fence, smp.c), so the fast path (cpu.h) is a compare and a
 * load/store; everything else comes here.  MMIO pages are never cached: each access walks the page
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
}

static inline bool tlb_entry_free(const DbtTlbEntry *e)
{
    return e->tag_r == DBT_TLB_INVALID && e->tag_w == DBT_TLB_INVALID
        && e->tag_x == DBT_TLB_INVALID;
}

/* entry @k of class @c (0 supervisor, 1 user) holds a page now */
static void tlb_note_used(DbtCpu *cpu, unsigned c, unsigned k)
{
    if (cpu->tlb_nused[c] < DBT_TLB_SIZE)
        cpu->tlb_used[c][cpu->tlb_nused[c]++] = (uint16_t)k;
    else
        cpu->tlb_nused[c] = DBT_TLB_SIZE + 1;
}

/* The entries of class @c that may hold a page, from the used list (or
 * every entry when it lost count): calls @drop on each and keeps in the
 * list those it returns false for.  An index may be listed twice (an
 * entry dropped by INVLPG, then filled again): harmless, and a list that
 * runs full is rebuilt from the whole table. */
static void tlb_visit(DbtCpu *cpu, unsigned c,
                      bool (*drop)(DbtCpu *cpu, unsigned c, unsigned k, const void *arg),
                      const void *arg)
{
    uint32_t n = cpu->tlb_nused[c], kept = 0;
    bool all = n > DBT_TLB_SIZE;
    for (uint32_t j = 0; j < (all ? DBT_TLB_SIZE : n); j++) {
        unsigned k = all ? j : cpu->tlb_used[c][j];
        if (tlb_entry_free(&cpu->tlb[c][k]) || drop(cpu, c, k, arg))
            continue;
        cpu->tlb_used[c][kept++] = (uint16_t)k;    /* kept <= j: never ahead */
    }
    cpu->tlb_nused[c] = kept;
}

static bool flush_one(DbtCpu *cpu, unsigned c, unsigned k, const void *arg)
{
    if (!*(const bool *)arg && cpu->tlb_page[c][k].global)
        return false;
    tlb_entry_clear(&cpu->tlb[c][k]);
    return true;
}

void dbt_tlb_flush(DbtCpu *cpu, bool include_global)
{
    dbt_chain_invalidate(cpu);
    DBT_STAT_INC(cpu, flushes);
    for (unsigned c = 0; c < 2; c++)
        tlb_visit(cpu, c, flush_one, &include_global);
}

typedef struct {
    uint64_t region, span;
} FlushRegion;

static bool flush_region(DbtCpu *cpu, unsigned c, unsigned k, const void *arg)
{
    const FlushRegion *r = arg;
    DbtTlbEntry *e = &cpu->tlb[c][k];
    uint64_t tag = e->tag_r != DBT_TLB_INVALID ? e->tag_r
        : e->tag_x != DBT_TLB_INVALID ? e->tag_x : e->tag_w;
    if ((tag & ~r->span) != r->region)
        return false;
    tlb_entry_clear(e);
    return true;
}

/* INVLPG: drop every entry in the same 2 MiB region (4 MiB with 32-bit
 * paging), which covers a large page */
void dbt_tlb_flush_page(DbtCpu *cpu, uint64_t la)
{
    dbt_chain_invalidate(cpu);
    uint64_t span = (cpu->efer & DBT_EFER_LMA) || (cpu->cr4 & DBT_CR4_PAE) ? 0x1fffffull
                                                                          : 0x3fffffull;
    FlushRegion r = { la & ~span, span };
    for (unsigned c = 0; c < 2; c++)
        tlb_visit(cpu, c, flush_region, &r);
}

static bool protect_one(DbtCpu *cpu, unsigned c, unsigned k, const void *arg)
{
    if (cpu->tlb_page[c][k].pa == *(const uint64_t *)arg)
        cpu->tlb[c][k].tag_w = DBT_TLB_INVALID;
    return false;
}

void dbt_tlb_protect_code(DbtCpu *cpu, uint64_t pa)
{
    pa &= DBT_PAGE_MASK;
    for (unsigned c = 0; c < 2; c++)
        tlb_visit(cpu, c, protect_one, &pa);
}

/* The owner may be refilling or flushing entries meanwhile: a cleared
 * write tag only ever sends a store to the slow path. */
void dbt_tlb_protect_code_remote(DbtCpu *other, uint64_t pa)
{
    pa &= DBT_PAGE_MASK;
    for (unsigned c = 0; c < 2; c++)
        for (unsigned k = 0; k < DBT_TLB_SIZE; k++)
            if (__atomic_load_n(&other->tlb_page[c][k].pa, __ATOMIC_RELAXED) == pa)
                __atomic_store_n(&other->tlb[c][k].tag_w, DBT_TLB_INVALID, __ATOMIC_RELAXED);
}

/* @size bytes (1, 2, 4 or 8) at host address @h, little-endian, and
 * back: a fixed-size copy per case (a copy of a variable size is a call
 * to the C library's memmove on the slow paths' every access) */
static inline uint64_t host_load(const uint8_t *h, unsigned size)
{
    uint16_t v2;
    uint32_t v4;
    uint64_t v8;
    switch (size) {
    case 1: return *h;
    case 2: memcpy(&v2, h, 2); return v2;
    case 4: memcpy(&v4, h, 4); return v4;
    default: memcpy(&v8, h, 8); return v8;
    }
}

static inline void host_store(uint8_t *h, unsigned size, uint64_t v)
{
    uint16_t v2 = (uint16_t)v;
    uint32_t v4 = (uint32_t)v;
    switch (size) {
    case 1: *h = (uint8_t)v; break;
    case 2: memcpy(h, &v2, 2); break;
    case 4: memcpy(h, &v4, 4); break;
    default: memcpy(h, &v, 8); break;
    }
}

/* A paging entry of @size bytes (4 or 8) at physical @pa. */
static uint64_t pte_read(DbtCpu *cpu, uint64_t pa, unsigned size, uint8_t **hostp)
{
    uint8_t *h = dbt_ram_ptr(cpu, pa, size, NULL);
    if (!h)
        dbt_fatal(cpu, "page table outside RAM");
    *hostp = h;
    return host_load(h, size);
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

/* The paging structures in use: 4-level (IA-32e), PAE (3 levels, the
 * top one the four PDPTEs) or 32-bit (2 levels of 4-byte entries). */
typedef struct {
    int levels;
    unsigned esize;        /* bytes per entry */
    unsigned bits;         /* index bits per level */
    uint64_t top;          /* physical address of the top table */
    uint64_t addr_mask;    /* the next table's / the page's address in an entry */
    bool pae_top;          /* level 2 is a PDPTE: no rights, no A bit */
    bool large[4];         /* PS allowed at this level */
} PagingFmt;

static void paging_fmt(const DbtCpu *cpu, PagingFmt *f)
{
    memset(f, 0, sizeof(*f));
    if (cpu->efer & DBT_EFER_LMA) {
        *f = (PagingFmt){ .levels = 4, .esize = 8, .bits = 9, .top = cpu->cr3 & PTE_ADDR,
                          .addr_mask = PTE_ADDR, .large = { false, true, true, false } };
    } else if (cpu->cr4 & DBT_CR4_PAE) {
        *f = (PagingFmt){ .levels = 3, .esize = 8, .bits = 9,
                          .top = cpu->cr3 & 0xffffffe0ull, .addr_mask = PTE_ADDR,
                          .pae_top = true, .large = { false, true, false, false } };
    } else {
        *f = (PagingFmt){ .levels = 2, .esize = 4, .bits = 10, .top = cpu->cr3 & 0xfffff000ull,
                          .addr_mask = 0xfffff000ull,
                          .large = { false, (cpu->cr4 & DBT_CR4_PSE) != 0, false, false } };
    }
}

/* Set bits in the paging entry at @h that holds @old, as the hardware
 * does: atomically, and only if no other vCPU changed it meanwhile. */
static bool pte_set_bits(uint8_t *h, unsigned size, uint64_t old, uint64_t v)
{
    if (size == 4) {
        uint32_t o = (uint32_t)old;
        return __atomic_compare_exchange_n((uint32_t *)(void *)h, &o, (uint32_t)v, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    return __atomic_compare_exchange_n((uint64_t *)(void *)h, &old, v, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Walk the page tables; on success return the physical address and fill
 * the permission summary.  Raises #PF.  The accessed and dirty bits are
 * set with a compare-exchange on the entries the walk read; if another
 * vCPU changed one in between, the walk starts again. */
static uint64_t walk(DbtCpu *cpu, uint64_t la, DbtAccess acc, bool *w_ok,
                     bool *x_ok, bool *dirty, bool *global)
{
    bool user = cpu->mmu_cpl == 3;
    PagingFmt f;
    paging_fmt(cpu, &f);
    bool nxe = (cpu->efer & DBT_EFER_NXE) && f.esize == 8;
    uint64_t rsvd_nx = f.esize == 8 && !nxe ? PTE_NX : 0;
again:;
    uint64_t table = f.top;
    bool rw = true, us = true, nx = false;
    uint8_t *ent[4];
    uint64_t val[4];
    uint64_t pte = 0, pa = 0;
    int level, nlev = 0;

    for (level = f.levels - 1; level >= 0; level--) {
        unsigned shift = 12 + f.bits * (unsigned)level;
        unsigned idx = (la >> shift) & ((1u << f.bits) - 1);
        uint8_t *h;
        pte = pte_read(cpu, table + (uint64_t)idx * f.esize, f.esize, &h);
        bool pdpte = f.pae_top && level == 2;
        if (!pdpte) {
            ent[nlev] = h;
            val[nlev++] = pte;
        }
        if (!(pte & PTE_P))
            dbt_raise_pf(cpu, la, pfec_base(cpu, acc));
        if ((pte & rsvd_nx) || (level == 3 && (pte & PTE_PS)))
            dbt_raise_pf(cpu, la, pfec_base(cpu, acc) | DBT_PFEC_P | DBT_PFEC_RSVD);
        if (!pdpte) {
            rw = rw && (pte & PTE_W);
            us = us && (pte & PTE_U);
            nx = nx || (nxe && (pte & PTE_NX));
        }
        if (level > 0 && f.large[level] && (pte & PTE_PS)) {
            uint64_t span = 1ull << shift;
            if (f.esize == 4)   /* PSE-36: bits 20:13 are physical bits 39:32 */
                pa = (pte & 0xffc00000ull) | (((pte >> 13) & 0xff) << 32) | (la & (span - 1));
            else
                pa = (pte & f.addr_mask & ~(span - 1)) | (la & (span - 1));
            break;
        }
        if (level == 0)
            pa = (pte & f.addr_mask) | (la & 0xfff);
        table = pte & f.addr_mask;
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
        uint64_t v = val[k] | PTE_A;
        if (k == nlev - 1 && acc == DBT_ACC_WRITE)
            v |= PTE_D;
        if (v != val[k] && !pte_set_bits(ent[k], f.esize, val[k], v))
            goto again;
    }
    uint64_t leaf = val[nlev - 1] | (acc == DBT_ACC_WRITE ? PTE_D : 0);
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
        unsigned c = cpu->tlb_cur == cpu->tlb[1], k = (la >> 12) & (DBT_TLB_SIZE - 1);
        DbtTlbEntry *e = &cpu->tlb[c][k];
        uint64_t lpage = la & DBT_PAGE_MASK;
        bool code = dbt_smp_page_has_code(cpu, ram, ppage);
        if (tlb_entry_free(e))
            tlb_note_used(cpu, c, k);
        tlb_entry_clear(e);
        e->addend = (uintptr_t)host - lpage;
        cpu->tlb_page[c][k].pa = ppage;
        cpu->tlb_page[c][k].global = global;
        e->tag_r = lpage;
        if (w_ok && dirty && !code) {
            e->tag_w = lpage;
            if (cpu->parallel) {
                /* another vCPU may be marking the page code right now:
                 * one of us sees the other (smp.c) */
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
                if (dbt_smp_page_has_code(cpu, ram, ppage))
                    e->tag_w = DBT_TLB_INVALID;
            }
        }
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
    if (h)
        return host_load(h, size);
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
        /* the store first: a vCPU that decodes the page after the
         * invalidation must find the new bytes */
        host_store(h, size, v);
        if (dbt_smp_page_has_code(cpu, ram, pa & DBT_PAGE_MASK))
            dbt_smp_code_written(cpu, ram, pa & DBT_PAGE_MASK);
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
