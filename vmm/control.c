/* control.c - control channel server (see control.h and vmm/README).
 *
 * Commands are a table.  Each client has a line buffer; a line longer than
 * CONTROL_LINE_MAX gets `error line too long` and is skipped up to its
 * newline.  Replies are written with MSG_DONTWAIT; what the socket does
 * not take at once waits in the client's output buffer (a screendump
 * reply is long) up to CONTROL_REPLY_MAX: a client that does not read its
 * replies is disconnected rather than allowed to stall the VMM or grow
 * it.  Bytes that are not printable ASCII make the request invalid.
 * Most commands take no argument; send-key, vnc-password and the
 * test-only sandbox-probe (--sandbox-test) do.
 *
 * A request may carry one descriptor (SCM_RIGHTS, sent with its bytes):
 * a FILE argument `-` then names it (disk-overlay takes the overlay so,
 * from a parent that opened it: a confined VMM opens no file).  A FILE
 * given as fd:N in the text is refused: a client names no descriptor of
 * the VMM's own.  A descriptor no request takes is closed with the next
 * one or with the connection. */
#include "config.h"

#include "vmm/control.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

G_DEFINE_QUARK(vessel-control-error-quark, control_error)

typedef struct ControlClient ControlClient;

struct ControlServer {
    const ControlOps *ops;
    void *opaque;
    int listen_fd;
    guint listen_watch;
    char *path;              /* unlinked on free */
    GList *clients;
};

struct ControlClient {
    ControlServer *cs;
    int fd;
    guint watch;
    GString *buf;
    GString *out;            /* reply bytes the socket has not taken yet */
    guint out_watch;
    gboolean discarding;     /* inside an overlong line */
    int passed_fd;           /* the descriptor the client sent last, or -1 */
    gboolean watching;       /* sent `watch`: gets `event ...` lines */
};

static const char *const state_names[MACHINE_STATE_LAST] = {
    [MACHINE_STATE_RUNNING] = "running",
    [MACHINE_STATE_PAUSED] = "paused",
    [MACHINE_STATE_SHUTTING_DOWN] = "shutting-down",
    [MACHINE_STATE_CRASHED] = "crashed",
};
G_STATIC_ASSERT(G_N_ELEMENTS(state_names) == MACHINE_STATE_LAST);

const char *machine_state_name(MachineState s)
{
    return s < MACHINE_STATE_LAST ? state_names[s] : "unknown";
}

/* ---- commands ------------------------------------------------------ */

typedef gboolean (*ControlAction)(void *opaque, GError **error);

static void json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

/* ,"crash":{...}: registers as hex strings (JSON numbers lose bits). */
static void control_crash_json(GString *s, const MachineCrash *c)
{
    g_string_append(s, ",\"crash\":{\"what\":");
    json_string(s, c->why.what);
    g_string_append_printf(s, ",\"vector\":%d", c->why.vector);
    if (c->why.has_error_code)
        g_string_append_printf(s, ",\"error_code\":%u", c->why.error_code);
    g_string_append_printf(s, ",\"vcpu\":%d", c->vcpu);
    if (c->have_regs) {
        const struct {
            const char *name;
            uint64_t value;
        } regs[] = {
            { "rip", c->regs.rip }, { "rflags", c->regs.rflags }, { "cr0", c->sregs.cr0 },
            { "cr2", c->sregs.cr2 }, { "cr3", c->sregs.cr3 }, { "cr4", c->sregs.cr4 },
            { "efer", c->sregs.efer },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(regs); i++)
            g_string_append_printf(s, ",\"%s\":\"%#" G_GINT64_MODIFIER "x\"", regs[i].name,
                                   (guint64)regs[i].value);
    }
    g_string_append_c(s, '}');
}

/* ,"vga":{...}: what the screen shows and the dispi registers. */
static void control_vga_json(GString *s, const StdVgaScreen *scr)
{
    static const char *const kinds[] = {
        [STDVGA_BLANK] = "blank", [STDVGA_TEXT] = "text", [STDVGA_GRAPHICS] = "graphics",
    };
    g_string_append_printf(s, ",\"vga\":{\"screen\":\"%s\"", kinds[scr->kind]);
    if (scr->kind == STDVGA_TEXT)
        g_string_append_printf(s, ",\"cols\":%u,\"rows\":%u", scr->text.cols, scr->text.rows);
    else if (scr->kind == STDVGA_GRAPHICS)
        g_string_append_printf(s, ",\"width\":%u,\"height\":%u,\"bpp\":%u,\"byte_order\":\"%s\"",
                               scr->mode.width, scr->mode.height, scr->mode.bpp,
                               scr->big_endian ? "big" : "little");
    g_string_append(s, ",\"vbe\":{");
    for (unsigned i = 0; i < VBE_NR_REGS; i++)
        g_string_append_printf(s, "%s\"%s\":%u", i ? "," : "", vbe_reg_name(i), scr->vbe[i]);
    g_string_append(s, "}}");
}

static char *control_info_json(const ControlOps *ops, void *opaque)
{
    ControlInfo info = { 0 };
    ops->info(opaque, &info);
    GString *s = g_string_new("ok {\"name\":");
    json_string(s, info.name);
    g_string_append(s, ",\"uuid\":");
    json_string(s, info.uuid);
    g_string_append(s, ",\"state\":");
    json_string(s, machine_state_name(info.state));
    g_string_append(s, ",\"accel\":");
    json_string(s, info.accel);
    g_string_append_printf(s, ",\"vcpus\":%d,\"memory_mib\":%" G_GUINT64_FORMAT
                           ",\"cpu_time_ns\":%" G_GUINT64_FORMAT
                           ",\"serial_out_bytes\":%" G_GUINT64_FORMAT
                           ",\"serial_dropped_bytes\":%" G_GUINT64_FORMAT,
                           info.vcpus, info.memory_mib, info.cpu_time_ns, info.serial_out_bytes,
                           info.serial_dropped_bytes);
    if (info.crashed)
        control_crash_json(s, &info.crash);
    if (info.vnc) {
        g_string_append(s, ",\"vnc\":");
        json_string(s, info.vnc);
        g_string_append_printf(s, ",\"vnc_clients\":%d", info.vnc_clients);
    }
    if (info.vga)
        control_vga_json(s, &info.vga_screen);
    g_string_append_printf(s, ",\"pid\":%ld}", info.pid);
    return g_string_free(s, FALSE);
}

static char *control_run(ControlAction action, void *opaque)
{
    GError *error = NULL;
    if (!action(opaque, &error)) {
        char *r = g_strdup_printf("error %s", error ? error->message : "failed");
        g_clear_error(&error);
        return r;
    }
    return g_strdup("ok");
}

static char *control_error(GError *error)
{
    char *r = g_strdup_printf("error %s", error ? error->message : "failed");
    g_clear_error(&error);
    return r;
}

/* send-key HOLD_MS CODE... : Linux keycodes, decimal. */
static char *control_send_key(const ControlOps *ops, void *opaque, char **args,
                              int *passed_fd)
{
    (void)passed_fd;
    guint n = g_strv_length(args);
    if (n < 2 || n - 1 > CONTROL_SEND_KEY_MAX)
        return g_strdup_printf("error usage: send-key HOLD_MS CODE... (1 to %d codes)",
                               CONTROL_SEND_KEY_MAX);
    guint64 v;
    if (!g_ascii_string_to_unsigned(args[0], 10, 0, 60000, &v, NULL))
        return g_strdup("error send-key: HOLD_MS is 0 to 60000");
    guint hold = (guint)v;
    unsigned codes[CONTROL_SEND_KEY_MAX];
    for (guint i = 1; i < n; i++) {
        if (!g_ascii_string_to_unsigned(args[i], 10, 1, 0x2ff, &v, NULL))
            return g_strdup_printf("error send-key: bad keycode '%.16s'", args[i]);
        codes[i - 1] = (unsigned)v;
    }
    GError *error = NULL;
    if (!ops->send_key || !ops->send_key(opaque, codes, n - 1, hold, &error))
        return control_error(error);
    return g_strdup("ok");
}

/* vnc-password [HEX]: the password hex-encoded (any bytes but NUL). */
static char *control_vnc_password(const ControlOps *ops, void *opaque, char **args,
                                  int *passed_fd)
{
    (void)passed_fd;
    guint n = g_strv_length(args);
    if (n > 1)
        return g_strdup("error usage: vnc-password [HEX]");
    g_autofree char *pw = NULL;
    if (n == 1) {
        size_t len = strlen(args[0]);
        if (len % 2 || len > 128)
            return g_strdup("error vnc-password: not a hex string");
        pw = g_malloc0(len / 2 + 1);
        for (size_t i = 0; i < len / 2; i++) {
            int hi = g_ascii_xdigit_value(args[0][2 * i]), lo = g_ascii_xdigit_value(args[0][2 * i + 1]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return g_strdup("error vnc-password: not a hex string");
            pw[i] = (char)(hi << 4 | lo);
        }
    }
    GError *error = NULL;
    gboolean ok = ops->vnc_password && ops->vnc_password(opaque, pw, &error);
    if (pw)
        explicit_bzero(pw, strlen(pw));
    return ok ? g_strdup("ok") : control_error(error);
}

/* sandbox-probe WHAT [ARG]: test-only, refused unless the VMM was
 * started with --sandbox-test (vmm/README "Sandbox"). */
static char *control_sandbox_probe(const ControlOps *ops, void *opaque, char **args,
                                   int *passed_fd)
{
    (void)passed_fd;
    guint n = g_strv_length(args);
    if (n < 1 || n > 2)
        return g_strdup("error usage: sandbox-probe WHAT [ARG]");
    GError *error = NULL;
    char *r = ops->sandbox_probe ? ops->sandbox_probe(opaque, args[0], args[1], &error) : NULL;
    if (!r)
        return control_error(error);
    char *reply = g_strdup_printf("ok %s", r);
    g_free(r);
    return reply;
}

static char *control_screendump(const ControlOps *ops, void *opaque, char **args,
                                int *passed_fd)
{
    (void)passed_fd;
    if (args[0])
        return g_strdup("error commands take no arguments");
    GError *error = NULL;
    GBytes *png = ops->screendump ? ops->screendump(opaque, &error) : NULL;
    if (!png)
        return control_error(error);
    gsize len;
    const guchar *data = g_bytes_get_data(png, &len);
    g_autofree char *b64 = g_base64_encode(data, len);
    g_bytes_unref(png);
    return g_strdup_printf("ok %s", b64);
}

typedef gboolean (*ControlDiskOp)(void *opaque, unsigned index, const char *file,
                                  GError **error);

/* disk-overlay / disk-commit INDEX FILE|-: FILE `-` is the descriptor
 * sent with the request (ours to close if the switch fails before the
 * image took it); a FILE given as fd:N is refused. */
static char *control_disk_switch(const char *name, ControlDiskOp op, void *opaque, char **args,
                                 int *passed_fd)
{
    guint64 index;
    if (!args[0] || !args[1] || args[2] ||
        !g_ascii_string_to_unsigned(args[0], 10, 0, 63, &index, NULL))
        return g_strdup_printf("error usage: %s INDEX FILE|-", name);
    g_autofree char *file = NULL;
    int fd = -1;
    struct stat before = { 0 }, after;
    if (!strcmp(args[1], "-")) {
        if (*passed_fd < 0 || fstat(*passed_fd, &before) < 0)
            return g_strdup_printf("error %s: FILE - but no descriptor came with the request",
                                   name);
        fd = *passed_fd;
        *passed_fd = -1;
        file = g_strdup_printf("fd:%d", fd);
    } else if (g_str_has_prefix(args[1], "fd:")) {
        return g_strdup_printf("error %s: pass a descriptor as FILE -, not fd:N", name);
    } else {
        file = g_strdup(args[1]);
    }
    GError *error = NULL;
    gboolean ok = op && op(opaque, (unsigned)index, file, &error);
    if (!ok && fd >= 0 && fstat(fd, &after) == 0 && after.st_dev == before.st_dev &&
        after.st_ino == before.st_ino)
        close(fd);
    if (!ok && !error)
        return g_strdup_printf("error %s: not supported", name);
    return ok ? g_strdup("ok") : control_error(error);
}

static char *control_disk_overlay(const ControlOps *ops, void *opaque, char **args,
                                  int *passed_fd)
{
    return control_disk_switch("disk-overlay", ops->disk_overlay, opaque, args, passed_fd);
}

static char *control_disk_commit(const ControlOps *ops, void *opaque, char **args,
                                 int *passed_fd)
{
    return control_disk_switch("disk-commit", ops->disk_commit, opaque, args, passed_fd);
}

/* Commands that take arguments; NULL if @cmd is none of them. */
static char *control_dispatch_args(const ControlOps *ops, void *opaque, const char *cmd,
                                   int *passed_fd)
{
    static const struct {
        const char *name;
        char *(*run)(const ControlOps *ops, void *opaque, char **args, int *passed_fd);
    } cmds[] = {
        { "send-key", control_send_key },
        { "vnc-password", control_vnc_password },
        { "screendump", control_screendump },
        { "sandbox-probe", control_sandbox_probe },
        { "disk-overlay", control_disk_overlay },
        { "disk-commit", control_disk_commit },
    };
    g_auto(GStrv) words = g_strsplit(cmd, " ", -1);
    /* collapse runs of spaces */
    guint k = 0;
    for (guint i = 0; words[i]; i++) {
        if (*words[i])
            words[k++] = words[i];
        else
            g_free(words[i]);
    }
    words[k] = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++)
        if (words[0] && !strcmp(words[0], cmds[i].name))
            return cmds[i].run(ops, opaque, words + 1, passed_fd);
    return NULL;
}

char *control_dispatch(const ControlOps *ops, void *opaque, const char *line, gboolean *quit)
{
    int none = -1;
    return control_dispatch_fd(ops, opaque, line, &none, quit);
}

char *control_dispatch_fd(const ControlOps *ops, void *opaque, const char *line, int *passed_fd,
                          gboolean *quit)
{
    *quit = FALSE;
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return g_strdup("error invalid characters in request");
    g_autofree char *cmd = g_strstrip(g_strdup(line));
    if (!*cmd)
        return g_strdup("error empty request");
    char *reply = control_dispatch_args(ops, opaque, cmd, passed_fd);
    if (reply)
        return reply;
    if (strchr(cmd, ' '))
        return g_strdup("error commands take no arguments");
    if (!strcmp(cmd, "status"))
        return g_strdup_printf("ok %s", machine_state_name(ops->state(opaque)));
    if (!strcmp(cmd, "info"))
        return control_info_json(ops, opaque);
    if (!strcmp(cmd, "quit")) {
        *quit = TRUE;
        return g_strdup("ok");
    }
    static const struct {
        const char *name;
        size_t offset;
    } actions[] = {
        { "pause", G_STRUCT_OFFSET(ControlOps, pause) },
        { "resume", G_STRUCT_OFFSET(ControlOps, resume) },
        { "powerdown", G_STRUCT_OFFSET(ControlOps, powerdown) },
        { "reset", G_STRUCT_OFFSET(ControlOps, reset) },
        { "reboot", G_STRUCT_OFFSET(ControlOps, reboot) },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(actions); i++) {
        if (!strcmp(cmd, actions[i].name)) {
            ControlAction a = G_STRUCT_MEMBER(ControlAction, ops, actions[i].offset);
            return control_run(a, opaque);
        }
    }
    return g_strdup_printf("error unknown command '%.64s'", cmd);
}

/* ---- connections --------------------------------------------------- */

static void control_client_free(ControlClient *c)
{
    if (c->watch)
        g_source_remove(c->watch);
    if (c->out_watch)
        g_source_remove(c->out_watch);
    if (c->out)
        g_string_free(c->out, TRUE);
    close(c->fd);
    if (c->passed_fd >= 0)
        close(c->passed_fd);
    g_string_free(c->buf, TRUE);
    c->cs->clients = g_list_remove(c->cs->clients, c);
    g_free(c);
}

/* Send what is buffered; FALSE if the client is broken. */
static gboolean control_client_flush(ControlClient *c)
{
    while (c->out && c->out->len) {
        ssize_t n = send(c->fd, c->out->str, c->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return TRUE;
        if (n <= 0)
            return FALSE;
        g_string_erase(c->out, 0, n);
    }
    return TRUE;
}

static gboolean control_client_writable(gint fd, GIOCondition cond, gpointer data)
{
    (void)fd;
    ControlClient *c = data;
    if ((cond & (G_IO_ERR | G_IO_HUP)) || !control_client_flush(c)) {
        c->out_watch = 0;
        control_client_free(c);
        return G_SOURCE_REMOVE;
    }
    if (c->out->len)
        return G_SOURCE_CONTINUE;
    c->out_watch = 0;
    return G_SOURCE_REMOVE;
}

static gboolean control_client_send(ControlClient *c, const char *reply)
{
    if (!c->out)
        c->out = g_string_new(NULL);
    if (c->out->len + strlen(reply) + 1 > CONTROL_REPLY_MAX)
        return FALSE; /* not reading its replies */
    g_string_append(c->out, reply);
    g_string_append_c(c->out, '\n');
    if (!control_client_flush(c))
        return FALSE;
    if (c->out->len && !c->out_watch)
        c->out_watch = g_unix_fd_add(c->fd, G_IO_OUT | G_IO_ERR | G_IO_HUP,
                                     control_client_writable, c);
    return TRUE;
}

/* Returns FALSE if the client is gone (freed). */
static gboolean control_client_lines(ControlClient *c)
{
    ControlServer *cs = c->cs;
    for (;;) {
        char *nl = memchr(c->buf->str, '\n', c->buf->len);
        if (!nl) {
            if (c->buf->len > CONTROL_LINE_MAX) {
                if (!c->discarding && !control_client_send(c, "error line too long")) {
                    control_client_free(c);
                    return FALSE;
                }
                c->discarding = TRUE;
                g_string_truncate(c->buf, 0);
            }
            return TRUE;
        }
        gsize linelen = nl - c->buf->str;
        gsize used = linelen + 1;
        gboolean has_nul = memchr(c->buf->str, '\0', linelen) != NULL;
        *nl = '\0';
        if (c->discarding) {
            c->discarding = FALSE;
            g_string_erase(c->buf, 0, used);
            continue;
        }
        if (linelen && c->buf->str[linelen - 1] == '\r')
            c->buf->str[linelen - 1] = '\0';
        if (has_nul) {
            g_string_erase(c->buf, 0, used);
            if (!control_client_send(c, "error invalid characters in request")) {
                control_client_free(c);
                return FALSE;
            }
            continue;
        }
        gboolean quit = FALSE;
        g_autofree char *reply = NULL;
        if (strcmp(c->buf->str, "watch") == 0) {
            c->watching = TRUE; /* a property of this connection, not a command */
            reply = g_strdup("ok");
        } else {
            reply = control_dispatch_fd(cs->ops, cs->opaque, c->buf->str, &c->passed_fd,
                                        &quit);
        }
        g_string_erase(c->buf, 0, used);
        gboolean sent = control_client_send(c, reply);
        if (quit) {
            cs->ops->quit(cs->opaque);
            return TRUE;
        }
        if (!sent) {
            control_client_free(c);
            return FALSE;
        }
    }
}

static gboolean control_client_ready(gint fd, GIOCondition cond, gpointer data)
{
    ControlClient *c = data;
    char buf[1024];
    union {
        struct cmsghdr align;
        char space[CMSG_SPACE(sizeof(int) * 4)];
    } ctl;
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = ctl.space, .msg_controllen = sizeof(ctl.space) };
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    for (struct cmsghdr *cm = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm;
         cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        size_t nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < nfds; i++) {
            int passed;
            memcpy(&passed, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
            if (c->passed_fd >= 0)
                close(c->passed_fd);
            c->passed_fd = passed;   /* the last one counts */
        }
    }
    if (n <= 0 || (cond & G_IO_ERR)) {
        c->watch = 0;
        control_client_free(c);
        return G_SOURCE_REMOVE;
    }
    g_string_append_len(c->buf, buf, n);
    if (!control_client_lines(c))
        return G_SOURCE_REMOVE; /* freed, and its watch removed */
    return G_SOURCE_CONTINUE;
}

static void control_client_add(ControlServer *cs, int fd)
{
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    ControlClient *c = g_new0(ControlClient, 1);
    c->cs = cs;
    c->fd = fd;
    c->buf = g_string_new(NULL);
    c->passed_fd = -1;
    c->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, control_client_ready, c);
    cs->clients = g_list_prepend(cs->clients, c);
}

static gboolean control_accept(gint fd, GIOCondition cond, gpointer data)
{
    (void)cond;
    ControlServer *cs = data;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c >= 0)
        control_client_add(cs, c);
    return G_SOURCE_CONTINUE;
}

static int control_listen_unix(const char *path, GError **error)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path)) {
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC,
                    "control socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_OPEN, "socket: %s",
                    g_strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_OPEN,
                    "cannot listen on control socket %s: %s", path, g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

ControlServer *control_server_new(const char *spec, const ControlOps *ops, void *opaque,
                                  GError **error)
{
    ControlServer *cs = g_new0(ControlServer, 1);
    cs->ops = ops;
    cs->opaque = opaque;
    cs->listen_fd = -1;
    if (g_str_has_prefix(spec, "unix:") && spec[5]) {
        cs->listen_fd = control_listen_unix(spec + 5, error);
        if (cs->listen_fd < 0) {
            g_free(cs);
            return NULL;
        }
        cs->path = g_strdup(spec + 5);
    } else if (g_str_has_prefix(spec, "fd:") && spec[3]) {
        char *end;
        errno = 0;
        long fd = strtol(spec + 3, &end, 10);
        struct stat st;
        if (*end || errno || fd < 0 || fd > INT_MAX || fstat(fd, &st) < 0 ||
            !S_ISSOCK(st.st_mode)) {
            g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC,
                        "--control %s: not an open socket", spec);
            g_free(cs);
            return NULL;
        }
        int accepting = 0;
        socklen_t len = sizeof(accepting);
        g_unix_set_fd_nonblocking(fd, TRUE, NULL);
        fcntl((int)fd, F_SETFD, FD_CLOEXEC);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 && accepting)
            cs->listen_fd = fd;
        else
            control_client_add(cs, fd);
    } else {
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC,
                    "bad --control '%s' (unix:PATH or fd:N)", spec);
        g_free(cs);
        return NULL;
    }
    if (cs->listen_fd >= 0)
        cs->listen_watch = g_unix_fd_add(cs->listen_fd, G_IO_IN, control_accept, cs);
    return cs;
}

void control_server_event(ControlServer *cs, const char *event)
{
    if (!cs)
        return;
    g_autofree char *line = g_strdup_printf("event %s", event);
    for (GList *l = cs->clients; l; l = l->next) {
        ControlClient *c = l->data;
        /* A watcher that does not read its events is dropped, as one
         * that does not read its replies: by its own read watch, since
         * this may run inside a request of that very connection. */
        if (c->watching && !control_client_send(c, line)) {
            c->watching = FALSE;
            shutdown(c->fd, SHUT_RDWR);
        }
    }
}

void control_server_free(ControlServer *cs)
{
    if (!cs)
        return;
    while (cs->clients)
        control_client_free(cs->clients->data);
    if (cs->listen_watch)
        g_source_remove(cs->listen_watch);
    if (cs->listen_fd >= 0)
        close(cs->listen_fd);
    if (cs->path)
        unlink(cs->path);
    g_free(cs->path);
    g_free(cs);
}
