/* keycodes.h - keyboard codes shared by the VMM (PS/2 keyboard), the
 * daemon (send-key code sets) and vsh (key names).
 *
 * The common currency is the Linux input keycode (KEY_A = 30, ...; the
 * names are those of <linux/input-event-codes.h>, which is what
 * libvirt's "linux" code set and its virsh send-key names use).  Each
 * key of a PC keyboard also has its scan codes: set 1 (what an XT sends,
 * and what an 8042 hands the OS when it translates) and set 2 (what an
 * AT/PS2 keyboard sends), with an 0xE0 prefix for the extended keys. */
#ifndef VESSEL_KEYCODES_H
#define VESSEL_KEYCODES_H

#include <stdbool.h>
#include <stdint.h>

#define KEYCODE_MAX 0x2ff

typedef struct {
    uint16_t code;   /* Linux keycode */
    uint8_t set1;    /* set 1 make code (without 0xE0) */
    uint8_t set2;    /* set 2 make code (without 0xE0) */
    bool e0;         /* both sets prefix 0xE0 */
} KeyScan;

/* libvirt's code sets (virKeycodeSet) that we translate. */
typedef enum {
    KEYCODESET_LINUX,
    KEYCODESET_XT,       /* set 1 without extended keys */
    KEYCODESET_ATSET1,   /* set 1; extended keys as 0xe0XX */
    KEYCODESET_ATSET2,   /* set 2; extended keys as 0xe0XX */
    KEYCODESET_QNUM,     /* set 1; extended keys as 0x80 | XX (also "rfb") */
    KEYCODESET_LAST
} KeyCodeset;

/* Scan codes of Linux keycode @code, NULL if a PC keyboard has no such key. */
const KeyScan *keycode_scan(unsigned code);
/* KEY_* name -> Linux keycode; -1 if unknown.  Case-sensitive, as libvirt. */
int keycode_from_name(const char *name);
/* Name of a Linux keycode (first one defined), NULL if none. */
const char *keycode_name(unsigned code);
/* "linux", "xt", "atset1", "atset2", "qnum", "rfb" (= qnum); -1 if unknown. */
int keycode_codeset_from_name(const char *name);
/* A code in @set -> Linux keycode; -1 if it has no PC key. */
int keycode_to_linux(KeyCodeset set, unsigned code);
/* The PS/2 bytes of a key press or release in set 1 (@set 1) or set 2
 * (@set 2) into @out (at least 8 bytes); returns how many. */
int keycode_ps2_bytes(const KeyScan *k, int set, bool down, uint8_t *out);

#endif
