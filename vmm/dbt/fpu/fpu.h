/*
 * fpu.h - the dbt CPU's floating-point / SIMD unit: x87, MMX, SSE/SSE2,
 * MXCSR and FXSAVE/FXRSTOR.
 *
 * Contract with the dbt core (vmm/dbt/): the core decodes prefixes, ModRM,
 * SIB and displacement, computes the linear effective address and, for the
 * opcodes in the FPU's space (x87 D8-DF; 0F 10-17, 28-2F, 50-7F, AE /0-/3,
 * C2-C6, D0-FF, 0F38, 0F3A, 0F 77), fills an FpuInsn and calls fpu_exec().
 * The core embeds DbtFpuState in its CPU struct.  All memory reads happen
 * before any architectural state changes, so a fault restarts cleanly.
 */
#ifndef VESSEL_DBT_FPU_H
#define VESSEL_DBT_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* One XMM register, viewed by lane. */
typedef union FpuXmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
} FpuXmm;

/* One 80-bit x87 register: 64-bit significand (explicit integer bit) and
 * sign+15-bit exponent, exactly as in memory / FXSAVE. */
typedef struct FpuF80 {
    uint64_t mant;
    uint16_t sexp;
} FpuF80;

/*
 * The architectural FP/SIMD state.
 *  - xmm[16], mxcsr: SSE state.
 *  - r[8]: the x87 *physical* registers R0-R7; ST(i) is r[(TOP + i) & 7]
 *    where TOP = (fsw >> 11) & 7.  MMX register MMi aliases r[i].mant; an
 *    MMX write sets r[i].sexp = 0xffff, TOP = 0 and all tags valid.
 *  - ftw: the *abridged* tag word as in FXSAVE (bit i = 1: r[i] is not
 *    empty); the full 2-bit tags are derived from the register contents
 *    when FNSTENV/FNSAVE need them.
 *  - fop (11 bits), fip/fdp (64-bit, or offsets with fcs/fds in the legacy
 *    forms): last non-control x87 instruction.
 */
typedef struct DbtFpuState {
    FpuXmm xmm[16] __attribute__((aligned(16)));
    uint32_t mxcsr;
    uint16_t fcw;
    uint16_t fsw;
    uint8_t ftw;
    uint16_t fop;
    uint16_t fcs, fds;
    uint64_t fip, fdp;
    FpuF80 r[8];
} __attribute__((aligned(16))) DbtFpuState;

/* Power-on/RESET state: FCW 0x0040, FSW 0, FTW all empty, MXCSR 0x1f80,
 * registers zero.  (FNINIT/FINIT set FCW to 0x037f; see fpu_state_finit.) */
void fpu_state_reset(DbtFpuState *st);
/* The state after FNINIT (x87 only) plus MXCSR 0x1f80 and XMM cleared: what
 * a user process starts with under Linux. */
void fpu_state_finit(DbtFpuState *st);

typedef struct FpuEnv {
    uint64_t *gpr;        /* the CPU's 16 GPRs (RAX..R15) */
    void *opaque;
    /* Linear-address memory access; return 0, or a negative value if the
     * CPU raised a fault (the core may also longjmp out instead). */
    int (*mem_read)(void *opaque, uint64_t addr, void *buf, unsigned len);
    int (*mem_write)(void *opaque, uint64_t addr, const void *buf, unsigned len);
    uint64_t cr0, cr4;    /* for #NM (CR0.TS/EM) and #UD (CR4.OSFXSR/OSXMMEXCPT) */
    /* Added after the initial contract: RFLAGS, materialized by the core.
     * Written by COMISS/UCOMISS/COMISD/UCOMISD (0F 2E/2F) and FCOMI/FUCOMI
     * (DB/DF E8-F7: ZF PF CF, others cleared), read by FCMOVcc (DA/DB
     * C0-DF).  May be NULL for other opcodes; then those return #UD. */
    uint64_t *rflags;
} FpuEnv;

typedef struct FpuInsn {
    uint8_t map;          /* 0 = one-byte map (x87 D8-DF), 1 = 0F, 2 = 0F38, 3 = 0F3A */
    uint8_t opcode;
    uint8_t mandatory;    /* 0, 0x66, 0xF3 or 0xF2 (F2/F3 win over 66) */
    bool opsize16;        /* 66 prefix present */
    bool rex_w;
    uint8_t modrm;        /* raw ModRM byte */
    uint8_t reg;          /* ModRM.reg with REX.R applied (0-15) */
    uint8_t rm;           /* ModRM.rm with REX.B applied (register form) */
    bool rm_is_mem;
    uint64_t ea;          /* linear effective address when rm_is_mem */
    uint8_t imm8;
    uint64_t rip_next;    /* for FIP bookkeeping */
} FpuInsn;

enum {
    FPU_OK = 0,
    FPU_EXC_UD = -6,
    FPU_EXC_NM = -7,
    FPU_EXC_GP = -13,
    FPU_EXC_MF = -16,
    FPU_EXC_XM = -19,
    FPU_EXC_MEMFAULT = -100,
};

/* Does the FPU unit implement this instruction?  (The decoder turns
 * everything else in the FPU's opcode space into #UD.) */
bool fpu_handles(uint8_t map, uint8_t opcode, uint8_t mandatory, uint8_t modrm);

/* Execute one instruction: FPU_OK or an FPU_EXC_* (the core raises that
 * exception with the instruction restarted; FPU_EXC_MEMFAULT means
 * mem_read/mem_write already raised a fault). */
int fpu_exec(DbtFpuState *st, const FpuInsn *insn, const FpuEnv *env);

/* Added: FWAIT/WAIT (9B), an opcode of the core's map: #NM if CR0.MP and
 * CR0.TS, #MF if an unmasked x87 exception is pending, else FPU_OK. */
int fpu_fwait(DbtFpuState *st, const FpuEnv *env);

/* CPUID leaf 1 EDX / ECX bits for what this unit implements. */
uint32_t fpu_cpuid1_edx(void);
uint32_t fpu_cpuid1_ecx(void);

/* Helpers shared with tests: convert between the 512-byte FXSAVE image
 * (64-bit layout) and the state. */
void fpu_state_to_fxsave(const DbtFpuState *st, uint8_t img[512]);
void fpu_state_from_fxsave(DbtFpuState *st, const uint8_t img[512]);

#endif /* VESSEL_DBT_FPU_H */
