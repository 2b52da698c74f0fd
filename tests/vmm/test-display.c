/* test-display.c - the display devices and their input, driven through
 * registers on a real IoBus/PciHost: the Bochs VBE register file, the
 * VGA register file, the stdvga PCI function (ports, MMIO BAR, VRAM
 * BAR), the text renderer against the font, the keyboard tables (set 1,
 * set 2, names, libvirt code sets, keysyms), the i8042 typing keys in
 * set 1 (translated) and set 2, the PS/2 mouse, and the picture
 * (display.c) of a machine's VGA in each depth and byte order. */
#include "config.h"

#include "keycodes.h"
#include "vmm/cpu_backend.h"
#include "vmm/display/display.h"
#include "vmm/display/keymap.h"
#include "vmm/display/keysym.h"
#include "vmm/display/text_render.h"
#include "vmm/hw/i8042.h"
#include "vmm/hw/pci.h"
#include "vmm/hw/ps2_mouse.h"
#include "vmm/hw/stdvga.h"
#include "vmm/hw/vbe.h"
#include "vmm/hw/vga.h"
#include "vmm/io_bus.h"
#include "vmm/machine.h"

#include <gio/gio.h>
#include <glib.h>
#include <string.h>

static uint64_t rd(IoBus *bus, IoSpace sp, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    io_bus_read(bus, sp, addr, size, &v);
    return v;
}

static void wr(IoBus *bus, IoSpace sp, uint64_t addr, unsigned size, uint64_t v)
{
    io_bus_write(bus, sp, addr, size, v);
}

/* ---- VBE register file --------------------------------------------- */

static void vbe_set(Vbe *v, int index, uint16_t val)
{
    vbe_write_index(v, (uint16_t)index);
    vbe_write_data(v, val);
}

static uint16_t vbe_get(Vbe *v, int index)
{
    vbe_write_index(v, (uint16_t)index);
    return vbe_read_data(v);
}

static void test_vbe(void)
{
    Vbe v;
    VbeMode m;
    vbe_init(&v, 16u << 20);
    g_assert_cmphex(vbe_get(&v, VBE_INDEX_ID), ==, VBE_ID5);
    vbe_set(&v, VBE_INDEX_ID, 0xb0c2);
    g_assert_cmphex(vbe_get(&v, VBE_INDEX_ID), ==, 0xb0c2);
    vbe_set(&v, VBE_INDEX_ID, 0x1234);               /* not an ID: ignored */
    g_assert_cmphex(vbe_get(&v, VBE_INDEX_ID), ==, 0xb0c2);
    g_assert_cmpuint(vbe_get(&v, VBE_INDEX_VIDEO_MEMORY_64K), ==, 256);
    vbe_set(&v, VBE_INDEX_VIDEO_MEMORY_64K, 1);      /* read-only */
    g_assert_cmpuint(vbe_get(&v, VBE_INDEX_VIDEO_MEMORY_64K), ==, 256);
    /* GETCAPS reads the maximums */
    vbe_set(&v, VBE_INDEX_ENABLE, VBE_GETCAPS);
    g_assert_cmpuint(vbe_get(&v, VBE_INDEX_XRES), ==, VBE_MAX_XRES);
    g_assert_cmpuint(vbe_get(&v, VBE_INDEX_BPP), ==, 32);
    vbe_set(&v, VBE_INDEX_ENABLE, 0);
    /* bochs-drm's mode set: 1024x768x32 */
    vbe_set(&v, VBE_INDEX_BPP, 32);
    vbe_set(&v, VBE_INDEX_XRES, 1024);
    vbe_set(&v, VBE_INDEX_YRES, 768);
    vbe_set(&v, VBE_INDEX_VIRT_WIDTH, 1024);
    vbe_mode(&v, &m);
    g_assert_false(m.enabled);                      /* not enabled yet */
    vbe_write_index(&v, VBE_INDEX_ENABLE);
    g_assert_true(vbe_write_data(&v, VBE_ENABLED | VBE_LFB_ENABLED)); /* clear VRAM */
    vbe_mode(&v, &m);
    g_assert_true(m.enabled);
    g_assert_cmpuint(m.width, ==, 1024);
    g_assert_cmpuint(m.height, ==, 768);
    g_assert_cmpuint(m.stride, ==, 4096);
    g_assert_cmpuint(m.offset, ==, 0);
    g_assert_cmpuint(vbe_get(&v, VBE_INDEX_VIRT_HEIGHT), ==, (16u << 20) / 4096);
    /* page flip: Y offset inside VRAM */
    vbe_set(&v, VBE_INDEX_Y_OFFSET, 768);
    vbe_mode(&v, &m);
    g_assert_true(m.enabled);
    g_assert_cmpuint(m.offset, ==, 768u * 4096);
    /* an offset that puts the screen past VRAM: not shown */
    vbe_set(&v, VBE_INDEX_Y_OFFSET, 4000);
    vbe_mode(&v, &m);
    g_assert_false(m.enabled);
    vbe_set(&v, VBE_INDEX_Y_OFFSET, 0);
    /* a mode larger than VRAM (2560x1600x32 = 16000 KiB fits, virt width does not) */
    vbe_set(&v, VBE_INDEX_VIRT_WIDTH, 0xffff);
    vbe_mode(&v, &m);
    g_assert_false(m.enabled);
    vbe_set(&v, VBE_INDEX_VIRT_WIDTH, 0);
    vbe_mode(&v, &m);                               /* virt width < xres reads as xres */
    g_assert_true(m.enabled);
    g_assert_cmpuint(vbe_get(&v, VBE_INDEX_VIRT_WIDTH), ==, 1024);
    /* bad bpp, zero and oversized resolutions */
    vbe_set(&v, VBE_INDEX_BPP, 12);
    vbe_mode(&v, &m);
    g_assert_false(m.enabled);
    vbe_set(&v, VBE_INDEX_BPP, 16);
    vbe_set(&v, VBE_INDEX_XRES, 0);
    vbe_mode(&v, &m);
    g_assert_false(m.enabled);
    vbe_set(&v, VBE_INDEX_XRES, 0xffff);
    vbe_mode(&v, &m);
    g_assert_false(m.enabled);
    vbe_set(&v, VBE_INDEX_XRES, 1920);
    vbe_set(&v, VBE_INDEX_YRES, 1080);
    vbe_mode(&v, &m);
    g_assert_true(m.enabled);
    g_assert_cmpuint(m.stride, ==, 3840);
    /* indexes past the register file */
    vbe_set(&v, 0x7fff, 0x5555);
    g_assert_cmpuint(vbe_get(&v, 0x7fff), ==, 0);
    /* re-enabling with NOCLEARMEM asks for no clear */
    vbe_set(&v, VBE_INDEX_ENABLE, 0);
    vbe_write_index(&v, VBE_INDEX_ENABLE);
    g_assert_false(vbe_write_data(&v, VBE_ENABLED | VBE_NOCLEARMEM));
    /* all registers at once (control `info`): the mode, never the maximums */
    uint16_t regs[VBE_NR_REGS];
    vbe_set(&v, VBE_INDEX_ENABLE, VBE_ENABLED | VBE_GETCAPS);
    vbe_registers(&v, regs);
    g_assert_cmpuint(regs[VBE_INDEX_XRES], ==, 1920);
    g_assert_cmpuint(regs[VBE_INDEX_YRES], ==, 1080);
    g_assert_cmpuint(regs[VBE_INDEX_BPP], ==, 16);
    g_assert_cmphex(regs[VBE_INDEX_ENABLE], ==, VBE_ENABLED | VBE_GETCAPS);
    g_assert_cmpuint(regs[VBE_INDEX_VIRT_WIDTH], ==, 1920);
    g_assert_cmpuint(regs[VBE_INDEX_VIDEO_MEMORY_64K], ==, 256);
    g_assert_cmpuint(vbe_get(&v, VBE_INDEX_XRES), ==, VBE_MAX_XRES); /* the guest's view kept */
    g_assert_cmpstr(vbe_reg_name(VBE_INDEX_VIRT_WIDTH), ==, "virt_width");
    g_assert_null(vbe_reg_name(VBE_NR_REGS));
}

/* ---- VGA register file --------------------------------------------- */

static void test_vga(void)
{
    Vga v;
    VgaText t;
    vga_reset(&v);
    vga_text(&v, &t);
    g_assert_true(t.text);
    g_assert_false(t.blank);
    g_assert_cmpuint(t.cols, ==, 80);
    g_assert_cmpuint(t.rows, ==, 25);
    g_assert_cmpuint(t.char_w, ==, 9);
    g_assert_cmpuint(t.char_h, ==, 16);
    g_assert_cmphex(t.mem_base, ==, 0xb8000);
    g_assert_true(t.blink);
    g_assert_cmphex(t.palette[1], ==, 0x0000aa);    /* EGA blue */
    g_assert_cmphex(t.palette[6], ==, 0xaa5500);    /* brown (DAC 0x14) */
    g_assert_cmphex(t.palette[15], ==, 0xffffff);
    /* CRTC: start address, cursor, through 16-bit writes split in bytes */
    vga_port_write(&v, 0x3d4, 0x0c);
    vga_port_write(&v, 0x3d5, 0x01);
    vga_port_write(&v, 0x3d4, 0x0d);
    vga_port_write(&v, 0x3d5, 0x40);
    vga_port_write(&v, 0x3d4, 0x0e);
    vga_port_write(&v, 0x3d5, 0x01);
    vga_port_write(&v, 0x3d4, 0x0f);
    vga_port_write(&v, 0x3d5, 0x45);
    vga_text(&v, &t);
    g_assert_cmpuint(t.start, ==, 0x140);
    g_assert_cmpuint(t.cursor, ==, 0x145);
    g_assert_true(t.cursor_on);
    vga_port_write(&v, 0x3d4, 0x0a);
    vga_port_write(&v, 0x3d5, 0x20);                /* cursor off */
    vga_text(&v, &t);
    g_assert_false(t.cursor_on);
    /* write-protected CRTC 0-7 */
    vga_port_write(&v, 0x3d4, 0x01);
    vga_port_write(&v, 0x3d5, 0x27);
    vga_text(&v, &t);
    g_assert_cmpuint(t.cols, ==, 80);
    /* huge indexes are masked into the register arrays */
    for (unsigned port = 0x3b0; port < 0x3e0; port++) {
        vga_port_write(&v, (uint16_t)port, 0xff);
        vga_port_write(&v, (uint16_t)port, 0xff);
        (void)vga_port_read(&v, (uint16_t)port);
    }
    /* attribute controller flip-flop: reset by input status 1 */
    vga_reset(&v);
    (void)vga_port_read(&v, 0x3da);
    vga_port_write(&v, 0x3c0, 0x01);                /* index 1, PAS off */
    vga_port_write(&v, 0x3c0, 0x3f);                /* data */
    vga_text(&v, &t);
    g_assert_true(t.blank);
    g_assert_cmphex(vga_port_read(&v, 0x3c1), ==, 0x3f);
    (void)vga_port_read(&v, 0x3da);
    vga_port_write(&v, 0x3c0, 0x20);                /* PAS on again */
    vga_text(&v, &t);
    g_assert_false(t.blank);
    g_assert_cmphex(t.palette[1], ==, 0xffffff);    /* colour 1 -> DAC 0x3f */
    /* DAC auto-increment */
    vga_port_write(&v, 0x3c8, 0x10);
    for (int i = 0; i < 6; i++)
        vga_port_write(&v, 0x3c9, (uint8_t)(i * 10));
    vga_port_write(&v, 0x3c7, 0x11);
    g_assert_cmpuint(vga_port_read(&v, 0x3c9), ==, 30);
    g_assert_cmpuint(vga_port_read(&v, 0x3c9), ==, 40);
    g_assert_cmpuint(vga_port_read(&v, 0x3c9), ==, 50);
    /* input status toggles retrace */
    uint8_t a = vga_port_read(&v, 0x3da), b = vga_port_read(&v, 0x3da);
    g_assert_cmphex(a ^ b, ==, 0x09);
    /* monochrome I/O select: 0x3d4 goes deaf, 0x3b4 answers */
    vga_port_write(&v, 0x3c2, 0x66);
    g_assert_cmphex(vga_port_read(&v, 0x3d5), ==, 0xff);
    vga_port_write(&v, 0x3b4, 0x0f);
    g_assert_cmphex(vga_port_read(&v, 0x3b4), ==, 0x0f);
}

/* ---- the PCI function on a bus ------------------------------------- */

static void noirq(void *o, int gsi, int level)
{
    (void)o, (void)gsi, (void)level;
}

static void nomsi(void *o, uint64_t a, uint32_t d)
{
    (void)o, (void)a, (void)d;
}

static uint32_t cfg_read(IoBus *bus, int slot, int reg)
{
    wr(bus, IO_SPACE_PIO, 0xcf8, 4, 0x80000000u | (slot << 11) | reg);
    return (uint32_t)rd(bus, IO_SPACE_PIO, 0xcfc, 4);
}

static void cfg_write(IoBus *bus, int slot, int reg, uint32_t v)
{
    wr(bus, IO_SPACE_PIO, 0xcf8, 4, 0x80000000u | (slot << 11) | reg);
    wr(bus, IO_SPACE_PIO, 0xcfc, 4, v);
}

static void test_stdvga(void)
{
    IoBus *bus = io_bus_new();
    PciHostIrq irq = { noirq, nomsi, NULL };
    PciHost *host = pci_host_create(bus, &irq);
    g_assert_cmpint(pci_host_attach(host), ==, 0);
    g_assert_null(stdvga_create(host, bus, 3u << 20));  /* not a power of two */
    StdVga *s = stdvga_create(host, bus, 16u << 20);
    g_assert_nonnull(s);
    g_assert_cmphex(cfg_read(bus, 2, 0x00), ==, 0x11111234);
    g_assert_cmphex(cfg_read(bus, 2, 0x08) >> 8, ==, 0x030000);
    uint32_t bar0 = cfg_read(bus, 2, 0x10);
    g_assert_cmphex(bar0 & 0xf, ==, 0x8);               /* 32-bit prefetchable */
    g_assert_cmphex(bar0 & ~0xfu, ==, stdvga_vram_gpa(s));
    cfg_write(bus, 2, 0x10, 0xffffffff);
    g_assert_cmphex(cfg_read(bus, 2, 0x10), ==, 0xff000008); /* 16 MiB */
    cfg_write(bus, 2, 0x10, bar0);
    uint32_t bar2 = cfg_read(bus, 2, 0x18) & ~0xfu;
    cfg_write(bus, 2, 0x04, 0x0003);                    /* decode on */

    /* dispi through ports (16-bit) and through the MMIO BAR */
    wr(bus, IO_SPACE_PIO, 0x1ce, 2, VBE_INDEX_ID);
    g_assert_cmphex(rd(bus, IO_SPACE_PIO, 0x1cf, 2), ==, VBE_ID5);
    g_assert_cmphex(rd(bus, IO_SPACE_MMIO, bar2 + 0x500, 2), ==, VBE_ID5);
    g_assert_cmpuint(rd(bus, IO_SPACE_MMIO, bar2 + 0x500 + 2 * VBE_INDEX_VIDEO_MEMORY_64K, 2), ==,
                     256);
    wr(bus, IO_SPACE_MMIO, bar2 + 0x500 + 2 * VBE_INDEX_XRES, 2, 640);
    wr(bus, IO_SPACE_PIO, 0x1ce, 2, VBE_INDEX_XRES);
    g_assert_cmpuint(rd(bus, IO_SPACE_PIO, 0x1cf, 2), ==, 640);
    g_assert_cmpuint(rd(bus, IO_SPACE_MMIO, bar2 + 0x600, 4), ==, 8); /* qext size */
    /* the byte order register: only its two values count (as in QEMU) */
    g_assert_cmphex(rd(bus, IO_SPACE_MMIO, bar2 + 0x604, 4), ==, 0x1e1e1e1e);
    wr(bus, IO_SPACE_MMIO, bar2 + 0x604, 4, 0xbebebebe);
    g_assert_cmphex(rd(bus, IO_SPACE_MMIO, bar2 + 0x604, 4), ==, 0xbebebebe);
    wr(bus, IO_SPACE_MMIO, bar2 + 0x604, 4, 0x12345678);
    g_assert_cmphex(rd(bus, IO_SPACE_MMIO, bar2 + 0x604, 4), ==, 0xbebebebe);
    wr(bus, IO_SPACE_MMIO, bar2 + 0x604, 4, 0x1e1e1e1e);
    g_assert_cmphex(rd(bus, IO_SPACE_MMIO, bar2 + 0x604, 4), ==, 0x1e1e1e1e);
    g_assert_cmpuint(rd(bus, IO_SPACE_MMIO, bar2 + 0x000, 1), ==, 0); /* no EDID */
    /* VGA ports in the MMIO BAR: the AC index written at 0x400 */
    (void)rd(bus, IO_SPACE_MMIO, bar2 + 0x41a, 1);      /* 0x3da */
    wr(bus, IO_SPACE_MMIO, bar2 + 0x400, 1, 0x00);      /* blank */
    StdVgaScreen scr;
    stdvga_screen(s, &scr);
    g_assert_cmpint(scr.kind, ==, STDVGA_BLANK);
    (void)rd(bus, IO_SPACE_PIO, 0x3da, 1);
    wr(bus, IO_SPACE_PIO, 0x3c0, 1, 0x20);
    stdvga_screen(s, &scr);
    g_assert_cmpint(scr.kind, ==, STDVGA_TEXT);

    /* a mode through the ports, VRAM cleared on enable */
    uint8_t *vram = stdvga_vram(s);
    memset(vram, 0x5a, 640 * 480 * 2 + 16);
    const uint16_t regs[][2] = { { VBE_INDEX_BPP, 16 }, { VBE_INDEX_XRES, 640 },
                                 { VBE_INDEX_YRES, 480 },
                                 { VBE_INDEX_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED } };
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        wr(bus, IO_SPACE_PIO, 0x1ce, 2, regs[i][0]);
        wr(bus, IO_SPACE_PIO, 0x1cf, 2, regs[i][1]);
    }
    stdvga_screen(s, &scr);
    g_assert_cmpint(scr.kind, ==, STDVGA_GRAPHICS);
    g_assert_cmpuint(scr.mode.bpp, ==, 16);
    g_assert_cmphex(vram[0], ==, 0);
    g_assert_cmphex(vram[640 * 480 * 2 - 1], ==, 0);
    g_assert_cmphex(vram[640 * 480 * 2], ==, 0x5a);     /* only the mode's extent */

    /* VRAM through the BAR (the slow path after a move): bounds held */
    uint64_t top = stdvga_vram_gpa(s) + (16u << 20);
    wr(bus, IO_SPACE_MMIO, stdvga_vram_gpa(s) + 8, 8, 0x1122334455667788ull);
    g_assert_cmphex(rd(bus, IO_SPACE_MMIO, stdvga_vram_gpa(s) + 8, 4), ==, 0x55667788);
    wr(bus, IO_SPACE_MMIO, top - 4, 8, ~0ull);          /* crosses the end */
    g_assert_cmphex(vram[(16u << 20) - 1], ==, 0xff);
    /* odd sizes and offsets everywhere in the MMIO BAR change nothing outside */
    for (uint64_t off = 0; off < STDVGA_MMIO_SIZE; off += 7)
        for (unsigned size = 1; size <= 8; size *= 2)
            wr(bus, IO_SPACE_MMIO, bar2 + off, size, 0xdeadbeefcafef00dull);
    stdvga_screen(s, &scr);                             /* still a consistent answer */
    g_assert_true(scr.kind == STDVGA_BLANK || scr.kind == STDVGA_TEXT ||
                  scr.kind == STDVGA_GRAPHICS);
    if (scr.kind == STDVGA_GRAPHICS)
        g_assert_cmpuint(scr.mode.offset + (uint64_t)scr.mode.stride * scr.mode.height, <=,
                         16u << 20);

    /* machine reset: text mode again */
    pci_host_reset(host);
    stdvga_screen(s, &scr);
    g_assert_cmpint(scr.kind, ==, STDVGA_TEXT);
    pci_host_destroy(host);
    stdvga_destroy(s);
    io_bus_free(bus);
}

/* ---- the picture of a machine's VGA (display.c) -------------------- */

typedef struct {
    unsigned resizes, w, h;
    unsigned x0, y0, x1, y1;     /* bounding box of the damage since the last reset */
} Damage;

static void on_resize(void *o, uint32_t *fb, unsigned w, unsigned h)
{
    (void)fb;
    Damage *d = o;
    d->resizes++;
    d->w = w;
    d->h = h;
}

static void on_damage(void *o, unsigned x, unsigned y, unsigned w, unsigned h)
{
    Damage *d = o;
    d->x0 = MIN(d->x0, x);
    d->y0 = MIN(d->y0, y);
    d->x1 = MAX(d->x1, x + w);
    d->y1 = MAX(d->y1, y + h);
}

static const DisplayHooks hooks = { on_resize, on_damage };

static void update(Display *disp, Damage *d)
{
    d->x0 = d->y0 = ~0u;
    d->x1 = d->y1 = 0;
    display_lock(disp);
    display_update(disp, &hooks, d);
    display_unlock(disp);
}

static uint32_t pixel(Display *disp, unsigned x, unsigned y)
{
    unsigned w, h;
    display_lock(disp);
    const uint32_t *fb = display_pixels(disp, &w, &h);
    uint32_t p = x < w && y < h ? fb[y * w + x] : 0xdeadbeef;
    display_unlock(disp);
    return p;
}

static void dispi(IoBus *bus, int index, uint16_t val)
{
    wr(bus, IO_SPACE_PIO, 0x1ce, 2, (uint64_t)index);
    wr(bus, IO_SPACE_PIO, 0x1cf, 2, val);
}

/* bochs-drm's mode set: disable, depth, size, enable with the LFB */
static void set_mode(IoBus *bus, unsigned w, unsigned h, unsigned bpp)
{
    dispi(bus, VBE_INDEX_ENABLE, 0);
    dispi(bus, VBE_INDEX_BPP, (uint16_t)bpp);
    dispi(bus, VBE_INDEX_XRES, (uint16_t)w);
    dispi(bus, VBE_INDEX_YRES, (uint16_t)h);
    dispi(bus, VBE_INDEX_VIRT_WIDTH, (uint16_t)w);
    dispi(bus, VBE_INDEX_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
}

static void test_picture(void)
{
    MachineConfig cfg = { .mem_mib = 64, .cpus = 1, .vga_vram = 16u << 20 };
    g_autoptr(GError) error = NULL;
    g_autoptr(Machine) m = machine_new(&cfg, NULL, &error);
    g_assert_no_error(error);
    IoBus *bus = machine_io_bus(m);
    StdVga *vga = machine_vga(m);
    uint8_t *vram = stdvga_vram(vga);
    Display *disp = display_new(m);
    g_assert_nonnull(disp);
    Damage d = { 0 };

    /* power-on: text mode 3, 720x400 */
    update(disp, &d);
    g_assert_cmpuint(d.resizes, ==, 1);
    g_assert_cmpuint(d.w, ==, 720);
    g_assert_cmpuint(d.h, ==, 400);

    /* 32 bpp little-endian (XRGB8888): the X byte is ignored */
    set_mode(bus, 32, 4, 32);
    static const uint8_t xrgb[] = { 0x33, 0x22, 0x11, 0x00, 0x66, 0x55, 0x44, 0xff };
    memcpy(vram + 4 * 32 + 4 * 3, xrgb, sizeof(xrgb));      /* (3,1) and (4,1) */
    update(disp, &d);
    g_assert_cmpuint(d.resizes, ==, 2);
    g_assert_cmpuint(d.w, ==, 32);
    g_assert_cmpuint(d.h, ==, 4);
    g_assert_cmphex(pixel(disp, 3, 1), ==, 0x112233);
    g_assert_cmphex(pixel(disp, 4, 1), ==, 0x445566);
    g_assert_cmphex(pixel(disp, 0, 0), ==, 0);
    update(disp, &d);                                       /* unchanged: no damage */
    g_assert_cmpuint(d.x1, ==, 0);
    vram[4 * 32 * 3 + 4 * 31] = 0x80;                       /* (31,3) blue */
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 31, 3), ==, 0x000080);
    g_assert_cmpuint(d.y0, ==, 3);
    g_assert_cmpuint(d.y1, ==, 4);
    g_assert_cmpuint(d.x1, ==, 32);
    /* a screenshot (no hooks) sees a change first: the next update
     * with hooks still reports it */
    vram[4 * 32 * 2 + 4 * 5] = 0x40;                        /* (5,2) */
    display_lock(disp);
    display_update(disp, NULL, NULL);
    display_unlock(disp);
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 5, 2), ==, 0x000040);
    g_assert_cmpuint(d.y0, ==, 2);
    g_assert_cmpuint(d.y1, ==, 3);
    g_assert_cmpuint(d.x0, <=, 5);
    g_assert_cmpuint(d.x1, >, 5);
    update(disp, &d);                                       /* reported once */
    g_assert_cmpuint(d.x1, ==, 0);

    /* bochs-drm's BGRX8888: the byte order register makes pixels
     * big-endian (bytes X, R, G, B); the same VRAM looks different */
    cfg_write(bus, 2, 0x04, 0x0003);
    uint32_t bar2 = cfg_read(bus, 2, 0x18) & ~0xfu;
    wr(bus, IO_SPACE_MMIO, bar2 + 0x604, 4, 0xbebebebe);
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 3, 1), ==, 0x221100);
    g_assert_cmphex(pixel(disp, 4, 1), ==, 0x5544ff);
    g_assert_cmpuint(d.y0, ==, 0);                          /* all redrawn */
    /* VRAM whose bytes equal the picture's own pixels still changes it
     * (the little-endian shortcut of an unchanged row must not apply) */
    unsigned w, h;
    display_lock(disp);
    memcpy(vram + 4 * 32, display_pixels(disp, &w, &h) + 32, 4 * 32);
    display_unlock(disp);
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 3, 1), ==, 0x112200);
    g_assert_cmpuint(d.y0, ==, 1);
    wr(bus, IO_SPACE_MMIO, bar2 + 0x604, 4, 0x1e1e1e1e);

    /* 24 bpp: B, G, R */
    set_mode(bus, 8, 2, 24);
    static const uint8_t bgr[] = { 0x01, 0x02, 0x03 };
    memcpy(vram + 3 * 9, bgr, sizeof(bgr));                 /* (1,1) */
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 1, 1), ==, 0x030201);
    /* 16 bpp 5-6-5 and 15 bpp 5-5-5, little- and big-endian */
    set_mode(bus, 8, 2, 16);
    vram[0] = 0x00, vram[1] = 0xf8;                         /* red */
    vram[2] = 0xe0, vram[3] = 0x07;                         /* green */
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 0, 0), ==, 0xff0000);
    g_assert_cmphex(pixel(disp, 1, 0), ==, 0x00ff00);
    wr(bus, IO_SPACE_MMIO, bar2 + 0x604, 4, 0xbebebebe);
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 0, 0), ==, 0x001cc6);       /* 0x00f8: g 7, b 24 */
    g_assert_cmphex(pixel(disp, 1, 0), ==, 0xe70039);       /* 0xe007: r 28, b 7 */
    wr(bus, IO_SPACE_MMIO, bar2 + 0x604, 4, 0x1e1e1e1e);
    set_mode(bus, 8, 2, 15);
    vram[0] = 0x1f, vram[1] = 0x00;                         /* blue */
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 0, 0), ==, 0x0000ff);
    /* 8 bpp through the DAC (6-bit entries) */
    set_mode(bus, 8, 2, 8);
    wr(bus, IO_SPACE_PIO, 0x3c8, 1, 5);
    wr(bus, IO_SPACE_PIO, 0x3c9, 1, 63);
    wr(bus, IO_SPACE_PIO, 0x3c9, 1, 0);
    wr(bus, IO_SPACE_PIO, 0x3c9, 1, 21);
    vram[9] = 5;                                            /* (1,1) */
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 1, 1), ==, 0xff0055);
    /* a palette change alone redraws */
    wr(bus, IO_SPACE_PIO, 0x3c8, 1, 5);
    wr(bus, IO_SPACE_PIO, 0x3c9, 1, 0);
    wr(bus, IO_SPACE_PIO, 0x3c9, 1, 63);
    wr(bus, IO_SPACE_PIO, 0x3c9, 1, 0);
    update(disp, &d);
    g_assert_cmphex(pixel(disp, 1, 1), ==, 0x00ff00);

    /* VBE off: text again; a resize a screenshot saw first is reported too */
    dispi(bus, VBE_INDEX_ENABLE, 0);
    unsigned resizes = d.resizes;
    display_lock(disp);
    display_update(disp, NULL, NULL);
    display_unlock(disp);
    update(disp, &d);
    g_assert_cmpuint(d.resizes, ==, resizes + 1);
    g_assert_cmpuint(d.w, ==, 720);
    g_assert_cmpuint(d.h, ==, 400);
    display_free(disp);
}

/* ---- text renderer ------------------------------------------------- */

static void test_text_render(void)
{
    Vga v;
    VgaText t;
    vga_reset(&v);
    vga_text(&v, &t);
    enum { W = 9 * 2, H = 16 };
    uint32_t fb[W * H];
    memset(fb, 0xee, sizeof(fb));
    /* 'A', white on blue, in cell (0,0); cell (1,0) a box-drawing line */
    text_render_cell(fb, W, &t, 0, 0, 0x1f00 | 'A', false);
    text_render_cell(fb, W, &t, 1, 0, 0x1f00 | 0xc4, false);
    int fg = 0, bg = 0;
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 8; x++) {
            bool on = text_font8x16['A'][y] & (0x80 >> x);
            g_assert_cmphex(fb[y * W + x], ==, on ? 0xffffff : 0x0000aa);
            on ? fg++ : bg++;
        }
        g_assert_cmphex(fb[y * W + 8], ==, 0x0000aa);   /* 9th column: background */
        /* line graphics: 9th column repeats the 8th */
        bool last = text_font8x16[0xc4][y] & 1;
        g_assert_cmphex(fb[y * W + 9 + 8], ==, last ? 0xffffff : 0x0000aa);
    }
    g_assert_cmpint(fg, >, 10);                         /* the font has an 'A' */
    g_assert_cmpint(bg, >, 10);
    /* cursor rows 13-14 in the foreground colour; blink bit = background 0-7 */
    text_render_cell(fb, W, &t, 0, 0, 0x9400 | ' ', true);
    g_assert_cmphex(fb[0], ==, t.palette[1]);           /* bg = 0x9 & 7 */
    g_assert_cmphex(fb[13 * W + 3], ==, t.palette[4]);
    g_assert_cmphex(fb[14 * W + 3], ==, t.palette[4]);
    g_assert_cmphex(fb[15 * W + 3], ==, t.palette[1]);
    /* blink off: bit 7 is a bright background */
    t.blink = false;
    text_render_cell(fb, W, &t, 0, 0, 0x9400 | ' ', false);
    g_assert_cmphex(fb[0], ==, t.palette[9]);
}

/* ---- keyboard tables ----------------------------------------------- */

static void test_keycodes(void)
{
    /* Linux numbered keys 1-88 after the XT: set 1 = keycode */
    for (unsigned c = 1; c <= 88; c++) {
        const KeyScan *k = keycode_scan(c);
        if (!k)
            continue;
        g_assert_cmpuint(k->set1, ==, c);
        g_assert_false(k->e0);
    }
    g_assert_cmpint(keycode_from_name("KEY_A"), ==, 30);
    g_assert_cmpint(keycode_from_name("KEY_ENTER"), ==, 28);
    g_assert_cmpint(keycode_from_name("KEY_LEFTCTRL"), ==, 29);
    g_assert_cmpint(keycode_from_name("key_a"), ==, -1);
    g_assert_cmpstr(keycode_name(30), ==, "KEY_A");
    g_assert_cmpint(keycode_codeset_from_name("rfb"), ==, KEYCODESET_QNUM);
    g_assert_cmpint(keycode_codeset_from_name("usb"), ==, -1);
    g_assert_cmpint(keycode_to_linux(KEYCODESET_ATSET2, 0x1c), ==, 30);     /* A */
    g_assert_cmpint(keycode_to_linux(KEYCODESET_ATSET1, 0xe048), ==, 103);  /* UP */
    g_assert_cmpint(keycode_to_linux(KEYCODESET_ATSET2, 0xe075), ==, 103);
    g_assert_cmpint(keycode_to_linux(KEYCODESET_QNUM, 0xc8), ==, 103);
    g_assert_cmpint(keycode_to_linux(KEYCODESET_XT, 0x1c), ==, 28);
    g_assert_cmpint(keycode_to_linux(KEYCODESET_LINUX, 0x2ff), ==, -1);
    uint8_t b[8];
    const KeyScan *up = keycode_scan(103);
    g_assert_cmpint(keycode_ps2_bytes(up, 1, false, b), ==, 2);
    g_assert_cmphex(b[0], ==, 0xe0);
    g_assert_cmphex(b[1], ==, 0xc8);
    g_assert_cmpint(keycode_ps2_bytes(up, 2, false, b), ==, 3);
    g_assert_cmphex(b[1], ==, 0xf0);
    g_assert_cmphex(b[2], ==, 0x75);
    g_assert_cmpint(keycode_ps2_bytes(keycode_scan(119), 1, false, b), ==, 0); /* Pause */
    /* keysyms, US layout */
    g_assert_cmpint(keysym_to_keycode('a'), ==, 30);
    g_assert_cmpint(keysym_to_keycode('A'), ==, 30);
    g_assert_cmpint(keysym_to_keycode('!'), ==, 2);
    g_assert_cmpint(keysym_to_keycode('>'), ==, 52);
    g_assert_cmpint(keysym_to_keycode(0xff0d), ==, 28);
    g_assert_cmpint(keysym_to_keycode(0xffe1), ==, 42);
    g_assert_cmpint(keysym_to_keycode(0x20ac), ==, -1);  /* EuroSign */
    for (uint32_t ks = 0x20; ks <= 0x7e; ks++)
        g_assert_nonnull(keycode_scan((unsigned)keysym_to_keycode(ks)));
}

/* ---- i8042 keys and mouse ------------------------------------------ */

static GByteArray *drain(IoBus *bus)
{
    GByteArray *a = g_byte_array_new();
    while (rd(bus, IO_SPACE_PIO, 0x64, 1) & 1) {
        uint8_t b = (uint8_t)rd(bus, IO_SPACE_PIO, 0x60, 1);
        g_byte_array_append(a, &b, 1);
    }
    return a;
}

typedef struct {
    int rises[16];
    int level[16];
} Irqs;

static void irq_set(void *opaque, int line, int level)
{
    Irqs *q = opaque;
    if (level && !q->level[line])
        q->rises[line]++;
    q->level[line] = level;
}

/* Layouts from xkb-data: the expected keys are what xkb says, not ours. */
static void test_keymap(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(keymap_new("xx", &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    Keymap *us = keymap_new("en-us", &error);
    g_assert_no_error(error);
    g_assert_cmpint(keymap_keycode(us, 'z'), ==, 44);        /* KEY_Z */
    keymap_free(us);
#ifndef HAVE_XKBCOMMON
    g_assert_null(keymap_new("de", &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_test_skip("built without libxkbcommon");
#else
    Keymap *de = keymap_new("de", &error);
    g_assert_no_error(error);
    g_assert_nonnull(de);
    static const struct {
        uint32_t keysym;
        int code;
    } de_keys[] = {
        { 'z', 21 },    /* KEY_Y */
        { 'y', 44 },    /* KEY_Z */
        { 'Z', 21 },    /* shifted: the same key */
        { '@', 16 },    /* AltGr+Q */
        { 0xe4, 40 },   /* adiaeresis: KEY_APOSTROPHE */
        { 0xdf, 12 },   /* ssharp: KEY_MINUS */
        { '<', 86 },    /* KEY_102ND */
        { '-', 53 },    /* KEY_SLASH */
        { 0xff0d, 28 }, /* Return */
        { 0xffbe, 59 }, /* F1 */
        { 0xfe03, 100 }, /* ISO_Level3_Shift: AltGr, KEY_RIGHTALT */
        { 0x6c1, -1 },  /* Cyrillic_a: no such key */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(de_keys); i++)
        g_assert_cmpint(keymap_keycode(de, de_keys[i].keysym), ==, de_keys[i].code);
    keymap_free(de);
    Keymap *fr = keymap_new("fr", &error);
    g_assert_no_error(error);
    g_assert_cmpint(keymap_keycode(fr, 'a'), ==, 16);       /* KEY_Q */
    g_assert_cmpint(keymap_keycode(fr, 'q'), ==, 30);       /* KEY_A */
    g_assert_cmpint(keymap_keycode(fr, 'm'), ==, 39);       /* KEY_SEMICOLON */
    g_assert_cmpint(keymap_keycode(fr, '1'), ==, 2);        /* shifted KEY_1 */
    keymap_free(fr);
    /* every name of the table resolves on this system */
    for (const char *const *n = keymap_names(); *n; n++) {
        Keymap *k = keymap_new(*n, &error);
        g_assert_no_error(error);
        keymap_free(k);
    }
#endif
}

static void test_i8042_input(void)
{
    IoBus *bus = io_bus_new();
    Irqs q = { 0 };
    IrqLine k1 = { irq_set, &q, 1 }, k12 = { irq_set, &q, 12 };
    I8042 *kbd = i8042_create(&k1, &k12, VCPU_EXIT_RESET);
    g_assert_cmpint(i8042_attach(kbd, bus), ==, 0);
    /* translated (the default): set 1 make and break of A and Up */
    g_assert_true(i8042_key(kbd, 30, true));
    g_assert_true(i8042_key(kbd, 30, false));
    g_assert_true(i8042_key(kbd, 103, true));
    g_assert_false(i8042_key(kbd, 0x2fe, true));        /* no such key */
    int rises = q.rises[1];
    g_autoptr(GByteArray) a = drain(bus);
    static const uint8_t want1[] = { 0x1e, 0x9e, 0xe0, 0x48 };
    g_assert_cmpmem(a->data, a->len, want1, sizeof(want1));
    g_assert_cmpint(q.rises[1] - rises, ==, 3);         /* one edge per byte */
    /* untranslated: the keyboard's set 2 */
    wr(bus, IO_SPACE_PIO, 0x64, 1, 0x60);
    wr(bus, IO_SPACE_PIO, 0x60, 1, 0x01);               /* IRQ on, XLATE off */
    i8042_key(kbd, 30, true);
    i8042_key(kbd, 30, false);
    g_autoptr(GByteArray) b = drain(bus);
    static const uint8_t want2[] = { 0x1c, 0xf0, 0x1c };
    g_assert_cmpmem(b->data, b->len, want2, sizeof(want2));
    /* a disabled keyboard types nothing */
    wr(bus, IO_SPACE_PIO, 0x64, 1, 0xad);
    i8042_key(kbd, 30, true);
    g_assert_cmphex(rd(bus, IO_SPACE_PIO, 0x64, 1) & 1, ==, 0);
    wr(bus, IO_SPACE_PIO, 0x64, 1, 0xae);
    /* a full queue drops whole keys */
    for (int i = 0; i < 200; i++)
        i8042_key(kbd, 103, true);                     /* 2 bytes each (set 2: E0 75) */
    g_autoptr(GByteArray) c = drain(bus);
    g_assert_cmpuint(c->len % 2, ==, 0);
    g_assert_cmpuint(c->len, <=, 256);

    /* the mouse: absent until plugged in */
    i8042_mouse(kbd, 5, 5, 0, 0);
    g_assert_cmphex(rd(bus, IO_SPACE_PIO, 0x64, 1) & 1, ==, 0);
    i8042_set_mouse(kbd, true);
    wr(bus, IO_SPACE_PIO, 0x64, 1, 0xa9);
    g_assert_cmphex(rd(bus, IO_SPACE_PIO, 0x60, 1), ==, 0x00); /* aux test passes */
    static const uint8_t cmds[] = { 0xff, 0xf2, 0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf2, 0xf4 };
    for (size_t i = 0; i < sizeof(cmds); i++) {
        wr(bus, IO_SPACE_PIO, 0x64, 1, 0xd4);
        wr(bus, IO_SPACE_PIO, 0x60, 1, cmds[i]);
    }
    g_autoptr(GByteArray) d = drain(bus);
    static const uint8_t want3[] = { 0xfa, 0xaa, 0x00, 0xfa, 0x00, 0xfa, 0xfa, 0xfa, 0xfa,
                                     0xfa, 0xfa, 0xfa, 0x03, 0xfa };
    g_assert_cmpmem(d->data, d->len, want3, sizeof(want3));
    /* IntelliMouse packet: left button, right 3, down 2 (Y up positive), wheel up */
    i8042_mouse(kbd, 3, 2, -1, PS2_BUTTON_LEFT);
    g_autoptr(GByteArray) e = drain(bus);
    static const uint8_t want4[] = { 0x29, 0x03, 0xfe, 0x0f };
    g_assert_cmpmem(e->data, e->len, want4, sizeof(want4));
    i8042_destroy(kbd);
    io_bus_free(bus);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/display/vbe", test_vbe);
    g_test_add_func("/display/vga", test_vga);
    g_test_add_func("/display/stdvga", test_stdvga);
    g_test_add_func("/display/picture", test_picture);
    g_test_add_func("/display/text-render", test_text_render);
    g_test_add_func("/display/keycodes", test_keycodes);
    g_test_add_func("/display/keymap", test_keymap);
    g_test_add_func("/display/i8042-input", test_i8042_input);
    return g_test_run();
}
