/* net_tap.c - a tap device for virtio-net: opened by name (needs access
 * to /dev/net/tun, root on Debian), or an fd a privileged parent opened
 * and passed down (--net tapfd=N: vesseld). */
#include "config.h"

#include "vmm/virtio/net.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int net_tap_open(const char *ifname, GError **error)
{
    struct ifreq ifr;
    if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG,
                    _("tap device name too long: %s"), ifname);
        return -1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    _("cannot open /dev/net/tun: %s"), g_strerror(e));
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, ifname, strlen(ifname));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    _("cannot attach to tap device %s: %s"), ifname, g_strerror(e));
        return -1;
    }
    return fd;
}

int net_tap_adopt(int fd, GError **error)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    if (fd < 3 || fcntl(fd, F_GETFD) < 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_BADF,
                    _("tap fd %d: not an open file descriptor"), fd);
        return -1;
    }
    if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    _("fd %d is not attached to a tap device: %s"), fd, g_strerror(e));
        return -1;
    }
    if ((ifr.ifr_flags & (IFF_TAP | IFF_TUN | IFF_NO_PI)) != (IFF_TAP | IFF_NO_PI)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("fd %d (%.*s) is not a tap device without packet information"), fd,
                    (int)sizeof(ifr.ifr_name), ifr.ifr_name);
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}
