/* domain_store.h - where domains live on disk.
 *
 *   CONFIG/domains/NAME.xml             persistent definition
 *   CONFIG/domains/autostart/NAME.xml   symlink -> ../NAME.xml
 *   RUN/domains/UUID.xml                live status of an active domain
 *   RUN/domains/UUID/control, console   the VMM's sockets (the daemon binds
 *                                       them and passes them down)
 *   RUN/domains/UUID/hvc                virtio console, if the domain has one
 *   LOG/domains/NAME.log                VMM stderr and guest serial output
 *
 * RUN/domains and everything below it belong to the daemon alone (0700):
 * a VMM never touches the file system, so it cannot forge a status file
 * or reach another VMM's sockets.  Runtime paths derive from the UUID
 * only, so no name can collide with another domain's files.
 *
 * The status file is <domstatus state= reason= id= pid= pid_start=
 * start_time= persistent= taps= vmm_id= owner=> wrapping the live <domain>;
 * it is what a restarted daemon reattaches from.  Every write is atomic
 * (vessel_file_write_atomic). */
#ifndef VESSEL_DOMAIN_STORE_H
#define VESSEL_DOMAIN_STORE_H

#include <glib.h>

#include "daemon_config.h"
#include "domain_obj.h"

char *domain_store_config_path(const DaemonConfig *cfg, const char *name);
char *domain_store_autostart_path(const DaemonConfig *cfg, const char *name);
char *domain_store_status_path(const DaemonConfig *cfg, const char *uuid);
/* RUN/domains/UUID: the directory of the VMM's sockets. */
char *domain_store_runtime_dir(const DaemonConfig *cfg, const char *uuid);
char *domain_store_log_path(const DaemonConfig *cfg, const char *name);
/* @kind is "control", "console" or "hvc". */
char *domain_store_socket_path(const DaemonConfig *cfg, const DomainDef *def,
                               const char *kind);

gboolean domain_store_save_config(const DaemonConfig *cfg, const DomainDef *def,
                                  GError **error);
/* Removes the definition and its autostart link. */
gboolean domain_store_delete_config(const DaemonConfig *cfg, const char *name,
                                    GError **error);
/* The link is owned by @owner/@group (whose rights autostart uses). */
gboolean domain_store_set_autostart(const DaemonConfig *cfg, const char *name,
                                    gboolean on, uid_t owner, gid_t group, GError **error);
gboolean domain_store_get_autostart(const DaemonConfig *cfg, const char *name);

/* Parse every CONFIG/domains/NAME.xml; broken files are logged and skipped. */
GPtrArray *domain_store_load_configs(const DaemonConfig *cfg);

typedef struct {
    int state;
    int reason;
    int id;
    pid_t pid;
    guint64 pid_start;
    gint64 start_time;
    gboolean persistent;
    GStrv taps;             /* tap devices of this run (may be empty) */
    guint32 vmm_id;         /* uid/gid of the VMM, 0: not dropped */
    uid_t owner;            /* whose rights the run's files were opened with */
    DomainDef *def;
} DomainStatus;

/* Write RUN/domains/NAME.xml from @dom (list locked by the caller). */
gboolean domain_store_save_status(const DaemonConfig *cfg, const DomainObj *dom,
                                  GError **error);
DomainStatus *domain_store_read_status(const char *path, GError **error);
gboolean domain_store_delete_status(const DaemonConfig *cfg, const char *uuid,
                                    GError **error);
/* Paths of every RUN/domains/NAME.xml status file. */
GPtrArray *domain_store_list_status(const DaemonConfig *cfg);
void domain_status_free(DomainStatus *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainStatus, domain_status_free)

/* Start time of process @pid (field 22 of /proc/PID/stat), 0 if gone. */
guint64 domain_store_proc_start_time(pid_t pid);

#endif
