/*
 * x87_trans.c - the x87 transcendentals the inventory uses: F2XM1, FYL2X,
 * FPATAN and FYL2XP1 (libm's long double functions).
 *
 * Design note: the SDM bounds their error (about one ulp) but does not
 * define the rounded result, and CPU models differ in the last bit.  As
 * the SSE operations do (sse_float.c), they run on the host's own x87
 * unit, which every x86-64 host has: one asm statement saves the host's
 * x87 environment, clears the flags, loads the guest's precision and
 * rounding control with every exception masked, executes the very
 * instruction on the guest's operands, stores the status word and the
 * result, and restores the host's environment.  The guest thereby gets
 * the masked response and the flags this host gives a native program;
 * x87.c applies the guest's masks as for every other operation.
 */
#include <string.h>

#include "f80.h"
#include "fpu_internal.h"

typedef struct X87Raw {
    uint8_t b[10];
} X87Raw;

static X87Raw raw_of(FpuF80 v)
{
    X87Raw r;
    memcpy(r.b, &v.mant, 8);
    memcpy(r.b + 8, &v.sexp, 2);
    return r;
}

/* One host instruction on ST0 (and ST1, pushed first); the status word
 * is read before the result is popped to memory (FSTP changes C1), then
 * @tail pops what is left. */
#define X87_HOST(name, insn, tail)                                           \
    static FpuF80 name(FpuF80 st0, FpuF80 st1, uint16_t cw, uint16_t *sw)   \
    {                                                                        \
        uint8_t env[28];                                                     \
        X87Raw a = raw_of(st0), b = raw_of(st1), r;                          \
        __asm__ volatile("fnstenv %[env]\n\tfnclex\n\tfldcw %[cw]\n\t"       \
                         "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"            \
                         "fnstsw %[sw]\n\tfstpt %[r]\n\t" tail "fldenv %[env]" \
                         : [env] "=m"(env), [r] "=m"(r), [sw] "=m"(*sw)      \
                         : [cw] "m"(cw), [a] "m"(a), [b] "m"(b)              \
                         : "st", "st(1)", "st(2)");                          \
        FpuF80 v;                                                            \
        memcpy(&v.mant, r.b, 8);                                             \
        memcpy(&v.sexp, r.b + 8, 2);                                         \
        return v;                                                            \
    }

/* F2XM1 leaves the pushed ST1 behind: one more pop. */
X87_HOST(host_f2xm1, "f2xm1", "fstp %%st(0)\n\t")
X87_HOST(host_fyl2x, "fyl2x", "")
X87_HOST(host_fpatan, "fpatan", "")
X87_HOST(host_fyl2xp1, "fyl2xp1", "")

FpuF80 fpu_x87_transcendental(uint8_t op, FpuF80 st0, FpuF80 st1, uint16_t fcw, unsigned *exc)
{
    uint16_t cw = (uint16_t)(fcw | 0x3f), sw = 0;
    FpuF80 v;
    switch (op) {
    case 0xf0: v = host_f2xm1(st0, st1, cw, &sw); break;
    case 0xf1: v = host_fyl2x(st0, st1, cw, &sw); break;
    case 0xf3: v = host_fpatan(st0, st1, cw, &sw); break;
    default: v = host_fyl2xp1(st0, st1, cw, &sw); break;
    }
    *exc |= sw & (F80_IE | F80_DE | F80_ZE | F80_OE | F80_UE | F80_PE | F80_C1);
    return v;
}
