/* domain_process.h - the VMM process of a domain: resolve, spawn, watch,
 * signal.
 *
 * The VMM is started in its own session (so it outlives the daemon:
 * systemd KillMode=process), with stdin on /dev/null, stdout and stderr
 * appended to the domain log, and its files and sockets as descriptors
 * 3, 4, ... (vmm_files.h), nothing else.  A root daemon starts it as
 * the domain's own uid and gid (vmm_ids.h; supplementary group kvm
 * only), with an empty capability bounding set and no_new_privs: never
 * as root.
 *
 * Exit is observed with a child watch for our own children and with a
 * pidfd for VMMs reattached after a daemon restart (those are not our
 * children, so their exit status is unknown). */
#ifndef VESSEL_DOMAIN_PROCESS_H
#define VESSEL_DOMAIN_PROCESS_H

#include <glib.h>
#include <sys/types.h>

#include "caller.h"
#include "daemon_config.h"
#include "vmm_log.h"
#include "xml/domain_conf.h"

/* <emulator> if the configuration allows it (the installed vessel-vmm,
 * [vmm] path, $VESSEL_VMM of the daemon, the build tree's VMM, [vmm]
 * emulators; else DAEMON_ERROR_ACCESS_DENIED), else [vmm] path, else
 * $VESSEL_VMM, else the build tree's vmm/vessel-vmm when this vesseld is
 * not the installed one (a build tree's daemon/vesseld), else
 * BINDIR/vessel-vmm. */
char *domain_process_resolve_vmm(const DaemonConfig *cfg, const DomainDef *def,
                                 GError **error);

/* The environment a VMM is started with: a fixed PATH, and of the
 * daemon's own only the locale, sanitizer options and VESSEL_DBT*,
 * VESSEL_HOST_ROOT. */
GStrv domain_process_vmm_environ(void);

typedef struct {
    const DaemonConfig *cfg;
    const DomainDef *def;
    const DaemonCaller *caller;     /* whose rights open the files; NULL: the daemon's */
    const char *log_path;
    const int *tap_fds;             /* one per interface, attached to its tap */
    guint32 vmm_id;                 /* uid and gid of the VMM (a root daemon) */
    int vnc_fd;                     /* listening VNC socket for the VMM (after the
                                     * tap fds: --vnc fd:N), or -1 */
    const GPtrArray *disk_layers;   /* per disk, its chain (domain_disks_layers) */
    int lock_fd;                    /* the domain's lock (vmm_lock.h): --pidfile fd:N */
} DomainSpawnParams;

/* Open its files, bind its sockets and spawn the VMM (not waiting for
 * it); the command line goes to the log, and the VMM's output reaches it
 * through *@log_out (vmm_log.h: the VMM never holds the log file). */
gboolean domain_process_spawn(const DomainSpawnParams *params, pid_t *pid_out,
                              VmmLog **log_out, GError **error);

/* Called on @context when the process exits; @status is a wait status,
 * or -1 when unknown (reattached process). */
typedef void (*DomainExitFunc)(pid_t pid, int status, gpointer data);

/* Watch our own child @pid.  Returns the source id. */
guint domain_process_watch_child(GMainContext *context, pid_t pid,
                                 DomainExitFunc func, gpointer data,
                                 GDestroyNotify notify);
/* Watch a process that is not our child through its @pidfd (a copy is
 * taken; vmm_proc.h).  0 with @error if it cannot be watched. */
guint domain_process_watch_pidfd(GMainContext *context, pid_t pid, int pidfd,
                                 DomainExitFunc func, gpointer data,
                                 GDestroyNotify notify, GError **error);

/* Last non-empty line of @log_path written after @offset by the VMM (not
 * the daemon's own "STAMP vesseld: ..." lines), or NULL. */
char *domain_process_log_tail(const char *log_path, goffset offset);

#endif
