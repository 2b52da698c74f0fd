/* remote_protocol.h - the part of libvirt's remote protocol vesseld speaks.
 *
 * Facts from libvirt's public protocol definition (remote_protocol.x,
 * virnetprotocol.x, virkeepaliveprotocol.x; virerror.h for error codes),
 * written here as our own C types and XDR filters over libtirpc's
 * primitives.  Types are named for their wire layout, not for one call:
 * every procedure whose arguments are "a domain and flags" shares
 * RemoteDomainFlagsArgs, so one filter serves all of them.  Wire notes:
 * XDR "char", "unsigned char" and "unsigned short" take 4 bytes each;
 * a "remote_string" is an optional (pointer) string; UUIDs are 16 raw
 * bytes; every string and array has the maximum the .x file gives it,
 * which the decoder enforces before it allocates. */
#ifndef VESSEL_REMOTE_PROTOCOL_H
#define VESSEL_REMOTE_PROTOCOL_H

#include <glib.h>
#include <rpc/rpc.h>

/* ------------------------------------------------------------ programs */

#define REMOTE_PROGRAM 0x20008086u
#define REMOTE_PROTOCOL_VERSION 1u
#define KEEPALIVE_PROGRAM 0x6b656570u
#define KEEPALIVE_PROTOCOL_VERSION 1u
enum { KEEPALIVE_PROC_PING = 1, KEEPALIVE_PROC_PONG = 2 };

/* Limits (remote_protocol.x) */
#define REMOTE_STRING_MAX 4194304u
#define REMOTE_DOMAIN_LIST_MAX 16384u
#define REMOTE_NETWORK_LIST_MAX 16384u
#define REMOTE_AUTH_TYPE_LIST_MAX 20u
#define REMOTE_NETWORK_DHCP_LEASES_MAX 65536u
#define REMOTE_UUID_BUFLEN 16
#define REMOTE_DOMAIN_SEND_KEY_MAX 16u
#define REMOTE_STORAGE_POOL_LIST_MAX 4096u
#define REMOTE_STORAGE_VOL_LIST_MAX 16384u

enum { REMOTE_AUTH_NONE = 0 };

/* virDrvFeature (libvirt_internal.h): what CONNECT_SUPPORTS_FEATURE asks. */
enum {
    REMOTE_FEATURE_FD_PASSING = 8,
    REMOTE_FEATURE_TYPED_PARAM_STRING = 9,
    REMOTE_FEATURE_PROGRAM_KEEPALIVE = 10,
    REMOTE_FEATURE_REMOTE_EVENT_CALLBACK = 14,
    REMOTE_FEATURE_REMOTE_CLOSE_CALLBACK = 15,
};

/* Procedure numbers (enum remote_procedure) of what vesseld answers, the
 * events it sends, and the ones clients try that it answers "not
 * supported" by name (remote_procs.c). */
typedef enum {
    REMOTE_PROC_CONNECT_OPEN = 1,
    REMOTE_PROC_CONNECT_CLOSE = 2,
    REMOTE_PROC_CONNECT_GET_TYPE = 3,
    REMOTE_PROC_CONNECT_GET_VERSION = 4,
    REMOTE_PROC_CONNECT_GET_MAX_VCPUS = 5,
    REMOTE_PROC_NODE_GET_INFO = 6,
    REMOTE_PROC_CONNECT_GET_CAPABILITIES = 7,
    REMOTE_PROC_DOMAIN_CREATE = 9,
    REMOTE_PROC_DOMAIN_CREATE_XML = 10,
    REMOTE_PROC_DOMAIN_DEFINE_XML = 11,
    REMOTE_PROC_DOMAIN_DESTROY = 12,
    REMOTE_PROC_DOMAIN_GET_XML_DESC = 14,
    REMOTE_PROC_DOMAIN_GET_AUTOSTART = 15,
    REMOTE_PROC_DOMAIN_GET_INFO = 16,
    REMOTE_PROC_DOMAIN_GET_MAX_MEMORY = 17,
    REMOTE_PROC_DOMAIN_GET_MAX_VCPUS = 18,
    REMOTE_PROC_DOMAIN_GET_OS_TYPE = 19,
    REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS = 21,
    REMOTE_PROC_DOMAIN_LOOKUP_BY_ID = 22,
    REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME = 23,
    REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID = 24,
    REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS = 25,
    REMOTE_PROC_DOMAIN_REBOOT = 27,
    REMOTE_PROC_DOMAIN_RESUME = 28,
    REMOTE_PROC_DOMAIN_SET_AUTOSTART = 29,
    REMOTE_PROC_DOMAIN_SHUTDOWN = 33,
    REMOTE_PROC_DOMAIN_SUSPEND = 34,
    REMOTE_PROC_DOMAIN_UNDEFINE = 35,
    REMOTE_PROC_CONNECT_LIST_DEFINED_NETWORKS = 36,
    REMOTE_PROC_CONNECT_LIST_DOMAINS = 37,
    REMOTE_PROC_CONNECT_LIST_NETWORKS = 38,
    REMOTE_PROC_NETWORK_CREATE = 39,
    REMOTE_PROC_NETWORK_CREATE_XML = 40,
    REMOTE_PROC_NETWORK_DEFINE_XML = 41,
    REMOTE_PROC_NETWORK_DESTROY = 42,
    REMOTE_PROC_NETWORK_GET_XML_DESC = 43,
    REMOTE_PROC_NETWORK_GET_AUTOSTART = 44,
    REMOTE_PROC_NETWORK_GET_BRIDGE_NAME = 45,
    REMOTE_PROC_NETWORK_LOOKUP_BY_NAME = 46,
    REMOTE_PROC_NETWORK_LOOKUP_BY_UUID = 47,
    REMOTE_PROC_NETWORK_SET_AUTOSTART = 48,
    REMOTE_PROC_NETWORK_UNDEFINE = 49,
    REMOTE_PROC_CONNECT_NUM_OF_DEFINED_NETWORKS = 50,
    REMOTE_PROC_CONNECT_NUM_OF_DOMAINS = 51,
    REMOTE_PROC_CONNECT_NUM_OF_NETWORKS = 52,
    REMOTE_PROC_CONNECT_GET_HOSTNAME = 59,
    REMOTE_PROC_CONNECT_SUPPORTS_FEATURE = 60,
    REMOTE_PROC_AUTH_LIST = 66,
    REMOTE_PROC_CONNECT_NUM_OF_STORAGE_POOLS = 71,
    REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS = 72,
    REMOTE_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS = 73,
    REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS = 74,
    REMOTE_PROC_CONNECT_FIND_STORAGE_POOL_SOURCES = 75,
    REMOTE_PROC_STORAGE_POOL_CREATE_XML = 76,
    REMOTE_PROC_STORAGE_POOL_DEFINE_XML = 77,
    REMOTE_PROC_STORAGE_POOL_CREATE = 78,
    REMOTE_PROC_STORAGE_POOL_BUILD = 79,
    REMOTE_PROC_STORAGE_POOL_DESTROY = 80,
    REMOTE_PROC_STORAGE_POOL_DELETE = 81,
    REMOTE_PROC_STORAGE_POOL_UNDEFINE = 82,
    REMOTE_PROC_STORAGE_POOL_REFRESH = 83,
    REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME = 84,
    REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID = 85,
    REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME = 86,
    REMOTE_PROC_STORAGE_POOL_GET_INFO = 87,
    REMOTE_PROC_STORAGE_POOL_GET_XML_DESC = 88,
    REMOTE_PROC_STORAGE_POOL_GET_AUTOSTART = 89,
    REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART = 90,
    REMOTE_PROC_STORAGE_POOL_NUM_OF_VOLUMES = 91,
    REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES = 92,
    REMOTE_PROC_STORAGE_VOL_CREATE_XML = 93,
    REMOTE_PROC_STORAGE_VOL_DELETE = 94,
    REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME = 95,
    REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_KEY = 96,
    REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_PATH = 97,
    REMOTE_PROC_STORAGE_VOL_GET_INFO = 98,
    REMOTE_PROC_STORAGE_VOL_GET_XML_DESC = 99,
    REMOTE_PROC_STORAGE_VOL_GET_PATH = 100,
    REMOTE_PROC_NODE_GET_FREE_MEMORY = 102,
    REMOTE_PROC_CONNECT_GET_URI = 110,
    REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL = 121,
    REMOTE_PROC_NODE_GET_SECURITY_MODEL = 122,
    REMOTE_PROC_STORAGE_VOL_CREATE_XML_FROM = 125,
    REMOTE_PROC_CONNECT_IS_SECURE = 149,
    REMOTE_PROC_DOMAIN_IS_ACTIVE = 150,
    REMOTE_PROC_DOMAIN_IS_PERSISTENT = 151,
    REMOTE_PROC_NETWORK_IS_ACTIVE = 152,
    REMOTE_PROC_NETWORK_IS_PERSISTENT = 153,
    REMOTE_PROC_STORAGE_POOL_IS_ACTIVE = 154,
    REMOTE_PROC_STORAGE_POOL_IS_PERSISTENT = 155,
    REMOTE_PROC_CONNECT_GET_LIB_VERSION = 157,
    REMOTE_PROC_DOMAIN_MEMORY_STATS = 159,
    REMOTE_PROC_DOMAIN_GET_JOB_INFO = 163,
    REMOTE_PROC_STORAGE_VOL_WIPE = 165,
    REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE = 183,
    REMOTE_PROC_DOMAIN_SNAPSHOT_NUM = 187,
    REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS = 196,
    REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS = 200,
    REMOTE_PROC_DOMAIN_OPEN_CONSOLE = 201,
    REMOTE_PROC_DOMAIN_IS_UPDATED = 202,
    REMOTE_PROC_CONNECT_GET_SYSINFO = 203,
    REMOTE_PROC_STORAGE_VOL_UPLOAD = 208,
    REMOTE_PROC_STORAGE_VOL_DOWNLOAD = 209,
    REMOTE_PROC_DOMAIN_SCREENSHOT = 211,
    REMOTE_PROC_DOMAIN_GET_STATE = 212,
    REMOTE_PROC_DOMAIN_SEND_KEY = 226,
    REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS = 231,
    REMOTE_PROC_DOMAIN_DESTROY_FLAGS = 234,
    REMOTE_PROC_DOMAIN_RESET = 245,
    REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS = 258,
    REMOTE_PROC_STORAGE_VOL_WIPE_PATTERN = 259,
    REMOTE_PROC_STORAGE_VOL_RESIZE = 260,
    REMOTE_PROC_DOMAIN_GET_METADATA = 265,
    REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS = 273,
    REMOTE_PROC_DOMAIN_LIST_ALL_SNAPSHOTS = 274,
    REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS = 281,
    REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES = 282,
    REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS = 283,
    REMOTE_PROC_CONNECT_LIST_ALL_INTERFACES = 284,
    REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES = 285,
    REMOTE_PROC_DOMAIN_GET_JOB_STATS = 298,
    REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY = 313,
    REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY = 314,
    REMOTE_PROC_NETWORK_EVENT_LIFECYCLE = 315,
    REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY = 316,
    REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY = 317,
    REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE = 318,
    REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT = 319,
    REMOTE_PROC_NETWORK_GET_DHCP_LEASES = 341,
    REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES = 342,
    REMOTE_PROC_DOMAIN_OPEN_GRAPHICS_FD = 343,
    REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS = 344,
    REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS = 350,
    REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK = 360,
    REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK = 361,
    REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY = 368,
    REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY = 369,
    REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE = 370,
    REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH = 373,
    REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY = 374,
    REMOTE_PROC_STORAGE_VOL_GET_INFO_FLAGS = 378,
} RemoteProcNumber;

/* ------------------------------------------------------------ errors */

/* virErrorNumber values vesseld sends (virerror.h). */
enum {
    VIR_ERR_INTERNAL_ERROR = 1,
    VIR_ERR_NO_SUPPORT = 3,
    VIR_ERR_NO_CONNECT = 5,
    VIR_ERR_INVALID_ARG = 8,
    VIR_ERR_OPERATION_FAILED = 9,
    VIR_ERR_XML_ERROR = 27,
    VIR_ERR_OPERATION_DENIED = 29,
    VIR_ERR_RPC = 39,
    VIR_ERR_NO_DOMAIN = 42,
    VIR_ERR_NO_NETWORK = 43,
    VIR_ERR_NO_STORAGE_POOL = 49,
    VIR_ERR_NO_STORAGE_VOL = 50,
    VIR_ERR_OPERATION_INVALID = 55,
    VIR_ERR_OPERATION_TIMEOUT = 68,
    VIR_ERR_NO_DOMAIN_METADATA = 80,
    VIR_ERR_ACCESS_DENIED = 88,
};
/* virErrorDomain values. */
enum {
    VIR_FROM_NONE = 0,
    VIR_FROM_RPC = 7,
    VIR_FROM_REMOTE = 13,
    VIR_FROM_STORAGE = 18,
    VIR_FROM_NETWORK = 19,
    VIR_FROM_DOMAIN = 20,
    VIR_FROM_STREAMS = 38,
};
enum { VIR_ERR_LEVEL_ERROR = 2 };

/* ------------------------------------------------------------ wire types */

/* remote_nonnull_domain */
typedef struct {
    char *name;
    char uuid[REMOTE_UUID_BUFLEN];
    gint32 id;
} RemoteDomainRef;

/* remote_nonnull_network */
typedef struct {
    char *name;
    char uuid[REMOTE_UUID_BUFLEN];
} RemoteNetworkRef;

/* remote_nonnull_storage_pool: the same layout as a network */
typedef RemoteNetworkRef RemotePoolRef;

/* remote_nonnull_storage_vol; the key of a volume is its path */
typedef struct {
    char *pool;
    char *name;
    char *key;
} RemoteVolRef;

/* remote_error (= virNetMessageError) */
typedef struct {
    gint32 code;
    gint32 domain;
    char **message;          /* remote_string */
    gint32 level;
    RemoteDomainRef *dom;
    char **str1;
    char **str2;
    char **str3;
    gint32 int1;
    gint32 int2;
    RemoteNetworkRef *net;
} RemoteError;

/* Argument and result shapes, each shared by every call with that layout. */
typedef struct { char **name; guint32 flags; } RemoteOpenArgs;           /* connect_open */
typedef struct { gint32 value; } RemoteIntMsg;                           /* one int */
typedef struct { guint32 value; } RemoteUintMsg;                         /* one unsigned int */
typedef struct { guint64 value; } RemoteUhyperMsg;                       /* one unsigned hyper */
typedef struct { char *value; } RemoteStringMsg;                         /* one nonnull string */
typedef struct { char **value; } RemoteOptStringMsg;                     /* one remote_string */
typedef struct { char *value; guint32 flags; } RemoteStringFlagsArgs;    /* xml + flags */
typedef struct { char uuid[REMOTE_UUID_BUFLEN]; } RemoteUuidArgs;
typedef struct { guint n; gint32 *types; } RemoteAuthListRet;            /* auth_list_ret */

typedef struct {
    char model[32];
    guint64 memory;
    gint32 cpus, mhz, nodes, sockets, cores, threads;
} RemoteNodeInfoRet;

typedef struct {
    char **emulatorbin, **arch, **machine, **virttype;
    guint32 flags;
} RemoteDomainCapsArgs;

typedef struct { gint32 need_results; guint32 flags; } RemoteListAllArgs;
typedef struct { gint32 max; } RemoteListArgs;                           /* maxids/maxnames */
typedef struct { guint n; gint32 *ids; } RemoteIdListRet;
typedef struct { guint n; char **names; } RemoteNameListRet;

typedef struct { RemoteDomainRef dom; } RemoteDomainMsg;
typedef struct { RemoteDomainRef dom; guint32 flags; } RemoteDomainFlagsArgs;
typedef struct { RemoteDomainRef dom; gint32 value; } RemoteDomainIntArgs;  /* set_autostart */
typedef struct { RemoteDomainRef dom; char **dev_name; guint32 flags; } RemoteOpenConsoleArgs;
typedef struct { guint n; RemoteDomainRef *doms; guint32 ret; } RemoteDomainListRet;
typedef struct { gint32 state, reason; } RemoteStateRet;
/* domain_get_metadata_args */
typedef struct { RemoteDomainRef dom; gint32 type; char **uri; guint32 flags; } RemoteMetadataArgs;
/* domain_screenshot_args, domain_open_graphics(_fd)_args: dom + 2 uints */
typedef struct { RemoteDomainRef dom; guint32 value; guint32 flags; } RemoteDomainUintFlagsArgs;
typedef struct {
    RemoteDomainRef dom;
    guint32 codeset;
    guint32 holdtime;
    guint n;
    guint32 *keycodes;
    guint32 flags;
} RemoteSendKeyArgs;

typedef struct {
    guint32 state;           /* unsigned char */
    guint64 max_mem;
    guint64 memory;
    guint32 nr_virt_cpu;     /* unsigned short */
    guint64 cpu_time;
} RemoteDomainInfoRet;

typedef struct { RemoteNetworkRef net; } RemoteNetworkMsg;
typedef struct { RemoteNetworkRef net; guint32 flags; } RemoteNetworkFlagsArgs;
typedef struct { RemoteNetworkRef net; gint32 value; } RemoteNetworkIntArgs;
typedef struct { guint n; RemoteNetworkRef *nets; guint32 ret; } RemoteNetworkListRet;

typedef struct {
    char *iface;
    gint64 expirytime;
    gint32 type;
    char **mac;
    char **iaid;
    char *ipaddr;
    guint32 prefix;
    char **hostname;
    char **clientid;
} RemoteDhcpLease;
typedef struct {
    RemoteNetworkRef net;
    char **mac;
    gint32 need_results;
    guint32 flags;
} RemoteDhcpLeasesArgs;
typedef struct { guint n; RemoteDhcpLease *leases; guint32 ret; } RemoteDhcpLeasesRet;

/* Storage pools and volumes */
typedef struct { RemotePoolRef pool; } RemotePoolMsg;
typedef struct { RemotePoolRef pool; guint32 flags; } RemotePoolFlagsArgs;
typedef struct { RemotePoolRef pool; gint32 value; } RemotePoolIntArgs;   /* autostart, maxnames */
typedef struct { RemotePoolRef pool; char *name; } RemotePoolStringArgs;  /* vol_lookup_by_name */
typedef struct { RemotePoolRef pool; char *xml; guint32 flags; } RemoteVolCreateArgs;
typedef struct {
    RemotePoolRef pool;
    char *xml;
    RemoteVolRef clonevol;
    guint32 flags;
} RemoteVolCreateFromArgs;
typedef struct { RemotePoolRef pool; gint32 need_results; guint32 flags; } RemotePoolListAllArgs;
typedef struct { guint n; RemotePoolRef *pools; guint32 ret; } RemotePoolListRet;
typedef struct { guint n; RemoteVolRef *vols; guint32 ret; } RemoteVolListRet;
typedef struct {
    guint32 state;           /* unsigned char */
    guint64 capacity, allocation, available;
} RemotePoolInfoRet;
typedef struct { RemoteVolRef vol; } RemoteVolMsg;
typedef struct { RemoteVolRef vol; guint32 flags; } RemoteVolFlagsArgs;
typedef struct { RemoteVolRef vol; guint32 value; guint32 flags; } RemoteVolUintFlagsArgs;
typedef struct { RemoteVolRef vol; guint64 value; guint32 flags; } RemoteVolUhyperFlagsArgs;
/* storage_vol_upload_args, storage_vol_download_args */
typedef struct { RemoteVolRef vol; guint64 offset, length; guint32 flags; } RemoteVolStreamArgs;
typedef struct {
    gint32 type;             /* char */
    guint64 capacity, allocation;
} RemoteVolInfoRet;
/* connect_storage_pool_event_register_any_args */
typedef struct { gint32 event_id; RemotePoolRef *pool; } RemotePoolEventRegisterArgs;

/* connect_domain_event_callback_register_any_args */
typedef struct { gint32 event_id; RemoteDomainRef *dom; } RemoteDomainEventRegisterArgs;
/* connect_network_event_register_any_args */
typedef struct { gint32 event_id; RemoteNetworkRef *net; } RemoteNetworkEventRegisterArgs;
/* domain_event_callback_lifecycle_msg (callback id, then the old msg) */
typedef struct {
    gint32 callback_id;
    RemoteDomainRef dom;
    gint32 event;
    gint32 detail;
} RemoteDomainLifecycleMsg;
/* domain_event_callback_reboot_msg (callback id, then the domain) */
typedef struct {
    gint32 callback_id;
    RemoteDomainRef dom;
} RemoteDomainRebootMsg;
/* network_event_lifecycle_msg, storage_pool_event_lifecycle_msg */
typedef struct {
    gint32 callback_id;
    RemoteNetworkRef net;
    gint32 event;
    gint32 detail;
} RemoteNetworkLifecycleMsg;

/* ------------------------------------------------------------ filters */

/* xdr_void for procedures without arguments or results. */
bool_t remote_xdr_void(XDR *xdrs, void *unused);
bool_t remote_xdr_error(XDR *xdrs, RemoteError *e);
bool_t remote_xdr_domain_ref(XDR *xdrs, RemoteDomainRef *d);
bool_t remote_xdr_network_ref(XDR *xdrs, RemoteNetworkRef *n);

bool_t remote_xdr_open_args(XDR *xdrs, RemoteOpenArgs *a);
bool_t remote_xdr_int_msg(XDR *xdrs, RemoteIntMsg *m);
bool_t remote_xdr_uint_msg(XDR *xdrs, RemoteUintMsg *m);
bool_t remote_xdr_uhyper_msg(XDR *xdrs, RemoteUhyperMsg *m);
bool_t remote_xdr_string_msg(XDR *xdrs, RemoteStringMsg *m);
bool_t remote_xdr_opt_string_msg(XDR *xdrs, RemoteOptStringMsg *m);
bool_t remote_xdr_string_flags_args(XDR *xdrs, RemoteStringFlagsArgs *a);
bool_t remote_xdr_uuid_args(XDR *xdrs, RemoteUuidArgs *a);
bool_t remote_xdr_auth_list_ret(XDR *xdrs, RemoteAuthListRet *r);
bool_t remote_xdr_node_info_ret(XDR *xdrs, RemoteNodeInfoRet *r);
bool_t remote_xdr_domain_caps_args(XDR *xdrs, RemoteDomainCapsArgs *a);
bool_t remote_xdr_list_all_args(XDR *xdrs, RemoteListAllArgs *a);
bool_t remote_xdr_list_args(XDR *xdrs, RemoteListArgs *a);
bool_t remote_xdr_id_list_ret(XDR *xdrs, RemoteIdListRet *r);
bool_t remote_xdr_name_list_ret(XDR *xdrs, RemoteNameListRet *r);
bool_t remote_xdr_domain_msg(XDR *xdrs, RemoteDomainMsg *m);
bool_t remote_xdr_domain_flags_args(XDR *xdrs, RemoteDomainFlagsArgs *a);
bool_t remote_xdr_domain_int_args(XDR *xdrs, RemoteDomainIntArgs *a);
bool_t remote_xdr_open_console_args(XDR *xdrs, RemoteOpenConsoleArgs *a);
bool_t remote_xdr_domain_list_ret(XDR *xdrs, RemoteDomainListRet *r);
bool_t remote_xdr_state_ret(XDR *xdrs, RemoteStateRet *r);
bool_t remote_xdr_domain_uint_flags_args(XDR *xdrs, RemoteDomainUintFlagsArgs *a);
bool_t remote_xdr_send_key_args(XDR *xdrs, RemoteSendKeyArgs *a);
bool_t remote_xdr_metadata_args(XDR *xdrs, RemoteMetadataArgs *a);
bool_t remote_xdr_domain_info_ret(XDR *xdrs, RemoteDomainInfoRet *r);
bool_t remote_xdr_network_msg(XDR *xdrs, RemoteNetworkMsg *m);
bool_t remote_xdr_network_flags_args(XDR *xdrs, RemoteNetworkFlagsArgs *a);
bool_t remote_xdr_network_int_args(XDR *xdrs, RemoteNetworkIntArgs *a);
bool_t remote_xdr_network_list_ret(XDR *xdrs, RemoteNetworkListRet *r);
bool_t remote_xdr_dhcp_leases_args(XDR *xdrs, RemoteDhcpLeasesArgs *a);
bool_t remote_xdr_dhcp_leases_ret(XDR *xdrs, RemoteDhcpLeasesRet *r);
bool_t remote_xdr_vol_ref(XDR *xdrs, RemoteVolRef *v);
bool_t remote_xdr_pool_msg(XDR *xdrs, RemotePoolMsg *m);
bool_t remote_xdr_pool_flags_args(XDR *xdrs, RemotePoolFlagsArgs *a);
bool_t remote_xdr_pool_int_args(XDR *xdrs, RemotePoolIntArgs *a);
bool_t remote_xdr_pool_string_args(XDR *xdrs, RemotePoolStringArgs *a);
bool_t remote_xdr_vol_create_args(XDR *xdrs, RemoteVolCreateArgs *a);
bool_t remote_xdr_vol_create_from_args(XDR *xdrs, RemoteVolCreateFromArgs *a);
bool_t remote_xdr_pool_list_all_args(XDR *xdrs, RemotePoolListAllArgs *a);
bool_t remote_xdr_pool_list_ret(XDR *xdrs, RemotePoolListRet *r);
bool_t remote_xdr_vol_list_ret(XDR *xdrs, RemoteVolListRet *r);
bool_t remote_xdr_pool_info_ret(XDR *xdrs, RemotePoolInfoRet *r);
bool_t remote_xdr_vol_msg(XDR *xdrs, RemoteVolMsg *m);
bool_t remote_xdr_vol_flags_args(XDR *xdrs, RemoteVolFlagsArgs *a);
bool_t remote_xdr_vol_uint_flags_args(XDR *xdrs, RemoteVolUintFlagsArgs *a);
bool_t remote_xdr_vol_uhyper_flags_args(XDR *xdrs, RemoteVolUhyperFlagsArgs *a);
bool_t remote_xdr_vol_stream_args(XDR *xdrs, RemoteVolStreamArgs *a);
bool_t remote_xdr_vol_info_ret(XDR *xdrs, RemoteVolInfoRet *r);
bool_t remote_xdr_pool_event_register_args(XDR *xdrs, RemotePoolEventRegisterArgs *a);
bool_t remote_xdr_domain_event_register_args(XDR *xdrs, RemoteDomainEventRegisterArgs *a);
bool_t remote_xdr_network_event_register_args(XDR *xdrs, RemoteNetworkEventRegisterArgs *a);
bool_t remote_xdr_domain_lifecycle_msg(XDR *xdrs, RemoteDomainLifecycleMsg *m);
bool_t remote_xdr_domain_reboot_msg(XDR *xdrs, RemoteDomainRebootMsg *m);
bool_t remote_xdr_network_lifecycle_msg(XDR *xdrs, RemoteNetworkLifecycleMsg *m);

/* UUID text (36 characters) <-> 16 bytes.  FALSE if @text is no UUID. */
gboolean remote_uuid_parse(const char *text, char out[REMOTE_UUID_BUFLEN]);
void remote_uuid_format(const char uuid[REMOTE_UUID_BUFLEN], char out[37]);

#endif
