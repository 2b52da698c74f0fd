/* text_render.h - draws VGA text cells (character + attribute words)
 * into a 32-bit 0x00RRGGBB pixel buffer with the 8x16 font in code page
 * 437 order (font8x16.c, generated at build time by mkfont from a Debian
 * console font).
 *
 * Cells are char_w x char_h pixels: the glyph's top char_h rows (blank
 * below row 16), a 9th column that repeats the 8th for 0xc0-0xdf when
 * line graphics are on (box drawing joins up) and is background
 * otherwise.  Attribute: foreground bits 0-3, background bits 4-6 (bit
 * 7 too unless blink is enabled; blinking text is drawn steady).  The
 * cursor fills scan lines cursor_start..cursor_end in the foreground
 * colour (steady, so screenshots are reproducible). */
#ifndef VESSEL_DISPLAY_TEXT_RENDER_H
#define VESSEL_DISPLAY_TEXT_RENDER_H

#include "vmm/hw/vga.h"

#include <stdbool.h>
#include <stdint.h>

extern const uint8_t text_font8x16[256][16];

/* Draw cell @cell at column @col, row @row of @t into @fb (@stride
 * pixels per line; the caller sized it for t->cols x t->rows cells). */
void text_render_cell(uint32_t *fb, unsigned stride, const VgaText *t, unsigned col,
                      unsigned row, uint16_t cell, bool cursor);

#endif
