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

/* The size of the firmware image @path for MachineConfig.bios_size, or
 * FALSE with @error if it is unreadable or not a ROM image (a multiple of
 * 64 KiB, at most 16 MiB). */
gboolean firmware_image_size(const char *path, uint64_t *size, GError **error);
/* Load @path into @m's ROM (the machine was made with its size), set the
 * CMOS memory bytes, and give the reset state of vCPU 0. */
gboolean firmware_load(Machine *m, const char *path, FirmwareInfo *info, GError **error);
/* The x86 reset state (real mode at 0xffff0000 + 0xfff0). */
void firmware_reset_state(VcpuRegs *regs, VcpuSregs *sregs);

#endif
