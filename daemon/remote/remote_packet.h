/* remote_packet.h - libvirt RPC packets: framing, header, payload.
 *
 * On the wire (virnetprotocol.x) a packet is a 4-byte big-endian length
 * that counts itself, a 24-byte header (program, version, procedure,
 * type, serial, status) and an XDR payload whose layout the program,
 * procedure, type and status decide.  This file knows the framing and
 * the header; the payload is encoded and decoded with the filters of
 * remote_protocol.h.  The length word is checked before anything is
 * buffered: a client announcing more than REMOTE_PACKET_IN_MAX is
 * refused without reading the rest. */
#ifndef VESSEL_REMOTE_PACKET_H
#define VESSEL_REMOTE_PACKET_H

#include <glib.h>
#include <rpc/rpc.h>

#define REMOTE_PACKET_LEN_SIZE 4u
#define REMOTE_PACKET_HEADER_SIZE 24u
#define REMOTE_PACKET_PAYLOAD_OFFSET (REMOTE_PACKET_LEN_SIZE + REMOTE_PACKET_HEADER_SIZE)
/* libvirt's VIR_NET_MESSAGE_MAX (32 MiB) plus the length word: the most
 * vesseld ever sends. */
#define REMOTE_PACKET_OUT_MAX (REMOTE_PACKET_LEN_SIZE + 33554432u)
/* The most a client may send: the largest call vesseld answers is a
 * define with an XML string of REMOTE_STRING_MAX (4 MiB). */
#define REMOTE_PACKET_IN_MAX (REMOTE_PACKET_PAYLOAD_OFFSET + 4194304u + 4096u)
/* Stream data per packet (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX). */
#define REMOTE_STREAM_CHUNK_MAX 262120u

typedef enum {
    REMOTE_PACKET_CALL = 0,
    REMOTE_PACKET_REPLY = 1,
    REMOTE_PACKET_MESSAGE = 2,
    REMOTE_PACKET_STREAM = 3,
    REMOTE_PACKET_CALL_WITH_FDS = 4,
    REMOTE_PACKET_REPLY_WITH_FDS = 5,
    REMOTE_PACKET_STREAM_HOLE = 6,
    REMOTE_PACKET_TYPE_LAST
} RemotePacketType;

typedef enum {
    REMOTE_STATUS_OK = 0,
    REMOTE_STATUS_ERROR = 1,
    REMOTE_STATUS_CONTINUE = 2,
    REMOTE_STATUS_LAST
} RemoteStatus;

typedef struct {
    guint32 prog;
    guint32 vers;
    gint32 proc;
    gint32 type;             /* RemotePacketType */
    guint32 serial;
    gint32 status;           /* RemoteStatus */
} RemotePacketHeader;

#define REMOTE_PACKET_ERROR (remote_packet_error_quark())
GQuark remote_packet_error_quark(void);
typedef enum {
    REMOTE_PACKET_ERROR_LENGTH,      /* length word out of range */
    REMOTE_PACKET_ERROR_HEADER,      /* header not decodable */
    REMOTE_PACKET_ERROR_PAYLOAD,     /* payload not decodable */
    REMOTE_PACKET_ERROR_TOO_LARGE,   /* an outgoing packet over the maximum */
} RemotePacketErrorCode;

/* The total length announced by the 4 bytes at @word; an error unless
 * it is at least a header and at most @max. */
gboolean remote_packet_length(const guint8 *word, guint32 max, guint32 *len, GError **error);
/* Decode the header of the @len-byte packet @pkt (length word included). */
gboolean remote_packet_header_decode(const guint8 *pkt, gsize len, RemotePacketHeader *h,
                                     GError **error);
/* Decode the payload of @pkt into @obj (zeroed by the caller) with
 * @filter; on failure what was decoded so far is freed.  Free a success
 * with xdr_free(@filter, @obj). */
gboolean remote_packet_payload_decode(const guint8 *pkt, gsize len, xdrproc_t filter, void *obj,
                                      GError **error);
/* A whole packet: length word, @h, @obj encoded with @filter. */
GBytes *remote_packet_encode(const RemotePacketHeader *h, xdrproc_t filter, const void *obj,
                             GError **error);
/* The same for a REPLY_WITH_FDS: the number of fds passed (@nfds, an XDR
 * unsigned int) comes between the header and the payload. */
GBytes *remote_packet_encode_fds(const RemotePacketHeader *h, guint32 nfds, xdrproc_t filter,
                                 const void *obj, GError **error);
/* A whole packet whose payload is @len raw bytes (stream data). */
GBytes *remote_packet_encode_raw(const RemotePacketHeader *h, const void *data, gsize len);

#endif
