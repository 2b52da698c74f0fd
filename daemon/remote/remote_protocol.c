/* remote_protocol.c - XDR filters of the remote protocol types
 * (remote_protocol.h), written over libtirpc's xdr_* primitives.
 *
 * Each filter encodes, decodes or frees (XDR_FREE, through xdr_free) its
 * type.  Decoding allocates strings and arrays with malloc; the caller
 * frees a decoded value with xdr_free(filter, value).  Every string and
 * array is decoded with the maximum from the protocol definition, so a
 * hostile length word fails the decode instead of allocating. */
#include "config.h"

#include <string.h>

#include "remote_protocol.h"

bool_t remote_xdr_void(XDR *xdrs, void *unused)
{
    (void)xdrs;
    (void)unused;
    return TRUE;
}

static bool_t xdr_nonnull_string(XDR *xdrs, char **s)
{
    return xdr_string(xdrs, s, REMOTE_STRING_MAX);
}

/* remote_string: a pointer to a nonnull string */
static bool_t xdr_opt_string(XDR *xdrs, char ***s)
{
    return xdr_pointer(xdrs, (char **)s, sizeof(char *), (xdrproc_t)xdr_nonnull_string);
}

static bool_t xdr_uuid(XDR *xdrs, char *uuid)
{
    return xdr_opaque(xdrs, uuid, REMOTE_UUID_BUFLEN);
}

bool_t remote_xdr_domain_ref(XDR *xdrs, RemoteDomainRef *d)
{
    return xdr_nonnull_string(xdrs, &d->name) && xdr_uuid(xdrs, d->uuid) &&
           xdr_int(xdrs, &d->id);
}

bool_t remote_xdr_network_ref(XDR *xdrs, RemoteNetworkRef *n)
{
    return xdr_nonnull_string(xdrs, &n->name) && xdr_uuid(xdrs, n->uuid);
}

static bool_t xdr_opt_domain(XDR *xdrs, RemoteDomainRef **d)
{
    return xdr_pointer(xdrs, (char **)d, sizeof(RemoteDomainRef),
                       (xdrproc_t)remote_xdr_domain_ref);
}

static bool_t xdr_opt_network(XDR *xdrs, RemoteNetworkRef **n)
{
    return xdr_pointer(xdrs, (char **)n, sizeof(RemoteNetworkRef),
                       (xdrproc_t)remote_xdr_network_ref);
}

bool_t remote_xdr_error(XDR *xdrs, RemoteError *e)
{
    return xdr_int(xdrs, &e->code) && xdr_int(xdrs, &e->domain) &&
           xdr_opt_string(xdrs, &e->message) && xdr_int(xdrs, &e->level) &&
           xdr_opt_domain(xdrs, &e->dom) && xdr_opt_string(xdrs, &e->str1) &&
           xdr_opt_string(xdrs, &e->str2) && xdr_opt_string(xdrs, &e->str3) &&
           xdr_int(xdrs, &e->int1) && xdr_int(xdrs, &e->int2) && xdr_opt_network(xdrs, &e->net);
}

bool_t remote_xdr_open_args(XDR *xdrs, RemoteOpenArgs *a)
{
    return xdr_opt_string(xdrs, &a->name) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_int_msg(XDR *xdrs, RemoteIntMsg *m)
{
    return xdr_int(xdrs, &m->value);
}

bool_t remote_xdr_uint_msg(XDR *xdrs, RemoteUintMsg *m)
{
    return xdr_u_int(xdrs, &m->value);
}

bool_t remote_xdr_uhyper_msg(XDR *xdrs, RemoteUhyperMsg *m)
{
    return xdr_uint64_t(xdrs, &m->value);
}

bool_t remote_xdr_string_msg(XDR *xdrs, RemoteStringMsg *m)
{
    return xdr_nonnull_string(xdrs, &m->value);
}

bool_t remote_xdr_opt_string_msg(XDR *xdrs, RemoteOptStringMsg *m)
{
    return xdr_opt_string(xdrs, &m->value);
}

bool_t remote_xdr_string_flags_args(XDR *xdrs, RemoteStringFlagsArgs *a)
{
    return xdr_nonnull_string(xdrs, &a->value) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_uuid_args(XDR *xdrs, RemoteUuidArgs *a)
{
    return xdr_uuid(xdrs, a->uuid);
}

bool_t remote_xdr_auth_list_ret(XDR *xdrs, RemoteAuthListRet *r)
{
    return xdr_array(xdrs, (char **)&r->types, &r->n, REMOTE_AUTH_TYPE_LIST_MAX,
                     sizeof(gint32), (xdrproc_t)xdr_int);
}

bool_t remote_xdr_node_info_ret(XDR *xdrs, RemoteNodeInfoRet *r)
{
    return xdr_vector(xdrs, r->model, sizeof(r->model), sizeof(char), (xdrproc_t)xdr_char) &&
           xdr_uint64_t(xdrs, &r->memory) && xdr_int(xdrs, &r->cpus) &&
           xdr_int(xdrs, &r->mhz) && xdr_int(xdrs, &r->nodes) && xdr_int(xdrs, &r->sockets) &&
           xdr_int(xdrs, &r->cores) && xdr_int(xdrs, &r->threads);
}

bool_t remote_xdr_domain_caps_args(XDR *xdrs, RemoteDomainCapsArgs *a)
{
    return xdr_opt_string(xdrs, &a->emulatorbin) && xdr_opt_string(xdrs, &a->arch) &&
           xdr_opt_string(xdrs, &a->machine) && xdr_opt_string(xdrs, &a->virttype) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_list_all_args(XDR *xdrs, RemoteListAllArgs *a)
{
    return xdr_int(xdrs, &a->need_results) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_list_args(XDR *xdrs, RemoteListArgs *a)
{
    return xdr_int(xdrs, &a->max);
}

bool_t remote_xdr_id_list_ret(XDR *xdrs, RemoteIdListRet *r)
{
    return xdr_array(xdrs, (char **)&r->ids, &r->n, REMOTE_DOMAIN_LIST_MAX, sizeof(gint32),
                     (xdrproc_t)xdr_int);
}

bool_t remote_xdr_name_list_ret(XDR *xdrs, RemoteNameListRet *r)
{
    return xdr_array(xdrs, (char **)&r->names, &r->n, REMOTE_DOMAIN_LIST_MAX, sizeof(char *),
                     (xdrproc_t)xdr_nonnull_string);
}

bool_t remote_xdr_domain_msg(XDR *xdrs, RemoteDomainMsg *m)
{
    return remote_xdr_domain_ref(xdrs, &m->dom);
}

bool_t remote_xdr_domain_flags_args(XDR *xdrs, RemoteDomainFlagsArgs *a)
{
    return remote_xdr_domain_ref(xdrs, &a->dom) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_domain_int_args(XDR *xdrs, RemoteDomainIntArgs *a)
{
    return remote_xdr_domain_ref(xdrs, &a->dom) && xdr_int(xdrs, &a->value);
}

bool_t remote_xdr_open_console_args(XDR *xdrs, RemoteOpenConsoleArgs *a)
{
    return remote_xdr_domain_ref(xdrs, &a->dom) && xdr_opt_string(xdrs, &a->dev_name) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_domain_list_ret(XDR *xdrs, RemoteDomainListRet *r)
{
    return xdr_array(xdrs, (char **)&r->doms, &r->n, REMOTE_DOMAIN_LIST_MAX,
                     sizeof(RemoteDomainRef), (xdrproc_t)remote_xdr_domain_ref) &&
           xdr_u_int(xdrs, &r->ret);
}

bool_t remote_xdr_state_ret(XDR *xdrs, RemoteStateRet *r)
{
    return xdr_int(xdrs, &r->state) && xdr_int(xdrs, &r->reason);
}

bool_t remote_xdr_domain_uint_flags_args(XDR *xdrs, RemoteDomainUintFlagsArgs *a)
{
    return remote_xdr_domain_ref(xdrs, &a->dom) && xdr_u_int(xdrs, &a->value) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_metadata_args(XDR *xdrs, RemoteMetadataArgs *a)
{
    return remote_xdr_domain_ref(xdrs, &a->dom) && xdr_int(xdrs, &a->type) &&
           xdr_opt_string(xdrs, &a->uri) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_send_key_args(XDR *xdrs, RemoteSendKeyArgs *a)
{
    return remote_xdr_domain_ref(xdrs, &a->dom) && xdr_u_int(xdrs, &a->codeset) &&
           xdr_u_int(xdrs, &a->holdtime) &&
           xdr_array(xdrs, (char **)&a->keycodes, &a->n, REMOTE_DOMAIN_SEND_KEY_MAX,
                     sizeof(guint32), (xdrproc_t)xdr_u_int) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_domain_info_ret(XDR *xdrs, RemoteDomainInfoRet *r)
{
    /* unsigned char and unsigned short are 4-byte units in XDR */
    return xdr_u_int(xdrs, &r->state) && xdr_uint64_t(xdrs, &r->max_mem) &&
           xdr_uint64_t(xdrs, &r->memory) && xdr_u_int(xdrs, &r->nr_virt_cpu) &&
           xdr_uint64_t(xdrs, &r->cpu_time);
}

bool_t remote_xdr_network_msg(XDR *xdrs, RemoteNetworkMsg *m)
{
    return remote_xdr_network_ref(xdrs, &m->net);
}

bool_t remote_xdr_network_flags_args(XDR *xdrs, RemoteNetworkFlagsArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->net) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_network_int_args(XDR *xdrs, RemoteNetworkIntArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->net) && xdr_int(xdrs, &a->value);
}

bool_t remote_xdr_network_list_ret(XDR *xdrs, RemoteNetworkListRet *r)
{
    return xdr_array(xdrs, (char **)&r->nets, &r->n, REMOTE_NETWORK_LIST_MAX,
                     sizeof(RemoteNetworkRef), (xdrproc_t)remote_xdr_network_ref) &&
           xdr_u_int(xdrs, &r->ret);
}

static bool_t xdr_dhcp_lease(XDR *xdrs, RemoteDhcpLease *l)
{
    return xdr_nonnull_string(xdrs, &l->iface) && xdr_int64_t(xdrs, &l->expirytime) &&
           xdr_int(xdrs, &l->type) && xdr_opt_string(xdrs, &l->mac) &&
           xdr_opt_string(xdrs, &l->iaid) && xdr_nonnull_string(xdrs, &l->ipaddr) &&
           xdr_u_int(xdrs, &l->prefix) && xdr_opt_string(xdrs, &l->hostname) &&
           xdr_opt_string(xdrs, &l->clientid);
}

bool_t remote_xdr_dhcp_leases_args(XDR *xdrs, RemoteDhcpLeasesArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->net) && xdr_opt_string(xdrs, &a->mac) &&
           xdr_int(xdrs, &a->need_results) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_dhcp_leases_ret(XDR *xdrs, RemoteDhcpLeasesRet *r)
{
    return xdr_array(xdrs, (char **)&r->leases, &r->n, REMOTE_NETWORK_DHCP_LEASES_MAX,
                     sizeof(RemoteDhcpLease), (xdrproc_t)xdr_dhcp_lease) &&
           xdr_u_int(xdrs, &r->ret);
}

bool_t remote_xdr_domain_event_register_args(XDR *xdrs, RemoteDomainEventRegisterArgs *a)
{
    return xdr_int(xdrs, &a->event_id) && xdr_opt_domain(xdrs, &a->dom);
}

bool_t remote_xdr_network_event_register_args(XDR *xdrs, RemoteNetworkEventRegisterArgs *a)
{
    return xdr_int(xdrs, &a->event_id) && xdr_opt_network(xdrs, &a->net);
}

bool_t remote_xdr_domain_lifecycle_msg(XDR *xdrs, RemoteDomainLifecycleMsg *m)
{
    return xdr_int(xdrs, &m->callback_id) && remote_xdr_domain_ref(xdrs, &m->dom) &&
           xdr_int(xdrs, &m->event) && xdr_int(xdrs, &m->detail);
}

bool_t remote_xdr_domain_reboot_msg(XDR *xdrs, RemoteDomainRebootMsg *m)
{
    return xdr_int(xdrs, &m->callback_id) && remote_xdr_domain_ref(xdrs, &m->dom);
}

bool_t remote_xdr_network_lifecycle_msg(XDR *xdrs, RemoteNetworkLifecycleMsg *m)
{
    return xdr_int(xdrs, &m->callback_id) && remote_xdr_network_ref(xdrs, &m->net) &&
           xdr_int(xdrs, &m->event) && xdr_int(xdrs, &m->detail);
}

/* ------------------------------------------------------------ storage */

bool_t remote_xdr_vol_ref(XDR *xdrs, RemoteVolRef *v)
{
    return xdr_nonnull_string(xdrs, &v->pool) && xdr_nonnull_string(xdrs, &v->name) &&
           xdr_nonnull_string(xdrs, &v->key);
}

bool_t remote_xdr_pool_msg(XDR *xdrs, RemotePoolMsg *m)
{
    return remote_xdr_network_ref(xdrs, &m->pool);
}

bool_t remote_xdr_pool_flags_args(XDR *xdrs, RemotePoolFlagsArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->pool) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_pool_int_args(XDR *xdrs, RemotePoolIntArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->pool) && xdr_int(xdrs, &a->value);
}

bool_t remote_xdr_pool_string_args(XDR *xdrs, RemotePoolStringArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->pool) && xdr_nonnull_string(xdrs, &a->name);
}

bool_t remote_xdr_vol_create_args(XDR *xdrs, RemoteVolCreateArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->pool) && xdr_nonnull_string(xdrs, &a->xml) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_vol_create_from_args(XDR *xdrs, RemoteVolCreateFromArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->pool) && xdr_nonnull_string(xdrs, &a->xml) &&
           remote_xdr_vol_ref(xdrs, &a->clonevol) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_pool_list_all_args(XDR *xdrs, RemotePoolListAllArgs *a)
{
    return remote_xdr_network_ref(xdrs, &a->pool) && xdr_int(xdrs, &a->need_results) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_pool_list_ret(XDR *xdrs, RemotePoolListRet *r)
{
    return xdr_array(xdrs, (char **)&r->pools, &r->n, REMOTE_STORAGE_POOL_LIST_MAX,
                     sizeof(RemotePoolRef), (xdrproc_t)remote_xdr_network_ref) &&
           xdr_u_int(xdrs, &r->ret);
}

bool_t remote_xdr_vol_list_ret(XDR *xdrs, RemoteVolListRet *r)
{
    return xdr_array(xdrs, (char **)&r->vols, &r->n, REMOTE_STORAGE_VOL_LIST_MAX,
                     sizeof(RemoteVolRef), (xdrproc_t)remote_xdr_vol_ref) &&
           xdr_u_int(xdrs, &r->ret);
}

bool_t remote_xdr_pool_info_ret(XDR *xdrs, RemotePoolInfoRet *r)
{
    return xdr_u_int(xdrs, &r->state) && xdr_uint64_t(xdrs, &r->capacity) &&
           xdr_uint64_t(xdrs, &r->allocation) && xdr_uint64_t(xdrs, &r->available);
}

bool_t remote_xdr_vol_msg(XDR *xdrs, RemoteVolMsg *m)
{
    return remote_xdr_vol_ref(xdrs, &m->vol);
}

bool_t remote_xdr_vol_flags_args(XDR *xdrs, RemoteVolFlagsArgs *a)
{
    return remote_xdr_vol_ref(xdrs, &a->vol) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_vol_uint_flags_args(XDR *xdrs, RemoteVolUintFlagsArgs *a)
{
    return remote_xdr_vol_ref(xdrs, &a->vol) && xdr_u_int(xdrs, &a->value) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_vol_uhyper_flags_args(XDR *xdrs, RemoteVolUhyperFlagsArgs *a)
{
    return remote_xdr_vol_ref(xdrs, &a->vol) && xdr_uint64_t(xdrs, &a->value) &&
           xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_vol_stream_args(XDR *xdrs, RemoteVolStreamArgs *a)
{
    return remote_xdr_vol_ref(xdrs, &a->vol) && xdr_uint64_t(xdrs, &a->offset) &&
           xdr_uint64_t(xdrs, &a->length) && xdr_u_int(xdrs, &a->flags);
}

bool_t remote_xdr_vol_info_ret(XDR *xdrs, RemoteVolInfoRet *r)
{
    /* XDR "char" is a 4-byte int */
    return xdr_int(xdrs, &r->type) && xdr_uint64_t(xdrs, &r->capacity) &&
           xdr_uint64_t(xdrs, &r->allocation);
}

bool_t remote_xdr_pool_event_register_args(XDR *xdrs, RemotePoolEventRegisterArgs *a)
{
    return xdr_int(xdrs, &a->event_id) && xdr_opt_network(xdrs, &a->pool);
}

/* ------------------------------------------------------------ uuids */

gboolean remote_uuid_parse(const char *text, char out[REMOTE_UUID_BUFLEN])
{
    guint n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-')
            continue;
        int v = g_ascii_xdigit_value(*p);
        if (v < 0 || n >= 2 * REMOTE_UUID_BUFLEN)
            return FALSE;
        if (n % 2 == 0)
            out[n / 2] = (char)(v << 4);
        else
            out[n / 2] |= (char)v;
        n++;
    }
    return n == 2 * REMOTE_UUID_BUFLEN;
}

void remote_uuid_format(const char uuid[REMOTE_UUID_BUFLEN], char out[37])
{
    const guint8 *u = (const guint8 *)uuid;
    g_snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
               u[13], u[14], u[15]);
}
