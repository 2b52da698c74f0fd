/* daemon_config.c - defaults per mode and the vesseld.conf GKeyFile. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "daemon_config.h"
#include "daemon_error.h"
#include "i18n.h"

static const char *const mode_names[DAEMON_MODE_LAST] = {
    [DAEMON_MODE_SYSTEM] = "system",
    [DAEMON_MODE_SESSION] = "session",
};

const char *daemon_mode_to_string(DaemonMode mode)
{
    return mode < DAEMON_MODE_LAST ? mode_names[mode] : "unknown";
}

DaemonConfig *daemon_config_new(DaemonMode mode)
{
    DaemonConfig *cfg = g_new0(DaemonConfig, 1);
    cfg->mode = mode;
    if (mode == DAEMON_MODE_SYSTEM) {
        cfg->config_dir = g_build_filename(SYSCONFDIR, "vessel", NULL);
        cfg->run_dir = g_strdup(RUNSTATEDIR "/vessel");
        cfg->log_dir = g_build_filename(LOCALSTATEDIR, "log", "vessel", NULL);
        cfg->state_dir = g_build_filename(LOCALSTATEDIR, "lib", "vessel", NULL);
        cfg->group = g_strdup("vessel");
        cfg->system_bus = TRUE;
        cfg->default_network = TRUE;
        cfg->default_pool = g_build_filename(LOCALSTATEDIR, "lib", "vessel", "images", NULL);
    } else {
        cfg->config_dir = g_build_filename(g_get_user_config_dir(), "vessel", NULL);
        cfg->run_dir = g_build_filename(g_get_user_runtime_dir(), "vessel", NULL);
        cfg->state_dir = g_build_filename(g_get_user_state_dir(), "vessel", NULL);
        cfg->log_dir = g_build_filename(cfg->state_dir, "log", NULL);
        cfg->group = g_strdup("");
        cfg->system_bus = FALSE;
        cfg->default_pool = g_build_filename(g_get_user_data_dir(), "vessel", "images", NULL);
    }
    cfg->rw_perms = mode == DAEMON_MODE_SYSTEM ? 0660 : 0600;
    cfg->ro_perms = mode == DAEMON_MODE_SYSTEM ? 0666 : 0600;
    cfg->shutdown_grace = 10;
    cfg->max_clients = DAEMON_MAX_CLIENTS;
    cfg->max_clients_per_uid = DAEMON_MAX_CLIENTS_PER_UID;
    cfg->max_message_size = DAEMON_MAX_MESSAGE_SIZE;
    cfg->auth_timeout = DAEMON_AUTH_TIMEOUT;
    cfg->max_domain_log = DAEMON_MAX_DOMAIN_LOG;
    cfg->vmm_uid_first = DAEMON_VMM_UID_FIRST;
    cfg->vmm_uid_last = DAEMON_VMM_UID_LAST;
    cfg->vmm_emulators = g_new0(char *, 1);
    return cfg;
}

void daemon_config_free(DaemonConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->config_file);
    g_free(cfg->config_dir);
    g_free(cfg->run_dir);
    g_free(cfg->log_dir);
    g_free(cfg->state_dir);
    g_free(cfg->group);
    g_free(cfg->vmm_path);
    g_strfreev(cfg->vmm_emulators);
    g_free(cfg->default_pool);
    g_free(cfg);
}

/* Replace *@slot with the path under @key if present. */
static void load_path(GKeyFile *kf, const char *base, const char *group,
                      const char *key, char **slot)
{
    g_autofree char *v = g_key_file_get_string(kf, group, key, NULL);
    if (!v || !*v)
        return;
    g_free(*slot);
    *slot = g_path_is_absolute(v) ? g_steal_pointer(&v)
                                  : g_canonicalize_filename(v, base);
}

static gboolean load_perms(GKeyFile *kf, const char *key, guint *slot,
                           const char *path, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, "sockets", key, NULL);
    if (!v)
        return TRUE;
    char *end = NULL;
    errno = 0;
    unsigned long perms = strtoul(g_strstrip(v), &end, 8);
    if (errno || end == v || *end || perms > 0777) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("%s: [sockets] %s: '%s' is not an octal mode"), path, key, v);
        return FALSE;
    }
    *slot = perms;
    return TRUE;
}

/* [limits] @key: a decimal number from @min to @max. */
static gboolean load_limit(GKeyFile *kf, const char *key, guint64 min, guint64 max,
                           guint *slot, const char *path, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, "limits", key, NULL);
    guint64 n = 0;
    if (!v)
        return TRUE;
    if (!g_ascii_string_to_unsigned(g_strstrip(v), 10, min, max, &n, NULL)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("%s: [limits] %s must be a number from %" PRIu64 " to %"
                      PRIu64), path, key, min, max);
        return FALSE;
    }
    *slot = (guint)n;
    return TRUE;
}

/* [vmm] uid_range=FIRST-LAST: decimal ids, root (0) and the invalid id
 * (uid_t)-1 excluded, as are 65534/65535 (nobody, 16-bit -1). */
static gboolean load_uid_range(GKeyFile *kf, DaemonConfig *cfg, const char *path,
                               GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, "vmm", "uid_range", NULL);
    if (!v)
        return TRUE;
    g_strstrip(v);
    guint64 first = 0, last = 0;
    char *dash = strchr(v, '-');
    if (dash)
        *dash = '\0';
    if (!dash || !g_ascii_string_to_unsigned(g_strstrip(v), 10, 1, G_MAXUINT32 - 1, &first,
                                             NULL) ||
        !g_ascii_string_to_unsigned(g_strstrip(dash + 1), 10, 1, G_MAXUINT32 - 1, &last,
                                    NULL) ||
        last < first || (first <= 65535 && last >= 65534)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("%s: [vmm] uid_range must be FIRST-LAST, two ids from 1 to 4294967294 "
                      "(not 0, 65534 or 65535), FIRST <= LAST"), path);
        return FALSE;
    }
    cfg->vmm_uid_first = (guint32)first;
    cfg->vmm_uid_last = (guint32)last;
    return TRUE;
}

/* [vmm] emulators=PATH;PATH...: absolute (or relative to the file). */
static gboolean load_emulators(GKeyFile *kf, DaemonConfig *cfg, const char *base,
                               const char *path, GError **error)
{
    gsize n = 0;
    g_auto(GStrv) list = g_key_file_get_string_list(kf, "vmm", "emulators", &n, NULL);
    if (!list)
        return TRUE;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    for (gsize i = 0; i < n; i++) {
        char *e = g_strstrip(list[i]);
        if (!*e)
            continue;
        if (strchr(e, '\n')) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                        _("%s: [vmm] emulators: bad path '%s'"), path, e);
            return FALSE;
        }
        g_ptr_array_add(out, g_canonicalize_filename(e, base));
    }
    g_ptr_array_add(out, NULL);
    g_strfreev(cfg->vmm_emulators);
    cfg->vmm_emulators = (GStrv)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    return TRUE;
}

gboolean daemon_config_load(DaemonConfig *cfg, const char *path, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Cannot read configuration %s: %s"), path, local->message);
        return FALSE;
    }
    g_autofree char *abs = g_canonicalize_filename(path, NULL);
    g_autofree char *base = g_path_get_dirname(abs);

    load_path(kf, base, "paths", "config_dir", &cfg->config_dir);
    load_path(kf, base, "paths", "run_dir", &cfg->run_dir);
    load_path(kf, base, "paths", "log_dir", &cfg->log_dir);
    load_path(kf, base, "paths", "state_dir", &cfg->state_dir);
    load_path(kf, base, "vmm", "path", &cfg->vmm_path);

    if (g_key_file_has_key(kf, "sockets", "group", NULL)) {
        g_free(cfg->group);
        cfg->group = g_key_file_get_string(kf, "sockets", "group", NULL);
        g_strstrip(cfg->group);
    }
    if (g_key_file_has_key(kf, "vmm", "user", NULL)) {
        /* One account for every VMM (and "user=" for none at all, i.e.
         * VMMs as root) is what issue 16 found exploitable: refuse the
         * old key instead of silently running VMMs differently. */
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("%s: [vmm] user= is no longer supported: a root vesseld runs each VMM "
                      "as a uid and gid of its own from [vmm] uid_range, never as root; "
                      "remove the key"), path);
        return FALSE;
    }
    if (!load_uid_range(kf, cfg, path, error) || !load_emulators(kf, cfg, base, path, error))
        return FALSE;
    if (!load_perms(kf, "rw_perms", &cfg->rw_perms, path, error) ||
        !load_perms(kf, "ro_perms", &cfg->ro_perms, path, error))
        return FALSE;

    if (g_key_file_has_key(kf, "dbus", "system_bus", NULL)) {
        gboolean b = g_key_file_get_boolean(kf, "dbus", "system_bus", &local);
        if (local) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                        _("%s: [dbus] system_bus: %s"), path, local->message);
            return FALSE;
        }
        cfg->system_bus = b;
    }
    if (g_key_file_has_key(kf, "vmm", "shutdown_grace", NULL)) {
        gint g = g_key_file_get_integer(kf, "vmm", "shutdown_grace", &local);
        if (local || g < 0) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                        _("%s: [vmm] shutdown_grace must be a number of seconds"), path);
            return FALSE;
        }
        cfg->shutdown_grace = g;
    }
    if (!load_limit(kf, "max_clients", 1, 100000, &cfg->max_clients, path, error) ||
        !load_limit(kf, "max_clients_per_uid", 1, 100000, &cfg->max_clients_per_uid, path,
                    error) ||
        !load_limit(kf, "max_message_size", 65536, 128 * 1024 * 1024, &cfg->max_message_size,
                    path, error) ||
        !load_limit(kf, "auth_timeout", 1, 3600, &cfg->auth_timeout, path, error) ||
        !load_limit(kf, "max_domain_log", 65536, G_MAXUINT32, &cfg->max_domain_log, path,
                    error))
        return FALSE;
    if (g_key_file_has_key(kf, "networks", "define_default", NULL)) {
        gboolean b = g_key_file_get_boolean(kf, "networks", "define_default", &local);
        if (local) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                        _("%s: [networks] define_default: %s"), path, local->message);
            return FALSE;
        }
        cfg->default_network = b && cfg->mode == DAEMON_MODE_SYSTEM;
    }
    if (g_key_file_has_key(kf, "storage", "default_pool", NULL)) {
        g_autofree char *v = g_key_file_get_string(kf, "storage", "default_pool", NULL);
        g_clear_pointer(&cfg->default_pool, g_free);
        if (v && *v)
            cfg->default_pool = g_path_is_absolute(v) ? g_strdup(v) : g_build_filename(base, v, NULL);
    }
    g_free(cfg->config_file);
    cfg->config_file = g_steal_pointer(&abs);
    return TRUE;
}

gboolean daemon_config_check_group(const DaemonConfig *cfg, GError **error)
{
    if (!cfg->group || !*cfg->group)
        return TRUE;
    struct group grbuf, *gr = NULL;
    char buf[4096];
    if (getgrnam_r(cfg->group, &grbuf, buf, sizeof(buf), &gr) == 0 && gr)
        return TRUE;
    g_autofree char *where = cfg->config_file
        ? g_strdup_printf(_("[sockets] group= of %s"), cfg->config_file)
        : g_strdup_printf(_("the default; [sockets] group= in %s/vesseld.conf changes it"),
                          cfg->config_dir);
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                _("The socket group '%s' (%s) does not exist: create it (systemd-sysusers, or "
                  "groupadd %s) or name another"),
                cfg->group, where, cfg->group);
    return FALSE;
}

gboolean daemon_config_make_dirs(const DaemonConfig *cfg, GError **error)
{
    gboolean session = cfg->mode == DAEMON_MODE_SESSION;
    /* The modes of data/vessel.tmpfiles.conf.in.  RUN/domains holds status
     * files and the VMMs' sockets: the daemon's alone, also when an older
     * setup left it open to others. */
    const struct {
        const char *base, *sub;
        int mode;
        gboolean tighten;
    } dirs[] = {
        { cfg->config_dir, "", 0755, FALSE },
        { cfg->config_dir, "domains", 0700, TRUE },
        { cfg->config_dir, "domains/autostart", 0700, TRUE },
        { cfg->config_dir, "networks", 0700, TRUE },
        { cfg->config_dir, "networks/autostart", 0700, TRUE },
        { cfg->config_dir, "storage", 0700, TRUE },
        { cfg->config_dir, "storage/autostart", 0700, TRUE },
        /* a session's: the user's alone, like $XDG_RUNTIME_DIR itself */
        { cfg->run_dir, "", session ? 0700 : 0755, session },
        { cfg->run_dir, "domains", 0700, TRUE },
        { cfg->run_dir, "networks", 0755, FALSE },
        { cfg->run_dir, "storage", 0755, FALSE },
        { cfg->log_dir, "", 0750, FALSE },
        { cfg->log_dir, "domains", 0750, TRUE },
        { cfg->state_dir, "", 0755, FALSE },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *d = g_build_filename(dirs[i].base, dirs[i].sub, NULL);
        if (g_mkdir_with_parents(d, dirs[i].mode) < 0) {
            int err = errno;
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("Cannot create directory %s: %s"), d, g_strerror(err));
            return FALSE;
        }
        struct stat st;
        if (!dirs[i].tighten || lstat(d, &st) < 0)
            continue;
        if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("%s must be a directory owned by uid %u"), d, (unsigned)geteuid());
            return FALSE;
        }
        if ((st.st_mode & 07777) != (mode_t)dirs[i].mode && chmod(d, dirs[i].mode) < 0) {
            int err = errno;
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("Cannot set the mode of %s: %s"), d, g_strerror(err));
            return FALSE;
        }
    }
    return TRUE;
}
