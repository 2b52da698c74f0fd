/* flags.c - lazy RFLAGS: status flags computed from the last ALU op.
 *
 * Arithmetic ops store (op, size, result, operands) with dbt_flags_lazy();
 * the six status flags are computed only when something reads them
 * (Jcc/SETcc/CMOVcc, PUSHF, ADC's carry, an interrupt frame, ...).  Ops
 * whose flags are cheap or rare (rotates, bit ops) set them eagerly with
 * dbt_flags_set_status(). */
#include "vmm/dbt/flags.h"

static const uint8_t parity_table[256] = {
#define P2(n) n, n ^ 1, n ^ 1, n
#define P4(n) P2(n), P2(n ^ 1), P2(n ^ 1), P2(n)
#define P6(n) P4(n), P4(n ^ 1), P4(n ^ 1), P4(n)
    P6(1), P6(0), P6(0), P6(1)
#undef P2
#undef P4
#undef P6
};

uint32_t dbt_parity(uint64_t v)
{
    return parity_table[v & 0xff] ? DBT_PF : 0;
}

uint32_t dbt_flags_szp(uint64_t res, unsigned size)
{
    uint32_t f = dbt_parity(res);
    res &= dbt_mask(size);
    if (res == 0)
        f |= DBT_ZF;
    if (res & dbt_sign_bit(size))
        f |= DBT_SF;
    return f;
}

static bool lazy_cf(const DbtCpu *cpu)
{
    uint64_t m = dbt_mask(cpu->lf_size);
    uint64_t a = cpu->lf_src1 & m, b = cpu->lf_src2 & m, r = cpu->lf_res & m;
    switch (cpu->lf_op) {
    case DBT_LF_ADD: return r < a;
    case DBT_LF_ADC: return cpu->lf_cf ? r <= a : r < a;
    case DBT_LF_SUB: return a < b;
    case DBT_LF_SBB: return cpu->lf_cf ? a <= b : a < b;
    case DBT_LF_INC:
    case DBT_LF_DEC: return cpu->lf_cf;
    case DBT_LF_MUL: return cpu->lf_src1 != 0;
    case DBT_LF_SHL: {
        unsigned bits = cpu->lf_size * 8, c = (unsigned)cpu->lf_src2;
        return c <= bits ? (a >> (bits - c)) & 1 : false;
    }
    case DBT_LF_SHR: {
        unsigned bits = cpu->lf_size * 8, c = (unsigned)cpu->lf_src2;
        return c <= bits ? (a >> (c - 1)) & 1 : false;
    }
    case DBT_LF_SAR: {
        unsigned bits = cpu->lf_size * 8, c = (unsigned)cpu->lf_src2;
        int64_t sa = dbt_sext(a, cpu->lf_size);
        return c >= bits ? sa < 0 : (sa >> (c - 1)) & 1;
    }
    default: return false;
    }
}

static bool lazy_of(const DbtCpu *cpu)
{
    uint64_t a = cpu->lf_src1, b = cpu->lf_src2, r = cpu->lf_res;
    uint64_t sb = dbt_sign_bit(cpu->lf_size);
    switch (cpu->lf_op) {
    case DBT_LF_ADD:
    case DBT_LF_ADC:
    case DBT_LF_INC: return ((a ^ r) & (b ^ r) & sb) != 0;
    case DBT_LF_SUB:
    case DBT_LF_SBB:
    case DBT_LF_DEC: return ((a ^ b) & (a ^ r) & sb) != 0;
    case DBT_LF_SHL: return ((r & sb) != 0) ^ lazy_cf(cpu);
    case DBT_LF_SHR: return (a & sb) != 0;
    case DBT_LF_MUL: return a != 0;
    default: return false;
    }
}

static uint32_t lazy_status(const DbtCpu *cpu)
{
    uint32_t f = dbt_flags_szp(cpu->lf_res, cpu->lf_size);
    if (lazy_cf(cpu))
        f |= DBT_CF;
    if (lazy_of(cpu))
        f |= DBT_OF;
    if (cpu->lf_op != DBT_LF_LOGIC && cpu->lf_op < DBT_LF_SHL
        && ((cpu->lf_src1 ^ cpu->lf_src2 ^ cpu->lf_res) & 0x10))
        f |= DBT_AF;
    return f;
}

void dbt_flags_materialize(DbtCpu *cpu)
{
    if (cpu->lf_op == DBT_LF_NONE)
        return;
    dbt_flags_set_status(cpu, lazy_status(cpu));
}

uint64_t dbt_flags_get(DbtCpu *cpu)
{
    dbt_flags_materialize(cpu);
    return cpu->rflags;
}

bool dbt_flag_cf(DbtCpu *cpu)
{
    if (cpu->lf_op == DBT_LF_NONE)
        return cpu->rflags & DBT_CF;
    return lazy_cf(cpu);
}

static inline bool flag_zf(const DbtCpu *cpu)
{
    if (cpu->lf_op == DBT_LF_NONE)
        return cpu->rflags & DBT_ZF;
    return (cpu->lf_res & dbt_mask(cpu->lf_size)) == 0;
}

static inline bool flag_sf(const DbtCpu *cpu)
{
    if (cpu->lf_op == DBT_LF_NONE)
        return cpu->rflags & DBT_SF;
    return (cpu->lf_res & dbt_sign_bit(cpu->lf_size)) != 0;
}

static inline bool flag_of(const DbtCpu *cpu)
{
    if (cpu->lf_op == DBT_LF_NONE)
        return cpu->rflags & DBT_OF;
    return lazy_of(cpu);
}

static inline bool flag_pf(const DbtCpu *cpu)
{
    if (cpu->lf_op == DBT_LF_NONE)
        return cpu->rflags & DBT_PF;
    return dbt_parity(cpu->lf_res) != 0;
}

static inline bool flag_cf(const DbtCpu *cpu)
{
    if (cpu->lf_op == DBT_LF_NONE)
        return cpu->rflags & DBT_CF;
    return lazy_cf(cpu);
}

bool dbt_cond(DbtCpu *cpu, unsigned cc)
{
    bool r;
    /* fast paths for the common compare-and-branch pairs */
    if (cpu->lf_op == DBT_LF_SUB && cc >= 2 && cc <= 7) {
        uint64_t m = dbt_mask(cpu->lf_size);
        uint64_t a = cpu->lf_src1 & m, b = cpu->lf_src2 & m;
        switch (cc >> 1) {
        case 1: r = a < b; break;          /* B / AE */
        case 2: r = a == b; break;         /* E / NE */
        default: r = a <= b; break;        /* BE / A */
        }
        return r ^ (cc & 1);
    }
    switch (cc >> 1) {
    case 0: r = flag_of(cpu); break;
    case 1: r = flag_cf(cpu); break;
    case 2: r = flag_zf(cpu); break;
    case 3: r = flag_cf(cpu) || flag_zf(cpu); break;
    case 4: r = flag_sf(cpu); break;
    case 5: r = flag_pf(cpu); break;
    case 6: r = flag_sf(cpu) != flag_of(cpu); break;
    default: r = flag_zf(cpu) || (flag_sf(cpu) != flag_of(cpu)); break;
    }
    return r ^ (cc & 1);
}
