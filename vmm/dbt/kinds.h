/* kinds.h - the op-kind table: what every decoded instruction is, as one
 * X-macro list from which the kind enum, the attribute table (kinds.c)
 * and the interpreter's op table (run.c) are all generated.
 *
 * Design note: an instruction's identity is its kind, never a function
 * pointer.  The decoder (decode.c) gives each instruction a generic kind
 * (the opcode table's row); the form-selection pass (pass_forms.c) may
 * replace it with a specialised kind of the same semantics (register
 * operands, 64-bit code, [base+disp], one Jcc per condition...).  Code
 * that asks "is this a stack instruction, does it end the block, which
 * flags does it read" reads the attributes below.  Each backend maps a
 * kind to its own implementation: the interpreter to op_<fn> (one
 * signature, insn.h), the translator to emitted host code or a call of
 * the same op.
 *
 * Columns: X(NAME, fn, attributes, lock, flags read, flags written)
 *  - attributes: DBT_KA_* below;
 *  - lock: the ModRM.reg/sub values (bit mask) with which a LOCK prefix
 *    is valid on the memory form; 0 = never (#UD);
 *  - flags read / written: status flags (DBT_CF ... DBT_OF, KF_ALL), or a
 *    DBT_FL_* marker resolved from the instruction's sub and operands by
 *    dbt_insn_flags_read/written (kinds.c).  "Written" means written on
 *    every execution (liveness kills them); flags an op keeps are neither
 *    read nor written.  Conservative rows read KF_ALL and write 0. */
#ifndef VESSEL_DBT_KINDS_H
#define VESSEL_DBT_KINDS_H

#include <stdint.h>

#include "vmm/dbt/arch.h"

/* attributes */
#define DBT_KA_END 0x0001u        /* always ends its block */
#define DBT_KA_FAULT 0x0002u      /* may raise an exception, whatever the operands */
#define DBT_KA_FAULT_MEM 0x0004u  /* may raise with a memory operand */
#define DBT_KA_STORE 0x0008u      /* may write guest memory (a code write or
                                     MMIO then leaves the block) */
#define DBT_KA_EXIT 0x0010u       /* may return other than DBT_OK */
#define DBT_KA_STACK 0x0020u      /* accesses the stack implicitly (#SS) */
#define DBT_KA_BRANCH 0x0040u     /* writes next_rip (control transfer) */
#define DBT_KA_LOCKED 0x0080u     /* its memory operand is updated atomically
                                     with or without LOCK (XCHG; locked.h) */

/* flags-column shorthands and markers */
#define KF_ALL DBT_STATUS_FLAGS
#define KF_CO (DBT_CF | DBT_OF)
#define KF_NCF (DBT_STATUS_FLAGS & ~DBT_CF)
#define KF_NOF (DBT_STATUS_FLAGS & ~DBT_OF)
#define DBT_FL_MARKER 0x10000u
#define DBT_FL_COND (DBT_FL_MARKER | 1)   /* read: condition sub & 15 */
#define DBT_FL_CF23 (DBT_FL_MARKER | 2)   /* read: CF if sub is 2 or 3 (ADC SBB RCL RCR) */
#define DBT_FL_ZF01 (DBT_FL_MARKER | 3)   /* read: ZF if sub is 0 or 1 (LOOPNE LOOPE) */
#define DBT_FL_SHIFT (DBT_FL_MARKER | 4)  /* written: group 2 by an immediate count */
#define DBT_FL_SHLD (DBT_FL_MARKER | 5)   /* written: SHLD/SHRD by an immediate count */
#define DBT_FL_NOREP (DBT_FL_MARKER | 6)  /* written: all without a REP prefix */

/* attribute shorthands of the table */
#define KA_M DBT_KA_FAULT_MEM
#define KA_MS (DBT_KA_FAULT_MEM | DBT_KA_STORE)
#define KA_FT DBT_KA_FAULT
#define KA_FS (DBT_KA_FAULT | DBT_KA_STORE)
#define KA_STK (DBT_KA_STACK | DBT_KA_FAULT)
#define KA_BR (DBT_KA_BRANCH | DBT_KA_END | DBT_KA_FAULT)
#define KA_SYS (DBT_KA_FAULT | DBT_KA_EXIT)

/* One specialised ALU operation: eight forms (ops_fast.c). */
#define DBT_KINDS_ALU(X, N, n) \
    X(N##_RR64, n##_rr64, 0, 0, 0, KF_ALL) \
    X(N##_RR32, n##_rr32, 0, 0, 0, KF_ALL) \
    X(N##_GR64, n##_gr64, 0, 0, 0, KF_ALL) \
    X(N##_GR32, n##_gr32, 0, 0, 0, KF_ALL) \
    X(N##_RI64, n##_ri64, 0, 0, 0, KF_ALL) \
    X(N##_RI32, n##_ri32, 0, 0, 0, KF_ALL) \
    X(N##_GM64, n##_gm64, KA_FT, 0, 0, KF_ALL) \
    X(N##_GM32, n##_gm32, KA_FT, 0, 0, KF_ALL)
#define DBT_KINDS_JCC(X, c) X(JCC_##c, jcc_##c, KA_BR, 0, DBT_FL_COND, 0)

#define DBT_KINDS(X) \
    /* no opcode: #UD (decode.c) */ \
    X(NONE, ud, DBT_KA_END | KA_FT, 0, 0, 0) \
    /* alu.c */ \
    X(ALU_EG, alu_EG, KA_MS, 0x7f, DBT_FL_CF23, KF_ALL) \
    X(ALU_EI, alu_EI, KA_MS, 0x7f, DBT_FL_CF23, KF_ALL) \
    X(ALU_GE, alu_GE, KA_M, 0, DBT_FL_CF23, KF_ALL) \
    X(ALU_AI, alu_AI, 0, 0, DBT_FL_CF23, KF_ALL) \
    X(TEST_EG, test_EG, KA_M, 0, 0, KF_ALL) \
    X(TEST_EI, test_EI, KA_M, 0, 0, KF_ALL) \
    X(TEST_AI, test_AI, 0, 0, 0, KF_ALL) \
    X(INCDEC_E, incdec_E, KA_MS, 0x03, 0, KF_NCF) \
    X(NOT_E, not_E, KA_MS, 0xff, 0, 0) \
    X(NEG_E, neg_E, KA_MS, 0xff, 0, KF_ALL) \
    X(MOV_EG, mov_EG, KA_MS, 0, 0, 0) \
    X(MOV_GE, mov_GE, KA_M, 0, 0, 0) \
    X(MOV_EI, mov_EI, KA_MS, 0, 0, 0) \
    X(MOV_RI, mov_RI, 0, 0, 0, 0) \
    X(MOV_AO, mov_AO, KA_FS, 0, 0, 0) \
    X(LEA, lea, 0, 0, 0, 0) \
    X(XCHG_EG, xchg_EG, KA_MS | DBT_KA_LOCKED, 0xff, 0, 0) \
    X(XCHG_AR, xchg_AR, 0, 0, 0, 0) \
    X(NOP, nop, 0, 0, 0, 0) \
    X(MOVZX, movzx, KA_M, 0, 0, 0) \
    X(MOVSX, movsx, KA_M, 0, 0, 0) \
    X(CMOV, cmov, KA_M, 0, DBT_FL_COND, 0) \
    X(SETCC, setcc, KA_MS, 0, DBT_FL_COND, 0) \
    X(CBW, cbw, 0, 0, 0, 0) \
    X(CWD, cwd, 0, 0, 0, 0) \
    X(BSWAP, bswap, 0, 0, 0, 0) \
    X(FLAGOP, flagop, 0, 0, KF_ALL, 0) \
    X(LAHF, lahf, 0, 0, KF_ALL, 0) \
    X(SAHF, sahf, 0, 0, 0, KF_NOF) \
    X(XADD, xadd, KA_MS, 0xff, 0, KF_ALL) \
    X(CMPXCHG, cmpxchg, KA_MS, 0xff, 0, KF_ALL) \
    X(CMPXCHG8B, cmpxchg8b, KA_FS, 0xff, 0, DBT_ZF) \
    X(PUSH_R, push_R, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(POP_R, pop_R, KA_STK, 0, 0, 0) \
    X(PUSH_I, push_I, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(PUSH_E, push_E, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(POP_E, pop_E, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    /* shift.c */ \
    X(SHIFT_E, shift_E, KA_MS, 0, DBT_FL_CF23, DBT_FL_SHIFT) \
    X(SHLD_E, shld_E, KA_MS, 0, 0, DBT_FL_SHLD) \
    /* muldiv.c */ \
    X(MUL_E, mul_E, KA_M, 0, 0, KF_ALL) \
    X(IMUL1_E, imul1_E, KA_M, 0, 0, KF_ALL) \
    X(IMUL_GE, imul_GE, KA_M, 0, 0, KF_ALL) \
    X(IMUL_GEI, imul_GEI, KA_M, 0, 0, KF_ALL) \
    X(DIV_E, div_E, KA_FT, 0, 0, 0) \
    X(IDIV_E, idiv_E, KA_FT, 0, 0, 0) \
    /* bitops.c */ \
    X(BT_EG, bt_EG, KA_MS, 0x0e, 0, DBT_CF) \
    X(BT_EI, bt_EI, KA_MS, 0x0e, 0, DBT_CF) \
    X(BSF_GE, bsf_GE, KA_M, 0, 0, DBT_ZF) \
    X(POPCNT_GE, popcnt_GE, KA_M, 0, 0, KF_ALL) \
    /* string.c */ \
    X(MOVS, movs, KA_FS | DBT_KA_EXIT, 0, 0, 0) \
    X(STOS, stos, KA_FS | DBT_KA_EXIT, 0, 0, 0) \
    X(LODS, lods, KA_FT | DBT_KA_EXIT, 0, 0, 0) \
    X(CMPS, cmps, KA_FT | DBT_KA_EXIT, 0, 0, DBT_FL_NOREP) \
    X(SCAS, scas, KA_FT | DBT_KA_EXIT, 0, 0, DBT_FL_NOREP) \
    /* control.c */ \
    X(JCC, jcc, KA_BR, 0, DBT_FL_COND, 0) \
    X(JMP_REL, jmp_rel, KA_BR, 0, 0, 0) \
    X(CALL_REL, call_rel, KA_BR | KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(JMP_E, jmp_E, KA_BR, 0, 0, 0) \
    X(CALL_E, call_E, KA_BR | KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(RET, ret, KA_BR | KA_STK, 0, 0, 0) \
    X(LOOP, loop, KA_BR, 0, DBT_FL_ZF01, 0) \
    X(ENTER, enter, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(LEAVE, leave, KA_STK, 0, 0, 0) \
    X(INT3, int3, KA_SYS | DBT_KA_END, 0, KF_ALL, 0) \
    X(INT_N, int_n, KA_SYS | DBT_KA_END, 0, KF_ALL, 0) \
    X(IRET, iret, KA_SYS | KA_STK | KA_BR, 0, 0, KF_ALL) \
    X(RETF, retf, KA_SYS | KA_STK | KA_BR, 0, 0, 0) \
    X(UD, ud, DBT_KA_END | KA_FT, 0, 0, 0) \
    /* system.c */ \
    X(HLT, hlt, KA_SYS | DBT_KA_END, 0, KF_ALL, 0) \
    X(CLI, cli, KA_FT, 0, 0, 0) \
    X(STI, sti, KA_SYS | DBT_KA_END, 0, 0, 0) \
    X(PUSHF, pushf, KA_STK | DBT_KA_STORE, 0, KF_ALL, 0) \
    X(POPF, popf, KA_SYS | KA_STK | DBT_KA_END, 0, 0, KF_ALL) \
    X(IN, in, KA_SYS, 0, 0, 0) \
    X(OUT, out, KA_SYS, 0, 0, 0) \
    X(INS, ins, KA_SYS | DBT_KA_STORE, 0, 0, 0) \
    X(OUTS, outs, KA_SYS, 0, 0, 0) \
    X(MOV_CR, mov_cr, KA_SYS, 0, 0, 0) \
    X(MOV_DR, mov_dr, KA_SYS, 0, 0, 0) \
    X(GRP6, grp6, KA_SYS | DBT_KA_STORE, 0, KF_ALL, 0) \
    X(GRP7, grp7, KA_SYS | DBT_KA_STORE, 0, KF_ALL, 0) \
    X(CLTS, clts, KA_FT, 0, 0, 0) \
    X(WBINVD, wbinvd, KA_FT, 0, 0, 0) \
    X(WRMSR, wrmsr, KA_SYS | DBT_KA_END, 0, 0, 0) \
    X(RDMSR, rdmsr, KA_FT, 0, 0, 0) \
    X(RDTSC, rdtsc, KA_FT, 0, 0, 0) \
    X(RDPMC, rdpmc, KA_FT, 0, 0, 0) \
    X(CPUID, cpuid, KA_FT, 0, 0, 0) \
    X(SYSCALL, syscall, KA_SYS | DBT_KA_END | DBT_KA_BRANCH, 0, KF_ALL, 0) \
    X(SYSRET, sysret, KA_SYS | DBT_KA_END | DBT_KA_BRANCH, 0, 0, KF_ALL) \
    X(MOV_ES, mov_ES, KA_MS, 0, 0, 0) \
    X(MOV_SE, mov_SE, KA_SYS | DBT_KA_END, 0, 0, 0) \
    X(PUSH_SEG, push_seg, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(POP_SEG, pop_seg, KA_SYS | KA_STK, 0, 0, 0) \
    X(GRP15, grp15, KA_FS, 0, 0, 0) \
    X(LAR, lar, KA_FT, 0, 0, DBT_ZF) \
    X(LSL, lsl, KA_FT, 0, 0, DBT_ZF) \
    X(FWAIT, fwait, KA_FT, 0, 0, 0) \
    X(MOVNTI, movnti, KA_FS, 0, 0, 0) \
    X(PAUSE, pause, DBT_KA_EXIT, 0, 0, 0) \
    /* legacy.c */ \
    X(PUSHA, pusha, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(POPA, popa, KA_STK, 0, 0, 0) \
    X(JMPF_A, jmpf_A, KA_SYS | KA_BR, 0, 0, 0) \
    X(CALLF_A, callf_A, KA_SYS | KA_BR | KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(JMPF_E, jmpf_E, KA_SYS | KA_BR, 0, 0, 0) \
    X(CALLF_E, callf_E, KA_SYS | KA_BR | KA_STK | DBT_KA_STORE, 0, 0, 0) \
    /* fpu_glue.c */ \
    X(FPU, fpu, KA_FS, 0, KF_ALL, 0) \
    /* block.c: longer than 15 bytes (#GP) */ \
    X(TOO_LONG, too_long, DBT_KA_END | KA_FT, 0, 0, 0) \
    /* ---- specialised forms (pass_forms.c picks them) ---- */ \
    /* ops_fast.c: 32/64-bit ALU on registers, immediates, [base+disp] */ \
    DBT_KINDS_ALU(X, ADD, add) DBT_KINDS_ALU(X, OR, or) \
    DBT_KINDS_ALU(X, AND, and) DBT_KINDS_ALU(X, SUB, sub) \
    DBT_KINDS_ALU(X, XOR, xor) DBT_KINDS_ALU(X, CMP, cmp) \
    /* moves, loads and stores in 64-bit code */ \
    X(MOV_RR64, mov_rr64, 0, 0, 0, 0) \
    X(MOV_RR32, mov_rr32, 0, 0, 0, 0) \
    X(MOV_GR64, mov_gr64, 0, 0, 0, 0) \
    X(MOV_GR32, mov_gr32, 0, 0, 0, 0) \
    X(LOAD64_BD, load64_bd, KA_FT, 0, 0, 0) \
    X(LOAD32_BD, load32_bd, KA_FT, 0, 0, 0) \
    X(STORE64_BD, store64_bd, KA_FS, 0, 0, 0) \
    X(STORE32_BD, store32_bd, KA_FS, 0, 0, 0) \
    X(LOAD64_BISD, load64_bisd, KA_FT, 0, 0, 0) \
    X(LOAD32_BISD, load32_bisd, KA_FT, 0, 0, 0) \
    X(STORE64_BISD, store64_bisd, KA_FS, 0, 0, 0) \
    X(STORE32_BISD, store32_bisd, KA_FS, 0, 0, 0) \
    X(LOAD64_RIP, load64_rip, KA_FT, 0, 0, 0) \
    X(LOAD32_RIP, load32_rip, KA_FT, 0, 0, 0) \
    X(STORE64_RIP, store64_rip, KA_FS, 0, 0, 0) \
    X(STORE32_RIP, store32_rip, KA_FS, 0, 0, 0) \
    X(MOVZX8_R, movzx8_r, 0, 0, 0, 0) \
    X(MOVZX16_R, movzx16_r, 0, 0, 0, 0) \
    X(MOVZX8_BD, movzx8_bd, KA_FT, 0, 0, 0) \
    X(MOVZX16_BD, movzx16_bd, KA_FT, 0, 0, 0) \
    /* the stack and branches in 64-bit code */ \
    X(PUSH64_R, push64_R, KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(POP64_R, pop64_R, KA_STK, 0, 0, 0) \
    X(CALL64_REL, call64_rel, KA_BR | KA_STK | DBT_KA_STORE, 0, 0, 0) \
    X(RET64, ret64, KA_BR | KA_STK, 0, 0, 0) \
    DBT_KINDS_JCC(X, 0) DBT_KINDS_JCC(X, 1) DBT_KINDS_JCC(X, 2) \
    DBT_KINDS_JCC(X, 3) DBT_KINDS_JCC(X, 4) DBT_KINDS_JCC(X, 5) \
    DBT_KINDS_JCC(X, 6) DBT_KINDS_JCC(X, 7) DBT_KINDS_JCC(X, 8) \
    DBT_KINDS_JCC(X, 9) DBT_KINDS_JCC(X, 10) DBT_KINDS_JCC(X, 11) \
    DBT_KINDS_JCC(X, 12) DBT_KINDS_JCC(X, 13) DBT_KINDS_JCC(X, 14) \
    DBT_KINDS_JCC(X, 15) \
    /* shift.c: shifts and rotates of a register by an immediate */ \
    X(SHIFT_RI64, shift_ri64, 0, 0, 0, KF_ALL) \
    X(SHIFT_RI32, shift_ri32, 0, 0, 0, KF_ALL) \
    X(ROTATE_RI64, rotate_ri64, 0, 0, 0, KF_CO) \
    X(ROTATE_RI32, rotate_ri32, 0, 0, 0, KF_CO) \
    /* the same with dead flags (pass_flags.c; dbt_kind_exact undoes) */ \
    X(ROTATE_RI64_NF, rotate_ri64_nf, 0, 0, 0, 0) \
    X(ROTATE_RI32_NF, rotate_ri32_nf, 0, 0, 0, 0)

/* Kinds whose flags are computed (second) and their twin that leaves
 * the flags alone (first), for the flags pass. */
#define DBT_KINDS_NF(X) \
    X(ROTATE_RI64_NF, ROTATE_RI64) \
    X(ROTATE_RI32_NF, ROTATE_RI32)

typedef enum {
#define DBT_KIND_ENUM(N, fn, a, l, fr, fw) DBT_KIND_##N,
    DBT_KINDS(DBT_KIND_ENUM)
#undef DBT_KIND_ENUM
    DBT_KIND_LAST
} DbtKind;

typedef struct {
    uint16_t attr;
    uint8_t lock;
    uint32_t fr, fw;
    const char *name;
} DbtKindInfo;

extern const DbtKindInfo dbt_kinds[DBT_KIND_LAST];

#endif /* VESSEL_DBT_KINDS_H */
