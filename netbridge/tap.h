/* tap.h - tap devices through /dev/net/tun, owned for the VMM.
 *
 * netbridge_tap_create() returns the tap's file descriptor: the daemon
 * hands it to vessel-vmm.  Taps are not persistent by default, so the
 * kernel removes the interface when the last fd closes (VM exit or crash
 * cleans up by itself).  The tap is brought up and optionally attached to
 * a bridge, with the bridge's MTU unless one is given. */
#ifndef VESSEL_NETBRIDGE_TAP_H
#define VESSEL_NETBRIDGE_TAP_H

#include <glib.h>
#include <sys/types.h>

typedef enum {
    NETBRIDGE_TAP_VNET_HDR = 1 << 0,  /* IFF_VNET_HDR: virtio-net header on each frame */
    NETBRIDGE_TAP_PERSIST = 1 << 1,   /* TUNSETPERSIST: survive closing the fd */
    NETBRIDGE_TAP_SET_OWNER = 1 << 2, /* TUNSETOWNER with .owner */
    NETBRIDGE_TAP_SET_GROUP = 1 << 3, /* TUNSETGROUP with .group */
} NetbridgeTapFlags;

typedef struct {
    const char *name;    /* exact name or a template with %d; NULL: "vtap%d" */
    guint flags;         /* NetbridgeTapFlags */
    uid_t owner;
    gid_t group;
    const char *mac;     /* the tap's MAC (see netbridge_mac_for_tap); NULL: kernel's */
    guint mtu;           /* 0: the bridge's MTU, or the kernel default */
    const char *bridge;  /* bridge to attach to; NULL: none */
    guint vnet_hdr_size; /* with VNET_HDR: TUNSETVNETHDRSZ, e.g. 12 for virtio
                          * 1.0 (num_buffers included); 0: kernel default 10 */
} NetbridgeTapOptions;

/* Create a tap; returns its fd (O_CLOEXEC) and its name in @ifname_out
 * (may be NULL), or -1 with @error.  On failure nothing is left behind. */
int netbridge_tap_create(const NetbridgeTapOptions *opts, char **ifname_out, GError **error);

/* Delete a persistent tap; NOT_FOUND if absent, INVALID if @name is not
 * a tun/tap device. */
gboolean netbridge_tap_delete(const char *name, GError **error);

#endif
