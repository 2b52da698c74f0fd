/* test-boot.c - the Linux boot loader: what it writes into guest memory
 * (kernel, zero page, e820, command line, initrd, page tables, GDT) and
 * the entry state, for a synthetic bzImage, a synthetic ELF vmlinux and,
 * when present, Debian's real cloud kernel (VESSEL_GUEST_KERNEL, or the
 * scripts/guest-fetch.sh cache).  Plus every error a user can cause. */
#include "config.h"

#include "vtest.h"
#include "vmm/boot/linux_boot.h"
#include "vmm/hw/pci.h"
#include "vmm/machine.h"

#include <elf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct {
    uint16_t version;
    uint8_t xloadflags;
    uint32_t init_size;
    uint64_t pref;
    uint32_t initrd_max;
    uint8_t setup_sects;
} FakeKernel;

static const FakeKernel default_kernel = {
    .version = 0x20f, .xloadflags = 0x3, .init_size = 0x800000,
    .pref = 0x1000000, .initrd_max = 0x7fffffff, .setup_sects = 4,
};

#define PAYLOAD_LEN 0x3000

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }
static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static uint8_t payload_byte(gsize i)
{
    return (i * 7 + 3) & 0xff;
}

static char *write_bzimage(const char *dir, const FakeKernel *k)
{
    gsize setup = ((gsize)(k->setup_sects ? k->setup_sects : 4) + 1) * 512;
    gsize len = setup + PAYLOAD_LEN;
    g_autofree uint8_t *img = g_malloc0(len);
    img[0x1f1] = k->setup_sects;
    put16(img + 0x1fe, 0xaa55);
    img[0x200] = 0xeb;
    img[0x201] = 0x66;                       /* header runs to 0x268 */
    memcpy(img + 0x202, "HdrS", 4);
    put16(img + 0x206, k->version);
    img[0x211] = 0x01;                       /* LOADED_HIGH */
    put32(img + 0x22c, k->initrd_max);
    put32(img + 0x230, 0x200000);
    img[0x234] = 1;
    img[0x236] = k->xloadflags;
    put32(img + 0x238, 2047);
    put64(img + 0x258, k->pref);
    put32(img + 0x260, k->init_size);
    for (gsize i = 0; i < PAYLOAD_LEN; i++)
        img[setup + i] = payload_byte(i);
    char *path = g_build_filename(dir, "bzImage", NULL);
    g_assert_true(g_file_set_contents(path, (char *)img, len, NULL));
    return path;
}

static char *write_file(const char *dir, const char *name, gsize len)
{
    g_autofree uint8_t *data = g_malloc(len);
    for (gsize i = 0; i < len; i++)
        data[i] = (i * 13 + 1) & 0xff;
    char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, (char *)data, len, NULL));
    return path;
}

static Machine *new_machine(uint64_t mib)
{
    MachineConfig cfg = { .mem_mib = mib, .cpus = 1 };
    g_autoptr(GError) error = NULL;
    Machine *m = machine_new(&cfg, NULL, &error);
    g_assert_no_error(error);
    return m;
}

/* Walk the loader's page tables for @va (4-level, 2 MiB leaves). */
static uint64_t walk(Machine *m, uint64_t cr3, uint64_t va)
{
    uint64_t *pml4 = machine_ram_ptr(m, cr3, 4096);
    g_assert_nonnull(pml4);
    uint64_t e = pml4[(va >> 39) & 511];
    g_assert_true(e & 1);
    uint64_t *pdpt = machine_ram_ptr(m, e & ~0xfffull, 4096);
    e = pdpt[(va >> 30) & 511];
    g_assert_true(e & 1);
    uint64_t *pd = machine_ram_ptr(m, e & ~0xfffull, 4096);
    e = pd[(va >> 21) & 511];
    g_assert_true(e & 1);
    g_assert_true(e & 0x80);
    return (e & ~0x1fffffull & 0x000fffffffffffffull) | (va & 0x1fffff);
}

static void check_long_mode(Machine *m, const LinuxBootInfo *info)
{
    const VcpuSregs *s = &info->sregs;
    g_assert_cmphex(s->cr0 & 0x80000001, ==, 0x80000001);   /* PG, PE */
    g_assert_cmphex(s->cr4 & 0x20, ==, 0x20);               /* PAE */
    g_assert_cmphex(s->efer & 0x500, ==, 0x500);            /* LME, LMA */
    g_assert_cmpint(s->seg[VCPU_SEG_CS].l, ==, 1);
    g_assert_cmphex(s->seg[VCPU_SEG_CS].selector, ==, 0x10);
    g_assert_cmphex(s->seg[VCPU_SEG_DS].selector, ==, 0x18);
    g_assert_cmphex(info->regs.gpr[VCPU_RSI], ==, BOOT_ZERO_PAGE_ADDR);
    g_assert_cmphex(info->regs.rflags & 0x200, ==, 0);       /* interrupts off */
    /* the GDT the selectors point into */
    uint8_t *gdt = machine_ram_ptr(m, s->gdt.base, s->gdt.limit + 1);
    g_assert_nonnull(gdt);
    uint64_t cs = get64(gdt + 0x10), ds = get64(gdt + 0x18);
    g_assert_cmphex((cs >> 53) & 1, ==, 1);                 /* L */
    g_assert_cmphex((cs >> 47) & 1, ==, 1);                 /* present */
    g_assert_cmphex((cs >> 43) & 1, ==, 1);                 /* code */
    g_assert_cmphex((ds >> 43) & 1, ==, 0);                 /* data */
    /* identity mapping of everything the kernel touches */
    uint64_t probes[] = { 0, BOOT_ZERO_PAGE_ADDR, BOOT_CMDLINE_ADDR, info->regs.rip,
                          info->kernel_end - 1, 0xfee00000, 0xffffffff };
    for (size_t i = 0; i < G_N_ELEMENTS(probes); i++)
        g_assert_cmphex(walk(m, s->cr3, probes[i]), ==, probes[i]);
    if (info->initrd_size)
        g_assert_cmphex(walk(m, s->cr3, info->initrd_addr + info->initrd_size - 1), ==,
                        info->initrd_addr + info->initrd_size - 1);
}

static void test_bzimage(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("boot");
    g_autofree char *kernel = write_bzimage(dir->path, &default_kernel);
    g_autofree char *initrd = write_file(dir->path, "initrd", 1 << 20 | 123);
    g_autoptr(Machine) m = new_machine(64);
    LinuxBootConfig cfg = { kernel, initrd, "console=ttyS0 panic=-1", 0xe0000 };
    LinuxBootInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_true(linux_boot_load(m, &cfg, &info, &error));
    g_assert_no_error(error);

    /* the protected-mode kernel at pref_address, entry at +0x200 */
    g_assert_cmphex(info.kernel_addr, ==, 0x1000000);
    g_assert_cmphex(info.regs.rip, ==, 0x1000200);
    uint8_t *k = machine_ram_ptr(m, 0x1000000, PAYLOAD_LEN);
    for (gsize i = 0; i < PAYLOAD_LEN; i++)
        if (k[i] != payload_byte(i))
            g_error("kernel byte %" G_GSIZE_FORMAT " differs", i);

    uint8_t *zp = machine_ram_ptr(m, BOOT_ZERO_PAGE_ADDR, 4096);
    g_assert_cmphex(get16(zp + 0x1fe), ==, 0xaa55);
    g_assert_cmpmem(zp + 0x202, 4, "HdrS", 4);
    g_assert_cmphex(get16(zp + 0x206), ==, 0x20f);
    g_assert_cmphex(zp[0x210], ==, 0xff);                    /* type_of_loader */
    g_assert_cmphex(zp[0x211] & 0x81, ==, 0x81);             /* LOADED_HIGH | CAN_USE_HEAP */
    g_assert_cmphex(get32(zp + 0x214), ==, 0x1000000);       /* code32_start */
    g_assert_cmphex(get64(zp + 0x070), ==, 0xe0000);         /* acpi_rsdp_addr */
    /* command line */
    g_assert_cmphex(get32(zp + 0x228), ==, BOOT_CMDLINE_ADDR);
    g_assert_cmpstr(machine_ram_ptr(m, BOOT_CMDLINE_ADDR, 64), ==, "console=ttyS0 panic=-1");
    /* initrd: page aligned, above the kernel's init_size, below the
     * limits, intact */
    uint32_t rd = get32(zp + 0x218), rd_size = get32(zp + 0x21c);
    g_assert_cmphex(rd, ==, info.initrd_addr);
    g_assert_cmpuint(rd_size, ==, (1 << 20) + 123);
    g_assert_cmphex(rd & 0xfff, ==, 0);
    g_assert_cmpuint(rd, >=, 0x1000000 + 0x800000);
    g_assert_cmpuint((uint64_t)rd + rd_size, <=, 64ull << 20);
    g_autofree char *want = NULL;
    gsize want_len;
    g_assert_true(g_file_get_contents(initrd, &want, &want_len, NULL));
    g_assert_cmpmem(machine_ram_ptr(m, rd, rd_size), rd_size, want, want_len);
    /* e820: RAM below the EBDA, reserved EBDA and BIOS area, RAM from
     * 1 MiB, reserved ECAM window */
    g_assert_cmpint(zp[0x1e8], ==, 5);
    const uint8_t *e = zp + 0x2d0;
    g_assert_cmphex(get64(e), ==, 0);
    g_assert_cmphex(get64(e + 8), ==, BOOT_EBDA_ADDR);
    g_assert_cmpuint(get32(e + 16), ==, E820_RAM);
    g_assert_cmpuint(get32(e + 20 + 16), ==, E820_RESERVED);
    g_assert_cmphex(get64(e + 40), ==, 0xe0000);
    g_assert_cmpuint(get32(e + 40 + 16), ==, E820_RESERVED);
    g_assert_cmphex(get64(e + 60), ==, 0x100000);
    g_assert_cmphex(get64(e + 60 + 8), ==, (64ull << 20) - 0x100000);
    g_assert_cmpuint(get32(e + 60 + 16), ==, E820_RAM);
    g_assert_cmphex(get64(e + 80), ==, PCI_ECAM_BASE);
    g_assert_cmphex(get64(e + 80 + 8), ==, PCI_ECAM_SIZE);
    g_assert_cmpuint(get32(e + 80 + 16), ==, E820_RESERVED);
    check_long_mode(m, &info);
}

static void test_bzimage_relocated_and_highmem(void)
{
    /* pref_address below 1 MiB: a relocatable kernel goes up to its
     * alignment; with 4 GiB the e820 map has the high range. */
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("boot");
    FakeKernel fk = default_kernel;
    fk.pref = 0x80000;               /* 512 KiB */
    fk.setup_sects = 0;              /* 0 means 4 */
    g_autofree char *kernel = write_bzimage(dir->path, &fk);
    g_autoptr(Machine) m = new_machine(64);
    LinuxBootConfig cfg = { kernel, NULL, NULL, 0 };
    LinuxBootInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_true(linux_boot_load(m, &cfg, &info, &error));
    g_assert_cmphex(info.kernel_addr, ==, 0x200000);   /* 1 MiB aligned up to 2 MiB */
    g_assert_cmphex(info.regs.rip, ==, 0x200200);
    g_assert_cmpint(((uint8_t *)machine_ram_ptr(m, 0x200000, 1))[0], ==, payload_byte(0));

    g_autoptr(Machine) big = new_machine(4096 + 512);
    g_autofree char *kernel2 = write_bzimage(dir->path, &default_kernel);
    g_autofree char *initrd = write_file(dir->path, "initrd2", 4096);
    LinuxBootConfig cfg2 = { kernel2, initrd, "", 0 };
    g_assert_true(linux_boot_load(big, &cfg2, &info, &error));
    uint8_t *zp = machine_ram_ptr(big, BOOT_ZERO_PAGE_ADDR, 4096);
    g_assert_cmpint(zp[0x1e8], ==, 6);
    const uint8_t *e = zp + 0x2d0 + 3 * 20;
    g_assert_cmphex(get64(e + 8), ==, MACHINE_LOWMEM_MAX - 0x100000);
    g_assert_cmphex(get64(e + 40), ==, 1ull << 32);
    g_assert_cmphex(get64(e + 48), ==, (4608ull << 20) - MACHINE_LOWMEM_MAX);
    /* initrd below 3 GiB (low RAM) and its limit */
    g_assert_cmpuint(info.initrd_addr + info.initrd_size, <=, MACHINE_LOWMEM_MAX);
    check_long_mode(big, &info);
}

static void assert_load_fails(Machine *m, const LinuxBootConfig *cfg, int code,
                              const char *text);

/* A kernel that cannot fit (Debian's cloud kernel in 64 MiB: it runs
 * from pref_address 16 MiB and needs init_size 51.5 MiB there) is refused
 * with the memory it needs, instead of being loaded lower: a relocatable
 * kernel moves itself up to pref_address before decompressing, and would
 * run past the end of RAM into a triple fault. */
static void test_bzimage_does_not_fit(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("boot");
    FakeKernel fk = default_kernel;
    fk.init_size = 0x3380000;        /* 51.5 MiB */
    g_autofree char *kernel = write_bzimage(dir->path, &fk);
    LinuxBootConfig cfg = { kernel, NULL, NULL, 0 };
    g_autoptr(Machine) small = new_machine(64);
    assert_load_fails(small, &cfg, MACHINE_ERROR_NO_SPACE,
                      "needs 68 MiB of guest memory (it runs from 16 MiB and needs 51.5 MiB "
                      "there), this guest has 64 MiB");
    g_autoptr(Machine) enough = new_machine(68);
    LinuxBootInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_true(linux_boot_load(enough, &cfg, &info, &error));
    g_assert_cmphex(info.kernel_addr, ==, 0x1000000);
    g_assert_cmphex(info.kernel_end, ==, 0x1000000 + 0x3380000);

    /* pref_address beyond RAM: refused too, not moved down */
    fk = default_kernel;
    fk.pref = 0x40000000;            /* 1 GiB */
    g_autofree char *high = write_bzimage(dir->path, &fk);
    cfg.kernel = high;
    assert_load_fails(small, &cfg, MACHINE_ERROR_NO_SPACE, "needs 1032 MiB of guest memory");
}

static void assert_load_fails(Machine *m, const LinuxBootConfig *cfg, int code,
                              const char *text)
{
    LinuxBootInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_false(linux_boot_load(m, cfg, &info, &error));
    g_assert_error(error, MACHINE_ERROR, code);
    if (!strstr(error->message, text))
        g_error("'%s' does not say '%s'", error->message, text);
    g_assert_null(strchr(error->message, '\n'));
}

static void test_errors(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("boot");
    g_autoptr(Machine) m = new_machine(32);
    g_autofree char *junk = write_file(dir->path, "junk", 5000);
    LinuxBootConfig cfg = { junk, NULL, NULL, 0 };
    assert_load_fails(m, &cfg, MACHINE_ERROR_KERNEL, "not a Linux kernel");
    g_autofree char *empty = write_file(dir->path, "empty", 0);
    cfg.kernel = empty;
    assert_load_fails(m, &cfg, MACHINE_ERROR_KERNEL, "not a Linux kernel");
    g_autofree char *missing = g_build_filename(dir->path, "missing", NULL);
    cfg.kernel = missing;
    assert_load_fails(m, &cfg, MACHINE_ERROR_IO, "missing");

    FakeKernel fk = default_kernel;
    fk.version = 0x20a;
    g_autofree char *old = write_bzimage(dir->path, &fk);
    cfg.kernel = old;
    assert_load_fails(m, &cfg, MACHINE_ERROR_KERNEL, "too old");
    fk = default_kernel;
    fk.xloadflags = 0;
    g_autofree char *k32 = write_bzimage(dir->path, &fk);
    cfg.kernel = k32;
    assert_load_fails(m, &cfg, MACHINE_ERROR_KERNEL, "64-bit");

    fk = default_kernel;
    fk.init_size = 48 << 20;                          /* needs more than 32 MiB */
    g_autofree char *fat = write_bzimage(dir->path, &fk);
    cfg.kernel = fat;
    assert_load_fails(m, &cfg, MACHINE_ERROR_NO_SPACE, "memory too small");

    g_autofree char *good = write_bzimage(dir->path, &default_kernel);
    g_autofree char *big_initrd = write_file(dir->path, "big-initrd", 24 << 20);
    cfg.kernel = good;
    cfg.initrd = big_initrd;
    assert_load_fails(m, &cfg, MACHINE_ERROR_NO_SPACE, "initrd too large");
    g_autofree char *missing_rd = g_build_filename(dir->path, "no-initrd", NULL);
    cfg.initrd = missing_rd;
    assert_load_fails(m, &cfg, MACHINE_ERROR_IO, "no-initrd");
    cfg.initrd = NULL;
    g_autofree char *long_cmdline = g_strnfill(3000, 'x');
    cfg.cmdline = long_cmdline;
    assert_load_fails(m, &cfg, MACHINE_ERROR_NO_SPACE, "command line too long");
    /* an ELF that is a program, not a kernel */
    cfg.cmdline = NULL;
    cfg.kernel = "/bin/sh";
    assert_load_fails(m, &cfg, MACHINE_ERROR_KERNEL, "not a Linux kernel");
}

static void test_elf(void)
{
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("boot");
    gsize len = 0x2000;
    g_autofree uint8_t *img = g_malloc0(len);
    Elf64_Ehdr eh = { 0 };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = 0x1000000;
    eh.e_phoff = sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph = { .p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = 0xffffffff81000000ull,
                      .p_paddr = 0x1000000, .p_filesz = 0x800, .p_memsz = 0x3000 };
    memcpy(img, &eh, sizeof(eh));
    memcpy(img + sizeof(eh), &ph, sizeof(ph));
    memset(img + 0x1000, 0xc3, 0x800);
    g_autofree char *path = g_build_filename(dir->path, "vmlinux", NULL);
    g_assert_true(g_file_set_contents(path, (char *)img, len, NULL));
    g_autoptr(Machine) m = new_machine(64);
    uint8_t *dst = machine_ram_ptr(m, 0x1000000, 0x3000);
    memset(dst, 0x55, 0x3000);                  /* bss must come back zeroed */
    LinuxBootConfig cfg = { path, NULL, "root=/dev/vda", 0 };
    LinuxBootInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_true(linux_boot_load(m, &cfg, &info, &error));
    g_assert_true(info.elf);
    g_assert_cmphex(info.regs.rip, ==, 0x1000000);
    g_assert_cmphex(dst[0], ==, 0xc3);
    g_assert_cmphex(dst[0x7ff], ==, 0xc3);
    g_assert_cmphex(dst[0x800], ==, 0);
    g_assert_cmphex(dst[0x2fff], ==, 0);
    uint8_t *zp = machine_ram_ptr(m, BOOT_ZERO_PAGE_ADDR, 4096);
    g_assert_cmpmem(zp + 0x202, 4, "HdrS", 4);
    g_assert_cmpstr(machine_ram_ptr(m, get32(zp + 0x228), 16), ==, "root=/dev/vda");
    check_long_mode(m, &info);
}

static char *find_guest_kernel(void)
{
    const char *env = g_getenv("VESSEL_GUEST_KERNEL");
    if (env && *env)
        return g_strdup(env);
    const char *cache = g_getenv("VESSEL_GUEST_CACHE");
    g_autofree char *def = g_build_filename(g_get_user_cache_dir(), "vessel", "guest", NULL);
    g_autoptr(GDir) d = g_dir_open(cache ? cache : def, 0, NULL);
    if (!d)
        return NULL;
    const char *name;
    char *best = NULL;
    while ((name = g_dir_read_name(d))) {
        char *p = g_build_filename(cache ? cache : def, name, "vmlinuz", NULL);
        if (g_file_test(p, G_FILE_TEST_IS_REGULAR) && (!best || strcmp(p, best) > 0)) {
            g_free(best);
            best = p;
        } else {
            g_free(p);
        }
    }
    return best;
}

static void test_debian_kernel(void)
{
    g_autofree char *kernel = find_guest_kernel();
    if (!kernel) {
        vt_test_unavailable("no reference kernel (set VESSEL_GUEST_KERNEL or run scripts/guest-fetch.sh)");
        return;
    }
    g_autofree char *img = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(kernel, &img, &len, NULL));
    const uint8_t *h = (const uint8_t *)img;
    g_autoptr(Machine) m = new_machine(256);
    LinuxBootConfig cfg = { kernel, NULL, "console=ttyS0", 0xe0000 };
    LinuxBootInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_true(linux_boot_load(m, &cfg, &info, &error));
    g_assert_no_error(error);
    /* the kernel's own header survives in the zero page */
    uint8_t *zp = machine_ram_ptr(m, BOOT_ZERO_PAGE_ADDR, 4096);
    g_assert_cmpmem(zp + 0x202, 4, "HdrS", 4);
    g_assert_cmphex(get16(zp + 0x206), ==, get16(h + 0x206));
    g_assert_cmphex(get32(zp + 0x260), ==, get32(h + 0x260));   /* init_size */
    g_assert_cmphex(zp[0x236] & 1, ==, 1);                       /* XLF_KERNEL_64 */
    /* loaded at pref_address, payload intact */
    g_assert_cmphex(info.kernel_addr, ==, get64(h + 0x258));
    gsize setup = ((gsize)(h[0x1f1] ? h[0x1f1] : 4) + 1) * 512;
    g_assert_cmpmem(machine_ram_ptr(m, info.kernel_addr, len - setup), len - setup,
                    h + setup, len - setup);
    g_assert_cmphex(info.regs.rip, ==, info.kernel_addr + 0x200);
    check_long_mode(m, &info);
    g_test_message("%s: protocol %x, loaded at 0x%" G_GINT64_MODIFIER "x", kernel,
                   get16(h + 0x206), info.kernel_addr);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/boot/bzimage", test_bzimage);
    g_test_add_func("/boot/bzimage-relocated-highmem", test_bzimage_relocated_and_highmem);
    g_test_add_func("/boot/bzimage-does-not-fit", test_bzimage_does_not_fit);
    g_test_add_func("/boot/errors", test_errors);
    g_test_add_func("/boot/elf-vmlinux", test_elf);
    g_test_add_func("/boot/debian-kernel", test_debian_kernel);
    return g_test_run();
}
