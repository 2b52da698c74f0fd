/* shift.c - shifts and rotates: group 2 (ROL ROR RCL RCR SHL SHR SAL SAR),
 * SHLD and SHRD.  SHL/SHR/SAR flags are lazy (flags.c), the others are set
 * eagerly; where the SDM leaves a flag
 * undefined (OF for counts > 1, AF) we produce a fixed, documented value:
 * OF as for a count of 1, AF clear. */
#include "vmm/dbt/ops.h"

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static unsigned shift_count(DbtCpu *cpu, const DbtInsn *i)
{
    /* imm (C0/C1), 1 (D0/D1: imm preset to 1) or CL (D2/D3: imm2 set) */
    unsigned c = i->imm2 ? (unsigned)cpu->gpr[DBT_RCX] & 0xff : (unsigned)i->imm;
    return c & (i->osz == 8 ? 0x3f : 0x1f);
}

/* SHL/SAL, SHR, SAR by @c (1..63, already masked) of the masked @a:
 * the result, with lazy flags (flags.c computes CF/OF from the operand and
 * the count; AF clear). */
static inline uint64_t shift_lazy(DbtCpu *cpu, unsigned kind, unsigned s, uint64_t a,
                                  unsigned c)
{
    uint64_t r;
    unsigned bits = s * 8;
    if (kind == SH_SHR) {
        r = c < 64 ? a >> c : 0;
        dbt_flags_lazy(cpu, DBT_LF_SHR, s, r, a, c);
    } else if (kind == SH_SAR) {
        int64_t sa = dbt_sext(a, s);
        r = (uint64_t)(sa >> (c >= bits ? bits - 1 : c)) & dbt_mask(s);
        dbt_flags_lazy(cpu, DBT_LF_SAR, s, r, a, c);
    } else {
        r = c < 64 ? (a << c) & dbt_mask(s) : 0;
        dbt_flags_lazy(cpu, DBT_LF_SHL, s, r, a, c);
    }
    return r;
}

int op_shift_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz, bits = s * 8;
    unsigned c = shift_count(cpu, i);
    uint64_t m = dbt_mask(s), sb = dbt_sign_bit(s);
    uint64_t ea, r;
    uint64_t a = dbt_rmw_read(cpu, i, s, c != 0, &ea);

    if (c == 0) {
        /* a 32-bit register is still zero-extended */
        if (!(i->flags & DBT_I_MEM))
            dbt_rmw_write(cpu, i, s, ea, a);
        return DBT_OK;
    }
    if (i->sub >= SH_SHL) {
        dbt_rmw_write(cpu, i, s, ea, shift_lazy(cpu, i->sub, s, a, c));
        return DBT_OK;
    }
    dbt_flags_materialize(cpu);
    uint32_t f = cpu->rflags & DBT_STATUS_FLAGS;
    bool cf, of = false;
    switch (i->sub) {
    case SH_ROL: {
        unsigned k = c % bits;
        r = k ? ((a << k) | (a >> (bits - k))) & m : a;
        cf = r & 1;
        of = ((r & sb) != 0) ^ cf;
        f = (f & ~(DBT_CF | DBT_OF)) | (cf ? DBT_CF : 0) | (of ? DBT_OF : 0);
        break;
    }
    case SH_ROR: {
        unsigned k = c % bits;
        r = k ? ((a >> k) | (a << (bits - k))) & m : a;
        cf = (r & sb) != 0;
        of = cf ^ ((r & (sb >> 1)) != 0);
        f = (f & ~(DBT_CF | DBT_OF)) | (cf ? DBT_CF : 0) | (of ? DBT_OF : 0);
        break;
    }
    default: { /* RCL, RCR (the shifts are lazy, above) */
        unsigned k = s < 4 ? c % (bits + 1) : c;
        cf = f & DBT_CF;
        r = a;
        if (i->sub == SH_RCR)
            of = ((r & sb) != 0) ^ cf;
        for (unsigned n = 0; n < k; n++) {
            bool out;
            if (i->sub == SH_RCL) {
                out = (r & sb) != 0;
                r = ((r << 1) | cf) & m;
            } else {
                out = r & 1;
                r = (r >> 1) | (cf ? sb : 0);
            }
            cf = out;
        }
        if (i->sub == SH_RCL)
            of = ((r & sb) != 0) ^ cf;
        f = (f & ~(DBT_CF | DBT_OF)) | (cf ? DBT_CF : 0) | (of ? DBT_OF : 0);
        break;
    }
    }
    dbt_rmw_write(cpu, i, s, ea, r);
    dbt_flags_set_status(cpu, f);
    return DBT_OK;
}

/* C1 /4 /5 /7 with a register operand, an immediate count that is not 0
 * after masking and a 32/64-bit size: the hottest shift forms
 * (kinds SHIFT_RI64/32, picked by pass_forms.c). */
int op_shift_ri64(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = shift_lazy(cpu, i->sub, 8, cpu->gpr[i->rm], (unsigned)i->imm & 0x3f);
    return DBT_OK;
}

int op_shift_ri32(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = shift_lazy(cpu, i->sub, 4, (uint32_t)cpu->gpr[i->rm],
                                 (unsigned)i->imm & 0x1f);
    return DBT_OK;
}

/* C1 /0 /1 (ROL, ROR) with a register operand, an immediate count that
 * is not 0 after masking and a 32/64-bit size.  Only CF and OF change;
 * the _nf forms change no flag at all: the flags pass (pass_flags.c)
 * picks them where a later instruction of the block overwrites CF and OF
 * before anything can read them. */
static inline uint64_t rotate_ri(const DbtInsn *i, unsigned s, uint64_t a)
{
    unsigned bits = s * 8, k = (unsigned)i->imm & (bits - 1);
    uint64_t m = dbt_mask(s);
    if (i->sub == SH_ROL)
        return ((a << k) | (a >> (bits - k))) & m;
    return ((a >> k) | (a << (bits - k))) & m;
}

static inline void rotate_flags(DbtCpu *cpu, const DbtInsn *i, unsigned s, uint64_t r)
{
    uint64_t sb = dbt_sign_bit(s);
    bool cf, of;
    if (i->sub == SH_ROL) {
        cf = r & 1;
        of = ((r & sb) != 0) ^ cf;
    } else {
        cf = (r & sb) != 0;
        of = cf ^ ((r & (sb >> 1)) != 0);
    }
    dbt_flags_materialize(cpu);
    cpu->rflags = (cpu->rflags & ~(uint64_t)(DBT_CF | DBT_OF))
        | (cf ? DBT_CF : 0) | (of ? DBT_OF : 0);
}

int op_rotate_ri64(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t r = rotate_ri(i, 8, cpu->gpr[i->rm]);
    rotate_flags(cpu, i, 8, r);
    cpu->gpr[i->rm] = r;
    return DBT_OK;
}

int op_rotate_ri32(DbtCpu *cpu, const DbtInsn *i)
{
    uint64_t r = rotate_ri(i, 4, (uint32_t)cpu->gpr[i->rm]);
    rotate_flags(cpu, i, 4, r);
    cpu->gpr[i->rm] = r;
    return DBT_OK;
}

int op_rotate_ri64_nf(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = rotate_ri(i, 8, cpu->gpr[i->rm]);
    return DBT_OK;
}

int op_rotate_ri32_nf(DbtCpu *cpu, const DbtInsn *i)
{
    cpu->gpr[i->rm] = rotate_ri(i, 4, (uint32_t)cpu->gpr[i->rm]);
    return DBT_OK;
}

/* 0F A4/A5 SHLD (sub 0), 0F AC/AD SHRD (sub 1); imm2 != 0: count in CL */
int op_shld_E(DbtCpu *cpu, const DbtInsn *i)
{
    unsigned s = i->osz, bits = s * 8;
    unsigned c = shift_count(cpu, i);
    uint64_t m = dbt_mask(s), sb = dbt_sign_bit(s);
    uint64_t ea, r, src = dbt_gr_read(cpu, i, s);
    uint64_t a = dbt_rmw_read(cpu, i, s, c != 0, &ea);
    bool cf;

    if (c == 0) {
        if (!(i->flags & DBT_I_MEM))
            dbt_rmw_write(cpu, i, s, ea, a);
        return DBT_OK;
    }
    if (s == 2) {
        /* 16-bit with count > 16: the hardware shifts dst:src:dst */
        uint64_t wide = (a << 32) | (src << 16) | a;
        if (i->sub == 0) {
            r = ((wide << c) >> 32) & m;
            cf = (wide >> (48 - c)) & 1;
        } else {
            r = (wide >> c) & m;
            cf = (wide >> (c - 1)) & 1;
        }
    } else if (i->sub == 0) {
        r = ((a << c) | (src >> (bits - c))) & m;
        cf = (a >> (bits - c)) & 1;
    } else {
        r = ((a >> c) | (src << (bits - c))) & m;
        cf = (a >> (c - 1)) & 1;
    }
    bool of = ((r ^ a) & sb) != 0;
    dbt_rmw_write(cpu, i, s, ea, r);
    dbt_flags_set_status(cpu, dbt_flags_szp(r, s) | (cf ? DBT_CF : 0) | (of ? DBT_OF : 0));
    return DBT_OK;
}
