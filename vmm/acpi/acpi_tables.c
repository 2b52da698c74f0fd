/* acpi_tables.c - RSDP, RSDT, XSDT, FADT, FACS, DSDT, MADT and MCFG for the
 * vessel-pc machine (see acpi_tables.h).  Every address in here comes from
 * the device headers so the tables and the devices cannot disagree. */
#include "config.h"

#include "vmm/acpi/acpi_tables.h"
#include "vmm/acpi/aml.h"
#include "vmm/hw/acpi_pm.h"
#include "vmm/hw/ioapic.h"
#include "vmm/hw/lapic.h"
#include "vmm/hw/pci.h"

#include <string.h>

#define ACPI_OEM_ID "VESSEL"
#define ACPI_OEM_TABLE "VESSELPC"
#define ACPI_CREATOR "VSSL"
#define ACPI_HEADER_LEN 36

uint8_t acpi_checksum(const uint8_t *p, gsize len)
{
    uint8_t sum = 0;
    for (gsize i = 0; i < len; i++)
        sum += p[i];
    return sum;
}

/* A growing table with little-endian writers. */
typedef struct {
    GByteArray *b;
} Tbl;

static void t_put(Tbl *t, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        guint8 x = v >> (8 * i);
        g_byte_array_append(t->b, &x, 1);
    }
}

static void t_bytes(Tbl *t, const void *p, gsize n)
{
    g_byte_array_append(t->b, p, n);
}

static void t_set(Tbl *t, gsize off, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        t->b->data[off + i] = v >> (8 * i);
}

static Tbl t_header(const char *sig, uint8_t revision)
{
    Tbl t = { g_byte_array_new() };
    t_bytes(&t, sig, 4);
    t_put(&t, 0, 4);                 /* length, fixed up */
    t_put(&t, revision, 1);
    t_put(&t, 0, 1);                 /* checksum, fixed up */
    t_bytes(&t, ACPI_OEM_ID, 6);
    t_bytes(&t, ACPI_OEM_TABLE, 8);
    t_put(&t, 1, 4);                 /* OEM revision */
    t_bytes(&t, ACPI_CREATOR, 4);
    t_put(&t, 1, 4);                 /* creator revision */
    return t;
}

static GByteArray *t_finish(Tbl *t)
{
    t_set(t, 4, t->b->len, 4);
    t->b->data[9] = 0;
    t->b->data[9] = -acpi_checksum(t->b->data, t->b->len);
    return t->b;
}

/* Generic Address Structure in system I/O space. */
static void t_gas_io(Tbl *t, uint16_t port, uint8_t bits, uint8_t access)
{
    t_put(t, port ? 1 : 0, 1);      /* SystemIO */
    t_put(t, port ? bits : 0, 1);
    t_put(t, 0, 1);
    t_put(t, port ? access : 0, 1);
    t_put(t, port, 8);
}

static const AcpiConfig acpi_default_config = {
    .ecam = TRUE, .mmio_base = PCI_MMIO_WINDOW_BASE, .mmio_end = PCI_MMIO_WINDOW_END,
};

GByteArray *acpi_dsdt_aml(void)
{
    return acpi_dsdt_aml_for(&acpi_default_config);
}

GByteArray *acpi_dsdt_aml_for(const AcpiConfig *cfg)
{
    g_autoptr(Aml) root = aml_block();

    Aml *sb = aml_scope("\\_SB");

    Aml *pci = aml_device("PCI0");
    aml_append(pci, aml_name_decl("_HID", aml_eisaid("PNP0A08")));
    aml_append(pci, aml_name_decl("_CID", aml_eisaid("PNP0A03")));
    aml_append(pci, aml_name_decl("_UID", aml_int(0)));
    aml_append(pci, aml_name_decl("_SEG", aml_int(0)));
    aml_append(pci, aml_name_decl("_BBN", aml_int(0)));
    aml_append(pci, aml_name_decl("_ADR", aml_int(0)));
    g_autoptr(GByteArray) crs = g_byte_array_new();
    aml_res_word_bus(crs, 0, 0); /* bus 0 only, as the MCFG says */
    aml_res_io(crs, 0xcf8, 8);
    aml_res_word_io(crs, 0x0000, 0x0cf7);
    aml_res_word_io(crs, 0x0d00, 0xffff);
    aml_res_dword_mem(crs, cfg->mmio_base, cfg->mmio_end);
    aml_append(pci, aml_name_decl("_CRS", aml_resource_template(crs)));
    Aml *prt = aml_package();
    for (int slot = 1; slot < PCI_SLOTS; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            Aml *e = aml_package();
            aml_append(e, aml_int(((uint64_t)slot << 16) | 0xffff));
            aml_append(e, aml_int(pin));
            aml_append(e, aml_int(0));
            aml_append(e, aml_int(PCI_INTX_GSI(slot, pin + 1)));
            aml_append(prt, e);
        }
    }
    aml_append(pci, aml_name_decl("_PRT", prt));
    aml_append(sb, pci);

    Aml *com1 = aml_device("COM1");
    aml_append(com1, aml_name_decl("_HID", aml_eisaid("PNP0501")));
    aml_append(com1, aml_name_decl("_UID", aml_int(1)));
    aml_append(com1, aml_name_decl("_STA", aml_int(0xf)));
    g_autoptr(GByteArray) com_crs = g_byte_array_new();
    aml_res_io(com_crs, 0x3f8, 8);
    aml_res_irq(com_crs, 4);
    aml_append(com1, aml_name_decl("_CRS", aml_resource_template(com_crs)));
    aml_append(sb, com1);

    Aml *kbd = aml_device("PS2K");
    aml_append(kbd, aml_name_decl("_HID", aml_eisaid("PNP0303")));
    aml_append(kbd, aml_name_decl("_STA", aml_int(0xf)));
    g_autoptr(GByteArray) kbd_crs = g_byte_array_new();
    aml_res_io(kbd_crs, 0x60, 1);
    aml_res_io(kbd_crs, 0x64, 1);
    aml_res_irq(kbd_crs, 1);
    aml_append(kbd, aml_name_decl("_CRS", aml_resource_template(kbd_crs)));
    aml_append(sb, kbd);

    Aml *rtc = aml_device("RTC");
    aml_append(rtc, aml_name_decl("_HID", aml_eisaid("PNP0B00")));
    aml_append(rtc, aml_name_decl("_STA", aml_int(0xf)));
    g_autoptr(GByteArray) rtc_crs = g_byte_array_new();
    aml_res_io(rtc_crs, 0x70, 2);
    aml_res_irq(rtc_crs, 8);
    aml_append(rtc, aml_name_decl("_CRS", aml_resource_template(rtc_crs)));
    aml_append(sb, rtc);

    aml_append(root, sb);

    Aml *s5 = aml_package();
    aml_append(s5, aml_int(ACPI_S5_SLP_TYP));
    aml_append(s5, aml_int(ACPI_S5_SLP_TYP));
    aml_append(s5, aml_int(0));
    aml_append(s5, aml_int(0));
    aml_append(root, aml_name_decl("\\_S5", s5));

    return aml_serialize(root);
}

static GByteArray *acpi_dsdt(const AcpiConfig *cfg)
{
    Tbl t = t_header("DSDT", 2);
    g_autoptr(GByteArray) aml = acpi_dsdt_aml_for(cfg);
    t_bytes(&t, aml->data, aml->len);
    return t_finish(&t);
}

static GByteArray *acpi_facs(void)
{
    Tbl t = { g_byte_array_new() };
    t_bytes(&t, "FACS", 4);
    t_put(&t, 64, 4);                /* length */
    t_put(&t, 0, 4);                 /* hardware signature */
    t_put(&t, 0, 4);                 /* firmware waking vector */
    t_put(&t, 0, 4);                 /* global lock */
    t_put(&t, 0, 4);                 /* flags */
    t_put(&t, 0, 8);                 /* X firmware waking vector */
    t_put(&t, 2, 1);                 /* version */
    while (t.b->len < 64)
        t_put(&t, 0, 1);
    return t.b;
}

static GByteArray *acpi_fadt(uint64_t facs, uint64_t dsdt)
{
    Tbl t = t_header("FACP", 5);
    uint16_t evt = ACPI_PM_BASE + ACPI_PM1_EVT_OFF;
    uint16_t cnt = ACPI_PM_BASE + ACPI_PM1_CNT_OFF;
    uint16_t tmr = ACPI_PM_BASE + ACPI_PM_TMR_OFF;
    (void)facs;
    t_put(&t, 0, 4);                 /* 36 FIRMWARE_CTRL: 0, X_FIRMWARE_CTRL has it */
    t_put(&t, dsdt, 4);              /* 40 DSDT */
    t_put(&t, 0, 1);                 /* 44 reserved */
    t_put(&t, 0, 1);                 /* 45 preferred PM profile: unspecified */
    t_put(&t, ACPI_SCI_IRQ, 2);      /* 46 SCI_INT */
    t_put(&t, 0, 4);                 /* 48 SMI_CMD: none, always in ACPI mode */
    t_put(&t, 0, 4);                 /* 52 ACPI_ENABLE/DISABLE, S4BIOS, PSTATE */
    t_put(&t, evt, 4);               /* 56 PM1a_EVT_BLK */
    t_put(&t, 0, 4);                 /* 60 PM1b_EVT_BLK */
    t_put(&t, cnt, 4);               /* 64 PM1a_CNT_BLK */
    t_put(&t, 0, 4);                 /* 68 PM1b_CNT_BLK */
    t_put(&t, 0, 4);                 /* 72 PM2_CNT_BLK */
    t_put(&t, tmr, 4);               /* 76 PM_TMR_BLK */
    t_put(&t, 0, 4);                 /* 80 GPE0_BLK */
    t_put(&t, 0, 4);                 /* 84 GPE1_BLK */
    t_put(&t, 4, 1);                 /* 88 PM1_EVT_LEN */
    t_put(&t, 2, 1);                 /* 89 PM1_CNT_LEN */
    t_put(&t, 0, 1);                 /* 90 PM2_CNT_LEN */
    t_put(&t, 4, 1);                 /* 91 PM_TMR_LEN */
    t_put(&t, 0, 1);                 /* 92 GPE0_BLK_LEN */
    t_put(&t, 0, 1);                 /* 93 GPE1_BLK_LEN */
    t_put(&t, 0, 1);                 /* 94 GPE1_BASE */
    t_put(&t, 0, 1);                 /* 95 CST_CNT */
    t_put(&t, 0xfff, 2);             /* 96 P_LVL2_LAT: C2 not supported */
    t_put(&t, 0xfff, 2);             /* 98 P_LVL3_LAT: C3 not supported */
    t_put(&t, 0, 2);                 /* 100 FLUSH_SIZE */
    t_put(&t, 0, 2);                 /* 102 FLUSH_STRIDE */
    t_put(&t, 0, 1);                 /* 104 DUTY_OFFSET */
    t_put(&t, 0, 1);                 /* 105 DUTY_WIDTH */
    t_put(&t, 0, 1);                 /* 106 DAY_ALRM */
    t_put(&t, 0, 1);                 /* 107 MON_ALRM */
    t_put(&t, 0x32, 1);              /* 108 CENTURY (CMOS index) */
    t_put(&t, 0x3, 2);               /* 109 IAPC_BOOT_ARCH: legacy devices, 8042 */
    t_put(&t, 0, 1);                 /* 111 reserved */
    /* 112 flags: WBINVD, PROC_C1, SLP_BUTTON (no fixed sleep button),
     * RESET_REG_SUP; PWR_BUTTON clear = fixed power button present. */
    t_put(&t, (1u << 0) | (1u << 2) | (1u << 5) | (1u << 10), 4);
    t_gas_io(&t, ACPI_PM_BASE + ACPI_RESET_OFF, 8, 1);  /* 116 RESET_REG */
    t_put(&t, ACPI_RESET_VALUE, 1);  /* 128 RESET_VALUE */
    t_put(&t, 0, 2);                 /* 129 ARM_BOOT_ARCH */
    t_put(&t, 1, 1);                 /* 131 FADT minor version */
    t_put(&t, facs, 8);              /* 132 X_FIRMWARE_CTRL */
    t_put(&t, dsdt, 8);              /* 140 X_DSDT */
    t_gas_io(&t, evt, 32, 2);        /* 148 X_PM1a_EVT_BLK */
    t_gas_io(&t, 0, 0, 0);           /* 160 X_PM1b_EVT_BLK */
    t_gas_io(&t, cnt, 16, 2);        /* 172 X_PM1a_CNT_BLK */
    t_gas_io(&t, 0, 0, 0);           /* 184 X_PM1b_CNT_BLK */
    t_gas_io(&t, 0, 0, 0);           /* 196 X_PM2_CNT_BLK */
    t_gas_io(&t, tmr, 32, 3);        /* 208 X_PM_TMR_BLK */
    t_gas_io(&t, 0, 0, 0);           /* 220 X_GPE0_BLK */
    t_gas_io(&t, 0, 0, 0);           /* 232 X_GPE1_BLK */
    t_gas_io(&t, 0, 0, 0);           /* 244 SLEEP_CONTROL_REG */
    t_gas_io(&t, 0, 0, 0);           /* 256 SLEEP_STATUS_REG */
    return t_finish(&t);             /* 268 bytes */
}

static GByteArray *acpi_madt(int ncpus)
{
    Tbl t = t_header("APIC", 4);
    t_put(&t, LAPIC_DEFAULT_BASE, 4);
    t_put(&t, 1, 4);                 /* PCAT_COMPAT: there are 8259s */
    for (int i = 0; i < ncpus; i++) {
        t_put(&t, 0, 1);             /* processor local APIC */
        t_put(&t, 8, 1);
        t_put(&t, i, 1);             /* ACPI processor UID */
        t_put(&t, i, 1);             /* APIC ID */
        t_put(&t, 1, 4);             /* enabled */
    }
    t_put(&t, 1, 1);                 /* I/O APIC */
    t_put(&t, 12, 1);
    t_put(&t, 0, 1);                 /* id */
    t_put(&t, 0, 1);
    t_put(&t, IOAPIC_DEFAULT_BASE, 4);
    t_put(&t, 0, 4);                 /* GSI base */
    /* interrupt source overrides: PIT on pin 2; SCI level, active high */
    t_put(&t, 2, 1);
    t_put(&t, 10, 1);
    t_put(&t, 0, 1);                 /* ISA bus */
    t_put(&t, 0, 1);                 /* IRQ 0 */
    t_put(&t, 2, 4);                 /* GSI 2 */
    t_put(&t, 0, 2);                 /* conforming */
    t_put(&t, 2, 1);
    t_put(&t, 10, 1);
    t_put(&t, 0, 1);
    t_put(&t, ACPI_SCI_IRQ, 1);
    t_put(&t, ACPI_SCI_IRQ, 4);
    t_put(&t, 0x000d, 2);            /* active high, level */
    t_put(&t, 4, 1);                 /* local APIC NMI: all CPUs, LINT1 */
    t_put(&t, 6, 1);
    t_put(&t, 0xff, 1);
    t_put(&t, 0, 2);
    t_put(&t, 1, 1);
    return t_finish(&t);
}

/* MCFG: one ECAM allocation, segment 0, bus 0 only. */
static GByteArray *acpi_mcfg(void)
{
    Tbl t = t_header("MCFG", 1);
    t_put(&t, 0, 8);                 /* reserved */
    t_put(&t, PCI_ECAM_BASE, 8);
    t_put(&t, 0, 2);                 /* PCI segment group */
    t_put(&t, 0, 1);                 /* start bus */
    t_put(&t, 0, 1);                 /* end bus */
    t_put(&t, 0, 4);
    return t_finish(&t);             /* 60 bytes */
}

static GByteArray *acpi_sdt(const char *sig, const uint64_t *entries, int n, int width)
{
    Tbl t = t_header(sig, 1);
    for (int i = 0; i < n; i++)
        t_put(&t, entries[i], width);
    return t_finish(&t);
}

static GByteArray *acpi_rsdp(uint64_t rsdt, uint64_t xsdt)
{
    Tbl t = { g_byte_array_new() };
    t_bytes(&t, "RSD PTR ", 8);
    t_put(&t, 0, 1);                 /* checksum of the first 20 bytes */
    t_bytes(&t, ACPI_OEM_ID, 6);
    t_put(&t, 2, 1);                 /* revision: ACPI 2.0+ */
    t_put(&t, rsdt, 4);
    t_put(&t, 36, 4);                /* length */
    t_put(&t, xsdt, 8);
    t_put(&t, 0, 1);                 /* extended checksum */
    t_put(&t, 0, 3);
    t.b->data[8] = -acpi_checksum(t.b->data, 20);
    t.b->data[32] = -acpi_checksum(t.b->data, 36);
    return t.b;
}

gsize acpi_tables_build_layout(uint8_t *buf, gsize size, uint64_t base, int ncpus,
                               const AcpiConfig *cfg, AcpiLayout *lay)
{
    /* Fixed layout: offsets first, then contents that point at them. */
    g_autoptr(GByteArray) dsdt = acpi_dsdt(cfg);
    g_autoptr(GByteArray) madt = acpi_madt(ncpus);
    g_autoptr(GByteArray) facs = acpi_facs();
    g_autoptr(GByteArray) mcfg = cfg->ecam ? acpi_mcfg() : NULL;
    AcpiLayout l = { .rsdt = 64 };
    l.xsdt = l.rsdt + 64;
    l.fadt = l.xsdt + 64;
    l.facs = (l.fadt + 512 + 63) & ~(gsize)63;
    l.dsdt = l.facs + 64;
    l.madt = (l.dsdt + dsdt->len + 15) & ~(gsize)15;
    l.end = l.madt + madt->len;
    if (mcfg) {
        l.mcfg = (l.end + 15) & ~(gsize)15;
        l.end = l.mcfg + mcfg->len;
    }
    if (l.end > size)
        return 0;
    g_autoptr(GByteArray) fadt = acpi_fadt(base + l.facs, base + l.dsdt);
    uint64_t entries[3] = { base + l.fadt, base + l.madt, base + l.mcfg };
    l.nentries = mcfg ? 3 : 2;
    g_autoptr(GByteArray) rsdt = acpi_sdt("RSDT", entries, l.nentries, 4);
    g_autoptr(GByteArray) xsdt = acpi_sdt("XSDT", entries, l.nentries, 8);
    g_autoptr(GByteArray) rsdp = acpi_rsdp(base + l.rsdt, base + l.xsdt);
    g_assert(fadt->len <= 512 && rsdt->len <= 64 && xsdt->len <= 64);
    memset(buf, 0, l.end);
    memcpy(buf, rsdp->data, rsdp->len);
    memcpy(buf + l.rsdt, rsdt->data, rsdt->len);
    memcpy(buf + l.xsdt, xsdt->data, xsdt->len);
    memcpy(buf + l.fadt, fadt->data, fadt->len);
    memcpy(buf + l.facs, facs->data, facs->len);
    memcpy(buf + l.dsdt, dsdt->data, dsdt->len);
    memcpy(buf + l.madt, madt->data, madt->len);
    if (mcfg)
        memcpy(buf + l.mcfg, mcfg->data, mcfg->len);
    if (lay)
        *lay = l;
    return l.end;
}

gsize acpi_tables_build_buf(uint8_t *buf, gsize size, uint64_t base, int ncpus)
{
    return acpi_tables_build_layout(buf, size, base, ncpus, &acpi_default_config, NULL);
}

gboolean acpi_tables_install(Machine *m, uint64_t *rsdp_gpa, GError **error)
{
    gsize size = ACPI_TABLES_LIMIT - ACPI_TABLES_BASE;
    uint8_t *p = machine_ram_ptr(m, ACPI_TABLES_BASE, size);
    if (!p || !acpi_tables_build_buf(p, size, ACPI_TABLES_BASE, machine_vcpu_count(m))) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE,
                    "no room for the ACPI tables");
        return FALSE;
    }
    *rsdp_gpa = ACPI_TABLES_BASE;
    return TRUE;
}
