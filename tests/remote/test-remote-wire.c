/* test-remote-wire.c - vesseld's libvirt transport at the packet level.
 *
 * The procedure table and the XDR layouts (sizes the protocol fixes), then
 * a real vesseld (tests/daemon's fixture) fed by a raw client on its
 * libvirt sockets: the handshake libvirt's client library does, and every
 * kind of bad input - unknown procedures, other programs and versions,
 * calls before CONNECT_OPEN, arguments that do not decode, fd passing,
 * stream packets for no stream, lengths out of range, packets a client
 * must never send, writes on the read-only socket.  Each gets libvirt's
 * error (or the connection closed), and the daemon goes on serving.
 * Lifecycle events of a domain defined over D-Bus reach a libvirt client:
 * both transports subscribe to the one event queue. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "remote/remote_packet.h"
#include "remote/remote_procs.h"
#include "remote/remote_protocol.h"
#include "tests/daemon/daemon-fixture.h"

/* ------------------------------------------------------------ offline */

static void test_table(void)
{
    gsize n;
    const RemoteProc *t = remote_proc_table(&n);
    g_assert_cmpuint(n, >, 60);
    for (gsize i = 0; i < n; i++) {
        if (i > 0)
            g_assert_cmpint(t[i - 1].number, <, t[i].number);
        g_assert_true(g_str_has_prefix(t[i].api, "vir"));
        g_assert_nonnull(t[i].args_filter);
        g_assert_nonnull(t[i].ret_filter);
        /* no handler: answered "not supported", and takes no arguments */
        g_assert_true(t[i].func || t[i].args_size == 0);
        g_assert_true(remote_proc_find(t[i].number) == &t[i]);
    }
    g_assert_null(remote_proc_find(0));
    g_assert_null(remote_proc_find(9999));
    /* the calls libvirt's client makes before opening must be allowed */
    g_assert_true(remote_proc_find(REMOTE_PROC_AUTH_LIST)->flags & REMOTE_PROC_F_UNOPENED);
    g_assert_true(remote_proc_find(REMOTE_PROC_CONNECT_OPEN)->flags & REMOTE_PROC_F_UNOPENED);
    g_assert_true(remote_proc_find(REMOTE_PROC_DOMAIN_CREATE)->flags & REMOTE_PROC_F_WRITE);
    g_assert_false(remote_proc_find(REMOTE_PROC_DOMAIN_GET_STATE)->flags & REMOTE_PROC_F_WRITE);
    /* libvirt checks read-only connections for both directions of a volume */
    g_assert_true(remote_proc_find(REMOTE_PROC_STORAGE_VOL_DOWNLOAD)->flags & REMOTE_PROC_F_WRITE);
    g_assert_true(remote_proc_find(REMOTE_PROC_STORAGE_VOL_UPLOAD)->flags & REMOTE_PROC_F_WRITE);
    g_assert_false(remote_proc_find(REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES)->flags &
                   REMOTE_PROC_F_WRITE);
}

static gsize encoded_size(xdrproc_t f, void *obj)
{
    return xdr_sizeof(f, obj);
}

static void test_xdr_layouts(void)
{
    /* char model[32] and unsigned char/short are 4-byte units in XDR */
    RemoteNodeInfoRet ni = { "x86_64", 1, 2, 3, 4, 5, 6, 7 };
    g_assert_cmpuint(encoded_size((xdrproc_t)remote_xdr_node_info_ret, &ni), ==,
                     32 * 4 + 8 + 6 * 4);
    RemoteDomainInfoRet di = { 1, 2, 3, 4, 5 };
    g_assert_cmpuint(encoded_size((xdrproc_t)remote_xdr_domain_info_ret, &di), ==, 32);
    /* nonnull domain: string (4 + padded), 16-byte uuid, int */
    RemoteDomainMsg dm = { { "abcde", { 0 }, 7 } };
    g_assert_cmpuint(encoded_size((xdrproc_t)remote_xdr_domain_msg, &dm), ==, 4 + 8 + 16 + 4);
    /* storage: "char type" and "unsigned char state" are 4-byte units too;
     * a volume is (pool, name, key) */
    RemoteVolInfoRet vi = { 0, 1, 2 };
    g_assert_cmpuint(encoded_size((xdrproc_t)remote_xdr_vol_info_ret, &vi), ==, 4 + 8 + 8);
    RemotePoolInfoRet pi = { 2, 1, 2, 3 };
    g_assert_cmpuint(encoded_size((xdrproc_t)remote_xdr_pool_info_ret, &pi), ==, 4 + 3 * 8);
    RemoteVolMsg vm = { { "p", "v.raw", "/d/v.raw" } };
    g_assert_cmpuint(encoded_size((xdrproc_t)remote_xdr_vol_msg, &vm), ==,
                     (4 + 4) + (4 + 8) + (4 + 8));
    /* remote_error with a message and every optional part absent */
    char *msg = "boom";
    RemoteError e = { .code = 3, .domain = 13, .message = &msg, .level = 2 };
    g_assert_cmpuint(encoded_size((xdrproc_t)remote_xdr_error, &e), ==,
                     4 + 4 + (4 + 4 + 4) + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4);

    /* round trip through a whole packet */
    RemotePacketHeader h = { REMOTE_PROGRAM, 1, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
                             REMOTE_PACKET_REPLY, 42, REMOTE_STATUS_OK };
    g_autoptr(GBytes) pkt = remote_packet_encode(&h, (xdrproc_t)remote_xdr_domain_msg, &dm,
                                                 NULL);
    gsize len;
    const guint8 *p = g_bytes_get_data(pkt, &len);
    guint32 announced;
    g_assert_true(remote_packet_length(p, REMOTE_PACKET_OUT_MAX, &announced, NULL));
    g_assert_cmpuint(announced, ==, len);
    RemotePacketHeader back;
    g_assert_true(remote_packet_header_decode(p, len, &back, NULL));
    g_assert_cmpmem(&back, sizeof(back), &h, sizeof(h));
    RemoteDomainMsg out = { { 0 } };
    g_assert_true(remote_packet_payload_decode(p, len, (xdrproc_t)remote_xdr_domain_msg, &out,
                                               NULL));
    g_assert_cmpstr(out.dom.name, ==, "abcde");
    g_assert_cmpint(out.dom.id, ==, 7);
    xdr_free((xdrproc_t)remote_xdr_domain_msg, (char *)&out);

    /* a payload that stops short fails and leaks nothing (ASan) */
    RemoteDomainMsg cut = { { 0 } };
    g_assert_false(remote_packet_payload_decode(p, len - 3, (xdrproc_t)remote_xdr_domain_msg,
                                                &cut, NULL));
}

static void test_lengths(void)
{
    guint8 w[4];
    guint32 len;
    g_autoptr(GError) err = NULL;
    const guint32 bad[] = { 0, 4, 27, REMOTE_PACKET_IN_MAX + 1, 0xffffffffu };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        w[0] = bad[i] >> 24, w[1] = bad[i] >> 16, w[2] = bad[i] >> 8, w[3] = bad[i];
        g_assert_false(remote_packet_length(w, REMOTE_PACKET_IN_MAX, &len, &err));
        g_assert_error(err, REMOTE_PACKET_ERROR, REMOTE_PACKET_ERROR_LENGTH);
        g_clear_error(&err);
    }
    w[0] = 0, w[1] = 0, w[2] = 0, w[3] = 28;
    g_assert_true(remote_packet_length(w, REMOTE_PACKET_IN_MAX, &len, NULL));
    g_assert_cmpuint(len, ==, 28);
    g_assert_true(remote_uuid_parse("6695EB01-F6A4-8304-79AA-97F2502E193F", (char[16]){ 0 }));
    g_assert_false(remote_uuid_parse("6695eb01-f6a4", (char[16]){ 0 }));
    g_assert_false(remote_uuid_parse("6695eb01-f6a4-8304-79aa-97f2502e193f00", (char[16]){ 0 }));
}

/* ------------------------------------------------------------ raw client */

typedef struct {
    int fd;
    guint32 serial;
} Raw;

static Raw *raw_connect(DaemonFixture *fx, const char *sock)
{
    g_autofree char *path = g_build_filename(fx->run_dir, sock, NULL);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    Raw *r = g_new0(Raw, 1);
    r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(r->fd, >=, 0);
    g_assert_cmpint(connect(r->fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    struct timeval tv = { vt_timeout_ms(20000) / 1000, 0 };
    setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return r;
}

static void raw_free(Raw *r)
{
    if (r->fd >= 0)
        close(r->fd);
    g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Raw, raw_free)

static void raw_write(Raw *r, const void *data, gsize len)
{
    g_assert_cmpint(send(r->fd, data, len, MSG_NOSIGNAL), ==, (gssize)len);
}

static void raw_send(Raw *r, guint32 prog, guint32 vers, gint32 proc, gint32 type,
                     gint32 status, xdrproc_t f, void *args)
{
    RemotePacketHeader h = { prog, vers, proc, type, r->serial++, status };
    g_autoptr(GBytes) pkt = f ? remote_packet_encode(&h, f, args, NULL)
                              : remote_packet_encode_raw(&h, NULL, 0);
    gsize len;
    const guint8 *p = g_bytes_get_data(pkt, &len);
    raw_write(r, p, len);
}

static gboolean read_full(int fd, guint8 *buf, gsize len)
{
    gsize have = 0;
    while (have < len) {
        ssize_t n = recv(fd, buf + have, len - have, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        have += (gsize)n;
    }
    return TRUE;
}

/* The next packet (length word included), or NULL once the daemon closed. */
static GBytes *raw_recv(Raw *r, RemotePacketHeader *h)
{
    guint8 w[4];
    if (!read_full(r->fd, w, 4))
        return NULL;
    guint32 len;
    g_assert_true(remote_packet_length(w, REMOTE_PACKET_OUT_MAX, &len, NULL));
    guint8 *buf = g_malloc(len);
    memcpy(buf, w, 4);
    g_assert_true(read_full(r->fd, buf + 4, len - 4));
    g_assert_true(remote_packet_header_decode(buf, len, h, NULL));
    return g_bytes_new_take(buf, len);
}

/* The reply to the call just sent (skipping keepalive and events). */
static GBytes *raw_reply(Raw *r, RemotePacketHeader *h)
{
    for (;;) {
        GBytes *pkt = raw_recv(r, h);
        g_assert_nonnull(pkt);
        if (h->type == REMOTE_PACKET_REPLY || h->type == REMOTE_PACKET_STREAM)
            return pkt;
        g_bytes_unref(pkt);
    }
}

static void expect_ok(Raw *r, xdrproc_t f, void *ret)
{
    RemotePacketHeader h;
    g_autoptr(GBytes) pkt = raw_reply(r, &h);
    g_assert_cmpint(h.status, ==, REMOTE_STATUS_OK);
    g_assert_cmpuint(h.serial, ==, r->serial - 1);
    if (f) {
        gsize len;
        const guint8 *p = g_bytes_get_data(pkt, &len);
        g_assert_true(remote_packet_payload_decode(p, len, f, ret, NULL));
    }
}

/* The error the last call got: its code, message in @msg (may be NULL). */
static void expect_error(Raw *r, gint32 type, int code, const char *msg_part)
{
    RemotePacketHeader h;
    g_autoptr(GBytes) pkt = raw_reply(r, &h);
    g_assert_cmpint(h.type, ==, type);
    g_assert_cmpint(h.status, ==, REMOTE_STATUS_ERROR);
    gsize len;
    const guint8 *p = g_bytes_get_data(pkt, &len);
    RemoteError e = { 0 };
    g_assert_true(remote_packet_payload_decode(p, len, (xdrproc_t)remote_xdr_error, &e, NULL));
    g_assert_cmpint(e.code, ==, code);
    g_assert_nonnull(e.message);
    if (msg_part && !strstr(*e.message, msg_part))
        g_error("error message '%s' does not contain '%s'", *e.message, msg_part);
    xdr_free((xdrproc_t)remote_xdr_error, (char *)&e);
}

static void expect_closed(Raw *r)
{
    RemotePacketHeader h;
    GBytes *pkt;
    /* the daemon may answer something first; then it must close */
    while ((pkt = raw_recv(r, &h)))
        g_bytes_unref(pkt);
}

static void call(Raw *r, gint32 proc, xdrproc_t f, void *args)
{
    raw_send(r, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, REMOTE_PACKET_CALL,
             REMOTE_STATUS_OK, f ? f : (xdrproc_t)remote_xdr_void, args);
}

/* What libvirt's client library does on connecting. */
static void handshake(Raw *r, guint32 open_flags)
{
    RemoteAuthListRet auth = { 0 };
    call(r, REMOTE_PROC_AUTH_LIST, NULL, NULL);
    expect_ok(r, (xdrproc_t)remote_xdr_auth_list_ret, &auth);
    g_assert_cmpuint(auth.n, ==, 1);
    g_assert_cmpint(auth.types[0], ==, REMOTE_AUTH_NONE);
    xdr_free((xdrproc_t)remote_xdr_auth_list_ret, (char *)&auth);
    char *name = "qemu:///system";
    RemoteOpenArgs open = { &name, open_flags };
    call(r, REMOTE_PROC_CONNECT_OPEN, (xdrproc_t)remote_xdr_open_args, &open);
    expect_ok(r, NULL, NULL);
}

static void assert_serving(DaemonFixture *fx)
{
    g_autoptr(Raw) r = raw_connect(fx, "libvirt-sock");
    handshake(r, 0);
    RemoteStringMsg type = { 0 };
    call(r, REMOTE_PROC_CONNECT_GET_TYPE, NULL, NULL);
    expect_ok(r, (xdrproc_t)remote_xdr_string_msg, &type);
    g_assert_cmpstr(type.value, ==, "Vessel");
    xdr_free((xdrproc_t)remote_xdr_string_msg, (char *)&type);
}

static void test_handshake_and_errors(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autoptr(Raw) r = raw_connect(fx, "libvirt-sock");

    /* before CONNECT_OPEN only auth, open and feature queries */
    call(r, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, (xdrproc_t)remote_xdr_list_all_args,
         &(RemoteListAllArgs){ 1, 0 });
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_INTERNAL_ERROR, "connection not open");
    handshake(r, 0);

    call(r, 9999, NULL, NULL);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_NO_SUPPORT, "remote procedure 9999");
    call(r, REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS, NULL, NULL);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_NO_SUPPORT,
                 "not supported by the connection driver: virConnectGetAllDomainStats");
    raw_send(r, 0x12345678, 1, 1, REMOTE_PACKET_CALL, REMOTE_STATUS_OK, NULL, NULL);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_RPC, "cannot find program");
    raw_send(r, REMOTE_PROGRAM, 2, REMOTE_PROC_CONNECT_GET_TYPE, REMOTE_PACKET_CALL,
             REMOTE_STATUS_OK, NULL, NULL);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_RPC, "version 2");
    raw_send(r, REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_TYPE, REMOTE_PACKET_CALL,
             REMOTE_STATUS_CONTINUE, NULL, NULL);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_RPC, "status");
    /* arguments missing: lookup-by-name without its string */
    call(r, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, NULL, NULL);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_RPC, "cannot decode");
    /* a string longer than the packet */
    RemotePacketHeader h = { REMOTE_PROGRAM, 1, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME,
                             REMOTE_PACKET_CALL, r->serial++, REMOTE_STATUS_OK };
    guint8 lie[4] = { 0x00, 0x3f, 0xff, 0xff };
    g_autoptr(GBytes) liar = remote_packet_encode_raw(&h, lie, sizeof(lie));
    raw_write(r, g_bytes_get_data(liar, NULL), g_bytes_get_size(liar));
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_RPC, "cannot decode");
    raw_send(r, REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_TYPE, REMOTE_PACKET_CALL_WITH_FDS,
             REMOTE_STATUS_OK, NULL, NULL);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_NO_SUPPORT, "file descriptors");
    /* stream data for a stream that was never opened */
    raw_send(r, REMOTE_PROGRAM, 1, REMOTE_PROC_DOMAIN_OPEN_CONSOLE, REMOTE_PACKET_STREAM,
             REMOTE_STATUS_CONTINUE, NULL, NULL);
    expect_error(r, REMOTE_PACKET_STREAM, VIR_ERR_RPC, "no stream");
    raw_send(r, REMOTE_PROGRAM, 1, REMOTE_PROC_DOMAIN_OPEN_CONSOLE, REMOTE_PACKET_STREAM_HOLE,
             REMOTE_STATUS_CONTINUE, NULL, NULL);
    expect_error(r, REMOTE_PACKET_STREAM, VIR_ERR_RPC, "sparse");
    /* unknown domain, unsupported flags, event ids */
    RemoteDomainFlagsArgs nodom = { { "ghost", { 1, 2, 3 }, -1 }, 0 };
    call(r, REMOTE_PROC_DOMAIN_GET_STATE, (xdrproc_t)remote_xdr_domain_flags_args, &nodom);
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_NO_DOMAIN, "Domain not found");
    call(r, REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, (xdrproc_t)remote_xdr_string_flags_args,
         &(RemoteStringFlagsArgs){ "<domain/>", 0x80 });
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_INVALID_ARG, "unsupported flags");
    call(r, REMOTE_PROC_DOMAIN_DEFINE_XML, (xdrproc_t)remote_xdr_string_msg,
         &(RemoteStringMsg){ "<domain type='dbt'><name>x</name></domain" });
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_XML_ERROR, NULL);
    call(r, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
         (xdrproc_t)remote_xdr_domain_event_register_args,
         &(RemoteDomainEventRegisterArgs){ 1000, NULL });
    expect_error(r, REMOTE_PACKET_REPLY, VIR_ERR_INVALID_ARG, "event ID");

    /* keepalive */
    raw_send(r, KEEPALIVE_PROGRAM, 1, KEEPALIVE_PROC_PING, REMOTE_PACKET_MESSAGE,
             REMOTE_STATUS_OK, NULL, NULL);
    RemotePacketHeader k;
    g_autoptr(GBytes) pong = raw_recv(r, &k);
    g_assert_nonnull(pong);
    g_assert_cmpuint(k.prog, ==, KEEPALIVE_PROGRAM);
    g_assert_cmpint(k.proc, ==, KEEPALIVE_PROC_PONG);

    /* after all that, the same connection still works */
    RemoteIntMsg n = { -1 };
    call(r, REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, NULL, NULL);
    expect_ok(r, (xdrproc_t)remote_xdr_int_msg, &n);
    g_assert_cmpint(n.value, ==, 0);
}

static void test_fatal_input(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    struct {
        const char *what;
        guint8 bytes[32];
        gsize len;
    } cases[] = {
        { "length over the limit", { 0x7f, 0xff, 0xff, 0xff }, 4 },
        { "length below a header", { 0, 0, 0, 8, 1, 2, 3, 4 }, 8 },
        { "length zero", { 0, 0, 0, 0 }, 4 },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s", cases[i].what);
        g_autoptr(Raw) r = raw_connect(fx, "libvirt-sock");
        raw_write(r, cases[i].bytes, cases[i].len);
        expect_closed(r);
    }
    /* a REPLY is never a client's to send */
    g_autoptr(Raw) r = raw_connect(fx, "libvirt-sock");
    handshake(r, 0);
    raw_send(r, REMOTE_PROGRAM, 1, REMOTE_PROC_CONNECT_GET_TYPE, REMOTE_PACKET_REPLY,
             REMOTE_STATUS_OK, NULL, NULL);
    expect_closed(r);
    /* a client that hangs up in the middle of a packet */
    g_autoptr(Raw) half = raw_connect(fx, "libvirt-sock");
    guint8 partial[10] = { 0, 0, 0, 200, 0x20, 0x00, 0x80, 0x86, 0, 0 };
    raw_write(half, partial, sizeof(partial));
    close(half->fd);
    half->fd = -1;
    /* many at once, then the daemon still answers */
    for (int i = 0; i < 50; i++) {
        g_autoptr(Raw) g = raw_connect(fx, i % 2 ? "libvirt-sock" : "libvirt-sock-ro");
        guint8 junk[64];
        for (gsize j = 0; j < sizeof(junk); j++)
            junk[j] = (guint8)g_test_rand_int();
        raw_write(g, junk, sizeof(junk));
    }
    assert_serving(fx);
}

static void test_read_only(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *path = fixture_define(fx, "ro1", NULL);
    RemoteDomainMsg lookup = { 0 };

    /* the read-only socket reads, and refuses writes with libvirt's words */
    g_autoptr(Raw) ro = raw_connect(fx, "libvirt-sock-ro");
    handshake(ro, 0);
    call(ro, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, (xdrproc_t)remote_xdr_string_msg,
         &(RemoteStringMsg){ "ro1" });
    expect_ok(ro, (xdrproc_t)remote_xdr_domain_msg, &lookup);
    g_assert_cmpint(lookup.dom.id, ==, -1);
    call(ro, REMOTE_PROC_DOMAIN_CREATE, (xdrproc_t)remote_xdr_domain_msg, &lookup);
    expect_error(ro, REMOTE_PACKET_REPLY, VIR_ERR_OPERATION_DENIED,
                 "operation forbidden: read only access prevents virDomainCreate");
    call(ro, REMOTE_PROC_DOMAIN_UNDEFINE, (xdrproc_t)remote_xdr_domain_msg, &lookup);
    expect_error(ro, REMOTE_PACKET_REPLY, VIR_ERR_OPERATION_DENIED, "virDomainUndefine");

    /* a connection opened read-only on the read-write socket likewise */
    g_autoptr(Raw) rw = raw_connect(fx, "libvirt-sock");
    handshake(rw, 1 /* VIR_CONNECT_RO */);
    call(rw, REMOTE_PROC_DOMAIN_SET_AUTOSTART, (xdrproc_t)remote_xdr_domain_int_args,
         &(RemoteDomainIntArgs){ lookup.dom, 1 });
    expect_error(rw, REMOTE_PACKET_REPLY, VIR_ERR_OPERATION_DENIED, "virDomainSetAutostart");
    xdr_free((xdrproc_t)remote_xdr_domain_msg, (char *)&lookup);

    /* the domain is as it was */
    guint state, reason;
    fixture_state(fx, path, &state, &reason);
    g_assert_cmpuint(state, ==, 5);
}

static void test_events_across_transports(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autoptr(Raw) r = raw_connect(fx, "libvirt-sock-ro");
    handshake(r, 0);
    RemoteIntMsg id = { 0 };
    call(r, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
         (xdrproc_t)remote_xdr_domain_event_register_args,
         &(RemoteDomainEventRegisterArgs){ 0, NULL });
    expect_ok(r, (xdrproc_t)remote_xdr_int_msg, &id);
    g_assert_cmpint(id.value, >, 0);

    /* defined over D-Bus, seen by the libvirt client */
    g_autofree char *path = fixture_define(fx, "ev1", NULL);
    RemotePacketHeader h;
    g_autoptr(GBytes) pkt = raw_recv(r, &h);
    g_assert_nonnull(pkt);
    g_assert_cmpint(h.type, ==, REMOTE_PACKET_MESSAGE);
    g_assert_cmpint(h.proc, ==, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE);
    RemoteDomainLifecycleMsg m = { 0 };
    gsize len;
    const guint8 *p = g_bytes_get_data(pkt, &len);
    g_assert_true(remote_packet_payload_decode(p, len, (xdrproc_t)remote_xdr_domain_lifecycle_msg,
                                               &m, NULL));
    g_assert_cmpint(m.callback_id, ==, id.value);
    g_assert_cmpstr(m.dom.name, ==, "ev1");
    g_assert_cmpint(m.event, ==, 0);    /* DEFINED */
    g_assert_cmpint(m.detail, ==, 0);   /* ADDED */
    xdr_free((xdrproc_t)remote_xdr_domain_lifecycle_msg, (char *)&m);

    /* deregistered: no more events, the next packet is the next reply */
    call(r, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
         (xdrproc_t)remote_xdr_int_msg, &id);
    expect_ok(r, NULL, NULL);
    g_autofree char *path2 = fixture_define(fx, "ev2", NULL);
    call(r, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, NULL, NULL);
    g_autoptr(GBytes) next = raw_recv(r, &h);
    g_assert_cmpint(h.type, ==, REMOTE_PACKET_REPLY);
    g_assert_cmpint(h.proc, ==, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/remote/wire/table", test_table);
    g_test_add_func("/remote/wire/xdr-layouts", test_xdr_layouts);
    g_test_add_func("/remote/wire/lengths", test_lengths);
    g_test_add_func("/remote/daemon/handshake-and-errors", test_handshake_and_errors);
    g_test_add_func("/remote/daemon/fatal-input", test_fatal_input);
    g_test_add_func("/remote/daemon/read-only", test_read_only);
    g_test_add_func("/remote/daemon/events-across-transports", test_events_across_transports);
    return g_test_run();
}
