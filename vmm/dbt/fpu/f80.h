/*
 * f80.h - software IEEE arithmetic on the x87 80-bit extended format,
 * with x87 precision control (24/53/64-bit significands), the four
 * rounding modes, and the x87 exception flags, plus conversions from and
 * to single, double and integers.
 */
#ifndef VESSEL_DBT_F80_H
#define VESSEL_DBT_F80_H

#include <stdbool.h>
#include <stdint.h>

#include "fpu.h"

/* FSW exception bits as reported by these functions (C1 = rounded up). */
enum {
    F80_IE = 1 << 0, F80_DE = 1 << 1, F80_ZE = 1 << 2, F80_OE = 1 << 3,
    F80_UE = 1 << 4, F80_PE = 1 << 5, F80_SF = 1 << 6, F80_C1 = 1 << 9,
};

/* Rounding (FCW.RC) and precision control (FCW.PC as significand bits). */
typedef struct F80Mode {
    unsigned rc;            /* 0 nearest, 1 down, 2 up, 3 toward zero */
    unsigned bits;          /* 24, 53 or 64 */
} F80Mode;

typedef enum {
    F80_CLASS_ZERO, F80_CLASS_NORMAL, F80_CLASS_DENORMAL, F80_CLASS_INF,
    F80_CLASS_QNAN, F80_CLASS_SNAN, F80_CLASS_UNSUPPORTED, F80_CLASS_LAST
} F80Class;

F80Class f80_classify(FpuF80 x);
FpuF80 f80_indefinite(void);
FpuF80 f80_zero(bool neg);
FpuF80 f80_inf(bool neg);
bool f80_sign(FpuF80 x);

FpuF80 f80_add(FpuF80 a, FpuF80 b, bool sub, F80Mode m, unsigned *exc);
FpuF80 f80_mul(FpuF80 a, FpuF80 b, F80Mode m, unsigned *exc);
FpuF80 f80_div(FpuF80 a, FpuF80 b, F80Mode m, unsigned *exc);
FpuF80 f80_sqrt(FpuF80 a, F80Mode m, unsigned *exc);
FpuF80 f80_rndint(FpuF80 a, unsigned rc, unsigned *exc);
FpuF80 f80_scale(FpuF80 a, FpuF80 b, F80Mode m, unsigned *exc);
/* FPREM (ieee = false) / FPREM1: *cc receives C0 C1 C2 C3 in FSW bits;
 * for an incomplete (partial) remainder it is C2 | 1: C0 C1 C3 are then
 * left unchanged by the caller, as the hardware does. */
FpuF80 f80_prem(FpuF80 a, FpuF80 b, bool ieee, unsigned *exc, uint16_t *cc);

/* Compare: -1 less, 0 equal, 1 greater, 2 unordered.  IE for SNaN, and
 * for QNaN when !quiet. */
int f80_compare(FpuF80 a, FpuF80 b, bool quiet, unsigned *exc);

FpuF80 f80_from_f32(uint32_t v, unsigned *exc);
FpuF80 f80_from_f64(uint64_t v, unsigned *exc);
FpuF80 f80_from_int(int64_t v);
uint32_t f80_to_f32(FpuF80 a, unsigned rc, unsigned *exc);
uint64_t f80_to_f64(FpuF80 a, unsigned rc, unsigned *exc);
/* To a signed integer of @bytes (2, 4, 8); truncate ignores rc (FISTTP). */
int64_t f80_to_int(FpuF80 a, unsigned bytes, unsigned rc, bool truncate, unsigned *exc);

#endif /* VESSEL_DBT_F80_H */
