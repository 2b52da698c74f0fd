/*
 * diff_dbt.c - the whole-dbt-CPU executor of the differential harness:
 * the case's code in the sandbox window of this process, run through the
 * standalone API of vmm/dbt/dbt.h (dbt_cpu_new_flat, dbt_cpu_run).
 * Batches run in a persistent child process (diff_worker.c), so that a
 * crash of the emulator is reported as a failed case instead of ending
 * the test program; the child keeps one CPU and resets it per case.
 */
#define _GNU_SOURCE
#include <string.h>

#include "diff.h"
#include "vmm/dbt/dbt.h"

static DbtCpu *cpu;     /* the child's CPU over the window */

static bool dbt_child_init(void)
{
    if (!diff_window_map())
        return false;
    cpu = dbt_cpu_new_flat((void *)DIFF_BASE, DIFF_WINDOW);
    return true;
}

static void dbt_run_case(const DiffCase *c, DiffResult *res)
{
    uint8_t *win = (uint8_t *)DIFF_BASE;
    memset(res, 0, sizeof(*res));
    /* The same window as the native run (the JMP back to the native
     * stub is never executed here: the run stops at the end of the code) */
    diff_window_fill(win, c);

    dbt_cpu_reset_flat(cpu);
    for (int r = 0; r < 16; r++)
        dbt_cpu_set_gpr(cpu, r, c->init.gpr[r]);
    dbt_cpu_set_rflags(cpu, c->init.rflags);
    dbt_cpu_set_rip(cpu, DIFF_CODE);
    fpu_state_from_fxsave(dbt_cpu_fpu(cpu), c->init.fx);

    DbtStop stop;
    memset(&stop, 0, sizeof(stop));
    /* The budget counts REP iterations too: keep going until the end of
     * the code, another stop, or a generous cap. */
    int rc = dbt_cpu_run(cpu, c->ninsn, &stop);
    for (unsigned k = 0; rc == 0 && k < 1000 && stop.reason == DBT_STOP_LIMIT &&
                        stop.rip != DIFF_CODE + c->code_len; k++)
        rc = dbt_cpu_run(cpu, 1, &stop);
    res->vector = -1;
    if (rc < 0) {
        res->vector = 255;
    } else if (stop.reason == DBT_STOP_EXCEPTION) {
        res->vector = stop.vector;
        res->fault_off = stop.rip - DIFF_CODE;
        res->cr2 = stop.cr2;
    } else if (stop.reason == DBT_STOP_INT3) {
        res->vector = 3;        /* as the host reports it: RIP after INT3 */
        res->fault_off = stop.rip - DIFF_CODE;
    } else if (stop.reason != DBT_STOP_LIMIT || stop.rip != DIFF_CODE + c->code_len) {
        res->vector = 254;      /* stopped somewhere unexpected */
        res->fault_off = stop.rip - DIFF_CODE;
    }
    for (int r = 0; r < 16; r++)
        res->st.gpr[r] = dbt_cpu_get_gpr(cpu, r);
    res->st.rflags = dbt_cpu_get_rflags(cpu);
    fpu_state_to_fxsave(dbt_cpu_fpu(cpu), res->st.fx);
    memcpy(res->st.mem, win + 0x2000, DIFF_DATA_SIZE);
}

int diff_dbt_run_batch(const DiffCase *cases, DiffResult *res, unsigned n)
{
    static DiffWorker *w;
    int status;
    if (!w)
        w = diff_worker_new(dbt_child_init, dbt_run_case, 60);
    return diff_worker_run(w, cases, res, n, &status) < 0 ? -1 : 0;
}
