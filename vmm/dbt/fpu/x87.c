/*
 * x87.c - the x87 instructions (one-byte opcodes D8-DF).
 */
#include "fpu_internal.h"

int x87_exec(DbtFpuState *st, const FpuInsn *in, const FpuEnv *env)
{
    (void)st; (void)in; (void)env;
    return FPU_EXC_UD;
}
