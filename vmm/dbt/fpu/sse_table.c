/*
 * sse_table.c - the MMX/SSE/SSE2 opcode table of the 0F map, indexed by
 * opcode and mandatory prefix (none, 66, F3, F2), following the SDM's
 * opcode map (Vol. 2, Appendix A).  Each entry names the handler, the
 * memory operand size and the operand rules (MMX registers, alignment,
 * register-only / memory-only forms).  Groups 12-14 (0F 71-73, shifts by
 * imm8) and group 15 (0F AE) are sub-indexed by ModRM.reg.
 */
#include <stddef.h>

#include "fpu_internal.h"
#include "sse_ops.h"

#define V(n, fn, ms, fl, ax) { .name = n, .vec = fn, .msize = ms, .flags = fl, .aux = ax }
#define C(n, fn, ms, fl, ax) { .name = n, .custom = fn, .msize = ms, .flags = fl, .aux = ax }

#define MMX FPU_F_MMX
#define A16 FPU_F_A16
#define MEM FPU_F_MEM
#define REG FPU_F_REG
#define NOWB FPU_F_NOWB

/* Integer op with an MMX (no prefix) and an XMM (66) form. */
#define INT2(op, n, fn, ax) \
    [op] = { [0] = V(n, fn, 8, MMX, ax), [1] = V(n, fn, 16, A16, ax) }
/* Same, but the MMX form reads only 32 bits of memory (PUNPCKL*). */
#define INTL(op, n, fn, ax) \
    [op] = { [0] = V(n, fn, 4, MMX, ax), [1] = V(n, fn, 16, A16, ax) }
/* Float arithmetic: PS, PD, SS, SD. */
#define FP4(op, n) \
    [op] = { [0] = V(#n "ps", sse_##n##ps, 16, A16, 0), \
             [1] = V(#n "pd", sse_##n##pd, 16, A16, 0), \
             [2] = V(#n "ss", sse_##n##ss, 4, 0, 0), \
             [3] = V(#n "sd", sse_##n##sd, 8, 0, 0) }
/* Bitwise float op: PS and PD forms of an integer logic handler. */
#define FPLOGIC(op, n, fn) \
    [op] = { [0] = V(n "ps", fn, 16, A16, 0), [1] = V(n "pd", fn, 16, A16, 0) }

const FpuOpDesc sse_table[256][4] = {
    [0x10] = { [0] = V("movups", sse_mov, 16, 0, 0),
               [1] = V("movupd", sse_mov, 16, 0, 0),
               [2] = V("movss", sse_movss_load, 4, 0, 0),
               [3] = V("movsd", sse_movsd_load, 8, 0, 0) },
    [0x11] = { [0] = C("movups", sse_store, 16, 0, 0),
               [1] = C("movupd", sse_store, 16, 0, 0),
               [2] = C("movss", sse_store, 4, 0, 0),
               [3] = C("movsd", sse_store, 8, 0, 0) },
    [0x12] = { [0] = V("movlps", sse_movlps_load, 8, 0, 0),
               [1] = V("movlpd", sse_movlps_load, 8, MEM, 0) },
    [0x13] = { [0] = C("movlps", sse_store, 8, MEM, 0),
               [1] = C("movlpd", sse_store, 8, MEM, 0) },
    [0x14] = { [0] = V("unpcklps", sse_unpcklps, 16, A16, 0),
               [1] = V("unpcklpd", sse_unpcklpd, 16, A16, 0) },
    [0x15] = { [0] = V("unpckhps", sse_unpckhps, 16, A16, 0),
               [1] = V("unpckhpd", sse_unpckhpd, 16, A16, 0) },
    [0x16] = { [0] = V("movhps", sse_movhps_load, 8, 0, 0),
               [1] = V("movhpd", sse_movhps_load, 8, MEM, 0) },
    [0x17] = { [0] = C("movhps", sse_store, 8, MEM, 1),
               [1] = C("movhpd", sse_store, 8, MEM, 1) },
    [0x28] = { [0] = V("movaps", sse_mov, 16, A16, 0),
               [1] = V("movapd", sse_mov, 16, A16, 0) },
    [0x29] = { [0] = C("movaps", sse_store, 16, A16, 0),
               [1] = C("movapd", sse_store, 16, A16, 0) },
    [0x2a] = { [0] = V("cvtpi2ps", sse_cvtpi2ps, 8, FPU_F_SRC_MMX, 0),
               [1] = V("cvtpi2pd", sse_cvtpi2pd, 8, FPU_F_SRC_MMX, 0),
               [2] = C("cvtsi2ss", sse_cvtsi2ss, 0, 0, 0),
               [3] = C("cvtsi2sd", sse_cvtsi2sd, 0, 0, 0) },
    [0x2b] = { [0] = C("movntps", sse_store, 16, MEM | A16, 0),
               [1] = C("movntpd", sse_store, 16, MEM | A16, 0) },
    [0x2c] = { [0] = V("cvttps2pi", sse_cvttps2pi, 8, FPU_F_DST_MMX, 0),
               [1] = V("cvttpd2pi", sse_cvttpd2pi, 16, FPU_F_DST_MMX | A16, 0),
               [2] = C("cvttss2si", sse_cvttss2si, 0, 0, 0),
               [3] = C("cvttsd2si", sse_cvttsd2si, 0, 0, 0) },
    [0x2d] = { [0] = V("cvtps2pi", sse_cvtps2pi, 8, FPU_F_DST_MMX, 0),
               [1] = V("cvtpd2pi", sse_cvtpd2pi, 16, FPU_F_DST_MMX | A16, 0),
               [2] = C("cvtss2si", sse_cvtss2si, 0, 0, 0),
               [3] = C("cvtsd2si", sse_cvtsd2si, 0, 0, 0) },
    [0x2e] = { [0] = V("ucomiss", sse_ucomiss, 4, NOWB, 0),
               [1] = V("ucomisd", sse_ucomisd, 8, NOWB, 0) },
    [0x2f] = { [0] = V("comiss", sse_comiss, 4, NOWB, 0),
               [1] = V("comisd", sse_comisd, 8, NOWB, 0) },
    [0x50] = { [0] = C("movmskps", sse_movmsk, 0, REG, 4),
               [1] = C("movmskpd", sse_movmsk, 0, REG, 8) },
    [0x51] = { [0] = V("sqrtps", sse_sqrtps, 16, A16, 0),
               [1] = V("sqrtpd", sse_sqrtpd, 16, A16, 0),
               [2] = V("sqrtss", sse_sqrtss, 4, 0, 0),
               [3] = V("sqrtsd", sse_sqrtsd, 8, 0, 0) },
    [0x52] = { [0] = V("rsqrtps", sse_rsqrtps, 16, A16, 0),
               [2] = V("rsqrtss", sse_rsqrtss, 4, 0, 0) },
    [0x53] = { [0] = V("rcpps", sse_rcpps, 16, A16, 0),
               [2] = V("rcpss", sse_rcpss, 4, 0, 0) },
    FPLOGIC(0x54, "and", sse_pand),
    FPLOGIC(0x55, "andn", sse_pandn),
    FPLOGIC(0x56, "or", sse_por),
    FPLOGIC(0x57, "xor", sse_pxor),
    FP4(0x58, add),
    FP4(0x59, mul),
    [0x5a] = { [0] = V("cvtps2pd", sse_cvtps2pd, 8, 0, 0),
               [1] = V("cvtpd2ps", sse_cvtpd2ps, 16, A16, 0),
               [2] = V("cvtss2sd", sse_cvtss2sd, 4, 0, 0),
               [3] = V("cvtsd2ss", sse_cvtsd2ss, 8, 0, 0) },
    [0x5b] = { [0] = V("cvtdq2ps", sse_cvtdq2ps, 16, A16, 0),
               [1] = V("cvtps2dq", sse_cvtps2dq, 16, A16, 0),
               [2] = V("cvttps2dq", sse_cvttps2dq, 16, A16, 0) },
    FP4(0x5c, sub),
    FP4(0x5d, min),
    FP4(0x5e, div),
    FP4(0x5f, max),
    INTL(0x60, "punpcklbw", sse_punpckl, 1),
    INTL(0x61, "punpcklwd", sse_punpckl, 2),
    INTL(0x62, "punpckldq", sse_punpckl, 4),
    INT2(0x63, "packsswb", sse_packss, 1),
    INT2(0x64, "pcmpgtb", sse_pcmpgt, 1),
    INT2(0x65, "pcmpgtw", sse_pcmpgt, 2),
    INT2(0x66, "pcmpgtd", sse_pcmpgt, 4),
    INT2(0x67, "packuswb", sse_packus, 1),
    INT2(0x68, "punpckhbw", sse_punpckh, 1),
    INT2(0x69, "punpckhwd", sse_punpckh, 2),
    INT2(0x6a, "punpckhdq", sse_punpckh, 4),
    INT2(0x6b, "packssdw", sse_packss, 2),
    [0x6c] = { [1] = V("punpcklqdq", sse_punpckl, 16, A16, 8) },
    [0x6d] = { [1] = V("punpckhqdq", sse_punpckh, 16, A16, 8) },
    [0x6e] = { [0] = C("movd", sse_movd_load, 0, MMX, 0),
               [1] = C("movd", sse_movd_load, 0, 0, 0) },
    [0x6f] = { [0] = V("movq", sse_mov, 8, MMX, 0),
               [1] = V("movdqa", sse_mov, 16, A16, 0),
               [2] = V("movdqu", sse_mov, 16, 0, 0) },
    [0x70] = { [0] = V("pshufw", sse_pshuf, 8, MMX, 0),
               [1] = V("pshufd", sse_pshuf, 16, A16, 1),
               [2] = V("pshufhw", sse_pshuf, 16, A16, 2),
               [3] = V("pshuflw", sse_pshuf, 16, A16, 3) },
    INT2(0x74, "pcmpeqb", sse_pcmpeq, 1),
    INT2(0x75, "pcmpeqw", sse_pcmpeq, 2),
    INT2(0x76, "pcmpeqd", sse_pcmpeq, 4),
    [0x77] = { [0] = C("emms", sse_emms, 0, 0, 0) },
    [0x7e] = { [0] = C("movd", sse_movd_store, 0, MMX, 0),
               [1] = C("movd", sse_movd_store, 0, 0, 0),
               [2] = V("movq", sse_movq_load, 8, 0, 0) },
    [0x7f] = { [0] = C("movq", sse_store, 8, MMX, 0),
               [1] = C("movdqa", sse_store, 16, A16, 0),
               [2] = C("movdqu", sse_store, 16, 0, 0) },
    [0xc2] = { [0] = V("cmpps", sse_cmpps, 16, A16, 0),
               [1] = V("cmppd", sse_cmppd, 16, A16, 0),
               [2] = V("cmpss", sse_cmpss, 4, 0, 0),
               [3] = V("cmpsd", sse_cmpsd, 8, 0, 0) },
    [0xc4] = { [0] = C("pinsrw", sse_pinsrw, 0, MMX, 0),
               [1] = C("pinsrw", sse_pinsrw, 0, 0, 0) },
    [0xc5] = { [0] = C("pextrw", sse_pextrw, 0, MMX | REG, 0),
               [1] = C("pextrw", sse_pextrw, 0, REG, 0) },
    [0xc6] = { [0] = V("shufps", sse_shufps, 16, A16, 0),
               [1] = V("shufpd", sse_shufpd, 16, A16, 0) },
    INT2(0xd1, "psrlw", sse_psrl, 2),
    INT2(0xd2, "psrld", sse_psrl, 4),
    INT2(0xd3, "psrlq", sse_psrl, 8),
    INT2(0xd4, "paddq", sse_padd, 8),
    INT2(0xd5, "pmullw", sse_pmullw, 2),
    [0xd6] = { [1] = C("movq", sse_store, 8, 0, 2),
               [2] = V("movq2dq", sse_movq_load, 8, REG | FPU_F_SRC_MMX, 0),
               [3] = V("movdq2q", sse_movq_load, 8, REG | FPU_F_DST_MMX, 0) },
    [0xd7] = { [0] = C("pmovmskb", sse_pmovmskb, 0, MMX | REG, 0),
               [1] = C("pmovmskb", sse_pmovmskb, 0, REG, 0) },
    INT2(0xd8, "psubusb", sse_psubus, 1),
    INT2(0xd9, "psubusw", sse_psubus, 2),
    INT2(0xda, "pminub", sse_pminu, 1),
    INT2(0xdb, "pand", sse_pand, 8),
    INT2(0xdc, "paddusb", sse_paddus, 1),
    INT2(0xdd, "paddusw", sse_paddus, 2),
    INT2(0xde, "pmaxub", sse_pmaxu, 1),
    INT2(0xdf, "pandn", sse_pandn, 8),
    INT2(0xe0, "pavgb", sse_pavg, 1),
    INT2(0xe1, "psraw", sse_psra, 2),
    INT2(0xe2, "psrad", sse_psra, 4),
    INT2(0xe3, "pavgw", sse_pavg, 2),
    INT2(0xe4, "pmulhuw", sse_pmulhuw, 2),
    INT2(0xe5, "pmulhw", sse_pmulhw, 2),
    [0xe6] = { [1] = V("cvttpd2dq", sse_cvttpd2dq, 16, A16, 0),
               [2] = V("cvtdq2pd", sse_cvtdq2pd, 8, 0, 0),
               [3] = V("cvtpd2dq", sse_cvtpd2dq, 16, A16, 0) },
    [0xe7] = { [0] = C("movntq", sse_store, 8, MMX | MEM, 0),
               [1] = C("movntdq", sse_store, 16, MEM | A16, 0) },
    INT2(0xe8, "psubsb", sse_psubs, 1),
    INT2(0xe9, "psubsw", sse_psubs, 2),
    INT2(0xea, "pminsw", sse_pmins, 2),
    INT2(0xeb, "por", sse_por, 8),
    INT2(0xec, "paddsb", sse_padds, 1),
    INT2(0xed, "paddsw", sse_padds, 2),
    INT2(0xee, "pmaxsw", sse_pmaxs, 2),
    INT2(0xef, "pxor", sse_pxor, 8),
    INT2(0xf1, "psllw", sse_psll, 2),
    INT2(0xf2, "pslld", sse_psll, 4),
    INT2(0xf3, "psllq", sse_psll, 8),
    INT2(0xf4, "pmuludq", sse_pmuludq, 4),
    INT2(0xf5, "pmaddwd", sse_pmaddwd, 2),
    INT2(0xf6, "psadbw", sse_psadbw, 1),
    [0xf7] = { [0] = C("maskmovq", sse_maskmov, 0, MMX | REG, 0),
               [1] = C("maskmovdqu", sse_maskmov, 0, REG, 0) },
    INT2(0xf8, "psubb", sse_psub, 1),
    INT2(0xf9, "psubw", sse_psub, 2),
    INT2(0xfa, "psubd", sse_psub, 4),
    INT2(0xfb, "psubq", sse_psub, 8),
    INT2(0xfc, "paddb", sse_padd, 1),
    INT2(0xfd, "paddw", sse_padd, 2),
    INT2(0xfe, "paddd", sse_padd, 4),
};

/* Shift-by-immediate groups: [opcode - 0x71][ModRM.reg][prefix 0/1].  The
 * destination is the r/m register; the count is the imm8. */
static const FpuOpDesc shift_groups[3][8][2] = {
    [0] = { [2] = { V("psrlw", sse_psrl, 0, MMX | REG, 2), V("psrlw", sse_psrl, 0, REG, 2) },
            [4] = { V("psraw", sse_psra, 0, MMX | REG, 2), V("psraw", sse_psra, 0, REG, 2) },
            [6] = { V("psllw", sse_psll, 0, MMX | REG, 2), V("psllw", sse_psll, 0, REG, 2) } },
    [1] = { [2] = { V("psrld", sse_psrl, 0, MMX | REG, 4), V("psrld", sse_psrl, 0, REG, 4) },
            [4] = { V("psrad", sse_psra, 0, MMX | REG, 4), V("psrad", sse_psra, 0, REG, 4) },
            [6] = { V("pslld", sse_psll, 0, MMX | REG, 4), V("pslld", sse_psll, 0, REG, 4) } },
    [2] = { [2] = { V("psrlq", sse_psrl, 0, MMX | REG, 8), V("psrlq", sse_psrl, 0, REG, 8) },
            [3] = { {0}, V("psrldq", sse_psrldq, 0, REG, 0) },
            [6] = { V("psllq", sse_psll, 0, MMX | REG, 8), V("psllq", sse_psll, 0, REG, 8) },
            [7] = { {0}, V("pslldq", sse_pslldq, 0, REG, 0) } },
};

/* Group 15 (0F AE), memory forms /0-/3, no prefix. */
static const FpuOpDesc group15[4] = {
    C("fxsave", fpu_fxsave, 0, MEM, 0),
    C("fxrstor", fpu_fxrstor, 0, MEM, 0),
    C("ldmxcsr", fpu_ldmxcsr, 0, MEM, 0),
    C("stmxcsr", fpu_stmxcsr, 0, MEM, 0),
};

const FpuOpDesc *sse_group_lookup(uint8_t opcode, uint8_t prefix, uint8_t modrm)
{
    unsigned reg = (modrm >> 3) & 7;
    if (opcode >= 0x71 && opcode <= 0x73) {
        if (prefix > 1)
            return NULL;
        const FpuOpDesc *e = &shift_groups[opcode - 0x71][reg][prefix];
        return e->name ? e : NULL;
    }
    if (opcode == 0xae) {
        if (prefix != 0 || reg > 3 || (modrm >> 6) == 3)
            return NULL;
        return &group15[reg];
    }
    return NULL;
}
