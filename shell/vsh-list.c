/* vsh-list.c - what virsh's object listings (list, net-list,
 * pool-list) share: which objects the filter options select, the
 * --uuid / --name lines, the yes/no cells and the end of a listing.
 * The columns of each table stay with its command. */
#include "config.h"

#include "i18n.h"
#include "vsh.h"

VesselListFlags vsh_list_flags(const VshCmd *cmd)
{
    if (vsh_cmd_has(cmd, "all"))
        return VESSEL_LIST_ALL;
    return vsh_cmd_has(cmd, "inactive") ? VESSEL_LIST_INACTIVE : VESSEL_LIST_ACTIVE;
}

gboolean vsh_list_wanted(const VshCmd *cmd, gboolean persistent, gboolean autostart)
{
    return vsh_cmd_filter_bool(cmd, "persistent", "transient", persistent) &&
           vsh_cmd_filter_bool(cmd, "autostart", "no-autostart", autostart);
}

void vsh_list_print_ids(VshCtl *ctl, gboolean names, gboolean uuids, const char *uuid,
                        const char *name)
{
    if (names && uuids)
        fprintf(ctl->out, "%-36s  %s\n", uuid, name);
    else
        fprintf(ctl->out, "%s\n", uuids ? uuid : name);
}

void vsh_list_end(VshCtl *ctl, VshTable *t)
{
    if (t)
        vsh_table_print(t, ctl->out, ctl->quiet);
    fputc('\n', ctl->out);
}

const char *vsh_yes_no(gboolean b)
{
    return b ? _("yes") : _("no");
}
