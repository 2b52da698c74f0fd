/* test-acpi.c - ACPI tables: the AML encoders, checksums and lengths of
 * every table reachable from the RSDP, FADT and MADT contents against the
 * devices, and the DSDT disassembled by iasl (acpica-tools) when it is
 * installed. */
#include "config.h"

#include "vtest.h"
#include "vmm/acpi/acpi_tables.h"
#include "vmm/acpi/aml.h"
#include "vmm/hw/acpi_pm.h"
#include "vmm/hw/ioapic.h"
#include "vmm/hw/pci.h"

#include <glib.h>
#include <string.h>

#define BASE 0xe0000ull

static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static void test_aml_encoding(void)
{
    uint8_t pl[4];
    g_assert_cmpuint(aml_pkglength_encode(10, pl), ==, 1);
    g_assert_cmphex(pl[0], ==, 11);
    g_assert_cmpuint(aml_pkglength_encode(62, pl), ==, 1);
    g_assert_cmphex(pl[0], ==, 63);
    /* 63 + 1 no longer fits 6 bits: two bytes, total 65 = 0x41 */
    g_assert_cmpuint(aml_pkglength_encode(63, pl), ==, 2);
    g_assert_cmphex(pl[0], ==, 0x41);
    g_assert_cmphex(pl[1], ==, 0x04);
    g_assert_cmpuint(aml_pkglength_encode(5000, pl), ==, 3);
    g_assert_cmphex(pl[0] >> 6, ==, 2);
    g_assert_cmpuint((pl[0] & 0xf) | pl[1] << 4 | pl[2] << 12, ==, 5003);

    g_autoptr(GByteArray) ns = g_byte_array_new();
    aml_namestring_encode(ns, "\\_SB.PCI0");
    g_assert_cmpmem(ns->data, ns->len, "\\\x2e_SB_PCI0", 10);
    g_byte_array_set_size(ns, 0);
    aml_namestring_encode(ns, "_S5");
    g_assert_cmpmem(ns->data, ns->len, "_S5_", 4);
    g_byte_array_set_size(ns, 0);
    aml_namestring_encode(ns, "\\A.B.C");
    g_assert_cmpmem(ns->data, ns->len, "\\\x2f\x03" "A___B___C___", 15);

    g_autoptr(Aml) id = aml_eisaid("PNP0A08");
    g_autoptr(GByteArray) b = aml_serialize(id);
    g_assert_cmpmem(b->data, b->len, "\x0c\x41\xd0\x0a\x08", 5);
    g_autoptr(Aml) i1 = aml_int(0x1234);
    g_autoptr(GByteArray) b1 = aml_serialize(i1);
    g_assert_cmpmem(b1->data, b1->len, "\x0b\x34\x12", 3);
    g_autoptr(Aml) pkg = aml_package();
    aml_append(pkg, aml_int(5));
    aml_append(pkg, aml_int(0));
    g_autoptr(GByteArray) b2 = aml_serialize(pkg);
    /* PackageOp, PkgLength 5, NumElements 2, BytePrefix 5, Zero */
    g_assert_cmpmem(b2->data, b2->len, "\x12\x05\x02\x0a\x05\x00", 6);
}

static const uint8_t *table_at(const uint8_t *buf, gsize size, uint64_t gpa, const char *sig)
{
    g_assert_cmpuint(gpa, >=, BASE);
    g_assert_cmpuint(gpa - BASE + 36, <=, size);
    const uint8_t *t = buf + (gpa - BASE);
    g_assert_cmpmem(t, 4, sig, 4);
    uint32_t len = get32(t + 4);
    g_assert_cmpuint(len, >=, 36);
    g_assert_cmpuint(gpa - BASE + len, <=, size);
    g_assert_cmpuint(acpi_checksum(t, len), ==, 0);
    g_assert_cmpmem(t + 10, 6, "VESSEL", 6);
    return t;
}

static void test_tables(void)
{
    gsize size = 0x20000;
    g_autofree uint8_t *buf = g_malloc0(size);
    gsize used = acpi_tables_build_buf(buf, size, BASE, 3);
    g_assert_cmpuint(used, >, 0);
    g_assert_cmpuint(acpi_tables_build_buf(buf, 256, BASE, 3), ==, 0);
    used = acpi_tables_build_buf(buf, size, BASE, 3);

    /* RSDP v2 */
    g_assert_cmpmem(buf, 8, "RSD PTR ", 8);
    g_assert_cmpuint(acpi_checksum(buf, 20), ==, 0);
    g_assert_cmpuint(acpi_checksum(buf, 36), ==, 0);
    g_assert_cmpuint(buf[15], ==, 2);
    g_assert_cmpuint(get32(buf + 20), ==, 36);
    const uint8_t *rsdt = table_at(buf, used, get32(buf + 16), "RSDT");
    const uint8_t *xsdt = table_at(buf, used, get64(buf + 24), "XSDT");
    g_assert_cmpuint(get32(xsdt + 4), ==, 36 + 3 * 8);
    g_assert_cmpuint(get32(rsdt + 4), ==, 36 + 3 * 4);
    for (int i = 0; i < 3; i++)
        g_assert_cmpuint(get32(rsdt + 36 + 4 * i), ==, get64(xsdt + 36 + 8 * i));
    const uint8_t *fadt = table_at(buf, used, get64(xsdt + 36), "FACP");
    const uint8_t *madt = table_at(buf, used, get64(xsdt + 44), "APIC");
    const uint8_t *mcfg = table_at(buf, used, get64(xsdt + 52), "MCFG");

    /* MCFG: one ECAM allocation, segment 0, bus 0..0 */
    g_assert_cmpuint(get32(mcfg + 4), ==, 60);
    g_assert_cmphex(get64(mcfg + 44), ==, PCI_ECAM_BASE);
    g_assert_cmpuint(get16(mcfg + 52), ==, 0);
    g_assert_cmpuint(mcfg[54], ==, 0);
    g_assert_cmpuint(mcfg[55], ==, 0);
    g_assert_cmpuint(PCI_ECAM_SIZE, ==, 1u << 20);              /* one bus */
    g_assert_cmphex(PCI_ECAM_BASE + PCI_ECAM_SIZE - 1, <, IOAPIC_DEFAULT_BASE);
    g_assert_cmphex(PCI_MMIO_WINDOW_END, <, PCI_ECAM_BASE);

    /* FADT describes exactly our ACPI PM block */
    g_assert_cmpuint(get32(fadt + 4), ==, 268);
    g_assert_cmpuint(get16(fadt + 46), ==, ACPI_SCI_IRQ);
    g_assert_cmpuint(get32(fadt + 48), ==, 0);                   /* no SMI_CMD */
    g_assert_cmphex(get32(fadt + 56), ==, ACPI_PM_BASE + ACPI_PM1_EVT_OFF);
    g_assert_cmphex(get32(fadt + 64), ==, ACPI_PM_BASE + ACPI_PM1_CNT_OFF);
    g_assert_cmphex(get32(fadt + 76), ==, ACPI_PM_BASE + ACPI_PM_TMR_OFF);
    g_assert_cmpuint(fadt[88], ==, 4);
    g_assert_cmpuint(fadt[89], ==, 2);
    g_assert_cmpuint(fadt[91], ==, 4);
    uint32_t flags = get32(fadt + 112);
    g_assert_cmphex(flags & (1u << 4), ==, 0);                   /* fixed power button */
    g_assert_cmphex(flags & (1u << 10), !=, 0);                  /* reset register */
    g_assert_cmpuint(fadt[116], ==, 1);                          /* SystemIO */
    g_assert_cmphex(get64(fadt + 120), ==, ACPI_PM_BASE + ACPI_RESET_OFF);
    g_assert_cmpuint(fadt[128], ==, ACPI_RESET_VALUE);
    g_assert_cmphex(get64(fadt + 148 + 4), ==, ACPI_PM_BASE + ACPI_PM1_EVT_OFF);
    g_assert_cmphex(get64(fadt + 172 + 4), ==, ACPI_PM_BASE + ACPI_PM1_CNT_OFF);
    const uint8_t *dsdt = table_at(buf, used, get64(fadt + 140), "DSDT");
    g_assert_cmpuint(get32(fadt + 40), ==, get64(fadt + 140));
    g_assert_cmpuint(get32(fadt + 36), ==, 0);                   /* only X_FIRMWARE_CTRL */
    uint64_t facs = get64(fadt + 132);
    g_assert_cmphex(facs & 63, ==, 0);
    g_assert_cmpmem(buf + (facs - BASE), 4, "FACS", 4);
    g_assert_cmpuint(get32(buf + (facs - BASE) + 4), ==, 64);
    /* DSDT has the \_S5 package with our SLP_TYP */
    uint32_t dlen = get32(dsdt + 4);
    const uint8_t *s5 = memmem(dsdt, dlen, "_S5_", 4);
    g_assert_nonnull(s5);
    g_assert_cmphex(s5[4], ==, 0x12);                            /* PackageOp */
    g_assert_cmphex(s5[7], ==, 0x0a);
    g_assert_cmphex(s5[8], ==, ACPI_S5_SLP_TYP);

    /* MADT: LAPIC address, PC-AT compat, 3 CPUs, IOAPIC, overrides */
    g_assert_cmphex(get32(madt + 36), ==, 0xfee00000);
    g_assert_cmphex(get32(madt + 40) & 1, ==, 1);
    int cpus = 0, ioapics = 0, isos = 0, nmis = 0;
    uint32_t len = get32(madt + 4);
    for (uint32_t off = 44; off < len;) {
        const uint8_t *e = madt + off;
        g_assert_cmpuint(e[1], >=, 2);
        switch (e[0]) {
        case 0:
            g_assert_cmpuint(e[1], ==, 8);
            g_assert_cmpuint(e[3], ==, cpus);                   /* APIC ID */
            g_assert_cmphex(get32(e + 4) & 1, ==, 1);
            cpus++;
            break;
        case 1:
            g_assert_cmpuint(e[1], ==, 12);
            g_assert_cmphex(get32(e + 4), ==, 0xfec00000);
            g_assert_cmpuint(get32(e + 8), ==, 0);
            ioapics++;
            break;
        case 2:
            g_assert_cmpuint(e[1], ==, 10);
            if (e[3] == 0) {
                g_assert_cmpuint(get32(e + 4), ==, 2);
            } else {
                g_assert_cmpuint(e[3], ==, ACPI_SCI_IRQ);
                g_assert_cmphex(get16(e + 8), ==, 0x000d);      /* level, active high */
            }
            isos++;
            break;
        case 4:
            g_assert_cmpuint(e[5], ==, 1);                      /* LINT1 */
            nmis++;
            break;
        default:
            g_error("unexpected MADT entry type %u", e[0]);
        }
        off += e[1];
    }
    g_assert_cmpint(cpus, ==, 3);
    g_assert_cmpint(ioapics, ==, 1);
    g_assert_cmpint(isos, ==, 2);
    g_assert_cmpint(nmis, ==, 1);
}

static void test_install(void)
{
    MachineConfig cfg = { .mem_mib = 32, .cpus = 2 };
    g_autoptr(GError) error = NULL;
    g_autoptr(Machine) m = machine_new(&cfg, NULL, &error);
    g_assert_no_error(error);
    uint64_t rsdp = 0;
    g_assert_true(acpi_tables_install(m, &rsdp, &error));
    /* the kernel's fallback: scan 0xe0000-0xfffff on 16-byte boundaries */
    uint64_t found = 0;
    for (uint64_t a = 0xe0000; a < 0x100000 && !found; a += 16) {
        uint8_t *p = machine_ram_ptr(m, a, 36);
        if (!memcmp(p, "RSD PTR ", 8) && acpi_checksum(p, 20) == 0)
            found = a;
    }
    g_assert_cmphex(found, ==, rsdp);
}

static void test_iasl(void)
{
    g_autofree char *iasl = g_find_program_in_path("iasl");
    if (!iasl) {
        g_test_skip("iasl not installed (Debian package acpica-tools)");
        return;
    }
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("acpi");
    gsize size = 0x20000;
    g_autofree uint8_t *buf = g_malloc0(size);
    g_assert_cmpuint(acpi_tables_build_buf(buf, size, BASE, 2), >, 0);
    const uint8_t *fadt = buf + (get64(buf + 24) - BASE);
    fadt = buf + (get64(buf + (get64(buf + 24) - BASE) + 36) - BASE);
    const uint8_t *dsdt = buf + (get64(fadt + 140) - BASE);
    g_autofree char *dat = g_build_filename(dir->path, "dsdt.dat", NULL);
    g_assert_true(g_file_set_contents(dat, (const char *)dsdt, get32(dsdt + 4), NULL));
    const char *argv[] = { iasl, "-d", dat, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int code = -1;
    g_autoptr(GError) error = NULL;
    g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(60000), &out, &err, &code, &error));
    if (code != 0)
        g_error("iasl -d failed (%d): %s %s", code, out, err);
    g_autofree char *dsl_path = g_build_filename(dir->path, "dsdt.dsl", NULL);
    g_autofree char *dsl = NULL;
    g_assert_true(g_file_get_contents(dsl_path, &dsl, NULL, NULL));
    const char *want[] = { "Scope (\\_SB)", "Device (PCI0)", "EisaId (\"PNP0A08\")",
                           "Device (COM1)", "EisaId (\"PNP0501\")", "IRQNoFlags ()",
                           "Name (\\_S5, Package (0x04)", "WordBusNumber", "DWordMemory",
                           "0xC0000000", "0xFEAFFFFF", "Name (_PRT, Package (0x7C)",
                           "EisaId (\"PNP0303\")", "EisaId (\"PNP0B00\")" };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
        if (!strstr(dsl, want[i]))
            g_error("disassembled DSDT lacks '%s':\n%s", want[i], dsl);
    /* and it compiles back without errors */
    const char *argv2[] = { iasl, "-p", dat, dsl_path, NULL };
    g_autofree char *out2 = NULL, *err2 = NULL;
    g_assert_true(vt_run(argv2, NULL, NULL, vt_timeout_ms(60000), &out2, &err2, &code, &error));
    if (code != 0)
        g_error("iasl could not recompile our DSDT (%d): %s %s", code, out2, err2);

    /* the MCFG disassembles, with our ECAM base and bus range, and the
     * disassembly compiles back (iasl knows the table's layout) */
    const uint8_t *xsdt = buf + (get64(buf + 24) - BASE);
    const uint8_t *mcfg = buf + (get64(xsdt + 52) - BASE);
    g_autofree char *mdat = g_build_filename(dir->path, "mcfg.dat", NULL);
    g_assert_true(g_file_set_contents(mdat, (const char *)mcfg, get32(mcfg + 4), NULL));
    const char *argv3[] = { iasl, "-d", mdat, NULL };
    g_autofree char *out3 = NULL, *err3 = NULL;
    g_assert_true(vt_run(argv3, NULL, NULL, vt_timeout_ms(60000), &out3, &err3, &code, &error));
    if (code != 0)
        g_error("iasl -d MCFG failed (%d): %s %s", code, out3, err3);
    g_autofree char *mdsl_path = g_build_filename(dir->path, "mcfg.dsl", NULL);
    g_autofree char *mdsl = NULL;
    g_assert_true(g_file_get_contents(mdsl_path, &mdsl, NULL, NULL));
    const char *mwant[] = { "\"MCFG\"", "Base Address : 00000000FEB00000",
                            "Start Bus Number : 00", "End Bus Number : 00" };
    for (size_t i = 0; i < G_N_ELEMENTS(mwant); i++)
        if (!strstr(mdsl, mwant[i]))
            g_error("disassembled MCFG lacks '%s':\n%s", mwant[i], mdsl);
    g_autofree char *maml = g_build_filename(dir->path, "mcfg.aml", NULL);
    const char *argv4[] = { iasl, "-p", maml, mdsl_path, NULL };
    g_autofree char *out4 = NULL, *err4 = NULL;
    g_assert_true(vt_run(argv4, NULL, NULL, vt_timeout_ms(60000), &out4, &err4, &code, &error));
    if (code != 0)
        g_error("iasl could not recompile our MCFG (%d): %s %s", code, out4, err4);
    g_autofree char *back = NULL;
    gsize back_len = 0;
    g_assert_true(g_file_get_contents(maml, &back, &back_len, NULL));
    /* same table but for the compiler's id fields (offset 24 onwards
     * of the header) and checksum */
    g_assert_cmpuint(back_len, ==, get32(mcfg + 4));
    g_assert_cmpmem(back + 36, back_len - 36, mcfg + 36, back_len - 36);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/acpi/aml-encoding", test_aml_encoding);
    g_test_add_func("/acpi/tables", test_tables);
    g_test_add_func("/acpi/install", test_install);
    g_test_add_func("/acpi/iasl", test_iasl);
    return g_test_run();
}
