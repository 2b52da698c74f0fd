/* remote_procs.h - the remote procedures vesseld answers, in one table.
 *
 * Each RemoteProc names its procedure number (remote_protocol.h), the
 * libvirt API it serves (for messages), the XDR filters and sizes of its
 * arguments and result, its handler and how it may run:
 *
 *   WRITE     changes something: daemon_auth_check_peer() first, refused
 *             on read-only connections with libvirt's "operation
 *             forbidden: read only access prevents virXxx"
 *   BLOCKING  may wait (a VMM, a bridge, dnsmasq): runs on the transport's
 *             thread pool; everything else runs on the main loop, and may
 *             use the client's main-loop state (events, streams)
 *   UNOPENED  allowed before CONNECT_OPEN (auth list, open, features)
 *
 * A number missing from the table, or listed without a handler (calls
 * clients are known to try that Vessel has nothing for), is answered
 * VIR_ERR_NO_SUPPORT - by API name when it is listed.
 * Handlers call the daemon's driver functions - the same the D-Bus
 * methods call - and fill the result with malloc'd memory, which the
 * dispatcher frees with xdr_free() after encoding it. */
#ifndef VESSEL_REMOTE_PROCS_H
#define VESSEL_REMOTE_PROCS_H

#include "daemon.h"
#include "remote_protocol.h"

typedef struct RemoteClient RemoteClient;
typedef struct RemoteProc RemoteProc;

enum {
    REMOTE_PROC_F_WRITE = 1 << 0,
    REMOTE_PROC_F_BLOCKING = 1 << 1,
    REMOTE_PROC_F_UNOPENED = 1 << 2,
};

typedef struct {
    Daemon *daemon;
    RemoteClient *client;
    const RemoteProc *proc;
    guint32 serial;
    /* set by a handler; the dispatcher acts on them with the reply: */
    int stream_fd;           /* relay this fd as the call's stream */
    gboolean stream_upload;  /* ... only towards it, a status byte ends it */
    GBytes *stream_bytes;    /* send these as the call's stream, then EOF */
    int reply_fd;            /* pass this fd with the reply (REPLY_WITH_FDS) */
} RemoteCall;

typedef gboolean (*RemoteProcFunc)(RemoteCall *call, void *args, void *ret, GError **error);

struct RemoteProc {
    gint32 number;
    const char *api;
    xdrproc_t args_filter;
    gsize args_size;
    xdrproc_t ret_filter;
    gsize ret_size;
    RemoteProcFunc func;
    guint flags;
    int from;                /* virErrorDomain of its errors */
};

/* The entry for @number, or NULL. */
const RemoteProc *remote_proc_find(gint32 number);
/* The whole table (sorted by number), for tests. */
const RemoteProc *remote_proc_table(gsize *n);

/* ------------------------------------------------------------ handlers */

/* procs_connect.c */
gboolean remote_connect_open(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_close(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_get_type(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_get_version(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_get_lib_version(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_get_hostname(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_get_uri(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_get_max_vcpus(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_is_secure(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_supports_feature(RemoteCall *call, void *args, void *ret,
                                         GError **error);
gboolean remote_connect_auth_list(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_get_capabilities(RemoteCall *call, void *args, void *ret,
                                         GError **error);
gboolean remote_connect_get_domain_capabilities(RemoteCall *call, void *args, void *ret,
                                                GError **error);
gboolean remote_node_get_info(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_node_get_free_memory(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_close_callback(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_domain_event_register(RemoteCall *call, void *args, void *ret,
                                              GError **error);
gboolean remote_connect_network_event_register(RemoteCall *call, void *args, void *ret,
                                               GError **error);
gboolean remote_connect_event_deregister(RemoteCall *call, void *args, void *ret,
                                         GError **error);

/* procs_domain.c */
gboolean remote_connect_list_all_domains(RemoteCall *call, void *args, void *ret,
                                         GError **error);
gboolean remote_connect_num_of_domains(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_list_domains(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_num_of_defined_domains(RemoteCall *call, void *args, void *ret,
                                               GError **error);
gboolean remote_connect_list_defined_domains(RemoteCall *call, void *args, void *ret,
                                             GError **error);
gboolean remote_domain_lookup_by_id(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_lookup_by_name(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_lookup_by_uuid(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_define_xml(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_define_xml_flags(RemoteCall *call, void *args, void *ret,
                                        GError **error);
gboolean remote_domain_create_xml(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_create(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_create_with_flags(RemoteCall *call, void *args, void *ret,
                                         GError **error);
gboolean remote_domain_destroy(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_destroy_flags(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_shutdown(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_shutdown_flags(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_reboot(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_reset(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_suspend(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_resume(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_undefine(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_undefine_flags(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_xml_desc(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_autostart(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_set_autostart(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_info(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_state(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_os_type(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_max_memory(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_max_vcpus(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_vcpus_flags(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_is_active(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_is_persistent(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_is_updated(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_has_managed_save_image(RemoteCall *call, void *args, void *ret,
                                              GError **error);
gboolean remote_domain_open_console(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_get_metadata(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_screenshot(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_send_key(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_domain_open_graphics_fd(RemoteCall *call, void *args, void *ret,
                                        GError **error);

/* procs_network.c */
gboolean remote_connect_list_all_networks(RemoteCall *call, void *args, void *ret,
                                          GError **error);
gboolean remote_connect_num_of_networks(RemoteCall *call, void *args, void *ret,
                                        GError **error);
gboolean remote_connect_list_networks(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_num_of_defined_networks(RemoteCall *call, void *args, void *ret,
                                                GError **error);
gboolean remote_connect_list_defined_networks(RemoteCall *call, void *args, void *ret,
                                              GError **error);
gboolean remote_network_lookup_by_name(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_lookup_by_uuid(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_define_xml(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_create_xml(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_create(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_destroy(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_undefine(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_get_xml_desc(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_get_autostart(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_set_autostart(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_get_bridge_name(RemoteCall *call, void *args, void *ret,
                                        GError **error);
gboolean remote_network_is_active(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_is_persistent(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_network_get_dhcp_leases(RemoteCall *call, void *args, void *ret,
                                        GError **error);

/* procs_storage.c */
gboolean remote_connect_list_all_storage_pools(RemoteCall *call, void *args, void *ret,
                                               GError **error);
gboolean remote_connect_num_of_storage_pools(RemoteCall *call, void *args, void *ret,
                                             GError **error);
gboolean remote_connect_num_of_defined_storage_pools(RemoteCall *call, void *args, void *ret,
                                                     GError **error);
gboolean remote_connect_list_storage_pools(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_list_defined_storage_pools(RemoteCall *call, void *args, void *ret,
                                                   GError **error);
gboolean remote_storage_pool_lookup_by_name(RemoteCall *call, void *args, void *ret,
                                            GError **error);
gboolean remote_storage_pool_lookup_by_uuid(RemoteCall *call, void *args, void *ret,
                                            GError **error);
gboolean remote_storage_pool_lookup_by_volume(RemoteCall *call, void *args, void *ret,
                                              GError **error);
gboolean remote_storage_pool_define_xml(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_create_xml(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_create(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_build(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_destroy(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_delete(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_undefine(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_refresh(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_set_autostart(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_get_xml_desc(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_get_info(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_get_autostart(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_is_active(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_is_persistent(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_num_of_volumes(RemoteCall *call, void *args, void *ret,
                                            GError **error);
gboolean remote_storage_pool_list_volumes(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_pool_list_all_volumes(RemoteCall *call, void *args, void *ret,
                                              GError **error);
gboolean remote_storage_vol_lookup_by_name(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_lookup_by_path(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_create_xml(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_create_xml_from(RemoteCall *call, void *args, void *ret,
                                            GError **error);
gboolean remote_storage_vol_delete(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_wipe(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_wipe_pattern(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_resize(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_get_info(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_get_info_flags(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_get_xml_desc(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_get_path(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_download(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_storage_vol_upload(RemoteCall *call, void *args, void *ret, GError **error);
gboolean remote_connect_storage_pool_event_register(RemoteCall *call, void *args, void *ret,
                                                    GError **error);

#endif
