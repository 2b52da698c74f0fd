/* firmware.h - boot through PC firmware (SeaBIOS) as QEMU's pc machine
 * does with -bios: the image in the ROM that ends at 4 GiB, its last
 * 128 KiB also at 0xe0000-0xfffff (the "isa-bios" alias; vessel-pc has
 * RAM there, which the firmware's shadowing expects), the memory sizes
 * in CMOS where SeaBIOS reads them, and the CPU at the reset vector:
 * real mode, CS 0xf000 with base 0xffff0000, IP 0xfff0. */
#ifndef VESSEL_FIRMWARE_H
#define VESSEL_FIRMWARE_H

#include "vmm/machine.h"

#include <glib.h>

#define FIRMWARE_ISA_BIOS_SIZE 0x20000ull   /* the alias below 1 MiB */

typedef struct {
    VcpuRegs regs;
    VcpuSregs sregs;
} FirmwareInfo;

/* Read the firmware image @path once (a reboot reuses it, as QEMU reads
 * -bios once), or NULL with @error if it is unreadable or not a ROM image
 * (a multiple of 64 KiB, at most 16 MiB); its size is MachineConfig.bios_size. */
GBytes *firmware_image_read(const char *path, GError **error);
/* Copy @image into @m's ROM (the machine was made with its size), set the
 * CMOS memory bytes and boot order (@boot_order: QEMU's -boot letters,
 * c disk, d CD-ROM, n network; NULL or "" for "c"), and give the reset
 * state of vCPU 0. */
gboolean firmware_load(Machine *m, GBytes *image, const char *boot_order,
                       FirmwareInfo *info, GError **error);
/* TRUE if @order is 1 to 3 distinct letters of c, d, n. */
gboolean firmware_boot_order_valid(const char *order);
/* What a valid @order with n (network) means here, for the log: there
 * is no network boot ROM (PXE), so the firmware finds nothing to boot
 * there and goes on with the other devices, as SeaBIOS does when PXE
 * finds no server.  NULL without n. */
const char *firmware_boot_order_note(const char *order);
/* The x86 reset state (real mode at 0xffff0000 + 0xfff0). */
void firmware_reset_state(VcpuRegs *regs, VcpuSregs *sregs);

#endif
