/* vga.h - the legacy VGA register file: misc output, sequencer, CRTC,
 * graphics controller, attribute controller, DAC and input status, at
 * ports 0x3b0-0x3df (the CRTC and input status at 0x3b4/0x3ba or
 * 0x3d4/0x3da as the misc output register's I/O select says).
 *
 * Power-on state is BIOS text mode 3 (80x25, 9x16 cells, colour, text at
 * 0xb8000), so a kernel booted directly (vgacon) finds the screen a
 * BIOS would have left it.  The legacy memory window 0xa0000-0xbffff is
 * plain guest memory on vessel-pc (no planar modes): the renderer reads
 * the text cells from there, at the base the graphics controller's
 * memory map selects.  Register values are stored as written; vga_text()
 * turns them into a geometry clamped to what can be drawn. */
#ifndef VESSEL_HW_VGA_H
#define VESSEL_HW_VGA_H

#include <stdbool.h>
#include <stdint.h>

#define VGA_PORT_BASE 0x3b0
#define VGA_PORT_COUNT 0x30
#define VGA_MAX_COLS 160
#define VGA_MAX_ROWS 100

typedef struct {
    uint8_t misc;
    uint8_t seq_index, seq[8];
    uint8_t crtc_index, crtc[0x20];
    uint8_t gc_index, gc[16];
    uint8_t ac_index, ac[0x20];
    bool ac_data;                /* attribute controller flip-flop: next write is data */
    uint8_t dac_write, dac_read, dac_comp, dac_state, pel_mask;
    uint8_t dac[256][3];         /* 6-bit (or 8-bit with VBE's 8-bit DAC) */
    uint8_t feature, enable;
    uint8_t retrace;             /* toggles on each input status 1 read */
} Vga;

/* The text screen the registers describe. */
typedef struct {
    bool text;                   /* graphics controller says alphanumeric */
    bool blank;                  /* attribute controller not on the screen, or screen off */
    unsigned cols, rows;         /* clamped to VGA_MAX_COLS x VGA_MAX_ROWS (0 = unusable) */
    unsigned char_w, char_h;     /* 8 or 9; 1-32 */
    uint32_t mem_base, mem_size; /* guest-physical window of the text cells */
    unsigned start;              /* first cell (CRTC start address, in cells) */
    bool cursor_on;
    unsigned cursor;             /* cell offset from the window base */
    unsigned cursor_start, cursor_end; /* scan lines within a cell */
    bool blink;                  /* attribute bit 7 = blink (else bright background) */
    bool line_graphics;          /* 9th column repeats for 0xc0-0xdf */
    uint32_t palette[16];        /* 0x00RRGGBB for attribute colours 0-15 */
} VgaText;

void vga_reset(Vga *v);
/* @port is the I/O port (0x3b0-0x3df). */
uint8_t vga_port_read(Vga *v, uint16_t port);
void vga_port_write(Vga *v, uint16_t port, uint8_t val);
void vga_text(const Vga *v, VgaText *out);
/* The DAC as 0x00RRGGBB (@dac_8bit: entries hold 8-bit components). */
void vga_palette(const Vga *v, bool dac_8bit, uint32_t out[256]);

#endif
