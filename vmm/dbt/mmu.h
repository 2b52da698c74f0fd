/* mmu.h - the soft MMU's types and entry points (mmu.c): guest RAM
 * ranges, the soft TLB, page walks and the slow paths of guest memory
 * access.  The inline fast paths are in mem.h, above cpu.h. */
#ifndef VESSEL_DBT_MMU_H
#define VESSEL_DBT_MMU_H

#include <stddef.h>

#include "vmm/dbt/arch.h"

/* 4096 entries per privilege class: compressors and interpreters touch
 * thousands of pages at random, which 1024 entries kept missing */
#define DBT_TLB_BITS 12
#define DBT_TLB_SIZE (1u << DBT_TLB_BITS)
#define DBT_PAGE_MASK (~(uint64_t)0xfff)
#define DBT_TLB_INVALID 1ull

/* what the fast paths read: 32 bytes, so translated code scales the
 * index by a shift */
typedef struct {
    uint64_t tag_r;        /* linear page if readable through this entry, else DBT_TLB_INVALID */
    uint64_t tag_w;        /* linear page if writable (RAM, not code, D set) */
    uint64_t tag_x;        /* linear page if executable */
    uintptr_t addend;      /* host address = addend + linear address */
} DbtTlbEntry;

/* what only the slow paths read of the entry at the same index */
typedef struct {
    uint64_t pa;           /* physical page */
    bool global;
} DbtTlbPage;

typedef struct DbtBlock DbtBlock;

typedef struct {
    uint64_t gpa;
    uint64_t size;
    uint8_t *host;
    uint8_t *code;         /* one byte per page: decoded blocks exist on it */
    DbtBlock **blocks;     /* per page: list of blocks with code on it */
} DbtRam;

typedef enum { DBT_ACC_READ, DBT_ACC_WRITE, DBT_ACC_EXEC } DbtAccess;

uint64_t dbt_mem_read_slow(DbtCpu *cpu, uint64_t la, unsigned size);
void dbt_mem_write_slow(DbtCpu *cpu, uint64_t la, unsigned size, uint64_t v);
/* Probe for a write (fault now, write later). */
void dbt_mem_probe_write_slow(DbtCpu *cpu, uint64_t la, unsigned size);
void dbt_mem_read_bytes(DbtCpu *cpu, uint64_t la, void *buf, unsigned len);
void dbt_mem_write_bytes(DbtCpu *cpu, uint64_t la, const void *buf, unsigned len);
/* Translate for instruction fetch: physical address and host pointer to
 * the rest of the page (NULL if not RAM: #PF/crash is raised). */
uint64_t dbt_mmu_translate(DbtCpu *cpu, uint64_t la, DbtAccess acc);
/* A block now lives on physical page @pa: route writes to it through the
 * slow path. */
void dbt_tlb_protect_code(DbtCpu *cpu, uint64_t pa);
/* The same for the TLB of vCPU @other, running in parallel on another
 * thread: every entry is looked at, and only write tags are cleared
 * (atomic stores; smp.c's protocol). */
void dbt_tlb_protect_code_remote(DbtCpu *other, uint64_t pa);
void dbt_tlb_flush(DbtCpu *cpu, bool include_global);
void dbt_tlb_flush_page(DbtCpu *cpu, uint64_t la);
void dbt_tlb_select(DbtCpu *cpu);                    /* after a CPL change */
void dbt_set_cpl(DbtCpu *cpu, int cpl);
/* Host pointer for a physical range inside RAM, else NULL. */
uint8_t *dbt_ram_ptr(DbtCpu *cpu, uint64_t pa, uint64_t len, DbtRam **ram);
/* Implicit supervisor accesses (descriptor tables, TSS, interrupt frames). */
uint64_t dbt_sys_read(DbtCpu *cpu, uint64_t la, unsigned size);
void dbt_sys_write(DbtCpu *cpu, uint64_t la, unsigned size, uint64_t v);

#endif /* VESSEL_DBT_MMU_H */
