/* linux_boot.h - Linux x86 boot protocol, 64-bit entry.
 *
 * Loads a bzImage (protected-mode part at pref_address, or 16 MiB/1 MiB
 * aligned to kernel_alignment) or an ELF vmlinux (PT_LOAD segments at
 * their physical addresses), writes the zero page (setup header copied
 * from the image, e820 map, command line, initrd, RSDP address), and the
 * identity page tables and GDT the 64-bit entry needs.  With a VGA, the
 * zero page's screen_info describes BIOS text mode 3 (80x25 colour) the
 * way the real-mode setup code would, so vgacon takes the screen.  The result is the
 * boot vCPU's register state. */
#ifndef VESSEL_LINUX_BOOT_H
#define VESSEL_LINUX_BOOT_H

#include "vmm/machine.h"

#include <glib.h>

/* Guest-physical layout of what the loader writes below 1 MiB. */
#define BOOT_GDT_ADDR 0x500ull
#define BOOT_ZERO_PAGE_ADDR 0x7000ull
#define BOOT_PML4_ADDR 0x9000ull       /* PML4, PDPT, 4 page directories */
#define BOOT_CMDLINE_ADDR 0x20000ull
#define BOOT_CMDLINE_MAX 0x10000
#define BOOT_EBDA_ADDR 0x9fc00ull
#define BOOT_HIGH_ADDR 0x100000ull
#define BOOT_E820_MAX 128

#define E820_RAM 1
#define E820_RESERVED 2

typedef struct {
    const char *kernel;
    const char *initrd;      /* may be NULL */
    const char *cmdline;     /* may be NULL */
    uint64_t rsdp;           /* 0: none */
    gboolean vga_text;       /* a VGA in text mode 3: say so in screen_info */
} LinuxBootConfig;

typedef struct {
    VcpuRegs regs;
    VcpuSregs sregs;
    uint64_t kernel_addr, kernel_end;
    uint64_t initrd_addr, initrd_size;
    gboolean elf;
} LinuxBootInfo;

typedef struct {
    uint64_t addr, size;
    uint32_t type;
} E820Entry;

/* The machine's e820 map; returns the number of entries. */
int linux_boot_e820(const Machine *m, E820Entry *out, int max);
/* True if @path starts with a Linux bzImage setup header. */
gboolean linux_boot_is_bzimage_file(const char *path);
gboolean linux_boot_load(Machine *m, const LinuxBootConfig *cfg, LinuxBootInfo *info,
                         GError **error);
/* 64-bit flat register state with the loader's GDT and page tables. */
void linux_boot_long_mode_state(VcpuRegs *regs, VcpuSregs *sregs, uint64_t entry,
                                uint64_t zero_page);
/* Write the GDT and identity page tables (first 4 GiB, 2 MiB pages). */
gboolean linux_boot_write_tables(Machine *m, GError **error);

#endif
