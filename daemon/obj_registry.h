/* obj_registry.h - the part of DomainList and NetworkList they share.
 *
 * An ObjRegistry holds reference-counted objects by uuid (the daemon's
 * domains or networks) under one mutex, and finds them by uuid (36 or 32
 * hex digits, any case), by name, or by the last element of their D-Bus
 * object path.  It knows an object only through the four functions given
 * at init (name, object path, ref, unref).  Every function but init/clear expects the
 * lock held; found objects are borrowed. */
#ifndef VESSEL_OBJ_REGISTRY_H
#define VESSEL_OBJ_REGISTRY_H

#include <glib.h>

/* A string the object owns: its name or its D-Bus object path. */
typedef const char *(*ObjNameFunc)(gconstpointer obj);
/* Takes a reference, returns @obj. */
typedef gpointer (*ObjRefFunc)(gpointer obj);

typedef struct {
    GMutex lock;
    GHashTable *by_uuid;        /* uuid (lower case) -> object (owned ref) */
    ObjNameFunc name_of;
    ObjNameFunc path_of;
    ObjRefFunc ref;
    GDestroyNotify unref;
} ObjRegistry;

void obj_registry_init(ObjRegistry *reg, ObjNameFunc name_of, ObjNameFunc path_of,
                       ObjRefFunc ref, GDestroyNotify unref);
void obj_registry_clear(ObjRegistry *reg);

gpointer obj_registry_find_uuid(ObjRegistry *reg, const char *uuid);
gpointer obj_registry_find_name(ObjRegistry *reg, const char *name);
/* @node: uuid with '_' for '-' (see obj_registry_path_for_uuid). */
gpointer obj_registry_find_path_node(ObjRegistry *reg, const char *node);
typedef gpointer (*ObjRegistryFind)(ObjRegistry *reg, const char *key);
/* Lock, find @key with @find (obj_registry_find_name/_uuid), unlock:
 * a copy of the object's path, or NULL if not found. */
char *obj_registry_lookup_path(ObjRegistry *reg, ObjRegistryFind find, const char *key);
/* Referenced objects sorted by name (free with g_ptr_array_unref). */
GPtrArray *obj_registry_snapshot(ObjRegistry *reg);
/* Takes over the reference @obj carries. */
void obj_registry_insert(ObjRegistry *reg, const char *uuid, gpointer obj);
void obj_registry_remove(ObjRegistry *reg, const char *uuid);

/* One group of libvirt's list flags (ACTIVE/INACTIVE, PERSISTENT/
 * TRANSIENT, ...): none of the two set lets every object through, else
 * the one matching @value must be set. */
static inline gboolean obj_registry_flag_pair(guint flags, guint when_true, guint when_false,
                                              gboolean value)
{
    if (!(flags & (when_true | when_false)))
        return TRUE;
    return (flags & (value ? when_true : when_false)) != 0;
}

/* "@prefix/" + @uuid with '-' -> '_' (a valid D-Bus object path). */
char *obj_registry_path_for_uuid(const char *prefix, const char *uuid);

#endif
