/* multiboot.h - Multiboot (version 1) loading, as QEMU's -kernel does for
 * a kernel that is not Linux: the multiboot header in the first 8 KiB,
 * an ELF image (32- or 64-bit, PT_LOAD segments at their physical
 * addresses) or the header's address fields (the "a.out kludge"),
 * modules from a comma-separated list, and entry in 32-bit protected
 * mode with paging off, EAX = 0x2BADB002 and EBX the physical address of
 * the multiboot information (memory sizes, the e820 map as the memory
 * map, the command line, the modules, the boot loader's name). */
#ifndef VESSEL_MULTIBOOT_H
#define VESSEL_MULTIBOOT_H

#include "vmm/machine.h"

#include <glib.h>

#define MULTIBOOT_HEADER_MAGIC 0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define MULTIBOOT_SEARCH 8192
#define MULTIBOOT_INFO_ADDR 0x9000ull      /* the information, modules, memory map */
#define MULTIBOOT_INFO_SIZE 0x7000ull      /* up to the command lines */
#define MULTIBOOT_STRINGS_ADDR 0x20000ull  /* command lines, loader name */
#define MULTIBOOT_STRINGS_SIZE 0x10000ull
#define MULTIBOOT_MAX_MODULES 64

typedef struct {
    const char *kernel;
    /* QEMU's -initrd for multiboot: "FILE[ ARGS][,FILE[ ARGS]]...", ",,"
     * for a comma inside an item; each module's string is the whole item. */
    const char *modules;
    const char *cmdline;
} MultibootConfig;

typedef struct {
    VcpuRegs regs;
    VcpuSregs sregs;
    uint64_t kernel_start, kernel_end;   /* what the image occupies */
    uint64_t info_addr;
    int nmodules;
} MultibootInfo;

/* True if the first 8 KiB of @img hold a valid multiboot header. */
gboolean multiboot_probe(const uint8_t *img, gsize len);
/* True if the file @path is a multiboot kernel (false if unreadable). */
gboolean multiboot_probe_file(const char *path);
gboolean multiboot_load(Machine *m, const MultibootConfig *cfg, MultibootInfo *info,
                        GError **error);
/* The 32-bit flat protected-mode state of the multiboot entry. */
void multiboot_entry_state(VcpuRegs *regs, VcpuSregs *sregs, uint64_t entry, uint64_t mbi);
/* Split a module list as QEMU does ("a b,c" -> "a b", "c"; ",," is a
 * comma); NULL-terminated, g_strfreev it. */
char **multiboot_split_modules(const char *list);

#endif
