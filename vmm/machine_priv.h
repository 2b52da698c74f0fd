/* machine_priv.h - Machine and Vcpu internals, shared by machine.c (model,
 * interrupts, backend entry points) and machine_run.c (threads, pause,
 * reboot).  Nothing else includes this. */
#ifndef VESSEL_MACHINE_PRIV_H
#define VESSEL_MACHINE_PRIV_H

#include "vmm/machine.h"
#include "vmm/hw/acpi_pm.h"
#include "vmm/hw/debug_exit.h"
#include "vmm/hw/fw_cfg.h"
#include "vmm/hw/i8042.h"
#include "vmm/hw/i8254.h"
#include "vmm/hw/i8259.h"
#include "vmm/hw/ioapic.h"
#include "vmm/hw/lapic.h"
#include "vmm/hw/pc_testdev.h"
#include "vmm/hw/pci.h"
#include "vmm/hw/rtc.h"
#include "vmm/hw/stdvga.h"
#include "vmm/hw/uart16550.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

struct Vcpu {
    Machine *m;
    int index;
    void *backend_data;
    Lapic *lapic;
    pthread_cond_t cond;         /* wait_event / SIPI / park, under m->lock */
    _Atomic int pending_vector;  /* what vcpu_irq_pending returns */
    _Atomic bool nmi_hint;
    bool pending_from_pic;
    bool wake;                   /* kicked while (or before) waiting */
    _Atomic bool wait_sipi;
    int64_t tsc_offset;          /* guest TSC = machine clock ticks + offset */
    /* registers queued for the vCPU thread */
    bool regs_queued;
    VcpuRegs queued_regs;
    VcpuSregs queued_sregs;
    /* runner */
    pthread_t thread;
    bool thread_started;
    bool parked;
    bool exit_pending;           /* reported an exit, waits for the main thread */
    VcpuCrash crash;             /* vcpu_report_crash, under m->lock */
    bool crash_reported;
    clockid_t cpu_clock;
    bool has_cpu_clock;
};

struct Machine {
    MachineConfig cfg;
    pthread_mutex_t lock;
    uint8_t *ram;
    uint64_t ram_size;
    MachineRamRange ranges[4];   /* RAM below 4 GiB, above, device memory, BIOS ROM */
    uint8_t *bios;               /* cfg.bios_size bytes, mapped at 4 GiB - size */
    int nranges;
    int64_t clock_start;

    IoBus *bus;
    TimerList *timers;
    pthread_t timer_thread;
    pthread_cond_t timer_cond;
    bool timer_thread_started, timer_thread_stop;
    bool crashed;                /* crash holds the first vCPU crash */
    MachineCrash crash;

    I8259 *pic;
    Ioapic *ioapic;
    I8254 *pit;
    CmosRtc *rtc;
    Uart16550 *uart;
    I8042 *kbd;
    AcpiPm *pm;
    PciHost *pci;
    StdVga *vga;                 /* NULL without a display */
    FwCfg *fw_cfg;
    DebugExit *debug_exit;       /* test profile only */
    PcTestdev *testdev;          /* test profile only */

    const CpuBackendOps *cpu;
    void *backend_data;
    int nvcpus;
    Vcpu *vcpus[MACHINE_MAX_CPUS];

    /* runner (machine_run.c) */
    MachineState state;
    bool park_all;               /* vCPU threads must park (pause, reboot) */
    bool quit;                   /* vCPU threads must exit */
    pthread_cond_t park_cond;    /* signalled when a vCPU parks */
    void (*on_exit)(void *opaque, int vcpu_exit);
    void *on_exit_opaque;
    uint64_t exited_cpu_ns;
};

/* machine.c */
void vcpu_update_pending(Vcpu *v);
/* Stop (and join) the device timer thread; idempotent. */
void machine_timer_thread_stop(Machine *m);
/* machine_crash.c: vCPU thread, after run() returned VCPU_EXIT_CRASH. */
void machine_crash_record(Vcpu *v);
/* machine_run.c: leave the vCPU thread from inside the CPU backend
 * (only while the machine is stopping). */
G_NORETURN void machine_vcpu_thread_exit(Vcpu *v);

#endif
