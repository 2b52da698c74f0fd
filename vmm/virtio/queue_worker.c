/* queue_worker.c - the request loop of a virtqueue served by I/O
 * workers (queue_worker.h), shared by virtio-blk and virtio-scsi. */
#include "config.h"

#include "vmm/virtio/queue_worker.h"

#include <glib.h>

struct QueueWorker {
    const QueueWorkerOps *ops;
    void *opaque;
    VirtioPci *vp;          /* NULL until attached */
    unsigned queue;
    unsigned n;
    IoThreadLock lock;
    IoThread *io;           /* NULL once stopped */
    unsigned generation;    /* device lock */
    bool paused;            /* device lock */
    VirtqElem *elems;       /* [n], one a worker */
};

/* I/O worker: serve requests until the queue is empty (or paused). */
static void queue_worker_work(void *opaque, unsigned worker)
{
    QueueWorker *qw = opaque;
    VirtioPci *vp = qw->vp;
    VirtqElem *elem = &qw->elems[worker];
    qw->lock.lock(qw->lock.opaque);
    while (!qw->paused && virtio_pci_queue_active(vp, qw->queue) &&
           virtio_pci_pop(vp, qw->queue, elem) > 0) {
        unsigned generation = qw->generation;
        /* The next request, if the guest has queued one already: another
         * worker.  One it queues later comes with its own notify. */
        bool more = qw->n > 1 && virtio_pci_queue_pending(vp, qw->queue);
        iothread_io_begin(qw->io);
        qw->lock.unlock(qw->lock.opaque);
        if (more)
            iothread_kick(qw->io);
        int n = qw->ops->serve(qw->opaque, worker, elem);
        iothread_io_end(qw->io);
        qw->lock.lock(qw->lock.opaque);
        if (generation != qw->generation)
            break;              /* reset meanwhile: that queue is gone */
        if (n < 0) {
            virtio_pci_set_broken(vp);
            break;
        }
        if (virtio_pci_push(vp, qw->queue, elem, (uint32_t)n) < 0)
            break;
        virtio_pci_queue_done(vp, qw->queue);
        if (qw->ops->after && qw->ops->after_due(qw->opaque)) {
            /* the guest has its answer; now the back-end's own work */
            iothread_io_begin(qw->io);
            qw->lock.unlock(qw->lock.opaque);
            qw->ops->after(qw->opaque);
            iothread_io_end(qw->io);
            qw->lock.lock(qw->lock.opaque);
        }
    }
    qw->lock.unlock(qw->lock.opaque);
}

QueueWorker *queue_worker_new(const char *name, unsigned n, unsigned queue,
                              const IoThreadLock *lock, const QueueWorkerOps *ops, void *opaque)
{
    QueueWorker *qw = g_new0(QueueWorker, 1);
    qw->ops = ops;
    qw->opaque = opaque;
    qw->queue = queue;
    qw->n = n ? n : 1;
    qw->lock = *lock;
    qw->elems = g_new0(VirtqElem, qw->n);
    qw->io = iothread_new(name, qw->n, queue_worker_work, qw);
    if (!qw->io) {
        g_free(qw->elems);
        g_free(qw);
        return NULL;
    }
    return qw;
}

/* No worker runs before the transport exists: only its notify kicks. */
void queue_worker_attach(QueueWorker *qw, VirtioPci *vp)
{
    qw->vp = vp;
}

void queue_worker_kick(QueueWorker *qw)
{
    if (qw->io)
        iothread_kick(qw->io);
}

void queue_worker_reset(QueueWorker *qw)
{
    qw->generation++;
    iothread_drain(qw->io);
}

void queue_worker_set_paused(QueueWorker *qw, bool paused)
{
    qw->lock.lock(qw->lock.opaque);
    qw->paused = paused;
    qw->lock.unlock(qw->lock.opaque);
    if (paused)
        iothread_quiesce(qw->io);
    else
        queue_worker_kick(qw);
}

bool queue_worker_hold(QueueWorker *qw)
{
    qw->lock.lock(qw->lock.opaque);
    bool was_paused = qw->paused;
    qw->paused = true;
    qw->lock.unlock(qw->lock.opaque);
    iothread_quiesce(qw->io);
    return was_paused;
}

void queue_worker_release(QueueWorker *qw, bool was_paused)
{
    qw->lock.lock(qw->lock.opaque);
    qw->paused = was_paused;
    qw->lock.unlock(qw->lock.opaque);
    if (!was_paused)
        queue_worker_kick(qw);
}

void queue_worker_stop(QueueWorker *qw)
{
    if (!qw)
        return;
    iothread_free(qw->io);
    qw->io = NULL;
}

void queue_worker_free(QueueWorker *qw)
{
    if (!qw)
        return;
    queue_worker_stop(qw);
    g_free(qw->elems);
    g_free(qw);
}
