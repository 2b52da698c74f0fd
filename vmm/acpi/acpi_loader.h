/* acpi_loader.h - the ACPI tables handed to firmware through fw_cfg, in
 * QEMU's "BIOS linker/loader" form (hw/acpi/bios-linker-loader.c in QEMU,
 * romfile_loader.c in SeaBIOS): the blobs "etc/acpi/tables" and
 * "etc/acpi/rsdp", and "etc/table-loader", a list of 128-byte commands
 * that tell the firmware to allocate each blob (the RSDP in the F segment,
 * where operating systems scan for it; the tables in high memory), patch
 * the pointers between tables by the address each blob got, and fix the
 * checksums of what it patched.  SeaBIOS also moves its ACPI PM base to
 * 0x600 when it sees etc/table-loader, where vessel-pc has it. */
#ifndef VESSEL_ACPI_LOADER_H
#define VESSEL_ACPI_LOADER_H

#include "vmm/acpi/acpi_tables.h"

#define ACPI_LOADER_ENTRY_SIZE 128
enum {
    ACPI_LOADER_ALLOCATE = 1,
    ACPI_LOADER_ADD_POINTER = 2,
    ACPI_LOADER_ADD_CHECKSUM = 3,
};
enum { ACPI_LOADER_ZONE_HIGH = 1, ACPI_LOADER_ZONE_FSEG = 2 };

/* Build the tables for @cfg and add the three fw_cfg files to @m's fw_cfg. */
gboolean acpi_loader_install(Machine *m, const AcpiConfig *cfg, GError **error);

#endif
