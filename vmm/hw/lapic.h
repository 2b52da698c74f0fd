/* lapic.h - local APIC (xAPIC MMIO and x2APIC MSRs), one per vCPU.
 *
 * The LAPIC knows nothing of other CPUs: IPIs go out through
 * LapicHost.send_ipi (the machine finds the targets and calls
 * lapic_accept on each), EOIs of level-triggered vectors through
 * LapicHost.eoi (to the IOAPIC), and every change that may alter what the
 * CPU should take next through LapicHost.changed (the machine recomputes
 * the vCPU's pending vector and wakes it).  All calls with the device lock
 * held. */
#ifndef VESSEL_HW_LAPIC_H
#define VESSEL_HW_LAPIC_H

#include "vmm/timer.h"

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_DEFAULT_BASE 0xfee00000ull
/* The timer counts at 1 GHz before the divider (advertised to the guest
 * through the hypervisor CPUID leaf by the CPU backend). */
#define LAPIC_TIMER_HZ 1000000000ull

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)

typedef enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_SIPI = 6,
    APIC_DM_EXTINT = 7,
} ApicDeliveryMode;

typedef enum {
    APIC_SH_NONE = 0,
    APIC_SH_SELF = 1,
    APIC_SH_ALL = 2,
    APIC_SH_OTHERS = 3,
} ApicShorthand;

typedef struct Lapic Lapic;

typedef struct {
    uint32_t dest;
    bool logical;
    ApicDeliveryMode mode;
    int vector;
    bool level_trigger;
    bool assert;            /* level bit of the ICR (INIT de-assert is 0) */
    ApicShorthand shorthand;
} ApicMessage;

typedef struct {
    void (*send_ipi)(void *opaque, Lapic *src, const ApicMessage *msg);
    void (*eoi)(void *opaque, int vector);
    void (*changed)(void *opaque, Lapic *l);
    void *opaque;
} LapicHost;

/* What lapic_accept asks the machine to do for the CPU. */
typedef enum {
    LAPIC_ACCEPT_NONE = 0,
    LAPIC_ACCEPT_INIT,
    LAPIC_ACCEPT_SIPI,
    LAPIC_ACCEPT_LAST
} LapicAccept;

Lapic *lapic_create(TimerList *tl, uint32_t apic_id, bool bsp, const LapicHost *host);
void lapic_destroy(Lapic *l);
void lapic_reset(Lapic *l);
uint32_t lapic_id(const Lapic *l);
bool lapic_is_bsp(const Lapic *l);

uint64_t lapic_base_msr(const Lapic *l);
/* -EINVAL for a reserved bit or an illegal mode change (guest gets #GP). */
int lapic_set_base_msr(Lapic *l, uint64_t val);
/* True if @gpa is this LAPIC's MMIO page and xAPIC mode is on. */
bool lapic_mmio_claims(const Lapic *l, uint64_t gpa);
uint32_t lapic_mmio_read(Lapic *l, uint64_t offset);
void lapic_mmio_write(Lapic *l, uint64_t offset, uint32_t val);
/* x2APIC MSRs 0x800-0x8ff: 0, or -EINVAL (#GP). */
int lapic_msr_read(Lapic *l, uint32_t msr, uint64_t *val);
int lapic_msr_write(Lapic *l, uint32_t msr, uint64_t val);
/* TSC-deadline timer: @raw is the MSR value, @deadline_ns when it expires
 * on the machine clock (the machine converts TSC to ns). */
void lapic_set_tsc_deadline(Lapic *l, uint64_t raw, int64_t deadline_ns);
uint64_t lapic_tsc_deadline(const Lapic *l);

/* Interrupt messages addressed to this LAPIC. */
bool lapic_match_dest(const Lapic *l, uint32_t dest, bool logical);
LapicAccept lapic_accept(Lapic *l, ApicDeliveryMode mode, int vector, bool level_trigger);
/* SIPI vector of the last accepted SIPI. */
int lapic_sipi_vector(const Lapic *l);

/* Highest vector the CPU should take now (above PPR), or -1. */
int lapic_pending_vector(const Lapic *l);
void lapic_ack(Lapic *l, int vector);
bool lapic_take_nmi(Lapic *l);
bool lapic_nmi_pending(const Lapic *l);
/* True if PIC (ExtINT) interrupts reach this CPU through LINT0. */
bool lapic_accepts_pic(const Lapic *l);
/* Task priority register value (for the CPU's CR8 view: TPR >> 4). */
uint32_t lapic_tpr(const Lapic *l);
void lapic_set_tpr(Lapic *l, uint32_t tpr);

#endif
