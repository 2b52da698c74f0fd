/* def_store.c - definition files and autostart links (def_store.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_error.h"
#include "def_store.h"
#include "fileutil.h"
#include "i18n.h"

char *def_store_path(const DaemonConfig *cfg, const char *kind, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    return g_build_filename(cfg->config_dir, kind, file, NULL);
}

char *def_store_autostart_path(const DaemonConfig *cfg, const char *kind, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    return g_build_filename(cfg->config_dir, kind, "autostart", file, NULL);
}

gboolean def_store_save(const DaemonConfig *cfg, const char *kind, const char *name,
                        const char *xml, GError **error)
{
    g_autofree char *path = def_store_path(cfg, kind, name);
    return vessel_file_write_atomic(path, xml, -1, 0600, error);
}

gboolean def_store_delete(const DaemonConfig *cfg, const char *kind, const char *name,
                          GError **error)
{
    g_autofree char *link = def_store_autostart_path(cfg, kind, name);
    g_autofree char *path = def_store_path(cfg, kind, name);
    return vessel_file_remove_durable(link, error) && vessel_file_remove_durable(path, error);
}

static gboolean fsync_dir(const char *dir, GError **error)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL)) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot sync directory %s: %s"), dir, g_strerror(err));
        return FALSE;
    }
    close(fd);
    return TRUE;
}

gboolean def_store_set_autostart(const DaemonConfig *cfg, const char *kind, const char *name,
                                 gboolean on, GError **error)
{
    return def_store_set_autostart_owned(cfg, kind, name, on, geteuid(), getegid(), error);
}

gboolean def_store_set_autostart_owned(const DaemonConfig *cfg, const char *kind,
                                       const char *name, gboolean on, uid_t uid, gid_t gid,
                                       GError **error)
{
    g_autofree char *link = def_store_autostart_path(cfg, kind, name);
    if (!on)
        return vessel_file_remove_durable(link, error);

    g_autofree char *target = g_strconcat("../", name, ".xml", NULL);
    g_autofree char *tmp = g_strconcat(link, ".tmp", NULL);
    unlink(tmp);
    if (symlink(target, tmp) < 0 ||
        ((uid != geteuid() || gid != getegid()) && lchown(tmp, uid, gid) < 0) ||
        rename(tmp, link) < 0) {
        int err = errno;
        unlink(tmp);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot create autostart link %s: %s"), link, g_strerror(err));
        return FALSE;
    }
    g_autofree char *dir = g_path_get_dirname(link);
    return fsync_dir(dir, error);
}

gboolean def_store_get_autostart(const DaemonConfig *cfg, const char *kind, const char *name)
{
    g_autofree char *link = def_store_autostart_path(cfg, kind, name);
    return g_file_test(link, G_FILE_TEST_EXISTS);
}

gboolean def_store_autostart_owner(const DaemonConfig *cfg, const char *kind, const char *name,
                                   uid_t *uid)
{
    g_autofree char *link = def_store_autostart_path(cfg, kind, name);
    struct stat st;
    if (lstat(link, &st) < 0)
        return FALSE;
    *uid = st.st_uid;
    return TRUE;
}

static gint compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* NAME.xml.XXXXXX: g_mkstemp's six letters and digits after ".xml." */
static gboolean is_temporary(const char *ent)
{
    size_t n = strlen(ent);
    if (ent[0] == '.' || n < 11 || memcmp(ent + n - 11, ".xml.", 5) != 0)
        return FALSE;
    for (size_t i = n - 6; i < n; i++)
        if (!g_ascii_isalnum(ent[i]))
            return FALSE;
    return TRUE;
}

GPtrArray *def_store_list_dir(const char *dir)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;
    while (d && (ent = g_dir_read_name(d))) {
        if (is_temporary(ent)) {
            g_autofree char *tmp = g_build_filename(dir, ent, NULL);
            if (unlink(tmp) == 0)
                g_message(_("Removed %s, left by an interrupted write"), tmp);
        } else if (g_str_has_suffix(ent, ".xml") && ent[0] != '.') {
            g_ptr_array_add(paths, g_build_filename(dir, ent, NULL));
        }
    }
    g_ptr_array_sort(paths, compare_paths);
    return paths;
}

GPtrArray *def_store_list(const DaemonConfig *cfg, const char *kind)
{
    g_autofree char *dir = g_build_filename(cfg->config_dir, kind, NULL);
    return def_store_list_dir(dir);
}
