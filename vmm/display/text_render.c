/* text_render.c - VGA text cells to pixels (see text_render.h). */
#include "config.h"

#include "vmm/display/text_render.h"

#include <stddef.h>

void text_render_cell(uint32_t *fb, unsigned stride, const VgaText *t, unsigned col,
                      unsigned row, uint16_t cell, bool cursor)
{
    uint8_t ch = cell & 0xff, attr = cell >> 8;
    uint32_t fg = t->palette[attr & 0x0f];
    uint32_t bg = t->palette[(attr >> 4) & (t->blink ? 0x07 : 0x0f)];
    bool ninth_repeats = t->char_w == 9 && t->line_graphics && ch >= 0xc0 && ch <= 0xdf;
    uint32_t *base = fb + (size_t)row * t->char_h * stride + (size_t)col * t->char_w;
    for (unsigned y = 0; y < t->char_h; y++) {
        uint8_t bits = y < 16 ? text_font8x16[ch][y] : 0;
        if (cursor && y >= t->cursor_start && y <= t->cursor_end)
            bits = 0xff;
        uint32_t *p = base + (size_t)y * stride;
        for (unsigned x = 0; x < 8; x++)
            p[x] = (bits & (0x80 >> x)) ? fg : bg;
        if (t->char_w == 9)
            p[8] = ((ninth_repeats || (cursor && y >= t->cursor_start && y <= t->cursor_end)) &&
                    (bits & 1)) ? fg : bg;
    }
}
