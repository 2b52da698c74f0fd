/*
 * diff_native.c - run a test case on the host CPU in a sandboxed child.
 *
 * The child maps the sandbox window at its fixed address with exactly the
 * contents the emulated executors see (the case's code at DIFF_CODE, a
 * zero page, the data), plus a stub outside the window: prologue
 * (FXRSTOR64 the initial x87/SSE state, POPFQ the flags, load the 16 GPRs
 * - RSP last, it points into the data window - and JMP to the code), and
 * after the code a JMP back to the epilogue (store the GPRs, back to the
 * child's own stack, PUSHFQ, FXSAVE64).  All state
 * transfers use RIP-relative operands into the stub's state page, so the
 * instructions under test may use any register, and any access
 * they make inside the window reads what the emulator would read.  A fault is
 * caught by a SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP handler (on an
 * alternate stack) that records
 * the vector (the kernel's trap number), the faulting RIP and the state
 * at the fault from the signal frame.  The child is a persistent
 * worker (diff_worker.c): an alarm kills it on a runaway case, and the
 * outcome travels back through a shared anonymous mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "diff.h"

#define ST_GPR_IN 0
#define ST_FL_IN 128
#define ST_GPR_OUT 256
#define ST_FL_OUT 384
#define ST_FX_IN 512
#define ST_FX_OUT 1024
#define ST_RSP 1536

#define STUB_CODE 0x20000000ull     /* prologue/epilogue, outside the window */
#define STUB_STATE (STUB_CODE + 0x1000)
#define STUB_EPILOGUE (STUB_CODE + 0x800)   /* fixed: diff_dbt.c emits the same JMP */

static DiffResult *shared_res;    /* the current case's outcome (signal handler) */
static sigjmp_buf fault_jmp;      /* back to the batch loop after a fault */

static const int greg_of[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

typedef struct Emit {
    uint8_t *p;
    uint64_t addr;          /* address of p[0] */
    unsigned n;
} Emit;

static void emit(Emit *e, const uint8_t *b, unsigned n)
{
    memcpy(e->p + e->n, b, n);
    e->n += n;
}

static void emit1(Emit *e, uint8_t b)
{
    emit(e, &b, 1);
}

/* ModRM with mod=00 rm=101 (RIP-relative) and the disp32 to @target. */
static void emit_riprel(Emit *e, uint8_t reg, uint64_t target)
{
    emit1(e, (uint8_t)(((reg & 7) << 3) | 5));
    int32_t disp = (int32_t)(target - (e->addr + e->n + 4));
    emit(e, (const uint8_t *)&disp, 4);
}

static void emit_gpr_mov(Emit *e, unsigned reg, bool store, uint64_t target)
{
    emit1(e, (uint8_t)(0x48 | (reg >= 8 ? 4 : 0)));
    emit1(e, store ? 0x89 : 0x8b);
    emit_riprel(e, (uint8_t)reg, target);
}

static void emit_jmp(Emit *e, uint64_t target)
{
    emit1(e, 0xe9);
    int32_t rel = (int32_t)(target - (e->addr + e->n + 4));
    emit(e, (const uint8_t *)&rel, 4);
}

/* The stub (prologue at STUB_CODE, epilogue after it) and the case's
 * code at DIFF_CODE followed by a JMP to the epilogue. */
static void build_code(uint8_t *stub, uint8_t *code, const DiffCase *c)
{
    static const uint8_t save[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57 };
    static const uint8_t restore[] = { 0xfc, 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3 };
    Emit e = { stub, STUB_CODE, 0 };

    emit(&e, save, sizeof(save));
    emit(&e, (const uint8_t[]){ 0x48, 0x89 }, 2);               /* mov [rsp slot], rsp */
    emit_riprel(&e, 4, STUB_STATE + ST_RSP);
    emit(&e, (const uint8_t[]){ 0x48, 0x0f, 0xae }, 3);          /* fxrstor64 */
    emit_riprel(&e, 1, STUB_STATE + ST_FX_IN);
    emit1(&e, 0xff);                                            /* push [fl] */
    emit_riprel(&e, 6, STUB_STATE + ST_FL_IN);
    emit1(&e, 0x9d);                                            /* popfq */
    for (unsigned r = 0; r < 16; r++)
        if (r != 4)
            emit_gpr_mov(&e, r, false, STUB_STATE + ST_GPR_IN + 8 * r);
    emit_gpr_mov(&e, 4, false, STUB_STATE + ST_GPR_IN + 8 * 4); /* the case's RSP */
    emit_jmp(&e, DIFF_CODE);
    e.n = STUB_EPILOGUE - STUB_CODE;
    for (unsigned r = 0; r < 16; r++)
        emit_gpr_mov(&e, r, true, STUB_STATE + ST_GPR_OUT + 8 * r);
    emit(&e, (const uint8_t[]){ 0x48, 0x8b }, 2);               /* mov rsp, [slot] */
    emit_riprel(&e, 4, STUB_STATE + ST_RSP);
    emit1(&e, 0x9c);                                            /* pushfq */
    emit1(&e, 0x8f);                                            /* pop [fl] */
    emit_riprel(&e, 0, STUB_STATE + ST_FL_OUT);
    emit(&e, (const uint8_t[]){ 0x48, 0x0f, 0xae }, 3);          /* fxsave64 */
    emit_riprel(&e, 0, STUB_STATE + ST_FX_OUT);
    emit(&e, restore, sizeof(restore));

    Emit k = { code, DIFF_CODE, 0 };
    emit(&k, c->code, c->code_len);
    emit_jmp(&k, STUB_EPILOGUE);
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    DiffResult *r = shared_res;
    greg_t *g = uc->uc_mcontext.gregs;

    r->signo = sig;
    r->vector = (int)g[REG_TRAPNO];
    r->fault_off = (uint64_t)g[REG_RIP] - DIFF_CODE;
    r->cr2 = (uint64_t)si->si_addr;
    for (unsigned i = 0; i < 16; i++)
        r->st.gpr[i] = (uint64_t)g[greg_of[i]];
    r->st.rflags = (uint64_t)g[REG_EFL];
    if (uc->uc_mcontext.fpregs)
        memcpy(r->st.fx, uc->uc_mcontext.fpregs, 512);
    memcpy(r->st.mem, (void *)DIFF_DATA, DIFF_DATA_SIZE);
    siglongjmp(fault_jmp, 1);
}

static uint8_t *win, *stub;       /* the child's window and stub */

static void native_run_case(const DiffCase *c, DiffResult *r)
{
    uint8_t *st = stub + 0x1000;
    if (mprotect(win, 0x1000, PROT_READ | PROT_WRITE) < 0 ||
        mprotect(stub, 0x1000, PROT_READ | PROT_WRITE) < 0)
        _exit(3);
    memset(win, 0xcc, 0x1000);
    memset(win + 0x1000, 0, 0x1000);
    memset(stub, 0xcc, 0x1000);
    memset(st, 0, 0x1000);
    build_code(stub, win, c);
    memcpy(st + ST_GPR_IN, c->init.gpr, sizeof(c->init.gpr));
    memcpy(st + ST_FL_IN, &c->init.rflags, 8);
    memcpy(st + ST_FX_IN, c->init.fx, 512);
    memcpy(win + 0x2000, c->init.mem, DIFF_DATA_SIZE);
    /* The code page stays writable: the dbt CPU's flat window is RAM
     * throughout, and a register changed by an earlier instruction of a
     * sequence may point a store there. */
    if (mprotect(win, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC) < 0 ||
        mprotect(stub, 0x1000, PROT_READ | PROT_EXEC) < 0)
        _exit(3);

    shared_res = r;
    if (sigsetjmp(fault_jmp, 1))
        return;
    ((void (*)(void))STUB_CODE)();

    r->vector = -1;
    r->signo = 0;
    memcpy(r->st.gpr, st + ST_GPR_OUT, sizeof(r->st.gpr));
    memcpy(&r->st.rflags, st + ST_FL_OUT, 8);
    memcpy(r->st.fx, st + ST_FX_OUT, 512);
    memcpy(r->st.mem, win + 0x2000, DIFF_DATA_SIZE);
}

/* In the child: the window, the stub and the fault handlers. */
static bool native_child_init(void)
{
    win = mmap((void *)DIFF_BASE, DIFF_WINDOW, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (win == MAP_FAILED)
        return false;
    munmap((void *)(DIFF_BASE + DIFF_WINDOW), 0x1000);
    stub = mmap((void *)STUB_CODE, 0x2000, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (stub == MAP_FAILED)
        return false;

    /* The case's RSP points into the data window: signal frames go to
     * a stack of their own. */
    static uint8_t altstack[64 * 1024] __attribute__((aligned(16)));
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) < 0)
        return false;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
    return true;
}

int diff_native_run_batch(const DiffCase *cases, DiffResult *res, unsigned n,
                          char *err, unsigned errlen)
{
    static DiffWorker *w;
    int status = 0;
    if (!w)
        w = diff_worker_new(native_child_init, native_run_case, 20);
    int crashed = diff_worker_run(w, cases, res, n, &status);
    if (crashed < 0) {
        snprintf(err, errlen, "cannot start the native child: %s", strerror(errno));
        return -1;
    }
    if (crashed > 0) {
        snprintf(err, errlen, "native child died on %d case(s) (status 0x%x)%s", crashed, status,
                 WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? ": timeout" : "");
        return -1;
    }
    return 0;
}
