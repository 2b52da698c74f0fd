/* cpu_backend.h - the contract between the machine model and a CPU backend.
 *
 * vessel-vmm has one machine model ("vessel-pc": RAM, devices, boot, ACPI)
 * and two CPU backends that run it: `kvm` (hardware, vmm/kvm/) and `dbt`
 * (software, vmm/dbt/).  Everything a backend needs from the machine goes
 * through the functions declared at the bottom of this file; everything the
 * machine needs from a backend goes through CpuBackendOps.  Neither side
 * reaches into the other's structs.
 *
 * Threads: each Vcpu's run() is called on a vCPU thread (dbt may run all
 * vCPUs round-robin on one thread).  Device emulation is serialized by the
 * machine (one device lock); backends call the machine_* functions without
 * holding any lock of their own.  vcpu_kick() may be called from any thread.
 *
 * Errors: functions return 0 or -errno; a guest-triggered problem never
 * aborts the process (a fatal CPU state becomes VCPU_EXIT_CRASH). */
#ifndef VESSEL_CPU_BACKEND_H
#define VESSEL_CPU_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Vcpu Vcpu;

/* ---- architectural register state (backend independent) ----------- */

enum { VCPU_RAX, VCPU_RCX, VCPU_RDX, VCPU_RBX, VCPU_RSP, VCPU_RBP, VCPU_RSI,
       VCPU_RDI, VCPU_R8, VCPU_R9, VCPU_R10, VCPU_R11, VCPU_R12, VCPU_R13,
       VCPU_R14, VCPU_R15, VCPU_NR_GPRS };

typedef struct {
    uint64_t gpr[VCPU_NR_GPRS];   /* indexed by VCPU_RAX..VCPU_R15 (x86 encoding order) */
    uint64_t rip;
    uint64_t rflags;
} VcpuRegs;

typedef struct {
    uint64_t base;
    uint32_t limit;               /* byte granular (already scaled by G) */
    uint16_t selector;
    uint8_t type;                 /* descriptor type (4 bits) */
    uint8_t s, dpl, present, avl, l, db, g;
    uint8_t unusable;
} VcpuSegment;

typedef struct {
    uint64_t base;
    uint16_t limit;
} VcpuDtable;

enum { VCPU_SEG_ES, VCPU_SEG_CS, VCPU_SEG_SS, VCPU_SEG_DS, VCPU_SEG_FS,
       VCPU_SEG_GS, VCPU_NR_SEGS };

typedef struct {
    VcpuSegment seg[VCPU_NR_SEGS]; /* indexed by VCPU_SEG_ES..GS (x86 encoding order) */
    VcpuSegment tr, ldt;
    VcpuDtable gdt, idt;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer;
    uint64_t apic_base;
} VcpuSregs;

/* ---- what run() returns ------------------------------------------- */
typedef enum {
    VCPU_EXIT_KICKED = 0,   /* vcpu_kick() or a pending machine request: check and re-run */
    VCPU_EXIT_SHUTDOWN,     /* guest asked to power off (machine decided) */
    VCPU_EXIT_RESET,        /* guest asked for a reset (i8042, ACPI reset reg) */
    VCPU_EXIT_CRASH,        /* triple fault or unrecoverable CPU state */
    VCPU_EXIT_DEBUG_EXIT,   /* isa-debug-exit: the VMM exits with the guest's status */
    VCPU_EXIT_LAST
} VcpuExit;

/* Why a vCPU crashed.  A backend may say so (vcpu_report_crash) before it
 * returns VCPU_EXIT_CRASH; the machine adds the registers itself. */
typedef struct {
    const char *what;        /* static string: "triple fault", ... */
    int vector;              /* the exception that could not be delivered, -1 unknown */
    bool has_error_code;
    uint32_t error_code;
} VcpuCrash;

/* ---- backend operations ------------------------------------------- */
typedef struct CpuBackendOps {
    const char *name;                     /* "kvm" or "dbt" */
    /* 0 if this host can run the backend; else -errno and a one-line
     * human reason in @why (e.g. "/dev/kvm does not exist"). */
    int (*probe)(char *why, size_t why_len);
    /* Create the VM for @m (guest RAM is already allocated; see
     * machine_ram_*()). */
    int (*vm_create)(Machine *m);
    void (*vm_destroy)(Machine *m);
    /* Create vCPU @v (vcpu_index(v) tells which). */
    int (*vcpu_create)(Vcpu *v);
    void (*vcpu_destroy)(Vcpu *v);
    int (*get_regs)(Vcpu *v, VcpuRegs *regs);
    int (*set_regs)(Vcpu *v, const VcpuRegs *regs);
    int (*get_sregs)(Vcpu *v, VcpuSregs *sregs);
    int (*set_sregs)(Vcpu *v, const VcpuSregs *sregs);
    /* Run until something needs the machine's attention.  Returns a
     * VcpuExit (>= 0) or -errno on a host error. */
    int (*vcpu_run)(Vcpu *v);
    /* Make vcpu_run() return VCPU_EXIT_KICKED soon; callable from any
     * thread and from signal handlers. */
    void (*vcpu_kick)(Vcpu *v);
    /* Guest RAM [gpa, gpa+len) was written by a device or the loader, not
     * by a vCPU: a backend that caches decoded guest code must not run
     * the old code once the guest can know of the write.  Any thread.
     * NULL if the backend needs nothing (kvm: the hardware sees RAM). */
    void (*ram_written)(Machine *m, uint64_t gpa, uint64_t len);
} CpuBackendOps;

extern const CpuBackendOps cpu_backend_dbt;
extern const CpuBackendOps cpu_backend_kvm;

/* ---- what the machine offers a backend ---------------------------- */

/* Per-vCPU bookkeeping owned by the machine; backends keep their own
 * state behind vcpu_backend_data(). */
int vcpu_index(const Vcpu *v);
Machine *vcpu_machine(const Vcpu *v);
void *vcpu_backend_data(const Vcpu *v);
void vcpu_set_backend_data(Vcpu *v, void *data);
int machine_vcpu_count(const Machine *m);
/* Per-VM backend state (e.g. the KVM VM fd), set in vm_create. */
void *machine_backend_data(const Machine *m);
void machine_set_backend_data(Machine *m, void *data);
Vcpu *machine_vcpu(Machine *m, int index);

/* Guest RAM: a list of ranges, each backed by host memory.  Below 4 GiB
 * RAM stops at the PCI hole; the rest starts at 4 GiB.  Ranges marked
 * @device are a device's memory at a fixed guest address (the VGA's
 * VRAM in its BAR): backends map them like RAM, the e820 map does not
 * list them. */
typedef struct {
    uint64_t gpa;
    uint64_t size;
    uint8_t *host;
    bool device;
} MachineRamRange;
int machine_ram_range_count(const Machine *m);
const MachineRamRange *machine_ram_range(const Machine *m, int i);
/* Host pointer for [gpa, gpa+len) if it lies inside one RAM range, else NULL. */
void *machine_ram_ptr(const Machine *m, uint64_t gpa, uint64_t len);
/* A device (or the loader) wrote [gpa, gpa+len) through such a pointer:
 * call it after the write and before telling the guest (used ring,
 * interrupt).  Any thread. */
void machine_ram_written(Machine *m, uint64_t gpa, uint64_t len);

/* Port I/O and MMIO for anything that is not RAM.  @size is 1, 2, 4 (or 8
 * for MMIO).  Unclaimed reads return all ones, unclaimed writes are dropped.
 * Returns 0, or a VcpuExit > 0 if the access asked the machine to stop the
 * guest (e.g. a write to the reset register): the backend returns it from
 * vcpu_run() after completing the instruction. */
int machine_pio_read(Vcpu *v, uint16_t port, unsigned size, uint32_t *val);
int machine_pio_write(Vcpu *v, uint16_t port, unsigned size, uint32_t val);
int machine_mmio_read(Vcpu *v, uint64_t gpa, unsigned size, uint64_t *val);
int machine_mmio_write(Vcpu *v, uint64_t gpa, unsigned size, uint64_t val);

/* Interrupt controller (the machine's LAPIC/IOAPIC/PIC models; the kvm
 * backend may use them too with a userspace irqchip). */
/* Highest-priority maskable interrupt the CPU should take now, or -1.
 * The CPU checks RFLAGS.IF and the interrupt shadow itself. */
int vcpu_irq_pending(Vcpu *v);
/* The CPU has begun delivering @vector (IRR -> ISR). */
void vcpu_irq_ack(Vcpu *v, int vector);
bool vcpu_nmi_pending(Vcpu *v);         /* consumes the NMI if true */
/* MSRs the machine owns (IA32_APIC_BASE 0x1b, x2APIC 0x800-0x8ff,
 * TSC_DEADLINE 0x6e0).  Return 0, or -ENOENT if not a machine MSR. */
int machine_msr_read(Vcpu *v, uint32_t msr, uint64_t *val);
int machine_msr_write(Vcpu *v, uint32_t msr, uint64_t val);

/* Time: the guest TSC ticks at machine_tsc_hz(); vcpu_tsc_read() gives the
 * current value (monotonic across vCPUs, adjusted by guest TSC writes). */
uint64_t machine_tsc_hz(const Machine *m);
uint64_t vcpu_tsc_read(Vcpu *v);
void vcpu_tsc_write(Vcpu *v, uint64_t value);

/* HLT: block the calling thread until vCPU @v has an interrupt or NMI to
 * take, a timer it depends on expires, or it is kicked.  Returns at once if
 * one is already pending.  dbt calls this for HLT (with IF=1); with several
 * vCPUs on one thread it passes the vCPU it wants to wait for. */
void vcpu_wait_event(Vcpu *v);

/* Run device timers that are due (PIT, LAPIC timer, RTC, UART); dbt calls
 * this at block boundaries when machine_timer_due() says so (cheap check). */
bool machine_timer_due(Machine *m);
void machine_run_timers(Machine *m);

/* Before returning VCPU_EXIT_CRASH from vcpu_run(): why (vCPU thread). */
void vcpu_report_crash(Vcpu *v, const VcpuCrash *crash);

/* True while vCPU @v waits for INIT/SIPI from the BSP (an AP that has not
 * started; dbt skips it).  After SIPI the machine has set its registers. */
bool vcpu_wait_for_sipi(Vcpu *v);

#endif
