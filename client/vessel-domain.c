/* vessel-domain.c - VesselDomain: lookup, lifecycle, XML, info, console.
 *
 * Every operation is one org.vessel.Domain1 (or Manager1 lookup) call; a
 * handle keeps only what never changes (path, name, uuid). */
#include "config.h"

#include <gio/gunixfdlist.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "vessel-private.h"

VesselDomain *vessel_domain_new(VesselConnect *conn, const char *path, const char *name,
                                const char *uuid)
{
    VesselDomain *dom = g_new0(VesselDomain, 1);

    dom->ref = 1;
    dom->conn = vessel_connect_ref(conn);
    dom->path = g_strdup(path);
    dom->name = g_strdup(name);
    dom->uuid = g_strdup(uuid);
    return dom;
}

VesselDomain *vessel_domain_ref(VesselDomain *dom)
{
    g_atomic_int_inc(&dom->ref);
    return dom;
}

void vessel_domain_unref(VesselDomain *dom)
{
    if (!dom || !g_atomic_int_dec_and_test(&dom->ref))
        return;
    vessel_connect_unref(dom->conn);
    g_free(dom->path);
    g_free(dom->name);
    g_free(dom->uuid);
    g_free(dom);
}

VesselDomain *vessel_domain_from_path(VesselConnect *conn, const char *path, GError **error)
{
    g_autoptr(GVariant) name = NULL;
    g_autoptr(GVariant) uuid = NULL;

    name = vessel_property_get(conn, path, VESSEL_IFACE_DOMAIN, "Name", G_VARIANT_TYPE_STRING, error);
    if (!name)
        return NULL;
    uuid = vessel_property_get(conn, path, VESSEL_IFACE_DOMAIN, "UUID", G_VARIANT_TYPE_STRING, error);
    if (!uuid)
        return NULL;
    return vessel_domain_new(conn, path, g_variant_get_string(name, NULL),
                             g_variant_get_string(uuid, NULL));
}

static VesselDomain *vessel_domain_lookup(VesselConnect *conn, const char *method,
                                          GVariant *params, GError **error)
{
    g_autoptr(GVariant) ret = vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER, method,
                                          params, G_VARIANT_TYPE("(o)"), error);
    const char *path;

    if (!ret)
        return NULL;
    g_variant_get(ret, "(&o)", &path);
    return vessel_domain_from_path(conn, path, error);
}

/**
 * vessel_connect_list_domains:
 * @conn: a connection
 * @flags: which domains
 * @error: return location for a #GError
 *
 * Returns: (transfer full): #VesselDomain handles sorted by name.
 */
GPtrArray *vessel_connect_list_domains(VesselConnect *conn, VesselListFlags flags, GError **error)
{
    g_autoptr(GVariant) ret = NULL;
    g_autoptr(GVariantIter) iter = NULL;
    const char *name, *uuid, *path;
    gint32 id;
    guint32 state, reason;
    gboolean persistent, autostart;
    GPtrArray *list;

    ret = vessel_call(conn, VESSEL_BUS_PATH, VESSEL_IFACE_MANAGER, "ListDomains",
                      g_variant_new("(u)", (guint32)flags), G_VARIANT_TYPE("(a(sisuubbo))"), error);
    if (!ret)
        return NULL;
    list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_domain_unref);
    g_variant_get(ret, "(a(sisuubbo))", &iter);
    while (g_variant_iter_next(iter, "(&si&suubb&o)", &name, &id, &uuid, &state, &reason,
                               &persistent, &autostart, &path))
        g_ptr_array_add(list, vessel_domain_new(conn, path, name, uuid));
    return list;
}

VesselDomain *vessel_domain_lookup_by_name(VesselConnect *conn, const char *name, GError **error)
{
    return vessel_domain_lookup(conn, "LookupByName", g_variant_new("(s)", name), error);
}

VesselDomain *vessel_domain_lookup_by_uuid(VesselConnect *conn, const char *uuid, GError **error)
{
    return vessel_domain_lookup(conn, "LookupByUUID", g_variant_new("(s)", uuid), error);
}

VesselDomain *vessel_domain_lookup_by_id(VesselConnect *conn, int id, GError **error)
{
    return vessel_domain_lookup(conn, "LookupByID", g_variant_new("(i)", (gint32)id), error);
}

VesselDomain *vessel_domain_define_xml(VesselConnect *conn, const char *xml, GError **error)
{
    return vessel_domain_lookup(conn, "DefineXML", g_variant_new("(s)", xml), error);
}

VesselDomain *vessel_domain_create_xml(VesselConnect *conn, const char *xml, guint flags,
                                       GError **error)
{
    return vessel_domain_lookup(conn, "CreateXML", g_variant_new("(su)", xml, (guint32)flags),
                                error);
}

const char *vessel_domain_get_name(VesselDomain *dom)
{
    return dom->name;
}

const char *vessel_domain_get_uuid(VesselDomain *dom)
{
    return dom->uuid;
}

const char *vessel_domain_get_path(VesselDomain *dom)
{
    return dom->path;
}

static gboolean vessel_domain_get_bool(VesselDomain *dom, const char *prop, gboolean *out,
                                       GError **error)
{
    g_autoptr(GVariant) v = vessel_property_get(dom->conn, dom->path, VESSEL_IFACE_DOMAIN, prop,
                                                G_VARIANT_TYPE_BOOLEAN, error);
    if (!v)
        return FALSE;
    *out = g_variant_get_boolean(v);
    return TRUE;
}

int vessel_domain_get_id(VesselDomain *dom, GError **error)
{
    g_autoptr(GVariant) v = vessel_property_get(dom->conn, dom->path, VESSEL_IFACE_DOMAIN, "Id",
                                                G_VARIANT_TYPE_INT32, error);
    return v ? g_variant_get_int32(v) : -1;
}

gboolean vessel_domain_get_autostart(VesselDomain *dom, gboolean *autostart, GError **error)
{
    return vessel_domain_get_bool(dom, "Autostart", autostart, error);
}

gboolean vessel_domain_is_persistent(VesselDomain *dom, gboolean *persistent, GError **error)
{
    return vessel_domain_get_bool(dom, "Persistent", persistent, error);
}

gboolean vessel_domain_is_active(VesselDomain *dom, gboolean *active, GError **error)
{
    return vessel_domain_get_bool(dom, "Active", active, error);
}

static GVariant *vessel_domain_call(VesselDomain *dom, const char *method, GVariant *params,
                                    const char *reply, GError **error)
{
    return vessel_call(dom->conn, dom->path, VESSEL_IFACE_DOMAIN, method, params,
                       reply ? G_VARIANT_TYPE(reply) : NULL, error);
}

static gboolean vessel_domain_void(VesselDomain *dom, const char *method, GVariant *params,
                                   GError **error)
{
    g_autoptr(GVariant) ret = vessel_domain_call(dom, method, params, NULL, error);
    return ret != NULL;
}

gboolean vessel_domain_get_info(VesselDomain *dom, VesselDomainInfo *info, GError **error)
{
    g_autoptr(GVariant) ret = vessel_domain_call(dom, "GetInfo", NULL, "((uuuttt))", error);
    guint32 state, reason, vcpus;

    if (!ret)
        return FALSE;
    memset(info, 0, sizeof(*info));
    g_variant_get(ret, "((uuuttt))", &state, &reason, &vcpus, &info->max_mem_kib,
                  &info->memory_kib, &info->cpu_time_ns);
    info->state = (int)state;
    info->reason = (int)reason;
    info->vcpus = vcpus;
    return TRUE;
}

gboolean vessel_domain_get_state(VesselDomain *dom, int *state, int *reason, GError **error)
{
    g_autoptr(GVariant) ret = vessel_domain_call(dom, "GetState", NULL, "(uu)", error);
    guint32 s, r;

    if (!ret)
        return FALSE;
    g_variant_get(ret, "(uu)", &s, &r);
    if (state)
        *state = (int)s;
    if (reason)
        *reason = (int)r;
    return TRUE;
}

gboolean vessel_domain_start(VesselDomain *dom, guint flags, GError **error)
{
    return vessel_domain_void(dom, "Start", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_domain_shutdown(VesselDomain *dom, guint flags, guint timeout, GError **error)
{
    return vessel_domain_void(dom, "Shutdown",
                              g_variant_new("(uu)", (guint32)flags, (guint32)timeout), error);
}

gboolean vessel_domain_destroy(VesselDomain *dom, guint flags, GError **error)
{
    return vessel_domain_void(dom, "Destroy", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_domain_reboot(VesselDomain *dom, guint flags, GError **error)
{
    return vessel_domain_void(dom, "Reboot", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_domain_suspend(VesselDomain *dom, GError **error)
{
    return vessel_domain_void(dom, "Suspend", NULL, error);
}

gboolean vessel_domain_resume(VesselDomain *dom, GError **error)
{
    return vessel_domain_void(dom, "Resume", NULL, error);
}

gboolean vessel_domain_undefine(VesselDomain *dom, guint flags, GError **error)
{
    return vessel_domain_void(dom, "Undefine", g_variant_new("(u)", (guint32)flags), error);
}

gboolean vessel_domain_set_autostart(VesselDomain *dom, gboolean autostart, GError **error)
{
    return vessel_domain_void(dom, "SetAutostart", g_variant_new("(b)", autostart), error);
}

char *vessel_domain_get_xml_desc(VesselDomain *dom, guint flags, GError **error)
{
    g_autoptr(GVariant) ret = vessel_domain_call(dom, "GetXMLDesc",
                                                 g_variant_new("(u)", (guint32)flags), "(s)", error);
    char *xml = NULL;

    if (ret)
        g_variant_get(ret, "(s)", &xml);
    return xml;
}

int vessel_domain_open_console(VesselDomain *dom, guint flags, GError **error)
{
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) ret = NULL;
    gint32 index;
    int fd;

    ret = g_dbus_connection_call_with_unix_fd_list_sync(
        dom->conn->bus, NULL, dom->path, VESSEL_IFACE_DOMAIN, "OpenConsole",
        g_variant_new("(u)", (guint32)flags), G_VARIANT_TYPE("(h)"), G_DBUS_CALL_FLAGS_NONE, -1,
        NULL, &fds, NULL, error);
    if (!ret) {
        vessel_error_map(error);
        return -1;
    }
    g_variant_get(ret, "(h)", &index);
    if (!fds || index < 0 || index >= g_unix_fd_list_get_length(fds)) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED,
                    _("daemon returned no console file descriptor"));
        return -1;
    }
    fd = g_unix_fd_list_get(fds, index, error);
    if (fd < 0)
        vessel_error_map(error);
    return fd;
}
