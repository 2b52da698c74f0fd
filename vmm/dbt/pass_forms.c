/* pass_forms.c - form selection: give a decoded instruction the
 * specialised kind (kinds.h, ops in ops_fast.c and shift.c) whose op has
 * its operand decisions made: 32/64-bit register, immediate and
 * [base+disp] ALU forms, register moves, loads and stores through
 * [base+disp], [base+index*scale+disp] and [rip+disp], MOVZX, the stack,
 * CALL/RET and one Jcc per condition in 64-bit code, register shifts and
 * rotates by an immediate.  Specialised kinds keep the generic kind's
 * semantics and attributes, so the other passes and the backends may see
 * either. */
#include "vmm/dbt/pass.h"

/* the specialised ALU kinds of an ALU selector (ADD OR - - AND SUB XOR
 * CMP), each followed by its forms in kinds.h order */
static const uint16_t alu_base[8] = {
    DBT_KIND_ADD_RR64, DBT_KIND_OR_RR64, 0, 0,
    DBT_KIND_AND_RR64, DBT_KIND_SUB_RR64, DBT_KIND_XOR_RR64, DBT_KIND_CMP_RR64,
};
enum { FORM_RR, FORM_GR, FORM_RI, FORM_GM };

static unsigned alu_form(const DbtInsn *in, unsigned form)
{
    unsigned base = alu_base[in->sub & 7];
    if (!base)
        return in->kind;
    return base + form * 2 + (in->osz == 8 ? 0 : 1);
}

/* [base + disp], no index, no segment, 64-bit addressing */
static bool mem_bd(const DbtInsn *in)
{
    return in->base != DBT_NOREG && in->index == DBT_NOREG && in->seg == DBT_SEG_NONE
        && !(in->flags & (DBT_I_RIPREL | DBT_I_ADDR32 | DBT_I_LEGACY));
}

static unsigned form_64bit_code(const DbtInsn *in)
{
    switch (in->kind) {
    case DBT_KIND_JCC: return DBT_KIND_JCC_0 + (in->sub & 15);
    case DBT_KIND_PUSH_R: return in->osz == 8 ? DBT_KIND_PUSH64_R : in->kind;
    case DBT_KIND_POP_R: return in->osz == 8 ? DBT_KIND_POP64_R : in->kind;
    case DBT_KIND_CALL_REL: return in->osz == 8 ? DBT_KIND_CALL64_REL : in->kind;
    case DBT_KIND_RET:
        return in->osz == 8 && (in->imm & 0xffff) == 0 ? DBT_KIND_RET64 : in->kind;
    default: return in->kind;
    }
}

static unsigned form_register(const DbtInsn *in, bool w)
{
    unsigned count = (unsigned)in->imm & (w ? 0x3f : 0x1f);
    switch (in->kind) {
    case DBT_KIND_ALU_EG: return alu_form(in, FORM_RR);
    case DBT_KIND_ALU_GE: return alu_form(in, FORM_GR);
    case DBT_KIND_ALU_EI: return alu_form(in, FORM_RI);
    case DBT_KIND_MOV_EG: return w ? DBT_KIND_MOV_RR64 : DBT_KIND_MOV_RR32;
    case DBT_KIND_MOV_GE: return w ? DBT_KIND_MOV_GR64 : DBT_KIND_MOV_GR32;
    case DBT_KIND_MOVZX:
        if (in->sub == 2)
            return DBT_KIND_MOVZX16_R;
        /* not AH..BH */
        if ((in->flags & DBT_I_REX) || in->rm < 4 || in->rm >= 8)
            return DBT_KIND_MOVZX8_R;
        return in->kind;
    case DBT_KIND_SHIFT_E:
        /* an immediate count that is not 0 after masking (imm2: CL) */
        if (in->imm2 || !count)
            return in->kind;
        if (in->sub == 0 || in->sub == 1)   /* ROL, ROR */
            return w ? DBT_KIND_ROTATE_RI64 : DBT_KIND_ROTATE_RI32;
        if (in->sub < 4)                    /* RCL, RCR */
            return in->kind;
        return w ? DBT_KIND_SHIFT_RI64 : DBT_KIND_SHIFT_RI32;
    default:
        return in->kind;
    }
}

static unsigned form_memory(const DbtInsn *in, bool w)
{
    bool plain = in->seg == DBT_SEG_NONE && !(in->flags & (DBT_I_ADDR32 | DBT_I_LEGACY));
    bool bisd = plain && in->base != DBT_NOREG && in->index != DBT_NOREG
        && !(in->flags & DBT_I_RIPREL);
    bool rip = plain && (in->flags & DBT_I_RIPREL);
    switch (in->kind) {
    case DBT_KIND_MOV_GE:
        if (mem_bd(in))
            return w ? DBT_KIND_LOAD64_BD : DBT_KIND_LOAD32_BD;
        if (bisd)
            return w ? DBT_KIND_LOAD64_BISD : DBT_KIND_LOAD32_BISD;
        if (rip)
            return w ? DBT_KIND_LOAD64_RIP : DBT_KIND_LOAD32_RIP;
        return in->kind;
    case DBT_KIND_MOV_EG:
        if (mem_bd(in))
            return w ? DBT_KIND_STORE64_BD : DBT_KIND_STORE32_BD;
        if (bisd)
            return w ? DBT_KIND_STORE64_BISD : DBT_KIND_STORE32_BISD;
        if (rip)
            return w ? DBT_KIND_STORE64_RIP : DBT_KIND_STORE32_RIP;
        return in->kind;
    case DBT_KIND_ALU_GE:
        return mem_bd(in) ? alu_form(in, FORM_GM) : in->kind;
    case DBT_KIND_MOVZX:
        if (!mem_bd(in))
            return in->kind;
        return in->sub == 1 ? DBT_KIND_MOVZX8_BD : DBT_KIND_MOVZX16_BD;
    default:
        return in->kind;
    }
}

void dbt_pass_forms(DbtInsn *insn, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        DbtInsn *in = &insn[k];
        unsigned kind = in->kind;
        bool w = in->osz == 8;
        if (!(in->flags & DBT_I_LEGACY))
            kind = form_64bit_code(in);
        if (kind == in->kind && (in->osz == 4 || w) && !(in->flags & DBT_I_LOCK))
            kind = (in->flags & DBT_I_MEM) ? form_memory(in, w) : form_register(in, w);
        in->kind = (uint16_t)kind;
    }
}
