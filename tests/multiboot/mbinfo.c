/* mbinfo.c - what the loader and the test machine tell a kernel: the
 * multiboot magic and information (memory sizes, the memory map, the
 * command line, modules, the loader's name), QEMU's fw_cfg through the
 * I/O ports and through DMA (signature, features, RAM size, CPU count,
 * boot device, command line, the file directory, etc/e820, errors), and
 * pc-testdev's scratch register and MMIO scratch memory.  The command
 * line says what to expect: mem=MIB cpus=N.  Module contents and names
 * are printed as "MODULE i 'string' size 'first line'" for the test to
 * compare with what it gave.
 *
 * The kernel also runs under QEMU (the test's cross-check): there
 * SeaBIOS's memory map and QEMU's multiboot loader differ from vessel's
 * by design, so the facts only vessel promises (its exact memory map,
 * fw_cfg's command line and boot device for a multiboot kernel) are
 * checked when the loader's name is vessel-vmm and skipped otherwise. */
#include "lib.h"

static struct mb_info *mbi;
static bool vessel;

static void check_info(uint32_t magic, uint32_t mem_mib)
{
    check(magic == 0x2badb002, "mb-magic", "EAX was %x", magic);
    check((mbi->flags & 0x247) == 0x247, "mb-flags", "flags %x lack memory, boot device, "
          "command line, memory map or loader name", mbi->flags);
    check(mbi->mem_lower == 639, "mb-mem-lower", "mem_lower %u KiB, not 639", mbi->mem_lower);
    uint32_t want = (mem_mib - 1) * 1024;
    check(vessel ? mbi->mem_upper == want : mbi->mem_upper <= want && mbi->mem_upper + 1024 > want,
          "mb-mem-upper", "mem_upper %u KiB, not %u MiB - 1 MiB", mbi->mem_upper, mem_mib);
    /* the memory map: RAM from 0 and from 1 MiB adds up to the memory */
    uint64_t ram = 0;
    bool low = false, high = false;
    for (uint32_t off = 0; off < mbi->mmap_length;) {
        uint8_t *e = (uint8_t *)(mbi->mmap_addr + off);
        uint32_t size = *(uint32_t *)e;
        uint64_t addr = *(uint64_t *)(e + 4), len = *(uint64_t *)(e + 12);
        uint32_t type = *(uint32_t *)(e + 20);
        printf("MMAP %llx %llx %u\n", addr, len, type);
        if (type == 1) {
            ram += len;
            low |= addr == 0;
            high |= addr == 0x100000;
        }
        off += size + 4;
    }
    /* vessel: RAM below the EBDA and from 1 MiB, nothing taken away */
    uint64_t expect = ((uint64_t)mem_mib << 20) - 0x60400;
    check(low && high && (vessel ? ram == expect : ram <= expect && ram + (1 << 20) > expect),
          "mb-mmap", "RAM in the map: %llu bytes (low %d, high %d)", ram, low, high);
    printf("CMDLINE '%s'\n", (const char *)mbi->cmdline);
    check(!strcmp((const char *)mbi->boot_loader_name, "vessel-vmm") ||
          !strncmp((const char *)mbi->boot_loader_name, "qemu", 4), "mb-loader-name",
          "loader name '%s'", (const char *)mbi->boot_loader_name);
    if (mbi->flags & 8) {
        struct mb_module *m = (struct mb_module *)mbi->mods_addr;
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            char first[64];
            uint32_t n = 0;
            const char *p = (const char *)m[i].start;
            while (n + 1 < sizeof(first) && p + n < (const char *)m[i].end && p[n] != '\n') {
                first[n] = p[n];
                n++;
            }
            first[n] = 0;
            printf("MODULE %u '%s' %u '%s'\n", i, (const char *)m[i].string,
                   m[i].end - m[i].start, first);
            check((m[i].start & 0xfff) == 0, "mb-module-aligned", "module %u at %x", i,
                  m[i].start);
        }
    }
}

/* ---- fw_cfg ---- */

struct dma_access {
    uint32_t control, length;
    uint64_t address;
} __attribute__((aligned(16)));

static uint32_t be32(uint32_t v)
{
    return __builtin_bswap32(v);
}

static uint32_t dma(uint32_t control, void *buf, uint32_t len)
{
    static struct dma_access a;
    a.control = be32(control);
    a.length = be32(len);
    a.address = (uint64_t)be32((uint32_t)buf) << 32;   /* big-endian 64-bit */
    outl(0x514, 0);
    outl(0x518, be32((uint32_t)&a));
    return be32(a.control);
}

static int find_file(const char *name, uint32_t *size)
{
    uint32_t count;
    fw_cfg_read(0x19, &count, 4);
    count = be32(count);
    for (uint32_t i = 0; i < count; i++) {
        struct {
            uint32_t size;
            uint16_t select, reserved;
            char name[56];
        } f;
        for (uint32_t k = 0; k < sizeof(f); k++)
            ((uint8_t *)&f)[k] = inb(0x511);
        if (!strcmp(f.name, name)) {
            *size = be32(f.size);
            return __builtin_bswap16(f.select);
        }
    }
    return -1;
}

static void check_cmdline(void)
{
    uint32_t clsize = 0;
    fw_cfg_read(0x14, &clsize, 4);
    static char cl[512];
    if (clsize > sizeof(cl))
        clsize = sizeof(cl);
    fw_cfg_read(0x15, cl, clsize);
    const char *full = (const char *)mbi->cmdline;
    const char *sp = strstr(full, " ");
    check(clsize && cl[clsize - 1] == 0 && sp && !strcmp(cl, sp + 1), "fw-cfg-cmdline",
          "'%s' (size %u) is not the end of '%s'", cl, clsize, full);
}

static void check_fw_cfg(uint32_t mem_mib, uint32_t cpus)
{
    char sig[5] = { 0 };
    fw_cfg_read(0, sig, 4);
    check(!strcmp(sig, "QEMU"), "fw-cfg-signature", "'%s'", sig);
    uint32_t id = 0;
    fw_cfg_read(1, &id, 4);
    check((id & 3) == 3, "fw-cfg-id", "features %x (want traditional and DMA)", id);
    char dsig[9] = { 0 };
    for (int i = 0; i < 8; i++)
        dsig[i] = (char)inb(0x514 + i);
    check(!strcmp(dsig, "QEMU CFG"), "fw-cfg-dma-signature", "'%s'", dsig);
    uint64_t ram = 0;
    fw_cfg_read(3, &ram, 8);
    check(ram == (uint64_t)mem_mib << 20, "fw-cfg-ram-size", "%llu bytes", ram);
    uint16_t n = fw_cfg_u16(5);
    check(n == cpus, "fw-cfg-nb-cpus", "%u, not %u", n, cpus);
    if (!vessel) {
        skip("fw-cfg-boot-device", "QEMU sets no boot device for -kernel");
        skip("fw-cfg-cmdline", "QEMU's multiboot loader gives no fw_cfg command line");
    } else {
        uint16_t boot = fw_cfg_u16(0x0c);
        check(boot == 'c', "fw-cfg-boot-device", "%x", boot);
        check_cmdline();
    }
    /* reading past an item's end gives zeros */
    outw(0x510, 5);
    inb(0x511);
    inb(0x511);
    check(inb(0x511) == 0 && inb(0x511) == 0, "fw-cfg-past-end", "nonzero past the end");

    /* the file directory and etc/e820 through DMA, against the map */
    uint32_t size = 0;
    int sel = find_file("etc/e820", &size);
    check(sel >= 0x20 && size % 20 == 0 && size, "fw-cfg-file-dir", "etc/e820: key %x size %u",
          sel, size);
    if (sel >= 0x20) {
        static uint8_t table[20 * 32 + 8];
        memset(table, 0xaa, sizeof(table));
        uint32_t r = dma(((uint32_t)sel << 16) | 0x08 | 0x02, table, size + 8);
        bool same = r == 0 && mbi->mmap_length / 24 == size / 20;
        for (uint32_t i = 0; same && i < size / 20; i++)
            same = !memcmp(table + 20 * i, (uint8_t *)mbi->mmap_addr + 24 * i + 4, 20);
        for (uint32_t i = size; i < size + 8; i++)
            same = same && table[i] == 0;   /* past the end: zeros */
        if (vessel)
            check(same, "fw-cfg-dma-e820", "control %x; etc/e820 differs from the memory map", r);
        else
            skip("fw-cfg-dma-e820", "QEMU's memory map is SeaBIOS's, not etc/e820");
        /* select, skip 20 bytes, read the second entry */
        uint8_t second[20];
        uint32_t r1 = dma(((uint32_t)sel << 16) | 0x08 | 0x04, NULL, 20);
        uint32_t r2 = dma(0x02, second, 20);
        check(r1 == 0 && r2 == 0 && !memcmp(second, table + 20, 20), "fw-cfg-dma-skip",
              "control %x %x", r1, r2);
        /* items are read-only: a write sets the error bit */
        uint32_t w = dma(((uint32_t)sel << 16) | 0x08 | 0x10, table, 4);
        check(w & 1, "fw-cfg-dma-write-refused", "control %x", w);
    }
}

/* ---- pc-testdev ---- */

static void check_testdev(void)
{
    outl(0xe0, 0x12345678);
    bool ok = inb(0xe0) == 0x78 && inb(0xe1) == 0x56 && inw(0xe2) == 0x1234;
    outb(0xe2, 0xab);
    ok = ok && inl(0xe0) == 0x12ab5678 && inl(0xe8) == 0x12ab5678;
    outw(0xea, 0xcdef);
    ok = ok && inl(0xe0) == 0xcdef5678 && inb(0xeb) == 0xcd && inw(0xe8) == 0x5678;
    check(ok, "testdev-ioport", "scratch register %x", inl(0xe0));
    volatile uint32_t *mem = (volatile uint32_t *)0xff000000;
    mem[0] = 0xdeadbeef;
    mem[0x3fff] = 0x0badf00d;
    volatile uint8_t *b = (volatile uint8_t *)0xff000000;
    check(mem[0] == 0xdeadbeef && mem[0x3fff] == 0x0badf00d && b[1] == 0xbe, "testdev-iomem",
          "%x %x", mem[0], mem[0x3fff]);
}

int kmain(uint32_t magic, struct mb_info *info)
{
    mbi = info;
    vessel = loader_is_vessel(mbi);
    printf("mbinfo: multiboot information, fw_cfg, pc-testdev\n");
    char buf[32];
    uint32_t mem = 0, cpus = 1;
    if (cmdline_arg(mbi, "mem", buf, sizeof(buf)))
        mem = parse_u32(buf);
    if (cmdline_arg(mbi, "cpus", buf, sizeof(buf)))
        cpus = parse_u32(buf);
    check_info(magic, mem);
    check_fw_cfg(mem, cpus);
    check_testdev();
    test_done();
}
