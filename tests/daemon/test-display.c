/* test-display.c - domains with <graphics type='vnc'> and <video> through
 * the daemon, against the real vessel-vmm running the tiny "idle" guest
 * (the VGA and its VNC server do not need a guest that draws):
 * autoport picks 5900 and up without two domains colliding, the live
 * XML has the port and the inactive XML -1, the passwd is only in the
 * SECURE XML, the port really serves RFB (the "RFB 003.008" banner) and
 * is closed once the domain stops, OpenGraphicsFD hands out a socket
 * already connected to the VNC server, Screenshot returns a PNG,
 * SendKey accepts libvirt's code sets and refuses codes with no key. */
#include "config.h"

#include <arpa/inet.h>
#include <gio/gunixfdlist.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon-fixture.h"

enum { ST_RUNNING = 1, ST_PAUSED = 3, ST_SHUTOFF = 5 };

static char *define_display(DaemonFixture *fx, const char *name, const char *graphics)
{
    g_autofree char *xml = fixture_domain_xml(fx, name, NULL);
    char *at = strstr(xml, "</devices>");
    g_assert_nonnull(at);
    g_autofree char *with = g_strdup_printf("%.*s    %s\n%s", (int)(at - xml), xml, graphics, at);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_manager(fx, "DefineXML", g_variant_new("(s)", with), "(o)",
                                            &err);
    g_assert_no_error(err);
    const char *p;
    g_variant_get(r, "(&o)", &p);
    return g_strdup(p);
}

static char *get_xml(DaemonFixture *fx, const char *path, guint flags)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, path, "GetXMLDesc", g_variant_new("(u)", flags),
                                           "(s)", &err);
    g_assert_no_error(err);
    char *xml;
    g_variant_get(r, "(s)", &xml);
    return xml;
}

/* The port in <graphics port='N'>. */
static int xml_port(const char *xml)
{
    const char *p = strstr(xml, "<graphics type='vnc' port='");
    g_assert_nonnull(p);
    return atoi(p + strlen("<graphics type='vnc' port='"));
}

/* Read the RFB server banner from @fd. */
static void assert_rfb_banner(int fd)
{
    struct timeval tv = { .tv_sec = vt_timeout_ms(30000) / 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[13] = { 0 };
    gsize got = 0;
    while (got < 12) {
        ssize_t n = recv(fd, buf + got, 12 - got, 0);
        g_assert_cmpint(n, >, 0);
        got += (gsize)n;
    }
    g_assert_cmpstr(buf, ==, "RFB 003.008\n");
}

static int tcp_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void test_vnc(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    const char *g1 = "<graphics type='vnc' port='-1' autoport='yes' passwd='s3cret'/>";
    g_autofree char *a = define_display(fx, "screen-a", g1);
    g_autofree char *b = define_display(fx, "screen-b", "<graphics type='vnc' autoport='yes'/>");
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, a, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_no_error(err);
    g_clear_pointer(&r, g_variant_unref);
    r = fixture_domain(fx, b, "Start", g_variant_new("(u)", 1), NULL, &err); /* paused */
    g_assert_no_error(err);
    g_clear_pointer(&r, g_variant_unref);

    /* autoport: two domains, two ports from 5900 up */
    g_autofree char *xa = get_xml(fx, a, 0), *xb = get_xml(fx, b, 0);
    int pa = xml_port(xa), pb = xml_port(xb);
    g_assert_cmpint(pa, >=, 5900);
    g_assert_cmpint(pb, >=, 5900);
    g_assert_cmpint(pa, !=, pb);
    g_assert_nonnull(strstr(xa, "autoport='yes'"));
    /* the passwd: only with the SECURE flag; the inactive XML says -1 */
    g_assert_null(strstr(xa, "passwd"));
    g_autofree char *xs = get_xml(fx, a, 1);
    g_assert_nonnull(strstr(xs, "passwd='s3cret'"));
    g_autofree char *xi = get_xml(fx, a, 2);
    g_assert_cmpint(xml_port(xi), ==, -1);
    g_autofree char *log = fixture_read_log(fx, "screen-a");
    g_assert_null(strstr(log, "s3cret"));              /* never on a command line */
    g_assert_null(strstr(log, "733363726574"));        /* nor hex-encoded */

    /* both ports serve RFB */
    int fd = tcp_connect(pa);
    g_assert_cmpint(fd, >=, 0);
    assert_rfb_banner(fd);
    close(fd);
    fd = tcp_connect(pb);
    g_assert_cmpint(fd, >=, 0);
    assert_rfb_banner(fd);
    close(fd);

    /* OpenGraphicsFD: already connected */
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) gr = g_dbus_connection_call_with_unix_fd_list_sync(
        fx->conn, NULL, a, "org.vessel.Domain1", "OpenGraphicsFD", g_variant_new("(uu)", 0, 0),
        G_VARIANT_TYPE("(h)"), 0, -1, NULL, &fds, NULL, &err);
    g_assert_no_error(err);
    gint32 idx;
    g_variant_get(gr, "(h)", &idx);
    fd = g_unix_fd_list_get(fds, idx, &err);
    g_assert_no_error(err);
    assert_rfb_banner(fd);
    close(fd);

    /* Screenshot: a PNG of the (text mode) screen */
    g_autoptr(GVariant) shot = fixture_domain(fx, a, "Screenshot", g_variant_new("(uu)", 0, 0),
                                              "(say)", &err);
    g_assert_no_error(err);
    const char *mime;
    g_autoptr(GVariant) data = NULL;
    g_variant_get(shot, "(&s@ay)", &mime, &data);
    g_assert_cmpstr(mime, ==, "image/png");
    gsize len;
    const guint8 *png = g_variant_get_fixed_array(data, &len, 1);
    g_assert_cmpuint(len, >, 8);
    g_assert_cmpmem(png, 8, "\x89PNG\r\n\x1a\n", 8);

    /* SendKey: linux KEY_A, atset1 Up (0xe048); a code with no key; a bad set */
    static const guint32 keys_a[] = { 30 }, keys_up[] = { 0xe048 }, keys_bad[] = { 0x2fe };
    GVariant *k = g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, keys_a, 1, 4);
    r = fixture_domain(fx, a, "SendKey", g_variant_new("(uu@auu)", 0, 10, k, 0), NULL, &err);
    g_assert_no_error(err);
    g_clear_pointer(&r, g_variant_unref);
    k = g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, keys_up, 1, 4);
    r = fixture_domain(fx, a, "SendKey", g_variant_new("(uu@auu)", 2, 10, k, 0), NULL, &err);
    g_assert_no_error(err);
    k = g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, keys_bad, 1, 4);
    r = fixture_domain(fx, a, "SendKey", g_variant_new("(uu@auu)", 0, 10, k, 0), NULL, &err);
    fixture_assert_error(err, "org.vessel.Error.InvalidArg");
    g_clear_error(&err);
    k = g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, keys_a, 1, 4);
    r = fixture_domain(fx, a, "SendKey", g_variant_new("(uu@auu)", 8, 10, k, 0), NULL, &err);
    fixture_assert_error(err, "org.vessel.Error.InvalidArg");
    g_clear_error(&err);

    /* stopping closes the port, and the live XML forgets it */
    r = fixture_domain(fx, a, "Destroy", g_variant_new("(u)", 0), NULL, &err);
    g_assert_no_error(err);
    fixture_wait_state(fx, a, ST_SHUTOFF);
    fd = tcp_connect(pa);
    g_assert_cmpint(fd, <, 0);
    g_autofree char *xoff = get_xml(fx, a, 0);
    g_assert_cmpint(xml_port(xoff), ==, -1);
    g_clear_pointer(&r, g_variant_unref);
    r = fixture_domain(fx, b, "Destroy", g_variant_new("(u)", 0), NULL, &err);
    g_assert_no_error(err);
    fixture_wait_state(fx, b, ST_SHUTOFF);
    g_assert_cmpint(tcp_connect(pb), <, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/display/vnc", test_vnc);
    return g_test_run();
}
