/* cpuid.c - the CPUID model: advertises exactly what the dbt CPU
 * implements (the integer core's features here, the FPU unit's through
 * fpu_cpuid1_*), a hypervisor leaf naming Vessel and the TSC frequency. */
#include "vmm/dbt/ops.h"

/* leaf 1 EDX: FPU unit bits come from fpu_cpuid1_edx() */
#define C1D_PSE (1u << 3)
#define C1D_TSC (1u << 4)
#define C1D_MSR (1u << 5)
#define C1D_PAE (1u << 6)
#define C1D_CX8 (1u << 8)
#define C1D_APIC (1u << 9)
#define C1D_PGE (1u << 13)
#define C1D_CMOV (1u << 15)
#define C1D_PAT (1u << 16)
#define C1D_PSE36 (1u << 17)
#define C1D_CLFSH (1u << 19)
#define C1D_HTT (1u << 28)
#define C1C_CX16 (1u << 13)
#define C1C_X2APIC (1u << 21)
#define C1C_POPCNT (1u << 23)
#define C1C_TSC_DEADLINE (1u << 24)
#define C1C_HYPERVISOR (1u << 31)
#define E1D_SYSCALL (1u << 11)
#define E1D_NX (1u << 20)
#define E1D_PDPE1GB (1u << 26)
#define E1D_RDTSCP (1u << 27)
#define E1D_LM (1u << 29)
#define E1C_LAHF (1u << 0)
#define C7D_ARCH_CAPABILITIES (1u << 29)

/* APIC ID bits that number the cores of the package */
static uint32_t core_bits(const DbtCpu *cpu)
{
    uint32_t bits = 0;
    while ((1 << bits) < cpu->nr_vcpus)
        bits++;
    return bits;
}

static void str4(uint32_t *out, const char *s)
{
    memcpy(out, s, 4);
}

void dbt_cpuid(DbtCpu *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(uint32_t));
    switch (leaf) {
    case 0:
        out[0] = 0x16;
        str4(&out[1], "Genu");
        str4(&out[3], "ineI");
        str4(&out[2], "ntel");
        break;
    case 1: {
        int apic_id = cpu->vcpu ? cpu->host->vcpu_index(cpu->vcpu) : 0;
        out[0] = 0x000306a9;   /* family 6 model 0x3a stepping 9 */
        /* logical processors per package: a power of two >= the vCPUs */
        out[1] = ((uint32_t)apic_id << 24) | (1u << (16 + core_bits(cpu))) | (8u << 8);
        out[2] = fpu_cpuid1_ecx() | C1C_CX16 | C1C_POPCNT | C1C_HYPERVISOR;
        out[3] = fpu_cpuid1_edx() | C1D_PSE | C1D_TSC | C1D_MSR | C1D_PAE | C1D_CX8
            | C1D_PGE | C1D_CMOV | C1D_PAT | C1D_PSE36 | C1D_CLFSH;
        if (cpu->vcpu) {
            /* the machine's LAPIC: xAPIC and x2APIC, TSC-deadline timer */
            out[3] |= C1D_APIC;
            out[2] |= C1C_X2APIC | C1C_TSC_DEADLINE;
        }
        if (core_bits(cpu))
            out[3] |= C1D_HTT;
        break;
    }
    case 0xb: {
        /* topology: every vCPU is a core of one package (so Linux sees
         * siblings that share the invariant TSC and skips calibrating the
         * delay loop on each AP) */
        uint32_t apic_id = cpu->vcpu ? (uint32_t)cpu->host->vcpu_index(cpu->vcpu) : 0;
        out[3] = apic_id;
        out[2] = subleaf & 0xff;
        if (subleaf == 0) {            /* SMT level: one thread per core */
            out[0] = 0;
            out[1] = 1;
            out[2] |= 1u << 8;
        } else if (subleaf == 1) {     /* core level */
            out[0] = core_bits(cpu);
            out[1] = (uint32_t)(cpu->nr_vcpus > 0 ? cpu->nr_vcpus : 1);
            out[2] |= 2u << 8;
        }
        break;
    }
    case 7:
        if (subleaf == 0) {
            out[1] = 1u << 1;  /* TSC_ADJUST */
            out[3] = C7D_ARCH_CAPABILITIES;   /* what it says: msr.c */
        }
        break;
    case 0x15: {
        /* TSC = crystal * EBX / EAX: the crystal is the TSC itself (and the
         * LAPIC timer clock), so Linux needs no calibration */
        uint64_t hz = cpu->machine ? cpu->host->tsc_hz(cpu->machine) : 0;
        if (hz && hz <= UINT32_MAX) {
            out[0] = 1;
            out[1] = 1;
            out[2] = (uint32_t)hz;
        }
        break;
    }
    case 0x16: {
        /* base / max / bus frequency in MHz */
        uint64_t hz = cpu->machine ? cpu->host->tsc_hz(cpu->machine) : 0;
        out[0] = out[1] = (uint32_t)(hz / 1000000);
        out[2] = hz ? 100 : 0;
        break;
    }
    case 0x40000000:
        out[0] = 0x40000010;
        str4(&out[1], "Vess");
        str4(&out[2], "elVe");
        str4(&out[3], "ssel");
        break;
    case 0x40000010:
        if (cpu->machine) {
            out[0] = (uint32_t)(cpu->host->tsc_hz(cpu->machine) / 1000);
            out[1] = 1000000;   /* LAPIC bus: 1 GHz in kHz */
        }
        break;
    case 0x80000000:
        out[0] = 0x80000008;
        break;
    case 0x80000001:
        out[2] = E1C_LAHF;
        out[3] = E1D_SYSCALL | E1D_NX | E1D_PDPE1GB | E1D_RDTSCP | E1D_LM;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
        static const char brand[48] = "Vessel dbt x86-64 CPU";
        memcpy(out, brand + (leaf - 0x80000002) * 16, 16);
        break;
    }
    case 0x80000007:
        out[3] = 1u << 8;      /* invariant TSC */
        break;
    case 0x80000008:
        out[0] = 0x3028;       /* 48 linear, 40 physical address bits */
        break;
    default:
        break;
    }
}
