/*
 * diff_worker.c - a persistent sandboxed child that runs batches of cases
 * for one executor (the host CPU, or the dbt CPU).
 *
 * Forking a child per test (two per form) cost most of the harness's run
 * time under ASan: page tables of a large parent copied, the window
 * mapped and the handlers installed again each time.  A worker is forked
 * once; the parent copies a batch of cases into a shared mapping and
 * sends its bounds over a socket; the child runs them (each case writes
 * its result into the shared mapping, and the index of the case it is
 * on) and answers with one byte.  When the child dies in a batch (the
 * emulator crashed, or the alarm of a runaway case fired) the parent
 * reaps it, reports the case it was on, and the next batch forks a new
 * one.  Each worker's child closes the other workers' sockets, so every
 * child sees EOF and exits when the parent does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"

typedef struct DiffShared {
    volatile unsigned current;      /* the case the child is on */
    DiffCase cases[];
} DiffShared;

struct DiffWorker {
    bool (*init)(void);
    void (*run)(const DiffCase *c, DiffResult *r);
    unsigned timeout;               /* seconds per batch */
    pid_t pid;                      /* 0: no child */
    int sock;                       /* parent's end */
    unsigned cap;                   /* cases the mappings hold */
    DiffShared *shared;
    DiffResult *res;
    DiffWorker *next;               /* all workers (closed in children) */
};

static DiffWorker *all_workers;

static void worker_stop(DiffWorker *w, int *status)
{
    if (w->sock >= 0)
        close(w->sock);
    w->sock = -1;
    if (w->pid > 0)
        while (waitpid(w->pid, status, 0) < 0 && errno == EINTR)
            ;
    w->pid = 0;
}

/* At exit: every child sees EOF; wait for them, so that none outlives
 * the test program (and their CPU time is the program's). */
static void workers_reap(void)
{
    for (DiffWorker *w = all_workers; w; w = w->next)
        worker_stop(w, &(int){ 0 });
}

DiffWorker *diff_worker_new(bool (*init)(void), void (*run)(const DiffCase *, DiffResult *),
                            unsigned timeout)
{
    DiffWorker *w = calloc(1, sizeof(*w));
    if (!w)
        abort();
    w->init = init;
    w->run = run;
    w->timeout = timeout;
    w->sock = -1;
    if (!all_workers)
        atexit(workers_reap);
    w->next = all_workers;
    all_workers = w;
    return w;
}

static bool io_full(int fd, void *buf, size_t len, bool wr)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t k = wr ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        len -= (size_t)k;
    }
    return true;
}

static _Noreturn void child_main(DiffWorker *w, int sock)
{
    /* stdout carries TAP: keep the sandbox off it */
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
        dup2(devnull, 1);
    for (DiffWorker *o = all_workers; o; o = o->next)
        if (o->sock >= 0)
            close(o->sock);
    if (!w->init())
        _exit(3);
    unsigned range[2];
    while (io_full(sock, range, sizeof(range), false)) {
        alarm(w->timeout);      /* a runaway case kills the child */
        for (unsigned i = range[0]; i < range[1]; i++) {
            w->shared->current = i;
            w->run(&w->shared->cases[i], &w->res[i]);
        }
        alarm(0);
        uint8_t done = 1;
        if (!io_full(sock, &done, 1, true))
            break;
    }
    _exit(0);
}

static bool worker_start(DiffWorker *w, unsigned n)
{
    if (n > w->cap) {
        if (w->pid)
            worker_stop(w, &(int){ 0 });
        if (w->shared) {
            munmap(w->shared, sizeof(DiffShared) + sizeof(DiffCase) * w->cap);
            munmap(w->res, sizeof(DiffResult) * w->cap);
        }
        w->shared = mmap(NULL, sizeof(DiffShared) + sizeof(DiffCase) * n, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        w->res = mmap(NULL, sizeof(DiffResult) * n, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (w->shared == MAP_FAILED || w->res == MAP_FAILED) {
            w->shared = NULL;
            w->res = NULL;
            w->cap = 0;
            return false;
        }
        w->cap = n;
    }
    if (w->pid)
        return true;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return false;
    }
    if (pid == 0) {
        close(sv[0]);
        child_main(w, sv[1]);
    }
    close(sv[1]);
    w->pid = pid;
    w->sock = sv[0];
    return true;
}

int diff_worker_run(DiffWorker *w, const DiffCase *cases, DiffResult *res, unsigned n,
                    int *status)
{
    if (!worker_start(w, n))
        return -1;
    memcpy(w->shared->cases, cases, sizeof(DiffCase) * n);
    for (unsigned i = 0; i < n; i++)
        w->res[i].vector = DIFF_VECTOR_CRASHED;
    unsigned ncrashed = 0;
    for (unsigned start = 0; start < n;) {
        unsigned range[2] = { start, n };
        uint8_t done;
        w->shared->current = start;
        if (io_full(w->sock, range, sizeof(range), true) && io_full(w->sock, &done, 1, false))
            break;
        /* the child died on case `current`: go on after it in a new one */
        unsigned bad = w->shared->current;
        worker_stop(w, status);
        if (bad < start || bad >= n)
            return -1;
        w->res[bad].vector = DIFF_VECTOR_CRASHED;
        ncrashed++;
        start = bad + 1;
        if (start < n && !worker_start(w, n))
            return -1;
    }
    memcpy(res, w->res, sizeof(DiffResult) * n);
    return (int)ncrashed;
}
