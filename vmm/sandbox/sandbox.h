/* sandbox.h - vessel-vmm confines itself (vmm/README "Sandbox").
 *
 * Once every file, socket and device is open and before guest code
 * runs, the VMM drops what it does not need: no_new_privs, every
 * capability (the bounding set too where permitted), rlimits, the
 * inherited descriptors it was not given, file system access (landlock,
 * when the kernel has it), and each thread gets a seccomp allow-list
 * for its class (sandbox_filter.c).  A syscall outside the list kills
 * the whole process (SECCOMP_RET_KILL_PROCESS).
 *
 * Threads are confined one by one (capabilities, landlock and seccomp
 * are per thread in Linux).  A thread started while the sandbox is
 * armed but not yet locked down (the timer thread, disk workers, the
 * VNC thread are started while the machine is assembled) waits in
 * sandbox_thread_enter() until the main thread has locked down and
 * confined itself, then confines itself the same way and installs its
 * own class's filter; a thread started later inherits the main thread's
 * confinement and adds its class's filter.  Without sandbox_arm() (the
 * unit tests) sandbox_thread_enter() does nothing.
 *
 * Order in main.c:
 *   sandbox_arm()                   first thing: record inherited fds
 *   sandbox_mountns_enter()         options read, still single-threaded
 *   ... open everything, assemble the machine ...
 *   sandbox_lock_down(&cfg)         process-wide steps, main confined
 *                                   (but no seccomp filter yet)
 *   machine_run_start()             vCPU threads wait in the gate
 *   sandbox_seal()                  main's filter; the gate opens
 *   g_unix_signal_add(), main loop  (GLib's worker thread inherits main's)
 */
#ifndef VESSEL_SANDBOX_H
#define VESSEL_SANDBOX_H

#include <glib.h>
#include <stdbool.h>

typedef enum {
    SANDBOX_THREAD_MAIN,     /* main loop: control, serial, VNC accept, decisions */
    SANDBOX_THREAD_VCPU,     /* runs the guest (kvm or dbt) and device emulation */
    SANDBOX_THREAD_IO,       /* disk workers: block I/O on open images */
    SANDBOX_THREAD_TIMER,    /* device timers */
    SANDBOX_THREAD_DISPLAY,  /* the VNC server */
    SANDBOX_THREAD_LAST
} SandboxThread;

const char *sandbox_thread_name(SandboxThread cls);

/* What the VMM still does by path after lock-down (a VMM given every
 * file as a descriptor has none of these: no file system at all). */
typedef struct {
    const char *const *read_files;   /* re-read on reboot: kernel, initrd */
    const char *const *remove_files; /* unlinked at exit: its sockets, pid file */
    bool kvm;                        /* vCPU threads may use the KVM vCPU ioctls */
} SandboxConfig;

#define SANDBOX_ERROR (sandbox_error_quark())
GQuark sandbox_error_quark(void);

/* First thing in main(): the gate closes and the descriptors open now
 * are remembered as inherited; those @argv does not name (fd:N,
 * tapfd=N) are closed at lock-down. */
void sandbox_arm(int argc, char **argv);
/* Once the options are read, before any thread starts: a mount
 * namespace of its own (and a user namespace mapping only its own ids
 * unless root), which sandbox_lock_down() turns into an empty root when
 * the VMM needs no file system.  Refused by the kernel, the VMM goes on
 * without (mountns.c). */
void sandbox_mountns_enter(void);
/* No sandbox after all (--sandbox off, or setup failed): the gate opens
 * and waiting threads go on unconfined. */
void sandbox_disarm(void);
/* Process-wide steps and the calling (main) thread's confinement. */
gboolean sandbox_lock_down(const SandboxConfig *cfg, GError **error);
/* The main thread's seccomp filter; then waiting threads confine
 * themselves and go on.  Nothing may fail after this point but the
 * process itself. */
gboolean sandbox_seal(GError **error);
/* Has sandbox_seal() run (the process is confined)? */
bool sandbox_is_sealed(void);
/* At the top of every thread the VMM starts. */
void sandbox_thread_enter(SandboxThread cls);

/* Test-only probes (vessel-vmm --sandbox-test, the control command
 * sandbox-probe): try something the sandbox must refuse and say what
 * happened.  "forbidden" makes a syscall on no allow-list: the process
 * is killed. */
char *sandbox_probe(const char *what, const char *arg);

#endif
