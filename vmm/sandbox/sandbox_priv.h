/* sandbox_priv.h - the parts of the sandbox (sandbox.h): the seccomp
 * filters (filter.c), landlock (landlock.c) and the mount
 * namespace (mountns.c), used by sandbox.c and
 * by tests/vmm/test-sandbox. */
#ifndef VESSEL_SANDBOX_PRIV_H
#define VESSEL_SANDBOX_PRIV_H

#include "vmm/sandbox/sandbox.h"

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct {
    bool fs_paths;   /* the main thread may open/unlink by path (landlock narrows) */
    bool kvm;        /* the KVM vCPU ioctls */
    pid_t pid;       /* signals only to this process */
} SandboxFilterConfig;

typedef struct {
    struct sock_filter *insns;
    unsigned short len;
} SandboxBpf;

/* The filter of class @cls as a BPF program (main thread, at lock-down). */
gboolean sandbox_filter_build(SandboxThread cls, const SandboxFilterConfig *cfg, SandboxBpf *out,
                              GError **error);
/* Install @bpf on the calling thread (no_new_privs must be set); -errno. */
int sandbox_bpf_install(const SandboxBpf *bpf);
void sandbox_bpf_clear(SandboxBpf *bpf);

/* At lock-down, a VMM that needs no file system: an empty read-only
 * tmpfs becomes its root (mountns.c).  Not fatal: the state says. */
void sandbox_mountns_empty_root(void);
/* "on"/"off", " empty-root", and what failed, if anything (g_free). */
char *sandbox_mountns_state(void);

/* The kernel's landlock ABI version, 0 without landlock. */
int sandbox_landlock_abi(void);
/* A ruleset that handles every access right of @abi and allows only
 * what @cfg names (plus /proc for the sanitizers); -1 and @error on
 * failure.  Caller closes it. */
int sandbox_landlock_ruleset(int abi, const SandboxConfig *cfg, GError **error);
/* Confine the calling thread to @ruleset_fd; -errno. */
int sandbox_landlock_restrict(int ruleset_fd);

#endif
