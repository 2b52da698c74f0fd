/* dbt.h - public API of the dbt software x86-64 CPU.
 *
 * Two ways to use the CPU:
 *  - as a vessel-vmm CPU backend: `cpu_backend_dbt` (vmm/cpu_backend.h);
 *  - standalone, without a machine, for tests and the differential harness
 *    (tests/dbt/): dbt_cpu_new_flat() gives a 64-bit CPU at CPL 3 whose
 *    linear addresses are host addresses inside [mem, mem + size): guest
 *    address A is host byte *(uint8_t *)A.  Only the whole 4 KiB pages
 *    inside the window are memory (pass page-aligned memory, e.g. from
 *    mmap); anything else raises #PF (CR2 = the address).  Paging is not used; privileged
 *    instructions raise #GP(0) as they would at CPL 3 under Linux.
 *
 * dbt_cpu_run() executes until HLT, INT3, an exception or the instruction
 * budget and says why in a DbtStop.  After an exception the CPU state is
 * exactly the state before the faulting instruction (RIP included), as the
 * hardware would leave it for a signal handler. */
#ifndef VESSEL_DBT_H
#define VESSEL_DBT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/dbt/fpu/fpu.h"

typedef struct DbtCpu DbtCpu;

/* GPR numbering is the x86 encoding order (RAX=0 ... R15=15). */
enum { DBT_RAX, DBT_RCX, DBT_RDX, DBT_RBX, DBT_RSP, DBT_RBP, DBT_RSI,
       DBT_RDI, DBT_R8, DBT_R9, DBT_R10, DBT_R11, DBT_R12, DBT_R13,
       DBT_R14, DBT_R15, DBT_NR_GPRS };

typedef enum {
    DBT_STOP_HLT,           /* HLT executed (rip points after it) */
    DBT_STOP_INT3,          /* INT3 (0xCC) executed (rip points after it) */
    DBT_STOP_EXCEPTION,     /* a fault: vector/error_code/cr2; rip = faulting insn */
    DBT_STOP_LIMIT,         /* max_insns executed */
    DBT_STOP_LAST
} DbtStopReason;

typedef struct {
    DbtStopReason reason;
    int vector;             /* DBT_STOP_EXCEPTION: 0 (#DE), 6 (#UD), 13 (#GP), 14 (#PF), ... */
    uint32_t error_code;    /* for vectors that push one, else 0 */
    uint64_t rip;           /* RIP of the faulting instruction, else the current RIP */
    uint64_t cr2;           /* #PF: the faulting linear address */
    uint64_t insns;         /* instructions retired by this call */
} DbtStop;

/* Flat standalone CPU over host memory [mem, mem+size) (see above).  All
 * registers zero, RFLAGS 0x202, FPU in the state Linux gives a new process
 * (fpu_state_finit).  Never fails (aborts on out of memory like g_new). */
DbtCpu *dbt_cpu_new_flat(void *mem, uint64_t size);
void dbt_cpu_free(DbtCpu *cpu);
/* Back to the state dbt_cpu_new_flat() gives, over the same memory, with
 * no decoded code: much cheaper than a new CPU for many short runs. */
void dbt_cpu_reset_flat(DbtCpu *cpu);

uint64_t dbt_cpu_get_gpr(const DbtCpu *cpu, int reg);
void dbt_cpu_set_gpr(DbtCpu *cpu, int reg, uint64_t val);
uint64_t dbt_cpu_get_rip(const DbtCpu *cpu);
void dbt_cpu_set_rip(DbtCpu *cpu, uint64_t rip);
/* RFLAGS with the lazily computed status flags materialized. */
uint64_t dbt_cpu_get_rflags(DbtCpu *cpu);
/* Only the bits a CPL-3 POPF may change are taken (CF PF AF ZF SF TF DF
 * OF NT AC ID); bit 1 and IF stay set. */
void dbt_cpu_set_rflags(DbtCpu *cpu, uint64_t rflags);
uint64_t dbt_cpu_get_fs_base(const DbtCpu *cpu);
void dbt_cpu_set_fs_base(DbtCpu *cpu, uint64_t base);
uint64_t dbt_cpu_get_gs_base(const DbtCpu *cpu);
void dbt_cpu_set_gs_base(DbtCpu *cpu, uint64_t base);
/* XMM, MXCSR and x87 state live here (see fpu.h). */
DbtFpuState *dbt_cpu_fpu(DbtCpu *cpu);

/* Run up to @max_insns instructions (0 = no limit).  Returns 0 and fills
 * @stop; -EINVAL if the CPU is not a flat CPU. */
int dbt_cpu_run(DbtCpu *cpu, uint64_t max_insns, DbtStop *stop);

/* Drop every cached decoded block (call after modifying code memory
 * behind the CPU's back; writes done by the guest itself are tracked). */
void dbt_cpu_flush_code(DbtCpu *cpu);

#endif /* VESSEL_DBT_H */
