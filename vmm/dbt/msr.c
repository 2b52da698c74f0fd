/* msr.c - model-specific registers: the ones the CPU owns (EFER, SYSCALL
 * MSRs, FS/GS bases, TSC, PAT, ...), the machine's (APIC base, x2APIC,
 * TSC deadline) forwarded, #GP (-EINVAL) for everything else. */
#include <errno.h>

#include "vmm/dbt/ops.h"

enum {
    MSR_TSC = 0x10,
    MSR_APIC_BASE = 0x1b,
    MSR_FEATURE_CONTROL = 0x3a,
    MSR_TSC_ADJUST = 0x3b,
    MSR_BIOS_SIGN_ID = 0x8b,
    MSR_ARCH_CAPABILITIES = 0x10a,
    MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175,
    MSR_SYSENTER_EIP = 0x176,
    MSR_MISC_ENABLE = 0x1a0,
    MSR_PAT = 0x277,
    MSR_EFER = 0xc0000080,
    MSR_STAR = 0xc0000081,
    MSR_LSTAR = 0xc0000082,
    MSR_CSTAR = 0xc0000083,
    MSR_SFMASK = 0xc0000084,
    MSR_FS_BASE = 0xc0000100,
    MSR_GS_BASE = 0xc0000101,
    MSR_KERNEL_GS_BASE = 0xc0000102,
    MSR_TSC_AUX = 0xc0000103,
};

/* IA32_ARCH_CAPABILITIES: the dbt CPU executes nothing speculatively
 * (a load checks its permissions before it reads, a branch goes one
 * way), so it is immune to every transient-execution attack the
 * register can report immunity to: RDCL_NO (Meltdown, L1TF), SSB_NO,
 * MDS_NO, PSCHANGE_MC_NO, TAA_NO, SBDR_SSDP_NO, FBSDP_NO, PSDP_NO,
 * BHI_NO, PBRSB_NO, GDS_NO, RFDS_NO, ITS_NO.  A guest that trusts it
 * runs without page-table isolation (two CR3 writes, so two TLB
 * flushes, per kernel entry) and the buffer clearing on every return
 * to user mode.  Nothing that needs another MSR (IBRS_ALL, TSX_CTRL). */
#define ARCH_CAPABILITIES_IMMUNE \
    ((1ull << 0) | (1ull << 4) | (1ull << 5) | (1ull << 6) | (1ull << 8) | (1ull << 13) | \
     (1ull << 14) | (1ull << 15) | (1ull << 20) | (1ull << 24) | (1ull << 26) |          \
     (1ull << 27) | (1ull << 62))

#define EFER_ALLOWED (DBT_EFER_SCE | DBT_EFER_LME | DBT_EFER_LMA | DBT_EFER_NXE)

uint64_t dbt_tsc_read(DbtCpu *cpu)
{
    if (cpu->vcpu)
        return cpu->host->tsc_read(cpu->vcpu);
    return __builtin_ia32_rdtsc();
}

int dbt_msr_read(DbtCpu *cpu, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_TSC: *val = dbt_tsc_read(cpu); return 0;
    case MSR_BIOS_SIGN_ID: *val = 0; return 0;
    case MSR_ARCH_CAPABILITIES: *val = ARCH_CAPABILITIES_IMMUNE; return 0;
    case MSR_FEATURE_CONTROL: *val = 1; return 0;   /* locked, VMX off */
    case MSR_TSC_ADJUST: *val = cpu->tsc_adjust; return 0;
    case MSR_SYSENTER_CS: *val = cpu->sysenter_cs; return 0;
    case MSR_SYSENTER_ESP: *val = cpu->sysenter_esp; return 0;
    case MSR_SYSENTER_EIP: *val = cpu->sysenter_eip; return 0;
    case MSR_MISC_ENABLE: *val = cpu->misc_enable; return 0;
    case MSR_PAT: *val = cpu->pat; return 0;
    case MSR_EFER: *val = cpu->efer; return 0;
    case MSR_STAR: *val = cpu->star; return 0;
    case MSR_LSTAR: *val = cpu->lstar; return 0;
    case MSR_CSTAR: *val = cpu->cstar; return 0;
    case MSR_SFMASK: *val = cpu->sfmask; return 0;
    case MSR_FS_BASE: *val = cpu->seg[DBT_SEG_FS].base; return 0;
    case MSR_GS_BASE: *val = cpu->seg[DBT_SEG_GS].base; return 0;
    case MSR_KERNEL_GS_BASE: *val = cpu->kernel_gs_base; return 0;
    case MSR_TSC_AUX: *val = cpu->tsc_aux; return 0;
    default:
        if (cpu->vcpu && cpu->host->msr_read(cpu->vcpu, msr, val) == 0)
            return 0;
        return -EINVAL;
    }
}

static bool pat_valid(uint64_t v)
{
    for (int k = 0; k < 8; k++) {
        unsigned t = (v >> (8 * k)) & 0xff;
        if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
            return false;
    }
    return true;
}

int dbt_msr_write(DbtCpu *cpu, uint32_t msr, uint64_t v)
{
    switch (msr) {
    case MSR_TSC:
        if (cpu->vcpu)
            cpu->host->tsc_write(cpu->vcpu, v);
        return 0;
    case MSR_BIOS_SIGN_ID: return 0;
    case MSR_TSC_ADJUST:
        /* the SDM: writing TSC_ADJUST moves the TSC by the difference */
        if (cpu->vcpu)
            cpu->host->tsc_write(cpu->vcpu, dbt_tsc_read(cpu) + (v - cpu->tsc_adjust));
        cpu->tsc_adjust = v;
        return 0;
    case MSR_SYSENTER_CS: cpu->sysenter_cs = v & 0xffff; return 0;
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
        if (!dbt_canonical(v))
            return -EINVAL;
        if (msr == MSR_SYSENTER_ESP)
            cpu->sysenter_esp = v;
        else
            cpu->sysenter_eip = v;
        return 0;
    case MSR_MISC_ENABLE: cpu->misc_enable = v; return 0;
    case MSR_PAT:
        if (!pat_valid(v))
            return -EINVAL;
        cpu->pat = v;
        return 0;
    case MSR_EFER:
        if (v & ~(uint64_t)EFER_ALLOWED)
            return -EINVAL;
        /* LMA is read-only; LME cannot change while paging is on */
        v = (v & ~DBT_EFER_LMA) | (cpu->efer & DBT_EFER_LMA);
        if ((cpu->cr0 & DBT_CR0_PG) && ((v ^ cpu->efer) & DBT_EFER_LME))
            return -EINVAL;
        if ((v ^ cpu->efer) & DBT_EFER_NXE)
            dbt_tlb_flush(cpu, true);
        cpu->efer = v;
        return 0;
    case MSR_STAR: cpu->star = v; return 0;
    case MSR_LSTAR:
    case MSR_CSTAR:
        if (!dbt_canonical(v))
            return -EINVAL;
        if (msr == MSR_LSTAR)
            cpu->lstar = v;
        else
            cpu->cstar = v;
        return 0;
    case MSR_SFMASK: cpu->sfmask = (uint32_t)v; return 0;
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE:
        if (!dbt_canonical(v))
            return -EINVAL;
        if (msr == MSR_FS_BASE)
            cpu->seg[DBT_SEG_FS].base = v;
        else if (msr == MSR_GS_BASE)
            cpu->seg[DBT_SEG_GS].base = v;
        else
            cpu->kernel_gs_base = v;
        return 0;
    case MSR_TSC_AUX: cpu->tsc_aux = (uint32_t)v; return 0;
    default:
        if (cpu->vcpu && cpu->host->msr_write(cpu->vcpu, msr, v) == 0)
            return 0;
        return -EINVAL;
    }
}
