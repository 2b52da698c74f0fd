/* kvmproof.c - create a VM and run guest code in it; see kvmproof.h.
 *
 * Guest memory (one 64 KiB slot at 0): page tables at 0x1000 (PML4),
 * 0x2000 (PDPT) and 0x3000 (PD, one 2 MiB page mapping 0-2 MiB), a GDT at
 * 0x4000 laid out as vessel-vmm's (code 0x10, data 0x18), the code at
 * 0x8000, the stack below 0x10000.  The vCPU state is the one the VMM's
 * Linux loader gives a 64-bit kernel (vmm/boot/linux_boot.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "i18n.h"
#include "kvmproof.h"

#define PROOF_MEM_SIZE 0x10000
#define PROOF_PML4 0x1000
#define PROOF_GDT 0x4000
#define PROOF_CODE 0x8000
#define PROOF_PORT 0xe9
#define PROOF_VALUE 0x2a
#define PROOF_TSS_ADDR 0xfffbd000ul
#define PROOF_SECONDS 5

/* mov $0x2a,%al; out %al,$0xe9; hlt */
static const uint8_t proof_code[] = { 0xb0, PROOF_VALUE, 0xe6, PROOF_PORT, 0xf4 };

typedef struct {
    int sys_fd, vm_fd, vcpu_fd;
    uint8_t *mem;
    struct kvm_run *run;
    int run_size;
    char *why;          /* the failure, once there is one */
} Proof;

static void proof_alarm(int sig)
{
    (void)sig;          /* only interrupts KVM_RUN */
}

/* Record the failure of step @what (errno from the failed call). */
static gboolean proof_fail(Proof *p, const char *what)
{
    if (!p->why)
        p->why = g_strdup_printf("%s: %s", what, g_strerror(errno));
    return FALSE;
}

static void proof_wr64(uint8_t *at, uint64_t v)
{
    memcpy(at, &v, sizeof(v));
}

static void proof_fill_memory(uint8_t *mem)
{
    proof_wr64(mem + PROOF_PML4, (PROOF_PML4 + 0x1000) | 0x3);        /* PML4 -> PDPT */
    proof_wr64(mem + PROOF_PML4 + 0x1000, (PROOF_PML4 + 0x2000) | 0x3); /* PDPT -> PD */
    proof_wr64(mem + PROOF_PML4 + 0x2000, 0x83);                        /* 2 MiB page at 0 */
    proof_wr64(mem + PROOF_GDT + 0x10, 0x00af9b000000ffffull);          /* 64-bit code */
    proof_wr64(mem + PROOF_GDT + 0x18, 0x00cf93000000ffffull);          /* data */
    memcpy(mem + PROOF_CODE, proof_code, sizeof(proof_code));
}

static gboolean proof_set_cpuid(Proof *p)
{
    for (int n = 64; n <= 4096; n *= 2) {
        g_autofree struct kvm_cpuid2 *c =
            g_malloc0(sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
        c->nent = n;
        if (ioctl(p->sys_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return ioctl(p->vcpu_fd, KVM_SET_CPUID2, c) == 0 || proof_fail(p, "KVM_SET_CPUID2");
        if (errno != E2BIG)
            return proof_fail(p, "KVM_GET_SUPPORTED_CPUID");
    }
    return proof_fail(p, "KVM_GET_SUPPORTED_CPUID");
}

static gboolean proof_set_long_mode(Proof *p)
{
    struct kvm_sregs s;
    if (ioctl(p->vcpu_fd, KVM_GET_SREGS, &s) < 0)
        return proof_fail(p, "KVM_GET_SREGS");
    struct kvm_segment data = { .base = 0, .limit = 0xffffffff, .selector = 0x18, .type = 3,
                                .present = 1, .s = 1, .db = 1, .g = 1 };
    s.ds = s.es = s.fs = s.gs = s.ss = data;
    s.cs = (struct kvm_segment){ .base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 0xb,
                                 .present = 1, .s = 1, .l = 1, .g = 1 };
    s.tr = (struct kvm_segment){ .limit = 0x67, .type = 0xb, .present = 1 };
    s.ldt = (struct kvm_segment){ .type = 2, .present = 1, .unusable = 1 };
    s.gdt.base = PROOF_GDT;
    s.gdt.limit = 31;
    s.idt.base = 0;
    s.idt.limit = 0;
    s.cr0 = 0x80050033;      /* PG WP NE ET MP PE */
    s.cr3 = PROOF_PML4;
    s.cr4 = 0x20;            /* PAE */
    s.efer = 0x500;          /* LME LMA */
    if (ioctl(p->vcpu_fd, KVM_SET_SREGS, &s) < 0)
        return proof_fail(p, "KVM_SET_SREGS (64-bit mode)");
    struct kvm_regs r = { .rip = PROOF_CODE, .rflags = 2, .rsp = PROOF_MEM_SIZE - 16 };
    if (ioctl(p->vcpu_fd, KVM_SET_REGS, &r) < 0)
        return proof_fail(p, "KVM_SET_REGS");
    return TRUE;
}

static gboolean proof_create(Proof *p, const char *dev)
{
    p->sys_fd = open(dev, O_RDWR | O_CLOEXEC);
    if (p->sys_fd < 0)
        return proof_fail(p, "open /dev/kvm");
    p->vm_fd = ioctl(p->sys_fd, KVM_CREATE_VM, 0);
    if (p->vm_fd < 0)
        return proof_fail(p, "KVM_CREATE_VM");
    if (ioctl(p->vm_fd, KVM_SET_TSS_ADDR, PROOF_TSS_ADDR) < 0)
        return proof_fail(p, "KVM_SET_TSS_ADDR");
    p->mem = mmap(NULL, PROOF_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
    if (p->mem == MAP_FAILED) {
        p->mem = NULL;
        return proof_fail(p, "mmap guest memory");
    }
    proof_fill_memory(p->mem);
    struct kvm_userspace_memory_region reg = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = PROOF_MEM_SIZE,
        .userspace_addr = (uintptr_t)p->mem,
    };
    if (ioctl(p->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg) < 0)
        return proof_fail(p, "KVM_SET_USER_MEMORY_REGION");
    p->vcpu_fd = ioctl(p->vm_fd, KVM_CREATE_VCPU, 0);
    if (p->vcpu_fd < 0)
        return proof_fail(p, "KVM_CREATE_VCPU");
    p->run_size = ioctl(p->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (p->run_size <= 0)
        return proof_fail(p, "KVM_GET_VCPU_MMAP_SIZE");
    p->run = mmap(NULL, p->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, p->vcpu_fd, 0);
    if (p->run == MAP_FAILED) {
        p->run = NULL;
        return proof_fail(p, "mmap kvm_run");
    }
    return proof_set_cpuid(p) && proof_set_long_mode(p);
}

/* What an exit other than the expected one was. */
static char *proof_exit_describe(const struct kvm_run *run)
{
    switch (run->exit_reason) {
    case KVM_EXIT_INTERNAL_ERROR:
        return g_strdup_printf(_("KVM internal error (suberror %u)"), run->internal.suberror);
    case KVM_EXIT_FAIL_ENTRY:
        return g_strdup_printf(_("entry failed (hardware reason 0x%llx)"),
                               (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
    case KVM_EXIT_SHUTDOWN:
        return g_strdup(_("the guest stopped with a triple fault"));
    case KVM_EXIT_MMIO:
        return g_strdup_printf(_("an unexpected memory access at 0x%llx"),
                               (unsigned long long)run->mmio.phys_addr);
    case KVM_EXIT_IO:
        return g_strdup_printf(_("an unexpected port access (port 0x%x)"), run->io.port);
    case KVM_EXIT_HLT:
        return g_strdup(_("HLT before the port write"));
    default:
        return g_strdup_printf(_("unexpected exit reason %u"), run->exit_reason);
    }
}

/* One KVM_RUN that must end with exit @want; FALSE with p->why if not. */
static gboolean proof_run_until(Proof *p, unsigned want, const char *step)
{
    struct itimerval t = { .it_value = { .tv_sec = PROOF_SECONDS } };
    setitimer(ITIMER_REAL, &t, NULL);
    int r = ioctl(p->vcpu_fd, KVM_RUN, 0);
    int e = errno;
    setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);
    if (r < 0) {
        errno = e;
        if (e == EINTR) {
            p->why = g_strdup_printf(_("KVM_RUN: the guest did not reach its %s within %d s"),
                                     step, PROOF_SECONDS);
            return FALSE;
        }
        return proof_fail(p, "KVM_RUN");
    }
    if (p->run->exit_reason == want)
        return TRUE;
    g_autofree char *what = proof_exit_describe(p->run);
    p->why = g_strdup_printf(_("KVM_RUN: %s instead of the %s"), what, step);
    return FALSE;
}

static gboolean proof_run(Proof *p)
{
    if (!proof_run_until(p, KVM_EXIT_IO, _("port write")))
        return FALSE;
    const uint8_t *data = (const uint8_t *)p->run + p->run->io.data_offset;
    if (p->run->io.direction != KVM_EXIT_IO_OUT || p->run->io.port != PROOF_PORT ||
        p->run->io.size != 1 || p->run->io.count != 1 || data[0] != PROOF_VALUE) {
        p->why = g_strdup_printf(_("the guest's port write came out wrong (port 0x%x, "
                                   "value 0x%x)"), p->run->io.port, data[0]);
        return FALSE;
    }
    if (!proof_run_until(p, KVM_EXIT_HLT, "HLT"))
        return FALSE;
    struct kvm_regs r;
    if (ioctl(p->vcpu_fd, KVM_GET_REGS, &r) < 0)
        return proof_fail(p, "KVM_GET_REGS");
    if (r.rip != PROOF_CODE + sizeof(proof_code) || (r.rax & 0xff) != PROOF_VALUE) {
        p->why = g_strdup_printf(_("the guest stopped at rip 0x%llx with al 0x%llx"),
                                 (unsigned long long)r.rip, (unsigned long long)(r.rax & 0xff));
        return FALSE;
    }
    return TRUE;
}

static void proof_close(Proof *p)
{
    if (p->run)
        munmap(p->run, p->run_size);
    if (p->mem)
        munmap(p->mem, PROOF_MEM_SIZE);
    if (p->vcpu_fd >= 0)
        close(p->vcpu_fd);
    if (p->vm_fd >= 0)
        close(p->vm_fd);
    if (p->sys_fd >= 0)
        close(p->sys_fd);
    g_free(p->why);
}

KvmProofResult kvm_proof_run(const char *root, char **why)
{
    g_autofree char *dev = g_build_filename(root, "dev/kvm", NULL);
    struct stat st;
    if (stat(dev, &st) < 0) {
        if (why)
            *why = g_strdup_printf(_("/dev/kvm: %s"), g_strerror(errno));
        return KVM_PROOF_ABSENT;
    }
    struct sigaction sa = { .sa_handler = proof_alarm }, old;
    sigaction(SIGALRM, &sa, &old);
    Proof p = { .sys_fd = -1, .vm_fd = -1, .vcpu_fd = -1 };
    gboolean ok = proof_create(&p, dev) && proof_run(&p);
    if (why)
        *why = ok ? g_strdup_printf(_("a test VM ran guest code in 64-bit mode (a port write "
                                      "of 0x%x, then HLT)"), PROOF_VALUE)
                  : g_strdup(p.why);
    proof_close(&p);
    sigaction(SIGALRM, &old, NULL);
    return ok ? KVM_PROOF_USABLE : KVM_PROOF_FAILS;
}
