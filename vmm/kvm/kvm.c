/* kvm.c - cpu_backend_kvm: the KVM backend (thin, in the kvmtool spirit).
 *
 * One VM fd, one memory slot per machine RAM range, one vCPU fd per vCPU
 * run on the machine's vCPU threads.  Interrupt controller: userspace.
 * We do not create KVM's in-kernel irqchip; the machine's own LAPIC,
 * IOAPIC and PIC models (the ones dbt uses) decide what to inject, and we
 * inject with KVM_INTERRUPT when the guest can take it, asking KVM for an
 * interrupt-window exit otherwise.  LAPIC MMIO therefore exits to us like
 * any MMIO.  This keeps a single interrupt model for both backends at
 * the cost of exits KVM's irqchip would avoid; x2APIC and the TSC-deadline
 * timer are hidden from CPUID since KVM handles those MSRs only with its
 * in-kernel LAPIC.
 *
 * Kick: set kvm_run->immediate_exit and send SIGUSR1 to the vCPU thread
 * (the handler does nothing; it only interrupts KVM_RUN). */
#include "config.h"

#include "host_kvm.h"
#include "vmm/cpu_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KVM_DEVICE "/dev/kvm"
#define KVM_TSS_ADDR 0xfffbd000ul
#define KVM_KICK_SIGNAL SIGUSR1

typedef struct {
    int sys_fd, vm_fd;
    int vcpu_mmap_size;
    struct kvm_cpuid2 *cpuid;
} KvmVm;

typedef struct {
    KvmVm *vm;
    int fd;
    struct kvm_run *run;
    pthread_t thread;
    _Atomic bool has_thread;
} KvmVcpu;

/* Whether the device can be used at all; whether --accel auto should use
 * it is host_kvm_auto()'s decision (common/host_kvm.h), made in main.c. */
static int kvm_probe(char *why, size_t why_len)
{
    HostKvmFacts f;
    char *reason = NULL;

    host_kvm_facts_read(NULL, &f);
    if (host_kvm_device_usable(&f, &reason)) {
        if (why_len)
            why[0] = '\0';
        return 0;
    }
    snprintf(why, why_len, "%s", reason);
    g_free(reason);
    return f.open_errno ? -f.open_errno : -ENODEV;
}

static void kvm_kick_handler(int sig)
{
    (void)sig;
}

static struct kvm_cpuid2 *kvm_supported_cpuid(int sys_fd)
{
    for (int n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
        if (!c)
            return NULL;
        c->nent = n;
        if (ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return c;
        free(c);
        if (errno != E2BIG)
            return NULL;
    }
    return NULL;
}

static int kvm_vm_create(Machine *m)
{
    KvmVm *vm = calloc(1, sizeof(*vm));
    if (!vm)
        return -ENOMEM;
    int r;
    vm->vm_fd = -1;
    vm->sys_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    if (vm->sys_fd < 0) {
        r = -errno;
        goto fail;
    }
    vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0) {
        r = -errno;
        goto fail;
    }
    if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0) {
        r = -errno;
        goto fail;
    }
    for (int i = 0; i < machine_ram_range_count(m); i++) {
        const MachineRamRange *rr = machine_ram_range(m, i);
        struct kvm_userspace_memory_region reg = {
            .slot = i,
            .guest_phys_addr = rr->gpa,
            .memory_size = rr->size,
            .userspace_addr = (uintptr_t)rr->host,
        };
        if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg) < 0) {
            r = -errno;
            goto fail;
        }
    }
    vm->vcpu_mmap_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    vm->cpuid = kvm_supported_cpuid(vm->sys_fd);
    if (vm->vcpu_mmap_size <= 0 || !vm->cpuid) {
        r = -EIO;
        goto fail;
    }
    struct sigaction sa = { .sa_handler = kvm_kick_handler };
    sigaction(KVM_KICK_SIGNAL, &sa, NULL);
    machine_set_backend_data(m, vm);
    return 0;
fail:
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->sys_fd >= 0)
        close(vm->sys_fd);
    free(vm->cpuid);
    free(vm);
    return r;
}

static void kvm_vm_destroy(Machine *m)
{
    KvmVm *vm = machine_backend_data(m);
    if (!vm)
        return;
    machine_set_backend_data(m, NULL);
    close(vm->vm_fd);
    close(vm->sys_fd);
    free(vm->cpuid);
    free(vm);
}

/* CPUID for vCPU @index: KVM's supported set, minus what the machine model
 * does not provide with a userspace LAPIC. */
static int kvm_vcpu_set_cpuid(KvmVcpu *kv, int index)
{
    struct kvm_cpuid2 *src = kv->vm->cpuid;
    size_t sz = sizeof(*src) + src->nent * sizeof(struct kvm_cpuid_entry2);
    struct kvm_cpuid2 *c = malloc(sz);
    if (!c)
        return -ENOMEM;
    memcpy(c, src, sz);
    for (unsigned i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        switch (e->function) {
        case 1:
            e->ecx &= ~((1u << 21) | (1u << 24)); /* x2APIC, TSC-deadline */
            e->ecx |= 1u << 31;                   /* hypervisor */
            e->ebx = (e->ebx & 0x00ffffff) | ((uint32_t)index << 24);
            break;
        case 0xa:
            e->eax = e->ebx = e->ecx = e->edx = 0; /* no PMU */
            break;
        case 0xb:
        case 0x1f:
            e->edx = index;
            break;
        }
    }
    int r = ioctl(kv->fd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
    free(c);
    return r;
}

static int kvm_vcpu_create(Vcpu *v)
{
    KvmVm *vm = machine_backend_data(vcpu_machine(v));
    if (!vm)
        return -EINVAL;
    KvmVcpu *kv = calloc(1, sizeof(*kv));
    if (!kv)
        return -ENOMEM;
    kv->vm = vm;
    kv->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, vcpu_index(v));
    if (kv->fd < 0) {
        int e = errno;
        free(kv);
        return -e;
    }
    kv->run = mmap(NULL, vm->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, kv->fd, 0);
    int r = kv->run == MAP_FAILED ? -errno : kvm_vcpu_set_cpuid(kv, vcpu_index(v));
    if (r < 0) {
        if (kv->run != MAP_FAILED)
            munmap(kv->run, vm->vcpu_mmap_size);
        close(kv->fd);
        free(kv);
        return r;
    }
    vcpu_set_backend_data(v, kv);
    return 0;
}

static void kvm_vcpu_destroy(Vcpu *v)
{
    KvmVcpu *kv = vcpu_backend_data(v);
    if (!kv)
        return;
    munmap(kv->run, kv->vm->vcpu_mmap_size);
    close(kv->fd);
    vcpu_set_backend_data(v, NULL);
    free(kv);
}

static int kvm_get_regs(Vcpu *v, VcpuRegs *regs)
{
    KvmVcpu *kv = vcpu_backend_data(v);
    struct kvm_regs k;
    if (ioctl(kv->fd, KVM_GET_REGS, &k) < 0)
        return -errno;
    uint64_t g[VCPU_NR_GPRS] = { k.rax, k.rcx, k.rdx, k.rbx, k.rsp, k.rbp, k.rsi, k.rdi,
                                 k.r8, k.r9, k.r10, k.r11, k.r12, k.r13, k.r14, k.r15 };
    memcpy(regs->gpr, g, sizeof(g));
    regs->rip = k.rip;
    regs->rflags = k.rflags;
    return 0;
}

static int kvm_set_regs(Vcpu *v, const VcpuRegs *r)
{
    KvmVcpu *kv = vcpu_backend_data(v);
    const uint64_t *g = r->gpr;
    struct kvm_regs k = {
        .rax = g[VCPU_RAX], .rcx = g[VCPU_RCX], .rdx = g[VCPU_RDX], .rbx = g[VCPU_RBX],
        .rsp = g[VCPU_RSP], .rbp = g[VCPU_RBP], .rsi = g[VCPU_RSI], .rdi = g[VCPU_RDI],
        .r8 = g[VCPU_R8], .r9 = g[VCPU_R9], .r10 = g[VCPU_R10], .r11 = g[VCPU_R11],
        .r12 = g[VCPU_R12], .r13 = g[VCPU_R13], .r14 = g[VCPU_R14], .r15 = g[VCPU_R15],
        .rip = r->rip, .rflags = r->rflags,
    };
    return ioctl(kv->fd, KVM_SET_REGS, &k) < 0 ? -errno : 0;
}

static void seg_from_kvm(VcpuSegment *s, const struct kvm_segment *k)
{
    *s = (VcpuSegment){ .base = k->base, .limit = k->limit, .selector = k->selector,
                        .type = k->type, .s = k->s, .dpl = k->dpl, .present = k->present,
                        .avl = k->avl, .l = k->l, .db = k->db, .g = k->g,
                        .unusable = k->unusable };
}

static void seg_to_kvm(struct kvm_segment *k, const VcpuSegment *s)
{
    *k = (struct kvm_segment){ .base = s->base, .limit = s->limit, .selector = s->selector,
                               .type = s->type, .s = s->s, .dpl = s->dpl,
                               .present = s->present, .avl = s->avl, .l = s->l, .db = s->db,
                               .g = s->g, .unusable = s->unusable };
}

static int kvm_get_sregs(Vcpu *v, VcpuSregs *s)
{
    KvmVcpu *kv = vcpu_backend_data(v);
    struct kvm_sregs k;
    if (ioctl(kv->fd, KVM_GET_SREGS, &k) < 0)
        return -errno;
    struct kvm_segment *segs[VCPU_NR_SEGS] = { &k.es, &k.cs, &k.ss, &k.ds, &k.fs, &k.gs };
    for (int i = 0; i < VCPU_NR_SEGS; i++)
        seg_from_kvm(&s->seg[i], segs[i]);
    seg_from_kvm(&s->tr, &k.tr);
    seg_from_kvm(&s->ldt, &k.ldt);
    s->gdt = (VcpuDtable){ k.gdt.base, k.gdt.limit };
    s->idt = (VcpuDtable){ k.idt.base, k.idt.limit };
    s->cr0 = k.cr0;
    s->cr2 = k.cr2;
    s->cr3 = k.cr3;
    s->cr4 = k.cr4;
    s->cr8 = k.cr8;
    s->efer = k.efer;
    s->apic_base = k.apic_base;
    return 0;
}

static int kvm_set_sregs(Vcpu *v, const VcpuSregs *s)
{
    KvmVcpu *kv = vcpu_backend_data(v);
    struct kvm_sregs k;
    if (ioctl(kv->fd, KVM_GET_SREGS, &k) < 0)
        return -errno;
    struct kvm_segment *segs[VCPU_NR_SEGS] = { &k.es, &k.cs, &k.ss, &k.ds, &k.fs, &k.gs };
    for (int i = 0; i < VCPU_NR_SEGS; i++)
        seg_to_kvm(segs[i], &s->seg[i]);
    seg_to_kvm(&k.tr, &s->tr);
    seg_to_kvm(&k.ldt, &s->ldt);
    k.gdt.base = s->gdt.base;
    k.gdt.limit = s->gdt.limit;
    k.idt.base = s->idt.base;
    k.idt.limit = s->idt.limit;
    k.cr0 = s->cr0;
    k.cr2 = s->cr2;
    k.cr3 = s->cr3;
    k.cr4 = s->cr4;
    k.cr8 = s->cr8;
    k.efer = s->efer;
    if (s->apic_base)
        k.apic_base = s->apic_base;
    memset(k.interrupt_bitmap, 0, sizeof(k.interrupt_bitmap));
    return ioctl(kv->fd, KVM_SET_SREGS, &k) < 0 ? -errno : 0;
}

/* Port I/O exit: the data lives in kvm_run at io.data_offset. */
static int kvm_handle_io(Vcpu *v, struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    int ret = 0;
    for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
        uint32_t val = 0;
        int r;
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            memcpy(&val, data, run->io.size);
            r = machine_pio_write(v, run->io.port, run->io.size, val);
        } else {
            r = machine_pio_read(v, run->io.port, run->io.size, &val);
            memcpy(data, &val, run->io.size);
        }
        if (r > 0 && !ret)
            ret = r;
    }
    return ret;
}

static int kvm_handle_mmio(Vcpu *v, struct kvm_run *run)
{
    if (run->mmio.len == 0 || run->mmio.len > 8)
        return 0;
    if (run->mmio.is_write) {
        uint64_t val = 0;
        memcpy(&val, run->mmio.data, run->mmio.len);
        return machine_mmio_write(v, run->mmio.phys_addr, run->mmio.len, val);
    }
    uint64_t val = 0;
    int r = machine_mmio_read(v, run->mmio.phys_addr, run->mmio.len, &val);
    memcpy(run->mmio.data, &val, run->mmio.len);
    return r;
}

/* Inject what the machine says is pending, or ask for a window. */
static void kvm_inject(Vcpu *v, KvmVcpu *kv)
{
    struct kvm_run *run = kv->run;
    if (vcpu_nmi_pending(v))
        ioctl(kv->fd, KVM_NMI);
    int vec = vcpu_irq_pending(v);
    run->request_interrupt_window = 0;
    if (vec < 0)
        return;
    if (run->ready_for_interrupt_injection && run->if_flag) {
        struct kvm_interrupt irq = { .irq = vec };
        if (ioctl(kv->fd, KVM_INTERRUPT, &irq) == 0)
            vcpu_irq_ack(v, vec);
    } else {
        run->request_interrupt_window = 1;
    }
}

static int kvm_vcpu_run(Vcpu *v)
{
    KvmVcpu *kv = vcpu_backend_data(v);
    struct kvm_run *run = kv->run;
    if (!atomic_load(&kv->has_thread)) {
        kv->thread = pthread_self();
        atomic_store(&kv->has_thread, true);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, KVM_KICK_SIGNAL);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    }
    for (;;) {
        kvm_inject(v, kv);
        if (ioctl(kv->fd, KVM_RUN, 0) < 0) {
            int e = errno;
            atomic_store_explicit((_Atomic uint8_t *)&run->immediate_exit, 0,
                                  memory_order_relaxed);
            if (e == EINTR || e == EAGAIN)
                return VCPU_EXIT_KICKED;
            return -e;
        }
        int r = 0;
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            r = kvm_handle_io(v, run);
            break;
        case KVM_EXIT_MMIO:
            r = kvm_handle_mmio(v, run);
            break;
        case KVM_EXIT_HLT:
            vcpu_wait_event(v);
            return VCPU_EXIT_KICKED;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_SHUTDOWN: /* KVM does not say which exception */
            vcpu_report_crash(v, &(VcpuCrash){ "triple fault", -1, false, 0 });
            return VCPU_EXIT_CRASH;
        case KVM_EXIT_FAIL_ENTRY:
            vcpu_report_crash(v, &(VcpuCrash){ "invalid CPU state (KVM entry failed)", -1,
                                               false, 0 });
            return VCPU_EXIT_CRASH;
        case KVM_EXIT_INTERNAL_ERROR:
            vcpu_report_crash(v, &(VcpuCrash){ "KVM internal error", -1, false, 0 });
            return VCPU_EXIT_CRASH;
        case KVM_EXIT_SYSTEM_EVENT:
            return run->system_event.type == KVM_SYSTEM_EVENT_RESET ? VCPU_EXIT_RESET
                                                                    : VCPU_EXIT_SHUTDOWN;
        default:
            vcpu_report_crash(v, &(VcpuCrash){ "unexpected KVM exit", -1, false, 0 });
            return VCPU_EXIT_CRASH;
        }
        if (r > 0)
            return r;
    }
}

static void kvm_vcpu_kick(Vcpu *v)
{
    KvmVcpu *kv = vcpu_backend_data(v);
    if (!kv)
        return;
    kv->run->immediate_exit = 1;
    if (atomic_load(&kv->has_thread))
        pthread_kill(kv->thread, KVM_KICK_SIGNAL);
}

const CpuBackendOps cpu_backend_kvm = {
    .name = "kvm",
    .probe = kvm_probe,
    .vm_create = kvm_vm_create,
    .vm_destroy = kvm_vm_destroy,
    .vcpu_create = kvm_vcpu_create,
    .vcpu_destroy = kvm_vcpu_destroy,
    .get_regs = kvm_get_regs,
    .set_regs = kvm_set_regs,
    .get_sregs = kvm_get_sregs,
    .set_sregs = kvm_set_sregs,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_kick = kvm_vcpu_kick,
};
