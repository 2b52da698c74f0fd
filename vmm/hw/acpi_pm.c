/* acpi_pm.c - ACPI PM1a event/control, PM timer and reset register.
 *
 * SMI_CMD is 0 in the FADT, so the hardware is always in ACPI mode and
 * SCI_EN reads as 1.  PM1_STS bits are write-one-to-clear; the SCI is a
 * level interrupt asserted while any enabled status bit is set (power
 * button only: the timer overflow event is not generated).  Writing
 * SLP_EN with SLP_TYP = 5 (our \_S5) powers the machine off; other sleep
 * types are ignored since we have no S1-S4.  Armed by
 * acpi_pm_set_s5_reset() (control channel `reboot`), the S5 request
 * resets the machine instead of powering it off, once: the guest shuts
 * down cleanly and the firmware boots it again.  The PM timer is the machine
 * clock at 3.579545 MHz, 24 bits wide. */
#include "config.h"

#include "vmm/hw/acpi_pm.h"
#include "vmm/timer.h"

#include <stdlib.h>

#define PM1_TMR_STS 0x0001
#define PM1_PWRBTN_STS 0x0100
#define PM1_WAK_STS 0x8000
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_EN 0x2000
#define PM1_CNT_SLP_TYP_SHIFT 10

struct AcpiPm {
    IrqLine sci;
    int shutdown_exit, reset_exit;
    uint16_t sts, en, cnt;
    int sci_level;
    bool s5_reset;               /* the next S5 resets (reboot) */
};

static void acpi_pm_update_sci(AcpiPm *pm)
{
    int level = (pm->cnt & PM1_CNT_SCI_EN) && (pm->sts & pm->en & PM1_PWRBTN_STS);
    if (level != pm->sci_level) {
        pm->sci_level = level;
        irq_line_set(&pm->sci, level);
    }
}

void acpi_pm_reset(AcpiPm *pm)
{
    pm->sts = 0;
    pm->en = 0;
    pm->cnt = PM1_CNT_SCI_EN;
    pm->s5_reset = false;
    acpi_pm_update_sci(pm);
}

AcpiPm *acpi_pm_create(const IrqLine *sci, int shutdown_exit, int reset_exit)
{
    AcpiPm *pm = calloc(1, sizeof(*pm));
    if (!pm)
        return NULL;
    if (sci)
        pm->sci = *sci;
    pm->shutdown_exit = shutdown_exit;
    pm->reset_exit = reset_exit;
    acpi_pm_reset(pm);
    return pm;
}

void acpi_pm_destroy(AcpiPm *pm)
{
    free(pm);
}

void acpi_pm_power_button(AcpiPm *pm)
{
    pm->sts |= PM1_PWRBTN_STS;
    acpi_pm_update_sci(pm);
}

void acpi_pm_set_s5_reset(AcpiPm *pm, bool reset)
{
    pm->s5_reset = reset;
}

bool acpi_pm_s5_reset(const AcpiPm *pm)
{
    return pm->s5_reset;
}

static uint32_t acpi_pm_timer(void)
{
    uint64_t ns = (uint64_t)vclock_ns();
    return (uint32_t)((unsigned __int128)ns * ACPI_PM_TIMER_HZ / 1000000000u) & 0xffffff;
}

/* Byte @i of the block as the guest sees it. */
static uint8_t acpi_pm_byte(AcpiPm *pm, unsigned i, uint32_t tmr)
{
    switch (i) {
    case 0: return pm->sts;
    case 1: return pm->sts >> 8;
    case 2: return pm->en;
    case 3: return pm->en >> 8;
    case 4: return pm->cnt & ~PM1_CNT_SLP_EN;
    case 5: return (pm->cnt & ~PM1_CNT_SLP_EN) >> 8;
    case 8: return tmr;
    case 9: return tmr >> 8;
    case 10: return tmr >> 16;
    default: return 0;
    }
}

uint64_t acpi_pm_read(void *opaque, uint64_t offset, unsigned size)
{
    AcpiPm *pm = opaque;
    uint32_t tmr = acpi_pm_timer();
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)acpi_pm_byte(pm, offset + i, tmr) << (8 * i);
    return v;
}

int acpi_pm_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    AcpiPm *pm = opaque;
    int ret = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned o = offset + i;
        uint8_t b = val >> (8 * i);
        switch (o) {
        case 0:
            pm->sts &= ~b;
            break;
        case 1:
            pm->sts &= ~((uint16_t)b << 8);
            break;
        case 2:
            pm->en = (pm->en & 0xff00) | b;
            break;
        case 3:
            pm->en = (pm->en & 0x00ff) | ((uint16_t)b << 8);
            break;
        case 4:
            pm->cnt = (pm->cnt & 0xff00) | b | PM1_CNT_SCI_EN;
            break;
        case 5:
            pm->cnt = (pm->cnt & 0x00ff) | ((uint16_t)b << 8);
            if (pm->cnt & PM1_CNT_SLP_EN) {
                int typ = (pm->cnt >> PM1_CNT_SLP_TYP_SHIFT) & 7;
                pm->cnt &= ~PM1_CNT_SLP_EN;
                if (typ == ACPI_S5_SLP_TYP)
                    ret = pm->s5_reset ? pm->reset_exit : pm->shutdown_exit;
            }
            break;
        case ACPI_RESET_OFF:
            if (b == ACPI_RESET_VALUE)
                ret = pm->reset_exit;
            break;
        default:
            break;
        }
    }
    acpi_pm_update_sci(pm);
    return ret;
}

static const IoOps acpi_pm_ops = { acpi_pm_read, acpi_pm_write, IO_SIZES_UP_TO_32 };

int acpi_pm_attach(AcpiPm *pm, IoBus *bus)
{
    return io_bus_register(bus, IO_SPACE_PIO, ACPI_PM_BASE, ACPI_PM_LEN, &acpi_pm_ops, pm);
}
