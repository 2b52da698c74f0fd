/* key_chords.h - send-key chords typed in order on the PS/2 keyboard.
 *
 * libvirt's send-key presses a chord (up to 16 keys), holds it, releases
 * it in reverse order, and returns at once.  Chords from calls that come
 * faster than their hold time queue behind the one held, so the guest
 * always sees press..release of one chord before the next press (without
 * it a shift released late shifts the next key).  The release is a
 * machine timer, so it fires on guest-visible time even while the control
 * thread is busy.  Every call here is made with the machine's device
 * lock held. */
#ifndef VESSEL_HW_KEY_CHORDS_H
#define VESSEL_HW_KEY_CHORDS_H

#include "vmm/hw/i8042.h"
#include "vmm/timer.h"

#define KEY_CHORD_KEYS 16   /* keys in one chord, as libvirt */
#define KEY_CHORDS_QUEUED 64 /* chords waiting behind the held one */

typedef struct KeyChords KeyChords;

KeyChords *key_chords_new(I8042 *kbd, TimerList *tl);
void key_chords_free(KeyChords *kc);
/* Type @n Linux keycodes held for @hold_ms; 0, or -EINVAL if a code is
 * not on the keyboard (*@bad is its index; nothing is typed), -E2BIG
 * for 0 or too many codes, -EBUSY when KEY_CHORDS_QUEUED chords wait. */
int key_chords_push(KeyChords *kc, const unsigned *codes, unsigned n, unsigned hold_ms,
                    unsigned *bad);
/* Chords not yet released (the held one included). */
unsigned key_chords_pending(const KeyChords *kc);

#endif
