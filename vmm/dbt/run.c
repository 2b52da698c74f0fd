/* run.c - the interpreter loop.
 *
 * Design note: the loop looks up the block at RIP (block.c), runs its
 * instructions back to back (rip/next_rip protocol in cpu.h) and, inside
 * block_exec(), the blocks its successor links or the linear-RIP cache
 * (cpu->vjc) lead to; it comes back here for a lookup and to poll the
 * machine (kick, timers, NMI, maskable interrupts with IF and the
 * STI/MOV SS shadow) every DBT_POLL_BLOCKS blocks (DBT_JIT_POLL_BLOCKS under the
 * translator) or at once after an op
 * that may have opened an interrupt window.  With several
 * vCPUs the loop runs while holding the baton (smp.c) and offers it at
 * those polls once its slice is used up or PAUSE asked.  The jmp_buf for
 * faults is armed here; after a longjmp all the state the loop needs is
 * in the DbtCpu, so nothing lives in locals across the setjmp. */
#include <stdio.h>

#include "vmm/dbt/block.h"
#include "vmm/dbt/exception.h"
#include "vmm/dbt/jit.h"
#include "vmm/dbt/mem.h"
#include "vmm/dbt/ops.h"
#include "vmm/dbt/pass.h"
#include "vmm/dbt/run.h"
#include "vmm/dbt/smp.h"

#define DBT_POLL_BLOCKS 64
/* The translator's period: its blocks run several times faster, and a
 * poll reads the clock for the timers, so it polls after 32 times as
 * many blocks (some 10 microseconds of guest time).  Interrupts and
 * requests from other threads do not wait for it: they kick the vCPU,
 * which every block entry checks, and an instruction that may open an
 * interrupt window polls at once. */
#define DBT_JIT_POLL_BLOCKS 2048

static inline uint32_t poll_period(const DbtCpu *cpu)
{
    return cpu->jit ? DBT_JIT_POLL_BLOCKS : DBT_POLL_BLOCKS;
}
/* jit_exec(): the code cache was emptied, look the block up again */
#define DBT_JIT_FLUSHED (-2)

/* the interpreter's op for every kind (kinds.h) */
static const DbtOp interp_ops[DBT_KIND_LAST] = {
#define INTERP_OP(N, fn, a, l, fr, fw) [DBT_KIND_##N] = op_##fn,
    DBT_KINDS(INTERP_OP)
#undef INTERP_OP
};

void dbt_trace_exception(DbtCpu *cpu, int vec, uint32_t err)
{
    uint8_t bytes[8] = {0};
    uint8_t *h = NULL;
    fprintf(stderr, "dbt: exception %d err %#x at rip=%#llx cpl=%d cr2=%#llx rsp=%#llx "
            "rax=%#llx rcx=%#llx rdx=%#llx rbx=%#llx rsi=%#llx rdi=%#llx",
            vec, err, (unsigned long long)cpu->rip, cpu->cpl,
            (unsigned long long)cpu->cr2, (unsigned long long)cpu->gpr[DBT_RSP],
            (unsigned long long)cpu->gpr[DBT_RAX], (unsigned long long)cpu->gpr[DBT_RCX],
            (unsigned long long)cpu->gpr[DBT_RDX], (unsigned long long)cpu->gpr[DBT_RBX],
            (unsigned long long)cpu->gpr[DBT_RSI], (unsigned long long)cpu->gpr[DBT_RDI]);
    const DbtTlbEntry *e = &cpu->tlb_cur[(cpu->rip >> 12) & (DBT_TLB_SIZE - 1)];
    if (e->tag_x == (cpu->rip & DBT_PAGE_MASK) && (cpu->rip & 0xfff) <= 0xff8)
        h = (uint8_t *)(e->addend + cpu->rip);
    else if (!(cpu->cr0 & DBT_CR0_PG))
        h = dbt_ram_ptr(cpu, cpu->rip, 8, NULL);
    if (h) {
        memcpy(bytes, h, 8);
        fprintf(stderr, " code:");
        for (int k = 0; k < 8; k++)
            fprintf(stderr, " %02x", bytes[k]);
    }
    fprintf(stderr, "\n");
}

/* What the loop's helpers return when run() must return VCPU_EXIT_KICKED:
 * that exit is 0, which the helpers' callers would read as "continue". */
#define DBT_RUN_KICKED (-1)

/* Returns 0 to continue, DBT_RUN_KICKED, or a VcpuExit to return. */
static int poll_machine(DbtCpu *cpu)
{
    Vcpu *v = cpu->vcpu;
    DBT_STAT_INC(cpu, polls);
    dbt_cpu_dma_drain(cpu);     /* before any interrupt tells of the DMA */
    if (__atomic_exchange_n(&cpu->kick, 0, __ATOMIC_ACQ_REL))
        return DBT_RUN_KICKED;
    if (cpu->host->timer_due(cpu->machine))
        cpu->host->run_timers(cpu->machine);
    if (cpu->irq_shadow) {
        /* STI / MOV SS: one more instruction, then look again (or a
         * STI ... CLI window shorter than a poll period is lost) */
        cpu->irq_shadow = false;
        cpu->poll_after_one = true;
        return 0;
    }
    if (!cpu->nmi_blocked && cpu->host->nmi_pending(v)) {
        cpu->nmi_blocked = true;
        cpu->exc_depth = 1;
        dbt_exc_deliver(cpu, DBT_EXC_NMI, false, 0, cpu->rip);
        cpu->exc_depth = 0;
        return 0;
    }
    if (cpu->rflags & DBT_IF) {
        int vec = cpu->host->irq_pending(v);
        if (vec >= 0) {
            cpu->host->irq_ack(v, vec);
            DBT_STAT_INC(cpu, interrupts);
            cpu->exc_depth = 1;
            dbt_exc_deliver(cpu, vec, false, 0, cpu->rip);
            cpu->exc_depth = 0;
        }
    }
    return 0;
}

/* HLT in machine mode: sleep until something is deliverable. */
static int halt_wait(DbtCpu *cpu)
{
    while (cpu->halted) {
        int r = poll_machine(cpu);
        if (r)
            return r;
        if (!cpu->halted)
            break;
        /* sleep without the baton: the other vCPUs run meanwhile */
        if (cpu->smp)
            dbt_smp_release(cpu);
        DBT_STAT_INC(cpu, halts);
        cpu->host->wait_event(cpu->vcpu);
        if (cpu->smp)
            dbt_smp_acquire(cpu);
    }
    return 0;
}

static void stop_set(DbtStop *stop, DbtStopReason why, DbtCpu *cpu)
{
    if (!stop)
        return;
    stop->reason = why;
    stop->rip = cpu->rip;
}

/* The successor of @prev at cpu->rip that @prev remembers, or NULL. */
static inline DbtBlock *chain_next(DbtCpu *cpu, const DbtBlock *prev)
{
    uint32_t gen = cpu->chain_gen;
    uint64_t rip = cpu->rip;
    for (int k = 0; k < 2; k++)
        if (prev->succ_rip[k] == rip && prev->succ_gen[k] == gen && prev->succ[k]->valid) {
            DBT_STAT_INC(cpu, chain_hits);
            return prev->succ[k];
        }
    return NULL;
}

/* The block at cpu->rip by linear address, if the cache has it for the
 * current chain generation. */
static inline DbtBlock *vjc_find(DbtCpu *cpu)
{
    const DbtVjcEntry *e = dbt_vjc_slot(cpu, cpu->rip);
    if (e->rip == cpu->rip && e->gen == cpu->chain_gen && e->block->valid) {
        DBT_STAT_INC(cpu, vjc_hits);
        return e->block;
    }
    return NULL;
}

/* The block at cpu->rip: one of the two successors the previous block
 * remembers, else a cache lookup (which then becomes a successor). */
static inline DbtBlock *next_block(DbtCpu *cpu)
{
    DbtBlock *b, *prev = cpu->prev_block;
    uint32_t gen = cpu->chain_gen;
    uint64_t rip = cpu->rip;
    if (likely(prev != NULL) && (b = chain_next(cpu, prev)) != NULL) {
        cpu->prev_block = b;
        if (cpu->jit)
            dbt_vjc_set(cpu, rip, gen, b);   /* what translated code looks up */
        return b;
    }
    if ((b = vjc_find(cpu)) == NULL) {
        b = dbt_block_get(cpu, rip);
        if (cpu->chain_gen == gen)
            dbt_vjc_set(cpu, rip, gen, b);
    }
    if (prev && cpu->chain_gen == gen) {
        int k = prev->succ_victim;
        prev->succ_victim = (uint8_t)(k ^ 1);
        prev->succ[k] = b;
        prev->succ_rip[k] = rip;
        prev->succ_gen[k] = gen;
    }
    cpu->prev_block = b;
    return b;
}

/* Run the instructions of block @b (rip/next_rip protocol of insn.h),
 * then, if @chain, the blocks @b's successor links lead to while the poll
 * period lasts and nothing needs the run loop (a kick, a successor
 * without a link).  Returns DBT_OK at the end of a block or when
 * something asked to leave it (cpu->leave_block), else the op's code (its
 * instruction retired).  Out of line so that nothing in the hot loop
 * lives across run_loop()'s setjmp: cpu stays in a register. */
static __attribute__((noinline)) int block_exec(DbtCpu *cpu, DbtBlock *b, bool chain)
{
    const DbtInsn *in = b->insn, *end = in + b->n;
    uint64_t rip = cpu->rip;
    int r;
    for (;;) {
        const DbtInsn *first = in;
        r = DBT_OK;
        while (in < end) {
            cpu->cur_insn = in;
            cpu->next_rip = rip + in->len;
            r = interp_ops[in->kind](cpu, in);
            in++;
            rip = cpu->next_rip;
            cpu->rip = rip;
            if (unlikely(r != DBT_OK))
                break;
            if (unlikely(cpu->leave_block)) {
                cpu->leave_block = false;
                r = -1;
                break;
            }
        }
        cpu->insn_count += (uint64_t)(in - first);
#ifdef DBT_STATS
        cpu->stats.insns += (uint64_t)(in - first);
#endif
        if (++cpu->poll_counter >= DBT_POLL_BLOCKS || unlikely(r != DBT_OK) || !chain
            || __atomic_load_n(&cpu->kick, __ATOMIC_RELAXED))
            break;
        DbtBlock *next = chain_next(cpu, b);
        if (!next && (next = vjc_find(cpu)) == NULL)
            break;
        DBT_STAT_INC(cpu, blocks_run);
        cpu->prev_block = b = next;
        in = b->insn;
        end = in + b->n;
    }
    cpu->cur_insn = NULL;
    return r < 0 ? DBT_OK : r;
}

/* The first @n instructions of block @b only (a poll after one
 * instruction, an instruction budget): each with the kind that leaves
 * exact flags (dbt_kind_exact), since the flags pass counted on the rest
 * of the block.  Returns as block_exec() does, without chaining. */
static __attribute__((noinline)) int block_exec_part(DbtCpu *cpu, const DbtBlock *b,
                                                     unsigned n)
{
    uint64_t rip = cpu->rip;
    int r = DBT_OK;
    unsigned k;
    for (k = 0; k < n; k++) {
        const DbtInsn *in = &b->insn[k];
        cpu->cur_insn = in;
        cpu->next_rip = rip + in->len;
        r = interp_ops[dbt_kind_exact(in->kind)](cpu, in);
        rip = cpu->next_rip;
        cpu->rip = rip;
        if (unlikely(r != DBT_OK)) {
            k++;
            break;
        }
        if (unlikely(cpu->leave_block)) {
            cpu->leave_block = false;
            k++;
            break;
        }
    }
    cpu->insn_count += k;
#ifdef DBT_STATS
    cpu->stats.insns += k;
#endif
    cpu->cur_insn = NULL;
    return r;
}

/* Run block @b's translation (jit.c) and, if @chain, the blocks it leads
 * to for the rest of the poll period; link the direct branch it left by
 * to the block at cpu->rip if that is where the last run ended.  Returns
 * as block_exec() does, or DBT_JIT_FLUSHED when the code cache had to be
 * emptied (with every block: look up again). */
static int jit_exec(DbtCpu *cpu, DbtBlock *b, bool chain)
{
    if (!b->jit_code && !dbt_jit_translate(cpu, b)) {
        dbt_block_flush_all(cpu);
        cpu->prev_block = NULL;
        return DBT_JIT_FLUSHED;
    }
    if (cpu->jit_site) {
        if (cpu->jit_site_rip == cpu->rip)
            dbt_jit_link(cpu, b);
        cpu->jit_site = NULL;
    }
    int budget = chain ? (int)poll_period(cpu) - (int)cpu->poll_counter : 1;
    if (budget < 1)
        budget = 1;
    int r = dbt_jit_run(cpu, b, budget);
    int left = cpu->jit_budget > 0 ? cpu->jit_budget : 0;
    cpu->poll_counter += (uint32_t)(budget - left);
    switch (r) {
    case DBT_JIT_NEXT:
#ifdef DBT_STATS
        if (cpu->jit_site)
            DBT_STAT_INC(cpu, jit_exit_link);
        else
            DBT_STAT_INC(cpu, jit_exit_miss);
#endif
        cpu->jit_site_rip = cpu->rip;
        return DBT_OK;
    case DBT_JIT_STOP:
        DBT_STAT_INC(cpu, jit_exit_stop);
        cpu->poll_counter = poll_period(cpu);
        return DBT_OK;
    case DBT_JIT_LEAVE:
        DBT_STAT_INC(cpu, jit_exit_leave);
        return DBT_OK;
    default:
        DBT_STAT_INC(cpu, jit_exit_op);
        return r;
    }
}

/* The first @n instructions of @b through the translator (a run cut
 * short by an instruction budget; see dbt_jit_prefix()). */
static int jit_exec_prefix(DbtCpu *cpu, DbtBlock *b, unsigned n)
{
    DbtBlock *p = dbt_jit_prefix(cpu, b, n);
    if (!p) {
        dbt_block_flush_all(cpu);
        cpu->prev_block = NULL;
        return DBT_JIT_FLUSHED;
    }
    cpu->jit_site = NULL;
    int r = dbt_jit_run(cpu, p, 1);
    cpu->jit_site = NULL;
    cpu->poll_counter++;
    if (r == DBT_JIT_STOP)
        cpu->poll_counter = poll_period(cpu);
    return r >= DBT_JIT_NEXT ? DBT_OK : r;
}

/* A fault longjmp()ed out of an op: count the instructions of its block
 * that retired before the faulting one. */
static void count_partial_block(DbtCpu *cpu)
{
    const DbtInsn *in = cpu->cur_insn;
    cpu->cur_insn = NULL;
    if (!in)
        return;
    cpu->insn_count += in->idx;
#ifdef DBT_STATS
    cpu->stats.insns += in->idx;
#endif
}

static int run_loop(DbtCpu *cpu, uint64_t max_insns, DbtStop *stop)
{
    cpu->insn_count = 0;
    cpu->poll_counter = 0;
    cpu->prev_block = NULL;
    cpu->cur_insn = NULL;
    if (stop)
        memset(stop, 0, sizeof(*stop));

    if (setjmp(cpu->jmp)) {
        /* an exception: state is that before the faulting instruction */
        count_partial_block(cpu);
        dbt_tlb_select(cpu);
        cpu->next_rip = cpu->rip;
        cpu->leave_block = false;
        cpu->prev_block = NULL;
        cpu->jit_site = NULL;
        if (cpu->exc_vector < 0) {
            stop_set(stop, DBT_STOP_EXCEPTION, cpu);
            if (stop)
                stop->vector = -1, stop->insns = cpu->insn_count;
            return VCPU_EXIT_CRASH;
        }
        if (cpu->flat) {
            stop_set(stop, DBT_STOP_EXCEPTION, cpu);
            stop->vector = cpu->exc_vector;
            stop->error_code = cpu->exc_has_error ? cpu->exc_error : 0;
            stop->cr2 = cpu->cr2;
            stop->insns = cpu->insn_count;
            return 0;
        }
        int vec = cpu->exc_vector;
        bool has = cpu->exc_has_error;
        uint32_t err = cpu->exc_error;
        if (cpu->trace)
            dbt_trace_exception(cpu, vec, err);
        if (cpu->exc_depth >= 2) {
            /* the VMM reports it (vcpu_report_crash in backend.c) */
            cpu->exc_depth = 0;
            return VCPU_EXIT_CRASH;
        }
        if (cpu->exc_depth == 1) {
            vec = DBT_EXC_DF;
            has = true;
            err = 0;
        }
        cpu->exc_depth++;
        dbt_exc_deliver(cpu, vec, has, err, cpu->rip);
        cpu->exc_depth = 0;
    }

    for (;;) {
        if (cpu->flat) {
            /* nothing to poll: a new period of chained blocks */
            if (cpu->poll_counter >= poll_period(cpu))
                cpu->poll_counter = 0;
        } else {
            if (cpu->pending_exit) {
                int r = cpu->pending_exit;
                cpu->pending_exit = 0;
                return r;
            }
            if (cpu->halted) {
                int r = halt_wait(cpu);
                if (r)
                    return r == DBT_RUN_KICKED ? VCPU_EXIT_KICKED : r;
            }
            if (cpu->poll_counter >= poll_period(cpu)
                || __atomic_load_n(&cpu->kick, __ATOMIC_RELAXED)) {
                cpu->poll_counter = 0;
                if (cpu->smp && (cpu->yield_now || cpu->insn_count >= cpu->slice_end))
                    dbt_smp_yield(cpu);
                int r = poll_machine(cpu);
                if (r)
                    return r == DBT_RUN_KICKED ? VCPU_EXIT_KICKED : r;
            }
        }
        DbtBlock *b = next_block(cpu);
        DBT_STAT_INC(cpu, blocks_run);
#ifdef DBT_STATS
        if (cpu->prof && cpu->total_insns + cpu->insn_count >= cpu->prof_next)
            dbt_prof_sample(cpu);
#endif
        if (unlikely(cpu->trace >= 2))
            fprintf(stderr, "dbt: block %#llx\n", (unsigned long long)cpu->rip);
        unsigned n = b->n;
        bool chain = !max_insns;
        if (unlikely(max_insns && cpu->insn_count + n > max_insns))
            n = (unsigned)(max_insns - cpu->insn_count);
        if (unlikely(cpu->poll_after_one)) {
            cpu->poll_after_one = false;
            cpu->poll_counter = poll_period(cpu);
            n = 1;
        }
#ifdef DBT_STATS
        if (cpu->prof)
            chain = false;
#endif
        if (unlikely(cpu->trace >= 2))
            chain = false;
        int r;
        if (n < b->n && cpu->jit && max_insns)
            r = jit_exec_prefix(cpu, b, n);
        else if (n < b->n)
            r = block_exec_part(cpu, b, n);
        else if (cpu->jit)
            r = jit_exec(cpu, b, chain);
        else
            r = block_exec(cpu, b, chain);
        if (r == DBT_JIT_FLUSHED)
            continue;
        if (unlikely(r != DBT_OK)) {
            if (r == DBT_END_BLOCK) {
                cpu->poll_counter = poll_period(cpu);
            } else if (r == DBT_HALT) {
                if (cpu->flat) {
                    cpu->halted = false;
                    stop_set(stop, DBT_STOP_HLT, cpu);
                    stop->insns = cpu->insn_count;
                    return 0;
                }
            } else if (r == DBT_BREAK) {
                stop_set(stop, DBT_STOP_INT3, cpu);
                if (stop)
                    stop->insns = cpu->insn_count;
                return 0;
            } else if (r == DBT_EXIT) {
                return cpu->exit_code;
            }
        }
        if (unlikely(max_insns && cpu->insn_count >= max_insns)) {
            stop_set(stop, DBT_STOP_LIMIT, cpu);
            if (stop)
                stop->insns = cpu->insn_count;
            return 0;
        }
    }
}

int dbt_run_loop(DbtCpu *cpu, uint64_t max_insns, DbtStop *stop)
{
    if (cpu->smp)
        dbt_smp_acquire(cpu);
    cpu->slice_end = DBT_SMP_SLICE;
    int r = run_loop(cpu, max_insns, stop);
    if (cpu->smp)
        dbt_smp_release(cpu);
    cpu->total_insns += cpu->insn_count;
    return r;
}
