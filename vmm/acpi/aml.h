/* aml.h - a small AML (ACPI Machine Language) builder for the DSDT.
 *
 * Nodes are byte strings; block nodes (Scope, Device, Method, Package,
 * Buffer) get their PkgLength when they are appended to a parent or
 * serialized, so children can be added in any order before that.
 * aml_append() takes ownership of the child. */
#ifndef VESSEL_ACPI_AML_H
#define VESSEL_ACPI_AML_H

#include <glib.h>
#include <stdint.h>

typedef struct Aml Aml;

Aml *aml_block(void);                           /* a plain list of terms */
void aml_free(Aml *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Aml, aml_free)
void aml_append(Aml *parent, Aml *child);
/* Serialized bytes (the node stays valid). */
GByteArray *aml_serialize(const Aml *a);

Aml *aml_int(uint64_t v);
Aml *aml_string(const char *s);
Aml *aml_eisaid(const char *id);                /* "PNP0A08" */
Aml *aml_name(const char *path);                /* a NameString reference */
Aml *aml_name_decl(const char *name, Aml *value);
Aml *aml_scope(const char *path);
Aml *aml_device(const char *name);
Aml *aml_method(const char *name, int nargs, gboolean serialized);
Aml *aml_return(Aml *value);
Aml *aml_package(void);                         /* elements via aml_append */
Aml *aml_buffer(const uint8_t *data, gsize len);

/* Resource templates: append descriptors, then aml_resource_template()
 * closes with an end tag and wraps them in a Buffer. */
void aml_res_io(GByteArray *rt, uint16_t base, uint8_t len);
void aml_res_irq(GByteArray *rt, unsigned irq);
void aml_res_word_bus(GByteArray *rt, uint16_t min, uint16_t max);
void aml_res_word_io(GByteArray *rt, uint16_t min, uint16_t max);
void aml_res_dword_mem(GByteArray *rt, uint32_t min, uint32_t max);
Aml *aml_resource_template(GByteArray *rt);

/* Encoders, exposed for tests. */
gsize aml_pkglength_encode(gsize body_len, uint8_t out[4]);
void aml_namestring_encode(GByteArray *out, const char *path);

#endif
