/* vga.c - the legacy VGA register file (see vga.h).
 *
 * Each register group is an index/data pair; indexes are masked to the
 * size of the group's array, so no index reaches outside it.  The
 * attribute controller shares one port for index and data (a flip-flop
 * that a read of input status 1 resets); the DAC auto-increments through
 * R, G, B triplets.  Input status 1 toggles its retrace bits on every
 * read, so a guest that waits for vertical retrace sees one soon. */
#include "config.h"

#include "vmm/hw/vga.h"

#include <string.h>

#define MISC_COLOR 0x01          /* CRTC at 0x3d4, else 0x3b4 */
#define SR1_8DOT 0x01
#define SR1_SCREEN_OFF 0x20
#define GC6_GRAPHICS 0x01
#define AC_INDEX_PAS 0x20        /* palette address source: video on */
#define AC_MODE 0x10
#define AC_COLOR_SELECT 0x14
#define AC_MODE_LGE 0x04
#define AC_MODE_BLINK 0x08
#define AC_MODE_P54S 0x80
#define CRTC_PROTECT 0x80        /* in register 0x11: registers 0-7 read-only */

/* BIOS mode 3: 80x25 text, 720x400. */
static const uint8_t mode3_seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_crtc[25] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
    0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
static const uint8_t mode3_ac[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
    0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00,
};

void vga_reset(Vga *v)
{
    memset(v, 0, sizeof(*v));
    v->misc = 0x67;
    memcpy(v->seq, mode3_seq, sizeof(mode3_seq));
    memcpy(v->crtc, mode3_crtc, sizeof(mode3_crtc));
    memcpy(v->gc, mode3_gc, sizeof(mode3_gc));
    memcpy(v->ac, mode3_ac, sizeof(mode3_ac));
    v->ac_index = AC_INDEX_PAS;
    v->pel_mask = 0xff;
    v->enable = 1;
    /* DAC 0-63: the EGA colours (bits 0-2 two thirds of B, G, R; bits
     * 3-5 one third), which the mode 3 attribute palette points at. */
    for (int i = 0; i < 64; i++) {
        for (int c = 0; c < 3; c++) {
            int hi = (i >> (2 - c)) & 1, lo = (i >> (5 - c)) & 1;
            v->dac[i][c] = (uint8_t)(hi * 0x2a + lo * 0x15);
        }
    }
}

static bool vga_color(const Vga *v)
{
    return v->misc & MISC_COLOR;
}

/* The CRTC/input status ports answer only at the selected base. */
static bool vga_port_active(const Vga *v, uint16_t port)
{
    if ((port >= 0x3b0 && port <= 0x3bf) && vga_color(v))
        return false;
    if ((port >= 0x3d0 && port <= 0x3df) && !vga_color(v))
        return false;
    return true;
}

uint8_t vga_port_read(Vga *v, uint16_t port)
{
    if (!vga_port_active(v, port))
        return 0xff;
    switch (port) {
    case 0x3c0:
        return v->ac_index;
    case 0x3c1:
        return v->ac[v->ac_index & 0x1f];
    case 0x3c2:
        return 0x10;                 /* input status 0: switch sense */
    case 0x3c3:
        return v->enable;
    case 0x3c4:
        return v->seq_index;
    case 0x3c5:
        return v->seq[v->seq_index & 7];
    case 0x3c6:
        return v->pel_mask;
    case 0x3c7:
        return v->dac_state;
    case 0x3c8:
        return v->dac_write;
    case 0x3c9: {
        uint8_t val = v->dac[v->dac_read][v->dac_comp];
        if (++v->dac_comp == 3) {
            v->dac_comp = 0;
            v->dac_read++;
        }
        return val;
    }
    case 0x3ca:
        return v->feature;
    case 0x3cc:
        return v->misc;
    case 0x3ce:
        return v->gc_index;
    case 0x3cf:
        return v->gc[v->gc_index & 0xf];
    case 0x3b4:
    case 0x3d4:
        return v->crtc_index;
    case 0x3b5:
    case 0x3d5:
        return v->crtc[v->crtc_index & 0x1f];
    case 0x3ba:
    case 0x3da:
        v->ac_data = false;
        v->retrace ^= 0x09;          /* display disabled + vertical retrace */
        return v->retrace;
    default:
        return 0xff;
    }
}

static void vga_crtc_write(Vga *v, uint8_t val)
{
    unsigned i = v->crtc_index & 0x1f;
    if ((v->crtc[0x11] & CRTC_PROTECT) && i <= 7) {
        if (i == 7) /* only the line compare bit 8 stays writable */
            v->crtc[7] = (uint8_t)((v->crtc[7] & ~0x10) | (val & 0x10));
        return;
    }
    v->crtc[i] = val;
}

void vga_port_write(Vga *v, uint16_t port, uint8_t val)
{
    if (!vga_port_active(v, port))
        return;
    switch (port) {
    case 0x3c0:
        if (!v->ac_data)
            v->ac_index = val & 0x3f;
        else
            v->ac[v->ac_index & 0x1f] = val;
        v->ac_data = !v->ac_data;
        break;
    case 0x3c2:
        v->misc = val;
        break;
    case 0x3c3:
        v->enable = val & 1;
        break;
    case 0x3c4:
        v->seq_index = val;
        break;
    case 0x3c5:
        v->seq[v->seq_index & 7] = val;
        break;
    case 0x3c6:
        v->pel_mask = val;
        break;
    case 0x3c7:
        v->dac_read = val;
        v->dac_comp = 0;
        v->dac_state = 0x03;
        break;
    case 0x3c8:
        v->dac_write = val;
        v->dac_comp = 0;
        v->dac_state = 0x00;
        break;
    case 0x3c9:
        v->dac[v->dac_write][v->dac_comp] = val;
        if (++v->dac_comp == 3) {
            v->dac_comp = 0;
            v->dac_write++;
        }
        break;
    case 0x3ba:
    case 0x3da:
        v->feature = val;
        break;
    case 0x3ce:
        v->gc_index = val;
        break;
    case 0x3cf:
        v->gc[v->gc_index & 0xf] = val;
        break;
    case 0x3b4:
    case 0x3d4:
        v->crtc_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        vga_crtc_write(v, val);
        break;
    default:
        break;
    }
}

static uint32_t vga_dac_rgb(const Vga *v, unsigned index, bool dac_8bit)
{
    const uint8_t *e = v->dac[index & v->pel_mask];
    uint32_t rgb = 0;
    for (int c = 0; c < 3; c++) {
        unsigned x = dac_8bit ? e[c] : (unsigned)((e[c] & 0x3f) << 2 | (e[c] & 0x3f) >> 4);
        rgb = rgb << 8 | x;
    }
    return rgb;
}

void vga_palette(const Vga *v, bool dac_8bit, uint32_t out[256])
{
    for (unsigned i = 0; i < 256; i++)
        out[i] = vga_dac_rgb(v, i, dac_8bit);
}

void vga_text(const Vga *v, VgaText *t)
{
    static const uint32_t bases[4] = { 0xa0000, 0xa0000, 0xb0000, 0xb8000 };
    static const uint32_t sizes[4] = { 0x20000, 0x10000, 0x8000, 0x8000 };
    memset(t, 0, sizeof(*t));
    t->text = !(v->gc[6] & GC6_GRAPHICS);
    t->blank = !(v->ac_index & AC_INDEX_PAS) || (v->seq[1] & SR1_SCREEN_OFF);
    unsigned map = (v->gc[6] >> 2) & 3;
    t->mem_base = bases[map];
    t->mem_size = sizes[map];
    t->char_w = (v->seq[1] & SR1_8DOT) ? 8 : 9;
    t->char_h = (v->crtc[9] & 0x1f) + 1;
    unsigned lines = v->crtc[0x12] | (v->crtc[7] & 0x02) << 7 | (v->crtc[7] & 0x40) << 3;
    lines += 1;
    if (v->crtc[9] & 0x80)
        lines /= 2; /* double scan */
    unsigned cols = v->crtc[1] + 1u, rows = lines / t->char_h;
    if (cols <= VGA_MAX_COLS && rows >= 1 && rows <= VGA_MAX_ROWS) {
        t->cols = cols;
        t->rows = rows;
    }
    t->start = (unsigned)v->crtc[0x0c] << 8 | v->crtc[0x0d];
    t->cursor = (unsigned)v->crtc[0x0e] << 8 | v->crtc[0x0f];
    t->cursor_start = v->crtc[0x0a] & 0x1f;
    t->cursor_end = v->crtc[0x0b] & 0x1f;
    t->cursor_on = !(v->crtc[0x0a] & 0x20) && t->cursor_start <= t->cursor_end &&
                   t->cursor_start < t->char_h;
    uint8_t mode = v->ac[AC_MODE];
    t->blink = mode & AC_MODE_BLINK;
    t->line_graphics = mode & AC_MODE_LGE;
    uint8_t cs = v->ac[AC_COLOR_SELECT];
    for (unsigned i = 0; i < 16; i++) {
        unsigned idx = v->ac[i] & 0x3f;
        if (mode & AC_MODE_P54S)
            idx = (idx & 0x0f) | (cs & 0x03) << 4;
        idx |= (cs & 0x0c) << 4;
        t->palette[i] = vga_dac_rgb(v, idx, false);
    }
}
