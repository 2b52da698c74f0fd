/* fuzz-control.c - libFuzzer entry point for the VMM's control channel
 * (vmm/control.c): framing (lines, "\r", NUL bytes, overlong lines) and
 * the parser of every command and its arguments.
 *
 * An input is the byte stream a client sends.  It goes, in pieces, into
 * one end of a socket pair whose other end is the channel (`--control
 * fd:N`, as vesseld passes it); the GLib main loop runs the real server
 * until the input is consumed.  Checked on every input: every reply line
 * is `ok[ PAYLOAD]` or `error MESSAGE` in printable ASCII, there is at
 * most one reply per request line, and what reaches the VMM's side (the
 * ops below) is within the documented limits (1-16 key codes of at most
 * 0x2ff, a hold of at most 60 s, a VNC password of at most 64 bytes).
 * Anything else aborts; crashes and sanitizer reports are the bugs.
 *
 * In `make check` fuzz-control-driver.c replays the checked-in corpus
 * (fuzz-corpus/control/) and fixed-seed mutations of it.  Real fuzzing
 * (apt-get install clang libclang-rt-14-dev):
 *   tests/vmm/fuzz/build-libfuzzer.sh BUILDDIR [-max_total_time=600]
 */
#include "config.h"

#include "vmm/control.h"

#include <errno.h>
#include <glib-unix.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Coverage counters for the driver. */
unsigned long fuzz_control_ok, fuzz_control_errors, fuzz_control_actions;

#define FUZZ_MAX_INPUT (256u << 10)

static void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-control: %s: %.200s\n", what, detail ? detail : "");
    abort();
}

typedef struct {
    MachineState state;
    gboolean quit;
} FuzzVmm;

static MachineState f_state(void *o)
{
    return ((FuzzVmm *)o)->state;
}

static gboolean f_action(void *o, GError **e)
{
    (void)o;
    fuzz_control_actions++;
    if (fuzz_control_actions % 7 == 0) {   /* the VMM may refuse */
        g_set_error_literal(e, CONTROL_ERROR, CONTROL_ERROR_SPEC, "refused");
        return FALSE;
    }
    return TRUE;
}

static void f_quit(void *o)
{
    ((FuzzVmm *)o)->quit = TRUE;
}

static void f_info(void *o, ControlInfo *i)
{
    FuzzVmm *f = o;
    i->name = "fuzz\"\\\x01name";
    i->uuid = "00000000-0000-0000-0000-000000000000";
    i->accel = "dbt";
    i->vcpus = 1;
    i->memory_mib = 64;
    i->pid = 1;
    i->state = f->state;
    i->vnc = "127.0.0.1:5900";
}

static GBytes *f_screendump(void *o, GError **e)
{
    (void)o;
    (void)e;
    static const uint8_t png[] = { 0x89, 'P', 'N', 'G', 0, 1, 2, 0xff };
    return g_bytes_new_static(png, sizeof(png));
}

static gboolean f_send_key(void *o, const unsigned *codes, guint n, guint hold_ms, GError **e)
{
    (void)o;
    (void)e;
    if (n < 1 || n > CONTROL_SEND_KEY_MAX || hold_ms > 60000)
        fuzz_fail("send-key out of limits", NULL);
    for (guint i = 0; i < n; i++)
        if (codes[i] < 1 || codes[i] > 0x2ff)
            fuzz_fail("send-key: bad code passed", NULL);
    return TRUE;
}

static gboolean f_vnc_password(void *o, const char *pw, GError **e)
{
    (void)o;
    (void)e;
    if (pw && strlen(pw) > 64)
        fuzz_fail("vnc-password longer than 64 bytes", pw);
    return TRUE;
}

static char *f_sandbox_probe(void *o, const char *what, const char *arg, GError **e)
{
    (void)o;
    (void)e;
    if (!*what || strchr(what, ' ') || (arg && (!*arg || strchr(arg, ' '))))
        fuzz_fail("sandbox-probe: bad words", what);
    return g_strdup("probed");
}

/* disk-overlay and disk-commit: the fuzzer sends no descriptor, so a
 * FILE the VMM's side gets is never fd:N (`-` without a descriptor and
 * fd:N in the text are refused by the channel). */
static gboolean f_disk_switch(void *o, unsigned index, const char *file, GError **e)
{
    (void)o;
    if (index > 63 || !*file || strchr(file, ' ') || g_str_has_prefix(file, "fd:"))
        fuzz_fail("disk-overlay/disk-commit: bad arguments passed", file);
    g_set_error_literal(e, CONTROL_ERROR, CONTROL_ERROR_SPEC, "no such disk");
    return FALSE;
}

static const ControlOps fuzz_ops = {
    .state = f_state,
    .pause = f_action,
    .resume = f_action,
    .powerdown = f_action,
    .reset = f_action,
    .reboot = f_action,
    .quit = f_quit,
    .info = f_info,
    .screendump = f_screendump,
    .send_key = f_send_key,
    .vnc_password = f_vnc_password,
    .sandbox_probe = f_sandbox_probe,
    .disk_overlay = f_disk_switch,
    .disk_commit = f_disk_switch,
};

/* One complete reply line (without its newline). */
static void check_reply(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
            fuzz_fail("reply byte not printable ASCII", line);
    if (len >= 2 && !memcmp(line, "ok", 2) && (len == 2 || line[2] == ' ')) {
        fuzz_control_ok++;
        return;
    }
    if (len > 6 && !memcmp(line, "error ", 6)) {
        fuzz_control_errors++;
        return;
    }
    fuzz_fail("reply is neither ok nor error", line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        fuzz_fail("socketpair", g_strerror(errno));
    g_unix_set_fd_nonblocking(sv[1], TRUE, NULL);
    FuzzVmm vmm = { .state = MACHINE_STATE_RUNNING };
    char spec[32];
    snprintf(spec, sizeof(spec), "fd:%d", sv[0]);
    g_autoptr(GError) error = NULL;
    ControlServer *cs = control_server_new(spec, &fuzz_ops, &vmm, &error);
    if (!cs)
        fuzz_fail("control_server_new", error->message);

    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    GString *in = g_string_new(NULL);
    size_t sent = 0, replies = 0;
    gboolean eof = FALSE;
    /* until everything is sent and nothing moves any more */
    for (int idle = 0; !eof && idle < 3;) {
        gboolean progress = FALSE;
        if (sent < size) {
            ssize_t n = send(sv[1], data + sent, MIN(size - sent, 4096), MSG_NOSIGNAL);
            if (n > 0) {
                sent += (size_t)n;
                progress = TRUE;
            }
        }
        char buf[65536];
        ssize_t n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            eof = TRUE;
        } else if (n > 0) {
            g_string_append_len(in, buf, n);
            progress = TRUE;
        }
        char *nl;
        while ((nl = memchr(in->str, '\n', in->len))) {
            check_reply(in->str, (size_t)(nl - in->str));
            replies++;
            g_string_erase(in, 0, nl - in->str + 1);
        }
        if (g_main_context_iteration(NULL, FALSE))
            progress = TRUE;
        idle = progress ? 0 : idle + 1;
        if (vmm.quit)   /* the VMM would exit now */
            break;
    }
    if (in->len && !vmm.quit)
        fuzz_fail("partial reply line", in->str);
    /* one reply per line; an overlong last line without newline gets one */
    if (replies > lines + 1)
        fuzz_fail("more replies than requests", NULL);
    g_string_free(in, TRUE);
    control_server_free(cs);
    close(sv[1]);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    return 0;
}
