/* domain_driver.c - domain lifecycle on top of the store, the VMM process
 * and its control channel.
 *
 * Design: the list lock (domain_obj.h) guards all state; each operation
 * takes the domain's job, drops the lock for anything that blocks and
 * re-checks state after re-locking.  The VMM's exit is seen on the main
 * loop (child watch, or pidfd after a daemon restart) by vmm_exited(),
 * the single place that turns an exit into a shut off state, reason and
 * event; operations that wait for an exit (destroy, a failed start) wait
 * on the list's condition variable for it, except Shutdown with a
 * timeout, whose reply waits without a thread (domain_stop_wait.h).
 *
 * Exit classification (own children): status 0 and 3 (reset with
 * --no-reboot) are a shutdown, 4 or death by a signal we did not send is
 * a crash, anything else a failure.  For a reattached VMM the status is
 * unknown: an exit after a power-button press counts as shutdown, any
 * other as a crash. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console_relay.h"
#include "def_store.h"
#include "domain_console.h"
#include "domain_disks.h"
#include "domain_graphics.h"
#include "daemon_error.h"
#include "daemon_events.h"
#include "domain_driver.h"
#include "domain_log.h"
#include "domain_process.h"
#include "domain_stop_wait.h"
#include "domain_store.h"
#include "domain_vmm_events.h"
#include "fileutil.h"
#include "i18n.h"
#include "netbridge/netbridge.h"
#include "network_driver.h"
#include "pool_driver.h"
#include "vmm_control.h"
#include "vmm_files.h"
#include "vmm_ids.h"
#include "vmm_lock.h"
#include "vmm_proc.h"

#define DOMAIN_PAUSED_STARTING_UP 11

/* List locked. */
static void emit(Daemon *d, DomainObj *dom, int event, int detail)
{
    daemon_events_queue_domain(d->events, dom, event, detail);
}

/* Append a timestamped line to the domain's log. */
static void domain_log(Daemon *d, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void domain_log(Daemon *d, const char *name, const char *fmt, ...)
{
    g_autofree char *path = domain_store_log_path(d->config, name);
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;
    /* a line of its own, even in the middle of one the guest is printing
     * (the console relay appends to the same file): domain_log.h */
    domain_log_daemon_line(fd, msg);
    close(fd);
}

static void save_status(Daemon *d, DomainObj *dom)
{
    g_autoptr(GError) err = NULL;
    if (!domain_store_save_status(d->config, dom, &err))
        g_warning("%s", err->message);
}

static gboolean not_active_error(DomainObj *dom, GError **error)
{
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                _("Domain '%s' is not running"), dom->def->name);
    return FALSE;
}

static gboolean check_flags(guint flags, guint allowed, GError **error)
{
    if (flags & ~allowed) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Unsupported flags 0x%x"), flags & ~allowed);
        return FALSE;
    }
    return TRUE;
}

/* Wait (list locked) until the VMM @pid of @dom is gone or @deadline. */
static gboolean wait_exit_locked(Daemon *d, DomainObj *dom, pid_t pid, gint64 deadline)
{
    while (dom->pid == pid && pid != 0) {
        if (!g_cond_wait_until(&d->domains->cond, &d->domains->reg.lock, deadline))
            return dom->pid != pid;
    }
    return TRUE;
}

/* ------------------------------------------------------------ parsing */

DomainDef *domain_driver_parse(const char *xml, GError **error)
{
    g_autoptr(GError) err = NULL;
    DomainDef *def = domain_def_parse(xml, DOMAIN_PARSE_DEFAULT, &err);
    if (!def) {
        int code = err->domain == VESSEL_XML_ERROR && err->code == VESSEL_XML_ERROR_INTERNAL
                       ? DAEMON_ERROR_INTERNAL
                       : DAEMON_ERROR_INVALID_XML;
        g_set_error_literal(error, DAEMON_ERROR, code, err->message);
        return NULL;
    }
    if (!def->name || !*def->name || strchr(def->name, '/') || def->name[0] == '.') {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML,
                    _("Domain name '%s' cannot be used as a file name"),
                    def->name ? def->name : "");
        domain_def_free(def);
        return NULL;
    }
    return def;
}

/* ------------------------------------------------------------ exit */

typedef struct {
    Daemon *d;
    DomainObj *dom;
} ExitCtx;

static void exit_ctx_free(gpointer p)
{
    ExitCtx *c = p;
    domain_obj_unref(c->dom);
    g_free(c);
}

/* ------------------------------------------------------------ taps */

/* The bridge of each interface of @def: its <source bridge=>, or the
 * bridge of the active network it names. */
static GStrv interface_bridges(Daemon *d, const DomainDef *def, GError **error)
{
    g_auto(GStrv) out = g_new0(char *, def->n_nets + 1);
    network_list_lock(d->networks);
    for (guint i = 0; i < def->n_nets; i++) {
        const DomainNetDef *net = def->nets[i];
        if (net->type == DOMAIN_NET_BRIDGE) {
            out[i] = g_strdup(net->source);
            continue;
        }
        NetworkObj *n = network_list_find_name(d->networks, net->source);
        if (!n || !n->active) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                        _("Network '%s' of interface %u is not active"), net->source, i);
            network_list_unlock(d->networks);
            return NULL;
        }
        out[i] = g_strdup(n->live_bridge);
    }
    network_list_unlock(d->networks);
    return g_steal_pointer(&out);
}

static void delete_taps(const char *const *taps)
{
    for (guint i = 0; taps && taps[i]; i++) {
        g_autoptr(GError) err = NULL;
        if (!netbridge_tap_delete(taps[i], &err) && !g_error_matches(err, NETBRIDGE_ERROR,
                                                                     NETBRIDGE_ERROR_NOT_FOUND))
            g_warning(_("Cannot delete tap %s: %s"), taps[i], err->message);
    }
}

static void close_fds(GArray *fds)
{
    for (guint i = 0; fds && i < fds->len; i++)
        close(g_array_index(fds, int, i));
    if (fds)
        g_array_set_size(fds, 0);
}

/* One persistent tap per interface, attached to its bridge.  The fds they were created with go to @fds (one per
 * interface): the VMM inherits them (--net tapfd=N), so it needs no
 * access to /dev/net/tun.  Deleted when the VMM is gone. */
static GStrv create_taps(Daemon *d, const DomainDef *def, GArray *fds, GError **error)
{
    g_auto(GStrv) bridges = interface_bridges(d, def, error);
    if (!bridges)
        return NULL;
    /* No owner: nobody but the daemon (CAP_NET_ADMIN) can attach to the
     * tap; the VMM gets the fd it was created with. */
    guint flags = NETBRIDGE_TAP_PERSIST;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < def->n_nets; i++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *mac = netbridge_mac_for_tap(def->nets[i]->mac, &err);
        char *name = NULL;
        NetbridgeTapOptions o = {
            .name = def->nets[i]->target_dev,
            .flags = flags,
            .mac = mac,
            .bridge = bridges[i],
        };
        int fd = mac ? netbridge_tap_create(&o, &name, &err) : -1;
        if (fd < 0) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("Cannot create the tap of interface %u: %s"), i, err->message);
            g_ptr_array_add(names, NULL);
            close_fds(fds);
            delete_taps((const char *const *)names->pdata);
            return NULL;
        }
        g_array_append_val(fds, fd);
        g_ptr_array_add(names, name);
    }
    g_ptr_array_add(names, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

static void remove_runtime_files(Daemon *d, DomainObj *dom)
{
    domain_graphics_stopped(dom);
    delete_taps((const char *const *)dom->taps);
    g_clear_pointer(&dom->taps, g_strfreev);
    g_autoptr(GError) err = NULL;
    if (!domain_store_delete_status(d->config, dom->def->uuid, &err))
        g_warning("%s", err->message);
    g_autofree char *control = domain_store_socket_path(d->config, dom->def, "control");
    vmm_control_forget(control);   /* a new VMM starts with a fresh channel */
    vmm_files_remove_runtime_dir(d->config, dom->def->uuid);
    vmm_lock_remove(d->config, dom->def->uuid);
}

/* Turn an exit into (reason, event detail). */
static void classify_exit(const DomainObj *dom, int status, int *reason, int *detail)
{
    static const struct {
        int reason;
        int detail;
    } map[] = {
        [DOMAIN_SHUTOFF_SHUTDOWN] = { DOMAIN_SHUTOFF_SHUTDOWN, DOMAIN_EVENT_STOPPED_SHUTDOWN },
        [DOMAIN_SHUTOFF_DESTROYED] = { DOMAIN_SHUTOFF_DESTROYED, DOMAIN_EVENT_STOPPED_DESTROYED },
        [DOMAIN_SHUTOFF_CRASHED] = { DOMAIN_SHUTOFF_CRASHED, DOMAIN_EVENT_STOPPED_CRASHED },
        [DOMAIN_SHUTOFF_FAILED] = { DOMAIN_SHUTOFF_FAILED, DOMAIN_EVENT_STOPPED_FAILED },
    };
    int r;
    if (dom->stop_reason >= 0)
        r = dom->stop_reason;
    else if (status == -1)
        r = dom->state == DOMAIN_STATE_SHUTDOWN || dom->powerdown_asked ? DOMAIN_SHUTOFF_SHUTDOWN
                                                                         : DOMAIN_SHUTOFF_CRASHED;
    else if (WIFEXITED(status))
        r = WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3 ? DOMAIN_SHUTOFF_SHUTDOWN
            : WEXITSTATUS(status) == 4                           ? DOMAIN_SHUTOFF_CRASHED
                                                                 : DOMAIN_SHUTOFF_FAILED;
    else
        r = DOMAIN_SHUTOFF_CRASHED;
    if (r < 0 || r >= (int)G_N_ELEMENTS(map) || (r != 1 && map[r].reason == 0))
        r = DOMAIN_SHUTOFF_CRASHED;
    *reason = map[r].reason;
    *detail = map[r].detail;
}

/* <on_poweroff>/<on_crash> restart: a guest that powered itself off (not
 * on our request) or crashed is started again.  A reset is handled inside
 * the VMM (no --no-reboot) unless <on_reboot> is destroy. */
static gboolean wants_restart(const DomainObj *dom, int status, int reason,
                              gboolean asked_shutdown)
{
    if (dom->stop_reason >= 0)
        return FALSE;
    if (reason == DOMAIN_SHUTOFF_CRASHED)
        return dom->def->on_crash == DOMAIN_LIFECYCLE_RESTART;
    if (reason == DOMAIN_SHUTOFF_SHUTDOWN && !asked_shutdown && status != -1 &&
        WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return dom->def->on_poweroff == DOMAIN_LIFECYCLE_RESTART;
    return FALSE;
}

typedef struct {
    Daemon *d;
    DomainObj *dom;
} RestartCtx;

static RestartCtx *restart_new(Daemon *d, DomainObj *dom)
{
    RestartCtx *r = g_new0(RestartCtx, 1);
    *r = (RestartCtx){ d, domain_obj_ref(dom) };
    return r;
}

static gpointer restart_thread(gpointer data)
{
    RestartCtx *r = data;
    g_autoptr(GError) err = NULL;
    domain_list_lock(r->d->domains);
    g_autoptr(DaemonCaller) owner = daemon_caller_copy(r->dom->owner);
    domain_list_unlock(r->d->domains);
    if (!domain_driver_start(r->d, r->dom, 0, owner, &err))
        g_warning(_("Restart of domain '%s' failed: %s"), r->dom->def->name, err->message);
    domain_list_lock(r->d->domains);
    if (!r->dom->persistent && !domain_obj_is_active(r->dom) && !r->dom->removed)
        domain_list_remove(r->d->domains, r->dom);
    domain_list_unlock(r->d->domains);
    domain_obj_unref(r->dom);
    g_free(r);
    return NULL;
}

static void vmm_exited(pid_t pid, int status, gpointer data)
{
    ExitCtx *c = data;
    Daemon *d = c->d;
    DomainObj *dom = c->dom;

    domain_list_lock(d->domains);
    if (dom->pid != pid) {
        domain_list_unlock(d->domains);
        return;
    }
    gboolean was_up = !(dom->state == DOMAIN_STATE_PAUSED &&
                        dom->reason == DOMAIN_PAUSED_STARTING_UP);
    int reason, detail;
    gboolean asked_shutdown = dom->state == DOMAIN_STATE_SHUTDOWN || dom->powerdown_asked;
    classify_exit(dom, status, &reason, &detail);
    /* all the VMM said goes before our lines about its end */
    vmm_log_finish(g_steal_pointer(&dom->vmm_log));
    if (status == -1)
        domain_log(d, dom->def->name, "VMM pid %d exited", (int)pid);
    else if (WIFEXITED(status))
        domain_log(d, dom->def->name, "VMM pid %d exited with status %d", (int)pid,
                   WEXITSTATUS(status));
    else
        domain_log(d, dom->def->name, "VMM pid %d killed by signal %d", (int)pid,
                   WTERMSIG(status));

    domain_console_close_all(dom);
    domain_vmm_events_stop(dom);
    remove_runtime_files(d, dom);
    dom->pid = 0;
    dom->pid_start = 0;
    if (dom->pidfd >= 0)
        close(dom->pidfd);
    dom->pidfd = -1;
    dom->id = -1;
    dom->vmm_id = 0;
    dom->exited = TRUE;
    dom->powerdown_asked = FALSE;
    dom->watch_id = 0;
    dom->stop_reason = -1;
    domain_obj_set_state(dom, DOMAIN_STATE_SHUTOFF, reason);
    if (dom->next_def) {
        domain_def_free(dom->def);
        dom->def = g_steal_pointer(&dom->next_def);
    }
    GSList *waits = domain_stop_wait_take(dom);
    if (was_up)
        emit(d, dom, DOMAIN_EVENT_STOPPED, detail);
    if (was_up && wants_restart(dom, status, reason, asked_shutdown)) {
        domain_log(d, dom->def->name, "restarting (lifecycle action)");
        g_thread_unref(g_thread_new("restart", restart_thread, restart_new(d, dom)));
    } else if (!dom->persistent) {
        domain_list_remove(d->domains, dom);
    }
    g_cond_broadcast(&d->domains->cond);
    domain_list_unlock(d->domains);
    domain_stop_wait_finish(waits, NULL);
    daemon_touch(d);
}

/* ------------------------------------------------------------ start */

static goffset file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

/* List locked, job held: start the VMM and wait until it answers. */
static gboolean start_vmm_locked(Daemon *d, DomainObj *dom, guint flags,
                                 const DaemonCaller *caller, GError **error)
{
    g_autoptr(DomainDef) def = domain_def_copy(dom->def);
    g_autofree char *control = domain_store_socket_path(d->config, def, "control");
    g_autofree char *console = domain_store_socket_path(d->config, def, "console");
    g_autofree char *log = domain_store_log_path(d->config, def->name);
    /* A root daemon's VMM gets an id of its own, reserved now (list
     * locked) so that concurrent starts never share one. */
    guint32 vmm_id = 0;
    if (geteuid() == 0) {
        g_autoptr(GHashTable) taken = domain_list_vmm_ids(d->domains);
        if (!vmm_ids_pick(d->config->vmm_uid_first, d->config->vmm_uid_last, taken, &vmm_id,
                          error))
            return FALSE;
        dom->vmm_id = vmm_id;
    }
    domain_list_unlock(d->domains);

    /* the domain's lock before anything else: a VMM of it that still runs
     * (the daemon lost track of it) keeps its sockets, and no second one
     * starts */
    int lock_fd = vmm_lock_take(d->config, def->uuid, def->name, error);
    if (lock_fd < 0) {
        domain_list_lock(d->domains);
        dom->vmm_id = 0;
        return FALSE;
    }
    goffset offset = file_size(log);
    /* disks first: nothing to undo when a volume or chain is wrong */
    g_autoptr(GPtrArray) disk_layers = domain_disks_layers(d, def, caller, error);
    if (!disk_layers) {
        close(lock_fd);
        domain_list_lock(d->domains);
        dom->vmm_id = 0;
        return FALSE;
    }
    g_autoptr(GArray) tap_fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_auto(GStrv) taps = NULL;
    if (vmm_files_make_runtime_dir(d->config, def->uuid, error))
        taps = def->n_nets ? create_taps(d, def, tap_fds, error) : g_new0(char *, 1);
    if (!taps) {
        vmm_files_remove_runtime_dir(d->config, def->uuid);
        close(lock_fd);
        domain_list_lock(d->domains);
        dom->vmm_id = 0;
        return FALSE;
    }
    int vnc_port = -1, vnc_fd = -1;
    if (def->graphics) {
        g_autoptr(GError) gerr = NULL;
        vnc_fd = domain_graphics_listen(def->graphics, &vnc_port, &gerr);
        if (gerr) {
            close_fds(tap_fds);
            delete_taps((const char *const *)taps);
            vmm_files_remove_runtime_dir(d->config, def->uuid);
            close(lock_fd);
            g_propagate_error(error, g_steal_pointer(&gerr));
            domain_list_lock(d->domains);
            dom->vmm_id = 0;
            return FALSE;
        }
    }
    DomainSpawnParams sp = { d->config, def, caller, log,
                             def->n_nets ? (const int *)tap_fds->data : NULL, vmm_id, vnc_fd,
                             disk_layers, lock_fd };
    pid_t pid = 0;
    VmmLog *vmm_log = NULL;
    gboolean ok = domain_process_spawn(&sp, &pid, &vmm_log, error);
    close(lock_fd);       /* the VMM holds the lock from now on */
    close_fds(tap_fds);   /* the VMM has its copies */
    if (vnc_fd >= 0)
        close(vnc_fd);
    if (!ok) {
        delete_taps((const char *const *)taps);
        vmm_files_remove_runtime_dir(d->config, def->uuid);
    }

    domain_list_lock(d->domains);
    if (!ok) {
        dom->vmm_id = 0;
        return FALSE;
    }
    daemon_caller_free(dom->owner);
    dom->owner = daemon_caller_copy(caller);
    g_strfreev(dom->taps);
    dom->taps = g_steal_pointer(&taps);
    dom->pid = pid;
    dom->pid_start = domain_store_proc_start_time(pid);
    vmm_log_finish(dom->vmm_log);     /* none: the last run's ended with it */
    dom->vmm_log = vmm_log;
    /* our child, not reaped before its watch exists: the pid is its own */
    if (dom->pidfd >= 0)
        close(dom->pidfd);
    dom->pidfd = vmm_proc_open_child(pid);
    dom->exited = FALSE;
    dom->stop_reason = -1;
    dom->id = domain_list_alloc_id(d->domains);
    int id = dom->id;
    domain_obj_set_state(dom, DOMAIN_STATE_PAUSED, DOMAIN_PAUSED_STARTING_UP);
    ExitCtx *ctx = g_new0(ExitCtx, 1);
    *ctx = (ExitCtx){ d, domain_obj_ref(dom) };
    dom->watch_id = domain_process_watch_child(d->context, pid, vmm_exited, ctx,
                                               exit_ctx_free);
    domain_list_unlock(d->domains);

    /* Wait for the control socket to answer, or for the VMM to die. */
    g_autoptr(GError) cerr = NULL;
    gint64 deadline = g_get_monotonic_time() + DAEMON_START_TIMEOUT_MS * 1000LL;
    gulong backoff = 2000;
    gboolean ready = FALSE, died = FALSE;
    while (!ready) {
        domain_list_lock(d->domains);
        died = dom->pid != pid;
        domain_list_unlock(d->domains);
        if (died || g_get_monotonic_time() > deadline)
            break;
        g_clear_error(&cerr);
        g_autofree char *st = vmm_control_request(control, "status", 2000, &cerr);
        if (st) {
            ready = TRUE;
            break;
        }
        g_usleep(backoff);
        backoff = MIN(backoff * 2, 200000);
    }
    /* The VMM starts paused (--paused): attach to the console before the
     * guest runs, so its first lines reach the log, then let it go. */
    ConsoleRelay *relay = NULL;
    if (ready && (def->serial || def->console)) {
        g_autoptr(GError) rerr = NULL;
        relay = console_relay_new(d->context, console, log, d->config->max_domain_log, &rerr);
        if (!relay)
            domain_log(d, def->name, "console not connected: %s", rerr->message);
        domain_console_add_pty(d, def->name, relay);
    }
    /* the password before anyone can connect with it, never on a command line */
    if (ready && def->graphics && def->graphics->passwd) {
        g_autofree char *cmd = domain_graphics_password_command(def->graphics->passwd);
        g_autofree char *r = vmm_control_request_full(control, cmd, "vnc-password",
                                                      DAEMON_CONTROL_TIMEOUT_MS, 64, &cerr);
        explicit_bzero(cmd, strlen(cmd));
        ready = r != NULL;
    }
    if (ready && vnc_port > 0) {
        domain_list_lock(d->domains);
        if (dom->def->graphics)
            dom->def->graphics->port = vnc_port; /* the live XML says where */
        domain_list_unlock(d->domains);
        domain_log(d, def->name, "VNC server on %s:%d", def->graphics->listen, vnc_port);
    }
    /* logged before the guest runs, so that its output follows the line */
    if (ready)
        domain_log(d, def->name, "domain started, id %d, VMM pid %d", id, (int)pid);
    /* a VMM whose status cannot be recorded would run untracked after a
     * daemon restart: it is stopped before its guest runs */
    g_autoptr(GError) serr = NULL;
    if (ready) {
        domain_list_lock(d->domains);
        if (dom->pid == pid && !domain_store_save_status(d->config, dom, &serr))
            ready = FALSE;
        domain_list_unlock(d->domains);
    }
    if (ready)
        domain_vmm_events_start(d, def->uuid, pid);
    if (ready && !(flags & DOMAIN_START_PAUSED)) {
        g_autofree char *r = vmm_control_request(control, "resume",
                                                 DAEMON_CONTROL_TIMEOUT_MS, &cerr);
        ready = r != NULL;
    }

    domain_list_lock(d->domains);
    if (!ready || dom->pid != pid) {
        if (relay)
            console_relay_free(relay);
        if (dom->pid == pid) {
            dom->stop_reason = DOMAIN_SHUTOFF_FAILED;
            vmm_proc_signal(dom->pidfd, SIGKILL);
            wait_exit_locked(d, dom, pid, g_get_monotonic_time() + 10 * G_USEC_PER_SEC);
        }
        g_autofree char *tail = serr ? NULL : domain_process_log_tail(log, offset);
        g_autofree char *why = serr ? g_strdup_printf(_("cannot record its status: %s"),
                                                      serr->message)
                                    : NULL;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Domain '%s' failed to start: %s"), def->name,
                    why ? why : tail ? tail : cerr ? cerr->message : _("the VMM exited"));
        return FALSE;
    }
    dom->console = relay;
    dom->start_time = g_get_real_time() / G_USEC_PER_SEC;
    if (flags & DOMAIN_START_PAUSED)
        domain_obj_set_state(dom, DOMAIN_STATE_PAUSED, DOMAIN_PAUSED_USER);
    else
        domain_obj_set_state(dom, DOMAIN_STATE_RUNNING, DOMAIN_RUNNING_BOOTED);
    save_status(d, dom);
    emit(d, dom, DOMAIN_EVENT_STARTED, DOMAIN_EVENT_STARTED_BOOTED);
    if (flags & DOMAIN_START_PAUSED)
        emit(d, dom, DOMAIN_EVENT_SUSPENDED, DOMAIN_EVENT_SUSPENDED_PAUSED);
    return TRUE;
}

/* A start that fails leaves the domain "shut off (failed)" as libvirt
 * does, whatever failed: the VMM missing, a file it cannot have, or the
 * VMM exiting before it answered (issue 22: not "unknown" for one and
 * "failed" for another). */
static gboolean start_locked(Daemon *d, DomainObj *dom, guint flags,
                             const DaemonCaller *caller, GError **error)
{
    if (start_vmm_locked(d, dom, flags, caller, error))
        return TRUE;
    if (!domain_obj_is_active(dom))
        domain_obj_set_state(dom, DOMAIN_STATE_SHUTOFF, DOMAIN_SHUTOFF_FAILED);
    return FALSE;
}

gboolean domain_driver_start(Daemon *d, DomainObj *dom, guint flags, const DaemonCaller *caller,
                             GError **error)
{
    if (!check_flags(flags, DOMAIN_START_PAUSED, error))
        return FALSE;
    domain_list_lock(d->domains);
    if (!domain_obj_job_begin(d->domains, dom, DAEMON_JOB_WAIT_MS, error)) {
        domain_list_unlock(d->domains);
        return FALSE;
    }
    gboolean ok;
    if (domain_obj_is_active(dom)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' is already active"), dom->def->name);
        ok = FALSE;
    } else {
        ok = start_locked(d, dom, flags, caller, error);
    }
    domain_obj_job_end(d->domains, dom);
    domain_list_unlock(d->domains);
    return ok;
}

/* ------------------------------------------------------------ define */

static char *define_locked(Daemon *d, DomainDef *def_in, GError **error)
{
    g_autoptr(DomainDef) def = def_in;
    DomainObj *by_name = domain_list_find_name(d->domains, def->name);
    DomainObj *by_uuid = domain_list_find_uuid(d->domains, def->uuid);
    if (by_name && by_uuid != by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' already exists with UUID %s"), def->name,
                    by_name->def->uuid);
        return NULL;
    }
    if (by_uuid && !by_name) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("UUID %s is already used by domain '%s'"), def->uuid,
                    by_uuid->def->name);
        return NULL;
    }
    if (!domain_store_save_config(d->config, def, error))
        return NULL;

    DomainObj *dom = by_name;
    if (dom) {
        gboolean was_persistent = dom->persistent;
        if (domain_obj_is_active(dom) || dom->job) {
            domain_def_free(dom->next_def);
            dom->next_def = g_steal_pointer(&def);
        } else {
            domain_def_free(dom->def);
            dom->def = g_steal_pointer(&def);
        }
        dom->persistent = TRUE;
        if (dom->id > 0)
            save_status(d, dom);
        emit(d, dom, DOMAIN_EVENT_DEFINED,
             was_persistent ? DOMAIN_EVENT_DEFINED_UPDATED : DOMAIN_EVENT_DEFINED_ADDED);
    } else {
        /* a leftover autostart link of an older domain of that name goes */
        if (domain_store_get_autostart(d->config, def->name))
            domain_store_set_autostart(d->config, def->name, FALSE, 0, 0, NULL);
        dom = domain_list_add(d->domains, g_steal_pointer(&def));
        dom->persistent = TRUE;
        emit(d, dom, DOMAIN_EVENT_DEFINED, DOMAIN_EVENT_DEFINED_ADDED);
    }
    return g_strdup(dom->path);
}

char *domain_driver_define(Daemon *d, const char *xml, GError **error)
{
    DomainDef *def = domain_driver_parse(xml, error);
    if (!def)
        return NULL;
    domain_list_lock(d->domains);
    /* No <uuid> given: redefining an existing name keeps its UUID. */
    DomainObj *old = domain_list_find_name(d->domains, def->name);
    if (old && !strstr(xml, "<uuid"))
        memcpy(def->uuid, old->def->uuid, sizeof(def->uuid));
    char *path = define_locked(d, def, error);
    domain_list_unlock(d->domains);
    return path;
}

char *domain_driver_create(Daemon *d, const char *xml, guint flags, const DaemonCaller *caller,
                           GError **error)
{
    if (!check_flags(flags, DOMAIN_START_PAUSED, error))
        return NULL;
    DomainDef *def = domain_driver_parse(xml, error);
    if (!def)
        return NULL;
    domain_list_lock(d->domains);
    DomainObj *clash = domain_list_find_name(d->domains, def->name);
    if (!clash)
        clash = domain_list_find_uuid(d->domains, def->uuid);
    if (clash) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' already exists"), clash->def->name);
        domain_list_unlock(d->domains);
        domain_def_free(def);
        return NULL;
    }
    g_autoptr(DomainObj) dom = domain_obj_ref(domain_list_add(d->domains, def));
    dom->persistent = FALSE;
    domain_obj_job_begin(d->domains, dom, 0, NULL);
    gboolean ok = start_locked(d, dom, flags, caller, error);
    if (!ok && !dom->removed && !domain_obj_is_active(dom))
        domain_list_remove(d->domains, dom);
    domain_obj_job_end(d->domains, dom);
    char *path = ok ? g_strdup(dom->path) : NULL;
    domain_list_unlock(d->domains);
    return path;
}

gboolean domain_driver_undefine(Daemon *d, DomainObj *dom, GError **error)
{
    domain_list_lock(d->domains);
    gboolean ok = domain_obj_job_begin(d->domains, dom, DAEMON_JOB_WAIT_MS, error);
    if (ok && !dom->persistent) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' is transient: there is no definition to remove"),
                    dom->def->name);
        domain_obj_job_end(d->domains, dom);
        ok = FALSE;
    }
    if (ok && !domain_store_delete_config(d->config, dom->def->name, error)) {
        domain_obj_job_end(d->domains, dom);
        ok = FALSE;
    }
    if (ok) {
        dom->autostart = FALSE;
        dom->persistent = FALSE;
        g_clear_pointer(&dom->next_def, domain_def_free);
        emit(d, dom, DOMAIN_EVENT_UNDEFINED, DOMAIN_EVENT_UNDEFINED_REMOVED);
        if (domain_obj_is_active(dom))
            save_status(d, dom);
        else
            domain_list_remove(d->domains, dom);
        domain_obj_job_end(d->domains, dom);
    }
    domain_list_unlock(d->domains);
    return ok;
}

gboolean domain_driver_set_autostart(Daemon *d, DomainObj *dom, gboolean on,
                                     const DaemonCaller *caller, GError **error)
{
    domain_list_lock(d->domains);
    gboolean ok = TRUE;
    if (dom->removed) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain '%s' no longer exists"), dom->def->name);
        ok = FALSE;
    } else if (!dom->persistent) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Cannot set autostart for transient domain '%s'"), dom->def->name);
        ok = FALSE;
    } else if (dom->autostart != on || on) {
        /* (again) on: the link now belongs to this caller, whose rights the
         * autostart will use */
        ok = domain_store_set_autostart(d->config, dom->def->name, on,
                                        caller ? caller->uid : geteuid(),
                                        caller ? caller->gid : getegid(), error);
        if (ok && dom->autostart != on) {
            dom->autostart = on;
            emit(d, dom, DOMAIN_EVENT_DEFINED, DOMAIN_EVENT_DEFINED_UPDATED);
        }
    }
    domain_list_unlock(d->domains);
    return ok;
}

/* ------------------------------------------------------------ stop */

gboolean domain_driver_destroy(Daemon *d, DomainObj *dom, GError **error)
{
    domain_list_lock(d->domains);
    if (!domain_obj_job_begin(d->domains, dom, DAEMON_JOB_WAIT_MS, error)) {
        domain_list_unlock(d->domains);
        return FALSE;
    }
    gboolean ok = TRUE;
    pid_t pid = dom->pid;
    if (!domain_obj_is_active(dom) || pid == 0) {
        ok = not_active_error(dom, error);
    } else {
        dom->stop_reason = DOMAIN_SHUTOFF_DESTROYED;
        vmm_proc_signal(dom->pidfd, SIGTERM);
        gint64 grace = (gint64)d->config->shutdown_grace * G_USEC_PER_SEC;
        if (!wait_exit_locked(d, dom, pid, g_get_monotonic_time() + grace)) {
            vmm_proc_signal(dom->pidfd, SIGKILL);
            if (!wait_exit_locked(d, dom, pid, g_get_monotonic_time() + 30 * G_USEC_PER_SEC)) {
                g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                            _("VMM pid %d of domain '%s' did not exit after SIGKILL"),
                            (int)pid, dom->def->name);
                ok = FALSE;
            }
        }
    }
    domain_obj_job_end(d->domains, dom);
    domain_list_unlock(d->domains);
    return ok;
}

/* Send @cmd to the running VMM of @dom (job held by the caller, list
 * locked; the lock is dropped during the request). */
static gboolean control_locked(Daemon *d, DomainObj *dom, const char *cmd, GError **error)
{
    g_autofree char *control = domain_store_socket_path(d->config, dom->def, "control");
    domain_list_unlock(d->domains);
    g_autofree char *r = vmm_control_request(control, cmd, DAEMON_CONTROL_TIMEOUT_MS, error);
    domain_list_lock(d->domains);
    return r != NULL;
}

typedef struct {
    const char *command;
    guint32 need_states;        /* bit mask of DomainState allowed */
    DomainState new_state;      /* DOMAIN_STATE_LAST: unchanged */
    int new_reason;
    int event;                  /* -1: none */
    int detail;
} ControlOp;

#define ST(s) (1u << (s))

/* Reboot as libvirt's QEMU driver does it: the ACPI power button, and
 * the guest's power-off that follows resets the machine through the
 * firmware (or the kernel) instead of ending the VMM.  The VMM keeps
 * that request until the machine resets (a guest that ignores the
 * button keeps running), so it survives a daemon restart; a later
 * Shutdown cancels it.  Reset is the hard reset (virDomainReset). */
static const ControlOp op_reboot = {
    "reboot", ST(DOMAIN_STATE_RUNNING) | ST(DOMAIN_STATE_SHUTDOWN),
    DOMAIN_STATE_LAST, 0, -1, 0
};
static const ControlOp op_reset = {
    "reset", ST(DOMAIN_STATE_RUNNING) | ST(DOMAIN_STATE_SHUTDOWN),
    DOMAIN_STATE_LAST, 0, -1, 0
};
static const ControlOp op_suspend = {
    "pause", ST(DOMAIN_STATE_RUNNING), DOMAIN_STATE_PAUSED, DOMAIN_PAUSED_USER,
    DOMAIN_EVENT_SUSPENDED, DOMAIN_EVENT_SUSPENDED_PAUSED
};
static const ControlOp op_resume = {
    "resume", ST(DOMAIN_STATE_PAUSED), DOMAIN_STATE_RUNNING, DOMAIN_RUNNING_UNPAUSED,
    DOMAIN_EVENT_RESUMED, DOMAIN_EVENT_RESUMED_UNPAUSED
};
static const ControlOp op_powerdown = {
    "powerdown", ST(DOMAIN_STATE_RUNNING) | ST(DOMAIN_STATE_SHUTDOWN),
    DOMAIN_STATE_SHUTDOWN, DOMAIN_SHUTDOWN_USER,
    DOMAIN_EVENT_SHUTDOWN, DOMAIN_EVENT_SHUTDOWN_HOST
};

static gboolean run_control_op(Daemon *d, DomainObj *dom, const ControlOp *op,
                               pid_t *pid_out, GError **error)
{
    domain_list_lock(d->domains);
    if (!domain_obj_job_begin(d->domains, dom, DAEMON_JOB_WAIT_MS, error)) {
        domain_list_unlock(d->domains);
        return FALSE;
    }
    gboolean ok = FALSE;
    pid_t pid = dom->pid;
    if (!domain_obj_is_active(dom)) {
        not_active_error(dom, error);
    } else if (!(op->need_states & ST(dom->state))) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Cannot %s domain '%s' while it is %s"), op->command,
                    dom->def->name, domain_state_to_string(dom->state));
    } else {
        /* Mark the button press first: the VMM may exit before we relock,
         * and a reattached VMM's exit status is unknown. */
        gboolean was_asked = dom->powerdown_asked;
        if (op == &op_powerdown)
            dom->powerdown_asked = TRUE;
        ok = control_locked(d, dom, op->command, error);
        /* a reboot or reset after a shutdown request: the guest comes
         * back (the VMM no longer exits on its power-off) */
        if (ok && dom->pid == pid && (op == &op_reboot || op == &op_reset)) {
            dom->powerdown_asked = FALSE;
            if (dom->state == DOMAIN_STATE_SHUTDOWN) {
                domain_obj_set_state(dom, DOMAIN_STATE_RUNNING, DOMAIN_RUNNING_BOOTED);
                save_status(d, dom);
            }
        }
        /* The VMM did it; if it already exited (a powerdown is quick), the
         * exit handler has recorded the new state. */
        if (ok && dom->pid == pid) {
            if (op->new_state != DOMAIN_STATE_LAST) {
                domain_obj_set_state(dom, op->new_state, op->new_reason);
                save_status(d, dom);
            }
            if (op->event >= 0)
                emit(d, dom, op->event, op->detail);
        } else if (!ok && dom->pid == pid) {
            dom->powerdown_asked = was_asked;
        }
    }
    if (pid_out)
        *pid_out = pid;
    domain_obj_job_end(d->domains, dom);
    domain_list_unlock(d->domains);
    return ok;
}

gboolean domain_driver_reboot(Daemon *d, DomainObj *dom, GError **error)
{
    return run_control_op(d, dom, &op_reboot, NULL, error);
}

gboolean domain_driver_reset(Daemon *d, DomainObj *dom, GError **error)
{
    return run_control_op(d, dom, &op_reset, NULL, error);
}

gboolean domain_driver_suspend(Daemon *d, DomainObj *dom, GError **error)
{
    return run_control_op(d, dom, &op_suspend, NULL, error);
}

gboolean domain_driver_resume(Daemon *d, DomainObj *dom, GError **error)
{
    return run_control_op(d, dom, &op_resume, NULL, error);
}

gboolean domain_driver_shutdown(Daemon *d, DomainObj *dom, guint flags, GError **error)
{
    if (!check_flags(flags, DOMAIN_SHUTDOWN_DESTROY_ON_TIMEOUT, error))
        return FALSE;
    return run_control_op(d, dom, &op_powerdown, NULL, error);
}

void domain_driver_shutdown_wait(Daemon *d, DomainObj *dom, guint flags, guint timeout_s,
                                 DomainStopFunc done, gpointer data)
{
    g_autoptr(GError) err = NULL;
    pid_t pid = 0;

    if (!check_flags(flags, DOMAIN_SHUTDOWN_DESTROY_ON_TIMEOUT, &err) ||
        !run_control_op(d, dom, &op_powerdown, &pid, &err)) {
        done(data, err);
        return;
    }
    domain_list_lock(d->domains);
    domain_stop_wait_add(d, dom, pid, flags, timeout_s, done, data);
    domain_list_unlock(d->domains);
}

/* ------------------------------------------------------------ queries */

char *domain_driver_get_xml(Daemon *d, DomainObj *dom, guint flags, GError **error)
{
    if (!check_flags(flags, DOMAIN_XML_INACTIVE | DOMAIN_XML_SECURE, error))
        return NULL;
    domain_list_lock(d->domains);
    const DomainDef *def = dom->def;
    if ((flags & DOMAIN_XML_INACTIVE) && dom->next_def)
        def = dom->next_def;
    g_autoptr(DomainDef) copy = domain_def_copy(def);
    g_autofree char *pty = console_relay_pty_path(dom->console);
    DomainLiveXml live = { .id = dom->id, .serial_pty = pty };
    gboolean is_live = !(flags & DOMAIN_XML_INACTIVE) && domain_obj_is_active(dom);
    domain_list_unlock(d->domains);
    if (copy->graphics) {
        /* the persistent view has no chosen port; the passwd is a secret */
        if ((flags & DOMAIN_XML_INACTIVE) && copy->graphics->autoport)
            copy->graphics->port = -1;
        if (!(flags & DOMAIN_XML_SECURE) && copy->graphics->passwd) {
            explicit_bzero(copy->graphics->passwd, strlen(copy->graphics->passwd));
            g_clear_pointer(&copy->graphics->passwd, g_free);
        }
    }
    return domain_def_format_live(copy, is_live ? &live : NULL);
}

gboolean domain_driver_get_info(Daemon *d, DomainObj *dom, DomainInfo *info, GError **error)
{
    domain_list_lock(d->domains);
    *info = (DomainInfo){
        .state = dom->state,
        .reason = dom->reason,
        .vcpus = dom->def->vcpus,
        .max_kib = dom->def->memory_kib,
        .cur_kib = dom->def->current_memory_kib ? dom->def->current_memory_kib
                                                : dom->def->memory_kib,
    };
    gboolean active = domain_obj_is_active(dom);
    g_autofree char *control = active ? domain_store_socket_path(d->config, dom->def, "control")
                                      : NULL;
    domain_list_unlock(d->domains);

    if (control) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VmmInfo) vi = vmm_control_info(control, DAEMON_CONTROL_TIMEOUT_MS, &err);
        if (vi)
            info->cpu_ns = vi->cpu_time_ns;
        else
            g_debug("info from VMM: %s", err->message);
    }
    return TRUE;
}

void domain_driver_get_state(Daemon *d, DomainObj *dom, DomainState *state, int *reason)
{
    domain_list_lock(d->domains);
    *state = dom->state;
    *reason = dom->reason;
    domain_list_unlock(d->domains);
}

GPtrArray *domain_driver_list_locked(Daemon *d, guint flags)
{
    GPtrArray *snap = domain_list_snapshot(d->domains);
    GPtrArray *out = g_ptr_array_new_full(snap->len, (GDestroyNotify)domain_obj_unref);
    guint state_flags = DOMAIN_LIST_RUNNING | DOMAIN_LIST_PAUSED | DOMAIN_LIST_SHUTOFF |
                        DOMAIN_LIST_OTHER;
    for (guint i = 0; i < snap->len; i++) {
        DomainObj *dom = snap->pdata[i];
        gboolean ok =
            obj_registry_flag_pair(flags, DOMAIN_LIST_ACTIVE, DOMAIN_LIST_INACTIVE,
                          domain_obj_is_active(dom)) &&
            obj_registry_flag_pair(flags, DOMAIN_LIST_PERSISTENT, DOMAIN_LIST_TRANSIENT,
                          dom->persistent) &&
            obj_registry_flag_pair(flags, DOMAIN_LIST_AUTOSTART, DOMAIN_LIST_NO_AUTOSTART,
                          dom->autostart) &&
            obj_registry_flag_pair(flags, DOMAIN_LIST_MANAGEDSAVE, DOMAIN_LIST_NO_MANAGEDSAVE, FALSE) &&
            obj_registry_flag_pair(flags, DOMAIN_LIST_HAS_SNAPSHOT, DOMAIN_LIST_NO_SNAPSHOT, FALSE) &&
            obj_registry_flag_pair(flags, DOMAIN_LIST_HAS_CHECKPOINT, DOMAIN_LIST_NO_CHECKPOINT, FALSE);
        if (ok && (flags & state_flags)) {
            guint bit = dom->state == DOMAIN_STATE_RUNNING   ? DOMAIN_LIST_RUNNING
                        : dom->state == DOMAIN_STATE_PAUSED  ? DOMAIN_LIST_PAUSED
                        : dom->state == DOMAIN_STATE_SHUTOFF ? DOMAIN_LIST_SHUTOFF
                                                             : DOMAIN_LIST_OTHER;
            ok = (flags & bit) != 0;
        }
        if (ok)
            g_ptr_array_add(out, domain_obj_ref(dom));
    }
    g_ptr_array_unref(snap);
    return out;
}

/* ------------------------------------------------------------ recovery */

static void reattach_one(Daemon *d, const char *status_path)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DomainStatus) st = domain_store_read_status(status_path, &err);
    if (!st) {
        g_warning(_("Removing unusable status file: %s"), err->message);
        unlink(status_path);
        return;
    }
    DomainObj *dom = domain_list_find_uuid(d->domains, st->def->uuid);
    DomainObj *by_name = domain_list_find_name(d->domains, st->def->name);
    if (by_name && by_name != dom) {
        g_warning(_("Status file %s names domain '%s' with another UUID; ignoring it"),
                  status_path, st->def->name);
        unlink(status_path);
        return;
    }
    if (dom && domain_obj_is_active(dom))
        return;
    if (!dom) {
        dom = domain_list_add(d->domains, domain_def_copy(st->def));
        dom->persistent = FALSE;
    }

    g_autofree char *control = domain_store_socket_path(d->config, st->def, "control");
    /* the recorded pid is trusted only if it is this domain's VMM */
    g_autoptr(GError) verr = NULL;
    g_autofree char *exe = domain_process_resolve_vmm(d->config, st->def, &verr);
    VmmProcClaim claim = { st->pid, st->pid_start, st->def->uuid, exe,
                           geteuid() == 0 ? (uid_t)st->vmm_id : geteuid() };
    int pidfd = exe ? vmm_proc_open_verified(&claim, &verr) : -1;
    gboolean alive = pidfd >= 0;
    g_autofree char *reply = NULL;
    if (alive) {
        g_autoptr(GError) cerr = NULL;
        reply = vmm_control_request(control, "status", DAEMON_CONTROL_TIMEOUT_MS, &cerr);
        if (!reply)
            g_warning(_("Domain '%s': VMM pid %d is alive but its control socket is not: %s"),
                      st->def->name, (int)st->pid, cerr->message);
    }
    guint watch = 0;
    if (alive) {
        ExitCtx *ctx = g_new0(ExitCtx, 1);
        *ctx = (ExitCtx){ d, domain_obj_ref(dom) };
        g_autoptr(GError) werr = NULL;
        watch = domain_process_watch_pidfd(d->context, st->pid, pidfd, vmm_exited, ctx,
                                           exit_ctx_free, &werr);
        alive = watch != 0;
    }
    if (!alive) {
        if (pidfd >= 0)
            close(pidfd);
        if (verr && domain_store_proc_start_time(st->pid) != 0)
            domain_log(d, st->def->name, "not reattached: %s", verr->message);
        domain_log(d, st->def->name, "VMM pid %d died while the daemon was down",
                   (int)st->pid);
        delete_taps((const char *const *)st->taps);
        domain_obj_set_state(dom, DOMAIN_STATE_SHUTOFF, DOMAIN_SHUTOFF_CRASHED);
        remove_runtime_files(d, dom);
        if (!dom->persistent)
            domain_list_remove(d->domains, dom);
        return;
    }

    /* Live definition from the status file; the persistent one waits. */
    if (dom->persistent && !domain_def_equal(dom->def, st->def)) {
        dom->next_def = dom->def;
        dom->def = g_steal_pointer(&st->def);
    }
    g_strfreev(dom->taps);
    dom->taps = g_steal_pointer(&st->taps);
    dom->pid = st->pid;
    dom->pid_start = st->pid_start;
    if (dom->pidfd >= 0)
        close(dom->pidfd);
    dom->pidfd = pidfd;
    dom->start_time = st->start_time;
    dom->vmm_id = st->vmm_id;
    daemon_caller_free(dom->owner);
    dom->owner = daemon_caller_new_uid(st->owner);
    dom->exited = FALSE;
    dom->stop_reason = -1;
    dom->watch_id = watch;
    domain_vmm_events_start(d, dom->def->uuid, st->pid);
    {
        g_autofree char *fifo = domain_store_socket_path(d->config, dom->def, "output");
        g_autofree char *log = domain_store_log_path(d->config, dom->def->name);
        vmm_log_finish(dom->vmm_log);
        dom->vmm_log = vmm_log_reopen(fifo, log, d->config->max_domain_log);
    }
    dom->id = st->id > 0 && !domain_list_find_id(d->domains, st->id)
                  ? st->id
                  : domain_list_alloc_id(d->domains);
    if (dom->id >= d->domains->next_id)
        d->domains->next_id = dom->id + 1;
    if (g_strcmp0(reply, "paused") == 0)
        domain_obj_set_state(dom, DOMAIN_STATE_PAUSED, DOMAIN_PAUSED_USER);
    else if (g_strcmp0(reply, "shutting-down") == 0)
        domain_obj_set_state(dom, DOMAIN_STATE_SHUTDOWN, DOMAIN_SHUTDOWN_USER);
    else if (reply || st->state < 0)
        domain_obj_set_state(dom, DOMAIN_STATE_RUNNING,
                             st->state == DOMAIN_STATE_RUNNING ? st->reason : 0);
    else
        domain_obj_set_state(dom, st->state, st->reason);
    if (dom->def->serial || dom->def->console) {
        g_autofree char *console = domain_store_socket_path(d->config, dom->def, "console");
        g_autofree char *log = domain_store_log_path(d->config, dom->def->name);
        g_autoptr(GError) rerr = NULL;
        dom->console = console_relay_new(d->context, console, log, d->config->max_domain_log,
                                         &rerr);
        domain_console_add_pty(d, dom->def->name, dom->console);
    }
    save_status(d, dom);
    domain_log(d, dom->def->name, "daemon reattached to VMM pid %d", (int)dom->pid);
}

void domain_driver_load(Daemon *d)
{
    g_autoptr(GPtrArray) defs = domain_store_load_configs(d->config);
    domain_list_lock(d->domains);
    for (guint i = 0; i < defs->len; i++) {
        DomainDef *def = defs->pdata[i];
        if (domain_list_find_name(d->domains, def->name) ||
            domain_list_find_uuid(d->domains, def->uuid)) {
            g_warning(_("Ignoring duplicate definition of '%s' (%s)"), def->name, def->uuid);
            continue;
        }
        DomainObj *dom = domain_list_add(d->domains, g_steal_pointer(&defs->pdata[i]));
        dom->persistent = TRUE;
        dom->autostart = domain_store_get_autostart(d->config, dom->def->name);
    }
    g_autoptr(GPtrArray) status = domain_store_list_status(d->config);
    for (guint i = 0; i < status->len; i++)
        reattach_one(d, status->pdata[i]);
    domain_list_unlock(d->domains);
}

/* ------------------------------------------------------------ autostart */

static char *read_boot_id(void)
{
    char *id = NULL;
    if (g_file_get_contents("/proc/sys/kernel/random/boot_id", &id, NULL, NULL))
        g_strstrip(id);
    return id ? id : g_strdup("unknown");
}

void domain_driver_autostart(Daemon *d)
{
    g_autofree char *marker = g_build_filename(d->config->run_dir, "autostarted", NULL);
    g_autofree char *boot_id = read_boot_id();
    g_autofree char *done = NULL;
    if (g_file_get_contents(marker, &done, NULL, NULL) && strcmp(g_strstrip(done), boot_id) == 0)
        return;

    network_driver_autostart(d);   /* networks and pools first: domains may use them */
    pool_driver_autostart(d);
    domain_list_lock(d->domains);
    g_autoptr(GPtrArray) snap = domain_list_snapshot(d->domains);
    domain_list_unlock(d->domains);
    for (guint i = 0; i < snap->len; i++) {
        DomainObj *dom = snap->pdata[i];
        domain_list_lock(d->domains);
        gboolean want = dom->autostart && !domain_obj_is_active(dom) && !dom->removed;
        g_autofree char *name = g_strdup(dom->def->name);
        domain_list_unlock(d->domains);
        if (!want)
            continue;
        /* with the rights of whoever turned autostart on (the owner of
         * the link: root if an administrator made it by hand) */
        uid_t owner_uid = 0;
        if (!def_store_autostart_owner(d->config, "domains", name, &owner_uid))
            continue;
        g_autoptr(DaemonCaller) owner = daemon_caller_new_uid(owner_uid);
        g_autoptr(GError) err = NULL;
        if (!domain_driver_start(d, dom, 0, owner, &err))
            g_warning(_("Autostart of domain '%s' failed: %s"), name, err->message);
    }
    g_autoptr(GError) werr = NULL;
    g_autofree char *content = g_strconcat(boot_id, "\n", NULL);
    if (!vessel_file_write_atomic(marker, content, -1, 0644, &werr))
        g_warning("%s", werr->message);
}
