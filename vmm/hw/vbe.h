/* vbe.h - the Bochs VBE "dispi" register file (the interface QEMU's
 * standard VGA, SeaBIOS's vgabios-stdvga and Linux's bochs-drm use):
 * index at port 0x1ce, data at 0x1cf (16-bit), or at 0x500 + 2 * index
 * in the stdvga MMIO BAR.
 *
 * Pure register logic with no memory of its own: the owner (stdvga.c)
 * keeps the VRAM and asks vbe_mode() what to show.  Any value the guest
 * writes is stored as written (and reads back as written, except the
 * computed VIRT_HEIGHT and the read-only VIDEO_MEMORY_64K); whether it
 * describes a mode that fits in VRAM is decided by vbe_mode(), so no
 * sequence of writes can make the display read outside VRAM. */
#ifndef VESSEL_HW_VBE_H
#define VESSEL_HW_VBE_H

#include <stdbool.h>
#include <stdint.h>

enum {
    VBE_INDEX_ID,
    VBE_INDEX_XRES,
    VBE_INDEX_YRES,
    VBE_INDEX_BPP,
    VBE_INDEX_ENABLE,
    VBE_INDEX_BANK,
    VBE_INDEX_VIRT_WIDTH,
    VBE_INDEX_VIRT_HEIGHT,
    VBE_INDEX_X_OFFSET,
    VBE_INDEX_Y_OFFSET,
    VBE_INDEX_VIDEO_MEMORY_64K,
    VBE_NR_REGS
};

#define VBE_ID0 0xb0c0
#define VBE_ID5 0xb0c5
#define VBE_ENABLED 0x01
#define VBE_GETCAPS 0x02
#define VBE_8BIT_DAC 0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM 0x80

#define VBE_MAX_XRES 2560
#define VBE_MAX_YRES 1600
#define VBE_MAX_BPP 32

typedef struct {
    uint16_t index;
    uint16_t regs[VBE_NR_REGS];
    uint64_t vram_size;
} Vbe;

/* What the registers describe, if it is a mode that can be shown. */
typedef struct {
    bool enabled;            /* VBE on and the mode valid (else show VGA) */
    unsigned width, height;  /* visible pixels */
    unsigned bpp;            /* 8, 15, 16, 24 or 32 */
    unsigned stride;         /* bytes per line (VIRT_WIDTH * bytes per pixel) */
    uint64_t offset;         /* VRAM offset of the first visible pixel */
    bool dac_8bit;
} VbeMode;

void vbe_init(Vbe *v, uint64_t vram_size);
void vbe_reset(Vbe *v);
uint16_t vbe_read_index(const Vbe *v);
void vbe_write_index(Vbe *v, uint16_t index);
uint16_t vbe_read_data(const Vbe *v);
/* Returns true when the write enabled a mode without NOCLEARMEM: the
 * owner then clears the mode's VRAM (vbe_mode gives its extent). */
bool vbe_write_data(Vbe *v, uint16_t val);
/* The mode the registers describe now (enabled = false if VBE is off or
 * the mode does not fit: bad bpp, zero or oversized resolution, or the
 * visible area beyond VRAM). */
void vbe_mode(const Vbe *v, VbeMode *out);
/* All registers as a guest reads them when GETCAPS is clear (the mode
 * set, not the maximums); ENABLE as written, GETCAPS included. */
void vbe_registers(const Vbe *v, uint16_t out[VBE_NR_REGS]);
/* The register's name in lower case ("xres"), NULL past the last. */
const char *vbe_reg_name(unsigned index);
/* Bytes per pixel for a VBE bpp (15 -> 2), 0 if unsupported. */
unsigned vbe_bytes_per_pixel(unsigned bpp);

#endif
