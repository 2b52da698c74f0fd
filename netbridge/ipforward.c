/* ipforward.c - /proc/sys/net/ipv4/ip_forward (see ipforward.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "i18n.h"
#include "netbridge/error.h"
#include "netbridge/ipforward.h"

#define IP_FORWARD_PATH "/proc/sys/net/ipv4/ip_forward"

gboolean netbridge_ipforward_get(gboolean *on, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) local = NULL;

    if (!g_file_get_contents(IP_FORWARD_PATH, &text, NULL, &local)) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_FAILED,
                    _("cannot read %s: %s"), IP_FORWARD_PATH, local->message);
        return FALSE;
    }
    *on = text[0] == '1';
    return TRUE;
}

gboolean netbridge_ipforward_set(gboolean on, GError **error)
{
    /* Plain write(2): g_file_set_contents() would try to rename in /proc. */
    int fd = open(IP_FORWARD_PATH, O_WRONLY | O_CLOEXEC);
    int e = 0;

    if (fd < 0 || write(fd, on ? "1\n" : "0\n", 2) != 2)
        e = errno;
    if (fd >= 0)
        close(fd);
    if (e) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_FAILED,
                    _("cannot write %s: %s"), IP_FORWARD_PATH, g_strerror(e));
        return FALSE;
    }
    return TRUE;
}
