/* domain_obj.h - the daemon's view of one domain and the list of them.
 *
 * Locking: one mutex per DomainList guards the list AND every field of
 * every DomainObj in it (domains change rarely; one lock keeps the
 * reasoning simple).  Nothing blocking (spawning, control requests,
 * waiting for a VMM) happens with the lock held.  Lifecycle operations
 * on one domain are serialized by a "job": job_begin waits (bounded) for
 * the previous operation on that domain to end. */
#ifndef VESSEL_DOMAIN_OBJ_H
#define VESSEL_DOMAIN_OBJ_H

#include <glib.h>
#include <sys/types.h>

#include "caller.h"
#include "domain_state.h"
#include "obj_registry.h"
#include "vmm_log.h"
#include "vmm_watch.h"
#include "xml/domain_conf.h"

typedef struct ConsoleRelay ConsoleRelay;

typedef struct {
    gint ref;
    DomainDef *def;          /* live definition while active, else persistent */
    DomainDef *next_def;     /* persistent definition changed while active */
    char *path;              /* D-Bus object path */
    gboolean persistent;
    gboolean autostart;
    gboolean removed;        /* no longer in the list */

    DomainState state;
    int reason;
    int id;                  /* > 0 while active, else -1 */
    pid_t pid;               /* VMM process while active, else 0 */
    guint64 pid_start;       /* /proc/PID/stat start time, guards pid reuse */
    int pidfd;               /* the VMM's pidfd while active (the only way it
                              * is signalled: vmm_proc.h), else -1 */
    gint64 start_time;       /* wall clock seconds of the start */
    int stop_reason;         /* SHUTOFF reason to record when the VMM exits
                              * because we asked (-1: we did not ask) */
    gboolean exited;         /* the VMM was seen exiting */
    gboolean powerdown_asked; /* we pressed the power button (this run) */
    gboolean job;            /* a lifecycle operation is in progress */
    guint watch_id;          /* child watch or pidfd source */
    ConsoleRelay *console;   /* serial port relay, logs to the domain log */
    ConsoleRelay *hvc;       /* virtio console relay, made on first use */
    VmmLog *vmm_log;         /* the VMM's output on its way to the log */
    VmmWatch *events;        /* the VMM's event lines (main loop only) */
    GStrv taps;              /* tap devices created for this run, or NULL */
    guint32 vmm_id;          /* the VMM's uid and gid (root daemon), else 0 */
    DaemonCaller *owner;     /* whose rights opened this run's files (a
                              * restart reuses them), NULL: the daemon's */
    GSList *stop_waits;      /* deferred Shutdown replies (domain_stop_wait.h) */
} DomainObj;

typedef struct {
    ObjRegistry reg;         /* uuid -> DomainObj; reg.lock is THE lock */
    GCond cond;              /* job ends and state changes (with reg.lock) */
    int next_id;
} DomainList;

DomainList *domain_list_new(void);
void domain_list_free(DomainList *list);

void domain_list_lock(DomainList *list);
void domain_list_unlock(DomainList *list);

/* All lookups: list locked; the result is borrowed (ref it to keep it). */
DomainObj *domain_list_find_uuid(DomainList *list, const char *uuid);
DomainObj *domain_list_find_name(DomainList *list, const char *name);
DomainObj *domain_list_find_id(DomainList *list, int id);
/* By the last element of an object path (uuid with '_'). */
DomainObj *domain_list_find_path_node(DomainList *list, const char *node);
/* Referenced DomainObj*, sorted by name (free with g_ptr_array_unref). */
GPtrArray *domain_list_snapshot(DomainList *list);
guint domain_list_count_active(DomainList *list);

/* Takes ownership of @def; returns a borrowed obj now in the list. */
DomainObj *domain_list_add(DomainList *list, DomainDef *def);
void domain_list_remove(DomainList *list, DomainObj *dom);
int domain_list_alloc_id(DomainList *list);
/* The VMM ids (vmm_id) held by domains of the list: a set of
 * GUINT_TO_POINTER(id). */
GHashTable *domain_list_vmm_ids(DomainList *list);

/* With the list locked: wait (up to @timeout_ms) for the domain's current
 * job to end, then own it.  FALSE with DAEMON_ERROR_TIMEOUT otherwise. */
gboolean domain_obj_job_begin(DomainList *list, DomainObj *dom, guint timeout_ms,
                              GError **error);
void domain_obj_job_end(DomainList *list, DomainObj *dom);

gboolean domain_obj_is_active(const DomainObj *dom);
void domain_obj_set_state(DomainObj *dom, DomainState state, int reason);

DomainObj *domain_obj_ref(DomainObj *dom);
void domain_obj_unref(DomainObj *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainObj, domain_obj_unref)

/* "/org/vessel/Vessel1/domain/" + uuid with '-' -> '_'. */
char *domain_obj_path_for_uuid(const char *uuid);
#define DOMAIN_PATH_PREFIX "/org/vessel/Vessel1/domain"

#endif
