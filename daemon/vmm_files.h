/* vmm_files.h - everything a VMM gets from vesseld, as descriptors.
 *
 * The daemon opens the domain's files (kernel, initrd, disks) with the
 * rights of the client the domain is started for (caller_open.h), binds
 * the VMM's listening sockets (control, serial console, virtio console)
 * in RUN/domains/UUID, a directory only the daemon may enter, and hands
 * all of it down as descriptors 3, 4, ... in vessel-vmm's fd:N
 * convention (vessel-vmm(1) "FILE DESCRIPTORS"), taps included.  So the
 * VMM opens nothing itself and needs no file system at all.
 *
 * Order of the descriptors: taps (one per interface, so --net tapfd=3
 * for a domain's first NIC), the VNC listener, kernel, initrd, disks,
 * control, serial, virtio console. */
#ifndef VESSEL_VMM_FILES_H
#define VESSEL_VMM_FILES_H

#include <glib.h>

#include "caller.h"
#include "daemon_config.h"
#include "xml/domain_conf.h"

/* The first descriptor the VMM inherits (0-2: /dev/null and the log). */
#define VMM_FIRST_FD 3

typedef struct {
    GArray *fds;        /* the daemon's descriptors (int); fds[i] -> VMM_FIRST_FD + i */
    GArray *targets;    /* VMM_FIRST_FD + i (int), for g_spawn */
    int *tap_targets;   /* --net tapfd=N, one per interface */
    char *vnc;          /* "fd:N": the listening VNC socket, NULL if none */
    char *kernel;       /* "fd:N", NULL for firmware boot */
    char *bios;         /* "fd:N": the firmware of a domain without <kernel> */
    char *initrd;       /* "fd:N", NULL without an initrd */
    GStrv disks;        /* --disk values: "fd:N,format=F[,readonly][,backing=F:fd:M]..." */
    int control;        /* --control fd:N */
    char *pidfile;      /* "fd:N": the domain's lock (vmm_lock.h), NULL if none */
    char *serial;       /* "unix:fd:N", NULL without a serial port or console */
    char *console;      /* "unix:fd:N", NULL without a virtio console */
} VmmFiles;

/* Open and bind everything for @def.  @tap_fds (def->n_nets entries, may
 * be NULL without interfaces) and @vnc_fd (the VNC listener the daemon
 * bound, -1 if none) are duplicated, not taken.  @disk_layers: per disk
 * its backing chain (domain_disks_layers), every layer opened here.
 * @lock_fd (-1: none) is passed as the VMM's pid file, which it keeps.
 * Errors name the file and, for permissions, what @caller lacks. */
VmmFiles *vmm_files_open(const DaemonConfig *cfg, const DomainDef *def,
                         const DaemonCaller *caller, const int *tap_fds, int vnc_fd,
                         const GPtrArray *disk_layers, int lock_fd, GError **error);
/* Close the daemon's descriptors (the VMM has its own copies by now). */
void vmm_files_free(VmmFiles *files);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmFiles, vmm_files_free)

/* Create RUN/domains/UUID (0700, the daemon's) empty of old sockets. */
gboolean vmm_files_make_runtime_dir(const DaemonConfig *cfg, const char *uuid,
                                    GError **error);
/* Remove the sockets of RUN/domains/UUID and the directory. */
void vmm_files_remove_runtime_dir(const DaemonConfig *cfg, const char *uuid);

#endif
