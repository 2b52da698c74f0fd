/* multiboot.c - load a Multiboot 1 kernel (multiboot.h), following the
 * Multiboot Specification 0.6.96 and what QEMU's -kernel does with one.
 *
 * Where things go: the kernel where its ELF program headers or its
 * header's address fields say (it must stay clear of the loader's
 * data below 1 MiB and fit in RAM below 4 GiB), modules page-aligned after
 * the kernel, the multiboot information, module list and memory map at
 * MULTIBOOT_INFO_ADDR, the strings at MULTIBOOT_STRINGS_ADDR, a flat GDT
 * at BOOT_GDT_ADDR.  As QEMU (and GRUB) do, the information's command
 * line is the kernel's file name followed by --cmdline, and an ELF entry
 * point that lies in a segment's virtual range is turned into the
 * physical one.  Header flags: 0 (page-aligned modules) is what we do
 * anyway, 1 (memory information) is always given, 2 (video mode) is
 * ignored as QEMU does; any other required flag (3-15) is refused.
 * Errors name the file and what is wrong with it. */
#include "config.h"

#include "vmm/boot/multiboot.h"
#include "vmm/boot/linux_boot.h"

#include <elf.h>
#include <string.h>

#define MBH_FLAG_PAGE_ALIGN (1u << 0)
#define MBH_FLAG_MEMORY (1u << 1)
#define MBH_FLAG_VIDEO (1u << 2)
#define MBH_FLAG_ADDRESSES (1u << 16)
#define MBH_REQUIRED_KNOWN (MBH_FLAG_PAGE_ALIGN | MBH_FLAG_MEMORY | MBH_FLAG_VIDEO)

/* multiboot_info flags and offsets */
#define MBI_MEMORY (1u << 0)
#define MBI_BOOT_DEVICE (1u << 1)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_BOOT_DEV 12
#define MBI_CMDLINE_PTR 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME_PTR 64
#define MBI_SIZE 128
#define MB_MODULE_SIZE 16
#define MB_MMAP_ENTRY 24

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)v); wr32(p + 4, v >> 32); }

/* Offset of the multiboot header in @img, or -1. */
static gssize header_find(const uint8_t *img, gsize len)
{
    gsize end = MIN(len, (gsize)MULTIBOOT_SEARCH);
    for (gsize off = 0; off + 12 <= end; off += 4) {
        uint32_t magic = rd32(img + off), flags = rd32(img + off + 4), sum = rd32(img + off + 8);
        if (magic == MULTIBOOT_HEADER_MAGIC && (uint32_t)(magic + flags + sum) == 0)
            return (gssize)off;
    }
    return -1;
}

gboolean multiboot_probe(const uint8_t *img, gsize len)
{
    return img && header_find(img, len) >= 0;
}

gboolean multiboot_probe_file(const char *path)
{
    g_autoptr(GMappedFile) f = g_mapped_file_new(path, FALSE, NULL);
    if (!f)
        return FALSE;
    return multiboot_probe((const uint8_t *)g_mapped_file_get_contents(f),
                           g_mapped_file_get_length(f));
}

char **multiboot_split_modules(const char *list)
{
    GPtrArray *out = g_ptr_array_new();
    GString *cur = g_string_new(NULL);
    for (const char *p = list; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',') {
            g_ptr_array_add(out, g_string_free(cur, FALSE));
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(out, g_string_free(cur, FALSE));
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static uint64_t lowmem_end(const Machine *m)
{
    return machine_ram_range(m, 0)->size;
}

/* [start, end) must be RAM below 4 GiB and clear of the loader's data
 * under 1 MiB. */
static gboolean check_range(const Machine *m, const char *path, const char *what,
                            uint64_t start, uint64_t end, GError **error)
{
    if (end < start || end > lowmem_end(m) || !machine_ram_ptr(m, start, end - start)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                    "memory too small: %s: %s needs [0x%" G_GINT64_MODIFIER "x, 0x%"
                    G_GINT64_MODIFIER "x) but guest RAM below 4 GiB ends at 0x%"
                    G_GINT64_MODIFIER "x", path, what, start, end, lowmem_end(m));
        return FALSE;
    }
    static const struct {
        uint64_t start, end;
        const char *what;
    } taken[] = {
        { 0, BOOT_GDT_ADDR + 24, "the real-mode IVT and the loader's GDT" },
        { MULTIBOOT_INFO_ADDR, MULTIBOOT_INFO_ADDR + MULTIBOOT_INFO_SIZE,
          "the multiboot information" },
        { MULTIBOOT_STRINGS_ADDR, MULTIBOOT_STRINGS_ADDR + MULTIBOOT_STRINGS_SIZE,
          "the multiboot command lines" },
        { BOOT_EBDA_ADDR, BOOT_HIGH_ADDR, "the EBDA, VGA and BIOS area" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(taken); i++) {
        if (start < taken[i].end && end > taken[i].start) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                        "%s: %s at [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                        "x) overlaps %s", path, what, start, end, taken[i].what);
            return FALSE;
        }
    }
    return TRUE;
}

/* ELF: PT_LOAD segments at p_paddr; returns the entry (physical). */
static gboolean load_elf(Machine *m, const char *path, const uint8_t *img, gsize len,
                         MultibootInfo *info, uint64_t *entry, GError **error)
{
    gboolean is64 = img[EI_CLASS] == ELFCLASS64;
    if ((img[EI_CLASS] != ELFCLASS32 && !is64) || img[EI_DATA] != ELFDATA2LSB ||
        len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: multiboot kernel is not a little-endian ELF file", path);
        return FALSE;
    }
    uint64_t e_entry, phoff;
    unsigned phnum, phentsize, machine;
    if (is64) {
        Elf64_Ehdr eh;
        memcpy(&eh, img, sizeof(eh));
        e_entry = eh.e_entry, phoff = eh.e_phoff, phnum = eh.e_phnum;
        phentsize = eh.e_phentsize, machine = eh.e_machine;
    } else {
        Elf32_Ehdr eh;
        memcpy(&eh, img, sizeof(eh));
        e_entry = eh.e_entry, phoff = eh.e_phoff, phnum = eh.e_phnum;
        phentsize = eh.e_phentsize, machine = eh.e_machine;
    }
    gsize want = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if ((machine != EM_386 && machine != EM_X86_64) || phentsize != want || phoff > len ||
        (uint64_t)phnum * want > len - phoff) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: not an x86 ELF executable (machine %u)", path, machine);
        return FALSE;
    }
    uint64_t lo = UINT64_MAX, hi = 0, phys_entry = e_entry;
    for (unsigned i = 0; i < phnum; i++) {
        uint64_t type, off, vaddr, paddr, filesz, memsz;
        const uint8_t *ph = img + phoff + (gsize)i * want;
        if (is64) {
            Elf64_Phdr p;
            memcpy(&p, ph, sizeof(p));
            type = p.p_type, off = p.p_offset, vaddr = p.p_vaddr, paddr = p.p_paddr;
            filesz = p.p_filesz, memsz = p.p_memsz;
        } else {
            Elf32_Phdr p;
            memcpy(&p, ph, sizeof(p));
            type = p.p_type, off = p.p_offset, vaddr = p.p_vaddr, paddr = p.p_paddr;
            filesz = p.p_filesz, memsz = p.p_memsz;
        }
        if (type != PT_LOAD || memsz == 0)
            continue;
        if (off > len || filesz > len - off || filesz > memsz || paddr + memsz < paddr) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                        "%s: truncated or corrupt ELF segment %u", path, i);
            return FALSE;
        }
        if (!check_range(m, path, "the kernel", paddr, paddr + memsz, error))
            return FALSE;
        uint8_t *dst = machine_ram_ptr(m, paddr, memsz);
        memcpy(dst, img + off, filesz);
        memset(dst + filesz, 0, memsz - filesz);
        lo = MIN(lo, paddr);
        hi = MAX(hi, paddr + memsz);
        if (e_entry >= vaddr && e_entry - vaddr < memsz)
            phys_entry = e_entry - vaddr + paddr;
    }
    if (hi == 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: ELF file has no loadable segment", path);
        return FALSE;
    }
    info->kernel_start = lo;
    info->kernel_end = hi;
    *entry = phys_entry;
    return TRUE;
}

/* The header's address fields: the image from the file offset that
 * corresponds to load_addr, up to load_end_addr (0: the end of the file),
 * then zeros to bss_end_addr (0: none). */
static gboolean load_addresses(Machine *m, const char *path, const uint8_t *img, gsize len,
                               gsize hoff, MultibootInfo *info, uint64_t *entry, GError **error)
{
    if (hoff + 32 > len) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: multiboot header truncated", path);
        return FALSE;
    }
    const uint8_t *h = img + hoff;
    uint32_t header_addr = rd32(h + 12), load_addr = rd32(h + 16);
    uint32_t load_end = rd32(h + 20), bss_end = rd32(h + 24), entry_addr = rd32(h + 28);
    if (load_addr > header_addr || header_addr - load_addr > hoff) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: multiboot header addresses are inconsistent (load_addr 0x%x, "
                    "header_addr 0x%x at file offset 0x%" G_GSIZE_MODIFIER "x)", path,
                    load_addr, header_addr, hoff);
        return FALSE;
    }
    gsize start = hoff - (header_addr - load_addr);
    uint64_t size = load_end ? (uint64_t)load_end - load_addr : len - start;
    if (load_end && load_end < load_addr) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: multiboot load_end_addr 0x%x is below load_addr 0x%x", path,
                    load_end, load_addr);
        return FALSE;
    }
    if (size > len - start) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: file too short for the multiboot load_end_addr 0x%x", path, load_end);
        return FALSE;
    }
    uint64_t end = (uint64_t)load_addr + size;
    uint64_t mem_end = bss_end > end ? bss_end : end;
    if (!check_range(m, path, "the kernel", load_addr, mem_end, error))
        return FALSE;
    uint8_t *dst = machine_ram_ptr(m, load_addr, mem_end - load_addr);
    memcpy(dst, img + start, size);
    memset(dst + size, 0, mem_end - end);
    info->kernel_start = load_addr;
    info->kernel_end = mem_end;
    *entry = entry_addr;
    return TRUE;
}

/* Strings go one after another in the strings area. */
typedef struct {
    uint8_t *base;
    uint64_t used;
} StringArea;

static gboolean string_put(StringArea *a, const char *s, const char *what, uint32_t *gpa,
                           GError **error)
{
    gsize n = strlen(s) + 1;
    if (n > MULTIBOOT_STRINGS_SIZE - a->used) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                    "%s does not fit: the multiboot command lines are limited to %u bytes "
                    "in all", what, (unsigned)MULTIBOOT_STRINGS_SIZE);
        return FALSE;
    }
    memcpy(a->base + a->used, s, n);
    *gpa = (uint32_t)(MULTIBOOT_STRINGS_ADDR + a->used);
    a->used += n;
    return TRUE;
}

static gboolean load_modules(Machine *m, const MultibootConfig *cfg, uint8_t *mods,
                             StringArea *strings, MultibootInfo *info, GError **error)
{
    g_auto(GStrv) items = multiboot_split_modules(cfg->modules);
    uint64_t next = (MAX(info->kernel_end, BOOT_HIGH_ADDR) + 0xfff) & ~0xfffull;
    int n = 0;
    for (int i = 0; items[i]; i++) {
        const char *item = items[i];
        g_autofree char *file = g_strndup(item, strcspn(item, " "));
        if (!file[0]) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG,
                        "module %d of '%s' names no file", i + 1, cfg->modules);
            return FALSE;
        }
        if (n == MULTIBOOT_MAX_MODULES) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG,
                        "too many multiboot modules (at most %d)", MULTIBOOT_MAX_MODULES);
            return FALSE;
        }
        g_autoptr(GError) e = NULL;
        g_autoptr(GMappedFile) f = g_mapped_file_new(file, FALSE, &e);
        if (!f) {
            g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_IO, "cannot read module %s: %s",
                        file, e->message);
            return FALSE;
        }
        gsize size = g_mapped_file_get_length(f);
        g_autofree char *what = g_strdup_printf("module %s", file);
        if (!check_range(m, file, "the module", next, next + size, error))
            return FALSE;
        if (size)
            memcpy(machine_ram_ptr(m, next, size), g_mapped_file_get_contents(f), size);
        uint32_t str;
        if (!string_put(strings, item, what, &str, error))
            return FALSE;
        uint8_t *e16 = mods + MB_MODULE_SIZE * n;
        wr32(e16, (uint32_t)next);
        wr32(e16 + 4, (uint32_t)(next + size));
        wr32(e16 + 8, str);
        wr32(e16 + 12, 0);
        next = (next + size + 0xfff) & ~0xfffull;
        n++;
    }
    info->nmodules = n;
    return TRUE;
}

void multiboot_entry_state(VcpuRegs *regs, VcpuSregs *sregs, uint64_t entry, uint64_t mbi)
{
    memset(regs, 0, sizeof(*regs));
    memset(sregs, 0, sizeof(*sregs));
    regs->rip = entry;
    regs->rflags = 2;
    regs->gpr[VCPU_RAX] = MULTIBOOT_BOOTLOADER_MAGIC;
    regs->gpr[VCPU_RBX] = mbi;
    regs->gpr[VCPU_RSP] = MULTIBOOT_INFO_ADDR;   /* undefined by the spec; below the info */
    VcpuSegment data = { .base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 3, .s = 1,
                         .present = 1, .db = 1, .g = 1 };
    for (int i = 0; i < VCPU_NR_SEGS; i++)
        sregs->seg[i] = data;
    sregs->seg[VCPU_SEG_CS] = (VcpuSegment){ .base = 0, .limit = 0xffffffff, .selector = 0x08,
                                             .type = 0xb, .s = 1, .present = 1, .db = 1,
                                             .g = 1 };
    sregs->tr = (VcpuSegment){ .limit = 0x67, .type = 0xb, .present = 1 };
    sregs->ldt = (VcpuSegment){ .type = 2, .present = 1, .unusable = 1 };
    sregs->gdt = (VcpuDtable){ BOOT_GDT_ADDR, 23 };
    sregs->idt = (VcpuDtable){ 0, 0 };
    sregs->cr0 = 0x11;            /* ET PE */
    sregs->apic_base = 0xfee00000ull | 0x900;
}

gboolean multiboot_load(Machine *m, const MultibootConfig *cfg, MultibootInfo *info,
                        GError **error)
{
    memset(info, 0, sizeof(*info));
    g_autoptr(GError) e = NULL;
    g_autoptr(GMappedFile) f = g_mapped_file_new(cfg->kernel, FALSE, &e);
    if (!f) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_IO, "cannot read the kernel: %s",
                    e->message);
        return FALSE;
    }
    const uint8_t *img = (const uint8_t *)g_mapped_file_get_contents(f);
    gsize len = g_mapped_file_get_length(f);
    gssize hoff = img ? header_find(img, len) : -1;
    if (hoff < 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: no multiboot header in the first %d bytes", cfg->kernel,
                    MULTIBOOT_SEARCH);
        return FALSE;
    }
    uint32_t hflags = rd32(img + hoff + 4);
    if (hflags & 0xffff & ~MBH_REQUIRED_KNOWN) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: the multiboot header requires features this loader lacks "
                    "(flags 0x%x)", cfg->kernel, hflags & 0xffff & ~MBH_REQUIRED_KNOWN);
        return FALSE;
    }
    uint8_t *mbi = machine_ram_ptr(m, MULTIBOOT_INFO_ADDR, MULTIBOOT_INFO_SIZE);
    uint8_t *strs = machine_ram_ptr(m, MULTIBOOT_STRINGS_ADDR, MULTIBOOT_STRINGS_SIZE);
    uint8_t *gdt = machine_ram_ptr(m, BOOT_GDT_ADDR, 24);
    if (!mbi || !strs || !gdt) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE, "memory too small");
        return FALSE;
    }
    uint64_t entry = 0;
    gboolean ok;
    if (hflags & MBH_FLAG_ADDRESSES)
        ok = load_addresses(m, cfg->kernel, img, len, hoff, info, &entry, error);
    else if (len >= 4 && memcmp(img, ELFMAG, SELFMAG) == 0)
        ok = load_elf(m, cfg->kernel, img, len, info, &entry, error);
    else {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: multiboot kernel is neither ELF nor gives load addresses "
                    "(header flag 16)", cfg->kernel);
        ok = FALSE;
    }
    if (!ok)
        return FALSE;
    if (entry >= lowmem_end(m)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s: entry point 0x%" G_GINT64_MODIFIER "x is outside RAM", cfg->kernel,
                    entry);
        return FALSE;
    }

    memset(mbi, 0, MULTIBOOT_INFO_SIZE);
    memset(strs, 0, MULTIBOOT_STRINGS_SIZE);
    StringArea strings = { strs, 0 };
    uint32_t flags = MBI_MEMORY | MBI_BOOT_DEVICE | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
    /* the module list, then the memory map, after the information */
    uint8_t *mods = mbi + MBI_SIZE;
    if (cfg->modules && cfg->modules[0]) {
        if (!load_modules(m, cfg, mods, &strings, info, error))
            return FALSE;
        flags |= MBI_MODS;
        wr32(mbi + MBI_MODS_COUNT, info->nmodules);
        wr32(mbi + MBI_MODS_ADDR, MULTIBOOT_INFO_ADDR + MBI_SIZE);
    }
    gsize mmap_off = MBI_SIZE + MB_MODULE_SIZE * MULTIBOOT_MAX_MODULES;
    E820Entry e820[BOOT_E820_MAX];
    int n = linux_boot_e820(m, e820, BOOT_E820_MAX);
    for (int i = 0; i < n; i++) {
        uint8_t *p = mbi + mmap_off + MB_MMAP_ENTRY * i;
        wr32(p, MB_MMAP_ENTRY - 4);
        wr64(p + 4, e820[i].addr);
        wr64(p + 12, e820[i].size);
        wr32(p + 20, e820[i].type);
    }
    wr32(mbi + MBI_MMAP_LENGTH, MB_MMAP_ENTRY * n);
    wr32(mbi + MBI_MMAP_ADDR, MULTIBOOT_INFO_ADDR + mmap_off);
    /* mem_lower: KiB from 0 to the EBDA; mem_upper: KiB from 1 MiB to the
     * first hole */
    wr32(mbi + MBI_MEM_LOWER, BOOT_EBDA_ADDR >> 10);
    wr32(mbi + MBI_MEM_UPPER, (lowmem_end(m) - BOOT_HIGH_ADDR) >> 10);
    wr32(mbi + MBI_BOOT_DEV, 0x8000ffff);   /* first BIOS disk, no partition (as QEMU) */

    g_autofree char *cmdline = cfg->cmdline && cfg->cmdline[0]
        ? g_strdup_printf("%s %s", cfg->kernel, cfg->cmdline) : g_strdup(cfg->kernel);
    uint32_t cl, name;
    if (!string_put(&strings, cmdline, "the command line", &cl, error) ||
        !string_put(&strings, "vessel-vmm", "the loader name", &name, error))
        return FALSE;
    wr32(mbi + MBI_CMDLINE_PTR, cl);
    wr32(mbi + MBI_LOADER_NAME_PTR, name);
    wr32(mbi + MBI_FLAGS, flags);

    /* null, 0x08 flat 32-bit code, 0x10 flat data */
    wr64(gdt, 0);
    wr64(gdt + 8, 0x00cf9b000000ffffull);
    wr64(gdt + 16, 0x00cf93000000ffffull);
    info->info_addr = MULTIBOOT_INFO_ADDR;
    multiboot_entry_state(&info->regs, &info->sregs, entry, MULTIBOOT_INFO_ADDR);
    return TRUE;
}
