/* vol_stream.h - vol-upload / vol-download: a volume file's bytes
 * streamed over the client's connection.  The method returns one end of
 * a UNIX stream socket pair (passed as a D-Bus fd); a thread of ours
 * copies between the other end and the file.  Download: LENGTH bytes
 * from OFFSET (0 = to the end), then the socket closes.  Upload: the
 * client writes and shuts down its sending side; we write at OFFSET
 * (at most LENGTH bytes, 0 = no limit; offset 0 with length 0 replaces
 * the whole file, which is cut to what was sent), fsync, answer one
 * status byte (0 done, 1 failed) and close.  A peer silent for
 * VOL_STREAM_IDLE_S seconds ends the transfer (as a failure). */
#ifndef VESSEL_VOL_STREAM_H
#define VESSEL_VOL_STREAM_H

#include <glib.h>

#define VOL_STREAM_IDLE_S 60

/* Takes @file_fd.  Returns the client's end of the socket, or -1. */
int vol_stream_start(int file_fd, const char *name, gboolean upload, guint64 offset,
                     guint64 length, GError **error);

#endif
