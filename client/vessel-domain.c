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

VesselDomain *vessel_domain_ref(VesselDomain *dom)
{
    vessel_object_ref(&dom->obj);
    return dom;
}

void vessel_domain_unref(VesselDomain *dom)
{
    vessel_object_unref(dom ? &dom->obj : NULL);
}

static VesselDomain *vessel_domain_lookup(VesselConnect *conn, const char *method,
                                          GVariant *params, GError **error)
{
    return vessel_object_lookup(sizeof(VesselDomain), conn, VESSEL_IFACE_DOMAIN, method, params,
                                error);
}

void vessel_domain_record_free(VesselDomainRecord *rec)
{
    if (!rec)
        return;
    vessel_domain_unref(rec->domain);
    g_free(rec);
}

/**
 * vessel_connect_list_domain_records:
 * @conn: a connection
 * @flags: which domains
 * @error: return location for a #GError
 *
 * One ListDomains call: handles and their state at that moment.
 *
 * Returns: (transfer full): #VesselDomainRecord sorted by name.
 */
GPtrArray *vessel_connect_list_domain_records(VesselConnect *conn, VesselListFlags flags,
                                              GError **error)
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
    list = g_ptr_array_new_with_free_func((GDestroyNotify)vessel_domain_record_free);
    g_variant_get(ret, "(a(sisuubbo))", &iter);
    while (g_variant_iter_next(iter, "(&si&suubb&o)", &name, &id, &uuid, &state, &reason,
                               &persistent, &autostart, &path)) {
        VesselDomainRecord *rec = g_new0(VesselDomainRecord, 1);

        rec->domain = vessel_domain_new(conn, path, name, uuid);
        rec->id = id > 0 ? id : -1;
        rec->state = (int)state;
        rec->reason = (int)reason;
        rec->persistent = persistent;
        rec->autostart = autostart;
        g_ptr_array_add(list, rec);
    }
    return list;
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
    g_autoptr(GPtrArray) recs = vessel_connect_list_domain_records(conn, flags, error);
    GPtrArray *list;

    if (!recs)
        return NULL;
    list = g_ptr_array_new_full(recs->len, (GDestroyNotify)vessel_domain_unref);
    for (guint i = 0; i < recs->len; i++) {
        VesselDomainRecord *rec = recs->pdata[i];
        g_ptr_array_add(list, g_steal_pointer(&rec->domain));
    }
    return list;
}

VesselDomain *vessel_domain_lookup_by_name(VesselConnect *conn, const char *name, GError **error)
{
    if (!vessel_utf8_check(name, "the domain name", error))
        return NULL;
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
    if (!vessel_utf8_check(xml, "the domain XML", error))
        return NULL;
    return vessel_domain_lookup(conn, "DefineXML", g_variant_new("(s)", xml), error);
}

VesselDomain *vessel_domain_create_xml(VesselConnect *conn, const char *xml, guint flags,
                                       GError **error)
{
    if (!vessel_utf8_check(xml, "the domain XML", error))
        return NULL;
    return vessel_domain_lookup(conn, "CreateXML", g_variant_new("(su)", xml, (guint32)flags),
                                error);
}

const char *vessel_domain_get_name(VesselDomain *dom)
{
    return dom->obj.name;
}

const char *vessel_domain_get_uuid(VesselDomain *dom)
{
    return dom->obj.uuid;
}

const char *vessel_domain_get_path(VesselDomain *dom)
{
    return dom->obj.path;
}

int vessel_domain_get_id(VesselDomain *dom, GError **error)
{
    g_autoptr(GVariant) v = vessel_object_get_property(&dom->obj, "Id", G_VARIANT_TYPE_INT32,
                                                       error);
    return v ? g_variant_get_int32(v) : -1;
}

gboolean vessel_domain_get_autostart(VesselDomain *dom, gboolean *autostart, GError **error)
{
    return vessel_object_get_bool(&dom->obj, "Autostart", autostart, error);
}

gboolean vessel_domain_is_persistent(VesselDomain *dom, gboolean *persistent, GError **error)
{
    return vessel_object_get_bool(&dom->obj, "Persistent", persistent, error);
}

gboolean vessel_domain_is_active(VesselDomain *dom, gboolean *active, GError **error)
{
    return vessel_object_get_bool(&dom->obj, "Active", active, error);
}

static GVariant *vessel_domain_call(VesselDomain *dom, const char *method, GVariant *params,
                                    const char *reply, GError **error)
{
    return vessel_object_call(&dom->obj, method, params, reply, error);
}

static gboolean vessel_domain_void(VesselDomain *dom, const char *method, GVariant *params,
                                   GError **error)
{
    return vessel_object_call_void(&dom->obj, method, params, error);
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

gboolean vessel_domain_reset(VesselDomain *dom, guint flags, GError **error)
{
    return vessel_domain_void(dom, "Reset", g_variant_new("(u)", (guint32)flags), error);
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
    return vessel_object_get_xml_desc(&dom->obj, flags, error);
}

static int open_console(VesselDomain *dom, const char *method, GVariant *args, GError **error);

GBytes *vessel_domain_screenshot(VesselDomain *dom, char **mime, GError **error)
{
    g_autoptr(GVariant) ret = vessel_object_call(&dom->obj, "Screenshot",
                                                 g_variant_new("(uu)", 0u, 0u), "(say)", error);
    if (!ret)
        return NULL;
    g_autoptr(GVariant) data = g_variant_get_child_value(ret, 1);
    if (mime)
        g_variant_get_child(ret, 0, "s", mime);
    return g_variant_get_data_as_bytes(data);
}

gboolean vessel_domain_send_key(VesselDomain *dom, guint codeset, guint holdtime,
                                const guint *keycodes, guint n_keycodes, GError **error)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE("au"));
    for (guint i = 0; i < n_keycodes; i++)
        g_variant_builder_add(&b, "u", (guint32)keycodes[i]);
    return vessel_object_call_void(&dom->obj, "SendKey",
                                   g_variant_new("(uuauu)", (guint32)codeset, (guint32)holdtime,
                                                 &b, 0u),
                                   error);
}

int vessel_domain_open_graphics_fd(VesselDomain *dom, GError **error)
{
    return open_console(dom, "OpenGraphicsFD", g_variant_new("(uu)", 0u, 0u), error);
}

static int open_console(VesselDomain *dom, const char *method, GVariant *args, GError **error)
{
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) ret = NULL;
    gint32 index;
    int fd;

    ret = g_dbus_connection_call_with_unix_fd_list_sync(
        dom->obj.conn->bus, NULL, dom->obj.path, VESSEL_IFACE_DOMAIN, method, args,
        G_VARIANT_TYPE("(h)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &fds, NULL, error);
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

int vessel_domain_open_console(VesselDomain *dom, guint flags, GError **error)
{
    return open_console(dom, "OpenConsole", g_variant_new("(u)", (guint32)flags), error);
}

int vessel_domain_open_console_device(VesselDomain *dom, const char *dev_name, guint flags,
                                      GError **error)
{
    /* The primary console through the older method keeps newer clients
     * working against a daemon without OpenConsoleDevice. */
    if (!dev_name || !*dev_name)
        return vessel_domain_open_console(dom, flags, error);
    return open_console(dom, "OpenConsoleDevice",
                        g_variant_new("(su)", dev_name, (guint32)flags), error);
}

gboolean vessel_domain_get_block_info(VesselDomain *dom, const char *target, guint64 *capacity,
                                      guint64 *allocation, guint64 *physical, GError **error)
{
    g_autoptr(GVariant) ret = vessel_object_call(&dom->obj, "GetBlockInfo",
                                                 g_variant_new("(s)", target), "((ttt))", error);
    if (!ret)
        return FALSE;
    g_variant_get(ret, "((ttt))", capacity, allocation, physical);
    return TRUE;
}

gboolean vessel_domain_block_commit(VesselDomain *dom, const char *disk, const char *base,
                                    const char *top, guint flags, GError **error)
{
    return vessel_object_call_void(&dom->obj, "BlockCommit",
                                   g_variant_new("(sssu)", disk, base ? base : "",
                                                 top ? top : "", (guint32)flags),
                                   error);
}

gboolean vessel_domain_snapshot_create_disk_only(VesselDomain *dom, const char *name, guint flags,
                                                 GError **error)
{
    return vessel_object_call_void(&dom->obj, "SnapshotCreateDiskOnly",
                                   g_variant_new("(su)", name, (guint32)flags), error);
}
