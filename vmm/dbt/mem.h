/* mem.h - guest memory access from ops: the soft TLB's inline fast
 * paths (one compare, then a host load or store) in front of the slow
 * paths of mmu.c.  dbt_read/dbt_write are always inlined. */
#ifndef VESSEL_DBT_MEM_H
#define VESSEL_DBT_MEM_H

#include "vmm/dbt/cpu.h"
#include "vmm/dbt/mmu.h"

/* Physical address of an instruction byte (TLB fast path). */
static inline uint64_t dbt_fetch_pa(DbtCpu *cpu, uint64_t la)
{
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    if (likely(e->tag_x == (la & DBT_PAGE_MASK)))
        return dbt_tlb_page(cpu, e)->pa | (la & 0xfff);
    return dbt_mmu_translate(cpu, la, DBT_ACC_EXEC);
}

#define DBT_DEFINE_ACCESS(bits, type)                                        \
static inline type dbt_read##bits(DbtCpu *cpu, uint64_t la)                  \
{                                                                            \
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];   \
    if (likely(e->tag_r == (la & DBT_PAGE_MASK)                              \
               && (la & 0xfff) <= 0x1000 - sizeof(type))) {                  \
        type v;                                                              \
        memcpy(&v, (const void *)(e->addend + la), sizeof(type));           \
        return v;                                                            \
    }                                                                        \
    return (type)dbt_mem_read_slow(cpu, la, sizeof(type));                   \
}                                                                            \
static inline void dbt_write##bits(DbtCpu *cpu, uint64_t la, type v)         \
{                                                                            \
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];   \
    if (likely(e->tag_w == (la & DBT_PAGE_MASK)                              \
               && (la & 0xfff) <= 0x1000 - sizeof(type))) {                  \
        memcpy((void *)(e->addend + la), &v, sizeof(type));                 \
        return;                                                              \
    }                                                                        \
    dbt_mem_write_slow(cpu, la, sizeof(type), v);                            \
}
DBT_DEFINE_ACCESS(8, uint8_t)
DBT_DEFINE_ACCESS(16, uint16_t)
DBT_DEFINE_ACCESS(32, uint32_t)
DBT_DEFINE_ACCESS(64, uint64_t)

/* Access of a size known only at run time (1, 2, 4 or 8): one TLB
 * check, then the size switch; always inlined (an out-of-line copy per
 * file cost a call per memory operand). */
static inline __attribute__((always_inline)) uint64_t dbt_read(DbtCpu *cpu, uint64_t la,
                                                               unsigned size)
{
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    if (likely(e->tag_r == (la & DBT_PAGE_MASK) && (la & 0xfff) <= 0x1000 - size)) {
        const void *p = (const void *)(e->addend + la);
        uint16_t v2;
        uint32_t v4;
        uint64_t v8;
        switch (size) {
        case 1: return *(const uint8_t *)p;
        case 2: memcpy(&v2, p, 2); return v2;
        case 4: memcpy(&v4, p, 4); return v4;
        default: memcpy(&v8, p, 8); return v8;
        }
    }
    return dbt_mem_read_slow(cpu, la, size);
}
static inline __attribute__((always_inline)) void dbt_write(DbtCpu *cpu, uint64_t la,
                                                            unsigned size, uint64_t v)
{
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    if (likely(e->tag_w == (la & DBT_PAGE_MASK) && (la & 0xfff) <= 0x1000 - size)) {
        void *p = (void *)(e->addend + la);
        uint16_t v2 = (uint16_t)v;
        uint32_t v4 = (uint32_t)v;
        switch (size) {
        case 1: *(uint8_t *)p = (uint8_t)v; break;
        case 2: memcpy(p, &v2, 2); break;
        case 4: memcpy(p, &v4, 4); break;
        default: memcpy(p, &v, 8); break;
        }
        return;
    }
    dbt_mem_write_slow(cpu, la, size, v);
}
/* Make sure [la, la+size) is writable now (may fault). */
static inline void dbt_probe_write(DbtCpu *cpu, uint64_t la, unsigned size)
{
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    if (likely(e->tag_w == (la & DBT_PAGE_MASK) && (la & 0xfff) <= 0x1000 - size))
        return;
    dbt_mem_probe_write_slow(cpu, la, size);
}

#endif /* VESSEL_DBT_MEM_H */
