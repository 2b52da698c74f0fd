/* acpi_tables.h - the ACPI tables of vessel-pc, built in C.
 *
 * RSDP (revision 2) at the start of the BIOS area so the kernel also finds
 * it by scanning 0xe0000-0xfffff, then RSDT, XSDT, FADT (PM1a blocks,
 * PM timer, reset register, fixed power button, SCI on IRQ 9), FACS, DSDT
 * (PCI root bridge with _CRS and _PRT, COM1, PS/2 keyboard, RTC, \_S5) and MADT
 * (one LAPIC per vCPU, the IOAPIC, overrides IRQ0->GSI2 and SCI level,
 * LINT1 NMI) and MCFG (the ECAM window of bus 0, PCI_ECAM_BASE). */
#ifndef VESSEL_ACPI_TABLES_H
#define VESSEL_ACPI_TABLES_H

#include "vmm/machine.h"

#include <glib.h>
#include <stdint.h>

#define ACPI_TABLES_BASE 0xe0000ull
#define ACPI_TABLES_LIMIT 0x100000ull

/* What differs between machines: vessel-pc has an ECAM window (MCFG)
 * and its own PCI window; the i440FX of a firmware boot has no ECAM and
 * the window SeaBIOS places BARs in. */
typedef struct {
    gboolean ecam;                 /* an MCFG for PCI_ECAM_BASE */
    uint64_t mmio_base, mmio_end;  /* the root bridge's memory window (_CRS), inclusive */
} AcpiConfig;

/* Where each table went (offsets in the buffer; the RSDP is at 0, 36
 * bytes; mcfg is 0 without ECAM); nentries counts the RSDT's entries. */
typedef struct {
    gsize rsdt, xsdt, fadt, facs, dsdt, madt, mcfg, end;
    int nentries;
} AcpiLayout;

/* Build everything for @cfg into @buf, seen by the guest at @base_gpa;
 * the number of bytes used (0 if @size is too small), @lay the layout. */
gsize acpi_tables_build_layout(uint8_t *buf, gsize size, uint64_t base_gpa, int ncpus,
                               const AcpiConfig *cfg, AcpiLayout *lay);
/* The same for vessel-pc (ECAM, its PCI window).
 * Build everything into @buf, which the guest will see at @base_gpa.
 * Returns the number of bytes used, or 0 if @size is too small.  The RSDP
 * is at offset 0. */
gsize acpi_tables_build_buf(uint8_t *buf, gsize size, uint64_t base_gpa, int ncpus);
/* Build into guest memory at ACPI_TABLES_BASE; returns the RSDP address. */
gboolean acpi_tables_install(Machine *m, uint64_t *rsdp_gpa, GError **error);
/* The DSDT's AML body alone (for tests and iasl). */
GByteArray *acpi_dsdt_aml(void);
GByteArray *acpi_dsdt_aml_for(const AcpiConfig *cfg);
/* Sum of bytes modulo 256 (a table is valid when this is 0). */
uint8_t acpi_checksum(const uint8_t *p, gsize len);

#endif
