/* fdarg.h - FILE arguments that may name an inherited descriptor.
 *
 * The convention of vessel-vmm (vessel-vmm(1), vmm/README): wherever a
 * FILE is expected on the command line, "fd:N" means descriptor N, left
 * open by the parent that started the program.  vesseld opens every
 * resource itself (as the client that starts the domain may) and passes
 * the descriptors, so the VMM needs no file system at all.  A file
 * literally named "fd:3" is given as "./fd:3".
 *
 * An inherited descriptor is checked (open, an access mode that allows
 * what is asked) and made close-on-exec; errors name the argument. */
#ifndef VESSEL_FDARG_H
#define VESSEL_FDARG_H

#include <glib.h>
#include <sys/types.h>

/* N if @arg is "fd:N" (N a decimal number, 0..INT_MAX), -1 if @arg is
 * not of that form, -2 if it starts with "fd:" but N is malformed. */
int vessel_fdarg_number(const char *arg);

/* Open FILE argument @arg for @flags (O_RDONLY, O_WRONLY or O_RDWR plus
 * O_CREAT, O_APPEND, ...; O_CLOEXEC is added): a path with open(2) and
 * @mode, or "fd:N", which is returned itself (the caller owns it) once
 * checked against the access mode of @flags.  @what names the argument
 * in errors ("disk image", "kernel").  -1 with @error (G_FILE_ERROR). */
int vessel_fdarg_open(const char *arg, int flags, mode_t mode, const char *what,
                      GError **error);

/* Check "fd:N" without taking it: TRUE if @arg is not an fd argument, or
 * N is open with an access mode that allows @flags (made close-on-exec). */
gboolean vessel_fdarg_check(const char *arg, int flags, const char *what, GError **error);

/* A listening UNIX stream socket for @arg: "fd:N" must be one (checked
 * with SO_ACCEPTCONN; made close-on-exec and nonblocking), else -1 with
 * @error.  For anything else returns -1 without an error: the caller
 * binds the path itself. */
int vessel_fdarg_listener(const char *arg, const char *what, GError **error);

/* A name for messages and serial numbers: the basename of the path, or
 * for "fd:N" the basename of what N is open on (via /proc/self/fd, while
 * that is reachable), else "fd:N". */
char *vessel_fdarg_basename(const char *arg);

#endif
