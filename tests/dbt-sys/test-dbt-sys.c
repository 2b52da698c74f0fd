/* test-dbt-sys.c - system-level tests of the dbt CPU: tiny 64-bit guest
 * programs (assembled in-tree by the host assembler) run in machine mode
 * on a minimal test machine (RAM, a debug exit port, an injectable
 * interrupt line) through the CPU's internal host interface (cpu.h, run.h).
 *
 * Guest layout (identity mapped; 0-2 MiB in 4 KiB pages, 2-4 MiB one large
 * page): 0x1000 PML4, 0x2000 PDPT, 0x3000 PD, 0x4000 PT, 0x5000 GDT,
 * 0x6000 IDT, 0x7000 TSS, 0x7ff8 log count, 0x8000 log of CR2, 0x9000 log of
 * error codes, 0xa000 results, 0x10000 code, stacks below 0x60000 (RSP0),
 * 0x70000 (IST1) and 0x80000 (user).  Checks are non-fatal, so a run
 * reports every failure; a guest that would sleep forever stops it.
 * /dbt/sys/smp-*: two vCPUs on two host threads over one RAM (smp.h),
 * taking turns with the baton and in parallel; which of the two a
 * machine gets (smp-mode). */
#include <glib.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/dbt/cpu.h"
#include "vmm/dbt/run.h"
#include "vmm/dbt/smp.h"
#include "vmm/dbt/system.h"

#define RAM_SIZE (4u << 20)
#define CODE 0x10000u
#define RESULTS 0xa000u
#define EXIT_PORT 0xf4

/* ---- guest programs ------------------------------------------------- */
#define GUEST(name, body) \
    __asm__(".pushsection .rodata\n.p2align 4\n.globl " #name "\n" #name ":\n" body \
            "\n.globl " #name "_end\n" #name "_end:\n.popsection\n"); \
    extern const uint8_t name[], name##_end[];
#define LABEL(l) ".globl " #l "\n" #l ":\n"
#define SYM(l) extern const uint8_t l[];

/* the #PF handler used by several programs: log CR2 and the error code,
 * make the page present, writable, user and executable, INVLPG, retry */
#define PF_HANDLER(l) \
    LABEL(l) \
    "push %rax\npush %rdx\npush %rsi\n" \
    "mov %cr2, %rax\nmov 0x7ff8, %rsi\n" \
    "mov %rax, 0x8000(,%rsi,8)\nmov 24(%rsp), %rdx\nmov %rdx, 0x9000(,%rsi,8)\n" \
    "inc %rsi\nmov %rsi, 0x7ff8\n" \
    "shr $12, %rax\nlea 0x4000(,%rax,8), %rax\norq $7, (%rax)\nbtrq $63, (%rax)\n" \
    "mov %cr2, %rdx\ninvlpg (%rdx)\n" \
    "pop %rsi\npop %rdx\npop %rax\nadd $8, %rsp\niretq\n"

#define EXIT "mov $1, %eax\nout %al, $0xf4\n"

/* page faults: not present (write), read-only (RMW), NX (call); every
 * faulting instruction restarts and completes after the fix-up */
GUEST(g_paging,
      LABEL(g_paging_entry)
      "mov $0x50000, %rbx\nmovq $0x1234, (%rbx)\nmov (%rbx), %rax\nmov %rax, 0xa000\n"
      "mov $0x51000, %rcx\naddq $5, (%rcx)\nmov (%rcx), %rax\nmov %rax, 0xa008\n"
      "mov $0x53000, %rdx\nmovb $0xc3, (%rdx)\n"   /* ret; page is writable+NX */
      "call *%rdx\nmovq $1, 0xa010\n"
      EXIT
      PF_HANDLER(g_paging_pf))
SYM(g_paging_entry) SYM(g_paging_pf)

/* code that a device rewrites behind the CPU's back (DMA): call a
 * function that returns its immediate, store the result, exit */
GUEST(g_dma,
      LABEL(g_dma_entry)
      "call 2f\nmov %rax, 0xa000\n"
      EXIT
      LABEL(g_dma_fn)
      "2: mov $1, %eax\nret\n")
SYM(g_dma_entry) SYM(g_dma_fn)

/* Two vCPUs (test_smp): a shared counter incremented with LOCK INC by
 * both; then code the BSP has decoded, translated and linked (the
 * function at 0x20000, mov $1, %eax; ret, put there by the test) is
 * rewritten by the AP through a write mapping the AP took before the
 * page held code; after the AP says so (a flag) and a CPUID, as the SDM
 * asks of cross-modifying code, the BSP must run the new code. */
#define SMP_FN 0x20000u
GUEST(g_smp,
      LABEL(g_smp_bsp)
      "mov $100000, %ecx\n1: lock incq 0xa100\ndec %ecx\njnz 1b\n"
      "lock incq 0xa108\n2: pause\ncmpq $2, 0xa108\njne 2b\n"
      "3: pause\ncmpq $1, 0xa110\njne 3b\n"            /* A: the AP can write the page */
      "mov $1000, %ecx\n4: mov $0x20000, %edx\ncall *%rdx\ndec %ecx\njnz 4b\n"
      "movq $1, 0xa118\n"                              /* B: the code is in the cache */
      "5: pause\ncmpq $1, 0xa120\njne 5b\n"            /* C: rewritten */
      "xor %eax, %eax\ncpuid\n"
      "mov $0x20000, %edx\ncall *%rdx\nmov %rax, 0xa128\n"
      EXIT
      LABEL(g_smp_ap)
      "mov $100000, %ecx\n1: lock incq 0xa100\ndec %ecx\njnz 1b\n"
      "lock incq 0xa108\n2: pause\ncmpq $2, 0xa108\njne 2b\n"
      "movq $7, 0x20800\n"                             /* a write mapping of the page */
      "movq $1, 0xa110\n"                              /* A */
      "3: pause\ncmpq $1, 0xa118\njne 3b\n"            /* B */
      "movl $2, 0x20001\n"                             /* mov $2, %eax */
      "movq $1, 0xa120\n"                              /* C */
      EXIT)
SYM(g_smp_bsp) SYM(g_smp_ap)

/* TLB invalidation: remap a page, INVLPG, and a CR3 reload */
GUEST(g_tlb,
      LABEL(g_tlb_entry)
      "movq $0x1111, 0x54000\nmovq $0x2222, 0x55000\n"
      "mov 0x56000, %rax\n"                         /* fills the TLB: 0x56000 -> 0x54000 */
      "mov %rax, 0xa000\n"
      "movq $0x55003, 0x4000 + 0x56 * 8\n"          /* PTE now -> 0x55000 */
      "invlpg 0x56000\nmov 0x56000, %rax\nmov %rax, 0xa008\n"
      "movq $0x54003, 0x4000 + 0x56 * 8\n"
      "mov %cr3, %rcx\nmov %rcx, %cr3\nmov 0x56000, %rax\nmov %rax, 0xa010\n"
      /* accessed and dirty bits */
      "movq $0x57003, 0x4000 + 0x57 * 8\nmov 0x57000, %rax\nmov 0x4000 + 0x57 * 8, %rax\nmov %rax, 0xa018\n"
      "movq $1, 0x57000\nmov 0x4000 + 0x57 * 8, %rax\nmov %rax, 0xa020\n"
      EXIT)
SYM(g_tlb_entry)

/* IST: INT3 through a gate with IST1; the handler records its RSP */
GUEST(g_ist,
      LABEL(g_ist_entry)
      "int3\nmovq $7, 0xa008\n" EXIT
      LABEL(g_ist_bp)
      "mov %rsp, 0xa000\niretq\n")
SYM(g_ist_entry) SYM(g_ist_bp)

/* an interrupt arriving during REP STOSB: the handler records the
 * interrupted RIP and RCX; the string op resumes and completes */
GUEST(g_rep,
      LABEL(g_rep_entry)
      "mov $0x100000, %rdi\nmov $0x100000, %rcx\nmov $0x5a, %al\nsti\n"
      LABEL(g_rep_insn)
      "rep stosb\ncli\nmov %rcx, 0xa010\n" EXIT
      LABEL(g_rep_irq)
      "incq 0xa000\nmov (%rsp), %rax\nmov %rax, 0xa008\nmov %rcx, 0xa018\nmov $0x5a, %al\niretq\n")
SYM(g_rep_entry) SYM(g_rep_insn) SYM(g_rep_irq)

/* HLT with IF=1 sleeps until the interrupt; STI shadow covers the HLT */
GUEST(g_hlt,
      LABEL(g_hlt_entry)
      "sti\nhlt\nmovq $3, 0xa008\n" EXIT
      LABEL(g_hlt_irq)
      "incq 0xa000\niretq\n")
SYM(g_hlt_entry) SYM(g_hlt_irq)

/* SYSCALL/SYSRET round trip from CPL 3, a user #PF on a supervisor page
 * (error code U|P), and #GP for HLT at CPL 3 */
GUEST(g_syscall,
      LABEL(g_sc_entry)
      "mov $0xc0000081, %ecx\nxor %eax, %eax\nmov $0x00230010, %edx\nwrmsr\n"   /* STAR */
      "mov $0xc0000082, %ecx\nlea g_sc_kernel(%rip), %rax\nmov %rax, %rdx\nshr $32, %rdx\nwrmsr\n"
      "mov $0xc0000084, %ecx\nmov $0x200, %eax\nxor %edx, %edx\nwrmsr\n"        /* SFMASK: IF */
      /* iretq to user mode */
      "pushq $0x2b\npushq $0x80000\npushq $0x202\npushq $0x33\nlea g_sc_user(%rip), %rax\npush %rax\niretq\n"
      LABEL(g_sc_user)
      "mov $41, %eax\nsyscall\nmov %rax, 0xa000\nmov %rcx, 0xa008\n"
      "mov 0x52000, %rax\nmov %rax, 0xa030\n"         /* supervisor page: #PF U|P, fixed */
      LABEL(g_sc_hlt)
      "hlt\n"                                        /* #GP(0), skipped by the handler */
      "mov $60, %eax\nsyscall\n"
      LABEL(g_sc_kernel)
      "mov %cs, %rbx\nmov %rbx, 0xa010\npushfq\npop %rbx\nmov %rbx, 0xa018\nmov %r11, 0xa020\n"
      "cmp $60, %eax\nje 1f\ninc %eax\nsysretq\n"
      "1:\n" EXIT
      LABEL(g_sc_gp)
      "mov (%rsp), %rax\nmov %rax, 0xa038\nmov 8(%rsp), %rax\nmov %rax, 0xa040\n"
      "add $8, %rsp\nincq (%rsp)\niretq\n"
      PF_HANDLER(g_sc_pf))
SYM(g_sc_pf) SYM(g_sc_entry) SYM(g_sc_user) SYM(g_sc_kernel) SYM(g_sc_hlt) SYM(g_sc_gp)

/* port I/O at CPL 3 with IOPL 0 through the TSS's permission bitmap: the
 * #GP handler logs the error code and RIP and skips the 2-byte IN/OUT */
GUEST(g_iobitmap,
      LABEL(g_io_entry)
      "pushq $0x2b\npushq $0x80000\npushq $0x2\npushq $0x33\nlea g_io_user(%rip), %rax\n"
      "push %rax\niretq\n"
      LABEL(g_io_user)
      "in $0x80, %al\nmovq $1, 0xa000\n"          /* allowed */
      LABEL(g_io_out81)
      "out %al, $0x81\nmovq $1, 0xa008\n"         /* denied: #GP */
      "inw $0x84, %ax\nmovq $1, 0xa010\n"         /* two allowed ports */
      LABEL(g_io_in87)
      "in $0x87, %eax\nmovq $1, 0xa018\n"         /* 0x87 allowed, 0x88 denied */
      "mov $0x80, %dx\noutb %al, (%dx)\nmovq $1, 0xa020\n"
      LABEL(g_io_high)
      "mov $0xfff8, %dx\ninb (%dx), %al\nmovq $1, 0xa028\n"   /* beyond the TSS limit */
      EXIT
      LABEL(g_io_gp)
      "push %rax\npush %rsi\nmov 0x7ff8, %rsi\n"
      "mov 16(%rsp), %rax\nmov %rax, 0x9000(,%rsi,8)\n"
      "mov 24(%rsp), %rax\nmov %rax, 0x8000(,%rsi,8)\n"
      "inc %rsi\nmov %rsi, 0x7ff8\n"
      "mov 24(%rsp), %rax\ncmpb $0xec, (%rax)\nje 1f\naddq $1, 24(%rsp)\n1:\n"
      "addq $1, 24(%rsp)\n"
      "pop %rsi\npop %rax\nadd $8, %rsp\niretq\n")
SYM(g_io_entry) SYM(g_io_user) SYM(g_io_out81) SYM(g_io_in87) SYM(g_io_high) SYM(g_io_gp)

/* real mode -> 32-bit protected mode -> long mode, as Linux's AP
 * trampoline does it: segment bases, 16-bit addressing, the IVT (INT n
 * and an external interrupt taken in HLT), near CALL/RET, LGDTL, far
 * jumps to a 32-bit and then a 64-bit code segment.  Starts at CS=0x1000
 * (base CODE), IP = entry offset. */
GUEST(g_modes,
      ".code16\n"
      LABEL(g_modes_entry)
      "mov $0x1234, %ax\nmov %ax, %ds\nmovw $0x5678, 0x10\n"          /* 0x12350 */
      "xor %ax, %ax\nmov %ax, %ds\n"
      "mov $0x100, %bx\nmov $0x20, %si\nmovw $0xbeef, 0x10(%bx,%si)\n"  /* 0x130 */
      "mov $0x3000, %ax\nmov %ax, %ss\nmov $0x8000, %sp\n"
      "int $0x30\n"
      "call 1f\njmp 2f\n1: movw $0x42, 0xa012\nret\n2:\n"
      "lcall $0x1000, $g_modes_far - g_modes\n"
      "sti\nhlt\ncli\n"
      "mov %sp, 0xa016\n"
      "mov $0x1000, %ax\nmov %ax, %ds\n"
      "lgdtl g_modes_gdtr - g_modes\n"
      "mov %cr0, %eax\nor $1, %eax\nmov %eax, %cr0\n"
      "ljmpl $0x08, $0x10000 + g_modes_pm32 - g_modes\n"
      LABEL(g_modes_int30)
      "movw $0x77, 0xa010\niret\n"
      LABEL(g_modes_irq31)
      "incw 0xa014\niret\n"
      LABEL(g_modes_far)
      "movw %cs, 0xa018\nlret\n"
      ".p2align 2\n"
      LABEL(g_modes_gdtr)
      ".word 0x4f\n.long 0x5000\n"
      ".code32\n"
      LABEL(g_modes_pm32)
      "mov $0x18, %ax\nmov %ax, %ds\nmov %ax, %es\nmov %ax, %ss\nmov $0x39000, %esp\n"
      "movl $0xcafe, 0xa020\npush $0x11\npop %eax\nmov %eax, 0xa024\n"
      "mov $0x70, %dx\nmov $0xa040, %edi\nmov $3, %ecx\nrep insb\nmov %edi, 0xa044\n"
      "mov $0x72, %dx\nmov $0xa040, %esi\nmov $1, %ecx\nrep outsl\nmov %esi, 0xa048\n"
      "mov $0x1000, %eax\nmov %eax, %cr3\n"
      "mov %cr4, %eax\nor $0x20, %eax\nmov %eax, %cr4\n"
      "mov $0xc0000080, %ecx\nrdmsr\nor $0x100, %eax\nwrmsr\n"
      "mov %cr0, %eax\nor $0x80000000, %eax\nmov %eax, %cr0\n"
      "movl $1, 0xa028\n"                                             /* compatibility mode */
      "ljmp $0x10, $0x10000 + g_modes_lm64 - g_modes\n"
      ".code64\n"
      LABEL(g_modes_lm64)
      "movabs $0x6464646464, %rax\nmov %rax, 0xa030\n"
      "mov $0xc0000080, %ecx\nrdmsr\nmov %eax, 0xa038\n"
      EXIT)
SYM(g_modes_entry) SYM(g_modes_int30) SYM(g_modes_irq31)

/* SGDT, SIDT, SLDT, STR, SMSW at CPL 0 and at CPL 3 (the model has no
 * UMIP: they store the registers at any privilege); IOPL 3 lets the user
 * part reach the exit port. */
GUEST(g_desc,
      LABEL(g_desc_entry)
      "sgdt 0xa000\nsidt 0xa010\nmov $-1, %rax\nsldt %eax\nmov %rax, 0xa020\n"
      "mov $-1, %rax\nstr %eax\nmov %rax, 0xa028\nsmsw %eax\nmov %rax, 0xa030\n"
      "pushq $0x2b\npushq $0x80000\npushq $0x3002\npushq $0x33\nlea g_desc_user(%rip), %rax\n"
      "push %rax\niretq\n"
      LABEL(g_desc_user)
      "sgdt 0xa040\nsidt 0xa050\nmov $-1, %rax\nsldt %eax\nmov %rax, 0xa060\n"
      "mov $-1, %rax\nstr %eax\nmov %rax, 0xa068\nsmsw %eax\nmov %rax, 0xa070\n"
      "sldt 0xa078\nstr 0xa07a\n"
      EXIT)
SYM(g_desc_entry) SYM(g_desc_user)

/* INS/OUTS in 16-bit code (real mode) and 32-bit code (after the switch
 * to protected mode): port 0x70 reads a counter, port 0x72 is logged.
 * 16-bit addressing wraps DI within ES; a 67 prefix uses EDI/ECX. */
GUEST(g_strio,
      ".code16\n"
      LABEL(g_strio_entry)
      "mov $0x2000, %ax\nmov %ax, %es\nmov $0x3000, %ax\nmov %ax, %ds\ncld\n"
      "mov $0x70, %dx\nmov $0x10, %di\nmov $4, %cx\nrep insb\n"         /* ES:0x10..0x13 */
      "mov %di, 0x100\n"                                                  /* DS:0x100 = 0x14 */
      "mov $0xffff, %di\nmov $2, %cx\nrep insb\n"                         /* ES:0xffff, ES:0 */
      "mov %di, 0x102\n"                                                  /* 1 */
      "mov $0x72, %dx\nmov $0x20, %si\nmov $3, %cx\nrep outsw\n"          /* DS:0x20.. */
      "mov %si, 0x104\n"
      "mov $0x40, %esi\nmov $2, %ecx\naddr32 rep outsb\n"                 /* DS:0x40.. */
      "mov %esi, 0x108\n"
      "mov $0x30, %ax\nmov %ax, %ds\nmov $0, %si\nmov $1, %cx\nrep outsb %es:(%si), (%dx)\n" /* ES override */
      "mov $0x3000, %ax\nmov %ax, %ds\nmov %si, 0x10c\n"
      "std\nmov $0x70, %dx\nmov $0x20, %di\ninsw\ncld\nmov %di, 0x10e\n"                 /* ES:0x20, DI 0x1e */
      "mov $1, %al\nout %al, $0xf4\n"
      ".code64\n")
SYM(g_strio_entry)

/* ---- the test machine -------------------------------------------------- */

typedef struct {
    uint8_t *ram;
    DbtCpu *cpu;
    int index, ncpus;      /* this vCPU's, and how many the machine has */
    int irq_vector;        /* pending vector or -1 */
    int irq_countdown;     /* polls before irq_vector becomes visible */
    int hlt_vector;        /* raised when the CPU waits in HLT */
    int acks;
    int waits;
    uint8_t in_next;       /* port 0x70: a counter */
    uint8_t out_log[64];   /* port 0x72: the bytes written */
    unsigned out_len;
} TestMachine;

static TestMachine *tm_of(const Vcpu *v)
{
    return (TestMachine *)(uintptr_t)v;
}

static int tm_pio_read(Vcpu *v, uint16_t port, unsigned size, uint32_t *val)
{
    TestMachine *tm = tm_of(v);
    *val = 0xffffffff;
    if (port == 0x70) {
        *val = 0;
        for (unsigned k = 0; k < size; k++)
            *val |= (uint32_t)++tm->in_next << (8 * k);
    }
    return 0;
}

static int tm_pio_write(Vcpu *v, uint16_t port, unsigned size, uint32_t val)
{
    TestMachine *tm = tm_of(v);
    if (port == 0x72)
        for (unsigned k = 0; k < size && tm->out_len < sizeof(tm->out_log); k++)
            tm->out_log[tm->out_len++] = (uint8_t)(val >> (8 * k));
    return port == EXIT_PORT ? VCPU_EXIT_SHUTDOWN : 0;
}

static int tm_mmio_read(Vcpu *v, uint64_t gpa, unsigned size, uint64_t *val)
{
    (void)v; (void)gpa; (void)size;
    *val = ~0ull;
    return 0;
}

static int tm_mmio_write(Vcpu *v, uint64_t gpa, unsigned size, uint64_t val)
{
    (void)v; (void)gpa; (void)size; (void)val;
    return 0;
}

static int tm_irq_pending(Vcpu *v)
{
    TestMachine *tm = tm_of(v);
    if (tm->irq_vector < 0)
        return -1;
    if (tm->irq_countdown > 0) {
        tm->irq_countdown--;
        return -1;
    }
    return tm->irq_vector;
}

static void tm_irq_ack(Vcpu *v, int vector)
{
    TestMachine *tm = tm_of(v);
    g_assert_cmpint(vector, ==, tm->irq_vector);
    tm->irq_vector = -1;
    tm->acks++;
}

static bool tm_nmi_pending(Vcpu *v)
{
    (void)v;
    return false;
}

static int tm_msr_read(Vcpu *v, uint32_t msr, uint64_t *val)
{
    (void)v; (void)msr; (void)val;
    return -2;
}

static int tm_msr_write(Vcpu *v, uint32_t msr, uint64_t val)
{
    (void)v; (void)msr; (void)val;
    return -2;
}

static uint64_t tm_tsc_hz(const Machine *m)
{
    (void)m;
    return 1000000000;
}

static uint64_t tm_tsc_read(Vcpu *v)
{
    (void)v;
    return 12345;
}

static void tm_tsc_write(Vcpu *v, uint64_t value)
{
    (void)v; (void)value;
}

static void tm_wait_event(Vcpu *v)
{
    TestMachine *tm = tm_of(v);
    tm->waits++;
    g_assert(tm->hlt_vector >= 0);   /* fatal: else the guest would sleep forever */
    tm->irq_vector = tm->hlt_vector;
    tm->irq_countdown = 0;
    tm->hlt_vector = -1;
}

static bool tm_timer_due(Machine *m)
{
    (void)m;
    return false;
}

static void tm_run_timers(Machine *m)
{
    (void)m;
}

static int tm_vcpu_index(const Vcpu *v)
{
    return tm_of(v)->index;
}

static int tm_vcpu_count(const Machine *m)
{
    return ((const TestMachine *)(const void *)m)->ncpus;
}

static const DbtHostOps tm_ops = {
    .pio_read = tm_pio_read, .pio_write = tm_pio_write,
    .mmio_read = tm_mmio_read, .mmio_write = tm_mmio_write,
    .irq_pending = tm_irq_pending, .irq_ack = tm_irq_ack, .nmi_pending = tm_nmi_pending,
    .msr_read = tm_msr_read, .msr_write = tm_msr_write,
    .tsc_hz = tm_tsc_hz, .tsc_read = tm_tsc_read, .tsc_write = tm_tsc_write,
    .wait_event = tm_wait_event, .timer_due = tm_timer_due, .run_timers = tm_run_timers,
    .vcpu_index = tm_vcpu_index, .vcpu_count = tm_vcpu_count,
};

static void put64(TestMachine *tm, uint64_t gpa, uint64_t v)
{
    memcpy(tm->ram + gpa, &v, 8);
}

static uint64_t get64(TestMachine *tm, uint64_t gpa)
{
    uint64_t v;
    memcpy(&v, tm->ram + gpa, 8);
    return v;
}

static uint64_t seg_desc(unsigned type, unsigned dpl, bool l)
{
    /* base 0, limit 0xfffff, G, P, S */
    return 0xffffull | (0xfull << 48) | ((uint64_t)type << 40) | (1ull << 44)
        | ((uint64_t)dpl << 45) | (1ull << 47) | (1ull << 55)
        | (l ? 1ull << 53 : 1ull << 54);
}

static void idt_set(TestMachine *tm, int vec, uint64_t handler, unsigned ist, unsigned dpl)
{
    uint64_t lo = (handler & 0xffff) | (0x10ull << 16) | ((uint64_t)ist << 32)
        | (0xeull << 40) | ((uint64_t)dpl << 45) | (1ull << 47)
        | ((handler >> 16) & 0xffff) << 48;
    put64(tm, 0x6000 + vec * 16, lo);
    put64(tm, 0x6000 + vec * 16 + 8, handler >> 32);
}

static void tm_cpu_new(TestMachine *tm, TestMachine *m, const uint8_t *prog,
                       const uint8_t *entry, uint64_t rsp);

/* Build page tables, GDT, IDT, TSS, copy @prog and start at @entry. */
static void tm_setup(TestMachine *tm, const uint8_t *prog, const uint8_t *prog_end,
                     const uint8_t *entry)
{
    memset(tm, 0, sizeof(*tm));
    tm->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(tm->ram != MAP_FAILED);     /* fatal: nothing runs without it */
    tm->irq_vector = tm->hlt_vector = -1;

    /* paging: user-accessible identity map, 0-2 MiB in 4 KiB pages */
    put64(tm, 0x1000, 0x2000 | 7);
    put64(tm, 0x2000, 0x3000 | 7);
    put64(tm, 0x3000, 0x4000 | 7);
    put64(tm, 0x3008, 0x200000 | 0x87);
    for (uint64_t p = 0; p < 512; p++)
        put64(tm, 0x4000 + p * 8, (p << 12) | 7);
    put64(tm, 0x4000 + 0x50 * 8, 0x50000);                        /* not present */
    put64(tm, 0x4000 + 0x51 * 8, 0x51000 | 5);                    /* read-only */
    put64(tm, 0x4000 + 0x52 * 8, 0x52000 | 3);                    /* supervisor */
    put64(tm, 0x4000 + 0x53 * 8, 0x53000 | 7 | (1ull << 63));     /* NX */
    put64(tm, 0x4000 + 0x56 * 8, 0x54000 | 3);                    /* alias */

    /* GDT as Linux lays it out */
    put64(tm, 0x5000 + 0x10, seg_desc(0xb, 0, true));
    put64(tm, 0x5000 + 0x18, seg_desc(0x3, 0, false));
    put64(tm, 0x5000 + 0x20, seg_desc(0xb, 3, false));
    put64(tm, 0x5000 + 0x28, seg_desc(0x3, 3, false));
    put64(tm, 0x5000 + 0x30, seg_desc(0xb, 3, true));
    uint64_t tss = 0x7000;
    put64(tm, 0x5000 + 0x40, 0x67 | ((tss & 0xffffff) << 16) | (0x9ull << 40) | (1ull << 47)
          | ((tss >> 24) & 0xff) << 56);
    put64(tm, 0x5000 + 0x48, tss >> 32);
    put64(tm, 0x7000 + 4, 0x60000);       /* RSP0 */
    put64(tm, 0x7000 + 0x24, 0x70000);    /* IST1 */

    memcpy(tm->ram + CODE, prog, (size_t)(prog_end - prog));
    tm->ncpus = 1;
    tm_cpu_new(tm, tm, prog, entry, 0x60000);
}

/* A vCPU of machine @m (its RAM and tables) in long mode at CPL 0,
 * starting at @entry with RSP @rsp. */
static void tm_cpu_new(TestMachine *tm, TestMachine *m, const uint8_t *prog,
                       const uint8_t *entry, uint64_t rsp)
{
    MachineRamRange r = { .gpa = 0, .size = RAM_SIZE, .host = tm->ram };
    uint64_t tss = 0x7000;
    DbtCpu *cpu = dbt_cpu_new_host(&tm_ops, (Vcpu *)(void *)tm, (Machine *)(void *)m, &r, 1);
    tm->cpu = cpu;
    cpu->cr0 = DBT_CR0_PE | DBT_CR0_MP | DBT_CR0_ET | DBT_CR0_NE | DBT_CR0_WP | DBT_CR0_PG;
    cpu->cr4 = DBT_CR4_PAE | DBT_CR4_PGE | DBT_CR4_OSFXSR | DBT_CR4_OSXMMEXCPT;
    cpu->efer = DBT_EFER_LME | DBT_EFER_LMA | DBT_EFER_NXE | DBT_EFER_SCE;
    cpu->cr3 = 0x1000;
    cpu->gdt_base = 0x5000;
    cpu->gdt_limit = 0x4f;
    cpu->idt_base = 0x6000;
    cpu->idt_limit = 0xfff;
    dbt_seg_from_desc(&cpu->seg[DBT_SEG_CS], 0x10, seg_desc(0xb, 0, true), 0);
    dbt_seg_from_desc(&cpu->seg[DBT_SEG_SS], 0x18, seg_desc(0x3, 0, false), 0);
    cpu->tr.sel = 0x40;
    cpu->tr.base = tss;
    cpu->tr.limit = 0x67;
    cpu->tr.attr = 0x8b;
    cpu->gpr[DBT_RSP] = rsp;
    cpu->rip = CODE + (uint64_t)(entry - prog);
    dbt_set_cpl(cpu, 0);
    dbt_tlb_flush(cpu, true);
}

static uint64_t addr_of(const uint8_t *prog, const uint8_t *label)
{
    return CODE + (uint64_t)(label - prog);
}

static void tm_run(TestMachine *tm)
{
    int r = dbt_run_loop(tm->cpu, 0, NULL);
    if (r != VCPU_EXIT_SHUTDOWN) {
        g_test_message("guest did not reach the exit port: run returned %d at rip %#llx",
                       r, (unsigned long long)tm->cpu->rip);
        g_test_fail();
    }
}

/* A second vCPU (index 1) of @bsp's machine, on the same RAM. */
static void tm_setup_ap(TestMachine *ap, TestMachine *bsp, const uint8_t *prog,
                        const uint8_t *entry, uint64_t rsp)
{
    memset(ap, 0, sizeof(*ap));
    ap->ram = bsp->ram;
    ap->irq_vector = ap->hlt_vector = -1;
    ap->index = 1;
    bsp->ncpus = ap->ncpus = 2;
    tm_cpu_new(ap, bsp, prog, entry, rsp);
}

static void tm_teardown(TestMachine *tm)
{
    dbt_cpu_free(tm->cpu);
    munmap(tm->ram, RAM_SIZE);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_paging(void)
{
    TestMachine tm;
    tm_setup(&tm, g_paging, g_paging_end, g_paging_entry);
    idt_set(&tm, 14, addr_of(g_paging, g_paging_pf), 0, 0);
    tm_run(&tm);
    g_assert_cmpuint(get64(&tm, 0x7ff8), ==, 3);
    /* not present, write */
    g_assert_cmphex(get64(&tm, 0x8000), ==, 0x50000);
    g_assert_cmphex(get64(&tm, 0x9000), ==, 0x2);
    /* present, read-only, write (RMW) */
    g_assert_cmphex(get64(&tm, 0x8008), ==, 0x51000);
    g_assert_cmphex(get64(&tm, 0x9008), ==, 0x3);
    /* instruction fetch from an NX page */
    g_assert_cmphex(get64(&tm, 0x8010), ==, 0x53000);
    g_assert_cmphex(get64(&tm, 0x9010), ==, 0x11);
    /* every faulting instruction completed after the fix-up */
    g_assert_cmphex(get64(&tm, RESULTS), ==, 0x1234);
    g_assert_cmphex(get64(&tm, RESULTS + 8), ==, 5);
    g_assert_cmphex(get64(&tm, RESULTS + 16), ==, 1);
    tm_teardown(&tm);
}

static void test_tlb(void)
{
    TestMachine tm;
    tm_setup(&tm, g_tlb, g_tlb_end, g_tlb_entry);
    tm_run(&tm);
    g_assert_cmphex(get64(&tm, RESULTS), ==, 0x1111);
    g_assert_cmphex(get64(&tm, RESULTS + 8), ==, 0x2222);      /* after INVLPG */
    g_assert_cmphex(get64(&tm, RESULTS + 16), ==, 0x1111);     /* after MOV CR3 */
    g_assert_cmphex(get64(&tm, RESULTS + 24) & 0x60, ==, 0x20);  /* A, not D */
    g_assert_cmphex(get64(&tm, RESULTS + 32) & 0x60, ==, 0x60);  /* A and D */
    tm_teardown(&tm);
}

static void test_ist(void)
{
    TestMachine tm;
    tm_setup(&tm, g_ist, g_ist_end, g_ist_entry);
    idt_set(&tm, 3, addr_of(g_ist, g_ist_bp), 1, 3);
    tm_run(&tm);
    /* 5 qwords pushed on the IST1 stack (16-byte aligned top 0x70000) */
    g_assert_cmphex(get64(&tm, RESULTS), ==, 0x70000 - 5 * 8);
    g_assert_cmphex(get64(&tm, RESULTS + 8), ==, 7);
    tm_teardown(&tm);
}

static void test_irq_during_rep(void)
{
    TestMachine tm;
    tm_setup(&tm, g_rep, g_rep_end, g_rep_entry);
    idt_set(&tm, 0x30, addr_of(g_rep, g_rep_irq), 0, 0);
    tm.irq_vector = 0x30;
    tm.irq_countdown = 3;
    tm_run(&tm);
    g_assert_cmpint(tm.acks, ==, 1);
    g_assert_cmpuint(get64(&tm, RESULTS), ==, 1);
    /* interrupted at the REP instruction itself, with work left */
    g_assert_cmphex(get64(&tm, RESULTS + 8), ==, addr_of(g_rep, g_rep_insn));
    g_assert_cmpuint(get64(&tm, RESULTS + 24), >, 0);
    g_assert_cmpuint(get64(&tm, RESULTS + 24), <, 0x100000);
    g_assert_cmpuint(get64(&tm, RESULTS + 16), ==, 0);
    for (unsigned k = 0; k < 0x100000; k += 4093)
        g_assert_cmpuint(tm.ram[0x100000 + k], ==, 0x5a);
    g_assert_cmpuint(tm.ram[0x1fffff], ==, 0x5a);
    g_assert_cmpuint(tm.ram[0x200000], ==, 0);
    tm_teardown(&tm);
}

static void put32(TestMachine *tm, uint64_t gpa, uint32_t v)
{
    memcpy(tm->ram + gpa, &v, 4);
}

static void tm_run_kicked(TestMachine *tm)
{
    int r;
    while ((r = dbt_run_loop(tm->cpu, 0, NULL)) == VCPU_EXIT_KICKED)
        ;
    g_assert_cmpint(r, ==, VCPU_EXIT_SHUTDOWN);
}

/* A device writes new code over a function the CPU has decoded and says
 * so (machine_ram_written -> dbt_cpu_ram_written): the next call runs
 * the new code, not the cached block. */
static void test_dma_code(void)
{
    TestMachine tm;
    tm_setup(&tm, g_dma, g_dma_end, g_dma_entry);
    tm_run_kicked(&tm);
    g_assert_cmpuint(get64(&tm, RESULTS), ==, 1);

    uint64_t fn = addr_of(g_dma, g_dma_fn);
    g_assert_cmpuint(tm.ram[fn], ==, 0xb8);         /* mov $imm32, %eax */
    tm.ram[fn + 1] = 2;
    dbt_cpu_ram_written(tm.cpu, fn, 5);
    tm.cpu->rip = addr_of(g_dma, g_dma_entry);
    tm.cpu->gpr[DBT_RSP] = 0x60000;
    tm_run_kicked(&tm);
    g_assert_cmpuint(get64(&tm, RESULTS), ==, 2);

    /* a write that does not touch decoded code changes nothing */
    dbt_cpu_ram_written(tm.cpu, 0x200000, 4096);
    tm.cpu->rip = addr_of(g_dma, g_dma_entry);
    tm.cpu->gpr[DBT_RSP] = 0x60000;
    tm_run_kicked(&tm);
    g_assert_cmpuint(get64(&tm, RESULTS), ==, 2);
    tm_teardown(&tm);
}

/* The state an AP has after SIPI with vector 0x10: real mode, CS base
 * CODE, IP = @entry's offset in @prog. */
static void tm_real_mode(TestMachine *tm, const uint8_t *prog, const uint8_t *entry)
{
    DbtCpu *cpu = tm->cpu;
    cpu->cr0 = DBT_CR0_ET;
    cpu->cr4 = 0;
    cpu->efer = 0;
    cpu->cr3 = 0;
    cpu->idt_base = 0;
    cpu->idt_limit = 0x3ff;
    cpu->gdt_base = 0;
    cpu->gdt_limit = 0xffff;
    for (int k = 0; k < DBT_NR_SEGS; k++)
        cpu->seg[k] = (DbtSeg){ .base = 0, .limit = 0xffff, .sel = 0, .attr = 0x93 };
    cpu->seg[DBT_SEG_CS] = (DbtSeg){ .base = CODE, .limit = 0xffff, .sel = CODE >> 4,
                                     .attr = 0x9b };
    cpu->rip = (uint64_t)(entry - prog);
    cpu->gpr[DBT_RSP] = 0;
    dbt_set_cpl(cpu, 0);
    dbt_tlb_flush(cpu, true);
    dbt_mode_update(cpu);
    g_assert_cmpint(cpu->mode, ==, DBT_MODE_16);
}

static void test_modes(void)
{
    TestMachine tm;
    tm_setup(&tm, g_modes, g_modes_end, g_modes_entry);
    DbtCpu *cpu = tm.cpu;
    put64(&tm, 0x5000 + 0x08, seg_desc(0xb, 0, false));   /* 32-bit code */
    tm_real_mode(&tm, g_modes, g_modes_entry);
    /* IVT: vectors 0x30 and 0x31 at CS 0x1000 */
    put32(&tm, 0x30 * 4, (uint32_t)(g_modes_int30 - g_modes) | (CODE >> 4) << 16);
    put32(&tm, 0x31 * 4, (uint32_t)(g_modes_irq31 - g_modes) | (CODE >> 4) << 16);
    tm.hlt_vector = 0x31;
    tm_run(&tm);
    uint16_t w;
    memcpy(&w, tm.ram + 0x12350, 2);
    g_assert_cmphex(w, ==, 0x5678);                     /* DS base = 0x1234 << 4 */
    memcpy(&w, tm.ram + 0x130, 2);
    g_assert_cmphex(w, ==, 0xbeef);                     /* [BX+SI+disp8] */
    g_assert_cmphex(get64(&tm, RESULTS + 0x10) & 0xffff, ==, 0x77);   /* INT 30h */
    g_assert_cmphex((get64(&tm, RESULTS + 0x10) >> 16) & 0xffff, ==, 0x42);  /* CALL/RET */
    g_assert_cmphex((get64(&tm, RESULTS + 0x10) >> 32) & 0xffff, ==, 1);     /* IRQ in HLT */
    g_assert_cmphex((get64(&tm, RESULTS + 0x10) >> 48) & 0xffff, ==, 0x8000); /* SP balanced */
    g_assert_cmphex(get64(&tm, RESULTS + 0x18) & 0xffff, ==, CODE >> 4);   /* far CALL/RET */
    /* the IRQ frame went to SS:SP = 0x3000:0x7ffa.. (flags, CS, IP) */
    memcpy(&w, tm.ram + 0x30000 + 0x7ffc, 2);
    g_assert_cmphex(w, ==, CODE >> 4);
    g_assert_cmpint(tm.acks, ==, 1);
    g_assert_cmphex(get64(&tm, RESULTS + 0x20), ==, 0x110000cafeull);   /* 32-bit, PUSH/POP */
    /* REP INSB, REP OUTSD in 32-bit code: ESI/EDI/ECX, flat DS/ES */
    g_assert_cmphex(get64(&tm, RESULTS + 0x40), ==, 0x0000a04300030201ull);
    g_assert_cmphex(get64(&tm, RESULTS + 0x48) & 0xffffffff, ==, 0xa044);
    g_assert_cmpuint(tm.out_len, ==, 4);
    g_assert_cmpmem(tm.out_log, 4, "\x01\x02\x03\x00", 4);
    g_assert_cmphex(get64(&tm, RESULTS + 0x28), ==, 1);                 /* compatibility mode */
    g_assert_cmphex(get64(&tm, RESULTS + 0x30), ==, 0x6464646464ull);   /* 64-bit mode */
    g_assert_cmphex(get64(&tm, RESULTS + 0x38) & 0x500, ==, 0x500);     /* LME and LMA */
    g_assert_cmpint(cpu->mode, ==, DBT_MODE_64);
    tm_teardown(&tm);
}

static uint16_t get16(TestMachine *tm, uint64_t gpa)
{
    uint16_t v;
    memcpy(&v, tm->ram + gpa, 2);
    return v;
}

/* INS/OUTS in real mode: ES:DI and DS:SI (or an override), 16-bit
 * wrap-around, the 67 prefix, DF. */
static void test_string_io(void)
{
    TestMachine tm;
    tm_setup(&tm, g_strio, g_strio_end, g_strio_entry);
    tm_real_mode(&tm, g_strio, g_strio_entry);
    memcpy(tm.ram + 0x30020, "ABCDEF", 6);
    memcpy(tm.ram + 0x30040, "gh", 2);
    tm_run(&tm);
    g_assert_cmpmem(tm.ram + 0x20010, 4, "\x01\x02\x03\x04", 4);
    g_assert_cmphex(get16(&tm, 0x30100), ==, 0x14);
    g_assert_cmpuint(tm.ram[0x2ffff], ==, 5);                /* DI wrapped in ES */
    g_assert_cmpuint(tm.ram[0x20000], ==, 6);
    g_assert_cmphex(get16(&tm, 0x30102), ==, 1);
    g_assert_cmpuint(tm.out_len, ==, 9);
    g_assert_cmpmem(tm.out_log, 9, "ABCDEFgh\x06", 9);
    g_assert_cmphex(get16(&tm, 0x30104), ==, 0x26);
    g_assert_cmphex(get64(&tm, 0x30108) & 0xffffffff, ==, 0x42);   /* ESI with 67 */
    g_assert_cmphex(get16(&tm, 0x3010c), ==, 1);
    g_assert_cmpmem(tm.ram + 0x20020, 2, "\x07\x08", 2);    /* INSW with DF set */
    g_assert_cmphex(get16(&tm, 0x3010e), ==, 0x1e);
    tm_teardown(&tm);
}

/* The descriptor-table stores give the machine's own values, at CPL 0
 * and at CPL 3 (tests/dbt cannot compare them with a host: there they
 * are the host kernel's, or Linux's UMIP emulation's). */
static void test_descriptor_stores(void)
{
    TestMachine tm;
    tm_setup(&tm, g_desc, g_desc_end, g_desc_entry);
    tm_run(&tm);
    for (unsigned cpl = 0; cpl < 2; cpl++) {
        uint64_t at = RESULTS + 0x40 * cpl;
        g_test_message("CPL %u", cpl ? 3 : 0);
        g_assert_cmphex(get16(&tm, at), ==, 0x4f);                   /* GDTR */
        g_assert_cmphex(get64(&tm, at + 2), ==, 0x5000);
        g_assert_cmphex(get16(&tm, at + 0x10), ==, 0xfff);           /* IDTR */
        g_assert_cmphex(get64(&tm, at + 0x12), ==, 0x6000);
        g_assert_cmphex(get64(&tm, at + 0x20), ==, 0);               /* LDTR, zero-extended */
        g_assert_cmphex(get64(&tm, at + 0x28), ==, 0x40);            /* TR */
        g_assert_cmphex(get64(&tm, at + 0x30) & 0xffff, ==, 0x33);   /* MSW: PE MP ET NE */
    }
    g_assert_cmphex(get16(&tm, RESULTS + 0x78), ==, 0);              /* SLDT m16 */
    g_assert_cmphex(get16(&tm, RESULTS + 0x7a), ==, 0x40);           /* STR m16 */
    g_assert_cmpint(tm.cpu->cpl, ==, 3);
    tm_teardown(&tm);
}

static void test_hlt(void)
{
    TestMachine tm;
    tm_setup(&tm, g_hlt, g_hlt_end, g_hlt_entry);
    idt_set(&tm, 0x31, addr_of(g_hlt, g_hlt_irq), 0, 0);
    tm.hlt_vector = 0x31;
    tm_run(&tm);
    g_assert_cmpint(tm.waits, ==, 1);
    g_assert_cmpint(tm.acks, ==, 1);
    g_assert_cmpuint(get64(&tm, RESULTS), ==, 1);
    g_assert_cmpuint(get64(&tm, RESULTS + 8), ==, 3);
    tm_teardown(&tm);
}

static void test_syscall(void)
{
    TestMachine tm;
    tm_setup(&tm, g_syscall, g_syscall_end, g_sc_entry);
    idt_set(&tm, 14, addr_of(g_syscall, g_sc_pf), 0, 0);
    idt_set(&tm, 13, addr_of(g_syscall, g_sc_gp), 0, 0);
    tm_run(&tm);
    g_assert_cmpuint(get64(&tm, RESULTS), ==, 42);               /* rax + 1 */
    /* RCX = the address after SYSCALL */
    g_assert_cmphex(get64(&tm, RESULTS + 8), ==, addr_of(g_syscall, g_sc_user) + 7);
    g_assert_cmphex(get64(&tm, RESULTS + 16), ==, 0x10);          /* kernel CS */
    g_assert_cmphex(get64(&tm, RESULTS + 24) & 0x200, ==, 0);     /* IF masked */
    g_assert_cmphex(get64(&tm, RESULTS + 32) & 0x200, ==, 0x200); /* R11 = user RFLAGS */
    /* user read of a supervisor page: #PF U|P, then fixed */
    g_assert_cmphex(get64(&tm, 0x8000), ==, 0x52000);
    g_assert_cmphex(get64(&tm, 0x9000), ==, 0x5);
    /* HLT at CPL 3: #GP(0) at the HLT, from CS 0x33 */
    g_assert_cmphex(get64(&tm, RESULTS + 56), ==, 0);
    g_assert_cmphex(get64(&tm, RESULTS + 64), ==, addr_of(g_syscall, g_sc_hlt));
    tm_teardown(&tm);
}

static void test_io_bitmap(void)
{
    TestMachine tm;
    tm_setup(&tm, g_iobitmap, g_iobitmap_end, g_io_entry);
    idt_set(&tm, 13, addr_of(g_iobitmap, g_io_gp), 0, 0);
    /* I/O map at TSS offset 0x68 covering ports 0-0x3ff (the TSS limit
     * ends it): all denied but 0x80, 0x84, 0x85, 0x87 and the exit port */
    uint16_t base = 0x68;
    memcpy(tm.ram + 0x7000 + 0x66, &base, 2);
    memset(tm.ram + 0x7000 + base, 0xff, 0x80);
    tm.ram[0x7000 + base + 0x10] = (uint8_t)~(0x01 | 0x10 | 0x20 | 0x80);
    tm.ram[0x7000 + base + (EXIT_PORT >> 3)] &= (uint8_t)~(1u << (EXIT_PORT & 7));
    tm.cpu->tr.limit = base + 0x80;
    tm_run(&tm);
    g_assert_cmpint(tm.cpu->cpl, ==, 3);
    g_assert_cmpuint(get64(&tm, 0x7ff8), ==, 3);
    g_assert_cmphex(get64(&tm, 0x8000), ==, addr_of(g_iobitmap, g_io_out81));
    g_assert_cmphex(get64(&tm, 0x8008), ==, addr_of(g_iobitmap, g_io_in87));
    g_assert_cmphex(get64(&tm, 0x8010), ==, addr_of(g_iobitmap, g_io_high) + 4);
    for (unsigned k = 0; k < 3; k++)
        g_assert_cmphex(get64(&tm, 0x9000 + 8 * k), ==, 0);   /* #GP(0) */
    /* every instruction after an IN/OUT ran, allowed or skipped */
    for (unsigned k = 0; k < 6; k++)
        g_assert_cmpuint(get64(&tm, RESULTS + 8 * k), ==, 1);
    tm_teardown(&tm);
}

typedef struct {
    TestMachine *tm;
    int exit;
} SmpRunner;

static void *smp_runner(void *opaque)
{
    SmpRunner *r = opaque;
    while ((r->exit = dbt_run_loop(r->tm->cpu, 0, NULL)) == VCPU_EXIT_KICKED)
        ;
    return NULL;
}

/* g_smp on two vCPUs, taking turns (the baton) or in @parallel */
static void test_smp(gconstpointer data)
{
    bool parallel = GPOINTER_TO_INT(data);
    TestMachine bsp, ap;
    static const uint8_t fn[] = { 0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3 };  /* mov $1, %eax; ret */
    tm_setup(&bsp, g_smp, g_smp_end, g_smp_bsp);
    tm_setup_ap(&ap, &bsp, g_smp, g_smp_ap, 0x5c000);
    memcpy(bsp.ram + SMP_FN, fn, sizeof(fn));
    DbtSmp *smp = dbt_smp_new(parallel);
    dbt_smp_add(smp, bsp.cpu);
    dbt_smp_add(smp, ap.cpu);

    SmpRunner run[2] = { { &bsp, -1 }, { &ap, -1 } };
    pthread_t th[2];
    for (int k = 0; k < 2; k++)
        g_assert_cmpint(pthread_create(&th[k], NULL, smp_runner, &run[k]), ==, 0);
    for (int k = 0; k < 2; k++) {
        pthread_join(th[k], NULL);
        g_assert_cmpint(run[k].exit, ==, VCPU_EXIT_SHUTDOWN);
    }
    g_assert_cmpuint(get64(&bsp, 0xa100), ==, 200000);   /* LOCK INC from both */
    g_assert_cmpuint(get64(&bsp, 0xa128), ==, 2);        /* the rewritten code ran */
    dbt_cpu_free(ap.cpu);
    tm_teardown(&bsp);
    dbt_smp_free(smp);
}

/* Which of the two a machine of several vCPUs gets (backend.c asks) */
static void test_smp_mode(void)
{
    g_assert_true(dbt_smp_parallel_choose(NULL, 2));      /* the default */
    g_assert_true(dbt_smp_parallel_choose(NULL, 64));
    g_assert_false(dbt_smp_parallel_choose(NULL, 1));     /* one host CPU */
    g_assert_false(dbt_smp_parallel_choose("0", 2));
    g_assert_true(dbt_smp_parallel_choose("1", 1));
    g_assert_true(dbt_smp_parallel_choose("", 2));        /* anything else */
    g_assert_false(dbt_smp_parallel_choose("yes", 1));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* a failed check reports and the test goes on (with -k, every test
     * runs): every failure of a run is reported */
    g_test_set_nonfatal_assertions();
    g_test_add_func("/dbt/sys/page-faults", test_paging);
    g_test_add_func("/dbt/sys/tlb-invalidation", test_tlb);
    g_test_add_func("/dbt/sys/ist", test_ist);
    g_test_add_func("/dbt/sys/irq-during-rep", test_irq_during_rep);
    g_test_add_func("/dbt/sys/hlt", test_hlt);
    g_test_add_func("/dbt/sys/syscall", test_syscall);
    g_test_add_func("/dbt/sys/modes", test_modes);
    g_test_add_func("/dbt/sys/string-io", test_string_io);
    g_test_add_func("/dbt/sys/descriptor-stores", test_descriptor_stores);
    g_test_add_func("/dbt/sys/dma-code", test_dma_code);
    g_test_add_func("/dbt/sys/io-bitmap", test_io_bitmap);
    g_test_add_data_func("/dbt/sys/smp-baton", GINT_TO_POINTER(0), test_smp);
    g_test_add_data_func("/dbt/sys/smp-parallel", GINT_TO_POINTER(1), test_smp);
    g_test_add_func("/dbt/sys/smp-mode", test_smp_mode);
    return g_test_run();
}
