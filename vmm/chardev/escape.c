/* escape.c - the stdio console's Ctrl-A escape (see escape.h). */
#include "config.h"

#include "vmm/chardev/escape.h"

/* What the key after Ctrl-A does. */
static ChardevEscapeAction chardev_escape_command(uint8_t key)
{
    static const struct {
        uint8_t key;
        ChardevEscapeAction action;
    } commands[] = {
        { 'x', CHARDEV_ESCAPE_QUIT },
        { 'X', CHARDEV_ESCAPE_QUIT },
    };
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (commands[i].key == key)
            return commands[i].action;
    return CHARDEV_ESCAPE_NONE;
}

size_t chardev_escape_filter(ChardevEscape *esc, uint8_t *buf, size_t len,
                             ChardevEscapeAction *action)
{
    size_t out = 0;
    *action = CHARDEV_ESCAPE_NONE;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (!esc->pending && c == CHARDEV_ESCAPE_CHAR) {
            esc->pending = true;
            continue;
        }
        if (esc->pending) {
            esc->pending = false;
            *action = chardev_escape_command(c);
            if (*action != CHARDEV_ESCAPE_NONE)
                return out;
        }
        buf[out++] = c; /* a plain key, the key after Ctrl-A, or Ctrl-A Ctrl-A */
    }
    return out;
}
