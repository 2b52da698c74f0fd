/* timer.c - device timers (see timer.h).  A handful of timers per machine,
 * so a linear scan beats any heap. */
#include "config.h"

#include "vmm/timer.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct MachineTimer {
    TimerList *tl;
    MachineTimer *next;
    int64_t deadline;
    TimerFunc fn;
    void *opaque;
};

struct TimerList {
    MachineTimer *head;
    _Atomic int64_t next;
    void (*notify)(void *opaque);
    void *opaque;
};

int64_t vclock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

TimerList *timer_list_new(void (*notify)(void *opaque), void *opaque)
{
    TimerList *tl = calloc(1, sizeof(*tl));
    if (!tl)
        return NULL;
    atomic_store(&tl->next, TIMER_OFF);
    tl->notify = notify;
    tl->opaque = opaque;
    return tl;
}

void timer_list_free(TimerList *tl)
{
    if (!tl)
        return;
    while (tl->head) {
        MachineTimer *t = tl->head;
        tl->head = t->next;
        free(t);
    }
    free(tl);
}

int64_t timer_list_next(const TimerList *tl)
{
    return atomic_load_explicit(&((TimerList *)tl)->next, memory_order_relaxed);
}

static void timer_list_recompute(TimerList *tl)
{
    int64_t next = TIMER_OFF;
    for (MachineTimer *t = tl->head; t; t = t->next)
        if (t->deadline < next)
            next = t->deadline;
    int64_t old = atomic_exchange(&tl->next, next);
    if (next < old && tl->notify)
        tl->notify(tl->opaque);
}

int timer_list_run(TimerList *tl, int64_t now)
{
    int fired = 0;
    /* A callback may re-arm itself or others: rescan until nothing is due,
     * but fire each timer at most once per call so a zero-period timer
     * cannot livelock us. */
    for (MachineTimer *t = tl->head; t; t = t->next) {
        if (t->deadline <= now) {
            t->deadline = TIMER_OFF;
            t->fn(t->opaque, now);
            fired++;
        }
    }
    timer_list_recompute(tl);
    return fired;
}

MachineTimer *timer_new(TimerList *tl, TimerFunc fn, void *opaque)
{
    MachineTimer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->tl = tl;
    t->deadline = TIMER_OFF;
    t->fn = fn;
    t->opaque = opaque;
    t->next = tl->head;
    tl->head = t;
    return t;
}

void timer_free(MachineTimer *t)
{
    if (!t)
        return;
    TimerList *tl = t->tl;
    for (MachineTimer **p = &tl->head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    free(t);
    timer_list_recompute(tl);
}

void timer_mod(MachineTimer *t, int64_t deadline_ns)
{
    t->deadline = deadline_ns;
    timer_list_recompute(t->tl);
}

void timer_del(MachineTimer *t)
{
    if (t->deadline == TIMER_OFF)
        return;
    t->deadline = TIMER_OFF;
    timer_list_recompute(t->tl);
}

bool timer_pending(const MachineTimer *t)
{
    return t->deadline != TIMER_OFF;
}

int64_t timer_deadline(const MachineTimer *t)
{
    return t->deadline;
}
