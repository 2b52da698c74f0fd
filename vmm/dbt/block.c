/* block.c - the decoded-block cache.
 *
 * Design note: a block is up to DBT_BLOCK_MAX_INSNS decoded instructions
 * starting at a guest physical address and decoded in one mode (16, 32
 * or 64-bit code: the key is the pair), ending at a control transfer, a
 * system op, or the end of the page (an instruction that straddles two
 * pages ends its block and registers it on both).  Blocks live in one
 * arena; when it is full everything is dropped at once (no per-block
 * free).  Lookup is a hash on the physical address.  Each RAM page with
 * blocks has its code flag set and a list of its blocks; the soft MMU
 * never caches a write mapping for such a page, so the first write to it
 * reaches dbt_code_page_written(), which unlinks the page's blocks and
 * clears the flag.  The flag is set before the page's bytes are decoded
 * (with vCPUs in parallel, a store after that point reaches the slow
 * path: smp.c). */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/dbt/decode.h"
#include "vmm/dbt/exception.h"
#include "vmm/dbt/jit.h"
#include "vmm/dbt/mem.h"
#include "vmm/dbt/pass.h"
#include "vmm/dbt/smp.h"

#define DBT_ARENA_SIZE (64u << 20)

void dbt_block_cache_init(DbtCpu *cpu)
{
    if (!cpu->arena_size)
        cpu->arena_size = DBT_ARENA_SIZE;   /* unless the creator chose one */
    cpu->arena = malloc(cpu->arena_size);
    if (!cpu->arena)
        abort();
    cpu->arena_used = 0;
    memset(cpu->hash, 0, sizeof(cpu->hash));
    memset(cpu->jc, 0, sizeof(cpu->jc));
    for (unsigned k = 0; k < (1u << DBT_VJC_BITS); k++) {
        cpu->vjc[k].rip = 0;
        cpu->vjc[k].gen = cpu->chain_gen - 2;   /* matches nothing */
        cpu->vjc[k].block = NULL;
    }
}

void dbt_block_cache_fini(DbtCpu *cpu)
{
    free(cpu->arena);
    cpu->arena = NULL;
}

void dbt_block_flush_all(DbtCpu *cpu)
{
    dbt_chain_invalidate(cpu);
    dbt_jit_flush(cpu);     /* translations point at blocks and ops */
    cpu->jit_site = NULL;
    memset(cpu->hash, 0, sizeof(cpu->hash));
    memset(cpu->jc, 0, sizeof(cpu->jc));
    cpu->arena_used = 0;
    for (int k = 0; k < cpu->nram; k++) {
        size_t pages = (cpu->ram[k].size + 0xfff) >> 12;
        if (cpu->smp)
            for (size_t p = 0; p < pages; p++)
                if (cpu->ram[k].code[p])
                    dbt_smp_code_dropped(cpu, &cpu->ram[k], cpu->ram[k].gpa + (p << 12));
        memset(cpu->ram[k].code, 0, pages);
        memset(cpu->ram[k].blocks, 0, pages * sizeof(DbtBlock *));
    }
    cpu->leave_block = true;
}

static inline unsigned hash_pa(uint64_t pa)
{
    return (unsigned)((pa ^ (pa >> DBT_HASH_BITS) ^ (pa >> 28)) & ((1u << DBT_HASH_BITS) - 1));
}

static void hash_remove(DbtCpu *cpu, DbtBlock *b)
{
    DbtBlock **pp = &cpu->hash[hash_pa(b->pa)];
    while (*pp) {
        if (*pp == b) {
            *pp = b->hash_next;
            return;
        }
        pp = &(*pp)->hash_next;
    }
}

void dbt_code_page_written(DbtCpu *cpu, DbtRam *ram, uint64_t pa)
{
    size_t idx = (pa - ram->gpa) >> 12;
    DbtBlock *b = ram->blocks[idx];
    while (b) {
        DbtBlock *next = (b->pa & DBT_PAGE_MASK) == pa ? b->page_next[0] : b->page_next[1];
        if (b->valid) {
            b->valid = false;
            hash_remove(cpu, b);
        }
        b = next;
    }
    DBT_STAT_INC(cpu, code_writes);
    ram->blocks[idx] = NULL;
    if (ram->code[idx]) {
        ram->code[idx] = 0;
        dbt_smp_code_dropped(cpu, ram, pa);
    }
    cpu->leave_block = true;
}

/* Code is about to be decoded from page @pa: set its flag first. */
static void page_mark(DbtCpu *cpu, uint64_t pa)
{
    DbtRam *ram = NULL;
    if (!dbt_ram_ptr(cpu, pa, 1, &ram))
        return;
    size_t idx = (pa - ram->gpa) >> 12;
    if (!ram->code[idx]) {
        ram->code[idx] = 1;
        dbt_smp_code_marked(cpu, ram, pa);
    }
}

static void page_register(DbtCpu *cpu, DbtBlock *b, uint64_t pa, int slot)
{
    DbtRam *ram = NULL;
    if (!dbt_ram_ptr(cpu, pa, 1, &ram))
        return;
    size_t idx = (pa - ram->gpa) >> 12;
    b->page_next[slot] = ram->blocks[idx];
    ram->blocks[idx] = b;
    page_mark(cpu, pa);
}

static DbtBlock *block_build(DbtCpu *cpu, uint64_t rip, uint64_t pa)
{
    size_t need = sizeof(DbtBlock) + DBT_BLOCK_MAX_INSNS * sizeof(DbtInsn);
    if (cpu->arena_used + need > cpu->arena_size)
        dbt_block_flush_all(cpu);
    DbtBlock *b = (DbtBlock *)(void *)(cpu->arena + cpu->arena_used);
    /* RAM ranges are page aligned (dbt.h, cpu_backend.h) */
    uint8_t *page = dbt_ram_ptr(cpu, pa & DBT_PAGE_MASK, 0x1000, NULL);
    if (!page)
        dbt_fatal(cpu, "executing outside RAM");

    DBT_STAT_INC(cpu, blocks_built);
    page_mark(cpu, pa & DBT_PAGE_MASK);
    b->pa = pa;
    b->pa_page2 = ~0ull;
    b->hash_next = NULL;
    b->page_next[0] = b->page_next[1] = NULL;
    b->valid = true;
    b->mode = (uint8_t)cpu->mode;
    b->n = 0;
    b->succ_victim = 0;
    b->jit_code = NULL;
    for (int k = 0; k < 2; k++) {
        b->succ[k] = NULL;
        b->succ_rip[k] = 0;
        b->succ_gen[k] = cpu->chain_gen - 2;   /* matches no link */
    }

    uint64_t la = rip;
    unsigned off = pa & 0xfff;
    for (;;) {
        DbtInsn *in = &b->insn[b->n];
        unsigned avail = 0x1000 - off;
        int len = dbt_decode(in, page + off, avail, cpu->mode);
        if (len == -DBT_EXC_PF) {
            if (b->n > 0)
                break;  /* start a new block at the straddling instruction */
            uint8_t buf[16];
            memcpy(buf, page + off, avail);
            uint64_t next_la = (la & DBT_PAGE_MASK) + 0x1000;
            uint64_t pa2 = dbt_mmu_translate(cpu, next_la, DBT_ACC_EXEC) & DBT_PAGE_MASK;
            uint8_t *p2 = dbt_ram_ptr(cpu, pa2, 16, NULL);
            if (!p2)
                dbt_fatal(cpu, "executing outside RAM");
            page_mark(cpu, pa2);
            memcpy(buf + avail, p2, 15 - avail);
            len = dbt_decode(in, buf, 15, cpu->mode);
            b->pa_page2 = pa2;
            if (len > 0)
                in->flags |= DBT_I_CROSS | DBT_I_END;
        }
        if (len < 0) {
            /* longer than 15 bytes: #GP when executed */
            memset(in, 0, sizeof(*in));
            in->kind = DBT_KIND_TOO_LONG;
            in->len = 15;
            in->flags = DBT_I_END;
            b->n++;
            break;
        }
        b->n++;
        la += (unsigned)len;
        off += (unsigned)len;
        if ((in->flags & DBT_I_END) || b->n >= DBT_BLOCK_MAX_INSNS || off >= 0x1000)
            break;
    }
    for (unsigned k = 0; k < b->n; k++)
        b->insn[k].idx = (uint8_t)k;
    dbt_block_passes(b->insn, b->n);
    cpu->arena_used += sizeof(DbtBlock) + b->n * sizeof(DbtInsn);
    cpu->arena_used = (cpu->arena_used + 15) & ~(size_t)15;

    unsigned h = hash_pa(pa);
    b->hash_next = cpu->hash[h];
    cpu->hash[h] = b;
    page_register(cpu, b, pa & DBT_PAGE_MASK, 0);
    if (b->pa_page2 != ~0ull)
        page_register(cpu, b, b->pa_page2, 1);
    return b;
}

/* The block at physical address @pa in mode @mode through the front
 * cache, then the hash (which refills the front cache), or NULL.
 * Invalidated blocks stay in memory until the arena is reset (which
 * clears jc too), so a stale jc entry fails the valid check safely. */
static inline DbtBlock *block_lookup(DbtCpu *cpu, uint64_t pa, uint8_t mode, DbtBlock ***slotp)
{
    DbtBlock **slot = &cpu->jc[(pa ^ (pa >> DBT_JC_BITS)) & ((1u << DBT_JC_BITS) - 1)];
    DbtBlock *b = *slot;
    *slotp = slot;
    if (likely(b && b->pa == pa && b->mode == mode && b->valid))
        return b;
    DBT_STAT_INC(cpu, jc_misses);
    for (b = cpu->hash[hash_pa(pa)]; b; b = b->hash_next)
        if (b->pa == pa && b->mode == mode) {
            *slot = b;
            return b;
        }
    return NULL;
}

DbtBlock *dbt_block_get(DbtCpu *cpu, uint64_t rip)
{
    /* legacy modes fetch at CS.base + EIP, wrapping at 4 GiB */
    uint64_t la = likely(cpu->mode == DBT_MODE_64) ? rip : (uint32_t)(rip + cpu->code_base);
    uint64_t pa = dbt_fetch_pa(cpu, la);
    DBT_STAT_INC(cpu, block_lookups);
    DbtBlock **slot;
    DbtBlock *b = block_lookup(cpu, pa, (uint8_t)cpu->mode, &slot);
    if (!b) {
        b = block_build(cpu, la, pa);
        *slot = b;
    }
    return b;
}

DbtBlock *dbt_block_find(DbtCpu *cpu, uint64_t rip)
{
    uint64_t la = likely(cpu->mode == DBT_MODE_64) ? rip : (uint32_t)(rip + cpu->code_base);
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    if (e->tag_x != (la & DBT_PAGE_MASK))
        return NULL;
    uint64_t pa = dbt_tlb_page(cpu, e)->pa | (la & 0xfff);
    DBT_STAT_INC(cpu, block_finds);
    DbtBlock **slot;
    return block_lookup(cpu, pa, (uint8_t)cpu->mode, &slot);
}
