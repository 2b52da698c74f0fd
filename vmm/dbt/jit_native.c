/* jit_native.c - host code for the hot op kinds (see jit.c's design
 * note): register and immediate moves and ALU operations, ALU operations
 * and TEST with a memory operand (read-modify-write included), LEA,
 * MOVZX/MOVSX/MOVSXD, IMUL, CMOVcc, SETcc, INC/DEC of a register, loads
 * and stores with the soft TLB's fast path inline, PUSH/POP, shifts and
 * rotates by an immediate, and the branches that end most blocks (Jcc,
 * JMP, CALL, RET).  Each form does exactly what the kind's op does
 * (ops_fast.c, alu.c, shift.c, muldiv.c, control.c) with the same lazy
 * flags record (its values in RBP/R15/R14, its kind stored where it
 * may be read: jit.c's design note), which is skipped where the flags
 * pass marked the flags dead.  A condition (Jcc, CMOVcc, SETcc) or a
 * carry in (ADC/SBB, the CF INC/DEC keep) is computed inline from the
 * record the block wrote, from the host flags when the instruction
 * before set them, from a SUB/CMP or logic record of a kind tested at
 * run time, or else by dbt_cond_fast().
 *
 * Host registers: RSI holds a memory operand's linear address, RCX a
 * value to store, RAX a loaded value; RAX, RCX, RDX, RSI, RDI are
 * scratch within one instruction; cpu->jit_tmp keeps a value across a
 * call into C.  A soft-TLB miss jumps to an
 * out-of-line slow path that stores RIP and cur_insn (a fault raised
 * below is exact), calls dbt_mem_read_slow/dbt_mem_write_slow and jumps
 * back.  Only 64-bit code without an address-size prefix is emitted
 * natively; everything else is call-threaded (jit.c). */
#include "vmm/dbt/jit_int.h"
#include "vmm/dbt/ops.h"

#define CPU(field) JCPU(field)
#define GPR(r) JGPR(r)

static bool plain_64(const DbtInsn *in)
{
    if (in->flags & (DBT_I_LEGACY | DBT_I_ADDR32 | DBT_I_LOCK))
        return false;
    /* [rip + disp] as R12 + a 32-bit displacement */
    int64_t d = (int64_t)in->disp + 0x2000;
    return !(in->flags & DBT_I_RIPREL) || (d > INT32_MIN && d < INT32_MAX - 0x2000);
}

/* ---- memory ---------------------------------------------------------------- */

/* RSI = the linear address of @in's memory operand (64-bit addressing;
 * FS/GS base added unless @no_seg: LEA) */
void dbt_jit_ea(JitEmit *e, const DbtInsn *in, unsigned off, bool no_seg)
{
    X86Buf *b = &e->b;
    int32_t disp = in->disp;
    if (in->flags & DBT_I_RIPREL) {
        x86_lea(b, X_RSI, x86_mem(X_R12, (int32_t)(off + in->len) + disp));
    } else if (in->base != DBT_NOREG) {
        x86_load(b, true, X_RSI, GPR(in->base));
        if (in->index != DBT_NOREG) {
            x86_load(b, true, X_RAX, GPR(in->index));
            x86_lea(b, X_RSI, x86_mem_idx(X_RSI, X_RAX, in->scale, disp));
        } else if (disp) {
            x86_lea(b, X_RSI, x86_mem(X_RSI, disp));
        }
    } else if (in->index != DBT_NOREG) {
        x86_load(b, true, X_RSI, GPR(in->index));
        if (in->scale)
            x86_shift_ri(b, X_SHL, true, X_RSI, in->scale);
        if (disp)
            x86_lea(b, X_RSI, x86_mem(X_RSI, disp));
    } else {
        x86_mov_ri(b, X_RSI, (uint64_t)(int64_t)disp);
    }
    if (!no_seg && in->seg != DBT_SEG_NONE)
        x86_alu_rm(b, X_ADD, true, X_RSI, x86_mem(X_RBX, (int32_t)(offsetof(DbtCpu, seg)
                                                       + in->seg * sizeof(DbtSeg)
                                                       + offsetof(DbtSeg, base))));
}

static void slow_add(JitEmit *e, uint8_t *field, uint8_t *back, const DbtInsn *in,
                     unsigned off, unsigned next_off, unsigned size, unsigned kind)
{
    if (!field || e->nslow >= sizeof(e->slow) / sizeof(e->slow[0])) {
        e->b.full = true;
        return;
    }
    e->slow[e->nslow++] = (JitSlow){ field, back, in, (uint16_t)off, (uint16_t)next_off,
                                     (uint8_t)size, (uint8_t)kind,
                                     (int16_t)dbt_jit_lf_pending(e) };
}

/* The soft-TLB lookup of an access of @size bytes at the linear address
 * in RSI (R13 = cpu->tlb_cur), the same page test as dbt_read/dbt_write:
 * the tag of the page of the access's last byte must be the entry's (an
 * access that crosses a page fails it, the slots of adjacent pages
 * differ).  A hit leaves the host address in RSI; returns the field of
 * the jump taken on a miss.  @write: the write tag, else the read tag. */
static uint8_t *emit_tlb_lookup(JitEmit *e, unsigned size, bool write)
{
    X86Buf *b = &e->b;
    _Static_assert(sizeof(DbtTlbEntry) == 32, "TLB entry layout");
    x86_mov_rr(b, true, X_RAX, X_RSI);
    x86_shift_ri(b, X_SHR, true, X_RAX, 12);
    x86_alu_ri(b, X_AND, false, X_RAX, DBT_TLB_SIZE - 1);
    x86_shift_ri(b, X_SHL, true, X_RAX, 5);
    x86_alu_rr(b, X_ADD, true, X_RAX, X_R13);
    x86_lea(b, X_RDI, x86_mem(X_RSI, (int32_t)size - 1));
    x86_alu_ri(b, X_AND, true, X_RDI, -4096);
    x86_alu_rm(b, X_CMP, true, X_RDI, x86_mem(X_RAX, write ? offsetof(DbtTlbEntry, tag_w)
                                                        : offsetof(DbtTlbEntry, tag_r)));
    uint8_t *miss = x86_jcc_fwd(b, X_CC_NE);
    x86_alu_rm(b, X_ADD, true, X_RSI, x86_mem(X_RAX, offsetof(DbtTlbEntry, addend)));
    return miss;
}

/* A load (RAX = the zero-extended value) or a store (of RCX) of @size
 * bytes at the linear address in RSI; a miss calls the access's slow
 * path out of line and comes back. */
void dbt_jit_access(JitEmit *e, const DbtInsn *in, unsigned off, unsigned next_off,
                        unsigned size, bool store)
{
    X86Buf *b = &e->b;
    uint8_t *miss = emit_tlb_lookup(e, size, store);
    X86Mem m = x86_mem(X_RSI, 0);
    if (store) {
        if (size >= 4)
            x86_store(b, size == 8, m, X_RCX);
        else
            x86_store_small(b, size, m, X_RCX);
    } else {
        if (size >= 4)
            x86_load(b, size == 8, X_RAX, m);
        else
            x86_load_zx(b, size, X_RAX, m);
    }
    slow_add(e, miss, x86_label(b), in, off, next_off, size, store ? SLOW_WRITE : SLOW_READ);
}

/* The soft-TLB fast path of an instruction that reads and writes the
 * same memory operand (RSI): RSI becomes its host address; a miss runs
 * the whole instruction through its op instead (SLOW_OP), which rejoins
 * after the instruction's native code.  @write: the access needs the
 * write tag (a read-modify-write), else the read tag. */
void dbt_jit_host_addr(JitEmit *e, const DbtInsn *in, unsigned off, unsigned size,
                           bool write)
{
    /* the op writes its record even where the native code does not (its
     * flags are dead): the record is known on neither path, each has
     * its kind stored */
    if (in->flags & DBT_I_FLAGS_DEAD) {
        dbt_jit_lf_flush(e);
        e->lf_clobber = true;
    }
    uint8_t *miss = emit_tlb_lookup(e, size, write);
    slow_add(e, miss, NULL, in, off, off + in->len, size, SLOW_OP);
}

/* the instruction's native code ends here: where its SLOW_OP rejoins */
void dbt_jit_slow_rejoin(JitEmit *e)
{
    for (unsigned k = e->nslow; k-- > 0 && !e->slow[k].back;)
        e->slow[k].back = x86_label(&e->b);
}

/* after a store: a write to decoded code or MMIO asked to leave */
void dbt_jit_leave_check(JitEmit *e, const DbtInsn *in, unsigned next_off,
                             unsigned retired)
{
    X86Buf *b = &e->b;
    x86_cmp_m8_i(b, CPU(leave_block), 0);
    dbt_jit_fix_add(e, x86_jcc_fwd(b, X_CC_NE), STUB_LEAVE, retired);
    if (!b->full) {
        e->fix[e->nfix - 1].next_static = true;
        e->fix[e->nfix - 1].next_off = (uint16_t)next_off;
    }
    (void)in;
}

void dbt_jit_emit_slow_paths(JitEmit *e)
{
    X86Buf *b = &e->b;
    /* each path stores the record's kind known where it branched off
     * (s->lf); the exits of a SLOW_OP's op find it in cpu->lf_op.  A
     * SLOW_OP's op writes what the native code would: the record's
     * values come back into the host registers (dbt_jit_emit_call_op) */
    e->lf_known = -1;
    e->lf_dirty = false;
    for (unsigned k = 0; k < e->nslow && !b->full; k++) {
        const JitSlow *s = &e->slow[k];
        x86_patch_here(b, s->field);
        dbt_jit_lf_kind(e, s->lf);
        if (s->kind == SLOW_OP) {
            dbt_jit_emit_call_op(e, s->in, s->off);
            x86_jmp(b, s->back + e->j->delta, e->j->delta);
            continue;
        }
        dbt_jit_lf_values_store(e);
        x86_mov_ri(b, X_RAX, (uint64_t)(uintptr_t)s->in);
        x86_store(b, true, CPU(cur_insn), X_RAX);
        dbt_jit_emit_rip(e, X_RAX, s->off);
        x86_store(b, true, CPU(rip), X_RAX);
        dbt_jit_emit_rip(e, X_RAX, s->off + s->in->len);
        x86_store(b, true, CPU(next_rip), X_RAX);
        x86_mov_rr(b, true, X_RDI, X_RBX);
        x86_mov_ri(b, X_RDX, s->size);
        x86_call(b, s->kind == SLOW_WRITE ? (const void *)dbt_mem_write_slow
                 : (const void *)dbt_mem_read_slow, e->j->delta);
        x86_jmp(b, s->back + e->j->delta, e->j->delta);
    }
}

/* ---- flags ----------------------------------------------------------------- */

/* the lazy flags record of an operation of @size: result in @res,
 * operands in @a and @src2, into the record's host registers (LOGIC
 * records only the result: flags.c reads nothing else of it) */
static void lazy_values(JitEmit *e, unsigned lf, unsigned res, unsigned a, unsigned src2)
{
    X86Buf *b = &e->b;
    x86_mov_rr(b, true, JIT_LF_RES, res);
    if (lf != DBT_LF_LOGIC) {
        x86_mov_rr(b, true, JIT_LF_SRC1, a);
        x86_mov_rr(b, true, JIT_LF_SRC2, src2);
    }
}

void dbt_jit_lazy(JitEmit *e, unsigned lf, unsigned size, unsigned res, unsigned a,
                  unsigned src2)
{
    e->lf_set = (int)(lf | size << 8);
    e->lf_known = e->lf_set;
    e->lf_dirty = true;
    lazy_values(e, lf, res, a, src2);
}

void dbt_jit_lazy_stored(JitEmit *e, unsigned lf, unsigned size, unsigned res, unsigned a,
                         unsigned src2)
{
    dbt_jit_lf_kind(e, (int)(lf | size << 8));
    lazy_values(e, lf, res, a, src2);
}

void dbt_jit_lf_kind(JitEmit *e, int lf)
{
    _Static_assert(offsetof(DbtCpu, lf_size) == offsetof(DbtCpu, lf_op) + 1, "lf layout");
    if (lf >= 0)
        x86_store_imm16(&e->b, CPU(lf_op), (uint16_t)lf);
}

void dbt_jit_lf_values_store(JitEmit *e)
{
    x86_store(&e->b, true, CPU(lf_res), JIT_LF_RES);
    x86_store(&e->b, true, CPU(lf_src1), JIT_LF_SRC1);
    x86_store(&e->b, true, CPU(lf_src2), JIT_LF_SRC2);
}

void dbt_jit_lf_values_load(JitEmit *e)
{
    x86_load(&e->b, true, JIT_LF_RES, CPU(lf_res));
    x86_load(&e->b, true, JIT_LF_SRC1, CPU(lf_src1));
    x86_load(&e->b, true, JIT_LF_SRC2, CPU(lf_src2));
}

void dbt_jit_lf_flush(JitEmit *e)
{
    dbt_jit_lf_kind(e, dbt_jit_lf_pending(e));
    e->lf_dirty = false;
}

void dbt_jit_lf_spill(JitEmit *e)
{
    dbt_jit_lf_flush(e);
    dbt_jit_lf_values_store(e);
}

unsigned dbt_jit_alu_lf(unsigned sub)
{
    switch (sub) {
    case X_ADD: return DBT_LF_ADD;
    case X_SUB: case X_CMP: return DBT_LF_SUB;
    default: return DBT_LF_LOGIC;
    }
}

/* ---- conditions ------------------------------------------------------------ */

/* The host flags for condition @cc from the lazy record @lf of @size
 * bytes that this block wrote (e->lf_known): the SUB/CMP, ADD and logic
 * records are computed again by one host instruction, INC/DEC too for
 * the conditions that do not read CF; 1- and 2-byte
 * values are shifted to the top of a 32-bit register first, which gives
 * CF, OF, ZF and SF but not PF.  False: no inline form (nothing
 * emitted). */
static bool emit_cond_known(JitEmit *e, unsigned lf, unsigned size, unsigned cc)
{
    X86Buf *b = &e->b;
    bool w = size == 8;
    unsigned up = size < 4 ? 32 - 8 * size : 0;
    if (lf == DBT_LF_INC || lf == DBT_LF_DEC) {
        /* the host's INC/DEC again: every flag but CF (kept in lf_cf) */
        if (up || (cc >> 1) == 1 || (cc >> 1) == 3)
            return false;
        x86_mov_rr(b, w, X_RCX, JIT_LF_SRC1);
        x86_incdec_r(b, lf == DBT_LF_DEC, w, X_RCX);
        return true;
    }
    if (lf == DBT_LF_ADC || lf == DBT_LF_SBB) {
        /* the host's ADC/SBB again, with the carry in from lf_cf */
        if (up)
            return false;
        x86_load_zx(b, 1, X_RCX, CPU(lf_cf));
        x86_alu_ri(b, X_ADD, false, X_RCX, -1);    /* CF = lf_cf */
        x86_mov_rr(b, w, X_RCX, JIT_LF_SRC1);
        x86_alu_rr(b, lf == DBT_LF_ADC ? X_ADC : X_SBB, w, X_RCX, JIT_LF_SRC2);
        return true;
    }
    if ((lf != DBT_LF_SUB && lf != DBT_LF_ADD && lf != DBT_LF_LOGIC)
        || (up && (cc >> 1) == 5))
        return false;
    if (lf == DBT_LF_LOGIC) {
        if (up) {
            x86_movzx_rr(b, size, X_RCX, JIT_LF_RES);
            x86_shift_ri(b, X_SHL, false, X_RCX, (uint8_t)up);
            x86_test_rr(b, false, X_RCX, X_RCX);
        } else {
            x86_test_rr(b, w, JIT_LF_RES, JIT_LF_RES);
        }
        return true;
    }
    unsigned op = lf == DBT_LF_SUB ? X_CMP : X_ADD;
    if (up) {
        x86_movzx_rr(b, size, X_RCX, JIT_LF_SRC1);
        x86_movzx_rr(b, size, X_RDX, JIT_LF_SRC2);
        x86_shift_ri(b, X_SHL, false, X_RCX, (uint8_t)up);
        x86_shift_ri(b, X_SHL, false, X_RDX, (uint8_t)up);
        x86_alu_rr(b, op, false, X_RCX, X_RDX);
    } else if (op == X_CMP) {
        x86_alu_rr(b, X_CMP, w, JIT_LF_SRC1, JIT_LF_SRC2);
    } else {
        x86_mov_rr(b, w, X_RCX, JIT_LF_SRC1);
        x86_alu_rr(b, op, w, X_RCX, JIT_LF_SRC2);
    }
    return true;
}

/* EAX = 1 if condition @cc holds, else 0: inline from a record this
 * block wrote; else the lazy records of SUB/CMP and of the logic ops at
 * 32 and 64 bits are compared again inline (as dbt_cond_fast does), the
 * others go through dbt_jit_cond() */
static void emit_cond_value(JitEmit *e, unsigned cc)
{
    X86Buf *b = &e->b;
    if (e->lf_known >= 0) {
        if (emit_cond_known(e, e->lf_known & 0xff, (unsigned)e->lf_known >> 8, cc)) {
            x86_setcc(b, cc, X_RAX);
            x86_movzx_rr(b, 1, X_RAX, X_RAX);
            return;
        }
        /* a known record without an inline form: from cpu->lf_* */
        dbt_jit_lf_spill(e);
        x86_mov_rr(b, true, X_RDI, X_RBX);
        x86_mov_ri(b, X_RSI, cc);
        x86_call(b, (const void *)dbt_jit_cond, e->j->delta);
        return;
    }
    static const struct { uint8_t lf, size; } fast[4] = {
        { DBT_LF_SUB, 8 }, { DBT_LF_SUB, 4 }, { DBT_LF_LOGIC, 8 }, { DBT_LF_LOGIC, 4 },
    };
    uint8_t *done[4];
    x86_load_zx(b, 2, X_RDX, CPU(lf_op));
    for (unsigned k = 0; k < 4; k++) {
        x86_alu_ri(b, X_CMP, false, X_RDX, fast[k].lf | fast[k].size << 8);
        uint8_t *next = x86_jcc_fwd(b, X_CC_NE);
        emit_cond_known(e, fast[k].lf, fast[k].size, cc);
        x86_setcc(b, cc, X_RAX);
        x86_movzx_rr(b, 1, X_RAX, X_RAX);
        done[k] = x86_jmp_fwd(b);
        x86_patch_here(b, next);
    }
    dbt_jit_lf_values_store(e);
    x86_mov_rr(b, true, X_RDI, X_RBX);
    x86_mov_ri(b, X_RSI, cc);
    x86_call(b, (const void *)dbt_jit_cond, e->j->delta);
    for (unsigned k = 0; k < 4; k++)
        x86_patch_here(b, done[k]);
}

/* ---- forms ------------------------------------------------------------------ */

/* the specialised ALU kinds: form (RR GR RI GM) and width of @kind */
static bool alu_kind(unsigned kind, unsigned *form, bool *w)
{
    static const uint16_t bases[] = {
        DBT_KIND_ADD_RR64, DBT_KIND_OR_RR64, DBT_KIND_AND_RR64,
        DBT_KIND_SUB_RR64, DBT_KIND_XOR_RR64, DBT_KIND_CMP_RR64,
    };
    for (unsigned k = 0; k < sizeof(bases) / sizeof(bases[0]); k++)
        if (kind >= bases[k] && kind < bases[k] + 8u) {
            *form = (kind - bases[k]) / 2;
            *w = ((kind - bases[k]) & 1) == 0;
            return true;
        }
    return false;
}
enum { F_RR, F_GR, F_RI, F_GM };

/* RAX op= RCX with the lazy record unless @dead; the host flags are the
 * guest's afterwards (CMP: a SUB whose result is not stored) */
void dbt_jit_alu_op(JitEmit *e, unsigned op, bool w, bool dead)
{
    X86Buf *b = &e->b;
    if (!dead && dbt_jit_alu_lf(op) != DBT_LF_LOGIC)
        x86_mov_rr(b, true, X_RDX, X_RAX);
    x86_alu_rr(b, op == X_CMP ? X_SUB : op, w, X_RAX, X_RCX);
}

static void emit_alu_record(JitEmit *e, unsigned op, unsigned size, bool dead)
{
    if (!dead) {
        dbt_jit_lazy(e, dbt_jit_alu_lf(op), size, X_RAX, X_RDX, X_RCX);
        e->host_flags = true;
    }
}

/* the specialised forms: dst op= src: RAX = dst, RCX = src */
static void emit_alu(JitEmit *e, const DbtInsn *in, unsigned off, unsigned form, bool w)
{
    X86Buf *b = &e->b;
    unsigned op = in->sub & 7, size = w ? 8 : 4;
    unsigned dst = form == F_RR || form == F_RI ? in->rm : in->reg;
    bool dead = in->flags & DBT_I_FLAGS_DEAD;
    if (form == F_GM) {
        dbt_jit_ea(e, in, off, false);
        dbt_jit_access(e, in, off, off + in->len, size, false);
        x86_mov_rr(b, true, X_RCX, X_RAX);
    } else if (form == F_RI) {
        x86_mov_ri(b, X_RCX, w ? in->imm : (uint32_t)in->imm);
    } else {
        x86_load(b, w, X_RCX, GPR(form == F_RR ? in->reg : in->rm));
    }
    x86_load(b, w, X_RAX, GPR(dst));
    if (dead && op == X_CMP)
        return;
    dbt_jit_alu_op(e, op, w, dead);
    if (op != X_CMP)
        x86_store(b, true, GPR(dst), X_RAX);
    emit_alu_record(e, op, size, dead);
}

/* a register CMP/TEST again, for the Jcc it is fused with: host flags */
static bool emit_fused_compare(JitEmit *e, const DbtInsn *c)
{
    X86Buf *b = &e->b;
    unsigned form;
    bool w = c->osz == 8;
    if (alu_kind(c->kind, &form, &w) && (c->sub & 7) == X_CMP) {
        if (form == F_RR || form == F_GR) {
            x86_load(b, w, X_RAX, GPR(form == F_RR ? c->rm : c->reg));
            x86_alu_rm(b, X_CMP, w, X_RAX, GPR(form == F_RR ? c->reg : c->rm));
            return true;
        }
        if (form == F_RI) {
            x86_load(b, w, X_RAX, GPR(c->rm));
            x86_mov_ri(b, X_RCX, w ? c->imm : (uint32_t)c->imm);
            x86_alu_rr(b, X_CMP, w, X_RAX, X_RCX);
            return true;
        }
        return false;
    }
    if (c->kind == DBT_KIND_TEST_EG || c->kind == DBT_KIND_TEST_EI) {
        x86_load(b, w, X_RAX, GPR(c->rm));
        if (c->kind == DBT_KIND_TEST_EG)
            x86_load(b, w, X_RCX, GPR(c->reg));
        else
            x86_mov_ri(b, X_RCX, w ? c->imm : (uint32_t)c->imm);
        x86_test_rr(b, w, X_RAX, X_RCX);
        return true;
    }
    return false;
}

/* SHL/SHR/SAR r, imm and ROL/ROR r, imm with dead flags */
static void emit_shift(JitEmit *e, const DbtInsn *in, bool w, bool rotate)
{
    X86Buf *b = &e->b;
    static const uint8_t host_op[8] = { X_ROL, X_ROR, 0, 0, X_SHL, X_SHR, X_SHL, X_SAR };
    unsigned c = (unsigned)in->imm & (w ? 0x3f : 0x1f);
    bool dead = in->flags & DBT_I_FLAGS_DEAD;
    x86_load(b, w, X_RAX, GPR(in->rm));
    if (!rotate && !dead)
        x86_mov_rr(b, true, X_RDX, X_RAX);
    x86_shift_ri(b, host_op[in->sub & 7], w, X_RAX, (uint8_t)c);
    x86_store(b, true, GPR(in->rm), X_RAX);
    if (!rotate && !dead) {
        static const uint8_t lf[8] = { 0, 0, 0, 0, DBT_LF_SHL, DBT_LF_SHR, DBT_LF_SHL, DBT_LF_SAR };
        x86_mov_ri(b, X_RCX, c);
        dbt_jit_lazy(e, lf[in->sub & 7], w ? 8 : 4, X_RAX, X_RDX, X_RCX);
    }
}

/* RAX = the r/m operand of @in, @size bytes, zero-extended (@sx:
 * sign-extended to 64 bits) */
static bool emit_rm_load(JitEmit *e, const DbtInsn *in, unsigned off, unsigned size, bool sx)
{
    X86Buf *b = &e->b;
    if (in->flags & DBT_I_MEM) {
        dbt_jit_ea(e, in, off, false);
        dbt_jit_access(e, in, off, off + in->len, size, false);
    } else {
        if (size == 1 && !(in->flags & DBT_I_REX) && in->rm >= 4 && in->rm < 8)
            x86_load_zx(b, 1, X_RAX, JGPR_BYTE(in->rm - 4, 1));    /* AH..BH */
        else if (size >= 4)
            x86_load(b, size == 8, X_RAX, GPR(in->rm));
        else
            x86_load_zx(b, size, X_RAX, GPR(in->rm));
    }
    if (sx && size < 8)
        x86_movsx_rr(b, size, X_RAX, X_RAX);
    return true;
}

/* MOVZX/MOVSX/MOVSXD to a 32/64-bit register */
static bool emit_movx(JitEmit *e, const DbtInsn *in, unsigned off, bool sx)
{
    X86Buf *b = &e->b;
    if (in->osz < 4 || !emit_rm_load(e, in, off, in->sub, sx))
        return false;
    if (in->osz == 4)
        x86_mov_rr(b, false, X_RAX, X_RAX);
    x86_store(b, true, GPR(in->reg), X_RAX);
    return true;
}

/* CMOVcc r32/64, r/m: the operand is read (and may fault) either way; a
 * 32-bit destination is zero-extended either way.  A host CMOVcc on the
 * flags of the block's known record, else the condition's value (which
 * may call C: the operand waits in cpu->jit_tmp). */
static bool emit_cmov(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    bool w = in->osz == 8;
    unsigned cc = in->sub & 15;
    if (in->osz < 4 || !emit_rm_load(e, in, off, in->osz, false))
        return false;
    if (e->lf_known >= 0 && emit_cond_known(e, e->lf_known & 0xff, (unsigned)e->lf_known >> 8, cc)) {
        x86_load(b, w, X_RCX, GPR(in->reg));
        x86_cmov_rr(b, cc, w, X_RCX, X_RAX);
        x86_store(b, true, GPR(in->reg), X_RCX);
        return true;
    }
    x86_store(b, true, CPU(jit_tmp), X_RAX);
    emit_cond_value(e, cc);
    x86_load(b, w, X_RCX, GPR(in->reg));
    x86_test_rr(b, false, X_RAX, X_RAX);
    uint8_t *skip = x86_jcc_fwd(b, X_CC_E);
    x86_load(b, w, X_RCX, CPU(jit_tmp));
    x86_patch_here(b, skip);
    x86_store(b, true, GPR(in->reg), X_RCX);
    return true;
}

/* SETcc r/m8 */
static bool emit_setcc(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    if (!(in->flags & DBT_I_MEM)) {
        if (!(in->flags & DBT_I_REX) && in->rm >= 4 && in->rm < 8)
            return false;
        emit_cond_value(e, in->sub & 15);
        x86_store_small(b, 1, GPR(in->rm), X_RAX);
        return true;
    }
    emit_cond_value(e, in->sub & 15);
    x86_mov_rr(b, true, X_RCX, X_RAX);
    dbt_jit_ea(e, in, off, false);
    dbt_jit_access(e, in, off, off + in->len, 1, true);
    dbt_jit_leave_check(e, in, off + in->len, in->idx + 1u);
    return true;
}

/* IMUL r, r/m (and r, r/m, imm): CF = OF = the product does not fit */
static bool emit_imul(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    bool w = in->osz == 8;
    if (in->osz < 4 || !emit_rm_load(e, in, off, in->osz, false))
        return false;
    if (in->kind == DBT_KIND_IMUL_GEI) {
        x86_imul_rri(b, w, X_RAX, X_RAX, (int32_t)in->imm);
    } else {
        x86_load(b, w, X_RCX, GPR(in->reg));
        x86_imul_rr(b, w, X_RAX, X_RCX);
    }
    x86_store(b, true, GPR(in->reg), X_RAX);
    if (!(in->flags & DBT_I_FLAGS_DEAD)) {
        x86_setcc(b, X_CC_O, X_RDX);
        x86_movzx_rr(b, 1, X_RDX, X_RDX);
        x86_mov_ri(b, X_RCX, 0);
        dbt_jit_lazy(e, DBT_LF_MUL, in->osz, X_RAX, X_RDX, X_RCX);
    }
    return true;
}

/* EAX = CF of the lazy flags record (0 or 1): inline from the block's
 * known record (an INC/DEC keeps it in lf_cf), else dbt_jit_cf() */
void dbt_jit_carry(JitEmit *e)
{
    X86Buf *b = &e->b;
    int k = e->lf_known;
    if (k >= 0 && (k & 0xff) == DBT_LF_LOGIC) {
        x86_mov_ri(b, X_RAX, 0);
    } else if (k >= 0 && ((k & 0xff) == DBT_LF_INC || (k & 0xff) == DBT_LF_DEC)) {
        x86_load_zx(b, 1, X_RAX, CPU(lf_cf));
    } else if (k >= 0 && emit_cond_known(e, k & 0xff, (unsigned)k >> 8, X_CC_B)) {
        x86_setcc(b, X_CC_B, X_RAX);
        x86_movzx_rr(b, 1, X_RAX, X_RAX);
    } else {
        dbt_jit_lf_spill(e);
        x86_mov_rr(b, true, X_RDI, X_RBX);
        x86_call(b, (const void *)dbt_jit_cf, e->j->delta);
        x86_movzx_rr(b, 1, X_RAX, X_RAX);
    }
}

/* INC/DEC of a 32/64-bit register.  With live flags, as op_incdec_E:
 * lf_cf keeps the carry of the record before it (0 after a logic record
 * this block wrote, else dbt_jit_cf()), then the INC/DEC record with
 * the operand and 1. */
static bool emit_incdec(JitEmit *e, const DbtInsn *in)
{
    X86Buf *b = &e->b;
    bool dead = in->flags & DBT_I_FLAGS_DEAD, w = in->osz == 8;
    if (in->osz < 4 || (in->flags & DBT_I_MEM))
        return false;
    int k = e->lf_known;
    /* after an INC/DEC lf_cf holds the carry already */
    if (!dead && !(k >= 0 && ((k & 0xff) == DBT_LF_INC || (k & 0xff) == DBT_LF_DEC))) {
        dbt_jit_carry(e);
        x86_store_small(b, 1, CPU(lf_cf), X_RAX);
    }
    x86_load(b, w, X_RAX, GPR(in->rm));
    if (!dead)
        x86_mov_rr(b, true, X_RDX, X_RAX);
    x86_incdec_r(b, in->sub & 1, w, X_RAX);
    x86_store(b, true, GPR(in->rm), X_RAX);
    if (!dead) {
        x86_mov_ri(b, X_RCX, 1);
        dbt_jit_lazy(e, in->sub & 1 ? DBT_LF_DEC : DBT_LF_INC, in->osz, X_RAX, X_RDX, X_RCX);
    }
    return true;
}

/* ---- block ends ----------------------------------------------------------------- */

static void emit_jcc(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    unsigned cc = in->sub & 15;
    bool host = e->prev_host_flags && e->counted;  /* no count between */
    dbt_jit_lf_flush(e);    /* moves: the host flags stay */
    if (!e->counted)
        dbt_jit_emit_count(e, e->blk->n);
    const DbtInsn *prev = in->idx ? in - 1 : NULL;
    if (!host && !(prev && (prev->flags & DBT_I_FUSED) && emit_fused_compare(e, prev))
        && !(e->lf_known >= 0
             && emit_cond_known(e, e->lf_known & 0xff, (unsigned)e->lf_known >> 8, cc))) {
        emit_cond_value(e, cc);
        x86_test_rr(b, false, X_RAX, X_RAX);
        cc = X_CC_NE;
    }
    uint8_t *taken = x86_jcc_fwd(b, cc);
    dbt_jit_emit_exit_static(e, off + in->len, NULL, 0);
    x86_patch_here(b, taken);
    dbt_jit_emit_exit_static(e, off + in->len + (int32_t)in->imm, in, off);
}

static void emit_call(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    unsigned target = off + in->len + (unsigned)(int32_t)in->imm;
    dbt_jit_lf_flush(e);
    /* #GP before anything changes when the target is not canonical */
    dbt_jit_emit_rip(e, X_RDX, target);
    dbt_jit_emit_canonical(e, X_RDX, in, off, 0, 0);
    x86_load(b, true, X_RSI, GPR(DBT_RSP));
    x86_lea(b, X_RSI, x86_mem(X_RSI, -8));
    dbt_jit_emit_rip(e, X_RCX, off + in->len);
    dbt_jit_access(e, in, off, target, 8, true);
    x86_alu_mi(b, X_SUB, true, GPR(DBT_RSP), 8);
    dbt_jit_emit_count(e, e->blk->n);
    dbt_jit_leave_check(e, in, target, 0);
    dbt_jit_emit_exit_static(e, target, NULL, 0);
}

static void emit_ret(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    dbt_jit_lf_flush(e);
    x86_load(b, true, X_RSI, GPR(DBT_RSP));
    dbt_jit_access(e, in, off, off + in->len, 8, false);
    dbt_jit_emit_canonical(e, X_RAX, in, off, 0, 0);
    x86_alu_mi(b, X_ADD, true, GPR(DBT_RSP), 8);
    dbt_jit_emit_count(e, e->blk->n);
    x86_mov_rr(b, true, X_R12, X_RAX);
    dbt_jit_emit_lookup(e);
}

/* JMP r/m64 and CALL r/m64: the target read (it may fault), #GP if it is
 * not canonical, CALL's push, then on through the lookup */
static bool emit_branch_e(JitEmit *e, const DbtInsn *in, unsigned off, bool call)
{
    X86Buf *b = &e->b;
    if (in->osz != 8)
        return false;
    dbt_jit_lf_flush(e);
    if (!emit_rm_load(e, in, off, 8, false))
        return false;
    x86_store(b, true, CPU(jit_tmp), X_RAX);    /* survives slow paths */
    dbt_jit_emit_canonical(e, X_RAX, in, off, 0, 0);
    if (call) {
        x86_load(b, true, X_RSI, GPR(DBT_RSP));
        x86_lea(b, X_RSI, x86_mem(X_RSI, -8));
        dbt_jit_emit_rip(e, X_RCX, off + in->len);
        dbt_jit_access(e, in, off, off + in->len, 8, true);
        x86_alu_mi(b, X_SUB, true, GPR(DBT_RSP), 8);
    }
    dbt_jit_emit_count(e, e->blk->n);
    if (call) {
        /* the push wrote decoded code: leave for the target */
        x86_load(b, true, X_RAX, CPU(jit_tmp));
        x86_store(b, true, CPU(next_rip), X_RAX);
        x86_cmp_m8_i(b, CPU(leave_block), 0);
        dbt_jit_fix_add(e, x86_jcc_fwd(b, X_CC_NE), STUB_LEAVE, 0);
    }
    x86_load(b, true, X_R12, CPU(jit_tmp));
    dbt_jit_emit_lookup(e);
    return true;
}

/* ---- the dispatcher ---------------------------------------------------------- */

bool dbt_jit_sets_host_flags(const DbtInsn *in)
{
    unsigned form;
    bool w;
    if (!plain_64(in) || (in->flags & (DBT_I_FLAGS_DEAD | DBT_I_MEM)))
        return false;
    if (alu_kind(in->kind, &form, &w))
        return form != F_GM;
    return (in->kind == DBT_KIND_TEST_EG || in->kind == DBT_KIND_TEST_EI)
        && (in->osz == 4 || in->osz == 8);
}

/* the native form of @in, if it has one (not a block end) */
static bool emit_body(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    unsigned form, next = off + in->len;
    bool w = in->osz == 8;

    if (alu_kind(in->kind, &form, &w)) {
        emit_alu(e, in, off, form, w);
        return true;
    }
    switch (in->kind) {
    case DBT_KIND_MOV_RR64: case DBT_KIND_MOV_RR32:
        x86_load(b, w, X_RAX, GPR(in->reg));
        x86_store(b, true, GPR(in->rm), X_RAX);
        return true;
    case DBT_KIND_MOV_GR64: case DBT_KIND_MOV_GR32:
        x86_load(b, w, X_RAX, GPR(in->rm));
        x86_store(b, true, GPR(in->reg), X_RAX);
        return true;
    case DBT_KIND_MOVZX8_R: case DBT_KIND_MOVZX16_R:
        x86_load_zx(b, in->kind == DBT_KIND_MOVZX8_R ? 1 : 2, X_RAX, GPR(in->rm));
        x86_store(b, true, GPR(in->reg), X_RAX);
        return true;
    case DBT_KIND_MOVZX:
        return emit_movx(e, in, off, false);
    case DBT_KIND_MOVSX:
        return emit_movx(e, in, off, true);
    case DBT_KIND_LEA:
        if (in->osz < 4)
            return false;
        dbt_jit_ea(e, in, off, true);
        if (!w)
            x86_mov_rr(b, false, X_RSI, X_RSI);
        x86_store(b, true, GPR(in->reg), X_RSI);
        return true;
    case DBT_KIND_LOAD64_BD: case DBT_KIND_LOAD32_BD:
    case DBT_KIND_LOAD64_BISD: case DBT_KIND_LOAD32_BISD:
    case DBT_KIND_LOAD64_RIP: case DBT_KIND_LOAD32_RIP:
        if (in->osz < 4 || !(in->flags & DBT_I_MEM))
            return false;
        dbt_jit_ea(e, in, off, false);
        dbt_jit_access(e, in, off, next, in->osz, false);
        x86_store(b, true, GPR(in->reg), X_RAX);
        return true;
    case DBT_KIND_MOVZX8_BD: case DBT_KIND_MOVZX16_BD:
        dbt_jit_ea(e, in, off, false);
        dbt_jit_access(e, in, off, next, in->kind == DBT_KIND_MOVZX8_BD ? 1 : 2, false);
        x86_store(b, true, GPR(in->reg), X_RAX);
        return true;
    case DBT_KIND_STORE64_BD: case DBT_KIND_STORE32_BD:
    case DBT_KIND_STORE64_BISD: case DBT_KIND_STORE32_BISD:
    case DBT_KIND_STORE64_RIP: case DBT_KIND_STORE32_RIP:
        if (in->osz < 4 || !(in->flags & DBT_I_MEM))
            return false;
        dbt_jit_ea(e, in, off, false);
        x86_load(b, true, X_RCX, GPR(in->reg));
        dbt_jit_access(e, in, off, next, in->osz, true);
        dbt_jit_leave_check(e, in, next, in->idx + 1u);
        return true;
    case DBT_KIND_PUSH64_R:
        x86_load(b, true, X_RSI, GPR(DBT_RSP));
        x86_lea(b, X_RSI, x86_mem(X_RSI, -8));
        x86_load(b, true, X_RCX, GPR(in->reg));
        dbt_jit_access(e, in, off, next, 8, true);
        x86_alu_mi(b, X_SUB, true, GPR(DBT_RSP), 8);
        dbt_jit_leave_check(e, in, next, in->idx + 1u);
        return true;
    case DBT_KIND_POP64_R:
        x86_load(b, true, X_RSI, GPR(DBT_RSP));
        dbt_jit_access(e, in, off, next, 8, false);
        x86_alu_mi(b, X_ADD, true, GPR(DBT_RSP), 8);
        x86_store(b, true, GPR(in->reg), X_RAX);
        return true;
    case DBT_KIND_SHIFT_RI64: case DBT_KIND_SHIFT_RI32:
        emit_shift(e, in, in->kind == DBT_KIND_SHIFT_RI64, false);
        return true;
    case DBT_KIND_ROTATE_RI64_NF: case DBT_KIND_ROTATE_RI32_NF:
        emit_shift(e, in, in->kind == DBT_KIND_ROTATE_RI64_NF, true);
        return true;
    case DBT_KIND_CMOV:
        return emit_cmov(e, in, off);
    case DBT_KIND_SETCC:
        return emit_setcc(e, in, off);
    case DBT_KIND_IMUL_GE: case DBT_KIND_IMUL_GEI:
        return emit_imul(e, in, off);
    case DBT_KIND_INCDEC_E:
        return emit_incdec(e, in) || dbt_jit_emit_sized(e, in, off);
    case DBT_KIND_BSWAP:    /* 16-bit: call-threaded */
        if (in->osz < 4)
            return false;
        x86_load(b, w, X_RAX, GPR(in->reg));
        x86_bswap_r(b, w, X_RAX);
        x86_store(b, true, GPR(in->reg), X_RAX);
        return true;
    case DBT_KIND_NOP:
        return true;
    default:
        return dbt_jit_emit_sized(e, in, off);
    }
}

bool dbt_jit_emit_native(JitEmit *e, const DbtInsn *in, unsigned off, bool last)
{
    unsigned next = off + in->len;
    if (!plain_64(in))
        return false;
    uint8_t *start = e->b.p;
    unsigned nslow = e->nslow, nfix = e->nfix;
    int lf_known = e->lf_known;
    bool lf_dirty = e->lf_dirty;
    if (!emit_body(e, in, off)) {
        if (!last)
            goto undo;
        if (in->kind >= DBT_KIND_JCC_0 && in->kind <= DBT_KIND_JCC_15)
            emit_jcc(e, in, off);
        else if (in->kind == DBT_KIND_JMP_REL) {
            dbt_jit_lf_flush(e);
            dbt_jit_emit_count(e, e->blk->n);
            dbt_jit_emit_exit_static(e, next + (int32_t)in->imm, in, off);
        } else if (in->kind == DBT_KIND_CALL64_REL)
            emit_call(e, in, off);
        else if (in->kind == DBT_KIND_RET64)
            emit_ret(e, in, off);
        else if (!((in->kind == DBT_KIND_JMP_E || in->kind == DBT_KIND_CALL_E)
                   && emit_branch_e(e, in, off, in->kind == DBT_KIND_CALL_E)))
            goto undo;
        return true;
    }
    if (last) {
        /* a block cut at the end of a page or at the instruction limit */
        dbt_jit_lf_flush(e);
        if (!e->counted)
            dbt_jit_emit_count(e, e->blk->n);
        dbt_jit_emit_exit_static(e, next, NULL, 0);
    }
    return true;
undo:
    /* an emitter that declined may have started: drop what it wrote */
    e->b.p = start;
    e->b.st_end = NULL;
    e->nslow = nslow;
    e->nfix = nfix;
    e->lf_known = lf_known;
    e->lf_dirty = lf_dirty;
    e->lf_set = -1;
    return false;
}
