/* decode.c - x86 instruction decoder for 64-bit, 32-bit and 16-bit code.
 *
 * Design note: decoding happens once per cached block, so the decoder
 * favours clarity: prefixes (legacy groups 1-4, then REX immediately
 * before the opcode), the opcode map (one-byte, 0F, 0F38, 0F3A), the
 * table entry (decode_tables.c) that says whether ModRM and which
 * immediate follow and how the operand size is chosen, ModRM/SIB/disp
 * (RIP-relative for mod=00 rm=101), then the immediate.  The result is a
 * DbtInsn: an op kind (kinds.h) and its operands, no function pointer.
 * Instructions that are invalid in 64-bit mode, VEX/EVEX (not
 * advertised) and FPU-space opcodes the FPU unit does not implement
 * decode to DBT_KIND_NONE (#UD at execution), so the fault is raised at
 * the right instruction.
 *
 * Legacy modes (real mode, 16/32-bit protected mode, compatibility mode)
 * share the tables: the mode gives the default operand and address sizes
 * (66/67 toggle them), there is no REX (40-4F are INC/DEC), segment
 * prefixes count and every memory operand gets its effective segment
 * (SS for (E)BP/(E)SP bases, else DS) with DBT_I_LEGACY set, 16-bit
 * addressing uses the eight BX/BP/SI/DI forms, mod=00 rm=101 is an
 * absolute disp32, and the few opcodes that only exist outside 64-bit
 * mode come from dbt_map_one_legacy. */
#include <string.h>

#include "vmm/dbt/decode.h"
#include "vmm/dbt/fpu/fpu.h"

/* 16-bit ModRM r/m: base, index (BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP, BX) */
static const uint8_t rm16_base[8] = { DBT_RBX, DBT_RBX, DBT_RBP, DBT_RBP, DBT_RSI,
                                      DBT_RDI, DBT_RBP, DBT_RBX };
static const uint8_t rm16_index[8] = { DBT_RSI, DBT_RDI, DBT_RSI, DBT_RDI, DBT_NOREG,
                                       DBT_NOREG, DBT_NOREG, DBT_NOREG };

int dbt_decode(DbtInsn *in, const uint8_t *p, unsigned avail, DbtMode mode)
{
    unsigned n = 0;
    uint8_t rex = 0, last_rep = 0;
    bool opsize = false, addr32 = false, lock = false;
    bool legacy = mode != DBT_MODE_64;
    uint8_t seg = DBT_SEG_NONE;
    uint8_t b;

    memset(in, 0, sizeof(*in));
    in->base = in->index = DBT_NOREG;
    in->seg = DBT_SEG_NONE;
    if (avail > 15)
        avail = 15;

#define NEED(k) do { if (n + (k) > avail) return n + (k) > 15 ? -DBT_EXC_GP : -DBT_EXC_PF; } while (0)

    /* legacy prefixes; a REX is only effective right before the opcode */
    for (;;) {
        NEED(1);
        b = p[n];
        if (b == 0x66) opsize = true;
        else if (b == 0x67) addr32 = true;
        else if (b == 0xf0) lock = true;
        else if (b == 0xf2 || b == 0xf3) last_rep = b;
        else if (b == 0x64) seg = DBT_SEG_FS;
        else if (b == 0x65) seg = DBT_SEG_GS;
        else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e) {
            if (legacy)   /* ignored in 64-bit mode */
                seg = b == 0x26 ? DBT_SEG_ES : b == 0x2e ? DBT_SEG_CS
                    : b == 0x36 ? DBT_SEG_SS : DBT_SEG_DS;
        }
        else if ((b & 0xf0) == 0x40 && !legacy) {
            rex = b;
            n++;
            NEED(1);
            b = p[n];
            if (b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3
                || b == 0x64 || b == 0x65 || b == 0x26 || b == 0x2e
                || b == 0x36 || b == 0x3e || (b & 0xf0) == 0x40) {
                rex = 0;  /* REX followed by a prefix is ignored */
                continue;
            }
            break;
        } else break;
        n++;
    }

    /* opcode */
    const DbtOpEntry *e;
    uint8_t map = 0, opc;
    NEED(1);
    opc = p[n++];
    if (opc == 0x0f) {
        NEED(1);
        opc = p[n++];
        map = 1;
        e = &dbt_map_0f[opc];
        if (e->f & (DBT_D_MAP2 | DBT_D_MAP3)) {
            map = (e->f & DBT_D_MAP2) ? 2 : 3;
            NEED(1);
            opc = p[n++];
        }
    } else {
        e = &dbt_map_one[opc];
        if (legacy && (dbt_map_one_legacy[opc].kind || dbt_map_one_legacy[opc].f))
            e = &dbt_map_one_legacy[opc];
    }
    uint32_t f = e->f;
    unsigned kind = e->kind;
    uint8_t sub = e->sub;

    in->map = map;
    in->opc = opc;
    if (rex) in->flags |= DBT_I_REX;
    if (rex & 8) in->flags |= DBT_I_REXW;
    if (opsize) in->flags |= DBT_I_OPSIZE;
    /* address size: 64 (67: 32), 32 (67: 16), 16 (67: 32) */
    bool a16 = false;
    if (legacy) {
        in->flags |= DBT_I_LEGACY;
        a16 = (mode == DBT_MODE_16) != addr32;
        if (a16)
            in->flags |= DBT_I_ADDR16;
    } else if (addr32) {
        in->flags |= DBT_I_ADDR32;
    }
    if (lock) in->flags |= DBT_I_LOCK;
    if (last_rep == 0xf3) in->flags |= DBT_I_REP;
    if (last_rep == 0xf2) in->flags |= DBT_I_REPNE;
    in->mandatory = last_rep ? last_rep : opsize ? 0x66 : 0;
    in->seg = seg;

    /* special cases of the one-byte map */
    if (legacy && map == 0 && opc >= 0x40 && opc <= 0x4f) {
        in->rm = opc & 7;       /* INC/DEC r16/r32 */
        sub = (opc >> 3) & 1;
    }
    if (map == 0 && opc == 0x90 && !(rex & 1)) {
        kind = last_rep == 0xf3 ? DBT_KIND_PAUSE : DBT_KIND_NOP;   /* F3 90 / 90 */
        f = 0;
    }
    if (map == 1 && opc == 0xb8 && last_rep != 0xf3)
        kind = DBT_KIND_NONE;      /* JMPE */

    /* ModRM, SIB, displacement */
    if (f & DBT_D_MODRM) {
        NEED(1);
        uint8_t modrm = p[n++];
        unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
        in->modrm = modrm;
        in->reg = (uint8_t)(reg | ((rex & 4) << 1));
        if (f & DBT_D_GRP) {
            const DbtOpEntry *g = &dbt_groups[sub][reg];
            kind = g->kind;
            sub = g->sub;
            f |= g->f;
        }
        if (mod == 3) {
            in->rm = (uint8_t)(rm | ((rex & 1) << 3));
            if (f & DBT_D_MEMONLY)
                kind = DBT_KIND_NONE;
        } else {
            in->flags |= DBT_I_MEM;
            if (f & DBT_D_REGONLY) {
                /* MOV CR/DR ignore mod: always register operands */
                in->rm = (uint8_t)(rm | ((rex & 1) << 3));
                in->flags &= (uint16_t)~DBT_I_MEM;
            } else if (a16) {
                unsigned dispsz = mod == 1 ? 1 : mod == 2 ? 2 : 0;
                if (mod == 0 && rm == 6) {
                    dispsz = 2;
                } else {
                    in->base = rm16_base[rm];
                    in->index = rm16_index[rm];
                }
                NEED(dispsz);
                if (dispsz == 1)
                    in->disp = (int8_t)p[n];
                else if (dispsz == 2)
                    in->disp = (int16_t)(p[n] | p[n + 1] << 8);
                n += dispsz;
            } else {
                unsigned dispsz = mod == 1 ? 1 : mod == 2 ? 4 : 0;
                if (rm == 4) {
                    NEED(1);
                    uint8_t sib = p[n++];
                    unsigned ss = sib >> 6, idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
                    unsigned base = (sib & 7) | ((rex & 1) << 3);
                    if (idx != 4)
                        in->index = (uint8_t)idx, in->scale = (uint8_t)ss;
                    if ((sib & 7) == 5 && mod == 0)
                        dispsz = 4;
                    else
                        in->base = (uint8_t)base;
                } else if (rm == 5 && mod == 0) {
                    if (!legacy)
                        in->flags |= DBT_I_RIPREL;
                    dispsz = 4;
                } else {
                    in->base = (uint8_t)(rm | ((rex & 1) << 3));
                }
                NEED(dispsz);
                if (dispsz == 1)
                    in->disp = (int8_t)p[n];
                else if (dispsz == 4) {
                    int32_t d;
                    memcpy(&d, p + n, 4);
                    in->disp = d;
                }
                n += dispsz;
            }
        }
    } else if (f & DBT_D_REGOP) {
        in->reg = (uint8_t)((opc & 7) | ((rex & 1) << 3));
    }
    in->sub = sub;

    /* operand size */
    if (f & DBT_D_BYTE)
        in->osz = 1;
    else if (legacy)
        in->osz = (mode == DBT_MODE_16) != opsize ? 2 : 4;
    else if (f & DBT_D_F64)
        in->osz = 8;
    else if (rex & 8)
        in->osz = 8;
    else if (opsize)
        in->osz = 2;
    else if (f & DBT_D_DEF64)
        in->osz = 8;
    else
        in->osz = 4;

    /* legacy memory operands carry their effective segment */
    if (legacy && seg == DBT_SEG_NONE) {
        bool stack = (in->flags & DBT_I_MEM)
            && (in->base == DBT_RBP || in->base == DBT_RSP);
        seg = stack ? DBT_SEG_SS : DBT_SEG_DS;
        in->seg = seg;
    }

    /* immediates */
    unsigned isz = 0;
    bool isext = false;
    if (f & DBT_D_ENTER) {
        NEED(3);
        uint16_t w;
        memcpy(&w, p + n, 2);
        in->imm = w;
        in->imm2 = p[n + 2];
        n += 3;
    } else if (f & DBT_D_FAR) {
        isz = in->osz == 2 ? 2 : 4;     /* ptr16:16 / ptr16:32, selector below */
    } else if (f & DBT_D_MOFFS) {
        isz = legacy ? (a16 ? 2 : 4) : addr32 ? 4 : 8;
    } else if (f & DBT_D_IV) {
        isz = in->osz;
    } else if (f & DBT_D_IZ) {
        isz = in->osz == 1 ? 1 : in->osz == 2 ? 2 : 4;
        isext = true;
        if ((f & DBT_D_F64) && !legacy)
            isz = 4;  /* near branches: rel32 even with 66 (Intel) */
    } else if (f & DBT_D_IW) {
        isz = 2;
    } else if (f & (DBT_D_IB | DBT_D_IBS)) {
        isz = 1;
        isext = f & DBT_D_IBS;
    }
    if (isz) {
        NEED(isz);
        uint64_t v = 0;
        memcpy(&v, p + n, isz);
        n += isz;
        if (isext)
            v = (uint64_t)dbt_sext(v, isz);
        in->imm = v;
    }
    if (f & DBT_D_FAR) {
        NEED(2);
        in->imm2 = (uint16_t)(p[n] | p[n + 1] << 8);
        n += 2;
    }
    if (f & DBT_D_ONE)
        in->imm = 1;
    if (f & DBT_D_CL)
        in->imm2 = 1;
    in->len = (uint8_t)n;

    /* the SSE/x87 space belongs to the FPU unit */
    if (f & DBT_D_FPU) {
        if (map == 1 && opc == 0xc3 && last_rep == 0 && (in->flags & DBT_I_MEM)
            && !fpu_handles(map, opc, in->mandatory, in->modrm))
            kind = DBT_KIND_MOVNTI;
        else if (!fpu_handles(map, opc, in->mandatory, in->modrm))
            kind = DBT_KIND_NONE;
    }
    /* MOVSXD without REX.W is a plain 32-bit (or 16-bit) move */
    if (map == 0 && opc == 0x63 && !legacy)
        in->sub = in->osz == 8 ? 4 : in->osz;
    /* LOCK is only valid on the read-modify-write memory forms the kind
     * table allows for this selector (not CMP, not BT) */
    if (lock && (!(in->flags & DBT_I_MEM) || !((dbt_kinds[kind].lock >> in->sub) & 1)))
        kind = DBT_KIND_NONE;
    in->kind = (uint16_t)kind;
    if ((f & DBT_D_END) || (dbt_kinds[kind].attr & DBT_KA_END))
        in->flags |= DBT_I_END;
    return (int)n;
#undef NEED
}
