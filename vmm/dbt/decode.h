/* decode.h - the decoder (decode.c) and the opcode table format it
 * shares with decode_tables.c.  One entry per opcode, in the Intel SDM's operand-code terms: whether a
 * ModRM byte follows, the operand size rule (b = byte, v = 16/32/64,
 * default-64 for stack and branch ops), the immediate (Ib, Iw, Iz, Iv,
 * moffs), and the op kind (kinds.h) with its selector. */
#ifndef VESSEL_DBT_DECODE_H
#define VESSEL_DBT_DECODE_H

#include "vmm/dbt/insn.h"

enum {
    DBT_D_MODRM = 1u << 0,
    DBT_D_BYTE = 1u << 1,     /* operand size 8 bits */
    DBT_D_IB = 1u << 2,       /* imm8, zero-extended */
    DBT_D_IBS = 1u << 3,      /* imm8, sign-extended */
    DBT_D_IZ = 1u << 4,       /* imm16/32 by operand size, sign-extended to 64 */
    DBT_D_IW = 1u << 5,       /* imm16 */
    DBT_D_IV = 1u << 6,       /* imm16/32/64 by operand size (MOV r, imm) */
    DBT_D_DEF64 = 1u << 7,    /* default operand size 64 (66 gives 16) */
    DBT_D_F64 = 1u << 8,      /* operand size always 64 */
    DBT_D_GRP = 1u << 9,      /* ModRM.reg selects from dbt_groups[sub] */
    DBT_D_REGOP = 1u << 10,   /* register in the low 3 opcode bits */
    DBT_D_MOFFS = 1u << 11,   /* address-size offset immediate */
    DBT_D_END = 1u << 12,     /* ends a block (control transfer) */
    DBT_D_FPU = 1u << 13,     /* in the FPU unit's space */
    DBT_D_ENTER = 1u << 14,   /* Iw, Ib */
    DBT_D_ONE = 1u << 15,     /* shift count 1 */
    DBT_D_CL = 1u << 16,      /* shift count CL */
    DBT_D_MEMONLY = 1u << 17, /* register form is #UD */
    DBT_D_REGONLY = 1u << 18, /* memory form is #UD */
    DBT_D_MAP2 = 1u << 19,    /* 0F 38 escape */
    DBT_D_MAP3 = 1u << 20,    /* 0F 3A escape */
    DBT_D_BYTE_ODD = 1u << 21,/* byte form when the opcode's bit 0 is clear */
    DBT_D_FAR = 1u << 22,     /* ptr16:16/32 immediate (offset in imm, selector in imm2) */
};

typedef struct {
    uint16_t kind;            /* DbtKind; DBT_KIND_NONE: #UD */
    uint32_t f;
    uint8_t sub;
} DbtOpEntry;

enum { DBT_GRP_1, DBT_GRP_1A, DBT_GRP_2, DBT_GRP_3, DBT_GRP_4, DBT_GRP_5,
       DBT_GRP_8, DBT_GRP_11, DBT_GRP_LAST };

extern const DbtOpEntry dbt_map_one[256];
/* one-byte opcodes that differ outside 64-bit mode (zero: use dbt_map_one) */
extern const DbtOpEntry dbt_map_one_legacy[256];
extern const DbtOpEntry dbt_map_0f[256];
extern const DbtOpEntry dbt_groups[DBT_GRP_LAST][8];

/* Decode the instruction whose bytes are @bytes (@avail readable).
 * Returns the length (>0); -DBT_EXC_PF if more than @avail bytes are
 * needed (fetch across the page and retry); -DBT_EXC_GP if longer than
 * 15 bytes.  Undefined opcodes decode to DBT_KIND_NONE (#UD when
 * executed), which ends the block. */
int dbt_decode(DbtInsn *insn, const uint8_t *bytes, unsigned avail, DbtMode mode);

#endif /* VESSEL_DBT_DECODE_H */
