/* test-dbt-block.c - what the dbt CPU does at the level of a block, on
 * the flat standalone CPU (dbt.h): flags made exact where a block is cut
 * short or faults although the flags pass found them dead further on,
 * exceptions in the middle of a block, self-modifying code (the same
 * block, another page, a linked loop, the second page of a linked
 * block), flags records kept in host registers by the translator
 * (stored where a slow path, a fault or an early exit needs them), and
 * the code cache emptied under
 * pressure (the program runs with a 64 KiB cache, see main()).  Every
 * case has its expected state written out (hand-assembled bytes with the
 * instructions beside them); the backend is the one VESSEL_DBT selects,
 * and `make check` runs this program under each. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/dbt/dbt.h"

#define MEM_SIZE (4 * 1024 * 1024)
#define CODE_OFF 0x2000

#define CF 0x001u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u

typedef struct {
    uint8_t *mem;
    DbtCpu *cpu;
} Fixture;

static void fixture_setup(Fixture *fx, gconstpointer data)
{
    (void)data;
    fx->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(fx->mem != MAP_FAILED);
    fx->cpu = dbt_cpu_new_flat(fx->mem, MEM_SIZE);
}

static void fixture_teardown(Fixture *fx, gconstpointer data)
{
    (void)data;
    dbt_cpu_free(fx->cpu);
    munmap(fx->mem, MEM_SIZE);
}

static uint64_t code_addr(Fixture *fx)
{
    return (uint64_t)(uintptr_t)(fx->mem + CODE_OFF);
}

/* Put @code at CODE_OFF and run it from there for up to @budget
 * instructions (0: until HLT or a fault). */
static DbtStop run_code(Fixture *fx, const uint8_t *code, size_t len, uint64_t budget)
{
    memcpy(fx->mem + CODE_OFF, code, len);
    dbt_cpu_flush_code(fx->cpu);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSP, (uint64_t)(uintptr_t)(fx->mem + MEM_SIZE - 64));
    dbt_cpu_set_rip(fx->cpu, code_addr(fx));
    DbtStop st;
    g_assert_cmpint(dbt_cpu_run(fx->cpu, budget, &st), ==, 0);
    return st;
}

/* A rotate whose CF/OF the rest of its block overwrites runs flagless;
 * stopped right after it (an instruction budget), its flags are exact. */
static void test_flags_budget(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0x48, 0xd1, 0xc0,           /* rol $1, %rax   (CF = OF = 1 here) */
        0x48, 0x01, 0xcb,           /* add %rcx, %rbx (writes all six) */
        0xf4,                       /* hlt */
    };
    dbt_cpu_set_rflags(fx->cpu, 0x202);
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0x8000000000000000ull);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 1);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 2);
    DbtStop st = run_code(fx, code, sizeof(code), 1);
    g_assert_cmpint(st.reason, ==, DBT_STOP_LIMIT);
    g_assert_cmpuint(st.insns, ==, 1);
    g_assert_cmphex(st.rip, ==, code_addr(fx) + 3);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_rflags(fx->cpu) & (CF | OF), ==, CF | OF);

    /* the whole block: the ADD's flags win */
    st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 2);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RBX), ==, 3);
    g_assert_cmphex(dbt_cpu_get_rflags(fx->cpu) & (CF | OF | ZF | SF), ==, 0);
}

/* Flags written before a faulting instruction and overwritten after it
 * are exact at the fault: the exception frame holds RFLAGS. */
static void test_flags_fault(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0x48, 0x01, 0xd8,           /* add %rbx, %rax  (0 + ZF CF) */
        0x48, 0x8b, 0x0a,           /* mov (%rdx), %rcx  -> #PF */
        0x48, 0x31, 0xc0,           /* xor %rax, %rax */
        0xf4,                       /* hlt */
    };
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 1);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, ~0ull);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 77);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0x10);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_EXCEPTION);
    g_assert_cmpint(st.vector, ==, 14);
    g_assert_cmphex(st.rip, ==, code_addr(fx) + 3);
    g_assert_cmpuint(st.insns, ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 0);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 77);
    g_assert_cmphex(dbt_cpu_get_rflags(fx->cpu) & (CF | ZF | SF | OF), ==, CF | ZF);
}

/* Faults in the middle of a block, after stores and register updates:
 * everything before the faulting instruction is done, nothing after. */
static void test_fault_mid_block(Fixture *fx, gconstpointer data)
{
    (void)data;
    uint64_t slot = (uint64_t)(uintptr_t)(fx->mem + 0x8000);
    static const uint8_t code[] = {
        0x48, 0x89, 0x03,           /* mov %rax, (%rbx) */
        0x48, 0x83, 0xc3, 0x08,     /* add $8, %rbx */
        0x48, 0xff, 0xc1,           /* inc %rcx */
        0x48, 0x8b, 0x3e,           /* mov (%rsi), %rdi  -> #PF */
        0x48, 0xff, 0xc1,           /* inc %rcx */
        0xf4,                       /* hlt */
    };
    memset(fx->mem + 0x8000, 0, 16);
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0x1122334455667788ull);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, slot);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 10);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, 0x20);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, 5);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.vector, ==, 14);
    g_assert_cmphex(st.cr2, ==, 0x20);
    g_assert_cmphex(st.rip, ==, code_addr(fx) + 10);
    g_assert_cmpuint(st.insns, ==, 3);
    uint64_t v;
    memcpy(&v, fx->mem + 0x8000, 8);
    g_assert_cmphex(v, ==, 0x1122334455667788ull);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RBX), ==, slot + 8);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 11);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDI), ==, 5);

    /* the same block again, now with the operand in memory: it resumes */
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, slot);
    dbt_cpu_set_rip(fx->cpu, code_addr(fx) + 10);
    g_assert_cmpint(dbt_cpu_run(fx->cpu, 0, &st), ==, 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDI), ==, 0x1122334455667788ull);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 12);
}

/* A store into the block being executed changes what runs next: the
 * rest of the block is decoded again. */
static void test_smc_same_block(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x05,   /* movb $5, 1(%rip): the imm below */
        0xb8, 0x01, 0x00, 0x00, 0x00,               /* mov $1, %eax */
        0xf4,                                       /* hlt */
    };
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 5);
    g_assert_cmpuint(st.insns, ==, 3);
}

/* Code on another page, run (its loop linked to itself by then) before
 * the caller rewrites it: the second call runs the new code. */
static void test_smc_other_page(Fixture *fx, gconstpointer data)
{
    (void)data;
    uint8_t *callee = fx->mem + CODE_OFF + 0x3000;
    static const uint8_t sub[] = {
        0xb9, 0x10, 0x00, 0x00, 0x00,               /* mov $16, %ecx (imm at +1) */
        0xff, 0xc2,                                 /* 1: inc %edx */
        0xff, 0xc9,                                 /* dec %ecx */
        0x75, 0xfa,                                 /* jnz 1b */
        0xb8, 0x01, 0x00, 0x00, 0x00,               /* mov $1, %eax (imm at +12) */
        0xc3,                                       /* ret */
    };
    static const uint8_t code[] = {
        0xff, 0xd7,                                 /* call *%rdi */
        0x89, 0xc3,                                 /* mov %eax, %ebx */
        0xc6, 0x47, 0x0c, 0x07,                     /* movb $7, 12(%rdi) */
        0xc6, 0x47, 0x01, 0x03,                     /* movb $3, 1(%rdi) */
        0xff, 0xd7,                                 /* call *%rdi */
        0x01, 0xd8,                                 /* add %ebx, %eax */
        0xf4,                                       /* hlt */
    };
    memcpy(callee, sub, sizeof(sub));
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, (uint64_t)(uintptr_t)callee);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 8);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDX), ==, 16 + 3);
}

/* A block that runs onto a second page, entered through direct branches
 * linked from blocks on its first page, then that second page rewritten
 * (the links' own page is not): the second call runs the new code. */
static void test_smc_second_page(Fixture *fx, gconstpointer data)
{
    (void)data;
    uint8_t *callee = fx->mem + CODE_OFF + 0x1ff0;   /* 16 bytes before a page */
    static const uint8_t sub[] = {
        0xb9, 0x10, 0x00, 0x00, 0x00,               /* +00 mov $16, %ecx */
        0xeb, 0x05,                                 /* +05 jmp 2f */
        0xff, 0xc9,                                 /* +07 1: dec %ecx */
        0x75, 0x01,                                 /* +09 jnz 2f */
        0xc3,                                       /* +0b ret */
        0xb8, 0x01, 0x00, 0x00, 0x00,               /* +0c 2: mov $1, %eax (+10: next page) */
        0x01, 0xc2,                                 /* +11 add %eax, %edx */
        0xeb, 0xf2,                                 /* +13 jmp 1b */
    };
    static const uint8_t code[] = {
        0xff, 0xd7,                                 /* call *%rdi */
        0xc6, 0x47, 0x10, 0x02,                     /* movb $2, 16(%rdi): mov $0x2000001 */
        0xff, 0xd7,                                 /* call *%rdi */
        0xf4,                                       /* hlt */
    };
    memcpy(callee, sub, sizeof(sub));
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, (uint64_t)(uintptr_t)callee);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 0x2000001);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDX), ==, 16 * 1 + 16 * 0x2000001);
}

/* INC/DEC keep CF and set the other flags: conditions read right after
 * them in the same block (from the INC/DEC record, CF from the record
 * before it, a compare's or a logic op's) */
static void test_incdec_flags(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0xb9, 0x01, 0x00, 0x00, 0x00,               /* mov $1, %ecx */
        0x31, 0xc0,                                 /* xor %eax, %eax */
        0x83, 0xf9, 0x02,                           /* cmp $2, %ecx: CF */
        0xff, 0xc9,                                 /* dec %ecx: 0, CF kept */
        0x0f, 0x94, 0xc0,                           /* sete %al: 1 */
        0x0f, 0x92, 0xc3,                           /* setb %bl: 1 */
        0xff, 0xc9,                                 /* dec %ecx: -1, CF kept */
        0x0f, 0x98, 0xc2,                           /* sets %dl: 1 */
        0x41, 0x0f, 0x92, 0xc0,                     /* setb %r8b: 1 */
        0x31, 0xf6,                                 /* xor %esi, %esi: no CF */
        0xff, 0xc1,                                 /* inc %ecx: 0, CF kept */
        0x41, 0x0f, 0x92, 0xc1,                     /* setb %r9b: 0 */
        0x41, 0x0f, 0x94, 0xc2,                     /* sete %r10b: 1 */
        0xf4,                                       /* hlt */
    };
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0);
    dbt_cpu_set_gpr(fx->cpu, 8, 0);
    dbt_cpu_set_gpr(fx->cpu, 9, 0x1ff);
    dbt_cpu_set_gpr(fx->cpu, 10, 0);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RBX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 8), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 9), ==, 0x100);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 10), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 0);
}

/* Jcc on the flags of a read-modify-write and of a TEST of memory:
 * the branch must see those instructions' flags, not the retired count's
 * update the translator emits at the end of the block. */
static void test_flags_from_memory(Fixture *fx, gconstpointer data)
{
    (void)data;
    uint64_t slot = (uint64_t)(uintptr_t)(fx->mem + 0x9000);
    static const uint8_t code[] = {
        0x48, 0x83, 0x2f, 0x01,     /* 1: subq $1, (%rdi) */
        0x75, 0xfa,                 /* jnz 1b */
        0xff, 0xc1,                 /* 2: inc %ecx */
        0xf7, 0x07, 0x04, 0x00, 0x00, 0x00,  /* testl $4, (%rdi) */
        0x75, 0x06,                 /* jnz 3f */
        0x48, 0x83, 0x2f, 0xff,     /* subq $-1, (%rdi) */
        0xeb, 0xf0,                 /* jmp 2b */
        0xf4,                       /* 3: hlt */
    };
    uint64_t five = 5;
    memcpy(fx->mem + 0x9000, &five, 8);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, slot);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 0);
    DbtStop st = run_code(fx, code, sizeof(code), 10000);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    /* 5 times round the first loop; then INC, TEST, JNZ, SUB, JMP while
     * [rdi] counts 0, 1, 2, 3; at 4 the TEST's bit is set */
    g_assert_cmpuint(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 5);
    uint64_t v;
    memcpy(&v, fx->mem + 0x9000, 8);
    g_assert_cmpuint(v, ==, 4);
}

/* The translator keeps a block's flags record in host registers and
 * stores it only where it may be read.  A read-modify-write of memory
 * whose soft-TLB lookup misses runs through its op, which writes the
 * record in memory: the conditions after it must see that record (the
 * first ADD misses, the second hits). */
static void test_flags_rmw_slow(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0x83, 0x02, 0x01,           /* addl $1, (%rdx): 0xffffffff */
        0x0f, 0x94, 0xc0,           /* sete %al: 0 */
        0x0f, 0x92, 0xc3,           /* setb %bl: 0 */
        0x0f, 0x98, 0xc1,           /* sets %cl: 1 */
        0x83, 0x02, 0x01,           /* addl $1, (%rdx): 0, ZF CF */
        0x41, 0x0f, 0x94, 0xc0,     /* sete %r8b: 1 */
        0x41, 0x0f, 0x92, 0xc1,     /* setb %r9b: 1 */
        0xf4,                       /* hlt */
    };
    uint32_t v = 0xfffffffe;
    memcpy(fx->mem + 0x9000, &v, 4);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, (uint64_t)(uintptr_t)(fx->mem + 0x9000));
    for (unsigned r = 0; r < 16; r++)
        if (r != DBT_RDX && r != DBT_RSP)
            dbt_cpu_set_gpr(fx->cpu, r, 0x55);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 0);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RBX), ==, 0);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 8), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 9), ==, 1);
    memcpy(&v, fx->mem + 0x9000, 4);
    g_assert_cmphex(v, ==, 0);
}

/* A compare's record, held in host registers, is exact where the block
 * is left early: at a read-modify-write that faults (its own flags are
 * dead: the XOR after it overwrites them) and at a store that writes
 * the code's page (the rest of the block runs from a new decode and
 * reads the record from memory). */
static void test_flags_register_exits(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t fault[] = {
        0x48, 0x39, 0xd9,           /* cmp %rbx, %rcx: 1 - 2, CF SF */
        0x83, 0x02, 0x01,           /* addl $1, (%rdx)  -> #PF */
        0x31, 0xc0,                 /* xor %eax, %eax */
        0xf4,                       /* hlt */
    };
    dbt_cpu_set_rflags(fx->cpu, 0x202);
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 9);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 2);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 1);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0x10);
    DbtStop st = run_code(fx, fault, sizeof(fault), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_EXCEPTION);
    g_assert_cmpint(st.vector, ==, 14);
    g_assert_cmphex(st.rip, ==, code_addr(fx) + 3);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 9);
    g_assert_cmphex(dbt_cpu_get_rflags(fx->cpu) & (CF | ZF | SF | OF), ==, CF | SF);

    static const uint8_t leave[] = {
        0x48, 0x83, 0xf9, 0x05,     /* cmp $5, %rcx: 3 - 5, CF SF */
        0x88, 0x07,                 /* mov %al, (%rdi): the code's page */
        0x0f, 0x92, 0xc3,           /* setb %bl: 1 */
        0x0f, 0x98, 0xc2,           /* sets %dl: 1 */
        0x0f, 0x94, 0xc0,           /* sete %al: 0 */
        0xf4,                       /* hlt */
    };
    dbt_cpu_set_rflags(fx->cpu, 0x202);
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0x77);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 3);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, code_addr(fx) + 0x100);
    st = run_code(fx, leave, sizeof(leave), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(fx->mem[CODE_OFF + 0x100], ==, 0x77);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RBX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 0);
}

/* CMOVcc on a compare of the same block, taken and not taken: a 32-bit
 * destination is zero-extended either way */
static void test_cmov_known(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0x83, 0xf9, 0x02,           /* cmp $2, %ecx: below */
        0x0f, 0x42, 0xfe,           /* cmovb %esi, %edi: taken */
        0x44, 0x0f, 0x47, 0xde,     /* cmova %esi, %r11d: not taken */
        0x48, 0x0f, 0x4c, 0xc6,     /* cmovl %rsi, %rax: taken */
        0xf4,                       /* hlt */
    };
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0x99);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 1);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, 0x1111222233334444ull);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, 0xffffffff00000099ull);
    dbt_cpu_set_gpr(fx->cpu, 11, 0xffffffff00000005ull);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDI), ==, 0x33334444);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 11), ==, 5);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 0x1111222233334444ull);
}

/* ADC and SBB take their carry from the record before them: a compare's,
 * an SBB's, an ADD's, an INC's (which keeps STC's), one in memory (STC);
 * conditions and carries read from an ADC/SBB record */
static void test_adc_sbb(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0x48, 0x39, 0xd8,                   /* cmp %rbx, %rax: 1 - 2, CF */
        0x19, 0xf6,                         /* sbb %esi, %esi: -1, CF */
        0x83, 0xd7, 0x00,                   /* adc $0, %edi: 6, no CF */
        0x41, 0x0f, 0x92, 0xc0,             /* setc %r8b: 0 */
        0xf9,                               /* stc */
        0x41, 0x80, 0xd1, 0x01,             /* adc $1, %r9b: 0xff + 2 = 0x101 */
        0x41, 0x0f, 0x92, 0xc2,             /* setc %r10b: 1 */
        0x49, 0xc7, 0xc3, 0xff, 0xff, 0xff, 0xff, /* mov $-1, %r11 */
        0x49, 0x83, 0xc3, 0x01,             /* add $1, %r11: 0, CF */
        0x48, 0x83, 0xd2, 0x00,             /* adc $0, %rdx: 1, no CF */
        0x48, 0x83, 0xd2, 0xff,             /* adc $-1, %rdx: 0, CF */
        0x40, 0x0f, 0x92, 0xc5,             /* setb %bpl: 1 */
        0xf9,                               /* stc */
        0xff, 0xc1,                         /* inc %ecx: CF kept */
        0x83, 0xd3, 0x00,                   /* adc $0, %ebx: 3 */
        0xf4,                               /* hlt */
    };
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 1);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 2);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBP, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, 0x1234);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, 5);
    dbt_cpu_set_gpr(fx->cpu, 8, 0x5501);
    dbt_cpu_set_gpr(fx->cpu, 9, 0xff);
    dbt_cpu_set_gpr(fx->cpu, 10, 0);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RSI), ==, 0xffffffff);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDI), ==, 6);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 8), ==, 0x5500);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 9), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 10), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 11), ==, 0);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDX), ==, 0);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RBP), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RBX), ==, 3);
    g_assert_cmphex(dbt_cpu_get_rflags(fx->cpu) & (CF | ZF | SF | OF), ==, 0);
}

/* INC/DEC of memory and of byte and word registers keep CF: from a
 * compare of the block, through a TLB miss's slow path (the first INC
 * of the page) and a hit */
static void test_incdec_memory(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t code[] = {
        0x48, 0x39, 0xd8,                   /* cmp %rbx, %rax: CF */
        0xff, 0x06,                         /* incl (%rsi): 0xffffffff -> 0 */
        0x0f, 0x94, 0xc1,                   /* sete %cl: 1 */
        0x0f, 0x92, 0xc2,                   /* setb %dl: 1 (CF kept) */
        0xfe, 0x4e, 0x04,                   /* decb 4(%rsi): 0x80 -> 0x7f, OF */
        0x41, 0x0f, 0x90, 0xc0,             /* seto %r8b: 1 */
        0x41, 0x0f, 0x92, 0xc1,             /* setb %r9b: 1 (CF kept) */
        0x31, 0xff,                         /* xor %edi, %edi: no CF */
        0x66, 0xff, 0xc7,                   /* inc %di: 1 */
        0xfe, 0xc4,                         /* inc %ah: 0x12 -> 0x13 */
        0x41, 0x0f, 0x92, 0xc2,             /* setb %r10b: 0 */
        0xf4,                               /* hlt */
    };
    uint8_t *data8 = fx->mem + 0xa000;
    memset(data8, 0, 8);
    memset(data8, 0xff, 4);
    data8[4] = 0x80;
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0x1201);
    dbt_cpu_set_gpr(fx->cpu, DBT_RBX, 0x2000);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RDX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSI, (uint64_t)(uintptr_t)data8);
    dbt_cpu_set_gpr(fx->cpu, 8, 0);
    dbt_cpu_set_gpr(fx->cpu, 9, 0);
    dbt_cpu_set_gpr(fx->cpu, 10, 0x77);
    DbtStop st = run_code(fx, code, sizeof(code), 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    uint32_t v;
    memcpy(&v, data8, 4);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmphex(data8[4], ==, 0x7f);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RCX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDX), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 8), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 9), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RDI), ==, 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 0x1301);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, 10), ==, 0);
}

/* the host's RFLAGS after @op of @b into @a at @size bytes (the expected
 * flags of the same guest instruction) */
static uint64_t host_flags(unsigned op, unsigned size, uint64_t a, uint64_t b)
{
    uint64_t f;
#define HOST_OP(insn, ra, rb) \
    __asm__ volatile(insn " %" rb "2, %" ra "1\n\tpushfq\n\tpopq %0" \
                     : "=r"(f), "+r"(a) : "r"(b) : "cc")
    switch (op * 4 + (size == 2)) {
    case 0: HOST_OP("cmpb", "b", "b"); break;
    case 1: HOST_OP("cmpw", "w", "w"); break;
    case 4: HOST_OP("addb", "b", "b"); break;
    case 5: HOST_OP("addw", "w", "w"); break;
    case 8: HOST_OP("andb", "b", "b"); break;
    default: HOST_OP("andw", "w", "w"); break;
    }
#undef HOST_OP
    return f;
}

/* condition @cc (the Jcc/SETcc encoding) of RFLAGS @f */
static bool cond_holds(uint64_t f, unsigned cc)
{
    bool cf = f & CF, zf = f & ZF, sf = f & SF, of = f & OF, pf = f & 0x4;
    bool r[8] = { of, cf, zf, cf || zf, sf, pf, sf != of, zf || sf != of };
    return r[cc >> 1] ^ (cc & 1);
}

/* SETcc of all sixteen conditions right after a byte or word CMP, ADD or
 * AND in the same block: the translator computes them from the record it
 * knows it wrote (1 and 2 bytes: shifted to the top of a host register),
 * the interpreter from the lazy flags; both must give the host's answer. */
static void test_cond_sizes(Fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint8_t ops[3][2][3] = {
        { { 0x38, 0xc8 }, { 0x66, 0x39, 0xc8 } },   /* cmp %cl,%al / cmp %cx,%ax */
        { { 0x00, 0xc8 }, { 0x66, 0x01, 0xc8 } },   /* add %cl,%al / add %cx,%ax */
        { { 0x20, 0xc8 }, { 0x66, 0x21, 0xc8 } },   /* and %cl,%al / and %cx,%ax */
    };
    static const uint16_t vals[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x1234, 0xfe01 };
    uint8_t *out = fx->mem + 0x9000;
    for (unsigned op = 0; op < 3; op++)
        for (unsigned w = 0; w < 2; w++) {
            uint8_t code[128];
            size_t n = 0;
            memcpy(code, ops[op][w], 2u + w);
            n += 2u + w;
            for (unsigned cc = 0; cc < 16; cc++) {  /* setcc cc(%rdi) */
                code[n++] = 0x0f;
                code[n++] = (uint8_t)(0x90 + cc);
                code[n++] = 0x47;
                code[n++] = (uint8_t)cc;
            }
            code[n++] = 0xf4;                       /* hlt */
            for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++)
                for (unsigned j = 0; j < G_N_ELEMENTS(vals); j++) {
                    uint64_t a = vals[i], b = vals[j];
                    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, a);
                    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, b);
                    dbt_cpu_set_gpr(fx->cpu, DBT_RDI, (uint64_t)(uintptr_t)out);
                    DbtStop st = run_code(fx, code, n, 0);
                    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
                    uint64_t f = host_flags(op, w ? 2 : 1, a, b);
                    for (unsigned cc = 0; cc < 16; cc++)
                        if (out[cc] != cond_holds(f, cc))
                            g_error("op %u size %u a %#llx b %#llx cc %u: %u, host %u", op,
                                    w ? 2 : 1, (unsigned long long)a, (unsigned long long)b, cc,
                                    out[cc], cond_holds(f, cc));
                }
        }
}

/* Far more code than the code cache holds, twice: the cache is emptied
 * (with every decoded block) whenever it is full, in the middle of a
 * run, and every block still runs once per pass. */
static void test_cache_pressure(Fixture *fx, gconstpointer data)
{
    (void)data;
    enum { BLOCKS = 60000 };
    uint8_t *p = fx->mem + CODE_OFF;
    uint64_t sum = 0;
    /* each block: add $k, %rax; jmp .+5 (the next block) */
    for (unsigned k = 0; k < BLOCKS; k++) {
        static const uint8_t jmp0[] = { 0xe9, 0, 0, 0, 0 };
        uint32_t imm = k * 7 + 1;
        *p++ = 0x48; *p++ = 0x05;
        memcpy(p, &imm, 4);
        p += 4;
        memcpy(p, jmp0, 5);
        p += 5;
        sum += imm;
    }
    /* then: dec %ecx; jnz back to the first block; hlt */
    uint8_t *tail = p;
    *p++ = 0xff; *p++ = 0xc9;
    int32_t back = (int32_t)((fx->mem + CODE_OFF) - (p + 6));
    *p++ = 0x0f; *p++ = 0x85;
    memcpy(p, &back, 4);
    p += 4;
    *p++ = 0xf4;
    g_assert_true(p < fx->mem + MEM_SIZE - 4096);
    (void)tail;
    dbt_cpu_flush_code(fx->cpu);
    dbt_cpu_set_gpr(fx->cpu, DBT_RAX, 0);
    dbt_cpu_set_gpr(fx->cpu, DBT_RCX, 2);
    dbt_cpu_set_gpr(fx->cpu, DBT_RSP, (uint64_t)(uintptr_t)(fx->mem + MEM_SIZE - 64));
    dbt_cpu_set_rip(fx->cpu, code_addr(fx));
    DbtStop st;
    g_assert_cmpint(dbt_cpu_run(fx->cpu, 0, &st), ==, 0);
    g_assert_cmpint(st.reason, ==, DBT_STOP_HLT);
    g_assert_cmpuint(st.insns, ==, 2 * (2 * BLOCKS + 2) + 1);
    g_assert_cmphex(dbt_cpu_get_gpr(fx->cpu, DBT_RAX), ==, 2 * sum);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* a small code cache: the translator empties it many times over */
    setenv("VESSEL_DBT_CODE_CACHE", "65536", 1);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/dbt/block/flags-budget", test_flags_budget);
    ADD("/dbt/block/flags-fault", test_flags_fault);
    ADD("/dbt/block/fault-mid-block", test_fault_mid_block);
    ADD("/dbt/block/smc-same-block", test_smc_same_block);
    ADD("/dbt/block/smc-other-page", test_smc_other_page);
    ADD("/dbt/block/smc-second-page", test_smc_second_page);
    ADD("/dbt/block/flags-from-memory", test_flags_from_memory);
    ADD("/dbt/block/cond-sizes", test_cond_sizes);
    ADD("/dbt/block/incdec-flags", test_incdec_flags);
    ADD("/dbt/block/flags-rmw-slow", test_flags_rmw_slow);
    ADD("/dbt/block/flags-register-exits", test_flags_register_exits);
    ADD("/dbt/block/cmov-known", test_cmov_known);
    ADD("/dbt/block/adc-sbb", test_adc_sbb);
    ADD("/dbt/block/incdec-memory", test_incdec_memory);
    ADD("/dbt/block/cache-pressure", test_cache_pressure);
    return g_test_run();
}
