/*
 * fpu_state.c - reset/INIT state, the FXSAVE image and the CPUID bits of
 * the dbt FPU unit.
 */
#include <string.h>

#include "fpu.h"

void fpu_state_reset(DbtFpuState *st)
{
    memset(st, 0, sizeof(*st));
    st->fcw = 0x0040;
    st->mxcsr = 0x1f80;
}

void fpu_state_finit(DbtFpuState *st)
{
    memset(st, 0, sizeof(*st));
    st->fcw = 0x037f;
    st->mxcsr = 0x1f80;
}

void fpu_state_to_fxsave(const DbtFpuState *st, uint8_t img[512])
{
    memset(img, 0, 512);
    memcpy(img + 0, &st->fcw, 2);
    memcpy(img + 2, &st->fsw, 2);
    img[4] = st->ftw;
    memcpy(img + 6, &st->fop, 2);
    memcpy(img + 8, &st->fip, 8);
    memcpy(img + 16, &st->fdp, 8);
    memcpy(img + 24, &st->mxcsr, 4);
    uint32_t mask = 0xffff;
    memcpy(img + 28, &mask, 4);
    for (int i = 0; i < 8; i++) {
        /* FXSAVE stores ST(i), not R(i). */
        int phys = (((st->fsw >> 11) & 7) + i) & 7;
        memcpy(img + 32 + 16 * i, &st->r[phys].mant, 8);
        memcpy(img + 40 + 16 * i, &st->r[phys].sexp, 2);
    }
    memcpy(img + 160, st->xmm, 256);
}

void fpu_state_from_fxsave(DbtFpuState *st, const uint8_t img[512])
{
    memcpy(&st->fcw, img + 0, 2);
    memcpy(&st->fsw, img + 2, 2);
    st->ftw = img[4];
    memcpy(&st->fop, img + 6, 2);
    st->fop &= 0x7ff;
    memcpy(&st->fip, img + 8, 8);
    memcpy(&st->fdp, img + 16, 8);
    memcpy(&st->mxcsr, img + 24, 4);
    for (int i = 0; i < 8; i++) {
        int phys = (((st->fsw >> 11) & 7) + i) & 7;
        memcpy(&st->r[phys].mant, img + 32 + 16 * i, 8);
        memcpy(&st->r[phys].sexp, img + 40 + 16 * i, 2);
    }
    memcpy(st->xmm, img + 160, 256);
}

/* FPU (0), MMX (23), FXSR (24), SSE (25), SSE2 (26): all implemented and
 * proven against the host by tests/dbt.  SSE3 and later are not. */
uint32_t fpu_cpuid1_edx(void)
{
    return 1u << 0 | 1u << 23 | 1u << 24 | 1u << 25 | 1u << 26;
}

uint32_t fpu_cpuid1_ecx(void)
{
    return 0;
}
