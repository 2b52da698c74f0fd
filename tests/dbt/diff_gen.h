/*
 * diff_gen.h - instruction forms of the differential harness and the
 * generator of random test cases from them.
 *
 * A form is written as in the SDM's opcode column: "66 0F FE /r" with
 * operand kinds for ModRM.reg and ModRM.rm ("xmm", "mm", "r32", "r64",
 * "xmm/m128", "r/m32", "m64", ...).  Tokens of the encoding: a mandatory
 * prefix (66, F2, F3), "W" (REX.W), the opcode bytes (0F, 0F 38, 0F 3A
 * or an x87 escape D8-DF), "/r" or "/digit", "ib" (imm8), and for x87
 * register forms "+i" (the opcode's second byte plus ST(i)).
 *
 * Integer forms add set-up tokens (diff_forms_int.c): "tgt" (the r/m
 * operand holds the address of the next instruction: indirect CALL/JMP),
 * "ret" (the stack top holds it: RET), "frame" (a far-return / IRETQ
 * frame to the next instruction with Linux's user selectors), "popf" (the
 * stack top holds flags a CPL-3 POPF may load without trapping), "leave"
 * (RBP points into the data window), "cnt" (a small RCX: LOOP, JRCXZ),
 * "skip" (the branch displacement jumps over a CMC that follows it, so
 * taken and not taken differ), "sel" (the r/m register holds a segment
 * selector: null, Linux's user data selector, or an invalid one), "nz"
 * (the r/m source is not zero: TZCNT, where only such sources agree
 * with the BSF the model executes).
 */
#ifndef VESSEL_TESTS_DIFF_GEN_H
#define VESSEL_TESTS_DIFF_GEN_H

#include <stdint.h>

#include "diff.h"

typedef struct DiffForm {
    const char *name;       /* mnemonic (test names, messages) */
    const char *enc;        /* SDM-style encoding */
    const char *reg;        /* ModRM.reg operand kind, NULL with /digit */
    const char *rm;         /* ModRM.rm operand kind, NULL for none */
    uint64_t flags_undef;   /* RFLAGS bits the SDM leaves undefined */
    uint16_t fsw_undef;     /* FSW bits that differ between vendors */
    uint16_t gpr_undef;     /* GPRs (bit n = register n) with model-specific
                             * results: CPUID, RDTSC */
    uint8_t flags;          /* DIFF_FORM_* */
} DiffForm;

enum {
    DIFF_FORM_ALONE = 1,        /* needs its own set-up: not in sequences */
    DIFF_FORM_HOST_RDTSCP = 2,  /* compared only where the host has RDTSCP */
};

extern const DiffForm diff_fpu_forms[];
extern const unsigned diff_fpu_nforms;
extern const DiffForm diff_x87_forms[];
extern const unsigned diff_x87_nforms;
extern const DiffForm diff_int_forms[];
extern const unsigned diff_int_nforms;
extern const DiffForm diff_sys_forms[];
extern const unsigned diff_sys_nforms;

/* Small deterministic PRNG (xorshift64*), seeded per case. */
typedef struct DiffRng {
    uint64_t s;
} DiffRng;

uint64_t diff_rng_next(DiffRng *r);
void diff_rng_seed(DiffRng *r, uint64_t seed, uint64_t form, uint64_t index);

/* Fill @c with a random initial state. */
void diff_gen_state(DiffRng *r, DiffCase *c);
/* Append one instruction of @f to @c with random operands; also sets up
 * base registers in c->init for memory operands.  Returns false if the
 * form's text does not parse (a bug in the table). */
bool diff_gen_insn(DiffRng *r, DiffCase *c, const DiffForm *f, bool force_mem, bool force_reg);

#endif /* VESSEL_TESTS_DIFF_GEN_H */
