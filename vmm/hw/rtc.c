/* rtc.c - CMOS real-time clock (MC146818).
 *
 * The clock is the host's CLOCK_REALTIME plus an offset that changes when
 * the guest sets the time (register B SET bit: writes go to the CMOS bytes,
 * clearing SET turns them into the new offset).  Reads format the current
 * time in BCD or binary, 12- or 24-hour, per register B.  Register A's UIP
 * bit is set during the last 244 us of each second, as on the real chip,
 * so Linux's "wait for UIP to drop" loop terminates.
 *
 * Interrupts (IRQ 8), register C flags and B enables as in the datasheet:
 * C.IRQF = PF.PIE | AF.AIE | UF.UIE, recomputed when B changes; reading C
 * clears it and lowers the line.
 *   periodic  register A rate, PF while B.PIE is set (the timer only runs
 *             while PIE is set: PF is not raised for polling);
 *   update    UF at each second boundary (the host's, so guest seconds tick
 *             in step with the host clock); the update timer runs only while
 *             B.UIE or B.AIE is set; otherwise a read of C reports UF if a
 *             second boundary passed since the last update, for pollers;
 *   alarm     AF at an update whose seconds/minutes/hours match registers
 *             1/3/5, a value with both top bits set (0xc0-0xff) matching
 *             anything.
 * No updates happen while B.SET is set (setting it also clears B.UIE) or
 * while register A holds the divider in reset (DV != 010). */
#include "config.h"

#include "vmm/hw/rtc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    RTC_SEC = 0, RTC_SEC_ALARM = 1, RTC_MIN = 2, RTC_MIN_ALARM = 3,
    RTC_HOUR_ALARM = 5, RTC_HOUR = 4, RTC_WDAY = 6, RTC_MDAY = 7,
    RTC_MON = 8, RTC_YEAR = 9, RTC_REG_A = 10, RTC_REG_B = 11,
    RTC_REG_C = 12, RTC_REG_D = 13, RTC_CENTURY = 0x32,
};

#define REG_A_UIP 0x80
#define REG_A_DV 0x70
#define REG_A_DV_NORMAL 0x20     /* 32.768 kHz time base, divider running */
#define REG_B_SET 0x80
#define REG_B_PIE 0x40
#define REG_B_AIE 0x20
#define REG_B_UIE 0x10
#define REG_B_DM 0x04
#define REG_B_24H 0x02
#define REG_C_IRQF 0x80
#define REG_C_PF 0x40
#define REG_C_AF 0x20
#define REG_C_UF 0x10
#define REG_C_FLAGS (REG_C_PF | REG_C_AF | REG_C_UF) /* same bits as the B enables */
#define ALARM_DONT_CARE 0xc0

struct CmosRtc {
    uint8_t cmos[128];
    uint8_t index;
    int64_t offset_s;        /* guest time minus host time */
    IrqLine irq;
    MachineTimer *periodic;
    MachineTimer *update;
    int64_t update_s;        /* host second the armed update completes into */
    int64_t last_update_s;   /* host second of the last update */
};

static uint8_t rtc_to_bcd(const CmosRtc *rtc, int v)
{
    return (rtc->cmos[RTC_REG_B] & REG_B_DM) ? v : ((v / 10) << 4) | (v % 10);
}

static int rtc_from_bcd(const CmosRtc *rtc, uint8_t v)
{
    return (rtc->cmos[RTC_REG_B] & REG_B_DM) ? v : (v >> 4) * 10 + (v & 15);
}

static void rtc_host_now(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
}

/* Format guest time @t into the CMOS time bytes. */
static void rtc_store_time(CmosRtc *rtc, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    rtc->cmos[RTC_SEC] = rtc_to_bcd(rtc, tm.tm_sec);
    rtc->cmos[RTC_MIN] = rtc_to_bcd(rtc, tm.tm_min);
    if (rtc->cmos[RTC_REG_B] & REG_B_24H) {
        rtc->cmos[RTC_HOUR] = rtc_to_bcd(rtc, tm.tm_hour);
    } else {
        int h = tm.tm_hour % 12;
        rtc->cmos[RTC_HOUR] = rtc_to_bcd(rtc, h ? h : 12) | (tm.tm_hour >= 12 ? 0x80 : 0);
    }
    rtc->cmos[RTC_WDAY] = rtc_to_bcd(rtc, tm.tm_wday + 1);
    rtc->cmos[RTC_MDAY] = rtc_to_bcd(rtc, tm.tm_mday);
    rtc->cmos[RTC_MON] = rtc_to_bcd(rtc, tm.tm_mon + 1);
    rtc->cmos[RTC_YEAR] = rtc_to_bcd(rtc, tm.tm_year % 100);
    rtc->cmos[RTC_CENTURY] = rtc_to_bcd(rtc, (tm.tm_year + 1900) / 100);
}

/* Format the current guest time into the CMOS time bytes. */
static void rtc_latch_time(CmosRtc *rtc)
{
    struct timespec ts;
    rtc_host_now(&ts);
    rtc_store_time(rtc, ts.tv_sec + rtc->offset_s);
}

/* The guest finished setting the time: derive the new offset. */
static void rtc_commit_time(CmosRtc *rtc)
{
    struct tm tm = { 0 };
    int hour_byte = rtc->cmos[RTC_HOUR];
    tm.tm_sec = rtc_from_bcd(rtc, rtc->cmos[RTC_SEC]);
    tm.tm_min = rtc_from_bcd(rtc, rtc->cmos[RTC_MIN]);
    if (rtc->cmos[RTC_REG_B] & REG_B_24H) {
        tm.tm_hour = rtc_from_bcd(rtc, hour_byte);
    } else {
        tm.tm_hour = rtc_from_bcd(rtc, hour_byte & 0x7f) % 12;
        if (hour_byte & 0x80)
            tm.tm_hour += 12;
    }
    tm.tm_mday = rtc_from_bcd(rtc, rtc->cmos[RTC_MDAY]);
    tm.tm_mon = rtc_from_bcd(rtc, rtc->cmos[RTC_MON]) - 1;
    tm.tm_year = rtc_from_bcd(rtc, rtc->cmos[RTC_CENTURY]) * 100 +
                 rtc_from_bcd(rtc, rtc->cmos[RTC_YEAR]) - 1900;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return; /* nonsense date from the guest: keep the old time */
    struct timespec ts;
    rtc_host_now(&ts);
    rtc->offset_s = (int64_t)t - ts.tv_sec;
}

static int64_t rtc_period_ns(const CmosRtc *rtc)
{
    int rate = rtc->cmos[RTC_REG_A] & 15;
    if (!rate)
        return 0;
    if (rate <= 2)
        rate += 7;
    return (int64_t)(1 << (rate - 1)) * 1000000000 / 32768;
}

/* C.IRQF from the flags and their enables, and the line from C.IRQF. */
static void rtc_update_irq(CmosRtc *rtc)
{
    uint8_t *c = &rtc->cmos[RTC_REG_C];
    if (*c & rtc->cmos[RTC_REG_B] & REG_C_FLAGS)
        *c |= REG_C_IRQF;
    else
        *c &= ~REG_C_IRQF;
    irq_line_set(&rtc->irq, !!(*c & REG_C_IRQF));
}

/* The update cycle runs: not being set, divider not in reset. */
static bool rtc_running(const CmosRtc *rtc)
{
    return !(rtc->cmos[RTC_REG_B] & REG_B_SET) &&
           (rtc->cmos[RTC_REG_A] & REG_A_DV) == REG_A_DV_NORMAL;
}

/* Arm the update timer for the next host second boundary while someone
 * wants update or alarm interrupts. */
static void rtc_arm_update(CmosRtc *rtc)
{
    if (!rtc_running(rtc) || !(rtc->cmos[RTC_REG_B] & (REG_B_UIE | REG_B_AIE))) {
        timer_del(rtc->update);
        return;
    }
    if (timer_pending(rtc->update))
        return;
    struct timespec ts;
    rtc_host_now(&ts);
    int64_t target = (int64_t)ts.tv_sec + 1;
    if (target <= rtc->last_update_s)
        target = rtc->last_update_s + 1; /* an update already ran for it */
    int64_t delay = (target - ts.tv_sec) * 1000000000 - ts.tv_nsec;
    rtc->update_s = target;
    timer_mod(rtc->update, vclock_ns() + delay);
}

static bool rtc_alarm_match(uint8_t alarm, uint8_t now)
{
    return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == now;
}

/* One update cycle completes: the time becomes update_s, UF, maybe AF. */
static void rtc_update_fire(void *opaque, int64_t now)
{
    (void)now;
    CmosRtc *rtc = opaque;
    rtc->last_update_s = rtc->update_s;
    rtc_store_time(rtc, rtc->update_s + rtc->offset_s);
    uint8_t *cmos = rtc->cmos;
    cmos[RTC_REG_C] |= REG_C_UF;
    if (rtc_alarm_match(cmos[RTC_SEC_ALARM], cmos[RTC_SEC]) &&
        rtc_alarm_match(cmos[RTC_MIN_ALARM], cmos[RTC_MIN]) &&
        rtc_alarm_match(cmos[RTC_HOUR_ALARM], cmos[RTC_HOUR]))
        cmos[RTC_REG_C] |= REG_C_AF;
    rtc_update_irq(rtc);
    rtc_arm_update(rtc);
}

/* Nobody runs the update timer: report UF to a guest polling C if a
 * second boundary passed since the last update. */
static void rtc_poll_update(CmosRtc *rtc)
{
    if (timer_pending(rtc->update) || !rtc_running(rtc))
        return;
    struct timespec ts;
    rtc_host_now(&ts);
    if (ts.tv_sec > rtc->last_update_s) {
        if (rtc->last_update_s)
            rtc->cmos[RTC_REG_C] |= REG_C_UF;
        rtc->last_update_s = ts.tv_sec;
    }
}

static void rtc_arm_periodic(CmosRtc *rtc, int64_t now)
{
    int64_t period = rtc_period_ns(rtc);
    if (period && (rtc->cmos[RTC_REG_B] & REG_B_PIE))
        timer_mod(rtc->periodic, now + period);
    else
        timer_del(rtc->periodic);
}

static void rtc_periodic_fire(void *opaque, int64_t now)
{
    CmosRtc *rtc = opaque;
    rtc->cmos[RTC_REG_C] |= REG_C_PF;
    rtc_update_irq(rtc);
    rtc_arm_periodic(rtc, now);
}

void rtc_reset(CmosRtc *rtc)
{
    rtc->cmos[RTC_REG_A] = 0x26;          /* 32.768 kHz divider, 1024 Hz rate */
    rtc->cmos[RTC_REG_B] = REG_B_24H;
    rtc->cmos[RTC_REG_C] = 0;
    rtc->cmos[RTC_REG_D] = 0x80;          /* valid RAM and time */
    rtc->index = 0;
    timer_del(rtc->periodic);
    timer_del(rtc->update);
    rtc->last_update_s = 0;
    rtc_update_irq(rtc);
}

CmosRtc *rtc_create(TimerList *tl, const IrqLine *irq8)
{
    CmosRtc *rtc = calloc(1, sizeof(*rtc));
    if (!rtc)
        return NULL;
    if (irq8)
        rtc->irq = *irq8;
    rtc->periodic = timer_new(tl, rtc_periodic_fire, rtc);
    rtc->update = timer_new(tl, rtc_update_fire, rtc);
    if (!rtc->periodic || !rtc->update) {
        rtc_destroy(rtc);
        return NULL;
    }
    rtc_reset(rtc);
    return rtc;
}

void rtc_destroy(CmosRtc *rtc)
{
    if (!rtc)
        return;
    timer_free(rtc->periodic);
    timer_free(rtc->update);
    free(rtc);
}

void rtc_cmos_set(CmosRtc *rtc, unsigned index, uint8_t value)
{
    if (index < sizeof(rtc->cmos))
        rtc->cmos[index] = value;
}

static bool rtc_is_time_reg(unsigned i)
{
    return i <= RTC_YEAR || i == RTC_CENTURY;
}

uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    CmosRtc *rtc = opaque;
    if (offset == 0)
        return 0xff; /* the index register is write-only */
    unsigned i = rtc->index;
    if (rtc_is_time_reg(i) && !(rtc->cmos[RTC_REG_B] & REG_B_SET))
        rtc_latch_time(rtc);
    if (i == RTC_REG_A) {
        struct timespec ts;
        rtc_host_now(&ts);
        uint8_t a = rtc->cmos[RTC_REG_A] & ~REG_A_UIP;
        if (ts.tv_nsec >= 1000000000 - 244000 && !(rtc->cmos[RTC_REG_B] & REG_B_SET))
            a |= REG_A_UIP;
        return a;
    }
    if (i == RTC_REG_C) {
        rtc_poll_update(rtc);
        rtc_update_irq(rtc);
        uint8_t c = rtc->cmos[RTC_REG_C];
        rtc->cmos[RTC_REG_C] = 0;
        rtc_update_irq(rtc);
        return c;
    }
    return rtc->cmos[i];
}

int rtc_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)size;
    CmosRtc *rtc = opaque;
    if (offset == 0) {
        rtc->index = val & 0x7f; /* bit 7 is the NMI mask: no NMIs here */
        return 0;
    }
    unsigned i = rtc->index;
    switch (i) {
    case RTC_REG_A:
        rtc->cmos[i] = (rtc->cmos[i] & REG_A_UIP) | (val & 0x7f);
        rtc_arm_periodic(rtc, vclock_ns());
        rtc_arm_update(rtc);
        break;
    case RTC_REG_B: {
        bool was_set = rtc->cmos[i] & REG_B_SET;
        if (!was_set && (val & REG_B_SET))
            rtc_latch_time(rtc); /* freeze the current time for editing */
        if (val & REG_B_SET)
            val &= ~REG_B_UIE; /* datasheet: SET clears UIE */
        rtc->cmos[i] = val;
        if (was_set && !(val & REG_B_SET))
            rtc_commit_time(rtc);
        rtc_update_irq(rtc);
        rtc_arm_periodic(rtc, vclock_ns());
        rtc_arm_update(rtc);
        break;
    }
    case RTC_REG_C:
    case RTC_REG_D:
        break; /* read-only */
    default:
        if (rtc_is_time_reg(i) && !(rtc->cmos[RTC_REG_B] & REG_B_SET)) {
            rtc_latch_time(rtc); /* change one field of the running clock */
            rtc->cmos[i] = val;
            rtc_commit_time(rtc);
        } else {
            rtc->cmos[i] = val;
        }
        break;
    }
    return 0;
}

static const IoOps rtc_ops = { rtc_read, rtc_write, IO_SIZES_8BIT };

int rtc_attach(CmosRtc *rtc, IoBus *bus)
{
    return io_bus_register(bus, IO_SPACE_PIO, 0x70, 2, &rtc_ops, rtc);
}
