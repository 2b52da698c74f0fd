/* dbus_relay.c - copy a D-Bus client's bytes to GDBus, checking every
 * message header first (dbus_relay.h).
 *
 * Design note.  Each direction moves one chunk at a time: read a chunk
 * (with the descriptors that came with it) when its buffer is empty,
 * write it out, and read again only when all of it is written, so the
 * relay holds at most RELAY_CHUNK bytes per direction and a client that
 * does not read its replies only stalls itself.  Only the client's
 * direction is checked: the D-Bus stream is a NUL byte, SASL lines up
 * to "BEGIN\r\n", then messages, each a 16-byte fixed header (byte 0
 * the endianness, bytes 4-7 the body length, 12-15 the length of the
 * header-field array), the fields padded to 8 bytes, and the body.  The
 * filter follows that framing byte by byte as chunks pass, so a header
 * split across reads is still seen whole before the message's body is
 * forwarded; a chunk that breaks a limit is dropped and the connection
 * closed.  All callbacks run on one main context: no locking.
 *
 * GDBus authenticates the peer of its end of the pair (SO_PEERCRED, as
 * GLib does since 2.63), so a root daemon makes the pair with the
 * client's uid and gid (socketpair_as); a daemon that is not root
 * cannot, and rewrites the identity a client of another uid claims in
 * EXTERNAL, once checked against its real one (vouch_chunk). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon_error.h"
#include "dbus_relay.h"
#include "dbus_refuse.h"
#include "i18n.h"

#define RELAY_CHUNK 65536
#define RELAY_MAX_FDS 16
#define RELAY_PEER_KEY "vessel-relay-peer"

typedef struct Relay Relay;

typedef struct {
    Relay *relay;
    int from, to;
    guint8 buf[RELAY_CHUNK];
    gsize len, off;
    int fds[RELAY_MAX_FDS];
    guint n_fds;
    GSource *source;
} RelayDir;

typedef enum {
    PHASE_NUL,      /* the credentials byte */
    PHASE_AUTH,     /* SASL lines up to BEGIN */
    PHASE_HEADER,   /* the 16 bytes of a message's fixed header */
    PHASE_BODY,     /* the rest of the message */
} Phase;

struct Relay {
    GSocketConnection *client;
    GMainContext *context;
    ClientLimits *limits;
    DbusRelayPeer peer;
    char *what;
    gsize max_message;
    guint auth_timeout;
    GSource *auth_timer;        /* until BEGIN */
    RelayDir up, down;          /* client -> GDBus, GDBus -> client */
    /* the client's framing */
    Phase phase;
    gsize auth_bytes;
    char line[8];               /* start of the current SASL line */
    gsize line_len;
    guint8 header[16];
    gsize header_len;
    guint64 remaining;          /* of the current message after its header */
    /* a daemon that is not root cannot give the pair a client's ids
     * (socketpair_as): until BEGIN it vouches for the client instead */
    gboolean vouch;
    gboolean vouch_nul;         /* the NUL byte went by */
    gsize vouch_bytes;
    GString *vouch_line;        /* the SASL line read so far */
};

static void dir_watch(RelayDir *d, int fd, GIOCondition cond);

static void peer_free(gpointer data)
{
    DbusRelayPeer *p = data;
    g_array_unref(p->gids);
    g_free(p);
}

static void dir_clear(RelayDir *d)
{
    if (d->source) {
        g_source_destroy(d->source);
        g_clear_pointer(&d->source, g_source_unref);
    }
    for (guint i = 0; i < d->n_fds; i++)
        close(d->fds[i]);
    d->n_fds = 0;
}

static void relay_free(Relay *r)
{
    if (r->auth_timer) {
        g_source_destroy(r->auth_timer);
        g_clear_pointer(&r->auth_timer, g_source_unref);
    }
    dir_clear(&r->up);
    dir_clear(&r->down);
    close(r->up.to);       /* our end of the pair: GDBus sees the end */
    g_io_stream_close(G_IO_STREAM(r->client), NULL, NULL);
    g_object_unref(r->client);
    client_limits_release(r->limits, r->peer.uid);
    g_array_unref(r->peer.gids);
    g_main_context_unref(r->context);
    if (r->vouch_line)
        g_string_free(r->vouch_line, TRUE);
    g_free(r->what);
    g_free(r);
}

static gboolean refuse(Relay *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static gboolean refuse(Relay *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_message(_("Closing the %s connection of uid %u: %s"), r->what, (unsigned)r->peer.uid,
              why);
    return FALSE;
}

static guint32 header_u32(const guint8 *h, gsize at)
{
    guint32 v;
    memcpy(&v, h + at, 4);
    return h[0] == 'l' ? GUINT32_FROM_LE(v) : GUINT32_FROM_BE(v);
}

/* The fixed header is complete: size the message. */
static gboolean header_check(Relay *r)
{
    const guint8 *h = r->header;
    if (h[0] != 'l' && h[0] != 'B')
        return refuse(r, _("not a D-Bus message (endianness byte 0x%02x)"), h[0]);
    guint64 fields = header_u32(h, 12), body = header_u32(h, 4);
    guint64 total = 16 + ((fields + 7) & ~(guint64)7) + body;
    if (total > r->max_message)
        return refuse(r, _("a message of %" PRIu64 " bytes exceeds [limits] "
                           "max_message_size (%zu bytes)"),
                      total, r->max_message);
    r->remaining = total - 16;
    r->phase = r->remaining ? PHASE_BODY : PHASE_HEADER;
    r->header_len = 0;
    return TRUE;
}

/* Follow the client's framing over @n bytes; FALSE: close. */
static gboolean filter(Relay *r, const guint8 *p, gsize n)
{
    gsize i = 0;
    while (i < n) {
        switch (r->phase) {
        case PHASE_NUL:
            i++;
            r->phase = PHASE_AUTH;
            break;
        case PHASE_AUTH:
            if (++r->auth_bytes > DBUS_RELAY_AUTH_MAX)
                return refuse(r, _("authentication longer than %d bytes"),
                              DBUS_RELAY_AUTH_MAX);
            if (r->line_len < sizeof(r->line))
                r->line[r->line_len] = (char)p[i];
            r->line_len++;
            if (p[i] == '\n') {
                if (r->line_len == 7 && memcmp(r->line, "BEGIN\r\n", 7) == 0) {
                    r->phase = PHASE_HEADER;
                    g_source_destroy(r->auth_timer);
                    g_clear_pointer(&r->auth_timer, g_source_unref);
                }
                r->line_len = 0;
            }
            i++;
            break;
        case PHASE_HEADER: {
            gsize take = MIN(n - i, sizeof(r->header) - r->header_len);
            memcpy(r->header + r->header_len, p + i, take);
            r->header_len += take;
            i += take;
            if (r->header_len == sizeof(r->header) && !header_check(r))
                return FALSE;
            break;
        }
        case PHASE_BODY: {
            gsize take = (gsize)MIN((guint64)(n - i), r->remaining);
            r->remaining -= take;
            i += take;
            if (!r->remaining)
                r->phase = PHASE_HEADER;
            break;
        }
        }
    }
    return TRUE;
}

/* ---- vouching: a daemon that is not root --------------------------------
 *
 * socketpair_as() can only give GDBus's end the daemon's own ids, so
 * GDBus would refuse every client of another uid: its EXTERNAL check
 * compares the identity the client claims with the pair's SO_PEERCRED.
 * The relay knows the client's real uid (SO_PEERCRED of the real
 * socket) and checks the claim itself: an identity that is not the
 * client's own closes the connection; the client's own is replaced by
 * the daemon's, which GDBus then accepts.  Nothing is decided by GDBus's
 * idea of the peer: every authorization uses the relay's (dbus_relay_peer,
 * daemon_auth.c). */

/* EXTERNAL's form of an identity: the hex of the uid's decimal digits. */
static char *uid_hex(uid_t uid)
{
    g_autofree char *dec = g_strdup_printf("%u", (unsigned)uid);
    GString *hex = g_string_new(NULL);
    for (const char *c = dec; *c; c++)
        g_string_append_printf(hex, "%02x", (guchar)*c);
    return g_string_free(hex, FALSE);
}

/* One whole SASL line @l (its "\r\n" included) into @out. */
static gboolean vouch_line(Relay *r, const char *l, GString *out)
{
    gsize pre = g_str_has_prefix(l, "AUTH EXTERNAL ") ? strlen("AUTH EXTERNAL ")
                : g_str_has_prefix(l, "DATA ")       ? strlen("DATA ")
                                                      : 0;
    gsize idlen = pre ? strcspn(l + pre, "\r\n") : 0;
    if (idlen) {
        g_autofree char *real = uid_hex(r->peer.uid);
        if (idlen != strlen(real) || g_ascii_strncasecmp(l + pre, real, idlen) != 0)
            return refuse(r, _("its authentication claims an identity that is not its own"));
        g_autofree char *mine = uid_hex(geteuid());
        g_string_append_len(out, l, (gssize)pre);
        g_string_append(out, mine);
        g_string_append(out, "\r\n");
    } else {
        g_string_append(out, l);
    }
    if (strcmp(l, "BEGIN\r\n") == 0)
        r->vouch = FALSE;
    return TRUE;
}

/* Rewrite the chunk in @d (the client's) while vouching; FALSE: close. */
static gboolean vouch_chunk(Relay *r, RelayDir *d)
{
    g_autoptr(GString) out = g_string_sized_new(d->len + 64);
    gsize i = 0;
    if (!r->vouch_nul && d->len) {
        g_string_append_c(out, (char)d->buf[i++]);
        r->vouch_nul = TRUE;
    }
    for (; i < d->len && r->vouch; i++) {
        if (++r->vouch_bytes > DBUS_RELAY_AUTH_MAX)
            return refuse(r, _("authentication longer than %d bytes"), DBUS_RELAY_AUTH_MAX);
        g_string_append_c(r->vouch_line, (char)d->buf[i]);
        if (d->buf[i] != '\n')
            continue;
        if (!vouch_line(r, r->vouch_line->str, out))
            return FALSE;
        g_string_truncate(r->vouch_line, 0);
    }
    g_string_append_len(out, (const char *)d->buf + i, (gssize)(d->len - i));   /* after BEGIN */
    if (out->len > sizeof(d->buf))
        return refuse(r, _("authentication longer than %d bytes"), DBUS_RELAY_AUTH_MAX);
    memcpy(d->buf, out->str, out->len);
    d->len = out->len;
    return TRUE;
}

/* Read a chunk of at most @max bytes into @d: >0 bytes, 0 at the end, -1
 * with errno. */
static gssize dir_read(RelayDir *d, gsize max)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * RELAY_MAX_FDS)];
    } ctl;
    struct iovec iov = { d->buf, MIN(max, sizeof(d->buf)) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                          .msg_controllen = sizeof(ctl.buf) };
    gssize n = recvmsg(d->from, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        guint k = (guint)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        const int *fds = (const int *)CMSG_DATA(c);
        for (guint j = 0; j < k; j++) {
            if (d->n_fds < RELAY_MAX_FDS)
                d->fds[d->n_fds++] = fds[j];
            else
                close(fds[j]);
        }
    }
    if (msg.msg_flags & MSG_CTRUNC) {
        errno = EMSGSIZE;    /* descriptors were lost: the stream is broken */
        return -1;
    }
    d->len = (gsize)n;
    d->off = 0;
    return n;
}

/* Send @len bytes from @p on @fd with @fds (SCM_RIGHTS). */
static gssize send_with(int fd, const void *p, gsize len, const int *fds, guint n_fds)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * RELAY_MAX_FDS)];
    } ctl;
    struct iovec iov = { (void *)p, len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (n_fds) {
        memset(&ctl, 0, sizeof(ctl));
        msg.msg_control = ctl.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
    }
    return sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* A socket pair whose SO_PEERCRED says @uid and @gid: GDBus takes the
 * peer's identity for EXTERNAL authentication from there, and the kernel
 * records the creating thread's effective ids.  A root daemon switches
 * this thread's (only this thread's: the raw syscalls, not glibc's
 * process-wide wrappers) effective ids for the one call; any other
 * daemon can only make pairs of its own ids, and vouches for a client
 * of another uid in the SASL exchange instead (vouch_chunk). */
static int socketpair_as(uid_t uid, gid_t gid, int sv[2])
{
    uid_t euid = geteuid();
    gid_t egid = getegid();
    if (euid != 0 || (uid == euid && gid == egid))
        return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    if (syscall(SYS_setresgid, (gid_t)-1, gid, (gid_t)-1) < 0)
        return -1;
    if (syscall(SYS_setresuid, (uid_t)-1, uid, (uid_t)-1) < 0) {
        int e = errno;
        if (syscall(SYS_setresgid, (gid_t)-1, egid, (gid_t)-1) < 0)
            g_error("cannot restore the daemon's gid: %s", g_strerror(errno));
        errno = e;
        return -1;
    }
    int rc = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    int e = errno;
    /* the real and saved uid stayed 0: the way back is open */
    if (syscall(SYS_setresuid, (uid_t)-1, euid, (uid_t)-1) < 0 ||
        syscall(SYS_setresgid, (gid_t)-1, egid, (gid_t)-1) < 0)
        g_error("cannot restore the daemon's ids: %s", g_strerror(errno));
    errno = e;
    return rc;
}

static gboolean dir_flush(RelayDir *d, gboolean *blocked)
{
    *blocked = FALSE;
    while (d->off < d->len) {
        gssize n = send_with(d->to, d->buf + d->off, d->len - d->off, d->fds, d->n_fds);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                *blocked = TRUE;
                return TRUE;
            }
            return FALSE;
        }
        for (guint i = 0; i < d->n_fds; i++)
            close(d->fds[i]);      /* the receiver has its own copies now */
        d->n_fds = 0;
        d->off += (gsize)n;
    }
    return TRUE;
}

static gboolean on_ready(gint fd, GIOCondition cond, gpointer data)
{
    RelayDir *d = data;
    Relay *r = d->relay;
    gboolean blocked = FALSE;

    if (d->off == d->len) {
        /* vouching rewrites the chunk, which may grow: room for it */
        gssize n = dir_read(d, d == &r->up && r->vouch ? RELAY_CHUNK / 4 : RELAY_CHUNK);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return G_SOURCE_CONTINUE;
        if (n > 0 && d == &r->up && r->vouch && !vouch_chunk(r, d)) {
            relay_free(r);
            return G_SOURCE_REMOVE;
        }
        if (n <= 0 || (d == &r->up && !filter(r, d->buf, d->len))) {
            relay_free(r);
            return G_SOURCE_REMOVE;
        }
    }
    if (!dir_flush(d, &blocked)) {
        relay_free(r);
        return G_SOURCE_REMOVE;
    }
    if (blocked && fd != d->to)
        dir_watch(d, d->to, G_IO_OUT);
    else if (!blocked && fd != d->from)
        dir_watch(d, d->from, G_IO_IN);
    return G_SOURCE_CONTINUE;
}

/* Wait for @cond on @fd for direction @d (replacing its watch). */
static void dir_watch(RelayDir *d, int fd, GIOCondition cond)
{
    if (d->source) {
        g_source_destroy(d->source);
        g_source_unref(d->source);
    }
    d->source = g_unix_fd_source_new(fd, cond | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(d->source, G_SOURCE_FUNC(on_ready), d, NULL);
    g_source_attach(d->source, d->relay->context);
}

static gboolean on_auth_timeout(gpointer data)
{
    Relay *r = data;
    refuse(r, _("no authentication within [limits] auth_timeout (%u seconds)"),
           r->auth_timeout);
    relay_free(r);
    return G_SOURCE_REMOVE;
}

static void peer_of(int fd, DbusRelayPeer *peer)
{
    struct ucred uc = { 0, (uid_t)-1, (gid_t)-1 };
    socklen_t len = sizeof(uc);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
        uc = (struct ucred){ 0, (uid_t)-1, (gid_t)-1 };
    peer->uid = uc.uid;
    peer->gid = uc.gid;
    peer->pid = uc.pid;
    peer->gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
    gid_t groups[256];
    len = sizeof(groups);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
        g_array_append_vals(peer->gids, groups, len / sizeof(gid_t));
}

GIOStream *dbus_relay_new(GSocketConnection *client, ClientLimits *limits,
                          const DbusRelayBounds *bounds, GMainContext *context,
                          const char *what, GError **error)
{
    int cfd = g_socket_get_fd(g_socket_connection_get_socket(client));
    DbusRelayPeer peer;
    peer_of(cfd, &peer);
    if (peer.uid == (uid_t)-1) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                    _("Refusing a %s client whose credentials are unknown"), what);
        g_array_unref(peer.gids);
        g_io_stream_close(G_IO_STREAM(client), NULL, NULL);
        return NULL;
    }
    g_autoptr(GError) refused = NULL;
    if (!client_limits_take(limits, peer.uid, what, &refused)) {
        /* the client learns why, in D-Bus terms (dbus_refuse.h) */
        dbus_refuse(client, limits, peer.uid, refused->message, bounds->auth_timeout, context);
        g_array_unref(peer.gids);
        g_propagate_error(error, g_steal_pointer(&refused));
        return NULL;
    }
    int sv[2];
    if (socketpair_as(peer.uid, peer.gid, sv) < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot make a socket pair for a %s client: %s"), what,
                    g_strerror(errno));
        client_limits_release(limits, peer.uid);
        g_array_unref(peer.gids);
        g_io_stream_close(G_IO_STREAM(client), NULL, NULL);
        return NULL;
    }
    g_autoptr(GSocket) gsock = g_socket_new_from_fd(sv[1], error);
    if (!gsock) {
        close(sv[0]);
        close(sv[1]);
        client_limits_release(limits, peer.uid);
        g_array_unref(peer.gids);
        g_io_stream_close(G_IO_STREAM(client), NULL, NULL);
        return NULL;
    }
    GSocketConnection *stream = g_socket_connection_factory_create_connection(gsock);

    Relay *r = g_new0(Relay, 1);
    r->client = g_object_ref(client);
    r->context = g_main_context_ref(context);
    r->limits = limits;
    r->peer = peer;
    r->what = g_strdup(what);
    r->max_message = bounds->max_message;
    r->auth_timeout = bounds->auth_timeout;
    r->up = (RelayDir){ .relay = r, .from = cfd, .to = sv[0] };
    r->vouch = geteuid() != 0 && peer.uid != geteuid();
    if (r->vouch)
        r->vouch_line = g_string_new(NULL);
    r->down = (RelayDir){ .relay = r, .from = sv[0], .to = cfd };

    DbusRelayPeer *copy = g_new0(DbusRelayPeer, 1);
    *copy = peer;
    copy->gids = g_array_ref(peer.gids);
    g_object_set_data_full(G_OBJECT(stream), RELAY_PEER_KEY, copy, peer_free);

    dir_watch(&r->up, r->up.from, G_IO_IN);
    dir_watch(&r->down, r->down.from, G_IO_IN);
    r->auth_timer = g_timeout_source_new_seconds(r->auth_timeout);
    g_source_set_callback(r->auth_timer, on_auth_timeout, r, NULL);
    g_source_attach(r->auth_timer, r->context);
    return G_IO_STREAM(stream);
}

const DbusRelayPeer *dbus_relay_peer(GIOStream *stream)
{
    return stream ? g_object_get_data(G_OBJECT(stream), RELAY_PEER_KEY) : NULL;
}
