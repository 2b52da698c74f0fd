/*
 * f80.c - software floating point on the x87 extended format.
 *
 * Design note: operands are unpacked to (sign, biased exponent, 64-bit
 * significand with the integer bit at bit 63); denormals are normalized
 * with an exponent below 1.  Every operation produces an exact or
 * sticky-jammed 128-bit significand R (integer bit at bit 127) and an
 * exponent e such that the value is R / 2^127 * 2^(e - bias); one rounding
 * routine (round_pack) then rounds it once, to the precision control's
 * significand width in the format's exponent range (denormalizing tiny
 * results first), and reports PE, UE, OE and C1.  Because each result is
 * rounded exactly once from an exact (or correctly sticky) intermediate,
 * results are correctly rounded in every mode and precision, including
 * stores to single and double (which use the same routine with their
 * exponent range).  No host long double or double arithmetic is used.
 */
#include "f80.h"

#define BIAS 16383
#define EXP_MAX 0x7fff

typedef unsigned __int128 U128;

typedef struct Unp {
    bool sign;
    int32_t exp;            /* biased; may be < 1 for normalized denormals */
    uint64_t m;             /* integer bit at 63 for finite non-zero */
    F80Class cls;
} Unp;

/* Target format of a rounding: significand bits, exponent bias, maximum
 * biased exponent of finite values. */
typedef struct Fmt {
    unsigned bits;
    int32_t bias;
    int32_t emax;
} Fmt;

static const Fmt FMT_F32 = { 24, 127, 254 };
static const Fmt FMT_F64 = { 53, 1023, 2046 };

static int clz128(U128 v)
{
    uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;
    if (hi)
        return __builtin_clzll(hi);
    if (lo)
        return 64 + __builtin_clzll(lo);
    return 128;
}

bool f80_sign(FpuF80 x)
{
    return x.sexp >> 15;
}

FpuF80 f80_indefinite(void)
{
    return (FpuF80){ .mant = 0xc000000000000000ull, .sexp = 0xffff };
}

FpuF80 f80_zero(bool neg)
{
    return (FpuF80){ .mant = 0, .sexp = (uint16_t)(neg ? 0x8000 : 0) };
}

FpuF80 f80_inf(bool neg)
{
    return (FpuF80){ .mant = 1ull << 63, .sexp = (uint16_t)((neg ? 0x8000 : 0) | EXP_MAX) };
}

F80Class f80_classify(FpuF80 x)
{
    unsigned e = x.sexp & EXP_MAX;
    bool j = x.mant >> 63;
    if (e == EXP_MAX) {
        if (!j)
            return F80_CLASS_UNSUPPORTED;
        if (!(x.mant << 1))
            return F80_CLASS_INF;
        return (x.mant >> 62) & 1 ? F80_CLASS_QNAN : F80_CLASS_SNAN;
    }
    if (e == 0)
        return x.mant ? F80_CLASS_DENORMAL : F80_CLASS_ZERO;
    return j ? F80_CLASS_NORMAL : F80_CLASS_UNSUPPORTED;
}

static Unp unpack(FpuF80 x, unsigned *exc)
{
    Unp u = { .sign = f80_sign(x), .exp = x.sexp & EXP_MAX, .m = x.mant };
    u.cls = f80_classify(x);
    if (u.cls == F80_CLASS_DENORMAL) {
        *exc |= F80_DE;
        int sh = __builtin_clzll(u.m);
        u.m <<= sh;
        u.exp = 1 - sh;
        u.cls = F80_CLASS_NORMAL;
    }
    return u;
}

static bool is_nan(const Unp *u)
{
    return u->cls == F80_CLASS_QNAN || u->cls == F80_CLASS_SNAN;
}

/* NaN operands: SNaN -> IE; the result is the NaN with the larger
 * significand (after quieting), per the x87 rules; unsupported -> IE and
 * the indefinite. */
static bool propagate_nan(FpuF80 a, FpuF80 b, const Unp *ua, const Unp *ub, bool two,
                          FpuF80 *out, unsigned *exc)
{
    if (ua->cls == F80_CLASS_UNSUPPORTED || (two && ub->cls == F80_CLASS_UNSUPPORTED)) {
        *exc |= F80_IE;
        *out = f80_indefinite();
        return true;
    }
    bool na = is_nan(ua), nb = two && is_nan(ub);
    if (!na && !nb)
        return false;
    if (ua->cls == F80_CLASS_SNAN || (two && ub->cls == F80_CLASS_SNAN))
        *exc |= F80_IE;
    a.mant |= 1ull << 62;
    b.mant |= 1ull << 62;
    if (na && nb && (ua->cls == F80_CLASS_SNAN) != (ub->cls == F80_CLASS_SNAN))
        *out = ua->cls == F80_CLASS_QNAN ? a : b;   /* SNaN and QNaN: the QNaN */
    else if (na && nb)
        *out = (a.mant > b.mant || (a.mant == b.mant && !f80_sign(a))) ? a : b;
    else
        *out = na ? a : b;
    return true;
}

/*
 * Round R (bit 127 set, value R/2^127 * 2^(e - fmt bias)) to fmt.bits
 * significant bits under rc; returns the biased exponent (0 for a
 * denormal or zero, emax + 1 for infinity) and the significand with its
 * leading bit at bit 63 (for extended: the stored significand).
 */
static void round_pack(bool sign, int32_t e, U128 r, Fmt fmt, unsigned rc,
                       int32_t *oexp, uint64_t *omant, unsigned *exc)
{
    bool tiny = false;
    if (e < 1) {
        /* Denormalize: shift right, keeping a sticky bit. */
        unsigned sh = (unsigned)(1 - e);
        U128 lost = sh >= 128 ? r : r & (((U128)1 << sh) - 1);
        r = sh >= 128 ? 0 : r >> sh;
        if (lost)
            r |= 1;
        e = 0;
        tiny = true;
    }
    unsigned drop = 128 - fmt.bits;
    U128 rem = r & (((U128)1 << drop) - 1);
    U128 half = (U128)1 << (drop - 1);
    U128 kept = r >> drop;
    bool inexact = rem != 0, up = false;
    switch (rc) {
    case 0: up = rem > half || (rem == half && (kept & 1)); break;
    case 1: up = inexact && sign; break;
    case 2: up = inexact && !sign; break;
    default: break;
    }
    if (up) {
        kept++;
        if (kept >> fmt.bits) {             /* carried out: renormalize */
            kept >>= 1;
            e++;
        } else if (e == 0 && (kept >> (fmt.bits - 1))) {
            e = 1;                          /* denormal rounded up to normal */
        }
        *exc |= F80_C1;
    }
    if (inexact) {
        *exc |= F80_PE;
        if (tiny)
            *exc |= F80_UE;
    }
    if (e > fmt.emax) {
        *exc |= F80_OE | F80_PE;
        bool to_inf = rc == 0 || (rc == 1 && sign) || (rc == 2 && !sign);
        if (to_inf) {
            *oexp = fmt.emax + 1;
            *omant = 1ull << 63;
            *exc |= F80_C1;
        } else {
            *oexp = fmt.emax;
            *omant = ~0ull << (64 - fmt.bits);
            *exc &= ~(unsigned)F80_C1;
        }
        return;
    }
    *oexp = e;
    *omant = (uint64_t)kept << (64 - fmt.bits);
}

static FpuF80 pack80(bool sign, int32_t e, U128 r, F80Mode m, unsigned *exc)
{
    Fmt fmt = { m.bits, BIAS, EXP_MAX - 1 };
    int32_t oe;
    uint64_t om;
    if (!r)
        return f80_zero(sign);
    int n = clz128(r);
    r <<= n;
    e -= n;
    round_pack(sign, e, r, fmt, m.rc, &oe, &om, exc);
    return (FpuF80){ .mant = om, .sexp = (uint16_t)((sign ? 0x8000 : 0) | oe) };
}

FpuF80 f80_add(FpuF80 a, FpuF80 b, bool sub, F80Mode m, unsigned *exc)
{
    unsigned de = 0;
    Unp ua = unpack(a, &de), ub = unpack(b, &de);
    FpuF80 out;
    if (propagate_nan(a, b, &ua, &ub, true, &out, exc))
        return out;
    *exc |= de;
    if (sub)
        ub.sign = !ub.sign;
    if (ua.cls == F80_CLASS_INF || ub.cls == F80_CLASS_INF) {
        if (ua.cls == F80_CLASS_INF && ub.cls == F80_CLASS_INF && ua.sign != ub.sign) {
            *exc |= F80_IE;
            return f80_indefinite();
        }
        return f80_inf(ua.cls == F80_CLASS_INF ? ua.sign : ub.sign);
    }
    if (ua.cls == F80_CLASS_ZERO && ub.cls == F80_CLASS_ZERO)
        return f80_zero(ua.sign == ub.sign ? ua.sign : m.rc == 1);
    if (ub.cls == F80_CLASS_ZERO)
        return pack80(ua.sign, ua.exp + 1, (U128)ua.m << 63, m, exc);
    if (ua.cls == F80_CLASS_ZERO)
        return pack80(ub.sign, ub.exp + 1, (U128)ub.m << 63, m, exc);

    if (ua.exp < ub.exp || (ua.exp == ub.exp && ua.m < ub.m)) {
        Unp t = ua;
        ua = ub;
        ub = t;
    }
    U128 ra = (U128)ua.m << 63, rb = (U128)ub.m << 63;
    uint32_t d = (uint32_t)(ua.exp - ub.exp);
    if (d >= 127) {
        rb = 1;
    } else if (d) {
        bool lost = (rb & (((U128)1 << d) - 1)) != 0;
        rb = (rb >> d) | lost;
    }
    U128 r = ua.sign == ub.sign ? ra + rb : ra - rb;
    if (!r)
        return f80_zero(m.rc == 1);
    return pack80(ua.sign, ua.exp + 1, r, m, exc);
}

FpuF80 f80_mul(FpuF80 a, FpuF80 b, F80Mode m, unsigned *exc)
{
    unsigned de = 0;
    Unp ua = unpack(a, &de), ub = unpack(b, &de);
    FpuF80 out;
    bool sign = ua.sign != ub.sign;
    if (propagate_nan(a, b, &ua, &ub, true, &out, exc))
        return out;
    *exc |= de;
    if (ua.cls == F80_CLASS_INF || ub.cls == F80_CLASS_INF) {
        if (ua.cls == F80_CLASS_ZERO || ub.cls == F80_CLASS_ZERO) {
            *exc |= F80_IE;
            return f80_indefinite();
        }
        return f80_inf(sign);
    }
    if (ua.cls == F80_CLASS_ZERO || ub.cls == F80_CLASS_ZERO)
        return f80_zero(sign);
    U128 r = (U128)ua.m * ub.m;
    return pack80(sign, ua.exp + ub.exp - BIAS + 1, r, m, exc);
}

FpuF80 f80_div(FpuF80 a, FpuF80 b, F80Mode m, unsigned *exc)
{
    unsigned de = 0;
    Unp ua = unpack(a, &de), ub = unpack(b, &de);
    FpuF80 out;
    bool sign = ua.sign != ub.sign;
    if (propagate_nan(a, b, &ua, &ub, true, &out, exc))
        return out;
    if (ub.cls != F80_CLASS_ZERO)
        *exc |= de;             /* x/0 reports only ZE (or IE) */
    if (ua.cls == F80_CLASS_INF) {
        if (ub.cls == F80_CLASS_INF) {
            *exc |= F80_IE;
            return f80_indefinite();
        }
        return f80_inf(sign);
    }
    if (ub.cls == F80_CLASS_INF)
        return f80_zero(sign);
    if (ub.cls == F80_CLASS_ZERO) {
        if (ua.cls == F80_CLASS_ZERO) {
            *exc |= F80_IE;
            return f80_indefinite();
        }
        *exc |= F80_ZE;
        return f80_inf(sign);
    }
    if (ua.cls == F80_CLASS_ZERO)
        return f80_zero(sign);
    U128 num = (U128)ua.m << 63;
    uint64_t q1 = (uint64_t)(num / ub.m);
    U128 r1 = num % ub.m;
    U128 num2 = r1 << 64;
    uint64_t q2 = (uint64_t)(num2 / ub.m);
    bool sticky = (num2 % ub.m) != 0;
    U128 r = ((U128)q1 << 64) | q2 | sticky;
    return pack80(sign, ua.exp - ub.exp + BIAS, r, m, exc);
}

FpuF80 f80_sqrt(FpuF80 a, F80Mode m, unsigned *exc)
{
    unsigned de = 0;
    Unp ua = unpack(a, &de);
    FpuF80 out;
    if (propagate_nan(a, a, &ua, &ua, false, &out, exc))
        return out;
    if (ua.cls == F80_CLASS_ZERO)
        return a;
    if (ua.sign) {
        *exc |= F80_IE;         /* negative: IE only, even if denormal */
        return f80_indefinite();
    }
    *exc |= de;
    if (ua.cls == F80_CLASS_INF)
        return a;
    int32_t k = ua.exp - BIAS, j = k - 63, half;
    U128 n;
    if (!(j & 1)) {
        n = (U128)ua.m << 64;
        half = j / 2 + 31;
    } else {
        n = (U128)ua.m << 63;
        half = (j - 1) / 2 + 32;
    }
    uint64_t root = 0;
    for (int bit = 63; bit >= 0; bit--) {
        uint64_t t = root | (1ull << bit);
        if ((U128)t * t <= n)
            root = t;
    }
    U128 rem = n - (U128)root * root;
    uint64_t lo = rem > root ? 0x8000000000000001ull : rem ? 1 : 0;
    return pack80(false, BIAS + half, ((U128)root << 64) | lo, m, exc);
}

FpuF80 f80_rndint(FpuF80 a, unsigned rc, unsigned *exc)
{
    Unp ua = unpack(a, exc);
    FpuF80 out;
    if (propagate_nan(a, a, &ua, &ua, false, &out, exc))
        return out;
    if (ua.cls != F80_CLASS_NORMAL || ua.exp >= BIAS + 63)
        return a;
    /* Integer part: bits of m above the binary point. */
    int32_t ib = ua.exp - BIAS + 1;           /* integer bits (may be <= 0) */
    U128 r = (U128)ua.m << 64;
    U128 intpart, frac, half;
    if (ib <= 0) {
        intpart = 0;
        frac = -ib >= 128 ? 1 : r >> -ib;
        if (-ib < 128 && (r & (((U128)1 << -ib) - 1)))
            frac |= 1;
        half = (U128)1 << 127;
    } else {
        intpart = r >> (128 - ib);
        frac = r << ib;
        half = (U128)1 << 127;
    }
    bool up = false, inexact = frac != 0;
    switch (rc) {
    case 0: up = frac > half || (frac == half && (intpart & 1)); break;
    case 1: up = inexact && ua.sign; break;
    case 2: up = inexact && !ua.sign; break;
    default: break;
    }
    if (inexact)
        *exc |= F80_PE;
    if (up) {
        intpart++;
        *exc |= F80_C1;
    }
    if (!intpart)
        return f80_zero(ua.sign);
    return pack80(ua.sign, BIAS + 127, intpart, (F80Mode){ 0, 64 }, exc);
}

FpuF80 f80_scale(FpuF80 a, FpuF80 b, F80Mode m, unsigned *exc)
{
    unsigned de = 0;
    Unp ua = unpack(a, &de), ub = unpack(b, &de);
    FpuF80 out;
    if (propagate_nan(a, b, &ua, &ub, true, &out, exc))
        return out;
    *exc |= de;
    if (ub.cls == F80_CLASS_INF) {
        if ((ua.cls == F80_CLASS_ZERO && !ub.sign) || (ua.cls == F80_CLASS_INF && ub.sign)) {
            *exc |= F80_IE;
            return f80_indefinite();
        }
        if (ua.cls == F80_CLASS_ZERO || ua.cls == F80_CLASS_INF)
            return a;
        return ub.sign ? f80_zero(ua.sign) : f80_inf(ua.sign);
    }
    if (ua.cls == F80_CLASS_ZERO || ua.cls == F80_CLASS_INF)
        return a;
    /* trunc(ST1), clamped: beyond +-2^20 the result over/underflows anyway. */
    int64_t n = 0;
    if (ub.cls == F80_CLASS_NORMAL && ub.exp >= BIAS) {
        int32_t sh = ub.exp - BIAS;
        n = sh > 20 ? (1 << 21) : (int64_t)(ub.m >> (63 - sh));
        if (ub.sign)
            n = -n;
    }
    /* FSCALE is exact but for over/underflow: precision control does not
     * apply (the hardware keeps all 64 bits). */
    (void)m;
    return pack80(ua.sign, ua.exp + 1 + (int32_t)n, (U128)ua.m << 63, (F80Mode){ m.rc, 64 }, exc);
}

FpuF80 f80_prem(FpuF80 a, FpuF80 b, bool ieee, unsigned *exc, uint16_t *cc)
{
    unsigned de = 0;
    Unp ua = unpack(a, &de), ub = unpack(b, &de);
    FpuF80 out;
    *cc = 0;
    if (propagate_nan(a, b, &ua, &ub, true, &out, exc))
        return out;
    if (ua.cls == F80_CLASS_INF || ub.cls == F80_CLASS_ZERO) {
        *exc |= F80_IE;
        return f80_indefinite();
    }
    *exc |= de;
    /* ST0 unchanged comes back through the datapath: a pseudo-denormal
     * (exponent 0, integer bit set) as the same value with exponent 1 */
    if (!(a.sexp & 0x7fff) && (a.mant >> 63))
        a.sexp |= 1;
    if (ua.cls == F80_CLASS_ZERO || ub.cls == F80_CLASS_INF)
        return a;
    int32_t d = ua.exp - ub.exp;
    if (d < -1 || (d == -1 && !ieee))
        return a;
    if (d >= 64) {
        /* Partial remainder: reduce by ST1 * q * 2^(d - n) with
         * n = 32 + ((d - 32) mod 32), as the hardware does; C2 = 1. */
        int32_t n = 32 + ((d - 32) % 32);
        U128 r = ua.m;
        uint64_t q = 0;
        for (int i = 0; i <= n; i++) {
            q <<= 1;
            if (r >= ub.m) {
                r -= ub.m;
                q |= 1;
            }
            if (i < n)
                r <<= 1;
        }
        /* C2 = 1 (incomplete); the hardware clears C0 C1 C3: the
         * caller sees the marker in bit 0. */
        (void)q;
        *cc = 1 << 10 | 0x1;
        if (!r)
            return f80_zero(ua.sign);
        return pack80(ua.sign, ub.exp + (d - n) + 64, r, (F80Mode){ 0, 64 }, exc);
    }
    U128 r;
    uint64_t q = 0;
    int32_t scale;
    bool sign = ua.sign;
    if (d == -1) {
        /* FPREM1 with |a| in [|b|/4, |b|): quotient 0 or 1 (a's scale). */
        r = ua.m;
        scale = ua.exp;
        if (ua.m > ub.m) {
            r = ((U128)ub.m << 1) - ua.m;
            q = 1;
            sign = !sign;
        }
    } else {
        r = ua.m;
        for (int i = 0; i <= d; i++) {
            q <<= 1;
            if (r >= ub.m) {
                r -= ub.m;
                q |= 1;
            }
            if (i < d)
                r <<= 1;
        }
        scale = ub.exp;
        if (ieee && ((r << 1) > ub.m || ((r << 1) == ub.m && (q & 1)))) {
            r = ub.m - r;
            q++;
            sign = !sign;
        }
    }
    *cc = (uint16_t)(((q >> 2) & 1) << 8 | ((q >> 1) & 1) << 14 | (q & 1) << 9);
    if (!r)
        return f80_zero(ua.sign);
    return pack80(sign, scale + 64, r, (F80Mode){ 0, 64 }, exc);
}

int f80_compare(FpuF80 a, FpuF80 b, bool quiet, unsigned *exc)
{
    unsigned de = 0;
    Unp ua = unpack(a, &de), ub = unpack(b, &de);
    if (ua.cls == F80_CLASS_UNSUPPORTED || ub.cls == F80_CLASS_UNSUPPORTED) {
        *exc |= F80_IE;
        return 2;
    }
    if (is_nan(&ua) || is_nan(&ub)) {
        if (!quiet || ua.cls == F80_CLASS_SNAN || ub.cls == F80_CLASS_SNAN)
            *exc |= F80_IE;
        return 2;
    }
    *exc |= de;
    if (ua.cls == F80_CLASS_ZERO && ub.cls == F80_CLASS_ZERO)
        return 0;
    /* Order by sign, then by magnitude (infinities are the largest). */
    int sa = ua.cls == F80_CLASS_ZERO ? 0 : ua.sign ? -1 : 1;
    int sb = ub.cls == F80_CLASS_ZERO ? 0 : ub.sign ? -1 : 1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int mag;
    if (ua.cls == F80_CLASS_INF || ub.cls == F80_CLASS_INF)
        mag = (ua.cls == F80_CLASS_INF) - (ub.cls == F80_CLASS_INF);
    else if (ua.exp != ub.exp)
        mag = ua.exp < ub.exp ? -1 : 1;
    else
        mag = ua.m < ub.m ? -1 : ua.m > ub.m ? 1 : 0;
    return sa < 0 ? -mag : mag;
}

/* ------------------------------------------------------------ conversions */

static FpuF80 from_ieee(uint64_t frac, int32_t e, bool sign, unsigned fbits, int32_t bias,
                        int32_t emax1, unsigned *exc)
{
    if (e == emax1) {
        if (!frac)
            return f80_inf(sign);
        if (!(frac >> (fbits - 1)))
            *exc |= F80_IE;             /* SNaN: quieted */
        uint64_t m = (1ull << 63) | (1ull << 62) | (frac << (63 - fbits));
        return (FpuF80){ .mant = m, .sexp = (uint16_t)((sign ? 0x8000 : 0) | EXP_MAX) };
    }
    if (e == 0) {
        if (!frac)
            return f80_zero(sign);
        *exc |= F80_DE;
        int sh = __builtin_clzll(frac);
        uint64_t m = frac << sh;
        int32_t ex = 1 - bias + BIAS - (sh - (63 - (int)fbits));
        return (FpuF80){ .mant = m, .sexp = (uint16_t)((sign ? 0x8000 : 0) | ex) };
    }
    uint64_t m = (1ull << 63) | (frac << (63 - fbits));
    return (FpuF80){ .mant = m, .sexp = (uint16_t)((sign ? 0x8000 : 0) | (e - bias + BIAS)) };
}

FpuF80 f80_from_f32(uint32_t v, unsigned *exc)
{
    return from_ieee(v & 0x7fffff, (v >> 23) & 0xff, v >> 31, 23, 127, 255, exc);
}

FpuF80 f80_from_f64(uint64_t v, unsigned *exc)
{
    return from_ieee(v & 0xfffffffffffffull, (int32_t)((v >> 52) & 0x7ff), v >> 63, 52, 1023,
                     2047, exc);
}

FpuF80 f80_from_int(int64_t v)
{
    if (!v)
        return f80_zero(false);
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    int sh = __builtin_clzll(m);
    return (FpuF80){ .mant = m << sh, .sexp = (uint16_t)((sign ? 0x8000 : 0) | (BIAS + 63 - sh)) };
}

/* Round an f80 to an IEEE format; returns sign/exponent/fraction packed. */
static uint64_t to_ieee(FpuF80 a, Fmt fmt, unsigned fbits, unsigned rc, unsigned *exc)
{
    unsigned de = 0;            /* stores do not signal #D */
    Unp u = unpack(a, &de);
    uint64_t s = (uint64_t)u.sign << (fbits + (fmt.bias == 127 ? 8 : 11));
    uint64_t expall = (uint64_t)(fmt.emax + 1) << fbits;
    switch (u.cls) {
    case F80_CLASS_ZERO:
        return s;
    case F80_CLASS_INF:
        return s | expall;
    case F80_CLASS_SNAN:
        *exc |= F80_IE;
        /* fall through */
    case F80_CLASS_QNAN:
        return s | expall | (1ull << (fbits - 1)) | ((a.mant << 1) >> (64 - fbits));
    case F80_CLASS_UNSUPPORTED:
        *exc |= F80_IE;
        return ((uint64_t)1 << (fbits + (fmt.bias == 127 ? 8 : 11))) | expall |
               (1ull << (fbits - 1));
    default:
        break;
    }
    int32_t oe;
    uint64_t om;
    round_pack(u.sign, u.exp - BIAS + fmt.bias, (U128)u.m << 64, fmt, rc, &oe, &om, exc);
    if (oe > fmt.emax)
        return s | expall;
    /* The fraction (denormals: the whole shifted significand). */
    uint64_t frac = (om >> (63 - fbits)) & ((1ull << fbits) - 1);
    return s | ((uint64_t)oe << fbits) | frac;
}

uint32_t f80_to_f32(FpuF80 a, unsigned rc, unsigned *exc)
{
    return (uint32_t)to_ieee(a, FMT_F32, 23, rc, exc);
}

uint64_t f80_to_f64(FpuF80 a, unsigned rc, unsigned *exc)
{
    return to_ieee(a, FMT_F64, 52, rc, exc);
}

int64_t f80_to_int(FpuF80 a, unsigned bytes, unsigned rc, bool truncate, unsigned *exc)
{
    int64_t indef = (int64_t)(1ull << (bytes * 8 - 1));
    unsigned de = 0;            /* stores do not signal #D */
    Unp u = unpack(a, &de);
    if (u.cls == F80_CLASS_ZERO)
        return 0;
    if (u.cls != F80_CLASS_NORMAL) {
        *exc |= F80_IE;
        return indef;
    }
    unsigned e = truncate ? 3 : rc;
    unsigned rexc = 0;
    FpuF80 r = f80_rndint(a, e, &rexc);
    *exc |= rexc & (F80_PE | F80_C1);
    if (truncate)
        *exc &= ~(unsigned)F80_C1;
    Unp ur = unpack(r, &de);
    if (ur.cls == F80_CLASS_ZERO)
        return 0;
    int32_t ib = ur.exp - BIAS + 1;
    if (ib > (int32_t)(bytes * 8)) {
        *exc = (*exc & ~(unsigned)(F80_PE | F80_C1)) | F80_IE;
        return indef;
    }
    uint64_t mag = ur.m >> (64 - ib);
    uint64_t lim = 1ull << (bytes * 8 - 1);
    if (mag > lim || (mag == lim && !ur.sign)) {
        *exc = (*exc & ~(unsigned)(F80_PE | F80_C1)) | F80_IE;
        return indef;
    }
    return ur.sign ? (int64_t)(0 - mag) : (int64_t)mag;
}
