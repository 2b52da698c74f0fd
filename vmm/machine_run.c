/* machine_run.c - vCPU threads, pause/resume and parking.
 *
 * Each vCPU has a thread that loops: park while the machine is paused or
 * a park is requested, wait for SIPI if it is an AP that has not been
 * started, apply queued registers, then call the backend's vcpu_run().
 * Non-KICKED exits go to the on_exit handler.  Parking is how the main
 * thread gets exclusive use of the CPUs (pause, reboot in place): it sets
 * park_all, kicks every vCPU out of run() and waits until each thread has
 * reported itself parked. */
#include "config.h"

#include "vmm/machine_priv.h"
#include "vmm/sandbox/sandbox.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

gboolean machine_backend_init(Machine *m, GError **error)
{
    int r = m->cpu->vm_create(m);
    if (r < 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST, "%s: cannot create the VM: %s",
                    m->cpu->name, g_strerror(-r));
        return FALSE;
    }
    for (int i = 0; i < m->nvcpus; i++) {
        r = m->cpu->vcpu_create(m->vcpus[i]);
        if (r < 0) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST,
                        "%s: cannot create vCPU %d: %s", m->cpu->name, i, g_strerror(-r));
            for (int j = 0; j < i; j++)
                m->cpu->vcpu_destroy(m->vcpus[j]);
            m->cpu->vm_destroy(m);
            return FALSE;
        }
    }
    return TRUE;
}

void machine_backend_fini(Machine *m)
{
    /* A device timer (the LAPIC's) kicks its vCPU through the backend:
     * no timer may fire once the backend's vCPUs are gone. */
    machine_timer_thread_stop(m);
    for (int i = 0; i < m->nvcpus; i++)
        m->cpu->vcpu_destroy(m->vcpus[i]);
    m->cpu->vm_destroy(m);
}

MachineState machine_state(Machine *m)
{
    machine_lock(m);
    MachineState s = m->state;
    machine_unlock(m);
    return s;
}

static bool vcpu_must_park(Vcpu *v)
{
    Machine *m = v->m;
    return m->park_all || m->state == MACHINE_STATE_PAUSED ||
           m->state == MACHINE_STATE_CRASHED;
}

static void machine_kick_all(Machine *m)
{
    for (int i = 0; i < m->nvcpus; i++)
        machine_vcpu_kick(m->vcpus[i]);
}

void machine_set_state(Machine *m, MachineState s)
{
    machine_lock(m);
    m->state = s;
    machine_kick_all(m);
    machine_unlock(m);
}

void machine_park(Machine *m)
{
    machine_lock(m);
    m->park_all = true;
    machine_kick_all(m);
    for (;;) {
        bool all = true;
        for (int i = 0; i < m->nvcpus; i++)
            if (m->vcpus[i]->thread_started && !m->vcpus[i]->parked)
                all = false;
        if (all)
            break;
        pthread_cond_wait(&m->park_cond, &m->lock);
    }
    machine_unlock(m);
}

void machine_unpark(Machine *m)
{
    machine_lock(m);
    m->park_all = false;
    for (int i = 0; i < m->nvcpus; i++)
        m->vcpus[i]->exit_pending = false;
    machine_kick_all(m);
    machine_unlock(m);
}

static void *vcpu_thread(void *opaque)
{
    Vcpu *v = opaque;
    Machine *m = v->m;
    sandbox_thread_enter(SANDBOX_THREAD_VCPU);   /* before any guest code */
    /* Signals go to the main thread (GLib handles SIGTERM there). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    for (;;) {
        machine_lock(m);
        while (!m->quit && (vcpu_must_park(v) ||
                            (atomic_load(&v->wait_sipi) && !v->regs_queued))) {
            if (vcpu_must_park(v) && !v->parked) {
                v->parked = true;
                pthread_cond_broadcast(&m->park_cond);
            }
            pthread_cond_wait(&v->cond, &m->lock);
        }
        v->parked = false;
        v->wake = false;
        bool quit = m->quit;
        machine_unlock(m);
        if (quit)
            break;
        if (vcpu_wait_for_sipi(v))
            continue;
        int r = vcpu_apply_queued_regs(v);
        if (r == 0)
            r = m->cpu->vcpu_run(v);
        if (r == VCPU_EXIT_KICKED)
            continue;
        if (r == VCPU_EXIT_CRASH)
            machine_crash_record(v);
        machine_lock(m);
        v->exit_pending = true;
        machine_unlock(m);
        if (m->on_exit)
            m->on_exit(m->on_exit_opaque, r);
        {
            /* Stay out of the CPU until the main thread has decided
             * (machine_unpark after a reboot, or quit). */
            machine_lock(m);
            while (!m->quit && v->exit_pending) {
                if (!v->parked) {
                    v->parked = true;
                    pthread_cond_broadcast(&m->park_cond);
                }
                pthread_cond_wait(&v->cond, &m->lock);
            }
            machine_unlock(m);
        }
    }
    machine_lock(m);
    v->parked = true;
    pthread_cond_broadcast(&m->park_cond);
    machine_unlock(m);
    return NULL;
}

void machine_vcpu_thread_exit(Vcpu *v)
{
    Machine *m = v->m;
    machine_lock(m);
    v->parked = true;
    pthread_cond_broadcast(&m->park_cond);
    machine_unlock(m);
    pthread_exit(NULL);
}

gboolean machine_run_start(Machine *m, void (*on_exit)(void *opaque, int vcpu_exit),
                           void *opaque, GError **error)
{
    m->on_exit = on_exit;
    m->on_exit_opaque = opaque;
    if (m->state != MACHINE_STATE_PAUSED) /* paused before the start: --paused */
        m->state = MACHINE_STATE_RUNNING;
    for (int i = 0; i < m->nvcpus; i++) {
        Vcpu *v = m->vcpus[i];
        int r = pthread_create(&v->thread, NULL, vcpu_thread, v);
        if (r) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST,
                        "cannot start vCPU thread %d: %s", i, g_strerror(r));
            machine_run_stop(m);
            return FALSE;
        }
        v->thread_started = true;
        if (pthread_getcpuclockid(v->thread, &v->cpu_clock) == 0)
            v->has_cpu_clock = true;
    }
    return TRUE;
}

bool machine_run_stop(Machine *m)
{
    bool stuck = false;
    machine_lock(m);
    m->quit = true;
    machine_kick_all(m);
    machine_unlock(m);
    for (int i = 0; i < m->nvcpus; i++) {
        Vcpu *v = m->vcpus[i];
        if (!v->thread_started)
            continue;
        struct timespec ts;
        if (v->has_cpu_clock && clock_gettime(v->cpu_clock, &ts) == 0)
            m->exited_cpu_ns += (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
        v->has_cpu_clock = false;
        /* A backend that does not come back from vcpu_run() when kicked
         * must not hang the VMM's exit: give up on that thread. */
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 10;
        if (pthread_timedjoin_np(v->thread, NULL, &deadline) != 0) {
            stuck = true;
            continue;
        }
        v->thread_started = false;
    }
    return !stuck;
}
