/* mountns.c - the VMM in a mount namespace of its own (sandbox.h).
 *
 * Two steps, because the kernel allows them at different times:
 *
 * sandbox_mountns_enter(), once the options are read and before any
 * thread starts: unshare(CLONE_NEWUSER) works only in a single-threaded
 * process, and so does a mount namespace that every thread shares.  A
 * VMM that is not root (the daemon's VMMs run as a uid of their own)
 * gets a user namespace mapping only its own uid and gid, which gives it
 * the right to change its mount namespace and nothing outside it; root
 * keeps its own user namespace (a new one would lose its rights over
 * files of unmapped owners) and only unshares the mount namespace.
 * Every mount becomes private, so nothing done here reaches the host.
 *
 * sandbox_mountns_empty_root(), at lock-down, for a VMM given every file
 * as a descriptor (it needs no file system): a small tmpfs mounted on
 * /tmp becomes the root (pivot_root), the old root is detached and the
 * new one made read-only.  The VMM then sees an empty directory tree:
 * no /etc, no /run, no other VM's socket, no /tmp of the host; with
 * ASan/UBSan, /proc is bound in for the sanitizer runtimes.  Landlock and
 * seccomp confine it all the same; the namespace also holds where the
 * kernel has no landlock.  A VMM run by hand with paths keeps the host's
 * tree (its own namespace, but the same mounts).
 *
 * Neither step is fatal: a kernel or container that refuses user or
 * mount namespaces leaves the VMM confined by the rest of the sandbox,
 * and sandbox_mountns_state() says why ("sandbox-probe mountns"). */
#include "config.h"

#include "vmm/sandbox/sandbox_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Where the new root is assembled (in the VMM's own namespace). */
#define STAGING_DIR "/tmp"

static struct {
    bool entered;      /* own mount namespace */
    bool empty_root;   /* its root is the empty tmpfs */
    char why[128];     /* what failed, "" if nothing */
} ns;

static void note_failure(const char *what, int err)
{
    snprintf(ns.why, sizeof(ns.why), "%s: %s", what, g_strerror(err));
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int err = n < 0 ? errno : 0;
    close(fd);
    return n == (ssize_t)len ? 0 : -(err ? err : EIO);
}

/* A user namespace where this process keeps its own uid and gid. */
static int enter_user_namespace(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER) < 0)
        return -errno;
    char map[64];
    int r = write_file("/proc/self/setgroups", "deny");
    if (r == 0) {
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
        r = write_file("/proc/self/uid_map", map);
    }
    if (r == 0) {
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
        r = write_file("/proc/self/gid_map", map);
    }
    /* New credentials made the process undumpable: the daemon (same uid
     * in session mode) could no longer read its /proc/PID/exe.  As
     * dumpable as before; RLIMIT_CORE 0 still keeps guest memory out of
     * core files. */
    if (r == 0 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        r = -errno;
    return r;
}

void sandbox_mountns_enter(void)
{
    if (geteuid() != 0) {
        int r = enter_user_namespace();
        if (r < 0) {
            note_failure("user namespace", -r);
            return;
        }
    }
    if (unshare(CLONE_NEWNS) < 0) {
        note_failure("unshare(CLONE_NEWNS)", errno);
        return;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        /* still its own namespace, but mounts could propagate: not
         * one to change */
        note_failure("private mounts", errno);
        return;
    }
    ns.entered = true;
}

void sandbox_mountns_empty_root(void)
{
    if (!ns.entered)
        return;
    if (mount("vessel-vmm", STAGING_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=16k,nr_inodes=16,mode=0755") < 0) {
        note_failure("tmpfs on " STAGING_DIR, errno);
        return;
    }
#ifdef VESSEL_SANITIZERS
    /* ASan's and UBSan's reports read /proc/self/maps */
    if (mkdir(STAGING_DIR "/proc", 0555) < 0 ||
        mount("/proc", STAGING_DIR "/proc", NULL, MS_BIND | MS_REC, NULL) < 0) {
        note_failure("/proc for the sanitizers", errno);
        return;
    }
#endif
    /* pivot_root(".", "."): the old root is stacked on the new one and
     * detached with everything under it (pivot_root(2), NOTES). */
    if (chdir(STAGING_DIR) < 0) {
        note_failure("chdir", errno);
        return;
    }
    if (syscall(SYS_pivot_root, ".", ".") < 0) {
        note_failure("pivot_root", errno);
        return;
    }
    if (umount2(".", MNT_DETACH) < 0) {
        note_failure("detaching the old root", errno);
        return;
    }
    if (chdir("/") < 0) {
        note_failure("chdir /", errno);
        return;
    }
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) < 0) {
        note_failure("read-only root", errno);
        return;
    }
    ns.empty_root = true;
}

char *sandbox_mountns_state(void)
{
    return g_strdup_printf("%s%s%s%s", ns.entered ? "on" : "off",
                           ns.empty_root ? " empty-root" : "", ns.why[0] ? " " : "", ns.why);
}
