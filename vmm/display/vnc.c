/* vnc.c - the VNC server (see vnc.h): libvncserver does RFB; this file
 * listens, runs the thread, feeds the Display's damage to libvncserver
 * and its input events to the machine.
 *
 * We accept connections ourselves (libvncserver is told port 0, so it
 * never listens) and hand each socket to rfbNewClient(): the same code
 * then serves TCP, UNIX and inherited sockets.  libvncserver's callbacks
 * (keys, pointer, password check, client gone) run on our thread, inside
 * rfbProcessEvents, with the display lock held; they take the device
 * lock to inject input (lock order: display, then device).
 *
 * Why libvncserver: it is Debian's packaged, maintained RFB server
 * (encodings, pixel format translation, VNC authentication) - a hand
 * written RFB server would be more code to get wrong facing the network. */
#include "config.h"

#include "vmm/display/vnc.h"

#include "vmm/display/keymap.h"
#include "vmm/hw/i8042.h"
#include "vmm/hw/ps2_mouse.h"
#include "vmm/sandbox/sandbox.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <rfb/rfb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define VNC_ROUND_US 30000

struct VncServer {
    Machine *m;
    Display *d;
    VirtioInput *tablet;
    Keymap *keymap;           /* the guest's layout (,keymap=); NULL: en-us */
    rfbScreenInfoPtr screen;
    int listen_fd, wake_fd;
    char *address;
    char *path;               /* unix socket to unlink */
    bool need_password;
    GMutex pw_lock;
    char password[9];         /* VNC authentication uses 8 characters */
    bool have_password;
    GThread *thread;
    gint stop;
    gint clients;
    int last_x, last_y;       /* PS/2 mouse: last absolute position */
    bool have_last;
};

static void vnc_log_quiet(const char *fmt, ...)
{
    (void)fmt; /* libvncserver chatters per connection: the domain log needs none of it */
}

/* ---- display hooks (display lock held) ------------------------------ */

static void vnc_resize(void *opaque, uint32_t *fb, unsigned w, unsigned h)
{
    VncServer *v = opaque;
    rfbNewFramebuffer(v->screen, (char *)fb, (int)w, (int)h, 8, 3, 4);
    rfbPixelFormat *f = &v->screen->serverFormat;
    f->redShift = 16;   /* our pixels are 0x00RRGGBB */
    f->greenShift = 8;
    f->blueShift = 0;
}

static void vnc_damage(void *opaque, unsigned x, unsigned y, unsigned w, unsigned h)
{
    VncServer *v = opaque;
    rfbMarkRectAsModified(v->screen, (int)x, (int)y, (int)(x + w), (int)(y + h));
}

static const DisplayHooks vnc_hooks = { vnc_resize, vnc_damage };

/* ---- input (our thread, display lock held) -------------------------- */

static void vnc_key(rfbBool down, rfbKeySym sym, rfbClientPtr cl)
{
    VncServer *v = cl->screen->screenData;
    int code = keymap_keycode(v->keymap, (uint32_t)sym);
    if (code < 0)
        return;
    machine_lock(v->m);
    i8042_key(machine_i8042(v->m), (unsigned)code, down);
    machine_unlock(v->m);
}

static void vnc_pointer(int mask, int x, int y, rfbClientPtr cl)
{
    VncServer *v = cl->screen->screenData;
    /* RFB: bit 0 left, 1 middle, 2 right, 3 wheel up, 4 wheel down. */
    unsigned buttons = mask & 7;
    int wheel = (mask & 8) ? 1 : (mask & 16) ? -1 : 0;
    int w = cl->screen->width, h = cl->screen->height;
    machine_lock(v->m);
    if (virtio_input_active(v->tablet)) {
        unsigned ax = w > 1 ? (unsigned)((int64_t)x * INPUT_ABS_MAX / (w - 1)) : 0;
        unsigned ay = h > 1 ? (unsigned)((int64_t)y * INPUT_ABS_MAX / (h - 1)) : 0;
        virtio_input_pointer(v->tablet, ax, ay, buttons, wheel);
    } else {
        int dx = v->have_last ? x - v->last_x : 0, dy = v->have_last ? y - v->last_y : 0;
        unsigned ps2 = (buttons & 1 ? PS2_BUTTON_LEFT : 0) | (buttons & 2 ? PS2_BUTTON_MIDDLE : 0) |
                       (buttons & 4 ? PS2_BUTTON_RIGHT : 0);
        i8042_mouse(machine_i8042(v->m), dx, dy, -wheel, ps2);
    }
    machine_unlock(v->m);
    v->last_x = x;
    v->last_y = y;
    v->have_last = true;
}

static rfbBool vnc_check_password(rfbClientPtr cl, const char *response, int len)
{
    VncServer *v = cl->screen->screenData;
    char pw[9] = "";
    g_mutex_lock(&v->pw_lock);
    bool have = v->have_password;
    memcpy(pw, v->password, sizeof(pw));
    g_mutex_unlock(&v->pw_lock);
    if (!have)
        return FALSE;
    /* rfbCheckPasswordByList does the DES challenge check against a
     * NULL-terminated list read from authPasswdData. */
    char *list[2] = { pw, NULL };
    void *saved = cl->screen->authPasswdData;
    cl->screen->authPasswdData = list;
    rfbBool ok = rfbCheckPasswordByList(cl, response, len);
    cl->screen->authPasswdData = saved;
    explicit_bzero(pw, sizeof(pw));
    return ok;
}

static void vnc_client_gone(rfbClientPtr cl)
{
    VncServer *v = cl->screen->screenData;
    g_atomic_int_add(&v->clients, -1);
}

static enum rfbNewClientAction vnc_new_client(rfbClientPtr cl)
{
    VncServer *v = cl->screen->screenData;
    cl->clientGoneHook = vnc_client_gone;
    g_atomic_int_inc(&v->clients);
    return RFB_CLIENT_ACCEPT;
}

/* ---- the thread ------------------------------------------------------ */

static void vnc_accept(VncServer *v)
{
    for (;;) {
        int fd = accept4(v->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        if (fd >= FD_SETSIZE) { /* libvncserver select()s */
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* fails on UNIX: fine */
        rfbNewClient(v->screen, fd);
    }
}

static gpointer vnc_thread(gpointer data)
{
    VncServer *v = data;
    sandbox_thread_enter(SANDBOX_THREAD_DISPLAY);
    while (!g_atomic_int_get(&v->stop)) {
        bool idle = g_atomic_int_get(&v->clients) == 0;
        struct pollfd p[2] = { { v->listen_fd, POLLIN, 0 }, { v->wake_fd, POLLIN, 0 } };
        /* No client: sleep until one connects (or we stop). */
        if (poll(p, 2, idle ? -1 : 0) > 0 && (p[0].revents & POLLIN)) {
            display_lock(v->d);
            vnc_accept(v);
            display_unlock(v->d);
        }
        if (g_atomic_int_get(&v->clients) == 0)
            continue;
        display_lock(v->d);
        display_update(v->d, &vnc_hooks, v);
        rfbProcessEvents(v->screen, VNC_ROUND_US);
        display_unlock(v->d);
    }
    return NULL;
}

/* ---- listening ------------------------------------------------------- */

static int vnc_listen_tcp(const char *spec, char **address, GError **error)
{
    const char *colon = strrchr(spec, ':');
    g_autofree char *host = colon ? g_strndup(spec, colon - spec) : g_strdup("127.0.0.1");
    const char *port_s = colon ? colon + 1 : spec;
    char *end;
    errno = 0;
    long port = strtol(port_s, &end, 10);
    if (!*port_s || *end || errno || port < 0 || port > 65535) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "bad --vnc '%s' ([HOST:]PORT, unix:PATH or fd:N)", spec);
        return -1;
    }
    if (!*host) {
        g_free(host);
        host = g_strdup("127.0.0.1");
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--vnc: '%s' is not an IPv4 address", host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
                    "cannot listen for VNC on %s:%ld: %s", host, port, g_strerror(e));
        return -1;
    }
    socklen_t len = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    *address = g_strdup_printf("%s:%u", host, ntohs(sa.sin_port));
    return fd;
}

static int vnc_listen_unix(const char *path, GError **error)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--vnc unix:%s: bad socket path", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
                    "cannot listen for VNC on %s: %s", path, g_strerror(e));
        return -1;
    }
    return fd;
}

static int vnc_listen_fd(const char *n, GError **error)
{
    char *end;
    errno = 0;
    long fd = strtol(n, &end, 10);
    int accepting = 0;
    socklen_t len = sizeof(accepting);
    struct stat st;
    if (!*n || *end || errno || fd < 0 || fd >= FD_SETSIZE || fstat((int)fd, &st) < 0 ||
        !S_ISSOCK(st.st_mode) ||
        getsockopt((int)fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) < 0 || !accepting) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--vnc fd:%s: not an inherited listening socket", n);
        return -1;
    }
    fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    fcntl((int)fd, F_SETFL, fcntl((int)fd, F_GETFL) | O_NONBLOCK);
    return (int)fd;
}

VncServer *vnc_server_new(Machine *m, Display *d, VirtioInput *tablet, const char *spec,
                          GError **error)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    bool need_password = false;
    Keymap *keymap = NULL;
    for (int i = 1; parts[i]; i++) {
        if (!strcmp(parts[i], "password")) {
            need_password = true;
        } else if (g_str_has_prefix(parts[i], "keymap=") && !keymap) {
            keymap = keymap_new(parts[i] + 7, error);
            if (!keymap) {
                g_prefix_error(error, "--vnc: ");
                return NULL;
            }
        } else {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "--vnc: unknown option '%s' (password, keymap=NAME)", parts[i]);
            keymap_free(keymap);
            return NULL;
        }
    }
    const char *where = parts[0] ? parts[0] : "";
    char *address = NULL, *path = NULL;
    int fd;
    if (g_str_has_prefix(where, "unix:")) {
        fd = vnc_listen_unix(where + 5, error);
        path = g_strdup(where + 5);
        address = g_strdup(where);
    } else if (g_str_has_prefix(where, "fd:")) {
        fd = vnc_listen_fd(where + 3, error);
        address = g_strdup(where);
        struct sockaddr_in sa;
        socklen_t len = sizeof(sa);
        char ip[INET_ADDRSTRLEN];
        if (fd >= 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0 &&
            sa.sin_family == AF_INET && inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip))) {
            g_free(address);
            address = g_strdup_printf("%s:%u", ip, ntohs(sa.sin_port));
        }
    } else {
        fd = vnc_listen_tcp(where, &address, error);
    }
    if (fd < 0) {
        g_free(address);
        g_free(path);
        keymap_free(keymap);
        return NULL;
    }
    VncServer *v = g_new0(VncServer, 1);
    v->m = m;
    v->d = d;
    v->tablet = tablet;
    v->keymap = keymap;
    v->listen_fd = fd;
    v->address = address;
    v->path = path;
    v->need_password = need_password;
    g_mutex_init(&v->pw_lock);
    v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

    rfbLog = vnc_log_quiet;
    rfbErr = vnc_log_quiet;
    char *argv[] = { (char *)"vessel-vmm", NULL };
    int argc = 1;
    display_lock(d);
    display_update(d, NULL, NULL);
    unsigned w, h;
    uint32_t *fb = (uint32_t *)display_pixels(d, &w, &h);
    v->screen = rfbGetScreen(&argc, argv, (int)w, (int)h, 8, 3, 4);
    v->screen->frameBuffer = (char *)fb;
    v->screen->serverFormat.redShift = 16;
    v->screen->serverFormat.greenShift = 8;
    v->screen->serverFormat.blueShift = 0;
    v->screen->desktopName = "vessel";
    v->screen->port = 0;        /* we listen ourselves */
    v->screen->ipv6port = 0;
    v->screen->autoPort = FALSE;
    v->screen->httpDir = NULL;
    v->screen->screenData = v;
    v->screen->kbdAddEvent = vnc_key;
    v->screen->ptrAddEvent = vnc_pointer;
    v->screen->newClientHook = vnc_new_client;
    v->screen->deferUpdateTime = 0;
    /* No cursor of our own: the guest draws its pointer (the tablet moves
     * it), and a capture shows exactly the guest's screen. */
    v->screen->cursor = NULL;
    if (need_password) {
        /* Non-NULL: offer VNC authentication (checked by vnc_check_password). */
        static char *no_password[] = { NULL };
        v->screen->authPasswdData = no_password;
        v->screen->passwordCheck = vnc_check_password;
        /* libvncserver's DES is libgcrypt's, which sets itself up on first
         * use (it reads /etc/gcrypt and /proc/sys/crypto): done now, while
         * the VMM may open files, not in the VNC thread once sandboxed. */
        unsigned char warm_up[16] = { 0 };
        char key[] = "warm-up";
        rfbEncryptBytes(warm_up, key);
    }
    rfbInitServer(v->screen);
    rfbMarkRectAsModified(v->screen, 0, 0, (int)w, (int)h);
    display_unlock(d);
    v->thread = g_thread_new("vnc", vnc_thread, v);
    return v;
}

void vnc_server_free(VncServer *v)
{
    if (!v)
        return;
    g_atomic_int_set(&v->stop, 1);
    uint64_t one = 1;
    if (write(v->wake_fd, &one, sizeof(one)) < 0) {
        /* the eventfd cannot be full: one write per server */
    }
    g_thread_join(v->thread);
    rfbShutdownServer(v->screen, TRUE);
    rfbScreenCleanup(v->screen);
    close(v->listen_fd);
    close(v->wake_fd);
    if (v->path)
        unlink(v->path);
    g_mutex_clear(&v->pw_lock);
    keymap_free(v->keymap);
    explicit_bzero(v->password, sizeof(v->password));
    g_free(v->address);
    g_free(v->path);
    g_free(v);
}

void vnc_server_set_password(VncServer *v, const char *password)
{
    g_mutex_lock(&v->pw_lock);
    memset(v->password, 0, sizeof(v->password));
    v->have_password = password && *password;
    if (v->have_password)
        g_strlcpy(v->password, password, sizeof(v->password));
    g_mutex_unlock(&v->pw_lock);
}

const char *vnc_server_address(VncServer *v)
{
    return v->address;
}

int vnc_server_clients(VncServer *v)
{
    return g_atomic_int_get(&v->clients);
}
