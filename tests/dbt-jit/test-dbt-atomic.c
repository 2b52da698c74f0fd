/* test-dbt-atomic.c - locked instructions are atomic across vCPUs: two
 * flat dbt CPUs (dbt.h) over the same memory, each on its own host
 * thread and running at the same time, increment one shared counter
 * N times each, with LOCK INC, LOCK ADD, LOCK SUB, LOCK XADD, a LOCK
 * CMPXCHG loop, LOCK CMPXCHG8B and CMPXCHG16B loops, and plain increments
 * inside spinlocks taken with XCHG (locked without a prefix) and with LOCK
 * BTS / LOCK BTR.  The counter must come out exact: a locked update done
 * as a plain read and write loses increments as soon as the threads
 * overlap.  The backend is the one VESSEL_DBT selects; `make check` runs
 * this program under each (vmm/dbt/README, "Several vCPUs"). */
#include <glib.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/dbt/dbt.h"

#define MEM_SIZE (1024 * 1024)
#define CODE_OFF 0x2000
#define DATA_OFF 0x10000      /* the counter; the spinlock at +0x40 */
#define NTHREADS 2
#define ITERS 400000
#define RUN_LIMIT_S 120       /* per CPU: far beyond a correct run */

typedef struct {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned width;           /* bytes of the counter compared */
    uint64_t start;           /* its value before the run */
    int64_t step;             /* what each iteration adds */
} AtomicCase;

/* every loop counts down R8; RDI = the counter */
static const uint8_t code_inc[] = {
    0xf0, 0x48, 0xff, 0x07,             /* 0: lock incq (%rdi) */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xf7,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_add[] = {
    0xf0, 0x83, 0x07, 0x01,             /* 0: lock addl $1, (%rdi) */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xf7,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_sub[] = {
    0xf0, 0x48, 0x83, 0x2f, 0x01,       /* 0: lock subq $1, (%rdi) */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xf6,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_xadd[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00,       /* 0: mov $1, %eax */
    0xf0, 0x48, 0x0f, 0xc1, 0x07,       /*    lock xadd %rax, (%rdi) */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xf1,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_cmpxchg[] = {
    0x48, 0x8b, 0x07,                   /* 0: mov (%rdi), %rax */
    0x48, 0x8d, 0x50, 0x01,             /* 3: lea 1(%rax), %rdx */
    0xf0, 0x48, 0x0f, 0xb1, 0x17,       /*    lock cmpxchg %rdx, (%rdi) */
    0x75, 0xf5,                         /*    jnz 3 (RAX = what it found) */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xed,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_xchg_lock[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00,       /* 0: mov $1, %eax */
    0x87, 0x47, 0x40,                   /* 5: xchg %eax, 0x40(%rdi) */
    0x85, 0xc0,                         /*    test %eax, %eax */
    0x74, 0x04,                         /*    jz 16 (taken) */
    0xf3, 0x90,                         /*    pause */
    0xeb, 0xf5,                         /*    jmp 5 */
    0x48, 0xff, 0x07,                   /* 16: incq (%rdi) (plain) */
    0xc7, 0x47, 0x40, 0, 0, 0, 0,       /*    movl $0, 0x40(%rdi) (release) */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xe1,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_bts_lock[] = {
    0xf0, 0x0f, 0xba, 0x6f, 0x40, 0x00, /* 0: lock btsl $0, 0x40(%rdi) */
    0x73, 0x04,                         /*    jnc 12 (taken) */
    0xf3, 0x90,                         /*    pause */
    0xeb, 0xf4,                         /*    jmp 0 */
    0x66, 0x83, 0x07, 0x01,             /* 12: addw $1, (%rdi) (plain) */
    0xf0, 0x0f, 0xba, 0x77, 0x40, 0x00, /*    lock btrl $0, 0x40(%rdi) */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xe5,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_cmpxchg8b[] = {
    0x8b, 0x07,                         /* 0: mov (%rdi), %eax */
    0x8b, 0x57, 0x04,                   /*    mov 4(%rdi), %edx */
    0x8d, 0x58, 0x01,                   /* 5: lea 1(%rax), %ebx */
    0x89, 0xd1,                         /*    mov %edx, %ecx */
    0xf0, 0x0f, 0xc7, 0x0f,             /*    lock cmpxchg8b (%rdi) */
    0x75, 0xf5,                         /*    jnz 5 */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xeb,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};
static const uint8_t code_cmpxchg16b[] = {
    0x48, 0x8b, 0x07,                   /* 0: mov (%rdi), %rax */
    0x48, 0x8b, 0x57, 0x08,             /*    mov 8(%rdi), %rdx */
    0x48, 0x8d, 0x58, 0x01,             /* 7: lea 1(%rax), %rbx */
    0x48, 0x89, 0xd1,                   /*    mov %rdx, %rcx */
    0xf0, 0x48, 0x0f, 0xc7, 0x0f,       /*    lock cmpxchg16b (%rdi) */
    0x75, 0xf2,                         /*    jnz 7 */
    0x49, 0xff, 0xc8,                   /*    dec %r8 */
    0x75, 0xe6,                         /*    jnz 0 */
    0xf4,                               /*    hlt */
};

#define CASE(n, c, w, s0, st) { n, c, sizeof(c), w, s0, st }
static const AtomicCase cases[] = {
    CASE("lock-inc", code_inc, 8, 0, 1),
    CASE("lock-add", code_add, 4, 0, 1),
    CASE("lock-sub", code_sub, 8, 2 * ITERS, -1),
    CASE("lock-xadd", code_xadd, 8, 0, 1),
    CASE("lock-cmpxchg", code_cmpxchg, 8, 0, 1),
    CASE("xchg-spinlock", code_xchg_lock, 8, 0, 1),
    CASE("bts-spinlock", code_bts_lock, 2, 0, 1),
    CASE("lock-cmpxchg8b", code_cmpxchg8b, 8, 0, 1),
    CASE("lock-cmpxchg16b", code_cmpxchg16b, 8, 0, 1),
};

typedef struct {
    uint8_t *mem;
    int id;
    pthread_barrier_t *start;
    DbtStop stop;
    int rc;
} Runner;

static void *runner_main(void *opaque)
{
    Runner *r = opaque;
    DbtCpu *cpu = dbt_cpu_new_flat(r->mem, MEM_SIZE);
    dbt_cpu_set_gpr(cpu, DBT_RDI, (uint64_t)(uintptr_t)(r->mem + DATA_OFF));
    dbt_cpu_set_gpr(cpu, DBT_R8, ITERS);
    dbt_cpu_set_gpr(cpu, DBT_RSP,
                    (uint64_t)(uintptr_t)(r->mem + MEM_SIZE - 64 - 0x1000 * r->id));
    dbt_cpu_set_rip(cpu, (uint64_t)(uintptr_t)(r->mem + CODE_OFF));
    pthread_barrier_wait(r->start);
    /* in slices, so that a spinlock broken by a lost update (both CPUs
     * spinning on a lock nobody holds) fails the test instead of hanging */
    gint64 deadline = g_get_monotonic_time() + RUN_LIMIT_S * G_USEC_PER_SEC;
    do
        r->rc = dbt_cpu_run(cpu, 10 * 1000 * 1000, &r->stop);
    while (r->rc == 0 && r->stop.reason == DBT_STOP_LIMIT
           && g_get_monotonic_time() < deadline);
    dbt_cpu_free(cpu);
    return NULL;
}

static void test_atomic(gconstpointer data)
{
    const AtomicCase *c = data;
    uint8_t *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(mem != MAP_FAILED);
    memcpy(mem + CODE_OFF, c->code, c->len);
    memcpy(mem + DATA_OFF, &c->start, 8);

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, NTHREADS);
    Runner run[NTHREADS];
    pthread_t th[NTHREADS];
    for (int k = 0; k < NTHREADS; k++) {
        run[k] = (Runner){ .mem = mem, .id = k, .start = &start };
        g_assert_cmpint(pthread_create(&th[k], NULL, runner_main, &run[k]), ==, 0);
    }
    for (int k = 0; k < NTHREADS; k++) {
        pthread_join(th[k], NULL);
        g_assert_cmpint(run[k].rc, ==, 0);
        g_assert_cmpint(run[k].stop.reason, ==, DBT_STOP_HLT);
    }
    pthread_barrier_destroy(&start);

    uint64_t got = 0, want = c->start + (uint64_t)(c->step * NTHREADS * ITERS);
    memcpy(&got, mem + DATA_OFF, c->width);
    if (c->width < 8)
        want &= (1ull << (8 * c->width)) - 1;
    g_assert_cmphex(got, ==, want);
    munmap(mem, MEM_SIZE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autofree char *path = g_strdup_printf("/dbt/atomic/%s", cases[k].name);
        g_test_add_data_func(path, &cases[k], test_atomic);
    }
    return g_test_run();
}
