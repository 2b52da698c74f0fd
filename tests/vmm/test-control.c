/* test-control.c - the control channel in-process: the request table and
 * reply formats (control_dispatch), JSON escaping in `info`, and the
 * server on an inherited fd (one end of a socket pair, as vesseld may
 * pass it) including `quit` being acted on only after its reply. */
#include "config.h"

#include "vtest.h"
#include "vmm/control.h"

#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    MachineState state;
    int pauses, resumes, powerdowns, resets, quits;
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

static const ControlOps fake_ops = { f_state, f_pause, f_resume, f_powerdown, f_reset,
                                     f_quit, f_info };

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
    check(&f, "  status  ", "ok running", FALSE);
    check(&f, "quit", "ok", TRUE);
    g_assert_cmpint(f.pauses + f.resumes + f.powerdowns + f.resets, ==, 4);
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

    /* bad specs */
    g_assert_null(control_server_new("fd:999", &fake_ops, &f, &error));
    g_assert_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC);
    g_clear_error(&error);
    g_assert_null(control_server_new("tcp:1234", &fake_ops, &f, &error));
    g_assert_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/dispatch", test_dispatch);
    g_test_add_func("/control/fd-server", test_fd_server);
    return g_test_run();
}
