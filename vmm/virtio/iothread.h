/* iothread.h - host threads that serve a device's virtqueue off the vCPU
 * thread (virtio-blk: one set per disk), so that several requests of a
 * disk can be in flight at once.
 *
 * An IoThread is @n workers running the device's @work(opaque, worker)
 * callback.  The guest's queue notify only calls iothread_kick(): one
 * idle worker wakes and runs @work, which takes the machine's device
 * lock (IoThreadLock) for ring and transport work and drops it around
 * host I/O, bracketed by iothread_io_begin/end.  A worker that has taken
 * a request while more wait kicks again before its I/O, so that the next
 * request goes to another worker while this one waits for the disk.
 * Kicks that arrive while every worker is busy, or while an earlier kick
 * is still unanswered, are remembered once: a worker runs @work again
 * before it sleeps.
 *
 * Quiescing, in two strengths.  Code that holds the device lock and must
 * know that no host I/O touches guest memory any more (device reset,
 * machine reset) calls iothread_drain(): it waits until no worker is
 * inside a begin/end bracket.  A worker never needs the device lock to
 * leave a bracket, so draining with the lock held cannot deadlock.  Code
 * without the lock (VM pause) calls iothread_quiesce(), which waits until
 * no worker is inside @work, so requests in flight are also completed.
 * Either way the device itself must make sure @work starts nothing new
 * afterwards (it checks its own state under the device lock before
 * popping a request).
 *
 * iothread_free() stops and joins the workers; call it without the
 * device lock (a worker may be waiting for it) and while the lock still
 * exists. */
#ifndef VESSEL_VIRTIO_IOTHREAD_H
#define VESSEL_VIRTIO_IOTHREAD_H

/* The machine's device lock as a device thread takes it. */
typedef struct {
    void (*lock)(void *opaque);
    void (*unlock)(void *opaque);
    void *opaque;
} IoThreadLock;

typedef struct IoThread IoThread;

/* Start @n workers named @name (at most 15 characters) that run @work
 * after kicks; @work learns which worker (0..n-1) runs it.  NULL with
 * errno set on failure. */
IoThread *iothread_new(const char *name, unsigned n, void (*work)(void *opaque, unsigned worker),
                       void *opaque);
/* Stop and join the workers (NULL-safe).  Without the device lock. */
void iothread_free(IoThread *t);
/* Any thread, any locks: make a worker run @work (again). */
void iothread_kick(IoThread *t);
/* On a worker, device lock held: host I/O on guest memory starts; then
 * drop the lock.  iothread_io_end before taking the lock again. */
void iothread_io_begin(IoThread *t);
void iothread_io_end(IoThread *t);
/* Device lock held: wait until no I/O bracket is open (NULL-safe). */
void iothread_drain(IoThread *t);
/* Device lock not held: wait until no worker runs @work (NULL-safe). */
void iothread_quiesce(IoThread *t);

#endif
