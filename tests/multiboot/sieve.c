/* sieve.c - a CPU-bound multiboot kernel for the benchmark (and a quick
 * run in the tests): the sieve of Eratosthenes up to n (command line
 * n=N, default 10000000) over a byte array at 16 MiB, `rounds` times
 * (default 1), then REP MOVSB and REP STOSD over 1 MiB buffers the same
 * number of times.  Prints "PRIMES n count" and a checksum, checks the
 * count against pi(n) for the n it knows, and exits through
 * isa-debug-exit. */
#include "lib.h"

#define SIEVE ((uint8_t *)0x1000000)

static uint32_t sieve(uint32_t n)
{
    memset(SIEVE, 1, n + 1);
    SIEVE[0] = SIEVE[1] = 0;
    for (uint32_t i = 2; i * i <= n; i++)
        if (SIEVE[i])
            for (uint32_t j = i * i; j <= n; j += i)
                SIEVE[j] = 0;
    uint32_t count = 0;
    for (uint32_t i = 0; i <= n; i++)
        count += SIEVE[i];
    return count;
}

static uint32_t strings(void)
{
    uint8_t *a = SIEVE, *b = SIEVE + 0x100000;
    uint32_t n = 0x100000 / 4;
    __asm__ volatile("cld; rep stosl" : "+D"(a), "+c"(n) : "a"(0x01020304u) : "memory");
    a = SIEVE;
    n = 0x100000;
    __asm__ volatile("cld; rep movsb" : "+S"(a), "+D"(b), "+c"(n) :: "memory");
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 0x100000; i += 4096)
        sum += SIEVE[0x100000 + i + (i >> 12) % 4];
    return sum;
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)magic;
    char buf[32];
    uint32_t n = 10000000, rounds = 1;
    if (cmdline_arg(mbi, "n", buf, sizeof(buf)))
        n = parse_u32(buf);
    if (cmdline_arg(mbi, "rounds", buf, sizeof(buf)))
        rounds = parse_u32(buf);
    uint32_t mem_top = 0x100000 + mbi->mem_upper * 1024;
    if (n < 2 || 0x1000000 + n + 1 > mem_top || 0x1200000 > mem_top) {
        printf("FAIL sieve: n=%u does not fit below %x\n", n, mem_top);
        test_exit(1);
    }
    uint32_t count = 0, sum = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        count = sieve(n);
        sum += strings();
    }
    printf("PRIMES %u %u\nSTRINGS %u\n", n, count, sum);
    static const struct { uint32_t n, pi; } known[] = {
        { 100000, 9592 }, { 1000000, 78498 }, { 10000000, 664579 }, { 50000000, 3001134 },
    };
    for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i].n == n)
            check(count == known[i].pi, "sieve", "pi(%u) = %u, not %u", n, count, known[i].pi);
    /* bytes 04 03 02 01 repeated; one byte per page, cycling through them */
    check(sum == rounds * 640, "strings", "checksum %u, not %u", sum, rounds * 640);
    test_done();
}
