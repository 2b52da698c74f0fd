/*
 * diff_exec.c - the FPU-alone executor of the differential harness
 * (fpu_exec on a DbtFpuState), the sandbox window and the comparison of
 * outcomes.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "diff.h"
#include "diff_mask.h"

#define CR0_LINUX 0x80050033ull     /* PG AM WP NE ET MP PE */
#define CR4_LINUX 0x00000600ull     /* OSFXSR OSXMMEXCPT */

/* ---------------------------------------------------------- FPU alone */

void diff_window_fill(uint8_t *win, const DiffCase *c)
{
    memset(win, 0xcc, 0x1000);
    memset(win + 0x1000, 0, 0x1000);
    memcpy(win, c->code, c->code_len);
    win[c->code_len] = 0xe9;
    int32_t rel = (int32_t)(0x20000800ll - (int64_t)(DIFF_CODE + c->code_len + 5));
    memcpy(win + c->code_len + 1, &rel, 4);
    memcpy(win + 0x2000, c->init.mem, DIFF_DATA_SIZE);
}

typedef struct FpuMem {
    uint8_t *win;           /* the whole window, as the host maps it */
    uint64_t fault_addr;
    int fault_vector;
} FpuMem;

static bool canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* The fault a flat user address space gives: #GP(0) for non-canonical
 * addresses, #PF outside the window (CR2 = first bad byte). */
static int fpu_mem_fault(FpuMem *m, uint64_t addr, unsigned len)
{
    if (!canonical(addr) || !canonical(addr + len - 1)) {
        m->fault_vector = 13;
        m->fault_addr = 0;
    } else {
        m->fault_vector = 14;
        m->fault_addr = addr < DIFF_BASE + DIFF_WINDOW && addr >= DIFF_BASE
                        ? DIFF_BASE + DIFF_WINDOW : addr;
    }
    return -1;
}

static bool fpu_mem_range(uint64_t addr, unsigned len)
{
    return addr >= DIFF_BASE && len <= DIFF_WINDOW && addr - DIFF_BASE <= DIFF_WINDOW - len;
}

static int fpu_mem_read_cb(void *opaque, uint64_t addr, void *buf, unsigned len)
{
    FpuMem *m = opaque;
    if (!fpu_mem_range(addr, len))
        return fpu_mem_fault(m, addr, len);
    memcpy(buf, m->win + (addr - DIFF_BASE), len);
    return 0;
}

static int fpu_mem_write_cb(void *opaque, uint64_t addr, const void *buf, unsigned len)
{
    FpuMem *m = opaque;
    if (!fpu_mem_range(addr, len))
        return fpu_mem_fault(m, addr, len);
    memcpy(m->win + (addr - DIFF_BASE), buf, len);
    return 0;
}

static int vector_of(int rc)
{
    switch (rc) {
    case FPU_EXC_UD: return 6;
    case FPU_EXC_NM: return 7;
    case FPU_EXC_GP: return 13;
    case FPU_EXC_MF: return 16;
    case FPU_EXC_XM: return 19;
    default: return 14;
    }
}

void diff_fpu_run(const DiffCase *c, DiffResult *res)
{
    DbtFpuState st;
    memset(res, 0, sizeof(*res));
    res->st = c->init;
    res->vector = -1;
    fpu_state_reset(&st);
    fpu_state_from_fxsave(&st, c->init.fx);
    static uint8_t win[DIFF_WINDOW];
    diff_window_fill(win, c);
    FpuMem mem = { win, 0, 0 };
    FpuEnv env = {
        .gpr = res->st.gpr, .opaque = &mem,
        .mem_read = fpu_mem_read_cb, .mem_write = fpu_mem_write_cb,
        .cr0 = CR0_LINUX, .cr4 = CR4_LINUX, .rflags = &res->st.rflags,
    };
    for (unsigned i = 0; i < c->ninsn; i++) {
        FpuInsn in = c->insn[i].fpu;
        if (c->insn[i].base >= 0)
            in.ea = res->st.gpr[c->insn[i].base] + (uint64_t)(int64_t)c->insn[i].disp;
        int rc = in.map == 0 && in.opcode == 0x9b ? fpu_fwait(&st, &env)
                                                  : fpu_exec(&st, &in, &env);
        if (rc != FPU_OK) {
            res->vector = rc == FPU_EXC_MEMFAULT ? mem.fault_vector : vector_of(rc);
            res->fault_off = c->insn[i].offset;
            res->cr2 = mem.fault_addr;
            break;
        }
    }
    memcpy(res->st.mem, win + (DIFF_DATA - DIFF_BASE), DIFF_DATA_SIZE);
    uint8_t img[512];
    fpu_state_to_fxsave(&st, img);
    memcpy(res->st.fx, img, 512);
}

bool diff_window_map(void)
{
    static bool mapped;
    if (mapped)
        return true;
    void *p = mmap((void *)DIFF_BASE, DIFF_WINDOW, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)DIFF_BASE)
        return false;
    mapped = true;
    return true;
}

/* ---------------------------------------------------------- compare */

#define FLAGS_COMPARED 0xcd5ull     /* OF DF SF ZF AF PF CF */

typedef struct FxField {
    const char *name;
    unsigned off, len;
} FxField;

/* The FXSAVE fields compared.  FOP/FIP/FDP are not: AMD CPUs save them
 * only while an x87 exception is pending. */
static const FxField fx_fields[] = {
    { "fcw", 0, 2 }, { "fsw", 2, 2 }, { "ftw", 4, 1 }, { "mxcsr", 24, 4 },
    { "st0", 32, 10 }, { "st1", 48, 10 }, { "st2", 64, 10 }, { "st3", 80, 10 },
    { "st4", 96, 10 }, { "st5", 112, 10 }, { "st6", 128, 10 }, { "st7", 144, 10 },
    { "xmm0", 160, 16 }, { "xmm1", 176, 16 }, { "xmm2", 192, 16 }, { "xmm3", 208, 16 },
    { "xmm4", 224, 16 }, { "xmm5", 240, 16 }, { "xmm6", 256, 16 }, { "xmm7", 272, 16 },
    { "xmm8", 288, 16 }, { "xmm9", 304, 16 }, { "xmm10", 320, 16 }, { "xmm11", 336, 16 },
    { "xmm12", 352, 16 }, { "xmm13", 368, 16 }, { "xmm14", 384, 16 }, { "xmm15", 400, 16 },
};

static void hex(char *out, unsigned outlen, const uint8_t *b, unsigned n)
{
    unsigned k = 0;
    for (unsigned i = n; i-- > 0 && k + 3 < outlen;)
        k += (unsigned)snprintf(out + k, outlen - k, "%02x", b[i]);
}

bool diff_compare(const DiffCase *c, const DiffResult *ref, const DiffResult *got,
                  const DiffMask *m, char *out, unsigned outlen)
{
    static const DiffMask none;
    unsigned k = 0;
    bool same = true;
#define SAY(...) do { same = false; if (k < outlen) \
        k += (unsigned)snprintf(out + k, outlen - k, __VA_ARGS__); } while (0)

    if (!m)
        m = &none;
    if (ref->vector != got->vector) {
        SAY("exception: host %d, emulated %d at +%" PRIu64 " (cr2 %#" PRIx64 "); ",
            ref->vector, got->vector, got->fault_off, got->cr2);
        return false;
    }
    if (ref->vector >= 0 && ref->fault_off != got->fault_off)
        SAY("fault at +%" PRIu64 " vs +%" PRIu64 "; ", ref->fault_off, got->fault_off);
    if (ref->vector == 14 && ref->cr2 != got->cr2 && !c->cr2_loose && !m->cr2)
        SAY("cr2 %#" PRIx64 " vs %#" PRIx64 "; ", ref->cr2, got->cr2);
    for (unsigned r = 0; r < 16; r++)
        if (!(c->gpr_undef >> r & 1) && ref->st.gpr[r] != got->st.gpr[r])
            SAY("gpr%u %#" PRIx64 " vs %#" PRIx64 "; ", r, ref->st.gpr[r], got->st.gpr[r]);
    uint64_t fm = FLAGS_COMPARED & ~m->rflags;
    if ((ref->st.rflags & fm) != (got->st.rflags & fm))
        SAY("rflags %#" PRIx64 " vs %#" PRIx64 "; ", ref->st.rflags & fm, got->st.rflags & fm);
    uint16_t fsw_undef = (uint16_t)(c->fsw_undef | m->fsw);
    /* FXSAVE stores the x87 registers in stack order, ST(i) = R((TOP + i)
     * & 7): where TOP is masked, the registers are compared physically */
    bool physical = fsw_undef & 0x3800;
    unsigned top_a = (unsigned)(ref->st.fx[3] >> 3) & 7, top_b = (unsigned)(got->st.fx[3] >> 3) & 7;
    for (unsigned i = 0; i < sizeof(fx_fields) / sizeof(fx_fields[0]); i++) {
        const FxField *f = &fx_fields[i];
        uint8_t a_fx[16], b_fx[16];
        unsigned off_a = f->off, off_b = f->off;
        if (physical && f->off >= 32 && f->off < 160) {
            unsigned p = (f->off - 32) / 16;    /* compare R(p) */
            off_a = 32 + 16 * ((p - top_a) & 7);
            off_b = 32 + 16 * ((p - top_b) & 7);
        }
        memcpy(a_fx, ref->st.fx + off_a, f->len);
        memcpy(b_fx, got->st.fx + off_b, f->len);
        if (f->off == 2) {
            a_fx[0] &= (uint8_t)~fsw_undef;
            b_fx[0] &= (uint8_t)~fsw_undef;
            a_fx[1] &= (uint8_t)~(fsw_undef >> 8);
            b_fx[1] &= (uint8_t)~(fsw_undef >> 8);
        }
        if (f->off == 4) {
            a_fx[0] &= (uint8_t)~m->ftw;
            b_fx[0] &= (uint8_t)~m->ftw;
        }
        if (memcmp(a_fx, b_fx, f->len)) {
            char a[40], b[40];
            hex(a, sizeof(a), ref->st.fx + off_a, f->len);
            hex(b, sizeof(b), got->st.fx + off_b, f->len);
            SAY("%s%s %s vs %s; ", physical && off_a != f->off ? "physical " : "", f->name, a, b);
        }
    }
    for (unsigned i = 0, n = 0; i < DIFF_DATA_SIZE && n < 8; i++) {
        uint64_t a = DIFF_DATA + i;
        bool skip = false;
        for (unsigned k = 0; k < c->nignore; k++) {
            const DiffInsn *in = &c->insn[c->ignore[k].insn];
            uint64_t from = c->init.gpr[in->base] + (uint64_t)(int64_t)in->disp + c->ignore[k].off;
            skip |= a >= from && a < from + c->ignore[k].len;
        }
        if (skip)
            continue;
        if (ref->st.mem[i] != got->st.mem[i]) {
            SAY("mem[%#" PRIx64 "] %02x vs %02x; ", (uint64_t)(DIFF_DATA + i), ref->st.mem[i], got->st.mem[i]);
            n++;
        }
    }
#undef SAY
    return same;
}
