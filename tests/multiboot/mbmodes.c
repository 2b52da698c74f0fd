/* mbmodes.c - CPU modes: real mode and 16-bit protected mode entered
 * from and left back to 32-bit protected mode, and the switch a 64-bit
 * kernel makes itself: PAE, EFER.LME, paging, a far jump to a 64-bit
 * code segment, exceptions there (#PF with CR2, #GP and #SS for
 * non-canonical addresses, #SS on IST1, #UD, a branch to a non-canonical
 * address), INT n through a 64-bit gate, and the way back to 32-bit
 * protected mode (modes.S has the code).
 *
 * Where vendors differ the kernel expects what its CPU's vendor does: a
 * branch to a non-canonical address faults at the branch on Intel, at
 * the target on AMD (vessel's dbt CPU is GenuineIntel on every host).
 * QEMU's TCG (the test's cross-check) raises #GP where the hardware
 * raises #SS for a non-canonical stack access; those two cases are
 * skipped when the loader is QEMU's. */
#include "lib.h"

static bool qemu_loader;

#define RM_BASE 0x70000u
void realmode_run(void);
extern char rm_blob[], rm_blob_end[];
void long_run(uint32_t cr3);
extern uint64_t lm_results[8][4];
extern const uint32_t lm_stubs[32];
extern uint8_t idt64[];
extern uint8_t tss[];
extern char lm_ud_ip[], lm_jmp_ip[], lm_int80[];
extern uint32_t lm_int80_count, lm_efer;
extern uint64_t lm_mul[2];
extern uint8_t gdt_desc[];

static uint16_t rm16(uint32_t off) { return *(volatile uint16_t *)(RM_BASE + off); }
static uint32_t rm32(uint32_t off) { return *(volatile uint32_t *)(RM_BASE + off); }

static void test_realmode(void)
{
    uint32_t len = (uint32_t)(rm_blob_end - rm_blob);
    memcpy((void *)RM_BASE, rm_blob, len);
    memset((void *)(RM_BASE + 0x800), 0, 0x20);
    memcpy((void *)(RM_BASE + 0x820), gdt_desc, 6);                  /* RM_GDTR */
    *(uint16_t *)(RM_BASE + 0x828) = 0x3ff;                          /* RM_IVTR */
    *(uint32_t *)(RM_BASE + 0x82a) = 0;
    gdt_set_base(SEL_CODE16, RM_BASE);
    gdt_set_base(SEL_DATA16, RM_BASE);
    realmode_run();
    check(rm16(0x800) == 0x1234, "pm16-addressing", "read back %x", rm16(0x800));
    check(rm16(0x802) == 2, "rm-int-ivt", "INT 0x81 ran %u times", rm16(0x802));
    check(rm16(0x804) == 1, "rm-de-ivt", "#DE handler ran %u times", rm16(0x804));
    check(rm16(0x806) == 0xbeef, "rm-segments", "%x", rm16(0x806));
    check(rm32(0x808) == 0x23456789, "rm-32bit-operand", "%x", rm32(0x808));
    check(!memcmp((void *)(RM_BASE + 0x80c), "realmode", 8), "rm-rep-movsb", "copy differs");
    check(rm16(0x814) == 1, "rm-far-call", "far call %u", rm16(0x814));
    check(rm16(0x816) == 0x0cd7, "rm-flags", "FLAGS %x (want 0xcd7)", rm16(0x816));
    uint32_t cr0 = read_cr0();
    check(cr0 & 1, "rm-back-to-pm32", "CR0 %x", cr0);
}

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint8_t ist_stack[4096] __attribute__((aligned(16)));

static void gate64(int vec, uint64_t handler, int ist)
{
    uint8_t *g = idt64 + 16 * vec;
    memset(g, 0, 16);
    g[0] = (uint8_t)handler;
    g[1] = (uint8_t)(handler >> 8);
    g[2] = SEL_CODE64;
    g[4] = (uint8_t)ist;
    g[5] = 0x8e;
    g[6] = (uint8_t)(handler >> 16);
    g[7] = (uint8_t)(handler >> 24);
}

static void check_lm(int test, const char *name, int vector, uint32_t error, uint64_t rip,
                     uint64_t cr2)
{
    uint64_t *r = lm_results[test];
    bool ok = r[0] == (uint64_t)vector && r[1] == error && (!rip || r[2] == rip) &&
              (!cr2 || r[3] == cr2);
    check(ok, name, "vector %llu error %llx rip %llx cr2 %llx", r[0], r[1], r[2], r[3]);
}

static void test_long(void)
{
    for (int d = 0; d < 4; d++) {
        pdpt[d] = (uint32_t)pd[d] | 3;
        for (int i = 0; i < 512; i++)
            pd[d][i] = ((uint64_t)d << 30) | ((uint64_t)i << 21) | 0x83;
    }
    pml4[0] = (uint32_t)pdpt | 3;
    pd[0][8] = 0;                         /* 16-18 MiB not present */
    for (int v = 0; v < 32; v++)
        gate64(v, lm_stubs[v], v == 8 || v == 12 || v == 13 ? 1 : 0);   /* IST1: a bad RSP is no problem */
    gate64(0x80, (uint32_t)lm_int80, 0);
    *(uint64_t *)(tss + 0x24) = (uint32_t)(ist_stack + sizeof(ist_stack));   /* IST1 */
    memset(lm_results, 0xff, sizeof(lm_results));
    long_run((uint32_t)pml4);
    check(lm_efer & 0x400, "lm-active", "EFER %x in 64-bit mode (LMA clear)", lm_efer);
    check_lm(0, "lm-pf-read", 14, 0, 0, 0x1000123);
    check_lm(1, "lm-pf-write", 14, 2, 0, 0x11ffffe);
    check_lm(2, "lm-gp-noncanonical", 13, 0, 0, 0);
    if (qemu_loader) {
        skip("lm-ss-push-noncanonical", "QEMU TCG raises #GP, not #SS");
        skip("lm-ss-rbp-noncanonical", "QEMU TCG raises #GP, not #SS");
    } else {
        check_lm(3, "lm-ss-push-noncanonical", 12, 0, 0, 0);
        check_lm(4, "lm-ss-rbp-noncanonical", 12, 0, 0, 0);
    }
    check_lm(5, "lm-ud", 6, 0, (uint32_t)lm_ud_ip, 0);
    uint32_t v[4];
    cpuid(0, 0, v);
    bool amd = v[1] == 0x68747541;   /* "Auth"enticAMD */
    check_lm(6, "lm-gp-branch-noncanonical", 13, 0,
             amd ? 0x0000800000000000ull : (uint32_t)lm_jmp_ip, 0);
    check(lm_int80_count == 2, "lm-int-gate64", "INT 0x80 ran %u times", lm_int80_count);
    check(lm_mul[0] == 0x123456789000ull && lm_mul[1] == 0, "lm-mul64", "%llx:%llx",
          lm_mul[1], lm_mul[0]);
    uint64_t efer = rdmsr(0xc0000080);
    check(!(efer & 0x500) && !(read_cr0() & 0x80000000u), "lm-left", "EFER %llx CR0 %x", efer,
          read_cr0());
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)magic;
    qemu_loader = loader_is_qemu(mbi);
    printf("mbmodes: real mode, 16-bit protected mode, 32 -> 64-bit and back\n");
    test_realmode();
    test_long();
    test_done();
}
