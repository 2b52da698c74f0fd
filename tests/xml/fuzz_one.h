/* fuzz_one.h - the fuzz oracle shared by test-xml-fuzz and the libFuzzer
 * target (fuzz/fuzz-xml.c). */
#ifndef VESSEL_XML_FUZZ_ONE_H
#define VESSEL_XML_FUZZ_ONE_H

#include <glib.h>

/* Parse @data (not NUL-terminated) as a domain and as a network.  A
 * failure must come with a VESSEL_XML_ERROR message; a success must
 * format, parse back to an equal definition and format to the same text,
 * and a domain must translate to a vmm argv.  Aborts on any violation.
 * Returns the number of successful parses (0..2). */
int xml_fuzz_one(const guint8 *data, size_t size);

#endif
