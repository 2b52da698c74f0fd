/* xml_check.c - value checks shared by the domain and network parsers. */
#include "config.h"
#include "xml/xml_check.h"

#include <limits.h>
#include <string.h>
#include "i18n.h"

static gboolean
has_control(const char *s, gboolean multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (multiline && (*p == '\n' || *p == '\t'))
            continue;
        if (*p < 0x20 || *p == 0x7f)
            return TRUE;
    }
    return FALSE;
}

const char *
xml_check_text(const char *s, gboolean multiline)
{
    if (!g_utf8_validate(s, -1, NULL))
        return _("not valid UTF-8");
    if (has_control(s, multiline))
        return _("contains control characters");
    return NULL;
}

const char *
xml_check_name(const char *s, gsize max)
{
    if (!*s)
        return _("must not be empty");
    if (strlen(s) > max)
        return _("is too long");
    if (strchr(s, '/'))
        return _("must not contain '/'");
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return _("must not be '.' or '..'");
    return xml_check_text(s, FALSE);
}

const char *
xml_check_abs_path(const char *s)
{
    if (s[0] != '/')
        return _("must be an absolute path");
    if (!s[1])
        return _("must name a file below '/'");
    if (strlen(s) >= PATH_MAX)
        return _("is too long");
    return xml_check_text(s, FALSE);
}

const char *
xml_check_ifname(const char *s)
{
    if (!*s)
        return _("must not be empty");
    if (strlen(s) > 15)
        return _("is longer than 15 characters");
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return _("must not be '.' or '..'");
    /* the kernel forbids '/', ':' and white space; libvirt's schemas
     * allow letters, digits and _.-\:/ -- take what both accept */
    if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
        strlen(s))
        return _("may only contain letters, digits, '_', '.' and '-'");
    return NULL;
}

static int
hex_value(char c)
{
    return g_ascii_xdigit_value(c);
}

const char *
xml_mac_normalize(const char *s, char **out)
{
    guint8 b[6];

    if (strlen(s) != 17)
        return _("not a MAC address (expected xx:xx:xx:xx:xx:xx)");
    for (int i = 0; i < 6; i++) {
        int hi = hex_value(s[i * 3]), lo = hex_value(s[i * 3 + 1]);

        if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
            return _("not a MAC address (expected xx:xx:xx:xx:xx:xx)");
        b[i] = (guint8)(hi << 4 | lo);
    }
    if (b[0] & 1)
        return _("is a multicast address, a unicast address is required");
    if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
        return _("is the all-zero address");
    *out = g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                           b[0], b[1], b[2], b[3], b[4], b[5]);
    return NULL;
}

char *
xml_mac_generate(void)
{
    guint32 r = g_random_int();

    return g_strdup_printf("52:54:00:%02x:%02x:%02x", (r >> 16) & 0xff,
                           (r >> 8) & 0xff, r & 0xff);
}

const char *
xml_uuid_normalize(const char *s, char out[37])
{
    static const int dash_at[] = { 8, 13, 18, 23 };
    char hex[33];
    size_t len = strlen(s);
    int n = 0;

    if (len == 36) {
        for (int i = 0; i < 4; i++)
            if (s[dash_at[i]] != '-')
                return _("not a UUID");
    } else if (len != 32) {
        return _("not a UUID");
    }
    for (size_t i = 0; i < len; i++) {
        if (len == 36 && (i == 8 || i == 13 || i == 18 || i == 23))
            continue;
        if (hex_value(s[i]) < 0)
            return _("not a UUID");
        hex[n++] = g_ascii_tolower(s[i]);
    }
    hex[n] = 0;
    if (strspn(hex, "0") == 32)
        return _("is the all-zero UUID");
    g_snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
               hex + 16, hex + 20);
    return NULL;
}

void
xml_uuid_generate(char out[37])
{
    g_autofree char *u = g_uuid_string_random();

    g_strlcpy(out, u, 37);
}

const char *
xml_parse_uint(const char *s, guint64 max, guint64 *out)
{
    guint64 v = 0;

    if (!*s)
        return _("not a number");
    for (const char *p = s; *p; p++) {
        if (!g_ascii_isdigit(*p))
            return _("not an unsigned decimal number");
        if (v > (G_MAXUINT64 - (guint64)(*p - '0')) / 10)
            return _("is too large");
        v = v * 10 + (guint64)(*p - '0');
    }
    if (v > max)
        return _("is too large");
    *out = v;
    return NULL;
}

/* libvirt's unit grammar: b|byte|bytes, or one of kmgtpe followed by
 * nothing or "ib" (powers of 1024) or "b" (powers of 1000), any case. */
static gboolean
unit_scale(const char *unit, guint64 *num, guint64 *den)
{
    static const char prefixes[] = "kmgtpe";
    const char *p;
    guint64 base, scale = 1;
    int power;

    if (!unit || !*unit) {
        *num = 1, *den = 1;  /* KiB */
        return TRUE;
    }
    if (g_ascii_strcasecmp(unit, "b") == 0 || g_ascii_strcasecmp(unit, "byte") == 0 ||
        g_ascii_strcasecmp(unit, "bytes") == 0) {
        *num = 1, *den = 1024;
        return TRUE;
    }
    p = strchr(prefixes, g_ascii_tolower(unit[0]));
    if (!p || !unit[0])
        return FALSE;
    power = (int)(p - prefixes) + 1;
    if (unit[1] == 0 || g_ascii_strcasecmp(unit + 1, "ib") == 0)
        base = 1024;
    else if (g_ascii_strcasecmp(unit + 1, "b") == 0)
        base = 1000;
    else
        return FALSE;
    for (int i = 0; i < power; i++)
        scale *= base;
    /* scale bytes -> KiB: num/den = scale/1024, reduced */
    if (base == 1024) {
        *num = scale / 1024;
        *den = 1;
    } else {
        *num = scale / 8;  /* 1000^n / 1024 = (1000^n / 8) / 128 */
        *den = 128;
    }
    return TRUE;
}

const char *
xml_parse_kib(const char *value, const char *unit, guint64 max_kib, guint64 *kib)
{
    guint64 v, num, den, whole;
    const char *why;

    if (!unit_scale(unit, &num, &den))
        return _("unknown unit (use b, KiB, MiB, GiB, TiB, KB, MB, GB, ...)");
    why = xml_parse_uint(value, G_MAXUINT64, &v);
    if (why)
        return why;
    /* v * num / den rounded up, without overflow */
    if (num && v > G_MAXUINT64 / num)
        return _("is too large");
    whole = v * num;
    whole = whole / den + (whole % den != 0);
    if (whole > max_kib)
        return _("is too large");
    *kib = whole;
    return NULL;
}

const char *
xml_parse_bytes(const char *value, const char *unit, guint64 max, guint64 *bytes)
{
    guint64 kib;
    const char *why;

    if (!unit || !*unit || g_ascii_strcasecmp(unit, "b") == 0 ||
        g_ascii_strcasecmp(unit, "byte") == 0 || g_ascii_strcasecmp(unit, "bytes") == 0) {
        why = xml_parse_uint(value, max, bytes);
        return why;
    }
    /* every other unit is a whole number of KiB or of 1000-byte units */
    why = xml_parse_kib(value, unit, max / 1024, &kib);
    if (why)
        return why;
    if (g_ascii_tolower(unit[0]) != 'b' && strlen(unit) == 2 && g_ascii_tolower(unit[1]) == 'b') {
        /* powers of 1000: compute exactly rather than from KiB */
        guint64 v, scale = 1;
        const char *prefixes = "kmgtpe";
        const char *p = strchr(prefixes, g_ascii_tolower(unit[0]));
        xml_parse_uint(value, G_MAXUINT64, &v);
        for (int i = 0; i <= (int)(p - prefixes); i++)
            scale *= 1000;
        if (v > max / scale)
            return _("is too large");
        *bytes = v * scale;
        return NULL;
    }
    *bytes = kib * 1024;
    return NULL;
}
