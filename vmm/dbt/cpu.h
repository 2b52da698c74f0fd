/* cpu.h - internal state of the dbt CPU and the one op signature.
 *
 * Design note (applies to the whole interpreter):
 *  - Decoding happens once per block (decode.c, decode_tables.c): a block
 *    is a run of DbtInsn up to a control transfer or the end of a page,
 *    cached by guest physical address (block.c).  Every DbtInsn carries the
 *    op to call; all ops share `int op(DbtCpu *, const DbtInsn *)`, so a
 *    later translator can call the same functions.
 *  - While an op runs, cpu->rip is the instruction's own address and
 *    cpu->next_rip the fall-through address; branches write next_rip.  The
 *    run loop commits rip = next_rip after the op returns.
 *  - Faults: an op (or the MMU under it) calls dbt_raise(), which longjmps
 *    back to the run loop.  Ops do every access that can fault before they
 *    change architectural state (read operands, probe the write, then write
 *    registers), so the faulting instruction restarts exactly; REP string
 *    ops update RCX/RSI/RDI per completed iteration.
 *  - Flags are lazy (flags.c): arithmetic ops record the operation, size,
 *    operands and result; CF/PF/AF/ZF/SF/OF are computed on demand.
 *  - Ops return DBT_OK, or DBT_END_BLOCK when the block must stop after
 *    this instruction (mode change, interrupt window, code written), or a
 *    DBT_STOP_* reason for the run loop.
 *  - Statistics counters compile away unless DBT_STATS is defined. */
#ifndef VESSEL_DBT_CPU_H
#define VESSEL_DBT_CPU_H

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmm/cpu_backend.h"
#include "vmm/dbt/dbt.h"
#include "vmm/dbt/fpu/fpu.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#ifdef DBT_STATS
#define DBT_STAT_INC(cpu, field) ((cpu)->stats.field++)
#else
#define DBT_STAT_INC(cpu, field) ((void)0)
#endif

typedef struct DbtInsn DbtInsn;
typedef struct DbtBlock DbtBlock;
typedef int (*DbtOp)(DbtCpu *cpu, const DbtInsn *insn);

/* op return codes */
enum {
    DBT_OK = 0,
    DBT_END_BLOCK = 1,     /* finish this instruction, leave the block */
    DBT_HALT = 2,          /* HLT */
    DBT_BREAK = 3,         /* INT3 in flat mode */
    DBT_EXIT = 4,          /* machine asked to stop (cpu->exit_code) */
};

/* RFLAGS bits */
/* Device-written code pages queued before everything is dropped. */
#define DBT_DMA_QUEUE 256

#define DBT_CF 0x0001u
#define DBT_PF 0x0004u
#define DBT_AF 0x0010u
#define DBT_ZF 0x0040u
#define DBT_SF 0x0080u
#define DBT_TF 0x0100u
#define DBT_IF 0x0200u
#define DBT_DF 0x0400u
#define DBT_OF 0x0800u
#define DBT_IOPL 0x3000u
#define DBT_NT 0x4000u
#define DBT_RF 0x10000u
#define DBT_VM 0x20000u
#define DBT_AC 0x40000u
#define DBT_VIF 0x80000u
#define DBT_VIP 0x100000u
#define DBT_ID 0x200000u
#define DBT_STATUS_FLAGS (DBT_CF | DBT_PF | DBT_AF | DBT_ZF | DBT_SF | DBT_OF)

/* exception vectors */
enum {
    DBT_EXC_DE = 0, DBT_EXC_DB = 1, DBT_EXC_NMI = 2, DBT_EXC_BP = 3,
    DBT_EXC_OF = 4, DBT_EXC_BR = 5, DBT_EXC_UD = 6, DBT_EXC_NM = 7,
    DBT_EXC_DF = 8, DBT_EXC_TS = 10, DBT_EXC_NP = 11, DBT_EXC_SS = 12,
    DBT_EXC_GP = 13, DBT_EXC_PF = 14, DBT_EXC_MF = 16, DBT_EXC_AC = 17,
    DBT_EXC_MC = 18, DBT_EXC_XM = 19,
};

/* #PF error code bits */
#define DBT_PFEC_P 0x01u
#define DBT_PFEC_W 0x02u
#define DBT_PFEC_U 0x04u
#define DBT_PFEC_RSVD 0x08u
#define DBT_PFEC_I 0x10u

/* control register bits */
#define DBT_CR0_PE (1ull << 0)
#define DBT_CR0_MP (1ull << 1)
#define DBT_CR0_EM (1ull << 2)
#define DBT_CR0_TS (1ull << 3)
#define DBT_CR0_ET (1ull << 4)
#define DBT_CR0_NE (1ull << 5)
#define DBT_CR0_WP (1ull << 16)
#define DBT_CR0_AM (1ull << 18)
#define DBT_CR0_NW (1ull << 29)
#define DBT_CR0_CD (1ull << 30)
#define DBT_CR0_PG (1ull << 31)
#define DBT_CR4_PSE (1ull << 4)
#define DBT_CR4_PAE (1ull << 5)
#define DBT_CR4_PGE (1ull << 7)
#define DBT_CR4_PCE (1ull << 8)
#define DBT_CR4_OSFXSR (1ull << 9)
#define DBT_CR4_OSXMMEXCPT (1ull << 10)
#define DBT_CR4_UMIP (1ull << 11)
#define DBT_EFER_SCE (1ull << 0)
#define DBT_EFER_LME (1ull << 8)
#define DBT_EFER_LMA (1ull << 10)
#define DBT_EFER_NXE (1ull << 11)

/* ---- decoded instruction ----------------------------------------- */

#define DBT_NOREG 0xff
enum { DBT_SEG_ES, DBT_SEG_CS, DBT_SEG_SS, DBT_SEG_DS, DBT_SEG_FS,
       DBT_SEG_GS, DBT_NR_SEGS, DBT_SEG_NONE = 0xff };

/* DbtInsn.flags */
#define DBT_I_MEM 0x0001u      /* ModRM r/m is memory */
#define DBT_I_RIPREL 0x0002u   /* RIP-relative addressing */
#define DBT_I_REX 0x0004u      /* a REX prefix is present (byte regs SPL..DIL) */
#define DBT_I_LOCK 0x0008u
#define DBT_I_REP 0x0010u      /* F3 */
#define DBT_I_REPNE 0x0020u    /* F2 */
#define DBT_I_OPSIZE 0x0040u   /* 66 */
#define DBT_I_REXW 0x0080u
#define DBT_I_ADDR32 0x0100u   /* 67: 32-bit addressing */
#define DBT_I_CROSS 0x0200u    /* instruction crosses a page */
#define DBT_I_END 0x0400u      /* last instruction of its block */
#define DBT_I_ADDR16 0x0800u   /* 16-bit addressing (legacy modes) */
#define DBT_I_LEGACY 0x1000u   /* decoded for 16/32-bit code: segment bases
                                  apply and linear addresses wrap at 4 GiB */

struct DbtInsn {
    DbtOp op;
    int32_t disp;
    uint8_t len;
    uint8_t map;          /* 0 one-byte, 1 0F, 2 0F38, 3 0F3A */
    uint8_t opc;
    uint8_t osz;          /* operand size in bytes: 1 2 4 8 */
    uint8_t sub;          /* op selector: ALU kind, condition, group reg */
    uint8_t reg;          /* ModRM.reg + REX.R, or the +r register */
    uint8_t rm;           /* ModRM.rm + REX.B (register form) */
    uint8_t base;         /* memory form: base register or DBT_NOREG */
    uint8_t index;        /* index register or DBT_NOREG */
    uint8_t scale;        /* log2 of the scale */
    uint8_t seg;          /* 64-bit code: DBT_SEG_FS/GS or DBT_SEG_NONE;
                             legacy code: the effective segment */
    uint8_t modrm;
    uint8_t mandatory;    /* SSE mandatory prefix */
    uint16_t flags;
    uint64_t imm;         /* immediate (sign-extended where the SDM says) */
    uint16_t imm2;        /* ENTER's second immediate, far pointers */
};

/* ---- segments, TLB, blocks ---------------------------------------- */

typedef struct {
    uint64_t base;
    uint32_t limit;
    uint16_t sel;
    uint16_t attr;         /* type | s<<4 | dpl<<5 | p<<7 | avl<<12 | l<<13 | db<<14 | g<<15 */
} DbtSeg;

#define DBT_TLB_BITS 10
#define DBT_TLB_SIZE (1u << DBT_TLB_BITS)
#define DBT_PAGE_MASK (~(uint64_t)0xfff)
#define DBT_TLB_INVALID 1ull

typedef struct {
    uint64_t tag_r;        /* linear page if readable through this entry, else DBT_TLB_INVALID */
    uint64_t tag_w;        /* linear page if writable (RAM, not code, D set) */
    uint64_t tag_x;        /* linear page if executable */
    uintptr_t addend;      /* host address = addend + linear address */
    uint64_t pa;           /* physical page */
    bool global;
} DbtTlbEntry;

typedef struct {
    uint64_t gpa;
    uint64_t size;
    uint8_t *host;
    uint8_t *code;         /* one byte per page: decoded blocks exist on it */
    DbtBlock **blocks;     /* per page: list of blocks with code on it */
} DbtRam;

/* Code size the decoder works in: real mode and 16-bit protected mode
 * (16), 32-bit protected or compatibility mode (32), 64-bit mode (64). */
typedef enum { DBT_MODE_64, DBT_MODE_32, DBT_MODE_16, DBT_MODE_LAST } DbtMode;

#define DBT_BLOCK_MAX_INSNS 64
#define DBT_HASH_BITS 16
#define DBT_JC_BITS 12
#define DBT_VJC_BITS 12

struct DbtBlock {
    uint64_t pa;           /* physical address of the first byte */
    uint64_t pa_page2;     /* second page if the block crosses one, else ~0 */
    DbtBlock *hash_next;
    DbtBlock *page_next[2];
    bool valid;
    uint8_t mode;          /* DbtMode it was decoded in (part of the key) */
    uint16_t n;
    /* chaining: the last two blocks that followed this one (taken and
     * not taken, for a Jcc), each for (succ_rip, succ_gen); see
     * cpu->chain_gen */
    uint8_t succ_victim;   /* slot the next new successor replaces */
    uint32_t succ_gen[2];
    uint64_t succ_rip[2];
    DbtBlock *succ[2];
    DbtInsn insn[];
};

/* Block by linear RIP, valid for one cpu->chain_gen like a successor
 * link (run.c): where links miss (RET, indirect jumps) without a TLB
 * lookup. */
typedef struct {
    uint64_t rip;
    uint32_t gen;
    DbtBlock *block;
} DbtVjcEntry;

/* Statistics counters (stats.c prints them): one X() per counter. */
#define DBT_STATS_FIELDS(X) \
    X(insns, "instructions executed") \
    X(blocks_run, "blocks entered") \
    X(chain_hits, "successor found through the chain link") \
    X(vjc_hits, "successor found by linear RIP (no link)") \
    X(block_lookups, "block lookups (dbt_block_get)") \
    X(jc_misses, "lookups that missed the front cache") \
    X(blocks_built, "blocks decoded") \
    X(tlb_misses, "soft TLB misses (page walks)") \
    X(flushes, "TLB flushes") \
    X(code_writes, "writes that invalidated decoded code") \
    X(polls, "machine polls") \
    X(interrupts, "external interrupts delivered") \
    X(halts, "HLT waits") \
    X(exceptions, "exceptions raised")
#ifdef DBT_STATS
typedef struct {
#define DBT_STATS_DECLARE(name, what) uint64_t name;
    DBT_STATS_FIELDS(DBT_STATS_DECLARE)
#undef DBT_STATS_DECLARE
} DbtStats;
#endif

/* What the CPU needs from its environment in machine mode.  backend.c
 * fills it with the machine_* functions of cpu_backend.h; tests can run a
 * machine-mode CPU on their own small machine.  The flat CPU has none, so
 * the harness links no machine code. */
typedef struct DbtHostOps {
    int (*pio_read)(Vcpu *v, uint16_t port, unsigned size, uint32_t *val);
    int (*pio_write)(Vcpu *v, uint16_t port, unsigned size, uint32_t val);
    int (*mmio_read)(Vcpu *v, uint64_t gpa, unsigned size, uint64_t *val);
    int (*mmio_write)(Vcpu *v, uint64_t gpa, unsigned size, uint64_t val);
    int (*irq_pending)(Vcpu *v);
    void (*irq_ack)(Vcpu *v, int vector);
    bool (*nmi_pending)(Vcpu *v);
    int (*msr_read)(Vcpu *v, uint32_t msr, uint64_t *val);
    int (*msr_write)(Vcpu *v, uint32_t msr, uint64_t val);
    uint64_t (*tsc_hz)(const Machine *m);
    uint64_t (*tsc_read)(Vcpu *v);
    void (*tsc_write)(Vcpu *v, uint64_t value);
    void (*wait_event)(Vcpu *v);
    bool (*timer_due)(Machine *m);
    void (*run_timers)(Machine *m);
    int (*vcpu_index)(const Vcpu *v);
    int (*vcpu_count)(const Machine *m);
} DbtHostOps;

/* lazy flag operations */
enum {
    DBT_LF_NONE,           /* rflags holds the status flags */
    DBT_LF_ADD, DBT_LF_ADC, DBT_LF_SUB, DBT_LF_SBB, DBT_LF_LOGIC,
    DBT_LF_INC, DBT_LF_DEC,
    DBT_LF_SHL, DBT_LF_SHR, DBT_LF_SAR,  /* lf_src1 = operand, lf_src2 = count (1..) */
    DBT_LF_MUL,            /* lf_res = low half, lf_src1 = 1 if CF = OF = 1 */
    DBT_LF_LAST
};

/* Several vCPUs of one machine (smp.c): one host thread each, but only the
 * holder of the baton runs guest code; FIFO hand-over. */
#define DBT_SMP_MAX_CPUS 64
#define DBT_SMP_SLICE 200000   /* instructions between offers of the baton */
typedef struct DbtSmp DbtSmp;

struct DbtCpu {
    uint64_t gpr[16];
    uint64_t rip, next_rip;
    uint64_t rflags;       /* status flags valid only when lf_op == DBT_LF_NONE */
    uint32_t lf_op;
    uint8_t lf_size;       /* bytes */
    bool lf_cf;            /* carry in (ADC/SBB) or preserved CF (INC/DEC) */
    uint64_t lf_res, lf_src1, lf_src2;

    DbtSeg seg[DBT_NR_SEGS];
    DbtSeg tr, ldt;
    uint64_t gdt_base, idt_base;
    uint16_t gdt_limit, idt_limit;
    uint64_t cr0, cr2, cr3, cr4, cr8, efer;
    uint64_t dr[8];
    int cpl;
    DbtMode mode;          /* from CR0.PE, EFER.LMA, CS.L/D (dbt_mode_update) */
    uint64_t code_base;    /* CS base in legacy modes, 0 in 64-bit mode */

    /* MSRs the CPU owns */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux, pat;
    uint64_t misc_enable, sysenter_cs, sysenter_esp, sysenter_eip, tsc_adjust;

    DbtFpuState fpu;

    /* interrupts */
    bool irq_shadow;       /* after STI / MOV SS: no interrupt before next insn */
    bool poll_after_one;   /* shadow seen: poll again after one instruction */
    bool nmi_blocked;      /* NMI handler running until IRET */
    bool halted;
    int exc_depth;         /* nested delivery: #DF / triple fault */
    bool exc_soft;         /* INT n: check the gate's DPL */
    int mmu_cpl;           /* privilege the MMU checks (0 for implicit system accesses) */

    /* (all of the above is architectural state: dbt_cpu_reset_flat
     * clears it; keep host-side state below) */

    /* soft MMU: [0] supervisor, [1] user */
    DbtTlbEntry tlb[2][DBT_TLB_SIZE];
    DbtTlbEntry *tlb_cur;
    DbtRam *ram;
    int nram;

    /* block cache */
    DbtBlock *hash[1u << DBT_HASH_BITS];
    DbtBlock *jc[1u << DBT_JC_BITS];   /* direct-mapped front cache of hash */
    DbtVjcEntry vjc[1u << DBT_VJC_BITS];
    uint8_t *arena;
    size_t arena_size, arena_used;
    /* Successor links hold for one chain_gen: bit 0 is the privilege
     * class (CPL 3) whose TLB checked the target's execute permission, the
     * bits above count events that may have changed a translation, the
     * mode or the block memory (dbt_chain_invalidate).  A CPL change only
     * flips bit 0, so the kernel's and the user's links both survive
     * system calls and interrupts. */
    uint32_t chain_gen;
    DbtBlock *prev_block;  /* block just executed, for chaining */
    const DbtBlock *cur_block;  /* block being executed, and its linear */
    uint64_t cur_block_rip;     /* start (to count retired insns on a fault) */
    bool leave_block;      /* a write hit decoded code, or MMIO asked to stop */

    /* fault return */
    jmp_buf jmp;
    int exc_vector;
    uint32_t exc_error;
    bool exc_has_error;
    bool in_op;            /* a jmp_buf is armed */

    /* environment */
    bool flat;             /* standalone CPU (dbt.h) */
    Vcpu *vcpu;            /* backend mode */
    Machine *machine;
    const DbtHostOps *host;
    int nr_vcpus;
    int kick;              /* set by vcpu_kick() from any thread (atomic) */
    /* Pages with blocks that a device wrote (dma.c), from any thread. */
    pthread_mutex_t dma_lock;
    int dma_pending;       /* atomic: dma_pages has entries to drain */
    bool dma_overflow;     /* more than DBT_DMA_QUEUE pages: drop all */
    unsigned dma_n;
    uint64_t dma_pages[DBT_DMA_QUEUE];
    int exit_code;         /* VcpuExit for DBT_EXIT */
    int pending_exit;      /* an MMIO write asked the machine to stop */
    uint64_t insn_count;   /* retired by the current dbt_run_loop() call */
    uint64_t total_insns;  /* retired since creation */
    uint32_t poll_counter;
    DbtSmp *smp;           /* NULL with one vCPU */
    uint64_t slice_end;    /* insn_count at which to offer the baton */
    bool yield_now;        /* PAUSE with others waiting: offer the baton */
    FpuEnv fpu_env;
    int trace;             /* VESSEL_DBT_TRACE: 1 = exceptions, 2 = + blocks */
    bool print_stats;      /* VESSEL_DBT_STATS: print stats at destroy */

#ifdef DBT_STATS
    DbtStats stats;
    /* guest profile (VESSEL_DBT_PROFILE=FILE): RIP every DBT_PROF_PERIOD
     * instructions, at block entry */
    uint64_t *prof;
    size_t prof_n, prof_cap;
    uint64_t prof_next;
#endif
};

/* Successor links made so far no longer hold (run.c). */
static inline void dbt_chain_invalidate(DbtCpu *cpu)
{
    cpu->chain_gen += 2;
}

/* ---- exceptions (exception.c) ------------------------------------- */
_Noreturn void dbt_raise(DbtCpu *cpu, int vector, uint32_t error);
_Noreturn void dbt_raise_noerr(DbtCpu *cpu, int vector);
_Noreturn void dbt_raise_pf(DbtCpu *cpu, uint64_t la, uint32_t pfec);
/* Unsupported or unrecoverable CPU state: the guest crashes. */
_Noreturn void dbt_fatal(DbtCpu *cpu, const char *why);
/* Implicit supervisor accesses (descriptor tables, TSS, interrupt frames). */
uint64_t dbt_sys_read(DbtCpu *cpu, uint64_t la, unsigned size);
void dbt_sys_write(DbtCpu *cpu, uint64_t la, unsigned size, uint64_t v);
/* Deliver vector through the IDT (machine mode).  @soft: INT n (push the
 * next RIP); @ext: external interrupt/NMI (push next RIP, no error).
 * Returns 0, or -1 if the CPU is dead (triple fault). */
int dbt_exc_deliver(DbtCpu *cpu, int vector, bool has_error, uint32_t error,
                    uint64_t ret_rip);

/* ---- flags (flags.c) ---------------------------------------------- */
uint64_t dbt_flags_get(DbtCpu *cpu);                  /* full RFLAGS */
void dbt_flags_materialize(DbtCpu *cpu);             /* lf_op = NONE */
bool dbt_flag_cf(DbtCpu *cpu);
bool dbt_cond(DbtCpu *cpu, unsigned cc);             /* Jcc/SETcc/CMOVcc condition 0-15 */
/* dbt_cond() with the compare-and-branch cases inline: the flags of a
 * CMP/SUB or of a logic op (TEST, AND, OR, XOR: CF = OF = 0) read
 * straight from the lazy record.  With a constant @cc the switch folds. */
static inline __attribute__((always_inline)) bool dbt_cond_fast(DbtCpu *cpu, unsigned cc)
{
    uint64_t m = cpu->lf_size >= 8 ? ~0ull : (1ull << (cpu->lf_size * 8)) - 1;
    uint64_t sb = (m >> 1) + 1;
    bool r;
    if (cpu->lf_op == DBT_LF_SUB) {
        uint64_t a = cpu->lf_src1 & m, b = cpu->lf_src2 & m;
        switch (cc >> 1) {
        case 1: r = a < b; break;                              /* B / AE */
        case 2: r = a == b; break;                             /* E / NE */
        case 3: r = a <= b; break;                             /* BE / A */
        case 6: r = (a ^ sb) < (b ^ sb); break;                /* L / GE */
        case 7: r = (a ^ sb) <= (b ^ sb); break;               /* LE / G */
        default: return dbt_cond(cpu, cc);
        }
        return r ^ (cc & 1);
    }
    if (cpu->lf_op == DBT_LF_LOGIC) {
        uint64_t res = cpu->lf_res & m;
        switch (cc >> 1) {
        case 0: case 1: r = false; break;                      /* O, B */
        case 2: case 3: r = res == 0; break;                   /* E, BE */
        case 4: case 6: r = (res & sb) != 0; break;            /* S, L */
        case 7: r = res == 0 || (res & sb); break;             /* LE */
        default: return dbt_cond(cpu, cc);
        }
        return r ^ (cc & 1);
    }
    return dbt_cond(cpu, cc);
}
/* Set status flags eagerly from a mask of computed values. */
static inline void dbt_flags_set_status(DbtCpu *cpu, uint32_t status)
{
    cpu->lf_op = DBT_LF_NONE;
    cpu->rflags = (cpu->rflags & ~(uint64_t)DBT_STATUS_FLAGS) | status;
}
static inline void dbt_flags_lazy(DbtCpu *cpu, uint32_t op, unsigned size,
                                  uint64_t res, uint64_t a, uint64_t b)
{
    cpu->lf_op = op;
    cpu->lf_size = size;
    cpu->lf_res = res;
    cpu->lf_src1 = a;
    cpu->lf_src2 = b;
}
uint32_t dbt_parity(uint64_t v);                       /* DBT_PF or 0 */
uint32_t dbt_flags_szp(uint64_t res, unsigned size);   /* SF ZF PF of a result */

/* ---- size helpers --------------------------------------------------- */
static inline uint64_t dbt_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}
static inline uint64_t dbt_sign_bit(unsigned size)
{
    return 1ull << (size * 8 - 1);
}
static inline int64_t dbt_sext(uint64_t v, unsigned size)
{
    switch (size) {
    case 1: return (int8_t)v;
    case 2: return (int16_t)v;
    case 4: return (int32_t)v;
    default: return (int64_t)v;
    }
}

/* ---- registers ------------------------------------------------------ */
static inline uint64_t dbt_reg_read(const DbtCpu *cpu, unsigned r, unsigned size,
                                    bool rex)
{
    switch (size) {
    case 1:
        if (!rex && r >= 4 && r < 8)
            return (cpu->gpr[r - 4] >> 8) & 0xff;
        return cpu->gpr[r] & 0xff;
    case 2: return cpu->gpr[r] & 0xffff;
    case 4: return cpu->gpr[r] & 0xffffffff;
    default: return cpu->gpr[r];
    }
}
static inline void dbt_reg_write(DbtCpu *cpu, unsigned r, unsigned size, bool rex,
                                 uint64_t v)
{
    switch (size) {
    case 1:
        if (!rex && r >= 4 && r < 8)
            cpu->gpr[r - 4] = (cpu->gpr[r - 4] & ~0xff00ull) | ((v & 0xff) << 8);
        else
            cpu->gpr[r] = (cpu->gpr[r] & ~0xffull) | (v & 0xff);
        break;
    case 2: cpu->gpr[r] = (cpu->gpr[r] & ~0xffffull) | (v & 0xffff); break;
    case 4: cpu->gpr[r] = (uint32_t)v; break;
    default: cpu->gpr[r] = v; break;
    }
}

/* ---- soft MMU (mmu.c) ------------------------------------------------ */
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
/* Physical address of an instruction byte (TLB fast path). */
static inline uint64_t dbt_fetch_pa(DbtCpu *cpu, uint64_t la)
{
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    if (likely(e->tag_x == (la & DBT_PAGE_MASK)))
        return e->pa | (la & 0xfff);
    return dbt_mmu_translate(cpu, la, DBT_ACC_EXEC);
}
/* A block now lives on physical page @pa: route writes to it through the
 * slow path. */
void dbt_tlb_protect_code(DbtCpu *cpu, uint64_t pa);
void dbt_tlb_flush(DbtCpu *cpu, bool include_global);
void dbt_tlb_flush_page(DbtCpu *cpu, uint64_t la);
void dbt_tlb_select(DbtCpu *cpu);                    /* after a CPL change */
/* Host pointer for a physical range inside RAM, else NULL. */
uint8_t *dbt_ram_ptr(DbtCpu *cpu, uint64_t pa, uint64_t len, DbtRam **ram);
/* The CPU's RAM page @pa received a write: drop blocks decoded from it. */
void dbt_code_page_written(DbtCpu *cpu, DbtRam *ram, uint64_t pa);

static inline bool dbt_canonical(uint64_t la)
{
    return (uint64_t)((int64_t)(la << 16) >> 16) == la;
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

/* ---- operands ------------------------------------------------------- */
/* Legacy-mode addressing (legacy.c): offset masked to the address size,
 * checked against the segment limit, plus the segment base, wrapped to
 * 32 bits.  @size is the access size for the limit check (1 if unknown). */
uint64_t dbt_ea_legacy(DbtCpu *cpu, const DbtInsn *i, uint64_t off);
uint64_t dbt_seg_la(DbtCpu *cpu, int seg, uint64_t off, unsigned size);

static inline uint64_t dbt_ea(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t a = (uint64_t)(int64_t)i->disp;
    if (i->base != DBT_NOREG)
        a += cpu->gpr[i->base];
    if (i->index != DBT_NOREG)
        a += cpu->gpr[i->index] << i->scale;
    if (i->flags & DBT_I_RIPREL)
        a += cpu->next_rip;
    if (unlikely(i->flags & (DBT_I_ADDR32 | DBT_I_LEGACY))) {
        if (i->flags & DBT_I_LEGACY)
            return dbt_ea_legacy(cpu, i, a);
        a = (uint32_t)a;
    }
    if (i->seg != DBT_SEG_NONE)
        a += cpu->seg[i->seg].base;
    return a;
}
/* Apply the segment of @i to a computed address (FS/GS in 64-bit mode;
 * string sources and moffs in legacy modes). */
static inline uint64_t dbt_seg_addr(DbtCpu *cpu, const DbtInsn *i, uint64_t a)
{
    if (unlikely(i->flags & DBT_I_LEGACY))
        return dbt_seg_la(cpu, i->seg, a, 1);
    if (i->seg != DBT_SEG_NONE)
        a += cpu->seg[i->seg].base;
    return a;
}
static inline uint64_t dbt_rm_read(DbtCpu *cpu, const DbtInsn *i, unsigned size)
{
    if (i->flags & DBT_I_MEM)
        return dbt_read(cpu, dbt_ea(cpu, i), size);
    return dbt_reg_read(cpu, i->rm, size, i->flags & DBT_I_REX);
}
static inline void dbt_rm_write(DbtCpu *cpu, const DbtInsn *i, unsigned size, uint64_t v)
{
    if (i->flags & DBT_I_MEM)
        dbt_write(cpu, dbt_ea(cpu, i), size, v);
    else
        dbt_reg_write(cpu, i->rm, size, i->flags & DBT_I_REX, v);
}
static inline uint64_t dbt_gr_read(const DbtCpu *cpu, const DbtInsn *i, unsigned size)
{
    return dbt_reg_read(cpu, i->reg, size, i->flags & DBT_I_REX);
}
static inline void dbt_gr_write(DbtCpu *cpu, const DbtInsn *i, unsigned size, uint64_t v)
{
    dbt_reg_write(cpu, i->reg, size, i->flags & DBT_I_REX, v);
}

/* Stack: 64-bit mode uses RSP as the linear address; legacy modes use SP
 * or ESP (by SS.B) as an offset into SS. */
static inline bool dbt_ss32(const DbtCpu *cpu)
{
    return cpu->seg[DBT_SEG_SS].attr & 0x4000;
}
static inline uint64_t dbt_stack_la(DbtCpu *cpu, uint64_t sp)
{
    if (likely(cpu->mode == DBT_MODE_64))
        return sp;
    return dbt_seg_la(cpu, DBT_SEG_SS, dbt_ss32(cpu) ? (uint32_t)sp : (uint16_t)sp, 1);
}
/* RSP after adding @delta, keeping the bits above SP/ESP in legacy modes */
static inline uint64_t dbt_stack_add(const DbtCpu *cpu, uint64_t sp, int64_t delta)
{
    if (likely(cpu->mode == DBT_MODE_64))
        return sp + (uint64_t)delta;
    if (dbt_ss32(cpu))
        return (uint32_t)(sp + (uint64_t)delta);
    return (sp & ~0xffffull) | (uint16_t)(sp + (uint64_t)delta);
}
static inline void dbt_push(DbtCpu *cpu, unsigned size, uint64_t v)
{
    uint64_t sp = dbt_stack_add(cpu, cpu->gpr[DBT_RSP], -(int64_t)size);
    dbt_write(cpu, dbt_stack_la(cpu, sp), size, v);
    cpu->gpr[DBT_RSP] = sp;
}
/* Read the stack at RSP + @off (no RSP change). */
static inline uint64_t dbt_stack_read(DbtCpu *cpu, uint64_t off, unsigned size)
{
    return dbt_read(cpu, dbt_stack_la(cpu, dbt_stack_add(cpu, cpu->gpr[DBT_RSP],
                                                         (int64_t)off)), size);
}

/* ---- decoder (decode.c) ----------------------------------------------- */
/* Decode the instruction whose bytes are @bytes (@avail readable).
 * Returns the length (>0); -DBT_EXC_PF if more than @avail bytes are
 * needed (fetch across the page and retry); -DBT_EXC_GP if longer than
 * 15 bytes.  Undefined opcodes decode to op_ud (#UD when executed). */
int dbt_decode(DbtInsn *insn, const uint8_t *bytes, unsigned avail, DbtMode mode);
/* The op to run for a fully decoded @insn: a specialised op for its
 * operand form (fastpath.c) or @insn->op. */
DbtOp dbt_op_specialise(const DbtInsn *insn);
DbtOp dbt_shift_specialise(const DbtInsn *insn);   /* shift.c */
/* What an op does to the status flags, for the dead-flags pass: no flag
 * and no fault; all six written, none read, no fault; CF and OF written,
 * the others kept, no fault; anything else (reads flags, may fault). */
typedef enum {
    DBT_FU_NONE, DBT_FU_SETS_ALL, DBT_FU_SETS_CF_OF, DBT_FU_UNKNOWN, DBT_FU_LAST
} DbtFlagUse;
DbtFlagUse dbt_shift_flag_use(DbtOp op);           /* shift.c */
/* The form of a specialised shift op that computes its flags (@flags) or
 * not, or NULL if it has no such twin. */
DbtOp dbt_shift_flags_variant(DbtOp op, bool flags);
/* Dead flags (fastpath.c): give the ops of a decoded block whose flags
 * the block overwrites before anything can read them their flagless
 * form. */
void dbt_block_flags_pass(DbtInsn *insn, unsigned n);
/* The block will stop after insn[n - 1] (a poll, an instruction budget):
 * make the flags exact there by undoing the pass for the instructions
 * whose flags would only have been overwritten later. */
void dbt_block_flags_exact(DbtInsn *insn, unsigned n);
/* True if @insn ends a block (control transfer, system op). */
bool dbt_insn_ends_block(const DbtInsn *insn);

/* ---- block cache (block.c) -------------------------------------------- */
DbtBlock *dbt_block_get(DbtCpu *cpu, uint64_t rip);
void dbt_block_flush_all(DbtCpu *cpu);
void dbt_block_cache_init(DbtCpu *cpu);
void dbt_block_cache_fini(DbtCpu *cpu);

/* ---- run loop (run.c) -------------------------------------------------- */
/* Execute until an op asks to stop, an exception in flat mode, the budget
 * or a kick.  Returns DBT_* stop code. */
int dbt_run_loop(DbtCpu *cpu, uint64_t max_insns, DbtStop *stop);
void dbt_trace_exception(DbtCpu *cpu, int vec, uint32_t err);

/* ---- statistics (stats.c) ------------------------------------------------ */
/* Print the retired instruction count and, in a DBT_STATS build, every
 * counter, to stderr; done at vCPU destroy when VESSEL_DBT_STATS is set. */
void dbt_stats_print(const DbtCpu *cpu, int index);
#ifdef DBT_STATS
#define DBT_PROF_PERIOD 4096
/* Start the guest profile if VESSEL_DBT_PROFILE names a file. */
void dbt_prof_init(DbtCpu *cpu);
/* Record cpu->rip (the run loop calls it when prof_next is reached). */
void dbt_prof_sample(DbtCpu *cpu);
/* Write the samples ("%llx\n" each) to the file and free them. */
void dbt_prof_finish(DbtCpu *cpu);
#endif

/* ---- several vCPUs (smp.c) -------------------------------------------- */
DbtSmp *dbt_smp_new(void);
void dbt_smp_free(DbtSmp *smp);
void dbt_smp_add(DbtSmp *smp, DbtCpu *cpu);
void dbt_smp_acquire(DbtCpu *cpu);
void dbt_smp_release(DbtCpu *cpu);
/* At a block boundary: hand the baton over if another vCPU waits. */
void dbt_smp_yield(DbtCpu *cpu);
bool dbt_smp_contended(const DbtCpu *cpu);
/* Decoded code on physical page @pa (RAM range @ram of @cpu) of any vCPU. */
bool dbt_smp_any_has_code(DbtCpu *cpu, const DbtRam *ram, size_t idx);
static inline bool dbt_smp_page_has_code(DbtCpu *cpu, const DbtRam *ram, uint64_t pa)
{
    size_t idx = (pa - ram->gpa) >> 12;
    if (likely(!cpu->smp))
        return ram->code[idx];
    return dbt_smp_any_has_code(cpu, ram, idx);
}
/* @pa was written: drop every vCPU's blocks decoded from it. */
void dbt_smp_code_written(DbtCpu *cpu, const DbtRam *ram, uint64_t pa);
/* Blocks now live on @pa: no vCPU may keep a write mapping of it. */
void dbt_smp_protect_code(DbtCpu *cpu, uint64_t pa);

/* ---- misc ---------------------------------------------------------------- */
void dbt_cpu_init_common(DbtCpu *cpu);
/* dma.c: [gpa, gpa+len) of guest RAM was written by a device (any
 * thread); the vCPU drops blocks decoded from it at its next poll. */
void dbt_cpu_ram_written(DbtCpu *cpu, uint64_t gpa, uint64_t len);
/* On the vCPU's thread: drop the blocks of pages devices wrote. */
void dbt_cpu_dma_drain(DbtCpu *cpu);
/* A machine-mode CPU (paging, interrupts, devices through @host) over the
 * given RAM ranges (page aligned).  Registers at their reset values; the
 * caller sets the long-mode state. */
DbtCpu *dbt_cpu_new_host(const DbtHostOps *host, Vcpu *v, Machine *m,
                         const MachineRamRange *ram, int nram);
void dbt_fpu_env_init(DbtCpu *cpu);
void dbt_cpuid(DbtCpu *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
int dbt_msr_read(DbtCpu *cpu, uint32_t msr, uint64_t *val);
int dbt_msr_write(DbtCpu *cpu, uint32_t msr, uint64_t val);
void dbt_set_cpl(DbtCpu *cpu, int cpl);
uint64_t dbt_tsc_read(DbtCpu *cpu);
/* Recompute cpu->mode/code_base after CR0, EFER or CS changed; ends the
 * current block when the mode changes. */
void dbt_mode_update(DbtCpu *cpu);
/* Far JMP/CALL/RET target: load CS (real or protected mode rules), update
 * the mode and set next_rip. */
void dbt_far_load_cs(DbtCpu *cpu, uint16_t sel, uint64_t off);
/* Real-mode interrupt or exception through the IVT. */
int dbt_exc_deliver_real(DbtCpu *cpu, int vector, uint64_t ret_rip);
/* Load a segment register from a selector (real mode: base = sel << 4;
 * protected mode: GDT/LDT descriptor).  Call dbt_mode_update() after CS. */
void dbt_seg_load(DbtCpu *cpu, int seg, uint16_t sel);
/* Protected mode: the checks of loading @sel into data or stack register
 * @seg at privilege @cpl (raise the fault), and the register it gives in
 * @out (nothing is changed before all checks pass). */
void dbt_seg_check(DbtCpu *cpu, int seg, uint16_t sel, unsigned cpl, DbtSeg *out);
/* The same for CS, with the privilege checks of a far JMP/CALL (@ret
 * false: CS.RPL becomes CPL) or of a far RET/IRET to CPL = RPL (@ret
 * true); the caller sets the CPL and calls dbt_mode_update(). */
void dbt_seg_check_cs(DbtCpu *cpu, uint16_t sel, bool ret, DbtSeg *out);
/* VERR (@write false) / VERW: may the segment be read / written now? */
bool dbt_seg_verify(DbtCpu *cpu, uint16_t sel, bool write);
/* The flat CPU's GDT (Linux's layout) with CS 0x33 and SS 0x2b loaded. */
void dbt_seg_flat_init(DbtCpu *cpu);
void dbt_seg_from_desc(DbtSeg *s, uint16_t sel, uint64_t lo, uint64_t hi);

#endif /* VESSEL_DBT_CPU_H */
