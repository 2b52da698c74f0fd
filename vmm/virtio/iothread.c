/* iothread.c - see iothread.h.  One mutex per IoThread guards the kick
 * flag, the counts of sleeping workers and of workers inside @work; a
 * condition variable wakes idle workers, another wakes drain and
 * quiesce.  The count of open I/O brackets is atomic (opened under the
 * device lock, closed on a worker without it); only the bracket that
 * closes the last one takes the mutex, to wake a drain.
 *
 * Kicks cost little because the guest kicks for every request: a kick
 * that finds one already pending, or no worker asleep, only sets the
 * flag (a worker runs @work again before it sleeps), and the wake-up is
 * signalled after the mutex is released, so the woken worker does not
 * block on the mutex its waker still holds.  Workers block every signal
 * (they belong to the main thread, where GLib handles SIGTERM). */
#include "config.h"

#include "vmm/virtio/iothread.h"
#include "vmm/sandbox/sandbox.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    IoThread *t;
    unsigned index;
    pthread_t thread;
    bool started;
} IoWorker;

struct IoThread {
    IoWorker *workers;
    unsigned n;
    void (*work)(void *opaque, unsigned worker);
    void *opaque;
    pthread_mutex_t lock;
    pthread_cond_t wake;        /* idle workers wait here */
    pthread_cond_t idle;        /* drain / quiesce wait here */
    bool stop;
    bool kicked;                /* a kick nobody has answered yet */
    unsigned sleeping;          /* workers waiting on @wake */
    unsigned in_work;
    atomic_uint in_io;          /* open I/O brackets */
};

static void *iothread_main(void *opaque)
{
    IoWorker *w = opaque;
    IoThread *t = w->t;
    sandbox_thread_enter(SANDBOX_THREAD_IO);
    pthread_mutex_lock(&t->lock);
    for (;;) {
        while (!t->stop && !t->kicked) {
            t->sleeping++;
            pthread_cond_wait(&t->wake, &t->lock);
            t->sleeping--;
        }
        if (t->stop)
            break;
        t->kicked = false;
        t->in_work++;
        pthread_mutex_unlock(&t->lock);
        t->work(t->opaque, w->index);
        pthread_mutex_lock(&t->lock);
        if (--t->in_work == 0)
            pthread_cond_broadcast(&t->idle);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

static void iothread_join_all(IoThread *t)
{
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_broadcast(&t->wake);
    pthread_mutex_unlock(&t->lock);
    for (unsigned i = 0; i < t->n; i++)
        if (t->workers[i].started)
            pthread_join(t->workers[i].thread, NULL);
}

static void iothread_destroy(IoThread *t)
{
    pthread_cond_destroy(&t->wake);
    pthread_cond_destroy(&t->idle);
    pthread_mutex_destroy(&t->lock);
    g_free(t->workers);
    g_free(t);
}

IoThread *iothread_new(const char *name, unsigned n, void (*work)(void *opaque, unsigned worker),
                       void *opaque)
{
    IoThread *t = g_new0(IoThread, 1);
    t->n = n ? n : 1;
    t->work = work;
    t->opaque = opaque;
    t->workers = g_new0(IoWorker, t->n);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    pthread_cond_init(&t->idle, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);      /* inherited by the workers */
    int r = 0;
    for (unsigned i = 0; i < t->n && r == 0; i++) {
        t->workers[i] = (IoWorker){ t, i, 0, false };
        r = pthread_create(&t->workers[i].thread, NULL, iothread_main, &t->workers[i]);
        if (r == 0) {
            t->workers[i].started = true;
            pthread_setname_np(t->workers[i].thread, name);
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0) {
        iothread_join_all(t);
        iothread_destroy(t);
        errno = r;
        return NULL;
    }
    return t;
}

void iothread_free(IoThread *t)
{
    if (!t)
        return;
    /* Workers started while the machine is assembled wait in the
     * sandbox's gate until lock-down.  Freed before that, the VMM is
     * failing to start (a later --disk cannot be opened): no guest code
     * ran and the process exits, so open the gate (a no-op once it is
     * open or sealed) and let them leave, instead of joining forever. */
    sandbox_disarm();
    iothread_join_all(t);
    iothread_destroy(t);
}

void iothread_kick(IoThread *t)
{
    pthread_mutex_lock(&t->lock);
    bool wake = !t->kicked && t->sleeping > 0;
    t->kicked = true;
    pthread_mutex_unlock(&t->lock);
    /* A sleeper cannot miss it: it tests the flag under the mutex and
     * is inside pthread_cond_wait before the mutex is free again. */
    if (wake)
        pthread_cond_signal(&t->wake);
}

void iothread_io_begin(IoThread *t)
{
    atomic_fetch_add(&t->in_io, 1);
}

void iothread_io_end(IoThread *t)
{
    if (atomic_fetch_sub(&t->in_io, 1) != 1)
        return;
    /* The last bracket closed: a drain waiting under the mutex has
     * tested in_io before and is inside pthread_cond_wait now. */
    pthread_mutex_lock(&t->lock);
    pthread_cond_broadcast(&t->idle);
    pthread_mutex_unlock(&t->lock);
}

void iothread_drain(IoThread *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    while (atomic_load(&t->in_io))
        pthread_cond_wait(&t->idle, &t->lock);
    pthread_mutex_unlock(&t->lock);
}

void iothread_quiesce(IoThread *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    while (t->in_work)
        pthread_cond_wait(&t->idle, &t->lock);
    pthread_mutex_unlock(&t->lock);
}
