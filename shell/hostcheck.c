/* hostcheck.c - host probes behind vessel-ok; see hostcheck.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "hostcheck.h"

#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_FC_LOCKED            (1u << 0)
#define MSR_FC_VMXON_OUTSIDE_SMX (1u << 2)
#define MSR_AMD64_VM_CR          0xc0010114u
#define MSR_VM_CR_SVMDIS         (1u << 4)

static const char *const host_virt_modules[HOST_VIRT_LAST] = {
    [HOST_VIRT_NONE] = NULL,
    [HOST_VIRT_VMX] = "kvm_intel",
    [HOST_VIRT_SVM] = "kvm_amd",
};

static const char *const host_result_names[HOST_RESULT_LAST] = {
    [HOST_RESULT_PASS] = N_("PASS"),
    [HOST_RESULT_WARN] = N_("WARN"),
    [HOST_RESULT_FAIL] = N_("FAIL"),
};

const char *host_virt_module(HostVirt virt)
{
    return virt < HOST_VIRT_LAST ? host_virt_modules[virt] : NULL;
}

const char *host_result_name(HostResult result)
{
    return result < HOST_RESULT_LAST ? _(host_result_names[result]) : "?";
}

static void host_probe_identity(HostProbe *probe)
{
    const char *env_uid = g_getenv("VESSEL_OK_UID");
    const char *env_gids = g_getenv("VESSEL_OK_GIDS");
    const char *env_user = g_getenv("VESSEL_OK_USER");

    probe->uid = env_uid ? (uid_t)strtoul(env_uid, NULL, 10) : geteuid();
    probe->gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
    if (env_gids) {
        g_auto(GStrv) parts = g_strsplit(env_gids, ",", -1);
        for (char **p = parts; *p; p++) {
            if (**p) {
                gid_t g = (gid_t)strtoul(*p, NULL, 10);
                g_array_append_val(probe->gids, g);
            }
        }
    } else {
        gid_t egid = getegid();
        int n = getgroups(0, NULL);
        g_array_append_val(probe->gids, egid);
        if (n > 0) {
            g_autofree gid_t *list = g_new(gid_t, n);
            n = getgroups(n, list);
            for (int i = 0; i < n; i++)
                g_array_append_val(probe->gids, list[i]);
        }
    }
    if (env_user) {
        probe->user = g_strdup(env_user);
    } else {
        struct passwd *pw = getpwuid(probe->uid);
        probe->user = g_strdup(pw ? pw->pw_name : "");
    }
}

HostProbe *host_probe_new(const char *root)
{
    HostProbe *probe = g_new0(HostProbe, 1);
    probe->root = g_strdup(root ? root : host_kvm_root());
    host_probe_identity(probe);
    return probe;
}

void host_probe_free(HostProbe *probe)
{
    if (!probe)
        return;
    g_free(probe->root);
    g_free(probe->user);
    if (probe->gids)
        g_array_unref(probe->gids);
    g_free(probe);
}

char *host_probe_path(const HostProbe *probe, const char *abs)
{
    return g_build_filename(probe->root, abs, NULL);
}

gboolean host_is_root(const HostProbe *probe)
{
    return probe->uid == 0;
}

static gboolean host_has_gid(const HostProbe *probe, gid_t gid)
{
    for (guint i = 0; i < probe->gids->len; i++)
        if (g_array_index(probe->gids, gid_t, i) == gid)
            return TRUE;
    return FALSE;
}

HostVirt host_cpu_virt(const HostProbe *probe)
{
    return host_kvm_cpu_virt(probe->root);
}

gboolean host_module_loaded(const HostProbe *probe, const char *name)
{
    g_autofree char *sys = g_build_filename(probe->root, "sys/module", name, NULL);
    g_autofree char *path = host_probe_path(probe, "/proc/modules");
    g_autofree char *text = NULL;
    g_autofree char *prefix = g_strconcat(name, " ", NULL);

    if (g_file_test(sys, G_FILE_TEST_IS_DIR))
        return TRUE;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_str_has_prefix(*l, prefix))
            return TRUE;
    return FALSE;
}

gboolean host_dev_access(const HostProbe *probe, const char *dev, gboolean *rw)
{
    g_autofree char *path = host_probe_path(probe, dev);
    struct stat st;
    mode_t need;

    *rw = FALSE;
    if (stat(path, &st) < 0)
        return FALSE;
    if (probe->uid == 0) {
        *rw = TRUE;
        return TRUE;
    }
    if (st.st_uid == probe->uid)
        need = S_IRUSR | S_IWUSR;
    else if (host_has_gid(probe, st.st_gid))
        need = S_IRGRP | S_IWGRP;
    else
        need = S_IROTH | S_IWOTH;
    *rw = (st.st_mode & need) == need;
    return TRUE;
}

static gboolean host_msr_read(const HostProbe *probe, guint32 msr, guint64 *value)
{
    g_autofree char *path = host_probe_path(probe, "/dev/cpu/0/msr");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return FALSE;
    n = pread(fd, value, sizeof(*value), (off_t)msr);
    close(fd);
    return n == (ssize_t)sizeof(*value);
}

HostFirmware host_firmware_vt(const HostProbe *probe, HostVirt virt)
{
    guint64 v = 0;

    switch (virt) {
    case HOST_VIRT_VMX:
        if (!host_msr_read(probe, MSR_IA32_FEATURE_CONTROL, &v))
            return HOST_FW_UNKNOWN;
        /* Locked with VMXON outside SMX clear: the BIOS turned VT off. */
        if ((v & MSR_FC_LOCKED) && !(v & MSR_FC_VMXON_OUTSIDE_SMX))
            return HOST_FW_DISABLED;
        return HOST_FW_ENABLED;
    case HOST_VIRT_SVM:
        if (!host_msr_read(probe, MSR_AMD64_VM_CR, &v))
            return HOST_FW_UNKNOWN;
        return (v & MSR_VM_CR_SVMDIS) ? HOST_FW_DISABLED : HOST_FW_ENABLED;
    default:
        return HOST_FW_UNKNOWN;
    }
}

HostResult host_group_member(const HostProbe *probe, const char *group, char **hint)
{
    g_autofree char *path = host_probe_path(probe, "/etc/group");
    g_autofree char *text = NULL;

    if (g_file_get_contents(path, &text, NULL, NULL)) {
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
            g_auto(GStrv) f = g_strsplit(*l, ":", 4);
            gid_t gid;
            gboolean listed;

            if (g_strv_length(f) < 4 || strcmp(f[0], group) != 0)
                continue;
            gid = (gid_t)strtoul(f[2], NULL, 10);
            if (host_is_root(probe) || host_has_gid(probe, gid))
                return HOST_RESULT_PASS;
            g_auto(GStrv) members = g_strsplit(f[3], ",", -1);
            listed = *probe->user && g_strv_contains((const char *const *)members, probe->user);
            if (listed) {
                *hint = g_strdup_printf(_("user '%s' was added to group '%s': log out and in again"),
                                        probe->user, group);
                return HOST_RESULT_WARN;
            }
            *hint = g_strdup_printf(_("user '%s' is not in group '%s': run 'adduser %s %s'"),
                                    probe->user, group, probe->user, group);
            return HOST_RESULT_FAIL;
        }
    }
    *hint = g_strdup_printf(_("group '%s' does not exist"), group);
    return host_is_root(probe) ? HOST_RESULT_WARN : HOST_RESULT_FAIL;
}

char *host_group_name(const HostProbe *probe, gid_t gid)
{
    g_autofree char *path = host_probe_path(probe, "/etc/group");
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) f = g_strsplit(*l, ":", 4);
        if (g_strv_length(f) >= 3 && *f[2] && (gid_t)strtoul(f[2], NULL, 10) == gid)
            return g_strdup(f[0]);
    }
    return NULL;
}
