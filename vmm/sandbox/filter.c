/* filter.c - the seccomp allow-list of each thread class (sandbox.h).
 *
 * One table: a syscall, the classes that may make it, and a condition
 * on its arguments where one narrows it usefully (no PROT_EXEC in mmap
 * or mprotect, signals only to this process, threads but no processes,
 * the KVM vCPU ioctls only on vCPU threads, a few terminal ioctls for
 * the stdio console).  Anything else kills the process
 * (SECCOMP_RET_KILL_PROCESS): the daemon sees a VMM killed by SIGSYS and
 * records the domain as crashed.  A few calls that library code may try
 * and cope with failing (open, access, socket, connect) get EACCES
 * instead.
 *
 * libseccomp builds the BPF (the architecture check, the syscall
 * number dispatch, argument comparisons on 64-bit values): hand-written
 * BPF for this is easy to get subtly wrong, and the library is what
 * Firecracker's seccompiler, QEMU and systemd rely on.  The programs are
 * built by the main thread at lock-down and exported as plain BPF, so a
 * thread installs its own with one seccomp(2) call: nothing is
 * allocated or parsed once a thread is confined.
 *
 * Built with ASan/UBSan (VESSEL_SANITIZERS) every class also allows
 * what the sanitizer runtimes do when they report an error or check for
 * leaks at exit (read /proc/self/maps, LeakSanitizer's ptrace-based
 * stop-the-world); the filter is the same otherwise.
 *
 * To find a missing syscall: run the VMM under `strace -f`; the kill
 * shows as "killed by SIGSYS" and the last syscall of that thread. */
#include "config.h"

#include "vmm/sandbox/sandbox_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define M (1u << SANDBOX_THREAD_MAIN)
#define V (1u << SANDBOX_THREAD_VCPU)
#define I (1u << SANDBOX_THREAD_IO)
#define T (1u << SANDBOX_THREAD_TIMER)
#define D (1u << SANDBOX_THREAD_DISPLAY)
#define ALL (M | V | I | T | D)

typedef enum {
    COND_NONE,
    COND_NO_EXEC,       /* arg 2 (prot) without PROT_EXEC */
    COND_OWN_PID,       /* arg 0 is this process */
    COND_THREAD,        /* clone: arg 0 has CLONE_THREAD */
    COND_FS,            /* allowed if paths remain (SandboxConfig), else EACCES */
    COND_EACCES,        /* always refused with EACCES, never a kill */
    COND_ENOSYS,        /* refused with ENOSYS (clone3: glibc falls back to clone) */
    COND_IOCTL_KVM,     /* ioctl: one of kvm_vcpu_ioctls[] (with cfg->kvm) */
    COND_IOCTL_TTY,     /* ioctl: one of tty_ioctls[] */
    COND_FCNTL,         /* fcntl: one of fcntl_cmds[] */
    COND_PRCTL,         /* prctl: one of prctl_opts[] */
} SandboxCond;

typedef struct {
    int nr;
    unsigned classes;
    SandboxCond cond;
} SandboxRule;

/* clang-format off */
static const SandboxRule rules[] = {
    /* memory, threads, time, signals: every thread (glibc, GLib, malloc) */
    { SCMP_SYS(brk), ALL, COND_NONE },
    { SCMP_SYS(mmap), ALL, COND_NO_EXEC },
    { SCMP_SYS(mprotect), ALL, COND_NO_EXEC },
    { SCMP_SYS(munmap), ALL, COND_NONE },
    { SCMP_SYS(mremap), ALL, COND_NONE },
    { SCMP_SYS(madvise), ALL, COND_NONE },
    { SCMP_SYS(futex), ALL, COND_NONE },
    { SCMP_SYS(get_robust_list), ALL, COND_NONE },
    { SCMP_SYS(set_robust_list), ALL, COND_NONE },
    { SCMP_SYS(rseq), ALL, COND_NONE },
    { SCMP_SYS(clock_gettime), ALL, COND_NONE },
    { SCMP_SYS(clock_getres), ALL, COND_NONE },
    { SCMP_SYS(clock_nanosleep), ALL, COND_NONE },
    { SCMP_SYS(nanosleep), ALL, COND_NONE },
    { SCMP_SYS(gettimeofday), ALL, COND_NONE },
    { SCMP_SYS(sched_yield), ALL, COND_NONE },
    { SCMP_SYS(sched_getaffinity), ALL, COND_NONE },
    { SCMP_SYS(getpid), ALL, COND_NONE },
    { SCMP_SYS(gettid), ALL, COND_NONE },
    { SCMP_SYS(getuid), ALL, COND_NONE },
    { SCMP_SYS(geteuid), ALL, COND_NONE },
    { SCMP_SYS(getgid), ALL, COND_NONE },
    { SCMP_SYS(getegid), ALL, COND_NONE },
    { SCMP_SYS(getrandom), ALL, COND_NONE },
    { SCMP_SYS(rt_sigprocmask), ALL, COND_NONE },
    { SCMP_SYS(rt_sigreturn), ALL, COND_NONE },
    { SCMP_SYS(rt_sigaction), ALL, COND_NONE },
    { SCMP_SYS(sigaltstack), ALL, COND_NONE },
    { SCMP_SYS(tgkill), ALL, COND_OWN_PID },   /* vCPU kicks, abort() */
    { SCMP_SYS(restart_syscall), ALL, COND_NONE },
    { SCMP_SYS(exit), ALL, COND_NONE },
    { SCMP_SYS(exit_group), ALL, COND_NONE },
    { SCMP_SYS(prctl), ALL, COND_PRCTL },
    /* descriptors it already has */
    { SCMP_SYS(read), ALL, COND_NONE },
    { SCMP_SYS(write), ALL, COND_NONE },
    { SCMP_SYS(readv), ALL, COND_NONE },
    { SCMP_SYS(writev), ALL, COND_NONE },
    { SCMP_SYS(close), ALL, COND_NONE },
    { SCMP_SYS(fstat), ALL, COND_NONE },
    { SCMP_SYS(newfstatat), ALL, COND_NONE },
    { SCMP_SYS(statx), ALL, COND_NONE },
    { SCMP_SYS(lseek), ALL, COND_NONE },
    { SCMP_SYS(fcntl), ALL, COND_FCNTL },
    { SCMP_SYS(poll), M | D | V | T, COND_NONE },
    { SCMP_SYS(ppoll), M | D | V | T, COND_NONE },
    { SCMP_SYS(eventfd2), M | D, COND_NONE },
    { SCMP_SYS(pipe2), M | D, COND_NONE },
    /* sockets it already has: control, serial and VNC clients */
    { SCMP_SYS(accept4), M | D, COND_NONE },
    { SCMP_SYS(accept), M | D, COND_NONE },
    { SCMP_SYS(recvfrom), M | D | V | T, COND_NONE },
    { SCMP_SYS(recvmsg), M | D | V | T, COND_NONE },
    { SCMP_SYS(sendto), ALL, COND_NONE },
    { SCMP_SYS(sendmsg), ALL, COND_NONE },
    { SCMP_SYS(shutdown), M | D, COND_NONE },
    { SCMP_SYS(getsockopt), M | D, COND_NONE },
    { SCMP_SYS(setsockopt), M | D, COND_NONE },
    { SCMP_SYS(getsockname), M | D, COND_NONE },
    { SCMP_SYS(getpeername), M | D, COND_NONE },
    { SCMP_SYS(select), D, COND_NONE },
    { SCMP_SYS(pselect6), D, COND_NONE },
    /* disk images it already has */
    { SCMP_SYS(pread64), M | I, COND_NONE },
    { SCMP_SYS(pwrite64), M | I, COND_NONE },
    { SCMP_SYS(preadv), M | I, COND_NONE },
    { SCMP_SYS(pwritev), M | I, COND_NONE },
    { SCMP_SYS(preadv2), M | I, COND_NONE },
    { SCMP_SYS(pwritev2), M | I, COND_NONE },
    { SCMP_SYS(fsync), M | I, COND_NONE },
    { SCMP_SYS(fdatasync), M | I, COND_NONE },
    { SCMP_SYS(sync_file_range), M | I, COND_NONE },
    { SCMP_SYS(fallocate), M | I, COND_NONE },
    { SCMP_SYS(ftruncate), M | I, COND_NONE },
    /* the KVM vCPU, the stdio console */
    { SCMP_SYS(ioctl), ALL, COND_IOCTL_KVM },
    { SCMP_SYS(ioctl), M | V | T, COND_IOCTL_TTY },
    /* GLib's worker thread (g_unix_signal_add): threads, never processes */
    { SCMP_SYS(clone), M, COND_THREAD },
    { SCMP_SYS(clone3), ALL, COND_ENOSYS },
    /* by path: only what SandboxConfig names (landlock narrows it) */
    { SCMP_SYS(openat), ALL, COND_FS },
    { SCMP_SYS(open), ALL, COND_FS },
    { SCMP_SYS(unlink), M, COND_FS },
    { SCMP_SYS(unlinkat), M, COND_FS },
    /* never: answered, not killed (library code copes with the error) */
    { SCMP_SYS(socket), ALL, COND_EACCES },
    { SCMP_SYS(connect), ALL, COND_EACCES },
    { SCMP_SYS(bind), ALL, COND_EACCES },
    { SCMP_SYS(access), ALL, COND_EACCES },
    { SCMP_SYS(faccessat), ALL, COND_EACCES },
    { SCMP_SYS(faccessat2), ALL, COND_EACCES },
};
/* clang-format on */

/* The vCPU ioctls the KVM backend (vmm/kvm/kvm.c) makes while it runs;
 * the main thread reads the registers of a crashed guest. */
static const unsigned long kvm_vcpu_ioctls[] = {
    KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS,
    KVM_INTERRUPT, KVM_NMI,
};
static const unsigned kvm_ioctl_classes = M | V;

static const unsigned long tty_ioctls[] = {
    TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, FIONREAD,
};

static const int fcntl_cmds[] = {
    F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC,
};

static const int prctl_opts[] = {
    PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP, PR_GET_NO_NEW_PRIVS,
    PR_SET_NO_NEW_PRIVS, PR_CAPBSET_READ, PR_CAPBSET_DROP, PR_CAP_AMBIENT,
};

#ifdef VESSEL_SANITIZERS
/* What ASan/UBSan/LeakSanitizer do at a report or at exit, in any
 * thread: /proc/self/maps, the leak checker's tracer (a clone that
 * ptraces this process's threads), dup2 of stderr, ... */
static const int sanitizer_syscalls[] = {
    SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(readlink), SCMP_SYS(readlinkat),
    SCMP_SYS(getdents64), SCMP_SYS(clone), SCMP_SYS(ptrace), SCMP_SYS(wait4),
    SCMP_SYS(waitid), SCMP_SYS(getppid), SCMP_SYS(kill), SCMP_SYS(dup), SCMP_SYS(dup2),
    SCMP_SYS(dup3), SCMP_SYS(prlimit64), SCMP_SYS(getrlimit), SCMP_SYS(uname),
    SCMP_SYS(process_vm_readv), SCMP_SYS(pipe), SCMP_SYS(pipe2), SCMP_SYS(sched_getparam),
    SCMP_SYS(sched_getscheduler), SCMP_SYS(prctl), SCMP_SYS(sched_setaffinity),
    SCMP_SYS(rt_sigtimedwait), SCMP_SYS(munmap), SCMP_SYS(futex),
};

static bool sanitizer_allows(int nr)
{
    for (size_t i = 0; i < G_N_ELEMENTS(sanitizer_syscalls); i++)
        if (sanitizer_syscalls[i] == nr)
            return true;
    return false;
}
#else
static bool sanitizer_allows(int nr)
{
    (void)nr;
    return false;
}
#endif

static int add_eq(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned arg, uint64_t value)
{
    return seccomp_rule_add(ctx, action, nr, 1, SCMP_CMP(arg, SCMP_CMP_EQ, value));
}

static int add_rule(scmp_filter_ctx ctx, SandboxThread cls, const SandboxRule *r,
                    const SandboxFilterConfig *cfg)
{
    int rc = 0;
    switch (r->cond) {
    case COND_NONE:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 0);
    case COND_NO_EXEC:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
                                SCMP_CMP(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    case COND_OWN_PID:
        return add_eq(ctx, SCMP_ACT_ALLOW, r->nr, 0, (uint64_t)cfg->pid);
    case COND_THREAD:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
                                SCMP_CMP(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
    case COND_FS:
        return seccomp_rule_add(ctx, cfg->fs_paths && cls == SANDBOX_THREAD_MAIN
                                         ? SCMP_ACT_ALLOW
                                         : SCMP_ACT_ERRNO(EACCES),
                                r->nr, 0);
    case COND_EACCES:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), r->nr, 0);
    case COND_ENOSYS:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), r->nr, 0);
    case COND_IOCTL_KVM:
        if (!cfg->kvm || !(kvm_ioctl_classes & (1u << cls)))
            return 0;
        for (size_t i = 0; i < G_N_ELEMENTS(kvm_vcpu_ioctls) && !rc; i++)
            rc = add_eq(ctx, SCMP_ACT_ALLOW, r->nr, 1, kvm_vcpu_ioctls[i]);
        return rc;
    case COND_IOCTL_TTY:
        for (size_t i = 0; i < G_N_ELEMENTS(tty_ioctls) && !rc; i++)
            rc = add_eq(ctx, SCMP_ACT_ALLOW, r->nr, 1, tty_ioctls[i]);
        return rc;
    case COND_FCNTL:
        for (size_t i = 0; i < G_N_ELEMENTS(fcntl_cmds) && !rc; i++)
            rc = add_eq(ctx, SCMP_ACT_ALLOW, r->nr, 1, (uint64_t)fcntl_cmds[i]);
        return rc;
    case COND_PRCTL:
        for (size_t i = 0; i < G_N_ELEMENTS(prctl_opts) && !rc; i++)
            rc = add_eq(ctx, SCMP_ACT_ALLOW, r->nr, 0, (uint64_t)prctl_opts[i]);
        return rc;
    }
    return -EINVAL;
}

/* The exported program, read back from a memfd (libseccomp 2.5 exports
 * to a descriptor only). */
static gboolean export_bpf(scmp_filter_ctx ctx, SandboxBpf *out, GError **error)
{
    int fd = memfd_create("vessel-seccomp", MFD_CLOEXEC);
    int rc = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
    off_t len = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (rc == 0 && (len <= 0 || len % sizeof(struct sock_filter) ||
                    len / sizeof(struct sock_filter) > BPF_MAXINSNS))
        rc = -E2BIG;
    if (rc == 0) {
        out->insns = g_malloc(len);
        out->len = (unsigned short)(len / sizeof(struct sock_filter));
        if (pread(fd, out->insns, len, 0) != len)
            rc = -EIO;
    }
    if (fd >= 0)
        close(fd);
    if (rc < 0) {
        g_set_error(error, SANDBOX_ERROR, 0, "cannot export the seccomp filter: %s",
                    g_strerror(-rc));
        sandbox_bpf_clear(out);
        return FALSE;
    }
    return TRUE;
}

gboolean sandbox_filter_build(SandboxThread cls, const SandboxFilterConfig *cfg, SandboxBpf *out,
                              GError **error)
{
    memset(out, 0, sizeof(*out));
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (!ctx) {
        g_set_error_literal(error, SANDBOX_ERROR, 0, "seccomp_init failed");
        return FALSE;
    }
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    /* no_new_privs is set by sandbox.c itself, for every thread */
    if (!rc)
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(rules) && !rc; i++)
        if ((rules[i].classes & (1u << cls)) && !sanitizer_allows(rules[i].nr))
            rc = add_rule(ctx, cls, &rules[i], cfg);
#ifdef VESSEL_SANITIZERS
    for (size_t i = 0; i < G_N_ELEMENTS(sanitizer_syscalls) && !rc; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sanitizer_syscalls[i], 0);
#endif
    gboolean ok = FALSE;
    if (rc)
        g_set_error(error, SANDBOX_ERROR, 0, "cannot build the %s seccomp filter: %s",
                    sandbox_thread_name(cls), g_strerror(-rc));
    else
        ok = export_bpf(ctx, out, error);
    seccomp_release(ctx);
    return ok;
}

int sandbox_bpf_install(const SandboxBpf *bpf)
{
    struct sock_fprog prog = { .len = bpf->len, .filter = bpf->insns };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        return -errno;
    return 0;
}

void sandbox_bpf_clear(SandboxBpf *bpf)
{
    g_free(bpf->insns);
    bpf->insns = NULL;
    bpf->len = 0;
}
