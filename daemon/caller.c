/* caller.c - client credentials (see caller.h). */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "caller.h"
#include "i18n.h"

static char *caller_label(uid_t uid)
{
    struct passwd pwbuf, *pw = NULL;
    char buf[4096];
    if (getpwuid_r(uid, &pwbuf, buf, sizeof(buf), &pw) == 0 && pw)
        return g_strdup_printf(_("user %s (uid %u)"), pw->pw_name, (unsigned)uid);
    return g_strdup_printf(_("uid %u"), (unsigned)uid);
}

DaemonCaller *daemon_caller_new(uid_t uid, gid_t gid, const gid_t *groups, gsize n_groups)
{
    DaemonCaller *c = g_new0(DaemonCaller, 1);
    c->uid = uid;
    c->gid = gid;
    c->groups = g_array_new(FALSE, FALSE, sizeof(gid_t));
    if (n_groups)
        g_array_append_vals(c->groups, groups, n_groups);
    c->label = caller_label(uid);
    return c;
}

DaemonCaller *daemon_caller_new_uid(uid_t uid)
{
    struct passwd pwbuf, *pw = NULL;
    char buf[16384];
    if (getpwuid_r(uid, &pwbuf, buf, sizeof(buf), &pw) != 0 || !pw)
        return daemon_caller_new(uid, (gid_t)uid, NULL, 0);
    gid_t groups[256];
    int n = G_N_ELEMENTS(groups);
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0) {
        groups[0] = pw->pw_gid;
        n = 1;
    }
    return daemon_caller_new(uid, pw->pw_gid, groups, (gsize)n);
}

DaemonCaller *daemon_caller_new_self(void)
{
    gid_t groups[256];
    int n = getgroups(G_N_ELEMENTS(groups), groups);
    return daemon_caller_new(geteuid(), getegid(), groups, n > 0 ? (gsize)n : 0);
}

DaemonCaller *daemon_caller_copy(const DaemonCaller *c)
{
    if (!c)
        return NULL;
    return daemon_caller_new(c->uid, c->gid, (const gid_t *)c->groups->data, c->groups->len);
}

void daemon_caller_free(DaemonCaller *c)
{
    if (!c)
        return;
    g_array_unref(c->groups);
    g_free(c->label);
    g_free(c);
}
