/* link.h - network interfaces through route netlink (libnl-route-3).
 *
 * Reading interface state (for reconciliation after a daemon restart:
 * list our bridges "vbr*" and taps "vtap*" by prefix) and changing it:
 * up/down, MTU, MAC, bridge master, deletion.  Everything acts in the
 * network namespace of the calling thread. */
#ifndef VESSEL_NETBRIDGE_LINK_H
#define VESSEL_NETBRIDGE_LINK_H

#include <glib.h>

/* Naming prefixes of interfaces Vessel creates. */
#define NETBRIDGE_BRIDGE_PREFIX "vbr"
#define NETBRIDGE_TAP_PREFIX "vtap"

typedef enum {
    NETBRIDGE_LINK_KIND_OTHER,
    NETBRIDGE_LINK_KIND_BRIDGE,
    NETBRIDGE_LINK_KIND_TUN,     /* tun or tap device */
    NETBRIDGE_LINK_KIND_VETH,
    NETBRIDGE_LINK_KIND_LAST
} NetbridgeLinkKind;

typedef struct {
    char *name;
    int ifindex;
    NetbridgeLinkKind kind;
    char *kind_name;        /* IFLA_INFO_KIND ("bridge", "tun", ...) or NULL */
    char *mac;              /* lower case, NULL if none */
    guint mtu;
    gboolean up;            /* administratively up (IFF_UP) */
    int master_ifindex;     /* 0 if not enslaved */
    char *master;           /* master's name, NULL if not enslaved */
} NetbridgeLinkInfo;

void netbridge_link_info_free(NetbridgeLinkInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetbridgeLinkInfo, netbridge_link_info_free)

const char *netbridge_link_kind_to_string(NetbridgeLinkKind kind);

/* INVALID unless @name is a usable interface name (1..15 characters,
 * letters, digits, '-', '_', '.'; a '%d' template is allowed when
 * @allow_template). */
gboolean netbridge_ifname_validate(const char *name, gboolean allow_template, GError **error);

/* State of one interface; NOT_FOUND if there is none called @name. */
NetbridgeLinkInfo *netbridge_link_get(const char *name, GError **error);

/* All interfaces whose name starts with @prefix (NULL: all), of @kind
 * (NETBRIDGE_LINK_KIND_LAST: any), sorted by name.  Element type:
 * NetbridgeLinkInfo, freed with the array. */
GPtrArray *netbridge_link_list(const char *prefix, NetbridgeLinkKind kind, GError **error);

gboolean netbridge_link_set_up(const char *name, gboolean up, GError **error);
gboolean netbridge_link_set_mtu(const char *name, guint mtu, GError **error);
gboolean netbridge_link_set_mac(const char *name, const char *mac, GError **error);

/* Enslave @name to bridge @master, or release it when @master is NULL. */
gboolean netbridge_link_set_master(const char *name, const char *master, GError **error);

/* Delete an interface (a bridge, a persistent tap, a veth).  NOT_FOUND if
 * absent, so callers that want idempotence check for that code. */
gboolean netbridge_link_delete(const char *name, GError **error);

/* Delete every interface named @prefix* of @kind (LAST: any) that is not
 * in @keep (NULL-terminated, may be NULL), e.g. bridges of networks that
 * no longer exist or persistent taps of VMs that are gone, found at daemon
 * start.  The names removed are appended to @removed (may be NULL).  Only
 * ever use it with Vessel's own prefixes. */
gboolean netbridge_link_prune(const char *prefix, NetbridgeLinkKind kind,
                              const char *const *keep, GPtrArray *removed, GError **error);

#endif
