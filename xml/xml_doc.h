/* xml_doc.h - safe reading of definition documents (internal to xml/).
 *
 * Parsing is the security boundary of the daemon: definitions come from
 * unprivileged clients.  xml_doc_parse() never touches the network, never
 * loads or expands entities, refuses any DOCTYPE and anything bigger than
 * VESSEL_XML_MAX_SIZE.  xml_doc_validate() checks the document against one
 * of our RELAX NG schemas (compiled into the library as a GResource),
 * after a walk that names unknown or unsupported (libvirt-only) elements
 * and attributes, which libxml2's RELAX NG messages often do not.  The
 * remaining helpers read
 * nodes and report errors that name the element, attribute and line. */
#ifndef VESSEL_XML_DOC_H
#define VESSEL_XML_DOC_H

#include <glib.h>
#include <libxml/tree.h>
#include "xml/xml_error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

/* Parse @xml as a document whose root must be <@root_name>. */
xmlDoc *xml_doc_parse(const char *xml, const char *root_name, GError **error);
/* Elements libvirt knows below a parent that Vessel does not support:
 * parent local name, space-separated child names. */
typedef struct {
    const char *parent;
    const char *children;
} XmlUnsupported;

/* Validate against the schema resource "schemas/@schema" (e.g.
 * "domain.rng").  A first walk compares every element and attribute with
 * the names the schema allows at that place, so the error names the
 * offender and its line: elements listed in @table are "unsupported"
 * (VESSEL_XML_ERROR_UNSUPPORTED), anything else "unknown"
 * (VESSEL_XML_ERROR_SCHEMA).  RELAX NG validation then checks the rest
 * (required elements, repetitions, text). */
gboolean xml_doc_validate(xmlDoc *doc, const char *schema, const XmlUnsupported *table,
                          guint n_table, GError **error);
/* How many compiled copies of @schema exist: one per validation that
 * ran while all others were busy (validations never wait for each
 * other).  For tests. */
guint xml_doc_schema_copies(const char *schema);
/* xml_doc_parse() then xml_doc_validate() against "@root_name.rng": the
 * first step of every definition parser. */
xmlDoc *xml_doc_load(const char *xml, const char *root_name, const XmlUnsupported *table,
                     guint n_table, GError **error);
/* The contents of @path (g_free) if it is a text file of at most
 * VESSEL_XML_MAX_SIZE bytes. */
char *xml_file_read(const char *path, GError **error);
/* Report @local (a parse error of the document read from @path, may be
 * NULL) in @error as "PATH: MESSAGE". */
void xml_error_in_file(GError **error, const char *path, GError *local);

/* ---- reading nodes (after validation) ------------------------------ */
gboolean xml_node_is(const xmlNode *node, const char *name);
/* First element child named @name, or NULL. */
xmlNode *xml_node_child(const xmlNode *node, const char *name);
/* Attribute value (g_free) or NULL. */
char *xml_node_prop(const xmlNode *node, const char *name);
/* Text content (g_free), never NULL for an element. */
char *xml_node_text(const xmlNode *node);
/* Text content with leading/trailing whitespace removed. */
char *xml_node_text_trimmed(const xmlNode *node);
long xml_node_line(const xmlNode *node);

/* ---- errors ------------------------------------------------------- */
/* @s made fit for a message (g_free): control characters shown as '?',
 * cut to 64 characters with "..." (user values can be 1 MiB long). */
char *xml_value_for_message(const char *s);
/* "<prefix message> at line N" for a problem with element @node. */
void xml_error_node(GError **error, VesselXmlError code, const xmlNode *node,
                    const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* "invalid value 'V' for attribute 'A' of <E> at line N: REASON" */
void xml_error_attr(GError **error, VesselXmlError code, const xmlNode *node,
                    const char *attr, const char *value, const char *reason);
/* "unsupported value 'V' for attribute 'A' of <E> at line N (supported: ...)" */
void xml_error_attr_unsupported(GError **error, const xmlNode *node, const char *attr,
                                const char *value, const char *const *supported,
                                guint n_supported);

/* ---- writing ------------------------------------------------------ */
/* Append @s (NULL: nothing) escaped for element content (@attr FALSE)
 * or for a '...' attribute value. */
void xml_escape_append(GString *out, const char *s, gboolean attr);
/* Append "<indent>name='value'" pairs helper: " name='escaped'" */
void xml_attr_append(GString *out, const char *name, const char *value);

#endif
