/* unix_addr.c - UNIX socket addresses of any length (unix_addr.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "unix_addr.h"

typedef int (*SockOp)(int, const struct sockaddr *, socklen_t);

static int with_addr(int fd, const char *path, SockOp op)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int dirfd = -1;
    if (strlen(path) < sizeof(sa.sun_path)) {
        strcpy(sa.sun_path, path);
    } else {
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *base = g_path_get_basename(path);
        dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
            return -errno;
        int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, base);
        if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
            close(dirfd);
            errno = ENAMETOOLONG;
            return -ENAMETOOLONG;
        }
    }
    int r = op(fd, (const struct sockaddr *)&sa, sizeof(sa));
    int e = r < 0 ? errno : 0;
    if (dirfd >= 0)
        close(dirfd);
    errno = e;
    return -e;
}

int unix_addr_bind(int fd, const char *path)
{
    return with_addr(fd, path, bind);
}

int unix_addr_connect(int fd, const char *path)
{
    return with_addr(fd, path, connect);
}
