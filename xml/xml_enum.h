/* xml_enum.h - enum <-> string tables in one macro.
 *
 * VESSEL_ENUM_IMPL(prefix, Type, LAST, "a", "b", ...) defines
 * prefix_to_string() and prefix_from_string() from one string table and
 * fails the build when the table and the enum disagree in length. */
#ifndef VESSEL_XML_ENUM_H
#define VESSEL_XML_ENUM_H

#include <glib.h>
#include <string.h>

#define VESSEL_ENUM_IMPL(prefix, Type, last, ...)                         \
    static const char *const prefix##_strings[] = { __VA_ARGS__ };       \
    G_STATIC_ASSERT(G_N_ELEMENTS(prefix##_strings) == (last));           \
    const char *prefix##_to_string(Type v)                               \
    {                                                                    \
        return (guint)v < (guint)(last) ? prefix##_strings[v] : NULL;    \
    }                                                                    \
    int prefix##_from_string(const char *s)                              \
    {                                                                    \
        for (guint i = 0; s && i < (guint)(last); i++)                   \
            if (strcmp(prefix##_strings[i], s) == 0)                     \
                return (int)i;                                           \
        return -1;                                                       \
    }

#endif
