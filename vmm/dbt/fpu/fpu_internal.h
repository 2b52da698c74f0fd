/*
 * fpu_internal.h - shared plumbing of the FPU unit: the per-instruction
 * context, the SSE/MMX opcode table entry and operand helpers.
 */
#ifndef VESSEL_DBT_FPU_INTERNAL_H
#define VESSEL_DBT_FPU_INTERNAL_H

#include "fpu.h"

/* Execution context of one instruction. */
typedef struct FpuCtx {
    DbtFpuState *st;
    const FpuInsn *in;
    const FpuEnv *env;
    unsigned width;         /* vector width in bytes: 8 (MMX) or 16 (XMM) */
    uint8_t aux;            /* per-entry constant (lane size, predicate...) */
    uint8_t msize;          /* the table entry's memory operand size */
    uint8_t flags;          /* the table entry's FPU_F_* */
} FpuCtx;

/* A vector handler: d = op(d, s).  d holds the destination register's
 * old value, s the source (register, or memory zero-extended to 16
 * bytes).  Returns FPU_OK or an FPU_EXC_*. */
typedef int (*FpuVecFn)(FpuCtx *c, FpuXmm *d, const FpuXmm *s);
/* A custom handler does its own operand access. */
typedef int (*FpuCustomFn)(FpuCtx *c);

enum {
    FPU_F_MMX = 1 << 0,     /* operands are MMX registers (no-prefix integer forms) */
    FPU_F_A16 = 1 << 1,     /* m128 operand must be 16-byte aligned (#GP) */
    FPU_F_MEM = 1 << 2,     /* memory operand only (register form is #UD) */
    FPU_F_REG = 1 << 3,     /* register operand only (memory form is #UD) */
    FPU_F_NOWB = 1 << 4,    /* do not write the destination register back */
    FPU_F_SRC_MMX = 1 << 5, /* source register is MMX even though dest is XMM */
    FPU_F_DST_MMX = 1 << 6, /* destination register is MMX, source is XMM */
};

typedef struct FpuOpDesc {
    const char *name;       /* mnemonic, for diagnostics and coverage */
    FpuVecFn vec;           /* generic vector form, or NULL */
    FpuCustomFn custom;     /* custom form (used when vec is NULL) */
    uint8_t msize;          /* bytes of the memory source (vec forms) */
    uint8_t flags;          /* FPU_F_* */
    uint8_t aux;
} FpuOpDesc;

/* Opcode table of the 0F map: [opcode][prefix] with prefix 0 = none,
 * 1 = 66, 2 = F3, 3 = F2.  Groups (0F 71-73, 0F AE) have entries per
 * ModRM.reg in sse_group_table. */
extern const FpuOpDesc sse_table[256][4];
const FpuOpDesc *sse_group_lookup(uint8_t opcode, uint8_t prefix, uint8_t modrm);

int fpu_prefix_index(uint8_t mandatory);

/* Operand helpers. */
int fpu_mem_read(FpuCtx *c, uint64_t addr, void *buf, unsigned len);
int fpu_mem_write(FpuCtx *c, uint64_t addr, const void *buf, unsigned len);
void fpu_mmx_enter(DbtFpuState *st);
void fpu_mmx_set(DbtFpuState *st, unsigned i, uint64_t v);
static inline uint64_t fpu_mmx_get(const DbtFpuState *st, unsigned i)
{
    return st->r[i & 7].mant;
}

/* MXCSR bits. */
enum {
    MXCSR_IE = 1 << 0, MXCSR_DE = 1 << 1, MXCSR_ZE = 1 << 2, MXCSR_OE = 1 << 3,
    MXCSR_UE = 1 << 4, MXCSR_PE = 1 << 5, MXCSR_DAZ = 1 << 6,
    MXCSR_MASKS = 0x3f << 7, MXCSR_RC = 3 << 13, MXCSR_FZ = 1 << 15,
    MXCSR_WRITABLE = 0xffff,
};

/* Merge the exception flags @flags raised by an SSE operation into MXCSR;
 * returns FPU_EXC_XM (or #UD without CR4.OSXMMEXCPT) when one of them is
 * unmasked, in which case the caller must not commit the result. */
int fpu_sse_raise(FpuCtx *c, uint32_t flags);

/* x87 entry point (map 0, opcodes D8-DF) and the x87-side FXSAVE users. */
int x87_exec(DbtFpuState *st, const FpuInsn *in, const FpuEnv *env);
int fpu_fxsave(FpuCtx *c);
/* After loading FCW/FSW from memory: reserved FCW bits read as the
 * hardware has them (bit 6 set, 13-15 clear), FSW.ES and B follow the
 * unmasked exception flags. */
void fpu_x87_normalize(DbtFpuState *st);
int fpu_fxrstor(FpuCtx *c);
/* F2XM1 (D9 F0), FYL2X (F1), FPATAN (F3) or FYL2XP1 (F9) on the host's
 * x87 unit with @fcw's precision and rounding, exceptions masked: the
 * result (ST1's new value; ST0's for F2XM1), the flags and C1 added to
 * *@exc in F80_* bits (x87_trans.c). */
FpuF80 fpu_x87_transcendental(uint8_t op, FpuF80 st0, FpuF80 st1, uint16_t fcw, unsigned *exc);
int fpu_ldmxcsr(FpuCtx *c);
int fpu_stmxcsr(FpuCtx *c);

#endif /* VESSEL_DBT_FPU_INTERNAL_H */
