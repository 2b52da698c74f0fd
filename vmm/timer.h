/* timer.h - device timers on the machine clock.
 *
 * Devices (PIT, LAPIC timer, RTC, ACPI PM) own MachineTimer objects and arm
 * them with absolute deadlines in nanoseconds of vclock_ns() (the host's
 * monotonic clock).  A TimerList holds them; whoever holds the machine's
 * device lock may call timer_list_run() to fire the due ones (the machine's
 * timer thread does, and the dbt CPU at block boundaries).  The list calls
 * its notify hook when the earliest deadline moves earlier so a sleeping
 * timer thread can re-arm.  Callbacks run with the device lock held. */
#ifndef VESSEL_TIMER_H
#define VESSEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_OFF INT64_MAX

typedef struct TimerList TimerList;
typedef struct MachineTimer MachineTimer;
typedef void (*TimerFunc)(void *opaque, int64_t now);

int64_t vclock_ns(void);

TimerList *timer_list_new(void (*notify)(void *opaque), void *opaque);
void timer_list_free(TimerList *tl);
/* Earliest armed deadline or TIMER_OFF (lock-free read). */
int64_t timer_list_next(const TimerList *tl);
/* Fire every timer due at @now; returns how many fired. */
int timer_list_run(TimerList *tl, int64_t now);

MachineTimer *timer_new(TimerList *tl, TimerFunc fn, void *opaque);
void timer_free(MachineTimer *t);
void timer_mod(MachineTimer *t, int64_t deadline_ns);
void timer_del(MachineTimer *t);
bool timer_pending(const MachineTimer *t);
int64_t timer_deadline(const MachineTimer *t);

#endif
