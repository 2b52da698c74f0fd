/* machine.c - the vessel-pc machine: RAM, device assembly, interrupt
 * routing between the i8259 pair, the IOAPIC and the per-vCPU LAPICs, and
 * the entry points CPU backends call (cpu_backend.h).
 *
 * Interrupt delivery: devices set lines under the device lock; routing
 * ends in lapic_accept() or the PIC's INTR output, and every change calls
 * vcpu_update_pending(), which stores the vector the CPU should take next
 * in an atomic so vcpu_irq_pending() is a lock-free load on the CPU's hot
 * path.  Only the INTA (vcpu_irq_ack) takes the lock.
 *
 * Time: the machine clock is CLOCK_MONOTONIC; the guest TSC runs at
 * MACHINE_TSC_HZ (1 GHz, i.e. nanoseconds since machine creation) plus a
 * per-vCPU offset that guest TSC writes adjust.  A timer thread sleeps
 * until the earliest device deadline and fires due timers under the lock. */
#include "config.h"

#include "vmm/machine_priv.h"
#include "vmm/sandbox/sandbox.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

G_DEFINE_QUARK(vessel-machine-error-quark, machine_error)

/* ---- small helpers ------------------------------------------------- */

void machine_lock(Machine *m)
{
    pthread_mutex_lock(&m->lock);
}

void machine_unlock(Machine *m)
{
    pthread_mutex_unlock(&m->lock);
}

IoBus *machine_io_bus(Machine *m)
{
    return m->bus;
}

TimerList *machine_timers(Machine *m)
{
    return m->timers;
}

uint64_t machine_ram_size(const Machine *m)
{
    return m->ram_size;
}

const MachineConfig *machine_config(const Machine *m)
{
    return &m->cfg;
}

Uart16550 *machine_uart(Machine *m)
{
    return m->uart;
}

PciHost *machine_pci(Machine *m)
{
    return m->pci;
}

StdVga *machine_vga(Machine *m)
{
    return m->vga;
}

I8042 *machine_i8042(Machine *m)
{
    return m->kbd;
}

uint8_t *machine_bios(Machine *m)
{
    return m->bios;
}

CmosRtc *machine_rtc(Machine *m)
{
    return m->rtc;
}

FwCfg *machine_fw_cfg(Machine *m)
{
    return m->fw_cfg;
}

int machine_debug_exit_status(Machine *m)
{
    machine_lock(m);
    int s = m->debug_exit ? debug_exit_status(m->debug_exit) : -1;
    machine_unlock(m);
    return s;
}

void machine_set_backend(Machine *m, const CpuBackendOps *ops)
{
    m->cpu = ops;
}

const CpuBackendOps *machine_backend(const Machine *m)
{
    return m->cpu;
}

int vcpu_index(const Vcpu *v)
{
    return v->index;
}

Machine *vcpu_machine(const Vcpu *v)
{
    return v->m;
}

void *vcpu_backend_data(const Vcpu *v)
{
    return v->backend_data;
}

void vcpu_set_backend_data(Vcpu *v, void *data)
{
    v->backend_data = data;
}

void *machine_backend_data(const Machine *m)
{
    return m->backend_data;
}

void machine_set_backend_data(Machine *m, void *data)
{
    m->backend_data = data;
}

int machine_vcpu_count(const Machine *m)
{
    return m->nvcpus;
}

Vcpu *machine_vcpu(Machine *m, int index)
{
    return index >= 0 && index < m->nvcpus ? m->vcpus[index] : NULL;
}

int machine_ram_range_count(const Machine *m)
{
    return m->nranges;
}

const MachineRamRange *machine_ram_range(const Machine *m, int i)
{
    return i >= 0 && i < m->nranges ? &m->ranges[i] : NULL;
}

void *machine_ram_ptr(const Machine *m, uint64_t gpa, uint64_t len)
{
    for (int i = 0; i < m->nranges; i++) {
        const MachineRamRange *r = &m->ranges[i];
        if (gpa >= r->gpa && gpa - r->gpa <= r->size && len <= r->size - (gpa - r->gpa))
            return r->host + (gpa - r->gpa);
    }
    return NULL;
}

void machine_ram_written(Machine *m, uint64_t gpa, uint64_t len)
{
    if (m->cpu && m->cpu->ram_written)
        m->cpu->ram_written(m, gpa, len);
}

/* ---- interrupt routing --------------------------------------------- */

void machine_vcpu_kick(Vcpu *v)
{
    v->wake = true;
    pthread_cond_broadcast(&v->cond);
    if (v->m->cpu && v->m->cpu->vcpu_kick && v->backend_data)
        v->m->cpu->vcpu_kick(v);
}

void vcpu_update_pending(Vcpu *v)
{
    if (!v->lapic)
        return;
    Machine *m = v->m;
    int vec = lapic_pending_vector(v->lapic);
    bool from_pic = false;
    if (vec < 0 && lapic_accepts_pic(v->lapic) && m->pic && i8259_output(m->pic)) {
        vec = i8259_pending_vector(m->pic);
        from_pic = vec >= 0;
    }
    v->pending_from_pic = from_pic;
    int old = atomic_exchange(&v->pending_vector, vec);
    bool nmi = lapic_nmi_pending(v->lapic);
    bool old_nmi = atomic_exchange(&v->nmi_hint, nmi);
    if ((vec >= 0 && old != vec) || (nmi && !old_nmi)) {
        pthread_cond_broadcast(&v->cond);
        if (m->cpu && m->cpu->vcpu_kick && v->backend_data)
            m->cpu->vcpu_kick(v);
    }
}

static void machine_pic_output(void *opaque, int line, int level)
{
    (void)line;
    (void)level;
    Machine *m = opaque;
    if (m->nvcpus)
        vcpu_update_pending(m->vcpus[0]);
}

/* The real-mode state an AP starts in after SIPI with @vector. */
static void vcpu_sipi_state(int vector, VcpuRegs *regs, VcpuSregs *sregs)
{
    memset(regs, 0, sizeof(*regs));
    memset(sregs, 0, sizeof(*sregs));
    regs->rip = 0;
    regs->rflags = 2;
    for (int i = 0; i < VCPU_NR_SEGS; i++) {
        sregs->seg[i] = (VcpuSegment){ .base = 0, .limit = 0xffff, .type = 3, .s = 1,
                                       .present = 1 };
    }
    sregs->seg[VCPU_SEG_CS] = (VcpuSegment){ .base = (uint64_t)vector << 12,
                                             .selector = vector << 8, .limit = 0xffff,
                                             .type = 0xb, .s = 1, .present = 1 };
    sregs->tr = (VcpuSegment){ .limit = 0xffff, .type = 0xb, .present = 1 };
    sregs->ldt = (VcpuSegment){ .limit = 0xffff, .type = 2, .present = 1 };
    sregs->gdt.limit = 0xffff;
    sregs->idt.limit = 0xffff;
    sregs->cr0 = 0x60000010;
}

static void machine_apic_accept(Machine *m, Vcpu *v, const ApicMessage *msg)
{
    LapicAccept a = lapic_accept(v->lapic, msg->mode, msg->vector, msg->level_trigger);
    (void)m;
    if (a == LAPIC_ACCEPT_INIT) {
        if (!msg->assert)
            return;
        atomic_store(&v->wait_sipi, true);
        v->regs_queued = false;
        machine_vcpu_kick(v);
    } else if (a == LAPIC_ACCEPT_SIPI && atomic_load(&v->wait_sipi)) {
        vcpu_sipi_state(lapic_sipi_vector(v->lapic), &v->queued_regs, &v->queued_sregs);
        v->queued_sregs.apic_base = lapic_base_msr(v->lapic);
        v->regs_queued = true;
        atomic_store(&v->wait_sipi, false);
        machine_vcpu_kick(v);
    }
}

/* Route an interrupt message; @src is the sending LAPIC for IPIs. */
static void machine_apic_deliver(Machine *m, Lapic *src, const ApicMessage *msg)
{
    if (msg->mode == APIC_DM_INIT && !msg->assert)
        return; /* INIT level de-assert: nothing to do on modern CPUs */
    bool lowest = msg->mode == APIC_DM_LOWEST;
    for (int i = 0; i < m->nvcpus; i++) {
        Vcpu *v = m->vcpus[i];
        bool self = v->lapic == src;
        bool hit;
        switch (msg->shorthand) {
        case APIC_SH_SELF:
            hit = self;
            break;
        case APIC_SH_ALL:
            hit = true;
            break;
        case APIC_SH_OTHERS:
            hit = !self;
            break;
        default:
            hit = lapic_match_dest(v->lapic, msg->dest, msg->logical);
            break;
        }
        if (!hit)
            continue;
        machine_apic_accept(m, v, msg);
        if (lowest && msg->shorthand == APIC_SH_NONE)
            break; /* lowest priority: the first match will do */
    }
}

static void machine_lapic_send_ipi(void *opaque, Lapic *src, const ApicMessage *msg)
{
    machine_apic_deliver(opaque, src, msg);
}

static void machine_lapic_eoi(void *opaque, int vector)
{
    Machine *m = opaque;
    ioapic_eoi(m->ioapic, vector);
}

static void machine_ioapic_deliver(void *opaque, const ApicMessage *msg)
{
    Machine *m = opaque;
    if (msg->mode == APIC_DM_EXTINT)
        return; /* virtual wire through the IOAPIC: the PIC path covers it */
    machine_apic_deliver(m, NULL, msg);
}

void machine_irq_set(Machine *m, int line, int level)
{
    if (line < 0 || line >= IOAPIC_PINS)
        return;
    if (line < 16) {
        i8259_set_irq(m->pic, line, level);
        ioapic_set_irq(m->ioapic, line == 0 ? 2 : line, level);
    } else {
        ioapic_set_irq(m->ioapic, line, level);
    }
}

static void machine_irq_line_set(void *opaque, int line, int level)
{
    machine_irq_set(opaque, line, level);
}

void machine_msi_send(Machine *m, uint64_t addr, uint32_t data)
{
    if ((addr >> 20) != 0xfee)
        return; /* not an interrupt message: dropped */
    ApicMessage msg = {
        .dest = (addr >> 12) & 0xff,
        .logical = addr & 4,
        .mode = (data >> 8) & 7,
        .vector = data & 0xff,
        .level_trigger = data & (1u << 15),
        .assert = true,
        .shorthand = APIC_SH_NONE,
    };
    if (msg.mode == APIC_DM_EXTINT || msg.mode == APIC_DM_SIPI || msg.mode == APIC_DM_INIT)
        return;
    machine_apic_deliver(m, NULL, &msg);
}

static void machine_pci_set_gsi(void *opaque, int gsi, int level)
{
    machine_irq_set(opaque, gsi, level);
}

static void machine_pci_msi(void *opaque, uint64_t addr, uint32_t data)
{
    machine_msi_send(opaque, addr, data);
}

static void machine_vcpu_lapic_changed(void *opaque, Lapic *l)
{
    (void)l;
    vcpu_update_pending(opaque);
}

void machine_power_button(Machine *m, bool reboot)
{
    machine_lock(m);
    acpi_pm_set_s5_reset(m->pm, reboot);
    acpi_pm_power_button(m->pm);
    machine_unlock(m);
}

/* ---- CPU-facing entry points --------------------------------------- */

int vcpu_irq_pending(Vcpu *v)
{
    return atomic_load_explicit(&v->pending_vector, memory_order_acquire);
}

void vcpu_irq_ack(Vcpu *v, int vector)
{
    Machine *m = v->m;
    machine_lock(m);
    if (v->pending_from_pic && lapic_accepts_pic(v->lapic))
        i8259_ack(m->pic);
    else
        lapic_ack(v->lapic, vector);
    vcpu_update_pending(v);
    machine_unlock(m);
}

bool vcpu_nmi_pending(Vcpu *v)
{
    if (!atomic_load_explicit(&v->nmi_hint, memory_order_relaxed))
        return false;
    machine_lock(v->m);
    bool nmi = lapic_take_nmi(v->lapic);
    atomic_store(&v->nmi_hint, false);
    machine_unlock(v->m);
    return nmi;
}

static bool size_ok(unsigned size, unsigned max)
{
    return (size == 1 || size == 2 || size == 4 || size == 8) && size <= max;
}

int machine_pio_read(Vcpu *v, uint16_t port, unsigned size, uint32_t *val)
{
    Machine *m = v->m;
    uint64_t x = ~0ull;
    int r = 0;
    if (size_ok(size, 4)) {
        machine_lock(m);
        r = io_bus_read(m->bus, IO_SPACE_PIO, port, size, &x);
        machine_unlock(m);
    }
    *val = (uint32_t)x;
    return r;
}

int machine_pio_write(Vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
    Machine *m = v->m;
    if (!size_ok(size, 4))
        return 0;
    machine_lock(m);
    int r = io_bus_write(m->bus, IO_SPACE_PIO, port, size, val);
    machine_unlock(m);
    return r;
}

int machine_mmio_read(Vcpu *v, uint64_t gpa, unsigned size, uint64_t *val)
{
    Machine *m = v->m;
    if (!size_ok(size, 8)) {
        *val = ~0ull;
        return 0;
    }
    void *p = machine_ram_ptr(m, gpa, size);
    if (p) {
        *val = 0;
        memcpy(val, p, size);
        return 0;
    }
    int r = 0;
    machine_lock(m);
    if (v->lapic && lapic_mmio_claims(v->lapic, gpa)) {
        uint64_t off = gpa & 0xfff;
        uint32_t reg = lapic_mmio_read(v->lapic, off & ~0xfull);
        unsigned shift = (off & 0xf) * 8;
        *val = shift < 32 ? (reg >> shift) : 0;
        if (size < 8)
            *val &= (1ull << (8 * size)) - 1;
    } else {
        r = io_bus_read(m->bus, IO_SPACE_MMIO, gpa, size, val);
    }
    machine_unlock(m);
    return r;
}

int machine_mmio_write(Vcpu *v, uint64_t gpa, unsigned size, uint64_t val)
{
    Machine *m = v->m;
    if (!size_ok(size, 8))
        return 0;
    void *p = machine_ram_ptr(m, gpa, size);
    if (p) {
        memcpy(p, &val, size);
        return 0;
    }
    int r = 0;
    machine_lock(m);
    if (v->lapic && lapic_mmio_claims(v->lapic, gpa)) {
        if ((gpa & 0xf) == 0 && size >= 4)
            lapic_mmio_write(v->lapic, gpa & 0xfff, (uint32_t)val);
        /* narrower or unaligned LAPIC writes are ignored, as on hardware */
    } else {
        r = io_bus_write(m->bus, IO_SPACE_MMIO, gpa, size, val);
    }
    machine_unlock(m);
    return r;
}

uint64_t machine_tsc_hz(const Machine *m)
{
    (void)m;
    return MACHINE_TSC_HZ;
}

static uint64_t machine_clock_ticks(const Machine *m, int64_t now)
{
    return (uint64_t)(now - m->clock_start); /* 1 GHz: one tick per ns */
}

uint64_t vcpu_tsc_read(Vcpu *v)
{
    return machine_clock_ticks(v->m, vclock_ns()) + (uint64_t)v->tsc_offset;
}

void vcpu_tsc_write(Vcpu *v, uint64_t value)
{
    v->tsc_offset = (int64_t)(value - machine_clock_ticks(v->m, vclock_ns()));
}

int machine_msr_read(Vcpu *v, uint32_t msr, uint64_t *val)
{
    int r = 0;
    machine_lock(v->m);
    if (msr == 0x1b)
        *val = lapic_base_msr(v->lapic);
    else if (msr == 0x6e0)
        *val = lapic_tsc_deadline(v->lapic);
    else if (msr >= 0x800 && msr <= 0x8ff)
        r = lapic_msr_read(v->lapic, msr, val);
    else
        r = -ENOENT;
    machine_unlock(v->m);
    return r;
}

int machine_msr_write(Vcpu *v, uint32_t msr, uint64_t val)
{
    int r = 0;
    machine_lock(v->m);
    if (msr == 0x1b) {
        r = lapic_set_base_msr(v->lapic, val);
    } else if (msr == 0x6e0) {
        int64_t delta = (int64_t)(val - (uint64_t)v->tsc_offset);
        int64_t deadline = v->m->clock_start + delta;
        if (val && (int64_t)(val - vcpu_tsc_read(v)) < 0)
            deadline = vclock_ns(); /* already past */
        lapic_set_tsc_deadline(v->lapic, val, deadline);
    } else if (msr >= 0x800 && msr <= 0x8ff) {
        r = lapic_msr_write(v->lapic, msr, val);
    } else {
        r = -ENOENT;
    }
    machine_unlock(v->m);
    return r;
}

void vcpu_wait_event(Vcpu *v)
{
    Machine *m = v->m;
    machine_lock(m);
    while (!v->wake && atomic_load(&v->pending_vector) < 0 && !atomic_load(&v->nmi_hint) &&
           !m->park_all && !m->quit)
        pthread_cond_wait(&v->cond, &m->lock);
    v->wake = false;
    bool quit = m->quit && v->thread_started && pthread_equal(pthread_self(), v->thread);
    machine_unlock(m);
    if (quit)
        machine_vcpu_thread_exit(v); /* the machine is stopping: do not go back */
}

bool machine_timer_due(Machine *m)
{
    return timer_list_next(m->timers) <= vclock_ns();
}

void machine_run_timers(Machine *m)
{
    machine_lock(m);
    timer_list_run(m->timers, vclock_ns());
    machine_unlock(m);
}

bool vcpu_wait_for_sipi(Vcpu *v)
{
    if (atomic_load(&v->wait_sipi))
        return true;
    if (v->regs_queued)
        vcpu_apply_queued_regs(v);
    return false;
}

void vcpu_set_wait_for_sipi(Vcpu *v, bool wait)
{
    atomic_store(&v->wait_sipi, wait);
}

void vcpu_queue_regs(Vcpu *v, const VcpuRegs *regs, const VcpuSregs *sregs)
{
    v->queued_regs = *regs;
    v->queued_sregs = *sregs;
    v->regs_queued = true;
}

int vcpu_apply_queued_regs(Vcpu *v)
{
    Machine *m = v->m;
    machine_lock(m);
    if (!v->regs_queued) {
        machine_unlock(m);
        return 0;
    }
    VcpuRegs regs = v->queued_regs;
    VcpuSregs sregs = v->queued_sregs;
    v->regs_queued = false;
    machine_unlock(m);
    if (!m->cpu)
        return -ENODEV;
    int r = m->cpu->set_sregs(v, &sregs);
    if (!r)
        r = m->cpu->set_regs(v, &regs);
    return r;
}

uint64_t machine_cpu_time_ns(Machine *m)
{
    uint64_t total = m->exited_cpu_ns;
    for (int i = 0; i < m->nvcpus; i++) {
        Vcpu *v = m->vcpus[i];
        struct timespec ts;
        if (v->has_cpu_clock && clock_gettime(v->cpu_clock, &ts) == 0)
            total += (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
    }
    return total;
}

/* ---- timer thread -------------------------------------------------- */

static void machine_timers_changed(void *opaque)
{
    Machine *m = opaque;
    pthread_cond_signal(&m->timer_cond);
}

static void *machine_timer_thread(void *opaque)
{
    Machine *m = opaque;
    sandbox_thread_enter(SANDBOX_THREAD_TIMER);
    machine_lock(m);
    while (!m->timer_thread_stop) {
        int64_t now = vclock_ns();
        int64_t next = timer_list_next(m->timers);
        if (next <= now) {
            timer_list_run(m->timers, now);
            continue;
        }
        if (next == TIMER_OFF) {
            pthread_cond_wait(&m->timer_cond, &m->lock);
        } else {
            struct timespec ts = { .tv_sec = next / 1000000000, .tv_nsec = next % 1000000000 };
            pthread_cond_timedwait(&m->timer_cond, &m->lock, &ts);
        }
    }
    machine_unlock(m);
    return NULL;
}

/* ---- assembly ------------------------------------------------------ */

static Vcpu *vcpu_new(Machine *m, int index)
{
    Vcpu *v = g_new0(Vcpu, 1);
    v->m = m;
    v->index = index;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&v->cond, &ca);
    pthread_condattr_destroy(&ca);
    atomic_store(&v->pending_vector, -1);
    atomic_store(&v->wait_sipi, index != 0);
    v->lapic = NULL;
    return v;
}

/* LapicHost callbacks get the Vcpu; these adapters forward to the machine. */
static void vcpu_lapic_send_ipi(void *opaque, Lapic *src, const ApicMessage *msg)
{
    Vcpu *v = opaque;
    machine_lapic_send_ipi(v->m, src, msg);
}

static void vcpu_lapic_eoi(void *opaque, int vector)
{
    Vcpu *v = opaque;
    machine_lapic_eoi(v->m, vector);
}

static void vcpu_free(Vcpu *v)
{
    if (!v)
        return;
    lapic_destroy(v->lapic);
    pthread_cond_destroy(&v->cond);
    g_free(v);
}

static bool machine_alloc_ram(Machine *m, GError **error)
{
    m->ram_size = m->cfg.mem_mib << 20;
    m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m->ram == MAP_FAILED) {
        int e = errno;
        m->ram = NULL;
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST,
                    "cannot allocate %" G_GUINT64_FORMAT " MiB of guest memory: %s",
                    m->cfg.mem_mib, g_strerror(e));
        return false;
    }
    madvise(m->ram, m->ram_size, MADV_MERGEABLE);
    uint64_t low = MIN(m->ram_size, MACHINE_LOWMEM_MAX);
    m->ranges[0] = (MachineRamRange){ .gpa = 0, .size = low, .host = m->ram };
    m->nranges = 1;
    if (m->ram_size > low) {
        m->ranges[1] = (MachineRamRange){ .gpa = 1ull << 32, .size = m->ram_size - low,
                                          .host = m->ram + low };
        m->nranges = 2;
    }
    if (m->cfg.bios_size) {
        /* The firmware ROM ends at 4 GiB, as the flash of a PC: the
         * reset vector is its last 16 bytes.  Device memory (not in
         * e820); the loader fills it. */
        m->bios = mmap(NULL, m->cfg.bios_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m->bios == MAP_FAILED) {
            int e = errno;
            m->bios = NULL;
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST,
                        "cannot allocate the firmware ROM: %s", g_strerror(e));
            return false;
        }
        m->ranges[m->nranges++] = (MachineRamRange){ .gpa = (1ull << 32) - m->cfg.bios_size,
                                                     .size = m->cfg.bios_size,
                                                     .host = m->bios, .device = true };
    }
    return true;
}

void machine_reset_devices(Machine *m)
{
    machine_lock(m);
    i8259_reset(m->pic);
    ioapic_reset(m->ioapic);
    i8254_reset(m->pit);
    rtc_reset(m->rtc);
    uart16550_reset(m->uart);
    i8042_reset(m->kbd);
    acpi_pm_reset(m->pm);
    pci_host_reset(m->pci);
    fw_cfg_reset(m->fw_cfg);
    if (m->debug_exit)
        debug_exit_reset(m->debug_exit);
    if (m->testdev)
        pc_testdev_reset(m->testdev);
    for (int i = 0; i < m->nvcpus; i++) {
        Vcpu *v = m->vcpus[i];
        lapic_reset(v->lapic);
        atomic_store(&v->wait_sipi, i != 0);
        v->regs_queued = false;
        v->tsc_offset = 0;
        vcpu_update_pending(v);
    }
    machine_unlock(m);
}

/* The standard VGA in slot 2, its VRAM mapped as guest memory where
 * BAR 0 was placed (stdvga.h). */
static int machine_add_vga(Machine *m, uint64_t vram)
{
    m->vga = stdvga_create(m->pci, m->bus, vram);
    if (!m->vga)
        return -errno;
    i8042_set_mouse(m->kbd, true); /* a screen comes with a pointer */
    m->ranges[m->nranges++] = (MachineRamRange){ .gpa = stdvga_vram_gpa(m->vga),
                                                 .size = stdvga_vram_size(m->vga),
                                                 .host = stdvga_vram(m->vga), .device = true };
    return 0;
}

static void *machine_fw_cfg_ram_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
    return machine_ram_ptr(opaque, gpa, len);
}

static void machine_fw_cfg_ram_written(void *opaque, uint64_t gpa, uint64_t len)
{
    machine_ram_written(opaque, gpa, len);
}

static void machine_testdev_flush(void *opaque, uint64_t gpa)
{
    machine_ram_written(opaque, gpa, 4096);
}

/* The test profile: QEMU's isa-debug-exit (0xf4, 4 ports) and pc-testdev. */
static int machine_add_test_devices(Machine *m)
{
    m->debug_exit = debug_exit_create(VCPU_EXIT_DEBUG_EXIT);
    PcTestdevHost th = { machine_irq_line_set, machine_testdev_flush, m };
    m->testdev = pc_testdev_create(&th);
    if (!m->debug_exit || !m->testdev)
        return -ENOMEM;
    int r = debug_exit_attach(m->debug_exit, m->bus);
    return r ? r : pc_testdev_attach(m->testdev, m->bus);
}

Machine *machine_new(const MachineConfig *cfg, CharBackend *serial, GError **error)
{
    if (cfg->mem_mib < MACHINE_MIN_MEM_MIB) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG,
                    "memory too small: %" G_GUINT64_FORMAT " MiB (at least %d MiB)",
                    cfg->mem_mib, MACHINE_MIN_MEM_MIB);
        return NULL;
    }
    if (cfg->mem_mib > (1ull << 20)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG,
                    "memory too large: %" G_GUINT64_FORMAT " MiB", cfg->mem_mib);
        return NULL;
    }
    if (cfg->bios_size && (cfg->bios_size % MACHINE_BIOS_ALIGN ||
                           cfg->bios_size > MACHINE_BIOS_MAX)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG,
                    "a firmware image of %" G_GUINT64_FORMAT " bytes: it must be a multiple "
                    "of 64 KiB, at most 16 MiB", cfg->bios_size);
        return NULL;
    }
    if (cfg->cpus < 1 || cfg->cpus > MACHINE_MAX_CPUS) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG,
                    "cannot have %d vCPUs (1 to %d)", cfg->cpus, MACHINE_MAX_CPUS);
        return NULL;
    }
    Machine *m = g_new0(Machine, 1);
    m->cfg = *cfg;
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->timer_cond, &ca);
    pthread_cond_init(&m->park_cond, &ca);
    pthread_condattr_destroy(&ca);
    m->clock_start = vclock_ns();
    if (!machine_alloc_ram(m, error)) {
        machine_free(m);
        return NULL;
    }
    m->bus = io_bus_new();
    m->timers = timer_list_new(machine_timers_changed, m);

    /* Interrupt controllers first, then the devices wired to them. */
    IrqLine intr = { machine_pic_output, m, 0 };
    m->pic = i8259_create(&intr);
    IoapicHost ioh = { machine_ioapic_deliver, m };
    m->ioapic = ioapic_create(&ioh, 0);
    m->nvcpus = cfg->cpus;
    for (int i = 0; i < cfg->cpus; i++) {
        Vcpu *v = vcpu_new(m, i);
        LapicHost lh = { vcpu_lapic_send_ipi, vcpu_lapic_eoi, machine_vcpu_lapic_changed, v };
        v->lapic = lapic_create(m->timers, i, i == 0, &lh);
        m->vcpus[i] = v;
    }
    IrqLine irq0 = { machine_irq_line_set, m, 0 };
    IrqLine irq1 = { machine_irq_line_set, m, 1 };
    IrqLine irq4 = { machine_irq_line_set, m, 4 };
    IrqLine irq8 = { machine_irq_line_set, m, 8 };
    IrqLine sci = { machine_irq_line_set, m, ACPI_SCI_IRQ };
    IrqLine irq12 = { machine_irq_line_set, m, 12 };
    m->pit = i8254_create(m->timers, &irq0);
    m->rtc = rtc_create(m->timers, &irq8);
    m->uart = uart16550_create(m->timers, &irq4, serial);
    m->kbd = i8042_create(&irq1, &irq12, VCPU_EXIT_RESET);
    m->pm = acpi_pm_create(&sci, VCPU_EXIT_SHUTDOWN, VCPU_EXIT_RESET);
    PciHostIrq pirq = { machine_pci_set_gsi, machine_pci_msi, m };
    m->pci = pci_host_create(m->bus, &pirq);
    if (m->pci && cfg->bios_size)
        pci_host_be_i440fx(m->pci); /* the host bridge SeaBIOS knows: PAM registers */
    FwCfgRam fwr = { machine_fw_cfg_ram_ptr, machine_fw_cfg_ram_written, m };
    m->fw_cfg = fw_cfg_create(&fwr);

    int r = 0;
    if (!m->pic || !m->ioapic || !m->pit || !m->rtc || !m->uart || !m->kbd || !m->pm ||
        !m->pci || !m->fw_cfg || !m->bus || !m->timers)
        r = -ENOMEM;
    for (int i = 0; !r && i < m->nvcpus; i++)
        if (!m->vcpus[i]->lapic)
            r = -ENOMEM;
    if (!r)
        r = i8259_attach(m->pic, m->bus);
    if (!r)
        r = ioapic_attach(m->ioapic, m->bus, IOAPIC_DEFAULT_BASE);
    if (!r)
        r = i8254_attach(m->pit, m->bus);
    if (!r)
        r = rtc_attach(m->rtc, m->bus);
    if (!r)
        r = uart16550_attach(m->uart, m->bus, IO_SPACE_PIO, 0x3f8);
    if (!r)
        r = i8042_attach(m->kbd, m->bus);
    if (!r)
        r = acpi_pm_attach(m->pm, m->bus);
    if (!r)
        r = pci_host_attach(m->pci);
    if (!r)
        r = fw_cfg_attach(m->fw_cfg, m->bus);
    if (!r && cfg->profile == MACHINE_PROFILE_TEST)
        r = machine_add_test_devices(m);
    if (!r && cfg->vga_vram)
        r = machine_add_vga(m, cfg->vga_vram);
    if (r) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST,
                    "cannot assemble the machine: %s", g_strerror(-r));
        machine_free(m);
        return NULL;
    }
    for (int i = 0; i < m->nvcpus; i++)
        vcpu_update_pending(m->vcpus[i]);
    if (pthread_create(&m->timer_thread, NULL, machine_timer_thread, m) != 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST, "cannot start the timer thread");
        machine_free(m);
        return NULL;
    }
    m->timer_thread_started = true;
    return m;
}

void machine_timer_thread_stop(Machine *m)
{
    if (!m->timer_thread_started)
        return;
    machine_lock(m);
    m->timer_thread_stop = true;
    pthread_cond_signal(&m->timer_cond);
    machine_unlock(m);
    pthread_join(m->timer_thread, NULL);
    m->timer_thread_started = false;
}

void machine_free(Machine *m)
{
    if (!m)
        return;
    machine_timer_thread_stop(m);
    pci_host_destroy(m->pci);
    pc_testdev_destroy(m->testdev);
    debug_exit_destroy(m->debug_exit);
    fw_cfg_destroy(m->fw_cfg);
    stdvga_destroy(m->vga);
    acpi_pm_destroy(m->pm);
    i8042_destroy(m->kbd);
    uart16550_destroy(m->uart);
    rtc_destroy(m->rtc);
    i8254_destroy(m->pit);
    for (int i = 0; i < m->nvcpus; i++)
        vcpu_free(m->vcpus[i]);
    ioapic_destroy(m->ioapic);
    i8259_destroy(m->pic);
    timer_list_free(m->timers);
    io_bus_free(m->bus);
    if (m->ram)
        munmap(m->ram, m->ram_size);
    if (m->bios)
        munmap(m->bios, m->cfg.bios_size);
    pthread_cond_destroy(&m->timer_cond);
    pthread_cond_destroy(&m->park_cond);
    pthread_mutex_destroy(&m->lock);
    g_free(m);
}
