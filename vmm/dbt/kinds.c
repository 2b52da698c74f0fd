/* kinds.c - the attribute table of the op kinds (generated from the list
 * in kinds.h) and the attributes that depend on an instruction's
 * selector and operands. */
#include "vmm/dbt/insn.h"

const DbtKindInfo dbt_kinds[DBT_KIND_LAST] = {
#define DBT_KIND_INFO(N, fn, a, l, fr, fw) \
    [DBT_KIND_##N] = { (a), (l), (fr), (fw), #N },
    DBT_KINDS(DBT_KIND_INFO)
#undef DBT_KIND_INFO
};

/* the status flags condition @cc (Jcc/SETcc/CMOVcc encoding) reads */
static uint32_t cond_flags(unsigned cc)
{
    static const uint32_t f[8] = {
        DBT_OF, DBT_CF, DBT_ZF, DBT_CF | DBT_ZF, DBT_SF, DBT_PF,
        DBT_SF | DBT_OF, DBT_ZF | DBT_SF | DBT_OF,
    };
    return f[(cc >> 1) & 7];
}

uint32_t dbt_insn_flags_read(const DbtInsn *in)
{
    uint32_t fr = dbt_kinds[in->kind].fr;
    switch (fr) {
    case DBT_FL_COND: return cond_flags(in->sub & 15);
    case DBT_FL_CF23: return in->sub == 2 || in->sub == 3 ? DBT_CF : 0;
    case DBT_FL_ZF01: return in->sub <= 1 ? DBT_ZF : 0;
    default: return fr & DBT_FL_MARKER ? KF_ALL : fr;
    }
}

/* the count of a shift by an immediate or 1 after masking, or 0 when the
 * count is CL (imm2 set by the decoder) */
static unsigned imm_count(const DbtInsn *in)
{
    if (in->imm2)
        return 0;
    return (unsigned)in->imm & (in->osz == 8 ? 0x3f : 0x1f);
}

uint32_t dbt_insn_flags_written(const DbtInsn *in)
{
    uint32_t fw = dbt_kinds[in->kind].fw;
    switch (fw) {
    case DBT_FL_SHIFT:
        /* SHL/SHR/SAR set all six (AF clear); the rotates CF and OF */
        if (!imm_count(in))
            return 0;
        return in->sub >= 4 ? KF_ALL : KF_CO;
    case DBT_FL_SHLD:
        return imm_count(in) ? KF_ALL : 0;
    case DBT_FL_NOREP:
        return in->flags & (DBT_I_REP | DBT_I_REPNE) ? 0 : KF_ALL;
    default:
        return fw & DBT_FL_MARKER ? 0 : fw;
    }
}
