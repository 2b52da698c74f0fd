/* remote_stream.h - a libvirt stream over an fd: virsh console,
 * vol-download, vol-upload, screenshot.
 *
 * DOMAIN_OPEN_CONSOLE answers OK, then the call's serial names a stream:
 * both sides send STREAM packets with that serial.  From the daemon:
 * CONTINUE with the guest's output, CONTINUE with no data at end of file
 * (the domain stopped), ERROR with a remote_error.  From the client: CONTINUE
 * with input for the guest, OK to finish, ERROR to abort; both are
 * confirmed with an empty OK, and then the stream is gone.  Output is
 * read from the console relay's fd only while the client's queue has
 * room (remote_client.h), so a console never buffers without bound;
 * input the fd cannot take at once waits in a buffer of at most
 * REMOTE_STREAM_TX_MAX bytes, beyond which the stream is aborted; the
 * client's socket is not read while REMOTE_STREAM_TX_HIGH bytes wait
 * (remote_stream_input_full), so a client that sends as fast as it can
 * (vol-upload) is slowed to the fd's pace instead.
 *
 * An upload stream (remote_stream_new_upload) only writes to its fd,
 * which answers one status byte once we shut down our sending side
 * (vol_stream.h): the client's finish (OK) is confirmed with OK only
 * when that byte says the data is safely written, else with an ERROR. */
#ifndef VESSEL_REMOTE_STREAM_H
#define VESSEL_REMOTE_STREAM_H

#include <glib.h>

#include "remote_client.h"
#include "remote_packet.h"

#define REMOTE_STREAM_TX_MAX (1u << 20)
#define REMOTE_STREAM_TX_HIGH (512u << 10)

/* Main loop, after the reply to the opening call is queued: relay @fd
 * (taken) as stream @serial of procedure @proc. */
RemoteStream *remote_stream_new(RemoteClient *c, gint32 proc, guint32 serial, int fd);
/* The same for an upload (see above). */
RemoteStream *remote_stream_new_upload(RemoteClient *c, gint32 proc, guint32 serial, int fd);
/* Main loop: send @bytes as stream @serial, then end of file (a
 * screenshot); the stream waits for the client to finish it. */
RemoteStream *remote_stream_new_bytes(RemoteClient *c, gint32 proc, guint32 serial,
                                      GBytes *bytes);
void remote_stream_free(RemoteStream *s);
guint32 remote_stream_serial(RemoteStream *s);

/* A STREAM packet from the client; FALSE when the stream is finished
 * (the caller removes it). */
gboolean remote_stream_packet(RemoteStream *s, const RemotePacketHeader *h, const guint8 *data,
                              gsize len);
/* Input for the fd waits beyond REMOTE_STREAM_TX_HIGH: do not read the
 * client's socket. */
gboolean remote_stream_input_full(RemoteStream *s);
/* The client's output queue has room again. */
void remote_stream_resume(RemoteStream *s);

#endif
