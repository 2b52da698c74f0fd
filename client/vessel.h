/* vessel.h - libvessel, the public C client API of Vessel.
 *
 * libvessel talks to vesseld over its D-Bus API (peer-to-peer on the
 * daemon's own socket; the contract is data/dbus/org.vessel.*.xml).  All
 * calls are synchronous; events are delivered on the GMainContext that was
 * the thread-default one when vessel_connect_open() ran, so a program that
 * wants events runs a GMainLoop there.
 *
 * Errors are GErrors in the VESSEL_ERROR domain; the daemon's named D-Bus
 * errors map one-to-one onto #VesselErrorCode.
 *
 * Install: $(includedir)/vessel/vessel.h, pkg-config name "vessel". */
#ifndef VESSEL_VESSEL_H
#define VESSEL_VESSEL_H

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * VesselConnect:
 *
 * A connection to one vesseld (opaque, reference counted).
 */
typedef struct _VesselConnect VesselConnect;
/**
 * VesselDomain:
 *
 * A handle on one domain of a connection (opaque, reference counted).
 */
typedef struct _VesselDomain VesselDomain;
/**
 * VesselNetwork:
 *
 * A handle on one virtual network (opaque, reference counted).
 */
typedef struct _VesselNetwork VesselNetwork;

/* ------------------------------------------------------------ errors */

/**
 * VESSEL_ERROR:
 *
 * Error domain of libvessel.  Codes are #VesselErrorCode.
 */
#define VESSEL_ERROR (vessel_error_quark())
GQuark vessel_error_quark(void);

/**
 * VesselErrorCode:
 * @VESSEL_ERROR_FAILED: anything not listed below
 * @VESSEL_ERROR_NO_DOMAIN: no such domain (org.vessel.Error.NoDomain)
 * @VESSEL_ERROR_NO_NETWORK: no such network (org.vessel.Error.NoNetwork)
 * @VESSEL_ERROR_INVALID_XML: definition does not parse or validate
 * @VESSEL_ERROR_OPERATION_INVALID: not possible in the current state
 * @VESSEL_ERROR_ACCESS_DENIED: the caller may not do this
 * @VESSEL_ERROR_INVALID_ARG: bad argument
 * @VESSEL_ERROR_TIMEOUT: a waited-for change did not happen
 * @VESSEL_ERROR_INTERNAL: failure inside the daemon
 * @VESSEL_ERROR_NO_CONNECT: the daemon could not be reached
 * @VESSEL_ERROR_INVALID_URI: the URI is not one libvessel knows
 * @VESSEL_ERROR_NO_STORAGE_POOL: no such storage pool (org.vessel.Error.NoStoragePool)
 * @VESSEL_ERROR_NO_STORAGE_VOL: no such storage volume (org.vessel.Error.NoStorageVol)
 * @VESSEL_ERROR_LAST: number of codes
 */
typedef enum {
    VESSEL_ERROR_FAILED,
    VESSEL_ERROR_NO_DOMAIN,
    VESSEL_ERROR_NO_NETWORK,
    VESSEL_ERROR_INVALID_XML,
    VESSEL_ERROR_OPERATION_INVALID,
    VESSEL_ERROR_ACCESS_DENIED,
    VESSEL_ERROR_INVALID_ARG,
    VESSEL_ERROR_TIMEOUT,
    VESSEL_ERROR_INTERNAL,
    VESSEL_ERROR_NO_CONNECT,
    VESSEL_ERROR_INVALID_URI,
    VESSEL_ERROR_NO_STORAGE_POOL,
    VESSEL_ERROR_NO_STORAGE_VOL,
    VESSEL_ERROR_LAST
} VesselErrorCode;

/* ------------------------------------------------------------ states */

/**
 * VesselDomainState:
 *
 * Domain states, numbered as libvirt's virDomainState.
 */
typedef enum {
    VESSEL_DOMAIN_NOSTATE,
    VESSEL_DOMAIN_RUNNING,
    VESSEL_DOMAIN_BLOCKED,
    VESSEL_DOMAIN_PAUSED,
    VESSEL_DOMAIN_SHUTDOWN,
    VESSEL_DOMAIN_SHUTOFF,
    VESSEL_DOMAIN_CRASHED,
    VESSEL_DOMAIN_PMSUSPENDED,
    VESSEL_DOMAIN_STATE_LAST
} VesselDomainState;

/**
 * VesselDomainEventType:
 *
 * Lifecycle events, numbered as libvirt's virDomainEventType.
 */
typedef enum {
    VESSEL_DOMAIN_EVENT_DEFINED,
    VESSEL_DOMAIN_EVENT_UNDEFINED,
    VESSEL_DOMAIN_EVENT_STARTED,
    VESSEL_DOMAIN_EVENT_SUSPENDED,
    VESSEL_DOMAIN_EVENT_RESUMED,
    VESSEL_DOMAIN_EVENT_STOPPED,
    VESSEL_DOMAIN_EVENT_SHUTDOWN,
    VESSEL_DOMAIN_EVENT_LAST
} VesselDomainEventType;

/**
 * VesselNetworkEventType:
 *
 * Network lifecycle events (virNetworkEventLifecycleType).
 */
typedef enum {
    VESSEL_NETWORK_EVENT_DEFINED,
    VESSEL_NETWORK_EVENT_UNDEFINED,
    VESSEL_NETWORK_EVENT_STARTED,
    VESSEL_NETWORK_EVENT_STOPPED,
    VESSEL_NETWORK_EVENT_LAST
} VesselNetworkEventType;

/* English (translated) names: "running", "shut off", ...; "unknown"
 * for out-of-range values. */
const char *vessel_domain_state_to_string(int state);
/* Reason name for a state, e.g. (SHUTOFF, 2) -> "destroyed". */
const char *vessel_domain_reason_to_string(int state, int reason);
/* Event and detail names, as virsh event prints them ("Started", "Booted"). */
const char *vessel_domain_event_to_string(int event);
const char *vessel_domain_event_detail_to_string(int event, int detail);
const char *vessel_network_event_to_string(int event);

/* ------------------------------------------------------------ connection */

/**
 * VesselConnectFlags:
 * @VESSEL_CONNECT_DEFAULT: read-write, spawn a session daemon if needed
 * @VESSEL_CONNECT_RO: use the read-only socket
 * @VESSEL_CONNECT_NO_SPAWN: never start a session daemon
 */
typedef enum {
    VESSEL_CONNECT_DEFAULT = 0,
    VESSEL_CONNECT_RO = 1 << 0,
    VESSEL_CONNECT_NO_SPAWN = 1 << 1,
} VesselConnectFlags;

/**
 * vessel_connect_open:
 * @uri: (nullable): "vessel:///system", "vessel:///session",
 *   "vessel+unix:///PATH/TO/SOCK", or %NULL for $VESSEL_DEFAULT_URI, else
 *   system for root and session for everyone else
 * @flags: #VesselConnectFlags
 * @error: return location for a #GError
 *
 * Connect to a daemon.  For the session URI a per-user vesseld is started
 * if nothing listens on its socket (from $VESSEL_DAEMON, next to the
 * program, on PATH, or the installed path), its output appended to
 * $XDG_STATE_HOME/vessel/vesseld.log, and waited for until it answers or
 * exits (the error then quotes its last line and names the log).
 *
 * Returns: (transfer full): the connection, or %NULL with @error set:
 *   %VESSEL_ERROR_ACCESS_DENIED when the socket refuses us (its mode and
 *   group), %VESSEL_ERROR_NO_CONNECT when nothing answers on it,
 *   %VESSEL_ERROR_INVALID_URI for an unknown URI.
 */
VesselConnect *vessel_connect_open(const char *uri, VesselConnectFlags flags, GError **error);
/**
 * vessel_uri_resolve:
 * @uri: (nullable): a URI as for vessel_connect_open()
 * @flags: #VesselConnectFlags (%VESSEL_CONNECT_RO picks the read-only socket)
 * @canonical: (out) (optional): the URI @uri stands for
 * @socket: (out) (optional): the socket vessel_connect_open() would use
 * @error: return location for a #GError (%VESSEL_ERROR_INVALID_URI)
 *
 * What a connection to @uri would be, without connecting: for clients
 * that explain a failed vessel_connect_open().
 *
 * Returns: %TRUE, or %FALSE with @error set.
 */
gboolean vessel_uri_resolve(const char *uri, VesselConnectFlags flags, char **canonical,
                            char **socket, GError **error);
/**
 * vessel_connect_ref:
 * @conn: a connection
 *
 * Returns: (transfer full): @conn, with one more reference.
 */
VesselConnect *vessel_connect_ref(VesselConnect *conn);
/**
 * vessel_connect_unref:
 * @conn: (nullable): a connection
 *
 * Drops a reference; the last one closes the connection.  Domain and
 * network handles keep their connection alive.
 */
void vessel_connect_unref(VesselConnect *conn);
/* The canonical URI of the connection. */
const char *vessel_connect_get_uri(VesselConnect *conn);
/* The socket path actually used. */
const char *vessel_connect_get_socket(VesselConnect *conn);
gboolean vessel_connect_is_read_only(VesselConnect *conn);
/* TRUE until the daemon goes away. */
gboolean vessel_connect_is_alive(VesselConnect *conn);

/* Capabilities XML (<capabilities> with <accelerator> elements). */
char *vessel_connect_get_capabilities(VesselConnect *conn, GError **error);

/**
 * VesselNodeInfo:
 *
 * Host facts, as libvirt's virNodeInfo.
 */
typedef struct {
    char model[32];
    guint64 memory_kib;
    guint cpus;
    guint mhz;
    guint nodes;
    guint sockets;
    guint cores;
    guint threads;
} VesselNodeInfo;

gboolean vessel_connect_get_node_info(VesselConnect *conn, VesselNodeInfo *info, GError **error);
/* Daemon version, hypervisor name and its version (each may be NULL). */
gboolean vessel_connect_get_version(VesselConnect *conn, char **daemon_version,
                                    char **hypervisor, char **hypervisor_version,
                                    GError **error);
char *vessel_connect_get_hostname(VesselConnect *conn, GError **error);
/* "system" or "session". */
char *vessel_connect_get_mode(VesselConnect *conn, GError **error);

/* ------------------------------------------------------------ domains */

/**
 * VesselListFlags:
 * @VESSEL_LIST_ALL: active and inactive
 * @VESSEL_LIST_ACTIVE: only active ones
 * @VESSEL_LIST_INACTIVE: only inactive ones
 */
typedef enum {
    VESSEL_LIST_ALL = 0,
    VESSEL_LIST_ACTIVE = 1,
    VESSEL_LIST_INACTIVE = 2,
} VesselListFlags;

/**
 * vessel_connect_list_domains:
 *
 * Returns: (transfer full) (element-type VesselDomain): domains sorted
 * by name, or %NULL with @error set.  The array frees its elements.
 */
GPtrArray *vessel_connect_list_domains(VesselConnect *conn, VesselListFlags flags, GError **error);

/**
 * VesselDomainRecord:
 * @domain: the handle
 * @id: the domain's id while active, else -1
 * @state: a #VesselDomainState
 * @reason: the state's reason (as vessel_domain_get_state())
 * @persistent: whether the domain has a persistent definition
 * @autostart: whether the daemon starts it on boot
 *
 * One domain of a listing with its state when the daemon listed it.
 */
typedef struct {
    VesselDomain *domain;
    int id;
    int state;
    int reason;
    gboolean persistent;
    gboolean autostart;
} VesselDomainRecord;

void vessel_domain_record_free(VesselDomainRecord *rec);
/**
 * vessel_connect_list_domain_records:
 *
 * Like vessel_connect_list_domains() with each domain's id, state,
 * persistence and autostart, all in one call to the daemon.
 *
 * Returns: (transfer full) (element-type VesselDomainRecord): records
 * sorted by name, or %NULL with @error set.  The array frees its elements.
 */
GPtrArray *vessel_connect_list_domain_records(VesselConnect *conn, VesselListFlags flags,
                                              GError **error);

/**
 * vessel_domain_lookup_by_name:
 * @conn: a connection
 * @name: the domain's name
 * @error: return location for a #GError (%VESSEL_ERROR_NO_DOMAIN if none)
 *
 * vessel_domain_lookup_by_uuid() takes the 8-4-4-4-12 or 32-hex form,
 * vessel_domain_lookup_by_id() the running id.
 *
 * Returns: (transfer full): a handle, or %NULL with @error set.
 */
VesselDomain *vessel_domain_lookup_by_name(VesselConnect *conn, const char *name, GError **error);
VesselDomain *vessel_domain_lookup_by_uuid(VesselConnect *conn, const char *uuid, GError **error);
VesselDomain *vessel_domain_lookup_by_id(VesselConnect *conn, int id, GError **error);
/**
 * vessel_domain_define_xml:
 * @conn: a connection
 * @xml: domain XML (libvirt-style)
 * @error: return location for a #GError (%VESSEL_ERROR_INVALID_XML, ...)
 *
 * Defines a persistent domain, or redefines one with the same name and
 * uuid.  The daemon emits a defined event.
 *
 * Returns: (transfer full): the domain, or %NULL with @error set.
 */
VesselDomain *vessel_domain_define_xml(VesselConnect *conn, const char *xml, GError **error);
/* Create and start a transient domain; flags 1 = start paused. */
VesselDomain *vessel_domain_create_xml(VesselConnect *conn, const char *xml, guint flags,
                                       GError **error);

VesselDomain *vessel_domain_ref(VesselDomain *dom);
void vessel_domain_unref(VesselDomain *dom);

/* Cached at lookup: never change for a given handle. */
const char *vessel_domain_get_name(VesselDomain *dom);
const char *vessel_domain_get_uuid(VesselDomain *dom);
const char *vessel_domain_get_path(VesselDomain *dom);
/* Live values, read from the daemon (-1 / FALSE with @error on failure). */
int vessel_domain_get_id(VesselDomain *dom, GError **error);
gboolean vessel_domain_get_autostart(VesselDomain *dom, gboolean *autostart, GError **error);
gboolean vessel_domain_is_persistent(VesselDomain *dom, gboolean *persistent, GError **error);
gboolean vessel_domain_is_active(VesselDomain *dom, gboolean *active, GError **error);

/**
 * VesselDomainInfo:
 *
 * Live facts about a domain (virDomainInfo plus the state reason).
 */
typedef struct {
    int state;
    int reason;
    guint vcpus;
    guint64 max_mem_kib;
    guint64 memory_kib;
    guint64 cpu_time_ns;
} VesselDomainInfo;

/**
 * vessel_domain_get_info:
 * @dom: a domain
 * @info: (out caller-allocates): filled on success
 * @error: return location for a #GError
 *
 * The lifecycle calls below (start, shutdown, destroy, reboot, reset,
 * suspend, resume, undefine, set_autostart) all return %TRUE on success or %FALSE
 * with @error set, typically %VESSEL_ERROR_OPERATION_INVALID when the
 * domain is not in a state that allows it, %VESSEL_ERROR_ACCESS_DENIED on
 * a read-only connection.  start waits until the VMM answers; shutdown
 * with a timeout waits for the guest to power off.
 *
 * Returns: %TRUE on success.
 */
gboolean vessel_domain_get_info(VesselDomain *dom, VesselDomainInfo *info, GError **error);
gboolean vessel_domain_get_state(VesselDomain *dom, int *state, int *reason, GError **error);
gboolean vessel_domain_start(VesselDomain *dom, guint flags, GError **error);
/* timeout 0: return after the button press; else wait up to @timeout
 * seconds (flags bit 1 destroys on timeout). */
gboolean vessel_domain_shutdown(VesselDomain *dom, guint flags, guint timeout, GError **error);
gboolean vessel_domain_destroy(VesselDomain *dom, guint flags, GError **error);
/* reboot: the ACPI power button; the guest's power-off that follows
 * resets the machine (a clean reboot, as libvirt's QEMU driver does it).
 * reset: a hard reset, the guest is not asked. */
gboolean vessel_domain_reboot(VesselDomain *dom, guint flags, GError **error);
gboolean vessel_domain_reset(VesselDomain *dom, guint flags, GError **error);
gboolean vessel_domain_suspend(VesselDomain *dom, GError **error);
gboolean vessel_domain_resume(VesselDomain *dom, GError **error);
gboolean vessel_domain_undefine(VesselDomain *dom, guint flags, GError **error);
gboolean vessel_domain_set_autostart(VesselDomain *dom, gboolean autostart, GError **error);
/* flags: 0 live (when running), 2 persistent definition. */
char *vessel_domain_get_xml_desc(VesselDomain *dom, guint flags, GError **error);
/**
 * vessel_domain_open_console:
 * @flags: 2 (force) takes the console from another client
 *
 * Returns: a connected UNIX stream socket (caller closes it), or -1.
 */
int vessel_domain_open_console(VesselDomain *dom, guint flags, GError **error);
/**
 * vessel_domain_open_console_device:
 * @dev_name: libvirt's device name: "serial0" the serial port, "console1"
 *   the virtio console ("console0" if the domain has no serial port), or
 *   NULL/"" for the primary console (as vessel_domain_open_console)
 * @flags: 2 (force) takes that console from another client
 *
 * Returns: a connected UNIX stream socket (caller closes it), or -1.
 */
int vessel_domain_open_console_device(VesselDomain *dom, const char *dev_name, guint flags,
                                      GError **error);
/**
 * vessel_domain_screenshot:
 * @mime: (out) (optional): the image type ("image/png")
 *
 * The screen of a running domain with a display (virDomainScreenshot).
 * Returns: the image, or NULL.
 */
GBytes *vessel_domain_screenshot(VesselDomain *dom, char **mime, GError **error);
/**
 * vessel_domain_send_key:
 * @codeset: libvirt's virKeycodeSet: 0 linux, 1 xt, 2 atset1, 3 atset2, 9 qnum
 * @holdtime: ms the keys stay pressed (0: 100)
 *
 * Press @keycodes together, hold, release (virDomainSendKey).
 */
gboolean vessel_domain_send_key(VesselDomain *dom, guint codeset, guint holdtime,
                                const guint *keycodes, guint n_keycodes, GError **error);
/**
 * vessel_domain_open_graphics_fd:
 *
 * A socket connected to the domain's VNC server (virDomainOpenGraphicsFD).
 * Returns: the fd (caller closes it), or -1.
 */
int vessel_domain_open_graphics_fd(VesselDomain *dom, GError **error);

/* ------------------------------------------------------------ networks */

/**
 * vessel_connect_list_networks:
 * @conn: a connection
 * @flags: which networks
 * @error: return location for a #GError
 *
 * Networks work like domains: lookup by name or uuid, define (persistent)
 * or create (transient, started), then create/destroy to start and stop,
 * undefine, autostart, XML (flags 1 = inactive definition) and the DHCP
 * leases of dnsmasq.  Errors use %VESSEL_ERROR_NO_NETWORK for unknown
 * networks.
 *
 * Returns: (transfer full) (element-type VesselNetwork): networks sorted
 * by name, or %NULL with @error set.
 */
GPtrArray *vessel_connect_list_networks(VesselConnect *conn, VesselListFlags flags, GError **error);

/**
 * VesselNetworkRecord:
 * @network: the handle
 * @active: whether the network is started
 * @persistent: whether it has a persistent definition
 * @autostart: whether the daemon starts it on boot
 * @bridge: its bridge device ("" if none yet)
 *
 * One network of a listing with its state when the daemon listed it.
 */
typedef struct {
    VesselNetwork *network;
    gboolean active;
    gboolean persistent;
    gboolean autostart;
    char *bridge;
} VesselNetworkRecord;

void vessel_network_record_free(VesselNetworkRecord *rec);
/* (element-type VesselNetworkRecord): like vessel_connect_list_networks()
 * with each network's state, in one call to the daemon. */
GPtrArray *vessel_connect_list_network_records(VesselConnect *conn, VesselListFlags flags,
                                               GError **error);
VesselNetwork *vessel_network_lookup_by_name(VesselConnect *conn, const char *name, GError **error);
VesselNetwork *vessel_network_lookup_by_uuid(VesselConnect *conn, const char *uuid, GError **error);
VesselNetwork *vessel_network_define_xml(VesselConnect *conn, const char *xml, GError **error);
VesselNetwork *vessel_network_create_xml(VesselConnect *conn, const char *xml, GError **error);
VesselNetwork *vessel_network_ref(VesselNetwork *net);
void vessel_network_unref(VesselNetwork *net);
const char *vessel_network_get_name(VesselNetwork *net);
const char *vessel_network_get_uuid(VesselNetwork *net);
gboolean vessel_network_is_active(VesselNetwork *net, gboolean *active, GError **error);
gboolean vessel_network_is_persistent(VesselNetwork *net, gboolean *persistent, GError **error);
gboolean vessel_network_get_autostart(VesselNetwork *net, gboolean *autostart, GError **error);
char *vessel_network_get_bridge_name(VesselNetwork *net, GError **error);
gboolean vessel_network_create(VesselNetwork *net, GError **error);
gboolean vessel_network_destroy(VesselNetwork *net, GError **error);
gboolean vessel_network_undefine(VesselNetwork *net, GError **error);
gboolean vessel_network_set_autostart(VesselNetwork *net, gboolean autostart, GError **error);
char *vessel_network_get_xml_desc(VesselNetwork *net, guint flags, GError **error);

/**
 * VesselDHCPLease:
 *
 * One DHCP lease of a network (virNetworkDHCPLease).
 */
typedef struct {
    gint64 expiry_time;
    char *mac;
    int type;          /* 0 ipv4, 1 ipv6 */
    char *ipaddr;
    guint prefix;
    char *hostname;
    char *client_id;
} VesselDHCPLease;

void vessel_dhcp_lease_free(VesselDHCPLease *lease);
/* (element-type VesselDHCPLease): leases, only @mac's if not NULL. */
GPtrArray *vessel_network_get_dhcp_leases(VesselNetwork *net, const char *mac, GError **error);

/**
 * vessel_domain_get_block_info:
 * @dom: a domain
 * @target: the disk's target device ("vda")
 * @capacity: (out): virtual size in bytes
 * @allocation: (out): bytes the image file occupies
 * @physical: (out): size of the image file
 * @error: return location for a #GError
 *
 * What the image of one disk says about itself (virDomainGetBlockInfo).
 */
gboolean vessel_domain_get_block_info(VesselDomain *dom, const char *target, guint64 *capacity,
                                      guint64 *allocation, guint64 *physical, GError **error);

/**
 * vessel_domain_snapshot_create_disk_only:
 * @dom: a domain
 * @name: the snapshot's name
 * @flags: 4 = no metadata (virDomainSnapshotCreateFlags; DISK_ONLY implied)
 * @error: return location for a #GError
 *
 * An external disk-only snapshot: every disk continues on a new qcow2
 * overlay whose backing file is its image until now (live on a running
 * domain).
 */
gboolean vessel_domain_snapshot_create_disk_only(VesselDomain *dom, const char *name, guint flags,
                                                 GError **error);

/**
 * vessel_domain_block_commit:
 * @dom: a domain
 * @disk: the disk's target (vda) or source path
 * @base: (nullable): the backing file to commit into (NULL: the deepest;
 *   with SHALLOW the one below the top)
 * @top: (nullable): NULL or the active layer
 * @flags: virDomainBlockCommitFlags: 1 SHALLOW, 2 DELETE, 4 ACTIVE
 * @error: return location for a #GError
 *
 * Merge the disk's layers above @base into it and continue on it (an
 * active commit and its pivot in one step).
 */
gboolean vessel_domain_block_commit(VesselDomain *dom, const char *disk, const char *base,
                                    const char *top, guint flags, GError **error);

/* ------------------------------------------------------------ storage */

/**
 * VesselStoragePool:
 *
 * A handle on a storage pool (libvirt's <pool type='dir'>: a directory
 * whose files are its volumes).  Pools work like networks: lookup by name
 * or uuid, define (persistent) or create (transient, started), build
 * (make the directory), create/destroy to start and stop, delete (remove
 * the directory), undefine, autostart, XML (flags 1 = inactive).  Errors
 * use %VESSEL_ERROR_NO_STORAGE_POOL for unknown pools.
 *
 * Volumes are named by their pool and file name (a volume is not an
 * object of its own); %VESSEL_ERROR_NO_STORAGE_VOL for unknown ones.
 */
typedef struct _VesselStoragePool VesselStoragePool;

/**
 * VesselStoragePoolRecord:
 * @pool: the handle
 * @active: whether the pool is started
 * @persistent: whether it has a persistent definition
 * @autostart: whether the daemon starts it on boot
 *
 * One pool of a listing with its state when the daemon listed it.
 */
typedef struct {
    VesselStoragePool *pool;
    gboolean active;
    gboolean persistent;
    gboolean autostart;
} VesselStoragePoolRecord;

/**
 * VesselStoragePoolInfo:
 * @state: virStoragePoolState (0 inactive, 2 running, 4 inaccessible)
 * @capacity: bytes of the file system holding the pool
 * @allocation: bytes used on it
 * @available: bytes free for the pool
 */
typedef struct {
    guint state;
    guint64 capacity;
    guint64 allocation;
    guint64 available;
} VesselStoragePoolInfo;

/**
 * VesselStorageVol:
 * @name: file name within the pool
 * @path: absolute path (libvirt's key and path)
 * @type: virStorageVolType (0 file)
 * @capacity: virtual size in bytes
 * @allocation: bytes the file occupies
 * @format: "raw" or "qcow2"
 *
 * One volume as the daemon saw it.
 */
typedef struct {
    char *name;
    char *path;
    int type;
    guint64 capacity;
    guint64 allocation;
    char *format;
} VesselStorageVol;

void vessel_storage_pool_record_free(VesselStoragePoolRecord *rec);
void vessel_storage_vol_free(VesselStorageVol *vol);
/* (element-type VesselStoragePoolRecord), sorted by name. */
GPtrArray *vessel_connect_list_storage_pool_records(VesselConnect *conn, VesselListFlags flags,
                                                    GError **error);
VesselStoragePool *vessel_storage_pool_lookup_by_name(VesselConnect *conn, const char *name,
                                                      GError **error);
VesselStoragePool *vessel_storage_pool_lookup_by_uuid(VesselConnect *conn, const char *uuid,
                                                      GError **error);
VesselStoragePool *vessel_storage_pool_define_xml(VesselConnect *conn, const char *xml,
                                                  GError **error);
VesselStoragePool *vessel_storage_pool_create_xml(VesselConnect *conn, const char *xml,
                                                  GError **error);
/* The pool holding the volume file @path, and the volume's name there. */
VesselStoragePool *vessel_storage_vol_lookup_by_path(VesselConnect *conn, const char *path,
                                                     char **name, GError **error);
VesselStoragePool *vessel_storage_pool_ref(VesselStoragePool *pool);
void vessel_storage_pool_unref(VesselStoragePool *pool);
const char *vessel_storage_pool_get_name(VesselStoragePool *pool);
const char *vessel_storage_pool_get_uuid(VesselStoragePool *pool);
gboolean vessel_storage_pool_is_active(VesselStoragePool *pool, gboolean *active, GError **error);
gboolean vessel_storage_pool_is_persistent(VesselStoragePool *pool, gboolean *persistent,
                                           GError **error);
gboolean vessel_storage_pool_get_autostart(VesselStoragePool *pool, gboolean *autostart,
                                           GError **error);
gboolean vessel_storage_pool_build(VesselStoragePool *pool, guint flags, GError **error);
gboolean vessel_storage_pool_create(VesselStoragePool *pool, guint flags, GError **error);
gboolean vessel_storage_pool_destroy(VesselStoragePool *pool, GError **error);
gboolean vessel_storage_pool_delete(VesselStoragePool *pool, guint flags, GError **error);
gboolean vessel_storage_pool_undefine(VesselStoragePool *pool, GError **error);
gboolean vessel_storage_pool_refresh(VesselStoragePool *pool, guint flags, GError **error);
gboolean vessel_storage_pool_set_autostart(VesselStoragePool *pool, gboolean autostart,
                                           GError **error);
char *vessel_storage_pool_get_xml_desc(VesselStoragePool *pool, guint flags, GError **error);
gboolean vessel_storage_pool_get_info(VesselStoragePool *pool, VesselStoragePoolInfo *info,
                                      GError **error);
/* (element-type VesselStorageVol), sorted by name. */
GPtrArray *vessel_storage_pool_list_volumes(VesselStoragePool *pool, GError **error);
/* A volume from <volume> XML (flags 1: preallocate qcow2 metadata);
 * returns its name. */
char *vessel_storage_pool_create_volume(VesselStoragePool *pool, const char *xml, guint flags,
                                        GError **error);
/* A volume (@xml) holding a copy of volume @src_name of @src_pool. */
char *vessel_storage_pool_create_volume_from(VesselStoragePool *pool, const char *xml,
                                             VesselStoragePool *src_pool, const char *src_name,
                                             guint flags, GError **error);
char *vessel_storage_pool_get_volume_xml_desc(VesselStoragePool *pool, const char *name,
                                              guint flags, GError **error);
VesselStorageVol *vessel_storage_pool_get_volume_info(VesselStoragePool *pool, const char *name,
                                                      GError **error);
/* flags: 1 ALLOCATE, 2 DELTA, 4 SHRINK (virStorageVolResizeFlags) */
gboolean vessel_storage_pool_resize_volume(VesselStoragePool *pool, const char *name,
                                           guint64 capacity, guint flags, GError **error);
gboolean vessel_storage_pool_wipe_volume(VesselStoragePool *pool, const char *name,
                                         guint algorithm, GError **error);
gboolean vessel_storage_pool_delete_volume(VesselStoragePool *pool, const char *name,
                                           guint flags, GError **error);
/* A socket streaming the volume file's bytes (data model in
 * org.vessel.StoragePool1.xml): upload writes into it, download reads
 * from it.  Returns the fd (close it when done) or -1. */
int vessel_storage_pool_upload_volume(VesselStoragePool *pool, const char *name, guint64 offset,
                                      guint64 length, guint flags, GError **error);
int vessel_storage_pool_download_volume(VesselStoragePool *pool, const char *name,
                                        guint64 offset, guint64 length, guint flags,
                                        GError **error);

/* ------------------------------------------------------------ events */

typedef void (*VesselDomainEventFunc)(VesselConnect *conn, const char *name, const char *uuid,
                                      int event, int detail, gpointer user_data);
/* A running domain's guest reset the machine and boots again in the same
 * VMM (the domain stays running: no lifecycle event comes with it). */
typedef void (*VesselDomainRebootFunc)(VesselConnect *conn, const char *name, const char *uuid,
                                       gpointer user_data);
typedef void (*VesselNetworkEventFunc)(VesselConnect *conn, const char *name, const char *uuid,
                                       int event, gpointer user_data);
/* Invoked once when the daemon goes away. */
typedef void (*VesselCloseFunc)(VesselConnect *conn, gpointer user_data);

/**
 * vessel_connect_domain_event_add:
 * @conn: a connection
 * @func: called for every lifecycle event of every domain
 * @user_data: passed to @func
 * @notify: (nullable): frees @user_data when the handler is removed
 *
 * Handlers run in the #GMainContext that was thread-default when @conn was
 * opened; run a #GMainLoop there to receive them.  The reboot, network and
 * close variants work the same way.
 *
 * Returns: an id > 0 for vessel_connect_event_remove().
 */
guint vessel_connect_domain_event_add(VesselConnect *conn, VesselDomainEventFunc func,
                                      gpointer user_data, GDestroyNotify notify);
guint vessel_connect_domain_reboot_add(VesselConnect *conn, VesselDomainRebootFunc func,
                                       gpointer user_data, GDestroyNotify notify);
guint vessel_connect_network_event_add(VesselConnect *conn, VesselNetworkEventFunc func,
                                       gpointer user_data, GDestroyNotify notify);
guint vessel_connect_close_event_add(VesselConnect *conn, VesselCloseFunc func,
                                     gpointer user_data, GDestroyNotify notify);
void vessel_connect_event_remove(VesselConnect *conn, guint id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselConnect, vessel_connect_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselDomain, vessel_domain_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselNetwork, vessel_network_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselDHCPLease, vessel_dhcp_lease_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselDomainRecord, vessel_domain_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselNetworkRecord, vessel_network_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselStoragePool, vessel_storage_pool_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselStoragePoolRecord, vessel_storage_pool_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VesselStorageVol, vessel_storage_vol_free)

G_END_DECLS

#endif
