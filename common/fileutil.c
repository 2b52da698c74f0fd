/* fileutil.c - crash-safe file writes (see fileutil.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "i18n.h"

static gboolean set_errno_error(GError **error, int err, const char *what, const char *path)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                _("%s '%s': %s"), what, path, g_strerror(err));
    return FALSE;
}

static gboolean fsync_dir_of(const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return set_errno_error(error, errno, _("Cannot open directory"), dir);
    if (fsync(fd) < 0 && errno != EINVAL) {
        int err = errno;
        close(fd);
        return set_errno_error(error, err, _("Cannot sync directory"), dir);
    }
    close(fd);
    return TRUE;
}

gboolean vessel_file_write_atomic(const char *path, const char *data, gssize len,
                                  mode_t mode, GError **error)
{
    g_return_val_if_fail(path != NULL && data != NULL, FALSE);
    if (len < 0)
        len = strlen(data);

    g_autofree char *tmp = g_strdup_printf("%s.XXXXXX", path);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0)
        return set_errno_error(error, errno, _("Cannot create temporary file"), tmp);
    if (fchmod(fd, mode) < 0)
        goto fail;

    const char *p = data;
    gssize left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        p += n;
        left -= n;
    }
    if (fsync(fd) < 0)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        goto fail;
    return fsync_dir_of(path, error);

fail:;
    int err = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return set_errno_error(error, err, _("Cannot write file"), path);
}

gboolean vessel_file_remove_durable(const char *path, GError **error)
{
    if (unlink(path) < 0) {
        if (errno == ENOENT)
            return TRUE;
        return set_errno_error(error, errno, _("Cannot remove file"), path);
    }
    return fsync_dir_of(path, error);
}
