/* remote_packet.c - libvirt RPC framing and header (remote_packet.h). */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "remote_packet.h"

G_DEFINE_QUARK(vessel-remote-packet-error-quark, remote_packet_error)

gboolean remote_packet_length(const guint8 *word, guint32 max, guint32 *len, GError **error)
{
    guint32 n = ((guint32)word[0] << 24) | ((guint32)word[1] << 16) | ((guint32)word[2] << 8) |
                word[3];
    if (n < REMOTE_PACKET_PAYLOAD_OFFSET || n > max) {
        g_set_error(error, REMOTE_PACKET_ERROR, REMOTE_PACKET_ERROR_LENGTH,
                    _("packet length %u is out of range (%u to %u)"), n,
                    REMOTE_PACKET_PAYLOAD_OFFSET, max);
        return FALSE;
    }
    *len = n;
    return TRUE;
}

static bool_t xdr_header(XDR *xdrs, RemotePacketHeader *h)
{
    return xdr_u_int(xdrs, &h->prog) && xdr_u_int(xdrs, &h->vers) && xdr_int(xdrs, &h->proc) &&
           xdr_int(xdrs, &h->type) && xdr_u_int(xdrs, &h->serial) && xdr_int(xdrs, &h->status);
}

gboolean remote_packet_header_decode(const guint8 *pkt, gsize len, RemotePacketHeader *h,
                                     GError **error)
{
    XDR x;
    if (len < REMOTE_PACKET_PAYLOAD_OFFSET) {
        g_set_error(error, REMOTE_PACKET_ERROR, REMOTE_PACKET_ERROR_HEADER,
                    _("packet of %zu bytes has no header"), len);
        return FALSE;
    }
    xdrmem_create(&x, (char *)pkt + REMOTE_PACKET_LEN_SIZE, REMOTE_PACKET_HEADER_SIZE,
                  XDR_DECODE);
    gboolean ok = xdr_header(&x, h);
    xdr_destroy(&x);
    if (!ok)
        g_set_error_literal(error, REMOTE_PACKET_ERROR, REMOTE_PACKET_ERROR_HEADER,
                            _("unable to decode the packet header"));
    return ok;
}

gboolean remote_packet_payload_decode(const guint8 *pkt, gsize len, xdrproc_t filter, void *obj,
                                      GError **error)
{
    XDR x;
    g_return_val_if_fail(len >= REMOTE_PACKET_PAYLOAD_OFFSET, FALSE);
    xdrmem_create(&x, (char *)pkt + REMOTE_PACKET_PAYLOAD_OFFSET,
                  (u_int)(len - REMOTE_PACKET_PAYLOAD_OFFSET), XDR_DECODE);
    gboolean ok = filter(&x, obj);
    xdr_destroy(&x);
    if (!ok) {
        xdr_free(filter, obj);
        g_set_error_literal(error, REMOTE_PACKET_ERROR, REMOTE_PACKET_ERROR_PAYLOAD,
                            _("unable to decode the message payload"));
    }
    return ok;
}

static void put_length(guint8 *p, guint32 n)
{
    p[0] = (guint8)(n >> 24);
    p[1] = (guint8)(n >> 16);
    p[2] = (guint8)(n >> 8);
    p[3] = (guint8)n;
}

static gboolean encode_header(guint8 *buf, const RemotePacketHeader *h)
{
    XDR x;
    RemotePacketHeader copy = *h;
    xdrmem_create(&x, (char *)buf + REMOTE_PACKET_LEN_SIZE, REMOTE_PACKET_HEADER_SIZE,
                  XDR_ENCODE);
    gboolean ok = xdr_header(&x, &copy);
    xdr_destroy(&x);
    return ok;
}

static GBytes *encode(const RemotePacketHeader *h, gboolean with_fds, guint32 nfds,
                      xdrproc_t filter, const void *obj, GError **error)
{
    gsize prefix = REMOTE_PACKET_PAYLOAD_OFFSET + (with_fds ? 4 : 0);
    gsize payload = xdr_sizeof(filter, (void *)obj);
    gsize total = prefix + payload;
    if (total > REMOTE_PACKET_OUT_MAX) {
        g_set_error(error, REMOTE_PACKET_ERROR, REMOTE_PACKET_ERROR_TOO_LARGE,
                    _("reply of %zu bytes is larger than the protocol allows (%u)"), total,
                    REMOTE_PACKET_OUT_MAX);
        return NULL;
    }
    guint8 *buf = g_malloc(total);
    put_length(buf, (guint32)total);
    gboolean ok = encode_header(buf, h);
    if (with_fds)
        put_length(buf + REMOTE_PACKET_PAYLOAD_OFFSET, nfds);   /* XDR unsigned int */
    XDR x;
    xdrmem_create(&x, (char *)buf + prefix, (u_int)payload, XDR_ENCODE);
    ok = ok && filter(&x, (void *)obj);
    xdr_destroy(&x);
    if (!ok) {
        g_free(buf);
        g_set_error_literal(error, REMOTE_PACKET_ERROR, REMOTE_PACKET_ERROR_PAYLOAD,
                            _("unable to encode the message payload"));
        return NULL;
    }
    return g_bytes_new_take(buf, total);
}

GBytes *remote_packet_encode(const RemotePacketHeader *h, xdrproc_t filter, const void *obj,
                             GError **error)
{
    return encode(h, FALSE, 0, filter, obj, error);
}

GBytes *remote_packet_encode_fds(const RemotePacketHeader *h, guint32 nfds, xdrproc_t filter,
                                 const void *obj, GError **error)
{
    return encode(h, TRUE, nfds, filter, obj, error);
}

GBytes *remote_packet_encode_raw(const RemotePacketHeader *h, const void *data, gsize len)
{
    gsize total = REMOTE_PACKET_PAYLOAD_OFFSET + len;
    g_return_val_if_fail(total <= REMOTE_PACKET_OUT_MAX, NULL);
    guint8 *buf = g_malloc(total);
    put_length(buf, (guint32)total);
    encode_header(buf, h);
    if (len)
        memcpy(buf + REMOTE_PACKET_PAYLOAD_OFFSET, data, len);
    return g_bytes_new_take(buf, total);
}
