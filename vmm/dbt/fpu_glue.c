/* fpu_glue.c - hands x87/MMX/SSE instructions to the FPU unit (fpu/fpu.h)
 * and maps its results to exceptions. */
#include "vmm/dbt/ops.h"

static int glue_read(void *opaque, uint64_t addr, void *buf, unsigned len)
{
    dbt_mem_read_bytes(opaque, addr, buf, len);
    return 0;
}

static int glue_write(void *opaque, uint64_t addr, const void *buf, unsigned len)
{
    dbt_mem_write_bytes(opaque, addr, buf, len);
    return 0;
}

void dbt_fpu_env_init(DbtCpu *cpu)
{
    cpu->fpu_env.gpr = cpu->gpr;
    cpu->fpu_env.opaque = cpu;
    cpu->fpu_env.mem_read = glue_read;
    cpu->fpu_env.mem_write = glue_write;
    cpu->fpu_env.rflags = &cpu->rflags;
}

int op_fpu(DbtCpu *cpu, const DbtInsn *i)
{
    FpuInsn fi = {
        .map = i->map,
        .opcode = i->opc,
        .mandatory = i->mandatory,
        .opsize16 = i->flags & DBT_I_OPSIZE,
        .rex_w = i->flags & DBT_I_REXW,
        .modrm = i->modrm,
        .reg = i->reg,
        .rm = i->rm,
        .rm_is_mem = i->flags & DBT_I_MEM,
        .imm8 = (uint8_t)i->imm,
        .rip_next = cpu->next_rip,
    };
    if (fi.rm_is_mem)
        fi.ea = dbt_ea(cpu, i);
    cpu->fpu_env.cr0 = cpu->cr0;
    cpu->fpu_env.cr4 = cpu->cr4;
    /* (U)COMIS* and FCOMI* write ZF PF CF, FCMOVcc reads them: hand the
     * FPU unit materialized RFLAGS (the lazy state is then NONE) */
    if ((i->map == 1 && (i->opc == 0x2e || i->opc == 0x2f))
        || (i->map == 0 && (i->opc == 0xda || i->opc == 0xdb || i->opc == 0xdf)))
        dbt_flags_materialize(cpu);
    int r = fpu_exec(&cpu->fpu, &fi, &cpu->fpu_env);
    if (likely(r == FPU_OK))
        return DBT_OK;
    switch (r) {
    case FPU_EXC_NM: dbt_raise_noerr(cpu, DBT_EXC_NM);
    case FPU_EXC_GP: dbt_raise(cpu, DBT_EXC_GP, 0);
    case FPU_EXC_MF: dbt_raise_noerr(cpu, DBT_EXC_MF);
    case FPU_EXC_XM: dbt_raise_noerr(cpu, DBT_EXC_XM);
    default: dbt_raise_noerr(cpu, DBT_EXC_UD);
    }
}
