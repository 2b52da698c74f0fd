/* vmm_lock.c - one VMM per domain (vmm_lock.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_error.h"
#include "i18n.h"
#include "vmm_lock.h"

static char *lock_path(const DaemonConfig *cfg, const char *uuid)
{
    g_autofree char *file = g_strconcat(uuid, ".pid", NULL);
    return g_build_filename(cfg->run_dir, "domains", file, NULL);
}

/* Open the lock file (@create: made if missing); -1 with errno. */
static int lock_open(const char *path, gboolean create, GError **error)
{
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | (create ? O_CREAT : 0),
                  0600);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())) {
        close(fd);
        fd = -1;
        errno = EPERM;
    }
    if (fd < 0 && error)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot open the VMM lock %s: %s"), path, g_strerror(errno));
    return fd;
}

int vmm_lock_take(const DaemonConfig *cfg, const char *uuid, const char *name, GError **error)
{
    g_autofree char *path = lock_path(cfg, uuid);
    int fd = lock_open(path, TRUE, error);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd;
    int e = errno;
    char pid[32] = "";
    ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
    pid[n > 0 ? n : 0] = '\0';
    g_strstrip(pid);
    close(fd);
    if (e == EWOULDBLOCK)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("Domain '%s' still has a VMM running (pid %s, holding %s): not starting "
                      "a second one"),
                    name, *pid ? pid : "?", path);
    else
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("Cannot lock %s: %s"), path,
                    g_strerror(e));
    return -1;
}

gboolean vmm_lock_held(const DaemonConfig *cfg, const char *uuid)
{
    g_autofree char *path = lock_path(cfg, uuid);
    int fd = lock_open(path, FALSE, NULL);
    if (fd < 0)
        return FALSE;
    gboolean held = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

void vmm_lock_remove(const DaemonConfig *cfg, const char *uuid)
{
    g_autofree char *path = lock_path(cfg, uuid);
    int fd = lock_open(path, FALSE, NULL);
    if (fd < 0)
        return;
    /* unlinked only while we hold it: never under a running VMM */
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        unlink(path);
    close(fd);
}
