/* fileutil.h - file helpers shared by the daemon and tools.
 *
 * vessel_file_write_atomic() is the only way Vessel writes state that must
 * survive a crash: temp file in the same directory, fsync, rename over the
 * target, fsync of the directory.  Errors are G_FILE_ERROR with the path. */
#ifndef VESSEL_FILEUTIL_H
#define VESSEL_FILEUTIL_H

#include <glib.h>
#include <sys/types.h>

gboolean vessel_file_write_atomic(const char *path, const char *data, gssize len,
                                  mode_t mode, GError **error);

/* Remove a file and fsync its directory; a missing file is not an error. */
gboolean vessel_file_remove_durable(const char *path, GError **error);

#endif
