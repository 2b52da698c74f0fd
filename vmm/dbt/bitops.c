/* bitops.c - BT/BTS/BTR/BTC (register and immediate offsets, with the
 * memory form's bit-string addressing), BSF/BSR, POPCNT. */
#include "vmm/dbt/locked.h"
#include "vmm/dbt/ops.h"

enum { BIT_BT, BIT_BTS, BIT_BTR, BIT_BTC };

static inline uint64_t bit_new(unsigned sub, uint64_t v, unsigned bit)
{
    switch (sub) {
    case BIT_BTS: return v | (1ull << bit);
    case BIT_BTR: return v & ~(1ull << bit);
    case BIT_BTC: return v ^ (1ull << bit);
    default: return v;
    }
}

static void bit_apply(DbtCpu *cpu, const DbtInsn *i, int64_t off, bool reg_off)
{
    unsigned s = i->osz, bits = s * 8;
    uint64_t v, ea = 0;
    unsigned bit;
    bool mem = i->flags & DBT_I_MEM, rex = i->flags & DBT_I_REX;

    if (mem) {
        ea = dbt_ea(cpu, i);
        if (reg_off) {
            /* the offset is signed and addresses a bit string */
            int64_t so = dbt_sext((uint64_t)off, s);
            ea += (uint64_t)((so >> (s == 8 ? 6 : s == 4 ? 5 : 4)) * s);
            bit = (unsigned)so & (bits - 1);
        } else {
            bit = (unsigned)off & (bits - 1);
        }
        if (i->sub != BIT_BT) {
            /* BTS BTR BTC: locked.h (a host atomic with LOCK) */
            DbtRmw m;
            v = dbt_rmw_begin_at(cpu, i, s, ea, i->flags & DBT_I_LOCK, &m);
            while (!dbt_rmw_commit(cpu, &m, &v, bit_new(i->sub, v, bit)))
                ;
        } else {
            v = dbt_read(cpu, ea, s);
        }
    } else {
        bit = (unsigned)off & (bits - 1);
        v = dbt_reg_read(cpu, i->rm, s, rex);
        if (i->sub != BIT_BT)
            dbt_reg_write(cpu, i->rm, s, rex, bit_new(i->sub, v, bit));
    }
    bool cf = (v >> bit) & 1;
    dbt_flags_materialize(cpu);
    cpu->rflags = (cpu->rflags & ~(uint64_t)DBT_CF) | (cf ? DBT_CF : 0);
}

/* 0F A3/AB/B3/BB: BTx Ev, Gv */
int op_bt_EG(DbtCpu *cpu, const DbtInsn *i)
{
    bit_apply(cpu, i, (int64_t)dbt_gr_read(cpu, i, i->osz), true);
    return DBT_OK;
}

/* 0F BA /4-/7: BTx Ev, Ib */
int op_bt_EI(DbtCpu *cpu, const DbtInsn *i)
{
    bit_apply(cpu, i, (int64_t)(i->imm & 0xff), false);
    return DBT_OK;
}

/* 0F BC BSF (sub 0), 0F BD BSR (sub 1); F3 forms (TZCNT/LZCNT) are not
 * advertised, so they execute as BSF/BSR like on CPUs without BMI. */
int op_bsf_GE(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t v = dbt_rm_read(cpu, i, s);
    dbt_flags_materialize(cpu);
    uint32_t f = cpu->rflags & DBT_STATUS_FLAGS & ~(DBT_ZF);
    if (v == 0) {
        /* destination left unchanged, as Intel and AMD hardware do */
        dbt_flags_set_status(cpu, f | DBT_ZF);
        return DBT_OK;
    }
    uint64_t r = i->sub ? 63 - (unsigned)__builtin_clzll(v) : (unsigned)__builtin_ctzll(v);
    dbt_gr_write(cpu, i, s, r);
    dbt_flags_set_status(cpu, f);
    return DBT_OK;
}

/* F3 0F B8: POPCNT */
int op_popcnt_GE(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz;
    uint64_t v = dbt_rm_read(cpu, i, s);
    uint64_t r = (uint64_t)__builtin_popcountll(v);
    dbt_gr_write(cpu, i, s, r);
    dbt_flags_set_status(cpu, v ? 0 : DBT_ZF);
    return DBT_OK;
}
