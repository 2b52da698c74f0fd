/* keycodes.c - Linux keycodes, PC scan codes and libvirt's code sets
 * (see keycodes.h).
 *
 * One table: for every key of a 105-key PC keyboard (plus the usual
 * multimedia and power keys), its Linux keycode and its set 1 and set 2
 * make codes.  For Linux keycodes 1-88 the set 1 code equals the
 * keycode (Linux numbered its keys after the XT), which the unit test
 * checks along with the set 2 codes an 8042 translates back to them.
 * The KEY_* names come from <linux/input-event-codes.h> at build time
 * (keycode_names.h, made by the Makefile). */
#include "config.h"

#include "keycodes.h"

#include <string.h>

#define E0 true

static const KeyScan keys[] = {
    { 1, 0x01, 0x76, 0 },   { 2, 0x02, 0x16, 0 },   { 3, 0x03, 0x1e, 0 },
    { 4, 0x04, 0x26, 0 },   { 5, 0x05, 0x25, 0 },   { 6, 0x06, 0x2e, 0 },
    { 7, 0x07, 0x36, 0 },   { 8, 0x08, 0x3d, 0 },   { 9, 0x09, 0x3e, 0 },
    { 10, 0x0a, 0x46, 0 },  { 11, 0x0b, 0x45, 0 },  { 12, 0x0c, 0x4e, 0 },
    { 13, 0x0d, 0x55, 0 },  { 14, 0x0e, 0x66, 0 },  { 15, 0x0f, 0x0d, 0 },
    { 16, 0x10, 0x15, 0 },  { 17, 0x11, 0x1d, 0 },  { 18, 0x12, 0x24, 0 },
    { 19, 0x13, 0x2d, 0 },  { 20, 0x14, 0x2c, 0 },  { 21, 0x15, 0x35, 0 },
    { 22, 0x16, 0x3c, 0 },  { 23, 0x17, 0x43, 0 },  { 24, 0x18, 0x44, 0 },
    { 25, 0x19, 0x4d, 0 },  { 26, 0x1a, 0x54, 0 },  { 27, 0x1b, 0x5b, 0 },
    { 28, 0x1c, 0x5a, 0 },  { 29, 0x1d, 0x14, 0 },  { 30, 0x1e, 0x1c, 0 },
    { 31, 0x1f, 0x1b, 0 },  { 32, 0x20, 0x23, 0 },  { 33, 0x21, 0x2b, 0 },
    { 34, 0x22, 0x34, 0 },  { 35, 0x23, 0x33, 0 },  { 36, 0x24, 0x3b, 0 },
    { 37, 0x25, 0x42, 0 },  { 38, 0x26, 0x4b, 0 },  { 39, 0x27, 0x4c, 0 },
    { 40, 0x28, 0x52, 0 },  { 41, 0x29, 0x0e, 0 },  { 42, 0x2a, 0x12, 0 },
    { 43, 0x2b, 0x5d, 0 },  { 44, 0x2c, 0x1a, 0 },  { 45, 0x2d, 0x22, 0 },
    { 46, 0x2e, 0x21, 0 },  { 47, 0x2f, 0x2a, 0 },  { 48, 0x30, 0x32, 0 },
    { 49, 0x31, 0x31, 0 },  { 50, 0x32, 0x3a, 0 },  { 51, 0x33, 0x41, 0 },
    { 52, 0x34, 0x49, 0 },  { 53, 0x35, 0x4a, 0 },  { 54, 0x36, 0x59, 0 },
    { 55, 0x37, 0x7c, 0 },  { 56, 0x38, 0x11, 0 },  { 57, 0x39, 0x29, 0 },
    { 58, 0x3a, 0x58, 0 },  { 59, 0x3b, 0x05, 0 },  { 60, 0x3c, 0x06, 0 },
    { 61, 0x3d, 0x04, 0 },  { 62, 0x3e, 0x0c, 0 },  { 63, 0x3f, 0x03, 0 },
    { 64, 0x40, 0x0b, 0 },  { 65, 0x41, 0x83, 0 },  { 66, 0x42, 0x0a, 0 },
    { 67, 0x43, 0x01, 0 },  { 68, 0x44, 0x09, 0 },  { 69, 0x45, 0x77, 0 },
    { 70, 0x46, 0x7e, 0 },  { 71, 0x47, 0x6c, 0 },  { 72, 0x48, 0x75, 0 },
    { 73, 0x49, 0x7d, 0 },  { 74, 0x4a, 0x7b, 0 },  { 75, 0x4b, 0x6b, 0 },
    { 76, 0x4c, 0x73, 0 },  { 77, 0x4d, 0x74, 0 },  { 78, 0x4e, 0x79, 0 },
    { 79, 0x4f, 0x69, 0 },  { 80, 0x50, 0x72, 0 },  { 81, 0x51, 0x7a, 0 },
    { 82, 0x52, 0x70, 0 },  { 83, 0x53, 0x71, 0 },  { 86, 0x56, 0x61, 0 },
    { 87, 0x57, 0x78, 0 },  { 88, 0x58, 0x07, 0 },  { 89, 0x73, 0x51, 0 },   /* RO */
    { 96, 0x1c, 0x5a, E0 }, { 97, 0x1d, 0x14, E0 }, { 98, 0x35, 0x4a, E0 },
    { 99, 0x37, 0x7c, E0 }, { 100, 0x38, 0x11, E0 }, { 102, 0x47, 0x6c, E0 },
    { 103, 0x48, 0x75, E0 }, { 104, 0x49, 0x7d, E0 }, { 105, 0x4b, 0x6b, E0 },
    { 106, 0x4d, 0x74, E0 }, { 107, 0x4f, 0x69, E0 }, { 108, 0x50, 0x72, E0 },
    { 109, 0x51, 0x7a, E0 }, { 110, 0x52, 0x70, E0 }, { 111, 0x53, 0x71, E0 },
    { 113, 0x20, 0x23, E0 }, { 114, 0x2e, 0x21, E0 }, { 115, 0x30, 0x32, E0 },
    { 116, 0x5e, 0x37, E0 }, { 117, 0x59, 0x0f, 0 },  { 119, 0x45, 0x77, 0 },   /* PAUSE: E1 */
    { 124, 0x7d, 0x6a, 0 },  /* YEN */
    { 125, 0x5b, 0x1f, E0 }, { 126, 0x5c, 0x27, E0 }, { 127, 0x5d, 0x2f, E0 },
    { 142, 0x5f, 0x3f, E0 }, { 143, 0x63, 0x5e, E0 },
};

#define KEY_PAUSE_CODE 119

typedef struct {
    const char *name;
    int code;
} KeyName;

static const KeyName names[] = {
#include "keycode_names.h"
};

const KeyScan *keycode_scan(unsigned code)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (keys[i].code == code)
            return &keys[i];
    return NULL;
}

int keycode_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(names[i].name, name))
            return names[i].code;
    return -1;
}

const char *keycode_name(unsigned code)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if ((unsigned)names[i].code == code)
            return names[i].name;
    return NULL;
}

int keycode_codeset_from_name(const char *name)
{
    static const struct {
        const char *name;
        KeyCodeset set;
    } sets[] = {
        { "linux", KEYCODESET_LINUX }, { "xt", KEYCODESET_XT },
        { "atset1", KEYCODESET_ATSET1 }, { "atset2", KEYCODESET_ATSET2 },
        { "qnum", KEYCODESET_QNUM }, { "rfb", KEYCODESET_QNUM },
    };
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        if (!strcmp(sets[i].name, name))
            return sets[i].set;
    return -1;
}

int keycode_to_linux(KeyCodeset set, unsigned code)
{
    if (set == KEYCODESET_LINUX)
        return code <= KEYCODE_MAX && keycode_scan(code) ? (int)code : -1;
    bool e0 = false;
    unsigned base = code;
    switch (set) {
    case KEYCODESET_XT:
        break;
    case KEYCODESET_ATSET1:
    case KEYCODESET_ATSET2:
        if ((code & 0xff00) == 0xe000) {
            e0 = true;
            base = code & 0xff;
        }
        break;
    case KEYCODESET_QNUM:
        if (code & 0x80) {
            e0 = true;
            base = code & 0x7f;
        }
        break;
    default:
        return -1;
    }
    if (base > 0xff)
        return -1;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const KeyScan *k = &keys[i];
        uint8_t c = set == KEYCODESET_ATSET2 ? k->set2 : k->set1;
        if (c == base && k->e0 == e0 && k->code != KEY_PAUSE_CODE)
            return k->code;
    }
    return -1;
}

int keycode_ps2_bytes(const KeyScan *k, int set, bool down, uint8_t *out)
{
    int n = 0;
    if (k->code == KEY_PAUSE_CODE) {
        /* Pause sends its make and break codes on press, nothing on release. */
        static const uint8_t s1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
        static const uint8_t s2[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
        if (!down)
            return 0;
        const uint8_t *src = set == 1 ? s1 : s2;
        n = set == 1 ? (int)sizeof(s1) : (int)sizeof(s2);
        memcpy(out, src, n);
        return n;
    }
    if (k->e0)
        out[n++] = 0xe0;
    if (set == 1) {
        out[n++] = down ? k->set1 : (uint8_t)(k->set1 | 0x80);
    } else {
        if (!down)
            out[n++] = 0xf0;
        out[n++] = k->set2;
    }
    return n;
}
