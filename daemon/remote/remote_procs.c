/* remote_procs.c - THE table of remote procedures (remote_procs.h). */
#include "config.h"

#include <stdlib.h>

#include "remote_procs.h"

/* The XDR filter and C size of a shape; NONE for no arguments/result. */
#define SHAPE(type, filter) (xdrproc_t)(filter), sizeof(type)
#define NONE (xdrproc_t)remote_xdr_void, 0
#define DOM SHAPE(RemoteDomainMsg, remote_xdr_domain_msg)
#define DOM_FLAGS SHAPE(RemoteDomainFlagsArgs, remote_xdr_domain_flags_args)
#define DOM_INT SHAPE(RemoteDomainIntArgs, remote_xdr_domain_int_args)
#define DOM_UINT_FLAGS SHAPE(RemoteDomainUintFlagsArgs, remote_xdr_domain_uint_flags_args)
#define NET SHAPE(RemoteNetworkMsg, remote_xdr_network_msg)
#define NET_FLAGS SHAPE(RemoteNetworkFlagsArgs, remote_xdr_network_flags_args)
#define NET_INT SHAPE(RemoteNetworkIntArgs, remote_xdr_network_int_args)
#define INT SHAPE(RemoteIntMsg, remote_xdr_int_msg)
#define UHYPER SHAPE(RemoteUhyperMsg, remote_xdr_uhyper_msg)
#define STRING SHAPE(RemoteStringMsg, remote_xdr_string_msg)
#define OPT_STRING SHAPE(RemoteOptStringMsg, remote_xdr_opt_string_msg)
#define STRING_FLAGS SHAPE(RemoteStringFlagsArgs, remote_xdr_string_flags_args)
#define UUID SHAPE(RemoteUuidArgs, remote_xdr_uuid_args)
#define LIST_ALL SHAPE(RemoteListAllArgs, remote_xdr_list_all_args)
#define LIST SHAPE(RemoteListArgs, remote_xdr_list_args)
#define IDS SHAPE(RemoteIdListRet, remote_xdr_id_list_ret)
#define NAMES SHAPE(RemoteNameListRet, remote_xdr_name_list_ret)
#define POOL SHAPE(RemotePoolMsg, remote_xdr_pool_msg)
#define POOL_FLAGS SHAPE(RemotePoolFlagsArgs, remote_xdr_pool_flags_args)
#define POOL_INT SHAPE(RemotePoolIntArgs, remote_xdr_pool_int_args)
#define VOL SHAPE(RemoteVolMsg, remote_xdr_vol_msg)
#define VOL_FLAGS SHAPE(RemoteVolFlagsArgs, remote_xdr_vol_flags_args)
#define VOL_INFO SHAPE(RemoteVolInfoRet, remote_xdr_vol_info_ret)

#define W REMOTE_PROC_F_WRITE
#define B REMOTE_PROC_F_BLOCKING
#define U REMOTE_PROC_F_UNOPENED
#define C VIR_FROM_REMOTE
#define D VIR_FROM_DOMAIN
#define N VIR_FROM_NETWORK
#define S VIR_FROM_STORAGE

#define P(num, api, args, ret, func, flags, from) \
    { REMOTE_PROC_##num, api, args, ret, func, flags, from }
/* Known, tried by the clients, and answered VIR_ERR_NO_SUPPORT by name:
 * there is no such thing in Vessel (yet). */
#define UNSUPPORTED(num, api) \
    { REMOTE_PROC_##num, api, NONE, NONE, NULL, REMOTE_PROC_F_UNOPENED, C }

/* Sorted by number (test-remote-wire checks). */
static const RemoteProc procs[] = {
    P(CONNECT_OPEN, "virConnectOpen", SHAPE(RemoteOpenArgs, remote_xdr_open_args), NONE,
      remote_connect_open, U, C),
    P(CONNECT_CLOSE, "virConnectClose", NONE, NONE, remote_connect_close, U, C),
    P(CONNECT_GET_TYPE, "virConnectGetType", NONE, STRING, remote_connect_get_type, 0, C),
    P(CONNECT_GET_VERSION, "virConnectGetVersion", NONE, UHYPER, remote_connect_get_version,
      0, C),
    P(CONNECT_GET_MAX_VCPUS, "virConnectGetMaxVcpus", OPT_STRING, INT,
      remote_connect_get_max_vcpus, 0, C),
    P(NODE_GET_INFO, "virNodeGetInfo", NONE, SHAPE(RemoteNodeInfoRet, remote_xdr_node_info_ret),
      remote_node_get_info, B, C),
    P(CONNECT_GET_CAPABILITIES, "virConnectGetCapabilities", NONE, STRING,
      remote_connect_get_capabilities, B, C),
    P(DOMAIN_CREATE, "virDomainCreate", DOM, NONE, remote_domain_create, W | B, D),
    P(DOMAIN_CREATE_XML, "virDomainCreateXML", STRING_FLAGS, DOM, remote_domain_create_xml,
      W | B, D),
    P(DOMAIN_DEFINE_XML, "virDomainDefineXML", STRING, DOM, remote_domain_define_xml, W | B, D),
    P(DOMAIN_DESTROY, "virDomainDestroy", DOM, NONE, remote_domain_destroy, W | B, D),
    P(DOMAIN_GET_XML_DESC, "virDomainGetXMLDesc", DOM_FLAGS, STRING, remote_domain_get_xml_desc,
      0, D),
    P(DOMAIN_GET_AUTOSTART, "virDomainGetAutostart", DOM, INT, remote_domain_get_autostart, 0,
      D),
    P(DOMAIN_GET_INFO, "virDomainGetInfo", DOM,
      SHAPE(RemoteDomainInfoRet, remote_xdr_domain_info_ret), remote_domain_get_info, B, D),
    P(DOMAIN_GET_MAX_MEMORY, "virDomainGetMaxMemory", DOM, UHYPER,
      remote_domain_get_max_memory, 0, D),
    P(DOMAIN_GET_MAX_VCPUS, "virDomainGetMaxVcpus", DOM, INT, remote_domain_get_max_vcpus, 0,
      D),
    P(DOMAIN_GET_OS_TYPE, "virDomainGetOSType", DOM, STRING, remote_domain_get_os_type, 0, D),
    P(CONNECT_LIST_DEFINED_DOMAINS, "virConnectListDefinedDomains", LIST, NAMES,
      remote_connect_list_defined_domains, 0, C),
    P(DOMAIN_LOOKUP_BY_ID, "virDomainLookupByID", INT, DOM, remote_domain_lookup_by_id, 0, D),
    P(DOMAIN_LOOKUP_BY_NAME, "virDomainLookupByName", STRING, DOM,
      remote_domain_lookup_by_name, 0, D),
    P(DOMAIN_LOOKUP_BY_UUID, "virDomainLookupByUUID", UUID, DOM, remote_domain_lookup_by_uuid,
      0, D),
    P(CONNECT_NUM_OF_DEFINED_DOMAINS, "virConnectNumOfDefinedDomains", NONE, INT,
      remote_connect_num_of_defined_domains, 0, C),
    P(DOMAIN_REBOOT, "virDomainReboot", DOM_FLAGS, NONE, remote_domain_reboot, W | B, D),
    P(DOMAIN_RESUME, "virDomainResume", DOM, NONE, remote_domain_resume, W | B, D),
    P(DOMAIN_SET_AUTOSTART, "virDomainSetAutostart", DOM_INT, NONE, remote_domain_set_autostart,
      W | B, D),
    P(DOMAIN_SHUTDOWN, "virDomainShutdown", DOM, NONE, remote_domain_shutdown, W | B, D),
    P(DOMAIN_SUSPEND, "virDomainSuspend", DOM, NONE, remote_domain_suspend, W | B, D),
    P(DOMAIN_UNDEFINE, "virDomainUndefine", DOM, NONE, remote_domain_undefine, W | B, D),
    P(CONNECT_LIST_DEFINED_NETWORKS, "virConnectListDefinedNetworks", LIST, NAMES,
      remote_connect_list_defined_networks, 0, C),
    P(CONNECT_LIST_DOMAINS, "virConnectListDomains", LIST, IDS, remote_connect_list_domains, 0,
      C),
    P(CONNECT_LIST_NETWORKS, "virConnectListNetworks", LIST, NAMES,
      remote_connect_list_networks, 0, C),
    P(NETWORK_CREATE, "virNetworkCreate", NET, NONE, remote_network_create, W | B, N),
    P(NETWORK_CREATE_XML, "virNetworkCreateXML", STRING, NET, remote_network_create_xml, W | B,
      N),
    P(NETWORK_DEFINE_XML, "virNetworkDefineXML", STRING, NET, remote_network_define_xml, W | B,
      N),
    P(NETWORK_DESTROY, "virNetworkDestroy", NET, NONE, remote_network_destroy, W | B, N),
    P(NETWORK_GET_XML_DESC, "virNetworkGetXMLDesc", NET_FLAGS, STRING,
      remote_network_get_xml_desc, 0, N),
    P(NETWORK_GET_AUTOSTART, "virNetworkGetAutostart", NET, INT, remote_network_get_autostart,
      0, N),
    P(NETWORK_GET_BRIDGE_NAME, "virNetworkGetBridgeName", NET, STRING,
      remote_network_get_bridge_name, 0, N),
    P(NETWORK_LOOKUP_BY_NAME, "virNetworkLookupByName", STRING, NET,
      remote_network_lookup_by_name, 0, N),
    P(NETWORK_LOOKUP_BY_UUID, "virNetworkLookupByUUID", UUID, NET,
      remote_network_lookup_by_uuid, 0, N),
    P(NETWORK_SET_AUTOSTART, "virNetworkSetAutostart", NET_INT, NONE,
      remote_network_set_autostart, W | B, N),
    P(NETWORK_UNDEFINE, "virNetworkUndefine", NET, NONE, remote_network_undefine, W | B, N),
    P(CONNECT_NUM_OF_DEFINED_NETWORKS, "virConnectNumOfDefinedNetworks", NONE, INT,
      remote_connect_num_of_defined_networks, 0, C),
    P(CONNECT_NUM_OF_DOMAINS, "virConnectNumOfDomains", NONE, INT,
      remote_connect_num_of_domains, 0, C),
    P(CONNECT_NUM_OF_NETWORKS, "virConnectNumOfNetworks", NONE, INT,
      remote_connect_num_of_networks, 0, C),
    P(CONNECT_GET_HOSTNAME, "virConnectGetHostname", NONE, STRING, remote_connect_get_hostname,
      0, C),
    P(CONNECT_SUPPORTS_FEATURE, "virConnectSupportsFeature", INT, INT,
      remote_connect_supports_feature, U, C),
    P(AUTH_LIST, "virConnectAuthList", NONE, SHAPE(RemoteAuthListRet, remote_xdr_auth_list_ret),
      remote_connect_auth_list, U, C),
    P(CONNECT_NUM_OF_STORAGE_POOLS, "virConnectNumOfStoragePools", NONE, INT,
      remote_connect_num_of_storage_pools, 0, C),
    P(CONNECT_LIST_STORAGE_POOLS, "virConnectListStoragePools", LIST, NAMES,
      remote_connect_list_storage_pools, 0, C),
    P(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, "virConnectNumOfDefinedStoragePools", NONE, INT,
      remote_connect_num_of_defined_storage_pools, 0, C),
    P(CONNECT_LIST_DEFINED_STORAGE_POOLS, "virConnectListDefinedStoragePools", LIST, NAMES,
      remote_connect_list_defined_storage_pools, 0, C),
    UNSUPPORTED(CONNECT_FIND_STORAGE_POOL_SOURCES, "virConnectFindStoragePoolSources"),
    P(STORAGE_POOL_CREATE_XML, "virStoragePoolCreateXML", STRING_FLAGS, POOL,
      remote_storage_pool_create_xml, W | B, S),
    P(STORAGE_POOL_DEFINE_XML, "virStoragePoolDefineXML", STRING_FLAGS, POOL,
      remote_storage_pool_define_xml, W | B, S),
    P(STORAGE_POOL_CREATE, "virStoragePoolCreate", POOL_FLAGS, NONE, remote_storage_pool_create,
      W | B, S),
    P(STORAGE_POOL_BUILD, "virStoragePoolBuild", POOL_FLAGS, NONE, remote_storage_pool_build,
      W | B, S),
    P(STORAGE_POOL_DESTROY, "virStoragePoolDestroy", POOL, NONE, remote_storage_pool_destroy,
      W | B, S),
    P(STORAGE_POOL_DELETE, "virStoragePoolDelete", POOL_FLAGS, NONE, remote_storage_pool_delete,
      W | B, S),
    P(STORAGE_POOL_UNDEFINE, "virStoragePoolUndefine", POOL, NONE, remote_storage_pool_undefine,
      W | B, S),
    P(STORAGE_POOL_REFRESH, "virStoragePoolRefresh", POOL_FLAGS, NONE,
      remote_storage_pool_refresh, W | B, S),
    P(STORAGE_POOL_LOOKUP_BY_NAME, "virStoragePoolLookupByName", STRING, POOL,
      remote_storage_pool_lookup_by_name, 0, S),
    P(STORAGE_POOL_LOOKUP_BY_UUID, "virStoragePoolLookupByUUID", UUID, POOL,
      remote_storage_pool_lookup_by_uuid, 0, S),
    P(STORAGE_POOL_LOOKUP_BY_VOLUME, "virStoragePoolLookupByVolume", VOL, POOL,
      remote_storage_pool_lookup_by_volume, 0, S),
    P(STORAGE_POOL_GET_INFO, "virStoragePoolGetInfo", POOL,
      SHAPE(RemotePoolInfoRet, remote_xdr_pool_info_ret), remote_storage_pool_get_info, B, S),
    P(STORAGE_POOL_GET_XML_DESC, "virStoragePoolGetXMLDesc", POOL_FLAGS, STRING,
      remote_storage_pool_get_xml_desc, B, S),
    P(STORAGE_POOL_GET_AUTOSTART, "virStoragePoolGetAutostart", POOL, INT,
      remote_storage_pool_get_autostart, 0, S),
    P(STORAGE_POOL_SET_AUTOSTART, "virStoragePoolSetAutostart", POOL_INT, NONE,
      remote_storage_pool_set_autostart, W | B, S),
    P(STORAGE_POOL_NUM_OF_VOLUMES, "virStoragePoolNumOfVolumes", POOL, INT,
      remote_storage_pool_num_of_volumes, B, S),
    P(STORAGE_POOL_LIST_VOLUMES, "virStoragePoolListVolumes", POOL_INT, NAMES,
      remote_storage_pool_list_volumes, B, S),
    P(STORAGE_VOL_CREATE_XML, "virStorageVolCreateXML",
      SHAPE(RemoteVolCreateArgs, remote_xdr_vol_create_args), VOL, remote_storage_vol_create_xml,
      W | B, S),
    P(STORAGE_VOL_DELETE, "virStorageVolDelete", VOL_FLAGS, NONE, remote_storage_vol_delete,
      W | B, S),
    P(STORAGE_VOL_LOOKUP_BY_NAME, "virStorageVolLookupByName",
      SHAPE(RemotePoolStringArgs, remote_xdr_pool_string_args), VOL,
      remote_storage_vol_lookup_by_name, B, S),
    P(STORAGE_VOL_LOOKUP_BY_KEY, "virStorageVolLookupByKey", STRING, VOL,
      remote_storage_vol_lookup_by_path, B, S),
    P(STORAGE_VOL_LOOKUP_BY_PATH, "virStorageVolLookupByPath", STRING, VOL,
      remote_storage_vol_lookup_by_path, B, S),
    P(STORAGE_VOL_GET_INFO, "virStorageVolGetInfo", VOL, VOL_INFO, remote_storage_vol_get_info,
      B, S),
    P(STORAGE_VOL_GET_XML_DESC, "virStorageVolGetXMLDesc", VOL_FLAGS, STRING,
      remote_storage_vol_get_xml_desc, B, S),
    P(STORAGE_VOL_GET_PATH, "virStorageVolGetPath", VOL, STRING, remote_storage_vol_get_path, B,
      S),
    P(NODE_GET_FREE_MEMORY, "virNodeGetFreeMemory", NONE, UHYPER, remote_node_get_free_memory,
      0, C),
    P(CONNECT_GET_URI, "virConnectGetURI", NONE, STRING, remote_connect_get_uri, 0, C),
    UNSUPPORTED(DOMAIN_GET_SECURITY_LABEL, "virDomainGetSecurityLabel"),
    UNSUPPORTED(NODE_GET_SECURITY_MODEL, "virNodeGetSecurityModel"),
    P(STORAGE_VOL_CREATE_XML_FROM, "virStorageVolCreateXMLFrom",
      SHAPE(RemoteVolCreateFromArgs, remote_xdr_vol_create_from_args), VOL,
      remote_storage_vol_create_xml_from, W | B, S),
    P(CONNECT_IS_SECURE, "virConnectIsSecure", NONE, INT, remote_connect_is_secure, 0, C),
    P(DOMAIN_IS_ACTIVE, "virDomainIsActive", DOM, INT, remote_domain_is_active, 0, D),
    P(DOMAIN_IS_PERSISTENT, "virDomainIsPersistent", DOM, INT, remote_domain_is_persistent, 0,
      D),
    P(NETWORK_IS_ACTIVE, "virNetworkIsActive", NET, INT, remote_network_is_active, 0, N),
    P(NETWORK_IS_PERSISTENT, "virNetworkIsPersistent", NET, INT, remote_network_is_persistent,
      0, N),
    P(STORAGE_POOL_IS_ACTIVE, "virStoragePoolIsActive", POOL, INT, remote_storage_pool_is_active,
      0, S),
    P(STORAGE_POOL_IS_PERSISTENT, "virStoragePoolIsPersistent", POOL, INT,
      remote_storage_pool_is_persistent, 0, S),
    P(CONNECT_GET_LIB_VERSION, "virConnectGetLibVersion", NONE, UHYPER,
      remote_connect_get_lib_version, 0, C),
    UNSUPPORTED(DOMAIN_MEMORY_STATS, "virDomainMemoryStats"),
    UNSUPPORTED(DOMAIN_GET_JOB_INFO, "virDomainGetJobInfo"),
    P(STORAGE_VOL_WIPE, "virStorageVolWipe", VOL_FLAGS, NONE, remote_storage_vol_wipe, W | B, S),
    P(DOMAIN_HAS_MANAGED_SAVE_IMAGE, "virDomainHasManagedSaveImage", DOM_FLAGS, INT,
      remote_domain_has_managed_save_image, 0, D),
    UNSUPPORTED(DOMAIN_SNAPSHOT_NUM, "virDomainSnapshotNum"),
    P(DOMAIN_CREATE_WITH_FLAGS, "virDomainCreateWithFlags", DOM_FLAGS, DOM,
      remote_domain_create_with_flags, W | B, D),
    P(DOMAIN_GET_VCPUS_FLAGS, "virDomainGetVcpusFlags", DOM_FLAGS, INT,
      remote_domain_get_vcpus_flags, 0, D),
    P(DOMAIN_OPEN_CONSOLE, "virDomainOpenConsole",
      SHAPE(RemoteOpenConsoleArgs, remote_xdr_open_console_args), NONE,
      remote_domain_open_console, W, D),
    P(DOMAIN_IS_UPDATED, "virDomainIsUpdated", DOM, INT, remote_domain_is_updated, 0, D),
    UNSUPPORTED(CONNECT_GET_SYSINFO, "virConnectGetSysinfo"),
    P(STORAGE_VOL_UPLOAD, "virStorageVolUpload",
      SHAPE(RemoteVolStreamArgs, remote_xdr_vol_stream_args), NONE, remote_storage_vol_upload,
      W | B, S),
    P(STORAGE_VOL_DOWNLOAD, "virStorageVolDownload",
      SHAPE(RemoteVolStreamArgs, remote_xdr_vol_stream_args), NONE, remote_storage_vol_download,
      W | B, S),
    P(DOMAIN_SCREENSHOT, "virDomainScreenshot", DOM_UINT_FLAGS, OPT_STRING,
      remote_domain_screenshot, W | B, D),
    P(DOMAIN_GET_STATE, "virDomainGetState", DOM_FLAGS,
      SHAPE(RemoteStateRet, remote_xdr_state_ret), remote_domain_get_state, 0, D),
    P(DOMAIN_SEND_KEY, "virDomainSendKey", SHAPE(RemoteSendKeyArgs, remote_xdr_send_key_args),
      NONE, remote_domain_send_key, W | B, D),
    P(DOMAIN_UNDEFINE_FLAGS, "virDomainUndefineFlags", DOM_FLAGS, NONE,
      remote_domain_undefine_flags, W | B, D),
    P(DOMAIN_DESTROY_FLAGS, "virDomainDestroyFlags", DOM_FLAGS, NONE,
      remote_domain_destroy_flags, W | B, D),
    P(DOMAIN_RESET, "virDomainReset", DOM_FLAGS, NONE, remote_domain_reset, W | B, D),
    P(DOMAIN_SHUTDOWN_FLAGS, "virDomainShutdownFlags", DOM_FLAGS, NONE,
      remote_domain_shutdown_flags, W | B, D),
    P(STORAGE_VOL_WIPE_PATTERN, "virStorageVolWipePattern",
      SHAPE(RemoteVolUintFlagsArgs, remote_xdr_vol_uint_flags_args), NONE,
      remote_storage_vol_wipe_pattern, W | B, S),
    P(STORAGE_VOL_RESIZE, "virStorageVolResize",
      SHAPE(RemoteVolUhyperFlagsArgs, remote_xdr_vol_uhyper_flags_args), NONE,
      remote_storage_vol_resize, W | B, S),
    P(DOMAIN_GET_METADATA, "virDomainGetMetadata",
      SHAPE(RemoteMetadataArgs, remote_xdr_metadata_args), STRING, remote_domain_get_metadata, 0,
      D),
    P(CONNECT_LIST_ALL_DOMAINS, "virConnectListAllDomains", LIST_ALL,
      SHAPE(RemoteDomainListRet, remote_xdr_domain_list_ret), remote_connect_list_all_domains,
      0, C),
    UNSUPPORTED(DOMAIN_LIST_ALL_SNAPSHOTS, "virDomainListAllSnapshots"),
    P(CONNECT_LIST_ALL_STORAGE_POOLS, "virConnectListAllStoragePools", LIST_ALL,
      SHAPE(RemotePoolListRet, remote_xdr_pool_list_ret), remote_connect_list_all_storage_pools,
      0, C),
    P(STORAGE_POOL_LIST_ALL_VOLUMES, "virStoragePoolListAllVolumes",
      SHAPE(RemotePoolListAllArgs, remote_xdr_pool_list_all_args),
      SHAPE(RemoteVolListRet, remote_xdr_vol_list_ret), remote_storage_pool_list_all_volumes, B,
      S),
    P(CONNECT_LIST_ALL_NETWORKS, "virConnectListAllNetworks", LIST_ALL,
      SHAPE(RemoteNetworkListRet, remote_xdr_network_list_ret),
      remote_connect_list_all_networks, 0, C),
    UNSUPPORTED(CONNECT_LIST_ALL_INTERFACES, "virConnectListAllInterfaces"),
    UNSUPPORTED(CONNECT_LIST_ALL_NODE_DEVICES, "virConnectListAllNodeDevices"),
    UNSUPPORTED(DOMAIN_GET_JOB_STATS, "virDomainGetJobStats"),
    P(CONNECT_NETWORK_EVENT_REGISTER_ANY, "virConnectNetworkEventRegisterAny",
      SHAPE(RemoteNetworkEventRegisterArgs, remote_xdr_network_event_register_args), INT,
      remote_connect_network_event_register, 0, C),
    P(CONNECT_NETWORK_EVENT_DEREGISTER_ANY, "virConnectNetworkEventDeregisterAny", INT, NONE,
      remote_connect_event_deregister, 0, C),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, "virConnectDomainEventRegisterAny",
      SHAPE(RemoteDomainEventRegisterArgs, remote_xdr_domain_event_register_args), INT,
      remote_connect_domain_event_register, 0, C),
    P(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, "virConnectDomainEventDeregisterAny", INT,
      NONE, remote_connect_event_deregister, 0, C),
    P(NETWORK_GET_DHCP_LEASES, "virNetworkGetDHCPLeases",
      SHAPE(RemoteDhcpLeasesArgs, remote_xdr_dhcp_leases_args),
      SHAPE(RemoteDhcpLeasesRet, remote_xdr_dhcp_leases_ret), remote_network_get_dhcp_leases, B,
      N),
    P(CONNECT_GET_DOMAIN_CAPABILITIES, "virConnectGetDomainCapabilities",
      SHAPE(RemoteDomainCapsArgs, remote_xdr_domain_caps_args), STRING,
      remote_connect_get_domain_capabilities, B, C),
    P(DOMAIN_OPEN_GRAPHICS_FD, "virDomainOpenGraphicsFD", DOM_UINT_FLAGS, NONE,
      remote_domain_open_graphics_fd, W | B, D),
    UNSUPPORTED(CONNECT_GET_ALL_DOMAIN_STATS, "virConnectGetAllDomainStats"),
    P(DOMAIN_DEFINE_XML_FLAGS, "virDomainDefineXMLFlags", STRING_FLAGS, DOM,
      remote_domain_define_xml_flags, W | B, D),
    P(CONNECT_REGISTER_CLOSE_CALLBACK, "virConnectRegisterCloseCallback", NONE, NONE,
      remote_connect_close_callback, 0, C),
    P(CONNECT_UNREGISTER_CLOSE_CALLBACK, "virConnectUnregisterCloseCallback", NONE, NONE,
      remote_connect_close_callback, 0, C),
    P(CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, "virConnectStoragePoolEventRegisterAny",
      SHAPE(RemotePoolEventRegisterArgs, remote_xdr_pool_event_register_args), INT,
      remote_connect_storage_pool_event_register, 0, C),
    P(CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY, "virConnectStoragePoolEventDeregisterAny",
      INT, NONE, remote_connect_event_deregister, 0, C),
    UNSUPPORTED(CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY, "virConnectNodeDeviceEventRegisterAny"),
    P(STORAGE_VOL_GET_INFO_FLAGS, "virStorageVolGetInfoFlags", VOL_FLAGS, VOL_INFO,
      remote_storage_vol_get_info_flags, B, S),
};

static int compare_number(const void *key, const void *elem)
{
    gint32 k = *(const gint32 *)key;
    gint32 n = ((const RemoteProc *)elem)->number;
    return k < n ? -1 : k > n;
}

const RemoteProc *remote_proc_find(gint32 number)
{
    return bsearch(&number, procs, G_N_ELEMENTS(procs), sizeof(procs[0]), compare_number);
}

const RemoteProc *remote_proc_table(gsize *n)
{
    *n = G_N_ELEMENTS(procs);
    return procs;
}
