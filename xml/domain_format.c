/* domain_format.c - DomainDef -> canonical <domain> XML.
 *
 * The output is what `vsh dumpxml` shows and what the daemon stores: two
 * spaces of indentation, libvirt's element order, every default written
 * out (UUID, MACs, lifecycle actions), and nothing libvirt's own
 * domain.rng would refuse unless the user chose the type='dbt' spelling. */
#include "config.h"
#include "xml/domain_conf.h"

#include "xml/xml_doc.h"

static void
fmt_text_element(GString *out, const char *indent, const char *name, const char *text)
{
    g_string_append_printf(out, "%s<%s>", indent, name);
    xml_escape_append(out, text, FALSE);
    g_string_append_printf(out, "</%s>\n", name);
}

static void
fmt_disk(GString *out, const DomainDiskDef *disk)
{
    g_string_append_printf(out, "    <disk type='%s' device='%s'>\n",
                           domain_disk_type_to_string(disk->type),
                           domain_disk_device_to_string(disk->device));
    /* a file's format is raw unless the XML says otherwise; a volume's
     * stays unnamed until it does */
    DomainDiskFormat format = disk->format;
    if (format == DOMAIN_DISK_FORMAT_NONE && disk->type == DOMAIN_DISK_FILE)
        format = DOMAIN_DISK_FORMAT_RAW;
    if (disk->driver_name || format != DOMAIN_DISK_FORMAT_NONE) {
        g_string_append(out, "      <driver");
        if (disk->driver_name)
            xml_attr_append(out, "name", disk->driver_name);
        if (format != DOMAIN_DISK_FORMAT_NONE)
            xml_attr_append(out, "type", domain_disk_format_to_string(format));
        g_string_append(out, "/>\n");
    }
    g_string_append(out, "      <source");
    if (disk->type == DOMAIN_DISK_FILE) {
        xml_attr_append(out, "file", disk->source);
    } else {
        xml_attr_append(out, "pool", disk->source_pool);
        xml_attr_append(out, "volume", disk->source_volume);
    }
    g_string_append(out, "/>\n      <target");
    xml_attr_append(out, "dev", disk->target_dev);
    g_string_append(out, disk->device == DOMAIN_DISK_DEVICE_CDROM ? " bus='scsi'/>\n"
                                                                  : " bus='virtio'/>\n");
    if (disk->readonly)
        g_string_append(out, "      <readonly/>\n");
    if (disk->boot_order)
        g_string_append_printf(out, "      <boot order='%u'/>\n", disk->boot_order);
    if (disk->serial)
        fmt_text_element(out, "      ", "serial", disk->serial);
    g_string_append(out, "    </disk>\n");
}

static void
fmt_net(GString *out, const DomainNetDef *net)
{
    g_string_append(out, "    <interface");
    xml_attr_append(out, "type", domain_net_type_to_string(net->type));
    g_string_append(out, ">\n      <mac");
    xml_attr_append(out, "address", net->mac);
    g_string_append(out, "/>\n      <source");
    xml_attr_append(out, net->type == DOMAIN_NET_BRIDGE ? "bridge" : "network", net->source);
    g_string_append(out, "/>\n");
    if (net->target_dev) {
        g_string_append(out, "      <target");
        xml_attr_append(out, "dev", net->target_dev);
        g_string_append(out, "/>\n");
    }
    g_string_append(out, "      <model type='virtio'/>\n    </interface>\n");
}

static void
fmt_inputs(GString *out, guint inputs)
{
    static const struct {
        guint flag;
        const char *type, *bus;
    } all[] = {
        { DOMAIN_INPUT_TABLET_VIRTIO, "tablet", "virtio" },
        { DOMAIN_INPUT_MOUSE_PS2, "mouse", "ps2" },
        { DOMAIN_INPUT_KEYBOARD_PS2, "keyboard", "ps2" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(all); i++)
        if (inputs & all[i].flag)
            g_string_append_printf(out, "    <input type='%s' bus='%s'/>\n", all[i].type,
                                   all[i].bus);
}

/* libvirt writes the port (-1 with autoport), autoport, the listen
 * address both as attribute and as <listen>, a socket as <listen
 * type='socket'>. */
static void
fmt_graphics(GString *out, const DomainGraphicsDef *g)
{
    g_string_append(out, "    <graphics type='vnc'");
    if (g->socket) {
        xml_attr_append(out, "socket", g->socket);
    } else {
        g_string_append_printf(out, " port='%d' autoport='%s'", g->port,
                               g->autoport ? "yes" : "no");
        xml_attr_append(out, "listen", g->listen ? g->listen : "127.0.0.1");
    }
    if (g->keymap)
        xml_attr_append(out, "keymap", g->keymap);
    if (g->passwd)
        xml_attr_append(out, "passwd", g->passwd);
    g_string_append(out, ">\n");
    if (g->socket) {
        g_string_append(out, "      <listen type='socket'");
        xml_attr_append(out, "socket", g->socket);
    } else {
        g_string_append(out, "      <listen type='address'");
        xml_attr_append(out, "address", g->listen ? g->listen : "127.0.0.1");
    }
    g_string_append(out, "/>\n    </graphics>\n");
}

/* <source path='PTY'/> of a running domain's pty, when it has one. */
static void fmt_chr_source(GString *out, const char *pty)
{
    if (!pty)
        return;
    g_string_append(out, "\n      <source");
    xml_attr_append(out, "path", pty);
    g_string_append(out, "/>");
}

char *
domain_def_format(const DomainDef *def)
{
    return domain_def_format_live(def, NULL);
}

char *
domain_def_format_live(const DomainDef *def, const DomainLiveXml *live)
{
    GString *out = g_string_new("<domain");
    const char *pty = live ? live->serial_pty : NULL;

    xml_attr_append(out, "type", domain_virt_type_to_string(def->virt_type));
    if (live && live->id > 0)
        g_string_append_printf(out, " id='%d'", live->id);
    g_string_append(out, ">\n");
    fmt_text_element(out, "  ", "name", def->name);
    fmt_text_element(out, "  ", "uuid", def->uuid);
    if (def->title)
        fmt_text_element(out, "  ", "title", def->title);
    if (def->description)
        fmt_text_element(out, "  ", "description", def->description);
    if (def->metadata) {
        /* serialized children, separated by newline + 4 spaces */
        g_string_append(out, "  <metadata>\n    ");
        g_string_append(out, def->metadata);
        g_string_append(out, "\n  </metadata>\n");
    }
    g_string_append_printf(out, "  <memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>\n",
                           def->memory_kib);
    g_string_append_printf(out,
                           "  <currentMemory unit='KiB'>%" G_GUINT64_FORMAT "</currentMemory>\n",
                           def->current_memory_kib);
    g_string_append_printf(out, "  <vcpu placement='static'>%u</vcpu>\n", def->vcpus);

    g_string_append(out, "  <os>\n    <type");
    xml_attr_append(out, "arch", def->os_arch ? def->os_arch : "x86_64");
    if (def->os_machine)
        xml_attr_append(out, "machine", def->os_machine);
    g_string_append(out, ">hvm</type>\n");
    if (def->kernel)
        fmt_text_element(out, "    ", "kernel", def->kernel);
    if (def->loader) {
        g_string_append(out, "    <loader readonly='yes' type='rom'>");
        xml_escape_append(out, def->loader, FALSE);
        g_string_append(out, "</loader>\n");
    }
    for (const char *b = def->boot_order; *b; b++)
        g_string_append_printf(out, "    <boot dev='%s'/>\n",
                               *b == 'c' ? "hd" : *b == 'd' ? "cdrom" : "network");
    if (def->initrd)
        fmt_text_element(out, "    ", "initrd", def->initrd);
    if (def->cmdline)
        fmt_text_element(out, "    ", "cmdline", def->cmdline);
    g_string_append(out, "  </os>\n");

    if (def->acpi || def->apic || def->pae) {
        g_string_append(out, "  <features>\n");
        if (def->acpi)
            g_string_append(out, "    <acpi/>\n");
        if (def->apic)
            g_string_append(out, "    <apic/>\n");
        if (def->pae)
            g_string_append(out, "    <pae/>\n");
        g_string_append(out, "  </features>\n");
    }
    if (def->has_clock) {
        g_string_append(out, "  <clock");
        xml_attr_append(out, "offset", domain_clock_offset_to_string(def->clock_offset));
        g_string_append(out, "/>\n");
    }
    fmt_text_element(out, "  ", "on_poweroff",
                     domain_lifecycle_action_to_string(def->on_poweroff));
    fmt_text_element(out, "  ", "on_reboot", domain_lifecycle_action_to_string(def->on_reboot));
    fmt_text_element(out, "  ", "on_crash", domain_lifecycle_action_to_string(def->on_crash));

    if (!def->emulator && !def->n_disks && !def->n_nets && !def->serial && !def->console &&
        !def->virtio_console && !def->rng && !def->memballoon_none && !def->video &&
        !def->graphics && !def->inputs) {
        g_string_append(out, "</domain>\n");
        return g_string_free(out, FALSE);
    }
    g_string_append(out, "  <devices>\n");
    if (def->emulator)
        fmt_text_element(out, "    ", "emulator", def->emulator);
    for (guint i = 0; i < def->n_disks; i++)
        fmt_disk(out, def->disks[i]);
    for (guint i = 0; i < def->n_nets; i++)
        fmt_net(out, def->nets[i]);
    if (def->serial) {
        g_string_append(out, "    <serial");
        xml_attr_append(out, "type", domain_chr_type_to_string(def->serial->type));
        g_string_append(out, ">");
        fmt_chr_source(out, pty);
        g_string_append_printf(out, "\n      <target port='%u'/>\n    </serial>\n",
                               def->serial->port);
    }
    if (def->console) {
        g_string_append(out, "    <console");
        xml_attr_append(out, "type", domain_chr_type_to_string(def->console->type));
        if (pty)
            xml_attr_append(out, "tty", pty);
        g_string_append(out, ">");
        fmt_chr_source(out, pty);
        g_string_append_printf(out,
                               "\n      <target type='serial' port='%u'/>\n    </console>\n",
                               def->console->port);
    }
    if (def->virtio_console) {
        g_string_append(out, "    <console");
        xml_attr_append(out, "type", domain_chr_type_to_string(def->virtio_console->type));
        g_string_append_printf(out,
                               ">\n      <target type='virtio' port='%u'/>\n    </console>\n",
                               def->virtio_console->port);
    }
    fmt_inputs(out, def->inputs);
    if (def->graphics)
        fmt_graphics(out, def->graphics);
    if (def->video)
        g_string_append_printf(out,
                               "    <video>\n      <model type='vga' vram='%u' heads='1' "
                               "primary='yes'/>\n    </video>\n",
                               def->video->vram_kib);
    if (def->rng) {
        g_string_append(out, "    <rng model='virtio'>\n      <backend model='random'>");
        xml_escape_append(out, def->rng->backend_path, FALSE);
        g_string_append(out, "</backend>\n    </rng>\n");
    }
    if (def->memballoon_none)
        g_string_append(out, "    <memballoon model='none'/>\n");
    g_string_append(out, "  </devices>\n</domain>\n");
    return g_string_free(out, FALSE);
}
