/*
 * sse_int.c - integer SIMD of MMX and SSE2: lane arithmetic with and
 * without saturation, compares, min/max/average, multiplies, logic,
 * shifts, unpack/pack and shuffles.  Every handler works on c->width bytes
 * (8 for MMX, 16 for XMM) so the MMX and XMM forms share one function;
 * c->aux is the lane size in bytes where an operation comes in several.
 */
#include <string.h>

#include "fpu_internal.h"
#include "sse_ops.h"

static int64_t lane_get(const FpuXmm *v, unsigned size, unsigned i, bool sign)
{
    switch (size) {
    case 1: return sign ? (int64_t)(int8_t)v->b[i] : v->b[i];
    case 2: return sign ? (int64_t)(int16_t)v->w[i] : v->w[i];
    case 4: return sign ? (int64_t)(int32_t)v->d[i] : v->d[i];
    default: return (int64_t)v->q[i];
    }
}

static void lane_set(FpuXmm *v, unsigned size, unsigned i, uint64_t x)
{
    switch (size) {
    case 1: v->b[i] = (uint8_t)x; break;
    case 2: v->w[i] = (uint16_t)x; break;
    case 4: v->d[i] = (uint32_t)x; break;
    default: v->q[i] = x; break;
    }
}

static int64_t sat(int64_t x, int64_t lo, int64_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Lane-wise binary operation on lanes of c->aux bytes. */
typedef uint64_t (*LaneFn)(int64_t a, int64_t b, unsigned size);

static int lanes_apply(FpuCtx *c, FpuXmm *d, const FpuXmm *s, LaneFn fn, bool sign)
{
    unsigned size = c->aux, n = c->width / size;
    for (unsigned i = 0; i < n; i++)
        lane_set(d, size, i, fn(lane_get(d, size, i, sign), lane_get(s, size, i, sign), size));
    return FPU_OK;
}

static uint64_t l_add(int64_t a, int64_t b, unsigned size) { (void)size; return (uint64_t)a + (uint64_t)b; }
static uint64_t l_sub(int64_t a, int64_t b, unsigned size) { (void)size; return (uint64_t)a - (uint64_t)b; }
static uint64_t l_addus(int64_t a, int64_t b, unsigned size)
{
    return (uint64_t)sat(a + b, 0, size == 1 ? 0xff : 0xffff);
}
static uint64_t l_subus(int64_t a, int64_t b, unsigned size)
{
    return (uint64_t)sat(a - b, 0, size == 1 ? 0xff : 0xffff);
}
static uint64_t l_adds(int64_t a, int64_t b, unsigned size)
{
    return size == 1 ? (uint64_t)sat(a + b, -128, 127) : (uint64_t)sat(a + b, -32768, 32767);
}
static uint64_t l_subs(int64_t a, int64_t b, unsigned size)
{
    return size == 1 ? (uint64_t)sat(a - b, -128, 127) : (uint64_t)sat(a - b, -32768, 32767);
}
static uint64_t l_cmpeq(int64_t a, int64_t b, unsigned size) { (void)size; return a == b ? ~0ull : 0; }
static uint64_t l_cmpgt(int64_t a, int64_t b, unsigned size) { (void)size; return a > b ? ~0ull : 0; }
static uint64_t l_min(int64_t a, int64_t b, unsigned size) { (void)size; return (uint64_t)(a < b ? a : b); }
static uint64_t l_max(int64_t a, int64_t b, unsigned size) { (void)size; return (uint64_t)(a > b ? a : b); }
static uint64_t l_avg(int64_t a, int64_t b, unsigned size) { (void)size; return (uint64_t)((a + b + 1) >> 1); }
static uint64_t l_mullo(int64_t a, int64_t b, unsigned size) { (void)size; return (uint64_t)(a * b); }
static uint64_t l_mulhi(int64_t a, int64_t b, unsigned size) { (void)size; return (uint64_t)((a * b) >> 16); }

int sse_padd(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_add, false); }
int sse_psub(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_sub, false); }
int sse_paddus(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_addus, false); }
int sse_psubus(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_subus, false); }
int sse_padds(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_adds, true); }
int sse_psubs(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_subs, true); }
int sse_pcmpeq(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_cmpeq, false); }
int sse_pcmpgt(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_cmpgt, true); }
int sse_pminu(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_min, false); }
int sse_pmaxu(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_max, false); }
int sse_pmins(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_min, true); }
int sse_pmaxs(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_max, true); }
int sse_pavg(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_avg, false); }
int sse_pmullw(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_mullo, true); }
int sse_pmulhw(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_mulhi, true); }
int sse_pmulhuw(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return lanes_apply(c, d, s, l_mulhi, false); }

int sse_pmuludq(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    for (unsigned i = 0; i < c->width / 8; i++)
        d->q[i] = (uint64_t)d->d[2 * i] * s->d[2 * i];
    return FPU_OK;
}

int sse_pmaddwd(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    for (unsigned i = 0; i < c->width / 4; i++) {
        int64_t x = (int64_t)(int16_t)d->w[2 * i] * (int16_t)s->w[2 * i] +
                    (int64_t)(int16_t)d->w[2 * i + 1] * (int16_t)s->w[2 * i + 1];
        d->d[i] = (uint32_t)x;
    }
    return FPU_OK;
}

int sse_psadbw(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    for (unsigned q = 0; q < c->width / 8; q++) {
        unsigned sum = 0;
        for (unsigned i = 0; i < 8; i++) {
            int x = d->b[8 * q + i] - s->b[8 * q + i];
            sum += (unsigned)(x < 0 ? -x : x);
        }
        d->q[q] = sum;
    }
    return FPU_OK;
}

/* Logic: also used for ANDPS/ANDPD etc. (bitwise, no FP exceptions). */
int sse_pand(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    for (unsigned i = 0; i < c->width / 8; i++)
        d->q[i] &= s->q[i];
    return FPU_OK;
}

int sse_pandn(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    for (unsigned i = 0; i < c->width / 8; i++)
        d->q[i] = ~d->q[i] & s->q[i];
    return FPU_OK;
}

int sse_por(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    for (unsigned i = 0; i < c->width / 8; i++)
        d->q[i] |= s->q[i];
    return FPU_OK;
}

int sse_pxor(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    for (unsigned i = 0; i < c->width / 8; i++)
        d->q[i] ^= s->q[i];
    return FPU_OK;
}

/* Shifts: the count is the low 64 bits of s (register/memory form) or
 * the imm8 (group form, the caller puts it in s). */
int sse_psrl(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    unsigned size = c->aux, n = c->width / size;
    uint64_t cnt = s->q[0];
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = (uint64_t)lane_get(d, size, i, false);
        lane_set(d, size, i, cnt >= size * 8u ? 0 : x >> cnt);
    }
    return FPU_OK;
}

int sse_psll(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    unsigned size = c->aux, n = c->width / size;
    uint64_t cnt = s->q[0];
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = (uint64_t)lane_get(d, size, i, false);
        lane_set(d, size, i, cnt >= size * 8u ? 0 : x << cnt);
    }
    return FPU_OK;
}

int sse_psra(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    unsigned size = c->aux, n = c->width / size;
    uint64_t cnt = s->q[0];
    if (cnt > size * 8u - 1)
        cnt = size * 8u - 1;
    for (unsigned i = 0; i < n; i++) {
        int64_t x = lane_get(d, size, i, true);
        lane_set(d, size, i, (uint64_t)(x >> cnt));
    }
    return FPU_OK;
}

int sse_psrldq(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    uint64_t cnt = s->q[0];
    FpuXmm r = { .q = { 0, 0 } };
    (void)c;
    for (unsigned i = 0; i < 16; i++)
        if (i + cnt < 16)
            r.b[i] = d->b[i + cnt];
    *d = r;
    return FPU_OK;
}

int sse_pslldq(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    uint64_t cnt = s->q[0];
    FpuXmm r = { .q = { 0, 0 } };
    (void)c;
    for (unsigned i = 0; i < 16; i++)
        if (i >= cnt)
            r.b[i] = d->b[i - cnt];
    *d = r;
    return FPU_OK;
}

/* Interleave the low (aux2 = 0) or high halves of d and s. */
static int unpack(FpuCtx *c, FpuXmm *d, const FpuXmm *s, bool high)
{
    unsigned size = c->aux, n = c->width / size, base = high ? n / 2 : 0;
    FpuXmm r = { .q = { 0, 0 } };
    for (unsigned i = 0; i < n / 2; i++) {
        lane_set(&r, size, 2 * i, (uint64_t)lane_get(d, size, base + i, false));
        lane_set(&r, size, 2 * i + 1, (uint64_t)lane_get(s, size, base + i, false));
    }
    *d = r;
    return FPU_OK;
}

int sse_punpckl(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return unpack(c, d, s, false); }
int sse_punpckh(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return unpack(c, d, s, true); }

/* Pack lanes of 2*aux bytes into aux bytes with signed (packss) or
 * unsigned (packus) saturation: d's lanes first, then s's. */
static int pack(FpuCtx *c, FpuXmm *d, const FpuXmm *s, bool usat)
{
    unsigned out = c->aux, in = out * 2, n = c->width / in;
    int64_t lo = usat ? 0 : (out == 1 ? -128 : -32768);
    int64_t hi = usat ? (out == 1 ? 255 : 65535) : (out == 1 ? 127 : 32767);
    FpuXmm r = { .q = { 0, 0 } };
    for (unsigned i = 0; i < n; i++) {
        lane_set(&r, out, i, (uint64_t)sat(lane_get(d, in, i, true), lo, hi));
        lane_set(&r, out, n + i, (uint64_t)sat(lane_get(s, in, i, true), lo, hi));
    }
    *d = r;
    return FPU_OK;
}

int sse_packss(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return pack(c, d, s, false); }
int sse_packus(FpuCtx *c, FpuXmm *d, const FpuXmm *s) { return pack(c, d, s, true); }

/* PSHUFW mm (aux 0), PSHUFD (aux 1), PSHUFHW (aux 2), PSHUFLW (aux 3). */
int sse_pshuf(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
{
    uint8_t imm = c->in->imm8;
    FpuXmm r = *s;
    switch (c->aux) {
    case 0:
        for (unsigned i = 0; i < 4; i++)
            r.w[i] = s->w[(imm >> (2 * i)) & 3];
        r.q[1] = 0;
        break;
    case 1:
        for (unsigned i = 0; i < 4; i++)
            r.d[i] = s->d[(imm >> (2 * i)) & 3];
        break;
    case 2:
        for (unsigned i = 0; i < 4; i++)
            r.w[4 + i] = s->w[4 + ((imm >> (2 * i)) & 3)];
        break;
    default:
        for (unsigned i = 0; i < 4; i++)
            r.w[i] = s->w[(imm >> (2 * i)) & 3];
        break;
    }
    *d = r;
    return FPU_OK;
}
