/* error.h - the netbridge GError domain.
 *
 * Every fallible libvesselnet call takes GError **error last and reports
 * once, in this domain, with a translated message naming the object
 * (interface, file, program) that failed. */
#ifndef VESSEL_NETBRIDGE_ERROR_H
#define VESSEL_NETBRIDGE_ERROR_H

#include <glib.h>

#define NETBRIDGE_ERROR (netbridge_error_quark())
GQuark netbridge_error_quark(void);

typedef enum {
    NETBRIDGE_ERROR_FAILED,     /* anything not covered below */
    NETBRIDGE_ERROR_INVALID,    /* bad argument or configuration */
    NETBRIDGE_ERROR_NETLINK,    /* the kernel refused a netlink request */
    NETBRIDGE_ERROR_EXISTS,     /* interface already exists */
    NETBRIDGE_ERROR_NOT_FOUND,  /* interface does not exist */
    NETBRIDGE_ERROR_TAP,        /* /dev/net/tun failures */
    NETBRIDGE_ERROR_FIREWALL,   /* nft failed */
    NETBRIDGE_ERROR_DNSMASQ,    /* dnsmasq failed to start or stop */
    NETBRIDGE_ERROR_LAST
} NetbridgeError;

#endif
