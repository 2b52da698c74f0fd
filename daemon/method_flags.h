/* method_flags.h - the flags word of the D-Bus methods (Domain1,
 * StoragePool1, Manager1): a method refuses the bits it does not know,
 * every method with the same error, as libvirt's calls do.  What each
 * bit means stays with the method.  Also the one-line shims of the
 * methods that take nothing but such a word (or nothing at all) and
 * hand their object to a driver call. */
#ifndef VESSEL_DAEMON_METHOD_FLAGS_H
#define VESSEL_DAEMON_METHOD_FLAGS_H

#include "daemon_dbus.h"

/* TRUE if @flags has no bit outside @allowed; else FALSE with
 * DAEMON_ERROR_INVALID_ARG naming the unknown bits. */
gboolean method_flags_check(guint32 flags, guint32 allowed, GError **error);

/* For a method whose arguments are "(u)", a flags word with no bits
 * defined yet: TRUE if it is 0. */
gboolean method_call_no_flags(DaemonCall *call, GError **error);

/* The shim of a method whose only argument is such a flags word: NAME
 * finds its object with OBJ_OR_FAIL (a macro of the method's file that
 * declares VAR or fails the call), checks the flags and calls
 * DRIVER(daemon, VAR, error). */
#define METHOD_NO_FLAGS(name, OBJ_OR_FAIL, var, driver)     \
    static GVariant *name(DaemonCall *call, GError **error) \
    {                                                       \
        OBJ_OR_FAIL(call, error);                           \
        if (method_call_no_flags(call, error))              \
            driver(call->daemon, var, error);               \
        return NULL;                                        \
    }

/* The same for a method without arguments. */
#define METHOD_NO_ARGS(name, OBJ_OR_FAIL, var, driver)      \
    static GVariant *name(DaemonCall *call, GError **error) \
    {                                                       \
        OBJ_OR_FAIL(call, error);                           \
        driver(call->daemon, var, error);                   \
        return NULL;                                        \
    }

#endif
