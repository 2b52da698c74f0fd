/* pass.h - what runs over a decoded block before it executes: form
 * selection (fastpath.c, shift.c) and the dead-flags pass. */
#ifndef VESSEL_DBT_PASS_H
#define VESSEL_DBT_PASS_H

#include "vmm/dbt/insn.h"

/* The op to run for a fully decoded @insn: a specialised op for its
 * operand form (fastpath.c) or @insn->op. */
DbtOp dbt_op_specialise(const DbtInsn *insn);
DbtOp dbt_shift_specialise(const DbtInsn *insn);   /* shift.c */
/* What an op does to the status flags, for the dead-flags pass: no flag
 * and no fault; all six written, none read, no fault; CF and OF written,
 * the others kept, no fault; anything else (reads flags, may fault). */
typedef enum {
    DBT_FU_NONE, DBT_FU_SETS_ALL, DBT_FU_SETS_CF_OF, DBT_FU_UNKNOWN, DBT_FU_LAST
} DbtFlagUse;
DbtFlagUse dbt_shift_flag_use(DbtOp op);           /* shift.c */
/* The form of a specialised shift op that computes its flags (@flags) or
 * not, or NULL if it has no such twin. */
DbtOp dbt_shift_flags_variant(DbtOp op, bool flags);
/* Dead flags (fastpath.c): give the ops of a decoded block whose flags
 * the block overwrites before anything can read them their flagless
 * form. */
void dbt_block_flags_pass(DbtInsn *insn, unsigned n);
/* The block will stop after insn[n - 1] (a poll, an instruction budget):
 * make the flags exact there by undoing the pass for the instructions
 * whose flags would only have been overwritten later. */
void dbt_block_flags_exact(DbtInsn *insn, unsigned n);

#endif /* VESSEL_DBT_PASS_H */
