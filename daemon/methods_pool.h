/* methods_pool.h - the storage part of org.vessel.Manager1, implemented
 * in methods_pool.c beside org.vessel.StoragePool1 (daemon_pool_impl). */
#ifndef VESSEL_METHODS_POOL_H
#define VESSEL_METHODS_POOL_H

#include "daemon_dbus.h"

GVariant *manager_list_pools(DaemonCall *call, GError **error);
GVariant *manager_pool_define(DaemonCall *call, GError **error);
GVariant *manager_pool_create(DaemonCall *call, GError **error);
GVariant *manager_pool_lookup_name(DaemonCall *call, GError **error);
GVariant *manager_pool_lookup_uuid(DaemonCall *call, GError **error);
GVariant *manager_vol_lookup_path(DaemonCall *call, GError **error);

#endif
