/* error.c - the netbridge GError domain (see error.h). */
#include "config.h"

#include "netbridge/error.h"

G_DEFINE_QUARK(vessel-netbridge-error-quark, netbridge_error)
