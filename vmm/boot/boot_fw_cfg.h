/* boot_fw_cfg.h - what every boot tells the guest through fw_cfg
 * (hw/fw_cfg.h): RAM size, CPU counts, UUID, boot device, the e820 map
 * ("etc/e820"), and the command line of a directly loaded kernel.  The
 * same items QEMU's pc machine offers under the same keys and names, so
 * test kernels and firmware written for QEMU find them. */
#ifndef VESSEL_BOOT_FW_CFG_H
#define VESSEL_BOOT_FW_CFG_H

#include "vmm/machine.h"

#include <glib.h>

typedef struct {
    const char *uuid;         /* "xxxxxxxx-xxxx-..." or NULL/"" for zeros */
    const char *cmdline;      /* a loaded kernel's command line, or NULL */
    uint64_t cmdline_addr;    /* where the loader put it (0: nowhere) */
    char boot_device;         /* 'c' disk, 'd' CD-ROM, 'n' network */
    gboolean graphics;        /* a display exists */
    /* Firmware boot: "etc/e820" as QEMU gives it to SeaBIOS (the RAM
     * ranges whole: the firmware makes its own reservations), and "etc/sercon-port", the I/O port of
     * the serial port SeaBIOS's console (its int 10h) writes to. */
    gboolean firmware;
    uint16_t sercon_port;     /* 0: none */
    /* "bootorder": device paths a line, first to boot first (QEMU's
     * bootindex), or NULL */
    const char *bootorder;
} BootFwCfg;

gboolean boot_fw_cfg_fill(Machine *m, const BootFwCfg *c, GError **error);
/* Parse a UUID's text into its 16 bytes in text order; FALSE if malformed. */
gboolean boot_uuid_parse(const char *text, uint8_t out[16]);

#endif
