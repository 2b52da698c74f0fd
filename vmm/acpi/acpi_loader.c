/* acpi_loader.c - ACPI tables for firmware through fw_cfg (acpi_loader.h).
 *
 * The tables are built once at address 0 (acpi_tables_build_layout),
 * then split: the RSDP (offset 0, 36 bytes) becomes etc/acpi/rsdp, the
 * rest (from the RSDT at offset 64) etc/acpi/tables.  Every pointer
 * then holds an offset in the tables blob, and an ADD_POINTER command
 * makes the firmware add the blob's address to it:
 *   FADT  DSDT (32-bit), X_FIRMWARE_CTRL and X_DSDT (64-bit)
 *   RSDT  its entries (32-bit); XSDT its entries (64-bit)
 *   RSDP  RsdtAddress (32-bit), XsdtAddress (64-bit)
 * followed by ADD_CHECKSUM for each patched table (the firmware
 * subtracts the byte sum over the table from its checksum byte). */
#include "config.h"

#include "vmm/acpi/acpi_loader.h"
#include "vmm/hw/fw_cfg.h"

#include <string.h>

#define TABLES_FILE "etc/acpi/tables"
#define RSDP_FILE "etc/acpi/rsdp"
#define LOADER_FILE "etc/table-loader"
#define RSDP_LEN 36
#define TABLES_AT 64     /* where the RSDT starts in the built buffer */

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint8_t *cmd_new(GByteArray *cmds, uint32_t command)
{
    uint8_t zero[ACPI_LOADER_ENTRY_SIZE] = { 0 };
    g_byte_array_append(cmds, zero, sizeof(zero));
    uint8_t *e = cmds->data + cmds->len - ACPI_LOADER_ENTRY_SIZE;
    put_le(e, command, 4);
    return e;
}

static void cmd_allocate(GByteArray *cmds, const char *file, uint32_t align, uint8_t zone)
{
    uint8_t *e = cmd_new(cmds, ACPI_LOADER_ALLOCATE);
    g_strlcpy((char *)e + 4, file, 56);
    put_le(e + 60, align, 4);
    e[64] = zone;
}

/* @dest[@offset], @size bytes, holds an offset in the tables blob: make
 * it relative to the blob (it was built relative to the whole buffer)
 * and have the firmware add the blob's address. */
static void cmd_pointer(GByteArray *cmds, const char *dest, uint8_t *dest_data, gsize offset,
                        int size)
{
    uint64_t v = get_le(dest_data + offset, size);
    put_le(dest_data + offset, v - TABLES_AT, size);
    uint8_t *e = cmd_new(cmds, ACPI_LOADER_ADD_POINTER);
    g_strlcpy((char *)e + 4, dest, 56);
    g_strlcpy((char *)e + 60, TABLES_FILE, 56);
    put_le(e + 116, offset, 4);
    e[120] = (uint8_t)size;
}

static void cmd_checksum(GByteArray *cmds, const char *file, gsize csum, gsize start, gsize len)
{
    uint8_t *e = cmd_new(cmds, ACPI_LOADER_ADD_CHECKSUM);
    g_strlcpy((char *)e + 4, file, 56);
    put_le(e + 60, csum, 4);
    put_le(e + 64, start, 4);
    put_le(e + 68, len, 4);
}

gboolean acpi_loader_install(Machine *m, const AcpiConfig *cfg, GError **error)
{
    gsize size = 64 * 1024;
    g_autofree uint8_t *buf = g_malloc0(size);
    AcpiLayout l;
    if (!acpi_tables_build_layout(buf, size, 0, machine_vcpu_count(m), cfg, &l)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE, "no room for the ACPI tables");
        return FALSE;
    }
    uint8_t *rsdp = buf;
    uint8_t *tables = buf + TABLES_AT;
    gsize tables_len = l.end - TABLES_AT;
    gsize fadt = l.fadt - TABLES_AT, rsdt = l.rsdt - TABLES_AT, xsdt = l.xsdt - TABLES_AT;
    g_autoptr(GByteArray) cmds = g_byte_array_new();
    cmd_allocate(cmds, TABLES_FILE, 64, ACPI_LOADER_ZONE_HIGH);
    cmd_allocate(cmds, RSDP_FILE, 16, ACPI_LOADER_ZONE_FSEG);
    cmd_pointer(cmds, TABLES_FILE, tables, fadt + 40, 4);     /* DSDT */
    cmd_pointer(cmds, TABLES_FILE, tables, fadt + 132, 8);    /* X_FIRMWARE_CTRL */
    cmd_pointer(cmds, TABLES_FILE, tables, fadt + 140, 8);    /* X_DSDT */
    for (int i = 0; i < l.nentries; i++) {
        cmd_pointer(cmds, TABLES_FILE, tables, rsdt + 36 + 4 * i, 4);
        cmd_pointer(cmds, TABLES_FILE, tables, xsdt + 36 + 8 * i, 8);
    }
    cmd_pointer(cmds, RSDP_FILE, rsdp, 16, 4);
    cmd_pointer(cmds, RSDP_FILE, rsdp, 24, 8);
    const gsize patched[] = { fadt, rsdt, xsdt };
    for (gsize i = 0; i < G_N_ELEMENTS(patched); i++)
        cmd_checksum(cmds, TABLES_FILE, patched[i] + 9, patched[i],
                     get_le(tables + patched[i] + 4, 4));
    cmd_checksum(cmds, RSDP_FILE, 8, 0, 20);
    cmd_checksum(cmds, RSDP_FILE, 32, 0, RSDP_LEN);

    FwCfg *fw = machine_fw_cfg(m);
    machine_lock(m);
    int r = fw_cfg_add_file(fw, TABLES_FILE, tables, tables_len);
    r = r < 0 ? r : fw_cfg_add_file(fw, RSDP_FILE, rsdp, RSDP_LEN);
    r = r < 0 ? r : fw_cfg_add_file(fw, LOADER_FILE, cmds->data, cmds->len);
    machine_unlock(m);
    if (r < 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST, "cannot add the ACPI tables to fw_cfg: %s",
                    g_strerror(-r));
        return FALSE;
    }
    return TRUE;
}
