/* storage_format.c - StoragePoolDef and StorageVolInfo -> XML in
 * libvirt's element order (what virsh pool-dumpxml / vol-dumpxml print
 * for a dir pool), valid against libvirt's storagepool.rng and
 * storagevol.rng. */
#include "config.h"
#include "xml/storage_conf.h"

#include "xml/xml_doc.h"

static void fmt_perms(GString *out, const char *indent, const StoragePerms *p)
{
    if (p->mode < 0 && p->owner < 0 && p->group < 0)
        return;
    g_string_append_printf(out, "%s<permissions>\n", indent);
    if (p->mode >= 0)
        g_string_append_printf(out, "%s  <mode>0%o</mode>\n", indent, (unsigned)p->mode);
    if (p->owner >= 0)
        g_string_append_printf(out, "%s  <owner>%" G_GINT64_FORMAT "</owner>\n", indent, p->owner);
    if (p->group >= 0)
        g_string_append_printf(out, "%s  <group>%" G_GINT64_FORMAT "</group>\n", indent, p->group);
    g_string_append_printf(out, "%s</permissions>\n", indent);
}

static void fmt_text(GString *out, const char *indent, const char *name, const char *value)
{
    g_string_append_printf(out, "%s<%s>", indent, name);
    xml_escape_append(out, value, FALSE);
    g_string_append_printf(out, "</%s>\n", name);
}

char *storage_pool_def_format(const StoragePoolDef *def, const StoragePoolSizes *sizes)
{
    StoragePoolSizes zero = { 0 };
    if (!sizes)
        sizes = &zero;
    GString *out = g_string_new("<pool type='dir'>\n");
    fmt_text(out, "  ", "name", def->name);
    g_string_append_printf(out, "  <uuid>%s</uuid>\n", def->uuid);
    g_string_append_printf(out,
                           "  <capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n"
                           "  <allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>\n"
                           "  <available unit='bytes'>%" G_GUINT64_FORMAT "</available>\n",
                           sizes->capacity, sizes->allocation, sizes->available);
    g_string_append(out, "  <source>\n  </source>\n  <target>\n");
    fmt_text(out, "    ", "path", def->target_path);
    fmt_perms(out, "    ", &def->perms);
    g_string_append(out, "  </target>\n</pool>\n");
    return g_string_free(out, FALSE);
}

char *storage_vol_info_format(const StorageVolInfo *v)
{
    GString *out = g_string_new("<volume type='file'>\n");
    fmt_text(out, "  ", "name", v->name);
    fmt_text(out, "  ", "key", v->path);
    g_string_append_printf(out,
                           "  <capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n"
                           "  <allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>\n"
                           "  <physical unit='bytes'>%" G_GUINT64_FORMAT "</physical>\n",
                           v->capacity, v->allocation, v->physical);
    g_string_append(out, "  <target>\n");
    fmt_text(out, "    ", "path", v->path);
    g_string_append_printf(out, "    <format type='%s'/>\n", storage_vol_format_to_string(v->format));
    fmt_perms(out, "    ", &v->perms);
    if (v->atime || v->mtime || v->ctime) {
        g_string_append(out, "    <timestamps>\n");
        if (v->atime)
            g_string_append_printf(out, "      <atime>%s</atime>\n", v->atime);
        if (v->mtime)
            g_string_append_printf(out, "      <mtime>%s</mtime>\n", v->mtime);
        if (v->ctime)
            g_string_append_printf(out, "      <ctime>%s</ctime>\n", v->ctime);
        g_string_append(out, "    </timestamps>\n");
    }
    if (v->format == STORAGE_VOL_FORMAT_QCOW2) {
        if (v->compat)
            g_string_append_printf(out, "    <compat>%s</compat>\n", v->compat);
        if (v->cluster_size)
            g_string_append_printf(out, "    <clusterSize unit='B'>%" G_GUINT64_FORMAT
                                   "</clusterSize>\n", v->cluster_size);
        g_string_append(out, "    <features/>\n");
    }
    g_string_append(out, "  </target>\n");
    if (v->backing_path) {
        g_string_append(out, "  <backingStore>\n");
        fmt_text(out, "    ", "path", v->backing_path);
        if (v->has_backing_format)
            g_string_append_printf(out, "    <format type='%s'/>\n",
                                   storage_vol_format_to_string(v->backing_format));
        g_string_append(out, "  </backingStore>\n");
    }
    g_string_append(out, "</volume>\n");
    return g_string_free(out, FALSE);
}
