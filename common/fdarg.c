/* fdarg.c - "fd:N" FILE arguments (see fdarg.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdarg.h"
#include "i18n.h"

int vessel_fdarg_number(const char *arg)
{
    if (!arg || strncmp(arg, "fd:", 3) != 0)
        return -1;
    const char *p = arg + 3;
    if (!g_ascii_isdigit(*p))
        return -2;
    char *end = NULL;
    errno = 0;
    long n = strtol(p, &end, 10);
    if (errno || *end || n < 0 || n > INT_MAX)
        return -2;
    return (int)n;
}

static const char *access_name(int acc)
{
    return acc == O_RDONLY ? _("reading") : acc == O_WRONLY ? _("writing")
                                                          : _("reading and writing");
}

/* N of an "fd:N" @arg, checked open and allowing @flags' access mode. */
static int fdarg_take(const char *arg, int n, int flags, const char *what, GError **error)
{
    if (n == -2) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("%s %s: expected fd:N with N a descriptor number"), what, arg);
        return -1;
    }
    int fl = fcntl(n, F_GETFL);
    if (fl < 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_BADF,
                    _("%s %s: descriptor %d is not open"), what, arg, n);
        return -1;
    }
    int want = flags & O_ACCMODE, have = fl & O_ACCMODE;
    if ((fl & O_PATH) || (want != O_WRONLY && have == O_WRONLY) ||
        (want != O_RDONLY && have == O_RDONLY)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ACCES,
                    _("%s %s: descriptor %d is not open for %s"), what, arg, n,
                    access_name(want));
        return -1;
    }
    if (fcntl(n, F_SETFD, FD_CLOEXEC) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    _("%s %s: %s"), what, arg, g_strerror(errno));
        return -1;
    }
    return n;
}

int vessel_fdarg_open(const char *arg, int flags, mode_t mode, const char *what,
                      GError **error)
{
    int n = vessel_fdarg_number(arg);
    if (n != -1)
        return fdarg_take(arg, n, flags, what, error);
    int fd = open(arg, flags | O_CLOEXEC, mode);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    _("cannot open %s %s: %s"), what, arg, g_strerror(e));
    }
    return fd;
}

gboolean vessel_fdarg_check(const char *arg, int flags, const char *what, GError **error)
{
    int n = vessel_fdarg_number(arg);
    return n == -1 || fdarg_take(arg, n, flags, what, error) >= 0;
}

int vessel_fdarg_listener(const char *arg, const char *what, GError **error)
{
    int n = vessel_fdarg_number(arg);
    if (n == -1)
        return -1;
    if (n == -2 || fcntl(n, F_GETFD) < 0)
        return fdarg_take(arg, n, O_RDONLY, what, error); /* the error */
    struct stat st;
    int accepting = 0, type = 0;
    socklen_t len = sizeof(accepting), tlen = sizeof(type);
    if (fstat(n, &st) < 0 || !S_ISSOCK(st.st_mode) ||
        getsockopt(n, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) < 0 || !accepting ||
        getsockopt(n, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 || type != SOCK_STREAM) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("%s %s: descriptor %d is not a listening stream socket"), what, arg, n);
        return -1;
    }
    int fl = fcntl(n, F_GETFL);
    if (fl < 0 || fcntl(n, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(n, F_SETFD, FD_CLOEXEC) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    _("%s %s: %s"), what, arg, g_strerror(errno));
        return -1;
    }
    return n;
}

char *vessel_fdarg_basename(const char *arg)
{
    int n = vessel_fdarg_number(arg);
    if (n < 0)
        return g_path_get_basename(arg);
    g_autofree char *link = g_strdup_printf("/proc/self/fd/%d", n);
    g_autofree char *target = g_file_read_link(link, NULL);
    if (target && target[0] == '/')
        return g_path_get_basename(target);
    return g_strdup(arg);
}
