/* backend.c - cpu_backend_dbt: the dbt CPU behind vmm/cpu_backend.h. */
#include <errno.h>
#include <stdio.h>

#include "vmm/cpu_backend.h"
#include "vmm/dbt/dbt.h"

static int dbt_backend_probe(char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
    return 0;
}

static int dbt_backend_vm_create(Machine *m)
{
    (void)m;
    return 0;
}

static void dbt_backend_vm_destroy(Machine *m)
{
    (void)m;
}

static int dbt_backend_vcpu_create(Vcpu *v)
{
    (void)v;
    return -ENOSYS;
}

static void dbt_backend_vcpu_destroy(Vcpu *v)
{
    (void)v;
}

static int dbt_backend_get_regs(Vcpu *v, VcpuRegs *regs)
{
    (void)v; (void)regs;
    return -ENOSYS;
}

static int dbt_backend_set_regs(Vcpu *v, const VcpuRegs *regs)
{
    (void)v; (void)regs;
    return -ENOSYS;
}

static int dbt_backend_get_sregs(Vcpu *v, VcpuSregs *sregs)
{
    (void)v; (void)sregs;
    return -ENOSYS;
}

static int dbt_backend_set_sregs(Vcpu *v, const VcpuSregs *sregs)
{
    (void)v; (void)sregs;
    return -ENOSYS;
}

static int dbt_backend_vcpu_run(Vcpu *v)
{
    (void)v;
    return -ENOSYS;
}

static void dbt_backend_vcpu_kick(Vcpu *v)
{
    (void)v;
}

const CpuBackendOps cpu_backend_dbt = {
    .name = "dbt",
    .probe = dbt_backend_probe,
    .vm_create = dbt_backend_vm_create,
    .vm_destroy = dbt_backend_vm_destroy,
    .vcpu_create = dbt_backend_vcpu_create,
    .vcpu_destroy = dbt_backend_vcpu_destroy,
    .get_regs = dbt_backend_get_regs,
    .set_regs = dbt_backend_set_regs,
    .get_sregs = dbt_backend_get_sregs,
    .set_sregs = dbt_backend_set_sregs,
    .vcpu_run = dbt_backend_vcpu_run,
    .vcpu_kick = dbt_backend_vcpu_kick,
};
