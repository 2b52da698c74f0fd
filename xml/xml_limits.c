/* xml_limits.c - one linear pass over a definition's text that counts
 * what makes parsing and validation expensive (xml_limits.h).
 *
 * The scanner knows just enough XML to count exactly on well-formed
 * input: markup starts at '<'; "<!--", "<![CDATA[" and "<?" run to their
 * terminators and hold no elements; any other "<!" (a DOCTYPE, refused
 * by the parser anyway) runs to the next '>'; "</" closes an element;
 * anything else opens one, whose attributes are the '=' signs outside
 * quotes before its '>', and "/>" closes it again.  It never allocates
 * and never looks past @len. */
#include "config.h"
#include "xml/xml_limits.h"

#include <string.h>
#include "i18n.h"
#include "xml/xml_error.h"

typedef struct {
    const char *p, *end;
    long line;
} Scan;

/* Move to just after @term (or to the end); count lines on the way. */
static void
scan_past(Scan *s, const char *term)
{
    gsize tlen = strlen(term);

    while (s->p < s->end) {
        if ((gsize)(s->end - s->p) >= tlen && memcmp(s->p, term, tlen) == 0) {
            s->p += tlen;
            return;
        }
        if (*s->p == '\n')
            s->line++;
        s->p++;
    }
}

static gboolean
scan_starts(const Scan *s, const char *prefix)
{
    gsize n = strlen(prefix);

    return (gsize)(s->end - s->p) >= n && memcmp(s->p, prefix, n) == 0;
}

static gboolean
is_name_end(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

/* At the "<" of a start tag: move past its ">", counting attributes.
 * Sets *@name, *@name_len to the element name and *@empty for an
 * empty-element tag. */
static guint
scan_start_tag(Scan *s, const char **name, gsize *name_len, gboolean *empty)
{
    guint attrs = 0;
    char quote = 0, prev = 0;

    s->p++;
    *name = s->p;
    while (s->p < s->end && !is_name_end(*s->p))
        s->p++;
    *name_len = (gsize)(s->p - *name);
    *empty = FALSE;
    for (; s->p < s->end; s->p++) {
        char c = *s->p;

        if (c == '\n')
            s->line++;
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '=') {
            attrs++;
        } else if (c == '>') {
            *empty = prev == '/';
            s->p++;
            break;
        }
        prev = c;
    }
    return attrs;
}

static gboolean
limit_error(GError **error, const char *root_name, long line, const char *what, long limit)
{
    g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED,
                _("<%s> definition refused at line %ld: %s (the limit is %ld)"), root_name,
                line, what, limit);
    return FALSE;
}

gboolean
xml_limits_check(const char *xml, gsize len, const char *root_name, GError **error)
{
    Scan s = { .p = xml, .end = xml + len, .line = 1 };
    guint elements = 0, depth = 0;
    const char *metadata = NULL;   /* '<' of the open <metadata> child of the root */
    long metadata_line = 0;

    while (s.p < s.end) {
        const char *tag = s.p;
        long tag_line = s.line;
        const char *name;
        gsize name_len;
        gboolean empty;
        guint attrs;

        if (*s.p != '<') {
            if (*s.p == '\n')
                s.line++;
            s.p++;
            continue;
        }
        if (scan_starts(&s, "<!--")) {
            scan_past(&s, "-->");
            continue;
        }
        if (scan_starts(&s, "<![CDATA[")) {
            scan_past(&s, "]]>");
            continue;
        }
        if (scan_starts(&s, "<?")) {
            scan_past(&s, "?>");
            continue;
        }
        if (scan_starts(&s, "<!")) {
            scan_past(&s, ">");
            continue;
        }
        if (scan_starts(&s, "</")) {
            scan_past(&s, ">");
            if (depth > 0)
                depth--;
            if (metadata && depth == 1) {
                if (s.p - metadata > VESSEL_XML_MAX_METADATA)
                    return limit_error(error, root_name, metadata_line,
                                       _("<metadata> is too large"), VESSEL_XML_MAX_METADATA);
                metadata = NULL;
            }
            continue;
        }
        attrs = scan_start_tag(&s, &name, &name_len, &empty);
        if (++elements > VESSEL_XML_MAX_ELEMENTS)
            return limit_error(error, root_name, tag_line, _("too many elements"),
                               VESSEL_XML_MAX_ELEMENTS);
        if (attrs > VESSEL_XML_MAX_ATTRIBUTES)
            return limit_error(error, root_name, tag_line,
                               _("too many attributes on one element"),
                               VESSEL_XML_MAX_ATTRIBUTES);
        if (++depth > VESSEL_XML_MAX_DEPTH)
            return limit_error(error, root_name, tag_line, _("elements nested too deeply"),
                               VESSEL_XML_MAX_DEPTH);
        if (depth == 2 && !empty && name_len == 8 && memcmp(name, "metadata", 8) == 0) {
            metadata = tag;
            metadata_line = tag_line;
        }
        if (empty)
            depth--;
    }
    if (metadata && s.p - metadata > VESSEL_XML_MAX_METADATA)
        return limit_error(error, root_name, metadata_line, _("<metadata> is too large"),
                           VESSEL_XML_MAX_METADATA);
    return TRUE;
}
