/* iothread.c - see iothread.h.  Kicks are an eventfd the thread blocks
 * on; "inside @work" and "inside an I/O bracket" are flags under the
 * thread's own mutex, with a condition variable for drain and quiesce.
 * The thread blocks every signal (they belong to the main thread, where
 * GLib handles SIGTERM). */
#include "config.h"

#include "vmm/virtio/iothread.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct IoThread {
    pthread_t thread;
    int efd;
    atomic_bool stop;
    void (*work)(void *opaque);
    void *opaque;
    pthread_mutex_t lock;       /* guards in_work, in_io */
    pthread_cond_t idle;        /* broadcast when either drops */
    bool in_work;
    bool in_io;
};

static void iothread_set(IoThread *t, bool *flag, bool on)
{
    pthread_mutex_lock(&t->lock);
    *flag = on;
    if (!on)
        pthread_cond_broadcast(&t->idle);
    pthread_mutex_unlock(&t->lock);
}

static void iothread_wait_clear(IoThread *t, const bool *flag)
{
    pthread_mutex_lock(&t->lock);
    while (*flag)
        pthread_cond_wait(&t->idle, &t->lock);
    pthread_mutex_unlock(&t->lock);
}

static void *iothread_main(void *opaque)
{
    IoThread *t = opaque;
    for (;;) {
        uint64_t n;
        ssize_t r = read(t->efd, &n, sizeof(n));
        if (atomic_load(&t->stop))
            break;
        if (r == (ssize_t)sizeof(n)) {
            iothread_set(t, &t->in_work, true);
            t->work(t->opaque);
            iothread_set(t, &t->in_work, false);
        }
        else if (r < 0 && errno != EINTR)
            break;              /* cannot happen on a valid eventfd */
    }
    return NULL;
}

IoThread *iothread_new(const char *name, void (*work)(void *opaque), void *opaque)
{
    IoThread *t = g_new0(IoThread, 1);
    t->work = work;
    t->opaque = opaque;
    t->efd = eventfd(0, EFD_CLOEXEC);
    if (t->efd < 0) {
        int e = errno;
        g_free(t);
        errno = e;
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->idle, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);      /* inherited by the thread */
    int r = pthread_create(&t->thread, NULL, iothread_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0) {
        close(t->efd);
        pthread_cond_destroy(&t->idle);
        pthread_mutex_destroy(&t->lock);
        g_free(t);
        errno = r;
        return NULL;
    }
    pthread_setname_np(t->thread, name);
    return t;
}

void iothread_free(IoThread *t)
{
    if (!t)
        return;
    atomic_store(&t->stop, true);
    iothread_kick(t);
    pthread_join(t->thread, NULL);
    close(t->efd);
    pthread_cond_destroy(&t->idle);
    pthread_mutex_destroy(&t->lock);
    g_free(t);
}

void iothread_kick(IoThread *t)
{
    uint64_t one = 1;
    /* Only fails if the counter would overflow: it is then non-zero, so
     * the thread wakes anyway. */
    while (write(t->efd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
}

void iothread_io_begin(IoThread *t)
{
    iothread_set(t, &t->in_io, true);
}

void iothread_io_end(IoThread *t)
{
    iothread_set(t, &t->in_io, false);
}

void iothread_drain(IoThread *t)
{
    if (t)
        iothread_wait_clear(t, &t->in_io);
}

void iothread_quiesce(IoThread *t)
{
    if (t)
        iothread_wait_clear(t, &t->in_work);
}
