/* vmm_ids.c - per-VM ids (see vmm_ids.h). */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_error.h"
#include "i18n.h"
#include "vmm_ids.h"

/* Real, effective, saved and fs uids and gids of every process that
 * fall into [first, last]. */
static GHashTable *ids_of_processes(guint32 first, guint32 last)
{
    GHashTable *used = g_hash_table_new(NULL, NULL);
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *ent;
    while (proc && (ent = g_dir_read_name(proc))) {
        if (!g_ascii_isdigit(ent[0]))
            continue;
        g_autofree char *path = g_strdup_printf("/proc/%s/status", ent);
        g_autofree char *text = NULL;
        if (!g_file_get_contents(path, &text, NULL, NULL))
            continue;   /* gone meanwhile */
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (guint i = 0; lines[i]; i++) {
            if (!g_str_has_prefix(lines[i], "Uid:") && !g_str_has_prefix(lines[i], "Gid:"))
                continue;
            g_auto(GStrv) f = g_strsplit_set(lines[i] + 4, " \t", -1);
            for (guint j = 0; f[j]; j++) {
                if (!*f[j])
                    continue;
                guint64 v = g_ascii_strtoull(f[j], NULL, 10);
                if (v >= first && v <= last)
                    g_hash_table_add(used, GUINT_TO_POINTER((guint32)v));
            }
        }
    }
    return used;
}

static gboolean id_has_entry(guint32 id)
{
    char buf[16384];
    struct passwd pwbuf, *pw = NULL;
    struct group grbuf, *gr = NULL;
    if (getpwuid_r((uid_t)id, &pwbuf, buf, sizeof(buf), &pw) == 0 && pw)
        return TRUE;
    return getgrgid_r((gid_t)id, &grbuf, buf, sizeof(buf), &gr) == 0 && gr;
}

gboolean vmm_ids_pick(guint32 first, guint32 last, GHashTable *taken, guint32 *id,
                      GError **error)
{
    g_autoptr(GHashTable) busy = ids_of_processes(first, last);
    for (guint64 v = first; v <= last; v++) {
        gpointer key = GUINT_TO_POINTER((guint32)v);
        if ((taken && g_hash_table_contains(taken, key)) || g_hash_table_contains(busy, key) ||
            id_has_entry((guint32)v))
            continue;
        *id = (guint32)v;
        return TRUE;
    }
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                _("No free id left in [vmm] uid_range %u-%u for another VMM"), first, last);
    return FALSE;
}

gid_t vmm_ids_kvm_gid(void)
{
    char buf[16384];
    struct group grbuf, *gr = NULL;
    if (getgrnam_r("kvm", &grbuf, buf, sizeof(buf), &gr) == 0 && gr)
        return gr->gr_gid;
    return (gid_t)-1;
}
