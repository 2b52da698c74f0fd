/* firmware.c - boot through PC firmware (firmware.h).
 *
 * CMOS bytes, as QEMU's pc machine sets them and SeaBIOS reads them
 * (qemu_preinit: RAM below 4 GiB from 0x34/0x35, else 0x30/0x31; above
 * 4 GiB from 0x5b-0x5d; the CPU count from 0x5f):
 *   0x15/0x16  base memory, KiB (640)
 *   0x17/0x18, 0x30/0x31  memory above 1 MiB, KiB (at most 65535)
 *   0x34/0x35  memory between 16 MiB and 4 GiB, 64 KiB units
 *   0x5b-0x5d  memory above 4 GiB, 64 KiB units
 *   0x5f       vCPUs - 1
 *   0x3d, 0x38 the boot order: a device code per nibble (2 disk,
 *              3 CD-ROM, 4 network), first two in 0x3d, the third in the
 *              high nibble of 0x38 (its bit 0 set: no floppy signature
 *              check), what SeaBIOS turns into its boot priorities
 * The reset state is the SDM's (Vol. 3, 9.1.1): CR0 0x60000010, CS
 * selector 0xf000 base 0xffff0000, EIP 0xfff0, EDX the processor
 * signature, every other segment base 0 limit 0xffff. */
#include "config.h"

#include "vmm/boot/firmware.h"
#include "vmm/hw/rtc.h"

#include <fcntl.h>
#include <string.h>

#include "fdarg.h"

GBytes *firmware_image_read(const char *path, GError **error)
{
    g_autoptr(GError) local = NULL;
    /* fd:N: a descriptor the parent opened (vesseld: with the rights of
     * the client who named the <loader>) */
    int fd = vessel_fdarg_number(path);
    g_autoptr(GMappedFile) f = NULL;
    if (fd == -1)
        f = g_mapped_file_new(path, FALSE, &local);
    else if (vessel_fdarg_check(path, O_RDONLY, "firmware", &local))
        f = g_mapped_file_new_from_fd(fd, FALSE, &local);
    if (!f) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_IO, "cannot read the firmware: %s",
                    local->message);
        return NULL;
    }
    uint64_t len = g_mapped_file_get_length(f);
    if (len == 0 || len % MACHINE_BIOS_ALIGN || len > MACHINE_BIOS_MAX) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_KERNEL,
                    "%s is not a firmware image: %" G_GUINT64_FORMAT
                    " bytes (a ROM image is a multiple of 64 KiB, at most 16 MiB)", path, len);
        return NULL;
    }
    return g_bytes_new(g_mapped_file_get_contents(f), len);
}

static void seg_real(VcpuSegment *s, uint16_t sel, uint64_t base, uint8_t type)
{
    *s = (VcpuSegment){ .base = base, .limit = 0xffff, .selector = sel, .type = type,
                        .s = 1, .present = 1 };
}

void firmware_reset_state(VcpuRegs *regs, VcpuSregs *sregs)
{
    memset(regs, 0, sizeof(*regs));
    memset(sregs, 0, sizeof(*sregs));
    regs->rip = 0xfff0;
    regs->rflags = 0x2;
    regs->gpr[VCPU_RDX] = 0x600;     /* family 6 */
    for (int i = 0; i < VCPU_NR_SEGS; i++)
        seg_real(&sregs->seg[i], 0, 0, 0x3);           /* data, read/write, accessed */
    seg_real(&sregs->seg[VCPU_SEG_CS], 0xf000, 0xffff0000, 0xb); /* code, read, accessed */
    sregs->tr = (VcpuSegment){ .limit = 0xffff, .type = 0xb, .present = 1 };
    sregs->ldt = (VcpuSegment){ .limit = 0xffff, .type = 0x2, .present = 1 };
    sregs->gdt.limit = 0xffff;
    sregs->idt.limit = 0xffff;
    sregs->cr0 = 0x60000010;
    sregs->apic_base = 0xfee00000 | 0x800 | 0x100;   /* enabled, BSP */
}

static void cmos_memory(Machine *m)
{
    uint64_t low = 0, high = 0;
    for (int i = 0; i < machine_ram_range_count(m); i++) {
        const MachineRamRange *r = machine_ram_range(m, i);
        if (r->device)
            continue;
        if (r->gpa < (1ull << 32))
            low += r->size;
        else
            high += r->size;
    }
    uint64_t ext_kib = MIN((low - MIN(low, 1ull << 20)) >> 10, 65535);
    uint64_t above16 = MIN((low - MIN(low, 16ull << 20)) >> 16, 65535);
    uint64_t above4g = MIN(high >> 16, 0xffffff);
    const struct {
        unsigned index;
        uint8_t value;
    } bytes[] = {
        { 0x15, 640 & 0xff }, { 0x16, 640 >> 8 },
        { 0x17, (uint8_t)ext_kib }, { 0x18, (uint8_t)(ext_kib >> 8) },
        { 0x30, (uint8_t)ext_kib }, { 0x31, (uint8_t)(ext_kib >> 8) },
        { 0x34, (uint8_t)above16 }, { 0x35, (uint8_t)(above16 >> 8) },
        { 0x5b, (uint8_t)above4g }, { 0x5c, (uint8_t)(above4g >> 8) },
        { 0x5d, (uint8_t)(above4g >> 16) },
        { 0x5f, (uint8_t)(machine_vcpu_count(m) - 1) },
    };
    CmosRtc *rtc = machine_rtc(m);
    for (size_t i = 0; i < G_N_ELEMENTS(bytes); i++)
        rtc_cmos_set(rtc, bytes[i].index, bytes[i].value);
}

gboolean firmware_boot_order_valid(const char *order)
{
    size_t n = order ? strlen(order) : 0;
    if (n < 1 || n > 3)
        return FALSE;
    for (size_t i = 0; i < n; i++)
        if (!strchr("cdn", order[i]) || strchr(order + i + 1, order[i]))
            return FALSE;
    return TRUE;
}

const char *firmware_boot_order_note(const char *order)
{
    if (!order || !strchr(order, 'n'))
        return NULL;
    return "boot order: no network boot (vessel-pc has no PXE boot ROM); the firmware "
           "skips the network entry and boots the other devices";
}

static void cmos_boot_order(Machine *m, const char *order)
{
    uint8_t code[3] = { 0 };
    for (int i = 0; i < 3 && order[i]; i++)
        code[i] = order[i] == 'c' ? 2 : order[i] == 'd' ? 3 : 4;
    CmosRtc *rtc = machine_rtc(m);
    rtc_cmos_set(rtc, 0x3d, (uint8_t)(code[0] | code[1] << 4));
    rtc_cmos_set(rtc, 0x38, (uint8_t)(code[2] << 4 | 1));
}

gboolean firmware_load(Machine *m, GBytes *image, const char *boot_order,
                       FirmwareInfo *info, GError **error)
{
    uint64_t size = machine_config(m)->bios_size;
    uint8_t *rom = machine_bios(m);
    if (!rom || g_bytes_get_size(image) != size) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_CONFIG,
                    "the machine has no ROM of the firmware's size");
        return FALSE;
    }
    uint64_t isa = MIN(size, FIRMWARE_ISA_BIOS_SIZE);
    uint8_t *low = machine_ram_ptr(m, 0x100000 - isa, isa);
    if (!low) {
        g_set_error(error, MACHINE_ERROR, MACHINE_ERROR_NO_SPACE, "no RAM below 1 MiB");
        return FALSE;
    }
    const uint8_t *img = g_bytes_get_data(image, NULL);
    memcpy(rom, img, size);
    memcpy(low, img + size - isa, isa);
    uint64_t rom_gpa = (1ull << 32) - size;
    machine_ram_written(m, rom_gpa, size);
    machine_ram_written(m, 0x100000 - isa, isa);
    machine_lock(m);
    cmos_memory(m);
    cmos_boot_order(m, boot_order && *boot_order ? boot_order : "c");
    machine_unlock(m);
    firmware_reset_state(&info->regs, &info->sregs);
    return TRUE;
}
