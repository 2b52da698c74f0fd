/* test-dbt-isa.c - the dbt CPU's integer ISA on the flat standalone CPU.
 *
 * Two kinds of tests:
 *  - functions assembled into this binary (SysV calling convention,
 *    position independent) run natively AND on the dbt CPU with random
 *    operands; results and the status flags they return must agree, but
 *    for the flags the SDM leaves undefined after their last
 *    flag-setting instruction with that count (undefined_flags(), the
 *    rules of vmm/dbt/vendor.def);
 *  - snippets with expected results / exceptions (faults must leave the
 *    state before the faulting instruction).
 * Checks are non-fatal: a run reports every failure (up to 20 operand
 * sets per run of native-vs-dbt). */
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/dbt/dbt.h"

#define MEM_SIZE (256 * 1024)

/* ---- code under test, assembled by the host assembler ------------- */
#define FUNC(name, body) \
    __asm__(".pushsection .text\n.p2align 4\n" #name ":\ncmpq %rsi, %rdi\n" body "\n" #name "_end:\n.popsection\n"); \
    extern const uint8_t name[], name##_end[];

/* each returns {rax = result, rdx = status flags} for (rdi, rsi, rdx) */
#define FLAGS_TAIL "pushfq\npopq %rdx\nandq $0x8d5, %rdx\nret\n"
FUNC(f_add, "movq %rdi, %rax\naddq %rsi, %rax\n" FLAGS_TAIL)
FUNC(f_add8, "movq %rdi, %rax\naddb %sil, %al\n" FLAGS_TAIL)
FUNC(f_sub32, "movq %rdi, %rax\nsubl %esi, %eax\n" FLAGS_TAIL)
FUNC(f_adc, "movq %rdi, %rax\nbtq $0, %rdx\nadcq %rsi, %rax\n" FLAGS_TAIL)
FUNC(f_sbb16, "movq %rdi, %rax\nbtq $0, %rdx\nsbbw %si, %ax\n" FLAGS_TAIL)
FUNC(f_and, "movq %rdi, %rax\nandq %rsi, %rax\n" FLAGS_TAIL)
FUNC(f_xor8h, "movq %rdi, %rax\nmovq %rsi, %rcx\nxorb %ch, %ah\n" FLAGS_TAIL)
FUNC(f_neg, "movq %rdi, %rax\nnegl %eax\n" FLAGS_TAIL)
FUNC(f_inc, "movq %rdi, %rax\nbtq $0, %rsi\nincw %ax\n" FLAGS_TAIL)
FUNC(f_dec, "movq %rdi, %rax\nbtq $0, %rsi\ndecq %rax\n" FLAGS_TAIL)
FUNC(f_cmp_setcc, "xorl %eax, %eax\ncmpq %rsi, %rdi\nsetl %al\nsetb %ah\nsetle %cl\nshlq $16, %rcx\n"
     "andl $0xff0000, %ecx\norq %rcx, %rax\nsetbe %cl\nsetg %ch\nmovzwl %cx, %ecx\nshlq $24, %rcx\norq %rcx, %rax\n"
     "setp %cl\nsets %ch\nmovzwl %cx, %ecx\nshlq $40, %rcx\norq %rcx, %rax\n" FLAGS_TAIL)
FUNC(f_cmov, "movq %rdi, %rax\ncmpl %esi, %edi\ncmovgl %esi, %eax\ncmovoq %rsi, %rdx\n" FLAGS_TAIL)
FUNC(f_shl, "movq %rdi, %rax\nmovl %esi, %ecx\nshlq %cl, %rax\n" FLAGS_TAIL)
FUNC(f_shr32, "movq %rdi, %rax\nmovl %esi, %ecx\nshrl %cl, %eax\n" FLAGS_TAIL)
FUNC(f_sar8, "movq %rdi, %rax\nmovl %esi, %ecx\nsarb %cl, %al\n" FLAGS_TAIL)
FUNC(f_rol16, "movq %rdi, %rax\nmovl %esi, %ecx\nrolw %cl, %ax\n" FLAGS_TAIL)
FUNC(f_ror, "movq %rdi, %rax\nmovl %esi, %ecx\nrorq %cl, %rax\n" FLAGS_TAIL)
FUNC(f_rcl32, "movq %rdi, %rax\nmovl %esi, %ecx\nbtq $8, %rsi\nrcll %cl, %eax\n" FLAGS_TAIL)
FUNC(f_rcr8, "movq %rdi, %rax\nmovl %esi, %ecx\nbtq $8, %rsi\nrcrb %cl, %al\n" FLAGS_TAIL)
FUNC(f_shld, "movq %rdi, %rax\nmovl %esi, %ecx\nshldq %cl, %rsi, %rax\n" FLAGS_TAIL)
FUNC(f_shrd32, "movq %rdi, %rax\nmovl %esi, %ecx\nshrdl %cl, %esi, %eax\n" FLAGS_TAIL)
FUNC(f_mul, "movq %rdi, %rax\nmulq %rsi\nxorq %rdx, %rax\n" FLAGS_TAIL)
FUNC(f_imul1, "movq %rdi, %rax\nimull %esi\nshlq $32, %rdx\norq %rdx, %rax\n" FLAGS_TAIL)
FUNC(f_imul2, "movq %rdi, %rax\nimulq %rsi, %rax\n" FLAGS_TAIL)
FUNC(f_imul3, "movl $0, %eax\nimulw $-1234, %di, %ax\n" FLAGS_TAIL)
FUNC(f_div, "movq %rdi, %rax\nxorl %edx, %edx\norq $1, %rsi\ndivq %rsi\nshlq $1, %rdx\naddq %rdx, %rax\nxorl %edx, %edx\nret\n")
FUNC(f_idiv32, "movq %rdi, %rax\ncltd\norl $1, %esi\nidivl %esi\nshlq $32, %rdx\norq %rdx, %rax\nxorl %edx, %edx\nret\n")
FUNC(f_bt, "movq %rdi, %rax\nbtcq %rsi, %rax\n" FLAGS_TAIL)
FUNC(f_bsf, "movq $77, %rax\nbsfq %rdi, %rax\nmovq $-1, %rcx\nbsrl %esi, %ecx\nshlq $8, %rax\nxorq %rcx, %rax\npushfq\npopq %rdx\nandq $0x40, %rdx\nret\n")
FUNC(f_bswap, "movq %rdi, %rax\nbswapq %rax\nmovl %esi, %ecx\nbswapl %ecx\naddq %rcx, %rax\nxorl %edx, %edx\nret\n")
FUNC(f_movsx, "movsbq %dil, %rax\nmovswl %si, %ecx\naddq %rcx, %rax\nmovslq %esi, %rcx\naddq %rcx, %rax\nmovzbl %sil, %ecx\naddq %rcx, %rax\nxorl %edx, %edx\nret\n")
FUNC(f_xadd_cmpxchg, "movq %rdi, %rax\nmovq %rsi, %rcx\nxaddq %rcx, %rax\ncmpxchgq %rdi, %rcx\nshlq $1, %rax\naddq %rcx, %rax\n" FLAGS_TAIL)
FUNC(f_lea, "leaq 0x12(%rdi,%rsi,4), %rax\nleal -7(%rsi,%rsi,8), %ecx\naddq %rcx, %rax\nxorl %edx, %edx\nret\n")
FUNC(f_cwd, "movq %rdi, %rax\ncqto\nxorq %rdx, %rax\ncwtl\ncltq\nxorl %edx, %edx\nret\n")
FUNC(f_loop, "xorl %eax, %eax\nmovl %esi, %ecx\nandl $255, %ecx\njrcxz 2f\n1: addq %rdi, %rax\nrolq $3, %rax\nloop 1b\n2:\n" FLAGS_TAIL)
FUNC(f_stack, "pushq %rbp\nmovq %rsp, %rbp\npushq %rdi\npushq %rsi\npopq %rax\npopq %rcx\nsubq %rcx, %rax\nleave\n" FLAGS_TAIL)
FUNC(f_lahf, "movq %rdi, %rax\naddq %rsi, %rax\nlahf\nmovzbl %ah, %eax\nxorl %edx, %edx\nret\n")

FUNC(f_btmem, "subq $64, %rsp\nmovq %rdi, 16(%rsp)\nmovq %rsi, 24(%rsp)\nmovq %rdx, 32(%rsp)\n"
     "movq %rdx, %rcx\nandq $127, %rcx\nsubq $40, %rcx\nleaq 24(%rsp), %rax\nbtcq %rcx, (%rax)\n"
     "setc %r8b\nbtsl $37, 16(%rsp)\nadcb $0, %r8b\nmovq 16(%rsp), %rax\nxorq 24(%rsp), %rax\nxorq 32(%rsp), %rax\n"
     "movzbl %r8b, %edx\nshlq $8, %rdx\nxorq %rdx, %rax\nleaq 64(%rsp), %rsp\n" FLAGS_TAIL)
FUNC(f_cx16, "subq $48, %rsp\nleaq 15(%rsp), %r8\nandq $-16, %r8\nmovq %rdi, (%r8)\nmovq %rsi, 8(%r8)\n"
     "pushq %rbx\nmovq %rdi, %rax\nbtq $0, %rdx\nsbbq $0, %rax\nmovq %rsi, %rdx\nmovq $5, %rbx\nmovq $6, %rcx\n"
     "cmpxchg16b (%r8)\nsetz %cl\npopq %rbx\nmovq (%r8), %rsi\nxorq 8(%r8), %rsi\nxorq %rsi, %rax\nxorq %rdx, %rax\n"
     "movzbl %cl, %ecx\naddq %rcx, %rax\nleaq 48(%rsp), %rsp\nxorl %edx, %edx\nret\n")
FUNC(f_movs_df, "subq $96, %rsp\nmovq %rdi, (%rsp)\nmovq %rsi, 8(%rsp)\nmovq %rdx, 16(%rsp)\nmovq $0, 32(%rsp)\nmovq $0, 40(%rsp)\n"
     "movq %rdi, %r8\nmovq %rsi, %r9\nleaq 17(%rsp), %rsi\nleaq 41(%rsp), %rdi\nmovl $11, %ecx\nstd\nrep movsb\ncld\n"
     "movq 32(%rsp), %rax\nxorq 40(%rsp), %rax\nsubq %rsp, %rdi\nsubq %rsp, %rsi\nshlq $8, %rdi\naddq %rdi, %rax\nxorq %rsi, %rax\nleaq 96(%rsp), %rsp\nxorl %edx, %edx\nret\n")
FUNC(f_cmps, "subq $64, %rsp\nmovq %rdi, (%rsp)\nmovq %rsi, 8(%rsp)\nmovq %rdi, 16(%rsp)\nmovq %rdx, 24(%rsp)\n"
     "leaq (%rsp), %rsi\nleaq 16(%rsp), %rdi\nmovl $16, %ecx\nrepe cmpsb\nmovq %rcx, %rax\n"
     "subq %rsp, %rsi\nshlq $8, %rsi\naddq %rsi, %rax\nleaq 64(%rsp), %rsp\n" FLAGS_TAIL)
FUNC(f_popcnt, "popcntq %rdi, %rax\npopcntw %si, %cx\nshlq $8, %rcx\naddq %rcx, %rax\n" FLAGS_TAIL)
FUNC(f_div8, "movzbl %dil, %eax\nmovl %esi, %ecx\norb $1, %cl\ndivb %cl\nmovzwl %ax, %eax\nmovq %rdx, %rcx\nandl $0x7fff, %ecx\norl $0x4000, %ecx\n"
     "movq %rdi, %rdx\nandl $0x1fff, %edx\npushq %rax\nmovl %edi, %eax\nidivw %cx\nshlq $16, %rdx\norq %rdx, %rax\nmovzwl %ax, %eax\npopq %rdx\nshlq $32, %rdx\norq %rdx, %rax\nxorl %edx, %edx\nret\n")
FUNC(f_mul8, "movq %rdi, %rax\nmulb %sil\n" FLAGS_TAIL)
FUNC(f_neg_not8, "movq %rdi, %rax\nnotw %ax\nnegb %ah\n" FLAGS_TAIL)
FUNC(f_shifts_imm, "movq %rdi, %rax\nrolb $3, %al\nsarq $7, %rax\nshlw $1, %ax\nrcrq $1, %rax\nshrdw $5, %si, %ax\n" FLAGS_TAIL)
FUNC(f_xchg16, "movq %rdi, %rax\nmovq %rsi, %rcx\nxchgw %ax, %cx\nxchgb %ch, %al\nxchgl %eax, %ecx\nshlq $1, %rcx\naddq %rcx, %rax\nxorl %edx, %edx\nret\n")
FUNC(f_cmov16, "movq %rdi, %rax\ntestq %rsi, %rsi\ncmovsw %si, %ax\ncmovpq %rdx, %rax\ncmovnel %esi, %ecx\nmovq %rsi, %rdx\n" FLAGS_TAIL)
FUNC(f_adc_mem, "subq $16, %rsp\nmovq %rdi, (%rsp)\nbtq $1, %rdx\nadcb %sil, 3(%rsp)\nsbbw %si, 4(%rsp)\nadcl $0x12345, (%rsp)\nmovq (%rsp), %rax\nleaq 16(%rsp), %rsp\n" FLAGS_TAIL)
FUNC(f_enter, "pushq %rbp\nmovq %rsp, %rbp\nsubq $64, %rsp\nmovq %rdi, -8(%rbp)\nmovq %rsi, -16(%rbp)\n"
     "enter $24, $3\nmovq %rbp, %rax\nsubq %rsp, %rax\nxorq -8(%rbp), %rax\naddq -16(%rbp), %rax\n"
     "movq -24(%rbp), %rcx\nsubq %rbp, %rcx\naddq %rcx, %rax\nleave\nleave\nxorl %edx, %edx\nret\n")

typedef struct {
    const char *name;
    const uint8_t *start, *end;
} Func;

#define F(n) { #n, n, n##_end }
static const Func funcs[] = {
    F(f_add), F(f_add8), F(f_sub32), F(f_adc), F(f_sbb16), F(f_and), F(f_xor8h),
    F(f_neg), F(f_inc), F(f_dec), F(f_cmp_setcc), F(f_cmov), F(f_shl), F(f_shr32),
    F(f_sar8), F(f_rol16), F(f_ror), F(f_rcl32), F(f_rcr8), F(f_shld), F(f_shrd32),
    F(f_mul), F(f_imul1), F(f_imul2), F(f_imul3), F(f_div), F(f_idiv32), F(f_bt),
    F(f_bsf), F(f_bswap), F(f_movsx), F(f_xadd_cmpxchg), F(f_lea), F(f_cwd),
    F(f_loop), F(f_stack), F(f_lahf), F(f_btmem), F(f_cx16), F(f_movs_df), F(f_cmps),
    F(f_popcnt), F(f_div8), F(f_mul8), F(f_neg_not8), F(f_shifts_imm), F(f_xchg16),
    F(f_cmov16), F(f_adc_mem), F(f_enter),
};

/* The flags the SDM leaves undefined after the last flag-setting
 * instruction of function @name called with RSI = @b (the count of the
 * shift and rotate functions): per count and width, as the rows of
 * vmm/dbt/vendor.def say. */
static uint64_t shift_undef(uint64_t count, unsigned bits, bool rotate, bool cf_beyond)
{
    unsigned mc = (unsigned)count & (bits == 64 ? 0x3f : 0x1f);
    if (rotate)
        return mc > 1 ? 0x800 : 0;
    return (mc >= 1 ? 0x010 : 0) | (mc > 1 ? 0x800 : 0) | (cf_beyond && mc >= bits ? 0x001 : 0);
}

static uint64_t undefined_flags(const char *name, uint64_t b)
{
    static const struct {
        const char *name;
        unsigned bits;          /* 0: a fixed mask */
        bool rotate, cf_beyond;
        uint64_t mask;
    } t[] = {
        { "f_shl", 64, false, true, 0 },       /* shlq %cl */
        { "f_shr32", 32, false, true, 0 },     /* shrl %cl */
        { "f_sar8", 8, false, false, 0 },      /* sarb %cl: CF defined */
        { "f_shld", 64, false, false, 0 },     /* shldq %cl */
        { "f_shrd32", 32, false, false, 0 },   /* shrdl %cl */
        { "f_rol16", 16, true, false, 0 },
        { "f_ror", 64, true, false, 0 },
        { "f_rcl32", 32, true, false, 0 },
        { "f_rcr8", 8, true, false, 0 },
        { "f_mul8", 0, false, false, 0x0d4 },  /* MUL, IMUL: SF ZF AF PF */
        { "f_imul2", 0, false, false, 0x0d4 },
        { "f_imul3", 0, false, false, 0x0d4 },
        { "f_shifts_imm", 0, false, false, 0x810 },    /* shrdw $5: AF, OF */
        /* the last flag-setting instruction is a logic op: AF */
        { "f_and", 0, false, false, 0x010 }, { "f_xor8h", 0, false, false, 0x010 },
        { "f_mul", 0, false, false, 0x010 }, { "f_imul1", 0, false, false, 0x010 },
        { "f_btmem", 0, false, false, 0x010 }, { "f_cmp_setcc", 0, false, false, 0x010 },
        { "f_cmov16", 0, false, false, 0x010 },
    };
    if (!strcmp(name, "f_loop"))        /* rol $3 when the loop ran: OF */
        return (b & 255) ? 0x800 : 0;
    if (!strcmp(name, "f_bt"))          /* BTC: OF SF AF PF (ZF unaffected) */
        return 0x894;
    for (size_t k = 0; k < G_N_ELEMENTS(t); k++)
        if (!strcmp(name, t[k].name))
            return t[k].bits ? shift_undef(b, t[k].bits, t[k].rotate, t[k].cf_beyond) : t[k].mask;
    return 0;
}

typedef struct {
    uint64_t rax, rdx;
} Pair;

typedef struct {
    uint8_t *mem;
    DbtCpu *cpu;
} Fixture;

static void fixture_setup(Fixture *fx, gconstpointer data)
{
    (void)data;
    fx->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(fx->mem != MAP_FAILED);     /* fatal: nothing runs without it */
    fx->cpu = dbt_cpu_new_flat(fx->mem, MEM_SIZE);
}

static void fixture_teardown(Fixture *fx, gconstpointer data)
{
    (void)data;
    dbt_cpu_free(fx->cpu);
    munmap(fx->mem, MEM_SIZE);
}

/* Copy @f to the start of memory, call it on the dbt CPU with a return
 * address pointing at a HLT. */
static Pair run_dbt(Fixture *fx, const Func *f, uint64_t a, uint64_t b, uint64_t c, bool *ok)
{
    size_t len = (size_t)(f->end - f->start);
    uint8_t *code = fx->mem + 0x1000;
    memcpy(code, f->start, len);
    fx->mem[0x800] = 0xf4;     /* HLT */
    dbt_cpu_flush_code(fx->cpu);
    uint64_t sp = (uint64_t)(uintptr_t)(fx->mem + MEM_SIZE - 64);
    uint64_t ret = (uint64_t)(uintptr_t)(fx->mem + 0x800);
    memcpy((void *)(uintptr_t)sp, &ret, 8);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSP, sp);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, a);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, b);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, c);
    dbt_cpu_set_rip(fx->cpu, (uint64_t)(uintptr_t)code);
    DbtStop st;
    int rc = dbt_cpu_run(fx->cpu, 100000, &st);
    if (rc != 0 || st.reason != DBT_STOP_HLT) {
        g_test_message("%s(%#llx, %#llx, %#llx): run %d, stopped with reason %d vector %d at "
                       "+%#llx", f->name, (unsigned long long)a, (unsigned long long)b,
                       (unsigned long long)c, rc, st.reason, st.vector,
                       (unsigned long long)(st.rip - (uint64_t)(uintptr_t)code));
        *ok = false;
    }
    return (Pair){ dbt_cpu_get_gpr(fx->cpu, DBT_RAX), dbt_cpu_get_gpr(fx->cpu, DBT_RDX) };
}

static uint64_t edge_value(GRand *r)
{
    static const uint64_t edges[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
        0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull, 31, 32, 63, 64,
    };
    switch (g_rand_int_range(r, 0, 4)) {
    case 0: return edges[g_rand_int_range(r, 0, G_N_ELEMENTS(edges))];
    case 1: return g_rand_int_range(r, 0, 70);
    default: return ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
    }
}

static void test_native_vs_dbt(Fixture *fx, gconstpointer data)
{
    (void)data;
    guint32 seed = g_test_rand_int();
    g_autoptr(GRand) r = g_rand_new_with_seed(seed);
    unsigned cases = 0, failed = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(funcs); k++) {
        const Func *f = &funcs[k];
        Pair (*native)(uint64_t, uint64_t, uint64_t) = (void *)f->start;
        for (int n = 0; n < 300; n++) {
            uint64_t a = edge_value(r), b = edge_value(r), c = edge_value(r);
            if (!strcmp(f->name, "f_imul1") || !strcmp(f->name, "f_idiv32")) {
                /* avoid #DE in the idiv case: keep the quotient in range */
                if (!strcmp(f->name, "f_idiv32") && (int32_t)(b | 1) == -1)
                    b = 3;   /* the function ORs 1 in: keep INT_MIN / -1 out */
            }
            if (!strcmp(f->name, "f_div") && b <= 1)
                b = 3;
            if (!strcmp(f->name, "f_div"))
                a &= 0xffffffffffffull;
            Pair want = native(a, b, c);
            bool ok = true;
            Pair got = run_dbt(fx, f, a, b, c, &ok);
            uint64_t mask = ~undefined_flags(f->name, b);
            if (ok && (got.rax != want.rax || (got.rdx & mask) != (want.rdx & mask))) {
                g_test_message("%s(%#llx, %#llx, %#llx): dbt rax=%#llx fl=%#llx, host rax=%#llx "
                               "fl=%#llx (compared flags %#llx)", f->name, (unsigned long long)a,
                               (unsigned long long)b, (unsigned long long)c,
                               (unsigned long long)got.rax, (unsigned long long)got.rdx,
                               (unsigned long long)want.rax, (unsigned long long)want.rdx,
                               (unsigned long long)(0x8d5 & mask));
                ok = false;
            }
            cases++;
            if (!ok && ++failed >= 20) {
                g_test_message("stopping after 20 failures");
                break;
            }
        }
        if (failed >= 20)
            break;
    }
    g_test_message("%u cases, %u failed (operand seed %u, from the GLib --seed printed above)",
                   cases, failed, seed);
    if (failed)
        g_test_fail();
}

/* ---- snippets with expected outcomes ---------------------------------- */

static DbtStop run_bytes(Fixture *fx, const uint8_t *code, size_t len)
{
    uint8_t *at = fx->mem + 0x2000;
    memcpy(at, code, len);
    dbt_cpu_flush_code(fx->cpu);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSP, (uint64_t)(uintptr_t)(fx->mem + MEM_SIZE - 64));
    dbt_cpu_set_rip(fx->cpu, (uint64_t)(uintptr_t)at);
    DbtStop st;
    dbt_cpu_run(fx->cpu, 1000000, &st);
    return st;
}

static void test_faults(Fixture *fx, gconstpointer data)
{
    (void)data;
    uint64_t base = (uint64_t)(uintptr_t)(fx->mem + 0x2000);
    /* ud2 */
    static const uint8_t ud2[] = { 0x48, 0xff, 0xc0, 0x0f, 0x0b };
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 5);
    DbtStop st = run_bytes(fx, ud2, sizeof(ud2));
    g_assert_cmpint(st.reason, ==, DBT_STOP_EXCEPTION);
    g_assert_cmpint(st.vector, ==, 6);
    g_assert_cmphex(st.rip, ==, base + 3);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 6);

    /* div by zero: xor ecx,ecx; div rcx */
    static const uint8_t de[] = { 0x31, 0xc9, 0x48, 0xf7, 0xf1 };
    st = run_bytes(fx, de, sizeof(de));
    g_assert_cmpint(st.vector, ==, 0);
    g_assert_cmphex(st.rip, ==, base + 2);

    /* #PF: mov (%rbx), %rax with rbx outside memory; inc first */
    static const uint8_t pf[] = { 0x48, 0xff, 0xc1, 0x48, 0x8b, 0x03, 0xf4 };
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 0x1000);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 0);
    st = run_bytes(fx, pf, sizeof(pf));
    g_assert_cmpint(st.vector, ==, 14);
    g_assert_cmphex(st.cr2, ==, 0x1000);
    g_assert_cmphex(st.error_code, ==, 4);
    g_assert_cmphex(st.rip, ==, base + 3);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 1);

    /* write fault: add %rax, (%rbx) reports W */
    static const uint8_t pfw[] = { 0x48, 0x01, 0x03 };
    st = run_bytes(fx, pfw, sizeof(pfw));
    g_assert_cmpint(st.vector, ==, 14);
    g_assert_cmphex(st.error_code, ==, 6);

    /* #GP: privileged (mov %cr0, %rax) and non-canonical access */
    static const uint8_t gp[] = { 0x0f, 0x20, 0xc0 };
    st = run_bytes(fx, gp, sizeof(gp));
    g_assert_cmpint(st.vector, ==, 13);
    static const uint8_t gp2[] = { 0x48, 0x8b, 0x03 };
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 0x8000000000000000ull);
    st = run_bytes(fx, gp2, sizeof(gp2));
    g_assert_cmpint(st.vector, ==, 13);

    /* int3 stops after the instruction */
    static const uint8_t bp[] = { 0x90, 0xcc };
    st = run_bytes(fx, bp, sizeof(bp));
    g_assert_cmpint(st.reason, ==, DBT_STOP_INT3);
    g_assert_cmphex(st.rip, ==, base + 2);

    /* lock on a register form is #UD; LOCK ADD to memory is fine */
    static const uint8_t lk[] = { 0xf0, 0x48, 0x01, 0xc0 };
    st = run_bytes(fx, lk, sizeof(lk));
    g_assert_cmpint(st.vector, ==, 6);
}

/* A stack access through a non-canonical RSP (or RBP for LEAVE) is
 * #SS(0), not #GP(0), for the generic ops and for the specialised 64-bit
 * PUSH/POP/CALL/RET alike; nothing changes before the fault. */
static void test_stack_noncanonical(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const struct {
        const char *name;
        uint8_t code[8];
        unsigned len;
    } ops[] = {
        { "push %rax", { 0x50 }, 1 }, { "pop %rax", { 0x58 }, 1 },
        { "call .+5", { 0xe8, 0, 0, 0, 0 }, 5 }, { "ret", { 0xc3 }, 1 },
        { "ret $8", { 0xc2, 8, 0 }, 3 }, { "push $1", { 0x6a, 1 }, 2 },
        { "pushf", { 0x9c }, 1 }, { "popf", { 0x9d }, 1 },
        { "push (%rbx)", { 0xff, 0x33 }, 2 }, { "pop (%rbx)", { 0x8f, 0x03 }, 2 },
        { "call *%rbx", { 0xff, 0xd3 }, 2 }, { "pushw %ax", { 0x66, 0x50 }, 2 },
        { "leave", { 0xc9 }, 1 }, { "enter $8, $0", { 0xc8, 8, 0, 0 }, 4 },
        { "mov 8(%rsp), %rax", { 0x48, 0x8b, 0x44, 0x24, 0x08 }, 5 },
    };
    const uint64_t bad = 0x8000000000000000ull;
    uint8_t *at = fx->mem + 0x2000;
    for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
        memcpy(at, ops[k].code, ops[k].len);
        at[ops[k].len] = 0xf4;
        dbt_cpu_flush_code(fx->cpu);
        dbt_cpu_set_gpr(fx->cpu, DBT_RSP, bad);
        dbt_cpu_set_gpr(fx->cpu, DBT_RBP, bad + 0x100);
        dbt_cpu_set_gpr(fx->cpu, DBT_RBX, (uint64_t)(uintptr_t)(fx->mem + 0x3000));
        dbt_cpu_set_rip(fx->cpu, (uint64_t)(uintptr_t)at);
        DbtStop st;
        dbt_cpu_run(fx->cpu, 10, &st);
        if (st.reason != DBT_STOP_EXCEPTION || st.vector != 12 ||
            st.rip != (uint64_t)(uintptr_t)at || dbt_cpu_get_gpr(fx->cpu, DBT_RSP) != bad) {
            g_test_message("%s with RSP %#llx: stop %d vector %d at +%lld, RSP %#llx "
                           "(want #SS at +0, RSP unchanged)", ops[k].name,
                           (unsigned long long)bad, st.reason, st.vector,
                           (long long)(st.rip - (uint64_t)(uintptr_t)at),
                           (unsigned long long)dbt_cpu_get_gpr(fx->cpu, DBT_RSP));
            g_test_fail();
        }
    }
    /* a non-canonical memory operand of a stack instruction is #GP */
    static const uint8_t push_m[] = { 0xff, 0x33, 0xf4 };
    memcpy(at, push_m, sizeof(push_m));
    dbt_cpu_flush_code(fx->cpu);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSP, (uint64_t)(uintptr_t)(fx->mem + MEM_SIZE - 64));
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, bad);
    dbt_cpu_set_rip(fx->cpu, (uint64_t)(uintptr_t)at);
    DbtStop st;
    dbt_cpu_run(fx->cpu, 10, &st);
    g_assert_cmpint(st.vector, ==, 13);
}

/* REP string ops, including a fault in the middle that restarts exactly */
static void test_strings(Fixture *fx, gconstpointer data)
{
    (void)data;
    uint8_t *src = fx->mem + 0x10000, *dst = fx->mem + 0x20000;
    for (int k = 0; k < 10000; k++)
        src[k] = (uint8_t)(k * 7);
    /* rep movsb; rep stosq; repne scasb (strlen) ; hlt */
    static const uint8_t code[] = {
        0xf3, 0xa4,                         /* rep movsb */
        0x48, 0x89, 0xd7,                   /* mov %rdx, %rdi */
        0xb9, 0x10, 0x00, 0x00, 0x00,       /* mov $16, %ecx */
        0xf3, 0x48, 0xab,                   /* rep stosq */
        0x4c, 0x89, 0xc7,                   /* mov %r8, %rdi */
        0x48, 0x83, 0xc9, 0xff,             /* or $-1, %rcx */
        0x30, 0xc0,                         /* xor %al, %al */
        0xf2, 0xae,                         /* repne scasb */
        0xf4,
    };
    memset(dst + 20000, 0, 8);
    strcpy((char *)fx->mem + 0x30000, "hello, world");
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, (uint64_t)(uintptr_t)src);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, (uint64_t)(uintptr_t)dst);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 10000);
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0x1122334455667788ull);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, (uint64_t)(uintptr_t)(dst + 20000));
    dbt_cpu_set_gpr(fx->cpu, DBT_R8, (uint64_t)(uintptr_t)(fx->mem + 0x30000));
    DbtStop st = run_bytes(fx, code, sizeof(code));
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmpmem(src, 10000, dst, 10000);
    for (int k = 0; k < 16; k++) {
        uint64_t v;
        memcpy(&v, dst + 20000 + 8 * k, 8);
        g_assert_cmphex(v, ==, 0x1122334455667788ull);
    }
    g_assert_cmpint((int64_t)~dbt_cpu_get_gpr(fx->cpu, DBT_RCX) - 1, ==, 12);

    /* rep movsb running off the end of memory: faults with the completed
     * part retired and RCX/RSI/RDI describing the rest */
    static const uint8_t movs[] = { 0xf3, 0xa4, 0xf4 };
    uint8_t *end = fx->mem + MEM_SIZE;
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, (uint64_t)(uintptr_t)src);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, (uint64_t)(uintptr_t)(end - 100));
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 300);
    st = run_bytes(fx, movs, sizeof(movs));
    g_assert_cmpint(st.reason, ==, DBT_STOP_EXCEPTION);
    g_assert_cmpint(st.vector, ==, 14);
    g_assert_cmphex(st.cr2, ==, (uint64_t)(uintptr_t)end);
    g_assert_cmphex(st.rip, ==, (uint64_t)(uintptr_t)(fx->mem + 0x2000));
    g_assert_cmpuint(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 200);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDI), ==, (uint64_t)(uintptr_t)end);
    g_assert_cmpmem(end - 100, 100, src, 100);
}

/* self-modifying code: the block cache must see the write */
static void test_smc(Fixture *fx, gconstpointer data)
{
    (void)data;
    /* loop: mov $1, %eax  (imm patched below); movb $2, 1(%rip-rel) ...
     *   0: b8 01 00 00 00        mov $1, %eax
     *   5: c6 05 f5 ff ff ff 07  movb $7, -11(%rip)  -> byte at 0+1
     *  12: ff c1                 inc %ecx
     *  14: 83 f9 02              cmp $2, %ecx
     *  17: 75 e7                 jne 0
     *  19: f4                    hlt */
    static const uint8_t code[] = {
        0xb8, 0x01, 0x00, 0x00, 0x00,
        0xc6, 0x05, 0xf5, 0xff, 0xff, 0xff, 0x07,
        0xff, 0xc1,
        0x83, 0xf9, 0x02,
        0x75, 0xed,
        0xf4,
    };
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 0);
    DbtStop st = run_bytes(fx, code, sizeof(code));
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 7);
}

/* an instruction budget stops exactly */
static void test_budget(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = { 0x48, 0xff, 0xc0, 0xeb, 0xfb };  /* 1: inc rax; jmp 1b */
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0);
    uint8_t *at = fx->mem + 0x2000;
    memcpy(at, code, sizeof(code));
    dbt_cpu_flush_code(fx->cpu);
    dbt_cpu_set_rip(fx->cpu, (uint64_t)(uintptr_t)at);
    DbtStop st;
    dbt_cpu_run(fx->cpu, 1001, &st);
    g_assert_cmpint(st.reason, ==, DBT_STOP_LIMIT);
    g_assert_cmpuint(st.insns, ==, 1001);
    g_assert_cmpuint(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 501);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* a failed check reports and the test goes on: every failure of a
     * run is reported (with -k, every test runs) */
    g_test_set_nonfatal_assertions();
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/dbt/isa/native-vs-dbt", test_native_vs_dbt);
    ADD("/dbt/isa/faults", test_faults);
    ADD("/dbt/isa/strings", test_strings);
    ADD("/dbt/isa/stack-noncanonical", test_stack_noncanonical);
    ADD("/dbt/isa/self-modifying", test_smc);
    ADD("/dbt/isa/budget", test_budget);
    return g_test_run();
}
