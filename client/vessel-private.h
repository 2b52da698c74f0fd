/* vessel-private.h - libvessel internals shared by its files (not installed).
 *
 * A VesselConnect wraps one peer-to-peer GDBusConnection to vesseld; domain
 * and network handles keep their object path plus the name and uuid read at
 * lookup.  vessel_call() is the one place where D-Bus calls are made and
 * where D-Bus errors become VESSEL_ERROR codes. */
#ifndef VESSEL_PRIVATE_H
#define VESSEL_PRIVATE_H

#include "vessel.h"

#define VESSEL_BUS_PATH "/org/vessel/Vessel1"
#define VESSEL_IFACE_MANAGER "org.vessel.Manager1"
#define VESSEL_IFACE_DOMAIN "org.vessel.Domain1"
#define VESSEL_IFACE_NETWORK "org.vessel.Network1"

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
    guint sub_domain;
    guint sub_network;
    gulong closed_id;
};

struct _VesselDomain {
    gint ref;
    VesselConnect *conn;
    char *path;
    char *name;
    char *uuid;
};

struct _VesselNetwork {
    gint ref;
    VesselConnect *conn;
    char *path;
    char *name;
    char *uuid;
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

VesselDomain *vessel_domain_new(VesselConnect *conn, const char *path, const char *name,
                                const char *uuid);
/* Handle for an object path returned by the daemon (reads name and uuid). */
VesselDomain *vessel_domain_from_path(VesselConnect *conn, const char *path, GError **error);
VesselNetwork *vessel_network_new(VesselConnect *conn, const char *path, const char *name,
                                  const char *uuid);
VesselNetwork *vessel_network_from_path(VesselConnect *conn, const char *path, GError **error);

/* URI resolution and session daemon spawning (vessel-uri.c). */
typedef struct {
    char *uri;          /* canonical */
    char *socket;       /* read-write socket path */
    gboolean session;   /* may spawn */
} VesselUri;

gboolean vessel_uri_parse(const char *uri, VesselUri *out, GError **error);
void vessel_uri_clear(VesselUri *u);
/* Start a session vesseld; it daemonises itself from our point of view. */
gboolean vessel_session_spawn(GError **error);

#endif
