/* main.c - vesseld: option parsing, startup order, signals, main loop.
 *
 * Startup: config -> directories -> single-instance lock -> load the D-Bus
 * contract -> load definitions and reattach to running VMMs -> listen ->
 * READY=1 -> autostart (in a thread).  SIGTERM/SIGINT stop the daemon
 * (never the VMs: they keep running and are reattached on the next
 * start), SIGHUP reloads the configuration. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>

#include "console_relay.h"
#include "daemon.h"
#include "daemon_dbus.h"
#include "daemon_error.h"
#include "daemon_log.h"
#include "daemon_resources.h"
#include "domain_driver.h"
#include "domain_store.h"
#include "domain_stop_wait.h"
#include "i18n.h"
#include "remote/remote_server.h"
#include "sd_notify.h"

typedef struct {
    Daemon daemon;
    GPtrArray *old_configs;   /* replaced by SIGHUP; readers may still hold them */
    GThread *autostart;
    RemoteServer *remote;     /* the libvirt transport (daemon/remote/) */
} Vesseld;

static gboolean take_lock(Daemon *d, GError **error)
{
    g_autofree char *path = g_build_filename(d->config->run_dir, "vesseld.pid", NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot open %s: %s"),
                    path, g_strerror(errno));
        return FALSE;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        char buf[32] = "";
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Another vesseld is already running with run directory %s (pid %s)"),
                    d->config->run_dir, g_strstrip(buf));
        close(fd);
        return FALSE;
    }
    g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
        g_debug("cannot write %s", path);
    d->lock_fd = fd;
    return TRUE;
}

static gboolean on_quit_signal(gpointer data)
{
    Vesseld *v = data;
    g_message(_("Stopping on signal; running domains keep running"));
    v->daemon.quitting = TRUE;
    g_main_loop_quit(v->daemon.loop);
    return G_SOURCE_CONTINUE;
}

static gboolean on_reload_signal(gpointer data)
{
    Vesseld *v = data;
    Daemon *d = &v->daemon;
    DaemonConfig *old = d->config;
    g_autoptr(DaemonConfig) cfg = daemon_config_new(old->mode);
    g_autoptr(GError) err = NULL;
    if ((old->config_file && !daemon_config_load(cfg, old->config_file, &err)) ||
        !daemon_config_check_group(cfg, &err)) {
        g_warning(_("Reload failed, keeping the old configuration: %s"), err->message);
        return G_SOURCE_CONTINUE;
    }
    if (g_strcmp0(cfg->config_dir, old->config_dir) || g_strcmp0(cfg->run_dir, old->run_dir) ||
        g_strcmp0(cfg->log_dir, old->log_dir) || g_strcmp0(cfg->state_dir, old->state_dir))
        g_warning(_("Changed [paths] take effect only after a restart"));
    /* paths stay; everything else is taken from the new file */
    g_free(cfg->config_dir);
    g_free(cfg->run_dir);
    g_free(cfg->log_dir);
    g_free(cfg->state_dir);
    cfg->config_dir = g_strdup(old->config_dir);
    cfg->run_dir = g_strdup(old->run_dir);
    cfg->log_dir = g_strdup(old->log_dir);
    cfg->state_dir = g_strdup(old->state_dir);
    g_ptr_array_add(v->old_configs, old);
    d->config = g_steal_pointer(&cfg);
    daemon_dbus_apply_perms(d->dbus);
    remote_server_apply_perms(v->remote);
    g_message(_("Configuration reloaded"));
    return G_SOURCE_CONTINUE;
}

static gboolean on_idle_check(gpointer data)
{
    Vesseld *v = data;
    Daemon *d = &v->daemon;
    if (daemon_dbus_n_clients(d->dbus) > 0 || daemon_dbus_busy(d->dbus) > 0 ||
        remote_server_n_clients(v->remote) > 0 || remote_server_busy(v->remote) > 0) {
        daemon_touch(d);
        return G_SOURCE_CONTINUE;
    }
    domain_list_lock(d->domains);
    guint active = domain_list_count_active(d->domains);
    domain_list_unlock(d->domains);
    if (active > 0) {
        daemon_touch(d);
        return G_SOURCE_CONTINUE;
    }
    if (g_get_monotonic_time() - d->last_activity >= (gint64)d->idle_timeout * G_USEC_PER_SEC) {
        g_message(_("Idle for %u seconds: exiting"), d->idle_timeout);
        g_main_loop_quit(d->loop);
    }
    return G_SOURCE_CONTINUE;
}

static gpointer autostart_thread(gpointer data)
{
    domain_driver_autostart(data);
    return NULL;
}

static gboolean drain_done(Vesseld *v)
{
    return daemon_dbus_busy(v->daemon.dbus) == 0 && remote_server_busy(v->remote) == 0;
}

int main(int argc, char **argv)
{
    gboolean opt_system = FALSE, opt_session = FALSE, opt_version = FALSE;
    char *opt_config = NULL;
    gint opt_timeout = 0;
    GOptionEntry entries[] = {
        { "system", 0, 0, G_OPTION_ARG_NONE, &opt_system, N_("Run the system daemon"), NULL },
        { "session", 0, 0, G_OPTION_ARG_NONE, &opt_session,
          N_("Run a per-user session daemon"), NULL },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &opt_config,
          N_("Read the configuration from FILE (implies --system unless --session)"),
          N_("FILE") },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &opt_timeout,
          N_("Exit after N seconds without clients or running domains"), N_("N") },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };

    vessel_i18n_init();
    daemon_log_init();
    vesseld_resources_register_resource();
    g_autoptr(GOptionContext) octx = g_option_context_new(NULL);
    g_option_context_set_summary(octx, _("The Vessel virtualization daemon."));
    g_option_context_add_main_entries(octx, entries, GETTEXT_PACKAGE);
    g_option_context_set_translation_domain(octx, GETTEXT_PACKAGE);
    g_autoptr(GError) err = NULL;
    if (!g_option_context_parse(octx, &argc, &argv, &err)) {
        fprintf(stderr, "vesseld: %s\n", err->message);
        return 2;
    }
    g_autofree char *config_path = opt_config;
    if (opt_version) {
        printf("vesseld %s\n", PACKAGE_VERSION);
        return 0;
    }
    if ((opt_system && opt_session) || opt_timeout < 0) {
        fprintf(stderr, "vesseld: %s\n", _("invalid combination of options"));
        return 2;
    }
    DaemonMode mode = opt_session               ? DAEMON_MODE_SESSION
                      : opt_system || config_path ? DAEMON_MODE_SYSTEM
                      : geteuid() == 0            ? DAEMON_MODE_SYSTEM
                                                  : DAEMON_MODE_SESSION;

    Vesseld v = { 0 };
    Daemon *d = &v.daemon;
    d->config = daemon_config_new(mode);
    d->lock_fd = -1;
    v.old_configs = g_ptr_array_new_with_free_func((GDestroyNotify)daemon_config_free);
    int rc = 1;
    umask(022);

    if (config_path) {
        /* an isolated daemon only gets a default network or pool when it asks */
        d->config->default_network = FALSE;
        g_clear_pointer(&d->config->default_pool, g_free);
        if (!daemon_config_load(d->config, config_path, &err))
            goto out;
    } else {
        /* the mode's own vesseld.conf, when there is one */
        g_autofree char *def = g_build_filename(d->config->config_dir, "vesseld.conf", NULL);
        if (g_file_test(def, G_FILE_TEST_EXISTS) && !daemon_config_load(d->config, def, &err))
            goto out;
    }
    if (!daemon_config_check_group(d->config, &err) ||
        !daemon_config_make_dirs(d->config, &err) ||
        !take_lock(d, &err))
        goto out;

    d->idle_timeout = opt_timeout;
    if (!daemon_setup(d, &err) || !daemon_dbus_start(d->dbus, &err))
        goto out;
    v.remote = remote_server_new(d);
    if (!remote_server_start(v.remote, &err))
        goto out;

    g_unix_signal_add(SIGTERM, on_quit_signal, &v);
    g_unix_signal_add(SIGINT, on_quit_signal, &v);
    g_unix_signal_add(SIGHUP, on_reload_signal, &v);
    if (d->idle_timeout)
        g_timeout_add_seconds(1, on_idle_check, &v);

    g_message(_("vesseld %s ready (%s mode, sockets in %s)"), PACKAGE_VERSION,
              daemon_mode_to_string(d->config->mode), d->config->run_dir);
    sd_notify_send("READY=1");
    v.autostart = g_thread_new("autostart", autostart_thread, d);

    g_main_loop_run(d->loop);
    rc = 0;
    sd_notify_send("STOPPING=1");
    daemon_dbus_stop(d->dbus);
    remote_server_stop(v.remote);
    g_thread_join(v.autostart);
    domain_stop_wait_cancel_all(d);
    /* Let running method calls finish (they may need the loop), bounded. */
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!drain_done(&v) && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(d->context, FALSE))
            g_usleep(10000);
    }
    if (!drain_done(&v)) {
        g_warning(_("Exiting with method calls still running"));
        return rc;
    }

out:
    if (err) {
        daemon_log_fatal(err->message);
        sd_notify_send("STATUS=failed to start");
    }
    remote_server_free(v.remote);
    daemon_teardown(d);
    if (d->lock_fd >= 0) {
        /* still ours while the lock is held: no stale pid file stays */
        g_autofree char *pidfile = g_build_filename(d->config->run_dir, "vesseld.pid", NULL);
        unlink(pidfile);
        close(d->lock_fd);
    }
    daemon_config_free(d->config);
    g_ptr_array_unref(v.old_configs);
    return rc;
}
