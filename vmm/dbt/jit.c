/* jit.c - the translator: a decoded block (after the passes) becomes host
 * x86-64 code that the run loop enters instead of interpreting it.
 *
 * Design note.
 *  - Registers.  Translated code runs with RBX = the DbtCpu, R12 = the
 *    guest RIP of the block's first instruction and R13 = cpu->tlb_cur
 *    (only instructions that end the block change the CPL); guest
 *    registers stay in cpu->gpr (no register is cached across
 *    instructions), so every exit, fault and call finds them in memory.
 *  - The lazy flags record.  Its values (result, operands) live in RBP,
 *    R15 and R14 in translated code, from block to block: the entry
 *    trampoline loads them from cpu->lf_res/src1/src2, the exit
 *    trampoline stores them back, and so does every call into C that
 *    may read the record (a call-threaded op, which may also write it:
 *    they are loaded again after it; a soft-TLB miss's call, which may
 *    fault; a condition computed in C).  Its kind (lf_op, lf_size) is
 *    in memory at block boundaries; within a block the translator knows
 *    the kind native code wrote (JitEmit.lf_known) and stores it (one
 *    16-bit store) only before the block's exits and calls into C; the
 *    out-of-line paths store the kind known where they branch off.  The
 *    flags pass keeps an ALU operation's flags live before every later
 *    instruction that may fault; such a record costs register moves.  RSP is 16-byte aligned: C functions are called directly.
 *    The code is position independent in guest terms (every RIP is R12
 *    plus a constant), so one translation serves a physical block
 *    wherever it is mapped, like the decoded block it comes from.
 *  - Each instruction is either emitted natively (jit_native.c: the hot
 *    kinds) or call-threaded: RIP, next RIP and cpu->cur_insn are
 *    stored and the interpreter's op for its kind is called with the
 *    DbtInsn baked in, then its result and cpu->leave_block are checked.
 *    Native code calls C only on slow paths, after storing RIP and
 *    cur_insn, so an exception raised below (dbt_raise's longjmp to the
 *    run loop) sees the exact state before the faulting instruction,
 *    as with the interpreter; the retired count of a block is added at
 *    its end, and a fault adds cur_insn->idx in the run loop.
 *  - Block entry checks cpu->kick and decrements cpu->jit_budget; the
 *    run loop sets the budget to the poll period, so translated code
 *    comes back to poll the machine as often as the interpreter does.
 *  - Block exits.  A static successor on the same guest page as the
 *    block's start (fall-through, direct JMP/Jcc/CALL) leaves through a
 *    jump that first goes to an exit stub; the run loop finds the next
 *    block and dbt_jit_link() patches the jump to enter it directly from
 *    then on.  Both start on one page, so a write to the page (by the
 *    guest, a device or another vCPU) invalidates both blocks at once
 *    and no link needs undoing; a target that crosses into a second
 *    page checks at entry that it is still valid (a write to that page
 *    drops it alone) and else exits (unlinked, a hot loop across a
 *    page boundary went through the run loop at every iteration).
 *    Other successors (RET, indirect jumps, other pages) find the block by linear RIP in cpu->vjc (checked against
 *    chain_gen, as the interpreter's links are) with a lookup emitted
 *    inline at each such exit, so each has its own host indirect jump
 *    for the branch predictor, and jump to its translation; a miss goes
 *    to the shared lookup stub, which looks the block up by physical
 *    address in C (dbt_jit_find: soft TLB, block cache, no decoding or
 *    page walk) and exits to the run loop only if that finds nothing.
 *  - The code cache (jit_buf.c) is W^X by two mappings; when full, it is
 *    emptied together with every decoded block.
 *  - Blocks that run only partly (a poll after one instruction, an
 *    instruction budget) are interpreted with exact flags (run.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/dbt/jit_int.h"
#include "vmm/dbt/ops.h"
#include "vmm/dbt/pass.h"

/* code cache per vCPU: machine CPUs and the small flat ones */
#define JIT_BUF_SIZE (64u << 20)
#define JIT_BUF_SIZE_FLAT (4u << 20)
#define JIT_BUF_MIN (64u << 10)
#define JIT_BUF_MAX (1ull << 30)

/* the interpreter's op of every kind: what call-threaded code calls */
static const DbtOp jit_ops[DBT_KIND_LAST] = {
#define JIT_OP(N, fn, a, l, fr, fw) [DBT_KIND_##N] = op_##fn,
    DBT_KINDS(JIT_OP)
#undef JIT_OP
};

#define CPU(field) JCPU(field)

/* ---- trampolines ------------------------------------------------------ */

static void emit_push(X86Buf *b, unsigned r)
{
    x86_rex(b, false, 0, X_NOREG, r, false);
    x86_byte(b, 0x50 + (r & 7));
}

static void emit_pop(X86Buf *b, unsigned r)
{
    x86_rex(b, false, 0, X_NOREG, r, false);
    x86_byte(b, 0x58 + (r & 7));
}

static const unsigned saved[6] = { X_RBP, X_RBX, X_R12, X_R13, X_R14, X_R15 };

/* The translation of the block at guest RIP R12 from cpu->vjc (the slot
 * as run.c's vjc_slot() computes it; the entry checked against chain_gen
 * as the interpreter's links are, the block still valid and translated):
 * jump to it, else take one of the four jumps left in @miss. */
static void emit_vjc_lookup(X86Buf *b, uint8_t *miss[4])
{
    x86_mov_rr(b, true, X_RAX, X_R12);
    x86_shift_ri(b, X_SHR, true, X_RAX, DBT_VJC_BITS);
    x86_alu_rr(b, X_XOR, true, X_RAX, X_R12);
    x86_alu_ri(b, X_AND, false, X_RAX, (1 << DBT_VJC_BITS) - 1);
    _Static_assert(sizeof(DbtVjcEntry) == 24, "vjc entry layout");
    x86_lea(b, X_RAX, x86_mem_idx(X_RAX, X_RAX, 1, 0));           /* * 3 */
    x86_lea(b, X_RCX, x86_mem_idx(X_RBX, X_RAX, 3, (int32_t)offsetof(DbtCpu, vjc)));
    x86_alu_rm(b, X_CMP, true, X_R12, x86_mem(X_RCX, offsetof(DbtVjcEntry, rip)));
    miss[0] = x86_jcc_fwd(b, X_CC_NE);
    x86_load(b, false, X_RDX, CPU(chain_gen));
    x86_alu_rm(b, X_CMP, false, X_RDX, x86_mem(X_RCX, offsetof(DbtVjcEntry, gen)));
    miss[1] = x86_jcc_fwd(b, X_CC_NE);
    x86_load(b, true, X_RCX, x86_mem(X_RCX, offsetof(DbtVjcEntry, block)));
    x86_cmp_m8_i(b, x86_mem(X_RCX, offsetof(DbtBlock, valid)), 0);
    miss[2] = x86_jcc_fwd(b, X_CC_E);
    x86_load(b, true, X_RAX, x86_mem(X_RCX, offsetof(DbtBlock, jit_code)));
    x86_test_rr(b, true, X_RAX, X_RAX);
    miss[3] = x86_jcc_fwd(b, X_CC_E);
    x86_jmp_r(b, X_RAX);
}

/* On to the block at guest RIP R12 through cpu->vjc: the lookup inline,
 * so that every indirect exit has its own host indirect jump (predicted
 * per site); a miss goes to the shared lookup, which exits. */
void dbt_jit_emit_lookup(JitEmit *e)
{
    uint8_t *miss[4];
    emit_vjc_lookup(&e->b, miss);
    for (unsigned k = 0; k < 4; k++)
        x86_patch_here(&e->b, miss[k]);
    x86_jmp(&e->b, e->j->lookup, e->j->delta);
}

/* enter(cpu, code, rip): save the callee-saved registers, align the
 * stack, RBX = cpu, R12 = rip, the flags record's values, jump to the
 * code.  exit: EAX is the result; store the record's values, restore
 * and return.  lookup: see the design note. */
static bool emit_trampolines(DbtJit *j)
{
    X86Buf b = dbt_jit_buf_open(j);
    uint8_t *enter = b.p;
    for (unsigned k = 0; k < 6; k++)
        emit_push(&b, saved[k]);
    x86_alu_ri(&b, X_SUB, true, X_RSP, 8);
    x86_mov_rr(&b, true, X_RBX, X_RDI);
    x86_mov_rr(&b, true, X_R12, X_RDX);
    x86_load(&b, true, X_R13, CPU(tlb_cur));
    x86_load(&b, true, JIT_LF_RES, CPU(lf_res));
    x86_load(&b, true, JIT_LF_SRC1, CPU(lf_src1));
    x86_load(&b, true, JIT_LF_SRC2, CPU(lf_src2));
    x86_jmp_r(&b, X_RSI);

    uint8_t *exit = x86_label(&b);
    x86_store(&b, true, CPU(lf_res), JIT_LF_RES);
    x86_store(&b, true, CPU(lf_src1), JIT_LF_SRC1);
    x86_store(&b, true, CPU(lf_src2), JIT_LF_SRC2);
    x86_alu_ri(&b, X_ADD, true, X_RSP, 8);
    for (unsigned k = 6; k-- > 0;)
        emit_pop(&b, saved[k]);
    x86_byte(&b, 0xc3);

    /* lookup: where an inline vjc lookup missed; dbt_jit_find() in C,
     * and on to the block it returns, else exit to the run loop.  Only
     * R12 and the callee-saved registers are live at a block's exit. */
    uint8_t *lookup = x86_label(&b);
    x86_mov_rr(&b, true, X_RDI, X_RBX);
    x86_mov_rr(&b, true, X_RSI, X_R12);
    x86_call(&b, (const void *)dbt_jit_find, j->delta);
    x86_test_rr(&b, true, X_RAX, X_RAX);
    uint8_t *none = x86_jcc_fwd(&b, X_CC_E);
    x86_jmp_r(&b, X_RAX);
    x86_patch_here(&b, none);
    x86_store(&b, true, CPU(rip), X_R12);
    x86_store_imm(&b, true, CPU(jit_site), 0);
    x86_mov_ri(&b, X_RAX, DBT_JIT_NEXT);
    x86_jmp(&b, exit + j->delta, j->delta);

    if (!dbt_jit_buf_commit(j, &b))
        return false;
    j->enter = (int (*)(DbtCpu *, const void *, uint64_t))(void *)(enter + j->delta);
    j->exit = exit + j->delta;
    j->lookup = lookup + j->delta;
    j->keep = j->used;
    return true;
}

/* Translated code at an indirect exit that missed cpu->vjc: the
 * translation of the block at guest @rip if it is decoded, translated
 * and mapped (dbt_block_find), and then in cpu->vjc for the next time;
 * NULL sends the exit on to the run loop (which decodes, translates,
 * walks the page tables or raises the fault).  Cheaper than a trip
 * through the run loop, which a working set larger than cpu->vjc (the
 * kernel's returns) took at every miss. */
const void *dbt_jit_find(DbtCpu *cpu, uint64_t rip)
{
    DbtBlock *b = dbt_block_find(cpu, rip);
    if (!b || !b->jit_code)
        return NULL;
    dbt_vjc_set(cpu, rip, cpu->chain_gen, b);
    return b->jit_code;
}

/* the condition @cc of a Jcc from the lazy flags (translated code) */
int dbt_jit_cond(DbtCpu *cpu, unsigned cc)
{
    return dbt_cond_fast(cpu, cc);
}

/* CF of the lazy flags (translated code: what INC/DEC keep) */
int dbt_jit_cf(DbtCpu *cpu)
{
    return dbt_flag_cf(cpu);
}

/* #GP(0) raised by translated code at @in, at @rip (a branch to a
 * non-canonical address), after it added @counted retired instructions
 * (the fault counts its own) */
_Noreturn void dbt_jit_raise_gp(DbtCpu *cpu, const DbtInsn *in, uint64_t rip,
                                uint64_t counted)
{
    cpu->insn_count -= counted;
    cpu->cur_insn = in;
    cpu->rip = rip;
    dbt_raise(cpu, DBT_EXC_GP, 0);
}

/* ---- setup ---------------------------------------------------------------- */

bool dbt_jit_init(DbtCpu *cpu)
{
    const char *v = getenv("VESSEL_DBT");
    if (v && !strcmp(v, "interp"))
        return false;
    size_t size = cpu->flat ? JIT_BUF_SIZE_FLAT : JIT_BUF_SIZE;
    /* VESSEL_DBT_CODE_CACHE=BYTES: a smaller (or larger) code cache, for
     * tests of the flush under pressure */
    const char *cc = getenv("VESSEL_DBT_CODE_CACHE");
    if (cc) {
        unsigned long long want = strtoull(cc, NULL, 0);
        if (want >= JIT_BUF_MIN && want <= JIT_BUF_MAX)
            size = (size_t)want & ~(size_t)0xfff;
    }
    DbtJit *j = dbt_jit_buf_new(size);
    if (!j)
        return false;
    if (!emit_trampolines(j)) {
        dbt_jit_buf_free(j);
        return false;
    }
    if (getenv("VESSEL_DBT_JIT_CALLS")) {
        j->calls = calloc((size_t)DBT_KIND_LAST * 8, sizeof(uint64_t));
        if (!j->calls)
            abort();
    }
    cpu->jit = j;
    return true;
}

/* the call-threaded instructions VESSEL_DBT_JIT_CALLS counted, most run
 * first: which kinds to emit natively next */
static void print_calls(const uint64_t *calls)
{
    uint64_t total = 0;
    for (size_t k = 0; k < (size_t)DBT_KIND_LAST * 8; k++)
        total += calls[k];
    fprintf(stderr, "dbt-jit-calls: %llu instructions through their op\n",
            (unsigned long long)total);
    uint64_t below = UINT64_MAX;
    for (unsigned n = 0; n < 40; n++) {
        size_t best = 0;
        uint64_t max = 0;
        for (size_t k = 0; k < (size_t)DBT_KIND_LAST * 8; k++)
            if (calls[k] > max && calls[k] < below) {
                max = calls[k];
                best = k;
            }
        if (!max)
            break;
        static const unsigned sizes[4] = { 1, 2, 4, 8 };
        fprintf(stderr, "dbt-jit-calls: %-16s size %u %s %llu\n", dbt_kinds[best / 8].name,
                sizes[best / 2 % 4], best & 1 ? "mem" : "reg", (unsigned long long)max);
        below = max;
    }
}

void dbt_jit_fini(DbtCpu *cpu)
{
    if (cpu->jit && cpu->jit->calls) {
        print_calls(cpu->jit->calls);
        free(cpu->jit->calls);
    }
    free(cpu->jit_prefix);
    cpu->jit_prefix = NULL;
    dbt_jit_buf_free(cpu->jit);
    cpu->jit = NULL;
}

void dbt_jit_flush(DbtCpu *cpu)
{
    if (cpu->jit)
        dbt_jit_buf_reset(cpu->jit);
}

/* ---- translation ---------------------------------------------------------- */

void dbt_jit_fix_add(JitEmit *e, uint8_t *field, unsigned kind, unsigned retired)
{
    if (!field || e->nfix >= sizeof(e->fix) / sizeof(e->fix[0])) {
        e->b.full = true;
        return;
    }
    e->fix[e->nfix++] = (JitFix){ field, (uint8_t)kind, (uint8_t)retired, false, 0,
                                  (int16_t)dbt_jit_lf_pending(e) };
}

void dbt_jit_emit_rip(JitEmit *e, unsigned r, unsigned off)
{
    x86_lea(&e->b, r, x86_mem(X_R12, (int32_t)off));
}

/* #GP(0) at instruction @in (at @off; @r12_adj: what R12 holds beyond
 * the block's start; @counted: the block's retired count was added
 * already) when host register @r is not canonical */
void dbt_jit_emit_canonical(JitEmit *e, unsigned r, const DbtInsn *in, unsigned off,
                            int32_t r12_adj, unsigned counted)
{
    X86Buf *b = &e->b;
    x86_mov_rr(b, true, X_RCX, r);
    x86_shift_ri(b, X_SHL, true, X_RCX, 16);
    x86_shift_ri(b, X_SAR, true, X_RCX, 16);
    x86_alu_rr(b, X_CMP, true, X_RCX, r);
    uint8_t *ok = x86_jcc_fwd(b, X_CC_E);
    dbt_jit_lf_kind(e, dbt_jit_lf_pending(e));
    dbt_jit_lf_values_store(e);
    x86_mov_rr(b, true, X_RDI, X_RBX);
    x86_mov_ri(b, X_RSI, (uint64_t)(uintptr_t)in);
    x86_lea(b, X_RDX, x86_mem(X_R12, (int32_t)off - r12_adj));
    x86_mov_ri(b, X_RCX, counted);
    x86_call(b, (const void *)dbt_jit_raise_gp, e->j->delta);
    x86_patch_here(b, ok);
}

/* the exits of a block: on to the successor at @off from the block's
 * start (static), or at cpu->next_rip (dynamic); @br: the branch
 * instruction at @br_off taking a static exit, or NULL (fall-through) */
void dbt_jit_emit_exit_static(JitEmit *e, unsigned off, const DbtInsn *br, unsigned br_off)
{
    unsigned page_off = (unsigned)(e->blk->pa & 0xfff);
    x86_lea(&e->b, X_R12, x86_mem(X_R12, (int32_t)off));
    if (e->blk->pa_page2 == ~0ull && page_off + off < 0x1000) {
        dbt_jit_fix_add(e, x86_jmp_fwd(&e->b), STUB_NEXT, 0);
        return;
    }
    /* another page: maybe out of the canonical range */
    if (br)
        dbt_jit_emit_canonical(e, X_R12, br, br_off, (int32_t)off, e->blk->n);
    dbt_jit_emit_lookup(e);
}

void dbt_jit_emit_exit_dynamic(JitEmit *e)
{
    x86_load(&e->b, true, X_R12, CPU(next_rip));
    dbt_jit_emit_lookup(e);
}

void dbt_jit_emit_count(JitEmit *e, unsigned n)
{
    x86_alu_mi(&e->b, X_ADD, true, CPU(insn_count), (int32_t)n);
}

/* an instruction through its interpreter op */
void dbt_jit_emit_call_op(JitEmit *e, const DbtInsn *in, unsigned off)
{
    X86Buf *b = &e->b;
    if (e->j->calls) {
        x86_mov_ri(b, X_RAX, (uint64_t)(uintptr_t)&e->j->calls[JIT_CALLS_SLOT(in)]);
        x86_alu_mi(b, X_ADD, true, x86_mem(X_RAX, 0), 1);
    }
    dbt_jit_emit_rip(e, X_RAX, off);
    x86_store(b, true, CPU(rip), X_RAX);
    dbt_jit_emit_rip(e, X_RAX, off + in->len);
    x86_store(b, true, CPU(next_rip), X_RAX);
    x86_mov_ri(b, X_RSI, (uint64_t)(uintptr_t)in);
    x86_store(b, true, CPU(cur_insn), X_RSI);
    x86_mov_rr(b, true, X_RDI, X_RBX);
    dbt_jit_lf_values_store(e);
    x86_call(b, (const void *)jit_ops[in->kind], e->j->delta);
    dbt_jit_lf_values_load(e);
    x86_test_rr(b, false, X_RAX, X_RAX);
    dbt_jit_fix_add(e, x86_jcc_fwd(b, X_CC_NE), STUB_OP, in->idx + 1u);
    if (dbt_insn_may_leave(in)) {
        x86_cmp_m8_i(b, CPU(leave_block), 0);
        dbt_jit_fix_add(e, x86_jcc_fwd(b, X_CC_NE), STUB_LEAVE, in->idx + 1u);
    }
}

/* the out-of-line exits the block's jumps lead to */
static void emit_stubs(JitEmit *e)
{
    X86Buf *b = &e->b;
    for (unsigned k = 0; k < e->nfix && !b->full; k++) {
        const JitFix *f = &e->fix[k];
        x86_patch_here(b, f->field);
        dbt_jit_lf_kind(e, f->lf);    /* the exit stores the values */
        switch (f->kind) {
        case STUB_OP:       /* EAX: the op's result */
        case STUB_LEAVE:
            if (f->kind == STUB_LEAVE) {
                x86_store_imm8(b, CPU(leave_block), 0);
                x86_mov_ri(b, X_RAX, DBT_JIT_LEAVE);
            }
            if (f->retired)
                dbt_jit_emit_count(e, f->retired);
            if (f->next_static)
                dbt_jit_emit_rip(e, X_RDX, f->next_off);
            else
                x86_load(b, true, X_RDX, CPU(next_rip));
            x86_store(b, true, CPU(rip), X_RDX);
            break;
        case STUB_STOP:
            x86_store(b, true, CPU(rip), X_R12);
            x86_mov_ri(b, X_RAX, DBT_JIT_STOP);
            break;
        case STUB_NEXT: {
            /* tell the run loop which jump to link: its rel32 field */
            x86_store(b, true, CPU(rip), X_R12);
            int32_t d = (int32_t)(f->field - (b->p + 7));
            x86_lea(b, X_RAX, (X86Mem){ X_NOREG, X_NOREG, 0, true, d });
            x86_store(b, true, CPU(jit_site), X_RAX);
            x86_mov_ri(b, X_RAX, DBT_JIT_NEXT);
            break;
        }
        }
        x86_jmp(b, e->j->exit, e->j->delta);
    }
}

bool dbt_jit_translate(DbtCpu *cpu, DbtBlock *blk)
{
    JitEmit e = { .cpu = cpu, .j = cpu->jit, .blk = blk, .lf_known = -1 };
    X86Buf *b = &e.b;
    e.b = dbt_jit_buf_open(e.j);

    /* entry: a kick or the end of the block budget goes back to poll */
    x86_cmp_m32_i(b, CPU(kick), 0);
    dbt_jit_fix_add(&e, x86_jcc_fwd(b, X_CC_NE), STUB_STOP, 0);
    x86_alu_mi(b, X_SUB, false, CPU(jit_budget), 1);
    dbt_jit_fix_add(&e, x86_jcc_fwd(b, X_CC_S), STUB_STOP, 0);
    /* a block that crosses a page may be entered by a link from a block
     * on its first page after a write to its second page dropped it */
    if (blk->pa_page2 != ~0ull) {
        x86_mov_ri(b, X_RAX, (uint64_t)(uintptr_t)&blk->valid);
        x86_cmp_m8_i(b, x86_mem(X_RAX, 0), 0);
        dbt_jit_fix_add(&e, x86_jcc_fwd(b, X_CC_E), STUB_STOP, 0);
    }

    unsigned off = 0;
    const DbtInsn *end = &blk->insn[blk->n - 1];
    bool jcc_end = end->kind >= DBT_KIND_JCC_0 && end->kind <= DBT_KIND_JCC_15;
    for (unsigned k = 0; k < blk->n; k++) {
        const DbtInsn *in = &blk->insn[k];
        bool last = k + 1 == blk->n;
        /* a Jcc ending the block right after an instruction that sets
         * the host flags branches on them: count before that one */
        if (jcc_end && k + 2 == blk->n && dbt_jit_sets_host_flags(in)) {
            dbt_jit_emit_count(&e, blk->n);
            e.counted = true;
        }
        e.prev_host_flags = e.host_flags;
        e.host_flags = false;
        e.lf_set = -1;
        e.lf_clobber = false;
        bool native = dbt_jit_emit_native(&e, in, off, last);
        if (e.lf_clobber) {
            e.lf_known = -1;
            e.lf_dirty = false;
        }
        if (!native) {
            e.host_flags = false;
            /* the op reads and writes cpu->lf_* */
            dbt_jit_lf_flush(&e);
            e.lf_known = -1;
            dbt_jit_emit_call_op(&e, in, off);
            if (last) {
                if (!e.counted)
                    dbt_jit_emit_count(&e, blk->n);
                if (dbt_insn_attr(in) & DBT_KA_BRANCH)
                    dbt_jit_emit_exit_dynamic(&e);
                else
                    dbt_jit_emit_exit_static(&e, off + in->len, NULL, 0);
            }
        }
        off += in->len;
    }
    dbt_jit_emit_slow_paths(&e);
    emit_stubs(&e);

    const void *code = dbt_jit_buf_commit(e.j, b);
    if (!code)
        return false;
    blk->jit_code = code;
    return true;
}

/* A block of the first @n instructions of @b, with the flags pass run
 * again over just them (their flags must be exact where they end),
 * translated but never cached or linked: runs that an instruction budget
 * cuts short (the flat CPU of dbt.h; the differential harness runs every
 * form this way) still go through the translator.  The block lives in
 * cpu->jit_prefix until the next call. */
DbtBlock *dbt_jit_prefix(DbtCpu *cpu, const DbtBlock *b, unsigned n)
{
    if (!cpu->jit_prefix) {
        cpu->jit_prefix = malloc(sizeof(DbtBlock) + DBT_BLOCK_MAX_INSNS * sizeof(DbtInsn));
        if (!cpu->jit_prefix)
            abort();
    }
    DbtBlock *p = cpu->jit_prefix;
    memset(p, 0, sizeof(*p));
    p->pa = b->pa;
    p->pa_page2 = b->pa_page2;
    p->valid = true;
    p->mode = b->mode;
    p->n = (uint16_t)n;
    for (unsigned k = 0; k < n; k++) {
        p->insn[k] = b->insn[k];
        p->insn[k].kind = (uint16_t)dbt_kind_exact(p->insn[k].kind);
        p->insn[k].flags &= (uint16_t)~(DBT_I_FLAGS_DEAD | DBT_I_FUSED);
    }
    dbt_pass_flags(p->insn, n);
    dbt_pass_fuse(p->insn, n);
    return dbt_jit_translate(cpu, p) ? p : NULL;
}

/* ---- running ------------------------------------------------------------------ */

int dbt_jit_run(DbtCpu *cpu, DbtBlock *b, int blocks)
{
    cpu->jit_budget = blocks;
    cpu->jit_site = NULL;
    cpu->leave_block = false;
    int r = cpu->jit->enter(cpu, b->jit_code, cpu->rip);
    cpu->cur_insn = NULL;
    return r;
}

void dbt_jit_link(DbtCpu *cpu, DbtBlock *next)
{
    const uint8_t *site = cpu->jit_site;
    cpu->jit_site = NULL;
    if (!site || !next->jit_code)
        return;
    DbtJit *j = cpu->jit;
    int32_t d = (int32_t)((const uint8_t *)next->jit_code - (site + 4));
    memcpy((uint8_t *)(uintptr_t)site - j->delta, &d, 4);
}
