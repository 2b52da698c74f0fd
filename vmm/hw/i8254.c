/* i8254.c - programmable interval timer.
 *
 * Counters are not ticked: each channel remembers when it was loaded and
 * derives its count and OUT level from the machine clock at 1.193182 MHz.
 * Modes 0 (interrupt on terminal count), 2 (rate generator) and 3 (square
 * wave) are exact; 1, 4 and 5 count like 0 (nobody we boot uses them).
 * Channel 0 raises IRQ 0 with a timer at each terminal count (one per
 * period, late periods are not replayed).  Channel 2's gate is bit 0 of
 * port 0x61 and its OUT is bit 5, which is how Linux calibrates the TSC.
 * Latch, read-back (count and status), LSB/MSB/word access are supported;
 * BCD counting is accepted and treated as binary. */
#include "config.h"

#include "vmm/hw/i8254.h"

#include <stdbool.h>
#include <stdlib.h>

enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3 };

typedef struct {
    uint32_t count;          /* reload value, 1..65536 */
    uint8_t mode, rw, bcd;
    bool gate, loaded;       /* loaded: a count was written (not null) */
    int64_t load_ns;         /* when the current count started */
    uint64_t frozen_ticks;   /* ticks elapsed when the gate went low (modes 0/4) */
    bool write_msb, read_msb;
    uint8_t write_lsb;
    bool count_latched, status_latched, latch_read_msb;
    uint16_t latched_count;
    uint8_t status;
} PitChannel;

struct I8254 {
    PitChannel ch[3];
    IrqLine irq0;
    MachineTimer *timer;
    uint8_t port61;          /* bits 0 (gate 2) and 1 (speaker data) */
    bool refresh;
};

static int64_t pit_ticks_to_ns(uint64_t ticks)
{
    return (int64_t)((unsigned __int128)ticks * 1000000000u / PIT_HZ);
}

static uint64_t pit_ticks(const PitChannel *c, int64_t now)
{
    if (!c->loaded)
        return 0;
    if (!c->gate) {
        if (c->mode == 0 || c->mode == 4)
            return c->frozen_ticks;
        return 0;
    }
    if (now < c->load_ns)
        return 0;
    return (uint64_t)((unsigned __int128)(now - c->load_ns) * PIT_HZ / 1000000000u);
}

static uint16_t pit_count(const PitChannel *c, int64_t now)
{
    uint64_t t = pit_ticks(c, now);
    uint64_t phase;
    switch (c->mode) {
    case 2:
        return c->count - t % c->count;
    case 3:
        phase = (2 * t) % c->count;
        return (c->count - phase) & 0xfffe;
    default:
        return (c->count - t) & 0xffff;
    }
}

static bool pit_out(const PitChannel *c, int64_t now)
{
    if (!c->loaded)
        return c->mode != 0;
    uint64_t t = pit_ticks(c, now);
    switch (c->mode) {
    case 0:
    case 1:
        return t >= c->count;
    case 2:
        return !c->gate || t % c->count != c->count - 1;
    case 3:
        return !c->gate || t % c->count < (c->count + 1) / 2;
    default: /* 4, 5: strobe low for one tick at terminal count */
        return t != c->count;
    }
}

/* Arm channel 0's interrupt for the next terminal count after @now. */
static void pit_arm(I8254 *pit, int64_t now)
{
    PitChannel *c = &pit->ch[0];
    if (!c->loaded || !c->gate) {
        timer_del(pit->timer);
        return;
    }
    uint64_t t = pit_ticks(c, now);
    uint64_t next;
    if (c->mode == 2 || c->mode == 3) {
        next = (t / c->count + 1) * c->count;
    } else if (t < c->count) {
        next = c->count;
    } else {
        timer_del(pit->timer);
        return;
    }
    timer_mod(pit->timer, c->load_ns + pit_ticks_to_ns(next));
}

static void pit_timer_fire(void *opaque, int64_t now)
{
    I8254 *pit = opaque;
    irq_line_pulse(&pit->irq0);
    pit_arm(pit, now);
}

static void pit_channel_reset(PitChannel *c, bool gate)
{
    *c = (PitChannel){ .count = 65536, .mode = 0, .rw = RW_WORD, .gate = gate };
}

void i8254_reset(I8254 *pit)
{
    for (int i = 0; i < 3; i++)
        pit_channel_reset(&pit->ch[i], i != 2);
    pit->port61 = 0;
    timer_del(pit->timer);
}

I8254 *i8254_create(TimerList *tl, const IrqLine *irq0)
{
    I8254 *pit = calloc(1, sizeof(*pit));
    if (!pit)
        return NULL;
    if (irq0)
        pit->irq0 = *irq0;
    pit->timer = timer_new(tl, pit_timer_fire, pit);
    if (!pit->timer) {
        free(pit);
        return NULL;
    }
    i8254_reset(pit);
    return pit;
}

void i8254_destroy(I8254 *pit)
{
    if (!pit)
        return;
    timer_free(pit->timer);
    free(pit);
}

static void pit_load(I8254 *pit, int idx, uint32_t value, int64_t now)
{
    PitChannel *c = &pit->ch[idx];
    c->count = value ? value : 65536;
    if (c->mode == 2 || c->mode == 3) {
        if (c->count == 1)
            c->count = 2; /* 1 is illegal in these modes */
    }
    c->loaded = true;
    c->load_ns = now;
    c->frozen_ticks = 0;
    if (idx == 0)
        pit_arm(pit, now);
}

static uint8_t pit_status(const PitChannel *c, int64_t now)
{
    return (pit_out(c, now) ? 0x80 : 0) | (c->loaded ? 0 : 0x40) |
           (c->rw << 4) | (c->mode << 1) | c->bcd;
}

static void pit_latch_count(PitChannel *c, int64_t now)
{
    if (c->count_latched)
        return;
    c->latched_count = pit_count(c, now);
    c->count_latched = true;
    c->latch_read_msb = false;
}

static void pit_write_control(I8254 *pit, uint8_t val, int64_t now)
{
    int sel = val >> 6;
    if (sel == 3) {                         /* read-back */
        for (int i = 0; i < 3; i++) {
            if (!(val & (2 << i)))
                continue;
            PitChannel *c = &pit->ch[i];
            if (!(val & 0x20))
                pit_latch_count(c, now);
            if (!(val & 0x10) && !c->status_latched) {
                c->status = pit_status(c, now);
                c->status_latched = true;
            }
        }
        return;
    }
    PitChannel *c = &pit->ch[sel];
    int rw = (val >> 4) & 3;
    if (rw == RW_LATCH) {
        pit_latch_count(c, now);
        return;
    }
    int mode = (val >> 1) & 7;
    if (mode >= 6)
        mode -= 4;
    c->rw = rw;
    c->mode = mode;
    c->bcd = val & 1;
    c->loaded = false;
    c->write_msb = c->read_msb = false;
    c->count_latched = c->status_latched = false;
    if (sel == 0)
        timer_del(pit->timer);
}

static void pit_write_count(I8254 *pit, int idx, uint8_t val, int64_t now)
{
    PitChannel *c = &pit->ch[idx];
    switch (c->rw) {
    case RW_LSB:
        pit_load(pit, idx, val, now);
        break;
    case RW_MSB:
        pit_load(pit, idx, (uint32_t)val << 8, now);
        break;
    default:
        if (!c->write_msb) {
            c->write_lsb = val;
            c->write_msb = true;
        } else {
            c->write_msb = false;
            pit_load(pit, idx, c->write_lsb | ((uint32_t)val << 8), now);
        }
        break;
    }
}

static uint8_t pit_read_count(PitChannel *c, int64_t now)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    uint16_t v;
    bool *msb;
    if (c->count_latched) {
        v = c->latched_count;
        msb = &c->latch_read_msb;
    } else {
        v = pit_count(c, now);
        msb = &c->read_msb;
    }
    uint8_t out;
    switch (c->rw) {
    case RW_LSB:
        out = v & 0xff;
        c->count_latched = false;
        break;
    case RW_MSB:
        out = v >> 8;
        c->count_latched = false;
        break;
    default:
        out = *msb ? v >> 8 : v & 0xff;
        if (*msb && c->count_latched)
            c->count_latched = false;
        *msb = !*msb;
        break;
    }
    return out;
}

uint64_t i8254_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    I8254 *pit = opaque;
    if (offset >= 3)
        return 0xff; /* the control word register is write-only */
    return pit_read_count(&pit->ch[offset], vclock_ns());
}

int i8254_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)size;
    I8254 *pit = opaque;
    int64_t now = vclock_ns();
    if (offset == 3)
        pit_write_control(pit, val, now);
    else if (offset < 3)
        pit_write_count(pit, offset, val, now);
    return 0;
}

static void pit_set_gate(PitChannel *c, bool gate, int64_t now)
{
    if (gate == c->gate)
        return;
    if (!gate) {
        c->frozen_ticks = pit_ticks(c, now);
        c->gate = false;
        return;
    }
    c->gate = true;
    if (c->mode == 0 || c->mode == 4)
        c->load_ns = now - pit_ticks_to_ns(c->frozen_ticks);
    else
        c->load_ns = now; /* rising edge retriggers modes 1, 2, 3, 5 */
}

uint64_t i8254_port61_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)offset;
    (void)size;
    I8254 *pit = opaque;
    pit->refresh = !pit->refresh;
    return (pit->port61 & 3) | (pit->refresh ? 0x10 : 0) |
           (pit_out(&pit->ch[2], vclock_ns()) ? 0x20 : 0);
}

int i8254_port61_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)offset;
    (void)size;
    I8254 *pit = opaque;
    pit->port61 = val & 3;
    pit_set_gate(&pit->ch[2], val & 1, vclock_ns());
    return 0;
}

static const IoOps pit_ops = { i8254_read, i8254_write, IO_SIZES_8BIT };
static const IoOps pit_port61_ops = { i8254_port61_read, i8254_port61_write, IO_SIZES_8BIT };

int i8254_attach(I8254 *pit, IoBus *bus)
{
    int r = io_bus_register(bus, IO_SPACE_PIO, 0x40, 4, &pit_ops, pit);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, 0x61, 1, &pit_port61_ops, pit);
    return r;
}
