/* macros.h - MMIO stores to the LAPIC and IOAPIC pages for the test
 * guests (their addresses do not fit a sign-extended 32-bit displacement,
 * so go through %r11, saved around the store). */
#define APIC 0xfee00000
#define IOAPIC 0xfec00000
#define APICW(off, val) push %r11; mov $APIC, %r11d; movl $(val), (off)(%r11); pop %r11
#define IOAPICW(off, val) push %r11; mov $IOAPIC, %r11d; movl $(val), (off)(%r11); pop %r11
#define IOAPICR(off, reg) push %r11; mov $IOAPIC, %r11d; movl reg, (off)(%r11); pop %r11
