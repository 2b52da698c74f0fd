/* tap.c - tap devices through /dev/net/tun (see tap.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "i18n.h"
#include "netbridge/error.h"
#include "netbridge/link.h"
#include "netbridge/tap.h"

#define TAP_DEFAULT_TEMPLATE NETBRIDGE_TAP_PREFIX "%d"
#define TUN_PATH "/dev/net/tun"

static gboolean tap_ioctl(int fd, unsigned long req, unsigned long arg, const char *what,
                          const char *ifname, GError **error)
{
    if (ioctl(fd, req, arg) < 0) {
        int e = errno;
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_TAP,
                    _("cannot %s on tap %s: %s"), what, ifname, g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

/* Settings done through netlink once the interface exists. */
static gboolean tap_configure(const NetbridgeTapOptions *opts, const char *ifname, GError **error)
{
    guint mtu = opts->mtu;

    if (opts->mac && !netbridge_link_set_mac(ifname, opts->mac, error))
        return FALSE;
    if (!mtu && opts->bridge) {
        g_autoptr(NetbridgeLinkInfo) br = netbridge_link_get(opts->bridge, error);
        if (!br)
            return FALSE;
        mtu = br->mtu;
    }
    if (mtu && !netbridge_link_set_mtu(ifname, mtu, error))
        return FALSE;
    if (opts->bridge && !netbridge_link_set_master(ifname, opts->bridge, error))
        return FALSE;
    return netbridge_link_set_up(ifname, TRUE, error);
}

int netbridge_tap_create(const NetbridgeTapOptions *opts, char **ifname_out, GError **error)
{
    const char *name = opts->name ? opts->name : TAP_DEFAULT_TEMPLATE;
    struct ifreq ifr;
    int hdr_size = (int)opts->vnet_hdr_size;
    int fd;

    if (!netbridge_ifname_validate(name, TRUE, error))
        return -1;
    if (opts->bridge && !netbridge_ifname_validate(opts->bridge, FALSE, error))
        return -1;

    fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_TAP,
                    _("cannot open %s: %s"), TUN_PATH, g_strerror(e));
        return -1;
    }

    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (opts->flags & NETBRIDGE_TAP_VNET_HDR)
        ifr.ifr_flags |= IFF_VNET_HDR;
    g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        g_set_error(error, NETBRIDGE_ERROR,
                    e == EBUSY || e == EEXIST ? NETBRIDGE_ERROR_EXISTS : NETBRIDGE_ERROR_TAP,
                    _("cannot create tap %s: %s"), name, g_strerror(e));
        close(fd);
        return -1;
    }
    ifr.ifr_name[IFNAMSIZ - 1] = '\0';

    if ((hdr_size && (opts->flags & NETBRIDGE_TAP_VNET_HDR) &&
         !tap_ioctl(fd, TUNSETVNETHDRSZ, (unsigned long)&hdr_size,
                    _("set the virtio-net header size"), ifr.ifr_name, error)) ||
        ((opts->flags & NETBRIDGE_TAP_SET_OWNER) &&
         !tap_ioctl(fd, TUNSETOWNER, opts->owner, _("set the owner"), ifr.ifr_name, error)) ||
        ((opts->flags & NETBRIDGE_TAP_SET_GROUP) &&
         !tap_ioctl(fd, TUNSETGROUP, opts->group, _("set the group"), ifr.ifr_name, error)) ||
        ((opts->flags & NETBRIDGE_TAP_PERSIST) &&
         !tap_ioctl(fd, TUNSETPERSIST, 1, _("make persistent"), ifr.ifr_name, error)) ||
        !tap_configure(opts, ifr.ifr_name, error)) {
        if (opts->flags & NETBRIDGE_TAP_PERSIST)
            ioctl(fd, TUNSETPERSIST, 0);   /* so closing the fd removes it */
        close(fd);
        return -1;
    }
    if (ifname_out)
        *ifname_out = g_strdup(ifr.ifr_name);
    return fd;
}

gboolean netbridge_tap_delete(const char *name, GError **error)
{
    g_autoptr(NetbridgeLinkInfo) info = netbridge_link_get(name, error);

    if (!info)
        return FALSE;
    if (info->kind != NETBRIDGE_LINK_KIND_TUN) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("interface %s is not a tap"), name);
        return FALSE;
    }
    return netbridge_link_delete(name, error);
}
