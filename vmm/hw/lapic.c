/* lapic.c - local APIC.
 *
 * Registers live in an array indexed by offset >> 4 (the same index is the
 * x2APIC MSR number minus 0x800), with IRR/ISR/TMR kept as 8x32-bit
 * bitmaps.  PPR is derived from TPR and the highest in-service vector.
 * The timer runs on the machine clock at LAPIC_TIMER_HZ / divider, in
 * one-shot, periodic and TSC-deadline modes; its current count is computed
 * from the start time rather than ticked.  ICR writes become ApicMessages
 * handed to the machine; INIT and SIPI are accepted here and reported back
 * so the machine can reset or start the CPU. */
#include "config.h"

#include "vmm/hw/lapic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    R_ID = 0x02, R_VERSION = 0x03, R_TPR = 0x08, R_APR = 0x09, R_PPR = 0x0a,
    R_EOI = 0x0b, R_RRD = 0x0c, R_LDR = 0x0d, R_DFR = 0x0e, R_SVR = 0x0f,
    R_ISR = 0x10, R_TMR = 0x18, R_IRR = 0x20, R_ESR = 0x28, R_LVT_CMCI = 0x2f,
    R_ICR_LO = 0x30, R_ICR_HI = 0x31, R_LVT_TIMER = 0x32, R_LVT_THERMAL = 0x33,
    R_LVT_PERF = 0x34, R_LVT_LINT0 = 0x35, R_LVT_LINT1 = 0x36,
    R_LVT_ERROR = 0x37, R_TIMER_INIT = 0x38, R_TIMER_CUR = 0x39,
    R_TIMER_DIV = 0x3e, R_SELF_IPI = 0x3f, R_NR = 0x40,
};

#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE(v) (((v) >> 17) & 3)
#define TIMER_ONESHOT 0
#define TIMER_PERIODIC 1
#define TIMER_TSC_DEADLINE 2
#define SVR_ENABLE (1u << 8)
#define SVR_NO_EOI_BROADCAST (1u << 12)

struct Lapic {
    uint32_t reg[R_NR];
    uint32_t irr[8], isr[8], tmr[8];
    uint64_t base_msr;
    uint32_t id;             /* x2APIC id; xAPIC view is id << 24 */
    bool bsp;
    bool nmi;
    int sipi_vector;
    LapicHost host;
    MachineTimer *timer;
    int64_t timer_start_ns;
    uint64_t tsc_deadline;
};

static bool lapic_x2(const Lapic *l)
{
    return l->base_msr & APIC_BASE_EXTD;
}

static bool lapic_hw_enabled(const Lapic *l)
{
    return l->base_msr & APIC_BASE_ENABLE;
}

static bool lapic_sw_enabled(const Lapic *l)
{
    return l->reg[R_SVR] & SVR_ENABLE;
}

static int bitmap_highest(const uint32_t *map)
{
    for (int i = 7; i >= 0; i--)
        if (map[i])
            return i * 32 + 31 - __builtin_clz(map[i]);
    return -1;
}

static void bitmap_set(uint32_t *map, int bit)
{
    map[bit >> 5] |= 1u << (bit & 31);
}

static void bitmap_clear(uint32_t *map, int bit)
{
    map[bit >> 5] &= ~(1u << (bit & 31));
}

static bool bitmap_test(const uint32_t *map, int bit)
{
    return map[bit >> 5] & (1u << (bit & 31));
}

static uint32_t lapic_ppr(const Lapic *l)
{
    uint32_t tpr = l->reg[R_TPR] & 0xff;
    int isrv = bitmap_highest(l->isr);
    if (isrv < 0)
        isrv = 0;
    return (tpr >> 4) >= ((uint32_t)isrv >> 4) ? tpr : (isrv & 0xf0);
}

static void lapic_changed(Lapic *l)
{
    if (l->host.changed)
        l->host.changed(l->host.opaque, l);
}

static void lapic_set_irr(Lapic *l, int vector, bool level)
{
    if (vector < 16)
        return; /* illegal vector: would set ESR; dropped */
    bitmap_set(l->irr, vector);
    if (level)
        bitmap_set(l->tmr, vector);
    else
        bitmap_clear(l->tmr, vector);
}

/* ---- timer --------------------------------------------------------- */

static uint32_t lapic_timer_divisor(const Lapic *l)
{
    uint32_t d = l->reg[R_TIMER_DIV];
    uint32_t v = (d & 3) | ((d >> 1) & 4);
    return v == 7 ? 1 : 2u << v;
}

static int64_t lapic_timer_period_ns(const Lapic *l)
{
    return (int64_t)l->reg[R_TIMER_INIT] * lapic_timer_divisor(l) *
           (int64_t)(1000000000ull / LAPIC_TIMER_HZ);
}

static void lapic_timer_arm(Lapic *l, int64_t now)
{
    uint32_t lvt = l->reg[R_LVT_TIMER];
    int mode = LVT_TIMER_MODE(lvt);
    if (mode == TIMER_TSC_DEADLINE)
        return; /* armed by lapic_set_tsc_deadline */
    int64_t period = lapic_timer_period_ns(l);
    if (!period) {
        timer_del(l->timer);
        return;
    }
    int64_t end = l->timer_start_ns + period;
    if (mode == TIMER_PERIODIC && end <= now) {
        int64_t n = (now - l->timer_start_ns) / period;
        l->timer_start_ns += n * period;
        end = l->timer_start_ns + period;
    } else if (end <= now && mode == TIMER_ONESHOT) {
        timer_del(l->timer);
        return;
    }
    timer_mod(l->timer, end);
}

static void lapic_timer_fire(void *opaque, int64_t now)
{
    Lapic *l = opaque;
    uint32_t lvt = l->reg[R_LVT_TIMER];
    int mode = LVT_TIMER_MODE(lvt);
    if (!(lvt & LVT_MASKED) && lapic_sw_enabled(l))
        lapic_set_irr(l, lvt & 0xff, false);
    if (mode == TIMER_PERIODIC) {
        l->timer_start_ns += lapic_timer_period_ns(l);
        lapic_timer_arm(l, now);
    } else if (mode == TIMER_TSC_DEADLINE) {
        l->tsc_deadline = 0;
    }
    lapic_changed(l);
}

static uint32_t lapic_timer_current(const Lapic *l)
{
    int mode = LVT_TIMER_MODE(l->reg[R_LVT_TIMER]);
    int64_t period = lapic_timer_period_ns(l);
    if (mode == TIMER_TSC_DEADLINE || !period)
        return 0;
    int64_t elapsed = vclock_ns() - l->timer_start_ns;
    if (elapsed < 0)
        elapsed = 0;
    if (mode == TIMER_PERIODIC)
        elapsed %= period;
    else if (elapsed >= period)
        return 0;
    int64_t tick_ns = lapic_timer_divisor(l) * (int64_t)(1000000000ull / LAPIC_TIMER_HZ);
    return l->reg[R_TIMER_INIT] - (uint32_t)(elapsed / tick_ns);
}

void lapic_set_tsc_deadline(Lapic *l, uint64_t raw, int64_t deadline_ns)
{
    if (LVT_TIMER_MODE(l->reg[R_LVT_TIMER]) != TIMER_TSC_DEADLINE)
        return; /* ignored outside TSC-deadline mode */
    l->tsc_deadline = raw;
    if (raw)
        timer_mod(l->timer, deadline_ns);
    else
        timer_del(l->timer);
}

uint64_t lapic_tsc_deadline(const Lapic *l)
{
    if (LVT_TIMER_MODE(l->reg[R_LVT_TIMER]) != TIMER_TSC_DEADLINE)
        return 0;
    return l->tsc_deadline;
}

/* ---- life cycle ---------------------------------------------------- */

void lapic_reset(Lapic *l)
{
    memset(l->reg, 0, sizeof(l->reg));
    memset(l->irr, 0, sizeof(l->irr));
    memset(l->isr, 0, sizeof(l->isr));
    memset(l->tmr, 0, sizeof(l->tmr));
    l->base_msr = LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE | (l->bsp ? APIC_BASE_BSP : 0);
    l->reg[R_VERSION] = 0x00050014;  /* version 0x14, 6 LVT entries */
    l->reg[R_DFR] = 0xffffffff;
    l->reg[R_SVR] = 0xff;
    for (int r = R_LVT_TIMER; r <= R_LVT_ERROR; r++)
        l->reg[r] = LVT_MASKED;
    l->reg[R_LVT_CMCI] = LVT_MASKED;
    if (l->bsp) {
        /* What firmware leaves for the OS: virtual wire mode, PIC through
         * LINT0 as ExtINT and NMI on LINT1. */
        l->reg[R_LVT_LINT0] = APIC_DM_EXTINT << 8;
        l->reg[R_LVT_LINT1] = APIC_DM_NMI << 8;
    }
    l->nmi = false;
    l->sipi_vector = -1;
    l->tsc_deadline = 0;
    timer_del(l->timer);
    lapic_changed(l);
}

Lapic *lapic_create(TimerList *tl, uint32_t apic_id, bool bsp, const LapicHost *host)
{
    Lapic *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    l->id = apic_id;
    l->bsp = bsp;
    if (host)
        l->host = *host;
    l->timer = timer_new(tl, lapic_timer_fire, l);
    if (!l->timer) {
        free(l);
        return NULL;
    }
    lapic_reset(l);
    return l;
}

void lapic_destroy(Lapic *l)
{
    if (!l)
        return;
    timer_free(l->timer);
    free(l);
}

uint32_t lapic_id(const Lapic *l)
{
    return l->id;
}

bool lapic_is_bsp(const Lapic *l)
{
    return l->bsp;
}

uint64_t lapic_base_msr(const Lapic *l)
{
    return l->base_msr;
}

int lapic_set_base_msr(Lapic *l, uint64_t val)
{
    if (val & ~(0x000ffffffffff000ull | APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_ENABLE))
        return -EINVAL;
    bool en = val & APIC_BASE_ENABLE, x2 = val & APIC_BASE_EXTD;
    if (x2 && !en)
        return -EINVAL;
    if (lapic_x2(l) && en && !x2)
        return -EINVAL; /* x2APIC -> xAPIC needs a trip through disabled */
    val = (val & ~APIC_BASE_BSP) | (l->bsp ? APIC_BASE_BSP : 0);
    bool was_enabled = lapic_hw_enabled(l);
    l->base_msr = val;
    if (was_enabled && !en) {
        uint64_t keep = l->base_msr;
        lapic_reset(l);
        l->base_msr = keep;
    }
    if (x2)
        l->reg[R_LDR] = ((l->id >> 4) << 16) | (1u << (l->id & 15));
    lapic_changed(l);
    return 0;
}

bool lapic_mmio_claims(const Lapic *l, uint64_t gpa)
{
    uint64_t base = l->base_msr & 0x000ffffffffff000ull;
    return lapic_hw_enabled(l) && !lapic_x2(l) && gpa - base < 0x1000;
}

/* ---- register access ----------------------------------------------- */

static uint32_t lapic_reg_read(Lapic *l, unsigned r)
{
    if (r >= R_NR)
        return 0;
    switch (r) {
    case R_ID:
        return lapic_x2(l) ? l->id : l->id << 24;
    case R_PPR:
        return lapic_ppr(l);
    case R_TIMER_CUR:
        return lapic_timer_current(l);
    case R_EOI:
    case R_SELF_IPI:
        return 0;
    }
    if (r >= R_ISR && r < R_ISR + 8)
        return l->isr[r - R_ISR];
    if (r >= R_TMR && r < R_TMR + 8)
        return l->tmr[r - R_TMR];
    if (r >= R_IRR && r < R_IRR + 8)
        return l->irr[r - R_IRR];
    return l->reg[r];
}

static void lapic_eoi(Lapic *l)
{
    int v = bitmap_highest(l->isr);
    if (v < 0)
        return;
    bitmap_clear(l->isr, v);
    if (bitmap_test(l->tmr, v) && !(l->reg[R_SVR] & SVR_NO_EOI_BROADCAST) &&
        l->host.eoi)
        l->host.eoi(l->host.opaque, v);
    lapic_changed(l);
}

static void lapic_send_icr(Lapic *l, uint32_t lo, uint32_t dest)
{
    ApicMessage msg = {
        .dest = dest,
        .logical = lo & (1u << 11),
        .mode = (lo >> 8) & 7,
        .vector = lo & 0xff,
        .assert = lo & (1u << 14),
        .level_trigger = lo & (1u << 15),
        .shorthand = (lo >> 18) & 3,
    };
    if (l->host.send_ipi)
        l->host.send_ipi(l->host.opaque, l, &msg);
}

static void lapic_reg_write(Lapic *l, unsigned r, uint32_t val)
{
    int64_t now;
    switch (r) {
    case R_ID:
        if (!lapic_x2(l))
            l->id = val >> 24;
        break;
    case R_TPR:
        l->reg[R_TPR] = val & 0xff;
        lapic_changed(l);
        break;
    case R_EOI:
        lapic_eoi(l);
        break;
    case R_LDR:
        if (!lapic_x2(l))
            l->reg[R_LDR] = val & 0xff000000;
        break;
    case R_DFR:
        if (!lapic_x2(l))
            l->reg[R_DFR] = val | 0x0fffffff;
        break;
    case R_SVR:
        l->reg[R_SVR] = val & 0x13ff;
        if (!(val & SVR_ENABLE)) {
            for (int i = R_LVT_TIMER; i <= R_LVT_ERROR; i++)
                l->reg[i] |= LVT_MASKED;
            l->reg[R_LVT_CMCI] |= LVT_MASKED;
        }
        lapic_changed(l);
        break;
    case R_ESR:
        l->reg[R_ESR] = 0;
        break;
    case R_ICR_LO:
        l->reg[R_ICR_LO] = val & ~(1u << 12); /* delivery is instant: idle */
        lapic_send_icr(l, val, lapic_x2(l) ? l->reg[R_ICR_HI] : l->reg[R_ICR_HI] >> 24);
        break;
    case R_ICR_HI:
        l->reg[R_ICR_HI] = lapic_x2(l) ? val : (val & 0xff000000);
        break;
    case R_LVT_TIMER: {
        int old_mode = LVT_TIMER_MODE(l->reg[R_LVT_TIMER]);
        if (!lapic_sw_enabled(l))
            val |= LVT_MASKED;
        l->reg[R_LVT_TIMER] = val & 0x700ff;
        if ((int)LVT_TIMER_MODE(val) != old_mode) {
            timer_del(l->timer);
            l->tsc_deadline = 0;
            l->reg[R_TIMER_INIT] = 0;
        }
        break;
    }
    case R_LVT_CMCI:
    case R_LVT_THERMAL:
    case R_LVT_PERF:
    case R_LVT_LINT0:
    case R_LVT_LINT1:
    case R_LVT_ERROR:
        if (!lapic_sw_enabled(l))
            val |= LVT_MASKED;
        l->reg[r] = val & 0x1f7ff;
        lapic_changed(l);
        break;
    case R_TIMER_INIT:
        if (LVT_TIMER_MODE(l->reg[R_LVT_TIMER]) == TIMER_TSC_DEADLINE)
            break;
        now = vclock_ns();
        l->reg[R_TIMER_INIT] = val;
        l->timer_start_ns = now;
        lapic_timer_arm(l, now);
        break;
    case R_TIMER_DIV:
        l->reg[R_TIMER_DIV] = val & 0xb;
        break;
    case R_SELF_IPI:
        if (lapic_x2(l)) {
            lapic_set_irr(l, val & 0xff, false);
            lapic_changed(l);
        }
        break;
    default:
        break; /* read-only or reserved */
    }
}

uint32_t lapic_mmio_read(Lapic *l, uint64_t offset)
{
    if (offset & 0xf)
        return 0;
    return lapic_reg_read(l, offset >> 4);
}

void lapic_mmio_write(Lapic *l, uint64_t offset, uint32_t val)
{
    if (offset & 0xf)
        return;
    lapic_reg_write(l, offset >> 4, val);
}

int lapic_msr_read(Lapic *l, uint32_t msr, uint64_t *val)
{
    unsigned r = msr - 0x800;
    if (!lapic_x2(l) || msr < 0x800 || r >= R_NR || r == R_DFR || r == R_EOI ||
        r == R_SELF_IPI || r == R_ICR_HI)
        return -EINVAL;
    *val = lapic_reg_read(l, r);
    if (r == R_ICR_LO)
        *val |= (uint64_t)l->reg[R_ICR_HI] << 32;
    return 0;
}

int lapic_msr_write(Lapic *l, uint32_t msr, uint64_t val)
{
    unsigned r = msr - 0x800;
    if (!lapic_x2(l) || msr < 0x800 || r >= R_NR)
        return -EINVAL;
    switch (r) {
    case R_ID: case R_VERSION: case R_PPR: case R_LDR: case R_DFR:
    case R_ICR_HI: case R_TIMER_CUR: case R_APR: case R_RRD:
        return -EINVAL;
    case R_ICR_LO:
        l->reg[R_ICR_HI] = val >> 32;
        break;
    }
    if ((r >= R_ISR && r < R_IRR + 8) || (r == R_EOI && val))
        return -EINVAL;
    lapic_reg_write(l, r, (uint32_t)val);
    return 0;
}

/* ---- delivery ------------------------------------------------------ */

bool lapic_match_dest(const Lapic *l, uint32_t dest, bool logical)
{
    if (!lapic_hw_enabled(l))
        return false;
    if (lapic_x2(l)) {
        if (dest == 0xffffffff)
            return true;
        if (!logical)
            return dest == l->id;
        uint32_t ldr = l->reg[R_LDR];
        return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
    }
    dest &= 0xff;
    if (dest == 0xff)
        return true;
    if (!logical)
        return dest == (l->id & 0xff);
    uint8_t ldr = l->reg[R_LDR] >> 24;
    if ((l->reg[R_DFR] >> 28) == 0xf)
        return ldr & dest;
    return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

LapicAccept lapic_accept(Lapic *l, ApicDeliveryMode mode, int vector, bool level_trigger)
{
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        lapic_set_irr(l, vector & 0xff, level_trigger);
        break;
    case APIC_DM_NMI:
        l->nmi = true;
        break;
    case APIC_DM_INIT:
        if (l->bsp)
            return LAPIC_ACCEPT_NONE; /* an INIT to the BSP resets the machine on hw; ignore */
        {
            uint64_t base = l->base_msr;
            uint32_t id = l->id;
            lapic_reset(l);
            l->base_msr = base;
            l->id = id;
        }
        return LAPIC_ACCEPT_INIT;
    case APIC_DM_SIPI:
        l->sipi_vector = vector & 0xff;
        return LAPIC_ACCEPT_SIPI;
    default:
        return LAPIC_ACCEPT_NONE; /* SMI, ExtINT: not through here */
    }
    lapic_changed(l);
    return LAPIC_ACCEPT_NONE;
}

int lapic_sipi_vector(const Lapic *l)
{
    return l->sipi_vector;
}

int lapic_pending_vector(const Lapic *l)
{
    if (!lapic_hw_enabled(l) || !lapic_sw_enabled(l))
        return -1;
    int v = bitmap_highest(l->irr);
    if (v < 0)
        return -1;
    return ((uint32_t)v & 0xf0) > (lapic_ppr(l) & 0xf0) ? v : -1;
}

void lapic_ack(Lapic *l, int vector)
{
    if (vector < 0 || vector > 255 || !bitmap_test(l->irr, vector))
        return;
    bitmap_clear(l->irr, vector);
    bitmap_set(l->isr, vector);
    lapic_changed(l);
}

bool lapic_take_nmi(Lapic *l)
{
    bool n = l->nmi;
    l->nmi = false;
    return n;
}

bool lapic_nmi_pending(const Lapic *l)
{
    return l->nmi;
}

bool lapic_accepts_pic(const Lapic *l)
{
    if (!lapic_hw_enabled(l))
        return l->bsp;
    uint32_t lint0 = l->reg[R_LVT_LINT0];
    return !(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == APIC_DM_EXTINT;
}

uint32_t lapic_tpr(const Lapic *l)
{
    return l->reg[R_TPR];
}

void lapic_set_tpr(Lapic *l, uint32_t tpr)
{
    l->reg[R_TPR] = tpr & 0xff;
    lapic_changed(l);
}
