/* domain_vmm.c - DomainDef + daemon parameters -> vessel-vmm argv.
 *
 * Pure: no file system, no environment, no clock.  See domain_vmm.h for
 * the option order (DESIGN.md "The VMM"). */
#include "config.h"
#include "xml/domain_vmm.h"

#include <string.h>
#include "i18n.h"
#include "xml/xml_check.h"

static void
argv_add(GPtrArray *argv, const char *arg)
{
    g_ptr_array_add(argv, g_strdup(arg));
}

static void
argv_add_pair(GPtrArray *argv, const char *option, const char *value)
{
    argv_add(argv, option);
    argv_add(argv, value);
}

static gboolean
vmm_arg_check(const char *what, const char *value, const char *forbidden, GError **error)
{
    if (!value || !*value || strpbrk(value, forbidden)) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                    _("%s '%s' cannot be passed to vessel-vmm"), what, value ? value : "");
        return FALSE;
    }
    return TRUE;
}

/* A --disk argument: the image part @image, then what the disk is:
 * ,media=cdrom and ,bootindex=N (<boot order=N>). */
static char *
domain_disk_vmm_arg(const DomainDiskDef *disk, const char *image)
{
    GString *arg = g_string_new(image);

    if (disk->device == DOMAIN_DISK_DEVICE_CDROM)
        g_string_append(arg, ",media=cdrom");
    if (disk->boot_order)
        g_string_append_printf(arg, ",bootindex=%u", disk->boot_order);
    return g_string_free(arg, FALSE);
}

GStrv
domain_def_to_vmm_argv(const DomainDef *def, const DomainVmmParams *params, GError **error)
{
    g_autoptr(GPtrArray) b = g_ptr_array_new_with_free_func(g_free);
    const char *accel = params->accel;

    if (accel && strcmp(accel, "auto") != 0 && domain_accel_from_string(accel) < 0) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                    _("unknown accelerator '%s' (use auto, kvm or dbt)"), accel);
        return NULL;
    }
    if (!accel)
        accel = domain_accel_to_string(domain_virt_type_accel(def->virt_type));
    if (!def->name || !def->uuid[0] || !def->vcpus || !def->memory_kib) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                    _("incomplete domain definition: name, UUID, vCPUs and "
                      "memory are required"));
        return NULL;
    }

    argv_add(b, params->vmm_path ? params->vmm_path
                          : def->emulator ? def->emulator : "vessel-vmm");
    if (def->kernel) {
        argv_add_pair(b, "--kernel", params->kernel ? params->kernel : def->kernel);
    } else {
        /* firmware boot, as libvirt + QEMU do without a <kernel> */
        argv_add_pair(b, "--bios", params->bios ? params->bios
                                   : def->loader ? def->loader : DOMAIN_DEFAULT_FIRMWARE);
        if (def->boot_order[0])
            argv_add_pair(b, "--boot", def->boot_order);
    }
    if (def->initrd)
        argv_add_pair(b, "--initrd", params->initrd ? params->initrd : def->initrd);
    if (def->cmdline)
        argv_add_pair(b, "--cmdline", def->cmdline);
    g_ptr_array_add(b, g_strdup("--memory"));
    g_ptr_array_add(b, g_strdup_printf("%" G_GUINT64_FORMAT,
                                           (def->memory_kib + 1023) / 1024));
    g_ptr_array_add(b, g_strdup("--cpus"));
    g_ptr_array_add(b, g_strdup_printf("%u", def->vcpus));
    argv_add_pair(b, "--accel", accel);

    if (params->disk_args && g_strv_length((GStrv)params->disk_args) != def->n_disks) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                    _("%u disk arguments given for %u disks"),
                    g_strv_length((GStrv)params->disk_args), def->n_disks);
        return NULL;
    }
    for (guint i = 0; i < def->n_disks; i++) {
        const DomainDiskDef *disk = def->disks[i];

        if (params->disk_args) {
            argv_add(b, "--disk");
            g_ptr_array_add(b, domain_disk_vmm_arg(disk, params->disk_args[i]));
            continue;
        }
        if (disk->type != DOMAIN_DISK_FILE) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                        _("disk %s is a storage volume: only the daemon can resolve it"),
                        disk->target_dev);
            return NULL;
        }
        if (!vmm_arg_check(_("disk path"), disk->source, ",", error))
            return NULL;
        argv_add(b, "--disk");
        g_autofree char *image = g_strconcat(disk->source,
                                             disk->format == DOMAIN_DISK_FORMAT_QCOW2 ? ",format=qcow2" : "",
                                             disk->readonly ? ",readonly" : "", NULL);
        g_ptr_array_add(b, domain_disk_vmm_arg(disk, image));
    }

    if (params->tap_names && g_strv_length((GStrv)params->tap_names) != def->n_nets) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                    _("%u tap names given for %u interfaces"),
                    g_strv_length((GStrv)params->tap_names), def->n_nets);
        return NULL;
    }
    for (guint i = 0; i < def->n_nets; i++) {
        const DomainNetDef *net = def->nets[i];
        const char *tap = params->tap_names ? params->tap_names[i] : net->target_dev;

        if (params->tap_fds) {
            argv_add(b, "--net");
            g_ptr_array_add(b, g_strdup_printf("tapfd=%d,mac=%s", params->tap_fds[i], net->mac));
            continue;
        }
        if (!tap) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                        _("no tap device for interface %u (MAC %s)"), i, net->mac);
            return NULL;
        }
        if (xml_check_ifname(tap) || strpbrk(tap, ",=")) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                        _("invalid tap device name '%s' for interface %u"), tap, i);
            return NULL;
        }
        argv_add(b, "--net");
        g_ptr_array_add(b, g_strdup_printf("tap=%s,mac=%s", tap, net->mac));
    }

    if (def->serial || def->console)
        argv_add_pair(b, "--serial", params->serial ? params->serial : "pty");
    if (def->virtio_console)
        argv_add_pair(b, "--console", params->console ? params->console : "pty");
    if (def->video) {
        argv_add(b, "--vga");
        g_ptr_array_add(b, g_strdup_printf("std,vram=%u", def->video->vram_kib / 1024));
    }
    if (def->graphics) {
        const DomainGraphicsDef *g = def->graphics;
        g_autofree char *where = NULL;
        if (params->vnc)
            where = g_strdup(params->vnc);
        else if (g->socket)
            where = g_strconcat("unix:", g->socket, NULL);
        else
            where = g_strdup_printf("%s:%d", g->listen ? g->listen : "127.0.0.1",
                                    g->port > 0 ? g->port : 0);
        if (strchr(where, ',')) {
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INVALID,
                        _("a VNC socket path cannot contain ','"));
            return NULL;
        }
        argv_add(b, "--vnc");
        g_ptr_array_add(b, g_strconcat(where, g->passwd ? ",password" : "",
                                       g->keymap ? ",keymap=" : "", g->keymap ? g->keymap : "",
                                       NULL));
    }
    if (params->control_path) {
        argv_add(b, "--control");
        g_ptr_array_add(b, g_strconcat("unix:", params->control_path, NULL));
    } else if (params->control_fd >= 0) {
        argv_add(b, "--control");
        g_ptr_array_add(b, g_strdup_printf("fd:%d", params->control_fd));
    }
    argv_add_pair(b, "--name", def->name);
    argv_add_pair(b, "--uuid", def->uuid);
    if (def->on_reboot == DOMAIN_LIFECYCLE_DESTROY)
        argv_add(b, "--no-reboot");
    if (params->pidfile)
        argv_add_pair(b, "--pidfile", params->pidfile);
    if (params->paused)
        argv_add(b, "--paused");
    g_ptr_array_add(b, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&b), FALSE);
}
