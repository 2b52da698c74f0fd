/* x86emit.h - a small x86-64 instruction encoder for the translator
 * (jit.c): the moves, ALU operations, shifts, LEA and branches it emits,
 * with register, [base + disp32] and [base + index*scale + disp32]
 * operands.  Writes into an X86Buf; running out of room sets `full` and
 * writes nothing more (the caller then flushes the code cache).  Named
 * after the Intel SDM's mnemonics and operand order (destination first).
 * Knows nothing of the dbt CPU. */
#ifndef VESSEL_DBT_X86EMIT_H
#define VESSEL_DBT_X86EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* host registers, by encoding */
enum {
    X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
    X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
    X_NOREG = 0xff
};

/* ALU operations: the /digit of 81 /n and the row of the 01-3B opcodes */
enum { X_ADD = 0, X_OR = 1, X_ADC = 2, X_SBB = 3, X_AND = 4, X_SUB = 5, X_XOR = 6, X_CMP = 7 };
/* shift /digit (C1 /n) */
enum { X_ROL = 0, X_ROR = 1, X_SHL = 4, X_SHR = 5, X_SAR = 7 };
/* condition codes (the low nibble of 0F 8x) */
enum { X_CC_O, X_CC_NO, X_CC_B, X_CC_AE, X_CC_E, X_CC_NE, X_CC_BE, X_CC_A,
       X_CC_S, X_CC_NS, X_CC_P, X_CC_NP, X_CC_L, X_CC_GE, X_CC_LE, X_CC_G };

/* A memory operand: [base + index * (1 << scale) + disp]; base X_NOREG
 * with rip = true is [rip + disp]. */
typedef struct {
    uint8_t base, index, scale;
    bool rip;
    int32_t disp;
} X86Mem;

typedef struct {
    uint8_t *p;            /* next byte (in the writable view) */
    uint8_t *end;
    bool full;
    /* the last x86_store() if it ended at st_end (see x86_load()) */
    uint8_t *st_end;
    X86Mem st_mem;
    uint8_t st_reg;
    bool st_w;
} X86Buf;

static inline X86Mem x86_mem(unsigned base, int32_t disp)
{
    return (X86Mem){ (uint8_t)base, X_NOREG, 0, false, disp };
}
static inline X86Mem x86_mem_idx(unsigned base, unsigned index, unsigned scale, int32_t disp)
{
    return (X86Mem){ (uint8_t)base, (uint8_t)index, (uint8_t)scale, false, disp };
}

static inline bool x86_room(X86Buf *b, unsigned n)
{
    if (b->full || (size_t)(b->end - b->p) < n) {
        b->full = true;
        return false;
    }
    return true;
}
static inline void x86_byte(X86Buf *b, unsigned v)
{
    if (x86_room(b, 1))
        *b->p++ = (uint8_t)v;
}
static inline void x86_u16(X86Buf *b, uint16_t v)
{
    if (x86_room(b, 2)) {
        memcpy(b->p, &v, 2);
        b->p += 2;
    }
}
static inline void x86_u32(X86Buf *b, uint32_t v)
{
    if (x86_room(b, 4)) {
        memcpy(b->p, &v, 4);
        b->p += 4;
    }
}
static inline void x86_u64(X86Buf *b, uint64_t v)
{
    if (x86_room(b, 8)) {
        memcpy(b->p, &v, 8);
        b->p += 8;
    }
}

/* REX for operand-size @w, ModRM.reg @reg, ModRM.rm / SIB.base @rm and
 * SIB.index @index; @force: a REX even when all bits are 0 (byte
 * registers SPL..DIL) */
static inline void x86_rex(X86Buf *b, bool w, unsigned reg, unsigned index, unsigned rm,
                           bool force)
{
    unsigned r = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0)
        | ((index != X_NOREG && (index & 8)) ? 2 : 0) | ((rm != X_NOREG && (rm & 8)) ? 1 : 0);
    if (r != 0x40 || force)
        x86_byte(b, r);
}

/* ModRM (+ SIB + displacement) for register @reg and memory @m */
static inline void x86_modrm_mem(X86Buf *b, unsigned reg, X86Mem m)
{
    reg &= 7;
    if (m.rip) {
        x86_byte(b, (reg << 3) | 5);
        x86_u32(b, (uint32_t)m.disp);
        return;
    }
    unsigned mod = m.disp == 0 && (m.base & 7) != X_RBP ? 0
        : (m.disp >= -128 && m.disp <= 127) ? 1 : 2;
    if (m.index == X_NOREG && (m.base & 7) != X_RSP) {
        x86_byte(b, (mod << 6) | (reg << 3) | (m.base & 7));
    } else {
        unsigned idx = m.index == X_NOREG ? 4 : (m.index & 7);
        x86_byte(b, (mod << 6) | (reg << 3) | 4);
        x86_byte(b, (m.scale << 6) | (idx << 3) | (m.base & 7));
    }
    if (mod == 1)
        x86_byte(b, (uint8_t)(int8_t)m.disp);
    else if (mod == 2)
        x86_u32(b, (uint32_t)m.disp);
}

/* opcode(s) with a memory operand: [REX] op... ModRM */
static inline void x86_op_mem(X86Buf *b, bool w, const uint8_t *op, unsigned nop,
                              unsigned reg, X86Mem m)
{
    x86_rex(b, w, reg, m.index, m.rip ? X_NOREG : m.base, false);
    for (unsigned k = 0; k < nop; k++)
        x86_byte(b, op[k]);
    x86_modrm_mem(b, reg, m);
}
/* opcode(s) with two registers: ModRM.reg @reg, ModRM.rm @rm */
static inline void x86_op_rr(X86Buf *b, bool w, const uint8_t *op, unsigned nop,
                             unsigned reg, unsigned rm)
{
    x86_rex(b, w, reg, X_NOREG, rm, false);
    for (unsigned k = 0; k < nop; k++)
        x86_byte(b, op[k]);
    x86_byte(b, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* ---- moves ---------------------------------------------------------------- */
static inline void x86_mov_rr(X86Buf *b, bool w, unsigned dst, unsigned src)
{
    x86_op_rr(b, w, (const uint8_t[]){ 0x89 }, 1, src, dst);
}
/* A jump target here: what was stored before may have changed. */
static inline uint8_t *x86_label(X86Buf *b)
{
    b->st_end = NULL;
    return b->p;
}
/* mov r, [m] (64 or 32 bits: a 32-bit load zero-extends).  Right after
 * a store of register s to the same place (nothing emitted or jumping in
 * between: the translator stores a guest register and the next
 * instruction reads it again), the value is taken from s instead: no
 * store-to-load forwarding on the dependency chain. */
static inline void x86_load(X86Buf *b, bool w, unsigned r, X86Mem m)
{
    if (b->st_end == b->p && (b->st_w || !w) && b->st_mem.base == m.base
        && b->st_mem.index == m.index && b->st_mem.scale == m.scale
        && b->st_mem.rip == m.rip && b->st_mem.disp == m.disp && !m.rip) {
        unsigned s = b->st_reg;
        if (r != s || !w)
            x86_mov_rr(b, w, r, s);
        /* s still holds what was stored (its low half if it was just
         * zero-extended): later loads of it are elided too */
        if (r == s && !w)
            b->st_w = false;
        b->st_end = b->p;
        return;
    }
    x86_op_mem(b, w, (const uint8_t[]){ 0x8b }, 1, r, m);
}
/* mov [m], r */
static inline void x86_store(X86Buf *b, bool w, X86Mem m, unsigned r)
{
    x86_op_mem(b, w, (const uint8_t[]){ 0x89 }, 1, r, m);
    b->st_end = b->p;
    b->st_mem = m;
    b->st_reg = (uint8_t)r;
    b->st_w = w;
}
/* movzx r32, byte/word [m] */
static inline void x86_load_zx(X86Buf *b, unsigned size, unsigned r, X86Mem m)
{
    x86_op_mem(b, false, (const uint8_t[]){ 0x0f, size == 1 ? 0xb6 : 0xb7 }, 2, r, m);
}
/* mov byte/word [m], r */
static inline void x86_store_small(X86Buf *b, unsigned size, X86Mem m, unsigned r)
{
    if (size == 2) {
        x86_byte(b, 0x66);
        x86_op_mem(b, false, (const uint8_t[]){ 0x89 }, 1, r, m);
    } else {
        x86_rex(b, false, r, m.index, m.base, r >= 4);
        x86_byte(b, 0x88);
        x86_modrm_mem(b, r, m);
    }
}
/* mov r, imm: the shortest of mov r32, imm32 (zero-extends), mov r64,
 * simm32 and mov r64, imm64 */
static inline void x86_mov_ri(X86Buf *b, unsigned r, uint64_t v)
{
    if (v <= 0xffffffffull) {
        x86_rex(b, false, 0, X_NOREG, r, false);
        x86_byte(b, 0xb8 + (r & 7));
        x86_u32(b, (uint32_t)v);
    } else if ((int64_t)v == (int32_t)v) {
        x86_rex(b, true, 0, X_NOREG, r, false);
        x86_byte(b, 0xc7);
        x86_byte(b, 0xc0 | (r & 7));
        x86_u32(b, (uint32_t)v);
    } else {
        x86_rex(b, true, 0, X_NOREG, r, false);
        x86_byte(b, 0xb8 + (r & 7));
        x86_u64(b, v);
    }
}
/* mov qword/dword [m], simm32 */
static inline void x86_store_imm(X86Buf *b, bool w, X86Mem m, int32_t v)
{
    x86_op_mem(b, w, (const uint8_t[]){ 0xc7 }, 1, 0, m);
    x86_u32(b, (uint32_t)v);
}
/* mov word [m], imm16 */
static inline void x86_store_imm16(X86Buf *b, X86Mem m, uint16_t v)
{
    x86_byte(b, 0x66);
    x86_op_mem(b, false, (const uint8_t[]){ 0xc7 }, 1, 0, m);
    x86_u16(b, v);
}
/* mov byte [m], imm8 */
static inline void x86_store_imm8(X86Buf *b, X86Mem m, uint8_t v)
{
    x86_op_mem(b, false, (const uint8_t[]){ 0xc6 }, 1, 0, m);
    x86_byte(b, v);
}
static inline void x86_lea(X86Buf *b, unsigned r, X86Mem m)
{
    x86_op_mem(b, true, (const uint8_t[]){ 0x8d }, 1, r, m);
}

/* ---- ALU -------------------------------------------------------------------- */
/* op r, r/m (03, 0B, ... 3B) */
static inline void x86_alu_rr(X86Buf *b, unsigned op, bool w, unsigned dst, unsigned src)
{
    x86_op_rr(b, w, (const uint8_t[]){ (uint8_t)(op * 8 + 3) }, 1, dst, src);
}
static inline void x86_alu_rm(X86Buf *b, unsigned op, bool w, unsigned dst, X86Mem m)
{
    x86_op_mem(b, w, (const uint8_t[]){ (uint8_t)(op * 8 + 3) }, 1, dst, m);
}
/* op [m], r (01, 09, ... 39) */
static inline void x86_alu_mr(X86Buf *b, unsigned op, bool w, X86Mem m, unsigned src)
{
    x86_op_mem(b, w, (const uint8_t[]){ (uint8_t)(op * 8 + 1) }, 1, src, m);
}
/* op r, simm32 (83 /n ib or 81 /n id) */
static inline void x86_alu_ri(X86Buf *b, unsigned op, bool w, unsigned r, int32_t v)
{
    x86_rex(b, w, 0, X_NOREG, r, false);
    if (v >= -128 && v <= 127) {
        x86_byte(b, 0x83);
        x86_byte(b, 0xc0 | (op << 3) | (r & 7));
        x86_byte(b, (uint8_t)(int8_t)v);
    } else {
        x86_byte(b, 0x81);
        x86_byte(b, 0xc0 | (op << 3) | (r & 7));
        x86_u32(b, (uint32_t)v);
    }
}
/* op [m], simm32 */
static inline void x86_alu_mi(X86Buf *b, unsigned op, bool w, X86Mem m, int32_t v)
{
    bool small = v >= -128 && v <= 127;
    x86_op_mem(b, w, (const uint8_t[]){ small ? 0x83 : 0x81 }, 1, op, m);
    if (small)
        x86_byte(b, (uint8_t)(int8_t)v);
    else
        x86_u32(b, (uint32_t)v);
}
/* test r, r */
static inline void x86_test_rr(X86Buf *b, bool w, unsigned a, unsigned c)
{
    x86_op_rr(b, w, (const uint8_t[]){ 0x85 }, 1, c, a);
}
/* test r, imm32 */
static inline void x86_test_ri(X86Buf *b, bool w, unsigned r, int32_t v)
{
    x86_rex(b, w, 0, X_NOREG, r, false);
    x86_byte(b, 0xf7);
    x86_byte(b, 0xc0 | (r & 7));
    x86_u32(b, (uint32_t)v);
}
/* shift r by imm8 (C1 /n ib) */
static inline void x86_shift_ri(X86Buf *b, unsigned op, bool w, unsigned r, uint8_t n)
{
    x86_rex(b, w, 0, X_NOREG, r, false);
    x86_byte(b, 0xc1);
    x86_byte(b, 0xc0 | (op << 3) | (r & 7));
    x86_byte(b, n);
}
/* shift r by CL (D3 /n) */
static inline void x86_shift_cl(X86Buf *b, unsigned op, bool w, unsigned r)
{
    x86_rex(b, w, 0, X_NOREG, r, false);
    x86_byte(b, 0xd3);
    x86_byte(b, 0xc0 | (op << 3) | (r & 7));
}
/* cmp byte/dword [m], imm8 */
static inline void x86_cmp_m8_i(X86Buf *b, X86Mem m, uint8_t v)
{
    x86_op_mem(b, false, (const uint8_t[]){ 0x80 }, 1, X_CMP, m);
    x86_byte(b, v);
}
static inline void x86_cmp_m32_i(X86Buf *b, X86Mem m, int8_t v)
{
    x86_op_mem(b, false, (const uint8_t[]){ 0x83 }, 1, X_CMP, m);
    x86_byte(b, (uint8_t)v);
}

/* setcc r8 (SPL..DIL take a REX) */
static inline void x86_setcc(X86Buf *b, unsigned cc, unsigned r)
{
    x86_rex(b, false, 0, X_NOREG, r, r >= 4);
    x86_byte(b, 0x0f);
    x86_byte(b, 0x90 + cc);
    x86_byte(b, 0xc0 | (r & 7));
}
/* bswap r (0F C8+r) */
static inline void x86_bswap_r(X86Buf *b, bool w, unsigned r)
{
    x86_rex(b, w, 0, X_NOREG, r, false);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xc8 + (r & 7));
}
/* cmovcc r, r (0F 40+cc) */
static inline void x86_cmov_rr(X86Buf *b, unsigned cc, bool w, unsigned dst, unsigned src)
{
    x86_op_rr(b, w, (const uint8_t[]){ 0x0f, (uint8_t)(0x40 + cc) }, 2, dst, src);
}
/* movzx r32, r8 / r16 */
static inline void x86_movzx_rr(X86Buf *b, unsigned size, unsigned dst, unsigned src)
{
    x86_rex(b, false, dst, X_NOREG, src, size == 1 && src >= 4);
    x86_byte(b, 0x0f);
    x86_byte(b, size == 1 ? 0xb6 : 0xb7);
    x86_byte(b, 0xc0 | ((dst & 7) << 3) | (src & 7));
}
/* movsx r64, r8 / r16 / r32 (MOVSXD) */
static inline void x86_movsx_rr(X86Buf *b, unsigned size, unsigned dst, unsigned src)
{
    if (size == 4) {
        x86_op_rr(b, true, (const uint8_t[]){ 0x63 }, 1, dst, src);
        return;
    }
    x86_rex(b, true, dst, X_NOREG, src, false);
    x86_byte(b, 0x0f);
    x86_byte(b, size == 1 ? 0xbe : 0xbf);
    x86_byte(b, 0xc0 | ((dst & 7) << 3) | (src & 7));
}
/* imul r, r/m (0F AF) and imul r, r/m, imm32 (69) */
static inline void x86_imul_rr(X86Buf *b, bool w, unsigned dst, unsigned src)
{
    x86_op_rr(b, w, (const uint8_t[]){ 0x0f, 0xaf }, 2, dst, src);
}
static inline void x86_imul_rri(X86Buf *b, bool w, unsigned dst, unsigned src, int32_t v)
{
    x86_op_rr(b, w, (const uint8_t[]){ 0x69 }, 1, dst, src);
    x86_u32(b, (uint32_t)v);
}
/* inc / dec r (FF /0, /1) */
static inline void x86_incdec_r(X86Buf *b, bool dec, bool w, unsigned r)
{
    x86_rex(b, w, 0, X_NOREG, r, false);
    x86_byte(b, 0xff);
    x86_byte(b, 0xc0 | (dec ? 8 : 0) | (r & 7));
}

/* ---- branches ----------------------------------------------------------------
 * A branch is emitted with a 32-bit displacement relative to the RX view
 * of the code: @rx_delta is (executable address - writable address). */
static inline int32_t x86_rel32(const X86Buf *b, const void *target_rx, intptr_t rx_delta,
                                unsigned insn_len_after)
{
    intptr_t next_rx = (intptr_t)(b->p + insn_len_after) + rx_delta;
    return (int32_t)((intptr_t)target_rx - next_rx);
}
static inline bool x86_rel32_ok(const X86Buf *b, const void *target_rx, intptr_t rx_delta)
{
    intptr_t d = (intptr_t)target_rx - ((intptr_t)b->p + rx_delta + 16);
    return d > -0x7fff0000ll && d < 0x7fff0000ll;
}
/* jmp rel32 / jcc rel32 / call rel32 to an executable address; returns
 * the writable address of the rel32 field (to patch later) */
static inline uint8_t *x86_jmp(X86Buf *b, const void *target_rx, intptr_t rx_delta)
{
    if (!x86_room(b, 5))
        return NULL;
    int32_t d = x86_rel32(b, target_rx, rx_delta, 5);
    x86_byte(b, 0xe9);
    uint8_t *field = b->p;
    x86_u32(b, (uint32_t)d);
    return field;
}
static inline uint8_t *x86_jcc(X86Buf *b, unsigned cc, const void *target_rx, intptr_t rx_delta)
{
    if (!x86_room(b, 6))
        return NULL;
    int32_t d = x86_rel32(b, target_rx, rx_delta, 6);
    x86_byte(b, 0x0f);
    x86_byte(b, 0x80 + cc);
    uint8_t *field = b->p;
    x86_u32(b, (uint32_t)d);
    return field;
}
/* a forward jcc rel32 whose target is set later with x86_patch_here() */
static inline uint8_t *x86_jcc_fwd(X86Buf *b, unsigned cc)
{
    x86_byte(b, 0x0f);
    x86_byte(b, 0x80 + cc);
    uint8_t *field = b->p;
    x86_u32(b, 0);
    return b->full ? NULL : field;
}
static inline uint8_t *x86_jmp_fwd(X86Buf *b)
{
    x86_byte(b, 0xe9);
    uint8_t *field = b->p;
    x86_u32(b, 0);
    return b->full ? NULL : field;
}
/* make the rel32 at @field (writable view, same buffer) jump to here */
static inline void x86_patch_here(X86Buf *b, uint8_t *field)
{
    b->st_end = NULL;
    if (!field || b->full)
        return;
    int32_t d = (int32_t)(b->p - (field + 4));
    memcpy(field, &d, 4);
}
/* call a host function: rel32 when it reaches, else through RAX */
static inline void x86_call(X86Buf *b, const void *fn, intptr_t rx_delta)
{
    if (x86_rel32_ok(b, fn, rx_delta)) {
        if (!x86_room(b, 5))
            return;
        int32_t d = x86_rel32(b, fn, rx_delta, 5);
        x86_byte(b, 0xe8);
        x86_u32(b, (uint32_t)d);
    } else {
        x86_mov_ri(b, X_RAX, (uint64_t)(uintptr_t)fn);
        x86_byte(b, 0xff);
        x86_byte(b, 0xd0);    /* call rax */
    }
}
/* jmp r64 */
static inline void x86_jmp_r(X86Buf *b, unsigned r)
{
    x86_rex(b, false, 0, X_NOREG, r, false);
    x86_byte(b, 0xff);
    x86_byte(b, 0xe0 | (r & 7));
}

#endif /* VESSEL_DBT_X86EMIT_H */
