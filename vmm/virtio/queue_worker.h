/* queue_worker.h - one virtqueue served by a device's I/O workers
 * (iothread.h): the request loop that virtio-blk and virtio-scsi share.
 *
 * A worker takes the device lock, pops a request (the walker checks it
 * against guest RAM), kicks the next worker when there are several and
 * the guest has queued more (so the next request does not wait for this
 * one's I/O; a request queued later brings its own notify, since a pop
 * always asks the guest to kick past it: avail_event), drops the lock
 * for the device's @serve (host I/O straight into the guest's buffers),
 * and takes it again to push the used entry and interrupt.  Requests
 * complete in any order, as virtio allows.  @serve returns the bytes it
 * wrote to the guest, or a negative value when the request cannot be
 * answered: that breaks the device.  After a push, @after_due (lock
 * held) may ask for @after to run without the lock, still counted as
 * I/O (the back-end's own work that should not delay the guest).
 *
 * State and who owns it:
 *   device lock:   generation, paused, the transport and virtqueue
 *   one worker:    its VirtqElem (elems[worker])
 * A reset (device lock held: guest status 0, machine reset) bumps the
 * generation and drains the workers, so once it returns no host I/O
 * writes guest memory any more, and requests in flight are dropped
 * instead of pushed to the new queue.  Pause (without the lock) stops
 * popping and waits until no worker runs (requests in flight are
 * completed and pushed); resume kicks them.  Hold/release does the same
 * around a back-end switch and restores the pause state it found.  Stop
 * joins the workers (without the lock, before the machine is freed). */
#ifndef VESSEL_VIRTIO_QUEUE_WORKER_H
#define VESSEL_VIRTIO_QUEUE_WORKER_H

#include "vmm/virtio/iothread.h"
#include "vmm/virtio/virtio_pci.h"

#include <stdbool.h>

typedef struct {
    /* Serve @elem on worker @worker, device lock not held: the bytes
     * written to the guest, or < 0 if it cannot be answered. */
    int (*serve)(void *opaque, unsigned worker, const VirtqElem *elem);
    /* Optional (both or neither).  Device lock held, after a push:
     * whether @after has work; @after runs without the lock. */
    bool (*after_due)(void *opaque);
    void (*after)(void *opaque);
} QueueWorkerOps;

typedef struct QueueWorker QueueWorker;

/* @n workers named @name serving queue @queue; the transport comes
 * later (queue_worker_attach: it is created after the workers, since its
 * reset drains them).  NULL with errno set on failure. */
QueueWorker *queue_worker_new(const char *name, unsigned n, unsigned queue,
                              const IoThreadLock *lock, const QueueWorkerOps *ops, void *opaque);
void queue_worker_attach(QueueWorker *qw, VirtioPci *vp);
/* Any thread (the guest's notify): a worker serves the queue. */
void queue_worker_kick(QueueWorker *qw);
/* Device lock held: drop the requests in flight and wait for their I/O. */
void queue_worker_reset(QueueWorker *qw);
/* Without the device lock (VM pause). */
void queue_worker_set_paused(QueueWorker *qw, bool paused);
/* Without the device lock: no request in flight until release; hold
 * returns the pause state to give release. */
bool queue_worker_hold(QueueWorker *qw);
void queue_worker_release(QueueWorker *qw, bool was_paused);
/* Join the workers, without the device lock (NULL-safe, idempotent). */
void queue_worker_stop(QueueWorker *qw);
void queue_worker_free(QueueWorker *qw);

#endif
