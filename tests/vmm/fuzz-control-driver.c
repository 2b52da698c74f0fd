/* fuzz-control-driver.c - runs LLVMFuzzerTestOneInput (fuzz-control.c)
 * without libFuzzer: every input of the checked-in corpus
 * (fuzz-corpus/control/), then fixed-seed mutations of them: command
 * words and arguments spliced in, numbers at their limits, bytes
 * flipped, NUL, CR and non-ASCII bytes, overlong lines, lines cut,
 * duplicated and joined.  Prints TAP.
 * Arguments: [ITERATIONS]; VESSEL_FUZZ_ITERATIONS too. */
#include "config.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern unsigned long fuzz_control_ok, fuzz_control_errors, fuzz_control_actions;

static const char *const tokens[] = {
    "status", "pause", "resume", "powerdown", "reset", "reboot", "info", "screendump", "send-key",
    "vnc-password", "sandbox-probe", "disk-overlay", "disk-commit", "-", "fd:3", "quit", " ", "  ", "\r", "\n", "\t", "\0", "\xff",
    "\x7f", "0", "1", "16", "17", "60000", "60001", "767", "768", "0x1c", "-1",
    "18446744073709551616", "00", "41", "4g", "ab", "abc", "open", "/etc/shadow",
    "forbidden", "\"", "\\", "%s%n", "\r\n",
};

static void insert(GByteArray *b, size_t at, const void *p, size_t n)
{
    g_byte_array_set_size(b, b->len + (guint)n);
    memmove(b->data + at + n, b->data + at, b->len - n - at);
    memcpy(b->data + at, p, n);
}

static void mutate(GByteArray *b)
{
    unsigned n = 1 + (unsigned)(vt_fuzz_rand() % 4);
    for (unsigned i = 0; i < n; i++) {
        size_t at = b->len ? vt_fuzz_rand() % (b->len + 1) : 0;
        switch (vt_fuzz_rand() % 8) {
        case 0:
        case 1: {                           /* a token */
            const char *t = tokens[vt_fuzz_rand() % G_N_ELEMENTS(tokens)];
            insert(b, at, t, *t ? strlen(t) : 1);
            break;
        }
        case 2:                             /* bit flip */
            if (b->len)
                b->data[vt_fuzz_rand() % b->len] ^= (uint8_t)(1u << (vt_fuzz_rand() % 8));
            break;
        case 3: {                           /* an overlong run, maybe ended */
            size_t len = 4000 + vt_fuzz_rand() % 200;
            uint8_t *run = g_malloc(len);
            memset(run, "a 0f"[vt_fuzz_rand() % 4], len);
            if (vt_fuzz_rand() % 2)
                run[len - 1] = '\n';
            insert(b, at, run, len);
            g_free(run);
            break;
        }
        case 4:                             /* cut */
            if (b->len) {
                guint from = (guint)(vt_fuzz_rand() % b->len);
                guint want = (guint)(vt_fuzz_rand() % 16 + 1);   /* once: MIN() evaluates twice */
                g_byte_array_remove_range(b, from, MIN(b->len - from, want));
            }
            break;
        case 5:                             /* duplicate a slice */
            if (b->len) {
                size_t from = vt_fuzz_rand() % b->len, want = vt_fuzz_rand() % 64 + 1;
                size_t len = MIN(b->len - from, want);
                g_autofree uint8_t *copy = g_memdup2(b->data + from, len);
                insert(b, at, copy, len);
            }
            break;
        case 6: {                           /* a random byte */
            uint8_t c = (uint8_t)vt_fuzz_rand();
            insert(b, at, &c, 1);
            break;
        }
        default:                            /* a newline: split a request */
            insert(b, at, "\n", 1);
            break;
        }
    }
}

int main(int argc, char **argv)
{
    unsigned iterations = vt_fuzz_iterations(argc, argv, 2000);
    vt_fuzz_seed(0x9e3779b97f4a7c15ull);
    g_autofree char *dirname = NULL;
    GPtrArray *corpus = vt_fuzz_corpus("fuzz-corpus/control", &dirname);
    printf("1..2\n");
    if (corpus->len == 0) {
        printf("not ok 1 - no corpus in %s\nnot ok 2 - mutations\n", dirname);
        return 1;
    }
    vt_fuzz_replay(corpus, LLVMFuzzerTestOneInput);
    /* the corpus reaches the commands: successes and refusals */
    bool reached = fuzz_control_ok > corpus->len && fuzz_control_errors > 0 && fuzz_control_actions > 0;
    printf("%s 1 - corpus: %u inputs (%lu ok, %lu error replies, %lu actions)\n",
           reached ? "ok" : "not ok", corpus->len, fuzz_control_ok, fuzz_control_errors,
           fuzz_control_actions);
    fuzz_control_ok = fuzz_control_errors = fuzz_control_actions = 0;
    vt_fuzz_mutations(corpus, iterations, vt_fuzz_rand, mutate, LLVMFuzzerTestOneInput);
    /* mutations that only ever produce errors would prove little */
    bool deep = fuzz_control_ok > iterations / 4 && fuzz_control_errors > iterations / 4 &&
                fuzz_control_actions > iterations / 20;
    printf("%s 2 - %u fixed-seed mutations survived (%lu ok, %lu error replies, %lu actions)\n",
           deep ? "ok" : "not ok", iterations, fuzz_control_ok, fuzz_control_errors,
           fuzz_control_actions);
    g_ptr_array_unref(corpus);
    return reached && deep ? 0 : 1;
}
