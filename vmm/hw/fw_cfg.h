/* fw_cfg.h - QEMU's firmware configuration interface on x86 (QEMU's
 * fw_cfg_io device: docs/specs/fw_cfg.rst), the way firmware (SeaBIOS)
 * and test kernels learn about the machine: the selector at port 0x510
 * (16-bit write), the data byte at 0x511, and the DMA address register
 * at 0x514-0x51b (big-endian; a write of the low half starts a transfer).
 *
 * Items are byte strings under a 16-bit key: the well-known keys below
 * (FW_CFG_*), and "files" with a name, numbered from FW_CFG_FILE_FIRST and
 * listed in the file directory (key FW_CFG_FILE_DIR, big-endian count and
 * 64-byte entries).  The machine adds items before the guest runs; adding
 * an item that exists replaces its data (a reboot re-adds them).  Items
 * are read-only: DMA writes set the error bit, as QEMU does for its
 * read-only items.  Called with the device lock held. */
#ifndef VESSEL_HW_FW_CFG_H
#define VESSEL_HW_FW_CFG_H

#include "vmm/io_bus.h"

#include <stddef.h>
#include <stdint.h>

#define FW_CFG_PORT 0x510          /* selector; data at +1, DMA at +4 */
#define FW_CFG_PORT_LEN 12

/* Well-known keys (QEMU's include/standard-headers/linux/qemu_fw_cfg.h). */
enum {
    FW_CFG_SIGNATURE = 0x00,       /* "QEMU" */
    FW_CFG_ID = 0x01,              /* u32: bit 0 traditional, bit 1 DMA */
    FW_CFG_UUID = 0x02,            /* 16 bytes, big-endian fields */
    FW_CFG_RAM_SIZE = 0x03,        /* u64 */
    FW_CFG_NOGRAPHIC = 0x04,       /* u16 */
    FW_CFG_NB_CPUS = 0x05,         /* u16 */
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,     /* u16: 'c' disk, 'd' CD-ROM, 'n' network */
    FW_CFG_NUMA = 0x0d,            /* u64 node count, then per-CPU/node u64s */
    FW_CFG_BOOT_MENU = 0x0e,       /* u16 */
    FW_CFG_MAX_CPUS = 0x0f,        /* u16 */
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,    /* u32 */
    FW_CFG_CMDLINE_SIZE = 0x14,    /* u32, with the NUL */
    FW_CFG_CMDLINE_DATA = 0x15,    /* the command line and its NUL */
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_WRITE_CHANNEL = 0x4000,
    FW_CFG_ARCH_LOCAL = 0x8000,
    /* x86 (QEMU's hw/i386/fw_cfg.h) */
    FW_CFG_ACPI_TABLES = 0x8000,
    FW_CFG_SMBIOS_ENTRIES = 0x8001,
    FW_CFG_IRQ0_OVERRIDE = 0x8002,
    FW_CFG_E820_TABLE = 0x8003,
    FW_CFG_HPET = 0x8004,
    FW_CFG_INVALID = 0xffff,
};

#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02
#define FW_CFG_MAX_FILE_PATH 56
#define FW_CFG_FILE_SLOTS 0x100      /* files this device can hold */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull   /* "QEMU CFG" */

/* DMA control bits (big-endian in the FWCfgDmaAccess structure) */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

/* Guest RAM for DMA: a host pointer for [gpa, gpa+len) inside RAM or
 * NULL, and the report of a write (for a CPU that caches code). */
typedef struct {
    void *(*ram_ptr)(void *opaque, uint64_t gpa, uint64_t len);
    void (*ram_written)(void *opaque, uint64_t gpa, uint64_t len);
    void *opaque;
} FwCfgRam;

typedef struct FwCfg FwCfg;

FwCfg *fw_cfg_create(const FwCfgRam *ram);
void fw_cfg_destroy(FwCfg *fw);
/* Selector back to the signature, DMA address cleared; items kept. */
void fw_cfg_reset(FwCfg *fw);
int fw_cfg_attach(FwCfg *fw, IoBus *bus);

/* Add or replace item @key (a well-known key, not a file); the data is
 * copied.  0 or -errno. */
int fw_cfg_add_bytes(FwCfg *fw, uint16_t key, const void *data, size_t len);
int fw_cfg_add_u16(FwCfg *fw, uint16_t key, uint16_t value);   /* little-endian */
int fw_cfg_add_u32(FwCfg *fw, uint16_t key, uint32_t value);
int fw_cfg_add_u64(FwCfg *fw, uint16_t key, uint64_t value);
/* Add or replace file @name (shorter than FW_CFG_MAX_FILE_PATH); returns
 * its key (>= FW_CFG_FILE_FIRST) or -errno.  The directory lists files
 * sorted by name, as QEMU's does. */
int fw_cfg_add_file(FwCfg *fw, const char *name, const void *data, size_t len);
/* The data of item @key / file @name (NULL if none); for tests. */
const uint8_t *fw_cfg_item(const FwCfg *fw, uint16_t key, size_t *len);
const uint8_t *fw_cfg_file(const FwCfg *fw, const char *name, size_t *len);

uint64_t fw_cfg_read(void *opaque, uint64_t offset, unsigned size);
int fw_cfg_write(void *opaque, uint64_t offset, uint64_t val, unsigned size);

#endif
