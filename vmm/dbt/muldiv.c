/* muldiv.c - MUL, IMUL (one, two and three operands), DIV, IDIV (#DE on
 * a zero divisor or a quotient that does not fit).  The flags the SDM
 * leaves undefined (SF ZF PF AF for multiplies) are computed from the low
 * half of the result; DIV/IDIV leave the flags unchanged. */
#include "vmm/dbt/ops.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* lazy: SF ZF PF from the low half, AF clear, CF = OF = @overflow */
static inline void mul_flags(DbtCpu *cpu, uint64_t lo, unsigned s, bool overflow)
{
    dbt_flags_lazy(cpu, DBT_LF_MUL, s, lo, overflow, 0);
}

/* write a double-width result: AX for bytes, rDX:rAX otherwise */
static void put_wide(DbtCpu *cpu, unsigned s, uint64_t lo, uint64_t hi)
{
    if (s == 1) {
        cpu->gpr[DBT_RAX] = (cpu->gpr[DBT_RAX] & ~0xffffull) | (lo & 0xff) | ((hi & 0xff) << 8);
    } else {
        dbt_reg_write(cpu, DBT_RAX, s, true, lo);
        dbt_reg_write(cpu, DBT_RDX, s, true, hi);
    }
}

/* F6/F7 /4 */
int op_mul_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t m = dbt_mask(s);
    uint64_t b = dbt_rm_read(cpu, i, s);
    uint64_t a = cpu->gpr[DBT_RAX] & m;
    u128 p = (u128)a * b;
    uint64_t lo, hi;
    if (s == 8) {
        lo = (uint64_t)p;
        hi = (uint64_t)(p >> 64);
    } else {
        lo = (uint64_t)p & m;
        hi = ((uint64_t)p >> (s * 8)) & m;
    }
    put_wide(cpu, s, lo, hi);
    mul_flags(cpu, lo, s, hi != 0);
    return DBT_OK;
}

/* F6/F7 /5 */
int op_imul1_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t m = dbt_mask(s);
    int64_t b = dbt_sext(dbt_rm_read(cpu, i, s), s);
    int64_t a = dbt_sext(cpu->gpr[DBT_RAX], s);
    s128 p = (s128)a * b;
    uint64_t lo, hi;
    bool ovf;
    if (s == 8) {
        lo = (uint64_t)p;
        hi = (uint64_t)((u128)p >> 64);
        ovf = p != (s128)(int64_t)lo;
    } else {
        int64_t p64 = (int64_t)p;
        lo = (uint64_t)p64 & m;
        hi = ((uint64_t)p64 >> (s * 8)) & m;
        ovf = p64 != dbt_sext(lo, s);
    }
    put_wide(cpu, s, lo, hi);
    mul_flags(cpu, lo, s, ovf);
    return DBT_OK;
}

static uint64_t imul_trunc(DbtCpu *cpu, unsigned s, uint64_t x, uint64_t y)
{
    int64_t a = dbt_sext(x, s), b = dbt_sext(y, s);
    s128 p = (s128)a * b;
    uint64_t lo = (uint64_t)p & dbt_mask(s);
    mul_flags(cpu, lo, s, p != (s128)dbt_sext(lo, s));
    return lo;
}

/* 0F AF: IMUL Gv, Ev */
int op_imul_GE(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t b = dbt_rm_read(cpu, i, s);
    dbt_gr_write(cpu, i, s, imul_trunc(cpu, s, dbt_gr_read(cpu, i, s), b));
    return DBT_OK;
}

/* 69 / 6B: IMUL Gv, Ev, imm */
int op_imul_GEI(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t a = dbt_rm_read(cpu, i, s);
    dbt_gr_write(cpu, i, s, imul_trunc(cpu, s, a, i->imm));
    return DBT_OK;
}

/* F6/F7 /6 */
int op_div_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t m = dbt_mask(s);
    uint64_t d = dbt_rm_read(cpu, i, s);
    if (d == 0)
        dbt_raise_noerr(cpu, DBT_EXC_DE);
    u128 n;
    if (s == 1)
        n = cpu->gpr[DBT_RAX] & 0xffff;
    else if (s == 8)
        n = ((u128)cpu->gpr[DBT_RDX] << 64) | cpu->gpr[DBT_RAX];
    else
        n = ((u128)(cpu->gpr[DBT_RDX] & m) << (s * 8)) | (cpu->gpr[DBT_RAX] & m);
    u128 q = n / d, r = n % d;
    if (q > m)
        dbt_raise_noerr(cpu, DBT_EXC_DE);
    put_wide(cpu, s, (uint64_t)q, (uint64_t)r);
    return DBT_OK;
}

/* F6/F7 /7 */
int op_idiv_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    int64_t d = dbt_sext(dbt_rm_read(cpu, i, s), s);
    if (d == 0)
        dbt_raise_noerr(cpu, DBT_EXC_DE);
    s128 n;
    if (s == 1)
        n = (int16_t)cpu->gpr[DBT_RAX];
    else if (s == 8)
        n = (s128)(((u128)cpu->gpr[DBT_RDX] << 64) | cpu->gpr[DBT_RAX]);
    else
        n = (s128)dbt_sext(((cpu->gpr[DBT_RDX] & dbt_mask(s)) << (s * 8))
                           | (cpu->gpr[DBT_RAX] & dbt_mask(s)), s * 2);
    /* INT128_MIN / -1 cannot happen: n fits in 2*s bytes <= 128 bits, but
     * guard the 64-bit case explicitly */
    if (s == 8 && d == -1 && n == (s128)((u128)1 << 127))
        dbt_raise_noerr(cpu, DBT_EXC_DE);
    s128 q = n / d, r = n % d;
    int64_t qmax = (int64_t)(dbt_sign_bit(s) - 1);
    if (q > qmax || q < -qmax - 1)
        dbt_raise_noerr(cpu, DBT_EXC_DE);
    put_wide(cpu, s, (uint64_t)q & dbt_mask(s), (uint64_t)r & dbt_mask(s));
    return DBT_OK;
}
