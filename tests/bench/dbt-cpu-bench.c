/* dbt-cpu-bench.c - the dbt CPU alone on small CPU-bound workloads, for
 * measuring the interpreter and the translator with callgrind or perf
 * (a guest boot is too long to run under callgrind; on a loaded host,
 * instruction counts are the stable figure).  Not a test and not the
 * reference figure: dbt-bench.sh compares whole guests with QEMU TCG.
 *
 *   dbt-cpu-bench [WORKLOAD [REPEAT]]
 *
 * The workloads are C functions of this file, compiled by the host
 * compiler into their own section ("dbtbench": leaf code, no library
 * calls, no data outside their arguments) and copied as a whole into the
 * memory of a flat dbt CPU (dbt.h), so their relative calls still work.
 * Each runs natively first; the dbt CPU must return the same result.
 * Prints guest instructions, CPU seconds and guest MIPS per workload. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vmm/dbt/dbt.h"

#define BENCH __attribute__((section("dbtbench"), noinline, used, \
                             optimize("no-tree-vectorize", "no-tree-loop-distribute-patterns")))

extern const uint8_t __start_dbtbench[], __stop_dbtbench[];

/* ---- workloads (the code the guest runs) ------------------------------ */

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* SHA-256 compression over @blocks 64-byte blocks; @k holds the round
 * constants (no data outside the arguments) */
BENCH static uint64_t w_sha256(const uint32_t *k, uint32_t *st, const uint8_t *p, uint64_t blocks)
{
    for (uint64_t b = 0; b < blocks; b++, p += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16
                | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = st[0], bb = st[1], c = st[2], d = st[3];
        uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25))
                + ((e & f) ^ (~e & g)) + k[i] + w[i];
            uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22))
                + ((a & bb) ^ (a & c) ^ (bb & c));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = bb; bb = a; a = t1 + t2;
        }
        st[0] += a; st[1] += bb; st[2] += c; st[3] += d;
        st[4] += e; st[5] += f; st[6] += g; st[7] += h;
    }
    return st[0] ^ st[7];
}

/* multi-precision r += s * limb, @rounds times (the kernel's RSA
 * mpihelp_addmul_1 shape: MUL, ADD/ADC, loads and stores) */
BENCH static uint64_t w_addmul(uint64_t *r, const uint64_t *s, uint64_t n, uint64_t rounds)
{
    uint64_t carry = 0;
    for (uint64_t k = 0; k < rounds; k++) {
        uint64_t limb = s[k % n] | 1;
        carry = 0;
        for (uint64_t i = 0; i < n; i++) {
            unsigned __int128 t = (unsigned __int128)s[i] * limb + r[i] + carry;
            r[i] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
    }
    return carry ^ r[0];
}

/* byte scanning with data-dependent branches (parsers, string code) */
BENCH static uint64_t w_bytes(const uint8_t *p, uint64_t n, uint64_t rounds)
{
    uint64_t words = 0, digits = 0, sum = 0;
    for (uint64_t k = 0; k < rounds; k++) {
        int in_word = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint8_t c = p[i];
            if (c >= '0' && c <= '9')
                digits++;
            if (c == ' ' || c == '\n') {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
            sum = sum * 31 + c;
        }
    }
    return words ^ digits ^ sum;
}

/* calls and returns, pushes and pops */
BENCH static uint64_t w_fib(uint64_t n)
{
    return n < 2 ? n : w_fib(n - 1) + w_fib(n - 2);
}

/* ---- harness ------------------------------------------------------------- */

typedef struct {
    const char *name;
    uint64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t);
    uint64_t a[4];          /* arguments; offsets into the data area get rebased */
    unsigned rebase;        /* bit k: a[k] is an offset into the data area */
} Workload;

#define MEM_SIZE (16u << 20)
#define CODE_OFF 0x10000
#define DATA_OFF 0x100000
#define STACK_TOP (MEM_SIZE - 4096)

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* data area layout */
#define D_SHA_K 0x0
#define D_SHA_ST 0x100
#define D_BUF 0x1000          /* 64 KiB of generated bytes */
#define D_R 0x20000           /* 64 limbs */
#define BUF_LEN 0x10000

static void data_init(uint8_t *d)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(d + D_SHA_K, sha_k, sizeof(sha_k));
    memcpy(d + D_SHA_ST, iv, sizeof(iv));
    uint32_t x = 12345;
    for (unsigned i = 0; i < BUF_LEN; i++) {
        x = x * 1103515245 + 12345;
        unsigned c = (x >> 16) % 40;
        d[D_BUF + i] = (uint8_t)(c < 10 ? '0' + c : c < 14 ? ' ' : c < 15 ? '\n' : 'a' + c - 15);
    }
    memset(d + D_R, 0x5a, 64 * 8);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t run_native(const Workload *w, uint8_t *data)
{
    uint64_t a[4];
    for (int k = 0; k < 4; k++)
        a[k] = (w->rebase >> k & 1) ? (uint64_t)(uintptr_t)(data + w->a[k]) : w->a[k];
    return w->fn(a[0], a[1], a[2], a[3]);
}

static uint64_t run_dbt(const Workload *w, uint8_t *mem, uint64_t *insns)
{
    DbtCpu *cpu = dbt_cpu_new_flat(mem, MEM_SIZE);
    uint8_t *code = mem + CODE_OFF;
    uint64_t entry = (uint64_t)(uintptr_t)(code + ((const uint8_t *)(uintptr_t)w->fn
                                                   - __start_dbtbench));
    static const int argreg[4] = { DBT_RDI, DBT_RSI, DBT_RDX, DBT_RCX };
    for (int k = 0; k < 4; k++)
        dbt_cpu_set_gpr(cpu, argreg[k], (w->rebase >> k & 1)
                        ? (uint64_t)(uintptr_t)(mem + DATA_OFF + w->a[k]) : w->a[k]);
    uint64_t sp = (uint64_t)(uintptr_t)(mem + STACK_TOP);
    uint64_t ret = (uint64_t)(uintptr_t)(mem + CODE_OFF - 16);
    mem[CODE_OFF - 16] = 0xf4;   /* HLT */
    memcpy(mem + STACK_TOP, &ret, 8);
    dbt_cpu_set_gpr(cpu, DBT_RSP, sp);
    dbt_cpu_set_rip(cpu, entry);
    DbtStop st;
    dbt_cpu_run(cpu, 0, &st);
    if (st.reason != DBT_STOP_HLT) {
        fprintf(stderr, "dbt-cpu-bench: %s stopped: reason %d vector %d at %#" PRIx64 "\n",
                w->name, st.reason, st.vector, st.rip);
        exit(1);
    }
    *insns = st.insns;
    uint64_t r = dbt_cpu_get_gpr(cpu, DBT_RAX);
    dbt_cpu_free(cpu);
    return r;
}

int main(int argc, char **argv)
{
    const Workload all[] = {
        { "sha256", (void *)w_sha256, { D_SHA_K, D_SHA_ST, D_BUF, BUF_LEN / 64 }, 7 },
        { "addmul", (void *)w_addmul, { D_R, D_BUF, 64, 20000 }, 3 },
        { "bytes", (void *)w_bytes, { D_BUF, BUF_LEN, 20, 0 }, 1 },
        { "fib", (void *)w_fib, { 27, 0, 0, 0 }, 0 },
    };
    const char *only = argc > 1 ? argv[1] : NULL;
    int repeat = argc > 2 ? atoi(argv[2]) : 1;
    size_t code_len = (size_t)(__stop_dbtbench - __start_dbtbench);
    uint8_t *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *native = malloc(DATA_OFF);
    if (mem == MAP_FAILED || !native || code_len > DATA_OFF - CODE_OFF)
        return 1;

    printf("%-10s %14s %10s %10s\n", "workload", "guest insns", "cpu-sec", "MIPS");
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        const Workload *w = &all[i];
        if (only && strcmp(only, w->name) && strcmp(only, "all"))
            continue;
        data_init(native);
        uint64_t want = run_native(w, native);
        for (int r = 0; r < repeat; r++) {
            memcpy(mem + CODE_OFF, __start_dbtbench, code_len);
            data_init(mem + DATA_OFF);
            uint64_t insns;
            double t0 = now();
            uint64_t got = run_dbt(w, mem, &insns);
            double t = now() - t0;
            if (got != want) {
                fprintf(stderr, "dbt-cpu-bench: %s: dbt %#" PRIx64 ", native %#" PRIx64 "\n",
                        w->name, got, want);
                return 1;
            }
            printf("%-10s %14" PRIu64 " %10.3f %10.1f\n", w->name, insns, t, insns / t / 1e6);
        }
    }
    munmap(mem, MEM_SIZE);
    free(native);
    return 0;
}
