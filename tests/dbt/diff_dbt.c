/*
 * diff_dbt.c - the whole-dbt-CPU executor of the differential harness:
 * the case's code in the sandbox window of this process, run through the
 * standalone API of vmm/dbt/dbt.h (dbt_cpu_new_flat, dbt_cpu_run).
 * Batches run in a child process, so that a crash of the emulator is
 * reported as a failed case instead of ending the test program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"
#include "vmm/dbt/dbt.h"

void diff_dbt_run(const DiffCase *c, DiffResult *res)
{
    uint8_t *win = (uint8_t *)DIFF_BASE;
    memset(res, 0, sizeof(*res));
    /* The same window as the native run (the JMP back to the native
     * stub is never executed here: the run stops at the end of the code) */
    diff_window_fill(win, c);

    DbtCpu *cpu = dbt_cpu_new_flat(win, DIFF_WINDOW);
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
    dbt_cpu_free(cpu);
}


int diff_dbt_run_batch(const DiffCase *cases, DiffResult *res, unsigned n)
{
    DiffResult *shared = mmap(NULL, sizeof(DiffResult) * n, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        return -1;
    for (unsigned i = 0; i < n; i++)
        shared[i].vector = DIFF_VECTOR_CRASHED;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        munmap(shared, sizeof(DiffResult) * n);
        return -1;
    }
    if (pid == 0) {
        /* stdout carries TAP: a crashing emulator must not write to it */
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 1);
        alarm(60);
        if (!diff_window_map())
            _exit(2);
        for (unsigned i = 0; i < n; i++)
            diff_dbt_run(&cases[i], &shared[i]);
        _exit(0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    memcpy(res, shared, sizeof(DiffResult) * n);
    munmap(shared, sizeof(DiffResult) * n);
    return 0;
}
