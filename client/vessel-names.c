/* vessel-names.c - state, reason and event names, as virsh prints them.
 *
 * One table per enum, indexed by the libvirt numbering the daemon uses
 * (see data/dbus/org.vessel.Manager1.xml), each checked against _LAST. */
#include "config.h"

#include "i18n.h"
#include "vessel.h"

#define NAME_AT(table, i) \
    ((i) >= 0 && (gsize)(i) < G_N_ELEMENTS(table) && (table)[i] ? _((table)[i]) : _("unknown"))

static const char *const state_names[] = {
    N_("no state"), N_("running"), N_("idle"), N_("paused"),
    N_("in shutdown"), N_("shut off"), N_("crashed"), N_("pmsuspended"),
};
G_STATIC_ASSERT(G_N_ELEMENTS(state_names) == VESSEL_DOMAIN_STATE_LAST);

static const char *const reason_nostate[] = { N_("unknown") };
static const char *const reason_running[] = {
    N_("unknown"), N_("booted"), N_("migrated"), N_("restored"), N_("from snapshot"),
    N_("unpaused"), N_("migration canceled"), N_("save canceled"), N_("event wakeup"),
    N_("crashed"), N_("post-copy"),
};
static const char *const reason_blocked[] = { N_("unknown") };
static const char *const reason_paused[] = {
    N_("unknown"), N_("user"), N_("migrating"), N_("saving"), N_("dumping"),
    N_("I/O error"), N_("watchdog"), N_("from snapshot"), N_("shutting down"),
    N_("creating snapshot"), N_("crashed"),
};
static const char *const reason_shutdown[] = { N_("unknown"), N_("user") };
static const char *const reason_shutoff[] = {
    N_("unknown"), N_("shutdown"), N_("destroyed"), N_("crashed"), N_("migrated"),
    N_("saved"), N_("failed"), N_("from snapshot"), N_("daemon"),
};
static const char *const reason_crashed[] = { N_("unknown"), N_("panicked") };
static const char *const reason_pmsuspended[] = { N_("unknown") };

static const struct {
    const char *const *names;
    gsize n;
} reason_tables[] = {
#define R(t) { t, G_N_ELEMENTS(t) }
    R(reason_nostate), R(reason_running), R(reason_blocked), R(reason_paused),
    R(reason_shutdown), R(reason_shutoff), R(reason_crashed), R(reason_pmsuspended),
#undef R
};
G_STATIC_ASSERT(G_N_ELEMENTS(reason_tables) == VESSEL_DOMAIN_STATE_LAST);

static const char *const event_names[] = {
    N_("Defined"), N_("Undefined"), N_("Started"), N_("Suspended"),
    N_("Resumed"), N_("Stopped"), N_("Shutdown"),
};
G_STATIC_ASSERT(G_N_ELEMENTS(event_names) == VESSEL_DOMAIN_EVENT_LAST);

static const char *const detail_defined[] = { N_("Added"), N_("Updated") };
static const char *const detail_undefined[] = { N_("Removed") };
static const char *const detail_started[] = { N_("Booted") };
static const char *const detail_suspended[] = { N_("Paused") };
static const char *const detail_resumed[] = { N_("Unpaused") };
static const char *const detail_stopped[] = {
    N_("Shutdown"), N_("Destroyed"), N_("Crashed"), N_("Migrated"), N_("Saved"),
    N_("Failed"),
};
static const char *const detail_shutdown[] = { N_("Finished"), N_("Guest"), N_("Host") };

static const struct {
    const char *const *names;
    gsize n;
} detail_tables[] = {
#define R(t) { t, G_N_ELEMENTS(t) }
    R(detail_defined), R(detail_undefined), R(detail_started), R(detail_suspended),
    R(detail_resumed), R(detail_stopped), R(detail_shutdown),
#undef R
};
G_STATIC_ASSERT(G_N_ELEMENTS(detail_tables) == VESSEL_DOMAIN_EVENT_LAST);

static const char *const net_event_names[] = {
    N_("Defined"), N_("Undefined"), N_("Started"), N_("Stopped"),
};
G_STATIC_ASSERT(G_N_ELEMENTS(net_event_names) == VESSEL_NETWORK_EVENT_LAST);

/**
 * vessel_domain_state_to_string:
 * @state: a #VesselDomainState
 *
 * Returns: the virsh name of @state ("running", "shut off", ...).
 */
const char *vessel_domain_state_to_string(int state)
{
    return NAME_AT(state_names, state);
}

/**
 * vessel_domain_reason_to_string:
 * @state: a #VesselDomainState
 * @reason: the reason the daemon gave with it
 *
 * Returns: the virsh name of the reason ("booted", "destroyed", ...).
 */
const char *vessel_domain_reason_to_string(int state, int reason)
{
    if (state < 0 || state >= VESSEL_DOMAIN_STATE_LAST || reason < 0 ||
        (gsize)reason >= reason_tables[state].n)
        return _("unknown");
    return _(reason_tables[state].names[reason]);
}

const char *vessel_domain_event_to_string(int event)
{
    return NAME_AT(event_names, event);
}

const char *vessel_domain_event_detail_to_string(int event, int detail)
{
    if (event < 0 || event >= VESSEL_DOMAIN_EVENT_LAST || detail < 0 ||
        (gsize)detail >= detail_tables[event].n)
        return _("unknown");
    return _(detail_tables[event].names[detail]);
}

const char *vessel_network_event_to_string(int event)
{
    return NAME_AT(net_event_names, event);
}
