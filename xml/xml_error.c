/* xml_error.c - the VESSEL_XML_ERROR domain. */
#include "config.h"
#include "xml/xml_error.h"

G_DEFINE_QUARK(vessel-xml-error-quark, vessel_xml_error)
