/* pass_fuse.c - compare-and-branch fusion: a block that ends with a
 * Jcc right after a CMP or TEST of registers or an immediate gets the
 * CMP/TEST marked DBT_I_FUSED, so a backend can branch on the compare
 * directly (the translator: one host CMP and Jcc) instead of reading the
 * condition back from the lazy flags record.  The record is still
 * written (the flags stay live at the end of the block). */
#include "vmm/dbt/pass.h"

static bool fusable(unsigned kind)
{
    switch (kind) {
    case DBT_KIND_CMP_RR64: case DBT_KIND_CMP_RR32:
    case DBT_KIND_CMP_GR64: case DBT_KIND_CMP_GR32:
    case DBT_KIND_CMP_RI64: case DBT_KIND_CMP_RI32:
    case DBT_KIND_TEST_EG: case DBT_KIND_TEST_EI:
        return true;
    default:
        return false;
    }
}

void dbt_pass_fuse(DbtInsn *insn, unsigned n)
{
    if (n < 2)
        return;
    DbtInsn *cmp = &insn[n - 2], *jcc = &insn[n - 1];
    if (jcc->kind >= DBT_KIND_JCC_0 && jcc->kind <= DBT_KIND_JCC_15
        && fusable(cmp->kind) && !(cmp->flags & DBT_I_MEM)
        && (cmp->osz == 4 || cmp->osz == 8))
        cmp->flags |= DBT_I_FUSED;
}
