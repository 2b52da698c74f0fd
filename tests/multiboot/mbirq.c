/* mbirq.c - interrupt routing: the PIT's channel 0 through the IOAPIC
 * (pin 2) and through the i8259 PIC and LINT0 in ExtINT mode, the PIT
 * counting down (latched reads), and the IOAPIC's pins driven by
 * pc-testdev's lines (port 0x2000 + n): an edge pin interrupts once per
 * rising edge; a level pin sets remote IRR (seen in the handler) and is
 * not delivered again until the EOI, is delivered again after an EOI
 * while still asserted, is held while masked and delivered on unmask;
 * the IOAPIC's EOI register clears remote IRR.
 *
 * QEMU's IOAPIC (the test's cross-check) delivers an edge pin each time
 * its line is set to 1, asserted before or not; the hardware needs a
 * rising edge.  That part is skipped when the loader is QEMU's. */
#include "lib.h"

static bool qemu_loader;

static volatile uint32_t hits[256];
static volatile uint32_t rte_seen, tmr_seen;
static volatile int level_mode;    /* 0: no EOI, 1: EOI and lower at 3, 2: lower, IOAPIC EOI */

#define LINE(n) (0x2000 + (n))

static void pit_tick(struct trap_frame *f)
{
    hits[f->vector]++;
    apic_eoi();
}

static void pic_tick(struct trap_frame *f)
{
    hits[f->vector]++;
    outb(0x20, 0x20);
}

static void edge_isr(struct trap_frame *f)
{
    hits[f->vector]++;
    apic_eoi();
}

static void level_isr(struct trap_frame *f)
{
    uint32_t n = ++hits[f->vector];
    rte_seen = ioapic_read(0x10 + 2 * 11);
    tmr_seen = apic_read(0x180 + 0x10 * (f->vector / 32)) & (1u << (f->vector % 32));
    switch (level_mode) {
    case 0:
        break;                          /* no EOI: remote IRR stays */
    case 1:
        if (n >= 3)
            outb(LINE(11), 0);
        apic_eoi();
        break;
    case 2:
        outb(LINE(11), 0);
        mmio_write32(IOAPIC_BASE + 0x40, f->vector);
        rte_seen = ioapic_read(0x10 + 2 * 11);
        apic_eoi();
        break;
    }
}

static void run_ms(uint32_t ms)
{
    sti();
    delay_ms(ms);
    cli();
}

static bool wait_hits(int vec, uint32_t n)
{
    sti();
    for (int i = 0; i < 3000 && hits[vec] < n; i++)
        delay_ms(1);
    cli();
    return hits[vec] >= n;
}

static void pit_start(void)
{
    outb(0x43, 0x34);                   /* channel 0, lo/hi, mode 2 */
    outb(0x40, 1193 & 0xff);            /* 1 kHz */
    outb(0x40, 1193 >> 8);
}

static void test_pit(void)
{
    /* the counter counts down */
    pit_start();
    outb(0x43, 0x00);                   /* latch channel 0 */
    uint32_t a = inb(0x40) | inb(0x40) << 8;
    delay_ms(1);
    outb(0x43, 0x00);
    uint32_t b = inb(0x40) | inb(0x40) << 8;
    check(a <= 1193 && b <= 1193 && a != b, "pit-counter", "latched %u then %u", a, b);

    set_handler(0x30, pit_tick);
    ioapic_route(2, 0x30, false, false);
    bool ok = wait_hits(0x30, 5);
    ioapic_route(2, 0x30, false, true);
    check(ok, "pit-ioapic", "%u ticks on IOAPIC pin 2", hits[0x30]);

    /* the PIC: ICW1-4, vectors 0x20-0x2f, IRQ 0 only; LINT0 ExtINT */
    set_handler(0x20, pic_tick);
    outb(0x20, 0x11);
    outb(0x21, 0x20);
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    outb(0xa0, 0x11);
    outb(0xa1, 0x28);
    outb(0xa1, 0x02);
    outb(0xa1, 0x01);
    outb(0xa1, 0xff);
    outb(0x21, 0xfe);
    apic_write(0x350, 0x700);           /* LINT0: ExtINT, unmasked */
    ok = wait_hits(0x20, 5);
    pic_mask_all();
    apic_write(0x350, 1u << 16);
    check(ok, "pit-pic-extint", "%u ticks through the PIC", hits[0x20]);
    outb(0x43, 0x30);                   /* channel 0 mode 0, stopped at the next count */
}

static void test_ioapic(void)
{
    /* edge: one interrupt per rising edge */
    set_handler(0x61, edge_isr);
    outb(LINE(10), 0);
    ioapic_route(10, 0x61, false, false);
    outb(LINE(10), 1);
    bool ok = wait_hits(0x61, 1);
    if (!qemu_loader) {
        outb(LINE(10), 1);   /* no edge: nothing */
        run_ms(5);
        ok = ok && hits[0x61] == 1;
    }
    outb(LINE(10), 0);
    outb(LINE(10), 1);
    ok = ok && wait_hits(0x61, 2);
    outb(LINE(10), 0);
    run_ms(5);
    check(ok && hits[0x61] == 2, "ioapic-edge", "%u interrupts (want 2)", hits[0x61]);

    /* level without EOI: remote IRR set, no second delivery */
    set_handler(0x62, level_isr);
    outb(LINE(11), 0);
    ioapic_route(11, 0x62, true, false);
    level_mode = 0;
    outb(LINE(11), 1);
    ok = wait_hits(0x62, 1);
    check(ok && (rte_seen & (1u << 14)) && tmr_seen, "ioapic-level-remote-irr",
          "%u interrupts, RTE %x, TMR bit %x", hits[0x62], rte_seen, tmr_seen);
    run_ms(5);
    uint32_t rte = ioapic_read(0x10 + 2 * 11);
    check(hits[0x62] == 1 && (rte & (1u << 14)), "ioapic-level-held",
          "%u interrupts, RTE %x", hits[0x62], rte);
    outb(LINE(11), 0);
    apic_eoi();                         /* broadcast EOI clears remote IRR */
    rte = ioapic_read(0x10 + 2 * 11);
    run_ms(5);
    check(!(rte & (1u << 14)) && hits[0x62] == 1, "ioapic-level-eoi",
          "RTE %x, %u interrupts", rte, hits[0x62]);

    /* level, EOI while still asserted: delivered again */
    level_mode = 1;
    hits[0x62] = 0;
    outb(LINE(11), 1);
    ok = wait_hits(0x62, 3);
    run_ms(5);
    check(ok && hits[0x62] == 3, "ioapic-level-retrigger", "%u interrupts (want 3)",
          hits[0x62]);

    /* masked level pin: held, delivered when unmasked */
    hits[0x62] = 0;
    ioapic_route(11, 0x62, true, true);
    outb(LINE(11), 1);
    run_ms(5);
    bool held = hits[0x62] == 0;
    level_mode = 2;
    ioapic_route(11, 0x62, true, false);
    ok = wait_hits(0x62, 1);
    run_ms(5);
    check(held && ok && hits[0x62] == 1, "ioapic-level-masked", "%u interrupts", hits[0x62]);
    /* mode 2 lowered the line and wrote the IOAPIC's EOI register */
    uint32_t ver = ioapic_read(1) & 0xff;
    if (ver >= 0x20)
        check(!(rte_seen & (1u << 14)), "ioapic-eoi-register", "RTE %x after the EOI write",
              rte_seen);
    else
        skip("ioapic-eoi-register", "IOAPIC version below 0x20");
    ioapic_route(11, 0x62, true, true);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)magic;
    qemu_loader = loader_is_qemu(mbi);
    printf("mbirq: PIT, PIC, IOAPIC edge and level\n");
    pic_mask_all();
    apic_enable();
    test_pit();
    test_ioapic();
    test_done();
}
