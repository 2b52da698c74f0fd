/* landlock.c - file system (and TCP, abstract socket) confinement with
 * landlock, at whatever ABI the running kernel has (sandbox.h).
 *
 * The ruleset handles every access right the kernel knows, so anything
 * not granted here is refused: a VMM given all its files as descriptors
 * gets no rule at all, i.e. no file system.  A VMM run by hand with
 * paths keeps read access to its kernel and initrd (read again on a
 * reboot in place) and may remove files in the directories of its own
 * sockets and pid file (at exit).  TCP bind/connect (ABI 4) and
 * connecting to abstract UNIX sockets (ABI 6) are refused: every socket
 * it needs is open before lock-down.  The UAPI is declared here, not
 * taken from <linux/landlock.h>, whose version follows the build host's
 * headers rather than the kernel the VMM runs on. */
#include "config.h"

#include "vmm/sandbox/sandbox_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* include/uapi/linux/landlock.h */
struct sandbox_ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;   /* ABI 4 */
    uint64_t scoped;               /* ABI 6 */
};

struct sandbox_ll_path_beneath {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_CREATE_RULESET_ERRATA (1u << 1)
#define LL_RULE_PATH_BENEATH 1

#define LL_FS_EXECUTE (1ull << 0)
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_READ_FILE (1ull << 2)
#define LL_FS_READ_DIR (1ull << 3)
#define LL_FS_REMOVE_FILE (1ull << 5)
#define LL_FS_ABI1 ((1ull << 13) - 1)   /* EXECUTE .. MAKE_SYM */
#define LL_FS_REFER (1ull << 13)        /* ABI 2 */
#define LL_FS_TRUNCATE (1ull << 14)     /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ull << 15)    /* ABI 5 */
#define LL_NET_BIND_TCP (1ull << 0)     /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ull << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ull << 1)
/* Erratum 2 (ABI 6): signals between threads of one process in
 * different domains were refused; only scope signals where fixed. */
#define LL_ERRATUM_SIGNAL_THREADS (1u << 1)

int sandbox_landlock_abi(void)
{
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int)abi;
}

static gboolean add_path(int ruleset, const char *path, uint64_t access, gboolean dir,
                         GError **error)
{
    int fd = open(path, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
    if (fd < 0) {
        g_set_error(error, SANDBOX_ERROR, 0, "landlock: cannot open %s: %s", path,
                    g_strerror(errno));
        return FALSE;
    }
    struct sandbox_ll_path_beneath pb = { .allowed_access = access, .parent_fd = fd };
    long r = syscall(__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0);
    int e = errno;
    close(fd);
    if (r < 0) {
        g_set_error(error, SANDBOX_ERROR, 0, "landlock: cannot allow %s: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

int sandbox_landlock_ruleset(int abi, const SandboxConfig *cfg, GError **error)
{
    struct sandbox_ll_ruleset_attr attr = { .handled_access_fs = LL_FS_ABI1 };
    size_t size = sizeof(attr.handled_access_fs);
    if (abi >= 2)
        attr.handled_access_fs |= LL_FS_REFER;
    if (abi >= 3)
        attr.handled_access_fs |= LL_FS_TRUNCATE;
    if (abi >= 4) {
        attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
        size = offsetof(struct sandbox_ll_ruleset_attr, scoped);
    }
    if (abi >= 5)
        attr.handled_access_fs |= LL_FS_IOCTL_DEV;
    if (abi >= 6) {
        long errata = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_ERRATA);
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX;
        if (errata > 0 && (errata & LL_ERRATUM_SIGNAL_THREADS))
            attr.scoped |= LL_SCOPE_SIGNAL;
        size = sizeof(attr);
    }
    int fd = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) {
        g_set_error(error, SANDBOX_ERROR, 0, "landlock: cannot create a ruleset (ABI %d): %s",
                    abi, g_strerror(errno));
        return -1;
    }
    gboolean ok = TRUE;
    for (const char *const *p = cfg->read_files; ok && p && *p; p++)
        ok = add_path(fd, *p, LL_FS_READ_FILE, FALSE, error);
    for (const char *const *p = cfg->remove_files; ok && p && *p; p++) {
        g_autofree char *dir = g_path_get_dirname(*p);
        ok = add_path(fd, dir, LL_FS_REMOVE_FILE, TRUE, error);
    }
#ifdef VESSEL_SANITIZERS
    /* /proc/self/maps and /proc/self/task for ASan and LeakSanitizer */
    if (ok)
        ok = add_path(fd, "/proc", LL_FS_READ_FILE | LL_FS_READ_DIR, TRUE, error);
#endif
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

int sandbox_landlock_restrict(int ruleset_fd)
{
    if (syscall(__NR_landlock_restrict_self, ruleset_fd, 0) < 0)
        return -errno;
    return 0;
}
