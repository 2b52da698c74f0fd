/* domain_log.c - filtered appends to a domain log (domain_log.h).
 *
 * The filter walks the bytes once: at each line start (known from the
 * file's last byte, then from the newlines it passes) the source's rule
 * may add its tag, looking at the raw bytes of the line up to the end of
 * the chunk; then every byte is copied, dropped (a CR before an LF) or
 * written as \xNN.  A UTF-8 sequence or CR cut by the end of a chunk is
 * carried to the next one, so the guest's multi-byte characters survive
 * arbitrary reads. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain_log.h"

#define VMM_TAG "vessel-vmm: "
#define GUEST_TAG "guest: "

/* Does the line starting with @p (@len bytes of it so far) need @tag? */
typedef gboolean (*NeedsTag)(const guint8 *p, gsize len);

/* A VMM line always starts with VMM_TAG. */
static gboolean vmm_needs_tag(const guint8 *p, gsize len)
{
    return len < strlen(VMM_TAG) || memcmp(p, VMM_TAG, strlen(VMM_TAG)) != 0;
}

/* A guest line may not start like a daemon line (a digit) or like a VMM
 * line ("vessel-vmm:", or the start of it, all a chunk may show). */
static gboolean guest_needs_tag(const guint8 *p, gsize len)
{
    const char *vmm = "vessel-vmm:";
    return g_ascii_isdigit(p[0]) || memcmp(p, vmm, MIN(len, strlen(vmm))) == 0;
}

static const struct {
    const char *tag;
    NeedsTag needs_tag;
} rules[DOMAIN_LOG_LAST] = {
    [DOMAIN_LOG_VMM] = { VMM_TAG, vmm_needs_tag },
    [DOMAIN_LOG_GUEST] = { GUEST_TAG, guest_needs_tag },
};

void domain_log_stream_init(DomainLogStream *s, DomainLogSource source, goffset max_size)
{
    memset(s, 0, sizeof(*s));
    s->source = source;
    s->max_size = max_size;
}

/* Bytes of the UTF-8 sequence led by @c, 0 if @c leads none. */
static gsize utf8_len(guint8 c)
{
    return c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
}

/* Escape @n bytes at @p into @out.  @s (NULL for the daemon's messages,
 * which are one line: their newlines are escaped too) gets what the end
 * cuts and the line rule; @bol: @p starts a line. */
static void escape(GString *out, DomainLogStream *s, gboolean bol, const guint8 *p, gsize n)
{
    for (gsize i = 0; i < n;) {
        guint8 c = p[i];
        if (bol && s) {
            gsize e = i;
            while (e < n && p[e] != '\n')
                e++;
            if (e > i && rules[s->source].needs_tag(p + i, e - i))
                g_string_append(out, rules[s->source].tag);
            bol = FALSE;
        }
        if (c == '\n' && s) {
            g_string_append_c(out, '\n');
            bol = TRUE;
            i++;
            continue;
        }
        if (c == '\r' && s && i + 1 == n) {
            s->carry[0] = c;          /* an LF may follow in the next chunk */
            s->n_carry = 1;
            return;
        }
        if (c == '\r' && i + 1 < n && p[i + 1] == '\n' && s) {
            i++;
            continue;
        }
        if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
            g_string_append_c(out, (char)c);
            i++;
            continue;
        }
        gsize len = c >= 0x80 ? utf8_len(c) : 0;
        if (len && i + len > n && s) {
            /* cut by the end: carry it if it may still be valid */
            gboolean cont = TRUE;
            for (gsize k = i + 1; k < n; k++)
                cont = cont && (p[k] & 0xc0) == 0x80;
            if (cont) {
                memcpy(s->carry, p + i, n - i);
                s->n_carry = n - i;
                return;
            }
        }
        gunichar u = len && i + len <= n
                         ? g_utf8_get_char_validated((const char *)p + i, (gssize)len)
                         : (gunichar)-1;
        if (u == (gunichar)-1 || u == (gunichar)-2 || (u >= 0x80 && u <= 0x9f)) {
            /* a control character, a C1 control, or no UTF-8 */
            gsize k = u >= 0x80 && u <= 0x9f ? len : 1;
            for (gsize j = 0; j < k; j++)
                g_string_append_printf(out, "\\x%02x", p[i + j]);
            i += k;
            continue;
        }
        g_string_append_len(out, (const char *)p + i, (gssize)len);
        i += len;
    }
}

char *domain_log_filter(DomainLogStream *s, char last, const void *data, gsize n)
{
    g_autofree guint8 *buf = g_malloc(s->n_carry + n + 1);
    gsize len = s->n_carry;
    memcpy(buf, s->carry, s->n_carry);
    memcpy(buf + len, data, n);
    len += n;
    s->n_carry = 0;
    GString *out = g_string_sized_new(len + 16);
    escape(out, s, last == '\n', buf, len);
    return g_string_free(out, FALSE);
}

/* The log's last byte, '\n' when it is empty (or unreadable); its size
 * in *@size. */
static char last_byte(int fd, goffset *size)
{
    struct stat st;
    char last = '\n';
    *size = 0;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        *size = st.st_size;
        if (pread(fd, &last, 1, st.st_size - 1) != 1)
            last = '\n';
    }
    return last;
}

static void write_all(int fd, const char *p, gsize n)
{
    while (n > 0) {
        gssize w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;     /* a full disk loses log lines, never a domain */
        p += w;
        n -= (gsize)w;
    }
}

static void lock(int fd, int how)
{
    while (flock(fd, how) < 0 && errno == EINTR)
        ;
}

/* The daemon's line, with the log locked and its last byte @last. */
static void daemon_line(int fd, char last, const char *message)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format_iso8601(now);
    GString *line = g_string_new(NULL);
    if (last != '\n')
        g_string_append_c(line, '\n');     /* ours start a line of their own */
    g_string_append_printf(line, "%s vesseld: ", stamp);
    escape(line, NULL, FALSE, (const guint8 *)message, strlen(message));
    g_string_append_c(line, '\n');
    write_all(fd, line->str, line->len);
    g_string_free(line, TRUE);
}

void domain_log_stream_write(DomainLogStream *s, int fd, const void *data, gsize n)
{
    static const char *const whose[DOMAIN_LOG_LAST] = { "VMM", "guest" };
    goffset size;
    lock(fd, LOCK_EX);
    char last = last_byte(fd, &size);
    if (s->max_size && size >= s->max_size) {
        if (!s->dropping) {
            g_autofree char *msg = g_strdup_printf(
                "the log holds [limits] max_domain_log (%" G_GOFFSET_FORMAT " bytes): the %s's "
                "output is no longer logged until it is rotated",
                s->max_size, whose[s->source]);
            daemon_line(fd, last, msg);
            s->dropping = TRUE;
        }
        s->n_carry = 0;
    } else {
        s->dropping = FALSE;
        g_autofree char *out = domain_log_filter(s, last, data, n);
        write_all(fd, out, strlen(out));
    }
    lock(fd, LOCK_UN);
}

void domain_log_daemon_line(int fd, const char *message)
{
    goffset size;
    lock(fd, LOCK_EX);
    daemon_line(fd, last_byte(fd, &size), message);
    lock(fd, LOCK_UN);
}
