/* domain_conf.c - DomainDef life cycle: enum tables, free, copy, compare. */
#include "config.h"
#include "xml/domain_conf.h"

#include <string.h>
#include "xml/xml_enum.h"

VESSEL_ENUM_IMPL(domain_virt_type, DomainVirtType, DOMAIN_VIRT_LAST, "kvm", "dbt", "qemu")
VESSEL_ENUM_IMPL(domain_accel, DomainAccel, DOMAIN_ACCEL_LAST, "kvm", "dbt")
VESSEL_ENUM_IMPL(domain_lifecycle_action, DomainLifecycleAction, DOMAIN_LIFECYCLE_LAST,
                 "destroy", "restart")
VESSEL_ENUM_IMPL(domain_clock_offset, DomainClockOffset, DOMAIN_CLOCK_LAST, "utc")
VESSEL_ENUM_IMPL(domain_net_type, DomainNetType, DOMAIN_NET_LAST, "bridge", "network")
VESSEL_ENUM_IMPL(domain_chr_type, DomainChrType, DOMAIN_CHR_LAST, "pty")
VESSEL_ENUM_IMPL(domain_disk_device, DomainDiskDevice, DOMAIN_DISK_DEVICE_LAST, "disk", "cdrom")
VESSEL_ENUM_IMPL(domain_disk_type, DomainDiskType, DOMAIN_DISK_TYPE_LAST, "file", "volume")
VESSEL_ENUM_IMPL(domain_disk_format, DomainDiskFormat, DOMAIN_DISK_FORMAT_LAST, "", "raw", "qcow2")

/* Virt type -> accelerator, indexed by DomainVirtType. */
static const DomainAccel virt_type_accel[] = {
    [DOMAIN_VIRT_KVM] = DOMAIN_ACCEL_KVM,
    [DOMAIN_VIRT_DBT] = DOMAIN_ACCEL_DBT,
    [DOMAIN_VIRT_QEMU] = DOMAIN_ACCEL_DBT,
};
G_STATIC_ASSERT(G_N_ELEMENTS(virt_type_accel) == DOMAIN_VIRT_LAST);

DomainAccel
domain_virt_type_accel(DomainVirtType type)
{
    return (guint)type < DOMAIN_VIRT_LAST ? virt_type_accel[type] : DOMAIN_ACCEL_DBT;
}

static void
domain_disk_free(DomainDiskDef *disk)
{
    if (!disk)
        return;
    g_free(disk->source);
    g_free(disk->source_pool);
    g_free(disk->source_volume);
    g_free(disk->target_dev);
    g_free(disk->driver_name);
    g_free(disk->serial);
    g_free(disk);
}

static void
domain_net_free(DomainNetDef *net)
{
    if (!net)
        return;
    g_free(net->source);
    g_free(net->mac);
    g_free(net->target_dev);
    g_free(net);
}

static void
domain_rng_free(DomainRngDef *rng)
{
    if (!rng)
        return;
    g_free(rng->backend_path);
    g_free(rng);
}

void
domain_graphics_free(DomainGraphicsDef *g)
{
    if (!g)
        return;
    g_free(g->listen);
    if (g->passwd)
        explicit_bzero(g->passwd, strlen(g->passwd));
    g_free(g->passwd);
    g_free(g->keymap);
    g_free(g->socket);
    g_free(g);
}

DomainGraphicsDef *
domain_graphics_copy(const DomainGraphicsDef *src)
{
    if (!src)
        return NULL;
    DomainGraphicsDef *g = g_memdup2(src, sizeof(*src));
    g->listen = g_strdup(src->listen);
    g->passwd = g_strdup(src->passwd);
    g->keymap = g_strdup(src->keymap);
    g->socket = g_strdup(src->socket);
    return g;
}

void
domain_def_free(DomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    g_free(def->os_arch);
    g_free(def->os_machine);
    g_free(def->kernel);
    g_free(def->initrd);
    g_free(def->cmdline);
    g_free(def->loader);
    g_free(def->emulator);
    for (guint i = 0; i < def->n_disks; i++)
        domain_disk_free(def->disks[i]);
    g_free(def->disks);
    for (guint i = 0; i < def->n_nets; i++)
        domain_net_free(def->nets[i]);
    g_free(def->nets);
    g_free(def->serial);
    g_free(def->console);
    g_free(def->virtio_console);
    domain_rng_free(def->rng);
    g_free(def->video);
    domain_graphics_free(def->graphics);
    g_free(def);
}

DomainDef *
domain_def_copy(const DomainDef *src)
{
    DomainDef *def = g_new0(DomainDef, 1);

    *def = *src;
    def->name = g_strdup(src->name);
    def->title = g_strdup(src->title);
    def->description = g_strdup(src->description);
    def->metadata = g_strdup(src->metadata);
    def->os_arch = g_strdup(src->os_arch);
    def->os_machine = g_strdup(src->os_machine);
    def->kernel = g_strdup(src->kernel);
    def->initrd = g_strdup(src->initrd);
    def->cmdline = g_strdup(src->cmdline);
    def->loader = g_strdup(src->loader);
    def->emulator = g_strdup(src->emulator);
    def->disks = g_new0(DomainDiskDef *, src->n_disks + 1);
    for (guint i = 0; i < src->n_disks; i++) {
        const DomainDiskDef *s = src->disks[i];
        DomainDiskDef *d = g_new0(DomainDiskDef, 1);

        d->type = s->type;
        d->source = g_strdup(s->source);
        d->source_pool = g_strdup(s->source_pool);
        d->source_volume = g_strdup(s->source_volume);
        d->format = s->format;
        d->target_dev = g_strdup(s->target_dev);
        d->driver_name = g_strdup(s->driver_name);
        d->readonly = s->readonly;
        d->serial = g_strdup(s->serial);
        d->device = s->device;
        d->boot_order = s->boot_order;
        def->disks[i] = d;
    }
    def->nets = g_new0(DomainNetDef *, src->n_nets + 1);
    for (guint i = 0; i < src->n_nets; i++) {
        const DomainNetDef *s = src->nets[i];
        DomainNetDef *n = g_new0(DomainNetDef, 1);

        n->type = s->type;
        n->source = g_strdup(s->source);
        n->mac = g_strdup(s->mac);
        n->target_dev = g_strdup(s->target_dev);
        def->nets[i] = n;
    }
    def->serial = src->serial ? g_memdup2(src->serial, sizeof(*src->serial)) : NULL;
    def->console = src->console ? g_memdup2(src->console, sizeof(*src->console)) : NULL;
    def->virtio_console = src->virtio_console
                              ? g_memdup2(src->virtio_console, sizeof(*src->virtio_console))
                              : NULL;
    if (src->rng) {
        def->rng = g_new0(DomainRngDef, 1);
        def->rng->backend_path = g_strdup(src->rng->backend_path);
    }
    def->video = src->video ? g_memdup2(src->video, sizeof(*src->video)) : NULL;
    def->graphics = domain_graphics_copy(src->graphics);
    return def;
}

static gboolean
chr_equal(const DomainChrDef *a, const DomainChrDef *b)
{
    if (!a || !b)
        return a == b;
    return a->type == b->type && a->port == b->port;
}

gboolean
domain_def_equal(const DomainDef *a, const DomainDef *b)
{
    if (a->virt_type != b->virt_type || g_strcmp0(a->name, b->name) ||
        strcmp(a->uuid, b->uuid) || g_strcmp0(a->title, b->title) ||
        g_strcmp0(a->description, b->description) ||
        g_strcmp0(a->metadata, b->metadata) || a->memory_kib != b->memory_kib ||
        a->current_memory_kib != b->current_memory_kib || a->vcpus != b->vcpus ||
        g_strcmp0(a->os_arch, b->os_arch) || g_strcmp0(a->os_machine, b->os_machine) ||
        g_strcmp0(a->kernel, b->kernel) || g_strcmp0(a->initrd, b->initrd) ||
        g_strcmp0(a->cmdline, b->cmdline) || g_strcmp0(a->loader, b->loader) ||
        strcmp(a->boot_order, b->boot_order) || a->acpi != b->acpi || a->apic != b->apic ||
        a->pae != b->pae || a->has_clock != b->has_clock ||
        a->clock_offset != b->clock_offset || a->on_poweroff != b->on_poweroff ||
        a->on_reboot != b->on_reboot || a->on_crash != b->on_crash ||
        g_strcmp0(a->emulator, b->emulator) || a->n_disks != b->n_disks ||
        a->n_nets != b->n_nets || !chr_equal(a->serial, b->serial) ||
        !chr_equal(a->console, b->console) ||
        !chr_equal(a->virtio_console, b->virtio_console) || !a->rng != !b->rng ||
        a->memballoon_none != b->memballoon_none)
        return FALSE;
    if (a->rng && g_strcmp0(a->rng->backend_path, b->rng->backend_path))
        return FALSE;
    if (!a->video != !b->video || (a->video && a->video->vram_kib != b->video->vram_kib) ||
        !a->graphics != !b->graphics || a->inputs != b->inputs)
        return FALSE;
    if (a->graphics) {
        const DomainGraphicsDef *x = a->graphics, *y = b->graphics;
        if (x->port != y->port || x->autoport != y->autoport || g_strcmp0(x->listen, y->listen) ||
            g_strcmp0(x->passwd, y->passwd) || g_strcmp0(x->keymap, y->keymap) ||
            g_strcmp0(x->socket, y->socket))
            return FALSE;
    }
    for (guint i = 0; i < a->n_disks; i++) {
        const DomainDiskDef *x = a->disks[i], *y = b->disks[i];

        if (x->type != y->type || x->format != y->format ||
            g_strcmp0(x->source_pool, y->source_pool) ||
            g_strcmp0(x->source_volume, y->source_volume) ||
            g_strcmp0(x->source, y->source) || g_strcmp0(x->target_dev, y->target_dev) ||
            g_strcmp0(x->driver_name, y->driver_name) || x->readonly != y->readonly ||
            g_strcmp0(x->serial, y->serial) || x->device != y->device ||
            x->boot_order != y->boot_order)
            return FALSE;
    }
    for (guint i = 0; i < a->n_nets; i++) {
        const DomainNetDef *x = a->nets[i], *y = b->nets[i];

        if (x->type != y->type || g_strcmp0(x->source, y->source) ||
            g_strcmp0(x->mac, y->mac) || g_strcmp0(x->target_dev, y->target_dev))
            return FALSE;
    }
    return TRUE;
}
