/*
 * diff.h - the differential harness: one test case (instruction bytes plus
 * an initial architectural state), its outcome, and the three executors:
 * the host CPU (diff_native.c, in a sandboxed child), the FPU unit alone
 * (diff_fpu.c, fpu_exec on a DbtFpuState) and the whole dbt CPU
 * (diff_dbt.c, through vmm/dbt/dbt.h).
 *
 * Fixed layout of the sandbox, identical for every executor so that
 * addresses and RIPs compare directly:
 *   DIFF_CODE  code page: the instructions under test (native: wrapped in
 *              a prologue/epilogue that loads and saves the state)
 *   DIFF_STATE the native runner's state exchange area
 *   DIFF_DATA  DIFF_DATA_SIZE bytes of random data for memory operands;
 *              the page after it is unmapped (#PF cases).
 */
#ifndef VESSEL_TESTS_DIFF_H
#define VESSEL_TESTS_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/dbt/fpu/fpu.h"

#define DIFF_BASE 0x10000000ull
#define DIFF_CODE (DIFF_BASE)
#define DIFF_STATE (DIFF_BASE + 0x1000)
#define DIFF_DATA (DIFF_BASE + 0x2000)
#define DIFF_DATA_SIZE 0x2000u
#define DIFF_WINDOW 0x4000u
/* Initial RSP of every case: in the data window, so pushes and pops are
 * compared like any other memory access. */
#define DIFF_STACK (DIFF_DATA + 0x1800u)
#define DIFF_MAX_INSNS 8
#define DIFF_MAX_CODE 120

/* The decoded view of one generated instruction, for the FPU executor. */
typedef struct DiffInsn {
    FpuInsn fpu;
    bool is_fpu;            /* executable through fpu_exec alone */
    uint8_t offset, len;    /* position in DiffCase.code */
    int8_t base;            /* memory operand: base GPR (-1: none) ... */
    int32_t disp;           /* ... and displacement */
} DiffInsn;

typedef struct DiffState {
    uint64_t gpr[16];
    uint64_t rflags;
    uint8_t fx[512] __attribute__((aligned(16)));
    uint8_t mem[DIFF_DATA_SIZE];
} DiffState;

typedef struct DiffCase {
    uint8_t code[DIFF_MAX_CODE];
    unsigned code_len;
    unsigned ninsn;
    DiffInsn insn[DIFF_MAX_INSNS];
    DiffState init;
    /* Bytes whose value is model-specific (FXSAVE's MXCSR_MASK): skipped
     * by the comparison.  @off bytes after the memory operand of
     * instruction @insn, whose base register a later instruction of a
     * sequence may have re-initialized: the address is computed from the
     * final initial state. */
    struct {
        unsigned insn, off, len;
    } ignore[DIFF_MAX_INSNS];
    unsigned nignore;
    /* x87 environment accesses are done in pieces: CR2 of a #PF across
     * the end of the window is model-specific. */
    bool cr2_loose;
    uint16_t fsw_undef;     /* FSW bits not compared (see DiffForm) */
    uint16_t gpr_undef;     /* GPRs not compared (see DiffForm) */
} DiffCase;

typedef struct DiffResult {
    int vector;             /* -1: completed, else the exception vector */
    int signo;              /* native only: the signal, for messages */
    uint64_t fault_off;     /* offset in code of the faulting instruction */
    uint64_t cr2;           /* #PF address */
    DiffState st;
} DiffResult;

/* A persistent child process that runs batches of cases through @run
 * after @init (diff_worker.c); @timeout seconds per batch. */
typedef struct DiffWorker DiffWorker;
DiffWorker *diff_worker_new(bool (*init)(void), void (*run)(const DiffCase *c, DiffResult *r),
                            unsigned timeout);
/* Run @n cases: the number of cases on which the child died (their vector
 * is DIFF_VECTOR_CRASHED, *@status the last wait status; the rest ran in
 * a new child), or -1 if no child could be started. */
int diff_worker_run(DiffWorker *w, const DiffCase *cases, DiffResult *res, unsigned n,
                    int *status);

/* Host CPU, @n cases in the sandboxed child: 0, or -1 with a message in
 * @err if the sandbox failed. */
int diff_native_run_batch(const DiffCase *cases, DiffResult *res, unsigned n,
                          char *err, unsigned errlen);
/* The FPU unit alone (every instruction must have is_fpu). */
void diff_fpu_run(const DiffCase *c, DiffResult *res);
/* The whole dbt CPU, @n cases in a child process; a case the emulator
 * did not finish (crash, hang) has vector DIFF_VECTOR_CRASHED. */
#define DIFF_VECTOR_CRASHED 253
int diff_dbt_run_batch(const DiffCase *cases, DiffResult *res, unsigned n);

/* The window's contents at the start of case @c, as every executor sees
 * them: the code page (the code, a JMP to the native epilogue, INT3s),
 * a zero page, the data. */
void diff_window_fill(uint8_t *win, const DiffCase *c);

/* Map the sandbox window in this process (for the dbt executor); once. */
bool diff_window_map(void);

/* Compare two outcomes but the bits of @m (diff_mask.h; NULL: none) and
 * the case's own model-specific parts.  Writes a description of the
 * first differences into @out. */
typedef struct DiffMask DiffMask;
bool diff_compare(const DiffCase *c, const DiffResult *ref, const DiffResult *got,
                  const DiffMask *m, char *out, unsigned outlen);

#endif /* VESSEL_TESTS_DIFF_H */
