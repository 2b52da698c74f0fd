/* netconfig.h - what netbridge needs to know to run one virtual network.
 *
 * A plain struct the daemon fills from its NetworkDef (xml/network_conf.h),
 * so libvesselnet does not depend on the XML layer.  Strings are owned by
 * the struct; netbridge_net_config_free() frees everything.
 *
 * Files of a running network live in @state_dir, named after the network:
 * NAME.conf (dnsmasq configuration), NAME.pid, NAME.leases. */
#ifndef VESSEL_NETBRIDGE_NETCONFIG_H
#define VESSEL_NETBRIDGE_NETCONFIG_H

#include <glib.h>

/* Vessel's counterpart of libvirt's "default" network (virbr0,
 * 192.168.122.0/24): NAT on vbr0, 192.168.150.0/24, DHCP .2-.254.  A
 * different subnet from libvirt's so both can run on one host. */
#define NETBRIDGE_DEFAULT_NET_NAME "default"
#define NETBRIDGE_DEFAULT_NET_BRIDGE "vbr0"
#define NETBRIDGE_DEFAULT_NET_ADDRESS "192.168.150.1"
#define NETBRIDGE_DEFAULT_NET_PREFIX 24
#define NETBRIDGE_DEFAULT_NET_DHCP_START "192.168.150.2"
#define NETBRIDGE_DEFAULT_NET_DHCP_END "192.168.150.254"

typedef enum {
    NETBRIDGE_FORWARD_ISOLATED,  /* no forwarding to or from the bridge */
    NETBRIDGE_FORWARD_NAT,       /* masquerade out, replies back in */
    NETBRIDGE_FORWARD_ROUTE,     /* plain routing both ways, no NAT */
    NETBRIDGE_FORWARD_LAST
} NetbridgeForwardMode;

typedef struct {
    char *mac;        /* lower case */
    char *ip;         /* dotted IPv4 */
    char *hostname;   /* may be NULL */
} NetbridgeDhcpHost;

typedef struct {
    char *name;             /* network name: [A-Za-z0-9_.-]+, up to 128 */
    char *bridge;           /* bridge interface name, e.g. "vbr0" */
    char *mac;              /* bridge MAC; NULL: generated at start */
    guint mtu;              /* 0: kernel default */
    gboolean stp;           /* spanning tree (libvirt's default is on) */
    guint delay;            /* bridge forward delay in seconds, 0-30 */
    NetbridgeForwardMode forward;
    char *forward_dev;      /* restrict NAT/routing to this uplink; NULL: any */

    char *ipv4_address;     /* the bridge's address, NULL: no IP (no dnsmasq) */
    guint ipv4_prefix;

    char *dhcp_start;       /* NULL: no DHCP (DNS only) */
    char *dhcp_end;
    GPtrArray *dhcp_hosts;  /* of NetbridgeDhcpHost, never NULL */
    char *domain;           /* DNS domain for the network, may be NULL */

    char *state_dir;        /* where NAME.conf/.pid/.leases go */
    char *dnsmasq_user;     /* user dnsmasq drops to; NULL: dnsmasq's default */
} NetbridgeNetConfig;

NetbridgeNetConfig *netbridge_net_config_new(void);
void netbridge_net_config_free(NetbridgeNetConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetbridgeNetConfig, netbridge_net_config_free)

/* Append a static DHCP host (copies the strings). */
void netbridge_net_config_add_host(NetbridgeNetConfig *cfg, const char *mac, const char *ip,
                                   const char *hostname);

/* Check everything start/stop rely on: names, addresses, the DHCP range
 * inside the network, hosts.  INVALID with a message naming the field. */
gboolean netbridge_net_config_validate(const NetbridgeNetConfig *cfg, GError **error);

/* Number of addresses in the DHCP range, 0 without one. */
guint netbridge_net_config_dhcp_size(const NetbridgeNetConfig *cfg);

/* "@state_dir/@name.@suffix" */
char *netbridge_net_config_path(const NetbridgeNetConfig *cfg, const char *suffix);

const char *netbridge_forward_mode_to_string(NetbridgeForwardMode mode);
/* -1 if unknown.  "none" and "isolated" both mean isolated. */
int netbridge_forward_mode_from_string(const char *s);

#endif
