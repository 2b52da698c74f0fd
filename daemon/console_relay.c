/* console_relay.c - relay between the VMM's console socket, the domain log,
 * one console client and, for the serial port, a pty.
 *
 * One custom GSource polls both fds; its dispatch does all the I/O.  The
 * relay state lives inside the source, so console_relay_free() (any
 * thread) only marks it closed and destroys the source: a dispatch that
 * is running finishes against valid memory, and finalize frees it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "console_relay.h"
#include "daemon_error.h"
#include "domain_log.h"
#include "i18n.h"
#include "unix_addr.h"

#define RELAY_BUFFER_MAX (1024 * 1024)
#define RELAY_PTY_BUFFER_MAX (64 * 1024)

struct ConsoleRelay {
    GSource source;             /* must be first */
    GMutex lock;
    gboolean closed;
    int vmm_fd;
    int log_fd;
    DomainLogStream log_stream;  /* the guest's lines, filtered (domain_log.h) */
    int client_fd;
    gpointer vmm_tag;
    gpointer client_tag;
    GByteArray *to_client;
    GByteArray *to_vmm;
    int pty_fd;                 /* the pty's master, -1 if none */
    int pty_slave_fd;           /* held open: a master without any open
                                 * slave polls HUP without end */
    gpointer pty_tag;
    char *pty_path;
    GByteArray *to_pty;
};

static void relay_drop_client(ConsoleRelay *r)
{
    if (r->client_tag)
        g_source_remove_unix_fd(&r->source, r->client_tag);
    r->client_tag = NULL;
    if (r->client_fd >= 0)
        close(r->client_fd);
    r->client_fd = -1;
    g_byte_array_set_size(r->to_client, 0);
    g_byte_array_set_size(r->to_vmm, 0);
}

static void relay_drop_pty(ConsoleRelay *r)
{
    if (r->pty_tag)
        g_source_remove_unix_fd(&r->source, r->pty_tag);
    r->pty_tag = NULL;
    if (r->pty_fd >= 0)
        close(r->pty_fd);
    if (r->pty_slave_fd >= 0)
        close(r->pty_slave_fd);
    r->pty_fd = r->pty_slave_fd = -1;
    g_byte_array_set_size(r->to_pty, 0);
}

static void relay_drop_vmm(ConsoleRelay *r)
{
    if (r->vmm_tag)
        g_source_remove_unix_fd(&r->source, r->vmm_tag);
    r->vmm_tag = NULL;
    if (r->vmm_fd >= 0)
        close(r->vmm_fd);
    r->vmm_fd = -1;
    relay_drop_client(r);
    relay_drop_pty(r);
}

/* Write as much of @buf as @fd takes now; FALSE on a hard error. */
static gboolean flush(int fd, GByteArray *buf)
{
    while (buf->len) {
        ssize_t n = send(fd, buf->data, buf->len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        g_byte_array_remove_range(buf, 0, n);
    }
    return TRUE;
}

static void append_capped(GByteArray *buf, const guint8 *data, gsize len, gsize max)
{
    if (buf->len + len > max)
        return;    /* a stalled client loses output; the log keeps it */
    g_byte_array_append(buf, data, len);
}

/* The pty's master is no socket: write(2), non-blocking (O_NONBLOCK). */
static void flush_pty(ConsoleRelay *r)
{
    while (r->to_pty->len) {
        ssize_t n = write(r->pty_fd, r->to_pty->data, r->to_pty->len);
        if (n <= 0)
            return;    /* full: nobody reads the pty; kept up to the cap */
        g_byte_array_remove_range(r->to_pty, 0, n);
    }
}

static void relay_update_events(ConsoleRelay *r)
{
    if (r->vmm_tag)
        g_source_modify_unix_fd(&r->source, r->vmm_tag,
                                G_IO_IN | (r->to_vmm->len ? G_IO_OUT : 0));
    if (r->client_tag)
        g_source_modify_unix_fd(&r->source, r->client_tag,
                                G_IO_IN | (r->to_client->len ? G_IO_OUT : 0));
    if (r->pty_tag)
        g_source_modify_unix_fd(&r->source, r->pty_tag,
                                G_IO_IN | (r->to_pty->len ? G_IO_OUT : 0));
}

static gboolean relay_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    ConsoleRelay *r = (ConsoleRelay *)source;
    guint8 buf[4096];

    g_mutex_lock(&r->lock);
    if (r->closed) {
        g_mutex_unlock(&r->lock);
        return G_SOURCE_REMOVE;
    }
    if (r->vmm_tag) {
        GIOCondition c = g_source_query_unix_fd(source, r->vmm_tag);
        if (c & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
            ssize_t n = recv(r->vmm_fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (n > 0) {
                if (r->log_fd >= 0)
                    domain_log_stream_write(&r->log_stream, r->log_fd, buf, (gsize)n);
                if (r->client_fd >= 0)
                    append_capped(r->to_client, buf, n, RELAY_BUFFER_MAX);
                if (r->pty_fd >= 0)
                    append_capped(r->to_pty, buf, n, RELAY_PTY_BUFFER_MAX);
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                relay_drop_vmm(r);
            }
        }
        if (r->vmm_tag && (c & G_IO_OUT) && !flush(r->vmm_fd, r->to_vmm))
            relay_drop_vmm(r);
    }
    if (r->client_tag) {
        GIOCondition c = g_source_query_unix_fd(source, r->client_tag);
        if (c & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
            ssize_t n = recv(r->client_fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (n > 0)
                append_capped(r->to_vmm, buf, n, RELAY_BUFFER_MAX);
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                relay_drop_client(r);
        }
    }
    if (r->pty_tag) {
        GIOCondition c = g_source_query_unix_fd(source, r->pty_tag);
        if (c & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
            ssize_t n = read(r->pty_fd, buf, sizeof(buf));
            if (n > 0)
                append_capped(r->to_vmm, buf, n, RELAY_BUFFER_MAX);
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                relay_drop_pty(r);
        }
    }
    if (r->pty_fd >= 0)
        flush_pty(r);
    if (r->client_fd >= 0 && !flush(r->client_fd, r->to_client))
        relay_drop_client(r);
    if (r->vmm_fd >= 0 && !flush(r->vmm_fd, r->to_vmm))
        relay_drop_vmm(r);
    relay_update_events(r);
    g_mutex_unlock(&r->lock);
    return G_SOURCE_CONTINUE;
}

static void relay_finalize(GSource *source)
{
    ConsoleRelay *r = (ConsoleRelay *)source;
    if (r->vmm_fd >= 0)
        close(r->vmm_fd);
    if (r->client_fd >= 0)
        close(r->client_fd);
    if (r->log_fd >= 0)
        close(r->log_fd);
    if (r->pty_fd >= 0)
        close(r->pty_fd);
    if (r->pty_slave_fd >= 0)
        close(r->pty_slave_fd);
    g_free(r->pty_path);
    g_byte_array_unref(r->to_pty);
    g_byte_array_unref(r->to_client);
    g_byte_array_unref(r->to_vmm);
    g_mutex_clear(&r->lock);
}

static GSourceFuncs relay_funcs = {
    .dispatch = relay_dispatch,
    .finalize = relay_finalize,
};

ConsoleRelay *console_relay_new(GMainContext *context, const char *socket_path,
                                const char *log_path, goffset max_log, GError **error)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || unix_addr_connect(fd, socket_path) < 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot connect to the console of the VMM (%s): %s"), socket_path,
                    g_strerror(err));
        return NULL;
    }
    ConsoleRelay *r = (ConsoleRelay *)g_source_new(&relay_funcs, sizeof(ConsoleRelay));
    g_mutex_init(&r->lock);
    r->vmm_fd = fd;
    r->client_fd = -1;
    /* read too: the filter looks at the log's last byte */
    r->log_fd = log_path ? open(log_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
                                0600)
                         : -1;
    domain_log_stream_init(&r->log_stream, DOMAIN_LOG_GUEST, max_log);
    r->to_client = g_byte_array_new();
    r->to_vmm = g_byte_array_new();
    r->to_pty = g_byte_array_new();
    r->pty_fd = r->pty_slave_fd = -1;
    g_source_set_name(&r->source, "vessel console relay");
    r->vmm_tag = g_source_add_unix_fd(&r->source, fd, G_IO_IN);
    g_source_attach(&r->source, context);
    return r;
}

int console_relay_attach(ConsoleRelay *r, gboolean force, GError **error)
{
    g_mutex_lock(&r->lock);
    int result = -1;
    int sv[2];
    if (r->vmm_fd < 0) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                            _("The VMM closed its console"));
    } else if (r->client_fd >= 0 && !force) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                            _("Another client is attached to this console"));
    } else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot create console socket pair: %s"), g_strerror(errno));
    } else {
        relay_drop_client(r);
        fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
        r->client_fd = sv[0];
        r->client_tag = g_source_add_unix_fd(&r->source, sv[0], G_IO_IN);
        result = sv[1];
    }
    g_mutex_unlock(&r->lock);
    return result;
}

gboolean console_relay_add_pty(ConsoleRelay *r, gid_t gid, GError **error)
{
    char name[128];
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    int s = -1;
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0 ||
        (s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        goto fail;
    /* the owner's, and the socket group's as the read-write socket is */
    if (gid != (gid_t)-1 ? fchown(s, (uid_t)-1, gid) < 0 || fchmod(s, 0660) < 0
                         : fchmod(s, 0600) < 0)
        goto fail;
    struct termios t;
    if (tcgetattr(s, &t) == 0) {
        cfmakeraw(&t);    /* bytes as the guest wrote them, no echo */
        tcsetattr(s, TCSANOW, &t);
    }
    g_mutex_lock(&r->lock);
    if (r->closed || r->vmm_fd < 0 || r->pty_fd >= 0) {
        g_mutex_unlock(&r->lock);
        close(m);
        close(s);
        return TRUE;
    }
    r->pty_fd = m;
    r->pty_slave_fd = s;
    r->pty_path = g_strdup(name);
    r->pty_tag = g_source_add_unix_fd(&r->source, m, G_IO_IN);
    g_mutex_unlock(&r->lock);
    g_main_context_wakeup(g_source_get_context(&r->source));
    return TRUE;
fail:;
    int err = errno;
    if (m >= 0)
        close(m);
    if (s >= 0)
        close(s);
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                _("Cannot create a pty for the console: %s"), g_strerror(err));
    return FALSE;
}

char *console_relay_pty_path(ConsoleRelay *r)
{
    if (!r)
        return NULL;
    g_mutex_lock(&r->lock);
    char *path = r->pty_fd >= 0 ? g_strdup(r->pty_path) : NULL;
    g_mutex_unlock(&r->lock);
    return path;
}

void console_relay_free(ConsoleRelay *r)
{
    if (!r)
        return;
    g_mutex_lock(&r->lock);
    r->closed = TRUE;
    g_mutex_unlock(&r->lock);
    g_source_destroy(&r->source);
    g_source_unref(&r->source);
}
