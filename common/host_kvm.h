/* host_kvm.h - what kind of KVM this host has, and the one decision of
 * whether `--accel auto` runs guests under it.
 *
 * vessel-vmm (--accel auto), vesseld (the kvm accelerator in its
 * capabilities) and vessel-ok all call host_kvm_auto() on facts read by
 * host_kvm_facts_read(), so they never disagree.  KVM is chosen only
 * where it can run an ordinary guest: hardware virtualization (a vmx or
 * svm flag in /proc/cpuinfo) behind a /dev/kvm this process can open,
 * answering KVM API version 12.  A PVM host (/sys/module/kvm_pvm, no
 * vmx/svm) has a working /dev/kvm that runs only PVM-enabled guest
 * kernels, so auto uses the software CPU (dbt) there; `--accel kvm` still
 * runs on it (host_kvm_device_usable()).
 *
 * Test hook: the facts are read below $VESSEL_HOST_ROOT when it is set
 * (a fake tree with proc/cpuinfo, sys/module/ and dev/kvm), so tests can
 * play every kind of host.  Only the reading is redirected; nothing else
 * in Vessel looks there. */
#ifndef VESSEL_HOST_KVM_H
#define VESSEL_HOST_KVM_H

#include <glib.h>
#include <sys/types.h>

/* Hardware virtualization the CPU advertises (first flags line). */
typedef enum {
    HOST_VIRT_NONE,
    HOST_VIRT_VMX,   /* Intel VT-x */
    HOST_VIRT_SVM,   /* AMD-V */
    HOST_VIRT_LAST
} HostVirt;

typedef enum {
    HOST_KVM_KIND_NONE,      /* no /dev/kvm */
    HOST_KVM_KIND_HARDWARE,  /* /dev/kvm on VT-x/AMD-V */
    HOST_KVM_KIND_PVM,       /* /dev/kvm from kvm_pvm: PVM-enabled guests only */
    HOST_KVM_KIND_UNKNOWN,   /* /dev/kvm, but neither vmx/svm nor kvm_pvm */
    HOST_KVM_KIND_LAST
} HostKvmKind;

typedef struct {
    HostVirt virt;        /* vmx/svm flag in proc/cpuinfo */
    gboolean pvm;         /* sys/module/kvm_pvm exists */
    gboolean dev_exists;  /* dev/kvm exists */
    gboolean dev_is_chr;  /* ... and is a character device */
    uid_t dev_uid;        /* owner, group and mode of dev/kvm */
    gid_t dev_gid;
    mode_t dev_mode;
    int open_errno;       /* 0: opened read-write; else why not */
    int api_version;      /* KVM_GET_API_VERSION; -errno if the ioctl failed */
} HostKvmFacts;

/* The root the facts are read below: $VESSEL_HOST_ROOT, or "/". */
const char *host_kvm_root(void);

/* Read the facts below @root (NULL: host_kvm_root()).  Opens dev/kvm
 * read-write as this process (and closes it again). */
void host_kvm_facts_read(const char *root, HostKvmFacts *facts);

/* The vmx/svm flag of the first "flags" line of @root/proc/cpuinfo. */
HostVirt host_kvm_cpu_virt(const char *root);
/* "vmx", "svm" or NULL. */
const char *host_virt_name(HostVirt virt);

HostKvmKind host_kvm_kind(const HostKvmFacts *facts);
/* "hardware VT-x", "hardware AMD-V", "PVM", "unknown", "none" (translated). */
const char *host_kvm_kind_describe(const HostKvmFacts *facts);

/* TRUE when the device can be used at all (exists, opens read-write,
 * API version 12): what `--accel kvm` needs.  Otherwise *@why (if not
 * NULL) gets a one-line reason. */
gboolean host_kvm_device_usable(const HostKvmFacts *facts, char **why);

/* THE decision: TRUE when `--accel auto` (and the daemon's "kvm usable")
 * means KVM; otherwise *@why (if not NULL) gets a one-line reason. */
gboolean host_kvm_auto(const HostKvmFacts *facts, char **why);

/* host_kvm_facts_read(NULL) + host_kvm_auto(). */
gboolean host_kvm_auto_probe(char **why);

#endif
