/* string.c - MOVS, CMPS, STOS, LODS, SCAS with REP/REPE/REPNE.
 *
 * Each iteration does its memory accesses first and then updates RCX, RSI
 * and RDI, so a fault in the middle restarts the instruction with the
 * completed iterations retired (as the hardware does).  A REP op runs at
 * most DBT_REP_CHUNK iterations per call; if work remains it re-executes
 * itself (next_rip = rip) and ends the block, so interrupts are taken in
 * between.  Forward REP MOVS/STOS move whole page spans through host
 * pointers when both pages are in the TLB. */
#include "vmm/dbt/ops.h"
#include "vmm/dbt/string_regs.h"

#define DBT_REP_CHUNK 4096u

/* the page-span fast paths work on linear = offset (64-bit code) */
static inline bool span_ok(const DbtCpu *cpu, const DbtInsn *i, bool rep)
{
    return rep && !(cpu->rflags & DBT_DF) && !(i->flags & DBT_I_LEGACY);
}

/* host pointer for [la, la+len) if it sits in one TLB-mapped RAM page */
static inline uint8_t *tlb_host(DbtCpu *cpu, uint64_t la, uint64_t len, bool write)
{
    const DbtTlbEntry *e = &cpu->tlb_cur[(la >> 12) & (DBT_TLB_SIZE - 1)];
    if ((write ? e->tag_w : e->tag_r) != (la & DBT_PAGE_MASK))
        return NULL;
    if ((la & 0xfff) + len > 0x1000)
        return NULL;
    return (uint8_t *)(e->addend + la);
}

/* returns true if the op must re-execute (more iterations pending) */
static inline int rep_done(DbtCpu *cpu, const DbtInsn *i, bool more)
{
    if (more) {
        cpu->next_rip = cpu->rip;
        return DBT_END_BLOCK;
    }
    return DBT_OK;
}

int op_movs(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    bool rep = i->flags & (DBT_I_REP | DBT_I_REPNE);
    uint64_t n = rep ? dbt_areg(cpu, i, DBT_RCX) : 1;
    unsigned budget = DBT_REP_CHUNK;

    while (n && budget) {
        uint64_t si = dbt_areg(cpu, i, DBT_RSI), di = dbt_areg(cpu, i, DBT_RDI);
        uint64_t src = dbt_seg_addr(cpu, i, si);
        if (span_ok(cpu, i, rep)) {
            /* span within both pages */
            uint64_t span = n;
            uint64_t sl = (0x1000 - (src & 0xfff)) / s, dl = (0x1000 - (di & 0xfff)) / s;
            if (span > sl) span = sl;
            if (span > dl) span = dl;
            if (span > 1) {
                uint8_t *hs = tlb_host(cpu, src, span * s, false);
                uint8_t *hd = tlb_host(cpu, di, span * s, true);
                if (hs && hd && (hd >= hs + span * s || hd + span * s <= hs || hd <= hs)) {
                    memmove(hd, hs, span * s);
                    n -= span;
                    dbt_areg_set(cpu, i, DBT_RSI, si + span * s);
                    dbt_areg_set(cpu, i, DBT_RDI, di + span * s);
                    dbt_areg_set(cpu, i, DBT_RCX, n);
                    budget = budget > span ? budget - (unsigned)span : 0;
                    continue;
                }
            }
        }
        uint64_t v = dbt_read(cpu, src, s);
        dbt_write(cpu, dbt_string_dst(cpu, i, di, s), s, v);
        int64_t d = dbt_string_step(cpu, s);
        dbt_areg_set(cpu, i, DBT_RSI, si + (uint64_t)d);
        dbt_areg_set(cpu, i, DBT_RDI, di + (uint64_t)d);
        n--;
        if (rep)
            dbt_areg_set(cpu, i, DBT_RCX, n);
        budget--;
    }
    return rep_done(cpu, i, rep && n);
}

int op_stos(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    bool rep = i->flags & (DBT_I_REP | DBT_I_REPNE);
    uint64_t n = rep ? dbt_areg(cpu, i, DBT_RCX) : 1;
    uint64_t v = cpu->gpr[DBT_RAX] & dbt_mask(s);
    unsigned budget = DBT_REP_CHUNK;

    while (n && budget) {
        uint64_t di = dbt_areg(cpu, i, DBT_RDI);
        if (span_ok(cpu, i, rep)) {
            uint64_t span = n, dl = (0x1000 - (di & 0xfff)) / s;
            if (span > dl) span = dl;
            uint8_t *hd = span > 1 ? tlb_host(cpu, di, span * s, true) : NULL;
            if (hd) {
                if (s == 1) {
                    memset(hd, (int)v, span);
                } else {
                    for (uint64_t k = 0; k < span; k++)
                        memcpy(hd + k * s, &v, s);
                }
                n -= span;
                dbt_areg_set(cpu, i, DBT_RDI, di + span * s);
                dbt_areg_set(cpu, i, DBT_RCX, n);
                budget = budget > span ? budget - (unsigned)span : 0;
                continue;
            }
        }
        dbt_write(cpu, dbt_string_dst(cpu, i, di, s), s, v);
        dbt_areg_set(cpu, i, DBT_RDI, di + (uint64_t)dbt_string_step(cpu, s));
        n--;
        if (rep)
            dbt_areg_set(cpu, i, DBT_RCX, n);
        budget--;
    }
    return rep_done(cpu, i, rep && n);
}

int op_lods(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    bool rep = i->flags & (DBT_I_REP | DBT_I_REPNE);
    uint64_t n = rep ? dbt_areg(cpu, i, DBT_RCX) : 1;
    unsigned budget = DBT_REP_CHUNK;

    while (n && budget) {
        uint64_t si = dbt_areg(cpu, i, DBT_RSI);
        uint64_t v = dbt_read(cpu, dbt_seg_addr(cpu, i, si), s);
        dbt_reg_write(cpu, DBT_RAX, s, true, v);
        dbt_areg_set(cpu, i, DBT_RSI, si + (uint64_t)dbt_string_step(cpu, s));
        n--;
        if (rep)
            dbt_areg_set(cpu, i, DBT_RCX, n);
        budget--;
    }
    return rep_done(cpu, i, rep && n);
}

/* CMPS and SCAS: compare, REPE (F3) / REPNE (F2).  The flags of the
 * last comparison are set when the loop ends (or yields its chunk): a
 * fault in the middle leaves RFLAGS as before the instruction, as Intel
 * documents for REPE/REPNE CMPS/SCAS (vendor.def row rep_cmps_fault). */
static int cmp_string(DbtCpu *cpu, const DbtInsn *i, bool scas)
{
    unsigned s = i->osz;
    bool repe = i->flags & DBT_I_REP, repne = i->flags & DBT_I_REPNE;
    bool rep = repe || repne;
    uint64_t n = rep ? dbt_areg(cpu, i, DBT_RCX) : 1;
    uint64_t m = dbt_mask(s), last_a = 0, last_b = 0;
    unsigned budget = DBT_REP_CHUNK;
    bool done = false, any = false;

    while (n && budget) {
        uint64_t si = dbt_areg(cpu, i, DBT_RSI), di = dbt_areg(cpu, i, DBT_RDI);
        uint64_t a, b;
        if (scas) {
            a = cpu->gpr[DBT_RAX] & m;
            b = dbt_read(cpu, dbt_string_dst(cpu, i, di, s), s);
        } else {
            a = dbt_read(cpu, dbt_seg_addr(cpu, i, si), s);
            b = dbt_read(cpu, dbt_string_dst(cpu, i, di, s), s);
        }
        last_a = a;
        last_b = b;
        any = true;
        int64_t d = dbt_string_step(cpu, s);
        if (!scas)
            dbt_areg_set(cpu, i, DBT_RSI, si + (uint64_t)d);
        dbt_areg_set(cpu, i, DBT_RDI, di + (uint64_t)d);
        n--;
        if (rep)
            dbt_areg_set(cpu, i, DBT_RCX, n);
        budget--;
        if ((repe && a != b) || (repne && a == b)) {
            done = true;
            break;
        }
    }
    if (any)
        dbt_flags_lazy(cpu, DBT_LF_SUB, s, (last_a - last_b) & m, last_a, last_b);
    return done ? DBT_OK : rep_done(cpu, i, rep && n);
}

int op_cmps(DbtCpu *cpu, const DbtInsn *i)
{
    return cmp_string(cpu, i, false);
}

int op_scas(DbtCpu *cpu, const DbtInsn *i)
{
    return cmp_string(cpu, i, true);
}
