/*
 * test-dbt-diff.c - the differential harness: every instruction form of
 * diff_forms_*.c with random and edge-case operands, run on the host CPU
 * (sandboxed child) and on the emulation, must leave the same registers,
 * flags, x87/SSE state and memory, or raise the same exception at the
 * same instruction.
 *
 * Test paths: /dbt/fpu/<mnemonic>/<form#> and /dbt/x87/... run each
 * FP/SIMD form through the FPU unit alone (fpu_exec); /dbt/cpu/sse/... and
 * /dbt/cpu/x87/... through the whole dbt CPU (vmm/dbt/dbt.h), as are the
 * integer forms /dbt/cpu/int/... and the stack, control-transfer and
 * system forms /dbt/cpu/sys/...; .../sequence run sequences of several
 * forms.
 *
 * Environment: VESSEL_DIFF_CASES=N cases per form (default 16),
 * VESSEL_DIFF_SEED=S or --seed S (default fixed; VESSEL_DIFF_SEED=random
 * picks one; the seed is printed),
 * VESSEL_DIFF_CASE=K runs only case K (reproduction), VESSEL_DIFF_VERBOSE=1
 * prints every case.  `--list-encodings` prints one encoding of every
 * form variant, in hex, for the inventory coverage report.
 */
#include <cpuid.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "diff_gen.h"

#define MAX_REPORTED 4

typedef struct Harness {
    uint64_t seed;
    unsigned cases;
    long only_case;
    bool verbose;
} Harness;

static Harness H;

/* An in-process executor, or NULL for the dbt CPU (batched in a child). */
typedef void (*DiffExecFn)(const DiffCase *c, DiffResult *res);

static void code_hex(const DiffCase *c, char *out, size_t len)
{
    size_t k = 0;
    out[0] = 0;
    for (unsigned n = 0; n < c->ninsn; n++) {
        const DiffInsn *in = &c->insn[n];
        for (unsigned i = 0; i < in->len && k + 4 < len; i++)
            k += (size_t)snprintf(out + k, len - k, "%s%02x", n && !i ? " " : "", c->code[in->offset + i]);
    }
}

/* The initial x87 control/status words and stack (verbose reproduction). */
static void print_fx_init(const DiffCase *c)
{
    uint16_t fcw, fsw;
    memcpy(&fcw, c->init.fx, 2);
    memcpy(&fsw, c->init.fx + 2, 2);
    g_test_message("  fcw %04x fsw %04x ftw %02x mxcsr %02x%02x%02x%02x", fcw, fsw, c->init.fx[4],
                   c->init.fx[27], c->init.fx[26], c->init.fx[25], c->init.fx[24]);
    for (unsigned i = 0; i < 8; i++) {
        const uint8_t *v = c->init.fx + 32 + 16 * i;
        uint64_t mant;
        uint16_t se;
        memcpy(&mant, v, 8);
        memcpy(&se, v + 8, 2);
        g_test_message("  r%u %04x.%016" PRIx64, i, se, mant);
    }
}

/* Generates case @i of a test into @c; returns the RFLAGS undefined mask. */
typedef uint64_t (*DiffGenFn)(DiffRng *r, DiffCase *c, unsigned form, unsigned i);

/* Run the cases of one test: all on the host in one sandboxed child, then
 * each through @exec; report mismatches with a reproduction line. */
static void run_cases(unsigned form, unsigned n, DiffGenFn gen, DiffExecFn exec)
{
    g_autofree DiffResult *emu = NULL;
    g_autofree DiffCase *cases = g_new0(DiffCase, n);
    g_autofree DiffResult *ref = g_new0(DiffResult, n);
    g_autofree uint64_t *undef = g_new0(uint64_t, n);
    g_autofree unsigned *index = g_new0(unsigned, n);
    static DiffResult got;
    char err[256], diff[1024], code[DIFF_MAX_CODE * 3 + 1];
    unsigned m = 0, bad = 0;

    for (unsigned i = 0; i < n; i++) {
        if (H.only_case >= 0 && i != (unsigned)H.only_case)
            continue;
        DiffRng r;
        diff_rng_seed(&r, H.seed, form, i);
        undef[m] = gen(&r, &cases[m], form, i);
        index[m++] = i;
    }
    if (diff_native_run_batch(cases, ref, m, err, sizeof(err)) < 0) {
        g_test_message("native run failed: %s", err);
        g_test_fail();
        return;
    }
    if (!exec) {
        emu = g_new0(DiffResult, m);
        if (diff_dbt_run_batch(cases, emu, m) < 0) {
            g_test_message("dbt batch: fork failed");
            g_test_fail();
            return;
        }
    }
    for (unsigned k = 0; k < m; k++) {
        const DiffCase *c = &cases[k];
        if (exec)
            exec(c, &got);
        else
            got = emu[k];
        bool same = diff_compare(c, &ref[k], &got, undef[k], diff, sizeof(diff));
        code_hex(c, code, sizeof(code));
        if (H.verbose) {
            g_test_message("case %u: code %s: vector %d: %s", index[k], code, ref[k].vector,
                           same ? "ok" : diff);
            print_fx_init(c);
        }
        if (same)
            continue;
        if (bad++ < MAX_REPORTED) {
            g_test_message("MISMATCH seed=%#" PRIx64 " case=%u code=%s: %s", H.seed, index[k], code, diff);
            g_test_message("reproduce: VESSEL_DIFF_CASE=%u VESSEL_DIFF_VERBOSE=1 "
                           "%s --seed %#" PRIx64 " -p %s", index[k], g_get_prgname(), H.seed,
                           g_test_get_path());
        }
    }
    if (bad) {
        g_test_message("%u of %u cases differ", bad, m);
        g_test_fail();
    }
}

/* Form ids: the SSE table from 0, the x87 table from X87_FORM_BASE. */
#define X87_FORM_BASE 1000u
#define INT_FORM_BASE 2000u
#define SYS_FORM_BASE 3000u

static const DiffForm *form_by_id(unsigned id)
{
    if (id >= SYS_FORM_BASE)
        return &diff_sys_forms[id - SYS_FORM_BASE];
    if (id >= INT_FORM_BASE)
        return &diff_int_forms[id - INT_FORM_BASE];
    return id >= X87_FORM_BASE ? &diff_x87_forms[id - X87_FORM_BASE] : &diff_fpu_forms[id];
}

static uint64_t gen_form(DiffRng *r, DiffCase *c, unsigned form, unsigned i)
{
    const DiffForm *f = form_by_id(form);
    diff_gen_state(r, c);
    /* the first cases hit both operand variants deterministically */
    g_assert_true(diff_gen_insn(r, c, f, i == 0, i == 1));
    return f->flags_undef;
}

static void test_fpu_form(gconstpointer data)
{
    run_cases(GPOINTER_TO_UINT(data), H.cases, gen_form, diff_fpu_run);
}

/* The same forms through the whole dbt CPU (decoder, dbt.h API, the
 * core's glue to the FPU unit). */
/* Why the host cannot be compared with for this form, or NULL. */
static const char *host_mismatch(const DiffForm *f)
{
    unsigned a, b, c, d;
    if ((f->flags & DIFF_FORM_HOST_RDTSCP) &&
        !(__get_cpuid(0x80000001, &a, &b, &c, &d) && (d >> 27 & 1)))
        return "the host CPU has no RDTSCP";
    return NULL;
}

static void test_cpu_form(gconstpointer data)
{
    const char *why = host_mismatch(form_by_id(GPOINTER_TO_UINT(data)));
    if (why) {
        g_test_skip(why);
        return;
    }
    run_cases(GPOINTER_TO_UINT(data), H.cases, gen_form, NULL);
}

#define SEQUENCE_FORM 100000u

static uint64_t gen_sequence(DiffRng *r, DiffCase *c, unsigned form, unsigned i)
{
    uint64_t undef = 0;
    bool x87 = form == SEQUENCE_FORM + 1;
    (void)i;
    diff_gen_state(r, c);
    unsigned len = 2 + (unsigned)(diff_rng_next(r) % 4);
    for (unsigned k = 0; k < len; k++) {
        const DiffForm *f;
        do {
            f = x87 ? &diff_x87_forms[diff_rng_next(r) % diff_x87_nforms]
                    : &diff_fpu_forms[diff_rng_next(r) % diff_fpu_nforms];
            /* random FXRSTOR/FRSTOR/FLDENV images mostly fault or stop
             * the sequence: keep them to the per-form tests */
        } while (strstr(f->name, "rstor") || strstr(f->name, "ldenv"));
        g_assert_true(diff_gen_insn(r, c, f, false, false));
        undef |= f->flags_undef;
    }
    return undef;
}

static void test_fpu_sequence(void)
{
    run_cases(SEQUENCE_FORM, H.cases * 8, gen_sequence, diff_fpu_run);
}

static void test_x87_sequence(void)
{
    run_cases(SEQUENCE_FORM + 1, H.cases * 8, gen_sequence, diff_fpu_run);
}

/* Integer sequences (lazy flags consumed by later instructions): only
 * forms whose undefined flags nobody reads (AF: LAHF excluded). */
static uint64_t gen_int_sequence(DiffRng *r, DiffCase *c, unsigned form, unsigned i)
{
    (void)form;
    (void)i;
    diff_gen_state(r, c);
    unsigned len = 2 + (unsigned)(diff_rng_next(r) % 5);
    for (unsigned k = 0; k < len; k++) {
        const DiffForm *f;
        do {
            unsigned n = (unsigned)(diff_rng_next(r) % (diff_int_nforms + diff_sys_nforms));
            f = n < diff_int_nforms ? &diff_int_forms[n] : &diff_sys_forms[n - diff_int_nforms];
        } while ((f->flags_undef & ~0x10ull) || f->flags || f->gpr_undef ||
                 !strcmp(f->name, "lahf"));
        g_assert_true(diff_gen_insn(r, c, f, false, false));
    }
    return 0x10;
}

static void test_int_sequence(void)
{
    run_cases(SEQUENCE_FORM + 2, H.cases * 8, gen_int_sequence, NULL);
}

/* Unmasked underflow (UM clear) with results that are tiny: PE must say
 * whether the result rounded with an unbounded exponent is inexact, as
 * the host does.  Each form has a result that is exact there but not as
 * a denormal, and (mulss, cvtsd2ss) one inexact either way.  Fixed
 * operands: random ones rarely hit this. */
static const struct {
    DiffForm form;
    uint64_t dst[2], src[2];
    uint32_t mxcsr;
} underflow_cases[] = {
    { { "mulss", "F3 0F 59 /r", "xmm", "xmm", 0 }, { 0x1c800000 }, { 0x21800001 }, 0x1780 },
    { { "mulss", "F3 0F 59 /r", "xmm", "xmm", 0 }, { 0x1c800001 }, { 0x21800001 }, 0x1780 },
    { { "mulps", "0F 59 /r", "xmm", "xmm", 0 }, { 0x3f8000003f800000ull, 0x3f8000001c800000ull },
      { 0x3f8000003f800000ull, 0x3f80000021800001ull }, 0x9780 },
    { { "divsd", "F2 0F 5E /r", "xmm", "xmm", 0 }, { 0x0170000000000001ull }, { 0x41d0000000000000ull },
      0x1780 },
    { { "cvtsd2ss", "F2 0F 5A /r", "xmm", "xmm", 0 }, { 0 }, { 0x37d0000020000000ull }, 0x1780 },
    { { "cvtsd2ss", "F2 0F 5A /r", "xmm", "xmm", 0 }, { 0 }, { 0x37d0000020000001ull }, 0x1780 },
};

static uint64_t gen_underflow(DiffRng *r, DiffCase *c, unsigned form, unsigned i)
{
    (void)form;
    i %= G_N_ELEMENTS(underflow_cases);
    diff_gen_state(r, c);
    g_assert_true(diff_gen_insn(r, c, &underflow_cases[i].form, false, true));
    const FpuInsn *in = &c->insn[0].fpu;
    memcpy(c->init.fx + 160 + 16 * in->reg, underflow_cases[i].dst, 16);
    memcpy(c->init.fx + 160 + 16 * in->rm, underflow_cases[i].src, 16);
    memcpy(c->init.fx + 24, &underflow_cases[i].mxcsr, 4);
    return 0;
}

static void test_underflow_pe(void)
{
    run_cases(SEQUENCE_FORM + 3, G_N_ELEMENTS(underflow_cases), gen_underflow, diff_fpu_run);
    run_cases(SEQUENCE_FORM + 3, G_N_ELEMENTS(underflow_cases), gen_underflow, NULL);
}

/* One encoding per form variant (register, memory), for coverage.py. */
static void list_encodings(void)
{
    static DiffCase c;
    unsigned nint = diff_fpu_nforms + diff_x87_nforms + diff_int_nforms;
    for (unsigned k = 0; k < nint + diff_sys_nforms; k++) {
        unsigned form = k < diff_fpu_nforms ? k
                        : k < diff_fpu_nforms + diff_x87_nforms ? X87_FORM_BASE + k - diff_fpu_nforms
                        : k < nint ? INT_FORM_BASE + k - diff_fpu_nforms - diff_x87_nforms
                        : SYS_FORM_BASE + k - nint;
        for (int v = 0; v < 2; v++) {
            DiffRng r;
            diff_rng_seed(&r, 1, form, (unsigned)v);
            diff_gen_state(&r, &c);
            if (!diff_gen_insn(&r, &c, form_by_id(form), v == 0, v == 1))
                continue;
            printf("%s\t", form_by_id(form)->name);
            for (unsigned i = 0; i < c.code_len; i++)
                printf("%02x", c.code[i]);
            printf("\n");
        }
    }
}

static void harness_init(void)
{
    const char *s = g_getenv("VESSEL_DIFF_SEED");
    H.seed = 0x5eed0001;
    if (s && !strcmp(s, "random"))
        H.seed = g_random_int() | (uint64_t)g_random_int() << 32;
    else if (s)
        H.seed = g_ascii_strtoull(s, NULL, 0);
    s = g_getenv("VESSEL_DIFF_CASES");
    H.cases = s ? (unsigned)atoi(s) : 16;
    if (H.cases < 2)
        H.cases = 2;
    s = g_getenv("VESSEL_DIFF_CASE");
    H.only_case = s ? atol(s) : -1;
    H.verbose = g_getenv("VESSEL_DIFF_VERBOSE") != NULL;
}

int main(int argc, char **argv)
{
    const char *seed_arg = NULL;
    int out = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list-encodings")) {
            list_encodings();
            return 0;
        }
        /* --seed N / --seed=N (a number) is ours; GLib's own "R02S..."
         * seeds pass through. */
        if (!strcmp(argv[i], "--seed") && i + 1 < argc && g_ascii_isdigit(argv[i + 1][0])) {
            seed_arg = argv[++i];
            continue;
        }
        if (g_str_has_prefix(argv[i], "--seed=") && g_ascii_isdigit(argv[i][7])) {
            seed_arg = argv[i] + 7;
            continue;
        }
        argv[out++] = argv[i];
    }
    argc = out;
    argv[argc] = NULL;
    g_test_init(&argc, &argv, NULL);
    harness_init();
    if (seed_arg)
        H.seed = g_ascii_strtoull(seed_arg, NULL, 0);
    printf("# seed %#" PRIx64 ", %u cases per form, %u SSE + %u x87 + %u integer + %u system forms\n",
           H.seed, H.cases, diff_fpu_nforms, diff_x87_nforms, diff_int_nforms, diff_sys_nforms);

    for (unsigned i = 0; i < diff_fpu_nforms; i++) {
        g_autofree char *path = g_strdup_printf("/dbt/fpu/%s/%u", diff_fpu_forms[i].name, i);
        g_test_add_data_func(path, GUINT_TO_POINTER(i), test_fpu_form);
    }
    for (unsigned i = 0; i < diff_x87_nforms; i++) {
        g_autofree char *path = g_strdup_printf("/dbt/x87/%s/%u", diff_x87_forms[i].name, i);
        g_test_add_data_func(path, GUINT_TO_POINTER(X87_FORM_BASE + i), test_fpu_form);
    }
    for (unsigned i = 0; i < diff_fpu_nforms; i++) {
        g_autofree char *path = g_strdup_printf("/dbt/cpu/sse/%s/%u", diff_fpu_forms[i].name, i);
        g_test_add_data_func(path, GUINT_TO_POINTER(i), test_cpu_form);
    }
    for (unsigned i = 0; i < diff_x87_nforms; i++) {
        g_autofree char *path = g_strdup_printf("/dbt/cpu/x87/%s/%u", diff_x87_forms[i].name, i);
        g_test_add_data_func(path, GUINT_TO_POINTER(X87_FORM_BASE + i), test_cpu_form);
    }
    for (unsigned i = 0; i < diff_int_nforms; i++) {
        g_autofree char *path = g_strdup_printf("/dbt/cpu/int/%s/%u", diff_int_forms[i].name, i);
        g_test_add_data_func(path, GUINT_TO_POINTER(INT_FORM_BASE + i), test_cpu_form);
    }
    for (unsigned i = 0; i < diff_sys_nforms; i++) {
        g_autofree char *path = g_strdup_printf("/dbt/cpu/sys/%s/%u", diff_sys_forms[i].name, i);
        g_test_add_data_func(path, GUINT_TO_POINTER(SYS_FORM_BASE + i), test_cpu_form);
    }
    g_test_add_func("/dbt/fpu/sequence", test_fpu_sequence);
    g_test_add_func("/dbt/x87/sequence", test_x87_sequence);
    g_test_add_func("/dbt/cpu/int/sequence", test_int_sequence);
    g_test_add_func("/dbt/fpu/underflow-pe", test_underflow_pe);
    return g_test_run();
}
