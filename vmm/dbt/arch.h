/* arch.h - the architectural state of the dbt CPU: what an x86-64 CPU
 * holds that software can see (registers, flags, segments, control
 * registers, the MSRs the CPU owns, the FPU, the interrupt state), its
 * bit definitions, and nothing else.  The bottom layer of vmm/dbt/ (see
 * README): it knows no TLB, block cache, statistics or host machinery.
 *
 * The fields are a list (DBT_ARCH_FIELDS) so that DbtCpu (cpu.h) can
 * hold them both as one DbtArch, `cpu->arch` (cleared as a whole by
 * dbt_cpu_reset_flat), and as plain members (`cpu->gpr`), through an
 * anonymous union; the list is the one definition of both. */
#ifndef VESSEL_DBT_ARCH_H
#define VESSEL_DBT_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/dbt/dbt.h"
#include "vmm/dbt/fpu/fpu.h"

/* RFLAGS bits */
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

enum { DBT_SEG_ES, DBT_SEG_CS, DBT_SEG_SS, DBT_SEG_DS, DBT_SEG_FS,
       DBT_SEG_GS, DBT_NR_SEGS, DBT_SEG_NONE = 0xff };

typedef struct {
    uint64_t base;
    uint32_t limit;
    uint16_t sel;
    uint16_t attr;         /* type | s<<4 | dpl<<5 | p<<7 | avl<<12 | l<<13 | db<<14 | g<<15 */
} DbtSeg;

/* Code size the decoder works in: real mode and 16-bit protected mode
 * (16), 32-bit protected or compatibility mode (32), 64-bit mode (64). */
typedef enum { DBT_MODE_64, DBT_MODE_32, DBT_MODE_16, DBT_MODE_LAST } DbtMode;

/* Lazy flags (flags.c): the operation that last set the status flags. */
enum {
    DBT_LF_NONE,           /* rflags holds the status flags */
    DBT_LF_ADD, DBT_LF_ADC, DBT_LF_SUB, DBT_LF_SBB, DBT_LF_LOGIC,
    DBT_LF_INC, DBT_LF_DEC,
    DBT_LF_SHL, DBT_LF_SHR, DBT_LF_SAR,  /* lf_src1 = operand, lf_src2 = count (1..) */
    DBT_LF_MUL,            /* lf_res = low half, lf_src1 = 1 if CF = OF = 1 */
    DBT_LF_LAST
};

/* The architectural state, field by field (see the top of the file). */
#define DBT_ARCH_FIELDS                                                      \
    uint64_t gpr[16];                                                        \
    uint64_t rip, next_rip;                                                  \
    /* status flags valid only when lf_op == DBT_LF_NONE */                  \
    uint64_t rflags;                                                         \
    uint8_t lf_op;         /* DBT_LF_*, then lf_size: one 16-bit store */ \
    uint8_t lf_size;       /* bytes */                                       \
    bool lf_cf;            /* carry in (ADC/SBB) or kept CF (INC/DEC) */     \
    uint64_t lf_res, lf_src1, lf_src2;                                       \
                                                                             \
    DbtSeg seg[DBT_NR_SEGS];                                                 \
    DbtSeg tr, ldt;                                                          \
    uint64_t gdt_base, idt_base;                                             \
    uint16_t gdt_limit, idt_limit;                                           \
    uint64_t cr0, cr2, cr3, cr4, cr8, efer;                                  \
    uint64_t dr[8];                                                          \
    int cpl;                                                                 \
    DbtMode mode;          /* from CR0.PE, EFER.LMA, CS.L/D */               \
    uint64_t code_base;    /* CS base in legacy modes, 0 in 64-bit mode */   \
                                                                             \
    /* MSRs the CPU owns */                                                  \
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux, pat;       \
    uint64_t misc_enable, sysenter_cs, sysenter_esp, sysenter_eip;           \
    uint64_t tsc_adjust;                                                     \
                                                                             \
    DbtFpuState fpu;                                                         \
                                                                             \
    /* interrupts */                                                         \
    bool irq_shadow;       /* after STI / MOV SS: none before next insn */   \
    bool poll_after_one;   /* shadow seen: poll again after one insn */      \
    bool nmi_blocked;      /* NMI handler running until IRET */              \
    bool halted;                                                             \
    int exc_depth;         /* nested delivery: #DF / triple fault */         \
    bool exc_soft;         /* INT n: check the gate's DPL */                 \
    int mmu_cpl;           /* privilege the MMU checks (0: implicit system   \
                              accesses) */

typedef struct {
    DBT_ARCH_FIELDS
} DbtArch;

/* ---- operand sizes ----------------------------------------------------- */
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
static inline bool dbt_canonical(uint64_t la)
{
    return (uint64_t)((int64_t)(la << 16) >> 16) == la;
}

#endif /* VESSEL_DBT_ARCH_H */
