/* test-host-kvm.c - common/host_kvm.c: the --accel auto decision for each
 * kind of host (hardware VT-x and AMD-V, PVM, no /dev/kvm, /dev/kvm this
 * user may not open, an unknown kind, a device that is not KVM), and the
 * facts read from fake /proc, /sys and /dev trees ($VESSEL_HOST_ROOT). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <linux/kvm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host_kvm.h"
#include "vtest.h"

/* ---- the decision, from facts -------------------------------------- */

static HostKvmFacts facts_hardware(HostVirt virt)
{
    return (HostKvmFacts){ .virt = virt, .dev_exists = TRUE, .dev_is_chr = TRUE,
                           .dev_gid = 0, .dev_mode = 0660, .api_version = KVM_API_VERSION };
}

static void assert_auto(const HostKvmFacts *f, gboolean want, const char *reason_part)
{
    g_autofree char *why = NULL;
    gboolean got = host_kvm_auto(f, &why);
    g_assert_cmpint(got, ==, want);
    if (want) {
        g_assert_null(why);
        return;
    }
    g_assert_nonnull(why);
    if (!strstr(why, reason_part))
        g_error("reason \"%s\" lacks \"%s\"", why, reason_part);
    g_assert_null(strchr(why, '\n'));   /* one line */
}

static void test_decide_hardware(void)
{
    HostKvmFacts vmx = facts_hardware(HOST_VIRT_VMX), svm = facts_hardware(HOST_VIRT_SVM);
    assert_auto(&vmx, TRUE, NULL);
    assert_auto(&svm, TRUE, NULL);
    g_assert_cmpint(host_kvm_kind(&vmx), ==, HOST_KVM_KIND_HARDWARE);
    g_assert_cmpstr(host_kvm_kind_describe(&vmx), ==, "hardware (Intel VT-x)");
    g_assert_cmpstr(host_kvm_kind_describe(&svm), ==, "hardware (AMD-V)");
    g_assert_true(host_kvm_device_usable(&vmx, NULL));
    /* A kvm_pvm module beside real VT-x does not make the host PVM. */
    vmx.pvm = TRUE;
    assert_auto(&vmx, TRUE, NULL);
}

static void test_decide_pvm(void)
{
    HostKvmFacts f = facts_hardware(HOST_VIRT_NONE);
    f.pvm = TRUE;
    g_assert_cmpint(host_kvm_kind(&f), ==, HOST_KVM_KIND_PVM);
    assert_auto(&f, FALSE, "/dev/kvm is PVM (kvm_pvm)");
    /* --accel kvm still runs there (PVM-enabled kernels, tiny guests). */
    g_assert_true(host_kvm_device_usable(&f, NULL));
    /* PVM is the reason even where the device would not open. */
    f.open_errno = EACCES;
    assert_auto(&f, FALSE, "PVM");
    g_assert_false(host_kvm_device_usable(&f, NULL));
}

static void test_decide_no_device(void)
{
    HostKvmFacts f = { .virt = HOST_VIRT_VMX, .open_errno = ENOENT };
    g_assert_cmpint(host_kvm_kind(&f), ==, HOST_KVM_KIND_NONE);
    assert_auto(&f, FALSE, "/dev/kvm does not exist (is the kvm_intel module loaded");
    f.virt = HOST_VIRT_SVM;
    assert_auto(&f, FALSE, "kvm_amd");
    f.virt = HOST_VIRT_NONE;
    assert_auto(&f, FALSE, "/dev/kvm does not exist and the CPU has no VT-x/AMD-V");
    f.pvm = TRUE;  /* module loaded, device gone */
    assert_auto(&f, FALSE, "/dev/kvm does not exist");
    g_assert_cmpstr(host_kvm_kind_describe(&f), ==, "none");
}

static void test_decide_no_permission(void)
{
    HostKvmFacts f = facts_hardware(HOST_VIRT_SVM);
    f.open_errno = EACCES;
    f.dev_gid = 0;   /* group 0 has a name on every host */
    assert_auto(&f, FALSE, "permission denied opening /dev/kvm (it is for group '");
    /* Not group-accessible: no group to join; the owner is named. */
    f.dev_mode = 0600;
    f.dev_uid = 0;
    assert_auto(&f, FALSE, "mode 0600: only its owner, uid 0, may open it");
    f.open_errno = ENXIO;
    assert_auto(&f, FALSE, "cannot open /dev/kvm: ");
}

static void test_decide_unknown_and_not_kvm(void)
{
    HostKvmFacts f = facts_hardware(HOST_VIRT_NONE);
    g_assert_cmpint(host_kvm_kind(&f), ==, HOST_KVM_KIND_UNKNOWN);
    assert_auto(&f, FALSE, "unknown kind of KVM");
    f = facts_hardware(HOST_VIRT_VMX);
    f.api_version = -ENOTTY;
    assert_auto(&f, FALSE, "/dev/kvm is not a KVM device (KVM_GET_API_VERSION: ");
    f.api_version = 11;
    assert_auto(&f, FALSE, "KVM API version 11, not 12");
}

/* ---- facts from a fake tree ---------------------------------------- */

/* A fake host: CPU flag @flag ("vmx", "svm" or "none"), kvm_pvm loaded
 * if @pvm, dev/kvm a regular file of @dev_mode (0: none). */
static VtTmpDir *fake_host(const char *flag, gboolean pvm, mode_t dev_mode)
{
    VtTmpDir *d = vt_tmpdir_new("hostkvm");
    g_assert_cmpint(chmod(d->path, 0755), ==, 0);
    g_autofree char *proc = g_build_filename(d->path, "proc", NULL);
    g_autofree char *mod = g_build_filename(d->path, "sys/module/kvm", NULL);
    g_autofree char *dev = g_build_filename(d->path, "dev", NULL);
    g_assert_cmpint(g_mkdir_with_parents(proc, 0755), ==, 0);
    g_assert_cmpint(g_mkdir_with_parents(mod, 0755), ==, 0);
    g_assert_cmpint(g_mkdir_with_parents(dev, 0755), ==, 0);
    g_autofree char *cpuinfo = g_build_filename(proc, "cpuinfo", NULL);
    /* Only the first flags line counts, as for kvm-ok; "flags" must be
     * followed by blanks and a colon. */
    g_autofree char *text = g_strdup_printf(
        "processor\t: 0\nflagsy\t: vmx svm\nflags\t\t: fpu sse2 %s lm\n\n"
        "processor\t: 1\nflags\t\t: fpu vmx svm\n", flag);
    g_assert_true(g_file_set_contents(cpuinfo, text, -1, NULL));
    if (pvm) {
        g_autofree char *p = g_build_filename(d->path, "sys/module/kvm_pvm", NULL);
        g_assert_cmpint(g_mkdir_with_parents(p, 0755), ==, 0);
    }
    if (dev_mode) {
        g_autofree char *kvm = g_build_filename(dev, "kvm", NULL);
        g_assert_true(g_file_set_contents(kvm, "", 0, NULL));
        g_assert_cmpint(chmod(kvm, dev_mode), ==, 0);
    }
    return d;
}

static void test_facts_cpuinfo(void)
{
    g_autoptr(VtTmpDir) vmx = fake_host("vmx", FALSE, 0);
    g_autoptr(VtTmpDir) svm = fake_host("svm", FALSE, 0);
    g_autoptr(VtTmpDir) none = fake_host("none", FALSE, 0);
    g_assert_cmpint(host_kvm_cpu_virt(vmx->path), ==, HOST_VIRT_VMX);
    g_assert_cmpint(host_kvm_cpu_virt(svm->path), ==, HOST_VIRT_SVM);
    g_assert_cmpint(host_kvm_cpu_virt(none->path), ==, HOST_VIRT_NONE);
    g_assert_cmpint(host_kvm_cpu_virt("/nonexistent-root"), ==, HOST_VIRT_NONE);
    g_assert_cmpstr(host_virt_name(HOST_VIRT_SVM), ==, "svm");
    g_assert_null(host_virt_name(HOST_VIRT_NONE));
}

static void test_facts_pvm_host(void)
{
    g_autoptr(VtTmpDir) d = fake_host("none", TRUE, 0666);
    HostKvmFacts f;
    host_kvm_facts_read(d->path, &f);
    g_assert_true(f.pvm);
    g_assert_true(f.dev_exists);
    g_assert_false(f.dev_is_chr);
    g_assert_cmpint(f.open_errno, ==, 0);
    g_assert_cmpint(f.api_version, ==, -ENOTTY);   /* a file is no KVM */
    g_assert_cmpint(host_kvm_kind(&f), ==, HOST_KVM_KIND_PVM);
    assert_auto(&f, FALSE, "PVM");
}

static void test_facts_no_device(void)
{
    g_autoptr(VtTmpDir) d = fake_host("svm", FALSE, 0);
    HostKvmFacts f;
    host_kvm_facts_read(d->path, &f);
    g_assert_false(f.dev_exists);
    g_assert_cmpint(f.open_errno, ==, ENOENT);
    assert_auto(&f, FALSE, "/dev/kvm does not exist (is the kvm_amd module loaded");
}

/* The facts as user nobody would read them (a child drops root), or as
 * ourselves when we are not root. */
static void read_as_unprivileged(const char *root, HostKvmFacts *f)
{
    if (geteuid() != 0) {
        host_kvm_facts_read(root, f);
        return;
    }
    int p[2];
    g_assert_cmpint(pipe(p), ==, 0);
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        close(p[0]);
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
            setresuid(65534, 65534, 65534) < 0)
            _exit(2);
        HostKvmFacts c;
        host_kvm_facts_read(root, &c);
        _exit(write(p[1], &c, sizeof(c)) == (ssize_t)sizeof(c) ? 0 : 3);
    }
    close(p[1]);
    g_assert_cmpint(read(p[0], f, sizeof(*f)), ==, (ssize_t)sizeof(*f));
    close(p[0]);
    int status;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_facts_no_permission(void)
{
    g_autoptr(VtTmpDir) d = fake_host("vmx", FALSE, 0600);
    g_autofree char *kvm = g_build_filename(d->path, "dev/kvm", NULL);
    if (geteuid() != 0)
        g_assert_cmpint(chmod(kvm, 0), ==, 0);
    HostKvmFacts f;
    read_as_unprivileged(d->path, &f);
    g_assert_true(f.dev_exists);
    g_assert_cmpint(f.open_errno, ==, EACCES);
    assert_auto(&f, FALSE, "permission denied opening /dev/kvm");
}

/* A hardware host whose dev/kvm is a plain file: facts say hardware, the
 * device says it is no KVM, so auto does not pick it. */
static void test_facts_hardware_fake_device(void)
{
    g_autoptr(VtTmpDir) d = fake_host("vmx", FALSE, 0666);
    HostKvmFacts f;
    host_kvm_facts_read(d->path, &f);
    g_assert_cmpint(host_kvm_kind(&f), ==, HOST_KVM_KIND_HARDWARE);
    assert_auto(&f, FALSE, "is not a KVM device");
}

static void test_facts_env_root(void)
{
    g_autoptr(VtTmpDir) d = fake_host("none", TRUE, 0666);
    g_setenv("VESSEL_HOST_ROOT", d->path, TRUE);
    g_assert_cmpstr(host_kvm_root(), ==, d->path);
    g_autofree char *why = NULL;
    g_assert_false(host_kvm_auto_probe(&why));
    g_assert_nonnull(strstr(why, "PVM"));
    g_unsetenv("VESSEL_HOST_ROOT");
    g_assert_cmpstr(host_kvm_root(), ==, "/");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_unsetenv("VESSEL_HOST_ROOT");
    g_test_add_func("/host-kvm/decide/hardware", test_decide_hardware);
    g_test_add_func("/host-kvm/decide/pvm", test_decide_pvm);
    g_test_add_func("/host-kvm/decide/no-device", test_decide_no_device);
    g_test_add_func("/host-kvm/decide/no-permission", test_decide_no_permission);
    g_test_add_func("/host-kvm/decide/unknown-and-not-kvm", test_decide_unknown_and_not_kvm);
    g_test_add_func("/host-kvm/facts/cpuinfo", test_facts_cpuinfo);
    g_test_add_func("/host-kvm/facts/pvm-host", test_facts_pvm_host);
    g_test_add_func("/host-kvm/facts/no-device", test_facts_no_device);
    g_test_add_func("/host-kvm/facts/no-permission", test_facts_no_permission);
    g_test_add_func("/host-kvm/facts/hardware-fake-device", test_facts_hardware_fake_device);
    g_test_add_func("/host-kvm/facts/env-root", test_facts_env_root);
    return g_test_run();
}
