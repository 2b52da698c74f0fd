/* vsh-console.c - `console DOMAIN [--devname NAME]`: attach the terminal
 * to the guest's serial port, or to the console NAME names ("serial0",
 * "console1" the virtio console), through the fd the daemon hands out
 * (Domain1.OpenConsole / OpenConsoleDevice).
 *
 * The terminal goes raw only while attached; it is restored on every way
 * out: ^] (0x1d) typed, the console closed by the daemon, stdin at EOF, an
 * I/O error, SIGTERM/SIGHUP/SIGINT/SIGQUIT (caught through a self-pipe so
 * the poll loop ends normally) and, as a last resort, exit(). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "i18n.h"
#include "vsh.h"

#define VSH_CONSOLE_ESCAPE 0x1d   /* ^] */

/* The process has one controlling terminal; these describe its saved state
 * and the signal self-pipe, so they are per process by nature. */
static struct termios console_saved;
static gboolean console_raw;
static int console_sigpipe[2] = { -1, -1 };

static void vsh_console_restore(void)
{
    if (console_raw) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &console_saved);
        console_raw = FALSE;
    }
}

static void vsh_console_on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;

    if (console_sigpipe[1] >= 0 && write(console_sigpipe[1], &c, 1) < 0) {
        /* nothing to do: the loop also ends on the next poll timeout */
    }
    errno = saved;
}

static gboolean vsh_console_raw(GError **error)
{
    static gboolean atexit_done;
    struct termios raw;

    if (!isatty(STDIN_FILENO))
        return TRUE;
    if (tcgetattr(STDIN_FILENO, &console_saved) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                    _("cannot read terminal settings: %s"), g_strerror(errno));
        return FALSE;
    }
    if (!atexit_done) {
        atexit(vsh_console_restore);
        atexit_done = TRUE;
    }
    raw = console_saved;
    cfmakeraw(&raw);
    raw.c_oflag |= OPOST;   /* keep \n -> \r\n for our own messages */
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                    _("cannot set terminal to raw mode: %s"), g_strerror(errno));
        return FALSE;
    }
    console_raw = TRUE;
    return TRUE;
}

static gboolean vsh_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        buf += n;
        len -= (size_t)n;
    }
    return TRUE;
}

typedef enum {
    CONSOLE_END_DETACH,
    CONSOLE_END_HANGUP,
    CONSOLE_END_SIGNAL,
    CONSOLE_END_ERROR,
    CONSOLE_END_LAST
} ConsoleEnd;

static ConsoleEnd vsh_console_loop(int fd)
{
    char buf[4096];

    for (;;) {
        struct pollfd p[3] = {
            { STDIN_FILENO, POLLIN, 0 },
            { fd, POLLIN, 0 },
            { console_sigpipe[0], POLLIN, 0 },
        };
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            return CONSOLE_END_ERROR;
        }
        if (p[2].revents)
            return CONSOLE_END_SIGNAL;
        if (p[1].revents) {
            ssize_t n = read(fd, buf, sizeof(buf));
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0)
                return CONSOLE_END_HANGUP;
            if (!vsh_write_all(STDOUT_FILENO, buf, (size_t)n))
                return CONSOLE_END_ERROR;
        }
        if (p[0].revents) {
            ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
            char *esc;
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0)
                return CONSOLE_END_DETACH;   /* stdin closed */
            esc = memchr(buf, VSH_CONSOLE_ESCAPE, (size_t)n);
            if (esc) {
                vsh_write_all(fd, buf, (size_t)(esc - buf));
                return CONSOLE_END_DETACH;
            }
            if (!vsh_write_all(fd, buf, (size_t)n))
                return CONSOLE_END_HANGUP;
        }
    }
}

gboolean vsh_console_run(VshCtl *ctl, VesselDomain *dom, const char *dev_name, gboolean force,
                         GError **error)
{
    static const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
    struct sigaction sa = { 0 }, old[G_N_ELEMENTS(sigs)];
    int fd;
    ConsoleEnd end;

    fd = vessel_domain_open_console_device(dom, dev_name, force ? 2 : 0, error);
    if (fd < 0) {
        /* The daemon says OperationInvalid both for a console in use and
         * for one the VMM closed; only the first is helped by --force. */
        if (!force && error && g_error_matches(*error, VESSEL_ERROR,
                                               VESSEL_ERROR_OPERATION_INVALID))
            vsh_hint_set(_("if another client is attached to this console, "
                           "'vsh console --force %s' takes it over"),
                         vessel_domain_get_name(dom));
        return FALSE;
    }
    if (!g_unix_open_pipe(console_sigpipe, FD_CLOEXEC, error)) {
        close(fd);
        return FALSE;
    }
    sa.sa_handler = vsh_console_on_signal;
    sigemptyset(&sa.sa_mask);
    for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++)
        sigaction(sigs[i], &sa, &old[i]);

    vsh_print_extra(ctl, _("Connected to domain '%s'\n"), vessel_domain_get_name(dom));
    vsh_print_extra(ctl, _("Escape character is %s\n"), "^] (Ctrl + ])");
    fflush(ctl->out);
    if (!vsh_console_raw(error)) {
        end = CONSOLE_END_ERROR;
    } else {
        end = vsh_console_loop(fd);
        vsh_console_restore();
    }

    for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++)
        sigaction(sigs[i], &old[i], NULL);
    close(console_sigpipe[0]);
    close(console_sigpipe[1]);
    console_sigpipe[0] = console_sigpipe[1] = -1;
    close(fd);
    if (end == CONSOLE_END_ERROR && error && !*error)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("console I/O error: %s"),
                    g_strerror(errno));
    if (end != CONSOLE_END_ERROR && isatty(STDOUT_FILENO))
        fputc('\n', ctl->out);
    return end != CONSOLE_END_ERROR && end != CONSOLE_END_SIGNAL;
}

const VshOptDef vsh_opts_console[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid"),
      VSH_COMP_DOMAIN },
    { "devname", VSH_OT_STRING, 0, N_("character device name"), 0 },
    { "force", VSH_OT_BOOL, 0, N_("force console connection (disconnect already connected "
                                  "sessions)"), 0 },
    { NULL }
};

gboolean vsh_cmd_console(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, vsh_cmd_get(cmd, "domain"), error);

    return dom && vsh_console_run(ctl, dom, vsh_cmd_get(cmd, "devname"),
                                  vsh_cmd_has(cmd, "force"), error);
}
