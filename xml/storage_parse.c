/* storage_parse.c - <pool> and <volume> XML -> StoragePoolDef and
 * StorageVolDef.  Same three passes as domain_parse.c: libvirt elements
 * we lack are named as unsupported, then RELAX NG (xml/schemas/
 * storagepool.rng, storagevol.rng), then values: names usable as file
 * names, absolute paths, sizes with libvirt's units, octal modes, the
 * formats Vessel reads (raw, qcow2), qcow2 compat and cluster sizes. */
#include "config.h"
#include "xml/storage_conf.h"

#include <libxml/tree.h>
#include <string.h>
#include "i18n.h"
#include "xml/xml_check.h"
#include "xml/xml_doc.h"
#include "xml/xml_enum.h"

VESSEL_ENUM_IMPL(storage_vol_format, StorageVolFormat, STORAGE_VOL_FORMAT_LAST, "raw", "qcow2")

static const XmlUnsupported pool_unsupported[] = {
    { "pool", "features refresh" },
    { "source", "device dir host adapter name format vendor product auth initiator "
                "protocol" },
    { "permissions", "label" },
};

static const XmlUnsupported vol_unsupported[] = {
    { "volume", "source" },
    { "target", "encryption nocow" },
    { "features", "lazy_refcounts extended_l2" },
    { "permissions", "label" },
};

void storage_pool_def_free(StoragePoolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->target_path);
    g_free(def);
}

StoragePoolDef *storage_pool_def_copy(const StoragePoolDef *def)
{
    StoragePoolDef *c = g_new0(StoragePoolDef, 1);
    *c = *def;
    c->name = g_strdup(def->name);
    c->target_path = g_strdup(def->target_path);
    return c;
}

void storage_vol_def_free(StorageVolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->backing_path);
    g_free(def);
}

/* Text of element @node checked as an object name (usable as a file name). */
static char *parse_name(const xmlNode *node, GError **error)
{
    g_autofree char *name = xml_node_text_trimmed(node);
    const char *why = xml_check_name(name, VESSEL_STORAGE_MAX_NAME);
    if (!why && name[0] == '.')
        why = _("starts with '.'");
    if (why) {
        g_autofree char *shown = xml_value_for_message(name);
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node, _("invalid name '%s': %s"), shown,
                       why);
        return NULL;
    }
    return g_steal_pointer(&name);
}

/* An absolute path without a trailing '/'. */
static char *parse_path(const xmlNode *node, GError **error)
{
    g_autofree char *path = xml_node_text_trimmed(node);
    const char *why = xml_check_abs_path(path);
    if (why) {
        g_autofree char *shown = xml_value_for_message(path);
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node, _("invalid path '%s': %s"), shown,
                       why);
        return NULL;
    }
    gsize n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    return g_steal_pointer(&path);
}

/* <capacity unit='...'>N</capacity> in bytes. */
static gboolean parse_size(const xmlNode *node, guint64 *out, GError **error)
{
    g_autofree char *unit = xml_node_prop(node, "unit");
    g_autofree char *text = xml_node_text_trimmed(node);
    const char *why = xml_parse_bytes(text, unit, G_MAXINT64, out);
    if (why) {
        g_autofree char *shown = xml_value_for_message(text);
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node, _("invalid size '%s': %s"), shown,
                       why);
        return FALSE;
    }
    return TRUE;
}

/* <permissions>: octal mode, numeric owner and group (-1 allowed). */
static gboolean parse_perms(const xmlNode *node, StoragePerms *p, GError **error)
{
    p->mode = p->owner = p->group = -1;
    if (!node)
        return TRUE;
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        g_autofree char *t = xml_node_text_trimmed(c);
        if (xml_node_is(c, "mode")) {
            char *end = NULL;
            guint64 v = g_ascii_strtoull(t, &end, 8);
            if (!*t || *end || v > 07777 || strspn(t, "01234567") != strlen(t)) {
                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("invalid mode '%s': not an octal mode up to 07777"), t);
                return FALSE;
            }
            p->mode = (gint64)v;
        } else {
            guint64 v;
            gint64 *dst = xml_node_is(c, "owner") ? &p->owner : &p->group;
            if (strcmp(t, "-1") == 0) {
                *dst = -1;
            } else if (xml_parse_uint(t, G_MAXUINT32 - 1, &v)) {
                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("invalid id '%s': not a number"), t);
                return FALSE;
            } else {
                *dst = (gint64)v;
            }
        }
    }
    return TRUE;
}

static gboolean parse_format(const xmlNode *node, StorageVolFormat *fmt, GError **error)
{
    g_autofree char *type = xml_node_prop(node, "type");
    int f = storage_vol_format_from_string(type);
    if (f < 0) {
        const char *supported[] = { "raw", "qcow2" };
        xml_error_attr_unsupported(error, node, "type", type, supported, 2);
        return FALSE;
    }
    *fmt = (StorageVolFormat)f;
    return TRUE;
}

/* ---- pools ---------------------------------------------------------- */

static gboolean pool_parse_root(StoragePoolDef *def, xmlNode *root, GError **error)
{
    g_autofree char *type = xml_node_prop(root, "type");
    if (!type || strcmp(type, "dir") != 0) {
        const char *supported[] = { "dir" };
        xml_error_attr_unsupported(error, root, "type", type, supported, 1);
        return FALSE;
    }
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xml_node_is(c, "name")) {
            if (!(def->name = parse_name(c, error)))
                return FALSE;
        } else if (xml_node_is(c, "uuid")) {
            g_autofree char *uuid = xml_node_text_trimmed(c);
            const char *why = xml_uuid_normalize(uuid, def->uuid);
            if (why) {
                g_autofree char *shown = xml_value_for_message(uuid);
                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("invalid value '%s' in <uuid>: %s"), shown, why);
                return FALSE;
            }
        } else if (xml_node_is(c, "target")) {
            xmlNode *path = xml_node_child(c, "path");
            if (!(def->target_path = parse_path(path, error)) ||
                !parse_perms(xml_node_child(c, "permissions"), &def->perms, error))
                return FALSE;
        }
        /* capacity, allocation, available, source: output only */
    }
    if (!def->uuid[0])
        xml_uuid_generate(def->uuid);
    return TRUE;
}

StoragePoolDef *storage_pool_def_parse(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = xml_doc_parse(xml, "pool", error);
    if (!doc || !xml_doc_validate(doc, "storagepool.rng", pool_unsupported,
                                  G_N_ELEMENTS(pool_unsupported), error))
        return NULL;
    g_autoptr(StoragePoolDef) def = g_new0(StoragePoolDef, 1);
    def->perms.mode = def->perms.owner = def->perms.group = -1;
    if (!pool_parse_root(def, xmlDocGetRootElement(doc), error))
        return NULL;
    return g_steal_pointer(&def);
}

StoragePoolDef *storage_pool_def_parse_file(const char *path, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autofree char *xml = xml_file_read(path, &local);
    StoragePoolDef *def = xml ? storage_pool_def_parse(xml, &local) : NULL;
    if (!def)
        xml_error_in_file(error, path, local);
    return def;
}

/* ---- volumes -------------------------------------------------------- */

static gboolean vol_parse_target(StorageVolDef *def, xmlNode *target, GError **error)
{
    for (xmlNode *c = target->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xml_node_is(c, "format")) {
            if (!parse_format(c, &def->format, error))
                return FALSE;
            def->has_format = TRUE;
        } else if (xml_node_is(c, "permissions")) {
            if (!parse_perms(c, &def->perms, error))
                return FALSE;
        } else if (xml_node_is(c, "compat")) {
            g_autofree char *t = xml_node_text_trimmed(c);
            if (strcmp(t, "0.10") != 0 && strcmp(t, "1.1") != 0) {
                const char *supported[] = { "0.10", "1.1" };
                g_autofree char *shown = xml_value_for_message(t);
                xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, c,
                               _("unsupported qcow2 compat '%s' (supported: %s, %s)"), shown,
                               supported[0], supported[1]);
                return FALSE;
            }
            def->compat_v2 = strcmp(t, "0.10") == 0;
        } else if (xml_node_is(c, "clusterSize")) {
            guint64 cs;
            if (!parse_size(c, &cs, error))
                return FALSE;
            if (cs < 512 || cs > (2u << 20) || (cs & (cs - 1))) {
                xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                               _("the cluster size must be a power of two from 512 bytes "
                                 "to 2 MiB"));
                return FALSE;
            }
            def->cluster_size = cs;
        }
        /* path (the pool decides), timestamps, features: ignored */
    }
    return TRUE;
}

static gboolean vol_parse_root(StorageVolDef *def, xmlNode *root, GError **error)
{
    g_autofree char *type = xml_node_prop(root, "type");
    xmlNode *capacity = NULL;
    if (type && strcmp(type, "file") != 0) {
        const char *supported[] = { "file" };
        xml_error_attr_unsupported(error, root, "type", type, supported, 1);
        return FALSE;
    }
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xml_node_is(c, "name")) {
            if (!(def->name = parse_name(c, error)))
                return FALSE;
        } else if (xml_node_is(c, "capacity")) {
            capacity = c;
            if (!parse_size(c, &def->capacity, error))
                return FALSE;
        } else if (xml_node_is(c, "allocation")) {
            if (!parse_size(c, &def->allocation, error))
                return FALSE;
            def->has_allocation = TRUE;
        } else if (xml_node_is(c, "target")) {
            if (!vol_parse_target(def, c, error))
                return FALSE;
        } else if (xml_node_is(c, "backingStore")) {
            xmlNode *f = xml_node_child(c, "format");
            if (!(def->backing_path = parse_path(xml_node_child(c, "path"), error)))
                return FALSE;
            if (f) {
                if (!parse_format(f, &def->backing_format, error))
                    return FALSE;
                def->has_backing_format = TRUE;
            }
        }
        /* key, physical: output only */
    }
    if (!capacity && !def->backing_path) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, root,
                       _("<volume> needs a <capacity> (or a <backingStore> to take it from)"));
        return FALSE;
    }
    if (def->backing_path && def->format != STORAGE_VOL_FORMAT_QCOW2) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, root,
                       _("a <backingStore> needs <format type='qcow2'/> in <target>"));
        return FALSE;
    }
    if (def->format == STORAGE_VOL_FORMAT_RAW && (def->compat_v2 || def->cluster_size)) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, root,
                       _("<compat> and <clusterSize> apply to qcow2 volumes only"));
        return FALSE;
    }
    return TRUE;
}

StorageVolDef *storage_vol_def_parse(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = xml_doc_parse(xml, "volume", error);
    if (!doc || !xml_doc_validate(doc, "storagevol.rng", vol_unsupported,
                                  G_N_ELEMENTS(vol_unsupported), error))
        return NULL;
    g_autoptr(StorageVolDef) def = g_new0(StorageVolDef, 1);
    def->perms.mode = def->perms.owner = def->perms.group = -1;
    if (!vol_parse_root(def, xmlDocGetRootElement(doc), error))
        return NULL;
    return g_steal_pointer(&def);
}
