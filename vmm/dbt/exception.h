/* exception.h - raising guest exceptions (a longjmp back to the run
 * loop, which owns the jmp_buf) and delivering them through the IDT
 * (exception.c; the IVT of real mode: legacy.c). */
#ifndef VESSEL_DBT_EXCEPTION_H
#define VESSEL_DBT_EXCEPTION_H

#include "vmm/dbt/arch.h"

_Noreturn void dbt_raise(DbtCpu *cpu, int vector, uint32_t error);
_Noreturn void dbt_raise_noerr(DbtCpu *cpu, int vector);
_Noreturn void dbt_raise_pf(DbtCpu *cpu, uint64_t la, uint32_t pfec);
/* Unsupported or unrecoverable CPU state: the guest crashes. */
_Noreturn void dbt_fatal(DbtCpu *cpu, const char *why);
/* Deliver vector through the IDT (machine mode).  @soft: INT n (push the
 * next RIP); @ext: external interrupt/NMI (push next RIP, no error).
 * Returns 0, or -1 if the CPU is dead (triple fault). */
int dbt_exc_deliver(DbtCpu *cpu, int vector, bool has_error, uint32_t error,
                    uint64_t ret_rip);

#endif /* VESSEL_DBT_EXCEPTION_H */
