/* ops.h - every instruction op of the dbt CPU.  One signature for all:
 * `int op(DbtCpu *, const DbtInsn *)` (see cpu.h for the contract). */
#ifndef VESSEL_DBT_OPS_H
#define VESSEL_DBT_OPS_H

#include "vmm/dbt/exception.h"
#include "vmm/dbt/flags.h"
#include "vmm/dbt/operand.h"
#include "vmm/dbt/system.h"

#define DBT_OPS(X) \
    /* alu.c */ \
    X(alu_EG) X(alu_EI) X(alu_GE) X(alu_AI) X(test_EG) X(test_EI) X(test_AI) \
    X(incdec_E) X(not_E) X(neg_E) X(mov_EG) X(mov_GE) X(mov_EI) X(mov_RI) \
    X(mov_AO) X(lea) X(xchg_EG) X(xchg_AR) X(nop) X(movzx) X(movsx) X(cmov) \
    X(setcc) X(cbw) X(cwd) X(bswap) X(flagop) X(lahf) X(sahf) X(xadd) \
    X(cmpxchg) X(cmpxchg8b) X(push_R) X(pop_R) X(push_I) X(push_E) X(pop_E) \
    /* shift.c */ \
    X(shift_E) X(shld_E) \
    /* muldiv.c */ \
    X(mul_E) X(imul1_E) X(imul_GE) X(imul_GEI) X(div_E) X(idiv_E) \
    /* bitops.c */ \
    X(bt_EG) X(bt_EI) X(bsf_GE) X(popcnt_GE) \
    /* string.c */ \
    X(movs) X(stos) X(lods) X(cmps) X(scas) \
    /* control.c */ \
    X(jcc) X(jmp_rel) X(call_rel) X(jmp_E) X(call_E) X(ret) X(loop) \
    X(enter) X(leave) X(int3) X(int_n) X(iret) X(retf) X(ud) \
    /* system.c */ \
    X(hlt) X(cli) X(sti) X(pushf) X(popf) X(in) X(out) X(ins) X(outs) \
    X(mov_cr) X(mov_dr) X(grp6) X(grp7) X(clts) X(wbinvd) X(wrmsr) X(rdmsr) \
    X(rdtsc) X(rdpmc) X(cpuid) X(syscall) X(sysret) X(mov_ES) X(mov_SE) \
    X(push_seg) X(pop_seg) X(grp15) X(lar) X(lsl) X(fwait) X(movnti) X(pause) \
    /* legacy.c */ \
    X(pusha) X(popa) X(jmpf_A) X(callf_A) X(jmpf_E) X(callf_E) \
    /* fpu_glue.c */ \
    X(fpu)

#define DBT_OP_DECLARE(name) int op_##name(DbtCpu *cpu, const DbtInsn *i);
DBT_OPS(DBT_OP_DECLARE)
#undef DBT_OP_DECLARE

#endif /* VESSEL_DBT_OPS_H */
