/*
 * fpu_exec.c - dispatch of FP/SIMD instructions to their handlers.
 */
#include "fpu.h"

bool fpu_handles(uint8_t map, uint8_t opcode, uint8_t mandatory, uint8_t modrm)
{
    (void)map; (void)opcode; (void)mandatory; (void)modrm;
    return false;
}

int fpu_exec(DbtFpuState *st, const FpuInsn *insn, const FpuEnv *env)
{
    (void)st; (void)insn; (void)env;
    return FPU_EXC_UD;
}
