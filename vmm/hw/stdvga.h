/* stdvga.h - the standard PCI VGA (vendor 1234, device 1111: what QEMU
 * calls `-device VGA`, driven by Linux's vgacon and bochs-drm and by
 * SeaBIOS's vgabios-stdvga).
 *
 *   PCI 00:02.0, class 0300 (VGA compatible), subsystem 1af4:1100
 *   BAR 0  VRAM, 32-bit prefetchable memory (the linear framebuffer)
 *   BAR 2  4 KiB MMIO: 0x000 EDID (none: reads 0), 0x400-0x41f the VGA
 *          ports 0x3c0-0x3df, 0x500 + 2*i dispi register i, 0x600 the
 *          QEMU extended registers (size 8, then the framebuffer's byte
 *          order: 0x1e1e1e1e little-endian, 0xbebebebe big-endian)
 *   ports  0x3b0-0x3df (vga.h), 0x1ce/0x1cf the dispi index/data (vbe.h)
 *
 * VRAM is host memory the machine maps as guest memory at BAR 0's
 * address (machine.c), so framebuffer writes cost nothing under either
 * CPU backend; if the guest moves the BAR, the new address reaches the
 * same VRAM through MMIO.  Everything is called with the device lock. */
#ifndef VESSEL_HW_STDVGA_H
#define VESSEL_HW_STDVGA_H

#include "vmm/hw/pci.h"
#include "vmm/hw/vbe.h"
#include "vmm/hw/vga.h"
#include "vmm/io_bus.h"

#include <stdbool.h>
#include <stdint.h>

#define STDVGA_PCI_SLOT 2
#define STDVGA_MMIO_SIZE 0x1000
#define STDVGA_VRAM_MIN (1ull << 20)
#define STDVGA_VRAM_MAX (256ull << 20)

typedef struct StdVga StdVga;

typedef enum {
    STDVGA_BLANK,      /* nothing to show (blanked, unsupported VGA graphics, bad mode) */
    STDVGA_TEXT,       /* VGA text: VgaText + cells in guest memory */
    STDVGA_GRAPHICS,   /* VBE linear framebuffer: VbeMode in VRAM */
} StdVgaKind;

typedef struct {
    StdVgaKind kind;
    VgaText text;
    VbeMode mode;
    uint32_t palette[256];  /* 0x00RRGGBB, for 8 bpp */
    bool big_endian;        /* framebuffer pixels are big-endian (QEMU's byte order register) */
    uint16_t vbe[VBE_NR_REGS]; /* the dispi registers (vbe_registers), for `info` */
} StdVgaScreen;

/* @vram_size: a power of two from STDVGA_VRAM_MIN to STDVGA_VRAM_MAX.
 * Registers the ports on @bus and the PCI function on @pci (slot 2).
 * NULL with errno set on failure. */
StdVga *stdvga_create(PciHost *pci, IoBus *bus, uint64_t vram_size);
void stdvga_destroy(StdVga *s);
void stdvga_reset(StdVga *s);
uint8_t *stdvga_vram(StdVga *s);
uint64_t stdvga_vram_size(const StdVga *s);
/* Where BAR 0 was placed at creation (the machine maps VRAM there). */
uint64_t stdvga_vram_gpa(const StdVga *s);
/* What the screen shows now. */
void stdvga_screen(StdVga *s, StdVgaScreen *out);

#endif
