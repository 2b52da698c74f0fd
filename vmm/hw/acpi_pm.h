/* acpi_pm.h - ACPI fixed hardware: PM1a event and control blocks, the PM
 * timer and the reset register, all in one I/O block (see ACPI_PM_*), with
 * the SCI on an IrqLine.  The FADT (vmm/acpi/) describes exactly these. */
#ifndef VESSEL_HW_ACPI_PM_H
#define VESSEL_HW_ACPI_PM_H

#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"

#include <stdbool.h>

#define ACPI_PM_BASE 0x600
#define ACPI_PM1_EVT_OFF 0x0     /* 4 bytes: PM1_STS, PM1_EN */
#define ACPI_PM1_CNT_OFF 0x4     /* 2 bytes */
#define ACPI_PM_TMR_OFF 0x8      /* 4 bytes, 24-bit counter */
#define ACPI_RESET_OFF 0xc       /* 1 byte */
#define ACPI_PM_LEN 0x10
#define ACPI_RESET_VALUE 0x01
#define ACPI_S5_SLP_TYP 5
#define ACPI_SCI_IRQ 9
#define ACPI_PM_TIMER_HZ 3579545

typedef struct AcpiPm AcpiPm;

/* Writes asking for S5 return @shutdown_exit, the reset register returns
 * @reset_exit (VcpuExit values). */
AcpiPm *acpi_pm_create(const IrqLine *sci, int shutdown_exit, int reset_exit);
void acpi_pm_destroy(AcpiPm *pm);
void acpi_pm_reset(AcpiPm *pm);
int acpi_pm_attach(AcpiPm *pm, IoBus *bus);
/* Press the fixed power button: PWRBTN_STS, SCI if enabled. */
void acpi_pm_power_button(AcpiPm *pm);
/* What the guest's next S5 request does: @reset true makes it return
 * reset_exit instead of shutdown_exit (a reboot through the power
 * button, as libvirt's reboot of a QEMU guest); acpi_pm_reset() clears
 * it, so it holds until the machine resets, however that comes. */
void acpi_pm_set_s5_reset(AcpiPm *pm, bool reset);
bool acpi_pm_s5_reset(const AcpiPm *pm);
uint64_t acpi_pm_read(void *opaque, uint64_t offset, unsigned size);
int acpi_pm_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);

#endif
