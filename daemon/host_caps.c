/* host_caps.c - capabilities XML and node info from /proc and /dev. */
#include "config.h"

#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "daemon_error.h"
#include "host_caps.h"
#include "xml/domain_conf.h"
#include "host_kvm.h"
#include "i18n.h"

static char *read_cpuinfo(void)
{
    char *data = NULL;
    g_file_get_contents("/proc/cpuinfo", &data, NULL, NULL);
    return data ? data : g_strdup("");
}

/* The value of the first "@key : value" line of /proc/cpuinfo, or NULL. */
static char *cpuinfo_value(const char *cpuinfo, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *colon = strchr(*l, ':');
        if (!colon)
            continue;
        g_autofree char *k = g_strndup(*l, colon - *l);
        if (strcmp(g_strstrip(k), key) == 0)
            return g_strstrip(g_strdup(colon + 1));
    }
    return NULL;
}

/* The same decision as vessel-vmm --accel auto and vessel-ok. */
gboolean host_caps_kvm_usable(char **reason)
{
    *reason = NULL;
    return host_kvm_auto_probe(reason);
}

static char *host_uuid(void)
{
    g_autofree char *id = NULL;
    if (!g_file_get_contents("/etc/machine-id", &id, NULL, NULL) || strlen(g_strstrip(id)) != 32)
        return g_strdup("00000000-0000-0000-0000-000000000000");
    return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12, id + 16, id + 20);
}

/* The VMM domains without <emulator> run. */
static char *default_vmm(const DaemonConfig *cfg)
{
    const char *vmm_env = g_getenv("VESSEL_VMM");
    return cfg->vmm_path ? g_strdup(cfg->vmm_path)
           : vmm_env && *vmm_env ? g_strdup(vmm_env)
                                 : g_build_filename(BINDIR, "vessel-vmm", NULL);
}

char *host_caps_format(const DaemonConfig *cfg)
{
    struct utsname u;
    uname(&u);
    g_autofree char *uuid = host_uuid();
    g_autofree char *why = NULL;
    gboolean kvm = host_caps_kvm_usable(&why);
    gboolean x86 = strcmp(u.machine, "x86_64") == 0;
    g_autofree char *vmm = default_vmm(cfg);

    GString *s = g_string_new("<capabilities>\n  <host>\n");
    g_autofree char *hdr = g_markup_printf_escaped(
        "    <uuid>%s</uuid>\n    <cpu>\n      <arch>%s</arch>\n    </cpu>\n"
        "    <accelerators>\n", uuid, u.machine);
    g_string_append(s, hdr);
    g_autofree char *kvm_line =
        kvm ? g_strdup("      <accelerator name='kvm' usable='yes'/>\n")
            : g_markup_printf_escaped("      <accelerator name='kvm' usable='no' reason='%s'/>\n", why);
    g_string_append(s, kvm_line);
    if (x86)
        g_string_append(s, "      <accelerator name='dbt' usable='yes'/>\n");
    else
        g_string_append(s, "      <accelerator name='dbt' usable='no' "
                           "reason='the software CPU runs on x86_64 hosts only'/>\n");
    g_string_append(s, "    </accelerators>\n  </host>\n");
    if (x86 || kvm) {
        g_autofree char *g = g_markup_printf_escaped(
            "  <guest>\n    <os_type>hvm</os_type>\n    <arch name='x86_64'>\n"
            "      <wordsize>64</wordsize>\n      <emulator>%s</emulator>\n"
            "      <machine>vessel-pc</machine>\n", vmm);
        g_string_append(s, g);
        if (x86)
            g_string_append(s, "      <domain type='dbt'/>\n      <domain type='qemu'/>\n");
        if (kvm)
            g_string_append(s, "      <domain type='kvm'/>\n");
        g_string_append(s, "    </arch>\n  </guest>\n");
    }
    g_string_append(s, "</capabilities>\n");
    return g_string_free(s, FALSE);
}

static guint64 meminfo_total_kib(void)
{
    g_autofree char *data = NULL;
    if (!g_file_get_contents("/proc/meminfo", &data, NULL, NULL))
        return 0;
    const char *p = strstr(data, "MemTotal:");
    return p ? g_ascii_strtoull(p + strlen("MemTotal:"), NULL, 10) : 0;
}

void host_caps_node_info(HostNodeInfo *info)
{
    struct utsname u;
    uname(&u);
    g_autofree char *cpuinfo = read_cpuinfo();
    guint cpus = (guint)MAX(sysconf(_SC_NPROCESSORS_ONLN), 1);
    g_autofree char *mhz_s = cpuinfo_value(cpuinfo, "cpu MHz");
    g_autofree char *cores_s = cpuinfo_value(cpuinfo, "cpu cores");
    g_autofree char *sib_s = cpuinfo_value(cpuinfo, "siblings");
    guint mhz = mhz_s ? (guint)g_ascii_strtod(mhz_s, NULL) : 0;
    guint cores = cores_s ? (guint)g_ascii_strtoull(cores_s, NULL, 10) : 0;
    guint siblings = sib_s ? (guint)g_ascii_strtoull(sib_s, NULL, 10) : 0;
    if (!cores)
        cores = cpus;
    guint threads = siblings && siblings >= cores ? siblings / cores : 1;
    guint sockets = MAX(cpus / MAX(cores * threads, 1), 1);
    *info = (HostNodeInfo){
        .memory_kib = meminfo_total_kib(),
        .cpus = cpus,
        .mhz = mhz,
        .nodes = 1,
        .sockets = sockets,
        .cores = cores,
        .threads = threads,
    };
    g_strlcpy(info->model, u.machine, sizeof(info->model));
}

guint64 host_caps_free_memory(void)
{
    g_autofree char *data = NULL;
    if (!g_file_get_contents("/proc/meminfo", &data, NULL, NULL))
        return 0;
    const char *p = strstr(data, "MemFree:");
    return p ? g_ascii_strtoull(p + strlen("MemFree:"), NULL, 10) * 1024 : 0;
}

char *host_caps_domain_format(const DaemonConfig *cfg, const char *emulator, const char *arch,
                              const char *machine, const char *virt_type, GError **error)
{
    g_autofree char *vmm = default_vmm(cfg);
    g_autofree char *why = NULL;
    gboolean kvm = host_caps_kvm_usable(&why);
    if (!virt_type || !*virt_type)
        virt_type = kvm ? "kvm" : "qemu";
    if (arch && *arch && strcmp(arch, "x86_64") != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Vessel runs x86_64 guests only, not '%s'"), arch);
        return NULL;
    }
    if (machine && *machine && strcmp(machine, "vessel-pc") != 0 && strcmp(machine, "pc") != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Unknown machine type '%s': Vessel has 'vessel-pc'"), machine);
        return NULL;
    }
    if (strcmp(virt_type, "kvm") == 0 && !kvm) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("KVM is not usable on this host: %s"), why ? why : "");
        return NULL;
    }
    if (strcmp(virt_type, "kvm") != 0 && strcmp(virt_type, "qemu") != 0 &&
        strcmp(virt_type, "dbt") != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Unknown virtualization type '%s': Vessel has kvm, dbt and qemu "
                      "(the software CPU)"), virt_type);
        return NULL;
    }
    if (emulator && *emulator && strcmp(emulator, vmm) != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Emulator '%s' is not this host's VMM (%s)"), emulator, vmm);
        return NULL;
    }
    /* The devices a Vessel domain definition may hold (xml/README.md):
     * virtio disks, virtio network interfaces on bridges and networks,
     * pty serial and virtio consoles, a virtio rng, a VGA with a VNC
     * server; direct kernel boot, no firmware loader, no host CPU models. */
    return g_markup_printf_escaped(
        "<domainCapabilities>\n"
        "  <path>%s</path>\n"
        "  <domain>%s</domain>\n"
        "  <machine>vessel-pc</machine>\n"
        "  <arch>x86_64</arch>\n"
        "  <vcpu max='%u'/>\n"
        "  <iothreads supported='no'/>\n"
        "  <os supported='yes'>\n"
        "    <enum name='firmware'/>\n"
        "    <loader supported='no'/>\n"
        "  </os>\n"
        "  <cpu>\n"
        "    <mode name='host-passthrough' supported='no'/>\n"
        "    <mode name='maximum' supported='no'/>\n"
        "    <mode name='host-model' supported='no'/>\n"
        "    <mode name='custom' supported='no'/>\n"
        "  </cpu>\n"
        "  <memoryBacking supported='no'/>\n"
        "  <devices>\n"
        "    <disk supported='yes'>\n"
        "      <enum name='diskDevice'>\n        <value>disk</value>\n      </enum>\n"
        "      <enum name='bus'>\n        <value>virtio</value>\n      </enum>\n"
        "      <enum name='model'/>\n"
        "    </disk>\n"
        "    <graphics supported='yes'>\n"
        "      <enum name='type'>\n        <value>vnc</value>\n      </enum>\n"
        "    </graphics>\n"
        "    <video supported='yes'>\n"
        "      <enum name='modelType'>\n        <value>vga</value>\n      </enum>\n"
        "    </video>\n"
        "    <hostdev supported='no'/>\n"
        "    <rng supported='yes'>\n"
        "      <enum name='model'>\n        <value>virtio</value>\n      </enum>\n"
        "      <enum name='backendModel'>\n        <value>random</value>\n      </enum>\n"
        "    </rng>\n"
        "    <filesystem supported='no'/>\n"
        "    <tpm supported='no'/>\n"
        "    <redirdev supported='no'/>\n"
        "    <channel supported='no'/>\n"
        "    <crypto supported='no'/>\n"
        "  </devices>\n"
        "  <features>\n"
        "    <gic supported='no'/>\n"
        "    <vmcoreinfo supported='no'/>\n"
        "    <genid supported='no'/>\n"
        "    <backingStoreInput supported='no'/>\n"
        "    <backup supported='no'/>\n"
        "    <sev supported='no'/>\n"
        "  </features>\n"
        "</domainCapabilities>\n",
        vmm, virt_type, VESSEL_DOMAIN_MAX_VCPUS);
}
