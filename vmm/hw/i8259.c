/* i8259.c - cascaded i8259A interrupt controllers.
 *
 * Each chip keeps IRR/ISR/IMR, the ICW1-4 initialisation sequence, OCW2
 * (non-specific, specific and rotating EOI, set priority), OCW3 (IRR/ISR
 * read select, poll, special mask), auto-EOI and special fully nested
 * mode.  Edge inputs latch IRR on a rising edge; inputs flagged in the
 * ELCR are level triggered and follow the line.  The slave's output feeds
 * master input 2.  Port ranges registered: 0x20 (2), 0xa0 (2), 0x4d0 (2);
 * the port offset passed to the handlers encodes which (see i8259_attach). */
#include "config.h"

#include "vmm/hw/i8259.h"

#include <stdlib.h>

typedef struct {
    uint8_t irr, imr, isr, elcr, elcr_mask, last_level;
    uint8_t base, priority_add;
    uint8_t init_state;      /* 0 operating, 1-3 expecting ICW2-4 */
    bool icw4_needed, single, auto_eoi, rotate_on_aeoi;
    bool read_isr, poll, special_mask, fully_nested;
} PicChip;

struct I8259 {
    PicChip chip[2];        /* 0 master, 1 slave */
    IrqLine intr;
    int out_level;
};

/* Handler offsets: chip * 2 + port (0/1); ELCR at 4 + chip. */
enum { PIC_OFF_MASTER = 0, PIC_OFF_SLAVE = 2, PIC_OFF_ELCR = 4 };

static int pic_priority(const PicChip *c, uint8_t mask)
{
    if (!mask)
        return 8;
    int p = 0;
    while (!(mask & (1 << ((p + c->priority_add) & 7))))
        p++;
    return p;
}

/* Highest-priority requested IRQ that may interrupt now, or -1. */
static int pic_chip_irq(const PicChip *c, bool is_master)
{
    int prio = pic_priority(c, c->irr & ~c->imr);
    if (prio == 8)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= ~c->imr;
    if (c->fully_nested && is_master)
        in_service &= ~(1 << 2);
    int cur = pic_priority(c, in_service);
    return prio < cur ? (prio + c->priority_add) & 7 : -1;
}

static void pic_chip_set_irq(PicChip *c, int irq, int level)
{
    uint8_t mask = 1 << irq;
    if (c->elcr & mask) {
        if (level) {
            c->irr |= mask;
            c->last_level |= mask;
        } else {
            c->irr &= ~mask;
            c->last_level &= ~mask;
        }
    } else if (level) {
        if (!(c->last_level & mask))
            c->irr |= mask;
        c->last_level |= mask;
    } else {
        c->last_level &= ~mask;
    }
}

static void pic_chip_intack(PicChip *c, int irq)
{
    if (c->auto_eoi) {
        if (c->rotate_on_aeoi)
            c->priority_add = (irq + 1) & 7;
    } else {
        c->isr |= 1 << irq;
    }
    if (!(c->elcr & (1 << irq)))
        c->irr &= ~(1 << irq);
}

static void pic_update(I8259 *pic)
{
    /* The cascade input follows the slave's INT output as a level. */
    if (pic_chip_irq(&pic->chip[1], false) >= 0)
        pic->chip[0].irr |= 1 << 2;
    else
        pic->chip[0].irr &= ~(1 << 2);
    int level = pic_chip_irq(&pic->chip[0], true) >= 0;
    if (level != pic->out_level) {
        pic->out_level = level;
        irq_line_set(&pic->intr, level);
    }
}

static void pic_chip_reset(PicChip *c)
{
    uint8_t elcr = c->elcr, elcr_mask = c->elcr_mask;
    *c = (PicChip){ 0 };
    c->elcr = elcr;
    c->elcr_mask = elcr_mask;
}

void i8259_reset(I8259 *pic)
{
    for (int i = 0; i < 2; i++) {
        pic_chip_reset(&pic->chip[i]);
        pic->chip[i].elcr = 0;
    }
    pic->chip[0].elcr_mask = 0xf8;
    pic->chip[1].elcr_mask = 0xde;
    pic_update(pic);
}

I8259 *i8259_create(const IrqLine *intr)
{
    I8259 *pic = calloc(1, sizeof(*pic));
    if (!pic)
        return NULL;
    if (intr)
        pic->intr = *intr;
    i8259_reset(pic);
    return pic;
}

void i8259_destroy(I8259 *pic)
{
    free(pic);
}

void i8259_set_irq(I8259 *pic, int irq, int level)
{
    if (irq < 0 || irq > 15)
        return;
    pic_chip_set_irq(&pic->chip[irq >> 3], irq & 7, level);
    pic_update(pic);
}

bool i8259_output(const I8259 *pic)
{
    return pic->out_level;
}

int i8259_pending_vector(const I8259 *pic)
{
    const PicChip *m = &pic->chip[0], *s = &pic->chip[1];
    int irq = pic_chip_irq(m, true);
    if (irq < 0)
        return -1;
    if (irq == 2) {
        int irq2 = pic_chip_irq(s, false);
        return s->base + (irq2 >= 0 ? irq2 : 7);
    }
    return m->base + irq;
}

int i8259_ack(I8259 *pic)
{
    PicChip *m = &pic->chip[0], *s = &pic->chip[1];
    int vector;
    int irq = pic_chip_irq(m, true);
    if (irq >= 0) {
        pic_chip_intack(m, irq);
        if (irq == 2) {
            int irq2 = pic_chip_irq(s, false);
            if (irq2 >= 0)
                pic_chip_intack(s, irq2);
            else
                irq2 = 7;
            vector = s->base + irq2;
        } else {
            vector = m->base + irq;
        }
    } else {
        vector = m->base + 7;
    }
    pic_update(pic);
    return vector;
}

static uint8_t pic_poll(I8259 *pic, int chip)
{
    PicChip *c = &pic->chip[chip];
    int irq = pic_chip_irq(c, chip == 0);
    if (irq < 0)
        return 0;
    pic_chip_intack(c, irq);
    pic_update(pic);
    return 0x80 | irq;
}

uint64_t i8259_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    I8259 *pic = opaque;
    if (offset >= PIC_OFF_ELCR)
        return pic->chip[offset - PIC_OFF_ELCR].elcr;
    int chip = offset >> 1;
    PicChip *c = &pic->chip[chip];
    if (offset & 1)
        return c->imr;
    if (c->poll) {
        c->poll = false;
        return pic_poll(pic, chip);
    }
    return c->read_isr ? c->isr : c->irr;
}

static void pic_write_cmd(PicChip *c, uint8_t val)
{
    if (val & 0x10) {                       /* ICW1 */
        pic_chip_reset(c);
        c->init_state = 1;
        c->icw4_needed = val & 1;
        c->single = val & 2;
        return;
    }
    if (val & 0x08) {                       /* OCW3 */
        if (val & 0x04)
            c->poll = true;
        if (val & 0x02)
            c->read_isr = val & 1;
        if (val & 0x40)
            c->special_mask = (val >> 5) & 1;
        return;
    }
    int irq, prio;                          /* OCW2 */
    switch (val >> 5) {
    case 0:
        c->rotate_on_aeoi = false;
        break;
    case 4:
        c->rotate_on_aeoi = true;
        break;
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        prio = pic_priority(c, c->isr);
        if (prio != 8) {
            irq = (prio + c->priority_add) & 7;
            c->isr &= ~(1 << irq);
            if (val >> 5 == 5)
                c->priority_add = (irq + 1) & 7;
        }
        break;
    case 3: /* specific EOI */
        c->isr &= ~(1 << (val & 7));
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= ~(1 << (val & 7));
        c->priority_add = ((val & 7) + 1) & 7;
        break;
    case 6: /* set priority */
        c->priority_add = ((val & 7) + 1) & 7;
        break;
    default:
        break;
    }
}

static void pic_write_data(PicChip *c, uint8_t val)
{
    switch (c->init_state) {
    case 0:
        c->imr = val;
        break;
    case 1:
        c->base = val & 0xf8;
        c->init_state = c->single ? (c->icw4_needed ? 3 : 0) : 2;
        break;
    case 2:
        c->init_state = c->icw4_needed ? 3 : 0;
        break;
    case 3:
        c->fully_nested = (val >> 4) & 1;
        c->auto_eoi = (val >> 1) & 1;
        c->init_state = 0;
        break;
    }
}

int i8259_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)size;
    I8259 *pic = opaque;
    if (offset >= PIC_OFF_ELCR) {
        PicChip *c = &pic->chip[offset - PIC_OFF_ELCR];
        c->elcr = val & c->elcr_mask;
    } else {
        PicChip *c = &pic->chip[offset >> 1];
        if (offset & 1)
            pic_write_data(c, val);
        else
            pic_write_cmd(c, val);
    }
    pic_update(pic);
    return 0;
}

/* One IoOps per port pair so the offsets above stay unambiguous. */
static uint64_t pic_slave_read(void *opaque, uint64_t offset, unsigned size)
{
    return i8259_read(opaque, PIC_OFF_SLAVE + offset, size);
}

static int pic_slave_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    return i8259_write(opaque, PIC_OFF_SLAVE + offset, val, size);
}

static uint64_t pic_elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    return i8259_read(opaque, PIC_OFF_ELCR + offset, size);
}

static int pic_elcr_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    return i8259_write(opaque, PIC_OFF_ELCR + offset, val, size);
}

static const IoOps pic_master_ops = { i8259_read, i8259_write, IO_SIZES_8BIT };
static const IoOps pic_slave_ops = { pic_slave_read, pic_slave_write, IO_SIZES_8BIT };
static const IoOps pic_elcr_ops = { pic_elcr_read, pic_elcr_write, IO_SIZES_8BIT };

int i8259_attach(I8259 *pic, IoBus *bus)
{
    int r = io_bus_register(bus, IO_SPACE_PIO, 0x20, 2, &pic_master_ops, pic);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, 0xa0, 2, &pic_slave_ops, pic);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, 0x4d0, 2, &pic_elcr_ops, pic);
    return r;
}
