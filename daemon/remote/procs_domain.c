/* procs_domain.c - domain procedures: lists, lookups, lifecycle, queries,
 * consoles.  Every one calls the daemon's domain driver (domain_driver.h),
 * as the D-Bus methods do; what is left here is libvirt's flags and
 * shapes.  Flags vesseld cannot honour are refused (VIR_ERR_INVALID_ARG),
 * except those that only ask to remove things Vessel never makes
 * (managed saves, snapshot or checkpoint metadata, NVRAM, TPM state). */
#include "config.h"

#include <string.h>

#include "daemon_auth.h"
#include "daemon_error.h"
#include "domain_console.h"
#include "domain_driver.h"
#include "domain_graphics.h"
#include "i18n.h"
#include "remote_client.h"
#include "remote_error.h"
#include "remote_procs.h"

/* virDomainCreateFlags / virDomainCreateXML: START_PAUSED, VALIDATE */
#define START_FLAGS (1u | 16u)
#define DEFINE_VALIDATE 1u
#define SHUTDOWN_ACPI_POWER_BTN 1u
/* MANAGED_SAVE | SNAPSHOTS_METADATA | NVRAM | KEEP_NVRAM | CHECKPOINTS_METADATA |
 * TPM | KEEP_TPM: nothing of that kind exists for a Vessel domain */
#define UNDEFINE_FLAGS 0x7fu
/* SECURE | INACTIVE | UPDATE_CPU | MIGRATABLE; the XML holds no host CPU
 * model, nothing host-specific to strip; SECURE adds the VNC password */
#define XML_FLAGS 0xfu
#define XML_SECURE 1u
#define XML_INACTIVE 2u
/* LIVE | CONFIG | MAXIMUM (GUEST needs an agent) */
#define VCPU_FLAGS 7u
#define CONSOLE_FORCE 1u
#define CONSOLE_SAFE 2u

/* List locked. */
static void fill_ref(RemoteDomainRef *out, const DomainObj *dom)
{
    out->name = g_strdup(dom->def->name);
    remote_uuid_parse(dom->def->uuid, out->uuid);
    out->id = dom->id;
}

static void set_ref(RemoteCall *call, RemoteDomainRef *out, DomainObj *dom)
{
    domain_list_lock(call->daemon->domains);
    fill_ref(out, dom);
    domain_list_unlock(call->daemon->domains);
}

/* The domain a reference names (by UUID, as libvirt does), referenced. */
static DomainObj *get_domain(RemoteCall *call, const RemoteDomainRef *ref, GError **error)
{
    char uuid[37];
    remote_uuid_format(ref->uuid, uuid);
    DomainList *list = call->daemon->domains;
    domain_list_lock(list);
    DomainObj *dom = domain_list_find_uuid(list, uuid);
    if (dom)
        domain_obj_ref(dom);
    domain_list_unlock(list);
    if (!dom)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain not found: no domain with matching uuid '%s' (%s)"), uuid,
                    ref->name);
    return dom;
}

#define DOMAIN_OR_FAIL(ref)                                        \
    g_autoptr(DomainObj) dom = get_domain(call, (ref), error);    \
    if (!dom)                                                      \
        return FALSE

/* After define/create: the reply names the object at @path (taken). */
static gboolean ref_from_path(RemoteCall *call, char *path_in, RemoteDomainRef *out,
                              GError **error)
{
    g_autofree char *path = path_in;
    if (!path)
        return FALSE;
    DomainList *list = call->daemon->domains;
    domain_list_lock(list);
    DomainObj *dom = domain_list_find_path_node(list, strrchr(path, '/') + 1);
    if (dom)
        fill_ref(out, dom);
    domain_list_unlock(list);
    if (!dom)   /* a transient domain that stopped at once */
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain not found: it ended before the reply"));
    return dom != NULL;
}

/* ------------------------------------------------------------ lists */

gboolean remote_connect_list_all_domains(RemoteCall *call, void *args, void *ret,
                                         GError **error)
{
    RemoteListAllArgs *a = args;
    RemoteDomainListRet *r = ret;
    if (!remote_check_flags(a->flags, DOMAIN_LIST_ALL_FLAGS, error))
        return FALSE;
    DomainList *list = call->daemon->domains;
    domain_list_lock(list);
    g_autoptr(GPtrArray) doms = domain_driver_list_locked(call->daemon, a->flags);
    if (a->need_results) {
        r->n = doms->len;
        r->doms = g_new0(RemoteDomainRef, MAX(doms->len, 1));
        for (guint i = 0; i < doms->len; i++)
            fill_ref(&r->doms[i], doms->pdata[i]);
    }
    r->ret = doms->len;
    domain_list_unlock(list);
    return TRUE;
}

static guint count(RemoteCall *call, gboolean active)
{
    DomainList *list = call->daemon->domains;
    domain_list_lock(list);
    g_autoptr(GPtrArray) doms = domain_driver_list_locked(
        call->daemon, active ? DOMAIN_LIST_ACTIVE : DOMAIN_LIST_INACTIVE);
    domain_list_unlock(list);
    return doms->len;
}

gboolean remote_connect_num_of_domains(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteIntMsg *)ret)->value = (gint32)count(call, TRUE);
    return TRUE;
}

gboolean remote_connect_num_of_defined_domains(RemoteCall *call, void *args, void *ret,
                                               GError **error)
{
    ((RemoteIntMsg *)ret)->value = (gint32)count(call, FALSE);
    return TRUE;
}

static gboolean list_max_ok(gint32 max, GError **error)
{
    if (max < 0 || (guint)max > REMOTE_DOMAIN_LIST_MAX) {
        remote_error_set(error, VIR_ERR_RPC, _("too many names or ids requested (%d > %u)"), max,
                         REMOTE_DOMAIN_LIST_MAX);
        return FALSE;
    }
    return TRUE;
}

gboolean remote_connect_list_domains(RemoteCall *call, void *args, void *ret, GError **error)
{
    gint32 max = ((RemoteListArgs *)args)->max;
    RemoteIdListRet *r = ret;
    if (!list_max_ok(max, error))
        return FALSE;
    DomainList *list = call->daemon->domains;
    domain_list_lock(list);
    g_autoptr(GPtrArray) doms = domain_driver_list_locked(call->daemon, DOMAIN_LIST_ACTIVE);
    r->n = MIN(doms->len, (guint)max);
    r->ids = g_new0(gint32, MAX(r->n, 1));
    for (guint i = 0; i < r->n; i++)
        r->ids[i] = ((DomainObj *)doms->pdata[i])->id;
    domain_list_unlock(list);
    return TRUE;
}

gboolean remote_connect_list_defined_domains(RemoteCall *call, void *args, void *ret,
                                             GError **error)
{
    gint32 max = ((RemoteListArgs *)args)->max;
    RemoteNameListRet *r = ret;
    if (!list_max_ok(max, error))
        return FALSE;
    DomainList *list = call->daemon->domains;
    domain_list_lock(list);
    g_autoptr(GPtrArray) doms = domain_driver_list_locked(call->daemon, DOMAIN_LIST_INACTIVE);
    r->n = MIN(doms->len, (guint)max);
    r->names = g_new0(char *, MAX(r->n, 1));
    for (guint i = 0; i < r->n; i++)
        r->names[i] = g_strdup(((DomainObj *)doms->pdata[i])->def->name);
    domain_list_unlock(list);
    return TRUE;
}

/* ------------------------------------------------------------ lookups */

static gboolean lookup_done(RemoteCall *call, DomainObj *dom, void *ret, GError **error,
                            const char *what)
{
    DomainList *list = call->daemon->domains;
    if (dom)
        fill_ref(&((RemoteDomainMsg *)ret)->dom, dom);
    domain_list_unlock(list);
    if (!dom)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain not found: no domain with matching %s"), what);
    return dom != NULL;
}

gboolean remote_domain_lookup_by_id(RemoteCall *call, void *args, void *ret, GError **error)
{
    gint32 id = ((RemoteIntMsg *)args)->value;
    g_autofree char *what = g_strdup_printf(_("id %d"), id);
    domain_list_lock(call->daemon->domains);
    DomainObj *dom = id > 0 ? domain_list_find_id(call->daemon->domains, id) : NULL;
    return lookup_done(call, dom, ret, error, what);
}

gboolean remote_domain_lookup_by_name(RemoteCall *call, void *args, void *ret, GError **error)
{
    const char *name = ((RemoteStringMsg *)args)->value;
    g_autofree char *what = g_strdup_printf(_("name '%s'"), name);
    domain_list_lock(call->daemon->domains);
    DomainObj *dom = domain_list_find_name(call->daemon->domains, name);
    return lookup_done(call, dom, ret, error, what);
}

gboolean remote_domain_lookup_by_uuid(RemoteCall *call, void *args, void *ret, GError **error)
{
    char uuid[37];
    remote_uuid_format(((RemoteUuidArgs *)args)->uuid, uuid);
    g_autofree char *what = g_strdup_printf(_("uuid '%s'"), uuid);
    domain_list_lock(call->daemon->domains);
    DomainObj *dom = domain_list_find_uuid(call->daemon->domains, uuid);
    return lookup_done(call, dom, ret, error, what);
}

/* ------------------------------------------------------------ lifecycle */

gboolean remote_domain_define_xml(RemoteCall *call, void *args, void *ret, GError **error)
{
    const char *xml = ((RemoteStringMsg *)args)->value;
    return ref_from_path(call, domain_driver_define(call->daemon, xml, error),
                         &((RemoteDomainMsg *)ret)->dom, error);
}

gboolean remote_domain_define_xml_flags(RemoteCall *call, void *args, void *ret,
                                        GError **error)
{
    RemoteStringFlagsArgs *a = args;
    /* VALIDATE: every definition is checked against the schema anyway */
    if (!remote_check_flags(a->flags, DEFINE_VALIDATE, error))
        return FALSE;
    return ref_from_path(call, domain_driver_define(call->daemon, a->value, error),
                         &((RemoteDomainMsg *)ret)->dom, error);
}

/* Whose rights the domain's files are opened with: the client's
 * (caller_open.h), as for D-Bus clients. */
static DaemonCaller *peer_caller(RemoteCall *call)
{
    return daemon_auth_peer_caller(remote_client_peer(call->client));
}

gboolean remote_domain_create_xml(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteStringFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, START_FLAGS, error))
        return FALSE;
    guint flags = (a->flags & 1u) ? DOMAIN_START_PAUSED : 0;
    g_autoptr(DaemonCaller) caller = peer_caller(call);
    return ref_from_path(call, domain_driver_create(call->daemon, a->value, flags, caller, error),
                         &((RemoteDomainMsg *)ret)->dom, error);
}

static gboolean start_domain(RemoteCall *call, const RemoteDomainRef *ref, guint32 lv_flags,
                      RemoteDomainRef *out, GError **error)
{
    if (!remote_check_flags(lv_flags, START_FLAGS, error))
        return FALSE;
    DOMAIN_OR_FAIL(ref);
    guint flags = (lv_flags & 1u) ? DOMAIN_START_PAUSED : 0;
    g_autoptr(DaemonCaller) caller = peer_caller(call);
    if (!domain_driver_start(call->daemon, dom, flags, caller, error))
        return FALSE;
    if (out)
        set_ref(call, out, dom);
    return TRUE;
}

gboolean remote_domain_create(RemoteCall *call, void *args, void *ret, GError **error)
{
    return start_domain(call, &((RemoteDomainMsg *)args)->dom, 0, NULL, error);
}

gboolean remote_domain_create_with_flags(RemoteCall *call, void *args, void *ret,
                                         GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    return start_domain(call, &a->dom, a->flags, &((RemoteDomainMsg *)ret)->dom, error);
}

static gboolean destroy_domain(RemoteCall *call, const RemoteDomainRef *ref, guint32 flags,
                        GError **error)
{
    /* GRACEFUL (SIGTERM only) is not what Destroy does after the grace */
    if (!remote_check_flags(flags, 0, error))
        return FALSE;
    DOMAIN_OR_FAIL(ref);
    return domain_driver_destroy(call->daemon, dom, error);
}

gboolean remote_domain_destroy(RemoteCall *call, void *args, void *ret, GError **error)
{
    return destroy_domain(call, &((RemoteDomainMsg *)args)->dom, 0, error);
}

gboolean remote_domain_destroy_flags(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    return destroy_domain(call, &a->dom, a->flags, error);
}

static gboolean press_power_button(RemoteCall *call, const RemoteDomainRef *ref, guint32 flags,
                         GError **error)
{
    /* the default and ACPI_POWER_BTN are the same press of the button */
    if (!remote_check_flags(flags, SHUTDOWN_ACPI_POWER_BTN, error))
        return FALSE;
    DOMAIN_OR_FAIL(ref);
    return domain_driver_shutdown(call->daemon, dom, 0, error);
}

gboolean remote_domain_shutdown(RemoteCall *call, void *args, void *ret, GError **error)
{
    return press_power_button(call, &((RemoteDomainMsg *)args)->dom, 0, error);
}

gboolean remote_domain_shutdown_flags(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    return press_power_button(call, &a->dom, a->flags, error);
}

/* virDomainReboot: the ACPI power button, the guest's power-off resets
 * (domain_driver_reboot); VIR_DOMAIN_REBOOT_ACPI_POWER_BTN (virsh reboot
 * --mode acpi) asks for exactly that. */
#define REMOTE_REBOOT_ACPI_POWER_BTN 1u
gboolean remote_domain_reboot(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, REMOTE_REBOOT_ACPI_POWER_BTN, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    return domain_driver_reboot(call->daemon, dom, error);
}

/* virDomainReset: a hard reset in place. */
gboolean remote_domain_reset(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    return domain_driver_reset(call->daemon, dom, error);
}

gboolean remote_domain_suspend(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    return domain_driver_suspend(call->daemon, dom, error);
}

gboolean remote_domain_resume(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    return domain_driver_resume(call->daemon, dom, error);
}

gboolean remote_domain_undefine(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    return domain_driver_undefine(call->daemon, dom, error);
}

gboolean remote_domain_undefine_flags(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, UNDEFINE_FLAGS, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    return domain_driver_undefine(call->daemon, dom, error);
}

gboolean remote_domain_set_autostart(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainIntArgs *a = args;
    DOMAIN_OR_FAIL(&a->dom);
    g_autoptr(DaemonCaller) caller = peer_caller(call);
    return domain_driver_set_autostart(call->daemon, dom, a->value != 0, caller, error);
}

/* ------------------------------------------------------------ queries */

gboolean remote_domain_get_xml_desc(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, XML_FLAGS, error))
        return FALSE;
    /* secrets only for who may change the domain (libvirt refuses SECURE
     * on read-only connections the same way) */
    if (a->flags & XML_SECURE) {
        const DaemonPeer *peer = remote_client_peer(call->client);
        if (peer->read_only) {
            remote_error_set(error, VIR_ERR_OPERATION_DENIED,
                             _("operation forbidden: virDomainGetXMLDesc with secure flag"));
            return FALSE;
        }
        if (!daemon_auth_check_peer(call->daemon, peer, error))
            return FALSE;
    }
    DOMAIN_OR_FAIL(&a->dom);
    guint flags = ((a->flags & XML_INACTIVE) ? DOMAIN_XML_INACTIVE : 0) |
                  ((a->flags & XML_SECURE) ? DOMAIN_XML_SECURE : 0);
    char *xml = domain_driver_get_xml(call->daemon, dom, flags, error);
    ((RemoteStringMsg *)ret)->value = xml;
    return xml != NULL;
}

gboolean remote_domain_get_info(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    DomainInfo i;
    if (!domain_driver_get_info(call->daemon, dom, &i, error))
        return FALSE;
    *(RemoteDomainInfoRet *)ret = (RemoteDomainInfoRet){
        .state = i.state,
        .max_mem = i.max_kib,
        .memory = i.cur_kib,
        .nr_virt_cpu = i.vcpus,
        .cpu_time = i.cpu_ns,
    };
    return TRUE;
}

gboolean remote_domain_get_state(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    DomainState state;
    int reason;
    domain_driver_get_state(call->daemon, dom, &state, &reason);
    *(RemoteStateRet *)ret = (RemoteStateRet){ (gint32)state, reason };
    return TRUE;
}

/* The fields below are the definition's: read them under the lock. */
#define WITH_DEF(expr)                                \
    domain_list_lock(call->daemon->domains);          \
    expr;                                             \
    domain_list_unlock(call->daemon->domains)

gboolean remote_domain_get_autostart(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    WITH_DEF(((RemoteIntMsg *)ret)->value = dom->autostart);
    return TRUE;
}

gboolean remote_domain_get_os_type(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    ((RemoteStringMsg *)ret)->value = g_strdup("hvm");
    return TRUE;
}

gboolean remote_domain_get_max_memory(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    WITH_DEF(((RemoteUhyperMsg *)ret)->value = dom->def->memory_kib);
    return TRUE;
}

gboolean remote_domain_get_max_vcpus(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    WITH_DEF(((RemoteIntMsg *)ret)->value = (gint32)dom->def->vcpus);
    return TRUE;
}

gboolean remote_domain_get_vcpus_flags(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, VCPU_FLAGS, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    /* no hotplug: current, configured and maximum are the same */
    WITH_DEF(((RemoteIntMsg *)ret)->value = (gint32)dom->def->vcpus);
    return TRUE;
}

gboolean remote_domain_is_active(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    WITH_DEF(((RemoteIntMsg *)ret)->value = domain_obj_is_active(dom));
    return TRUE;
}

gboolean remote_domain_is_persistent(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    WITH_DEF(((RemoteIntMsg *)ret)->value = dom->persistent);
    return TRUE;
}

gboolean remote_domain_is_updated(RemoteCall *call, void *args, void *ret, GError **error)
{
    DOMAIN_OR_FAIL(&((RemoteDomainMsg *)args)->dom);
    WITH_DEF(((RemoteIntMsg *)ret)->value = dom->next_def != NULL);
    return TRUE;
}

gboolean remote_domain_has_managed_save_image(RemoteCall *call, void *args, void *ret,
                                              GError **error)
{
    RemoteDomainFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    ((RemoteIntMsg *)ret)->value = 0;   /* Vessel has no managed save */
    return TRUE;
}

/* virDomainMetadataType: DESCRIPTION, TITLE, ELEMENT; AFFECT_LIVE/CONFIG */
enum { METADATA_DESCRIPTION = 0, METADATA_TITLE = 1, METADATA_ELEMENT = 2 };
#define METADATA_FLAGS 3u

gboolean remote_domain_get_metadata(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteMetadataArgs *a = args;
    if (!remote_check_flags(a->flags, METADATA_FLAGS, error))
        return FALSE;
    if (a->type == METADATA_ELEMENT) {
        remote_error_set(error, VIR_ERR_NO_SUPPORT,
                         _("this function is not supported by the connection driver: "
                           "virDomainGetMetadata of a <metadata> element"));
        return FALSE;
    }
    if (a->type != METADATA_DESCRIPTION && a->type != METADATA_TITLE) {
        remote_error_set(error, VIR_ERR_INVALID_ARG, _("unknown metadata type %d"), a->type);
        return FALSE;
    }
    DOMAIN_OR_FAIL(&a->dom);
    /* the inactive definition when asked for it (AFFECT_CONFIG) */
    char *text;
    domain_list_lock(call->daemon->domains);
    const DomainDef *def = (a->flags & 2u) && dom->next_def ? dom->next_def : dom->def;
    text = g_strdup(a->type == METADATA_TITLE ? def->title : def->description);
    domain_list_unlock(call->daemon->domains);
    if (!text) {
        remote_error_set(error, VIR_ERR_NO_DOMAIN_METADATA,
                         _("metadata not found: Requested metadata element is not present"));
        return FALSE;
    }
    ((RemoteStringMsg *)ret)->value = text;
    return TRUE;
}

/* ------------------------------------------------------------ console */

gboolean remote_domain_open_console(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteOpenConsoleArgs *a = args;
    if (!remote_check_flags(a->flags, CONSOLE_FORCE | CONSOLE_SAFE, error))
        return FALSE;
    if (!remote_client_stream_room(call->client, call->serial, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    /* SAFE asks for exclusive access, which every console relay gives */
    guint flags = (a->flags & CONSOLE_FORCE) ? DOMAIN_CONSOLE_FORCE : 0;
    domain_list_lock(call->daemon->domains);
    int fd = domain_console_open(call->daemon, dom, a->dev_name ? *a->dev_name : NULL, flags,
                                 error);
    domain_list_unlock(call->daemon->domains);
    call->stream_fd = fd;
    return fd >= 0;
}

/* ------------------------------------------------------------ display */

gboolean remote_domain_screenshot(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteDomainUintFlagsArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    if (a->value != 0) {
        remote_error_set(error, VIR_ERR_INVALID_ARG, _("the domain has one screen (0), not %u"),
                         a->value);
        return FALSE;
    }
    if (!remote_client_stream_room(call->client, call->serial, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    GBytes *png = domain_graphics_screenshot(call->daemon, dom, error);
    if (!png)
        return FALSE;
    RemoteOptStringMsg *r = ret;
    r->value = g_new(char *, 1);
    *r->value = g_strdup("image/png");
    call->stream_bytes = png;
    return TRUE;
}

gboolean remote_domain_send_key(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteSendKeyArgs *a = args;
    if (!remote_check_flags(a->flags, 0, error))
        return FALSE;
    DOMAIN_OR_FAIL(&a->dom);
    return domain_graphics_send_key(call->daemon, dom, a->codeset, a->holdtime, a->keycodes,
                                    a->n, error);
}

gboolean remote_domain_open_graphics_fd(RemoteCall *call, void *args, void *ret,
                                        GError **error)
{
    RemoteDomainUintFlagsArgs *a = args;
    /* VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH (1): the VNC password is checked
     * by the VNC server either way */
    if (!remote_check_flags(a->flags, 1, error))
        return FALSE;
    if (a->value != 0) {
        remote_error_set(error, VIR_ERR_INVALID_ARG,
                         _("the domain has one graphics device (0), not %u"), a->value);
        return FALSE;
    }
    DOMAIN_OR_FAIL(&a->dom);
    call->reply_fd = domain_graphics_open_fd(call->daemon, dom, error);
    return call->reply_fd >= 0;
}
