/* domain_stop_wait.h - Shutdown calls that wait for the VMM to exit.
 *
 * Shutdown with a timeout used to park a pool thread until the guest
 * powered off, so 32 slow guests stalled every other write method.  Now
 * the method presses the power button, defers its reply (the D-Bus
 * layer: daemon_call_defer) and leaves a StopWait on the domain, holding
 * the transport's DomainStopFunc and its data: the VMM exit
 * (vmm_exited, main loop) answers every wait of that run with success; a
 * main-loop timeout answers with DAEMON_ERROR_TIMEOUT, or first destroys
 * the domain (DOMAIN_SHUTDOWN_DESTROY_ON_TIMEOUT, on a short-lived thread:
 * destroy waits the [vmm] shutdown_grace).  All under the list lock. */
#ifndef VESSEL_DOMAIN_STOP_WAIT_H
#define VESSEL_DOMAIN_STOP_WAIT_H

#include "daemon.h"

/* How a transport is told the wait is over (@error NULL: success).
 * Called once, from any thread, maybe with the list lock held (it must
 * not take it). */
typedef void (*DomainStopFunc)(gpointer data, const GError *error);

/* List locked: call @done(@data) when VMM @pid of @dom exits, or after
 * @timeout_s seconds (@flags: DOMAIN_SHUTDOWN_*).  Answers at once if
 * @pid is gone already. */
void domain_stop_wait_add(Daemon *d, DomainObj *dom, pid_t pid, guint flags, guint timeout_s,
                          DomainStopFunc done, gpointer data);
/* List locked, from the exit handler: take the waits of @dom (the VMM is
 * gone); pass the result to domain_stop_wait_finish() after unlocking. */
GSList *domain_stop_wait_take(DomainObj *dom);
/* Answer the taken waits with @error (NULL: success) and free them. */
void domain_stop_wait_finish(GSList *waits, const GError *error);
/* Daemon exit: answer every pending wait with an error. */
void domain_stop_wait_cancel_all(Daemon *d);

#endif
