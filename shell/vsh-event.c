/* vsh-event.c - `event` and `net-event`: wait for events from the
 * daemon's DomainEvent, DomainReboot and NetworkEvent signals and print
 * them as virsh does ("event 'lifecycle' for domain 'NAME': Started
 * Booted", "event 'reboot' for domain 'NAME'"), once or with --loop until
 * ^C, --timeout or the daemon going away. */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "i18n.h"
#include "vsh.h"

typedef struct {
    VshCtl *ctl;
    GMainLoop *loop;
    const char *filter;     /* name or uuid, or NULL */
    gboolean once;
    gboolean timestamp;
    gboolean timed_out;
    gboolean closed;
    int count;
} EventWait;

static void vsh_event_stamp(EventWait *w)
{
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *s = NULL;

    if (!w->timestamp)
        return;
    now = g_date_time_new_now_local();
    s = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f%z");
    /* %f gives microseconds; virsh prints milliseconds */
    if (s && strlen(s) > 26)
        memmove(s + 23, s + 26, strlen(s + 26) + 1);
    fprintf(w->ctl->out, "%s: ", s);
}

static gboolean vsh_event_matches(EventWait *w, const char *name, const char *uuid)
{
    return !w->filter || strcmp(w->filter, name) == 0 || g_ascii_strcasecmp(w->filter, uuid) == 0;
}

static void vsh_event_seen(EventWait *w)
{
    fflush(w->ctl->out);
    w->count++;
    if (w->once)
        g_main_loop_quit(w->loop);
}

static void vsh_event_domain(VesselConnect *conn, const char *name, const char *uuid, int event,
                             int detail, gpointer data)
{
    EventWait *w = data;

    if (!vsh_event_matches(w, name, uuid))
        return;
    vsh_event_stamp(w);
    fprintf(w->ctl->out, _("event 'lifecycle' for domain '%s': %s %s\n"), name,
            vessel_domain_event_to_string(event), vessel_domain_event_detail_to_string(event, detail));
    vsh_event_seen(w);
}

static void vsh_event_reboot(VesselConnect *conn, const char *name, const char *uuid,
                             gpointer data)
{
    EventWait *w = data;

    if (!vsh_event_matches(w, name, uuid))
        return;
    vsh_event_stamp(w);
    fprintf(w->ctl->out, _("event 'reboot' for domain '%s'\n"), name);
    vsh_event_seen(w);
}

static void vsh_event_network(VesselConnect *conn, const char *name, const char *uuid, int event,
                              gpointer data)
{
    EventWait *w = data;

    if (!vsh_event_matches(w, name, uuid))
        return;
    vsh_event_stamp(w);
    fprintf(w->ctl->out, _("event 'lifecycle' for network '%s': %s\n"), name,
            vessel_network_event_to_string(event));
    vsh_event_seen(w);
}

static void vsh_event_closed(VesselConnect *conn, gpointer data)
{
    EventWait *w = data;

    w->closed = TRUE;
    g_main_loop_quit(w->loop);
}

static gboolean vsh_event_timeout(gpointer data)
{
    EventWait *w = data;

    w->timed_out = TRUE;
    g_main_loop_quit(w->loop);
    return G_SOURCE_REMOVE;
}

static gboolean vsh_event_sigint(gpointer data)
{
    EventWait *w = data;

    g_main_loop_quit(w->loop);
    return G_SOURCE_CONTINUE;
}

static gboolean vsh_event_run(VshCtl *ctl, const VshCmd *cmd, gboolean network, GError **error)
{
    VesselConnect *conn = vsh_ctl_conn(ctl, error);
    EventWait w = { 0 };
    const char *event = vsh_cmd_get(cmd, "event");
    int timeout = 0;
    /* the event types of each command, as `event --list` names them */
    static const char *const domain_types[] = { "lifecycle", "reboot", NULL };
    static const char *const network_types[] = { "lifecycle", NULL };
    const char *const *types = network ? network_types : domain_types;
    gboolean all = vsh_cmd_has(cmd, "all");
    guint id = 0, reboot_id = 0, close_id, tid = 0, sid;

    if (vsh_cmd_has(cmd, "list")) {
        for (guint i = 0; types[i]; i++)
            fprintf(ctl->out, "%s\n", types[i]);
        return TRUE;
    }
    if (!vsh_cmd_get_int(cmd, "timeout", &timeout, error))
        return FALSE;
    if (!event && !all) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("one of --list, --all, or --event <type> is required"));
        return FALSE;
    }
    if (event && !g_strv_contains((const char *const *)types, event)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("unknown event type %s"), event);
        return FALSE;
    }
    if (timeout < 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("timeout must be positive"));
        return FALSE;
    }
    w.ctl = ctl;
    w.loop = g_main_loop_new(NULL, FALSE);
    w.filter = vsh_cmd_get(cmd, network ? "network" : "domain");
    w.once = !vsh_cmd_has(cmd, "loop");
    w.timestamp = vsh_cmd_has(cmd, "timestamp");
    if (w.filter) {
        /* resolve ids and check the object exists, as virsh does */
        if (network) {
            g_autoptr(VesselNetwork) net = vsh_network_get(ctl, w.filter, error);
            if (!net)
                goto fail;
        } else {
            g_autoptr(VesselDomain) dom = vsh_domain_get(ctl, w.filter, error);
            if (!dom)
                goto fail;
            w.filter = g_intern_string(vessel_domain_get_name(dom));
        }
    }
    if (network)
        id = vessel_connect_network_event_add(conn, vsh_event_network, &w, NULL);
    else {
        if (all || strcmp(event, "lifecycle") == 0)
            id = vessel_connect_domain_event_add(conn, vsh_event_domain, &w, NULL);
        if (all || strcmp(event, "reboot") == 0)
            reboot_id = vessel_connect_domain_reboot_add(conn, vsh_event_reboot, &w, NULL);
    }
    close_id = vessel_connect_close_event_add(conn, vsh_event_closed, &w, NULL);
    if (timeout > 0)
        tid = g_timeout_add_seconds((guint)timeout, vsh_event_timeout, &w);
    sid = g_unix_signal_add(SIGINT, vsh_event_sigint, &w);
    g_main_loop_run(w.loop);
    g_source_remove(sid);
    if (tid && !w.timed_out)
        g_source_remove(tid);
    if (id)
        vessel_connect_event_remove(conn, id);
    if (reboot_id)
        vessel_connect_event_remove(conn, reboot_id);
    vessel_connect_event_remove(conn, close_id);
    g_main_loop_unref(w.loop);

    if (w.timed_out)
        vsh_print_extra(ctl, _("event loop timed out\n"));
    vsh_print_extra(ctl, _("events received: %d\n"), w.count);
    if (w.closed) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT,
                    _("the daemon closed the connection"));
        return FALSE;
    }
    return TRUE;
fail:
    g_main_loop_unref(w.loop);
    return FALSE;
}

const VshOptDef vsh_opts_event[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_POS, N_("filter by domain name, id or uuid"),
      VSH_COMP_DOMAIN },
    { "event", VSH_OT_STRING, 0, N_("which event type to wait for"), 0 },
    { "all", VSH_OT_BOOL, 0, N_("wait for all events instead of just one type"), 0 },
    { "loop", VSH_OT_BOOL, 0, N_("loop until timeout or interrupt, rather than one event"), 0 },
    { "timeout", VSH_OT_INT, 0, N_("timeout seconds"), 0 },
    { "list", VSH_OT_BOOL, 0, N_("list valid event types"), 0 },
    { "timestamp", VSH_OT_BOOL, 0, N_("show timestamp for each printed event"), 0 },
    { NULL }
};

gboolean vsh_cmd_event(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    return vsh_event_run(ctl, cmd, FALSE, error);
}

const VshOptDef vsh_opts_net_event[] = {
    { "network", VSH_OT_STRING, VSH_OFLAG_POS, N_("filter by network name or uuid"),
      VSH_COMP_NETWORK },
    { "event", VSH_OT_STRING, 0, N_("which event type to wait for"), 0 },
    { "all", VSH_OT_BOOL, 0, N_("wait for all events instead of just one type"), 0 },
    { "loop", VSH_OT_BOOL, 0, N_("loop until timeout or interrupt, rather than one event"), 0 },
    { "timeout", VSH_OT_INT, 0, N_("timeout seconds"), 0 },
    { "list", VSH_OT_BOOL, 0, N_("list valid event types"), 0 },
    { "timestamp", VSH_OT_BOOL, 0, N_("show timestamp for each printed event"), 0 },
    { NULL }
};

gboolean vsh_cmd_net_event(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    return vsh_event_run(ctl, cmd, TRUE, error);
}
