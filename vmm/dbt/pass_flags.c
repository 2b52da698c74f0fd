/* pass_flags.c - flags liveness over a decoded block, for every op from
 * the kind table's flags-read/written attributes (kinds.h).
 *
 * Backwards over the block with the set of live status flags: all six
 * at the end (the next block or an interrupt frame reads them), all
 * after an instruction that may leave the block early (the state there
 * must be exact), all before one that may fault (the exception frame
 * holds RFLAGS).  An instruction none of whose written flags is live is
 * marked DBT_I_FLAGS_DEAD: a backend may skip computing them (the
 * translator), or run a twin kind that does not (DBT_KINDS_NF; the
 * interpreter).  The pass runs once when the block is built; a block
 * that runs only partly (a poll, an instruction budget) is executed
 * with dbt_kind_exact() of each kind instead, never edited. */
#include "vmm/dbt/pass.h"

static const uint16_t nf_of[DBT_KIND_LAST] = {
#define NF_TWIN(nf, full) [DBT_KIND_##full] = DBT_KIND_##nf,
    DBT_KINDS_NF(NF_TWIN)
#undef NF_TWIN
};

static const uint16_t full_of[DBT_KIND_LAST] = {
#define FULL_TWIN(nf, full) [DBT_KIND_##nf] = DBT_KIND_##full,
    DBT_KINDS_NF(FULL_TWIN)
#undef FULL_TWIN
};

unsigned dbt_kind_exact(unsigned kind)
{
    return full_of[kind] ? full_of[kind] : kind;
}

void dbt_pass_flags(DbtInsn *insn, unsigned n)
{
    uint32_t live = DBT_STATUS_FLAGS;
    for (unsigned k = n; k-- > 0;) {
        DbtInsn *in = &insn[k];
        uint32_t fw = dbt_insn_flags_written(in);
        if (dbt_insn_may_leave(in))
            live = DBT_STATUS_FLAGS;
        if (fw && !(fw & live)) {
            in->flags |= DBT_I_FLAGS_DEAD;
            if (nf_of[in->kind])
                in->kind = nf_of[in->kind];
        }
        live = (live & ~fw) | dbt_insn_flags_read(in);
        if (dbt_insn_may_fault(in))
            live = DBT_STATUS_FLAGS;
    }
}
