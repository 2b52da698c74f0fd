/* machine_crash.c - why the guest crashed: the first vCPU crash of a run
 * (what the backend says: a triple fault and the exception it could not
 * deliver; the registers the machine reads once the vCPU has stopped),
 * for the VMM's exit line and the control channel's `info`. */
#include "config.h"

#include "vmm/machine_priv.h"

#include <stdio.h>

static const char *const exception_names[] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *machine_exception_name(int vector)
{
    if (vector < 0 || vector >= (int)G_N_ELEMENTS(exception_names) ||
        !*exception_names[vector])
        return NULL;
    return exception_names[vector];
}

/* vCPU thread, inside the backend's run(). */
void vcpu_report_crash(Vcpu *v, const VcpuCrash *crash)
{
    machine_lock(v->m);
    v->crash = *crash;
    v->crash_reported = true;
    machine_unlock(v->m);
}

/* vCPU thread, after run() returned VCPU_EXIT_CRASH: the backend is idle,
 * so its registers are the state at the crash. */
void machine_crash_record(Vcpu *v)
{
    Machine *m = v->m;
    MachineCrash c = { .vcpu = v->index, .why = { "unrecoverable CPU state", -1, false, 0 } };
    c.have_regs = m->cpu->get_regs(v, &c.regs) == 0 && m->cpu->get_sregs(v, &c.sregs) == 0;
    machine_lock(m);
    if (v->crash_reported)
        c.why = v->crash;
    v->crash_reported = false;
    if (!m->crashed) {   /* the first one explains the rest */
        m->crash = c;
        m->crashed = true;
    }
    machine_unlock(m);
}

bool machine_crash_info(Machine *m, MachineCrash *out)
{
    machine_lock(m);
    bool crashed = m->crashed;
    if (crashed)
        *out = m->crash;
    machine_unlock(m);
    return crashed;
}

void machine_crash_clear(Machine *m)
{
    machine_lock(m);
    m->crashed = false;
    machine_unlock(m);
}

char *machine_crash_describe(const MachineCrash *c)
{
    GString *s = g_string_new(c->why.what);
    if (c->why.vector >= 0) {
        const char *name = machine_exception_name(c->why.vector);
        g_string_append_printf(s, ", vector %d", c->why.vector);
        if (name)
            g_string_append_printf(s, " (%s)", name);
        if (c->why.has_error_code)
            g_string_append_printf(s, " error code %#x", c->why.error_code);
    }
    g_string_append_printf(s, ", vCPU %d", c->vcpu);
    if (c->have_regs)
        g_string_append_printf(s, ", rip=%#" G_GINT64_MODIFIER "x cr0=%#" G_GINT64_MODIFIER
                               "x cr2=%#" G_GINT64_MODIFIER "x cr3=%#" G_GINT64_MODIFIER
                               "x cr4=%#" G_GINT64_MODIFIER "x",
                               (guint64)c->regs.rip, (guint64)c->sregs.cr0,
                               (guint64)c->sregs.cr2, (guint64)c->sregs.cr3,
                               (guint64)c->sregs.cr4);
    return g_string_free(s, FALSE);
}
