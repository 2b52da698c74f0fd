/* hostcheck.h - host probes behind vessel-ok (CPU flags, /dev/kvm, modules,
 * firmware VT lock, /dev/net/tun, group membership).
 *
 * Every probe reads below HostProbe.root, so tests point it at a fake tree
 * of /proc, /sys, /dev and /etc files.  The identity the checks are made
 * for (uid, active gids, user name) is part of the probe too, so a test can
 * ask "what would user 1000 see" without changing users. */
#ifndef VESSEL_HOSTCHECK_H
#define VESSEL_HOSTCHECK_H

#include <glib.h>
#include <sys/types.h>

#include "host_kvm.h"

typedef struct {
    char *root;       /* "/" on a real host */
    uid_t uid;        /* identity the checks are made for */
    GArray *gids;     /* gid_t: active groups of that identity */
    char *user;       /* user name, for /etc/group member lists */
} HostProbe;

typedef enum {
    HOST_FW_ENABLED,     /* VT usable as far as the firmware goes */
    HOST_FW_DISABLED,    /* locked off by the BIOS */
    HOST_FW_UNKNOWN,     /* MSR not readable (not root, no msr module) */
    HOST_FW_LAST
} HostFirmware;

typedef enum {
    HOST_RESULT_PASS,
    HOST_RESULT_WARN,
    HOST_RESULT_FAIL,
    HOST_RESULT_LAST
} HostResult;

/* Probe for the calling process, rooted at @root if not NULL, else at
 * $VESSEL_HOST_ROOT or "/" (host_kvm_root()).  VESSEL_OK_UID, VESSEL_OK_GIDS (comma list) and
 * VESSEL_OK_USER override the identity (test hooks). */
HostProbe *host_probe_new(const char *root);
void host_probe_free(HostProbe *probe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HostProbe, host_probe_free)

/* Path of @abs (an absolute host path) below the probe's root. */
char *host_probe_path(const HostProbe *probe, const char *abs);

HostVirt host_cpu_virt(const HostProbe *probe);
const char *host_virt_module(HostVirt virt); /* "kvm_intel", "kvm_amd", NULL */
/* TRUE when the kernel module @name is loaded or built in. */
gboolean host_module_loaded(const HostProbe *probe, const char *name);
/* FALSE if the device node does not exist; *rw tells read-write access. */
gboolean host_dev_access(const HostProbe *probe, const char *dev, gboolean *rw);
HostFirmware host_firmware_vt(const HostProbe *probe, HostVirt virt);
gboolean host_is_root(const HostProbe *probe);

/* Group check: PASS member and active in this session (or root, for a
 * group that exists), WARN listed in /etc/group but not active yet (log
 * in again) or, for root, a group that does not exist, FAIL not a member
 * or (not root) no such group.  *hint gets a short explanation for
 * WARN/FAIL. */
HostResult host_group_member(const HostProbe *probe, const char *group, char **hint);
/* The name of group @gid in the probe's /etc/group, or NULL. */
char *host_group_name(const HostProbe *probe, gid_t gid);

const char *host_result_name(HostResult result);

#endif
