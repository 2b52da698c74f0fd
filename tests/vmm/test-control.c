/* test-control.c - the control channel in-process: the request table and
 * reply formats (control_dispatch), JSON escaping in `info`, and the
 * server on an inherited fd (one end of a socket pair, as vesseld may
 * pass it) including `quit` being acted on only after its reply, and a
 * descriptor sent with a request (disk-overlay INDEX -). */
#include "config.h"

#include "vtest.h"
#include "vmm/control.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    MachineState state;
    int pauses, resumes, powerdowns, resets, reboots, quits;
    gboolean fail_reset;
    const char *name;
    gboolean vga;
} Fake;

static MachineState f_state(void *o) { return ((Fake *)o)->state; }
static gboolean f_pause(void *o, GError **e) { (void)e; ((Fake *)o)->pauses++; ((Fake *)o)->state = MACHINE_STATE_PAUSED; return TRUE; }
static gboolean f_resume(void *o, GError **e) { (void)e; ((Fake *)o)->resumes++; ((Fake *)o)->state = MACHINE_STATE_RUNNING; return TRUE; }
static gboolean f_powerdown(void *o, GError **e) { (void)e; ((Fake *)o)->powerdowns++; return TRUE; }
static gboolean f_reset(void *o, GError **e)
{
    Fake *f = o;
    if (f->fail_reset) {
        g_set_error(e, CONTROL_ERROR, 0, "cannot reset now");
        return FALSE;
    }
    f->resets++;
    return TRUE;
}
static gboolean f_reboot(void *o, GError **e) { (void)e; ((Fake *)o)->reboots++; return TRUE; }
static void f_quit(void *o) { ((Fake *)o)->quits++; }
static void f_info(void *o, ControlInfo *i)
{
    Fake *f = o;
    i->name = f->name;
    i->uuid = "u-1";
    i->accel = "dbt";
    i->vcpus = 2;
    i->memory_mib = 256;
    i->cpu_time_ns = 42;
    i->serial_out_bytes = 5;
    i->serial_dropped_bytes = 1;
    i->pid = 7;
    i->state = f->state;
    if (f->vga) {
        /* bochs-drm's 1024x768x32 */
        i->vga = true;
        i->vga_screen.kind = STDVGA_GRAPHICS;
        i->vga_screen.mode = (VbeMode){ .enabled = true, .width = 1024, .height = 768, .bpp = 32,
                                        .stride = 4096 };
        static const uint16_t regs[VBE_NR_REGS] = { 0xb0c5, 1024, 768, 32, 0x41, 0, 1024, 4096,
                                                    0, 0, 256 };
        memcpy(i->vga_screen.vbe, regs, sizeof(regs));
    }
}

static const ControlOps fake_ops = { .state = f_state, .pause = f_pause, .resume = f_resume,
                                     .powerdown = f_powerdown, .reset = f_reset,
                                     .reboot = f_reboot, .quit = f_quit, .info = f_info };

static void check(Fake *f, const char *line, const char *want, gboolean want_quit)
{
    gboolean quit;
    g_autofree char *got = control_dispatch(&fake_ops, f, line, &quit);
    g_assert_cmpstr(got, ==, want);
    g_assert_cmpint(quit, ==, want_quit);
}

static void test_dispatch(void)
{
    Fake f = { .state = MACHINE_STATE_RUNNING, .name = "vm1" };
    check(&f, "status", "ok running", FALSE);
    check(&f, "pause", "ok", FALSE);
    check(&f, "status", "ok paused", FALSE);
    check(&f, "resume", "ok", FALSE);
    check(&f, "powerdown", "ok", FALSE);
    check(&f, "reset", "ok", FALSE);
    check(&f, "reboot", "ok", FALSE);
    check(&f, "  status  ", "ok running", FALSE);
    check(&f, "quit", "ok", TRUE);
    g_assert_cmpint(f.pauses + f.resumes + f.powerdowns + f.resets, ==, 4);
    g_assert_cmpint(f.reboots, ==, 1);
    g_assert_cmpint(f.quits, ==, 0);         /* the server calls quit, later */
    f.fail_reset = TRUE;
    check(&f, "reset", "error cannot reset now", FALSE);
    check(&f, "", "error empty request", FALSE);
    check(&f, "Status", "error unknown command 'Status'", FALSE);
    check(&f, "pause now", "error commands take no arguments", FALSE);
    check(&f, "st\tatus", "error invalid characters in request", FALSE);
    f.state = MACHINE_STATE_SHUTTING_DOWN;
    check(&f, "status", "ok shutting-down", FALSE);
    f.state = MACHINE_STATE_RUNNING;
    check(&f, "info", "ok {\"name\":\"vm1\",\"uuid\":\"u-1\",\"state\":\"running\","
                      "\"accel\":\"dbt\",\"vcpus\":2,\"memory_mib\":256,"
                      "\"cpu_time_ns\":42,\"serial_out_bytes\":5,\"serial_dropped_bytes\":1,\"pid\":7}", FALSE);
    f.vga = TRUE;
    check(&f, "info", "ok {\"name\":\"vm1\",\"uuid\":\"u-1\",\"state\":\"running\","
                      "\"accel\":\"dbt\",\"vcpus\":2,\"memory_mib\":256,"
                      "\"cpu_time_ns\":42,\"serial_out_bytes\":5,\"serial_dropped_bytes\":1,"
                      "\"vga\":{\"screen\":\"graphics\",\"width\":1024,\"height\":768,\"bpp\":32,"
                      "\"byte_order\":\"little\",\"vbe\":{\"id\":45253,\"xres\":1024,\"yres\":768,"
                      "\"bpp\":32,\"enable\":65,\"bank\":0,\"virt_width\":1024,\"virt_height\":4096,"
                      "\"x_offset\":0,\"y_offset\":0,\"video_memory_64k\":256}},\"pid\":7}", FALSE);
    f.vga = FALSE;
    f.name = "a\"b\\c\nd";
    check(&f, "info", "ok {\"name\":\"a\\\"b\\\\c\\u000ad\",\"uuid\":\"u-1\",\"state\":\"running\","
                      "\"accel\":\"dbt\",\"vcpus\":2,\"memory_mib\":256,"
                      "\"cpu_time_ns\":42,\"serial_out_bytes\":5,\"serial_dropped_bytes\":1,\"pid\":7}", FALSE);
}

typedef struct {
    int fd;
    GString *in;
} Peer;

static gboolean peer_has_lines(gpointer data)
{
    Peer *p = data;
    char buf[256];
    ssize_t n;
    while ((n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
        g_string_append_len(p->in, buf, n);
    int lines = 0;
    for (const char *c = p->in->str; *c; c++)
        lines += *c == '\n';
    return lines >= 3;
}

static void test_fd_server(void)
{
    int sv[2];
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    Fake f = { .state = MACHINE_STATE_RUNNING, .name = "x" };
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[1]);
    g_autoptr(GError) error = NULL;
    ControlServer *cs = control_server_new(spec, &fake_ops, &f, &error);
    g_assert_no_error(error);
    const char req[] = "status\npause\nquit\nstatus\n";
    g_assert_cmpint(send(sv[0], req, sizeof(req) - 1, 0), ==, (ssize_t)sizeof(req) - 1);
    Peer p = { sv[0], g_string_new(NULL) };
    g_assert_true(vt_wait_until(peer_has_lines, &p, vt_timeout_ms(10000)));
    g_assert_cmpstr(p.in->str, ==, "ok running\nok\nok\n");
    g_assert_cmpint(f.quits, ==, 1);
    g_assert_cmpint(f.pauses, ==, 1);
    control_server_free(cs);
    g_string_free(p.in, TRUE);
    close(sv[0]);

    /* bad specs: a descriptor that is not open (one just closed, not a
     * fixed number a test harness may have left open), one that is open
     * but not a socket */
    int closed = dup(0);
    g_assert_cmpint(closed, >=, 0);
    close(closed);
    g_autofree char *closed_spec = g_strdup_printf("fd:%d", closed);
    g_assert_null(control_server_new(closed_spec, &fake_ops, &f, &error));
    g_assert_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC);
    g_clear_error(&error);
    int pipefd[2];
    g_assert_cmpint(pipe(pipefd), ==, 0);
    g_autofree char *pipe_spec = g_strdup_printf("fd:%d", pipefd[0]);
    g_assert_null(control_server_new(pipe_spec, &fake_ops, &f, &error));
    g_assert_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC);
    g_clear_error(&error);
    close(pipefd[0]);
    close(pipefd[1]);
    g_assert_null(control_server_new("tcp:1234", &fake_ops, &f, &error));
    g_assert_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC);
}

/* ---- a descriptor sent with the request */

typedef struct {
    char *file;             /* what disk_overlay got */
    struct stat st;         /* the file behind it, if fd:N */
    int fd;                 /* N, or -1 */
    gboolean fail;          /* fail without taking the descriptor */
} OverlayFake;

static gboolean f_overlay(void *o, unsigned index, const char *file, GError **e)
{
    OverlayFake *f = o;
    (void)index;
    g_free(f->file);
    f->file = g_strdup(file);
    f->fd = g_str_has_prefix(file, "fd:") ? atoi(file + 3) : -1;
    if (f->fd >= 0)
        g_assert_cmpint(fstat(f->fd, &f->st), ==, 0);
    if (f->fail) {
        g_set_error(e, CONTROL_ERROR, 0, "no such disk");
        return FALSE;
    }
    if (f->fd >= 0)
        close(f->fd);       /* the callee's */
    return TRUE;
}

static MachineState f_state_running(void *o) { (void)o; return MACHINE_STATE_RUNNING; }

static const ControlOps overlay_ops = { .state = f_state_running, .disk_overlay = f_overlay };

/* Send @line on @sock with @fd (-1: none) and read the one reply line. */
static char *request_with_fd(int sock, const char *line, int fd)
{
    union {
        struct cmsghdr align;
        char space[CMSG_SPACE(sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct iovec iov = { .iov_base = (char *)line, .iov_len = strlen(line) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd >= 0) {
        msg.msg_control = ctl.space;
        msg.msg_controllen = sizeof(ctl.space);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    }
    g_assert_cmpint(sendmsg(sock, &msg, 0), ==, (ssize_t)strlen(line));
    Peer p = { sock, g_string_new(NULL) };
    gint64 end = g_get_monotonic_time() + vt_timeout_ms(10000) * 1000LL;
    while (!strchr(p.in->str, '\n') && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, FALSE);
        char buf[256];
        ssize_t n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
        if (n > 0)
            g_string_append_len(p.in, buf, n);
        else
            g_usleep(1000);
    }
    g_assert_nonnull(strchr(p.in->str, '\n'));
    *strchr(p.in->str, '\n') = '\0';
    return g_string_free(p.in, FALSE);
}

static void test_passed_fd(void)
{
    int sv[2];
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    OverlayFake f = { .fd = -1 };
    g_autofree char *spec = g_strdup_printf("fd:%d", sv[1]);
    g_autoptr(GError) error = NULL;
    ControlServer *cs = control_server_new(spec, &overlay_ops, &f, &error);
    g_assert_no_error(error);
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("ctlfd");
    g_autofree char *path = g_build_filename(dir->path, "overlay", NULL);
    g_assert_true(g_file_set_contents(path, "x", 1, NULL));
    int mine = open(path, O_RDWR | O_CLOEXEC);
    g_assert_cmpint(mine, >=, 0);
    struct stat st;
    g_assert_cmpint(fstat(mine, &st), ==, 0);

    /* `-` is the descriptor that came with the request: a copy of ours */
    g_autofree char *r1 = request_with_fd(sv[0], "disk-overlay 0 -\n", mine);
    g_assert_cmpstr(r1, ==, "ok");
    g_assert_true(g_str_has_prefix(f.file, "fd:"));
    g_assert_cmpint(f.fd, !=, mine);
    g_assert_cmpint(f.st.st_ino, ==, st.st_ino);
    /* a descriptor named in the text is refused: no client names the
     * VMM's own (its disks, its kernel) */
    g_clear_pointer(&f.file, g_free);
    g_autofree char *r2 = request_with_fd(sv[0], "disk-overlay 0 fd:3\n", -1);
    g_assert_cmpstr(r2, ==, "error disk-overlay: pass a descriptor as FILE -, not fd:N");
    g_assert_null(f.file);
    /* `-` without a descriptor */
    g_autofree char *r3 = request_with_fd(sv[0], "disk-overlay 0 -\n", -1);
    g_assert_cmpstr(r3, ==,
                    "error disk-overlay: FILE - but no descriptor came with the request");
    /* a switch that fails leaves no descriptor behind */
    f.fail = TRUE;
    g_autofree char *r4 = request_with_fd(sv[0], "disk-overlay 0 -\n", mine);
    g_assert_cmpstr(r4, ==, "error no such disk");
    g_assert_cmpint(f.fd, >=, 0);
    g_assert_cmpint(fcntl(f.fd, F_GETFD), ==, -1);
    /* a descriptor no request takes is closed with the next one */
    f.fail = FALSE;
    g_autofree char *r5 = request_with_fd(sv[0], "status\n", mine);
    g_assert_cmpstr(r5, ==, "ok running");
    g_autofree char *r6 = request_with_fd(sv[0], "disk-overlay 0 -\n", mine);
    g_assert_cmpstr(r6, ==, "ok");
    control_server_free(cs);
    close(sv[0]);
    close(mine);
    g_free(f.file);
}

/* `watch` makes a connection get `event ...` lines; the others never. */
static void test_watch(void)
{
    int w[2], o[2];
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, w), ==, 0);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, o), ==, 0);
    Fake f = { .state = MACHINE_STATE_RUNNING, .name = "x" };
    g_autofree char *ws = g_strdup_printf("fd:%d", w[1]), *os = g_strdup_printf("fd:%d", o[1]);
    g_autoptr(GError) error = NULL;
    ControlServer *cw = control_server_new(ws, &fake_ops, &f, &error);
    g_assert_no_error(error);
    ControlServer *co = control_server_new(os, &fake_ops, &f, &error);
    g_assert_no_error(error);
    g_autofree char *r1 = request_with_fd(w[0], "watch\n", -1);
    g_assert_cmpstr(r1, ==, "ok");
    control_server_event(cw, "reset");
    control_server_event(co, "reset");
    control_server_event(NULL, "reset");        /* no server: nothing */
    g_autofree char *e1 = request_with_fd(w[0], "status\n", -1);
    g_assert_cmpstr(e1, ==, "event reset");     /* the event came first */
    g_autofree char *r2 = request_with_fd(o[0], "status\n", -1);
    g_assert_cmpstr(r2, ==, "ok running");      /* the other: no event */
    control_server_free(cw);
    control_server_free(co);
    close(w[0]);
    close(o[0]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/dispatch", test_dispatch);
    g_test_add_func("/control/fd-server", test_fd_server);
    g_test_add_func("/control/passed-fd", test_passed_fd);
    g_test_add_func("/control/watch", test_watch);
    return g_test_run();
}
