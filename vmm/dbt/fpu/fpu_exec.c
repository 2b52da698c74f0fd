/*
 * fpu_exec.c - entry points of the FPU unit: opcode lookup, the CR0/CR4
 * checks, and the operand plumbing of the generic vector form (load the
 * source from a register or memory, run the handler on a copy of the
 * destination, write it back), so that no state changes before every
 * memory read has succeeded.
 */
#include <string.h>

#include "fpu_internal.h"

enum {
    CR0_EM = 1u << 2,
    CR0_TS = 1u << 3,
    CR4_OSFXSR = 1u << 9,
    CR4_OSXMMEXCPT = 1u << 10,
};

int fpu_prefix_index(uint8_t mandatory)
{
    switch (mandatory) {
    case 0x66: return 1;
    case 0xf3: return 2;
    case 0xf2: return 3;
    default: return 0;
    }
}

static const FpuOpDesc *sse_lookup(uint8_t opcode, uint8_t mandatory, uint8_t modrm)
{
    int p = fpu_prefix_index(mandatory);
    if ((opcode >= 0x71 && opcode <= 0x73) || opcode == 0xae)
        return sse_group_lookup(opcode, (uint8_t)p, modrm);
    const FpuOpDesc *e = &sse_table[opcode][p];
    return e->name ? e : NULL;
}

bool fpu_handles(uint8_t map, uint8_t opcode, uint8_t mandatory, uint8_t modrm)
{
    if (map == 0)
        return opcode >= 0xd8 && opcode <= 0xdf;
    if (map == 1)
        return sse_lookup(opcode, mandatory, modrm) != NULL;
    return false;
}

int fpu_mem_read(FpuCtx *c, uint64_t addr, void *buf, unsigned len)
{
    return c->env->mem_read(c->env->opaque, addr, buf, len) < 0 ? FPU_EXC_MEMFAULT : FPU_OK;
}

int fpu_mem_write(FpuCtx *c, uint64_t addr, const void *buf, unsigned len)
{
    return c->env->mem_write(c->env->opaque, addr, buf, len) < 0 ? FPU_EXC_MEMFAULT : FPU_OK;
}

/* Any MMX instruction but EMMS: TOP = 0, every tag valid. */
void fpu_mmx_enter(DbtFpuState *st)
{
    st->fsw &= ~(7u << 11);
    st->ftw = 0xff;
}

void fpu_mmx_set(DbtFpuState *st, unsigned i, uint64_t v)
{
    fpu_mmx_enter(st);
    st->r[i & 7].mant = v;
    st->r[i & 7].sexp = 0xffff;
}

void fpu_x87_normalize(DbtFpuState *st)
{
    st->fcw = (uint16_t)((st->fcw & 0x1f3f) | 0x0040);
    if (st->fsw & ~st->fcw & 0x3f)
        st->fsw |= 0x8080;
    else
        st->fsw &= (uint16_t)~0x8080;
}

/*
 * The flags come from a host run with every exception masked.  When the
 * guest unmasks one that was raised: a pre-computation exception (IE, DE,
 * ZE) stops the operation before the post-computation ones (OE, UE, PE)
 * are detected, so only the former are recorded; otherwise all are.
 */
int fpu_sse_raise(FpuCtx *c, uint32_t flags)
{
    uint32_t unmasked = flags & ~(c->st->mxcsr >> 7) & 0x3f;
    if (unmasked & (MXCSR_IE | MXCSR_DE | MXCSR_ZE))
        flags &= MXCSR_IE | MXCSR_DE | MXCSR_ZE;
    c->st->mxcsr |= flags & 0x3f;
    if (!unmasked)
        return FPU_OK;
    return (c->env->cr4 & CR4_OSXMMEXCPT) ? FPU_EXC_XM : FPU_EXC_UD;
}

static int exec_vec(FpuCtx *c, const FpuOpDesc *e, bool group)
{
    const FpuInsn *in = c->in;
    DbtFpuState *st = c->st;
    bool smmx = (e->flags & (FPU_F_MMX | FPU_F_SRC_MMX)) && !in->rm_is_mem;
    bool dmmx = e->flags & (FPU_F_MMX | FPU_F_DST_MMX);
    unsigned dreg = group ? in->rm : in->reg;
    FpuXmm d = { .q = { 0, 0 } }, s = { .q = { 0, 0 } };

    if (group) {
        s.q[0] = in->imm8;
    } else if (in->rm_is_mem) {
        if ((e->flags & FPU_F_A16) && e->msize == 16 && (in->ea & 15))
            return FPU_EXC_GP;
        int r = fpu_mem_read(c, in->ea, &s, e->msize);
        if (r)
            return r;
    } else if (smmx) {
        s.q[0] = fpu_mmx_get(st, in->rm);
    } else {
        s = st->xmm[in->rm];
    }
    if (dmmx)
        d.q[0] = fpu_mmx_get(st, dreg);
    else
        d = st->xmm[dreg];

    /* The x87-to-MMX transition happens even if the operation faults. */
    if (smmx || dmmx)
        fpu_mmx_enter(st);
    int r = e->vec(c, &d, &s);
    if (r)
        return r;
    if (e->flags & FPU_F_NOWB)
        return FPU_OK;
    if (dmmx)
        fpu_mmx_set(st, dreg, d.q[0]);
    else
        st->xmm[dreg] = d;
    return FPU_OK;
}

static int sse_exec(DbtFpuState *st, const FpuInsn *in, const FpuEnv *env)
{
    bool group = in->opcode >= 0x71 && in->opcode <= 0x73;
    const FpuOpDesc *e = sse_lookup(in->opcode, in->mandatory, in->modrm);
    if (!e)
        return FPU_EXC_UD;
    if ((e->flags & FPU_F_MEM) && !in->rm_is_mem)
        return FPU_EXC_UD;
    if ((e->flags & FPU_F_REG) && in->rm_is_mem)
        return FPU_EXC_UD;
    if (env->cr0 & CR0_EM)
        return FPU_EXC_UD;
    bool mmx_only = (e->flags & FPU_F_MMX) || in->opcode == 0x77;
    if (!mmx_only && !(env->cr4 & CR4_OSFXSR))
        return FPU_EXC_UD;
    if (env->cr0 & CR0_TS)
        return FPU_EXC_NM;

    FpuCtx c = {
        .st = st, .in = in, .env = env,
        .width = (e->flags & FPU_F_MMX) ? 8 : 16,
        .aux = e->aux, .msize = e->msize, .flags = e->flags,
    };
    if (e->vec)
        return exec_vec(&c, e, group);
    return e->custom(&c);
}

int fpu_exec(DbtFpuState *st, const FpuInsn *insn, const FpuEnv *env)
{
    if (insn->map == 0 && insn->opcode >= 0xd8 && insn->opcode <= 0xdf)
        return x87_exec(st, insn, env);
    if (insn->map == 1)
        return sse_exec(st, insn, env);
    return FPU_EXC_UD;
}
