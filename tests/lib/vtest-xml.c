/* vtest-xml.c - definitions of costly shapes (vtest-xml.h). */
#include "config.h"

#include "vtest-xml.h"

char *vt_xml_element_with_attrs(guint n)
{
    GString *s = g_string_new("<m:x xmlns:m='urn:t'");
    for (guint i = 1; i < n; i++)
        g_string_append_printf(s, " m:a%u='x'", i);
    g_string_append(s, "/>");
    return g_string_free(s, FALSE);
}

char *vt_xml_element_with_children(guint n)
{
    GString *s = g_string_new("<m:x xmlns:m='urn:t'>");
    for (guint i = 0; i < n; i++)
        g_string_append(s, "<m:a/>");
    g_string_append(s, "</m:x>");
    return g_string_free(s, FALSE);
}

char *vt_xml_domain_with_metadata(const char *name, const char *body)
{
    return g_strdup_printf("<domain type='kvm'>\n  <name>%s</name>\n"
                           "  <memory unit='MiB'>64</memory>\n  <vcpu>1</vcpu>\n"
                           "  <os>\n    <type>hvm</type>\n    <kernel>/boot/vmlinuz</kernel>\n"
                           "  </os>\n  <metadata>\n%s\n  </metadata>\n</domain>\n",
                           name, body);
}
