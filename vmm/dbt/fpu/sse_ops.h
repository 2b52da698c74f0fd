/*
 * sse_ops.h - the MMX/SSE instruction handlers referenced by the opcode
 * table (sse_table.c).  Vector handlers have the FpuVecFn signature,
 * custom ones FpuCustomFn.
 */
#ifndef VESSEL_DBT_SSE_OPS_H
#define VESSEL_DBT_SSE_OPS_H

#include "fpu_internal.h"

#define FPU_VEC(name) int name(FpuCtx *c, FpuXmm *d, const FpuXmm *s)
#define FPU_CUSTOM(name) int name(FpuCtx *c)

FPU_VEC(sse_padd);
FPU_VEC(sse_psub);
FPU_VEC(sse_paddus);
FPU_VEC(sse_psubus);
FPU_VEC(sse_padds);
FPU_VEC(sse_psubs);
FPU_VEC(sse_pcmpeq);
FPU_VEC(sse_pcmpgt);
FPU_VEC(sse_pminu);
FPU_VEC(sse_pmaxu);
FPU_VEC(sse_pmins);
FPU_VEC(sse_pmaxs);
FPU_VEC(sse_pavg);
FPU_VEC(sse_pmullw);
FPU_VEC(sse_pmulhw);
FPU_VEC(sse_pmulhuw);
FPU_VEC(sse_pmuludq);
FPU_VEC(sse_pmaddwd);
FPU_VEC(sse_psadbw);
FPU_VEC(sse_pand);
FPU_VEC(sse_pandn);
FPU_VEC(sse_por);
FPU_VEC(sse_pxor);
FPU_VEC(sse_psrl);
FPU_VEC(sse_psll);
FPU_VEC(sse_psra);
FPU_VEC(sse_psrldq);
FPU_VEC(sse_pslldq);
FPU_VEC(sse_punpckl);
FPU_VEC(sse_punpckh);
FPU_VEC(sse_packss);
FPU_VEC(sse_packus);
FPU_VEC(sse_pshuf);
FPU_VEC(sse_addps);
FPU_VEC(sse_addpd);
FPU_VEC(sse_addss);
FPU_VEC(sse_addsd);
FPU_VEC(sse_subps);
FPU_VEC(sse_subpd);
FPU_VEC(sse_subss);
FPU_VEC(sse_subsd);
FPU_VEC(sse_mulps);
FPU_VEC(sse_mulpd);
FPU_VEC(sse_mulss);
FPU_VEC(sse_mulsd);
FPU_VEC(sse_divps);
FPU_VEC(sse_divpd);
FPU_VEC(sse_divss);
FPU_VEC(sse_divsd);
FPU_VEC(sse_minps);
FPU_VEC(sse_minpd);
FPU_VEC(sse_minss);
FPU_VEC(sse_minsd);
FPU_VEC(sse_maxps);
FPU_VEC(sse_maxpd);
FPU_VEC(sse_maxss);
FPU_VEC(sse_maxsd);
FPU_VEC(sse_sqrtps);
FPU_VEC(sse_sqrtpd);
FPU_VEC(sse_sqrtss);
FPU_VEC(sse_sqrtsd);
FPU_VEC(sse_rcpps);
FPU_VEC(sse_rcpss);
FPU_VEC(sse_rsqrtps);
FPU_VEC(sse_rsqrtss);
FPU_VEC(sse_cvtps2pd);
FPU_VEC(sse_cvtpd2ps);
FPU_VEC(sse_cvtss2sd);
FPU_VEC(sse_cvtsd2ss);
FPU_VEC(sse_cvtdq2ps);
FPU_VEC(sse_cvtps2dq);
FPU_VEC(sse_cvttps2dq);
FPU_VEC(sse_cvttpd2dq);
FPU_VEC(sse_cvtdq2pd);
FPU_VEC(sse_cvtpd2dq);
FPU_VEC(sse_cmpps);
FPU_VEC(sse_cmppd);
FPU_VEC(sse_cmpss);
FPU_VEC(sse_cmpsd);
FPU_VEC(sse_comiss);
FPU_VEC(sse_ucomiss);
FPU_VEC(sse_comisd);
FPU_VEC(sse_ucomisd);
FPU_VEC(sse_cvtpi2ps);
FPU_VEC(sse_cvtpi2pd);
FPU_VEC(sse_cvtps2pi);
FPU_VEC(sse_cvttps2pi);
FPU_VEC(sse_cvtpd2pi);
FPU_VEC(sse_cvttpd2pi);
FPU_VEC(sse_unpcklps);
FPU_VEC(sse_unpckhps);
FPU_VEC(sse_unpcklpd);
FPU_VEC(sse_unpckhpd);
FPU_VEC(sse_shufps);
FPU_VEC(sse_shufpd);
FPU_VEC(sse_mov);
FPU_VEC(sse_movss_load);
FPU_VEC(sse_movsd_load);
FPU_VEC(sse_movlps_load);
FPU_VEC(sse_movhps_load);
FPU_VEC(sse_movq_load);
FPU_CUSTOM(sse_cvtsi2ss);
FPU_CUSTOM(sse_cvtsi2sd);
FPU_CUSTOM(sse_cvttss2si);
FPU_CUSTOM(sse_cvtss2si);
FPU_CUSTOM(sse_cvttsd2si);
FPU_CUSTOM(sse_cvtsd2si);
FPU_CUSTOM(sse_store);
FPU_CUSTOM(sse_movd_load);
FPU_CUSTOM(sse_movd_store);
FPU_CUSTOM(sse_movmsk);
FPU_CUSTOM(sse_pmovmskb);
FPU_CUSTOM(sse_pextrw);
FPU_CUSTOM(sse_pinsrw);
FPU_CUSTOM(sse_maskmov);
FPU_CUSTOM(sse_emms);

#endif /* VESSEL_DBT_SSE_OPS_H */
