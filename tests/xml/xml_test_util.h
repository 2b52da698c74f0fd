/* xml_test_util.h - shared helpers of the tests in tests/xml. */
#ifndef VESSEL_XML_TEST_UTIL_H
#define VESSEL_XML_TEST_UTIL_H

#include <glib.h>

/* Sorted names of the *.xml files in @dir (source dir relative). */
GPtrArray *xml_test_list(const char *dir);
/* Same for files ending in @suffix, with the suffix removed. */
GPtrArray *xml_test_list_stems(const char *dir, const char *suffix);
/* Absolute path of @dir/@name in the source tree. */
char *xml_test_path(const char *dir, const char *name);
/* Read a file of the source tree or fail the test. */
char *xml_test_read(const char *dir, const char *name);
/* Compare @actual with the golden file @dir/@name, or rewrite the file
 * when VESSEL_REGENERATE=1. */
void xml_test_golden(const char *dir, const char *name, const char *actual);

#endif
