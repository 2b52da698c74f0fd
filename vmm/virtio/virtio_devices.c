/* virtio_devices.c - assembles the virtio devices of a VM on the
 * machine's PCI bus, in a fixed order (rng, then disks in command-line
 * order), with guest memory reached through machine_ram_ptr(). */
#include "config.h"

#include "vmm/virtio/virtio_devices.h"
#include "vmm/virtio/blk.h"
#include "vmm/virtio/rng.h"
#include "i18n.h"

#include <string.h>

struct VirtioDevices {
    VirtioGuestMem mem;
    VirtioRng *rng;
    GPtrArray *disks;       /* VirtioBlk * */
};

static void *virtio_devices_ram(void *opaque, uint64_t gpa, uint64_t len)
{
    return machine_ram_ptr(opaque, gpa, len);
}

static void virtio_devices_blk_free(gpointer p)
{
    virtio_blk_destroy(p);
}

VirtioDevices *virtio_devices_new(Machine *m, char **disks, GError **error)
{
    VirtioDevices *vd = g_new0(VirtioDevices, 1);
    vd->mem = (VirtioGuestMem){ virtio_devices_ram, m };
    vd->disks = g_ptr_array_new_with_free_func(virtio_devices_blk_free);
    PciHost *host = machine_pci(m);
    vd->rng = virtio_rng_create(host, &vd->mem, NULL);
    if (!vd->rng)
        goto full;
    for (char **d = disks; d && *d; d++) {
        g_autofree char *path = g_strdup(*d);
        bool readonly = g_str_has_suffix(path, ",readonly");
        if (readonly)
            path[strlen(path) - strlen(",readonly")] = '\0';
        BlockBackend *bb = block_raw_open(path, readonly, error);
        if (!bb) {
            virtio_devices_free(vd);
            return NULL;
        }
        VirtioBlk *blk = virtio_blk_create(host, &vd->mem, bb);
        if (!blk)
            goto full;
        g_ptr_array_add(vd->disks, blk);
    }
    return vd;
full:
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "%s",
                _("no free PCI slot or MMIO space for a virtio device"));
    virtio_devices_free(vd);
    return NULL;
}

void virtio_devices_free(VirtioDevices *vd)
{
    if (!vd)
        return;
    g_ptr_array_free(vd->disks, TRUE);
    virtio_rng_destroy(vd->rng);
    g_free(vd);
}
