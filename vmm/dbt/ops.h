/* ops.h - the interpreter's ops, one per op kind (kinds.h), and what
 * they are written with.  One signature for all: `int op(DbtCpu *, const
 * DbtInsn *)` (the contract is in insn.h). */
#ifndef VESSEL_DBT_OPS_H
#define VESSEL_DBT_OPS_H

#include "vmm/dbt/exception.h"
#include "vmm/dbt/flags.h"
#include "vmm/dbt/operand.h"
#include "vmm/dbt/system.h"

/* op_<fn> for every row of the kind table (kinds.h) */
#define DBT_OP_DECLARE(N, fn, a, l, fr, fw) int op_##fn(DbtCpu *cpu, const DbtInsn *i);
DBT_KINDS(DBT_OP_DECLARE)
#undef DBT_OP_DECLARE

#endif /* VESSEL_DBT_OPS_H */
