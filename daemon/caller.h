/* caller.h - who asks: the credentials of a client (or of the user a
 * domain is started for without a client: autostart, restart).
 *
 * A root vesseld opens a domain's files with these credentials
 * (caller_open.h), so a member of the socket group can hand a guest only
 * files they could open themselves.  The identity of a D-Bus caller comes
 * from daemon_auth_caller() (daemon_dbus.h). */
#ifndef VESSEL_CALLER_H
#define VESSEL_CALLER_H

#include <glib.h>
#include <sys/types.h>

typedef struct {
    uid_t uid;
    gid_t gid;          /* the group new files would get: egid, or the
                         * user's primary group */
    GArray *groups;     /* supplementary gids (gid_t) */
    char *label;        /* "user alice (uid 1001)" for messages */
} DaemonCaller;

/* @uid with the groups of the user database (primary group only, or
 * @uid as gid, when it has no entry). */
DaemonCaller *daemon_caller_new_uid(uid_t uid);
/* @uid/@gid with exactly @groups (@n_groups entries). */
DaemonCaller *daemon_caller_new(uid_t uid, gid_t gid, const gid_t *groups, gsize n_groups);
/* The daemon itself (its own credentials). */
DaemonCaller *daemon_caller_new_self(void);
DaemonCaller *daemon_caller_copy(const DaemonCaller *c);
void daemon_caller_free(DaemonCaller *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DaemonCaller, daemon_caller_free)

#endif
