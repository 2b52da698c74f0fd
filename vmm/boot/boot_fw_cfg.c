/* boot_fw_cfg.c - the fw_cfg items of every boot (boot_fw_cfg.h).
 * Keys and formats as QEMU's pc machine has them: FW_CFG_RAM_SIZE (u64,
 * all RAM), FW_CFG_NB_CPUS / FW_CFG_MAX_CPUS and "etc/boot-cpus" (u16),
 * FW_CFG_UUID (16 bytes in text order), FW_CFG_NOGRAPHIC (u16),
 * FW_CFG_BOOT_DEVICE (u16, the first -boot letter), FW_CFG_BOOT_MENU
 * (u16 0), FW_CFG_IRQ0_OVERRIDE (u32 1: the MADT maps IRQ 0 to GSI 2),
 * "etc/e820" (u64 address, u64 length, u32 type per entry, packed: RAM
 * and reservations), and FW_CFG_CMDLINE_ADDR/SIZE/DATA (u32, u32 with the
 * NUL, the bytes) for a kernel loaded by the VMM.  For firmware:
 * "etc/sercon-port" (u16), "bootorder" (the device paths of the disks
 * with a boot index, one a line, NUL-terminated, as QEMU's), an e820 map of whole RAM ranges, and
 * FW_CFG_SMBIOS_ENTRIES in QEMU's legacy form, which SeaBIOS reads when
 * no etc/smbios/ tables are given: a u16 count, then per entry a u16
 * length (the whole entry), a u8 kind (0: one field of a structure the
 * firmware builds), the SMBIOS structure type (u8) and the field's offset
 * in it (u16), then the field's bytes.  One field: the UUID of the type 1
 * (System Information) structure, offset 8, so the guest's
 * /sys/class/dmi/id/product_uuid is the domain's UUID; everything else
 * keeps SeaBIOS's defaults.  The bytes go in text order: SeaBIOS's
 * entry point says SMBIOS 2.4, older than 2.6, whose readers (Linux,
 * dmidecode) take the UUID as it is written. */
#include "config.h"

#include "vmm/boot/boot_fw_cfg.h"
#include "vmm/boot/linux_boot.h"
#include "vmm/hw/fw_cfg.h"

#include <string.h>

gboolean boot_uuid_parse(const char *text, uint8_t out[16])
{
    int n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-' && (n == 8 || n == 12 || n == 16 || n == 20))
            continue;
        int v = g_ascii_xdigit_value(*p);
        if (v < 0 || n >= 32)
            return FALSE;
        if (n % 2 == 0)
            out[n / 2] = (uint8_t)(v << 4);
        else
            out[n / 2] |= (uint8_t)v;
        n++;
    }
    return n == 32;
}

/* RAM as the machine has it (the i440FX of a firmware boot has no ECAM
 * window to reserve). */
static int firmware_e820(const Machine *m, E820Entry *out, int max)
{
    int n = 0;
    for (int i = 0; i < machine_ram_range_count(m) && n < max; i++) {
        const MachineRamRange *r = machine_ram_range(m, i);
        if (!r->device)
            out[n++] = (E820Entry){ r->gpa, r->size, E820_RAM };
    }
    return n;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

enum { SMBIOS_FIELD_ENTRY = 0, SMBIOS_TYPE1 = 1, SMBIOS_TYPE1_UUID = 8 };

static int smbios_uuid_entry(FwCfg *fw, const uint8_t uuid[16])
{
    enum { ENTRY = 6 + 16 };
    uint8_t blob[2 + ENTRY] = { 1, 0, ENTRY, 0, SMBIOS_FIELD_ENTRY, SMBIOS_TYPE1,
                                SMBIOS_TYPE1_UUID, 0 };
    memcpy(blob + 8, uuid, 16);
    return fw_cfg_add_bytes(fw, FW_CFG_SMBIOS_ENTRIES, blob, sizeof(blob));
}

gboolean boot_fw_cfg_fill(Machine *m, const BootFwCfg *c, GError **error)
{
    FwCfg *fw = machine_fw_cfg(m);
    uint8_t uuid[16] = { 0 };
    if (c->uuid && c->uuid[0] && !boot_uuid_parse(c->uuid, uuid)) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG, "malformed UUID '%s'", c->uuid);
        return FALSE;
    }
    int ncpus = machine_vcpu_count(m);
    E820Entry e820[BOOT_E820_MAX];
    int n = c->firmware ? firmware_e820(m, e820, BOOT_E820_MAX)
                        : linux_boot_e820(m, e820, BOOT_E820_MAX);
    uint8_t table[BOOT_E820_MAX * 20];
    for (int i = 0; i < n; i++) {
        put64(table + 20 * i, e820[i].addr);
        put64(table + 20 * i + 8, e820[i].size);
        for (int b = 0; b < 4; b++)
            table[20 * i + 16 + b] = (uint8_t)(e820[i].type >> (8 * b));
    }
    uint8_t cpus16[2] = { (uint8_t)ncpus, (uint8_t)(ncpus >> 8) };
    machine_lock(m);
    int r = 0;
    r = r < 0 ? r : fw_cfg_add_u64(fw, FW_CFG_RAM_SIZE, machine_ram_size(m));
    r = r < 0 ? r : fw_cfg_add_u16(fw, FW_CFG_NB_CPUS, (uint16_t)ncpus);
    r = r < 0 ? r : fw_cfg_add_u16(fw, FW_CFG_MAX_CPUS, (uint16_t)ncpus);
    r = r < 0 ? r : fw_cfg_add_file(fw, "etc/boot-cpus", cpus16, sizeof(cpus16));
    r = r < 0 ? r : fw_cfg_add_bytes(fw, FW_CFG_UUID, uuid, sizeof(uuid));
    r = r < 0 ? r : fw_cfg_add_u16(fw, FW_CFG_NOGRAPHIC, !c->graphics);
    r = r < 0 ? r : fw_cfg_add_u16(fw, FW_CFG_BOOT_DEVICE, (uint8_t)(c->boot_device ? c->boot_device : 'c'));
    r = r < 0 ? r : fw_cfg_add_u16(fw, FW_CFG_BOOT_MENU, 0);
    r = r < 0 ? r : fw_cfg_add_u32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    r = r < 0 ? r : fw_cfg_add_file(fw, "etc/e820", table, (size_t)n * 20);
    if (c->sercon_port)
        r = r < 0 ? r : fw_cfg_add_file(fw, "etc/sercon-port",
                                        (uint8_t[2]){ (uint8_t)c->sercon_port,
                                                      (uint8_t)(c->sercon_port >> 8) }, 2);
    if (c->bootorder)
        r = r < 0 ? r : fw_cfg_add_file(fw, "bootorder", c->bootorder, strlen(c->bootorder) + 1);
    if (c->firmware && c->uuid && c->uuid[0])
        r = r < 0 ? r : smbios_uuid_entry(fw, uuid);
    if (c->cmdline) {
        size_t len = strlen(c->cmdline) + 1;
        r = r < 0 ? r : fw_cfg_add_u32(fw, FW_CFG_CMDLINE_ADDR, (uint32_t)c->cmdline_addr);
        r = r < 0 ? r : fw_cfg_add_u32(fw, FW_CFG_CMDLINE_SIZE, (uint32_t)len);
        r = r < 0 ? r : fw_cfg_add_bytes(fw, FW_CFG_CMDLINE_DATA, c->cmdline, len);
    }
    machine_unlock(m);
    if (r < 0) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_HOST, "cannot fill fw_cfg: %s",
                    g_strerror(-r));
        return FALSE;
    }
    return TRUE;
}
