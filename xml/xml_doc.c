/* xml_doc.c - safe parsing, RELAX NG validation and node helpers.
 *
 * Design note.  libxml2 is used with the parser options that keep it
 * away from anything outside the string it is given: XML_PARSE_NONET, no
 * XML_PARSE_NOENT (entities are never substituted), no DTD loading or
 * attribute defaulting.  On top of that a SAX hook stops the parser as soon
 * as it sees a DOCTYPE, so no internal subset (and no entity declaration)
 * is ever processed, and the input size is capped before libxml2 sees it.
 * Errors are collected through the structured error hooks of the parser
 * and validator contexts, so libxml2 never prints to stderr and we report
 * the first problem once, with its line.
 *
 * Before libxml2 sees a document, xml_limits_check() bounds its element
 * count, attributes per element, depth and <metadata> size (xml_limits.h):
 * shapes that cost minutes and gigabytes to parse or validate are refused
 * in one linear pass.
 *
 * Compiled schemas are cached per process; libxml2 does not promise that
 * one xmlRelaxNG may be used by two threads at once, so every validation
 * takes a compiled copy of its own (SchemaEntry below) and none runs
 * under a lock. */
#include "config.h"
#include "xml/xml_doc.h"

#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <stdarg.h>
#include <string.h>
#include "i18n.h"
#include "xml/xml_limits.h"
#include "xml/xml_schemas.h"

typedef struct {
    gboolean doctype;
    char *message;  /* first error */
    long line;
} ParseState;

static void
doc_state_set(ParseState *st, const char *msg, long line)
{
    if (st->message)
        return;
    st->message = g_strchomp(g_strdup(msg ? msg : "?"));
    st->line = line;
}

static void
doc_on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
                       const xmlChar *sys)
{
    xmlParserCtxt *ctxt = ctx;
    ParseState *st = ctxt->_private;

    st->doctype = TRUE;
    xmlStopParser(ctxt);
}

static void
doc_on_error(void *data, xmlError *err)
{
    xmlParserCtxt *ctxt = data;
    ParseState *st = ctxt->_private;

    if (err && err->level >= XML_ERR_ERROR)
        doc_state_set(st, err->message, err->line);
}

static gsize parser_ready;

xmlDoc *
xml_doc_parse(const char *xml, const char *root_name, GError **error)
{
    ParseState st = { 0 };
    xmlParserCtxt *ctxt;
    xmlDoc *doc;
    size_t len;

    if (g_once_init_enter(&parser_ready)) {
        xmlInitParser(); /* not thread-safe the first time: do it once */
        g_once_init_leave(&parser_ready, 1);
    }
    len = strnlen(xml, VESSEL_XML_MAX_SIZE + 1);
    if (len > VESSEL_XML_MAX_SIZE) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED,
                    _("<%s> document is larger than %d bytes"), root_name,
                    VESSEL_XML_MAX_SIZE);
        return NULL;
    }
    if (!xml_limits_check(xml, len, root_name, error))
        return NULL;

    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                    _("cannot create an XML parser"));
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->internalSubset = doc_on_internal_subset;
    ctxt->sax->serror = doc_on_error;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->sax->fatalError = NULL;

    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "definition.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (st.doctype) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED,
                    _("DOCTYPE declarations are not allowed in <%s> definitions (line %d)"),
                    root_name, ctxt->input ? ctxt->input->line : 0);
        goto fail;
    }
    if (!doc || !ctxt->wellFormed || st.message) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED,
                    _("malformed XML at line %ld: %s"), st.line,
                    st.message ? st.message : _("cannot parse the document"));
        goto fail;
    }
    {
        xmlNode *root = xmlDocGetRootElement(doc);

        if (!root || strcmp((const char *)root->name, root_name) != 0) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                        _("expected a <%s> document, got <%s>"), root_name,
                        root ? (const char *)root->name : "");
            goto fail;
        }
        if (root->ns) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                        _("expected a <%s> document without a namespace, got one in '%s'"),
                        root_name, root->ns->href ? (const char *)root->ns->href : "");
            goto fail;
        }
    }
    g_free(st.message);
    xmlFreeParserCtxt(ctxt);
    return doc;

fail:
    g_free(st.message);
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return NULL;
}

/* ---- structure: unknown and unsupported elements and attributes ------ */

/* The allowed structure is read from our own schema, so it never drifts
 * from what validation enforces.  For an element X below P (key "P/X")
 * the set holds:
 *   "P/X>C"   child element C may appear     "P/X+C"  ... more than once
 *   "P/X@A"   attribute A may appear         "P/X#"   text is allowed
 *   "P/X!C", "P/X!@A"  C or A is required (outside optional/choice)
 * RELAX NG then checks what this does not capture (order-free counts in
 * choices, values). */
typedef struct {
    GHashTable *set;
    GHashTable *defines; /* name -> <define> node */
} SchemaShape;

enum {
    SHAPE_OPTIONAL = 1 << 0,
    SHAPE_REPEAT = 1 << 1,
};

static gboolean
rng_is(const xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

static void
shape_collect(SchemaShape *shape, xmlNode *rng, const char *key, const char *name,
              int flags, int depth)
{
    if (depth > 64)
        return;
    for (xmlNode *c = rng->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (rng_is(c, "element") || rng_is(c, "attribute")) {
            g_autofree char *n = xml_node_prop(c, "name");
            gboolean attr = rng_is(c, "attribute");

            if (!n)
                continue; /* <anyName/>: free-form (metadata) */
            g_hash_table_add(shape->set, g_strconcat(key, attr ? "@" : ">", n, NULL));
            if (!(flags & SHAPE_OPTIONAL))
                g_hash_table_add(shape->set, g_strconcat(key, attr ? "!@" : "!", n, NULL));
            if (!attr) {
                g_autofree char *child_key = g_strconcat(name, "/", n, NULL);

                if (flags & SHAPE_REPEAT)
                    g_hash_table_add(shape->set, g_strconcat(key, "+", n, NULL));
                shape_collect(shape, c, child_key, n, 0, depth + 1);
            }
        } else if (rng_is(c, "text") || rng_is(c, "data") || rng_is(c, "value")) {
            g_hash_table_add(shape->set, g_strconcat(key, "#", NULL));
        } else if (rng_is(c, "ref")) {
            g_autofree char *n = xml_node_prop(c, "name");
            xmlNode *def = n ? g_hash_table_lookup(shape->defines, n) : NULL;

            if (def)
                shape_collect(shape, def, key, name, flags, depth + 1);
        } else if (rng_is(c, "optional") || rng_is(c, "choice")) {
            shape_collect(shape, c, key, name, flags | SHAPE_OPTIONAL, depth + 1);
        } else if (rng_is(c, "zeroOrMore")) {
            shape_collect(shape, c, key, name, flags | SHAPE_OPTIONAL | SHAPE_REPEAT, depth + 1);
        } else if (rng_is(c, "oneOrMore")) {
            shape_collect(shape, c, key, name, flags | SHAPE_REPEAT, depth + 1);
        } else if (!rng_is(c, "define")) {
            shape_collect(shape, c, key, name, flags, depth + 1);
        }
    }
}

static GHashTable *
shape_build(GBytes *bytes, GError **error)
{
    gsize size;
    const char *data = g_bytes_get_data(bytes, &size);
    g_autoptr(xmlDoc) doc = xmlReadMemory(data, (int)size, "schema.rng", NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING);
    g_autoptr(GHashTable) defines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    SchemaShape shape;
    xmlNode *root;

    if (!doc || !(root = xmlDocGetRootElement(doc))) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                    _("cannot read a schema"));
        return NULL;
    }
    for (xmlNode *c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && rng_is(c, "define"))
            g_hash_table_insert(defines, xml_node_prop(c, "name"), c);
    shape.set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    shape.defines = defines;
    for (xmlNode *c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && rng_is(c, "start"))
            shape_collect(&shape, c, "", "", 0, 0);
    return shape.set;
}

static gboolean
word_in_list(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len == n && strncmp(p, word, n) == 0)
            return TRUE;
        if (!end)
            break;
        p = end + 1;
    }
    return FALSE;
}

typedef struct {
    GHashTable *set;
    const XmlUnsupported *table;
    guint n_table;
} ShapeCheck;

static gboolean
shape_has(const ShapeCheck *chk, const char *key, const char *sep, const char *name)
{
    g_autofree char *k = g_strconcat(key, sep, name, NULL);

    return g_hash_table_contains(chk->set, k);
}

static gboolean
shape_text_only_space(const xmlNode *node)
{
    for (const xmlChar *p = node->content; p && *p; p++)
        if (!g_ascii_isspace(*p))
            return FALSE;
    return TRUE;
}

/* Required children and attributes of @node (entries "KEY!NAME"). */
static gboolean
shape_check_required(const ShapeCheck *chk, xmlNode *node, const char *key, GError **error)
{
    g_autofree char *prefix = g_strconcat(key, "!", NULL);
    size_t plen = strlen(prefix);
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, chk->set);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        const char *entry = k;

        if (strncmp(entry, prefix, plen) != 0)
            continue;
        entry += plen;
        if (entry[0] == '@') {
            if (!xmlHasNsProp(node, (const xmlChar *)entry + 1, NULL)) {
                g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                            _("<%s> lacks the required attribute '%s' at line %ld"),
                            (const char *)node->name, entry + 1, xml_node_line(node));
                return FALSE;
            }
        } else if (!xml_node_child(node, entry)) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                        _("<%s> lacks the required element <%s> at line %ld"),
                        (const char *)node->name, entry, xml_node_line(node));
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
shape_check(const ShapeCheck *chk, xmlNode *node, const char *key, GError **error)
{
    const char *name = (const char *)node->name;
    const char *unsupported = NULL;

    for (xmlAttr *a = node->properties; a; a = a->next) {
        if (a->ns || !shape_has(chk, key, "@", (const char *)a->name)) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                        _("unknown attribute '%s%s%s' of <%s> at line %ld"),
                        a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                        a->ns && a->ns->prefix ? ":" : "", (const char *)a->name, name,
                        xml_node_line(node));
            return FALSE;
        }
    }
    for (guint i = 0; i < chk->n_table; i++)
        if (strcmp(chk->table[i].parent, name) == 0)
            unsupported = chk->table[i].children;
    for (xmlNode *c = node->children; c; c = c->next) {
        g_autofree char *child_key = NULL;

        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            !shape_has(chk, key, "#", "") && !shape_text_only_space(c)) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                        _("unexpected text in <%s> at line %ld"), name, xml_node_line(node));
            return FALSE;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xml_node_is(node, "metadata")) {
            /* any element of a foreign namespace, kept verbatim */
            if (!c->ns || !c->ns->href || !*c->ns->href) {
                g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                            _("<%s> in <metadata> must be in an XML namespace at line %ld"),
                            (const char *)c->name, xml_node_line(c));
                return FALSE;
            }
            continue;
        }
        if (c->ns || !shape_has(chk, key, ">", (const char *)c->name)) {
            gboolean known = !c->ns && unsupported &&
                             word_in_list(unsupported, (const char *)c->name);
            g_autofree char *shown = c->ns && c->ns->prefix
                ? g_strdup_printf("%s:%s", (const char *)c->ns->prefix, (const char *)c->name)
                : g_strdup((const char *)c->name);

            g_set_error(error, VESSEL_XML_ERROR,
                        known ? VESSEL_XML_ERROR_UNSUPPORTED : VESSEL_XML_ERROR_SCHEMA,
                        known ? _("unsupported element <%s> in <%s> at line %ld")
                              : _("unknown element <%s> in <%s> at line %ld"),
                        shown, name, xml_node_line(c));
            return FALSE;
        }
        if (!shape_has(chk, key, "+", (const char *)c->name)) {
            for (xmlNode *p = node->children; p != c; p = p->next) {
                if (xml_node_is(p, (const char *)c->name)) {
                    g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                                _("element <%s> appears more than once in <%s> at line %ld"),
                                (const char *)c->name, name, xml_node_line(c));
                    return FALSE;
                }
            }
        }
        child_key = g_strconcat(name, "/", (const char *)c->name, NULL);
        if (!shape_check(chk, c, child_key, error))
            return FALSE;
    }
    return shape_check_required(chk, node, key, error);
}

/* ---- schemas --------------------------------------------------------- */

/* A schema's shape (read-only once built) and its compiled forms.
 * libxml2 does not promise that one xmlRelaxNG may serve two validations
 * at once, so each validation takes one compiled copy for itself: an
 * idle one, or a fresh compilation when all are busy.  The lock guards
 * only the cache and the idle lists, never a validation, so one slow
 * document does not hold up the others. */
typedef struct {
    GBytes *source;
    GHashTable *shape;
    GPtrArray *idle;   /* xmlRelaxNG* not in use */
    guint copies;      /* compiled so far */
} SchemaEntry;

static GMutex schema_lock;
static GHashTable *schema_cache; /* name -> SchemaEntry* (process cache, never freed) */

static void
schema_on_error(void *data, xmlError *err)
{
    ParseState *st = data;

    if (err && err->level >= XML_ERR_ERROR)
        doc_state_set(st, err->message,
                      err->line ? err->line : err->node ? xmlGetLineNo(err->node) : 0);
}

static xmlRelaxNG *
schema_compile(GBytes *source, const char *schema, GError **error)
{
    ParseState st = { 0 };
    xmlRelaxNGParserCtxt *pctxt;
    xmlRelaxNG *rng;
    gsize size;
    const char *data = g_bytes_get_data(source, &size);

    pctxt = xmlRelaxNGNewMemParserCtxt(data, (int)size);
    xmlRelaxNGSetParserStructuredErrors(pctxt, schema_on_error, &st);
    rng = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!rng)
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                    _("schema %s does not compile: %s"), schema,
                    st.message ? st.message : "?");
    g_free(st.message);
    return rng;
}

static SchemaEntry *
schema_load_locked(const char *schema, GError **error)
{
    g_autofree char *res = g_strconcat("/org/vessel/xml/schemas/", schema, NULL);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) local = NULL;
    SchemaEntry *entry;
    GHashTable *shape;
    xmlRelaxNG *rng;

    if (!schema_cache) {
        vessel_xml_schemas_register_resource();
        schema_cache = g_hash_table_new(g_str_hash, g_str_equal);
    }
    if ((entry = g_hash_table_lookup(schema_cache, schema)))
        return entry;

    bytes = g_resource_lookup_data(vessel_xml_schemas_get_resource(), res,
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &local);
    if (!bytes) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                    _("schema %s is missing: %s"), schema, local->message);
        return NULL;
    }
    /* The first compilation runs under the lock: it also initializes
     * libxml2's RELAX NG type libraries, which is not thread-safe. */
    if (!(rng = schema_compile(bytes, schema, error)))
        return NULL;
    if (!(shape = shape_build(bytes, error))) {
        xmlRelaxNGFree(rng);
        return NULL;
    }
    entry = g_new0(SchemaEntry, 1);
    entry->source = g_steal_pointer(&bytes);
    entry->shape = shape;
    entry->idle = g_ptr_array_new();
    entry->copies = 1;
    g_ptr_array_add(entry->idle, rng);
    g_hash_table_insert(schema_cache, g_strdup(schema), entry);
    return entry;
}

/* An entry and a compiled schema only this caller uses until
 * schema_release(). */
static SchemaEntry *
schema_acquire(const char *schema, xmlRelaxNG **rng, GError **error)
{
    SchemaEntry *entry;

    g_mutex_lock(&schema_lock);
    entry = schema_load_locked(schema, error);
    *rng = entry && entry->idle->len
               ? g_ptr_array_steal_index_fast(entry->idle, entry->idle->len - 1)
               : NULL;
    g_mutex_unlock(&schema_lock);
    if (entry && !*rng) {
        if (!(*rng = schema_compile(entry->source, schema, error)))
            return NULL;
        g_mutex_lock(&schema_lock);
        entry->copies++;
        g_mutex_unlock(&schema_lock);
    }
    return entry;
}

guint
xml_doc_schema_copies(const char *schema)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&schema_lock);
    SchemaEntry *entry = schema_cache ? g_hash_table_lookup(schema_cache, schema) : NULL;

    return entry ? entry->copies : 0;
}

static void
schema_release(SchemaEntry *entry, xmlRelaxNG *rng)
{
    g_mutex_lock(&schema_lock);
    g_ptr_array_add(entry->idle, rng);
    g_mutex_unlock(&schema_lock);
}

gboolean
xml_doc_validate(xmlDoc *doc, const char *schema, const XmlUnsupported *table,
                 guint n_table, GError **error)
{
    ParseState st = { 0 };
    xmlRelaxNGValidCtxt *vctxt;
    SchemaEntry *entry;
    xmlRelaxNG *rng = NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    g_autofree char *root_key = g_strconcat("/", (const char *)root->name, NULL);
    ShapeCheck chk = { .table = table, .n_table = n_table };
    int rc;

    entry = schema_acquire(schema, &rng, error);
    if (!entry)
        return FALSE;
    chk.set = entry->shape;
    if (!shape_check(&chk, root, root_key, error)) {
        schema_release(entry, rng);
        return FALSE;
    }
    vctxt = xmlRelaxNGNewValidCtxt(rng);
    if (!vctxt) {
        schema_release(entry, rng);
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                    _("cannot create a schema validator"));
        return FALSE;
    }
    xmlRelaxNGSetValidStructuredErrors(vctxt, schema_on_error, &st);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    schema_release(entry, rng);
    if (rc != 0) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_SCHEMA,
                    _("<%s> does not match the schema at line %ld: %s"),
                    root ? (const char *)root->name : "?", st.line,
                    st.message ? st.message : _("invalid document"));
        g_free(st.message);
        return FALSE;
    }
    g_free(st.message);
    return TRUE;
}

xmlDoc *
xml_doc_load(const char *xml, const char *root_name, const XmlUnsupported *table,
             guint n_table, GError **error)
{
    g_autoptr(xmlDoc) doc = xml_doc_parse(xml, root_name, error);
    g_autofree char *schema = g_strconcat(root_name, ".rng", NULL);

    if (!doc || !xml_doc_validate(doc, schema, table, n_table, error))
        return NULL;
    return g_steal_pointer(&doc);
}

char *
xml_file_read(const char *path, GError **error)
{
    g_autofree char *xml = NULL;
    gsize len;

    if (!g_file_get_contents(path, &xml, &len, error))
        return NULL;
    if (len > VESSEL_XML_MAX_SIZE || strlen(xml) != len) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_MALFORMED,
                    _("%s: not a text file of at most %d bytes"), path, VESSEL_XML_MAX_SIZE);
        return NULL;
    }
    return g_steal_pointer(&xml);
}

void
xml_error_in_file(GError **error, const char *path, GError *local)
{
    if (local)
        g_set_error(error, local->domain, local->code, "%s: %s", path, local->message);
}

/* ---- reading --------------------------------------------------------- */

gboolean
xml_node_is(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && !node->ns &&
           strcmp((const char *)node->name, name) == 0;
}

xmlNode *
xml_node_child(const xmlNode *node, const char *name)
{
    for (xmlNode *c = node->children; c; c = c->next)
        if (xml_node_is(c, name))
            return c;
    return NULL;
}

char *
xml_node_prop(const xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
    char *ret;

    if (!v)
        return NULL;
    ret = g_strdup((const char *)v);
    xmlFree(v);
    return ret;
}

char *
xml_node_text(const xmlNode *node)
{
    xmlChar *v = xmlNodeGetContent(node);
    char *ret = g_strdup(v ? (const char *)v : "");

    xmlFree(v);
    return ret;
}

char *
xml_node_text_trimmed(const xmlNode *node)
{
    return g_strstrip(xml_node_text(node));
}

long
xml_node_line(const xmlNode *node)
{
    return node ? xmlGetLineNo(node) : 0;
}

/* ---- errors ---------------------------------------------------------- */

char *
xml_value_for_message(const char *s)
{
    GString *out = g_string_new(NULL);
    const char *p = s ? s : "";
    guint n = 0;

    if (!g_utf8_validate(p, -1, NULL))
        return g_string_free(out, FALSE); /* cannot happen after libxml2 */
    for (; *p && n < 64; p = g_utf8_next_char(p), n++) {
        gunichar c = g_utf8_get_char(p);

        if (c < 0x20 || c == 0x7f)
            g_string_append_c(out, '?');
        else
            g_string_append_unichar(out, c);
    }
    if (*p)
        g_string_append(out, "...");
    return g_string_free(out, FALSE);
}

void
xml_error_node(GError **error, VesselXmlError code, const xmlNode *node,
               const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VESSEL_XML_ERROR, code, _("%s at line %ld"), msg,
                xml_node_line(node));
}

void
xml_error_attr(GError **error, VesselXmlError code, const xmlNode *node,
               const char *attr, const char *value, const char *reason)
{
    g_autofree char *shown = xml_value_for_message(value);

    g_set_error(error, VESSEL_XML_ERROR, code,
                _("invalid value '%s' for attribute '%s' of <%s> at line %ld: %s"),
                shown, attr, (const char *)node->name, xml_node_line(node), reason);
}

void
xml_error_attr_unsupported(GError **error, const xmlNode *node, const char *attr,
                           const char *value, const char *const *supported,
                           guint n_supported)
{
    g_autoptr(GString) list = g_string_new(NULL);
    g_autofree char *shown = xml_value_for_message(value);

    for (guint i = 0; i < n_supported; i++)
        g_string_append_printf(list, "%s'%s'", i ? ", " : "", supported[i]);
    if (attr)
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_UNSUPPORTED,
                    _("unsupported value '%s' for attribute '%s' of <%s> at line %ld (supported: %s)"),
                    shown, attr, (const char *)node->name, xml_node_line(node), list->str);
    else
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_UNSUPPORTED,
                    _("unsupported value '%s' in <%s> at line %ld (supported: %s)"),
                    shown, (const char *)node->name, xml_node_line(node), list->str);
}

/* ---- writing --------------------------------------------------------- */

void
xml_escape_append(GString *out, const char *s, gboolean attr)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '\'': g_string_append(out, attr ? "&apos;" : "'"); break;
        case '"': g_string_append(out, attr ? "&quot;" : "\""); break;
        case '\r': g_string_append(out, "&#13;"); break;
        case '\n': g_string_append(out, attr ? "&#10;" : "\n"); break;
        case '\t': g_string_append(out, attr ? "&#9;" : "\t"); break;
        default: g_string_append_c(out, *p); break;
        }
    }
}

void
xml_attr_append(GString *out, const char *name, const char *value)
{
    g_string_append_printf(out, " %s='", name);
    xml_escape_append(out, value, TRUE);
    g_string_append_c(out, '\'');
}
