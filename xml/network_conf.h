/* network_conf.h - network definitions: the parsed form of <network> XML.
 *
 * A strict subset of libvirt's network XML (xml/schemas/network.rng): one
 * IPv4 address on a bridge, NAT, routed or isolated (no <forward>), DHCP
 * with one range and static hosts.  Same contract as domain_conf.h:
 * validated on parse, UUID and bridge MAC generated if absent, canonical
 * output that libvirt's network.rng accepts. */
#ifndef VESSEL_NETWORK_CONF_H
#define VESSEL_NETWORK_CONF_H

#include <glib.h>
#include <netinet/in.h>
#include "xml/xml_error.h"

typedef enum {
    NETWORK_FORWARD_NONE,   /* isolated: no <forward> element */
    NETWORK_FORWARD_NAT,
    NETWORK_FORWARD_ROUTE,
    NETWORK_FORWARD_LAST
} NetworkForwardMode;

typedef struct {
    char *mac;              /* lower case */
    char *name;             /* hostname or NULL */
    struct in_addr ip;
} NetworkDhcpHost;

typedef struct {
    char *name;
    char uuid[37];
    char *bridge;           /* <bridge name=>, NULL if absent (daemon picks one) */
    gboolean stp;           /* <bridge stp=> default on */
    guint delay;            /* <bridge delay=> seconds, default 0 */
    char *mac;              /* bridge MAC, generated if absent */
    NetworkForwardMode forward;
    char *forward_dev;      /* <forward dev=>, NULL if absent */

    gboolean has_ip;        /* one <ip> element (IPv4) */
    struct in_addr address;
    guint prefix;           /* 0..32, from prefix= or netmask= */
    gboolean netmask_form;  /* user wrote netmask=, format it back that way */

    gboolean has_dhcp_range;
    struct in_addr dhcp_start, dhcp_end;
    NetworkDhcpHost **hosts;
    guint n_hosts;
} NetworkDef;

#define VESSEL_NETWORK_MAX_NAME 128

typedef enum {
    NETWORK_PARSE_DEFAULT = 0,
} NetworkParseFlags;

NetworkDef *network_def_parse(const char *xml, NetworkParseFlags flags, GError **error);
NetworkDef *network_def_parse_file(const char *path, NetworkParseFlags flags, GError **error);
char *network_def_format(const NetworkDef *def);
gboolean network_def_equal(const NetworkDef *a, const NetworkDef *b);
NetworkDef *network_def_copy(const NetworkDef *def);
void network_def_free(NetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetworkDef, network_def_free)

/* Netmask in dotted form for def->prefix (e.g. "255.255.255.0"). */
char *network_def_netmask_string(const NetworkDef *def);

const char *network_forward_mode_to_string(NetworkForwardMode v);
int network_forward_mode_from_string(const char *s);

#endif
