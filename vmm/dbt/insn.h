/* insn.h - a decoded instruction (DbtInsn): its op kind (kinds.h) and
 * operands, what the decoder produces and every later layer consumes,
 * and the one signature of the ops that execute it.  Above arch.h; knows nothing of the TLB or block cache.
 *
 * The op contract (all backends): `int op(DbtCpu *, const DbtInsn *)`.
 *  - While an op runs, cpu->rip is the instruction's own address and
 *    cpu->next_rip the fall-through address; branches write next_rip.
 *    The backend commits rip = next_rip after the op returns.
 *  - Faults: an op (or the MMU under it) calls dbt_raise(), which
 *    longjmps back to the run loop.  Ops do every access that can fault
 *    before they change architectural state (read operands, probe the
 *    write, then write registers), so the faulting instruction restarts
 *    exactly; REP string ops update RCX/RSI/RDI per completed iteration.
 *  - Ops return DBT_OK, or DBT_END_BLOCK when the block must stop after
 *    this instruction (mode change, interrupt window, code written), or
 *    a DBT_HALT/BREAK/EXIT reason for the run loop. */
#ifndef VESSEL_DBT_INSN_H
#define VESSEL_DBT_INSN_H

#include "vmm/dbt/arch.h"
#include "vmm/dbt/kinds.h"

typedef struct DbtInsn DbtInsn;
typedef int (*DbtOp)(DbtCpu *cpu, const DbtInsn *insn);

/* op return codes */
enum {
    DBT_OK = 0,
    DBT_END_BLOCK = 1,     /* finish this instruction, leave the block */
    DBT_HALT = 2,          /* HLT */
    DBT_BREAK = 3,         /* INT3 in flat mode */
    DBT_EXIT = 4,          /* machine asked to stop (cpu->exit_code) */
};

#define DBT_NOREG 0xff

/* DbtInsn.flags */
#define DBT_I_MEM 0x0001u      /* ModRM r/m is memory */
#define DBT_I_RIPREL 0x0002u   /* RIP-relative addressing */
#define DBT_I_REX 0x0004u      /* a REX prefix is present (byte regs SPL..DIL) */
#define DBT_I_LOCK 0x0008u
#define DBT_I_REP 0x0010u      /* F3 */
#define DBT_I_REPNE 0x0020u    /* F2 */
#define DBT_I_OPSIZE 0x0040u   /* 66 */
#define DBT_I_REXW 0x0080u
#define DBT_I_ADDR32 0x0100u   /* 67: 32-bit addressing */
#define DBT_I_CROSS 0x0200u    /* instruction crosses a page */
#define DBT_I_END 0x0400u      /* last instruction of its block */
#define DBT_I_ADDR16 0x0800u   /* 16-bit addressing (legacy modes) */
#define DBT_I_LEGACY 0x1000u   /* decoded for 16/32-bit code: segment bases
                                  apply and linear addresses wrap at 4 GiB */
#define DBT_I_FLAGS_DEAD 0x2000u  /* pass_flags.c: no flag this instruction
                                     writes is read before being written again */
#define DBT_I_FUSED 0x4000u    /* pass_fuse.c: a CMP/TEST whose flags the next
                                  instruction, a Jcc ending the block, reads */

struct DbtInsn {
    uint16_t kind;        /* DbtKind (kinds.h) */
    uint16_t flags;       /* DBT_I_* */
    int32_t disp;
    uint64_t imm;         /* immediate (sign-extended where the SDM says) */
    uint8_t len;
    uint8_t map;          /* 0 one-byte, 1 0F, 2 0F38, 3 0F3A */
    uint8_t opc;
    uint8_t osz;          /* operand size in bytes: 1 2 4 8 */
    uint8_t sub;          /* op selector: ALU kind, condition, group reg */
    uint8_t reg;          /* ModRM.reg + REX.R, or the +r register */
    uint8_t rm;           /* ModRM.rm + REX.B (register form) */
    uint8_t base;         /* memory form: base register or DBT_NOREG */
    uint8_t index;        /* index register or DBT_NOREG */
    uint8_t scale;        /* log2 of the scale */
    uint8_t seg;          /* 64-bit code: DBT_SEG_FS/GS or DBT_SEG_NONE;
                             legacy code: the effective segment */
    uint8_t modrm;
    uint8_t mandatory;    /* SSE mandatory prefix */
    uint8_t idx;          /* index in its block (block.c) */
    uint16_t imm2;        /* ENTER's second immediate, far pointers */
};

/* ---- attributes of an instruction (kinds.h, kinds.c) ---------------- */
static inline uint16_t dbt_insn_attr(const DbtInsn *in)
{
    return dbt_kinds[in->kind].attr;
}
/* May it raise an exception (then the state before it must be exact)? */
static inline bool dbt_insn_may_fault(const DbtInsn *in)
{
    uint16_t a = dbt_insn_attr(in);
    return (a & DBT_KA_FAULT) || ((a & DBT_KA_FAULT_MEM) && (in->flags & DBT_I_MEM));
}
/* May the block stop right after it (an op result, a write to code or
 * MMIO), so that the state after it must be exact? */
static inline bool dbt_insn_may_leave(const DbtInsn *in)
{
    uint16_t a = dbt_insn_attr(in);
    return (a & (DBT_KA_EXIT | DBT_KA_END))
        || ((a & DBT_KA_STORE) && ((a & DBT_KA_FAULT) || (in->flags & DBT_I_MEM)));
}
/* Status flags it may read, and those it writes on every execution. */
uint32_t dbt_insn_flags_read(const DbtInsn *in);
uint32_t dbt_insn_flags_written(const DbtInsn *in);

#endif /* VESSEL_DBT_INSN_H */
