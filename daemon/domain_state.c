/* domain_state.c - state names used in status files and logs. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "domain_state.h"

static const char *const state_names[DOMAIN_STATE_LAST] = {
    [DOMAIN_STATE_NOSTATE] = "nostate",
    [DOMAIN_STATE_RUNNING] = "running",
    [DOMAIN_STATE_BLOCKED] = "blocked",
    [DOMAIN_STATE_PAUSED] = "paused",
    [DOMAIN_STATE_SHUTDOWN] = "shutdown",
    [DOMAIN_STATE_SHUTOFF] = "shutoff",
    [DOMAIN_STATE_CRASHED] = "crashed",
    [DOMAIN_STATE_PMSUSPENDED] = "pmsuspended",
};
G_STATIC_ASSERT(G_N_ELEMENTS(state_names) == DOMAIN_STATE_LAST);

const char *domain_state_to_string(DomainState state)
{
    return state < DOMAIN_STATE_LAST ? state_names[state] : "nostate";
}

int domain_state_from_string(const char *s)
{
    for (int i = 0; i < DOMAIN_STATE_LAST; i++)
        if (s && strcmp(s, state_names[i]) == 0)
            return i;
    return -1;
}
