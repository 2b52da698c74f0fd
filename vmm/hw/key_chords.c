/* key_chords.c - send-key chords typed in order (see key_chords.h).
 *
 * A ring of chords; the one at the head is held (pressed, its release
 * timer armed).  The release timer releases it in reverse order and
 * presses the next one at once, so the keyboard's FIFO always holds one
 * chord's press..release before the next chord's bytes. */
#include "config.h"

#include "vmm/hw/key_chords.h"

#include "keycodes.h"

#include <errno.h>
#include <stdlib.h>

typedef struct {
    unsigned codes[KEY_CHORD_KEYS];
    unsigned n, hold_ms;
} KeyChord;

#define RING (KEY_CHORDS_QUEUED + 1)

struct KeyChords {
    I8042 *kbd;
    MachineTimer *release;
    KeyChord ring[RING];
    unsigned head, count; /* ring[head] is held while count > 0 */
};

static void key_chord_press(KeyChords *kc, int64_t now)
{
    const KeyChord *c = &kc->ring[kc->head];
    for (unsigned i = 0; i < c->n; i++)
        i8042_key(kc->kbd, c->codes[i], true);
    timer_mod(kc->release, now + (int64_t)c->hold_ms * 1000000);
}

static void key_chord_release(void *opaque, int64_t now)
{
    KeyChords *kc = opaque;
    if (!kc->count)
        return;
    const KeyChord *c = &kc->ring[kc->head];
    for (unsigned i = c->n; i-- > 0;)
        i8042_key(kc->kbd, c->codes[i], false);
    kc->head = (kc->head + 1) % RING;
    if (--kc->count)
        key_chord_press(kc, now);
}

KeyChords *key_chords_new(I8042 *kbd, TimerList *tl)
{
    KeyChords *kc = calloc(1, sizeof(*kc));
    if (!kc)
        return NULL;
    kc->kbd = kbd;
    kc->release = timer_new(tl, key_chord_release, kc);
    if (!kc->release) {
        free(kc);
        return NULL;
    }
    return kc;
}

void key_chords_free(KeyChords *kc)
{
    if (!kc)
        return;
    timer_free(kc->release);
    free(kc);
}

unsigned key_chords_pending(const KeyChords *kc)
{
    return kc->count;
}

int key_chords_push(KeyChords *kc, const unsigned *codes, unsigned n, unsigned hold_ms,
                    unsigned *bad)
{
    if (!n || n > KEY_CHORD_KEYS)
        return -E2BIG;
    for (unsigned i = 0; i < n; i++) {
        if (!keycode_scan(codes[i])) {
            if (bad)
                *bad = i;
            return -EINVAL;
        }
    }
    if (kc->count == RING)
        return -EBUSY;
    KeyChord *c = &kc->ring[(kc->head + kc->count) % RING];
    for (unsigned i = 0; i < n; i++)
        c->codes[i] = codes[i];
    c->n = n;
    c->hold_ms = hold_ms;
    if (kc->count++ == 0)
        key_chord_press(kc, vclock_ns());
    return 0;
}
