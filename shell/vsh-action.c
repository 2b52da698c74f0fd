/* vsh-action.c - the commands that run one call on one named object and
 * say so as virsh does (net-start, pool-build, ...): each command file
 * keeps a table of VshAction rows, this finds the row of the command
 * being run, runs it, and reports "Failed to ... %s" or the done line. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "vsh.h"

gboolean vsh_action_run(VshCtl *ctl, const VshCmd *cmd, const VshAction *actions, gsize n,
                        gpointer object, const char *name, GError **error)
{
    const char *cmd_name = vsh_cmd_def(cmd)->name;
    for (gsize i = 0; i < n; i++) {
        if (strcmp(actions[i].cmd, cmd_name) != 0)
            continue;
        if (!actions[i].run(object, error)) {
            g_prefix_error(error, _(actions[i].failed), name);
            return FALSE;
        }
        vsh_print_extra(ctl, _(actions[i].done), name);
        return TRUE;
    }
    g_assert_not_reached();
}
