/* test-machine.c - the machine as a CPU backend sees it (cpu_backend.h):
 * RAM ranges and the PCI hole, LAPIC registers over MMIO and x2APIC MSRs,
 * the LAPIC timer, IPIs including INIT/SIPI, IOAPIC routing with remote
 * IRR and EOI broadcast, the PIC through LINT0, NMIs, TSC, HLT wake-up.
 * Driven through the machine_mmio and machine_pio calls as a CPU would. */
#include "config.h"

#include "vtest.h"
#include "vmm/hw/lapic.h"
#include "vmm/hw/ioapic.h"
#include "vmm/machine.h"

#include <glib.h>
#include <pthread.h>
#include <string.h>

#define APIC 0xfee00000ull

static Machine *new_machine(uint64_t mib, int cpus)
{
    MachineConfig cfg = { .mem_mib = mib, .cpus = cpus };
    g_autoptr(GError) error = NULL;
    Machine *m = machine_new(&cfg, NULL, &error);
    g_assert_no_error(error);
    return m;
}

static uint32_t apic_read(Vcpu *v, unsigned reg)
{
    uint64_t val;
    g_assert_cmpint(machine_mmio_read(v, APIC + reg, 4, &val), ==, 0);
    return val;
}

static void apic_write(Vcpu *v, unsigned reg, uint32_t val)
{
    g_assert_cmpint(machine_mmio_write(v, APIC + reg, 4, val), ==, 0);
}

static void ioapic_write_reg(Vcpu *v, unsigned reg, uint32_t val)
{
    machine_mmio_write(v, IOAPIC_DEFAULT_BASE, 4, reg);
    machine_mmio_write(v, IOAPIC_DEFAULT_BASE + 0x10, 4, val);
}

static uint32_t ioapic_read_reg(Vcpu *v, unsigned reg)
{
    uint64_t val;
    machine_mmio_write(v, IOAPIC_DEFAULT_BASE, 4, reg);
    machine_mmio_read(v, IOAPIC_DEFAULT_BASE + 0x10, 4, &val);
    return val;
}

static void apic_enable(Vcpu *v)
{
    apic_write(v, 0xf0, 0x1ff);  /* SVR: enabled, spurious 0xff */
}

static void test_ram(void)
{
    g_autoptr(Machine) small = new_machine(64, 1);
    g_assert_cmpint(machine_ram_range_count(small), ==, 1);
    g_assert_cmphex(machine_ram_range(small, 0)->size, ==, 64ull << 20);
    g_assert_nonnull(machine_ram_ptr(small, (64ull << 20) - 8, 8));
    g_assert_null(machine_ram_ptr(small, (64ull << 20) - 4, 8));
    g_autoptr(Machine) big = new_machine(4096, 1);
    g_assert_cmpint(machine_ram_range_count(big), ==, 2);
    const MachineRamRange *lo = machine_ram_range(big, 0), *hi = machine_ram_range(big, 1);
    g_assert_cmphex(lo->size, ==, MACHINE_LOWMEM_MAX);
    g_assert_cmphex(hi->gpa, ==, 1ull << 32);
    g_assert_cmphex(hi->size, ==, (4096ull << 20) - MACHINE_LOWMEM_MAX);
    g_assert_true(hi->host == lo->host + lo->size);
    g_assert_null(machine_ram_ptr(big, 0xd0000000, 4));
    /* RAM through the MMIO path works too */
    Vcpu *v = machine_vcpu(big, 0);
    machine_mmio_write(v, (1ull << 32) + 16, 8, 0x1122334455667788ull);
    g_assert_cmphex(*(uint64_t *)(hi->host + 16), ==, 0x1122334455667788ull);
    GError *error = NULL;
    MachineConfig bad = { .mem_mib = 4, .cpus = 1 };
    g_assert_null(machine_new(&bad, NULL, &error));
    g_assert_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, "memory too small"));
    g_clear_error(&error);
}

static void test_lapic_regs(void)
{
    g_autoptr(Machine) m = new_machine(16, 2);
    Vcpu *v0 = machine_vcpu(m, 0), *v1 = machine_vcpu(m, 1);
    g_assert_cmphex(apic_read(v0, 0x20) >> 24, ==, 0);
    g_assert_cmphex(apic_read(v1, 0x20) >> 24, ==, 1);   /* each CPU sees its own */
    g_assert_cmphex(apic_read(v0, 0x30) & 0xff, ==, 0x14);
    uint64_t base;
    g_assert_cmpint(machine_msr_read(v0, 0x1b, &base), ==, 0);
    g_assert_cmphex(base, ==, APIC | APIC_BASE_ENABLE | APIC_BASE_BSP);
    g_assert_cmpint(machine_msr_read(v1, 0x1b, &base), ==, 0);
    g_assert_cmphex(base & APIC_BASE_BSP, ==, 0);
    g_assert_cmpint(machine_msr_read(v0, 0x10, &base), ==, -ENOENT);
    g_assert_cmpint(machine_msr_write(v0, 0x1b, 1), ==, -EINVAL);
    /* TPR and PPR */
    apic_enable(v0);
    apic_write(v0, 0x80, 0x40);
    g_assert_cmphex(apic_read(v0, 0xa0), ==, 0x40);
    /* x2APIC MSRs only in x2APIC mode */
    uint64_t val;
    g_assert_cmpint(machine_msr_read(v0, 0x802, &val), ==, -EINVAL);
    g_assert_cmpint(machine_msr_write(v0, 0x1b, APIC | APIC_BASE_ENABLE | APIC_BASE_EXTD), ==, 0);
    g_assert_cmpint(machine_msr_read(v0, 0x802, &val), ==, 0);
    g_assert_cmphex(val, ==, 0);
    g_assert_cmpint(machine_msr_read(v0, 0x808, &val), ==, 0);
    g_assert_cmphex(val, ==, 0x40);
    /* in x2APIC mode the MMIO page is no longer the APIC */
    uint64_t mm;
    machine_mmio_read(v0, APIC + 0x80, 4, &mm);
    g_assert_cmphex(mm, ==, 0xffffffff);
    /* self IPI through x2APIC */
    g_assert_cmpint(machine_msr_write(v0, 0x808, 0), ==, 0);
    g_assert_cmpint(machine_msr_write(v0, 0x83f, 0x55), ==, 0);
    g_assert_cmpint(vcpu_irq_pending(v0), ==, 0x55);
}

static void test_lapic_irq_priority(void)
{
    g_autoptr(Machine) m = new_machine(16, 1);
    Vcpu *v = machine_vcpu(m, 0);
    apic_enable(v);
    /* two self IPIs: highest first, nesting by priority class */
    apic_write(v, 0x300, 0x40000 | 0x41);   /* shorthand self */
    apic_write(v, 0x300, 0x40000 | 0x62);
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x62);
    vcpu_irq_ack(v, 0x62);
    g_assert_cmpint(vcpu_irq_pending(v), ==, -1);          /* 0x41 < class 6 */
    g_assert_cmphex(apic_read(v, 0x100 + 0x30) , ==, 1u << 2); /* ISR bit 0x62 */
    g_assert_cmphex(apic_read(v, 0xa0), ==, 0x60);          /* PPR */
    apic_write(v, 0xb0, 0);                                 /* EOI */
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x41);
    apic_write(v, 0x80, 0x50);                              /* TPR blocks it */
    g_assert_cmpint(vcpu_irq_pending(v), ==, -1);
    apic_write(v, 0x80, 0x00);
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x41);
    vcpu_irq_ack(v, 0x41);
    apic_write(v, 0xb0, 0);
    g_assert_cmpint(vcpu_irq_pending(v), ==, -1);
    /* software-disabled APIC delivers nothing */
    apic_write(v, 0x300, 0x40000 | 0x70);
    apic_write(v, 0xf0, 0xff);
    g_assert_cmpint(vcpu_irq_pending(v), ==, -1);
    apic_enable(v);
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x70);
    /* NMI IPI */
    apic_write(v, 0x300, 0x40000 | 0x400);
    g_assert_true(vcpu_nmi_pending(v));
    g_assert_false(vcpu_nmi_pending(v));
}

static gboolean irq_arrived(gpointer data)
{
    return vcpu_irq_pending(data) >= 0;
}

static void test_lapic_timer(void)
{
    g_autoptr(Machine) m = new_machine(16, 1);
    Vcpu *v = machine_vcpu(m, 0);
    apic_enable(v);
    /* one-shot, divide by 1, 2 ms; the machine's timer thread fires it */
    apic_write(v, 0x3e0, 0xb);
    apic_write(v, 0x320, 0x30);
    apic_write(v, 0x380, 2000000);
    uint32_t cur = apic_read(v, 0x390);
    g_assert_cmpuint(cur, <=, 2000000);
    g_assert_true(vt_wait_until(irq_arrived, v, vt_timeout_ms(10000)));
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x30);
    g_assert_cmpuint(apic_read(v, 0x390), ==, 0);           /* expired */
    vcpu_irq_ack(v, 0x30);
    apic_write(v, 0xb0, 0);
    /* periodic, 1 ms: fires again and again */
    apic_write(v, 0x320, 0x20031);
    apic_write(v, 0x380, 1000000);
    for (int i = 0; i < 3; i++) {
        g_assert_true(vt_wait_until(irq_arrived, v, vt_timeout_ms(10000)));
        g_assert_cmpint(vcpu_irq_pending(v), ==, 0x31);
        vcpu_irq_ack(v, 0x31);
        apic_write(v, 0xb0, 0);
    }
    apic_write(v, 0x380, 0);                                /* stop */
    /* TSC deadline mode through MSR 0x6e0 */
    apic_write(v, 0x320, 0x40032);
    uint64_t now = vcpu_tsc_read(v);
    g_assert_cmpint(machine_msr_write(v, 0x6e0, now + 1000000), ==, 0);
    uint64_t dl;
    machine_msr_read(v, 0x6e0, &dl);
    g_assert_cmphex(dl, ==, now + 1000000);
    g_assert_true(vt_wait_until(irq_arrived, v, vt_timeout_ms(10000)));
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x32);
    machine_msr_read(v, 0x6e0, &dl);
    g_assert_cmphex(dl, ==, 0);                              /* cleared when it fired */
    vcpu_irq_ack(v, 0x32);
    apic_write(v, 0xb0, 0);
}

/* A CPU backend that only records the state the machine gives it. */
static struct {
    int set_calls, vcpu;
    VcpuRegs regs;
    VcpuSregs sregs;
} fake_state;

static int fake_set_regs(Vcpu *v, const VcpuRegs *regs)
{
    fake_state.set_calls++;
    fake_state.vcpu = vcpu_index(v);
    fake_state.regs = *regs;
    return 0;
}

static int fake_set_sregs(Vcpu *v, const VcpuSregs *sregs)
{
    (void)v;
    fake_state.sregs = *sregs;
    return 0;
}

static const CpuBackendOps fake_backend = {
    .name = "fake",
    .set_regs = fake_set_regs,
    .set_sregs = fake_set_sregs,
};

static void test_ipi_init_sipi(void)
{
    g_autoptr(Machine) m = new_machine(16, 3);
    machine_set_backend(m, &fake_backend);
    memset(&fake_state, 0, sizeof(fake_state));
    Vcpu *bsp = machine_vcpu(m, 0), *ap1 = machine_vcpu(m, 1), *ap2 = machine_vcpu(m, 2);
    for (int i = 0; i < 3; i++)
        apic_enable(machine_vcpu(m, i));
    g_assert_false(vcpu_wait_for_sipi(bsp));
    g_assert_true(vcpu_wait_for_sipi(ap1));
    /* fixed IPI, physical destination 2 */
    apic_write(bsp, 0x310, 2u << 24);
    apic_write(bsp, 0x300, 0x45);
    g_assert_cmpint(vcpu_irq_pending(ap2), ==, 0x45);
    g_assert_cmpint(vcpu_irq_pending(ap1), ==, -1);
    g_assert_cmphex(apic_read(bsp, 0x300) & (1u << 12), ==, 0); /* idle */
    /* broadcast to all excluding self */
    apic_write(bsp, 0x300, 0xc0000 | 0x46);
    g_assert_cmpint(vcpu_irq_pending(ap1), ==, 0x46);
    g_assert_cmpint(vcpu_irq_pending(bsp), ==, -1);
    /* logical flat: LDR bits */
    apic_write(ap1, 0xd0, 0x02000000);
    apic_write(ap2, 0xd0, 0x04000000);
    apic_write(bsp, 0x310, 0x04000000);
    apic_write(bsp, 0x300, 0x800 | 0x50);
    g_assert_cmpint(vcpu_irq_pending(ap2), ==, 0x50);
    /* INIT, then SIPI with vector 0x9a: AP 1 starts at 0x9a000 */
    apic_write(bsp, 0x310, 1u << 24);
    apic_write(bsp, 0x300, 0x4500);
    g_assert_true(vcpu_wait_for_sipi(ap1));
    apic_write(bsp, 0x300, 0x4600 | 0x9a);
    g_assert_false(vcpu_wait_for_sipi(ap1));    /* applies the queued state */
    g_assert_cmpint(fake_state.set_calls, ==, 1);
    g_assert_cmpint(fake_state.vcpu, ==, 1);
    g_assert_cmphex(fake_state.regs.rip, ==, 0);
    g_assert_cmphex(fake_state.sregs.seg[VCPU_SEG_CS].base, ==, 0x9a000);
    g_assert_cmphex(fake_state.sregs.seg[VCPU_SEG_CS].selector, ==, 0x9a00);
    g_assert_cmphex(fake_state.sregs.cr0 & 1, ==, 0);        /* real mode */
    /* a second SIPI while running is ignored */
    apic_write(bsp, 0x300, 0x4600 | 0x10);
    g_assert_false(vcpu_wait_for_sipi(ap1));
    g_assert_cmpint(fake_state.set_calls, ==, 1);
    g_assert_true(vcpu_wait_for_sipi(ap2));                 /* untouched */
}

static void test_ioapic_routing(void)
{
    g_autoptr(Machine) m = new_machine(16, 2);
    Vcpu *v0 = machine_vcpu(m, 0), *v1 = machine_vcpu(m, 1);
    apic_enable(v0);
    apic_enable(v1);
    g_assert_cmphex(ioapic_read_reg(v0, 1), ==, 0x00170020);
    /* as Linux does with an IOAPIC: the PICs are masked */
    machine_pio_write(v0, 0x21, 1, 0xff);
    machine_pio_write(v0, 0xa1, 1, 0xff);
    /* pin 4 (COM1): edge, vector 0x34, to APIC 1 */
    ioapic_write_reg(v0, 0x18, 0x34);
    ioapic_write_reg(v0, 0x19, 1u << 24);
    machine_lock(m);
    machine_irq_set(m, 4, 1);
    machine_unlock(m);
    g_assert_cmpint(vcpu_irq_pending(v1), ==, 0x34);
    g_assert_cmpint(vcpu_irq_pending(v0), ==, -1);
    vcpu_irq_ack(v1, 0x34);
    apic_write(v1, 0xb0, 0);
    machine_lock(m);
    machine_irq_set(m, 4, 0);
    machine_unlock(m);
    /* PIT: ISA IRQ 0 arrives on pin 2 */
    ioapic_write_reg(v0, 0x14, 0x30);
    ioapic_write_reg(v0, 0x15, 0);
    machine_lock(m);
    machine_irq_set(m, 0, 1);
    machine_irq_set(m, 0, 0);
    machine_unlock(m);
    g_assert_cmpint(vcpu_irq_pending(v0), ==, 0x30);
    vcpu_irq_ack(v0, 0x30);
    apic_write(v0, 0xb0, 0);
    /* level pin 9 (SCI): remote IRR until EOI, re-delivered while high */
    ioapic_write_reg(v0, 0x22, 0x8000 | 0x39);
    ioapic_write_reg(v0, 0x23, 0);
    machine_lock(m);
    machine_irq_set(m, 9, 1);
    machine_unlock(m);
    g_assert_cmpint(vcpu_irq_pending(v0), ==, 0x39);
    g_assert_cmphex(ioapic_read_reg(v0, 0x22) & (1u << 14), !=, 0);
    vcpu_irq_ack(v0, 0x39);
    g_assert_cmpint(vcpu_irq_pending(v0), ==, -1);
    apic_write(v0, 0xb0, 0);                                /* EOI broadcast */
    g_assert_cmpint(vcpu_irq_pending(v0), ==, 0x39);        /* line still high */
    vcpu_irq_ack(v0, 0x39);
    machine_lock(m);
    machine_irq_set(m, 9, 0);
    machine_unlock(m);
    apic_write(v0, 0xb0, 0);
    g_assert_cmphex(ioapic_read_reg(v0, 0x22) & (1u << 14), ==, 0);
    g_assert_cmpint(vcpu_irq_pending(v0), ==, -1);
    /* masked pins deliver nothing */
    ioapic_write_reg(v0, 0x18, 0x10034);
    machine_lock(m);
    machine_irq_set(m, 4, 1);
    machine_unlock(m);
    g_assert_cmpint(vcpu_irq_pending(v0), ==, -1);
    g_assert_cmpint(vcpu_irq_pending(v1), ==, -1);
    /* MSI */
    machine_lock(m);
    machine_msi_send(m, 0xfee01000, 0x4049);
    machine_unlock(m);
    g_assert_cmpint(vcpu_irq_pending(v1), ==, 0x49);
}

static void test_pic_extint(void)
{
    g_autoptr(Machine) m = new_machine(16, 1);
    Vcpu *v = machine_vcpu(m, 0);
    uint32_t x;
    /* firmware-style virtual wire: LINT0 ExtINT; program the PIC */
    static const uint8_t init[][2] = {
        { 0x20, 0x11 }, { 0x21, 0x30 }, { 0x21, 0x04 }, { 0x21, 0x01 },
        { 0xa0, 0x11 }, { 0xa1, 0x38 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
        { 0x21, 0x00 }, { 0xa1, 0x00 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(init); i++)
        machine_pio_write(v, init[i][0], 1, init[i][1]);
    machine_pio_read(v, 0x21, 1, &x);
    g_assert_cmphex(x, ==, 0);
    machine_lock(m);
    machine_irq_set(m, 4, 1);
    machine_unlock(m);
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x34);
    vcpu_irq_ack(v, 0x34);
    g_assert_cmpint(vcpu_irq_pending(v), ==, -1);
    machine_pio_write(v, 0x20, 1, 0x0b);
    machine_pio_read(v, 0x20, 1, &x);
    g_assert_cmphex(x, ==, 0x10);                           /* in service in the PIC */
    machine_pio_write(v, 0x20, 1, 0x20);
    /* masking LINT0 cuts the PIC off */
    apic_enable(v);
    apic_write(v, 0x350, 0x10700);
    machine_lock(m);
    machine_irq_set(m, 4, 0);
    machine_irq_set(m, 4, 1);
    machine_unlock(m);
    g_assert_cmpint(vcpu_irq_pending(v), ==, -1);
    apic_write(v, 0x350, 0x00700);
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x34);
}

static void test_tsc(void)
{
    g_autoptr(Machine) m = new_machine(16, 2);
    Vcpu *v0 = machine_vcpu(m, 0), *v1 = machine_vcpu(m, 1);
    g_assert_cmpuint(machine_tsc_hz(m), ==, MACHINE_TSC_HZ);
    uint64_t a = vcpu_tsc_read(v0);
    uint64_t b = vcpu_tsc_read(v0);
    g_assert_cmpuint(b, >=, a);
    vcpu_tsc_write(v1, 1ull << 40);
    g_assert_cmpuint(vcpu_tsc_read(v1), >=, 1ull << 40);
    g_assert_cmpuint(vcpu_tsc_read(v0), <, 1ull << 40);
}

typedef struct {
    Vcpu *v;
    gint done;
} Waiter;

static void *waiter_thread(void *opaque)
{
    Waiter *w = opaque;
    vcpu_wait_event(w->v);
    g_atomic_int_set(&w->done, 1);
    return NULL;
}

static gboolean waiter_done(gpointer data)
{
    return g_atomic_int_get(&((Waiter *)data)->done);
}

static void test_wait_event(void)
{
    g_autoptr(Machine) m = new_machine(16, 1);
    Vcpu *v = machine_vcpu(m, 0);
    apic_enable(v);
    /* HLT with a LAPIC timer armed: the timer wakes the waiter */
    Waiter w = { v, 0 };
    apic_write(v, 0x3e0, 0xb);
    apic_write(v, 0x320, 0x33);
    apic_write(v, 0x380, 3000000);
    pthread_t t;
    pthread_create(&t, NULL, waiter_thread, &w);
    g_assert_true(vt_wait_until(waiter_done, &w, vt_timeout_ms(10000)));
    pthread_join(t, NULL);
    g_assert_cmpint(vcpu_irq_pending(v), ==, 0x33);
    /* with an interrupt already pending it returns at once */
    vcpu_wait_event(v);
    /* a kick wakes it too */
    vcpu_irq_ack(v, 0x33);
    apic_write(v, 0xb0, 0);
    w.done = 0;
    pthread_create(&t, NULL, waiter_thread, &w);
    machine_lock(m);
    machine_vcpu_kick(v);
    machine_unlock(m);
    g_assert_true(vt_wait_until(waiter_done, &w, vt_timeout_ms(10000)));
    pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/machine/ram", test_ram);
    g_test_add_func("/machine/lapic-registers", test_lapic_regs);
    g_test_add_func("/machine/lapic-priority", test_lapic_irq_priority);
    g_test_add_func("/machine/lapic-timer", test_lapic_timer);
    g_test_add_func("/machine/ipi-init-sipi", test_ipi_init_sipi);
    g_test_add_func("/machine/ioapic", test_ioapic_routing);
    g_test_add_func("/machine/pic-extint", test_pic_extint);
    g_test_add_func("/machine/tsc", test_tsc);
    g_test_add_func("/machine/wait-event", test_wait_event);
    return g_test_run();
}
