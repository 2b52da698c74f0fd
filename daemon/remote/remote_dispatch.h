/* remote_dispatch.h - what a client's packet asks for, and the answer.
 *
 * One packet at a time, on the main loop:
 *
 *   CALL     of REMOTE_PROGRAM v1: the procedure from the table
 *            (remote_procs.h) runs inline or on the pool; its reply, or
 *            a remote_error, goes back with the call's serial
 *   MESSAGE  of KEEPALIVE_PROGRAM: PING is answered PONG
 *   STREAM   for an open stream: handed to it (remote_stream.h)
 *
 * Everything else is answered, never trusted: another program or
 * version, an unknown procedure (VIR_ERR_NO_SUPPORT), a call before
 * CONNECT_OPEN, arguments that do not decode, a write on a read-only
 * connection, fd passing, a stream packet for no open stream - each gets
 * a libvirt error and the connection goes on.  A packet a client must
 * never send (a REPLY) closes the connection. */
#ifndef VESSEL_REMOTE_DISPATCH_H
#define VESSEL_REMOTE_DISPATCH_H

#include "remote_client.h"
#include "remote_procs.h"

/* Main loop: handle the complete @len-byte packet @pkt from @c. */
void remote_dispatch_packet(RemoteClient *c, const guint8 *pkt, gsize len);

/* Decode the arguments of @proc from @pkt: a zeroed, filled struct of
 * proc->args_size bytes (free with remote_dispatch_free_args), or NULL
 * with @error.  The fuzz target calls this too. */
void *remote_dispatch_decode_args(const RemoteProc *proc, const guint8 *pkt, gsize len,
                                  GError **error);
void remote_dispatch_free_args(const RemoteProc *proc, void *args);

/* Pool thread body: run a call queued by remote_dispatch_packet. */
void remote_dispatch_run_job(gpointer job);

#endif
