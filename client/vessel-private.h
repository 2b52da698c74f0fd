/* vessel-private.h - libvessel internals shared by its files (not installed).
 *
 * A VesselConnect wraps one peer-to-peer GDBusConnection to vesseld; domain
 * and network handles are VesselObjects: their object path plus the name
 * and uuid read at lookup.  vessel_call() is the one place where D-Bus
 * calls are made and where D-Bus errors become VESSEL_ERROR codes. */
#ifndef VESSEL_PRIVATE_H
#define VESSEL_PRIVATE_H

#include "vessel.h"

#define VESSEL_BUS_PATH "/org/vessel/Vessel1"
#define VESSEL_IFACE_MANAGER "org.vessel.Manager1"
#define VESSEL_IFACE_DOMAIN "org.vessel.Domain1"
#define VESSEL_IFACE_NETWORK "org.vessel.Network1"
#define VESSEL_IFACE_POOL "org.vessel.StoragePool1"

typedef struct VesselHandler VesselHandler;

struct _VesselConnect {
    gint ref;
    GDBusConnection *bus;
    char *uri;
    char *socket;
    gboolean read_only;
    gboolean alive;
    GMainContext *context;   /* where events are delivered */
    GList *handlers;         /* VesselHandler */
    guint next_id;
    guint subs[4];           /* a signal subscription per handler kind (vessel-connect.c) */
    gulong closed_id;
};

/* What domain and network handles share (vessel-object.c). */
typedef struct {
    gint ref;
    VesselConnect *conn;
    const char *iface;       /* VESSEL_IFACE_DOMAIN or VESSEL_IFACE_NETWORK */
    char *path;
    char *name;
    char *uuid;
} VesselObject;

struct _VesselDomain {
    VesselObject obj;
};

struct _VesselNetwork {
    VesselObject obj;
};

struct _VesselStoragePool {
    VesselObject obj;
};

/* Call @method on @path; @reply_type may be NULL.  Errors mapped. */
GVariant *vessel_call(VesselConnect *conn, const char *path, const char *iface,
                      const char *method, GVariant *params, const GVariantType *reply_type,
                      GError **error);
/* One property of @path (a new reference of the unboxed value). */
GVariant *vessel_property_get(VesselConnect *conn, const char *path, const char *iface,
                              const char *name, const GVariantType *type, GError **error);
/* Turn a D-Bus error from the daemon into a VESSEL_ERROR one in place. */
void vessel_error_map(GError **error);
/* FALSE (VESSEL_ERROR_INVALID_ARG naming @what and the offset) unless @s
 * is valid UTF-8: D-Bus strings must be, and g_variant_new() would only
 * complain on stderr. */
gboolean vessel_utf8_check(const char *s, const char *what, GError **error);

/* A new handle of @size bytes (sizeof the public type) on @path. */
gpointer vessel_object_new(gsize size, VesselConnect *conn, const char *iface, const char *path,
                           const char *name, const char *uuid);
void vessel_object_ref(VesselObject *obj);
void vessel_object_unref(VesselObject *obj);
/* Handle for an object path returned by the daemon (reads name and uuid). */
gpointer vessel_object_from_path(gsize size, VesselConnect *conn, const char *iface,
                                 const char *path, GError **error);
/* Handle for the path that Manager1.@method(@params) returns. */
gpointer vessel_object_lookup(gsize size, VesselConnect *conn, const char *iface,
                              const char *method, GVariant *params, GError **error);
/* Calls on the handle's object; @reply_type may be NULL. */
GVariant *vessel_object_call(VesselObject *obj, const char *method, GVariant *params,
                             const char *reply_type, GError **error);
gboolean vessel_object_call_void(VesselObject *obj, const char *method, GVariant *params,
                                 GError **error);
GVariant *vessel_object_get_property(VesselObject *obj, const char *prop,
                                     const GVariantType *type, GError **error);
gboolean vessel_object_get_bool(VesselObject *obj, const char *prop, gboolean *out,
                                GError **error);
char *vessel_object_get_xml_desc(VesselObject *obj, guint flags, GError **error);

#define vessel_domain_new(conn, path, name, uuid) \
    ((VesselDomain *)vessel_object_new(sizeof(VesselDomain), conn, VESSEL_IFACE_DOMAIN, path, \
                                       name, uuid))
#define vessel_network_new(conn, path, name, uuid) \
    ((VesselNetwork *)vessel_object_new(sizeof(VesselNetwork), conn, VESSEL_IFACE_NETWORK, \
                                        path, name, uuid))

/* URI resolution (vessel-uri.c). */
typedef struct {
    char *uri;          /* canonical */
    char *socket;       /* read-write socket path */
    gboolean session;   /* may spawn */
} VesselUri;

gboolean vessel_uri_parse(const char *uri, VesselUri *out, GError **error);
void vessel_uri_clear(VesselUri *u);
/* The socket a connection with @flags uses: the read-only one (PATH-ro)
 * for VESSEL_CONNECT_RO, unless @u names it already. */
char *vessel_uri_socket(const VesselUri *u, VesselConnectFlags flags);
/* A D-Bus peer connection on the daemon's unix socket (vessel-connect.c);
 * errors say "Failed to connect socket to ..." as libvirt's do, with
 * VESSEL_ERROR_ACCESS_DENIED for a socket we may not use and
 * VESSEL_ERROR_NO_CONNECT for everything else. */
GDBusConnection *vessel_bus_open(const char *socket, GError **error);
/* Start a session vesseld and wait until it answers on @socket or exits
 * (vessel-session.c). */
GDBusConnection *vessel_session_open(const char *socket, GError **error);
/* Where a session daemon started by a client writes its output. */
char *vessel_session_log_path(void);

#endif
