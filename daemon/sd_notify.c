/* sd_notify.c - see sd_notify.h. */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sd_notify.h"

gboolean sd_notify_send(const char *state)
{
    const char *path = g_getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return TRUE;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    size_t len = strlen(path);
    if ((path[0] != '/' && path[0] != '@') || len >= sizeof(addr.sun_path))
        return FALSE;
    memcpy(addr.sun_path, path, len);
    if (path[0] == '@')
        addr.sun_path[0] = '\0';
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return FALSE;
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/');
    ssize_t n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr, alen);
    close(fd);
    return n == (ssize_t)strlen(state);
}
