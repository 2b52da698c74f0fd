/* host_kvm.c - the kind of KVM this host has and the --accel auto
 * decision; see host_kvm.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_kvm.h"
#include "i18n.h"

static const char *const host_virt_flags[HOST_VIRT_LAST] = {
    [HOST_VIRT_NONE] = NULL,
    [HOST_VIRT_VMX] = "vmx",
    [HOST_VIRT_SVM] = "svm",
};

const char *host_kvm_root(void)
{
    const char *root = g_getenv("VESSEL_HOST_ROOT");
    return root && *root ? root : "/";
}

const char *host_virt_name(HostVirt virt)
{
    return (guint)virt < HOST_VIRT_LAST ? host_virt_flags[virt] : NULL;
}

/* The first "flags : ..." line, as kvm-ok reads it. */
HostVirt host_kvm_cpu_virt(const char *root)
{
    g_autofree char *path = g_build_filename(root ? root : host_kvm_root(), "proc/cpuinfo", NULL);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return HOST_VIRT_NONE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (!g_str_has_prefix(*l, "flags"))
            continue;
        char *colon = strchr(*l, ':');
        if (!colon || strspn(*l + 5, " \t") != (size_t)(colon - (*l + 5)))
            continue;
        g_auto(GStrv) words = g_strsplit_set(colon + 1, " \t", -1);
        for (int v = HOST_VIRT_NONE + 1; v < HOST_VIRT_LAST; v++)
            if (g_strv_contains((const char *const *)words, host_virt_flags[v]))
                return (HostVirt)v;
        return HOST_VIRT_NONE;
    }
    return HOST_VIRT_NONE;
}

void host_kvm_facts_read(const char *root, HostKvmFacts *f)
{
    if (!root)
        root = host_kvm_root();
    memset(f, 0, sizeof(*f));
    f->virt = host_kvm_cpu_virt(root);
    g_autofree char *pvm = g_build_filename(root, "sys/module/kvm_pvm", NULL);
    f->pvm = g_file_test(pvm, G_FILE_TEST_IS_DIR);

    g_autofree char *dev = g_build_filename(root, "dev/kvm", NULL);
    struct stat st;
    if (stat(dev, &st) < 0) {
        f->open_errno = errno;
        return;
    }
    f->dev_exists = TRUE;
    f->dev_is_chr = S_ISCHR(st.st_mode);
    f->dev_uid = st.st_uid;
    f->dev_gid = st.st_gid;
    f->dev_mode = st.st_mode & 07777;
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        f->open_errno = errno;
        return;
    }
    int v = ioctl(fd, KVM_GET_API_VERSION, 0);
    f->api_version = v < 0 ? -errno : v;
    close(fd);
}

HostKvmKind host_kvm_kind(const HostKvmFacts *f)
{
    if (!f->dev_exists)
        return HOST_KVM_KIND_NONE;
    if (f->virt != HOST_VIRT_NONE)
        return HOST_KVM_KIND_HARDWARE;
    return f->pvm ? HOST_KVM_KIND_PVM : HOST_KVM_KIND_UNKNOWN;
}

const char *host_kvm_kind_describe(const HostKvmFacts *f)
{
    switch (host_kvm_kind(f)) {
    case HOST_KVM_KIND_HARDWARE:
        return f->virt == HOST_VIRT_VMX ? _("hardware (Intel VT-x)") : _("hardware (AMD-V)");
    case HOST_KVM_KIND_PVM:
        return _("PVM (kvm_pvm, pagetable-based: only PVM-enabled guest kernels)");
    case HOST_KVM_KIND_UNKNOWN:
        return _("unknown (no VT-x/AMD-V flag and no kvm_pvm module)");
    default:
        return _("none");
    }
}

/* Why this process cannot open the device, from its owner and mode. */
static char *host_kvm_denied(const HostKvmFacts *f)
{
    if (f->dev_mode & 060) {
        struct group *g = getgrgid(f->dev_gid);
        if (g)
            return g_strdup_printf(_("permission denied opening /dev/kvm (it is for group '%s': "
                                     "join that group, or run as root)"), g->gr_name);
        return g_strdup_printf(_("permission denied opening /dev/kvm (it is for group %u, "
                                 "which has no name)"), (unsigned)f->dev_gid);
    }
    return g_strdup_printf(_("permission denied opening /dev/kvm (mode %04o: only its owner, "
                             "uid %u, may open it)"), (unsigned)f->dev_mode, (unsigned)f->dev_uid);
}

gboolean host_kvm_device_usable(const HostKvmFacts *f, char **why)
{
    g_autofree char *reason = NULL;

    if (!f->dev_exists) {
        reason = f->virt == HOST_VIRT_NONE
            ? g_strdup(_("/dev/kvm does not exist and the CPU has no VT-x/AMD-V "
                         "(no vmx or svm flag in /proc/cpuinfo)"))
            : g_strdup_printf(_("/dev/kvm does not exist (is the %s module loaded, "
                                "and virtualization enabled in the firmware?)"),
                              f->virt == HOST_VIRT_VMX ? "kvm_intel" : "kvm_amd");
    } else if (f->open_errno == EACCES || f->open_errno == EPERM) {
        reason = host_kvm_denied(f);
    } else if (f->open_errno) {
        reason = g_strdup_printf(_("cannot open /dev/kvm: %s"), g_strerror(f->open_errno));
    } else if (f->api_version < 0) {
        reason = g_strdup_printf(_("/dev/kvm is not a KVM device (KVM_GET_API_VERSION: %s)"),
                                 g_strerror(-f->api_version));
    } else if (f->api_version != KVM_API_VERSION) {
        reason = g_strdup_printf(_("/dev/kvm has KVM API version %d, not %d"), f->api_version,
                                 KVM_API_VERSION);
    }
    gboolean usable = reason == NULL;
    if (why)
        *why = g_steal_pointer(&reason);
    return usable;
}

gboolean host_kvm_auto(const HostKvmFacts *f, char **why)
{
    g_autofree char *reason = NULL;

    switch (host_kvm_kind(f)) {
    case HOST_KVM_KIND_PVM:
        reason = g_strdup(_("/dev/kvm is PVM (kvm_pvm), which runs only PVM-enabled guest "
                            "kernels, not ordinary ones"));
        break;
    case HOST_KVM_KIND_UNKNOWN:
        reason = g_strdup(_("/dev/kvm exists but the CPU has no VT-x/AMD-V and kvm_pvm is "
                            "not loaded (unknown kind of KVM)"));
        break;
    default: /* NONE and HARDWARE: the device decides */
        host_kvm_device_usable(f, &reason);
        break;
    }
    gboolean usable = reason == NULL;
    if (why)
        *why = g_steal_pointer(&reason);
    return usable;
}

gboolean host_kvm_auto_probe(char **why)
{
    HostKvmFacts f;
    host_kvm_facts_read(NULL, &f);
    return host_kvm_auto(&f, why);
}
