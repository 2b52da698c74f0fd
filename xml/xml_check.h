/* xml_check.h - value checks shared by the domain and network parsers.
 *
 * Each check returns NULL when the value is acceptable, else a translated
 * reason ("contains a '/'") that the caller puts into an error naming the
 * element, attribute and line. */
#ifndef VESSEL_XML_CHECK_H
#define VESSEL_XML_CHECK_H

#include <glib.h>

/* Object names: non-empty UTF-8, at most @max bytes, no '/', no control
 * characters, not "." or "..". */
const char *xml_check_name(const char *s, gsize max);
/* Absolute path (not "/" itself) without control characters, shorter
 * than PATH_MAX. */
const char *xml_check_abs_path(const char *s);
/* Network interface name that both the kernel and libvirt's schemas
 * accept: 1-15 of [A-Za-z0-9_.-], not "." or "..". */
const char *xml_check_ifname(const char *s);
/* Free text: valid UTF-8 without control characters (newlines and tabs
 * allowed when @multiline). */
const char *xml_check_text(const char *s, gboolean multiline);

/* "52:54:00:AB:cd:01" -> canonical lower case; unicast and non-zero only. */
const char *xml_mac_normalize(const char *s, char **out);
/* A random locally-administered-style MAC in 52:54:00:xx:xx:xx. */
char *xml_mac_generate(void);

/* 32 hex digits, with or without the 8-4-4-4-12 dashes -> canonical. */
const char *xml_uuid_normalize(const char *s, char out[37]);
void xml_uuid_generate(char out[37]);

/* Decimal unsigned integer (no sign, no spaces) not above @max. */
const char *xml_parse_uint(const char *s, guint64 max, guint64 *out);
/* @value scaled by @unit (libvirt units: b, bytes, k, KiB, KB, M, MiB,
 * MB, ... E; NULL means KiB) to KiB, rounding bytes up; at most @max_kib. */
const char *xml_parse_kib(const char *value, const char *unit, guint64 max_kib,
                          guint64 *kib);

/* The same in bytes (NULL or "bytes" means bytes, as libvirt's storage
 * sizes), at most @max. */
const char *xml_parse_bytes(const char *value, const char *unit, guint64 max, guint64 *bytes);

#endif
