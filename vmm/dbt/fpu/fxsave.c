/*
 * fxsave.c - FXSAVE/FXRSTOR (legacy and 64-bit layout, SDM Vol. 1
 * 10.5.1) and LDMXCSR/STMXCSR.
 */
#include <string.h>

#include "fpu_internal.h"

/* What this unit reports in the MXCSR_MASK field: every bit including DAZ. */
#define FPU_MXCSR_MASK 0xffffu

int fpu_ldmxcsr(FpuCtx *c)
{
    uint32_t v;
    int r = fpu_mem_read(c, c->in->ea, &v, 4);
    if (r)
        return r;
    if (v & ~FPU_MXCSR_MASK)
        return FPU_EXC_GP;
    c->st->mxcsr = v;
    return FPU_OK;
}

int fpu_stmxcsr(FpuCtx *c)
{
    return fpu_mem_write(c, c->in->ea, &c->st->mxcsr, 4);
}

int fpu_fxsave(FpuCtx *c)
{
    uint8_t img[512];
    uint8_t old[512];
    if (c->in->ea & 15)
        return FPU_EXC_GP;
    int r = fpu_mem_read(c, c->in->ea, old, 512);
    if (r)
        return r;
    fpu_state_to_fxsave(c->st, img);
    memcpy(img + 28, &(uint32_t){ FPU_MXCSR_MASK }, 4);
    if (!c->in->rex_w) {
        /* Legacy layout: FIP/FDP are 32-bit offsets with FCS/FDS. */
        uint32_t fip = (uint32_t)c->st->fip, fdp = (uint32_t)c->st->fdp;
        memcpy(img + 8, &fip, 4);
        memcpy(img + 12, &c->st->fcs, 2);
        memset(img + 14, 0, 2);
        memcpy(img + 16, &fdp, 4);
        memcpy(img + 20, &c->st->fds, 2);
        memset(img + 22, 0, 2);
    }
    /* Bytes 416-463 are reserved and 464-511 available to software:
     * neither is written (as the hardware does). */
    memcpy(img + 416, old + 416, 96);
    return fpu_mem_write(c, c->in->ea, img, 512);
}

int fpu_fxrstor(FpuCtx *c)
{
    uint8_t img[512];
    uint32_t mx;
    if (c->in->ea & 15)
        return FPU_EXC_GP;
    int r = fpu_mem_read(c, c->in->ea, img, 512);
    if (r)
        return r;
    memcpy(&mx, img + 24, 4);
    if (mx & ~FPU_MXCSR_MASK)
        return FPU_EXC_GP;
    fpu_state_from_fxsave(c->st, img);
    fpu_x87_normalize(c->st);
    if (!c->in->rex_w) {
        uint32_t fip, fdp;
        memcpy(&fip, img + 8, 4);
        memcpy(&c->st->fcs, img + 12, 2);
        memcpy(&fdp, img + 16, 4);
        memcpy(&c->st->fds, img + 20, 2);
        c->st->fip = fip;
        c->st->fdp = fdp;
    }
    return FPU_OK;
}
