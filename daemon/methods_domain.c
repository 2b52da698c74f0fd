/* methods_domain.c - org.vessel.Domain1: method table and properties. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "caller_open.h"
#include "domain_console.h"
#include "daemon_dbus.h"
#include "daemon_error.h"
#include "domain_disks.h"
#include "domain_snapshot.h"
#include "domain_blockcommit.h"
#include "storage/storage.h"
#include "domain_driver.h"
#include "domain_graphics.h"
#include "domain_store.h"
#include "i18n.h"
#include "method_flags.h"

/* The domain a call is addressed to (referenced), or NoDomain. */
static DomainObj *call_domain(Daemon *d, const char *node, GError **error)
{
    domain_list_lock(d->domains);
    DomainObj *dom = domain_list_find_path_node(d->domains, node);
    if (dom)
        domain_obj_ref(dom);
    domain_list_unlock(d->domains);
    if (!dom)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain not found: no domain with matching uuid '%s'"),
                    node ? node : "");
    return dom;
}

#define DOMAIN_OR_FAIL(call, error)                                          \
    g_autoptr(DomainObj) dom = call_domain((call)->daemon, (call)->node, error); \
    if (!dom)                                                                \
        return NULL

static GVariant *m_start(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    g_autoptr(DaemonCaller) caller = daemon_auth_caller(call->connection, call->sender, error);
    if (caller)
        domain_driver_start(call->daemon, dom, flags, caller, error);
    return NULL;
}

static void shutdown_done(gpointer data, const GError *error)
{
    daemon_reply_finish(data, error);
}

static GVariant *m_shutdown(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    guint32 flags, timeout;
    g_variant_get(call->params, "(uu)", &flags, &timeout);
    if (timeout == 0)
        domain_driver_shutdown(call->daemon, dom, flags, error);
    else
        domain_driver_shutdown_wait(call->daemon, dom, flags, timeout, shutdown_done,
                                    daemon_call_defer(call));
    return NULL;
}

METHOD_NO_FLAGS(m_destroy, DOMAIN_OR_FAIL, dom, domain_driver_destroy)

METHOD_NO_FLAGS(m_reboot, DOMAIN_OR_FAIL, dom, domain_driver_reboot)

METHOD_NO_FLAGS(m_reset, DOMAIN_OR_FAIL, dom, domain_driver_reset)

METHOD_NO_ARGS(m_suspend, DOMAIN_OR_FAIL, dom, domain_driver_suspend)

METHOD_NO_ARGS(m_resume, DOMAIN_OR_FAIL, dom, domain_driver_resume)

METHOD_NO_FLAGS(m_undefine, DOMAIN_OR_FAIL, dom, domain_driver_undefine)

static GVariant *m_block_commit(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    const char *disk, *base, *top;
    guint32 flags;
    g_variant_get(call->params, "(&s&s&su)", &disk, &base, &top, &flags);
    g_autoptr(DaemonCaller) caller = daemon_auth_caller(call->connection, call->sender, error);
    if (caller)
        domain_blockcommit(call->daemon, dom, disk, base, top, flags, caller, error);
    return NULL;
}

static GVariant *m_snapshot_disk_only(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    const char *name;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &name, &flags);
    g_autoptr(DaemonCaller) caller = daemon_auth_caller(call->connection, call->sender, error);
    if (caller)
        domain_snapshot_disk_only(call->daemon, dom, name, flags, caller, error);
    return NULL;
}

/* GetBlockInfo: what the image file of one disk says about itself, read
 * with the rights of the client that asks (a volume's, the daemon's):
 * else anyone could name /etc/shadow or a file in root's 0700 directory
 * as a disk and learn its size, or whether it exists. */
static GVariant *m_get_block_info(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    const char *target;
    g_variant_get(call->params, "(&s)", &target);
    domain_list_lock(call->daemon->domains);
    g_autoptr(DomainDef) def = domain_def_copy(dom->def);
    domain_list_unlock(call->daemon->domains);
    g_autofree char *path = domain_disks_path(call->daemon, def, target, error);
    if (!path)
        return NULL;
    gboolean volume = FALSE;
    for (guint i = 0; i < def->n_disks; i++)
        if (strcmp(def->disks[i]->target_dev, target) == 0)
            volume = def->disks[i]->type != DOMAIN_DISK_FILE;
    g_autoptr(DaemonCaller) caller = NULL;
    if (!volume &&
        !(caller = daemon_auth_caller(call->connection, call->sender, error)))
        return NULL;
    StorageInfo info;
    g_autoptr(GError) err = NULL;
    CallerFs fs;
    if (!caller_fs_enter(caller, &fs, error))
        return NULL;
    gboolean ok = storage_info_read(path, -1, &info, &err);
    caller_fs_leave(&fs);
    if (!ok) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID, err->message);
        return NULL;
    }
    GVariant *v = g_variant_new("((ttt))", info.capacity, info.allocation, info.physical);
    storage_info_clear(&info);
    return v;
}

static GVariant *m_get_xml(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    /* the VNC password only for callers that may change the domain */
    if ((flags & DOMAIN_XML_SECURE) &&
        !daemon_auth_check_write(call->daemon, call->connection, call->sender, error))
        return NULL;
    g_autofree char *xml = domain_driver_get_xml(call->daemon, dom, flags, error);
    return xml ? g_variant_new("(s)", xml) : NULL;
}

static GVariant *m_set_autostart(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    gboolean on;
    g_variant_get(call->params, "(b)", &on);
    g_autoptr(DaemonCaller) caller = daemon_auth_caller(call->connection, call->sender, error);
    if (caller)
        domain_driver_set_autostart(call->daemon, dom, on, caller, error);
    return NULL;
}

static GVariant *m_get_info(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    DomainInfo i;
    if (!domain_driver_get_info(call->daemon, dom, &i, error))
        return NULL;
    return g_variant_new("((uuuttt))", (guint32)i.state, (guint32)i.reason, (guint32)i.vcpus,
                         i.max_kib, i.cur_kib, i.cpu_ns);
}

static GVariant *m_get_state(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    DomainState state;
    int reason;
    domain_driver_get_state(call->daemon, dom, &state, &reason);
    return g_variant_new("(uu)", (guint32)state, (guint32)reason);
}

/* OpenConsole(u) and OpenConsoleDevice(su): one fd for the client. */
static GVariant *open_console(DaemonCall *call, const char *dev_name, guint32 flags,
                              GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    Daemon *d = call->daemon;
    if (!method_flags_check(flags, DOMAIN_CONSOLE_FORCE, error))
        return NULL;
    domain_list_lock(d->domains);
    int fd = domain_console_open(d, dom, dev_name, flags, error);
    domain_list_unlock(d->domains);
    if (fd < 0)
        return NULL;
    call->out_fds = g_unix_fd_list_new();
    int idx = g_unix_fd_list_append(call->out_fds, fd, error);
    close(fd);
    if (idx < 0) {
        g_clear_object(&call->out_fds);
        return NULL;
    }
    return g_variant_new("(h)", idx);
}

static GVariant *m_open_console(DaemonCall *call, GError **error)
{
    guint32 flags;
    g_variant_get(call->params, "(u)", &flags);
    return open_console(call, NULL, flags, error);
}

static GVariant *m_open_console_device(DaemonCall *call, GError **error)
{
    const char *dev_name;
    guint32 flags;
    g_variant_get(call->params, "(&su)", &dev_name, &flags);
    return open_console(call, dev_name, flags, error);
}

/* Screenshot(u screen, u flags) -> (s mime, ay data) */
static GVariant *m_screenshot(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    guint32 screen, flags;
    g_variant_get(call->params, "(uu)", &screen, &flags);
    if (screen != 0 || flags != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("The domain has one screen (0) and takes no flags"));
        return NULL;
    }
    g_autoptr(GBytes) png = domain_graphics_screenshot(call->daemon, dom, error);
    if (!png)
        return NULL;
    gsize len;
    const void *data = g_bytes_get_data(png, &len);
    return g_variant_new("(s@ay)", "image/png",
                         g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1));
}

/* SendKey(u codeset, u holdtime, au keycodes, u flags) */
static GVariant *m_send_key(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    guint32 codeset, hold, flags;
    g_autoptr(GVariant) keys = NULL;
    g_variant_get(call->params, "(uu@auu)", &codeset, &hold, &keys, &flags);
    if (!method_flags_check(flags, 0, error))
        return NULL;
    gsize n = 0;
    const guint32 *codes = g_variant_get_fixed_array(keys, &n, sizeof(guint32));
    if (!domain_graphics_send_key(call->daemon, dom, codeset, hold, codes, n, error))
        return NULL;
    return NULL;
}

/* OpenGraphicsFD(u idx, u flags) -> (h fd): a socket connected to the
 * VNC server, as virDomainOpenGraphicsFD (no TCP port for local clients). */
static GVariant *m_open_graphics_fd(DaemonCall *call, GError **error)
{
    DOMAIN_OR_FAIL(call, error);
    guint32 idx, flags;
    g_variant_get(call->params, "(uu)", &idx, &flags);
    if (idx != 0 || flags != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("The domain has one graphics device (0) and this takes no flags"));
        return NULL;
    }
    int fd = domain_graphics_open_fd(call->daemon, dom, error);
    if (fd < 0)
        return NULL;
    call->out_fds = g_unix_fd_list_new();
    int i = g_unix_fd_list_append(call->out_fds, fd, error);
    close(fd);
    if (i < 0) {
        g_clear_object(&call->out_fds);
        return NULL;
    }
    return g_variant_new("(h)", i);
}

static const DaemonMethod domain_methods[] = {
    { "Start", m_start, TRUE },
    { "Shutdown", m_shutdown, TRUE },
    { "Destroy", m_destroy, TRUE },
    { "Reboot", m_reboot, TRUE },
    { "Reset", m_reset, TRUE },
    { "Suspend", m_suspend, TRUE },
    { "Resume", m_resume, TRUE },
    { "Undefine", m_undefine, TRUE },
    { "GetXMLDesc", m_get_xml, FALSE },
    { "SetAutostart", m_set_autostart, TRUE },
    { "GetInfo", m_get_info, TRUE },
    { "GetState", m_get_state, FALSE },
    { "GetBlockInfo", m_get_block_info, TRUE },
    { "SnapshotCreateDiskOnly", m_snapshot_disk_only, TRUE },
    { "BlockCommit", m_block_commit, TRUE },
    { "OpenConsole", m_open_console, TRUE },
    { "OpenConsoleDevice", m_open_console_device, TRUE },
    { "Screenshot", m_screenshot, TRUE },
    { "SendKey", m_send_key, TRUE },
    { "OpenGraphicsFD", m_open_graphics_fd, TRUE },
    { NULL, NULL, FALSE },
};

typedef GVariant *(*DomainPropFunc)(const DomainObj *dom);

static GVariant *prop_name(const DomainObj *dom) { return g_variant_new_string(dom->def->name); }
static GVariant *prop_uuid(const DomainObj *dom) { return g_variant_new_string(dom->def->uuid); }
static GVariant *prop_id(const DomainObj *dom) { return g_variant_new_int32(dom->id); }
static GVariant *prop_state(const DomainObj *dom) { return g_variant_new_uint32(dom->state); }
static GVariant *prop_reason(const DomainObj *dom) { return g_variant_new_uint32(dom->reason); }
static GVariant *prop_persistent(const DomainObj *dom) { return g_variant_new_boolean(dom->persistent); }
static GVariant *prop_autostart(const DomainObj *dom) { return g_variant_new_boolean(dom->autostart); }
static GVariant *prop_active(const DomainObj *dom)
{
    return g_variant_new_boolean(domain_obj_is_active(dom));
}

static const struct {
    const char *name;
    DomainPropFunc get;
} domain_props[] = {
    { "Name", prop_name },
    { "UUID", prop_uuid },
    { "Id", prop_id },
    { "State", prop_state },
    { "StateReason", prop_reason },
    { "Persistent", prop_persistent },
    { "Autostart", prop_autostart },
    { "Active", prop_active },
};

static GVariant *domain_get_property(Daemon *d, const char *node, const char *name,
                                     GError **error)
{
    GVariant *v = NULL;
    domain_list_lock(d->domains);
    DomainObj *dom = domain_list_find_path_node(d->domains, node);
    if (!dom) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain not found: no domain with matching uuid '%s'"),
                    node ? node : "");
    } else {
        for (gsize i = 0; i < G_N_ELEMENTS(domain_props) && !v; i++)
            if (g_str_equal(name, domain_props[i].name))
                v = domain_props[i].get(dom);
        if (!v)
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                        _("Unknown property %s"), name);
    }
    domain_list_unlock(d->domains);
    return v;
}

const DaemonInterfaceImpl daemon_domain_impl = {
    "org.vessel.Domain1",
    domain_methods,
    domain_get_property,
};
