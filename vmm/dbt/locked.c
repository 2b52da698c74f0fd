/* locked.c - locked read-modify-write of guest memory (locked.h): the
 * host atomics behind LOCK-prefixed instructions and XCHG with memory.
 *
 * Design note: a locked instruction's operand is probed for a write
 * first (its faults come before anything changes, as for every op), then
 * updated in place with a host LOCK CMPXCHG on the host bytes the soft
 * TLB maps it to: the op reads the old value, computes the new one and
 * its flags, and commits with the compare-exchange, computing again if
 * another vCPU wrote the operand in between.  That is one locked host
 * instruction per update, atomic against every other vCPU's locked and
 * plain accesses, as on hardware, whether the vCPUs take turns (smp.c's
 * baton) or run in parallel.  The fast case is the TLB's write entry
 * (guest RAM, no decoded code, one page).  Otherwise the walk tells:
 *  - RAM on a page with decoded code (which never has a write entry):
 *    the same host atomic on the RAM's bytes, then the page's blocks are
 *    invalidated as for any store to code (smp.h);
 *  - an operand across two pages that follow each other in the same RAM
 *    range: one host atomic too (the host locks a split access);
 *  - MMIO, or pages apart in host memory: the plain slow paths under the
 *    machine's locked-operation mutex (smp.c), atomic only against the
 *    other locked operations that fall back; guests do not lock such
 *    operands (Linux counts a split lock as a bug).
 * The compare-exchanges are inline assembly on byte-aligned types: a
 * locked operand need not be aligned, and the host takes it as it is. */
#include "vmm/dbt/locked.h"
#include "vmm/dbt/smp.h"

/* unaligned views of guest bytes for the assembly's memory operands */
typedef struct { uint16_t v; } __attribute__((packed, may_alias)) U16u;
typedef struct { uint32_t v; } __attribute__((packed, may_alias)) U32u;
typedef struct { uint64_t v; } __attribute__((packed, may_alias)) U64u;

/* LOCK CMPXCHG of @size bytes at @h: store @v if they hold *@old, else
 * load them into *@old */
static bool host_cas(uint8_t *h, unsigned size, uint64_t *old, uint64_t v)
{
    bool ok;
    switch (size) {
    case 1: {
        uint8_t o = (uint8_t)*old;
        __asm__ volatile("lock cmpxchgb %3, %1"
                         : "=@ccz"(ok), "+m"(*h), "+a"(o) : "q"((uint8_t)v) : "memory");
        *old = o;
        break;
    }
    case 2: {
        uint16_t o = (uint16_t)*old;
        __asm__ volatile("lock cmpxchgw %3, %1"
                         : "=@ccz"(ok), "+m"(((U16u *)h)->v), "+a"(o) : "r"((uint16_t)v)
                         : "memory");
        *old = o;
        break;
    }
    case 4: {
        uint32_t o = (uint32_t)*old;
        __asm__ volatile("lock cmpxchgl %3, %1"
                         : "=@ccz"(ok), "+m"(((U32u *)h)->v), "+a"(o) : "r"((uint32_t)v)
                         : "memory");
        *old = o;
        break;
    }
    default: {
        uint64_t o = *old;
        __asm__ volatile("lock cmpxchgq %3, %1"
                         : "=@ccz"(ok), "+m"(((U64u *)h)->v), "+a"(o) : "r"(v) : "memory");
        *old = o;
        break;
    }
    }
    return ok;
}

static uint64_t host_read(const uint8_t *h, unsigned size)
{
    switch (size) {
    case 1: return *(const volatile uint8_t *)h;
    case 2: return ((const volatile U16u *)h)->v;
    case 4: return ((const volatile U32u *)h)->v;
    default: return ((const volatile U64u *)h)->v;
    }
}

/* The host bytes of the (probed) operand @la..+@size, or NULL: see the
 * design note.  @m->code says whether they hold decoded code. */
static uint8_t *locked_host(DbtCpu *cpu, uint64_t la, unsigned size, DbtRmw *m)
{
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    m->code = false;
    if (likely(e->tag_w == (la & DBT_PAGE_MASK) && (la & 0xfff) <= 0x1000 - size))
        return (uint8_t *)(e->addend + la);
    uint64_t pa = dbt_mmu_translate(cpu, la, DBT_ACC_WRITE);
    uint64_t page = pa & DBT_PAGE_MASK, page2 = page;
    if ((la & 0xfff) + size > 0x1000) {
        page2 = dbt_mmu_translate(cpu, (la + size - 1) & DBT_PAGE_MASK, DBT_ACC_WRITE);
        if (page2 != page + 0x1000)
            return NULL;
    }
    DbtRam *ram = NULL;
    uint8_t *h = dbt_ram_ptr(cpu, pa, size, &ram);
    if (h)
        m->code = dbt_smp_page_has_code(cpu, ram, page)
            || (page2 != page && dbt_smp_page_has_code(cpu, ram, page2));
    return h;
}

uint64_t dbt_rmw_begin_at(DbtCpu *cpu, const DbtInsn *i, unsigned size, uint64_t la,
                          bool locked, DbtRmw *m)
{
    m->insn = i;
    m->size = size;
    m->la = la;
    m->mem = true;
    m->locked = locked;
    m->fallback = false;
    dbt_probe_write(cpu, la, size);
    if (!locked)
        return dbt_read(cpu, la, size);
    m->host = locked_host(cpu, la, size, m);
    if (m->host)
        return host_read(m->host, size);
    m->fallback = true;
    dbt_smp_locked_enter(cpu);
    return dbt_read(cpu, la, size);   /* probed: no fault while holding it */
}

/* The operand's page(s) held decoded code: drop their blocks now that
 * the store is done (smp.h: every vCPU's). */
static void locked_code_written(DbtCpu *cpu, const DbtRmw *m)
{
    uint64_t last = (m->la + m->size - 1) & DBT_PAGE_MASK;
    for (uint64_t la = m->la & DBT_PAGE_MASK;; la += 0x1000) {
        DbtRam *ram = NULL;
        uint64_t pa = dbt_mmu_translate(cpu, la, DBT_ACC_READ) & DBT_PAGE_MASK;
        if (dbt_ram_ptr(cpu, pa, 1, &ram) && dbt_smp_page_has_code(cpu, ram, pa))
            dbt_smp_code_written(cpu, ram, pa);
        if (la == last)
            break;
    }
}

bool dbt_locked_commit(DbtCpu *cpu, DbtRmw *m, uint64_t *old, uint64_t v)
{
    if (m->fallback) {
        dbt_write(cpu, m->la, m->size, v);
        dbt_smp_locked_leave(cpu);
        return true;
    }
    if (!host_cas(m->host, m->size, old, v))
        return false;
    if (m->code)
        locked_code_written(cpu, m);
    return true;
}

void dbt_locked_abort(DbtCpu *cpu, DbtRmw *m)
{
    if (m->fallback)
        dbt_smp_locked_leave(cpu);
}

bool dbt_locked_cmpxchg16b(DbtCpu *cpu, uint64_t la, uint64_t *lo, uint64_t *hi,
                           uint64_t new_lo, uint64_t new_hi)
{
    DbtRmw m = { .la = la, .size = 16, .mem = true, .locked = true };
    uint8_t *h = locked_host(cpu, la, 16, &m);
    bool ok;
    if (!h) {
        dbt_smp_locked_enter(cpu);
        uint64_t l = dbt_read64(cpu, la), u = dbt_read64(cpu, la + 8);
        ok = l == *lo && u == *hi;
        if (ok) {
            dbt_write64(cpu, la, new_lo);
            dbt_write64(cpu, la + 8, new_hi);
        }
        *lo = l;
        *hi = u;
        dbt_smp_locked_leave(cpu);
        return ok;
    }
    __asm__ volatile("lock cmpxchg16b %1"
                     : "=@ccz"(ok), "+m"(*(unsigned __int128 *)(void *)h), "+a"(*lo), "+d"(*hi)
                     : "b"(new_lo), "c"(new_hi) : "memory");
    if (ok && m.code)
        locked_code_written(cpu, &m);
    return ok;
}
