/* linux_boot.c - load a Linux kernel for the 64-bit boot protocol
 * (Documentation/x86/boot.rst, "64-bit Boot Protocol"; zero-page.rst).
 *
 * bzImage: the setup header at 0x1f1 is checked (boot flag, "HdrS",
 * protocol >= 2.12 for xloadflags, XLF_KERNEL_64, LOADED_HIGH) and the
 * protected-mode kernel, which starts after (setup_sects + 1) sectors, is
 * copied to its load address; the 64-bit entry is load address + 0x200.
 * The kernel decompresses itself in the guest.  ELF vmlinux: PT_LOAD
 * segments go to p_paddr and the entry is e_entry (a physical address, or
 * a __START_KERNEL_map virtual one that we translate).
 * The initrd goes as high as initrd_addr_max and low RAM allow, above the
 * kernel's init_size.  Errors name the file and what is wrong. */
#include "config.h"

#include "vmm/boot/linux_boot.h"
#include "vmm/hw/pci.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fdarg.h"

/* setup header offsets (within the image / zero page) */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_END 0x268

/* zero page (struct boot_params) offsets */
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE 0x0c4
#define ZP_EXT_CMD_LINE_PTR 0x0c8
#define ZP_E820_ENTRIES 0x1e8
#define ZP_E820_TABLE 0x2d0

#define LOADED_HIGH 0x01
#define KEEP_SEGMENTS 0x40
#define CAN_USE_HEAP 0x80
#define XLF_KERNEL_64 0x01

#define START_KERNEL_MAP 0xffffffff80000000ull

static uint16_t rd16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, v); wr16(p + 2, v >> 16); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, v); wr32(p + 4, v >> 32); }

static uint64_t lowmem_end(const Machine *m)
{
    return machine_ram_range(m, 0)->size;
}

/* struct screen_info at the start of the zero page, as arch/x86/boot's
 * video code fills it for BIOS mode 3 on a colour VGA. */
#define SI_ORIG_VIDEO_MODE 0x06
#define SI_ORIG_VIDEO_COLS 0x07
#define SI_ORIG_VIDEO_EGA_BX 0x0a
#define SI_ORIG_VIDEO_LINES 0x0e
#define SI_ORIG_VIDEO_ISVGA 0x0f
#define SI_ORIG_VIDEO_POINTS 0x10

static void screen_info_vga_text(uint8_t *zp)
{
    zp[SI_ORIG_VIDEO_MODE] = 3;
    zp[SI_ORIG_VIDEO_COLS] = 80;
    zp[SI_ORIG_VIDEO_LINES] = 25;
    wr16(zp + SI_ORIG_VIDEO_EGA_BX, 0x0003); /* colour, 256 KiB (not CGA's 0x10) */
    zp[SI_ORIG_VIDEO_ISVGA] = 1;
    wr16(zp + SI_ORIG_VIDEO_POINTS, 16);
}

int linux_boot_e820(const Machine *m, E820Entry *out, int max)
{
    E820Entry e[5];
    int n = 0;
    e[n++] = (E820Entry){ 0, BOOT_EBDA_ADDR, E820_RAM };
    e[n++] = (E820Entry){ BOOT_EBDA_ADDR, 0xa0000 - BOOT_EBDA_ADDR, E820_RESERVED };
    e[n++] = (E820Entry){ 0xe0000, 0x20000, E820_RESERVED };
    e[n++] = (E820Entry){ BOOT_HIGH_ADDR, lowmem_end(m) - BOOT_HIGH_ADDR, E820_RAM };
    /* Linux uses the MCFG's ECAM window only if it is reserved */
    e[n++] = (E820Entry){ PCI_ECAM_BASE, PCI_ECAM_SIZE, E820_RESERVED };
    int count = 0;
    for (int i = 0; i < n && count < max; i++)
        out[count++] = e[i];
    for (int i = 1; i < machine_ram_range_count(m) && count < max; i++) {
        const MachineRamRange *r = machine_ram_range(m, i);
        if (!r->device)
            out[count++] = (E820Entry){ r->gpa, r->size, E820_RAM };
    }
    return count;
}

gboolean linux_boot_write_tables(Machine *m, GError **error)
{
    uint8_t *gdt = machine_ram_ptr(m, BOOT_GDT_ADDR, 32);
    uint8_t *pt = machine_ram_ptr(m, BOOT_PML4_ADDR, 6 * 4096);
    if (!gdt || !pt) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE, "no low memory for page tables");
        return FALSE;
    }
    /* null, null, 0x10: 64-bit code, 0x18: data (the boot protocol's
     * __BOOT_CS and __BOOT_DS) */
    wr64(gdt + 0, 0);
    wr64(gdt + 8, 0);
    wr64(gdt + 16, 0x00af9b000000ffffull);
    wr64(gdt + 24, 0x00cf93000000ffffull);
    memset(pt, 0, 6 * 4096);
    uint64_t pdpt = BOOT_PML4_ADDR + 0x1000;
    wr64(pt, pdpt | 0x3);                          /* present, writable */
    for (int i = 0; i < 4; i++) {
        uint64_t pd = BOOT_PML4_ADDR + 0x2000 + i * 0x1000ull;
        wr64(pt + 0x1000 + 8 * i, pd | 0x3);
        for (int j = 0; j < 512; j++) {
            uint64_t addr = ((uint64_t)i << 30) | ((uint64_t)j << 21);
            wr64(pt + 0x2000 + i * 0x1000 + 8 * j, addr | 0x83); /* 2 MiB page */
        }
    }
    return TRUE;
}

void linux_boot_long_mode_state(VcpuRegs *regs, VcpuSregs *sregs, uint64_t entry,
                                uint64_t zero_page)
{
    memset(regs, 0, sizeof(*regs));
    memset(sregs, 0, sizeof(*sregs));
    regs->rip = entry;
    regs->rflags = 2;
    regs->gpr[VCPU_RSI] = zero_page;
    VcpuSegment data = { .base = 0, .limit = 0xffffffff, .selector = 0x18, .type = 3,
                         .s = 1, .present = 1, .db = 1, .g = 1 };
    for (int i = 0; i < VCPU_NR_SEGS; i++)
        sregs->seg[i] = data;
    sregs->seg[VCPU_SEG_CS] = (VcpuSegment){ .base = 0, .limit = 0xffffffff, .selector = 0x10,
                                             .type = 0xb, .s = 1, .present = 1, .l = 1,
                                             .g = 1 };
    sregs->tr = (VcpuSegment){ .limit = 0x67, .type = 0xb, .present = 1 };
    sregs->ldt = (VcpuSegment){ .type = 2, .present = 1, .unusable = 1 };
    sregs->gdt = (VcpuDtable){ BOOT_GDT_ADDR, 31 };
    sregs->idt = (VcpuDtable){ 0, 0 };
    sregs->cr0 = 0x80050033;      /* PG WP NE ET MP PE */
    sregs->cr3 = BOOT_PML4_ADDR;
    sregs->cr4 = 0x20;            /* PAE */
    sregs->efer = 0x500;          /* LME LMA */
    sregs->apic_base = 0xfee00000ull | 0x900;
}

static gboolean copy_to_guest(Machine *m, uint64_t gpa, const void *src, gsize len,
                              const char *what, GError **error)
{
    uint8_t *p = machine_ram_ptr(m, gpa, len);
    if (!p) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                    "memory too small: %s needs [0x%" G_GINT64_MODIFIER "x, 0x%"
                    G_GINT64_MODIFIER "x) but guest RAM ends at 0x%" G_GINT64_MODIFIER "x",
                    what, gpa, gpa + len, lowmem_end(m));
        return FALSE;
    }
    memcpy(p, src, len);
    return TRUE;
}

gboolean linux_boot_is_bzimage_file(const char *path)
{
    g_autoptr(GMappedFile) f = g_mapped_file_new(path, FALSE, NULL);
    if (!f || g_mapped_file_get_length(f) < 0x400)
        return FALSE;
    const uint8_t *img = (const uint8_t *)g_mapped_file_get_contents(f);
    return rd16(img + HDR_BOOT_FLAG) == 0xaa55 && memcmp(img + HDR_MAGIC, "HdrS", 4) == 0;
}

static gboolean load_elf(Machine *m, const char *path, const uint8_t *img, gsize len,
                         LinuxBootInfo *info, GError **error)
{
    if (len >= SELFMAG + 1 && img[EI_CLASS] == ELFCLASS32) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: a 32-bit ELF file without a multiboot header (neither a 64-bit "
                    "Linux kernel nor a multiboot kernel)", path);
        return FALSE;
    }
    if (len < sizeof(Elf64_Ehdr) || img[EI_CLASS] != ELFCLASS64 || img[EI_DATA] != ELFDATA2LSB) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: not a 64-bit little-endian ELF kernel", path);
        return FALSE;
    }
    Elf64_Ehdr eh;
    memcpy(&eh, img, sizeof(eh));
    if (eh.e_type != ET_EXEC) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: not a Linux kernel (an ELF %s, not a vmlinux executable)", path,
                    eh.e_type == ET_DYN ? "shared object or PIE program" : "file");
        return FALSE;
    }
    if (eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff > len || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: not an x86-64 ELF kernel", path);
        return FALSE;
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD)
            continue;
        uint64_t pa = ph.p_paddr;
        if (pa >= START_KERNEL_MAP)
            pa -= START_KERNEL_MAP;
        if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset || ph.p_filesz > ph.p_memsz) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                        "%s: truncated or corrupt ELF segment", path);
            return FALSE;
        }
        if (pa < BOOT_HIGH_ADDR) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                        "%s: not a Linux kernel (ELF segment below 1 MiB)", path);
            return FALSE;
        }
        uint8_t *dst = machine_ram_ptr(m, pa, ph.p_memsz);
        if (!dst) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                        "memory too small: %s needs [0x%" G_GINT64_MODIFIER "x, 0x%"
                        G_GINT64_MODIFIER "x)", path, pa, pa + ph.p_memsz);
            return FALSE;
        }
        memcpy(dst, img + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        lo = MIN(lo, pa);
        hi = MAX(hi, pa + ph.p_memsz);
    }
    if (hi == 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: ELF file has no loadable segment", path);
        return FALSE;
    }
    uint64_t entry = eh.e_entry >= START_KERNEL_MAP ? eh.e_entry - START_KERNEL_MAP : eh.e_entry;
    info->kernel_addr = lo;
    info->kernel_end = hi;
    info->elf = TRUE;
    info->regs.rip = entry;
    return TRUE;
}

/* bzImage: fills @zp's setup header and loads the kernel. */
static gboolean load_bzimage(Machine *m, const char *path, const uint8_t *img, gsize len,
                             uint8_t *zp, LinuxBootInfo *info, GError **error)
{
    if (len < 0x400 || rd16(img + HDR_BOOT_FLAG) != 0xaa55 ||
        memcmp(img + HDR_MAGIC, "HdrS", 4) != 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: not a Linux kernel (no bzImage setup header, not ELF)", path);
        return FALSE;
    }
    uint16_t version = rd16(img + HDR_VERSION);
    if (version < 0x20c) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: boot protocol %u.%02u is too old (2.12 or newer needed)", path,
                    version >> 8, version & 0xff);
        return FALSE;
    }
    if (!(img[HDR_XLOADFLAGS] & XLF_KERNEL_64) || !(img[HDR_LOADFLAGS] & LOADED_HIGH)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: kernel has no 64-bit entry point", path);
        return FALSE;
    }
    unsigned setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
    gsize pm_off = (gsize)(setup_sects + 1) * 512;
    if (pm_off >= len) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: truncated kernel image", path);
        return FALSE;
    }
    gsize pm_len = len - pm_off;
    uint32_t align = rd32(img + HDR_KERNEL_ALIGNMENT);
    uint64_t pref = rd64(img + HDR_PREF_ADDRESS);
    uint32_t init_size = rd32(img + HDR_INIT_SIZE);
    if (init_size < pm_len)
        init_size = pm_len;
    /* The kernel runs from its runtime start address (boot.rst): a
     * relocatable one loaded below pref_address moves itself up to it
     * before decompressing, so loading it lower gains nothing; it needs
     * init_size bytes from there.  Only a pref_address below 1 MiB is
     * moved up (to the kernel's alignment). */
    uint64_t load = pref;
    if (img[HDR_RELOCATABLE] && pref < BOOT_HIGH_ADDR) {
        if (!align || (align & (align - 1)))
            align = 0x200000;
        load = (BOOT_HIGH_ADDR + align - 1) & ~(uint64_t)(align - 1);
    }
    uint64_t end = lowmem_end(m);
    if (load > end || init_size > end - load) {
        /* Without this check the guest decompresses past the end of RAM
         * and dies of a triple fault. */
        uint64_t need = load + init_size < load ? UINT64_MAX : load + init_size;
        if (need == UINT64_MAX || load >= (1ull << 52))
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                        "memory too small: %s wants to run at 0x%" G_GINT64_MODIFIER
                        "x, outside any guest memory", path, load);
        else
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                        "memory too small: %s needs %" G_GUINT64_FORMAT " MiB of guest "
                        "memory (it runs from %" G_GUINT64_FORMAT " MiB and needs %.1f MiB "
                        "there), this guest has %" G_GUINT64_FORMAT " MiB%s",
                        path, (need + (1 << 20) - 1) >> 20, load >> 20,
                        init_size / (double)(1 << 20), end >> 20,
                        machine_ram_range_count(m) > 1 ? " below the PCI hole" : "");
        return FALSE;
    }
    if (!copy_to_guest(m, load, img + pm_off, pm_len, "the kernel", error))
        return FALSE;
    /* The header as the image has it (0x1f1 up to the end of what this
     * protocol version defines), then our fields. */
    gsize hdr_end = MIN((gsize)(HDR_JUMP + 2 + img[HDR_JUMP + 1]), (gsize)HDR_END);
    hdr_end = MIN(hdr_end, len);
    memcpy(zp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    zp[HDR_TYPE_OF_LOADER] = 0xff;
    zp[HDR_LOADFLAGS] = (zp[HDR_LOADFLAGS] | CAN_USE_HEAP) & ~KEEP_SEGMENTS;
    wr16(zp + HDR_HEAP_END_PTR, 0xfe00);
    wr32(zp + HDR_CODE32_START, load);
    info->kernel_addr = load;
    info->kernel_end = load + init_size;
    info->regs.rip = load + 0x200;
    return TRUE;
}

/* The bytes of boot file @arg (a path, or "fd:N": an inherited
 * descriptor, read again from offset 0 on every boot, so a reboot needs
 * no file system).  Mapped when possible, else read into *@copy. */
static const char *boot_file_load(const char *arg, const char *what, GMappedFile **map,
                                  char **copy, gsize *len, GError **error)
{
    int fd = vessel_fdarg_number(arg);
    GError *e = NULL;
    if (fd == -1) {
        *map = g_mapped_file_new(arg, FALSE, NULL);
        if (*map) {
            *len = g_mapped_file_get_length(*map);
            return g_mapped_file_get_contents(*map);
        }
        if (!g_file_get_contents(arg, copy, len, &e)) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_IO, "cannot read the %s: %s", what,
                        e->message);
            g_error_free(e);
            return NULL;
        }
        return *copy;
    }
    if (fd < 0 || !vessel_fdarg_check(arg, O_RDONLY, what, &e)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_IO, "cannot read the %s: %s", what,
                    e ? e->message : arg);
        g_clear_error(&e);
        return NULL;
    }
    *map = g_mapped_file_new_from_fd(fd, FALSE, NULL);
    if (*map) {
        *len = g_mapped_file_get_length(*map);
        return g_mapped_file_get_contents(*map);
    }
    /* not mappable (e.g. a pipe): read what pread gives from offset 0 */
    GString *buf = g_string_new(NULL);
    char chunk[65536];
    for (;;) {
        ssize_t n = pread(fd, chunk, sizeof(chunk), (off_t)buf->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_IO, "cannot read the %s %s: %s",
                        what, arg, g_strerror(errno));
            g_string_free(buf, TRUE);
            return NULL;
        }
        if (n == 0)
            break;
        g_string_append_len(buf, chunk, n);
    }
    *len = buf->len;
    *copy = g_string_free(buf, FALSE);
    return *copy;
}

static gboolean place_initrd(Machine *m, const LinuxBootConfig *cfg, uint8_t *zp,
                             LinuxBootInfo *info, GError **error)
{
    g_autoptr(GMappedFile) f = NULL;
    g_autofree char *contents = NULL;
    gsize size = 0;
    GError *lerr = NULL;
    const char *data = boot_file_load(cfg->initrd, "initrd", &f, &contents, &size, &lerr);
    if (lerr) {
        g_propagate_error(error, lerr);
        return FALSE;
    }
    uint64_t max = 0x37ffffff;  /* protocol default before 2.03 */
    if (!info->elf && rd32(zp + HDR_INITRD_ADDR_MAX))
        max = rd32(zp + HDR_INITRD_ADDR_MAX);
    uint64_t top = MIN(max + 1, lowmem_end(m));
    uint64_t bottom = (info->kernel_end + 0xfff) & ~0xfffull;
    if (size > top || ((top - size) & ~0xfffull) < bottom) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                    "initrd too large: %s is %" G_GSIZE_FORMAT " MiB, at most %"
                    G_GUINT64_FORMAT " MiB fit in %" G_GUINT64_FORMAT " MiB of memory",
                    cfg->initrd, (size + (1 << 20) - 1) >> 20,
                    top > bottom ? (top - bottom) >> 20 : 0,
                    machine_ram_size(m) >> 20);
        return FALSE;
    }
    uint64_t addr = (top - size) & ~0xfffull;
    if (!copy_to_guest(m, addr, data, size, "the initrd", error))
        return FALSE;
    wr32(zp + HDR_RAMDISK_IMAGE, addr);
    wr32(zp + HDR_RAMDISK_SIZE, size);
    wr32(zp + ZP_EXT_RAMDISK_IMAGE, addr >> 32);
    wr32(zp + ZP_EXT_RAMDISK_SIZE, (uint64_t)size >> 32);
    info->initrd_addr = addr;
    info->initrd_size = size;
    return TRUE;
}

gboolean linux_boot_load(Machine *m, const LinuxBootConfig *cfg, LinuxBootInfo *info,
                         GError **error)
{
    memset(info, 0, sizeof(*info));
    g_autoptr(GMappedFile) f = NULL;
    g_autofree char *contents = NULL;
    gsize len = 0;
    GError *lerr = NULL;
    const uint8_t *img = (const uint8_t *)boot_file_load(cfg->kernel, "kernel", &f, &contents,
                                                         &len, &lerr);
    if (lerr) {
        g_propagate_error(error, lerr);
        return FALSE;
    }
    if (!img || len == 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: not a Linux kernel (empty file)", cfg->kernel);
        return FALSE;
    }
    uint8_t *zp = machine_ram_ptr(m, BOOT_ZERO_PAGE_ADDR, 4096);
    if (!zp) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE, "memory too small");
        return FALSE;
    }
    memset(zp, 0, 4096);
    if (cfg->vga_text)
        screen_info_vga_text(zp);
    gboolean ok;
    if (len >= 4 && memcmp(img, ELFMAG, SELFMAG) == 0) {
        ok = load_elf(m, cfg->kernel, img, len, info, error);
        if (ok) {
            /* A minimal setup header for a loader-less kernel. */
            wr16(zp + HDR_BOOT_FLAG, 0xaa55);
            memcpy(zp + HDR_MAGIC, "HdrS", 4);
            wr16(zp + HDR_VERSION, 0x20f);
            zp[HDR_TYPE_OF_LOADER] = 0xff;
            zp[HDR_LOADFLAGS] = LOADED_HIGH;
            wr32(zp + HDR_KERNEL_ALIGNMENT, 0x1000000);
            wr32(zp + HDR_CMDLINE_SIZE, BOOT_CMDLINE_MAX - 1);
        }
    } else {
        ok = load_bzimage(m, cfg->kernel, img, len, zp, info, error);
    }
    if (!ok)
        return FALSE;

    const char *cmdline = cfg->cmdline ? cfg->cmdline : "";
    gsize cl = strlen(cmdline);
    uint32_t cmax = rd32(zp + HDR_CMDLINE_SIZE);
    if (!cmax)
        cmax = 255;
    if (cl > cmax || cl >= BOOT_CMDLINE_MAX) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                    "command line too long: %" G_GSIZE_FORMAT " bytes, the kernel takes %u",
                    cl, MIN(cmax, BOOT_CMDLINE_MAX - 1));
        return FALSE;
    }
    if (!copy_to_guest(m, BOOT_CMDLINE_ADDR, cmdline, cl + 1, "the command line", error))
        return FALSE;
    wr32(zp + HDR_CMD_LINE_PTR, BOOT_CMDLINE_ADDR);
    wr32(zp + ZP_EXT_CMD_LINE_PTR, 0);

    if (cfg->initrd && !place_initrd(m, cfg, zp, info, error))
        return FALSE;

    E820Entry e820[BOOT_E820_MAX];
    int n = linux_boot_e820(m, e820, BOOT_E820_MAX);
    zp[ZP_E820_ENTRIES] = n;
    for (int i = 0; i < n; i++) {
        uint8_t *e = zp + ZP_E820_TABLE + 20 * i;
        wr64(e, e820[i].addr);
        wr64(e + 8, e820[i].size);
        wr32(e + 16, e820[i].type);
    }
    wr64(zp + ZP_ACPI_RSDP_ADDR, cfg->rsdp);

    if (!linux_boot_write_tables(m, error))
        return FALSE;
    uint64_t entry = info->regs.rip;
    linux_boot_long_mode_state(&info->regs, &info->sregs, entry, BOOT_ZERO_PAGE_ADDR);
    return TRUE;
}
