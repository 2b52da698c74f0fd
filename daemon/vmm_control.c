/* vmm_control.c - one request line, one reply line over a UNIX socket. */
#include "config.h"

#include <errno.h>
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

static int control_connect(const char *path, GError **error)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || unix_addr_connect(fd, path) < 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                    _("Cannot connect to VMM control socket %s: %s"), path,
                    g_strerror(err));
        return -1;
    }
    return fd;
}

/* Wait for @events on @fd until @deadline (monotonic us). */
static gboolean control_wait(int fd, short events, gint64 deadline, GError **error)
{
    for (;;) {
        gint64 left = deadline - g_get_monotonic_time();
        if (left <= 0) {
            g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT,
                                _("The VMM did not answer on its control socket"));
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
    int fd = control_connect(path, error);
    if (fd < 0)
        return NULL;

    g_autofree char *line = g_strconcat(command, "\n", NULL);
    g_autofree char *reply = NULL;
    if (control_send(fd, line, pass_fd, deadline, error))
        reply = control_read_line(fd, deadline, max_reply, error);
    close(fd);
    if (!reply)
        return NULL;

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

/* The value of "@key" in a flat JSON object: the raw number or the
 * (unescaped only for \" and \\) string.  Enough for the VMM's info. */
static char *json_flat_get(const char *json, const char *key)
{
    g_autofree char *pat = g_strdup_printf("\"%s\"", key);
    const char *p = strstr(json, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p++ != ':')
        return NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '"') {
        GString *s = g_string_new(NULL);
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            g_string_append_c(s, *p);
        }
        return g_string_free(s, FALSE);
    }
    const char *e = p;
    while (*e && *e != ',' && *e != '}' && *e != ' ')
        e++;
    return g_strndup(p, e - p);
}

static guint64 json_flat_u64(const char *json, const char *key)
{
    g_autofree char *v = json_flat_get(json, key);
    return v ? g_ascii_strtoull(v, NULL, 10) : 0;
}

VmmInfo *vmm_control_info(const char *path, guint timeout_ms, GError **error)
{
    g_autofree char *json = vmm_control_request(path, "info", timeout_ms, error);
    if (!json)
        return NULL;
    VmmInfo *info = g_new0(VmmInfo, 1);
    info->state = json_flat_get(json, "state");
    info->accel = json_flat_get(json, "accel");
    info->vcpus = json_flat_u64(json, "vcpus");
    info->memory_mib = json_flat_u64(json, "memory_mib");
    info->cpu_time_ns = json_flat_u64(json, "cpu_time_ns");
    return info;
}

void vmm_info_free(VmmInfo *info)
{
    if (!info)
        return;
    g_free(info->state);
    g_free(info->accel);
    g_free(info);
}
