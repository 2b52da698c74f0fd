/* stdvga.c - the standard PCI VGA: the legacy register file (vga.c) and
 * the Bochs dispi registers (vbe.c) behind ports and the MMIO BAR, and
 * the VRAM behind BAR 0 (see stdvga.h).
 *
 * A hostile guest can write any register with any index and size: the
 * register files mask their indexes, the MMIO BAR answers only the
 * ranges it documents (other offsets read 0 and ignore writes), and
 * VRAM accesses through the BAR are bounds-checked here.  The visible
 * mode is validated against the VRAM size in vbe_mode(), never trusted. */
#include "config.h"

#include "vmm/hw/stdvga.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MMIO_EDID 0x000
#define MMIO_VGA 0x400
#define MMIO_VGA_END 0x420
#define MMIO_DISPI 0x500
#define MMIO_DISPI_END (0x500 + 2 * VBE_NR_REGS)
#define MMIO_QEXT 0x600
#define MMIO_QEXT_END 0x608
#define QEXT_SIZE 8
#define QEXT_LITTLE_ENDIAN 0x1e1e1e1eu
#define QEXT_BIG_ENDIAN 0xbebebebeu

struct StdVga {
    PciDevice *pci;
    Vga vga;
    Vbe vbe;
    uint8_t *vram;
    uint64_t vram_size;
    uint64_t vram_gpa;
    bool big_endian;         /* QEMU's byte order register: framebuffer pixels big-endian */
};

/* ---- VRAM through the BAR (only used if the guest moved BAR 0) ------ */

static uint64_t stdvga_vram_read(void *opaque, uint64_t off, unsigned size)
{
    StdVga *s = opaque;
    uint64_t v = 0;
    if (off < s->vram_size && size <= s->vram_size - off)
        memcpy(&v, s->vram + off, size);
    return v;
}

static int stdvga_vram_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    StdVga *s = opaque;
    if (off < s->vram_size && size <= s->vram_size - off)
        memcpy(s->vram + off, &val, size);
    return 0;
}

static const IoOps stdvga_vram_ops = { stdvga_vram_read, stdvga_vram_write, IO_SIZES_ALL };

/* ---- legacy ports and dispi ---------------------------------------- */

static uint64_t stdvga_port_read(void *opaque, uint64_t off, unsigned size)
{
    (void)size;
    StdVga *s = opaque;
    return vga_port_read(&s->vga, (uint16_t)(VGA_PORT_BASE + off));
}

static int stdvga_port_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    (void)size;
    StdVga *s = opaque;
    vga_port_write(&s->vga, (uint16_t)(VGA_PORT_BASE + off), (uint8_t)val);
    return 0;
}

static const IoOps stdvga_port_ops = { stdvga_port_read, stdvga_port_write, IO_SIZES_8BIT };

static void stdvga_dispi_write(StdVga *s, uint16_t val)
{
    if (vbe_write_data(&s->vbe, val)) {
        VbeMode m;
        vbe_mode(&s->vbe, &m);
        if (m.enabled) /* a fitting mode: its extent is inside VRAM */
            memset(s->vram + m.offset, 0, (size_t)m.stride * (m.height - 1) +
                                              (size_t)m.width * vbe_bytes_per_pixel(m.bpp));
    }
}

/* Ports 0x1ce (index, offset 0) and 0x1cf (data, offset 1), 16 bits; a
 * byte access reads the low byte and writes the zero-extended value. */
static uint64_t stdvga_dispi_port_read(void *opaque, uint64_t off, unsigned size)
{
    (void)size;
    StdVga *s = opaque;
    if (off == 0)
        return vbe_read_index(&s->vbe);
    if (off == 1)
        return vbe_read_data(&s->vbe);
    return vbe_read_data(&s->vbe) >> 8; /* 0x1d0: the data's high byte */
}

static int stdvga_dispi_port_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    (void)size;
    StdVga *s = opaque;
    if (off == 0)
        vbe_write_index(&s->vbe, (uint16_t)val);
    else if (off == 1)
        stdvga_dispi_write(s, (uint16_t)val);
    return 0;
}

static const IoOps stdvga_dispi_port_ops = { stdvga_dispi_port_read, stdvga_dispi_port_write,
                                             0x3 };

/* ---- the MMIO BAR -------------------------------------------------- */

static uint64_t stdvga_mmio_read(void *opaque, uint64_t off, unsigned size)
{
    StdVga *s = opaque;
    if (off >= MMIO_VGA && off < MMIO_VGA_END) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size && off + i < MMIO_VGA_END; i++)
            v |= (uint64_t)vga_port_read(&s->vga, (uint16_t)(0x3c0 + off - MMIO_VGA + i)) << (8 * i);
        return v;
    }
    if (off >= MMIO_DISPI && off < MMIO_DISPI_END) {
        uint16_t save = s->vbe.index;
        s->vbe.index = (uint16_t)((off - MMIO_DISPI) / 2);
        uint64_t v = vbe_read_data(&s->vbe);
        s->vbe.index = save;
        return (off & 1) ? v >> 8 : v;
    }
    if (off >= MMIO_QEXT && off < MMIO_QEXT_END) {
        uint32_t order = s->big_endian ? QEXT_BIG_ENDIAN : QEXT_LITTLE_ENDIAN;
        uint64_t regs = (uint64_t)order << 32 | QEXT_SIZE;
        return regs >> (8 * (off - MMIO_QEXT));
    }
    return 0; /* EDID area (no EDID) and holes */
}

static int stdvga_mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    StdVga *s = opaque;
    if (off >= MMIO_VGA && off < MMIO_VGA_END) {
        for (unsigned i = 0; i < size && off + i < MMIO_VGA_END; i++)
            vga_port_write(&s->vga, (uint16_t)(0x3c0 + off - MMIO_VGA + i), (uint8_t)(val >> (8 * i)));
    } else if (off >= MMIO_DISPI && off < MMIO_DISPI_END && !(off & 1) && size == 2) {
        uint16_t save = s->vbe.index;
        s->vbe.index = (uint16_t)((off - MMIO_DISPI) / 2);
        stdvga_dispi_write(s, (uint16_t)val);
        s->vbe.index = save;
    } else if (off == MMIO_QEXT + 4 && size == 4) {
        /* bochs-drm picks big-endian for DRM_FORMAT_BGRX8888; other
         * values leave the order as it was (as QEMU does) */
        if ((uint32_t)val == QEXT_BIG_ENDIAN)
            s->big_endian = true;
        else if ((uint32_t)val == QEXT_LITTLE_ENDIAN)
            s->big_endian = false;
    }
    return 0;
}

static const IoOps stdvga_mmio_ops = { stdvga_mmio_read, stdvga_mmio_write, IO_SIZES_UP_TO_32 };

/* ---- device -------------------------------------------------------- */

void stdvga_reset(StdVga *s)
{
    vga_reset(&s->vga);
    vbe_reset(&s->vbe);
    s->big_endian = false;
}

static void stdvga_pci_reset(void *opaque)
{
    stdvga_reset(opaque);
}

static const PciDeviceOps stdvga_pci_ops = { .reset = stdvga_pci_reset };

StdVga *stdvga_create(PciHost *pci, IoBus *bus, uint64_t vram_size)
{
    if (vram_size < STDVGA_VRAM_MIN || vram_size > STDVGA_VRAM_MAX ||
        (vram_size & (vram_size - 1))) {
        errno = EINVAL;
        return NULL;
    }
    StdVga *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->vram_size = vram_size;
    s->vram = mmap(NULL, vram_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (s->vram == MAP_FAILED) {
        free(s);
        return NULL;
    }
    vbe_init(&s->vbe, vram_size);
    stdvga_reset(s);
    s->pci = pci_device_add(pci, STDVGA_PCI_SLOT, 0x1234, 0x1111, 0x030000, 2, 0x1af4, 0x1100,
                            0, &stdvga_pci_ops, s);
    int r = s->pci ? 0 : -EEXIST;
    if (!r)
        r = pci_device_add_bar(s->pci, 0, vram_size, PCI_BAR_MEM32_PREFETCH, &stdvga_vram_ops, s);
    if (!r)
        r = pci_device_add_bar(s->pci, 2, STDVGA_MMIO_SIZE, PCI_BAR_MEM32, &stdvga_mmio_ops, s);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, VGA_PORT_BASE, VGA_PORT_COUNT, &stdvga_port_ops, s);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, 0x1ce, 3, &stdvga_dispi_port_ops, s);
    if (r) {
        munmap(s->vram, vram_size);
        free(s);
        errno = -r;
        return NULL;
    }
    s->vram_gpa = pci_device_bar_addr(s->pci, 0);
    return s;
}

void stdvga_destroy(StdVga *s)
{
    if (!s)
        return;
    munmap(s->vram, s->vram_size);
    free(s);
}

uint8_t *stdvga_vram(StdVga *s)
{
    return s->vram;
}

uint64_t stdvga_vram_size(const StdVga *s)
{
    return s->vram_size;
}

uint64_t stdvga_vram_gpa(const StdVga *s)
{
    return s->vram_gpa;
}

void stdvga_screen(StdVga *s, StdVgaScreen *out)
{
    memset(out, 0, sizeof(*out));
    vga_text(&s->vga, &out->text);
    vbe_mode(&s->vbe, &out->mode);
    vga_palette(&s->vga, out->mode.dac_8bit, out->palette);
    out->big_endian = s->big_endian;
    vbe_registers(&s->vbe, out->vbe);
    if (out->text.blank)
        out->kind = STDVGA_BLANK;
    else if (s->vbe.regs[VBE_INDEX_ENABLE] & VBE_ENABLED)
        out->kind = out->mode.enabled ? STDVGA_GRAPHICS : STDVGA_BLANK;
    else if (out->text.text && out->text.cols)
        out->kind = STDVGA_TEXT;
    else
        out->kind = STDVGA_BLANK;
}
