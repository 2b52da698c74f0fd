/*
 * sse_move.c - MMX/SSE data movement: register/memory moves of every
 * width, the half-register moves (MOVLPS/MOVHPS/...), MOVD/MOVQ to and
 * from general registers, MOVMSK*, PMOVMSKB, PEXTRW/PINSRW, MASKMOV*,
 * EMMS.
 */
#include <string.h>

#include "fpu_internal.h"
#include "sse_ops.h"

static bool check_align(const FpuCtx *c, unsigned len)
{
    return !((c->flags & FPU_F_A16) && len == 16 && (c->in->ea & 15));
}

/* Read register operand number @n as a vector (MMX or XMM). */
static FpuXmm vreg_get(FpuCtx *c, unsigned n, bool mmx)
{
    FpuXmm v = { .q = { 0, 0 } };
    if (mmx)
        v.q[0] = fpu_mmx_get(c->st, n & 7);
    else
        v = c->st->xmm[n];
    return v;
}

/* Generic load (the vec form): d = s. */
int sse_mov(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    (void)c;
    *d = *s;
    return FPU_OK;
}

/* MOVSS/MOVSD load: memory zero-extends, register merges the low lane. */
int sse_movss_load(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    if (c->in->rm_is_mem)
        *d = *s;
    else
        d->d[0] = s->d[0];
    return FPU_OK;
}

int sse_movsd_load(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    if (c->in->rm_is_mem)
        *d = *s;
    else
        d->q[0] = s->q[0];
    return FPU_OK;
}

/* MOVLPS/MOVLPD m64 load, MOVHLPS register form. */
int sse_movlps_load(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    d->q[0] = c->in->rm_is_mem ? s->q[0] : s->q[1];
    return FPU_OK;
}

/* MOVHPS/MOVHPD m64 load, MOVLHPS register form. */
int sse_movhps_load(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    (void)c;
    d->q[1] = s->q[0];
    return FPU_OK;
}

/* MOVQ xmm, xmm/m64 (F3 0F 7E) and MOVQ2DQ: zero the high half. */
int sse_movq_load(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    (void)c;
    d->q[0] = s->q[0];
    d->q[1] = 0;
    return FPU_OK;
}

/*
 * Stores: the source is the ModRM.reg register, the destination r/m.
 * c->msize bytes go to memory (from the low bytes, or the high quadword
 * when c->aux is 1); a register destination receives the same lanes
 * (c->aux 2: the full register is replaced by the low quadword, high
 * half zeroed, as MOVQ xmm/m64, xmm does).
 */
int sse_store(FpuCtx *c)
{
    bool mmx_src = c->flags & (FPU_F_MMX | FPU_F_SRC_MMX);
    bool mmx_dst = c->flags & (FPU_F_MMX | FPU_F_DST_MMX);
    FpuXmm v = vreg_get(c, c->in->reg, mmx_src);
    const uint8_t *src = c->aux == 1 ? v.b + 8 : v.b;

    if (c->in->rm_is_mem) {
        if (c->flags & FPU_F_REG)
            return FPU_EXC_UD;
        /* an MMX store enters MMX mode even if the store faults, as
         * Intel's CPUs do (vmm/dbt/vendor.def, mmx_store_fault) */
        if (mmx_src)
            fpu_mmx_enter(c->st);
        if (!check_align(c, c->msize))
            return FPU_EXC_GP;
        return fpu_mem_write(c, c->in->ea, src, c->msize);
    }
    if (c->flags & FPU_F_MEM)
        return FPU_EXC_UD;
    if (mmx_dst) {
        fpu_mmx_set(c->st, c->in->rm & 7, v.q[0]);
        return FPU_OK;
    }
    if (mmx_src)
        fpu_mmx_enter(c->st);
    FpuXmm *d = &c->st->xmm[c->in->rm];
    if (c->aux == 2) {
        d->q[0] = v.q[0];
        d->q[1] = 0;
    } else {
        memcpy(d->b, src, c->msize);
    }
    return FPU_OK;
}

/* MOVD/MOVQ mm/xmm, r/m32/64 (0F 6E). */
int sse_movd_load(FpuCtx *c)
{
    unsigned len = c->in->rex_w ? 8 : 4;
    uint64_t v = 0;
    if (c->in->rm_is_mem) {
        int r = fpu_mem_read(c, c->in->ea, &v, len);
        if (r)
            return r;
    } else {
        v = c->env->gpr[c->in->rm];
        if (len == 4)
            v = (uint32_t)v;
    }
    if (c->flags & FPU_F_MMX) {
        fpu_mmx_set(c->st, c->in->reg & 7, v);
    } else {
        c->st->xmm[c->in->reg].q[0] = v;
        c->st->xmm[c->in->reg].q[1] = 0;
    }
    return FPU_OK;
}

/* MOVD/MOVQ r/m32/64, mm/xmm (0F 7E). */
int sse_movd_store(FpuCtx *c)
{
    unsigned len = c->in->rex_w ? 8 : 4;
    bool mmx = c->flags & FPU_F_MMX;
    uint64_t v = vreg_get(c, c->in->reg, mmx).q[0];
    if (len == 4)
        v = (uint32_t)v;
    /* MMX mode first: a faulting store has entered it (mmx_store_fault) */
    if (mmx)
        fpu_mmx_enter(c->st);
    if (c->in->rm_is_mem)
        return fpu_mem_write(c, c->in->ea, &v, len);
    c->env->gpr[c->in->rm] = v;
    return FPU_OK;
}

/* MOVMSKPS (aux 4) / MOVMSKPD (aux 8) r32, xmm. */
int sse_movmsk(FpuCtx *c)
{
    const FpuXmm *s = &c->st->xmm[c->in->rm];
    uint64_t m = 0;
    if (c->in->rm_is_mem)
        return FPU_EXC_UD;
    for (unsigned i = 0; i < 16u / c->aux; i++)
        m |= (uint64_t)(s->b[(i + 1) * c->aux - 1] >> 7) << i;
    c->env->gpr[c->in->reg] = m;
    return FPU_OK;
}

/* PMOVMSKB r32, mm/xmm. */
int sse_pmovmskb(FpuCtx *c)
{
    bool mmx = c->flags & FPU_F_MMX;
    FpuXmm s = vreg_get(c, c->in->rm, mmx);
    uint64_t m = 0;
    if (c->in->rm_is_mem)
        return FPU_EXC_UD;
    for (unsigned i = 0; i < (mmx ? 8u : 16u); i++)
        m |= (uint64_t)(s.b[i] >> 7) << i;
    c->env->gpr[c->in->reg] = m;
    if (mmx)
        fpu_mmx_enter(c->st);
    return FPU_OK;
}

/* PEXTRW r32, mm/xmm, imm8. */
int sse_pextrw(FpuCtx *c)
{
    bool mmx = c->flags & FPU_F_MMX;
    FpuXmm s = vreg_get(c, c->in->rm, mmx);
    if (c->in->rm_is_mem)
        return FPU_EXC_UD;
    c->env->gpr[c->in->reg] = s.w[c->in->imm8 & (mmx ? 3 : 7)];
    if (mmx)
        fpu_mmx_enter(c->st);
    return FPU_OK;
}

/* PINSRW mm/xmm, r32/m16, imm8. */
int sse_pinsrw(FpuCtx *c)
{
    bool mmx = c->flags & FPU_F_MMX;
    uint16_t v;
    if (c->in->rm_is_mem) {
        int r = fpu_mem_read(c, c->in->ea, &v, 2);
        if (r)
            return r;
    } else {
        v = (uint16_t)c->env->gpr[c->in->rm];
    }
    if (mmx) {
        FpuXmm d = vreg_get(c, c->in->reg, true);
        d.w[c->in->imm8 & 3] = v;
        fpu_mmx_set(c->st, c->in->reg & 7, d.q[0]);
    } else {
        c->st->xmm[c->in->reg].w[c->in->imm8 & 7] = v;
    }
    return FPU_OK;
}

/* MASKMOVQ / MASKMOVDQU: store the bytes of reg whose mask byte (in rm)
 * has its top bit set to [RDI].  The hardware checks the whole 8/16-byte
 * destination, even for a zero mask; MASKMOVDQU checks its upper
 * quadword first, so a fault there has CR2 in it (RDI + 8 when nothing is
 * mapped), as Intel's CPUs report it (vmm/dbt/vendor.def,
 * maskmovdqu_fault).  This does a read-merge-write of the destination
 * (upper quadword, then lower), nothing stored before both reads
 * succeeded; not atomic for the unselected bytes with respect to other
 * vCPUs. */
int sse_maskmov(FpuCtx *c)
{
    bool mmx = c->flags & FPU_F_MMX;
    unsigned n = mmx ? 8 : 16;
    FpuXmm v = vreg_get(c, c->in->reg, mmx);
    FpuXmm m = vreg_get(c, c->in->rm, mmx);
    FpuXmm cur;
    uint64_t base = c->env->gpr[7];
    if (c->in->rm_is_mem)
        return FPU_EXC_UD;
    if (mmx)
        fpu_mmx_enter(c->st);
    int r = n == 16 ? fpu_mem_read(c, base + 8, cur.b + 8, 8) : FPU_OK;
    if (!r)
        r = fpu_mem_read(c, base, cur.b, 8);
    if (r)
        return r;
    for (unsigned i = 0; i < n; i++)
        if (m.b[i] & 0x80)
            cur.b[i] = v.b[i];
    if (n == 16 && (r = fpu_mem_write(c, base + 8, cur.b + 8, 8)) != FPU_OK)
        return r;
    return fpu_mem_write(c, base, cur.b, 8);
}

/* EMMS: every tag empty, and (as for every MMX instruction) TOP = 0. */
int sse_emms(FpuCtx *c)
{
    c->st->ftw = 0;
    c->st->fsw &= (uint16_t)~(7u << 11);
    return FPU_OK;
}
