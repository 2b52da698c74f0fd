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
 * What is not compared comes from vmm/dbt/vendor.def (diff_mask.c): the
 * bits the SDM leaves undefined for each case, on every host, and where
 * Intel and AMD differ, on a host whose vendor (CPUID leaf 0) is not the
 * one the dbt CPU advertises; the TAP output says how many comparisons
 * that masked.  /dbt/vendor/... test the masking itself with both
 * vendors' outcomes, on any host.
 *
 * Environment: VESSEL_DIFF_CASES=N cases per form (default 16),
 * VESSEL_DIFF_SEED=S adds seed S to the fixed one (VESSEL_DIFF_SEED=random
 * picks one); --seed S runs S alone (reproduction); the seeds are printed.
 * VESSEL_DIFF_CASE=K runs only case K (reproduction), VESSEL_DIFF_VERBOSE=1
 * prints every case, VESSEL_DIFF_HOST_VENDOR=GenuineIntel compares as on
 * an Intel host.  `--list-encodings` prints one encoding of every
 * form variant, in hex, for the inventory coverage report;
 * `--vendor-table` the table of vmm/dbt/README.
 */
#include <cpuid.h>
#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "diff.h"
#include "diff_gen.h"
#include "diff_mask.h"

#define MAX_REPORTED 4

#define FIXED_SEED 0x5eed0001ull
#define MAX_ROWS 64

typedef struct Harness {
    uint64_t seeds[2];
    unsigned nseeds;
    unsigned cases;
    long only_case;
    bool verbose;
    bool other_vendor;          /* the host is not of the advertised vendor */
    unsigned masked[MAX_ROWS];  /* per VENDOR row: cases masked ... */
    unsigned differed[MAX_ROWS];/* ... and of those, cases that differed there */
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

/* Generates case @i of a test into @c; returns the RFLAGS bits to mask
 * beyond the rows of vendor.def (sequences: the union of their forms'
 * columns; single forms: 0, the rows mask exactly). */
typedef uint64_t (*DiffGenFn)(DiffRng *r, DiffCase *c, unsigned form, unsigned i);

/* A case whose emulated run faults (#PF) outside the sandbox window, at
 * a page the host's test process has mapped, ran against other memory on
 * the host: the window is all the two share, and the host process may
 * have memory anywhere else (ASan's shadow covers 0x7fff8000-0x8fff6fff,
 * where a boundary value such as RDI = 0x7fffffff points).  Such a case
 * is not comparable; it is counted and said, never hidden. */
static unsigned host_mapped_skipped;

static bool host_has_memory_at_fault(const DiffResult *ref, const DiffResult *got)
{
    if (got->vector != 14 || ref->vector == 14)
        return false;
    uint64_t page = got->cr2 & ~0xfffull;
    if (page + 0x1000 > DIFF_BASE && page < DIFF_BASE + DIFF_WINDOW)
        return false;
    if (page == 0 || page > 0x7ffffffff000ull)
        return false;
    return msync((void *)(uintptr_t)page, 0x1000, MS_ASYNC) == 0;
}

/* Masks case @c by the rows (VENDOR rows if the host is of another
 * vendor) and compares; counts the VENDOR rows that applied and whether
 * the case differs where they masked. */
static bool compare_case(const DiffCase *c, const DiffResult *ref, const DiffResult *got,
                         uint64_t undef, char *out, unsigned outlen, unsigned *vmasked)
{
    bool applied[MAX_ROWS];
    DiffMask m;
    if (host_has_memory_at_fault(ref, got)) {
        host_mapped_skipped++;
        g_test_message("not comparable: the emulated run faults at %#" PRIx64
                       ", where the host process has memory", got->cr2);
        return true;
    }
    diff_mask_case(c, ref, H.other_vendor, &m, applied);
    m.rflags |= undef;
    bool same = diff_compare(c, ref, got, &m, out, outlen);
    bool vendor = false;
    for (unsigned r = 0; r < diff_nrows; r++)
        vendor |= applied[r] && diff_rows[r].kind == DIFF_ROW_VENDOR;
    if (!vendor)
        return same;
    char scratch[64];
    diff_mask_case(c, ref, false, &m, NULL);
    m.rflags |= undef;
    bool strict = diff_compare(c, ref, got, &m, scratch, sizeof(scratch));
    for (unsigned r = 0; r < diff_nrows; r++) {
        if (!applied[r] || diff_rows[r].kind != DIFF_ROW_VENDOR)
            continue;
        H.masked[r]++;
        H.differed[r] += same && !strict;
        vmasked[r]++;
    }
    return same;
}

/* The cases of one test for one seed: all on the host in one sandboxed
 * child, then each through @exec; mismatches reported with a
 * reproduction line.  Returns the number of mismatches. */
static unsigned run_seed(uint64_t seed, unsigned form, unsigned n, DiffGenFn gen, DiffExecFn exec,
                         unsigned *vmasked)
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
        diff_rng_seed(&r, seed, form, i);
        undef[m] = gen(&r, &cases[m], form, i);
        index[m++] = i;
    }
    if (diff_native_run_batch(cases, ref, m, err, sizeof(err)) < 0) {
        g_test_message("native run failed: %s", err);
        return 1;
    }
    if (!exec) {
        emu = g_new0(DiffResult, m);
        if (diff_dbt_run_batch(cases, emu, m) < 0) {
            g_test_message("dbt batch: fork failed");
            return 1;
        }
    }
    for (unsigned k = 0; k < m; k++) {
        const DiffCase *c = &cases[k];
        if (exec)
            exec(c, &got);
        else
            got = emu[k];
        bool same = compare_case(c, &ref[k], &got, undef[k], diff, sizeof(diff), vmasked);
        code_hex(c, code, sizeof(code));
        if (H.verbose) {
            g_test_message("case %u: code %s: vector %d: %s", index[k], code, ref[k].vector,
                           same ? "ok" : diff);
            g_test_message("  host: at +%" PRIu64 " cr2 %#" PRIx64 " rflags %#" PRIx64
                           " rcx %#" PRIx64 " rsi %#" PRIx64 " rdi %#" PRIx64
                           " (initial rflags %#" PRIx64 ")", ref[k].fault_off, ref[k].cr2,
                           ref[k].st.rflags, ref[k].st.gpr[1], ref[k].st.gpr[6],
                           ref[k].st.gpr[7], c->init.rflags);
            print_fx_init(c);
        }
        if (same)
            continue;
        if (bad++ < MAX_REPORTED) {
            g_test_message("MISMATCH seed=%#" PRIx64 " case=%u code=%s: %s", seed, index[k], code, diff);
            g_test_message("reproduce: VESSEL_DIFF_CASE=%u VESSEL_DIFF_VERBOSE=1 "
                           "%s --seed %#" PRIx64 " -p %s", index[k], g_get_prgname(), seed,
                           g_test_get_path());
        }
    }
    if (bad)
        g_test_message("seed %#" PRIx64 ": %u of %u cases differ", seed, bad, m);
    return bad;
}

/* Run the cases of one test for every seed. */
static void run_cases(unsigned form, unsigned n, DiffGenFn gen, DiffExecFn exec)
{
    unsigned bad = 0, vmasked[MAX_ROWS] = { 0 };
    for (unsigned s = 0; s < H.nseeds; s++)
        bad += run_seed(H.seeds[s], form, n, gen, exec, vmasked);
    GString *v = g_string_new(NULL);
    for (unsigned r = 0; r < diff_nrows; r++)
        if (vmasked[r])
            g_string_append_printf(v, " %s %u", diff_rows[r].id, vmasked[r]);
    if (v->len)
        g_test_message("masked as vendor differences (host %s):%s", diff_host_vendor(), v->str);
    g_string_free(v, TRUE);
    if (bad)
        g_test_fail();
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
    return 0;       /* the rows of vendor.def mask what is undefined */
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
            /* LAHF and PUSHF would store an undefined AF */
        } while ((f->flags_undef & ~0x10ull) || f->flags || f->gpr_undef ||
                 !strcmp(f->name, "lahf") || !strcmp(f->name, "pushf"));
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

/* ---------------------------------------------------------- the masking */

static void check(bool ok, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void check(bool ok, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_test_message("%s", msg);
    g_test_fail();
}

/* Every VENDOR row with its sample, as an Intel host and as an AMD host
 * would see it: on Intel the AMD outcome is a mismatch (every bit is
 * compared); on AMD it passes, masked, but not with one more difference
 * outside the row's bits, nor on a form the row does not list. */
static void test_vendor_masking(void)
{
    unsigned n = 0;
    for (unsigned r = 0; r < diff_nrows; r++) {
        const DiffRow *row = &diff_rows[r];
        if (row->kind != DIFF_ROW_VENDOR)
            continue;
        static DiffSample s;
        DiffMask m;
        bool applied[MAX_ROWS];
        char out[512];
        row->sample(&s);
        n++;

        diff_mask_case(&s.c, &s.amd, false, &m, applied);
        check(!applied[r], "%s: applied on a host of the advertised vendor", row->id);
        check(diff_compare(&s.c, &s.intel, &s.intel, &m, out, sizeof(out)),
              "%s: the Intel outcome differs from itself: %s", row->id, out);
        check(!diff_compare(&s.c, &s.amd, &s.intel, &m, out, sizeof(out)),
              "%s: the AMD outcome passes on an Intel host", row->id);

        diff_mask_case(&s.c, &s.amd, true, &m, applied);
        check(applied[r], "%s: not applied on an AMD host", row->id);
        check(diff_compare(&s.c, &s.amd, &s.intel, &m, out, sizeof(out)),
              "%s: the AMD outcome is not masked on an AMD host: %s", row->id, out);
        static const struct {
            unsigned gpr;
            uint64_t bits, rflags;
            unsigned fx;
        } more[] = { { 11, 0x100000, 0, 0 }, { 0, 0x4, 0, 0 }, { 0, 0, 0x400, 0 },
                     { 0, 0, 0, 24 }, { 0, 0, 0, 2 } };
        for (unsigned k = 0; k < G_N_ELEMENTS(more); k++) {
            static DiffResult amd;
            amd = s.amd;
            amd.st.gpr[more[k].gpr] ^= more[k].bits;
            amd.st.rflags ^= more[k].rflags;
            if (more[k].fx)
                amd.st.fx[more[k].fx] ^= 1;          /* MXCSR.IE, FSW.IE */
            check(!diff_compare(&s.c, &amd, &s.intel, &m, out, sizeof(out)),
                  "%s: a difference outside the row (%u) is masked", row->id, k);
        }
        diff_mask_case(&s.unlisted, &s.amd, true, &m, applied);
        check(!applied[r], "%s: applied to a form it does not list", row->id);
        check(!diff_compare(&s.unlisted, &s.amd, &s.intel, &m, out, sizeof(out)),
              "%s: the difference is masked on a form the row does not list", row->id);
    }
    check(n > 0, "no VENDOR rows");
    g_test_message("%u vendor rows, each checked as an Intel and as an AMD host would", n);
}

/* A case of the single instruction @code with RCX = @rcx. */
static void one_insn(DiffCase *c, const uint8_t *code, unsigned len, uint64_t rcx)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->code, code, len);
    c->code_len = len;
    c->ninsn = 1;
    c->insn[0].len = (uint8_t)len;
    c->insn[0].base = -1;
    c->init.gpr[1] = rcx;
}

/* The UNDEF rows: flags by the instruction and its count, per the SDM. */
static void test_vendor_undefined(void)
{
    static const struct {
        const char *name;
        uint8_t code[4];
        unsigned len;
        uint64_t rcx, want;
    } t[] = {
        { "shl al, cl=0", { 0xd2, 0xe0 }, 2, 0, 0 },
        { "shl al, cl=1", { 0xd2, 0xe0 }, 2, 1, 0x10 },
        { "shl al, cl=2", { 0xd2, 0xe0 }, 2, 2, 0x810 },
        { "shl al, cl=8", { 0xd2, 0xe0 }, 2, 8, 0x811 },
        { "shl al, cl=0x20 (masked 0)", { 0xd2, 0xe0 }, 2, 0x20, 0 },
        { "shl al, cl=0x121 (masked 1)", { 0xd2, 0xe0 }, 2, 0x121, 0x10 },
        { "shr ax, cl=16", { 0x66, 0xd3, 0xe8 }, 3, 16, 0x811 },
        { "sar al, cl=9", { 0xd2, 0xf8 }, 2, 9, 0x810 },
        { "shl eax, cl=31", { 0xd3, 0xe0 }, 2, 31, 0x810 },
        { "shl eax, cl=32 (masked 0)", { 0xd3, 0xe0 }, 2, 32, 0 },
        { "shl rax, cl=32", { 0x48, 0xd3, 0xe0 }, 3, 32, 0x810 },
        { "shl rax, 1", { 0x48, 0xd1, 0xe0 }, 3, 0, 0x10 },
        { "sar ecx, 9", { 0xc1, 0xf9, 9 }, 3, 0, 0x810 },
        { "rol al, 1", { 0xd0, 0xc0 }, 2, 0, 0 },
        { "rol al, 3", { 0xc0, 0xc0, 3 }, 3, 0, 0x800 },
        { "rol al, 8", { 0xc0, 0xc0, 8 }, 3, 0, 0x800 },
        { "rcr al, cl=9", { 0xd2, 0xd8 }, 2, 9, 0x800 },
        { "rol eax, cl=0", { 0xd3, 0xc0 }, 2, 0, 0 },
        { "ror rax, cl=1", { 0x48, 0xd3, 0xc8 }, 3, 1, 0 },
        { "shld eax, ebx, cl=0", { 0x0f, 0xa5, 0xd8 }, 3, 0, 0 },
        { "shld eax, ebx, cl=1", { 0x0f, 0xa5, 0xd8 }, 3, 1, 0x10 },
        { "shrd eax, ebx, 5", { 0x0f, 0xac, 0xd8, 5 }, 4, 0, 0x810 },
        { "and eax, ebx", { 0x21, 0xd8 }, 2, 0, 0x10 },
        { "test al, 1", { 0xa8, 1 }, 2, 0, 0x10 },
        { "add eax, ebx", { 0x01, 0xd8 }, 2, 0, 0 },
        { "mul ebx", { 0xf7, 0xe3 }, 2, 0, 0xd4 },
        { "imul eax, ebx", { 0x0f, 0xaf, 0xc3 }, 3, 0, 0xd4 },
        { "div ebx", { 0xf7, 0xf3 }, 2, 0, 0x8d5 },
        { "bt eax, ebx", { 0x0f, 0xa3, 0xd8 }, 3, 0, 0x894 },
        { "bsf eax, ebx", { 0x0f, 0xbc, 0xc3 }, 3, 0, 0x895 },
        { "tzcnt eax, ebx", { 0xf3, 0x0f, 0xbc, 0xc3 }, 4, 0, 0x8d5 },
        { "popcnt eax, ebx", { 0xf3, 0x0f, 0xb8, 0xc3 }, 4, 0, 0 },
        { "lar eax, ebx", { 0x0f, 0x02, 0xc3 }, 3, 0, 0 },
    };
    static const DiffResult done = { .vector = -1 };
    for (unsigned k = 0; k < G_N_ELEMENTS(t); k++) {
        static DiffCase c;
        DiffMask m;
        one_insn(&c, t[k].code, t[k].len, t[k].rcx);
        diff_mask_case(&c, &done, true, &m, NULL);
        check(m.rflags == t[k].want, "%s: RFLAGS mask %#" PRIx64 ", want %#" PRIx64, t[k].name,
              m.rflags, t[k].want);
    }
}

/* The forms' RFLAGS column bounds what the rows mask for any case of the
 * form (sequences pick their forms by it). */
static void test_vendor_bounds(void)
{
    static const DiffResult done = { .vector = -1 };
    static const struct {
        const DiffForm *forms;
        const unsigned *n;
    } tables[] = {
        { diff_fpu_forms, &diff_fpu_nforms }, { diff_x87_forms, &diff_x87_nforms },
        { diff_int_forms, &diff_int_nforms }, { diff_sys_forms, &diff_sys_nforms },
    };
    unsigned cases = 0;
    for (unsigned t = 0; t < G_N_ELEMENTS(tables); t++) {
        for (unsigned f = 0; f < *tables[t].n; f++) {
            const DiffForm *form = &tables[t].forms[f];
            for (unsigned i = 0; i < 32; i++) {
                static DiffCase c;
                DiffRng r;
                DiffMask m;
                diff_rng_seed(&r, FIXED_SEED, t * 1000 + f, i);
                diff_gen_state(&r, &c);
                g_assert_true(diff_gen_insn(&r, &c, form, i == 0, i == 1));
                diff_mask_case(&c, &done, true, &m, NULL);
                check(!(m.rflags & ~form->flags_undef),
                      "%s \"%s\": the rows mask %#" PRIx64 " beyond the column %#" PRIx64,
                      form->name, form->enc, m.rflags, form->flags_undef);
                cases++;
            }
        }
    }
    g_test_message("%u cases", cases);
}

/* The dbt CPU advertises the vendor the masking assumes. */
static void test_vendor_model(void)
{
    static DiffCase c;
    static DiffResult res;
    one_insn(&c, (const uint8_t[]){ 0x0f, 0xa2 }, 2, 0);
    c.init.gpr[4] = DIFF_STACK;
    c.init.rflags = 0x202;
    g_assert_cmpint(diff_dbt_run_batch(&c, &res, 1), ==, 0);
    char v[13] = { 0 };
    memcpy(v, &res.st.gpr[3], 4);
    memcpy(v + 4, &res.st.gpr[2], 4);
    memcpy(v + 8, &res.st.gpr[1], 4);
    g_assert_cmpint(res.vector, ==, -1);
    g_assert_cmpstr(v, ==, DIFF_MODEL_VENDOR);
}

static void harness_init(void)
{
    H.seeds[0] = FIXED_SEED;
    H.nseeds = 1;
    const char *s = g_getenv("VESSEL_DIFF_SEED");
    if (s && *s) {
        uint64_t seed = !strcmp(s, "random") ? g_random_int() | (uint64_t)g_random_int() << 32
                                             : g_ascii_strtoull(s, NULL, 0);
        if (seed != FIXED_SEED)
            H.seeds[H.nseeds++] = seed;
    }
    s = g_getenv("VESSEL_DIFF_CASES");
    H.cases = s ? (unsigned)atoi(s) : 16;
    if (H.cases < 2)
        H.cases = 2;
    s = g_getenv("VESSEL_DIFF_CASE");
    H.only_case = s ? atol(s) : -1;
    H.verbose = g_getenv("VESSEL_DIFF_VERBOSE") != NULL;
    /* VESSEL_DIFF_HOST_VENDOR=GenuineIntel pretends the host is of the
     * advertised vendor (every vendor row compared): what an Intel host
     * that behaved like this one would report */
    s = g_getenv("VESSEL_DIFF_HOST_VENDOR");
    H.other_vendor = strcmp(s && *s ? s : diff_host_vendor(), DIFF_MODEL_VENDOR) != 0;
}

/* After the run: how many comparisons the vendor rows masked. */
static void print_vendor_summary(void)
{
    unsigned masked = 0, differed = 0;
    GString *per = g_string_new(NULL);
    for (unsigned r = 0; r < diff_nrows; r++) {
        masked += H.masked[r];
        differed += H.differed[r];
        if (H.masked[r])
            g_string_append_printf(per, "%s %s %u (%u differed)", per->len ? "," : "",
                                   diff_rows[r].id, H.masked[r], H.differed[r]);
    }
    if (H.other_vendor)
        printf("# host %s, model %s: %u comparisons masked by the vendor rows of "
               "vmm/dbt/vendor.def, %u of which differed:%s\n", diff_host_vendor(),
               DIFF_MODEL_VENDOR, masked, differed, per->len ? per->str : " none");
    else
        printf("# host %s = model %s: every bit compared, 0 comparisons masked by vendor rows\n",
               diff_host_vendor(), DIFF_MODEL_VENDOR);
    g_string_free(per, TRUE);
    printf("# %u cases not comparable: the emulated run faulted where the host process "
           "has memory outside the window\n", host_mapped_skipped);
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
        if (!strcmp(argv[i], "--vendor-table")) {
            diff_rows_print(stdout);
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
    g_test_set_nonfatal_assertions();   /* report every failure, go on */
    harness_init();
    g_assert_cmpuint(diff_nrows, <=, MAX_ROWS);
    if (seed_arg) {
        H.seeds[0] = g_ascii_strtoull(seed_arg, NULL, 0);
        H.nseeds = 1;
    }
    GString *seeds = g_string_new(NULL);
    for (unsigned k = 0; k < H.nseeds; k++)
        g_string_append_printf(seeds, "%s%#" PRIx64 "%s", k ? " and " : "", H.seeds[k],
                               H.seeds[k] == FIXED_SEED ? " (fixed)"
                               : seed_arg ? " (--seed)" : " (VESSEL_DIFF_SEED)");
    printf("# seed %s, %u cases per form, %u SSE + %u x87 + %u integer + %u system forms\n",
           seeds->str, H.cases, diff_fpu_nforms, diff_x87_nforms, diff_int_nforms,
           diff_sys_nforms);
    printf("# host CPU %s, dbt CPU %s: %s\n", diff_host_vendor(), DIFF_MODEL_VENDOR,
           H.other_vendor ? "the vendor rows of vmm/dbt/vendor.def are masked"
                          : "every bit compared but what the SDM leaves undefined");
    g_string_free(seeds, TRUE);

    g_test_add_func("/dbt/vendor/masking", test_vendor_masking);
    g_test_add_func("/dbt/vendor/undefined-flags", test_vendor_undefined);
    g_test_add_func("/dbt/vendor/bounds", test_vendor_bounds);
    g_test_add_func("/dbt/vendor/model", test_vendor_model);
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
    int rc = g_test_run();
    print_vendor_summary();
    return rc;
}
