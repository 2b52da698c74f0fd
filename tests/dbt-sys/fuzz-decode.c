/* fuzz-decode.c - libFuzzer target for the dbt x86 instruction decoder
 * (vmm/dbt/decode.c), which reads every byte a guest executes.
 *
 * An input is a mode byte (its value modulo 3: 64-bit, 32-bit, 16-bit
 * code) and a byte stream decoded instruction after instruction, each
 * from a heap copy of exactly the bytes the decoder may read (at most
 * 15), so a read past them is an ASan report.  Checked on every
 * instruction, else abort():
 *  - a length is 1..15 and within the bytes given; the fields of the
 *    instruction are in range (kind, register numbers, scale, map,
 *    operand size);
 *  - -DBT_EXC_PF ("fetch more") only when fewer than 15 bytes were
 *    given, and then the same bytes with the rest of the stream decode
 *    longer than what was given; otherwise only -DBT_EXC_GP;
 *  - the same bytes given exactly (no byte after the instruction)
 *    decode to the same instruction.
 *
 * make check runs it through fuzz-decode-driver.c (the checked-in
 * corpus fuzz-corpus/decode/ and fixed-seed mutations); for libFuzzer:
 *   tests/dbt-sys/fuzz/build-libfuzzer.sh BUILDDIR [-max_total_time=600] */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/dbt/decode.h"

#include "fuzz-decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FuzzDecodeCounters fuzz_decode_counters;

static G_NORETURN void fuzz_fail(const uint8_t *p, unsigned n, DbtMode mode, const char *what)
{
    fprintf(stderr, "fuzz-decode: mode %d: %s; bytes:", (int)mode, what);
    for (unsigned i = 0; i < n; i++)
        fprintf(stderr, " %02x", p[i]);
    fputc('\n', stderr);
    abort();
}

/* Decode from a copy of exactly @avail bytes. */
static int decode_exact(DbtInsn *insn, const uint8_t *p, unsigned avail, DbtMode mode)
{
    uint8_t *copy = g_malloc(avail ? avail : 1);
    memcpy(copy, p, avail);
    memset(insn, 0, sizeof(*insn));
    int r = dbt_decode(insn, copy, avail, mode);
    g_free(copy);
    return r;
}

static gboolean reg_ok(uint8_t r)
{
    return r < 16 || r == DBT_NOREG;
}

static void check_fields(const DbtInsn *in, const uint8_t *p, unsigned avail, DbtMode mode)
{
    if (in->kind >= DBT_KIND_LAST)
        fuzz_fail(p, avail, mode, "kind out of range");
    if (in->map > 3 || in->scale > 3)
        fuzz_fail(p, avail, mode, "map or scale out of range");
    if (!reg_ok(in->base) || !reg_ok(in->index))
        fuzz_fail(p, avail, mode, "base or index register out of range");
    if (in->osz != 1 && in->osz != 2 && in->osz != 4 && in->osz != 8)
        fuzz_fail(p, avail, mode, "operand size out of range");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    DbtMode mode = (DbtMode)(data[0] % DBT_MODE_LAST);
    const uint8_t *p = data + 1;
    size_t left = size - 1;
    while (left > 0) {
        unsigned avail = left < 15 ? (unsigned)left : 15;
        DbtInsn insn, again;
        int r = decode_exact(&insn, p, avail, mode);
        if (r == -DBT_EXC_PF) {
            if (avail == 15)
                fuzz_fail(p, avail, mode, "asks for more than 15 bytes");
            fuzz_decode_counters.short_fetch++;
            return 0;                       /* the stream ends inside it */
        }
        if (r == -DBT_EXC_GP) {
            fuzz_decode_counters.too_long++;
            p += 1, left -= 1;              /* resynchronize */
            continue;
        }
        if (r <= 0 || (unsigned)r > avail || insn.len != r)
            fuzz_fail(p, avail, mode, "a length outside the bytes given");
        check_fields(&insn, p, avail, mode);
        if (decode_exact(&again, p, (unsigned)r, mode) != r ||
            memcmp(&insn, &again, sizeof(insn)) != 0)
            fuzz_fail(p, (unsigned)r, mode, "depends on bytes after the instruction");
        /* a shorter fetch must ask for more, never decode something else */
        if (r > 1) {
            int s = decode_exact(&again, p, (unsigned)r - 1, mode);
            if (s != -DBT_EXC_PF)
                fuzz_fail(p, (unsigned)r, mode, "decodes cut short without asking for more");
        }
        if (insn.kind == DBT_KIND_NONE)
            fuzz_decode_counters.undefined++;
        else
            fuzz_decode_counters.decoded++;
        p += r, left -= (size_t)r;
    }
    return 0;
}
