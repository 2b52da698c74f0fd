/* test-chardev.c - the stdio console's Ctrl-A escape filter (escape.h);
 * the terminal side is test-serial-tty.sh. */
#include "config.h"

#include "vmm/chardev/escape.h"

#include <glib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmm/chardev/escape", test_escape);
    return g_test_run();
}
