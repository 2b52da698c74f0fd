/* rtc.h - MC146818-style CMOS RTC at 0x70/0x71 (IRQ 8), time from the host. */
#ifndef VESSEL_HW_RTC_H
#define VESSEL_HW_RTC_H

#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"
#include "vmm/timer.h"

typedef struct CmosRtc CmosRtc;

CmosRtc *rtc_create(TimerList *tl, const IrqLine *irq8);
void rtc_destroy(CmosRtc *rtc);
void rtc_reset(CmosRtc *rtc);
int rtc_attach(CmosRtc *rtc, IoBus *bus);
/* CMOS byte @index (0-127) for firmware-style data the machine sets up. */
void rtc_cmos_set(CmosRtc *rtc, unsigned index, uint8_t value);
uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size);
int rtc_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);

#endif
