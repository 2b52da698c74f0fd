/* test-domain-log.c - the domain log's filter (daemon/domain_log.h):
 * what a VMM or guest prints never passes for a line of the daemon.
 *
 * Table cases for each rule, chunk boundaries inside a UTF-8 character
 * and a CR LF, the daemon's line in the middle of a guest's, and a
 * random property run: random bytes from both sources, cut at random,
 * interleaved with daemon lines in a real file, must leave a file of
 * valid UTF-8 without control characters (but tab and newline) in which
 * the lines that start with a digit are exactly the daemon's.  And the
 * daemon's own log (daemon/daemon_log.h): a message is one line, so a
 * newline that reached one cannot add a line or a journal priority. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "daemon_log.h"
#include "domain_log.h"
#include "tests/lib/vtest.h"

static char *filter1(DomainLogSource src, char last, const char *in)
{
    DomainLogStream s;
    domain_log_stream_init(&s, src, 0);
    return domain_log_filter(&s, last, in, strlen(in));
}

static void test_rules(void)
{
    const struct {
        DomainLogSource src;
        char last;
        const char *in, *want;
    } cases[] = {
        /* every VMM line starts with vessel-vmm: */
        { DOMAIN_LOG_VMM, '\n', "hello\n", "vessel-vmm: hello\n" },
        { DOMAIN_LOG_VMM, '\n', "vessel-vmm: guest crashed\n", "vessel-vmm: guest crashed\n" },
        { DOMAIN_LOG_VMM, '\n', "2026-12-07T17:00:00.000000Z vesseld: forged\n",
          "vessel-vmm: 2026-12-07T17:00:00.000000Z vesseld: forged\n" },
        { DOMAIN_LOG_VMM, 'x', "tail\n2026 x\n", "tail\nvessel-vmm: 2026 x\n" },
        { DOMAIN_LOG_VMM, '\n', "a\n\nb\n", "vessel-vmm: a\n\nvessel-vmm: b\n" },
        /* control characters cannot redraw a line */
        { DOMAIN_LOG_VMM, '\n', "x\r2026 vesseld: y\n", "vessel-vmm: x\\x0d2026 vesseld: y\n" },
        { DOMAIN_LOG_VMM, '\n', "\033[2K\033[1G2026\n", "vessel-vmm: \\x1b[2K\\x1b[1G2026\n" },
        { DOMAIN_LOG_VMM, '\n', "bell\a nul\x01 del\x7f\n",
          "vessel-vmm: bell\\x07 nul\\x01 del\\x7f\n" },
        { DOMAIN_LOG_VMM, '\n', "crlf\r\n", "vessel-vmm: crlf\n" },
        /* C1 controls and bytes that are no UTF-8; real UTF-8 stays */
        { DOMAIN_LOG_VMM, '\n', "csi\xc2\x9b" "2J\n", "vessel-vmm: csi\\xc2\\x9b2J\n" },
        { DOMAIN_LOG_VMM, '\n', "raw\x9b\xff\xc0\xaf\n", "vessel-vmm: raw\\x9b\\xff\\xc0\\xaf\n" },
        { DOMAIN_LOG_VMM, '\n', "caf\xc3\xa9 \xe2\x97\x8f \xf0\x9f\x90\xa7\n",
          "vessel-vmm: caf\xc3\xa9 \xe2\x97\x8f \xf0\x9f\x90\xa7\n" },
        { DOMAIN_LOG_VMM, '\n', "tab\there\n", "vessel-vmm: tab\there\n" },
        /* the guest keeps its look unless a line starts like another's */
        { DOMAIN_LOG_GUEST, '\n', "[    0.000000] Linux version\r\n",
          "[    0.000000] Linux version\n" },
        { DOMAIN_LOG_GUEST, '\n', "2026-12-07T17:00:00.000000Z vesseld: forged\r\n",
          "guest: 2026-12-07T17:00:00.000000Z vesseld: forged\n" },
        { DOMAIN_LOG_GUEST, '\n', "vessel-vmm: guest crashed: fake\n",
          "guest: vessel-vmm: guest crashed: fake\n" },
        { DOMAIN_LOG_GUEST, '\n', "vessel", "guest: vessel" },
        { DOMAIN_LOG_GUEST, '\n', "  12 indented\n", "  12 indented\n" },
        { DOMAIN_LOG_GUEST, 'x', "12 mid-line\n34\n", "12 mid-line\nguest: 34\n" },
        { DOMAIN_LOG_GUEST, '\n', "login: ", "login: " },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = filter1(cases[i].src, cases[i].last, cases[i].in);
        if (strcmp(got, cases[i].want) != 0)
            g_error("case %zu: %s gave \"%s\", want \"%s\"", i, cases[i].in, got,
                    cases[i].want);
    }
}

/* A character or a CR LF cut by the end of a read is carried, not
 * escaped. */
static void test_chunks(void)
{
    DomainLogStream s;
    domain_log_stream_init(&s, DOMAIN_LOG_GUEST, 0);
    const char *parts[] = { "dot \xe2", "\x97", "\x8f end\r", "\nnext\r", "x\n" };
    GString *all = g_string_new(NULL);
    char last = '\n';
    for (gsize i = 0; i < G_N_ELEMENTS(parts); i++) {
        g_autofree char *o = domain_log_filter(&s, last, parts[i], strlen(parts[i]));
        g_string_append(all, o);
        if (all->len)
            last = all->str[all->len - 1];
    }
    g_assert_cmpstr(all->str, ==, "dot \xe2\x97\x8f end\nnext\\x0dx\n");
    g_string_free(all, TRUE);
}

static char *read_file(const char *path)
{
    char *data = NULL;
    g_assert_true(g_file_get_contents(path, &data, NULL, NULL));
    return data;
}

/* A new log file in @dir (its path in *@path), opened as the daemon
 * opens domain logs. */
static int open_log(VtTmpDir *dir, char **path)
{
    *path = g_build_filename(dir->path, "domain.log", NULL);
    int fd = open(*path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    g_assert_cmpint(fd, >=, 0);
    return fd;
}

/* The daemon's line in the middle of a guest's line starts a line of its
 * own; what the guest prints next starts a line too, and is checked as
 * one (it was not, when the writer kept its own idea of line starts). */
static void test_daemon_between(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("domain-log");
    g_autofree char *path = NULL;
    int fd = open_log(dir, &path);
    DomainLogStream guest;
    domain_log_stream_init(&guest, DOMAIN_LOG_GUEST, 0);
    domain_log_stream_write(&guest, fd, "waiting", 7);
    domain_log_daemon_line(fd, "Domain stopped\nwith a second line");
    domain_log_stream_write(&guest, fd, "2026-12-07T17:00:00Z vesseld: forged\n", 37);
    close(fd);
    g_autofree char *log = read_file(path);
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 4);
    g_assert_cmpstr(lines[0], ==, "waiting");
    g_assert_true(g_ascii_isdigit(lines[1][0]));
    g_assert_true(g_str_has_suffix(lines[1], " vesseld: Domain stopped\\x0awith a second line"));
    g_assert_cmpstr(lines[2], ==, "guest: 2026-12-07T17:00:00Z vesseld: forged");
    g_assert_cmpstr(lines[3], ==, "");
}

/* Random output of both sources, cut at random, between daemon lines. */
static void test_random(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("domain-log");
    g_autofree char *path = NULL;
    int fd = open_log(dir, &path);
    DomainLogStream vmm, guest;
    domain_log_stream_init(&vmm, DOMAIN_LOG_VMM, 0);
    domain_log_stream_init(&guest, DOMAIN_LOG_GUEST, 0);
    /* bytes a forger likes best, and any byte at all */
    const char *pieces[] = { "\n", "\r", "\r\n", "2026-12-07T17:00:00Z vesseld: ", "\033[2K",
                             "\xc2\x9b", "\xe2\x97\x8f", "vessel-vmm: ", "guest: ", "7" };
    guint daemon_lines = 0;
    for (int round = 0; round < 4000; round++) {
        guint what = (guint)g_test_rand_int_range(0, 10);
        if (what == 0) {
            domain_log_daemon_line(fd, "DAEMON-LINE");
            daemon_lines++;
            continue;
        }
        guint8 buf[64];
        gsize n = 0;
        while (n < 48) {
            if (g_test_rand_bit()) {
                const char *p = pieces[g_test_rand_int_range(0, G_N_ELEMENTS(pieces))];
                memcpy(buf + n, p, strlen(p) > 16 ? 16 : strlen(p));
                n += strlen(p) > 16 ? 16 : strlen(p);
            } else {
                buf[n++] = (guint8)g_test_rand_int_range(0, 256);
            }
        }
        gsize cut = (gsize)g_test_rand_int_range(0, (gint32)n + 1);
        domain_log_stream_write(what < 5 ? &vmm : &guest, fd, buf, cut);
    }
    close(fd);
    g_autofree char *log = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &log, &len, NULL));
    g_assert_true(g_utf8_validate(log, (gssize)len, NULL));
    for (gsize i = 0; i < len; i++)
        if ((guchar)log[i] < 0x20 && log[i] != '\n' && log[i] != '\t')
            g_error("control byte 0x%02x at %zu", (guchar)log[i], i);
    g_assert_null(strstr(log, "\xc2\x9b"));
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    guint seen = 0;
    for (char **l = lines; *l; l++) {
        if (!g_ascii_isdigit(**l))
            continue;
        if (!g_str_has_suffix(*l, " vesseld: DAEMON-LINE"))
            g_error("a line starts with a digit and is not the daemon's: %s", *l);
        seen++;
    }
    g_assert_cmpuint(seen, ==, daemon_lines);
    g_test_message("%u daemon lines among %zu bytes of hostile output", seen, len);
}

static guint count(const char *hay, const char *needle)
{
    guint n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* A guest that prints without end fills 4 KiB of log here, not the
 * disk: one daemon line says the rest is not logged, the daemon's lines
 * still are, and after a rotation (copytruncate) the guest's are again. */
static void test_max_size(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("domain-log");
    g_autofree char *path = NULL;
    int fd = open_log(dir, &path);
    DomainLogStream guest;
    domain_log_stream_init(&guest, DOMAIN_LOG_GUEST, 4096);
    char line[100];
    memset(line, 'g', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\n';
    for (int i = 0; i < 1000; i++)
        domain_log_stream_write(&guest, fd, line, sizeof(line));
    domain_log_daemon_line(fd, "still here");
    for (int i = 0; i < 1000; i++)
        domain_log_stream_write(&guest, fd, line, sizeof(line));
    g_autofree char *log = read_file(path);
    g_test_message("%zu bytes after 200000 of the guest's", strlen(log));
    g_assert_cmpuint(strlen(log), <, 4096 + sizeof(line) + 512);
    g_assert_cmpuint(count(log, "is no longer logged"), ==, 1);
    g_assert_cmpuint(count(log, "vesseld: still here\n"), ==, 1);
    g_assert_cmpint(ftruncate(fd, 0), ==, 0);      /* logrotate's copytruncate */
    domain_log_stream_write(&guest, fd, "after the rotation\n", 19);
    close(fd);
    g_autofree char *log2 = read_file(path);
    g_assert_cmpstr(log2, ==, "after the rotation\n");
}

static void test_daemon_log_one_line(void)
{
    g_autofree char *j = daemon_log_format(G_LOG_LEVEL_MESSAGE,
                                           "Cannot open kernel /x\n<0>FORGED\r\x1b[2K\n", TRUE);
    g_assert_cmpstr(j, ==, "<5>Cannot open kernel /x\\x0a<0>FORGED\\x0d\\x1b[2K\n");
    g_autofree char *t = daemon_log_format(G_LOG_LEVEL_WARNING, "a\tb\nc", FALSE);
    g_assert_true(g_str_has_suffix(t, " warning: a\tb\\x0ac\n"));
    g_assert_true(strchr(t, '\n') == t + strlen(t) - 1);     /* one line */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/domain-log/rules", test_rules);
    g_test_add_func("/daemon/domain-log/chunks", test_chunks);
    g_test_add_func("/daemon/domain-log/daemon-between", test_daemon_between);
    g_test_add_func("/daemon/domain-log/random", test_random);
    g_test_add_func("/daemon/domain-log/max-size", test_max_size);
    g_test_add_func("/daemon/daemon-log/one-line", test_daemon_log_one_line);
    return g_test_run();
}
