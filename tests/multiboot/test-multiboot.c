/* test-multiboot.c - the multiboot test kernels of this directory, run
 * the way OS developers run theirs under QEMU: `vessel-vmm --kernel K
 * --machine test --serial stdio`, the kernel's verdict written to
 * isa-debug-exit (exit status (failures << 1) | 1).
 *
 * Every kernel runs under each accelerator with the same assertions:
 * /multiboot/dbt/... always, /multiboot/kvm/... where /dev/kvm runs
 * ordinary guests (host_kvm_auto(), as --accel auto decides; skipped
 * with the reason otherwise).  A case passes when the VMM exits with
 * status 1 (zero failures), every check the case names printed PASS
 * (or SKIP where the accelerator is allowed to lack the feature), and
 * nothing printed FAIL; a kernel that silently skipped a check fails.
 *
 * /multiboot/qemu/... runs the same kernels under qemu-system-x86_64
 * -accel tcg when it is installed: the kernels test hardware behaviour,
 * not vessel's, so they must pass on QEMU too (where QEMU's TCG differs
 * from the hardware the kernels skip that check, saying so).
 *
 * Also: modules and their strings as QEMU's -initrd a,b gives them, the
 * exit status for a failing kernel, the default machine without the test
 * devices, and loader errors. */
#include "config.h"

#include "host_kvm.h"
#include "vtest.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    const char *kernel;      /* file under tests/multiboot */
    const char *const *args; /* extra vessel-vmm arguments */
    const char *const *checks;
    const char *kvm_may_skip; /* space-separated checks KVM may SKIP */
} MbCase;

static const char *const info_checks[] = {
    "mb-magic", "mb-flags", "mb-mem-lower", "mb-mem-upper", "mb-mmap", "mb-loader-name",
    "mb-module-aligned", "fw-cfg-signature", "fw-cfg-id", "fw-cfg-dma-signature",
    "fw-cfg-ram-size", "fw-cfg-nb-cpus", "fw-cfg-boot-device", "fw-cfg-cmdline",
    "fw-cfg-past-end", "fw-cfg-file-dir", "fw-cfg-dma-e820", "fw-cfg-dma-skip",
    "fw-cfg-dma-write-refused", "testdev-ioport", "testdev-iomem", NULL };
static const char *const cpu_checks[] = {
    "exc32-de", "exc32-ud", "exc32-bp", "exc32-int-n", "exc32-gp-beyond-gdt",
    "exc32-gp-system-desc", "exc32-np-segment", "exc32-ds-dpl3", "exc32-gp-ss-readonly",
    "exc32-gp-ss-dpl", "exc32-limit-inside", "exc32-gp-limit", "exc32-ss-limit",
    "exc32-np-gate", "exc32-gp-idt-limit", "ring3-int-dpl3-gate", "ring3-gp-cli",
    "ring3-gp-hlt", "ring3-gp-dpl0-gate", "ring3-ss-push", "pg32-on", "pg32-pf-read",
    "pg32-pf-write", "pg32-pf-ro-write", "pg32-pf-4m-absent", "pg32-pf-fetch", "pg32-wp-off",
    "pg32-accessed-dirty", "pg32-pf-user", "pg32-invlpg", "pae-on", "pae-pf-read",
    "pae-pf-ro-write", "pae-pf-2m-absent", "pae-pf-nx-fetch", NULL };
static const char *const modes_checks[] = {
    "pm16-addressing", "rm-int-ivt", "rm-de-ivt", "rm-segments", "rm-32bit-operand",
    "rm-rep-movsb", "rm-far-call", "rm-flags", "rm-back-to-pm32", "lm-active", "lm-pf-read",
    "lm-pf-write", "lm-gp-noncanonical", "lm-ss-push-noncanonical", "lm-ss-rbp-noncanonical",
    "lm-ud", "lm-gp-branch-noncanonical", "lm-int-gate64", "lm-mul64", "lm-left", NULL };
static const char *const apic_checks[] = {
    "apic-version", "apic-id-bsp", "apic-tpr", "apic-self-ipi", "apic-tpr-priority",
    "apic-timer-oneshot", "apic-timer-periodic", "apic-tsc-deadline", "x2apic-enable",
    "x2apic-id-ldr", "x2apic-self-ipi", "x2apic-gp-eoi-nonzero", "x2apic-gp-to-xapic",
    "x2apic-back-to-xapic", "init-sipi", "init-sipi-again", "init-sipi-one", NULL };
static const char *const irq_checks[] = {
    "pit-counter", "pit-ioapic", "pit-pic-extint", "ioapic-edge", "ioapic-level-remote-irr",
    "ioapic-level-held", "ioapic-level-eoi", "ioapic-level-retrigger", "ioapic-level-masked",
    "ioapic-eoi-register", NULL };
static const char *const sieve_checks[] = { "sieve", "strings", NULL };

static const char *const apic_args[] = { "--cpus", "3", NULL };
static const char *const sieve_args[] = { "--cmdline", "n=100000 rounds=2", NULL };

/* KVM here runs without its in-kernel irqchip: CPUID hides x2APIC and
 * the TSC-deadline timer (vmm/README), and the kernel says SKIP. */
static const MbCase cases[] = {
    { "mbcpu.elf", NULL, cpu_checks, "" },
    { "mbmodes.elf", NULL, modes_checks, "" },
    { "mbapic.elf", apic_args, apic_checks,
      "apic-tsc-deadline x2apic-enable x2apic-id-ldr x2apic-self-ipi x2apic-gp-eoi-nonzero "
      "x2apic-gp-to-xapic x2apic-back-to-xapic" },
    { "mbirq.elf", NULL, irq_checks, "" },
    { "sieve.elf", sieve_args, sieve_checks, "" },
};

static char *kernel_path(const char *name)
{
    g_autofree char *rel = g_strdup_printf("tests/multiboot/%s", name);
    return vt_build_path(rel);
}

static gboolean qemu_available(char **path)
{
    *path = g_find_program_in_path("qemu-system-x86_64");
    return *path != NULL;
}

/* Skip a kvm case unless /dev/kvm runs ordinary guests here. */
static gboolean accel_usable(const char *accel)
{
    if (!strcmp(accel, "kvm")) {
        g_autofree char *why = NULL;
        if (!host_kvm_auto_probe(&why)) {
            g_autofree char *msg = g_strdup_printf("KVM cannot be used: %s", why);
            g_test_skip(msg);
            return FALSE;
        }
    } else if (!strcmp(accel, "qemu")) {
        g_autofree char *q = NULL;
        if (!qemu_available(&q)) {
            g_test_skip("qemu-system-x86_64 is not installed (the cross-check needs it)");
            return FALSE;
        }
    }
    return TRUE;
}

/* Run @kernel under @accel (dbt, kvm or qemu) with vessel-vmm's
 * arguments @extra (translated for QEMU); returns the exit status. */
static int run_kernel(const char *accel, const char *kernel, const char *const *extra,
                      char **out, char **err)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *path = kernel_path(kernel);
    if (!strcmp(accel, "qemu")) {
        char *q = NULL;
        qemu_available(&q);
        g_ptr_array_add(argv, q);
        const char *fixed[] = { "-accel", "tcg", "-m", "64", "-nodefaults", "-display", "none",
                                "-no-reboot", "-serial", "stdio", "-device",
                                "isa-debug-exit,iobase=0xf4,iosize=4", "-device", "pc-testdev",
                                "-kernel", path, NULL };
        for (int i = 0; fixed[i]; i++)
            g_ptr_array_add(argv, g_strdup(fixed[i]));
        for (int i = 0; extra && extra[i]; i += 2) {
            const char *opt = !strcmp(extra[i], "--cpus") ? "-smp"
                : !strcmp(extra[i], "--cmdline") ? "-append"
                : !strcmp(extra[i], "--initrd") ? "-initrd"
                : !strcmp(extra[i], "--memory") ? "-m" : NULL;
            g_assert_nonnull(opt);
            g_ptr_array_add(argv, g_strdup(opt));
            g_ptr_array_add(argv, g_strdup(extra[i + 1]));
        }
    } else {
        g_ptr_array_add(argv, vt_build_path("vmm/vessel-vmm"));
        const char *fixed[] = { "--kernel", path, "--machine", "test", "--accel", accel,
                                "--memory", "64", "--serial", "stdio", NULL };
        for (int i = 0; fixed[i]; i++)
            g_ptr_array_add(argv, g_strdup(fixed[i]));
        for (int i = 0; extra && extra[i]; i++)
            g_ptr_array_add(argv, g_strdup(extra[i]));
    }
    g_ptr_array_add(argv, NULL);
    int code = -1;
    g_autoptr(GError) error = NULL;
    gboolean ok = vt_run((const char *const *)argv->pdata, NULL, NULL, vt_timeout_ms(180000),
                         out, err, &code, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    return code;
}

static gboolean word_in(const char *list, const char *word)
{
    g_auto(GStrv) w = g_strsplit(list ? list : "", " ", -1);
    return g_strv_contains((const char *const *)w, word);
}

/* Status 1, every check PASS (or an allowed SKIP), no FAIL. */
static void check_verdict(const char *accel, int code, const char *out, const char *err,
                          const char *const *checks, const char *may_skip)
{
    g_test_message("%s said:\n%s", accel, out);
    if (strstr(out, "FAIL") || code != 1)
        g_error("%s: exit status %d (want 1), stderr: %s\noutput:\n%s", accel, code, err, out);
    for (int i = 0; checks[i]; i++) {
        g_autofree char *pass = g_strdup_printf("PASS %s\n", checks[i]);
        g_autofree char *pass_crlf = g_strdup_printf("PASS %s\r\n", checks[i]);
        g_autofree char *skip = g_strdup_printf("SKIP %s:", checks[i]);
        gboolean skipped = strstr(out, skip) != NULL;
        if (strstr(out, pass) || strstr(out, pass_crlf))
            continue;
        if (skipped && (!strcmp(accel, "qemu") || word_in(may_skip, checks[i])))
            continue;
        g_error("%s: no PASS for %s (skipped: %d):\n%s", accel, checks[i], skipped, out);
    }
}

static void test_case(gconstpointer data)
{
    const char *const *pair = data;
    const char *accel = pair[0];
    const MbCase *c = (const MbCase *)pair[1];
    if (!accel_usable(accel))
        return;
    g_autofree char *out = NULL, *err = NULL;
    int code = run_kernel(accel, c->kernel, c->args, &out, &err);
    check_verdict(accel, code, out, err, c->checks, c->kvm_may_skip);
}

/* Multiboot information, fw_cfg and pc-testdev, with two modules whose
 * names and contents the kernel prints back. */
static void test_info(gconstpointer data)
{
    const char *accel = data;
    if (!accel_usable(accel))
        return;
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("multiboot");
    g_autofree char *m1 = g_build_filename(dir->path, "one.txt", NULL);
    g_autofree char *m2 = g_build_filename(dir->path, "two,comma.txt", NULL);
    g_assert_true(g_file_set_contents(m1, "module-one\nsecond line\n", -1, NULL));
    g_assert_true(g_file_set_contents(m2, "module-two\n", -1, NULL));
    g_autofree char *esc2 = g_strdup(m2);
    g_autofree char *mods = NULL;
    {
        /* ",," is a comma inside an item, as QEMU's -initrd has it */
        g_auto(GStrv) parts = g_strsplit(m2, ",", -1);
        g_autofree char *m2q = g_strjoinv(",,", parts);
        mods = g_strdup_printf("%s arg1 arg2,%s", m1, m2q);
    }
    const char *args[] = { "--cpus", "2", "--cmdline", "mem=64 cpus=2", "--initrd", mods,
                           NULL };
    g_autofree char *out = NULL, *err = NULL;
    int code = run_kernel(accel, "mbinfo.elf", args, &out, &err);
    check_verdict(accel, code, out, err, info_checks, "");
    g_autofree char *l1 = g_strdup_printf("MODULE 0 '%s arg1 arg2' 23 'module-one'", m1);
    g_autofree char *l2 = g_strdup_printf("MODULE 1 '%s' 11 'module-two'", m2);
    g_autofree char *k = kernel_path("mbinfo.elf");
    g_autofree char *cl = g_strdup_printf("CMDLINE '%s mem=64 cpus=2'", k);
    g_assert_nonnull(strstr(out, l1));
    g_assert_nonnull(strstr(out, l2));
    g_assert_nonnull(strstr(out, cl));
}

/* The a.out kludge: load addresses from the header, the BSS cleared. */
static void test_aout(gconstpointer data)
{
    const char *accel = data;
    if (!accel_usable(accel))
        return;
    g_autofree char *out = NULL, *err = NULL;
    int code = run_kernel(accel, "aout.bin", NULL, &out, &err);
    g_assert_cmpint(code, ==, 1);
    g_assert_nonnull(strstr(out, "hello from an a.out kludge kernel"));
}

/* A failing kernel: its failure count comes out as (n << 1) | 1. */
static void test_exit_status(void)
{
    const char *args[] = { "--cmdline", "mem=32 cpus=4", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int code = run_kernel("dbt", "mbinfo.elf", args, &out, &err);
    int fails = 0;
    for (const char *p = out; (p = strstr(p, "FAIL ")); p++)
        fails++;
    g_assert_cmpint(fails, >, 0);
    g_assert_cmpint(code, ==, ((fails << 1) | 1) & 0xff);
}

/* The default machine has no isa-debug-exit: the kernel's write to 0xf4
 * goes nowhere and it halts until told to quit. */
static void test_default_machine(void)
{
    g_autofree char *vmm = vt_build_path("vmm/vessel-vmm");
    g_autofree char *k = kernel_path("aout.bin");
    const char *argv[] = { vmm, "--kernel", k, "--accel", "dbt", "--memory", "32",
                           "--serial", "stdio", NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(VtProc) p = vt_proc_spawn(argv, NULL, VT_PROC_CAPTURE, NULL, &error);
    g_assert_no_error(error);
    gboolean said = FALSE;
    for (int i = 0; i < 600 && !said; i++) {
        said = strstr(vt_proc_output(p), "hello from an a.out") != NULL;
        if (!said)
            g_usleep(50000);
    }
    g_assert_true(said);
    int status;
    g_assert_false(vt_proc_wait(p, 500, &status));   /* still there, halted */
    status = vt_proc_stop(p, vt_timeout_ms(10000));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void write_file(const char *path, const uint8_t *data, gsize len)
{
    g_autoptr(GError) e = NULL;
    g_assert_true(g_file_set_contents(path, (const char *)data, (gssize)len, &e));
}

static void expect_load_error(const char *kernel, const char *initrd, const char *what)
{
    g_autofree char *vmm = vt_build_path("vmm/vessel-vmm");
    const char *argv[] = { vmm, "--kernel", kernel, "--machine", "test", "--accel", "dbt",
                           "--memory", "32", "--serial", "stdio", initrd ? "--initrd" : NULL,
                           initrd, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int code = -1;
    g_autoptr(GError) error = NULL;
    g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(30000), &out, &err, &code, &error));
    g_test_message("%s", err);
    g_assert_cmpint(code, ==, 1);
    g_assert_nonnull(strstr(err, what));
    g_assert_cmpint(strlen(err), <, 400);
}

/* Broken multiboot kernels and modules: exit 1 and one line that says
 * what is wrong. */
static void test_errors(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("multiboot-bad");
    g_autofree char *src = kernel_path("aout.bin");
    gchar *img = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(src, &img, &len, NULL));
    g_autofree uint8_t *b = (uint8_t *)img;
    g_autofree char *bad = g_build_filename(dir->path, "bad.bin", NULL);

    /* a required flag this loader does not know (bit 3), checksum fixed */
    g_autofree uint8_t *c = g_memdup2(b, len);
    uint32_t flags, sum;
    memcpy(&flags, c + 4, 4);
    flags |= 8;
    sum = -(0x1badb002u + flags);
    memcpy(c + 4, &flags, 4);
    memcpy(c + 8, &sum, 4);
    write_file(bad, c, len);
    expect_load_error(bad, NULL, "requires features");

    /* load_end_addr beyond the file */
    memcpy(c, b, len);
    uint32_t load_end;
    memcpy(&load_end, c + 20, 4);
    load_end += 0x100000;
    memcpy(c + 20, &load_end, 4);
    write_file(bad, c, len);
    expect_load_error(bad, NULL, "file too short");

    /* loaded over the loader's data below 1 MiB (the multiboot information) */
    memcpy(c, b, len);
    uint32_t a;
    for (int off = 12; off <= 28; off += 4) {
        memcpy(&a, c + off, 4);
        if (a) {
            a = a - 0x200000 + 0x9000;
            memcpy(c + off, &a, 4);
        }
    }
    write_file(bad, c, len);
    expect_load_error(bad, NULL, "overlaps the multiboot information");

    /* a bad checksum: not multiboot, not Linux */
    memcpy(c, b, len);
    c[8] ^= 1;
    write_file(bad, c, len);
    expect_load_error(bad, NULL, "not a Linux kernel");

    /* a module that does not exist */
    expect_load_error(src, "/nonexistent/module arg", "cannot read module /nonexistent/module");
    /* more memory than the guest has */
    g_autofree char *big = g_build_filename(dir->path, "big", NULL);
    FILE *f = fopen(big, "w");
    g_assert_nonnull(f);
    g_assert_cmpint(ftruncate(fileno(f), 40 << 20), ==, 0);
    fclose(f);
    expect_load_error(src, big, "memory too small");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    static const char *const accels[] = { "dbt", "kvm", "qemu" };
    static const char *pairs[G_N_ELEMENTS(accels)][G_N_ELEMENTS(cases)][2];
    for (gsize a = 0; a < G_N_ELEMENTS(accels); a++) {
        g_autofree char *p = g_strdup_printf("/multiboot/%s/mbinfo", accels[a]);
        g_test_add_data_func(p, accels[a], test_info);
        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
            pairs[a][i][0] = accels[a];
            pairs[a][i][1] = (const char *)&cases[i];
            g_autofree char *name = g_strndup(cases[i].kernel, strcspn(cases[i].kernel, "."));
            g_autofree char *path = g_strdup_printf("/multiboot/%s/%s", accels[a], name);
            g_test_add_data_func(path, pairs[a][i], test_case);
        }
        g_autofree char *ap = g_strdup_printf("/multiboot/%s/aout", accels[a]);
        g_test_add_data_func(ap, accels[a], test_aout);
    }
    g_test_add_func("/multiboot/exit-status", test_exit_status);
    g_test_add_func("/multiboot/default-machine", test_default_machine);
    g_test_add_func("/multiboot/errors", test_errors);
    return g_test_run();
}
