/* jit_int.h - what the translator's files share: the code cache
 * (jit_buf.c) and its emitter (x86emit.h). */
#ifndef VESSEL_DBT_JIT_INT_H
#define VESSEL_DBT_JIT_INT_H

#include <stddef.h>

#include "vmm/dbt/block.h"
#include "vmm/dbt/jit.h"
#include "vmm/dbt/x86emit.h"

struct DbtJit {
    uint8_t *rw, *rx;      /* the two views of the code */
    intptr_t delta;        /* rx - rw */
    size_t size, used;
    size_t keep;           /* bytes at the start that survive a flush */
    int fd;
    /* trampolines (executable addresses) */
    int (*enter)(DbtCpu *cpu, const void *code, uint64_t rip);
    const uint8_t *exit;       /* eax = result */
    const uint8_t *lookup;     /* r12 = guest RIP: enter its block or exit */
    /* VESSEL_DBT_JIT_CALLS: instructions run through their op, by kind,
     * operand size and memory operand (JIT_CALLS_SLOT); else NULL and no
     * code counts */
    uint64_t *calls;
};
#define JIT_CALLS_SLOT(in) \
    ((size_t)(in)->kind * 8 + (size_t)((in)->osz == 8 ? 3 : (in)->osz == 4 ? 2 : (in)->osz == 2) * 2 \
     + !!((in)->flags & DBT_I_MEM))

DbtJit *dbt_jit_buf_new(size_t size);
void dbt_jit_buf_free(DbtJit *j);
/* An emitter over the free part of the buffer. */
X86Buf dbt_jit_buf_open(DbtJit *j);
/* Keep what @b emitted; its executable start address, or NULL if the
 * buffer ran out (nothing is kept). */
void *dbt_jit_buf_commit(DbtJit *j, const X86Buf *b);
/* Drop everything after the trampolines. */
void dbt_jit_buf_reset(DbtJit *j);
void dbt_jit_map_hint(void);

/* ---- translating a block (jit.c, jit_native.c) ---------------------- */

/* out-of-line exits of a block: an op's result (EAX), cpu->leave_block,
 * the block budget or a kick, a linkable direct branch, #GP at a branch
 * to a non-canonical address (cur_insn and RIP already stored) */
enum { STUB_OP, STUB_LEAVE, STUB_STOP, STUB_NEXT, STUB_GP };

typedef struct {
    uint8_t *field;        /* rel32 to point at the stub */
    uint8_t kind;          /* STUB_* */
    uint8_t retired;       /* instructions retired at that exit */
    bool next_static;      /* STUB_LEAVE: go on at R12 + next_off, not at
                              cpu->next_rip (native code stores none) */
    uint16_t next_off;
    int16_t lf;            /* the record kind to store first
                              (JitEmit.lf_known if dirty), -1: none */
} JitFix;

/* a soft-TLB miss of a native load or store: the out-of-line call of the
 * slow path (address in RSI, a store's value in RCX, a load's result in
 * RAX), then back to the fast path */
typedef struct {
    uint8_t *field;        /* the jcc to the slow path */
    uint8_t *back;         /* where the fast path goes on */
    const DbtInsn *in;
    uint16_t off;          /* the instruction's offset in the block */
    uint16_t next_off;     /* where the guest goes on if it must leave */
    uint8_t size;
    uint8_t kind;          /* SLOW_* */
    int16_t lf;            /* the record kind to store before the call,
                              -1: none */
} JitSlow;

/* a slow path: the access alone (dbt_mem_read_slow, dbt_mem_write_slow)
 * or the whole instruction through its op, back after its native code */
enum { SLOW_READ, SLOW_WRITE, SLOW_OP };

typedef struct {
    DbtCpu *cpu;
    DbtJit *j;
    const DbtBlock *blk;
    X86Buf b;
    JitFix fix[4 * DBT_BLOCK_MAX_INSNS + 8];
    unsigned nfix;
    JitSlow slow[2 * DBT_BLOCK_MAX_INSNS];
    unsigned nslow;
    bool host_flags;       /* the host's status flags are the guest's now
                              (the instruction being emitted set them) */
    bool prev_host_flags;  /* ... and after the previous instruction */
    bool counted;          /* the block's retired count is added already */
    /* the lazy flags record (lf_op | lf_size << 8) the block's code wrote
     * last, -1 if not known here; lf_set: what the instruction being
     * emitted writes (dbt_jit_lazy), lf_clobber: it may write another.
     * Translated code holds the record's values in host registers
     * (JIT_LF_*) and its kind in cpu->lf_op/lf_size, except that lf_dirty
     * says the kind is lf_known and not stored yet (dbt_jit_lf_flush()
     * stores it before the block's exits and calls, the out-of-line
     * paths from JitFix.lf / JitSlow.lf). */
    int lf_known, lf_set;
    bool lf_clobber, lf_dirty;
} JitEmit;

/* The host registers of the lazy flags record's values (result,
 * operands), from block to block: the entry trampoline loads them from
 * cpu->lf_res/src1/src2, the exit stores them; callee-saved: they
 * survive the slow paths' calls. */
#define JIT_LF_RES X_RBP
#define JIT_LF_SRC1 X_R15
#define JIT_LF_SRC2 X_R14

/* cpu->lf_op/lf_size = @lf (lf_op | lf_size << 8); nothing for -1 */
void dbt_jit_lf_kind(JitEmit *e, int lf);
/* cpu->lf_res/src1/src2 = the record's host registers (before a call
 * into C that may read the record) / and back (after one that may
 * write it) */
void dbt_jit_lf_values_store(JitEmit *e);
void dbt_jit_lf_values_load(JitEmit *e);
/* the record's kind to cpu->lf_op if it is not stored yet */
void dbt_jit_lf_flush(JitEmit *e);
/* ... and its values: cpu->lf_* is the whole record (before a call) */
void dbt_jit_lf_spill(JitEmit *e);
/* the kind an out-of-line path must store first (JitFix.lf, JitSlow.lf) */
static inline int dbt_jit_lf_pending(const JitEmit *e)
{
    return e->lf_dirty ? e->lf_known : -1;
}

/* RIP of the instruction at byte @off of the block, into host register @r */
void dbt_jit_emit_rip(JitEmit *e, unsigned r, unsigned off);
void dbt_jit_fix_add(JitEmit *e, uint8_t *field, unsigned kind, unsigned retired);
/* on to the block at @off from this one's start (@br: the branch at
 * @br_off that goes there, or NULL) / at cpu->next_rip */
void dbt_jit_emit_exit_static(JitEmit *e, unsigned off, const DbtInsn *br, unsigned br_off);
void dbt_jit_emit_exit_dynamic(JitEmit *e);
/* on to the block at guest RIP R12 (cpu->vjc, inline) or exit */
void dbt_jit_emit_lookup(JitEmit *e);
const void *dbt_jit_find(DbtCpu *cpu, uint64_t rip);
/* #GP(0) at @in (at @off) unless host register @r is canonical; R12
 * holds the block's start + @r12_adj; @counted: already added to the
 * retired count */
void dbt_jit_emit_canonical(JitEmit *e, unsigned r, const DbtInsn *in, unsigned off,
                            int32_t r12_adj, unsigned counted);
int dbt_jit_cond(DbtCpu *cpu, unsigned cc);
int dbt_jit_cf(DbtCpu *cpu);
_Noreturn void dbt_jit_raise_gp(DbtCpu *cpu, const DbtInsn *in, uint64_t rip,
                                uint64_t counted);
/* cpu->insn_count += @n (changes the host flags) */
void dbt_jit_emit_count(JitEmit *e, unsigned n);

#define JCPU(field) x86_mem(X_RBX, (int32_t)offsetof(DbtCpu, field))
#define JGPR(r) x86_mem(X_RBX, (int32_t)(offsetof(DbtCpu, gpr) + 8 * (r)))

/* Emit @in (at byte @off of its block) as host code, if its kind and
 * operands have a native form; false: call its op instead.  @last: it
 * ends the block (then it emits the block's exits too). */
bool dbt_jit_emit_native(JitEmit *e, const DbtInsn *in, unsigned off, bool last);
/* @in leaves the host's status flags equal to the guest's when emitted
 * natively and cannot fault: a Jcc right after it branches on them. */
bool dbt_jit_sets_host_flags(const DbtInsn *in);
/* call @in's op (stores RIP, next RIP and cur_insn; checks its result
 * and cpu->leave_block) */
void dbt_jit_emit_call_op(JitEmit *e, const DbtInsn *in, unsigned off);
/* the out-of-line slow paths dbt_jit_emit_native() left */
void dbt_jit_emit_slow_paths(JitEmit *e);

/* ---- pieces of native code (jit_native.c), for jit_sized.c --------- */

#define JGPR_BYTE(r, k) x86_mem(X_RBX, (int32_t)(offsetof(DbtCpu, gpr) + 8 * (r) + (k)))

/* RSI = the linear address of @in's memory operand (@no_seg: LEA) */
void dbt_jit_ea(JitEmit *e, const DbtInsn *in, unsigned off, bool no_seg);
/* load (RAX) or store (RCX) @size bytes at the address in RSI through the
 * soft TLB; a miss calls the access's slow path and comes back */
void dbt_jit_access(JitEmit *e, const DbtInsn *in, unsigned off, unsigned next_off,
                    unsigned size, bool store);
/* RSI = the host address of the operand at RSI for a read-modify-write
 * (@write) or a read; a miss runs @in through its op and rejoins where
 * dbt_jit_slow_rejoin() is called next */
void dbt_jit_host_addr(JitEmit *e, const DbtInsn *in, unsigned off, unsigned size,
                       bool write);
void dbt_jit_slow_rejoin(JitEmit *e);
/* after a store: leave the block at @next_off if it asked to */
void dbt_jit_leave_check(JitEmit *e, const DbtInsn *in, unsigned next_off,
                         unsigned retired);
/* the lazy flags record (lf, size, result, operands) from host registers:
 * into the record's host registers, its kind known here */
void dbt_jit_lazy(JitEmit *e, unsigned lf, unsigned size, unsigned res, unsigned a,
                  unsigned src2);
/* ... its kind stored at once (a record only sometimes written: the
 * caller flushed the known one and sets lf_clobber) */
void dbt_jit_lazy_stored(JitEmit *e, unsigned lf, unsigned size, unsigned res, unsigned a,
                         unsigned src2);
/* the record of ALU selector @sub (ADD, SUB/CMP or LOGIC) */
unsigned dbt_jit_alu_lf(unsigned sub);
/* EAX = CF of the lazy flags record (0 or 1; clobbers RCX, RDX and, on
 * the path that calls C, the caller-saved registers) */
void dbt_jit_carry(JitEmit *e);
/* RAX op= RCX (RDX = the old RAX unless @dead or a logic op) */
void dbt_jit_alu_op(JitEmit *e, unsigned op, bool w, bool dead);

/* the generic kinds of any operand size (jit_sized.c): ALU, TEST,
 * NEG/NOT, shifts by an immediate or CL, MOV, CBW/CWD; false: no native
 * form (nothing emitted) */
bool dbt_jit_emit_sized(JitEmit *e, const DbtInsn *in, unsigned off);

#endif /* VESSEL_DBT_JIT_INT_H */
