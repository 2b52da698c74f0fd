/* mbapic.c - the local APIC as kernels use it: xAPIC registers (ID,
 * version, TPR), self-IPIs and the priority that holds them back, ISR
 * and EOI, the timer (one-shot, periodic, TSC-deadline with
 * IA32_TSC_DEADLINE cleared when it fires), x2APIC (enabling it, the ID,
 * version and logical ID MSRs, self-IPIs through SELF_IPI and ICR, #GP
 * for a nonzero EOI write and for going back to xAPIC without disabling
 * first), and INIT/SIPI starting the application processors (counted
 * against fw_cfg's CPU count), twice and one by one. */
#include "lib.h"

#define AP_BASE 0x70000u
extern char ap_blob[], ap_blob_end[];
extern volatile uint32_t ap_pm_count;
extern uint8_t gdt_desc[];

static volatile uint32_t hits[256];
static volatile uint32_t isr_seen;

static void count_eoi(struct trap_frame *f)
{
    hits[f->vector]++;
    /* ISR bit of this vector while the handler runs */
    isr_seen = apic_read(0x100 + 0x10 * (f->vector / 32)) & (1u << (f->vector % 32));
    apic_eoi();
}

static void count_x2eoi(struct trap_frame *f)
{
    hits[f->vector]++;
    wrmsr(0x80b, 0);
}

static bool wait_hits(int vec, uint32_t n)
{
    sti();
    for (int i = 0; i < 2000 && hits[vec] < n; i++)
        delay_ms(1);
    cli();
    return hits[vec] >= n;
}

static void test_xapic(void)
{
    uint32_t ver = apic_read(0x30);
    check((ver & 0xff) >= 0x10 && ((ver >> 16) & 0xff) >= 4, "apic-version", "%x", ver);
    uint32_t r[4];
    cpuid(1, 0, r);
    check(apic_read(0x20) >> 24 == r[1] >> 24 && r[1] >> 24 == 0, "apic-id-bsp",
          "ID %x, CPUID %x", apic_read(0x20), r[1] >> 24);
    apic_write(0x80, 0x20);
    check((apic_read(0x80) & 0xff) == 0x20, "apic-tpr", "TPR %x", apic_read(0x80));
    apic_write(0x80, 0);

    set_handler(0x50, count_eoi);
    apic_write(0x300, 0x40000 | 0x50);            /* self, fixed */
    check(wait_hits(0x50, 1) && isr_seen && !(apic_read(0x100 + 0x20) & (1u << 16)),
          "apic-self-ipi", "%u interrupts, ISR bit %x in the handler", hits[0x50], isr_seen);
    /* TPR 0x60 holds vector 0x50 in IRR */
    apic_write(0x80, 0x60);
    apic_write(0x300, 0x40000 | 0x50);
    sti();
    delay_ms(5);
    cli();
    bool held = hits[0x50] == 1 && (apic_read(0x200 + 0x20) & (1u << 16));
    apic_write(0x80, 0);
    check(held && wait_hits(0x50, 2), "apic-tpr-priority", "%u interrupts", hits[0x50]);
}

static void test_timer(void)
{
    set_handler(0x51, count_eoi);
    apic_write(0x3e0, 0xb);                       /* divide by 1 */
    apic_write(0x320, 0x51);                      /* one-shot */
    apic_write(0x380, 200000);
    check(wait_hits(0x51, 1) && apic_read(0x390) == 0, "apic-timer-oneshot",
          "%u interrupts, current count %u", hits[0x51], apic_read(0x390));
    apic_write(0x320, 0x51 | (1u << 17));         /* periodic */
    apic_write(0x380, 200000);
    bool ok = wait_hits(0x51, 4);
    apic_write(0x320, 1u << 16);
    check(ok, "apic-timer-periodic", "%u interrupts", hits[0x51]);

    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 24))) {
        skip("apic-tsc-deadline", "CPUID has no TSC-deadline timer");
        return;
    }
    set_handler(0x52, count_eoi);
    apic_write(0x320, 0x52 | (2u << 17));
    wrmsr(0x6e0, rdtsc() + 2000000);
    ok = wait_hits(0x52, 1) && rdmsr(0x6e0) == 0;
    wrmsr(0x6e0, 1);                              /* in the past: at once */
    ok = ok && wait_hits(0x52, 2);
    wrmsr(0x6e0, rdtsc() + 100000000000ull);      /* far away, then disarmed */
    wrmsr(0x6e0, 0);
    sti();
    delay_ms(5);
    cli();
    ok = ok && hits[0x52] == 2;
    apic_write(0x320, 1u << 16);
    check(ok, "apic-tsc-deadline", "%u interrupts, MSR %llx", hits[0x52], rdmsr(0x6e0));
}

__attribute__((noinline)) static void x2_bad_eoi(void *a)
{
    (void)a;
    wrmsr(0x80b, 1);
}

__attribute__((noinline)) static void x2_to_xapic(void *a)
{
    (void)a;
    wrmsr(0x1b, (rdmsr(0x1b) & ~(1ull << 10)) | (1u << 11));
}

static void test_x2apic(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 21))) {
        static const char *const names[] = { "x2apic-enable", "x2apic-id-ldr",
                                              "x2apic-self-ipi", "x2apic-gp-eoi-nonzero",
                                              "x2apic-gp-to-xapic", "x2apic-back-to-xapic" };
        for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            skip(names[i], "CPUID has no x2APIC");
        return;
    }
    uint32_t xver = apic_read(0x30);
    uint64_t base = rdmsr(0x1b);
    wrmsr(0x1b, base | (1u << 10) | (1u << 11));
    check((rdmsr(0x1b) & 0xc00) == 0xc00, "x2apic-enable", "base %llx", rdmsr(0x1b));
    check(rdmsr(0x802) == 0 && rdmsr(0x803) == xver && rdmsr(0x80d) == 1, "x2apic-id-ldr",
          "ID %llx version %llx LDR %llx", rdmsr(0x802), rdmsr(0x803), rdmsr(0x80d));
    set_handler(0x53, count_x2eoi);
    set_handler(0x54, count_x2eoi);
    wrmsr(0x83f, 0x53);                           /* SELF IPI */
    bool a = wait_hits(0x53, 1);
    wrmsr(0x830, 0x40000 | 0x54);                 /* ICR, self */
    check(a && wait_hits(0x54, 1), "x2apic-self-ipi", "%u, %u interrupts", hits[0x53],
          hits[0x54]);
    check(expect_fault(x2_bad_eoi, NULL, 13, 0), "x2apic-gp-eoi-nonzero", "vector %d",
          last_fault.vector);
    check(expect_fault(x2_to_xapic, NULL, 13, 0), "x2apic-gp-to-xapic", "vector %d",
          last_fault.vector);
    wrmsr(0x1b, base & ~(3ull << 10));            /* disabled */
    wrmsr(0x1b, (base & ~(1ull << 10)) | (1u << 11));   /* xAPIC again */
    apic_enable();
    check((rdmsr(0x1b) & 0xc00) == 0x800 && apic_read(0x20) == 0 && apic_read(0x30) == xver,
          "x2apic-back-to-xapic", "base %llx", rdmsr(0x1b));
}

static void send_ipi(uint32_t dest, uint32_t low)
{
    apic_write(0x310, dest << 24);
    apic_write(0x300, low);
    for (int i = 0; i < 100000 && (apic_read(0x300) & (1u << 12)); i++)
        pause();
}

static void start_aps(uint32_t low_dest_sh, uint32_t dest)
{
    send_ipi(dest, low_dest_sh | 0x4500);         /* INIT, assert */
    delay_ms(10);
    send_ipi(dest, low_dest_sh | 0x0600 | (AP_BASE >> 12));   /* SIPI */
    delay_ms(1);
    send_ipi(dest, low_dest_sh | 0x0600 | (AP_BASE >> 12));
}

static bool wait_count(volatile uint32_t *p, uint32_t n)
{
    for (int i = 0; i < 5000 && *p < n; i++)
        delay_ms(1);
    return *p >= n;
}

static void test_init_sipi(void)
{
    uint32_t cpus = fw_cfg_u16(0x05);
    if (cpus < 2) {
        skip("init-sipi", "one CPU");
        return;
    }
    memcpy((void *)AP_BASE, ap_blob, (size_t)(ap_blob_end - ap_blob));
    memcpy((void *)(AP_BASE + 0x108), gdt_desc, 6);
    volatile uint32_t *count = (volatile uint32_t *)(AP_BASE + 0x100);
    volatile uint32_t *mask = (volatile uint32_t *)(AP_BASE + 0x104);
    start_aps(0xc0000, 0);                        /* all but self */
    bool ok = wait_count(count, cpus - 1) && wait_count(&ap_pm_count, cpus - 1);
    uint32_t want = ((1u << cpus) - 1) & ~1u;
    check(ok && *mask == want, "init-sipi", "%u of %u APs started (%u in protected mode), "
          "APIC IDs %x", *count, cpus - 1, ap_pm_count, *mask);
    /* INIT resets halted APs: they start again */
    start_aps(0xc0000, 0);
    ok = wait_count(count, 2 * (cpus - 1)) && wait_count(&ap_pm_count, 2 * (cpus - 1));
    check(ok, "init-sipi-again", "%u starts", *count);
    /* one AP by its APIC ID */
    uint32_t before = *count;
    start_aps(0, cpus - 1);
    ok = wait_count(count, before + 1);
    delay_ms(20);
    check(ok && *count == before + 1, "init-sipi-one", "%u starts (want %u)", *count,
          before + 1);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)magic;
    (void)mbi;
    printf("mbapic: xAPIC, x2APIC, timers, INIT/SIPI\n");
    pic_mask_all();
    apic_enable();
    test_xapic();
    test_timer();
    test_x2apic();
    test_init_sipi();
    test_done();
}
