/* machine.h - the "vessel-pc" machine model shared by every CPU backend.
 *
 * A Machine owns guest RAM (one mmap; below 4 GiB it stops at the 32-bit
 * PCI hole, the rest continues at 4 GiB), the I/O bus, the device timers
 * and the legacy devices, assembled in machine_new() in a visible order.
 * cpu_backend.h declares what backends see; this header is for main.c,
 * the boot loader, ACPI, the control channel and tests.
 *
 * Locking: one device lock (machine_lock/machine_unlock) serializes all
 * device emulation and interrupt routing.  The machine_pio/mmio
 * entry points take it themselves. */
#ifndef VESSEL_MACHINE_H
#define VESSEL_MACHINE_H

#include "vmm/cpu_backend.h"
#include "vmm/hw/char_backend.h"
#include "vmm/io_bus.h"
#include "vmm/timer.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define MACHINE_MAX_CPUS 64
#define MACHINE_MIN_MEM_MIB 16
#define MACHINE_LOWMEM_MAX 0xc0000000ull   /* RAM below 4 GiB stops here */
#define MACHINE_TSC_HZ 1000000000ull
#define MACHINE_BIOS_ALIGN 0x10000ull      /* firmware image sizes: 64 KiB steps */
#define MACHINE_BIOS_MAX 0x1000000ull      /* up to 16 MiB below 4 GiB */

#define MACHINE_ERROR (machine_error_quark())
GQuark machine_error_quark(void);
typedef enum {
    MACHINE_ERROR_CONFIG,       /* bad configuration (memory, cpus) */
    MACHINE_ERROR_KERNEL,       /* not a kernel, unsupported kernel */
    MACHINE_ERROR_NO_SPACE,     /* kernel/initrd/cmdline does not fit */
    MACHINE_ERROR_IO,           /* cannot read a file */
    MACHINE_ERROR_HOST,         /* host resource failure */
    MACHINE_ERROR_LAST
} MachineError;

/* Machine profiles (vessel-vmm --machine). */
typedef enum {
    MACHINE_PROFILE_PC,    /* vessel-pc */
    MACHINE_PROFILE_TEST,  /* + QEMU's isa-debug-exit and pc-testdev (test kernels) */
    MACHINE_PROFILE_LAST
} MachineProfile;

typedef struct {
    uint64_t mem_mib;
    int cpus;
    uint64_t vga_vram;     /* bytes of VRAM for the standard VGA; 0: no display */
    MachineProfile profile;
    uint64_t bios_size;    /* bytes of firmware ROM ending at 4 GiB (--bios); 0: none */
} MachineConfig;

typedef enum {
    MACHINE_STATE_RUNNING,
    MACHINE_STATE_PAUSED,
    MACHINE_STATE_SHUTTING_DOWN,
    MACHINE_STATE_CRASHED,       /* vCPUs stopped after a crash (--on-crash preserve) */
    MACHINE_STATE_LAST
} MachineState;

Machine *machine_new(const MachineConfig *cfg, CharBackend *serial, GError **error);
void machine_free(Machine *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Machine, machine_free)

void machine_lock(Machine *m);
void machine_unlock(Machine *m);
IoBus *machine_io_bus(Machine *m);
TimerList *machine_timers(Machine *m);
uint64_t machine_ram_size(const Machine *m);
const MachineConfig *machine_config(const Machine *m);

/* Devices other code talks to (with the lock held). */
typedef struct Uart16550 Uart16550;
typedef struct PciHost PciHost;
typedef struct StdVga StdVga;
typedef struct I8042 I8042;
typedef struct FwCfg FwCfg;
typedef struct CmosRtc CmosRtc;
Uart16550 *machine_uart(Machine *m);
FwCfg *machine_fw_cfg(Machine *m);
PciHost *machine_pci(Machine *m);
StdVga *machine_vga(Machine *m);      /* NULL without a display */
I8042 *machine_i8042(Machine *m);
/* The firmware ROM (cfg.bios_size bytes ending at 4 GiB), NULL if none. */
uint8_t *machine_bios(Machine *m);
CmosRtc *machine_rtc(Machine *m);

/* Interrupt lines, with the lock held.  @line 0-15 is an ISA IRQ: it goes
 * to the i8259 pair and to the IOAPIC (IRQ 0 on pin 2, as the MADT's
 * override says); 16-23 is a GSI on the IOAPIC only (PCI INTx). */
void machine_irq_set(Machine *m, int line, int level);
/* An MSI message (address/data as written by a PCI device), lock held. */
void machine_msi_send(Machine *m, uint64_t addr, uint32_t data);
/* ACPI power button press: the guest decides.  Control channel
 * "powerdown" (@reboot false): its power-off ends the VMM, and a pending
 * reboot is cancelled.  "reboot" (@reboot true), as libvirt reboots a
 * QEMU guest: the guest's power-off that follows resets the machine
 * instead (VCPU_EXIT_RESET: the firmware or kernel boots again, or exit 3
 * under --no-reboot), pending until the machine resets or the next
 * press. */
void machine_power_button(Machine *m, bool reboot);

/* The status the guest asked isa-debug-exit for ((value << 1) | 1, 8
 * bits), after VCPU_EXIT_DEBUG_EXIT; -1 if none (or not a test machine). */
int machine_debug_exit_status(Machine *m);

/* Reset every device to its power-on state (for reboot in place). */
void machine_reset_devices(Machine *m);

/* ---- vCPUs and running -------------------------------------------- */
void machine_set_backend(Machine *m, const CpuBackendOps *ops);
const CpuBackendOps *machine_backend(const Machine *m);
/* Queue register state for vCPU @v; its thread applies it before it next
 * runs (the CPU backend's set_regs/set_sregs). */
void vcpu_queue_regs(Vcpu *v, const VcpuRegs *regs, const VcpuSregs *sregs);
/* Apply queued registers now (on the vCPU's own thread); 0 or -errno. */
int vcpu_apply_queued_regs(Vcpu *v);
/* Put an AP back into wait-for-SIPI (at boot and reboot). */
void vcpu_set_wait_for_sipi(Vcpu *v, bool wait);
/* Wake the vCPU from vcpu_wait_event and make its run() return. */
void machine_vcpu_kick(Vcpu *v);
/* Sum of CPU time of the vCPU threads so far (ns). */
uint64_t machine_cpu_time_ns(Machine *m);


/* ---- crashes (machine_crash.c) -------------------------------------- */
typedef struct {
    int vcpu;
    VcpuCrash why;
    bool have_regs;
    VcpuRegs regs;
    VcpuSregs sregs;
} MachineCrash;
/* The first vCPU crash since start (or machine_crash_clear); FALSE if none. */
bool machine_crash_info(Machine *m, MachineCrash *out);
void machine_crash_clear(Machine *m);
/* One line: "triple fault, vector 13 (#GP) error code 0x43, vCPU 0,
 * rip=0x... cr0=0x... cr2=0x... cr3=0x... cr4=0x..." (g_free it). */
char *machine_crash_describe(const MachineCrash *c);
/* "#GP" for 13 etc., NULL for vectors without a mnemonic. */
const char *machine_exception_name(int vector);

/* ---- running (machine_run.c) ---------------------------------------- */
/* Create the backend's VM and vCPUs (machine_set_backend first). */
gboolean machine_backend_init(Machine *m, GError **error);
/* Stops the device timers for good, then destroys the vCPUs and the VM. */
void machine_backend_fini(Machine *m);
/* Start one thread per vCPU.  @on_exit is called on a vCPU thread for
 * every exit that is not VCPU_EXIT_KICKED (SHUTDOWN/RESET/CRASH, or a
 * negative -errno host error); the machine keeps running the others, so
 * the handler decides (usually by telling the main loop). */
gboolean machine_run_start(Machine *m, void (*on_exit)(void *opaque, int vcpu_exit),
                           void *opaque, GError **error);
/* Stop and join all vCPU threads.  False if one did not stop within a
 * deadline (then the machine must not be freed: that thread may still
 * touch it; the process should just exit). */
bool machine_run_stop(Machine *m);
MachineState machine_state(Machine *m);
void machine_set_state(Machine *m, MachineState s);
/* Park every vCPU thread outside the CPU (returns once all are parked),
 * and let them go again. */
void machine_park(Machine *m);
void machine_unpark(Machine *m);
#endif
