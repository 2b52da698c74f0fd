/* decode_tables.c - the opcode maps (one-byte and 0F) and the ModRM.reg
 * groups, following the Intel SDM opcode tables (Vol. 2, App. A).  Entries
 * left zero are #UD in 64-bit mode. */
#include "vmm/dbt/decode.h"

#define E(kind, fl, s) { DBT_KIND_##kind, (fl), (s) }
#define M DBT_D_MODRM
#define B DBT_D_BYTE

/* the eight classic ALU rows: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz */
#define ALU_ROW(base, k) \
    [(base) + 0] = E(ALU_EG, M | B, k), [(base) + 1] = E(ALU_EG, M, k), \
    [(base) + 2] = E(ALU_GE, M | B, k), [(base) + 3] = E(ALU_GE, M, k), \
    [(base) + 4] = E(ALU_AI, B | DBT_D_IB, k), [(base) + 5] = E(ALU_AI, DBT_D_IZ, k)

#define CC8(base, O, fl) \
    [(base) + 0] = E(O, fl, 0), [(base) + 1] = E(O, fl, 1), [(base) + 2] = E(O, fl, 2), \
    [(base) + 3] = E(O, fl, 3), [(base) + 4] = E(O, fl, 4), [(base) + 5] = E(O, fl, 5), \
    [(base) + 6] = E(O, fl, 6), [(base) + 7] = E(O, fl, 7)
#define CC16(base, O, fl) \
    CC8(base, O, fl), \
    [(base) + 8] = E(O, fl, 8), [(base) + 9] = E(O, fl, 9), [(base) + 10] = E(O, fl, 10), \
    [(base) + 11] = E(O, fl, 11), [(base) + 12] = E(O, fl, 12), [(base) + 13] = E(O, fl, 13), \
    [(base) + 14] = E(O, fl, 14), [(base) + 15] = E(O, fl, 15)
#define R8(base, O, fl, s) \
    [(base) ... (base) + 7] = E(O, (fl) | DBT_D_REGOP, s)

const DbtOpEntry dbt_map_one[256] = {
    ALU_ROW(0x00, 0), ALU_ROW(0x08, 1), ALU_ROW(0x10, 2), ALU_ROW(0x18, 3),
    ALU_ROW(0x20, 4), ALU_ROW(0x28, 5), ALU_ROW(0x30, 6), ALU_ROW(0x38, 7),
    R8(0x50, PUSH_R, DBT_D_DEF64, 0),
    R8(0x58, POP_R, DBT_D_DEF64, 0),
    [0x63] = E(MOVSX, M, 4),
    [0x68] = E(PUSH_I, DBT_D_DEF64 | DBT_D_IZ, 0),
    [0x69] = E(IMUL_GEI, M | DBT_D_IZ, 0),
    [0x6a] = E(PUSH_I, DBT_D_DEF64 | DBT_D_IBS, 0),
    [0x6b] = E(IMUL_GEI, M | DBT_D_IBS, 0),
    [0x6c] = E(INS, B, 0), [0x6d] = E(INS, 0, 0),
    [0x6e] = E(OUTS, B, 0), [0x6f] = E(OUTS, 0, 0),
    CC16(0x70, JCC, DBT_D_IBS | DBT_D_END | DBT_D_F64),
    [0x80] = E(ALU_EI, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_1),
    [0x81] = E(ALU_EI, M | DBT_D_GRP | DBT_D_IZ, DBT_GRP_1),
    [0x83] = E(ALU_EI, M | DBT_D_GRP | DBT_D_IBS, DBT_GRP_1),
    [0x84] = E(TEST_EG, M | B, 0), [0x85] = E(TEST_EG, M, 0),
    [0x86] = E(XCHG_EG, M | B, 0), [0x87] = E(XCHG_EG, M, 0),
    [0x88] = E(MOV_EG, M | B, 0), [0x89] = E(MOV_EG, M, 0),
    [0x8a] = E(MOV_GE, M | B, 0), [0x8b] = E(MOV_GE, M, 0),
    [0x8c] = E(MOV_ES, M, 0),
    [0x8d] = E(LEA, M | DBT_D_MEMONLY, 0),
    [0x8e] = E(MOV_SE, M | DBT_D_END, 0),
    [0x8f] = E(POP_E, M | DBT_D_GRP | DBT_D_DEF64, DBT_GRP_1A),
    R8(0x90, XCHG_AR, 0, 0),
    [0x98] = E(CBW, 0, 0), [0x99] = E(CWD, 0, 0),
    [0x9b] = E(FWAIT, 0, 0),
    [0x9c] = E(PUSHF, DBT_D_DEF64, 0), [0x9d] = E(POPF, DBT_D_DEF64 | DBT_D_END, 0),
    [0x9e] = E(SAHF, 0, 0), [0x9f] = E(LAHF, 0, 0),
    [0xa0] = E(MOV_AO, B | DBT_D_MOFFS, 0), [0xa1] = E(MOV_AO, DBT_D_MOFFS, 0),
    [0xa2] = E(MOV_AO, B | DBT_D_MOFFS, 1), [0xa3] = E(MOV_AO, DBT_D_MOFFS, 1),
    [0xa4] = E(MOVS, B, 0), [0xa5] = E(MOVS, 0, 0),
    [0xa6] = E(CMPS, B, 0), [0xa7] = E(CMPS, 0, 0),
    [0xa8] = E(TEST_AI, B | DBT_D_IB, 0), [0xa9] = E(TEST_AI, DBT_D_IZ, 0),
    [0xaa] = E(STOS, B, 0), [0xab] = E(STOS, 0, 0),
    [0xac] = E(LODS, B, 0), [0xad] = E(LODS, 0, 0),
    [0xae] = E(SCAS, B, 0), [0xaf] = E(SCAS, 0, 0),
    R8(0xb0, MOV_RI, B | DBT_D_IB, 0),
    R8(0xb8, MOV_RI, DBT_D_IV, 0),
    [0xc0] = E(SHIFT_E, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_2),
    [0xc1] = E(SHIFT_E, M | DBT_D_GRP | DBT_D_IB, DBT_GRP_2),
    [0xc2] = E(RET, DBT_D_IW | DBT_D_END | DBT_D_F64, 0),
    [0xc3] = E(RET, DBT_D_END | DBT_D_F64, 0),
    [0xc6] = E(MOV_EI, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_11),
    [0xc7] = E(MOV_EI, M | DBT_D_GRP | DBT_D_IZ, DBT_GRP_11),
    [0xc8] = E(ENTER, DBT_D_ENTER | DBT_D_DEF64, 0),
    [0xc9] = E(LEAVE, DBT_D_DEF64, 0),
    [0xca] = E(RETF, DBT_D_IW | DBT_D_END, 0),
    [0xcb] = E(RETF, DBT_D_END, 0),
    [0xcc] = E(INT3, DBT_D_END, 0),
    [0xcd] = E(INT_N, DBT_D_IB | DBT_D_END, 0),
    [0xcf] = E(IRET, DBT_D_END, 0),
    [0xd0] = E(SHIFT_E, M | B | DBT_D_GRP | DBT_D_ONE, DBT_GRP_2),
    [0xd1] = E(SHIFT_E, M | DBT_D_GRP | DBT_D_ONE, DBT_GRP_2),
    [0xd2] = E(SHIFT_E, M | B | DBT_D_GRP | DBT_D_CL, DBT_GRP_2),
    [0xd3] = E(SHIFT_E, M | DBT_D_GRP | DBT_D_CL, DBT_GRP_2),
    [0xd8 ... 0xdf] = E(FPU, M | DBT_D_FPU, 0),
    [0xe0] = E(LOOP, DBT_D_IBS | DBT_D_END | DBT_D_F64, 0),
    [0xe1] = E(LOOP, DBT_D_IBS | DBT_D_END | DBT_D_F64, 1),
    [0xe2] = E(LOOP, DBT_D_IBS | DBT_D_END | DBT_D_F64, 2),
    [0xe3] = E(LOOP, DBT_D_IBS | DBT_D_END | DBT_D_F64, 3),
    [0xe4] = E(IN, B | DBT_D_IB, 0), [0xe5] = E(IN, DBT_D_IB, 0),
    [0xe6] = E(OUT, B | DBT_D_IB, 0), [0xe7] = E(OUT, DBT_D_IB, 0),
    [0xe8] = E(CALL_REL, DBT_D_IZ | DBT_D_END | DBT_D_F64, 0),
    [0xe9] = E(JMP_REL, DBT_D_IZ | DBT_D_END | DBT_D_F64, 0),
    [0xeb] = E(JMP_REL, DBT_D_IBS | DBT_D_END | DBT_D_F64, 0),
    [0xec] = E(IN, B, 1), [0xed] = E(IN, 0, 1),
    [0xee] = E(OUT, B, 1), [0xef] = E(OUT, 0, 1),
    [0xf4] = E(HLT, DBT_D_END, 0),
    [0xf5] = E(FLAGOP, 0, 0xf5),
    [0xf6] = E(TEST_EI, M | B | DBT_D_GRP, DBT_GRP_3),
    [0xf7] = E(TEST_EI, M | DBT_D_GRP, DBT_GRP_3),
    [0xf8] = E(FLAGOP, 0, 0xf8), [0xf9] = E(FLAGOP, 0, 0xf9),
    [0xfa] = E(CLI, 0, 0), [0xfb] = E(STI, DBT_D_END, 0),
    [0xfc] = E(FLAGOP, 0, 0xfc), [0xfd] = E(FLAGOP, 0, 0xfd),
    [0xfe] = E(INCDEC_E, M | B | DBT_D_GRP, DBT_GRP_4),
    [0xff] = E(INCDEC_E, M | DBT_D_GRP, DBT_GRP_5),
};

const DbtOpEntry dbt_map_one_legacy[256] = {
    [0x06] = E(PUSH_SEG, 0, DBT_SEG_ES), [0x07] = E(POP_SEG, DBT_D_END, DBT_SEG_ES),
    [0x0e] = E(PUSH_SEG, 0, DBT_SEG_CS),
    [0x16] = E(PUSH_SEG, 0, DBT_SEG_SS), [0x17] = E(POP_SEG, DBT_D_END, DBT_SEG_SS),
    [0x1e] = E(PUSH_SEG, 0, DBT_SEG_DS), [0x1f] = E(POP_SEG, DBT_D_END, DBT_SEG_DS),
    [0x40 ... 0x4f] = E(INCDEC_E, 0, 0),
    [0x60] = E(PUSHA, 0, 0), [0x61] = E(POPA, 0, 0),
    [0x63] = E(UD, DBT_D_END, 0),    /* ARPL: not implemented */
    [0x82] = E(ALU_EI, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_1),
    [0x9a] = E(CALLF_A, DBT_D_FAR | DBT_D_END, 0),
    [0xea] = E(JMPF_A, DBT_D_FAR | DBT_D_END, 0),
};

const DbtOpEntry dbt_map_0f[256] = {
    [0x00] = E(GRP6, M | DBT_D_END, 0),
    [0x01] = E(GRP7, M | DBT_D_END, 0),
    [0x02] = E(LAR, M, 0),
    [0x03] = E(LSL, M, 0),
    [0x05] = E(SYSCALL, DBT_D_END, 0),
    [0x06] = E(CLTS, 0, 0),
    [0x07] = E(SYSRET, DBT_D_END, 0),
    [0x08] = E(WBINVD, 0, 0), [0x09] = E(WBINVD, 0, 0),
    [0x0b] = E(UD, 0, 0),
    [0x0d] = E(NOP, M, 0),
    [0x10 ... 0x17] = E(FPU, M | DBT_D_FPU, 0),
    [0x18 ... 0x1f] = E(NOP, M, 0),
    [0x20] = E(MOV_CR, M | DBT_D_REGONLY | DBT_D_F64, 0),
    [0x21] = E(MOV_DR, M | DBT_D_REGONLY | DBT_D_F64, 0),
    [0x22] = E(MOV_CR, M | DBT_D_REGONLY | DBT_D_F64 | DBT_D_END, 1),
    [0x23] = E(MOV_DR, M | DBT_D_REGONLY | DBT_D_F64, 1),
    [0x28 ... 0x2f] = E(FPU, M | DBT_D_FPU, 0),
    [0x30] = E(WRMSR, DBT_D_END, 0),
    [0x31] = E(RDTSC, 0, 0),
    [0x32] = E(RDMSR, 0, 0),
    [0x33] = E(RDPMC, 0, 0),
    [0x38] = E(FPU, M | DBT_D_FPU | DBT_D_MAP2, 0),
    [0x3a] = E(FPU, M | DBT_D_FPU | DBT_D_MAP3 | DBT_D_IB, 0),
    CC16(0x40, CMOV, M),
    [0x50 ... 0x6f] = E(FPU, M | DBT_D_FPU, 0),
    [0x70 ... 0x73] = E(FPU, M | DBT_D_FPU | DBT_D_IB, 0),
    [0x74 ... 0x76] = E(FPU, M | DBT_D_FPU, 0),
    [0x77] = E(FPU, DBT_D_FPU, 0),
    [0x78 ... 0x7f] = E(FPU, M | DBT_D_FPU, 0),
    CC16(0x80, JCC, DBT_D_IZ | DBT_D_END | DBT_D_F64),
    CC16(0x90, SETCC, M | B),
    [0xa0] = E(PUSH_SEG, DBT_D_DEF64, DBT_SEG_FS),
    [0xa1] = E(POP_SEG, DBT_D_DEF64, DBT_SEG_FS),
    [0xa2] = E(CPUID, 0, 0),
    [0xa3] = E(BT_EG, M, 0),
    [0xa4] = E(SHLD_E, M | DBT_D_IB, 0),
    [0xa5] = E(SHLD_E, M | DBT_D_CL, 0),
    [0xa8] = E(PUSH_SEG, DBT_D_DEF64, DBT_SEG_GS),
    [0xa9] = E(POP_SEG, DBT_D_DEF64, DBT_SEG_GS),
    [0xab] = E(BT_EG, M, 1),
    [0xac] = E(SHLD_E, M | DBT_D_IB, 1),
    [0xad] = E(SHLD_E, M | DBT_D_CL, 1),
    [0xae] = E(GRP15, M, 0),
    [0xaf] = E(IMUL_GE, M, 0),
    [0xb0] = E(CMPXCHG, M | B, 0), [0xb1] = E(CMPXCHG, M, 0),
    [0xb3] = E(BT_EG, M, 2),
    [0xb6] = E(MOVZX, M, 1), [0xb7] = E(MOVZX, M, 2),
    [0xb8] = E(POPCNT_GE, M, 0),
    [0xba] = E(BT_EI, M | DBT_D_GRP | DBT_D_IB, DBT_GRP_8),
    [0xbb] = E(BT_EG, M, 3),
    [0xbc] = E(BSF_GE, M, 0), [0xbd] = E(BSF_GE, M, 1),
    [0xbe] = E(MOVSX, M, 1), [0xbf] = E(MOVSX, M, 2),
    [0xc0] = E(XADD, M | B, 0), [0xc1] = E(XADD, M, 0),
    [0xc2] = E(FPU, M | DBT_D_FPU | DBT_D_IB, 0),
    [0xc3] = E(FPU, M | DBT_D_FPU, 0),
    [0xc4 ... 0xc6] = E(FPU, M | DBT_D_FPU | DBT_D_IB, 0),
    [0xc7] = E(CMPXCHG8B, M | DBT_D_MEMONLY, 0),
    R8(0xc8, BSWAP, 0, 0),
    [0xd0 ... 0xfe] = E(FPU, M | DBT_D_FPU, 0),
};

#define G(kind, fl, s) { DBT_KIND_##kind, (fl), (s) }
const DbtOpEntry dbt_groups[DBT_GRP_LAST][8] = {
    [DBT_GRP_1] = {
        G(ALU_EI, 0, 0), G(ALU_EI, 0, 1), G(ALU_EI, 0, 2), G(ALU_EI, 0, 3),
        G(ALU_EI, 0, 4), G(ALU_EI, 0, 5), G(ALU_EI, 0, 6), G(ALU_EI, 0, 7),
    },
    [DBT_GRP_1A] = { G(POP_E, 0, 0) },
    [DBT_GRP_2] = {
        G(SHIFT_E, 0, 0), G(SHIFT_E, 0, 1), G(SHIFT_E, 0, 2), G(SHIFT_E, 0, 3),
        G(SHIFT_E, 0, 4), G(SHIFT_E, 0, 5), G(SHIFT_E, 0, 6), G(SHIFT_E, 0, 7),
    },
    [DBT_GRP_3] = {
        G(TEST_EI, DBT_D_IZ, 0), G(TEST_EI, DBT_D_IZ, 0), G(NOT_E, 0, 0), G(NEG_E, 0, 0),
        G(MUL_E, 0, 0), G(IMUL1_E, 0, 0), G(DIV_E, 0, 0), G(IDIV_E, 0, 0),
    },
    [DBT_GRP_4] = { G(INCDEC_E, 0, 0), G(INCDEC_E, 0, 1) },
    [DBT_GRP_5] = {
        G(INCDEC_E, 0, 0), G(INCDEC_E, 0, 1),
        G(CALL_E, DBT_D_F64 | DBT_D_END, 0), G(CALLF_E, DBT_D_END | DBT_D_MEMONLY, 0),
        G(JMP_E, DBT_D_F64 | DBT_D_END, 0), G(JMPF_E, DBT_D_END | DBT_D_MEMONLY, 0),
        G(PUSH_E, DBT_D_DEF64, 0), {0, 0, 0},
    },
    [DBT_GRP_8] = {
        {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0},
        G(BT_EI, 0, 0), G(BT_EI, 0, 1), G(BT_EI, 0, 2), G(BT_EI, 0, 3),
    },
    [DBT_GRP_11] = { G(MOV_EI, 0, 0) },
};
