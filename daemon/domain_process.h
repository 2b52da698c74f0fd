/* domain_process.h - the VMM process of a domain: resolve, spawn, watch,
 * signal.
 *
 * The VMM is started in its own session (so it outlives the daemon:
 * systemd KillMode=process), with stdin on /dev/null, stdout and stderr
 * appended to the domain log, no other fds, and - when the daemon is
 * root and the configured VMM user exists - as that user with its
 * supplementary groups (kvm), no capabilities and no_new_privs.
 *
 * Exit is observed with a child watch for our own children and with a
 * pidfd for VMMs reattached after a daemon restart (those are not our
 * children, so their exit status is unknown). */
#ifndef VESSEL_DOMAIN_PROCESS_H
#define VESSEL_DOMAIN_PROCESS_H

#include <glib.h>
#include <sys/types.h>

#include "daemon_config.h"
#include "xml/domain_conf.h"

/* <emulator>, else [vmm] path, else $VESSEL_VMM, else BINDIR/vessel-vmm. */
char *domain_process_resolve_vmm(const DaemonConfig *cfg, const DomainDef *def);

typedef struct {
    const DaemonConfig *cfg;
    const DomainDef *def;
    const char *control_path;
    const char *console_path;
    const char *log_path;
    const char *const *tap_names;   /* one per interface, NULL if none */
    const int *tap_fds;             /* one per interface, attached to those taps:
                                     * the VMM gets them as fds 3, 4, ...; NULL: it
                                     * opens the taps by name */
    int vnc_fd;                     /* listening VNC socket for the VMM (after the
                                     * tap fds: --vnc fd:N), or -1 */
    const char *const *disk_args;   /* one --disk value per disk (domain_disks.h) */
} DomainSpawnParams;

/* Spawn the VMM (not waiting for it).  *@argv_out (may be NULL) gets the
 * command line for logging. */
gboolean domain_process_spawn(const DomainSpawnParams *params, pid_t *pid_out,
                              GError **error);

/* Called on @context when the process exits; @status is a wait status,
 * or -1 when unknown (reattached process). */
typedef void (*DomainExitFunc)(pid_t pid, int status, gpointer data);

/* Watch our own child @pid.  Returns the source id. */
guint domain_process_watch_child(GMainContext *context, pid_t pid,
                                 DomainExitFunc func, gpointer data,
                                 GDestroyNotify notify);
/* Watch a process that is not our child (pidfd).  0 with @error if it
 * cannot be watched (e.g. already gone). */
guint domain_process_watch_pidfd(GMainContext *context, pid_t pid,
                                 DomainExitFunc func, gpointer data,
                                 GDestroyNotify notify, GError **error);

/* Last non-empty line of @log_path written after @offset by the VMM (not
 * the daemon's own "STAMP vesseld: ..." lines), or NULL. */
char *domain_process_log_tail(const char *log_path, goffset offset);

#endif
