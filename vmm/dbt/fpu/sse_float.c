/*
 * sse_float.c - SSE/SSE2 floating point: arithmetic, compares,
 * conversions, RCP/RSQRT, MIN/MAX, and the bitwise/shuffle float forms.
 *
 * Design note: IEEE single/double operations are executed by the host's
 * own SSE unit, which implements exactly the same architecture (x86-64
 * requires SSE2).  Each operation is one asm statement that saves the
 * host MXCSR, loads the guest's rounding control, DAZ and FZ with every
 * exception masked and the flags clear, executes the very same instruction
 * on register operands, reads MXCSR back and restores the host's.  The
 * compiler cannot move its own FP code inside the asm statement, so no
 * host computation runs under the guest's modes.  The raised flags are
 * then merged into the guest MXCSR (fpu_sse_raise); if one of them is
 * unmasked in the guest the result is discarded and #XM is raised.
 * Results (NaN propagation, min/max operand order, denormals, RCP/RSQRT
 * approximations) are thereby those of the host CPU.
 */
#include <string.h>

#include "f80.h"
#include "fpu_internal.h"
#include "sse_ops.h"

typedef float V4F __attribute__((vector_size(16)));

/* An unmasked underflow is signalled for every tiny result, exact or not;
 * the masked host run only flags tiny *and* inexact ones.  A second run
 * with flush-to-zero flags every tiny result, so its UE answers. */
static bool underflow_unmasked(const FpuCtx *c)
{
    return !(c->st->mxcsr & (MXCSR_UE << 7));
}

/* Flush-to-zero acts only while underflow is masked: with UM clear, a
 * tiny result raises #XM and PE says whether the denormal result would
 * have been exact, not whether the flushed zero is. */
static uint32_t host_mode(const FpuCtx *c)
{
    uint32_t keep = MXCSR_RC | MXCSR_DAZ | (underflow_unmasked(c) ? 0 : MXCSR_FZ);
    return (c->st->mxcsr & keep) | MXCSR_MASKS;
}

/* What an operation whose results can be tiny and inexact computes, for
 * unbounded_pe(). */
typedef struct SseUnderflow {
    char op;                /* '*', '/', or 'c' (convert the source) */
    uint8_t in;             /* element size in bytes: 4 or 8 */
    uint8_t bits;           /* precision of the result: 24 or 53 */
    uint8_t lanes;          /* elements computed */
} SseUnderflow;

/* Element @i of @x as an exact 80-bit value (DAZ: denormals are zero). */
static FpuF80 lane_f80(const FpuCtx *c, const FpuXmm *x, unsigned i, unsigned size)
{
    unsigned exc = 0;
    bool daz = c->st->mxcsr & MXCSR_DAZ;
    if (size == 4) {
        uint32_t v = x->d[i];
        if (daz && !(v & 0x7f800000u))
            v &= 0x80000000u;
        return f80_from_f32(v, &exc);
    }
    uint64_t v = x->q[i];
    if (daz && !(v & 0x7ff0000000000000ull))
        v &= 1ull << 63;
    return f80_from_f64(v, &exc);
}

/* With underflow unmasked, PE says whether the result rounded to the
 * format's precision with an unbounded exponent is inexact (what the
 * hardware reports), not whether the denormal of the masked host run
 * is.  Recomputed for every element in 80-bit arithmetic, whose exponent
 * range is unbounded for single and double results; a masked overflow
 * is always inexact. */
static uint32_t unbounded_pe(const FpuCtx *c, const SseUnderflow *u, const FpuXmm *d,
                             const FpuXmm *s)
{
    F80Mode m = { (c->st->mxcsr >> 13) & 3, u->bits };
    int emax = u->bits == 24 ? 127 : 1023;
    bool om_masked = c->st->mxcsr & (MXCSR_OE << 7);
    for (unsigned i = 0; i < u->lanes; i++) {
        unsigned exc = 0;
        FpuF80 b = lane_f80(c, s, i, u->in), r;
        if (u->op == 'c') {
            r = f80_add(b, f80_zero(false), false, m, &exc);
        } else {
            FpuF80 a = lane_f80(c, d, i, u->in);
            r = u->op == '*' ? f80_mul(a, b, m, &exc) : f80_div(a, b, m, &exc);
        }
        if (exc & F80_PE)
            return MXCSR_PE;
        if (om_masked && f80_classify(r) == F80_CLASS_NORMAL &&
            (int)(r.sexp & 0x7fff) - 16383 > emax)
            return MXCSR_PE;
    }
    return 0;
}

/* One two-operand SSE instruction "insn src, dst" on the host under the
 * MXCSR value @mx; returns the exception flags it raised.  @uf: NULL, or
 * how to recompute PE after an unmasked underflow. */
#define HOST_BIN_U(fname, insn, uf)                                          \
    static uint32_t fname##_host(V4F *a, V4F b, uint32_t mx)                 \
    {                                                                        \
        uint32_t saved = 0, out = 0;                                         \
        __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[mx]\n\t"                \
                         insn " %[b], %[a]\n\t"                              \
                         "stmxcsr %[out]\n\tldmxcsr %[sv]"                   \
                         : [a] "+x"(*a), [sv] "+m"(saved), [out] "+m"(out)   \
                         : [b] "x"(b), [mx] "m"(mx));                        \
        return out & 0x3f;                                                   \
    }                                                                        \
    int fname(FpuCtx *c, FpuXmm *d, const FpuXmm *s)                         \
    {                                                                        \
        V4F a, b, t;                                                         \
        memcpy(&a, d, 16);                                                   \
        memcpy(&b, s, 16);                                                   \
        t = a;                                                               \
        uint32_t flags = fname##_host(&a, b, host_mode(c));                  \
        if (underflow_unmasked(c)) {                                         \
            uint32_t ue = fname##_host(&t, b, host_mode(c) | MXCSR_FZ) & MXCSR_UE; \
            const SseUnderflow *u = (uf);                                    \
            if (ue && u)                                                     \
                flags = (flags & ~(uint32_t)MXCSR_PE) | unbounded_pe(c, u, d, s); \
            flags |= ue;                                                     \
        }                                                                    \
        int r = fpu_sse_raise(c, flags);                                     \
        if (r)                                                               \
            return r;                                                        \
        memcpy(d, &a, 16);                                                   \
        return FPU_OK;                                                       \
    }

#define HOST_BIN(fname, insn) HOST_BIN_U(fname, insn, NULL)
#define UF(op, in, bits, lanes) (&(const SseUnderflow){ op, in, bits, lanes })

HOST_BIN(sse_addps, "addps") HOST_BIN(sse_addpd, "addpd")
HOST_BIN(sse_addss, "addss") HOST_BIN(sse_addsd, "addsd")
HOST_BIN(sse_subps, "subps") HOST_BIN(sse_subpd, "subpd")
HOST_BIN(sse_subss, "subss") HOST_BIN(sse_subsd, "subsd")
HOST_BIN_U(sse_mulps, "mulps", UF('*', 4, 24, 4)) HOST_BIN_U(sse_mulpd, "mulpd", UF('*', 8, 53, 2))
HOST_BIN_U(sse_mulss, "mulss", UF('*', 4, 24, 1)) HOST_BIN_U(sse_mulsd, "mulsd", UF('*', 8, 53, 1))
HOST_BIN_U(sse_divps, "divps", UF('/', 4, 24, 4)) HOST_BIN_U(sse_divpd, "divpd", UF('/', 8, 53, 2))
HOST_BIN_U(sse_divss, "divss", UF('/', 4, 24, 1)) HOST_BIN_U(sse_divsd, "divsd", UF('/', 8, 53, 1))
HOST_BIN(sse_minps, "minps") HOST_BIN(sse_minpd, "minpd")
HOST_BIN(sse_minss, "minss") HOST_BIN(sse_minsd, "minsd")
HOST_BIN(sse_maxps, "maxps") HOST_BIN(sse_maxpd, "maxpd")
HOST_BIN(sse_maxss, "maxss") HOST_BIN(sse_maxsd, "maxsd")
HOST_BIN(sse_sqrtps, "sqrtps") HOST_BIN(sse_sqrtpd, "sqrtpd")
HOST_BIN(sse_sqrtss, "sqrtss") HOST_BIN(sse_sqrtsd, "sqrtsd")
HOST_BIN(sse_rcpps, "rcpps") HOST_BIN(sse_rcpss, "rcpss")
HOST_BIN(sse_rsqrtps, "rsqrtps") HOST_BIN(sse_rsqrtss, "rsqrtss")
HOST_BIN(sse_cvtps2pd, "cvtps2pd")
HOST_BIN_U(sse_cvtpd2ps, "cvtpd2ps", UF('c', 8, 24, 2))
HOST_BIN(sse_cvtss2sd, "cvtss2sd")
HOST_BIN_U(sse_cvtsd2ss, "cvtsd2ss", UF('c', 8, 24, 1))
HOST_BIN(sse_cvtdq2ps, "cvtdq2ps") HOST_BIN(sse_cvtps2dq, "cvtps2dq")
HOST_BIN(sse_cvttps2dq, "cvttps2dq") HOST_BIN(sse_cvttpd2dq, "cvttpd2dq")
HOST_BIN(sse_cvtdq2pd, "cvtdq2pd") HOST_BIN(sse_cvtpd2dq, "cvtpd2dq")

/* CMPccPS/PD/SS/SD: the predicate (imm8 & 7) selects a host instruction;
 * the asm needs it as an immediate, hence one function per predicate. */
#define HOST_CMP(fname, insn, pred)                                          \
    static int fname##_##pred(FpuCtx *c, FpuXmm *d, const FpuXmm *s)         \
    {                                                                        \
        V4F a, b;                                                            \
        uint32_t mx = host_mode(c), saved = 0, out = 0;                      \
        memcpy(&a, d, 16);                                                   \
        memcpy(&b, s, 16);                                                   \
        __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[mx]\n\t"                \
                         insn " $" #pred ", %[b], %[a]\n\t"                  \
                         "stmxcsr %[out]\n\tldmxcsr %[sv]"                   \
                         : [a] "+x"(a), [sv] "+m"(saved), [out] "+m"(out)    \
                         : [b] "x"(b), [mx] "m"(mx));                        \
        int r = fpu_sse_raise(c, out & 0x3f);                                \
        if (r)                                                               \
            return r;                                                        \
        memcpy(d, &a, 16);                                                   \
        return FPU_OK;                                                       \
    }
#define HOST_CMP_ALL(fname, insn)                                            \
    HOST_CMP(fname, insn, 0) HOST_CMP(fname, insn, 1)                        \
    HOST_CMP(fname, insn, 2) HOST_CMP(fname, insn, 3)                        \
    HOST_CMP(fname, insn, 4) HOST_CMP(fname, insn, 5)                        \
    HOST_CMP(fname, insn, 6) HOST_CMP(fname, insn, 7)                        \
    int fname(FpuCtx *c, FpuXmm *d, const FpuXmm *s)                         \
    {                                                                        \
        static const FpuVecFn preds[8] = {                                   \
            fname##_0, fname##_1, fname##_2, fname##_3,                      \
            fname##_4, fname##_5, fname##_6, fname##_7,                      \
        };                                                                   \
        return preds[c->in->imm8 & 7](c, d, s);                              \
    }

HOST_CMP_ALL(sse_cmpps, "cmpps")
HOST_CMP_ALL(sse_cmppd, "cmppd")
HOST_CMP_ALL(sse_cmpss, "cmpss")
HOST_CMP_ALL(sse_cmpsd, "cmpsd")

/* COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF from the compare, OF SF AF 0. */
#define HOST_COMI(fname, insn)                                               \
    int fname(FpuCtx *c, FpuXmm *d, const FpuXmm *s)                         \
    {                                                                        \
        V4F a, b;                                                            \
        uint64_t fl;                                                         \
        uint32_t mx = host_mode(c), saved = 0, out = 0;                      \
        if (!c->env->rflags)                                                 \
            return FPU_EXC_UD;                                               \
        memcpy(&a, d, 16);                                                   \
        memcpy(&b, s, 16);                                                   \
        __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[mx]\n\t"                \
                         insn " %[b], %[a]\n\t"                              \
                         "pushfq\n\tpopq %[fl]\n\t"                          \
                         "stmxcsr %[out]\n\tldmxcsr %[sv]"                   \
                         : [fl] "=r"(fl), [sv] "+m"(saved), [out] "+m"(out)  \
                         : [a] "x"(a), [b] "x"(b), [mx] "m"(mx) : "cc");     \
        int r = fpu_sse_raise(c, out & 0x3f);                                \
        if (r)                                                               \
            return r;                                                        \
        *c->env->rflags = (*c->env->rflags & ~0x8d5ull) | (fl & 0x45);       \
        return FPU_OK;                                                       \
    }

HOST_COMI(sse_comiss, "comiss")
HOST_COMI(sse_ucomiss, "ucomiss")
HOST_COMI(sse_comisd, "comisd")
HOST_COMI(sse_ucomisd, "ucomisd")

/* CVTSI2SS/CVTSI2SD xmm, r/m32 or r/m64 (REX.W). */
static int int_source(FpuCtx *c, uint64_t *v)
{
    unsigned len = c->in->rex_w ? 8 : 4;
    *v = 0;
    if (c->in->rm_is_mem)
        return fpu_mem_read(c, c->in->ea, v, len);
    *v = c->env->gpr[c->in->rm];
    if (len == 4)
        *v = (uint32_t)*v;
    return FPU_OK;
}

#define HOST_CVTSI(fname, insn)                                              \
    int fname(FpuCtx *c)                                                     \
    {                                                                        \
        uint64_t v;                                                          \
        V4F a;                                                               \
        uint32_t mx = host_mode(c), saved = 0, out = 0;                      \
        int r = int_source(c, &v);                                           \
        if (r)                                                               \
            return r;                                                        \
        memcpy(&a, &c->st->xmm[c->in->reg], 16);                             \
        if (c->in->rex_w)                                                    \
            __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[mx]\n\t"            \
                             insn "q %[v], %[a]\n\t"                         \
                             "stmxcsr %[out]\n\tldmxcsr %[sv]"               \
                             : [a] "+x"(a), [sv] "+m"(saved), [out] "+m"(out) \
                             : [v] "r"(v), [mx] "m"(mx));                    \
        else                                                                 \
            __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[mx]\n\t"            \
                             insn "l %k[v], %[a]\n\t"                        \
                             "stmxcsr %[out]\n\tldmxcsr %[sv]"               \
                             : [a] "+x"(a), [sv] "+m"(saved), [out] "+m"(out) \
                             : [v] "r"(v), [mx] "m"(mx));                    \
        r = fpu_sse_raise(c, out & 0x3f);                                    \
        if (r)                                                               \
            return r;                                                        \
        memcpy(&c->st->xmm[c->in->reg], &a, 16);                             \
        return FPU_OK;                                                       \
    }

HOST_CVTSI(sse_cvtsi2ss, "cvtsi2ss")
HOST_CVTSI(sse_cvtsi2sd, "cvtsi2sd")

/* CVT(T)SS2SI / CVT(T)SD2SI r32/r64, xmm/m32 or m64. */
#define HOST_CVT2SI(fname, insn, msize)                                      \
    int fname(FpuCtx *c)                                                     \
    {                                                                        \
        V4F a;                                                               \
        FpuXmm src = { .q = { 0, 0 } };                                      \
        uint64_t v = 0;                                                      \
        uint32_t mx = host_mode(c), saved = 0, out = 0;                      \
        if (c->in->rm_is_mem) {                                              \
            int r = fpu_mem_read(c, c->in->ea, &src, msize);                 \
            if (r)                                                           \
                return r;                                                    \
        } else {                                                             \
            src = c->st->xmm[c->in->rm];                                     \
        }                                                                    \
        memcpy(&a, &src, 16);                                                \
        if (c->in->rex_w)                                                    \
            __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[mx]\n\t"            \
                             insn " %[a], %[v]\n\t"                          \
                             "stmxcsr %[out]\n\tldmxcsr %[sv]"               \
                             : [v] "=r"(v), [sv] "+m"(saved), [out] "+m"(out) \
                             : [a] "x"(a), [mx] "m"(mx));                    \
        else                                                                 \
            __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[mx]\n\t"            \
                             insn " %[a], %k[v]\n\t"                         \
                             "stmxcsr %[out]\n\tldmxcsr %[sv]"               \
                             : [v] "=r"(v), [sv] "+m"(saved), [out] "+m"(out) \
                             : [a] "x"(a), [mx] "m"(mx));                    \
        int r = fpu_sse_raise(c, out & 0x3f);                                \
        if (r)                                                               \
            return r;                                                        \
        c->env->gpr[c->in->reg] = c->in->rex_w ? v : (uint32_t)v;            \
        return FPU_OK;                                                       \
    }

HOST_CVT2SI(sse_cvttss2si, "cvttss2si", 4)
HOST_CVT2SI(sse_cvtss2si, "cvtss2si", 4)
HOST_CVT2SI(sse_cvttsd2si, "cvttsd2si", 8)
HOST_CVT2SI(sse_cvtsd2si, "cvtsd2si", 8)

/* The MMX conversions are computed with the XMM form of the same
 * conversion on the two low lanes (the upper source lanes are zero, which
 * converts exactly and raises nothing). */
int sse_cvtpi2ps(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    FpuXmm t = { .q = { s->q[0], 0 } };
    int r = sse_cvtdq2ps(c, &t, &t);
    if (r)
        return r;
    d->q[0] = t.q[0];
    return FPU_OK;
}

int sse_cvtpi2pd(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    FpuXmm t = { .q = { s->q[0], 0 } };
    int r = sse_cvtdq2pd(c, &t, &t);
    if (r)
        return r;
    *d = t;
    return FPU_OK;
}

#define MMX_FROM_XMM(fname, xfn, keep_high)                                  \
    int fname(FpuCtx *c, FpuXmm *d, const FpuXmm *s)                         \
    {                                                                        \
        FpuXmm t = { .q = { s->q[0], keep_high ? s->q[1] : 0 } };            \
        int r = xfn(c, &t, &t);                                              \
        if (r)                                                               \
            return r;                                                        \
        d->q[0] = t.q[0];                                                    \
        d->q[1] = 0;                                                         \
        return FPU_OK;                                                       \
    }

MMX_FROM_XMM(sse_cvtps2pi, sse_cvtps2dq, false)
MMX_FROM_XMM(sse_cvttps2pi, sse_cvttps2dq, false)
MMX_FROM_XMM(sse_cvtpd2pi, sse_cvtpd2dq, true)
MMX_FROM_XMM(sse_cvttpd2pi, sse_cvttpd2dq, true)

/* Data movement on float lanes (no exceptions). */
int sse_unpcklps(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    FpuXmm r = { .d = { d->d[0], s->d[0], d->d[1], s->d[1] } };
    (void)c;
    *d = r;
    return FPU_OK;
}

int sse_unpckhps(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    FpuXmm r = { .d = { d->d[2], s->d[2], d->d[3], s->d[3] } };
    (void)c;
    *d = r;
    return FPU_OK;
}

int sse_unpcklpd(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    (void)c;
    d->q[1] = s->q[0];
    return FPU_OK;
}

int sse_unpckhpd(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    (void)c;
    d->q[0] = d->q[1];
    d->q[1] = s->q[1];
    return FPU_OK;
}

int sse_shufps(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    uint8_t imm = c->in->imm8;
    FpuXmm r = { .d = { d->d[imm & 3], d->d[(imm >> 2) & 3],
                        s->d[(imm >> 4) & 3], s->d[(imm >> 6) & 3] } };
    *d = r;
    return FPU_OK;
}

int sse_shufpd(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    uint8_t imm = c->in->imm8;
    FpuXmm r = { .q = { d->q[imm & 1], s->q[(imm >> 1) & 1] } };
    *d = r;
    return FPU_OK;
}
