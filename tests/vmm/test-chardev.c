/* test-chardev.c - the stdio console's Ctrl-A escape filter (escape.h;
 * the terminal side is test-serial-tty.sh), the output backlog ring
 * (backlog.h) and the unix back-end's backlog against real sockets in
 * this process: output nobody took reaches the next client first, in
 * order, without duplicates, and only the newest 64 KiB of it. */
#include "config.h"

#include "vmm/chardev/backlog.h"
#include "vmm/chardev/chardev.h"
#include "vmm/chardev/escape.h"
#include "vtest.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Feed @in in chunks of @chunk bytes; returns what the guest gets. */
static GString *escape_run(const char *in, size_t chunk, gboolean *quit)
{
    ChardevEscape esc = { 0 };
    GString *out = g_string_new(NULL);
    size_t len = strlen(in);
    *quit = FALSE;
    for (size_t off = 0; off < len && !*quit; off += chunk) {
        uint8_t buf[64];
        size_t n = MIN(chunk, len - off);
        memcpy(buf, in + off, n);
        ChardevEscapeAction action;
        size_t kept = chardev_escape_filter(&esc, buf, n, &action);
        g_assert_cmpuint(kept, <=, n);
        g_string_append_len(out, (const char *)buf, kept);
        *quit = action == CHARDEV_ESCAPE_QUIT;
    }
    return out;
}

static void test_escape(void)
{
    static const struct {
        const char *in, *out;
        gboolean quit;
    } cases[] = {
        { "plain\003\032text", "plain\003\032text", FALSE }, /* Ctrl-C, Ctrl-Z pass */
        { "a\001\001b", "a\001b", FALSE },                   /* Ctrl-A Ctrl-A */
        { "a\001qb", "aqb", FALSE },                         /* Ctrl-A q: q only */
        { "ab\001xcd", "ab", TRUE },                         /* quit, rest dropped */
        { "\001X", "", TRUE },
        { "\001\001x", "\001x", FALSE },                     /* escaped Ctrl-A, then x */
        { "tail\001", "tail", FALSE },                       /* pending at the end */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        for (size_t chunk = 1; chunk <= 8; chunk++) {
            gboolean quit;
            g_autoptr(GString) out = escape_run(cases[i].in, chunk, &quit);
            g_assert_cmpstr(out->str, ==, cases[i].out);
            g_assert_cmpint(quit, ==, cases[i].quit);
        }
    }
}

/* Everything the ring holds, oldest first, consumed in chunks of @chunk. */
static GByteArray *backlog_drain(ChardevBacklog *bl, size_t chunk)
{
    GByteArray *out = g_byte_array_new();
    size_t len;
    const uint8_t *p;
    while ((p = chardev_backlog_peek(bl, &len))) {
        len = MIN(len, chunk);
        g_byte_array_append(out, p, len);
        chardev_backlog_consume(bl, len);
    }
    g_assert_cmpuint(bl->len, ==, 0);
    return out;
}

static void test_backlog_ring(void)
{
    enum { CAP = 16 };
    ChardevBacklog bl;
    chardev_backlog_init(&bl, CAP);
    size_t len;
    g_assert_null(chardev_backlog_peek(&bl, &len));
    g_assert_cmpuint(len, ==, 0);

    /* wrap around the end: the oldest bytes come out first, twice */
    for (int round = 0; round < 2; round++) {
        chardev_backlog_push(&bl, (const uint8_t *)"0123456789", 10);
        g_autoptr(GByteArray) a = backlog_drain(&bl, 3);
        g_assert_cmpmem(a->data, a->len, "0123456789", 10);
    }
    g_assert_cmpuint(bl.dropped, ==, 0);

    /* overflow in small pushes: the newest CAP bytes survive */
    const char *alpha = "abcdefghijklmnopqrstuvwxyz";
    for (int i = 0; i < 26; i += 2)
        chardev_backlog_push(&bl, (const uint8_t *)alpha + i, 2);
    g_assert_cmpuint(bl.len, ==, CAP);
    g_assert_cmpuint(bl.dropped, ==, 26 - CAP);
    g_autoptr(GByteArray) b = backlog_drain(&bl, 5);
    g_assert_cmpmem(b->data, b->len, alpha + 26 - CAP, CAP);

    /* one push larger than the ring, on top of queued bytes */
    chardev_backlog_push(&bl, (const uint8_t *)"XYZ", 3);
    chardev_backlog_push(&bl, (const uint8_t *)alpha, 26);
    g_assert_cmpuint(bl.dropped, ==, (26 - CAP) + 3 + (26 - CAP));
    g_autoptr(GByteArray) c = backlog_drain(&bl, 100);
    g_assert_cmpmem(c->data, c->len, alpha + 26 - CAP, CAP);

    /* partial consume, then more: order kept across the seam */
    chardev_backlog_push(&bl, (const uint8_t *)"abcdefghijkl", 12);
    chardev_backlog_consume(&bl, 10);
    chardev_backlog_push(&bl, (const uint8_t *)"mnopqrstuvwx", 12);
    g_autoptr(GByteArray) d = backlog_drain(&bl, 4);
    g_assert_cmpmem(d->data, d->len, "klmnopqrstuvwx", 14);
    chardev_backlog_fini(&bl);
}

/* ---- the unix back-end against real clients ------------------------ */

typedef struct {
    int fd;
    GByteArray *got;
    size_t want;
} Reader;

/* vt_wait_until condition: read what is there (the chardev's sources run
 * in between, on this thread's default main context). */
static gboolean reader_has_enough(gpointer data)
{
    Reader *r = data;
    uint8_t buf[8192];
    ssize_t n;
    while ((n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
        g_byte_array_append(r->got, buf, n);
    return r->got->len >= r->want;
}

static int client_connect(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

/* Attach a client and read exactly @want bytes (and no more arrive). */
static GByteArray *attach_and_read(const char *path, size_t want, int *fd_out)
{
    Reader r = { client_connect(path), g_byte_array_new(), want };
    if (!vt_wait_until(reader_has_enough, &r, vt_timeout_ms(20000)))
        g_error("got %u of %zu bytes", r.got->len, want);
    g_assert_cmpuint(r.got->len, ==, want);
    *fd_out = r.fd;
    return r.got;
}

/* A pattern in which every window of 8 bytes is unique enough to find
 * its offset: "%07u\n" per 8-byte record. */
static GByteArray *pattern(size_t records, size_t first)
{
    GByteArray *a = g_byte_array_new();
    for (size_t i = 0; i < records; i++) {
        char rec[16];
        g_snprintf(rec, sizeof(rec), "%07zu\n", first + i);
        g_byte_array_append(a, (const guint8 *)rec, 8);
    }
    return a;
}

static void test_unix_backlog(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("chardev");
    g_autofree char *path = g_build_filename(dir->path, "serial.sock", NULL);
    g_autofree char *spec = g_strconcat("unix:", path, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(CharDev) cd = chardev_new(spec, &error);
    g_assert_no_error(error);
    CharBackend *be = chardev_backend(cd);

    /* nobody attached: the first line waits for the first client */
    be->write(be, (const uint8_t *)"first line\n", 11);
    int a;
    g_autoptr(GByteArray) got = attach_and_read(path, 11, &a);
    g_assert_cmpmem(got->data, got->len, "first line\n", 11);
    /* live output follows, once */
    be->write(be, (const uint8_t *)"live\n", 5);
    Reader r = { a, g_byte_array_new(), 5 };
    g_assert_true(vt_wait_until(reader_has_enough, &r, vt_timeout_ms(20000)));
    g_assert_cmpmem(r.got->data, r.got->len, "live\n", 5);
    g_byte_array_unref(r.got);
    close(a);

    /* while detached: 100 KiB; the next client gets the newest 64 KiB,
     * then live output, and no byte twice */
    g_autoptr(GByteArray) big = pattern(100 * 1024 / 8, 0);
    /* (whether or not the back-end has noticed the close yet: a send to
     * the closed client fails with EPIPE and the bytes stay queued) */
    be->write(be, big->data, big->len);
    g_assert_cmpuint(chardev_dropped_bytes(cd), ==, big->len - CHARDEV_BACKLOG_SIZE);
    int b;
    g_autoptr(GByteArray) tail = attach_and_read(path, CHARDEV_BACKLOG_SIZE, &b);
    g_assert_cmpmem(tail->data, tail->len, big->data + big->len - CHARDEV_BACKLOG_SIZE,
                    CHARDEV_BACKLOG_SIZE);
    be->write(be, (const uint8_t *)"after\n", 6);
    Reader r2 = { b, g_byte_array_new(), 6 };
    g_assert_true(vt_wait_until(reader_has_enough, &r2, vt_timeout_ms(20000)));
    g_assert_cmpmem(r2.got->data, r2.got->len, "after\n", 6);
    g_byte_array_unref(r2.got);

    /* a client that does not read: the socket fills, the rest waits in
     * the backlog (newest 64 KiB) and arrives once the client reads;
     * what arrives is a prefix of the output, then its tail, nothing
     * reordered or repeated, and every byte not received was counted as
     * dropped */
    guint64 dropped0 = chardev_dropped_bytes(cd);
    g_autoptr(GByteArray) flood = pattern(1024 * 1024 / 8, 100000);
    for (size_t off = 0; off < flood->len; off += 4096)
        be->write(be, flood->data + off, MIN(4096, flood->len - off));
    guint64 dropped = chardev_dropped_bytes(cd) - dropped0;
    g_assert_cmpuint(dropped, >, 0);                 /* 1 MiB > socket + 64 KiB */
    Reader r3 = { b, g_byte_array_new(), flood->len - dropped };
    if (!vt_wait_until(reader_has_enough, &r3, vt_timeout_ms(20000)))
        g_error("got %u of %" G_GUINT64_FORMAT " bytes", r3.got->len, flood->len - dropped);
    g_assert_cmpuint(r3.got->len, ==, flood->len - dropped);
    size_t head = 0;
    while (head < r3.got->len && r3.got->data[head] == flood->data[head])
        head++;
    size_t rest = r3.got->len - head;
    /* the tail is the whole backlog (the prefix match may run a few bytes
     * into it where a record after the gap starts like the one before) */
    g_assert_cmpuint(rest + 8, >, CHARDEV_BACKLOG_SIZE);
    g_assert_cmpmem(r3.got->data + head, rest, flood->data + flood->len - rest, rest);
    g_byte_array_unref(r3.got);
    close(b);
    g_assert_cmpuint(chardev_out_bytes(cd), ==, 11 + 5 + big->len + 6 + flood->len);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmm/chardev/escape", test_escape);
    g_test_add_func("/vmm/chardev/backlog-ring", test_backlog_ring);
    g_test_add_func("/vmm/chardev/unix-backlog", test_unix_backlog);
    return g_test_run();
}
