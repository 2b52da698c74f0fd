/* iothread.h - a host thread that serves a device's virtqueue off the
 * vCPU thread (virtio-blk; one per disk).
 *
 * The guest's queue notify only calls iothread_kick() (an eventfd write);
 * the thread wakes and runs the device's @work callback, which takes the
 * machine's device lock (IoThreadLock) for ring and transport work and
 * drops it around host I/O, bracketed by iothread_io_begin/end.  Kicks
 * that arrive while @work runs are coalesced into one more run.
 *
 * Quiescing, in two strengths.  Code that holds the device lock and must
 * know that no host I/O touches guest memory any more (device reset,
 * machine reset) calls iothread_drain(): it waits until the thread is
 * outside every begin/end bracket.  The thread never needs the device
 * lock to leave a bracket, so draining with the lock held cannot
 * deadlock.  Code without the lock (VM pause) calls iothread_quiesce(),
 * which waits until @work has returned, so a request in flight is also
 * completed.  Either way the device itself must make sure @work starts
 * nothing new afterwards (it checks its own state under the device lock
 * before popping a request).
 *
 * iothread_free() stops and joins the thread; call it without the device
 * lock (the thread may be waiting for it) and while the lock still exists. */
#ifndef VESSEL_VIRTIO_IOTHREAD_H
#define VESSEL_VIRTIO_IOTHREAD_H

/* The machine's device lock as a device thread takes it. */
typedef struct {
    void (*lock)(void *opaque);
    void (*unlock)(void *opaque);
    void *opaque;
} IoThreadLock;

typedef struct IoThread IoThread;

/* Start a thread named @name (at most 15 characters) that runs @work
 * after kicks.  NULL with errno set on failure. */
IoThread *iothread_new(const char *name, void (*work)(void *opaque), void *opaque);
/* Stop and join the thread (NULL-safe).  Without the device lock. */
void iothread_free(IoThread *t);
/* Any thread, any locks: make the thread run @work (again). */
void iothread_kick(IoThread *t);
/* On the thread, device lock held: host I/O on guest memory starts; then
 * drop the lock.  iothread_io_end before taking the lock again. */
void iothread_io_begin(IoThread *t);
void iothread_io_end(IoThread *t);
/* Device lock held: wait until no I/O bracket is open (NULL-safe). */
void iothread_drain(IoThread *t);
/* Device lock not held: wait until @work is not running (NULL-safe). */
void iothread_quiesce(IoThread *t);

#endif
