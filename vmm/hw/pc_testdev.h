/* pc_testdev.h - QEMU's pc-testdev (-device pc-testdev), the ports and
 * memory kvm-unit-tests style kernels poke:
 *   0xe0-0xe3   a 32-bit scratch register, any width at any byte offset
 *   0xe4-0xe7   "flush page": a 32-bit write of a guest-physical address;
 *               cached translations of that page are dropped
 *   0xe8-0xeb   the same scratch register, accessed byte by byte
 *   0x2000+n    (n < 24) a byte write sets interrupt line n (ISA IRQ or
 *               GSI) to 1 if nonzero, else 0
 *   0xff000000  64 KiB of MMIO-backed scratch memory (every access exits)
 * Only in the `test` machine profile. */
#ifndef VESSEL_HW_PC_TESTDEV_H
#define VESSEL_HW_PC_TESTDEV_H

#include "vmm/hw/irq.h"
#include "vmm/io_bus.h"

#define PC_TESTDEV_IOPORT 0xe0
#define PC_TESTDEV_FLUSH 0xe4
#define PC_TESTDEV_IOPORT_BYTE 0xe8
#define PC_TESTDEV_IRQ 0x2000
#define PC_TESTDEV_IRQ_LINES 24
#define PC_TESTDEV_IOMEM 0xff000000ull
#define PC_TESTDEV_IOMEM_LEN 0x10000

typedef struct PcTestdev PcTestdev;

typedef struct {
    /* Line 0-23 of the machine (irq.h's set with @line). */
    void (*set_irq)(void *opaque, int line, int level);
    /* The page at @gpa was "flushed": drop what is cached of it. */
    void (*flush_page)(void *opaque, uint64_t gpa);
    void *opaque;
} PcTestdevHost;

PcTestdev *pc_testdev_create(const PcTestdevHost *host);
void pc_testdev_destroy(PcTestdev *t);
void pc_testdev_reset(PcTestdev *t);
int pc_testdev_attach(PcTestdev *t, IoBus *bus);

#endif
