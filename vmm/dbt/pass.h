/* pass.h - the passes over a decoded block, run once when the block is
 * built (block.c), in this order, and never again: they never edit a
 * block at run time.  Above decode; below the backends, which read what
 * the passes leave in each DbtInsn (its kind and DBT_I_* marks). */
#ifndef VESSEL_DBT_PASS_H
#define VESSEL_DBT_PASS_H

#include "vmm/dbt/insn.h"

/* pass_forms.c: specialised kinds for the hottest operand forms */
void dbt_pass_forms(DbtInsn *insn, unsigned n);
/* pass_flags.c: flags liveness; DBT_I_FLAGS_DEAD and flagless twins */
void dbt_pass_flags(DbtInsn *insn, unsigned n);
/* pass_fuse.c: DBT_I_FUSED on a CMP/TEST feeding the final Jcc */
void dbt_pass_fuse(DbtInsn *insn, unsigned n);

/* The kind to run when the flags of @kind must be exact after it (a
 * block cut short): the flagged twin of a flagless kind, else @kind. */
unsigned dbt_kind_exact(unsigned kind);

static inline void dbt_block_passes(DbtInsn *insn, unsigned n)
{
    dbt_pass_forms(insn, n);
    dbt_pass_flags(insn, n);
    dbt_pass_fuse(insn, n);
}

#endif /* VESSEL_DBT_PASS_H */
