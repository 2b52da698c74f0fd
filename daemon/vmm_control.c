/* vmm_control.c - one request line, one reply line over a UNIX socket.
 *
 * Nothing here may hang on a VMM that does not answer (stopped with
 * SIGSTOP, stuck, hostile): the socket is nonblocking from the start,
 * connect included (a VMM that does not accept fills its listen backlog,
 * after which a blocking connect would wait forever), and every step has
 * the request's deadline.  Requests to one VMM go one at a time (its
 * channel, keyed by the socket path, which derives from the domain's
 * UUID): a few wait their turn, more are refused at once, and while a
 * request that timed out has not been answered by a later one, only one
 * request at a time tries again and the others are refused at once.  So
 * a hung VMM holds at most VMM_CHANNEL_WAITERS_MAX + 1 of the daemon's
 * pool threads, each for at most its timeout, and other domains never
 * wait for it.  `info` is read with json-glib: the VMM's JSON is input
 * from a process that runs guest-influenced code, parsed by a library
 * that handles every escape and nesting, not by string search. */
#include "config.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon_error.h"
#include "i18n.h"
#include "unix_addr.h"
#include "vmm_control.h"

#define VMM_REPLY_MAX 65536
/* Requests that may wait for a busy VMM; more are refused at once. */
#define VMM_CHANNEL_WAITERS_MAX 4
/* Nesting allowed in the VMM's `info` JSON (it sends a flat object):
 * json-glib's parser recurses once per level, and 64 KiB of `[` would
 * overflow a pool thread's stack. */
#define VMM_INFO_DEPTH_MAX 8
/* How often a connect to a VMM whose listen backlog is full is tried. */
#define VMM_CONNECT_RETRY_US 10000

/* ---- one request at a time per VMM ---------------------------------- */

typedef struct {
    gboolean busy;          /* a request is talking to the VMM */
    guint waiting;          /* requests waiting for their turn */
    gboolean stalled;       /* the last request timed out: not answering */
} VmmChannel;

static GMutex channels_lock;
static GCond channels_cond;
static GHashTable *channels;   /* socket path -> VmmChannel */

static void set_not_answering(GError **error)
{
    g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT,
                        _("The VMM did not answer on its control socket"));
}

/* Take @path's channel by @deadline; FALSE + error if the VMM is busy
 * with requests it does not answer. */
static gboolean channel_enter(const char *path, gint64 deadline, GError **error)
{
    g_mutex_lock(&channels_lock);
    if (!channels)
        channels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    VmmChannel *ch = g_hash_table_lookup(channels, path);
    if (!ch) {
        ch = g_new0(VmmChannel, 1);
        g_hash_table_insert(channels, g_strdup(path), ch);
    }
    gboolean ok;
    ch->waiting++;
    for (;;) {
        if (!ch->busy) {
            ok = TRUE;
            break;
        }
        if (ch->stalled || ch->waiting > VMM_CHANNEL_WAITERS_MAX) {
            ok = FALSE;
            break;
        }
        if (!g_cond_wait_until(&channels_cond, &channels_lock, deadline)) {
            ok = !ch->busy;
            break;
        }
    }
    ch->waiting--;
    if (ok)
        ch->busy = TRUE;
    g_mutex_unlock(&channels_lock);
    if (!ok)
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT,
                            _("The VMM did not answer on its control socket (earlier requests "
                              "to it are still waiting)"));
    return ok;
}

/* Give the channel back; @timed_out says whether the VMM failed to answer. */
static void channel_leave(const char *path, gboolean timed_out)
{
    g_mutex_lock(&channels_lock);
    VmmChannel *ch = g_hash_table_lookup(channels, path);
    ch->busy = FALSE;
    ch->stalled = timed_out;
    if (!ch->waiting && !ch->stalled)
        g_hash_table_remove(channels, path);
    g_cond_broadcast(&channels_cond);
    g_mutex_unlock(&channels_lock);
}

void vmm_control_forget(const char *path)
{
    g_mutex_lock(&channels_lock);
    VmmChannel *ch = channels ? g_hash_table_lookup(channels, path) : NULL;
    if (ch && !ch->busy && !ch->waiting)
        g_hash_table_remove(channels, path);
    g_mutex_unlock(&channels_lock);
}

/* ---- the connection ----------------------------------------------------- */

/* Wait for @events on @fd until @deadline (monotonic us). */
static gboolean control_wait(int fd, short events, gint64 deadline, GError **error)
{
    for (;;) {
        gint64 left = deadline - g_get_monotonic_time();
        if (left <= 0) {
            set_not_answering(error);
            return FALSE;
        }
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, (int)MIN(left / 1000 + 1, G_MAXINT));
        if (n > 0)
            return TRUE;
        if (n < 0 && errno != EINTR) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("poll on VMM control socket: %s"), g_strerror(errno));
            return FALSE;
        }
    }
}

/* A nonblocking connection to @path by @deadline.  A full listen backlog
 * (EAGAIN: the VMM accepts nothing) is tried again until the deadline. */
static int control_connect(const char *path, gint64 deadline, GError **error)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int err = fd < 0 ? errno : 0;
    while (fd >= 0) {
        if (unix_addr_connect(fd, path) == 0)
            return fd;
        err = errno;
        if (err == EINPROGRESS) {   /* not for AF_UNIX today; handled all the same */
            socklen_t len = sizeof(err);
            if (!control_wait(fd, POLLOUT, deadline, error)) {
                close(fd);
                return -1;
            }
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
                return fd;
            break;
        }
        if (err != EAGAIN && err != EINTR)
            break;
        gint64 left = deadline - g_get_monotonic_time();
        if (left <= 0) {
            close(fd);
            set_not_answering(error);
            return -1;
        }
        g_usleep(MIN(left, VMM_CONNECT_RETRY_US));
    }
    if (fd >= 0)
        close(fd);
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                _("Cannot connect to VMM control socket %s: %s"), path, g_strerror(err));
    return -1;
}

/* Send @line; @pass_fd (>= 0) goes with its first byte (SCM_RIGHTS). */
static gboolean control_send(int fd, const char *line, int pass_fd, gint64 deadline,
                             GError **error)
{
    gsize len = strlen(line), done = 0;
    while (done < len) {
        if (!control_wait(fd, POLLOUT, deadline, error))
            return FALSE;
        union {
            struct cmsghdr align;
            char space[CMSG_SPACE(sizeof(int))];
        } ctl;
        struct iovec iov = { .iov_base = (char *)line + done, .iov_len = len - done };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        if (pass_fd >= 0) {
            memset(&ctl, 0, sizeof(ctl));
            msg.msg_control = ctl.space;
            msg.msg_controllen = sizeof(ctl.space);
            struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
        }
        ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            pass_fd = -1;   /* it went with these bytes */
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("Cannot write to VMM control socket: %s"), g_strerror(errno));
            return FALSE;
        }
        done += n;
    }
    return TRUE;
}

static char *control_read_line(int fd, gint64 deadline, gsize max, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    for (;;) {
        char chunk[16384];
        if (!control_wait(fd, POLLIN, deadline, error))
            return NULL;
        ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("Cannot read from VMM control socket: %s"), g_strerror(errno));
            return NULL;
        }
        if (n == 0) {
            g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                                _("The VMM closed its control connection without a reply"));
            return NULL;
        }
        char *nl = memchr(chunk, '\n', n);
        g_string_append_len(buf, chunk, nl ? nl - chunk : n);
        if (nl)
            return g_string_free(g_steal_pointer(&buf), FALSE);
        if (buf->len > max) {
            g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                                _("The VMM sent an overlong control reply"));
            return NULL;
        }
    }
}

char *vmm_control_request(const char *path, const char *command,
                          guint timeout_ms, GError **error)
{
    return vmm_control_request_full(path, command, command, timeout_ms, VMM_REPLY_MAX, error);
}

static char *request(const char *path, const char *command, const char *what, int pass_fd,
                     guint timeout_ms, gsize max_reply, GError **error);

char *vmm_control_request_full(const char *path, const char *command, const char *what,
                               guint timeout_ms, gsize max_reply, GError **error)
{
    return request(path, command, what, -1, timeout_ms, max_reply, error);
}

char *vmm_control_request_fd(const char *path, const char *command, int fd, guint timeout_ms,
                             GError **error)
{
    return request(path, command, command, fd, timeout_ms, VMM_REPLY_MAX, error);
}

static char *request(const char *path, const char *command, const char *what, int pass_fd,
                     guint timeout_ms, gsize max_reply, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    if (!channel_enter(path, deadline, error))
        return NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *line = g_strconcat(command, "\n", NULL);
    g_autofree char *reply = NULL;
    int fd = control_connect(path, deadline, &err);
    if (fd >= 0) {
        if (control_send(fd, line, pass_fd, deadline, &err))
            reply = control_read_line(fd, deadline, max_reply, &err);
        close(fd);
    }
    channel_leave(path, !reply && g_error_matches(err, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT));
    if (!reply) {
        g_propagate_error(error, g_steal_pointer(&err));
        return NULL;
    }

    if (strcmp(reply, "ok") == 0)
        return g_strdup("");
    if (g_str_has_prefix(reply, "ok "))
        return g_strdup(reply + 3);
    if (g_str_has_prefix(reply, "error")) {
        const char *msg = reply + 5;
        while (*msg == ' ')
            msg++;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("The VMM refused '%s': %s"), what, *msg ? msg : _("no reason given"));
        return NULL;
    }
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                _("Unexpected reply from the VMM to '%s': %.80s"), what, reply);
    return NULL;
}

/* Member @key of @obj as a string, NULL if absent or not a string. */
static char *json_string_member(JsonObject *obj, const char *key)
{
    JsonNode *n = json_object_get_member(obj, key);
    if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
        return NULL;
    return g_strdup(json_node_get_string(n));
}

/* Member @key of @obj as a non-negative integer, 0 if absent or not one. */
static guint64 json_u64_member(JsonObject *obj, const char *key)
{
    JsonNode *n = json_object_get_member(obj, key);
    if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
        return 0;
    gint64 v = json_node_get_int(n);
    return v > 0 ? (guint64)v : 0;
}

/* The deepest nesting of arrays and objects in @json, or G_MAXUINT if it
 * has what json-glib accepts beyond JSON and this scan would have to
 * read as json-glib does (single-quoted strings, comments): the VMM
 * sends plain JSON only. */
static guint json_depth(const char *json)
{
    guint depth = 0, max = 0;
    gboolean in_string = FALSE;
    for (const char *p = json; *p; p++) {
        if (in_string) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_string = FALSE;
        } else if (*p == '"') {
            in_string = TRUE;
        } else if (*p == '[' || *p == '{') {
            max = MAX(max, ++depth);
        } else if ((*p == ']' || *p == '}') && depth) {
            depth--;
        } else if (*p == '\'' || *p == '/' || *p == '#') {
            return G_MAXUINT;
        }
    }
    return max;
}

VmmInfo *vmm_info_parse(const char *json, GError **error)
{
    guint depth = json_depth(json);
    if (depth > VMM_INFO_DEPTH_MAX) {
        if (depth == G_MAXUINT)
            g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                                _("The VMM's info is not plain JSON (quote or comment "
                                  "outside a string)"));
        else
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("The VMM's info nests deeper than %d levels"), VMM_INFO_DEPTH_MAX);
        return NULL;
    }
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GError) perr = NULL;
    if (!json_parser_load_from_data(parser, json, -1, &perr)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("The VMM's info is not JSON: %s"), perr->message);
        return NULL;
    }
    JsonNode *root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                            _("The VMM's info is not a JSON object"));
        return NULL;
    }
    JsonObject *obj = json_node_get_object(root);
    VmmInfo *info = g_new0(VmmInfo, 1);
    info->state = json_string_member(obj, "state");
    info->accel = json_string_member(obj, "accel");
    info->vcpus = (guint)MIN(json_u64_member(obj, "vcpus"), G_MAXUINT);
    info->memory_mib = json_u64_member(obj, "memory_mib");
    info->cpu_time_ns = json_u64_member(obj, "cpu_time_ns");
    return info;
}

VmmInfo *vmm_control_info(const char *path, guint timeout_ms, GError **error)
{
    g_autofree char *json = vmm_control_request(path, "info", timeout_ms, error);
    return json ? vmm_info_parse(json, error) : NULL;
}

void vmm_info_free(VmmInfo *info)
{
    if (!info)
        return;
    g_free(info->state);
    g_free(info->accel);
    g_free(info);
}
