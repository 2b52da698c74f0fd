/* system.h - the system level: CPU modes, segment loads, far transfers,
 * MSRs, CPUID, the TSC and the FPU environment (system.c, segment.c,
 * legacy.c, legacy_int.c, msr.c, cpuid.c, fpu_glue.c). */
#ifndef VESSEL_DBT_SYSTEM_H
#define VESSEL_DBT_SYSTEM_H

#include "vmm/dbt/cpu.h"

void dbt_fpu_env_init(DbtCpu *cpu);
void dbt_cpuid(DbtCpu *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
int dbt_msr_read(DbtCpu *cpu, uint32_t msr, uint64_t *val);
int dbt_msr_write(DbtCpu *cpu, uint32_t msr, uint64_t val);
uint64_t dbt_tsc_read(DbtCpu *cpu);
/* Recompute cpu->mode/code_base after CR0, EFER or CS changed; ends the
 * current block when the mode changes. */
void dbt_mode_update(DbtCpu *cpu);
/* Far JMP/CALL/RET target: load CS (real or protected mode rules), update
 * the mode and set next_rip. */
void dbt_far_load_cs(DbtCpu *cpu, uint16_t sel, uint64_t off);
/* Real-mode interrupt or exception through the IVT. */
int dbt_exc_deliver_real(DbtCpu *cpu, int vector, uint64_t ret_rip);
/* Protected mode without long mode: through the IDT's 8-byte gates
 * (legacy_int.c); @soft for INT n, INT3, INTO. */
int dbt_exc_deliver_prot(DbtCpu *cpu, int vector, bool soft, bool has_error, uint32_t error,
                         uint64_t ret_rip);
/* IRET (@iret) or far RET outside long mode (real or protected mode,
 * any privilege level; legacy_int.c). */
int dbt_far_return_legacy(DbtCpu *cpu, const DbtInsn *i, bool iret);
/* Load a segment register from a selector (real mode: base = sel << 4;
 * protected mode: GDT/LDT descriptor).  Call dbt_mode_update() after CS. */
void dbt_seg_load(DbtCpu *cpu, int seg, uint16_t sel);
/* Protected mode: the checks of loading @sel into data or stack register
 * @seg at privilege @cpl (raise the fault), and the register it gives in
 * @out (nothing is changed before all checks pass). */
void dbt_seg_check(DbtCpu *cpu, int seg, uint16_t sel, unsigned cpl, DbtSeg *out);
/* The same for CS, with the privilege checks of a far JMP/CALL (@ret
 * false: CS.RPL becomes CPL) or of a far RET/IRET to CPL = RPL (@ret
 * true); the caller sets the CPL and calls dbt_mode_update(). */
void dbt_seg_check_cs(DbtCpu *cpu, uint16_t sel, bool ret, DbtSeg *out);
/* VERR (@write false) / VERW: may the segment be read / written now? */
bool dbt_seg_verify(DbtCpu *cpu, uint16_t sel, bool write);
/* The flat CPU's GDT (Linux's layout) with CS 0x33 and SS 0x2b loaded. */
void dbt_seg_flat_init(DbtCpu *cpu);
void dbt_seg_from_desc(DbtSeg *s, uint16_t sel, uint64_t lo, uint64_t hi);

#endif /* VESSEL_DBT_SYSTEM_H */
