/* xml_error.h - the error domain of libvesselxml.
 *
 * Every function of xml/ that can fail reports a GError in
 * VESSEL_XML_ERROR with one of the codes below; the message is translated
 * and names the element, attribute and line where that is known. */
#ifndef VESSEL_XML_ERROR_H
#define VESSEL_XML_ERROR_H

#include <glib.h>

typedef enum {
    VESSEL_XML_ERROR_MALFORMED,   /* not well-formed XML, too large, DOCTYPE */
    VESSEL_XML_ERROR_SCHEMA,      /* well-formed but does not match our RELAX NG schema */
    VESSEL_XML_ERROR_UNSUPPORTED, /* valid for libvirt, but Vessel does not support it */
    VESSEL_XML_ERROR_INVALID,     /* semantically wrong value (name, path, MAC, size...) */
    VESSEL_XML_ERROR_INTERNAL,    /* libxml2 failure, bad schema in the tree */
    VESSEL_XML_ERROR_LAST
} VesselXmlError;

#define VESSEL_XML_ERROR (vessel_xml_error_quark())
GQuark vessel_xml_error_quark(void);

/* Largest document the parsers accept, in bytes. */
#define VESSEL_XML_MAX_SIZE (1024 * 1024)

#endif
