/* fuzz-dbus.h - what fuzz-dbus.c (the libFuzzer target for the D-Bus
 * argument handling) offers its driver, fuzz-dbus-driver.c. */
#ifndef VESSEL_FUZZ_DBUS_H
#define VESSEL_FUZZ_DBUS_H

#include "fuzz-dbus-daemon.h"

/* What the inputs reached, for the driver's coverage checks. */
typedef struct {
    unsigned long calls;            /* sent */
    unsigned long returns;          /* answered with a value */
    unsigned long errors;           /* answered with an error */
    unsigned long type_refused;     /* InvalidArgs: the contract's signature */
    unsigned long access_refused;   /* AccessDenied: write on the read-only socket */
    unsigned long waits;            /* a Shutdown left waiting */
    unsigned long unparsed;         /* lines skipped */
} FuzzDbusCounters;

extern FuzzDbusCounters fuzz_dbus_counters;

/* Start the daemon in @dir (not as root; see fuzz-dbus-daemon.h). */
gboolean fuzz_dbus_setup(const char *dir, GError **error);
void fuzz_dbus_teardown(void);
/* The contract's methods (FuzzMethod), after setup. */
GPtrArray *fuzz_dbus_methods(void);

#endif
