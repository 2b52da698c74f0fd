/* vessel-object.c - VesselObject: what domain and network handles share.
 *
 * A handle is a VesselObject (reference count, connection, D-Bus
 * interface, object path, and the name and uuid read at lookup) wrapped
 * in the public type; vessel-domain.c and vessel-network.c add only what
 * differs.  Every operation is one call on the handle's object. */
#include "config.h"

#include "i18n.h"
#include "vessel-private.h"

gpointer vessel_object_new(gsize size, VesselConnect *conn, const char *iface, const char *path,
                           const char *name, const char *uuid)
{
    VesselObject *obj;

    g_assert(size >= sizeof(VesselObject));
    obj = g_malloc0(size);
    obj->ref = 1;
    obj->conn = vessel_connect_ref(conn);
    obj->iface = iface;
    obj->path = g_strdup(path);
    obj->name = g_strdup(name);
    obj->uuid = g_strdup(uuid);
    return obj;
}

void vessel_object_ref(VesselObject *obj)
{
    g_atomic_int_inc(&obj->ref);
}

void vessel_object_unref(VesselObject *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->ref))
        return;
    vessel_connect_unref(obj->conn);
    g_free(obj->path);
    g_free(obj->name);
    g_free(obj->uuid);
    g_free(obj);
}

gpointer vessel_object_from_path(gsize size, VesselConnect *conn, const char *iface,
                                 const char *path, GError **error)
{
    g_autoptr(GVariant) name = NULL;
    g_autoptr(GVariant) uuid = NULL;

    name = vessel_property_get(conn, path, iface, "Name", G_VARIANT_TYPE_STRING, error);
    if (!name)
        return NULL;
    uuid = vessel_property_get(conn, path, iface, "UUID", G_VARIANT_TYPE_STRING, error);
    if (!uuid)
        return NULL;
    return vessel_object_new(size, conn, iface, path, g_variant_get_string(name, NULL),
                             g_variant_get_string(uuid, NULL));
}

gpointer vessel_object_lookup(gsize size, VesselConnect *conn, const char *iface,
                              const char *method, GVariant *params, GError **error)
{
    g_autoptr(GVariant) ret = vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER, method,
                                          params, G_VARIANT_TYPE("(o)"), error);
    const char *path;

    if (!ret)
        return NULL;
    g_variant_get(ret, "(&o)", &path);
    return vessel_object_from_path(size, conn, iface, path, error);
}

GVariant *vessel_object_call(VesselObject *obj, const char *method, GVariant *params,
                             const char *reply_type, GError **error)
{
    return vessel_call(obj->conn, obj->path, obj->iface, method, params,
                       reply_type ? G_VARIANT_TYPE(reply_type) : NULL, error);
}

gboolean vessel_object_call_void(VesselObject *obj, const char *method, GVariant *params,
                                 GError **error)
{
    g_autoptr(GVariant) ret = vessel_object_call(obj, method, params, NULL, error);

    return ret != NULL;
}

GVariant *vessel_object_get_property(VesselObject *obj, const char *prop,
                                     const GVariantType *type, GError **error)
{
    return vessel_property_get(obj->conn, obj->path, obj->iface, prop, type, error);
}

gboolean vessel_object_get_bool(VesselObject *obj, const char *prop, gboolean *out,
                                GError **error)
{
    g_autoptr(GVariant) v = vessel_object_get_property(obj, prop, G_VARIANT_TYPE_BOOLEAN, error);

    if (!v)
        return FALSE;
    *out = g_variant_get_boolean(v);
    return TRUE;
}

char *vessel_object_get_xml_desc(VesselObject *obj, guint flags, GError **error)
{
    g_autoptr(GVariant) ret = vessel_object_call(obj, "GetXMLDesc",
                                                 g_variant_new("(u)", (guint32)flags), "(s)",
                                                 error);
    char *xml = NULL;

    if (ret)
        g_variant_get(ret, "(s)", &xml);
    return xml;
}
