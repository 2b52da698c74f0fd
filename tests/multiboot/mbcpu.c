/* mbcpu.c - exceptions in 32-bit protected mode, as the SDM gives their
 * vectors, error codes, saved EIPs and CR2: #DE, #UD, #BP, INT n,
 * segment loads (#GP with the selector, #NP, #GP for SS), segment limits
 * (#GP(0), #SS(0) for SS-relative operands), the IDT limit (#GP with
 * the IDT bit), not-present gates (#NP), ring 3 (INT n through a DPL 3
 * gate with the stack switch from the TSS, #GP for CLI, HLT and a DPL 0
 * gate, #SS(0) on its own stack), and page faults under 32-bit paging
 * (4 KiB and 4 MiB pages) and PAE paging (2 MiB pages, NX): present,
 * write, user and fetch bits, CR2 to the byte, CR0.WP, A and D bits,
 * INVLPG.
 *
 * Under QEMU's TCG (the test's cross-check) segment limits are not
 * checked; those cases are skipped when the loader is QEMU's. */
#include "lib.h"

static bool limits_checked;

#define FAULT_AT(name, insn) \
    __asm__ volatile(".globl " #name "\n" #name ":\n\t" insn ::: "memory")
#define IP(name) ((uint32_t)(name))

extern char de_ip[], ud_ip[], bp_next[], gp_ds_ip[];
extern char user_int42[], user_cli[], user_int43[], user_hlt[], user_push[], user_read[];

__attribute__((noinline)) static void do_de(void *a)
{
    (void)a;
    __asm__ volatile("xor %%edx, %%edx; xor %%ecx, %%ecx; mov $1, %%eax" ::: "eax", "ecx", "edx");
    FAULT_AT(de_ip, "div %%ecx");
}

__attribute__((noinline)) static void do_ud(void *a)
{
    (void)a;
    FAULT_AT(ud_ip, "ud2");
}

__attribute__((noinline)) static void do_bp(void *a)
{
    (void)a;
    __asm__ volatile("int3\n.globl bp_next\nbp_next: nop" ::: "memory");
}

/* load @sel into DS (restored by catch_resume on a fault) */
__attribute__((noinline)) static void load_ds(void *sel)
{
    __asm__ volatile(".globl gp_ds_ip\ngp_ds_ip: mov %0, %%ds\n\tmov %1, %%ds"
                     :: "r"((uint32_t)sel), "r"((uint32_t)SEL_DATA32) : "memory");
}

__attribute__((noinline)) static void load_ss(void *sel)
{
    __asm__ volatile("mov %%ss, %%edx\n\tmov %0, %%ss\n\tmov %%edx, %%ss"
                     :: "r"((uint32_t)sel) : "edx", "memory");
}

void es_limit_read(void *off);
void ss_limit_read(void *off);
extern char es_limit_ip[], ss_limit_ip[];

static volatile uint32_t int41_count;
static void int41_handler(struct trap_frame *f)
{
    (void)f;
    int41_count++;
}

__attribute__((noinline)) static void do_int(void *vec)
{
    switch ((uint32_t)vec) {
    case 0x41: __asm__ volatile("int $0x41" ::: "memory"); break;
    case 0x45: __asm__ volatile("int $0x45" ::: "memory"); break;
    case 0x90: __asm__ volatile("int $0x90" ::: "memory"); break;
    }
}

static void test_basic(void)
{
    check(expect_fault(do_de, NULL, 0, 0) && last_fault.eip == IP(de_ip), "exc32-de",
          "vector %d eip %x (want 0 at %x)", last_fault.vector, last_fault.eip, IP(de_ip));
    check(expect_fault(do_ud, NULL, 6, 0) && last_fault.eip == IP(ud_ip), "exc32-ud",
          "vector %d eip %x", last_fault.vector, last_fault.eip);
    check(expect_fault(do_bp, NULL, 3, 0) && last_fault.eip == IP(bp_next), "exc32-bp",
          "vector %d eip %x (want 3, after INT3 at %x)", last_fault.vector, last_fault.eip,
          IP(bp_next));
    set_handler(0x41, int41_handler);
    do_int((void *)0x41);
    do_int((void *)0x41);
    check(int41_count == 2, "exc32-int-n", "INT 0x41 handled %u times", int41_count);
}

static void test_segments(void)
{
    check(expect_fault(load_ds, (void *)0x1f8, 13, 0x1f8) && last_fault.eip == IP(gp_ds_ip),
          "exc32-gp-beyond-gdt", "vector %d error %x eip %x", last_fault.vector,
          last_fault.error, last_fault.eip);
    check(expect_fault(load_ds, (void *)SEL_SYSTEM, 13, SEL_SYSTEM), "exc32-gp-system-desc",
          "vector %d error %x", last_fault.vector, last_fault.error);
    check(expect_fault(load_ds, (void *)SEL_NOTPRESENT, 11, SEL_NOTPRESENT), "exc32-np-segment",
          "vector %d error %x", last_fault.vector, last_fault.error);
    check(!catch_run(load_ds, (void *)(SEL_UDATA32 | 3)), "exc32-ds-dpl3",
          "vector %d", last_fault.vector);
    check(expect_fault(load_ss, (void *)SEL_READONLY, 13, SEL_READONLY), "exc32-gp-ss-readonly",
          "vector %d error %x", last_fault.vector, last_fault.error);
    check(expect_fault(load_ss, (void *)(SEL_UDATA32 | 3), 13, SEL_UDATA32),
          "exc32-gp-ss-dpl", "vector %d error %x", last_fault.vector, last_fault.error);
    if (!limits_checked) {
        skip("exc32-limit-inside", "QEMU TCG does not check segment limits");
        skip("exc32-gp-limit", "QEMU TCG does not check segment limits");
        skip("exc32-ss-limit", "QEMU TCG does not check segment limits");
        return;
    }
    check(!catch_run(es_limit_read, (void *)0x1ffffc), "exc32-limit-inside",
          "vector %d", last_fault.vector);
    check(expect_fault(es_limit_read, (void *)0x200000, 13, 0) &&
          last_fault.eip == IP(es_limit_ip), "exc32-gp-limit", "vector %d error %x eip %x",
          last_fault.vector, last_fault.error, last_fault.eip);
    check(expect_fault(ss_limit_read, (void *)0x300000, 12, 0) &&
          last_fault.eip == IP(ss_limit_ip), "exc32-ss-limit", "vector %d error %x eip %x",
          last_fault.vector, last_fault.error, last_fault.eip);
}

static void test_idt(void)
{
    /* a gate that is not present: #NP(vector * 8 + 2) for INT n */
    idt[8 * 0x45 + 5] &= 0x7f;
    check(expect_fault(do_int, (void *)0x45, 11, 0x45 * 8 + 2), "exc32-np-gate",
          "vector %d error %x", last_fault.vector, last_fault.error);
    idt[8 * 0x45 + 5] |= 0x80;
    /* beyond the IDT limit: #GP(vector * 8 + 2) */
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) small = { 0x80 * 8 - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" :: "m"(small));
    bool ok = expect_fault(do_int, (void *)0x90, 13, 0x90 * 8 + 2);
    __asm__ volatile("lidt idt_desc");
    check(ok, "exc32-gp-idt-limit", "vector %d error %x", last_fault.vector, last_fault.error);
}

/* ---- ring 3 ---- */

static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint8_t user_limited[4096] __attribute__((aligned(4096)));
static volatile struct trap_frame int42_frame;

static void int42_handler(struct trap_frame *f)
{
    int42_frame = *f;
    catch_resume();
}

static bool run_user(void *eip, uint32_t esi, int vector, int64_t error)
{
    struct user_entry u = { (uint32_t)eip, (uint32_t)(user_stack + sizeof(user_stack)), esi };
    return expect_fault(enter_user, &u, vector, error);
}

static void test_user(void)
{
    /* the TSS gives the ring-0 stack; the frame has the user SS:ESP */
    set_handler(0x42, int42_handler);
    idt[8 * 0x42 + 5] = 0xee;   /* present, DPL 3, 32-bit interrupt gate */
    uint32_t top = (uint32_t)(user_stack + sizeof(user_stack));
    struct user_entry u = { IP(user_int42), top, 0 };
    int r = catch_run(enter_user, &u);
    check(r == 1 && int42_frame.vector == 0x42 && int42_frame.cs == (SEL_UCODE32 | 3) &&
          int42_frame.user_ss == (SEL_UDATA32 | 3) && int42_frame.user_esp == top &&
          int42_frame.eip == IP(user_int42) + 2, "ring3-int-dpl3-gate",
          "vector %u cs %x ss:esp %x:%x eip %x", int42_frame.vector, int42_frame.cs,
          int42_frame.user_ss, int42_frame.user_esp, int42_frame.eip);
    check(run_user(user_cli, 0, 13, 0) && last_fault.eip == IP(user_cli) &&
          last_fault.cs == (SEL_UCODE32 | 3), "ring3-gp-cli", "vector %d error %x eip %x",
          last_fault.vector, last_fault.error, last_fault.eip);
    check(run_user(user_hlt, 0, 13, 0), "ring3-gp-hlt", "vector %d error %x",
          last_fault.vector, last_fault.error);
    check(run_user(user_int43, 0, 13, 0x43 * 8 + 2), "ring3-gp-dpl0-gate",
          "vector %d error %x", last_fault.vector, last_fault.error);
    gdt_set_base(SEL_ULIMITED, (uint32_t)user_limited);
    if (!limits_checked) {
        skip("ring3-ss-push", "QEMU TCG does not check segment limits");
        return;
    }
    check(run_user(user_push, 0, 12, 0) && last_fault.user_esp == 0x1008 &&
          last_fault.user_ss == (SEL_ULIMITED | 3), "ring3-ss-push",
          "vector %d error %x ss:esp %x:%x", last_fault.vector, last_fault.error,
          last_fault.user_ss, last_fault.user_esp);
}

/* ---- paging ---- */

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));
static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pae_pd[4][512] __attribute__((aligned(4096)));
static uint64_t pae_pt[512] __attribute__((aligned(4096)));

#define P 1u
#define W 2u
#define U 4u
#define A 0x20u
#define D 0x40u
#define PS 0x80u
#define NX (1ull << 63)

#define TEST_BASE 0x800000u        /* a page table maps 8-12 MiB */
#define PG_ABSENT 0x805000u
#define PG_RO 0x806000u
#define PG_SUPER 0x804000u
#define PG_NX 0x807000u
#define BIG_ABSENT 0xc00000u       /* a 4 MiB / 2 MiB page not present */

__attribute__((noinline)) static void rd(void *a)
{
    (void)*(volatile uint32_t *)a;
}

__attribute__((noinline)) static void wr(void *a)
{
    *(volatile uint8_t *)a = 0x5a;
}

__attribute__((noinline)) static void fetch(void *a)
{
    ((void (*)(void))a)();
}

static void paging_off(void)
{
    write_cr0(read_cr0() & ~0x80000000u);
    write_cr4(read_cr4() & ~0x30u);
}

static void check_pf(const char *name, void (*fn)(void *), uint32_t addr, uint32_t err)
{
    bool ok = expect_fault(fn, (void *)addr, 14, err) && last_fault.cr2 == addr;
    check(ok, name, "vector %d error %x cr2 %x (want 14, %x, %x)", last_fault.vector,
          last_fault.error, last_fault.cr2, err, addr);
}

static void test_paging32(void)
{
    for (uint32_t i = 0; i < 1024; i++)
        pd[i] = (i << 22) | PS | U | W | P;
    for (uint32_t i = 0; i < 1024; i++)
        pt[i] = (TEST_BASE + (i << 12)) | U | W | P;
    pt[(PG_ABSENT - TEST_BASE) >> 12] = 0;
    pt[(PG_RO - TEST_BASE) >> 12] &= ~W;
    pt[(PG_SUPER - TEST_BASE) >> 12] &= ~U;
    pd[TEST_BASE >> 22] = (uint32_t)pt | U | W | P;
    pd[BIG_ABSENT >> 22] = 0;
    write_cr4(read_cr4() | 0x10);                 /* PSE */
    write_cr3((uint32_t)pd);
    write_cr0(read_cr0() | 0x80010000u);          /* PG, WP */
    check(*(volatile uint32_t *)(pd + 1) == pd[1], "pg32-on", "kernel not mapped");
    check_pf("pg32-pf-read", rd, PG_ABSENT + 0x123, 0);
    check_pf("pg32-pf-write", wr, PG_ABSENT + 0xffe, 2);
    check_pf("pg32-pf-ro-write", wr, PG_RO + 0x10, 3);
    check_pf("pg32-pf-4m-absent", rd, BIG_ABSENT + 0x456, 0);
    check_pf("pg32-pf-fetch", fetch, PG_ABSENT, 0);
    write_cr0(read_cr0() & ~0x10000u);            /* WP off: the supervisor may write */
    check(!catch_run(wr, (void *)(PG_RO + 0x20)), "pg32-wp-off", "vector %d",
          last_fault.vector);
    write_cr0(read_cr0() | 0x10000u);
    uint32_t idx = (PG_SUPER - TEST_BASE) >> 12;
    pt[idx] &= ~(A | D);
    __asm__ volatile("invlpg (%0)" :: "r"(PG_SUPER) : "memory");
    rd((void *)PG_SUPER);
    bool a_only = (pt[idx] & (A | D)) == A;
    wr((void *)PG_SUPER);
    check(a_only && (pt[idx] & (A | D)) == (A | D), "pg32-accessed-dirty", "pte %x", pt[idx]);
    /* a user read of a supervisor page: P | U */
    uint32_t top = (uint32_t)(user_stack + sizeof(user_stack));
    struct user_entry u = { IP(user_read), top, PG_SUPER + 8 };
    bool ok = expect_fault(enter_user, &u, 14, 5) && last_fault.cr2 == PG_SUPER + 8;
    check(ok, "pg32-pf-user", "vector %d error %x cr2 %x", last_fault.vector, last_fault.error,
          last_fault.cr2);
    /* INVLPG makes a new mapping visible */
    pt[(PG_ABSENT - TEST_BASE) >> 12] = PG_ABSENT | W | P;
    __asm__ volatile("invlpg (%0)" :: "r"(PG_ABSENT) : "memory");
    check(!catch_run(rd, (void *)PG_ABSENT), "pg32-invlpg", "vector %d", last_fault.vector);
    paging_off();
}

static void test_pae(void)
{
    uint32_t r[4];
    cpuid(0x80000001, 0, r);
    bool nx = r[3] & (1u << 20);
    for (int d = 0; d < 4; d++) {
        for (int i = 0; i < 512; i++)
            pae_pd[d][i] = ((uint64_t)d << 30) | ((uint64_t)i << 21) | PS | U | W | P;
        pdpt[d] = (uint32_t)pae_pd[d] | P;
    }
    for (int i = 0; i < 512; i++)
        pae_pt[i] = (TEST_BASE + ((uint32_t)i << 12)) | U | W | P;
    pae_pt[(PG_ABSENT - TEST_BASE) >> 12] = 0;
    pae_pt[(PG_RO - TEST_BASE) >> 12] &= ~(uint64_t)W;
    if (nx)
        pae_pt[(PG_NX - TEST_BASE) >> 12] |= NX;
    pae_pd[0][TEST_BASE >> 21] = (uint32_t)pae_pt | U | W | P;
    pae_pd[0][BIG_ABSENT >> 21] = 0;
    if (nx)
        wrmsr(0xc0000080, rdmsr(0xc0000080) | (1u << 11));   /* EFER.NXE */
    write_cr4(read_cr4() | 0x20);                 /* PAE */
    write_cr3((uint32_t)pdpt);
    write_cr0(read_cr0() | 0x80010000u);
    check(*(volatile uint64_t *)&pae_pd[1][1] == pae_pd[1][1], "pae-on", "kernel not mapped");
    check_pf("pae-pf-read", rd, PG_ABSENT + 0x321, 0);
    check_pf("pae-pf-ro-write", wr, PG_RO + 0x40, 3);
    check_pf("pae-pf-2m-absent", rd, BIG_ABSENT + 0x654, 0);
    if (nx) {
        *(volatile uint8_t *)PG_NX = 0xc3;   /* RET: readable and writable */
        bool ok = expect_fault(fetch, (void *)PG_NX, 14, 0x11) && last_fault.cr2 == PG_NX &&
                  last_fault.eip == PG_NX;
        check(ok, "pae-pf-nx-fetch", "vector %d error %x cr2 %x eip %x", last_fault.vector,
              last_fault.error, last_fault.cr2, last_fault.eip);
        wrmsr(0xc0000080, rdmsr(0xc0000080) & ~(1u << 11));
    } else {
        skip("pae-pf-nx-fetch", "no NX");
    }
    paging_off();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)magic;
    limits_checked = !loader_is_qemu(mbi);
    printf("mbcpu: exceptions, ring 3 and paging in 32-bit protected mode\n");
    test_basic();
    test_segments();
    test_idt();
    test_user();
    test_paging32();
    test_pae();
    test_done();
}
