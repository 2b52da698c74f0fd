/* decode_tables.c - the opcode maps (one-byte and 0F) and the ModRM.reg
 * groups, following the Intel SDM opcode tables (Vol. 2, App. A).  Entries
 * left zero are #UD in 64-bit mode. */
#include "vmm/dbt/decode.h"

#define E(o, fl, s) { op_##o, (fl), (s) }
#define M DBT_D_MODRM
#define B DBT_D_BYTE

/* the eight classic ALU rows: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz */
#define ALU_ROW(base, k) \
    [(base) + 0] = E(alu_EG, M | B, k), [(base) + 1] = E(alu_EG, M, k), \
    [(base) + 2] = E(alu_GE, M | B, k), [(base) + 3] = E(alu_GE, M, k), \
    [(base) + 4] = E(alu_AI, B | DBT_D_IB, k), [(base) + 5] = E(alu_AI, DBT_D_IZ, k)

#define CC8(base, o, fl) \
    [(base) + 0] = E(o, fl, 0), [(base) + 1] = E(o, fl, 1), [(base) + 2] = E(o, fl, 2), \
    [(base) + 3] = E(o, fl, 3), [(base) + 4] = E(o, fl, 4), [(base) + 5] = E(o, fl, 5), \
    [(base) + 6] = E(o, fl, 6), [(base) + 7] = E(o, fl, 7)
#define CC16(base, o, fl) \
    CC8(base, o, fl), \
    [(base) + 8] = E(o, fl, 8), [(base) + 9] = E(o, fl, 9), [(base) + 10] = E(o, fl, 10), \
    [(base) + 11] = E(o, fl, 11), [(base) + 12] = E(o, fl, 12), [(base) + 13] = E(o, fl, 13), \
    [(base) + 14] = E(o, fl, 14), [(base) + 15] = E(o, fl, 15)
#define R8(base, o, fl, s) \
    [(base) ... (base) + 7] = E(o, (fl) | DBT_D_REGOP, s)

const DbtOpEntry dbt_map_one[256] = {
    ALU_ROW(0x00, 0), ALU_ROW(0x08, 1), ALU_ROW(0x10, 2), ALU_ROW(0x18, 3),
    ALU_ROW(0x20, 4), ALU_ROW(0x28, 5), ALU_ROW(0x30, 6), ALU_ROW(0x38, 7),
    R8(0x50, push_R, DBT_D_DEF64, 0),
    R8(0x58, pop_R, DBT_D_DEF64, 0),
    [0x63] = E(movsx, M, 4),
    [0x68] = E(push_I, DBT_D_DEF64 | DBT_D_IZ, 0),
    [0x69] = E(imul_GEI, M | DBT_D_IZ, 0),
    [0x6a] = E(push_I, DBT_D_DEF64 | DBT_D_IBS, 0),
    [0x6b] = E(imul_GEI, M | DBT_D_IBS, 0),
    [0x6c] = E(ins, B, 0), [0x6d] = E(ins, 0, 0),
    [0x6e] = E(outs, B, 0), [0x6f] = E(outs, 0, 0),
    CC16(0x70, jcc, DBT_D_IBS | DBT_D_END | DBT_D_F64),
    [0x80] = E(alu_EI, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_1),
    [0x81] = E(alu_EI, M | DBT_D_GRP | DBT_D_IZ, DBT_GRP_1),
    [0x83] = E(alu_EI, M | DBT_D_GRP | DBT_D_IBS, DBT_GRP_1),
    [0x84] = E(test_EG, M | B, 0), [0x85] = E(test_EG, M, 0),
    [0x86] = E(xchg_EG, M | B, 0), [0x87] = E(xchg_EG, M, 0),
    [0x88] = E(mov_EG, M | B, 0), [0x89] = E(mov_EG, M, 0),
    [0x8a] = E(mov_GE, M | B, 0), [0x8b] = E(mov_GE, M, 0),
    [0x8c] = E(mov_ES, M, 0),
    [0x8d] = E(lea, M, 0),
    [0x8e] = E(mov_SE, M | DBT_D_END, 0),
    [0x8f] = E(pop_E, M | DBT_D_GRP | DBT_D_DEF64, DBT_GRP_1A),
    R8(0x90, xchg_AR, 0, 0),
    [0x98] = E(cbw, 0, 0), [0x99] = E(cwd, 0, 0),
    [0x9b] = E(fwait, 0, 0),
    [0x9c] = E(pushf, DBT_D_DEF64, 0), [0x9d] = E(popf, DBT_D_DEF64 | DBT_D_END, 0),
    [0x9e] = E(sahf, 0, 0), [0x9f] = E(lahf, 0, 0),
    [0xa0] = E(mov_AO, B | DBT_D_MOFFS, 0), [0xa1] = E(mov_AO, DBT_D_MOFFS, 0),
    [0xa2] = E(mov_AO, B | DBT_D_MOFFS, 1), [0xa3] = E(mov_AO, DBT_D_MOFFS, 1),
    [0xa4] = E(movs, B, 0), [0xa5] = E(movs, 0, 0),
    [0xa6] = E(cmps, B, 0), [0xa7] = E(cmps, 0, 0),
    [0xa8] = E(test_AI, B | DBT_D_IB, 0), [0xa9] = E(test_AI, DBT_D_IZ, 0),
    [0xaa] = E(stos, B, 0), [0xab] = E(stos, 0, 0),
    [0xac] = E(lods, B, 0), [0xad] = E(lods, 0, 0),
    [0xae] = E(scas, B, 0), [0xaf] = E(scas, 0, 0),
    R8(0xb0, mov_RI, B | DBT_D_IB, 0),
    R8(0xb8, mov_RI, DBT_D_IV, 0),
    [0xc0] = E(shift_E, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_2),
    [0xc1] = E(shift_E, M | DBT_D_GRP | DBT_D_IB, DBT_GRP_2),
    [0xc2] = E(ret, DBT_D_IW | DBT_D_END | DBT_D_F64, 0),
    [0xc3] = E(ret, DBT_D_END | DBT_D_F64, 0),
    [0xc6] = E(mov_EI, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_11),
    [0xc7] = E(mov_EI, M | DBT_D_GRP | DBT_D_IZ, DBT_GRP_11),
    [0xc8] = E(enter, DBT_D_ENTER | DBT_D_DEF64, 0),
    [0xc9] = E(leave, DBT_D_DEF64, 0),
    [0xca] = E(retf, DBT_D_IW | DBT_D_END, 0),
    [0xcb] = E(retf, DBT_D_END, 0),
    [0xcc] = E(int3, DBT_D_END, 0),
    [0xcd] = E(int_n, DBT_D_IB | DBT_D_END, 0),
    [0xcf] = E(iret, DBT_D_END, 0),
    [0xd0] = E(shift_E, M | B | DBT_D_GRP | DBT_D_ONE, DBT_GRP_2),
    [0xd1] = E(shift_E, M | DBT_D_GRP | DBT_D_ONE, DBT_GRP_2),
    [0xd2] = E(shift_E, M | B | DBT_D_GRP | DBT_D_CL, DBT_GRP_2),
    [0xd3] = E(shift_E, M | DBT_D_GRP | DBT_D_CL, DBT_GRP_2),
    [0xd8 ... 0xdf] = E(fpu, M | DBT_D_FPU, 0),
    [0xe0] = E(loop, DBT_D_IBS | DBT_D_END | DBT_D_F64, 0),
    [0xe1] = E(loop, DBT_D_IBS | DBT_D_END | DBT_D_F64, 1),
    [0xe2] = E(loop, DBT_D_IBS | DBT_D_END | DBT_D_F64, 2),
    [0xe3] = E(loop, DBT_D_IBS | DBT_D_END | DBT_D_F64, 3),
    [0xe4] = E(in, B | DBT_D_IB, 0), [0xe5] = E(in, DBT_D_IB, 0),
    [0xe6] = E(out, B | DBT_D_IB, 0), [0xe7] = E(out, DBT_D_IB, 0),
    [0xe8] = E(call_rel, DBT_D_IZ | DBT_D_END | DBT_D_F64, 0),
    [0xe9] = E(jmp_rel, DBT_D_IZ | DBT_D_END | DBT_D_F64, 0),
    [0xeb] = E(jmp_rel, DBT_D_IBS | DBT_D_END | DBT_D_F64, 0),
    [0xec] = E(in, B, 1), [0xed] = E(in, 0, 1),
    [0xee] = E(out, B, 1), [0xef] = E(out, 0, 1),
    [0xf4] = E(hlt, DBT_D_END, 0),
    [0xf5] = E(flagop, 0, 0xf5),
    [0xf6] = E(test_EI, M | B | DBT_D_GRP, DBT_GRP_3),
    [0xf7] = E(test_EI, M | DBT_D_GRP, DBT_GRP_3),
    [0xf8] = E(flagop, 0, 0xf8), [0xf9] = E(flagop, 0, 0xf9),
    [0xfa] = E(cli, 0, 0), [0xfb] = E(sti, DBT_D_END, 0),
    [0xfc] = E(flagop, 0, 0xfc), [0xfd] = E(flagop, 0, 0xfd),
    [0xfe] = E(incdec_E, M | B | DBT_D_GRP, DBT_GRP_4),
    [0xff] = E(incdec_E, M | DBT_D_GRP, DBT_GRP_5),
};

const DbtOpEntry dbt_map_one_legacy[256] = {
    [0x06] = E(push_seg, 0, DBT_SEG_ES), [0x07] = E(pop_seg, DBT_D_END, DBT_SEG_ES),
    [0x0e] = E(push_seg, 0, DBT_SEG_CS),
    [0x16] = E(push_seg, 0, DBT_SEG_SS), [0x17] = E(pop_seg, DBT_D_END, DBT_SEG_SS),
    [0x1e] = E(push_seg, 0, DBT_SEG_DS), [0x1f] = E(pop_seg, DBT_D_END, DBT_SEG_DS),
    [0x40 ... 0x4f] = E(incdec_E, 0, 0),
    [0x60] = E(pusha, 0, 0), [0x61] = E(popa, 0, 0),
    [0x63] = E(ud, DBT_D_END, 0),    /* ARPL: not implemented */
    [0x82] = E(alu_EI, M | B | DBT_D_GRP | DBT_D_IB, DBT_GRP_1),
    [0x9a] = E(callf_A, DBT_D_FAR | DBT_D_END, 0),
    [0xea] = E(jmpf_A, DBT_D_FAR | DBT_D_END, 0),
};

const DbtOpEntry dbt_map_0f[256] = {
    [0x00] = E(grp6, M | DBT_D_END, 0),
    [0x01] = E(grp7, M | DBT_D_END, 0),
    [0x02] = E(lar, M, 0),
    [0x03] = E(lsl, M, 0),
    [0x05] = E(syscall, DBT_D_END, 0),
    [0x06] = E(clts, 0, 0),
    [0x07] = E(sysret, DBT_D_END, 0),
    [0x08] = E(wbinvd, 0, 0), [0x09] = E(wbinvd, 0, 0),
    [0x0b] = E(ud, 0, 0),
    [0x0d] = E(nop, M, 0),
    [0x10 ... 0x17] = E(fpu, M | DBT_D_FPU, 0),
    [0x18 ... 0x1f] = E(nop, M, 0),
    [0x20] = E(mov_cr, M | DBT_D_REGONLY | DBT_D_F64, 0),
    [0x21] = E(mov_dr, M | DBT_D_REGONLY | DBT_D_F64, 0),
    [0x22] = E(mov_cr, M | DBT_D_REGONLY | DBT_D_F64 | DBT_D_END, 1),
    [0x23] = E(mov_dr, M | DBT_D_REGONLY | DBT_D_F64, 1),
    [0x28 ... 0x2f] = E(fpu, M | DBT_D_FPU, 0),
    [0x30] = E(wrmsr, DBT_D_END, 0),
    [0x31] = E(rdtsc, 0, 0),
    [0x32] = E(rdmsr, 0, 0),
    [0x33] = E(rdpmc, 0, 0),
    [0x38] = E(fpu, M | DBT_D_FPU | DBT_D_MAP2, 0),
    [0x3a] = E(fpu, M | DBT_D_FPU | DBT_D_MAP3 | DBT_D_IB, 0),
    CC16(0x40, cmov, M),
    [0x50 ... 0x6f] = E(fpu, M | DBT_D_FPU, 0),
    [0x70 ... 0x73] = E(fpu, M | DBT_D_FPU | DBT_D_IB, 0),
    [0x74 ... 0x76] = E(fpu, M | DBT_D_FPU, 0),
    [0x77] = E(fpu, DBT_D_FPU, 0),
    [0x78 ... 0x7f] = E(fpu, M | DBT_D_FPU, 0),
    CC16(0x80, jcc, DBT_D_IZ | DBT_D_END | DBT_D_F64),
    CC16(0x90, setcc, M | B),
    [0xa0] = E(push_seg, DBT_D_DEF64, DBT_SEG_FS),
    [0xa1] = E(pop_seg, DBT_D_DEF64, DBT_SEG_FS),
    [0xa2] = E(cpuid, 0, 0),
    [0xa3] = E(bt_EG, M, 0),
    [0xa4] = E(shld_E, M | DBT_D_IB, 0),
    [0xa5] = E(shld_E, M | DBT_D_CL, 0),
    [0xa8] = E(push_seg, DBT_D_DEF64, DBT_SEG_GS),
    [0xa9] = E(pop_seg, DBT_D_DEF64, DBT_SEG_GS),
    [0xab] = E(bt_EG, M, 1),
    [0xac] = E(shld_E, M | DBT_D_IB, 1),
    [0xad] = E(shld_E, M | DBT_D_CL, 1),
    [0xae] = E(grp15, M, 0),
    [0xaf] = E(imul_GE, M, 0),
    [0xb0] = E(cmpxchg, M | B, 0), [0xb1] = E(cmpxchg, M, 0),
    [0xb3] = E(bt_EG, M, 2),
    [0xb6] = E(movzx, M, 1), [0xb7] = E(movzx, M, 2),
    [0xb8] = E(popcnt_GE, M, 0),
    [0xba] = E(bt_EI, M | DBT_D_GRP | DBT_D_IB, DBT_GRP_8),
    [0xbb] = E(bt_EG, M, 3),
    [0xbc] = E(bsf_GE, M, 0), [0xbd] = E(bsf_GE, M, 1),
    [0xbe] = E(movsx, M, 1), [0xbf] = E(movsx, M, 2),
    [0xc0] = E(xadd, M | B, 0), [0xc1] = E(xadd, M, 0),
    [0xc2] = E(fpu, M | DBT_D_FPU | DBT_D_IB, 0),
    [0xc3] = E(fpu, M | DBT_D_FPU, 0),
    [0xc4 ... 0xc6] = E(fpu, M | DBT_D_FPU | DBT_D_IB, 0),
    [0xc7] = E(cmpxchg8b, M | DBT_D_MEMONLY, 0),
    R8(0xc8, bswap, 0, 0),
    [0xd0 ... 0xfe] = E(fpu, M | DBT_D_FPU, 0),
};

#define G(o, fl, s) { op_##o, (fl), (s) }
const DbtOpEntry dbt_groups[DBT_GRP_LAST][8] = {
    [DBT_GRP_1] = {
        G(alu_EI, 0, 0), G(alu_EI, 0, 1), G(alu_EI, 0, 2), G(alu_EI, 0, 3),
        G(alu_EI, 0, 4), G(alu_EI, 0, 5), G(alu_EI, 0, 6), G(alu_EI, 0, 7),
    },
    [DBT_GRP_1A] = { G(pop_E, 0, 0) },
    [DBT_GRP_2] = {
        G(shift_E, 0, 0), G(shift_E, 0, 1), G(shift_E, 0, 2), G(shift_E, 0, 3),
        G(shift_E, 0, 4), G(shift_E, 0, 5), G(shift_E, 0, 6), G(shift_E, 0, 7),
    },
    [DBT_GRP_3] = {
        G(test_EI, DBT_D_IZ, 0), G(test_EI, DBT_D_IZ, 0), G(not_E, 0, 0), G(neg_E, 0, 0),
        G(mul_E, 0, 0), G(imul1_E, 0, 0), G(div_E, 0, 0), G(idiv_E, 0, 0),
    },
    [DBT_GRP_4] = { G(incdec_E, 0, 0), G(incdec_E, 0, 1) },
    [DBT_GRP_5] = {
        G(incdec_E, 0, 0), G(incdec_E, 0, 1),
        G(call_E, DBT_D_F64 | DBT_D_END, 0), G(callf_E, DBT_D_END | DBT_D_MEMONLY, 0),
        G(jmp_E, DBT_D_F64 | DBT_D_END, 0), G(jmpf_E, DBT_D_END | DBT_D_MEMONLY, 0),
        G(push_E, DBT_D_DEF64, 0), {NULL, 0, 0},
    },
    [DBT_GRP_8] = {
        {NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0},
        G(bt_EI, 0, 0), G(bt_EI, 0, 1), G(bt_EI, 0, 2), G(bt_EI, 0, 3),
    },
    [DBT_GRP_11] = { G(mov_EI, 0, 0) },
};
