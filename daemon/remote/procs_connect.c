/* procs_connect.c - connection, host and event-registration procedures.
 *
 * What libvirt clients learn about the other end: the hypervisor type
 * "Vessel" with Vessel's version, the libvirt protocol level vesseld
 * speaks (REMOTE_LIB_VERSION: the Debian 12 clients it is tested with),
 * the host's capabilities and node info from host_caps.h, and "none" as
 * the authentication (the socket's permissions and the peer's
 * credentials decide, daemon_auth.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "daemon_events.h"
#include "host_caps.h"
#include "i18n.h"
#include "remote_client.h"
#include "remote_error.h"
#include "remote_procs.h"
#include "xml/domain_conf.h"

/* libvirt 9.0.0 as virConnectGetLibVersion encodes it */
#define REMOTE_LIB_VERSION 9000000ull

/* The domain event ids a client may register (VIR_DOMAIN_EVENT_ID_LAST
 * of libvirt 9.0) and the network ones (LIFECYCLE, METADATA_CHANGE).
 * vesseld raises lifecycle events; the others are accepted and stay
 * silent, as they do for a libvirt driver without such events. */
#define DOMAIN_EVENT_ID_LAST 27
#define NETWORK_EVENT_ID_LAST 2

static char *dup_or_null(const char *s)
{
    return s ? g_strdup(s) : NULL;
}

gboolean remote_connect_open(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteOpenArgs *a = args;
    const char *name = a->name ? *a->name : NULL;
    if (remote_client_is_open(call->client)) {
        remote_error_set(error, VIR_ERR_INTERNAL_ERROR, _("connection already open"));
        return FALSE;
    }
    if (name && *name && !g_str_has_prefix(name, "qemu:") && !g_str_has_prefix(name, "vessel:")) {
        remote_error_set(error, VIR_ERR_NO_CONNECT,
                         _("no connection driver available for %s (vesseld serves qemu:// "
                           "and vessel:// URIs)"), name);
        return FALSE;
    }
    g_autofree char *uri = name && *name ? g_strdup(name)
                           : g_strdup(call->daemon->config->mode == DAEMON_MODE_SESSION
                                          ? "qemu:///session"
                                          : "qemu:///system");
    remote_client_set_open(call->client, uri, (a->flags & 1) != 0);   /* VIR_CONNECT_RO */
    return TRUE;
}

gboolean remote_connect_close(RemoteCall *call, void *args, void *ret, GError **error)
{
    remote_client_connect_closed(call->client);
    return TRUE;
}

gboolean remote_connect_get_type(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteStringMsg *)ret)->value = g_strdup("Vessel");
    return TRUE;
}

gboolean remote_connect_get_version(RemoteCall *call, void *args, void *ret, GError **error)
{
    guint64 major = 0, minor = 0, micro = 0;
    sscanf(PACKAGE_VERSION, "%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT,
           &major, &minor, &micro);
    ((RemoteUhyperMsg *)ret)->value = major * 1000000 + minor * 1000 + micro;
    return TRUE;
}

gboolean remote_connect_get_lib_version(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteUhyperMsg *)ret)->value = REMOTE_LIB_VERSION;
    return TRUE;
}

gboolean remote_connect_get_hostname(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteStringMsg *)ret)->value = g_strdup(g_get_host_name());
    return TRUE;
}

gboolean remote_connect_get_uri(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteStringMsg *)ret)->value = dup_or_null(remote_client_uri(call->client));
    return TRUE;
}

gboolean remote_connect_get_max_vcpus(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteIntMsg *)ret)->value = VESSEL_DOMAIN_MAX_VCPUS;
    return TRUE;
}

gboolean remote_connect_is_secure(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteIntMsg *)ret)->value = 1;   /* a local unix socket */
    return TRUE;
}

gboolean remote_connect_supports_feature(RemoteCall *call, void *args, void *ret,
                                         GError **error)
{
    int feature = ((RemoteIntMsg *)args)->value;
    int yes = 0;
    switch (feature) {
    case REMOTE_FEATURE_PROGRAM_KEEPALIVE:
        /* asking is how a client says it answers pings (as libvirtd reads it) */
        remote_client_start_keepalive(call->client);
        yes = 1;
        break;
    case REMOTE_FEATURE_FD_PASSING:       /* replies with fds: OpenGraphicsFD */
    case REMOTE_FEATURE_REMOTE_EVENT_CALLBACK:
    case REMOTE_FEATURE_REMOTE_CLOSE_CALLBACK:
        yes = 1;
        break;
    default:
        break;
    }
    ((RemoteIntMsg *)ret)->value = yes;
    return TRUE;
}

gboolean remote_connect_auth_list(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteAuthListRet *r = ret;
    r->n = 1;
    r->types = g_new0(gint32, 1);
    r->types[0] = REMOTE_AUTH_NONE;
    return TRUE;
}

gboolean remote_connect_get_capabilities(RemoteCall *call, void *args, void *ret,
                                         GError **error)
{
    ((RemoteStringMsg *)ret)->value = host_caps_format(call->daemon->config);
    return TRUE;
}

static const char *opt(char **s)
{
    return s ? *s : NULL;
}

gboolean remote_connect_get_domain_capabilities(RemoteCall *call, void *args, void *ret,
                                                GError **error)
{
    RemoteDomainCapsArgs *a = args;
    if (a->flags) {
        remote_error_set(error, VIR_ERR_INVALID_ARG, _("unsupported flags (0x%x)"), a->flags);
        return FALSE;
    }
    char *xml = host_caps_domain_format(call->daemon->config, opt(a->emulatorbin), opt(a->arch),
                                        opt(a->machine), opt(a->virttype), error);
    ((RemoteStringMsg *)ret)->value = xml;
    return xml != NULL;
}

gboolean remote_node_get_info(RemoteCall *call, void *args, void *ret, GError **error)
{
    RemoteNodeInfoRet *r = ret;
    HostNodeInfo n;
    host_caps_node_info(&n);
    memcpy(r->model, n.model, sizeof(r->model));
    r->memory = n.memory_kib;
    r->cpus = (gint32)n.cpus;
    r->mhz = (gint32)n.mhz;
    r->nodes = (gint32)n.nodes;
    r->sockets = (gint32)n.sockets;
    r->cores = (gint32)n.cores;
    r->threads = (gint32)n.threads;
    return TRUE;
}

gboolean remote_node_get_free_memory(RemoteCall *call, void *args, void *ret, GError **error)
{
    ((RemoteUhyperMsg *)ret)->value = host_caps_free_memory();
    return TRUE;
}

gboolean remote_connect_close_callback(RemoteCall *call, void *args, void *ret, GError **error)
{
    /* nothing to keep: a closing connection is seen by the client itself */
    return TRUE;
}

gboolean remote_connect_domain_event_register(RemoteCall *call, void *args, void *ret,
                                              GError **error)
{
    RemoteDomainEventRegisterArgs *a = args;
    if (a->event_id < 0 || a->event_id >= DOMAIN_EVENT_ID_LAST) {
        remote_error_set(error, VIR_ERR_INVALID_ARG, _("unsupported event ID %d"), a->event_id);
        return FALSE;
    }
    char uuid[37] = "";
    if (a->dom)
        remote_uuid_format(a->dom->uuid, uuid);
    gint32 id = remote_client_add_callback(call->client, DAEMON_EVENT_DOMAIN, a->event_id,
                                           a->dom ? uuid : NULL, error);
    ((RemoteIntMsg *)ret)->value = id;
    return id >= 0;
}

gboolean remote_connect_network_event_register(RemoteCall *call, void *args, void *ret,
                                               GError **error)
{
    RemoteNetworkEventRegisterArgs *a = args;
    if (a->event_id < 0 || a->event_id >= NETWORK_EVENT_ID_LAST) {
        remote_error_set(error, VIR_ERR_INVALID_ARG, _("unsupported event ID %d"), a->event_id);
        return FALSE;
    }
    char uuid[37] = "";
    if (a->net)
        remote_uuid_format(a->net->uuid, uuid);
    gint32 id = remote_client_add_callback(call->client, DAEMON_EVENT_NETWORK, a->event_id,
                                           a->net ? uuid : NULL, error);
    ((RemoteIntMsg *)ret)->value = id;
    return id >= 0;
}

gboolean remote_connect_event_deregister(RemoteCall *call, void *args, void *ret,
                                         GError **error)
{
    return remote_client_remove_callback(call->client, ((RemoteIntMsg *)args)->value, error);
}
