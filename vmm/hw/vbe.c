/* vbe.c - the Bochs VBE dispi register file (see vbe.h).
 *
 * Reads: ID is what the guest negotiated (B0C0-B0C5); with GETCAPS set
 * in ENABLE, XRES/YRES/BPP read the maximums; VIRT_WIDTH reads at least
 * XRES; VIRT_HEIGHT is VRAM divided by the line length; VIDEO_MEMORY_64K
 * is the VRAM size.  Index values past the last register read 0 and
 * ignore writes. */
#include "config.h"

#include "vmm/hw/vbe.h"

#include <string.h>

static const char *const reg_names[VBE_NR_REGS] = {
    [VBE_INDEX_ID] = "id",
    [VBE_INDEX_XRES] = "xres",
    [VBE_INDEX_YRES] = "yres",
    [VBE_INDEX_BPP] = "bpp",
    [VBE_INDEX_ENABLE] = "enable",
    [VBE_INDEX_BANK] = "bank",
    [VBE_INDEX_VIRT_WIDTH] = "virt_width",
    [VBE_INDEX_VIRT_HEIGHT] = "virt_height",
    [VBE_INDEX_X_OFFSET] = "x_offset",
    [VBE_INDEX_Y_OFFSET] = "y_offset",
    [VBE_INDEX_VIDEO_MEMORY_64K] = "video_memory_64k",
};

const char *vbe_reg_name(unsigned index)
{
    return index < VBE_NR_REGS ? reg_names[index] : NULL;
}

unsigned vbe_bytes_per_pixel(unsigned bpp)
{
    switch (bpp) {
    case 8:
        return 1;
    case 15:
    case 16:
        return 2;
    case 24:
        return 3;
    case 32:
        return 4;
    default:
        return 0;
    }
}

void vbe_reset(Vbe *v)
{
    v->index = 0;
    memset(v->regs, 0, sizeof(v->regs));
    v->regs[VBE_INDEX_ID] = VBE_ID5;
}

void vbe_init(Vbe *v, uint64_t vram_size)
{
    v->vram_size = vram_size;
    vbe_reset(v);
}

uint16_t vbe_read_index(const Vbe *v)
{
    return v->index;
}

void vbe_write_index(Vbe *v, uint16_t index)
{
    v->index = index;
}

/* Line length in bytes for the current registers, 0 if unusable. */
static uint64_t vbe_stride(const Vbe *v)
{
    unsigned bpp = vbe_bytes_per_pixel(v->regs[VBE_INDEX_BPP]);
    unsigned w = v->regs[VBE_INDEX_VIRT_WIDTH];
    if (w < v->regs[VBE_INDEX_XRES])
        w = v->regs[VBE_INDEX_XRES];
    return (uint64_t)w * bpp;
}

uint16_t vbe_read_data(const Vbe *v)
{
    if (v->index >= VBE_NR_REGS)
        return 0;
    bool caps = v->regs[VBE_INDEX_ENABLE] & VBE_GETCAPS;
    switch (v->index) {
    case VBE_INDEX_XRES:
        return caps ? VBE_MAX_XRES : v->regs[VBE_INDEX_XRES];
    case VBE_INDEX_YRES:
        return caps ? VBE_MAX_YRES : v->regs[VBE_INDEX_YRES];
    case VBE_INDEX_BPP:
        return caps ? VBE_MAX_BPP : v->regs[VBE_INDEX_BPP];
    case VBE_INDEX_VIRT_WIDTH: {
        uint16_t w = v->regs[VBE_INDEX_VIRT_WIDTH];
        return w < v->regs[VBE_INDEX_XRES] ? v->regs[VBE_INDEX_XRES] : w;
    }
    case VBE_INDEX_VIRT_HEIGHT: {
        uint64_t stride = vbe_stride(v);
        uint64_t h = stride ? v->vram_size / stride : 0;
        return h > 0xffff ? 0xffff : (uint16_t)h;
    }
    case VBE_INDEX_VIDEO_MEMORY_64K: {
        uint64_t n = v->vram_size >> 16;
        return n > 0xffff ? 0xffff : (uint16_t)n;
    }
    default:
        return v->regs[v->index];
    }
}

bool vbe_write_data(Vbe *v, uint16_t val)
{
    switch (v->index) {
    case VBE_INDEX_ID:
        if (val >= VBE_ID0 && val <= VBE_ID5)
            v->regs[VBE_INDEX_ID] = val;
        return false;
    case VBE_INDEX_VIDEO_MEMORY_64K:
        return false;
    case VBE_INDEX_ENABLE: {
        bool was = v->regs[VBE_INDEX_ENABLE] & VBE_ENABLED;
        v->regs[VBE_INDEX_ENABLE] = val;
        if (!was && (val & VBE_ENABLED)) {
            /* A new mode starts at the top left of VRAM. */
            v->regs[VBE_INDEX_X_OFFSET] = v->regs[VBE_INDEX_Y_OFFSET] = 0;
            return !(val & VBE_NOCLEARMEM);
        }
        return false;
    }
    default:
        if (v->index < VBE_NR_REGS)
            v->regs[v->index] = val;
        return false;
    }
}

void vbe_registers(const Vbe *v, uint16_t out[VBE_NR_REGS])
{
    Vbe plain = *v;
    plain.regs[VBE_INDEX_ENABLE] &= (uint16_t)~VBE_GETCAPS;
    for (unsigned i = 0; i < VBE_NR_REGS; i++) {
        plain.index = (uint16_t)i;
        out[i] = vbe_read_data(&plain);
    }
    out[VBE_INDEX_ENABLE] = v->regs[VBE_INDEX_ENABLE];
}

void vbe_mode(const Vbe *v, VbeMode *out)
{
    memset(out, 0, sizeof(*out));
    const uint16_t *r = v->regs;
    out->dac_8bit = r[VBE_INDEX_ENABLE] & VBE_8BIT_DAC;
    if (!(r[VBE_INDEX_ENABLE] & VBE_ENABLED))
        return;
    unsigned bpp = r[VBE_INDEX_BPP];
    unsigned bytes = vbe_bytes_per_pixel(bpp);
    unsigned w = r[VBE_INDEX_XRES], h = r[VBE_INDEX_YRES];
    if (!bytes || !w || !h || w > VBE_MAX_XRES || h > VBE_MAX_YRES)
        return;
    uint64_t stride = vbe_stride(v);
    /* All in 64-bit arithmetic: every factor is at most 16 bits. */
    uint64_t offset = (uint64_t)r[VBE_INDEX_Y_OFFSET] * stride +
                      (uint64_t)r[VBE_INDEX_X_OFFSET] * bytes;
    uint64_t end = offset + stride * (h - 1) + (uint64_t)w * bytes;
    if (end > v->vram_size)
        return;
    out->enabled = true;
    out->width = w;
    out->height = h;
    out->bpp = bpp;
    out->stride = (unsigned)stride;
    out->offset = offset;
}
