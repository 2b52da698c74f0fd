/* test-sandbox.c - the seccomp filter of each thread class and the
 * landlock ruleset (vmm/sandbox/), each tried in a child process that
 * installs the real filter and then does something it must allow, refuse
 * with EACCES, or be killed for (SIGSYS).  test-sandbox.sh checks the
 * same from inside a running vessel-vmm. */
#include "config.h"

#include "vtest.h"
#include "vmm/sandbox/sandbox_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

typedef enum {
    RESULT_OK,          /* the child exits 0: allowed, or refused as expected */
    RESULT_KILLED,      /* the filter kills it (SIGSYS) */
} Result;

typedef int (*ChildFn)(void);

/* Fork; the child installs @cls's filter (built for @kvm) and runs @fn. */
static void expect(SandboxThread cls, bool kvm, ChildFn fn, Result want, const char *what)
{
    SandboxFilterConfig fc = { .fs_paths = false, .kvm = kvm, .pid = 0 };
    fflush(NULL);
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        fc.pid = getpid();
        SandboxBpf bpf;
        if (!sandbox_filter_build(cls, &fc, &bpf, NULL))
            _exit(90);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sandbox_bpf_install(&bpf) < 0)
            _exit(91);
        _exit(fn());
    }
    int status;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    if (want == RESULT_KILLED) {
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
            g_error("%s (%s thread): not killed by SIGSYS (status %#x)", what,
                    sandbox_thread_name(cls), status);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_error("%s (%s thread): status %#x, expected exit 0", what, sandbox_thread_name(cls),
                status);
    }
}

static int do_mmap_exec(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? 3 : 4;
}

static int do_mprotect_exec(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 3;
    return mprotect(p, 4096, PROT_READ | PROT_EXEC) ? 4 : 5;
}

static int do_mmap_rw(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? 3 : 0;
}

static int do_open(void)
{
    int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
#ifdef VESSEL_SANITIZERS
    /* the sanitizer runtimes open files: landlock, not seccomp, refuses */
    return fd >= 0 || errno == EACCES ? 0 : 3;
#else
    return fd < 0 && errno == EACCES ? 0 : 3;
#endif
}

/* library code probes files with access(2) (libgcrypt: /etc/gcrypt) */
static int do_access(void)
{
    int r = access("/etc/passwd", R_OK);
    int r2 = faccessat(AT_FDCWD, "/etc/passwd", R_OK, 0);
    return r < 0 && r2 < 0 && errno == EACCES ? 0 : 3;
}

static int do_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    return fd < 0 && errno == EACCES ? 0 : 3;
}

G_GNUC_UNUSED static int do_fork(void)
{
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    return 3;   /* the parent got this far: not killed */
}

static void *thread_fn(void *arg)
{
    return arg;
}

static int do_thread(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, thread_fn, NULL))
        return 3;
    return pthread_join(t, NULL) ? 4 : 0;
}

G_GNUC_UNUSED static int do_signal_parent(void)
{
    /* signal 0 to another process: only a check, but not allowed */
    syscall(SYS_tgkill, getppid(), getppid(), 0);
    return 3;
}

static int do_signal_self(void)
{
    return syscall(SYS_tgkill, getpid(), gettid(), 0) == 0 ? 0 : 3;
}

static int do_kvm_run(void)
{
    /* KVM_RUN on a descriptor that is not a vCPU: ENOTTY once allowed */
    int r = ioctl(0, KVM_RUN, 0);
    return r < 0 && errno != EPERM ? 0 : 3;
}

static int do_tcgets(void)
{
    struct termios t;
    int r = ioctl(1, TCGETS, &t);
    return r == 0 || errno == ENOTTY ? 0 : 3;
}

static int do_setns(void)
{
    syscall(SYS_setns, -1, 0);
    return 3;
}

G_GNUC_UNUSED static int do_ptrace(void)
{
    syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
    return 3;
}

static void test_build_all(void)
{
    SandboxFilterConfig fc = { .fs_paths = true, .kvm = true, .pid = getpid() };
    for (int c = 0; c < SANDBOX_THREAD_LAST; c++) {
        SandboxBpf bpf;
        g_autoptr(GError) error = NULL;
        g_assert_true(sandbox_filter_build(c, &fc, &bpf, &error));
        g_assert_no_error(error);
        g_assert_cmpint(bpf.len, >, 10);
        sandbox_bpf_clear(&bpf);
    }
}

static void test_memory(void)
{
    for (int c = 0; c < SANDBOX_THREAD_LAST; c++) {
        expect(c, true, do_mmap_rw, RESULT_OK, "mmap read/write");
        expect(c, true, do_mmap_exec, RESULT_KILLED, "mmap PROT_EXEC");
        expect(c, true, do_mprotect_exec, RESULT_KILLED, "mprotect PROT_EXEC");
    }
}

static void test_processes(void)
{
    expect(SANDBOX_THREAD_MAIN, false, do_thread, RESULT_OK, "a thread (GLib's worker)");
    for (int c = 0; c < SANDBOX_THREAD_LAST; c++) {
#ifndef VESSEL_SANITIZERS   /* LeakSanitizer's tracer is a clone() */
        expect(c, false, do_fork, RESULT_KILLED, "fork");
#endif
        expect(c, false, do_signal_self, RESULT_OK, "a signal to itself");
#ifndef VESSEL_SANITIZERS
        expect(c, false, do_signal_parent, RESULT_KILLED, "a signal to another process");
        expect(c, false, do_ptrace, RESULT_KILLED, "ptrace");
#endif
        expect(c, false, do_setns, RESULT_KILLED, "setns");
    }
}

static void test_files_and_sockets(void)
{
    for (int c = 0; c < SANDBOX_THREAD_LAST; c++) {
        expect(c, false, do_open, RESULT_OK, "open: EACCES, not a kill");
        expect(c, false, do_socket, RESULT_OK, "socket: EACCES, not a kill");
        expect(c, false, do_access, RESULT_OK, "access: EACCES, not a kill");
    }
}

static void test_ioctls(void)
{
    expect(SANDBOX_THREAD_VCPU, true, do_kvm_run, RESULT_OK, "KVM_RUN with kvm");
    expect(SANDBOX_THREAD_VCPU, false, do_kvm_run, RESULT_KILLED, "KVM_RUN without kvm");
    expect(SANDBOX_THREAD_IO, true, do_kvm_run, RESULT_KILLED, "KVM_RUN on an I/O thread");
    expect(SANDBOX_THREAD_DISPLAY, true, do_kvm_run, RESULT_KILLED, "KVM_RUN on the VNC thread");
    expect(SANDBOX_THREAD_MAIN, false, do_tcgets, RESULT_OK, "TCGETS (stdio console)");
    expect(SANDBOX_THREAD_IO, false, do_tcgets, RESULT_KILLED, "TCGETS on an I/O thread");
}

static int landlock_child(const char *allowed)
{
    const char *reads[] = { allowed, NULL };
    SandboxConfig cfg = { .read_files = reads };
    int fd = sandbox_landlock_ruleset(sandbox_landlock_abi(), &cfg, NULL);
    if (fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sandbox_landlock_restrict(fd) < 0)
        return 10;
    int a = open(allowed, O_RDONLY | O_CLOEXEC);
    if (a < 0)
        return 11;
    int w = open(allowed, O_WRONLY | O_CLOEXEC);
    if (w >= 0 || errno != EACCES)
        return 12;
    int o = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    if (o >= 0 || errno != EACCES)
        return 13;
    int d = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0 || errno != EACCES)
        return 14;
    return 0;
}

static void test_landlock(void)
{
    int abi = sandbox_landlock_abi();
    if (abi <= 0) {
        g_test_skip("this kernel has no landlock");
        return;
    }
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("sandbox");
    g_autofree char *file = g_build_filename(dir->path, "kernel", NULL);
    g_assert_true(g_file_set_contents(file, "k", 1, NULL));
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(landlock_child(file));
    int status;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sandbox/filter/build", test_build_all);
    g_test_add_func("/sandbox/filter/memory", test_memory);
    g_test_add_func("/sandbox/filter/processes", test_processes);
    g_test_add_func("/sandbox/filter/files-sockets", test_files_and_sockets);
    g_test_add_func("/sandbox/filter/ioctls", test_ioctls);
    g_test_add_func("/sandbox/landlock", test_landlock);
    return g_test_run();
}
