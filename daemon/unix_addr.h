/* unix_addr.h - bind or connect a UNIX socket to a path of any length.
 *
 * sun_path holds 107 bytes; the VMM sockets live in RUN/domains/UUID/,
 * which with a long run_dir (a test's temporary directory, a deep
 * --config) does not fit.  A path that does not fit is reached through
 * its directory instead: an O_PATH descriptor of it, named as
 * /proc/self/fd/N/NAME, which the kernel resolves like any path.  The
 * socket's identity (its inode) is the same either way, so the VMM, the
 * daemon and a debugging client all meet at the one file.
 */
#ifndef VESSEL_UNIX_ADDR_H
#define VESSEL_UNIX_ADDR_H

/* bind(2) / connect(2) @fd to @path: 0, or -errno (errno set too). */
int unix_addr_bind(int fd, const char *path);
int unix_addr_connect(int fd, const char *path);

#endif
