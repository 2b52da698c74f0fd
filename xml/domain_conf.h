/* domain_conf.h - domain definitions: the parsed form of <domain> XML.
 *
 * A DomainDef is what the user defined, after validation: a strict subset
 * of libvirt's domain XML (see xml/schemas/domain.rng).  Parsing validates
 * against our schema, rejects libvirt features we do not support by name,
 * checks values (names, absolute paths, unicast MACs, sizes) and fills
 * defaults (UUID, interface MACs, lifecycle actions).  Formatting gives
 * canonical XML that libvirt's own domain.rng accepts; parse(format(def))
 * equals def.  The translation to a vessel-vmm command line lives in
 * domain_vmm.h. */
#ifndef VESSEL_DOMAIN_CONF_H
#define VESSEL_DOMAIN_CONF_H

#include <glib.h>
#include "xml/xml_error.h"

/* <domain type=...>: the spelling is kept; QEMU means the dbt CPU. */
typedef enum {
    DOMAIN_VIRT_KVM,
    DOMAIN_VIRT_DBT,
    DOMAIN_VIRT_QEMU,
    DOMAIN_VIRT_LAST
} DomainVirtType;

/* The accelerator a virt type selects (vessel-vmm --accel). */
typedef enum {
    DOMAIN_ACCEL_KVM,
    DOMAIN_ACCEL_DBT,
    DOMAIN_ACCEL_LAST
} DomainAccel;

/* on_poweroff / on_reboot / on_crash */
typedef enum {
    DOMAIN_LIFECYCLE_DESTROY,
    DOMAIN_LIFECYCLE_RESTART,
    DOMAIN_LIFECYCLE_LAST
} DomainLifecycleAction;

typedef enum {
    DOMAIN_CLOCK_UTC,       /* the only offset the vessel-pc RTC offers */
    DOMAIN_CLOCK_LAST
} DomainClockOffset;

#define DOMAIN_MAX_BOOT_ORDER 9999  /* vessel-vmm's bootindex= range */

typedef enum {
    DOMAIN_DISK_DEVICE_DISK,   /* <disk device='disk'>: virtio-blk, vdX */
    DOMAIN_DISK_DEVICE_CDROM,  /* <disk device='cdrom'>: a read-only CD-ROM
                                * on virtio-scsi, sdX, target bus='scsi' */
    DOMAIN_DISK_DEVICE_LAST
} DomainDiskDevice;

typedef enum {
    DOMAIN_DISK_FILE,    /* <disk type='file'><source file=> */
    DOMAIN_DISK_VOLUME,  /* <disk type='volume'><source pool= volume=> */
    DOMAIN_DISK_TYPE_LAST
} DomainDiskType;

typedef enum {
    DOMAIN_DISK_FORMAT_NONE,   /* no <driver type=>: raw for files; for a
                                * volume, the daemon checks what it holds */
    DOMAIN_DISK_FORMAT_RAW,
    DOMAIN_DISK_FORMAT_QCOW2,
    DOMAIN_DISK_FORMAT_LAST
} DomainDiskFormat;

typedef struct {
    DomainDiskType type;
    char *source;        /* file: absolute path of the image (<source file=>) */
    char *source_pool;   /* volume: <source pool=> */
    char *source_volume; /* volume: <source volume=> */
    DomainDiskFormat format; /* <driver type=> */
    DomainDiskDevice device; /* <disk device=> */
    char *target_dev;    /* "vda", "vdb", ... or for a CD-ROM "sda", ... (<target dev=>) */
    char *driver_name;   /* <driver name=> as written, NULL if absent */
    gboolean readonly;   /* <readonly/> */
    char *serial;        /* <serial>, NULL if absent */
    guint boot_order;    /* <boot order=>, 1..DOMAIN_MAX_BOOT_ORDER; 0 if absent */
    /* Fixed: target bus='virtio' for a disk, 'scsi' for a CD-ROM (which
     * is always read-only). */
} DomainDiskDef;

typedef enum {
    DOMAIN_NET_BRIDGE,   /* <interface type='bridge'><source bridge=> */
    DOMAIN_NET_NETWORK,  /* <interface type='network'><source network=> */
    DOMAIN_NET_LAST
} DomainNetType;

typedef struct {
    DomainNetType type;
    char *source;        /* bridge name or network name */
    char *mac;           /* "52:54:00:12:34:56", lower case; generated if absent */
    char *target_dev;    /* <target dev=> tap name as written, NULL if absent */
    /* model is always virtio (written out as <model type='virtio'/>) */
} DomainNetDef;

typedef enum {
    DOMAIN_CHR_PTY,
    DOMAIN_CHR_LAST
} DomainChrType;

/* <serial type='pty'><target port='0'/></serial> and the matching
 * <console type='pty'><target type='serial' port='0'/></console>; also
 * <console type='pty'><target type='virtio' port='0'/></console>, a
 * virtio-console (the guest's hvc0, vessel-vmm --console). */
typedef struct {
    DomainChrType type;
    guint port;          /* always 0 */
} DomainChrDef;

/* <rng model='virtio'><backend model='random'>PATH</backend></rng> */
typedef struct {
    char *backend_path;  /* /dev/urandom, /dev/random or /dev/hwrng */
} DomainRngDef;

/* <video><model type='vga' vram='KIB' heads='1' primary='yes'/></video>:
 * the standard PCI VGA (vessel-vmm --vga std,vram=MIB). */
typedef struct {
    guint vram_kib;      /* power of two, 1024..262144; default 16384 */
} DomainVideoDef;

/* <graphics type='vnc' port= autoport= listen= passwd= keymap= socket=/>: the
 * VMM's VNC server.  port -1 (or autoport='yes') lets the daemon pick
 * the first free port from 5900; the live definition has the port it
 * chose. */
typedef struct {
    int port;            /* -1: automatic */
    gboolean autoport;
    char *listen;        /* IPv4 address; NULL: 127.0.0.1 */
    char *passwd;        /* NULL: no authentication; at most 8 bytes */
    char *keymap;        /* the guest's keyboard layout ("de", "fr-ch"); NULL: en-us */
    char *socket;        /* absolute path of a UNIX socket instead of TCP, NULL if none */
} DomainGraphicsDef;

#define DOMAIN_VIDEO_DEFAULT_VRAM_KIB 16384
#define DOMAIN_VNC_PORT_MIN 5900

/* <input type='tablet|mouse|keyboard' bus='virtio|ps2'/>: what a VM with
 * a display has anyway; kept so libvirt's XML round-trips. */
typedef enum {
    DOMAIN_INPUT_TABLET_VIRTIO = 1 << 0,
    DOMAIN_INPUT_MOUSE_PS2 = 1 << 1,
    DOMAIN_INPUT_KEYBOARD_PS2 = 1 << 2,
} DomainInputs;

typedef struct {
    DomainVirtType virt_type;
    char *name;
    char uuid[37];                /* canonical lower-case UUID, always set */
    char *title;                  /* NULL if absent */
    char *description;            /* NULL if absent */
    char *metadata;               /* <metadata> children as XML, NULL if absent */

    guint64 memory_kib;           /* <memory>, rounded up to whole MiB */
    guint64 current_memory_kib;   /* <currentMemory>, <= memory_kib */
    guint vcpus;                  /* <vcpu>, 1..VESSEL_DOMAIN_MAX_VCPUS */

    char *os_arch;                /* "x86_64" */
    char *os_machine;             /* <type machine=> as written, NULL if absent */
    char *kernel;                 /* absolute path; NULL: firmware boot */
    char *initrd;                 /* absolute path or NULL (only with a kernel) */
    char *cmdline;                /* NULL if absent (only with a kernel) */
    char *loader;                 /* <loader>: firmware ROM, absolute path; NULL: the
                                   * default (DOMAIN_DEFAULT_FIRMWARE) when no kernel */
    char boot_order[4];           /* <boot dev=> in order as QEMU's -boot letters:
                                   * 'c' hd, 'd' cdrom, 'n' network; "" if none */

    gboolean acpi;                /* <features><acpi/> */
    gboolean apic;                /* <features><apic/> */
    gboolean pae;                 /* <features><pae/> */
    gboolean has_clock;           /* <clock> present */
    DomainClockOffset clock_offset;

    DomainLifecycleAction on_poweroff;  /* default destroy */
    DomainLifecycleAction on_reboot;    /* default restart */
    DomainLifecycleAction on_crash;     /* default destroy */

    char *emulator;               /* absolute path or NULL */
    DomainDiskDef **disks;
    guint n_disks;
    DomainNetDef **nets;
    guint n_nets;
    DomainChrDef *serial;         /* NULL if none */
    DomainChrDef *console;        /* NULL if none */
    DomainChrDef *virtio_console; /* <console><target type='virtio'/>, NULL if none */
    DomainRngDef *rng;            /* NULL if none */
    gboolean memballoon_none;     /* <memballoon model='none'/> was given */
    DomainVideoDef *video;        /* NULL if none (added with <graphics>) */
    DomainGraphicsDef *graphics;  /* NULL if none */
    guint inputs;                 /* DomainInputs */
} DomainDef;

#define VESSEL_DOMAIN_MAX_VCPUS 255
#define VESSEL_DOMAIN_MAX_NAME 128

typedef enum {
    DOMAIN_PARSE_DEFAULT = 0,
} DomainParseFlags;

/* Parse, validate and complete a <domain> document (NUL-terminated). */
DomainDef *domain_def_parse(const char *xml, DomainParseFlags flags, GError **error);
/* Read @path and parse it; errors name the file. */
DomainDef *domain_def_parse_file(const char *path, DomainParseFlags flags, GError **error);
/* Canonical XML, indented by 2 spaces, ending in a newline. */
char *domain_def_format(const DomainDef *def);

/* What only the XML of a running domain says, as libvirt's live XML:
 * <domain id='N'>, and the serial port's pty as <serial><source path=>
 * and <console tty= ><source path=>.  Parsing ignores them (a pty is
 * the run's, the id too), so a live dump can be defined again. */
typedef struct {
    int id;                 /* > 0 */
    const char *serial_pty; /* /dev/pts/N, or NULL */
} DomainLiveXml;
char *domain_def_format_live(const DomainDef *def, const DomainLiveXml *live);
/* TRUE if both definitions describe the same domain (every field). */
gboolean domain_def_equal(const DomainDef *a, const DomainDef *b);
DomainDef *domain_def_copy(const DomainDef *def);
void domain_def_free(DomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainDef, domain_def_free)

DomainAccel domain_virt_type_accel(DomainVirtType type);
void domain_graphics_free(DomainGraphicsDef *g);
DomainGraphicsDef *domain_graphics_copy(const DomainGraphicsDef *g);

/* Enum <-> string ("kvm", "destroy", ...); from_string returns -1 if unknown. */
const char *domain_virt_type_to_string(DomainVirtType v);
int domain_virt_type_from_string(const char *s);
const char *domain_accel_to_string(DomainAccel v);
int domain_accel_from_string(const char *s);
const char *domain_lifecycle_action_to_string(DomainLifecycleAction v);
int domain_lifecycle_action_from_string(const char *s);
const char *domain_clock_offset_to_string(DomainClockOffset v);
int domain_clock_offset_from_string(const char *s);
const char *domain_net_type_to_string(DomainNetType v);
int domain_net_type_from_string(const char *s);
const char *domain_chr_type_to_string(DomainChrType v);
int domain_chr_type_from_string(const char *s);

const char *domain_disk_device_to_string(DomainDiskDevice v);
int domain_disk_device_from_string(const char *s);
const char *domain_disk_type_to_string(DomainDiskType v);
int domain_disk_type_from_string(const char *s);
/* "raw", "qcow2" (NONE has no name) */
const char *domain_disk_format_to_string(DomainDiskFormat v);
int domain_disk_format_from_string(const char *s);

#endif
