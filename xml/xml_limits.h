/* xml_limits.h - bounds on the shape of a definition, checked on its
 * text before libxml2 parses it (internal to xml/).
 *
 * Definitions come from unprivileged clients, and parsing or validating
 * an odd shape costs far more than its size: libxml2 2.9 compares every
 * attribute of an element with every other one (60,000 attributes in
 * 650 KB took a minute to parse), and RELAX NG validation of many
 * free-form <metadata> children or attributes grows worse than linearly
 * in time and memory.  xml_limits_check() counts elements, attributes per
 * element, nesting depth and the size of <metadata> in one linear pass
 * over the text and refuses anything over the limits below, naming the
 * limit and the line.  On a well-formed document the counts are exact
 * (comments, CDATA sections and processing instructions are skipped, and
 * every attribute has exactly one '=' outside quotes); on a malformed one
 * they may be off, which only changes which error is reported first. */
#ifndef VESSEL_XML_LIMITS_H
#define VESSEL_XML_LIMITS_H

#include <glib.h>

/* Elements in one document (the largest real definitions have a few
 * hundred). */
#define VESSEL_XML_MAX_ELEMENTS 5000
/* Attributes (namespace declarations included) on one element. */
#define VESSEL_XML_MAX_ATTRIBUTES 64
/* Nesting depth, the root element being level 1. */
#define VESSEL_XML_MAX_DEPTH 32
/* Bytes of a <metadata> child of the root, its tags included. */
#define VESSEL_XML_MAX_METADATA (64 * 1024)

/* TRUE if the @len bytes at @xml stay within the limits; else FALSE with
 * a VESSEL_XML_ERROR_MALFORMED error naming the limit, for a <@root_name>
 * definition. */
gboolean xml_limits_check(const char *xml, gsize len, const char *root_name, GError **error);

#endif
