/* vtest-xml.h - definitions of costly shapes, for the tests of the XML
 * bounds (issue 16): tests/xml/test-xml-limits (the parser) and
 * tests/daemon/test-security (the daemon) build the same documents. */
#ifndef VESSEL_VTEST_XML_H
#define VESSEL_VTEST_XML_H

#include <glib.h>

/* <m:x xmlns:m='urn:t' m:a1='x' ... m:aN-1='x'/>: @n attributes, the
 * xmlns one included. */
char *vt_xml_element_with_attrs(guint n);
/* <m:x xmlns:m='urn:t'> with @n empty <m:a/> children. */
char *vt_xml_element_with_children(guint n);
/* A domain named @name whose <metadata> holds @body; nine elements
 * besides what @body has (domain, name, memory, vcpu, os, type, kernel,
 * metadata and the element of @body). */
char *vt_xml_domain_with_metadata(const char *name, const char *body);

#endif
