/* domain_parse.c - <domain> XML -> DomainDef.
 *
 * Three passes over the document, each with its own kind of message:
 *  1. a walk against the names xml/schemas/domain.rng allows: libvirt
 *     elements Vessel does not implement (domain_unsupported[]) are named
 *     ("unsupported element <graphics> in <devices> at line 12") instead
 *     of being dropped, anything else is "unknown element/attribute";
 *  2. RELAX NG validation against xml/schemas/domain.rng (structure);
 *  3. the element handlers below (values, enumerations, cross checks),
 *     dispatched from tables by element name, then defaults (UUID, MACs,
 *     lifecycle actions, serial <-> console pairing). */
#include "config.h"
#include "xml/domain_conf.h"

#include <libxml/tree.h>
#include <arpa/inet.h>
#include <string.h>
#include "i18n.h"
#include "xml/xml_check.h"
#include "xml/xml_doc.h"

/* 4 TiB: far above anything vessel-vmm maps, far below overflow. */
#define DOMAIN_MAX_MEMORY_KIB (G_GUINT64_CONSTANT(4) << 30)
#define DOMAIN_MAX_CMDLINE 4096
#define DOMAIN_MAX_DISK_SERIAL 20

static const XmlUnsupported domain_unsupported[] = {
    { "domain", "cpu numatune cputune memoryBacking memtune blkiotune resource "
                "sysinfo idmap pm perf keywrap launchSecurity seclabel iothreads "
                "iothreadids maxMemory genid bootloader bootloader_args vcpus "
                "on_lockfailure throttlegroups defaultiothread" },
    { "os", "nvram bootmenu smbios bios init initarg initenv initdir "
            "inituser initgroup dtb acpi firmware" },
    { "features", "hap kvm hyperv vmport pvspinlock privnet viridian gic smm "
                  "ioapic hpt htm nested-hv msrs ccf-assist cfpc sbbo ibs pmu "
                  "vmcoreinfo tcg async-teardown ras ps2 xen" },
    { "clock", "timer" },
    { "devices", "sound hostdev controller channel filesystem "
                 "smartcard redirdev redirfilter watchdog tpm panic shmem iommu "
                 "vsock lease hub parallel audio crypto memory" },
    { "disk", "boot address alias iotune encryption auth shareable transient wwn "
              "vendor product blockio geometry backingStore mirror" },
    { "interface", "boot address alias driver virtualport bandwidth vlan filterref "
                   "tune link mtu rom coalesce ip route script backenddomain guest "
                   "port teaming backend acpi" },
    { "serial", "log protocol alias address" },
    { "console", "log protocol alias address" },
    { "target", "model" },
    { "rng", "rate address alias driver" },
    { "memballoon", "stats address alias driver" },
    { "video", "address alias driver acceleration" },
    { "graphics", "image channel streaming clipboard mouse filetransfer gl audio" },
    { "input", "address alias driver source" },
};

/* Report an unknown enumeration value, listing the supported ones. */
#define DOMAIN_ENUM_ERROR(error, node, attr, value, prefix, last)              \
    G_STMT_START {                                                            \
        const char *names_[last];                                             \
        for (guint i_ = 0; i_ < (guint)(last); i_++)                          \
            names_[i_] = prefix##_to_string(i_);                              \
        xml_error_attr_unsupported(error, node, attr, value, names_, last);   \
    } G_STMT_END

/* Require @value (may be NULL: @dflt) to be @expected. */
static gboolean
domain_attr_fixed(const xmlNode *node, const char *attr, const char *value,
                  const char *expected, GError **error)
{
    if (value && strcmp(value, expected) != 0) {
        const char *names[] = { expected };

        xml_error_attr_unsupported(error, node, attr, value, names, 1);
        return FALSE;
    }
    return TRUE;
}

static char *
domain_path_parse(const xmlNode *node, GError **error)
{
    g_autofree char *path = xml_node_text_trimmed(node);
    const char *why = xml_check_abs_path(path);

    if (why) {
        g_autofree char *shown = xml_value_for_message(path);

        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node,
                       _("invalid path '%s' in <%s>: %s"), shown,
                       (const char *)node->name, why);
        return NULL;
    }
    return g_steal_pointer(&path);
}

static gboolean
domain_text_invalid(GError **error, const xmlNode *node, const char *value, const char *why)
{
    g_autofree char *shown = xml_value_for_message(value);

    xml_error_node(error, VESSEL_XML_ERROR_INVALID, node,
                   _("invalid value '%s' in <%s>: %s"), shown,
                   (const char *)node->name, why);
    return FALSE;
}

/* ---- top-level elements --------------------------------------------- */

static gboolean
domain_parse_name(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *name = xml_node_text(node);
    const char *why = xml_check_name(name, VESSEL_DOMAIN_MAX_NAME);

    if (why)
        return domain_text_invalid(error, node, name, why);
    def->name = g_steal_pointer(&name);
    return TRUE;
}

static gboolean
domain_parse_uuid(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *uuid = xml_node_text_trimmed(node);
    const char *why = xml_uuid_normalize(uuid, def->uuid);

    return why ? domain_text_invalid(error, node, uuid, why) : TRUE;
}

static gboolean
domain_parse_title(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *title = xml_node_text(node);
    const char *why = xml_check_text(title, FALSE);

    if (why)
        return domain_text_invalid(error, node, title, why);
    if (*title)
        def->title = g_steal_pointer(&title);
    return TRUE;
}

static gboolean
domain_parse_description(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *text = xml_node_text(node);
    const char *why = xml_check_text(text, TRUE);

    if (why)
        return domain_text_invalid(error, node, text, why);
    def->description = g_steal_pointer(&text);
    return TRUE;
}

/* Keep each namespaced child verbatim.  Copying into a fresh document
 * re-declares namespaces that were declared on an ancestor, so the text
 * stands alone and parses back to the same string. */
static gboolean
domain_parse_metadata(DomainDef *def, xmlNode *node, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);

    for (xmlNode *c = node->children; c; c = c->next) {
        xmlDoc *tmp;
        xmlNode *copy;
        xmlBuffer *buf;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!c->ns || !c->ns->href || !*c->ns->href) {
            xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                           _("<%s> in <metadata> must be in an XML namespace"),
                           (const char *)c->name);
            return FALSE;
        }
        tmp = xmlNewDoc((const xmlChar *)"1.0");
        copy = xmlDocCopyNode(c, tmp, 1);
        buf = xmlBufferCreate();
        if (!copy || !buf) {
            xmlBufferFree(buf);
            xmlFreeDoc(tmp);
            g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                        _("cannot copy <metadata>"));
            return FALSE;
        }
        xmlDocSetRootElement(tmp, copy);
        xmlNodeDump(buf, tmp, copy, 0, 0);
        if (out->len)
            g_string_append(out, "\n    "); /* as domain_format.c indents */
        g_string_append(out, (const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
        xmlFreeDoc(tmp);
    }
    if (out->len)
        def->metadata = g_string_free(g_steal_pointer(&out), FALSE);
    return TRUE;
}

static gboolean
domain_parse_size(xmlNode *node, guint64 *kib, GError **error)
{
    g_autofree char *unit = xml_node_prop(node, "unit");
    g_autofree char *value = xml_node_text_trimmed(node);
    const char *why = xml_parse_kib(value, unit, DOMAIN_MAX_MEMORY_KIB, kib);

    if (why) {
        g_autofree char *shown = xml_value_for_message(value);
        g_autofree char *shown_unit = xml_value_for_message(unit ? unit : "KiB");

        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node,
                       _("invalid size '%s' (unit '%s') in <%s>: %s"), shown,
                       shown_unit, (const char *)node->name, why);
        return FALSE;
    }
    if (*kib == 0) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node,
                       _("<%s> must not be zero"), (const char *)node->name);
        return FALSE;
    }
    /* vessel-vmm takes whole MiB: round up like libvirt's drivers do */
    *kib = (*kib + 1023) / 1024 * 1024;
    return TRUE;
}

static gboolean
domain_parse_memory(DomainDef *def, xmlNode *node, GError **error)
{
    return domain_parse_size(node, &def->memory_kib, error);
}

static gboolean
domain_parse_current_memory(DomainDef *def, xmlNode *node, GError **error)
{
    return domain_parse_size(node, &def->current_memory_kib, error);
}

static gboolean
domain_parse_vcpu(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *text = xml_node_text_trimmed(node);
    g_autofree char *placement = xml_node_prop(node, "placement");
    guint64 n = 0;
    const char *why = xml_parse_uint(text, VESSEL_DOMAIN_MAX_VCPUS, &n);

    if (!domain_attr_fixed(node, "placement", placement, "static", error))
        return FALSE;

    if (!why && n == 0)
        why = _("must be at least 1");
    if (why)
        return domain_text_invalid(error, node, text, why);
    def->vcpus = (guint)n;
    return TRUE;
}

/* <loader readonly='yes' type='rom'>/path</loader>: a BIOS ROM image
 * (libvirt's pflash, for UEFI variables, is not supported). */
static gboolean
domain_parse_loader(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *type = xml_node_prop(node, "type");
    g_autofree char *readonly = xml_node_prop(node, "readonly");

    if (!domain_attr_fixed(node, "type", type, "rom", error) ||
        !domain_attr_fixed(node, "readonly", readonly, "yes", error))
        return FALSE;
    g_free(def->loader);
    return (def->loader = domain_path_parse(node, error)) != NULL;
}

/* <boot dev='hd|cdrom|network'/>, in order, each at most once. */
static gboolean
domain_parse_boot(DomainDef *def, xmlNode *node, GError **error)
{
    static const char *const devs[] = { "hd", "cdrom", "network" };
    static const char letters[] = "cdn";
    g_autofree char *dev = xml_node_prop(node, "dev");
    gsize n = strlen(def->boot_order);

    for (guint i = 0; i < G_N_ELEMENTS(devs); i++) {
        if (g_strcmp0(dev, devs[i]) != 0)
            continue;
        if (strchr(def->boot_order, letters[i])) {
            xml_error_node(error, VESSEL_XML_ERROR_INVALID, node,
                           _("<boot dev='%s'> is given twice"), devs[i]);
            return FALSE;
        }
        def->boot_order[n] = letters[i];
        return TRUE;
    }
    if (!dev) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node, _("<boot> has no dev"));
        return FALSE;
    }
    xml_error_attr_unsupported(error, node, "dev", dev, devs, G_N_ELEMENTS(devs));
    return FALSE;
}

static gboolean
domain_parse_os(DomainDef *def, xmlNode *node, GError **error)
{
    xmlNode *type = xml_node_child(node, "type");
    g_autofree char *os_type = xml_node_text_trimmed(type);
    g_autofree char *arch = xml_node_prop(type, "arch");
    g_autofree char *machine = xml_node_prop(type, "machine");

    if (!domain_attr_fixed(type, NULL, os_type, "hvm", error) ||
        !domain_attr_fixed(type, "arch", arch, "x86_64", error) ||
        !domain_attr_fixed(type, "machine", machine, "vessel-pc", error))
        return FALSE;
    def->os_arch = g_strdup("x86_64");
    def->os_machine = g_steal_pointer(&machine);

    for (xmlNode *c = node->children; c; c = c->next) {
        if (xml_node_is(c, "kernel")) {
            if (!(def->kernel = domain_path_parse(c, error)))
                return FALSE;
        } else if (xml_node_is(c, "initrd")) {
            if (!(def->initrd = domain_path_parse(c, error)))
                return FALSE;
        } else if (xml_node_is(c, "cmdline")) {
            g_autofree char *cmdline = xml_node_text(c);
            const char *why = xml_check_text(cmdline, FALSE);

            if (!why && strlen(cmdline) > DOMAIN_MAX_CMDLINE)
                why = _("is too long");
            if (why)
                return domain_text_invalid(error, c, cmdline, why);
            def->cmdline = g_steal_pointer(&cmdline);
        } else if (xml_node_is(c, "loader")) {
            if (!domain_parse_loader(def, c, error))
                return FALSE;
        } else if (xml_node_is(c, "boot")) {
            if (!domain_parse_boot(def, c, error))
                return FALSE;
        }
    }
    if (def->kernel && (def->loader || def->boot_order[0])) {
        xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, node,
                       _("<os> has a <kernel> and a %s: a kernel is booted directly, "
                         "<loader> and <boot> are for firmware boot"),
                       def->loader ? "<loader>" : "<boot>");
        return FALSE;
    }
    if (!def->kernel && (def->initrd || def->cmdline)) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, node,
                       _("<os> has an %s but no <kernel>"),
                       def->initrd ? "<initrd>" : "<cmdline>");
        return FALSE;
    }
    return TRUE;
}

static gboolean
domain_parse_features(DomainDef *def, xmlNode *node, GError **error)
{
    def->acpi = xml_node_child(node, "acpi") != NULL;
    def->apic = xml_node_child(node, "apic") != NULL;
    def->pae = xml_node_child(node, "pae") != NULL;
    return TRUE;
}

static gboolean
domain_parse_clock(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *offset = xml_node_prop(node, "offset");
    int v = offset ? domain_clock_offset_from_string(offset) : DOMAIN_CLOCK_UTC;

    if (v < 0) {
        DOMAIN_ENUM_ERROR(error, node, "offset", offset, domain_clock_offset,
                          DOMAIN_CLOCK_LAST);
        return FALSE;
    }
    def->has_clock = TRUE;
    def->clock_offset = v;
    return TRUE;
}

static gboolean
domain_parse_lifecycle(xmlNode *node, DomainLifecycleAction *out, GError **error)
{
    g_autofree char *text = xml_node_text_trimmed(node);
    int v = domain_lifecycle_action_from_string(text);

    if (v < 0) {
        DOMAIN_ENUM_ERROR(error, node, NULL, text, domain_lifecycle_action,
                          DOMAIN_LIFECYCLE_LAST);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean
domain_parse_on_poweroff(DomainDef *def, xmlNode *node, GError **error)
{
    return domain_parse_lifecycle(node, &def->on_poweroff, error);
}

static gboolean
domain_parse_on_reboot(DomainDef *def, xmlNode *node, GError **error)
{
    return domain_parse_lifecycle(node, &def->on_reboot, error);
}

static gboolean
domain_parse_on_crash(DomainDef *def, xmlNode *node, GError **error)
{
    return domain_parse_lifecycle(node, &def->on_crash, error);
}

/* ---- devices -------------------------------------------------------- */

static gboolean
domain_parse_emulator(DomainDef *def, xmlNode *node, GError **error)
{
    def->emulator = domain_path_parse(node, error);
    return def->emulator != NULL;
}

static gboolean
domain_disk_target_valid(const char *dev, const char *prefix)
{
    if (!dev || strncmp(dev, prefix, 2) != 0 || !dev[2] || strlen(dev) > 6)
        return FALSE;
    for (const char *p = dev + 2; *p; p++)
        if (*p < 'a' || *p > 'z')
            return FALSE;
    return TRUE;
}

/* A disk source value the vessel-vmm --disk option can carry. */
static const char *
domain_disk_source_check(const char *value, gboolean path)
{
    const char *why = path ? xml_check_abs_path(value) : xml_check_name(value, 255);

    if (!why && strchr(value, ','))
        why = _("contains ',' which the vessel-vmm --disk option cannot carry");
    return why;
}

/* <boot order='N'/> in a disk: 1..DOMAIN_MAX_BOOT_ORDER, each once. */
static gboolean
domain_parse_disk_boot(const DomainDef *def, xmlNode *node, DomainDiskDef *disk, GError **error)
{
    g_autofree char *order = xml_node_prop(node, "order");
    guint64 n = 0;

    if (!order || !g_ascii_string_to_unsigned(order, 10, 1, DOMAIN_MAX_BOOT_ORDER, &n, NULL)) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "order", order ? order : "",
                       _("must be a number from 1 to 9999"));
        return FALSE;
    }
    for (guint i = 0; i < def->n_disks; i++) {
        if (def->disks[i]->boot_order == n) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, node, "order", order,
                           _("another device already has this boot order"));
            return FALSE;
        }
    }
    disk->boot_order = (guint)n;
    return TRUE;
}

static gboolean
domain_parse_disk(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *type = xml_node_prop(node, "type");
    g_autofree char *device = xml_node_prop(node, "device");
    g_autofree DomainDiskDef *disk = g_new0(DomainDiskDef, 1);
    g_autofree char *source = NULL, *pool = NULL, *volume = NULL;
    g_autofree char *target = NULL, *driver_name = NULL, *serial = NULL;
    int t = domain_disk_type_from_string(type);
    xmlNode *c;

    if (t < 0) {
        DOMAIN_ENUM_ERROR(error, node, "type", type, domain_disk_type, DOMAIN_DISK_TYPE_LAST);
        return FALSE;
    }
    int dev = device ? domain_disk_device_from_string(device) : DOMAIN_DISK_DEVICE_DISK;
    gboolean cdrom = dev == DOMAIN_DISK_DEVICE_CDROM;

    if (dev < 0) {
        DOMAIN_ENUM_ERROR(error, node, "device", device, domain_disk_device,
                          DOMAIN_DISK_DEVICE_LAST);
        return FALSE;
    }

    if ((c = xml_node_child(node, "driver"))) {
        g_autofree char *format = xml_node_prop(c, "type");

        driver_name = xml_node_prop(c, "name");
        if (!domain_attr_fixed(c, "name", driver_name, "qemu", error))
            return FALSE;
        if (format) {
            int f = domain_disk_format_from_string(format);

            if (f <= DOMAIN_DISK_FORMAT_NONE) {
                const char *names[] = { "raw", "qcow2" };

                xml_error_attr_unsupported(error, c, "type", format, names, 2);
                return FALSE;
            }
            disk->format = (DomainDiskFormat)f;
        }
    }

    c = xml_node_child(node, "source");
    if (t == DOMAIN_DISK_FILE) {
        const char *why;

        source = xml_node_prop(c, "file");
        if (!source) {
            xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                           _("a disk of type 'file' needs <source file=>"));
            return FALSE;
        }
        if ((why = domain_disk_source_check(source, TRUE))) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "file", source, why);
            return FALSE;
        }
    } else {
        const char *why;

        pool = xml_node_prop(c, "pool");
        volume = xml_node_prop(c, "volume");
        if (!pool || !volume) {
            xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                           _("a disk of type 'volume' needs <source pool= volume=>"));
            return FALSE;
        }
        if ((why = domain_disk_source_check(pool, FALSE))) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "pool", pool, why);
            return FALSE;
        }
        if ((why = domain_disk_source_check(volume, FALSE))) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "volume", volume, why);
            return FALSE;
        }
    }
    if (t == DOMAIN_DISK_FILE ? xmlHasProp(c, BAD_CAST "pool") || xmlHasProp(c, BAD_CAST "volume")
                              : xmlHasProp(c, BAD_CAST "file") != NULL) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                       _("<source> does not match the disk type"));
        return FALSE;
    }

    c = xml_node_child(node, "target");
    target = xml_node_prop(c, "dev");
    {
        g_autofree char *bus = xml_node_prop(c, "bus");

        if (!domain_disk_target_valid(target, cdrom ? "sd" : "vd")) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "dev", target,
                           cdrom ? _("CD-ROMs (on virtio-scsi) are named sda, sdb, ...")
                                 : _("virtio disks are named vda, vdb, ..."));
            return FALSE;
        }
        if (!domain_attr_fixed(c, "bus", bus, cdrom ? "scsi" : "virtio", error))
            return FALSE;
    }
    for (guint i = 0; i < def->n_disks; i++) {
        if (strcmp(def->disks[i]->target_dev, target) == 0) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "dev", target,
                           _("another disk already uses this target"));
            return FALSE;
        }
    }

    if ((c = xml_node_child(node, "serial"))) {
        serial = xml_node_text(c);
        if (!*serial || strlen(serial) > DOMAIN_MAX_DISK_SERIAL ||
            strspn(serial, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                           "0123456789_.+- ") != strlen(serial))
            return domain_text_invalid(error, c, serial,
                                       _("use 1 to 20 letters, digits, spaces or _.+-"));
    }

    if ((c = xml_node_child(node, "boot")) && !domain_parse_disk_boot(def, c, disk, error))
        return FALSE;

    disk->type = (DomainDiskType)t;
    if (t == DOMAIN_DISK_FILE && disk->format == DOMAIN_DISK_FORMAT_NONE)
        disk->format = DOMAIN_DISK_FORMAT_RAW;
    disk->source = g_steal_pointer(&source);
    disk->source_pool = g_steal_pointer(&pool);
    disk->source_volume = g_steal_pointer(&volume);
    disk->target_dev = g_steal_pointer(&target);
    disk->driver_name = g_steal_pointer(&driver_name);
    /* a CD-ROM is read-only, as in libvirt, <readonly/> or not */
    disk->readonly = cdrom || xml_node_child(node, "readonly") != NULL;
    disk->device = (DomainDiskDevice)dev;
    disk->serial = g_steal_pointer(&serial);
    def->disks = g_renew(DomainDiskDef *, def->disks, def->n_disks + 2);
    def->disks[def->n_disks++] = g_steal_pointer(&disk);
    def->disks[def->n_disks] = NULL;
    return TRUE;
}

static gboolean
domain_parse_interface(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *type = xml_node_prop(node, "type");
    int t = domain_net_type_from_string(type);
    g_autofree char *source = NULL, *mac = NULL, *target = NULL;
    DomainNetDef *net;
    xmlNode *c;
    const char *why;

    if (t < 0) {
        DOMAIN_ENUM_ERROR(error, node, "type", type, domain_net_type, DOMAIN_NET_LAST);
        return FALSE;
    }

    c = xml_node_child(node, "source");
    source = xml_node_prop(c, t == DOMAIN_NET_BRIDGE ? "bridge" : "network");
    if (xmlHasProp(c, (const xmlChar *)(t == DOMAIN_NET_BRIDGE ? "network" : "bridge"))) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                       _("<source> of a type='%s' interface must not have the '%s' attribute"),
                       type, t == DOMAIN_NET_BRIDGE ? "network" : "bridge");
        return FALSE;
    }
    if (!source) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, c,
                       _("<source> of a type='%s' interface needs the '%s' attribute"),
                       type, t == DOMAIN_NET_BRIDGE ? "bridge" : "network");
        return FALSE;
    }
    why = t == DOMAIN_NET_BRIDGE ? xml_check_ifname(source)
                                 : xml_check_name(source, VESSEL_DOMAIN_MAX_NAME);
    if (why) {
        xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c,
                       t == DOMAIN_NET_BRIDGE ? "bridge" : "network", source, why);
        return FALSE;
    }

    if ((c = xml_node_child(node, "mac"))) {
        g_autofree char *addr = xml_node_prop(c, "address");

        if ((why = xml_mac_normalize(addr, &mac))) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "address", addr, why);
            return FALSE;
        }
        for (guint i = 0; i < def->n_nets; i++) {
            if (g_strcmp0(def->nets[i]->mac, mac) == 0) {
                xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "address", addr,
                               _("another interface already uses this MAC address"));
                return FALSE;
            }
        }
    }
    if ((c = xml_node_child(node, "target"))) {
        target = xml_node_prop(c, "dev");
        if ((why = xml_check_ifname(target))) {
            xml_error_attr(error, VESSEL_XML_ERROR_INVALID, c, "dev", target, why);
            return FALSE;
        }
    }
    if ((c = xml_node_child(node, "model"))) {
        g_autofree char *model = xml_node_prop(c, "type");

        if (!domain_attr_fixed(c, "type", model, "virtio", error))
            return FALSE;
    }

    net = g_new0(DomainNetDef, 1);
    net->type = t;
    net->source = g_steal_pointer(&source);
    net->mac = g_steal_pointer(&mac);
    net->target_dev = g_steal_pointer(&target);
    def->nets = g_renew(DomainNetDef *, def->nets, def->n_nets + 2);
    def->nets[def->n_nets++] = net;
    def->nets[def->n_nets] = NULL;
    return TRUE;
}

static gboolean
domain_parse_chr(xmlNode *node, const char *target_type, DomainChrDef **out, GError **error)
{
    g_autofree char *type = xml_node_prop(node, "type");
    int t = domain_chr_type_from_string(type);
    xmlNode *target = xml_node_child(node, "target");

    if (*out) {
        xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, node,
                       _("only one <%s> is supported"), (const char *)node->name);
        return FALSE;
    }
    if (t < 0) {
        DOMAIN_ENUM_ERROR(error, node, "type", type, domain_chr_type, DOMAIN_CHR_LAST);
        return FALSE;
    }
    if (target) {
        g_autofree char *port = xml_node_prop(target, "port");
        g_autofree char *ttype = target_type ? xml_node_prop(target, "type") : NULL;

        if (!domain_attr_fixed(target, "port", port, "0", error) ||
            (target_type && !domain_attr_fixed(target, "type", ttype, target_type, error)))
            return FALSE;
    }
    *out = g_new0(DomainChrDef, 1);
    (*out)->type = t;
    (*out)->port = 0;
    return TRUE;
}

static gboolean
domain_parse_serial(DomainDef *def, xmlNode *node, GError **error)
{
    return domain_parse_chr(node, NULL, &def->serial, error);
}

static gboolean
domain_parse_console(DomainDef *def, xmlNode *node, GError **error)
{
    /* target type 'virtio': a virtio-console; 'serial' or none: the
     * serial port's console */
    xmlNode *target = xml_node_child(node, "target");
    g_autofree char *ttype = target ? xml_node_prop(target, "type") : NULL;

    if (g_strcmp0(ttype, "virtio") == 0)
        return domain_parse_chr(node, "virtio", &def->virtio_console, error);
    return domain_parse_chr(node, "serial", &def->console, error);
}

static gboolean
domain_parse_rng(DomainDef *def, xmlNode *node, GError **error)
{
    static const char *const sources[] = { "/dev/urandom", "/dev/random", "/dev/hwrng" };
    g_autofree char *model = xml_node_prop(node, "model");
    xmlNode *backend = xml_node_child(node, "backend");
    g_autofree char *bmodel = xml_node_prop(backend, "model");
    g_autofree char *path = xml_node_text_trimmed(backend);
    gboolean known = FALSE;

    if (def->rng) {
        xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, node,
                       _("only one <rng> is supported"));
        return FALSE;
    }
    if (!domain_attr_fixed(node, "model", model, "virtio", error) ||
        !domain_attr_fixed(backend, "model", bmodel, "random", error))
        return FALSE;
    if (!*path) {
        g_free(path);
        path = g_strdup(sources[0]);
    }
    for (guint i = 0; i < G_N_ELEMENTS(sources); i++)
        known |= strcmp(path, sources[i]) == 0;
    if (!known) {
        xml_error_attr_unsupported(error, backend, NULL, path, sources,
                                   G_N_ELEMENTS(sources));
        return FALSE;
    }
    def->rng = g_new0(DomainRngDef, 1);
    def->rng->backend_path = g_steal_pointer(&path);
    return TRUE;
}

static gboolean
domain_parse_memballoon(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *model = xml_node_prop(node, "model");

    if (!domain_attr_fixed(node, "model", model, "none", error))
        return FALSE;
    def->memballoon_none = TRUE;
    return TRUE;
}

/* <video><model type='vga' vram= heads='1' primary='yes'/></video> */
static gboolean
domain_parse_video(DomainDef *def, xmlNode *node, GError **error)
{
    xmlNode *model = xml_node_child(node, "model");
    g_autofree char *type = xml_node_prop(model, "type");
    g_autofree char *vram = xml_node_prop(model, "vram");
    g_autofree char *heads = xml_node_prop(model, "heads");
    g_autofree char *primary = xml_node_prop(model, "primary");
    guint64 kib = DOMAIN_VIDEO_DEFAULT_VRAM_KIB;

    if (def->video) {
        xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, node,
                       _("only one <video> is supported"));
        return FALSE;
    }
    if (!domain_attr_fixed(model, "type", type, "vga", error) ||
        !domain_attr_fixed(model, "heads", heads, "1", error) ||
        !domain_attr_fixed(model, "primary", primary, "yes", error))
        return FALSE;
    if (vram && (!g_ascii_string_to_unsigned(vram, 10, 1024, 262144, &kib, NULL) ||
                 (kib & (kib - 1)))) {
        g_autofree char *shown = xml_value_for_message(vram);
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, model,
                       _("invalid vram '%s': KiB, a power of two from 1024 to 262144"), shown);
        return FALSE;
    }
    def->video = g_new0(DomainVideoDef, 1);
    def->video->vram_kib = (guint)kib;
    return TRUE;
}

static gboolean
domain_graphics_invalid(GError **error, const xmlNode *node, const char *attr,
                        const char *value, const char *why)
{
    g_autofree char *shown = xml_value_for_message(value);
    xml_error_node(error, VESSEL_XML_ERROR_INVALID, node, _("invalid %s '%s' in <graphics>: %s"),
                   attr, shown, why);
    return FALSE;
}

/* <graphics type='vnc' port= autoport= listen= passwd= keymap= socket=>, with an
 * optional <listen type='address' address=/> or <listen type='socket'
 * socket=/> child as libvirt writes it. */
static gboolean
domain_parse_graphics(DomainDef *def, xmlNode *node, GError **error)
{
    g_autofree char *type = xml_node_prop(node, "type");
    g_autofree char *port = xml_node_prop(node, "port");
    g_autofree char *autoport = xml_node_prop(node, "autoport");
    g_autofree char *listen = xml_node_prop(node, "listen");
    g_autofree char *passwd = xml_node_prop(node, "passwd");
    g_autofree char *keymap = xml_node_prop(node, "keymap");
    g_autofree char *sock = xml_node_prop(node, "socket");
    xmlNode *lnode = xml_node_child(node, "listen");
    gint64 p = -1;

    if (def->graphics) {
        xml_error_node(error, VESSEL_XML_ERROR_UNSUPPORTED, node,
                       _("only one <graphics> is supported"));
        return FALSE;
    }
    if (!domain_attr_fixed(node, "type", type, "vnc", error))
        return FALSE;
    if (lnode) {
        g_autofree char *ltype = xml_node_prop(lnode, "type");
        g_autofree char *addr = xml_node_prop(lnode, "address");
        g_autofree char *lsock = xml_node_prop(lnode, "socket");
        static const char *const ltypes[] = { "address", "socket" };
        if (g_strcmp0(ltype, "address") == 0) {
            if (listen && addr && strcmp(listen, addr) != 0)
                return domain_graphics_invalid(error, lnode, "address", addr,
                                               _("differs from the listen attribute"));
            if (!listen)
                listen = g_steal_pointer(&addr);
        } else if (g_strcmp0(ltype, "socket") == 0) {
            if (!sock)
                sock = g_steal_pointer(&lsock);
        } else {
            xml_error_attr_unsupported(error, lnode, "type", ltype, ltypes, 2);
            return FALSE;
        }
    }
    if (port && (!g_ascii_string_to_signed(port, 10, -1, 65535, &p, NULL) || p == 0))
        return domain_graphics_invalid(error, node, "port", port, _("-1 or a TCP port"));
    if (autoport && strcmp(autoport, "yes") && strcmp(autoport, "no"))
        return domain_graphics_invalid(error, node, "autoport", autoport, _("yes or no"));
    if (listen) {
        struct in_addr a;
        if (inet_pton(AF_INET, listen, &a) != 1)
            return domain_graphics_invalid(error, node, "listen", listen,
                                           _("not an IPv4 address"));
    }
    if (passwd && (strlen(passwd) > 8 || !*passwd))
        return domain_graphics_invalid(error, node, "passwd", "...",
                                       _("VNC passwords have 1 to 8 characters"));
    /* a layout name (the VMM knows which exist): lower case and '-' only,
     * so nothing can reach the VMM's --vnc option list */
    if (keymap && (!*keymap || strlen(keymap) > 16 ||
                   strspn(keymap, "abcdefghijklmnopqrstuvwxyz-") != strlen(keymap)))
        return domain_graphics_invalid(error, node, "keymap", keymap,
                                       _("a keymap name such as de or fr-ch"));
    if (sock) {
        const char *why = xml_check_abs_path(sock);
        if (why)
            return domain_graphics_invalid(error, node, "socket", sock, why);
        if (listen || port)
            return domain_graphics_invalid(error, node, "socket", sock,
                                           _("a socket takes no port or listen address"));
    }
    if (!sock && !listen)
        listen = g_strdup("127.0.0.1"); /* libvirt's default, spelt out */
    DomainGraphicsDef *g = g_new0(DomainGraphicsDef, 1);
    g->autoport = !sock && (p == -1 || g_strcmp0(autoport, "yes") == 0);
    g->port = sock ? -1 : (int)p; /* with autoport: the port in use (live XML), or -1 */
    g->listen = g_steal_pointer(&listen);
    g->passwd = g_steal_pointer(&passwd);
    g->keymap = g_steal_pointer(&keymap);
    g->socket = g_steal_pointer(&sock);
    def->graphics = g;
    return TRUE;
}

static gboolean
domain_parse_input(DomainDef *def, xmlNode *node, GError **error)
{
    static const struct {
        const char *type, *bus;
        guint flag;
    } inputs[] = {
        { "tablet", "virtio", DOMAIN_INPUT_TABLET_VIRTIO },
        { "mouse", "ps2", DOMAIN_INPUT_MOUSE_PS2 },
        { "keyboard", "ps2", DOMAIN_INPUT_KEYBOARD_PS2 },
    };
    static const char *const types[] = { "tablet", "mouse", "keyboard" };
    g_autofree char *type = xml_node_prop(node, "type");
    g_autofree char *bus = xml_node_prop(node, "bus");

    for (guint i = 0; i < G_N_ELEMENTS(inputs); i++) {
        if (g_strcmp0(type, inputs[i].type))
            continue;
        if (bus && !domain_attr_fixed(node, "bus", bus, inputs[i].bus, error))
            return FALSE;
        def->inputs |= inputs[i].flag;
        return TRUE;
    }
    xml_error_attr_unsupported(error, node, "type", type, types, G_N_ELEMENTS(types));
    return FALSE;
}

typedef gboolean (*DomainNodeParser)(DomainDef *def, xmlNode *node, GError **error);

typedef struct {
    const char *name;
    DomainNodeParser parse;
} DomainNodeHandler;

static gboolean domain_parse_devices(DomainDef *def, xmlNode *node, GError **error);

static const DomainNodeHandler domain_handlers[] = {
    { "name", domain_parse_name },
    { "uuid", domain_parse_uuid },
    { "title", domain_parse_title },
    { "description", domain_parse_description },
    { "metadata", domain_parse_metadata },
    { "memory", domain_parse_memory },
    { "currentMemory", domain_parse_current_memory },
    { "vcpu", domain_parse_vcpu },
    { "os", domain_parse_os },
    { "features", domain_parse_features },
    { "clock", domain_parse_clock },
    { "on_poweroff", domain_parse_on_poweroff },
    { "on_reboot", domain_parse_on_reboot },
    { "on_crash", domain_parse_on_crash },
    { "devices", domain_parse_devices },
};

static const DomainNodeHandler device_handlers[] = {
    { "emulator", domain_parse_emulator },
    { "disk", domain_parse_disk },
    { "interface", domain_parse_interface },
    { "serial", domain_parse_serial },
    { "console", domain_parse_console },
    { "rng", domain_parse_rng },
    { "memballoon", domain_parse_memballoon },
    { "video", domain_parse_video },
    { "graphics", domain_parse_graphics },
    { "input", domain_parse_input },
};

static gboolean
domain_dispatch(DomainDef *def, xmlNode *parent, const DomainNodeHandler *table,
                guint n, GError **error)
{
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (guint i = 0; i < n; i++) {
            if (xml_node_is(c, table[i].name)) {
                if (!table[i].parse(def, c, error))
                    return FALSE;
                break;
            }
        }
    }
    return TRUE;
}

static gboolean
domain_parse_devices(DomainDef *def, xmlNode *node, GError **error)
{
    return domain_dispatch(def, node, device_handlers, G_N_ELEMENTS(device_handlers), error);
}

/* Defaults and checks that need the whole definition. */
static gboolean
domain_def_complete(DomainDef *def, xmlNode *root, GError **error)
{
    if (!def->uuid[0])
        xml_uuid_generate(def->uuid);
    if (def->graphics && !def->video) { /* as libvirt: a display comes with a VGA */
        def->video = g_new0(DomainVideoDef, 1);
        def->video->vram_kib = DOMAIN_VIDEO_DEFAULT_VRAM_KIB;
    }
    if (def->video) /* and with the PS/2 pair the VGA's machine has */
        def->inputs |= DOMAIN_INPUT_MOUSE_PS2 | DOMAIN_INPUT_KEYBOARD_PS2;
    if (!def->vcpus)
        def->vcpus = 1;
    if (!def->current_memory_kib)
        def->current_memory_kib = def->memory_kib;
    if (def->current_memory_kib > def->memory_kib) {
        /* numbers as strings: a format macro inside _() hides the
         * message from xgettext */
        g_autofree char *current = g_strdup_printf("%" G_GUINT64_FORMAT, def->current_memory_kib);
        g_autofree char *memory = g_strdup_printf("%" G_GUINT64_FORMAT, def->memory_kib);
        xml_error_node(error, VESSEL_XML_ERROR_INVALID,
                       xml_node_child(root, "currentMemory"),
                       _("<currentMemory> (%s KiB) is larger than <memory> (%s KiB)"),
                       current, memory);
        return FALSE;
    }
    for (guint i = 0; i < def->n_disks; i++) {
        if (def->disks[i]->boot_order && (def->kernel || def->boot_order[0])) {
            xml_error_node(error, VESSEL_XML_ERROR_INVALID, xml_node_child(root, "os"),
                           def->kernel ? _("a disk has <boot order=> but <os> has a <kernel>: "
                                           "boot order is for firmware boot")
                                       : _("per-device <boot order=> cannot be used together "
                                           "with <os><boot dev=>"));
            return FALSE;
        }
    }
    if (!def->kernel && !def->n_disks && !strchr(def->boot_order, 'n')) {
        xml_error_node(error, VESSEL_XML_ERROR_INVALID, xml_node_child(root, "os"),
                       _("nothing to boot: <os> has no <kernel> and the domain has no "
                         "disk for the firmware to boot from"));
        return FALSE;
    }
    /* like libvirt: a serial port implies its console and vice versa */
    if (def->serial && !def->console)
        def->console = g_memdup2(def->serial, sizeof(*def->serial));
    if (def->console && !def->serial)
        def->serial = g_memdup2(def->console, sizeof(*def->console));
    for (guint i = 0; i < def->n_nets; i++) {
        while (!def->nets[i]->mac) {
            g_autofree char *mac = xml_mac_generate();
            gboolean used = FALSE;

            for (guint j = 0; j < def->n_nets; j++)
                used |= g_strcmp0(def->nets[j]->mac, mac) == 0;
            if (!used)
                def->nets[i]->mac = g_steal_pointer(&mac);
        }
    }
    return TRUE;
}

DomainDef *
domain_def_parse(const char *xml, DomainParseFlags flags, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(DomainDef) def = NULL;
    g_autofree char *type = NULL;
    xmlNode *root;
    int t;

    g_return_val_if_fail(xml != NULL, NULL);
    if (flags != DOMAIN_PARSE_DEFAULT) {
        g_set_error(error, VESSEL_XML_ERROR, VESSEL_XML_ERROR_INTERNAL,
                    _("unknown domain parse flags 0x%x"), (unsigned)flags);
        return NULL;
    }
    if (!(doc = xml_doc_load(xml, "domain", domain_unsupported,
                             G_N_ELEMENTS(domain_unsupported), error)))
        return NULL;
    root = xmlDocGetRootElement(doc);

    def = g_new0(DomainDef, 1);
    def->on_poweroff = DOMAIN_LIFECYCLE_DESTROY;
    def->on_reboot = DOMAIN_LIFECYCLE_RESTART;
    def->on_crash = DOMAIN_LIFECYCLE_DESTROY;
    def->disks = g_new0(DomainDiskDef *, 1);
    def->nets = g_new0(DomainNetDef *, 1);

    type = xml_node_prop(root, "type");
    if ((t = domain_virt_type_from_string(type)) < 0) {
        DOMAIN_ENUM_ERROR(error, root, "type", type, domain_virt_type, DOMAIN_VIRT_LAST);
        return NULL;
    }
    def->virt_type = t;
    if (!domain_dispatch(def, root, domain_handlers, G_N_ELEMENTS(domain_handlers), error) ||
        !domain_def_complete(def, root, error))
        return NULL;
    return g_steal_pointer(&def);
}

DomainDef *
domain_def_parse_file(const char *path, DomainParseFlags flags, GError **error)
{
    g_autofree char *xml = xml_file_read(path, error);
    g_autoptr(GError) local = NULL;
    DomainDef *def = xml ? domain_def_parse(xml, flags, &local) : NULL;

    xml_error_in_file(error, path, local);
    return def;
}
