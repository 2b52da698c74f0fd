/* virtio_devices.c - assembles the virtio devices of a VM on the
 * machine's PCI bus, in a fixed order (rng, then disks in command-line
 * order, then one virtio-scsi adapter holding the CD-ROMs (media=cdrom)
 * as targets 0, 1, ... in command-line order, then nets, then the
 * console, then a tablet with a display),
 * with guest memory reached through
 * machine_ram_ptr().  Console input arrives on the main thread and is
 * handed to the device under the machine's device lock; each disk has
 * I/O workers that take that lock themselves (blk.c). */
#include "config.h"

#include "vmm/virtio/virtio_devices.h"
#include "vmm/chardev/chardev.h"
#include "vmm/virtio/blk.h"
#include "vmm/virtio/console.h"
#include "vmm/virtio/input.h"
#include "vmm/virtio/net.h"
#include "vmm/virtio/rng.h"
#include "vmm/virtio/scsi.h"
#include "i18n.h"
#include "fdarg.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

/* A virtio-net and the fd watch that feeds its receive queue. */
typedef struct {
    Machine *m;
    VirtioNet *vn;
    guint watch;            /* 0 while the guest has no receive buffers */
} VirtioNetPort;

struct VirtioDevices {
    VirtioGuestMem mem;
    IoThreadLock lock;      /* the machine's device lock */
    VirtioRng *rng;
    GPtrArray *disks;       /* VirtioBlk * */
    VirtioScsi *scsi;       /* the CD-ROMs, NULL without */
    GPtrArray *boot_paths;  /* char *, firmware device paths by bootindex */
    GPtrArray *nets;        /* VirtioNetPort * */
    Machine *m;
    CharDev *console_chr;
    VirtioConsole *console;
    VirtioInput *tablet;
};

static void *virtio_devices_ram(void *opaque, uint64_t gpa, uint64_t len)
{
    return machine_ram_ptr(opaque, gpa, len);
}

static void virtio_devices_ram_written(void *opaque, uint64_t gpa, uint64_t len)
{
    machine_ram_written(opaque, gpa, len);
}

static void virtio_devices_blk_free(gpointer p)
{
    virtio_blk_destroy(p);
}

static void virtio_devices_lock(void *opaque)
{
    machine_lock(opaque);
}

static void virtio_devices_unlock(void *opaque)
{
    machine_unlock(opaque);
}

/* Main thread: frames are waiting on the tap. */
static gboolean virtio_net_port_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    VirtioNetPort *p = opaque;
    (void)fd;
    (void)cond;
    machine_lock(p->m);
    bool more = virtio_net_rx_poll(p->vn);
    if (!more)
        p->watch = 0;
    machine_unlock(p->m);
    return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* vCPU thread, device lock held: the guest posted receive buffers. */
static void virtio_net_port_buffers(void *opaque)
{
    VirtioNetPort *p = opaque;
    if (!p->watch)
        p->watch = g_unix_fd_add(virtio_net_fd(p->vn), G_IO_IN, virtio_net_port_ready, p);
}

static void virtio_net_port_free(gpointer data)
{
    VirtioNetPort *p = data;
    if (p->watch)
        g_source_remove(p->watch);
    virtio_net_destroy(p->vn);
    g_free(p);
}

/* "tap=IFNAME[,mac=MAC]" or "tapfd=N[,mac=MAC]" -> a port; @index picks
 * the default MAC. */
static VirtioNetPort *virtio_net_port_new(Machine *m, const VirtioGuestMem *mem,
                                          const char *spec, unsigned index, GPtrArray *ports,
                                          GError **error)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    const char *ifname = NULL;
    int tapfd = -1;
    uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + index) };
    for (char **p = parts; *p; p++) {
        unsigned b[6];
        char end;
        guint64 n;
        if (g_str_has_prefix(*p, "tap=") && (*p)[4] && !ifname && tapfd < 0) {
            ifname = *p + 4;
        } else if (g_str_has_prefix(*p, "tapfd=") && !ifname && tapfd < 0 &&
                   g_ascii_string_to_unsigned(*p + 6, 10, 0, G_MAXINT, &n, NULL)) {
            tapfd = (int)n;
        } else if (g_str_has_prefix(*p, "mac=") &&
                   sscanf(*p + 4, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                          &b[5], &end) == 6 &&
                   b[0] <= 255 && b[1] <= 255 && b[2] <= 255 && b[3] <= 255 &&
                   b[4] <= 255 && b[5] <= 255 && !(b[0] & 1)) {
            for (int i = 0; i < 6; i++)
                mac[i] = (uint8_t)b[i];
        } else {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        _("--net %s: expected tap=IFNAME[,mac=MAC] or tapfd=N[,mac=MAC] with a unicast MAC"),
                        spec);
            return NULL;
        }
    }
    if (!ifname && tapfd < 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("--net %s: expected tap=IFNAME[,mac=MAC] or tapfd=N[,mac=MAC] with a unicast MAC"),
                    spec);
        return NULL;
    }
    for (guint i = 0; tapfd >= 0 && i < ports->len; i++) {
        if (virtio_net_fd(((VirtioNetPort *)ports->pdata[i])->vn) == tapfd) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        _("--net %s: tap fd %d is already used by another --net"), spec, tapfd);
            return NULL;
        }
    }
    int fd = ifname ? net_tap_open(ifname, error) : net_tap_adopt(tapfd, error);
    if (fd < 0)
        return NULL;
    VirtioNetPort *p = g_new0(VirtioNetPort, 1);
    p->m = m;
    p->vn = virtio_net_create(machine_pci(m), mem, fd, mac);
    if (!p->vn) {
        g_free(p);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "%s",
                    _("no free PCI slot or MMIO space for a virtio device"));
        return NULL;
    }
    virtio_net_set_rx_notify(p->vn, virtio_net_port_buffers, p);
    return p;
}

/* Main thread: console input from the chardev. */
static size_t virtio_devices_console_can_receive(void *opaque)
{
    VirtioDevices *vd = opaque;
    machine_lock(vd->m);
    size_t n = virtio_console_can_receive(vd->console);
    machine_unlock(vd->m);
    return n;
}

static void virtio_devices_console_receive(void *opaque, const uint8_t *buf, size_t len)
{
    VirtioDevices *vd = opaque;
    machine_lock(vd->m);
    virtio_console_receive(vd->console, buf, len);
    machine_unlock(vd->m);
}

void virtio_devices_start(VirtioDevices *vd)
{
    if (!vd->console)
        return;
    ChardevFrontend fe = { virtio_devices_console_can_receive,
                           virtio_devices_console_receive, vd };
    chardev_set_frontend(vd->console_chr, &fe);
}

/* A --disk argument: the image part for block_image_open (readonly
 * added for a CD-ROM), and what virtio_devices takes out of it:
 * media=disk|cdrom and bootindex=N. */
typedef struct {
    char *image;
    bool cdrom;
    int bootindex;          /* -1: none */
} VirtioDiskSpec;

static gboolean virtio_disk_spec_parse(const char *arg, VirtioDiskSpec *spec, GError **error)
{
    g_auto(GStrv) items = g_strsplit(arg, ",", -1);
    g_autoptr(GPtrArray) keep = g_ptr_array_new();
    bool readonly = false, have_media = false;
    *spec = (VirtioDiskSpec){ NULL, false, -1 };
    for (char **it = items; *it; it++) {
        guint64 n;
        if (it != items && (strcmp(*it, "media=cdrom") == 0 || strcmp(*it, "media=disk") == 0) &&
            !have_media) {
            spec->cdrom = strcmp(*it, "media=cdrom") == 0;
            have_media = true;
            continue;
        }
        if (it != items && g_str_has_prefix(*it, "bootindex=")) {
            if (spec->bootindex >= 0 ||
                !g_ascii_string_to_unsigned(*it + 10, 10, 0, 9999, &n, NULL)) {
                g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                            _("--disk %s: bootindex= takes one number from 0 to 9999"), arg);
                return FALSE;
            }
            spec->bootindex = (int)n;
            continue;
        }
        if (it != items && strcmp(*it, "readonly") == 0)
            readonly = true;
        g_ptr_array_add(keep, *it);
    }
    if (spec->cdrom && !readonly)
        g_ptr_array_add(keep, "readonly");       /* a CD is never written */
    g_ptr_array_add(keep, NULL);
    spec->image = g_strjoinv(",", (char **)keep->pdata);
    return TRUE;
}

/* Where a disk is, for the firmware's boot order. */
typedef struct {
    int bootindex;
    bool cdrom;
    unsigned index;         /* disk index, or the CD-ROM's target */
} VirtioDiskBoot;

static int virtio_disk_boot_cmp(const void *a, const void *b)
{
    const VirtioDiskBoot *x = a, *y = b;
    return (x->bootindex > y->bootindex) - (x->bootindex < y->bootindex);
}

/* The devices with a bootindex, lowest first, as the Open Firmware
 * paths QEMU writes into fw_cfg's "bootorder" and SeaBIOS matches
 * (its bootprio_find_pci_device / _scsi_device): a virtio-blk disk
 * "/pci@i0cf8/scsi@SLOT/disk@0,0", a virtio-scsi CD-ROM
 * "/pci@i0cf8/scsi@SLOT/channel@0/disk@TARGET,0" (hex). */
static void virtio_devices_boot_order(VirtioDevices *vd, VirtioDiskBoot *boot, unsigned n)
{
    qsort(boot, n, sizeof(*boot), virtio_disk_boot_cmp);
    for (unsigned i = 0; i < n; i++) {
        if (boot[i].bootindex < 0)
            continue;
        VirtioPci *vp = boot[i].cdrom ? virtio_scsi_transport(vd->scsi)
                                      : virtio_blk_transport(vd->disks->pdata[boot[i].index]);
        int slot = pci_device_slot(virtio_pci_device(vp));
        g_ptr_array_add(vd->boot_paths,
                        boot[i].cdrom
                            ? g_strdup_printf("/pci@i0cf8/scsi@%x/channel@0/disk@%x,0", slot,
                                              boot[i].index)
                            : g_strdup_printf("/pci@i0cf8/scsi@%x/disk@0,0", slot));
    }
}

char *virtio_devices_boot_order_text(VirtioDevices *vd)
{
    if (!vd || !vd->boot_paths->len)
        return NULL;
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < vd->boot_paths->len; i++)
        g_string_append_printf(s, "%s\n", (char *)vd->boot_paths->pdata[i]);
    return g_string_free(s, FALSE);
}

VirtioDevices *virtio_devices_new(Machine *m, const VirtioDevicesConfig *cfg, GError **error)
{
    char **disks = cfg->disks, **nets = cfg->nets;
    ScsiCd *cds[VIRTIO_SCSI_MAX_TARGETS];
    unsigned ncds = 0, nboot = 0;
    g_autofree VirtioDiskBoot *boot = g_new0(VirtioDiskBoot, (disks ? g_strv_length(disks) : 0) + 1);
    VirtioDevices *vd = g_new0(VirtioDevices, 1);
    vd->m = m;
    vd->mem = (VirtioGuestMem){ virtio_devices_ram, virtio_devices_ram_written, m };
    vd->lock = (IoThreadLock){ virtio_devices_lock, virtio_devices_unlock, m };
    vd->disks = g_ptr_array_new_with_free_func(virtio_devices_blk_free);
    vd->nets = g_ptr_array_new_with_free_func(virtio_net_port_free);
    vd->boot_paths = g_ptr_array_new_with_free_func(g_free);
    PciHost *host = machine_pci(m);
    vd->rng = virtio_rng_create(host, &vd->mem, NULL);
    if (!vd->rng)
        goto full;
    for (char **d = disks; d && *d; d++) {
        VirtioDiskSpec spec;
        if (!virtio_disk_spec_parse(*d, &spec, error))
            goto fail_cds;
        if (spec.cdrom && ncds == VIRTIO_SCSI_MAX_TARGETS) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        _("--disk %s: at most %d CD-ROMs"), *d, VIRTIO_SCSI_MAX_TARGETS);
            g_free(spec.image);
            goto fail_cds;
        }
        BlockBackend *bb = block_image_open(spec.image, error);
        g_autofree char *file = g_strndup(spec.image, strcspn(spec.image, ","));
        g_autofree char *name = vessel_fdarg_basename(file);
        g_free(spec.image);
        if (!bb)
            goto fail_cds;
        if (spec.cdrom) {
            if (!(cds[ncds] = scsi_cd_new(bb, name, error)))
                goto fail_cds;
            boot[nboot++] = (VirtioDiskBoot){ spec.bootindex, true, ncds++ };
            continue;
        }
        VirtioBlk *blk = virtio_blk_create(host, &vd->mem, &vd->lock, bb);
        if (!blk)
            goto full_cds;
        boot[nboot++] = (VirtioDiskBoot){ spec.bootindex, false, vd->disks->len };
        g_ptr_array_add(vd->disks, blk);
    }
    if (ncds) {
        vd->scsi = virtio_scsi_create(host, &vd->mem, &vd->lock, cds, ncds);
        ncds = 0;                       /* taken (or freed) */
        if (!vd->scsi)
            goto full;
    }
    virtio_devices_boot_order(vd, boot, nboot);
    unsigned index = 0;
    for (char **n = nets; n && *n; n++) {
        VirtioNetPort *p = virtio_net_port_new(m, &vd->mem, *n, index++, vd->nets, error);
        if (!p) {
            virtio_devices_free(vd);
            return NULL;
        }
        g_ptr_array_add(vd->nets, p);
    }
    if (cfg->console) {
        vd->console_chr = chardev_new(cfg->console, error);
        if (!vd->console_chr) {
            g_prefix_error(error, "--console: ");
            virtio_devices_free(vd);
            return NULL;
        }
        vd->console = virtio_console_create(host, &vd->mem, chardev_backend(vd->console_chr));
        if (!vd->console)
            goto full;
    }
    if (cfg->tablet) {
        vd->tablet = virtio_input_tablet_create(host, &vd->mem);
        if (!vd->tablet)
            goto full;
    }
    return vd;
full_cds:
    for (unsigned i = 0; i < ncds; i++)
        scsi_cd_free(cds[i]);
full:
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "%s",
                _("no free PCI slot or MMIO space for a virtio device"));
    virtio_devices_free(vd);
    return NULL;
fail_cds:
    for (unsigned i = 0; i < ncds; i++)
        scsi_cd_free(cds[i]);
    virtio_devices_free(vd);
    return NULL;
}

void virtio_devices_set_paused(VirtioDevices *vd, bool paused)
{
    for (guint i = 0; vd && i < vd->disks->len; i++)
        virtio_blk_set_paused(g_ptr_array_index(vd->disks, i), paused);
    if (vd && vd->scsi)
        virtio_scsi_set_paused(vd->scsi, paused);
}

gboolean virtio_devices_disk_overlay(VirtioDevices *vd, guint index, const char *file,
                                     GError **error)
{
    if (!vd || index >= vd->disks->len) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("no disk %u"), index);
        return FALSE;
    }
    return virtio_blk_overlay(g_ptr_array_index(vd->disks, index), file, error);
}

gboolean virtio_devices_disk_commit(VirtioDevices *vd, guint index, const char *base,
                                    GError **error)
{
    if (!vd || index >= vd->disks->len) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("no disk %u"), index);
        return FALSE;
    }
    return virtio_blk_commit(g_ptr_array_index(vd->disks, index), base, error);
}

void virtio_devices_stop(VirtioDevices *vd)
{
    for (guint i = 0; vd && i < vd->disks->len; i++)
        virtio_blk_stop(g_ptr_array_index(vd->disks, i));
    if (vd && vd->scsi)
        virtio_scsi_stop(vd->scsi);
}

void virtio_devices_free(VirtioDevices *vd)
{
    if (!vd)
        return;
    virtio_input_destroy(vd->tablet);
    virtio_console_destroy(vd->console);
    chardev_free(vd->console_chr);
    g_ptr_array_free(vd->nets, TRUE);
    virtio_scsi_destroy(vd->scsi);
    g_ptr_array_free(vd->disks, TRUE);
    g_ptr_array_free(vd->boot_paths, TRUE);
    virtio_rng_destroy(vd->rng);
    g_free(vd);
}

VirtioInput *virtio_devices_tablet(VirtioDevices *vd)
{
    return vd ? vd->tablet : NULL;
}
