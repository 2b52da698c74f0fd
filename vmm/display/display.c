/* display.c - VGA text or VBE framebuffer to pixels (see display.h).
 *
 * Text mode keeps a copy of the cells it drew, the cursor and the
 * geometry/palette: only cells that differ are redrawn.  Graphics modes
 * convert the guest's rows (8 bpp through the DAC palette, 15/16 bpp
 * 5-5-5/5-6-5, 24 and 32 bpp BGR, or with the big-endian byte order
 * RGB and XRGB) and compare them with the buffer in
 * 64-pixel spans; changed rows are merged into rectangles.  Every mode
 * geometry was validated against VRAM by vbe_mode(); the text window
 * is read modulo its size. */
#include "config.h"

#include "vmm/display/display.h"

#include "vmm/display/text_render.h"
#include "vmm/hw/stdvga.h"

#include <gio/gio.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#define SPAN 64

struct Display {
    Machine *m;
    StdVga *vga;
    GMutex lock;
    uint32_t *fb;            /* DISPLAY_MAX_W * DISPLAY_MAX_H, lazily touched */
    unsigned w, h;
    StdVgaKind kind;
    bool valid;              /* fb matches the last screen (else redraw all) */
    /* text mode: what was drawn */
    VgaText text;
    uint16_t cells[VGA_MAX_COLS * VGA_MAX_ROWS];
    int cursor_cell;         /* -1: none */
    /* what updates without hooks saw (display_flush_pending) */
    bool pending_resize;
    unsigned pending_x0, pending_y0, pending_x1, pending_y1;
    /* graphics mode */
    VbeMode mode;
    bool big_endian;
    uint32_t palette[256];
    uint32_t *row;           /* one converted row */
};

Display *display_new(Machine *m)
{
    StdVga *vga = machine_vga(m);
    if (!vga)
        return NULL;
    Display *d = g_new0(Display, 1);
    d->m = m;
    d->vga = vga;
    g_mutex_init(&d->lock);
    d->fb = g_malloc0((size_t)DISPLAY_MAX_W * DISPLAY_MAX_H * 4);
    d->row = g_malloc0((size_t)DISPLAY_MAX_W * 4);
    d->cursor_cell = -1;
    return d;
}

void display_free(Display *d)
{
    if (!d)
        return;
    g_mutex_clear(&d->lock);
    g_free(d->fb);
    g_free(d->row);
    g_free(d);
}

void display_lock(Display *d)
{
    g_mutex_lock(&d->lock);
}

void display_unlock(Display *d)
{
    g_mutex_unlock(&d->lock);
}

const uint32_t *display_pixels(Display *d, unsigned *w, unsigned *h)
{
    *w = d->w;
    *h = d->h;
    return d->fb;
}

/* Changes seen by an update without hooks (a screenshot) are kept for
 * the next update with hooks (the VNC thread), so no client misses a
 * resize or a damaged rectangle because a screenshot drew it first. */
static void display_resize(Display *d, unsigned w, unsigned h, const DisplayHooks *hooks,
                           void *opaque)
{
    if (w == d->w && h == d->h && d->valid)
        return;
    d->w = w;
    d->h = h;
    d->valid = false;
    memset(d->fb, 0, (size_t)w * h * 4);
    if (hooks && hooks->resize)
        hooks->resize(opaque, d->fb, w, h);
    else
        d->pending_resize = true;
}

static void damage(Display *d, const DisplayHooks *hooks, void *opaque, unsigned x, unsigned y,
                   unsigned w, unsigned h)
{
    if (!w || !h)
        return;
    if (hooks && hooks->damage) {
        hooks->damage(opaque, x, y, w, h);
    } else if (d->pending_x1 == 0) {
        d->pending_x0 = x;
        d->pending_y0 = y;
        d->pending_x1 = x + w;
        d->pending_y1 = y + h;
    } else {
        d->pending_x0 = MIN(d->pending_x0, x);
        d->pending_y0 = MIN(d->pending_y0, y);
        d->pending_x1 = MAX(d->pending_x1, x + w);
        d->pending_y1 = MAX(d->pending_y1, y + h);
    }
}

/* Hand what hook-less updates saw to @hooks. */
static void display_flush_pending(Display *d, const DisplayHooks *hooks, void *opaque)
{
    if (!hooks)
        return;
    if (d->pending_resize && hooks->resize)
        hooks->resize(opaque, d->fb, d->w, d->h);
    else if (d->pending_x1 && hooks->damage)
        hooks->damage(opaque, d->pending_x0, d->pending_y0, d->pending_x1 - d->pending_x0,
                      d->pending_y1 - d->pending_y0);
    d->pending_resize = false;
    d->pending_x0 = d->pending_y0 = d->pending_x1 = d->pending_y1 = 0;
}

/* ---- text ---------------------------------------------------------- */

static void display_text(Display *d, const StdVgaScreen *s, const DisplayHooks *hooks,
                         void *opaque)
{
    const VgaText *t = &s->text;
    display_resize(d, t->cols * t->char_w, t->rows * t->char_h, hooks, opaque);
    const uint16_t *mem = machine_ram_ptr(d->m, t->mem_base, t->mem_size);
    unsigned ncells = t->mem_size / 2;
    bool all = !d->valid || memcmp(&d->text, t, sizeof(*t)) != 0;
    int cursor = -1;
    if (t->cursor_on && t->cursor >= t->start && t->cursor - t->start < t->cols * t->rows)
        cursor = (int)(t->cursor - t->start);
    for (unsigned r = 0; r < t->rows; r++) {
        int x0 = -1, x1 = -1;
        for (unsigned c = 0; c < t->cols; c++) {
            unsigned i = r * t->cols + c;
            uint16_t cell = mem ? mem[(t->start + i) % ncells] : 0;
            bool cur = (int)i == cursor;
            bool was_cur = (int)i == d->cursor_cell;
            if (!all && cell == d->cells[i] && cur == was_cur)
                continue;
            d->cells[i] = cell;
            text_render_cell(d->fb, d->w, t, c, r, cell, cur);
            if (x0 < 0)
                x0 = (int)c;
            x1 = (int)c + 1;
        }
        if (x0 >= 0)
            damage(d, hooks, opaque, x0 * t->char_w, r * t->char_h, (x1 - x0) * t->char_w,
                   t->char_h);
    }
    d->cursor_cell = cursor;
    d->text = *t;
    d->valid = true;
}

/* ---- graphics ------------------------------------------------------ */

/* One row of the guest's pixels to 0x00RRGGBB: a converter per depth
 * and byte order (bochs-drm's BGRX8888 is 32 bpp big-endian). */
typedef void (*RowConvert)(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w);

static uint32_t rgb555(unsigned p)
{
    unsigned r = (p >> 10) & 31, g = (p >> 5) & 31, b = p & 31;
    return (r << 3 | r >> 2) << 16 | (g << 3 | g >> 2) << 8 | (b << 3 | b >> 2);
}

static uint32_t rgb565(unsigned p)
{
    unsigned r = (p >> 11) & 31, g = (p >> 5) & 63, b = p & 31;
    return (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 | (b << 3 | b >> 2);
}

static void row8(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    for (unsigned x = 0; x < w; x++)
        out[x] = palette[src[x]];
}

static void row15le(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = rgb555(src[2 * x] | src[2 * x + 1] << 8);
}

static void row15be(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = rgb555(src[2 * x] << 8 | src[2 * x + 1]);
}

static void row16le(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = rgb565(src[2 * x] | src[2 * x + 1] << 8);
}

static void row16be(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = rgb565(src[2 * x] << 8 | src[2 * x + 1]);
}

static void row24le(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = (uint32_t)src[3 * x + 2] << 16 | src[3 * x + 1] << 8 | src[3 * x];
}

static void row24be(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = (uint32_t)src[3 * x] << 16 | src[3 * x + 1] << 8 | src[3 * x + 2];
}

static void row32le(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = (uint32_t)src[4 * x + 2] << 16 | src[4 * x + 1] << 8 | src[4 * x];
}

static void row32be(const uint32_t *palette, const uint8_t *src, uint32_t *out, unsigned w)
{
    (void)palette;
    for (unsigned x = 0; x < w; x++)
        out[x] = (uint32_t)src[4 * x + 1] << 16 | src[4 * x + 2] << 8 | src[4 * x + 3];
}

static const struct {
    unsigned bpp;
    RowConvert le, be;
} row_converters[] = {
    { 8, row8, row8 },
    { 15, row15le, row15be },
    { 16, row16le, row16be },
    { 24, row24le, row24be },
    { 32, row32le, row32be },
};

static RowConvert row_converter(unsigned bpp, bool big_endian)
{
    for (size_t i = 0; i < G_N_ELEMENTS(row_converters); i++)
        if (row_converters[i].bpp == bpp)
            return big_endian ? row_converters[i].be : row_converters[i].le;
    return row32le; /* vbe_mode() admits no other depth */
}

static void display_graphics(Display *d, const StdVgaScreen *s, const DisplayHooks *hooks,
                             void *opaque)
{
    const VbeMode *m = &s->mode;
    display_resize(d, m->width, m->height, hooks, opaque);
    bool all = !d->valid || memcmp(&d->mode, m, sizeof(*m)) != 0 ||
               d->big_endian != s->big_endian ||
               (m->bpp == 8 && memcmp(d->palette, s->palette, sizeof(d->palette)) != 0);
    d->mode = *m;
    d->big_endian = s->big_endian;
    RowConvert convert = row_converter(m->bpp, s->big_endian);
    memcpy(d->palette, s->palette, sizeof(d->palette));
    const uint8_t *vram = stdvga_vram(d->vga) + m->offset;
    unsigned run_y = 0, run_x0 = 0, run_x1 = 0;
    bool run = false;
    for (unsigned y = 0; y < m->height; y++) {
        const uint8_t *src = vram + (size_t)y * m->stride;
        uint32_t *dst = d->fb + (size_t)y * m->width;
        unsigned x0 = m->width, x1 = 0;
        /* 32 bpp little-endian with a zero X byte is our format: an
         * unchanged row costs one compare, no conversion (the idle case
         * with a viewer) */
        if (!all && m->bpp == 32 && !s->big_endian && !memcmp(src, dst, (size_t)m->width * 4))
            goto row_done;
        convert(d->palette, src, d->row, m->width);
        for (unsigned x = 0; x < m->width; x += SPAN) {
            unsigned n = MIN(SPAN, m->width - x);
            if (!all && !memcmp(dst + x, d->row + x, n * 4))
                continue;
            memcpy(dst + x, d->row + x, n * 4);
            x0 = MIN(x0, x);
            x1 = x + n;
        }
    row_done:
        if (x0 < x1) {
            if (!run) {
                run = true;
                run_y = y;
                run_x0 = x0;
                run_x1 = x1;
            } else {
                run_x0 = MIN(run_x0, x0);
                run_x1 = MAX(run_x1, x1);
            }
        } else if (run) {
            damage(d, hooks, opaque, run_x0, run_y, run_x1 - run_x0, y - run_y);
            run = false;
        }
    }
    if (run)
        damage(d, hooks, opaque, run_x0, run_y, run_x1 - run_x0, m->height - run_y);
    d->valid = true;
}

void display_update(Display *d, const DisplayHooks *hooks, void *opaque)
{
    display_flush_pending(d, hooks, opaque);
    StdVgaScreen s;
    machine_lock(d->m);
    stdvga_screen(d->vga, &s);
    machine_unlock(d->m);
    if (s.kind != d->kind)
        d->valid = false;
    d->kind = s.kind;
    switch (s.kind) {
    case STDVGA_TEXT:
        display_text(d, &s, hooks, opaque);
        break;
    case STDVGA_GRAPHICS:
        display_graphics(d, &s, hooks, opaque);
        break;
    default:
        /* Blank: keep the size, show black. */
        if (!d->w)
            display_resize(d, 640, 480, hooks, opaque);
        if (d->valid)
            break;
        memset(d->fb, 0, (size_t)d->w * d->h * 4);
        damage(d, hooks, opaque, 0, 0, d->w, d->h);
        d->valid = true;
        break;
    }
}

GBytes *display_png(Display *d, GError **error)
{
    display_lock(d);
    display_update(d, NULL, NULL);
    unsigned w = d->w, h = d->h;
    uint8_t *rgb = g_malloc((size_t)w * h * 3);
    for (size_t i = 0; i < (size_t)w * h; i++) {
        uint32_t p = d->fb[i];
        rgb[3 * i] = p >> 16;
        rgb[3 * i + 1] = p >> 8;
        rgb[3 * i + 2] = p;
    }
    display_unlock(d);
    png_image img = { .version = PNG_IMAGE_VERSION, .width = w, .height = h,
                      .format = PNG_FORMAT_RGB };
    png_alloc_size_t size = 0;
    GBytes *out = NULL;
    if (png_image_write_to_memory(&img, NULL, &size, 0, rgb, 0, NULL) && size) {
        void *buf = g_malloc(size);
        if (png_image_write_to_memory(&img, buf, &size, 0, rgb, 0, NULL))
            out = g_bytes_new_take(buf, size);
        else
            g_free(buf);
    }
    if (!out)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot encode the screen as PNG: %s",
                    img.message);
    png_image_free(&img);
    g_free(rgb);
    return out;
}
