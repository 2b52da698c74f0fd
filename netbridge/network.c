/* network.c - one-call start and stop of a virtual network (see network.h). */
#include "config.h"

#include "i18n.h"
#include "netbridge/addr.h"
#include "netbridge/bridge.h"
#include "netbridge/dnsmasq.h"
#include "netbridge/error.h"
#include "netbridge/ipforward.h"
#include "netbridge/link.h"
#include "netbridge/network.h"
#include "netbridge/nft.h"

/* Refuse a subnet another interface already uses. */
static gboolean network_subnet_check(const NetbridgeNetConfig *cfg, GError **error)
{
    g_autofree char *user = NULL;

    if (!cfg->ipv4_address)
        return TRUE;
    if (!netbridge_addr_find_overlap(cfg->ipv4_address, cfg->ipv4_prefix, cfg->bridge, &user,
                                     error))
        return FALSE;
    if (user) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_EXISTS,
                    _("network %s/%u overlaps an address on interface %s"),
                    cfg->ipv4_address, cfg->ipv4_prefix, user);
        return FALSE;
    }
    return TRUE;
}

static gboolean network_start_steps(const NetbridgeNetConfig *cfg, GError **error)
{
    if (!network_subnet_check(cfg, error))
        return FALSE;
    if (!netbridge_bridge_create(cfg->bridge, cfg->mac, cfg->mtu, error))
        return FALSE;
    if (!netbridge_bridge_set_stp(cfg->bridge, cfg->stp, cfg->delay, error))
        return FALSE;
    if (cfg->ipv4_address &&
        !netbridge_addr_add(cfg->bridge, cfg->ipv4_address, cfg->ipv4_prefix, error))
        return FALSE;
    if (!netbridge_link_set_up(cfg->bridge, TRUE, error))
        return FALSE;
    if (!netbridge_nft_apply(cfg, error))
        return FALSE;
    if (cfg->forward != NETBRIDGE_FORWARD_ISOLATED && !netbridge_ipforward_set(TRUE, error))
        return FALSE;
    if (cfg->ipv4_address && !netbridge_dnsmasq_start(cfg, error))
        return FALSE;
    return TRUE;
}

gboolean netbridge_network_start(const NetbridgeNetConfig *cfg, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (!netbridge_net_config_validate(cfg, error))
        return FALSE;
    if (network_start_steps(cfg, &local))
        return TRUE;
    /* Leave nothing behind, but never delete a bridge someone else made:
     * if the name was taken, nothing of ours exists yet. */
    if (!g_error_matches(local, NETBRIDGE_ERROR, NETBRIDGE_ERROR_EXISTS))
        netbridge_network_stop(cfg, NULL);
    g_propagate_prefixed_error(error, g_steal_pointer(&local),
                               _("cannot start network %s: "), cfg->name);
    return FALSE;
}

gboolean netbridge_network_stop(const NetbridgeNetConfig *cfg, GError **error)
{
    g_autoptr(GError) first = NULL;
    g_autoptr(GError) local = NULL;

    if (!netbridge_net_config_validate(cfg, error))
        return FALSE;

    /* Do every step even if one fails, and report the first failure. */
    if (!netbridge_dnsmasq_stop(cfg, &local))
        g_propagate_error(&first, g_steal_pointer(&local));
    if (!netbridge_nft_remove(cfg, first ? NULL : &local) && local)
        g_propagate_error(&first, g_steal_pointer(&local));
    if (!netbridge_bridge_delete(cfg->bridge, &local)) {
        if (!g_error_matches(local, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND) && !first)
            g_propagate_error(&first, g_steal_pointer(&local));
        g_clear_error(&local);
    }
    if (first) {
        g_propagate_prefixed_error(error, g_steal_pointer(&first),
                                   _("cannot stop network %s: "), cfg->name);
        return FALSE;
    }
    return TRUE;
}

gboolean netbridge_network_state(const NetbridgeNetConfig *cfg, NetbridgeNetworkState *state,
                                 GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(NetbridgeLinkInfo) info = NULL;

    *state = (NetbridgeNetworkState){ 0 };
    if (!netbridge_net_config_validate(cfg, error))
        return FALSE;
    info = netbridge_link_get(cfg->bridge, &local);
    if (!info && !g_error_matches(local, NETBRIDGE_ERROR, NETBRIDGE_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (info && info->kind == NETBRIDGE_LINK_KIND_BRIDGE) {
        state->bridge = TRUE;
        state->up = info->up;
    }
    if (!netbridge_nft_present(cfg, &state->firewall, error))
        return FALSE;
    state->dnsmasq_pid = netbridge_dnsmasq_pid(cfg);
    return TRUE;
}

gboolean netbridge_network_state_complete(const NetbridgeNetConfig *cfg,
                                          const NetbridgeNetworkState *state)
{
    return state->bridge && state->up && state->firewall &&
           (!cfg->ipv4_address || state->dnsmasq_pid > 0);
}

gboolean netbridge_network_ensure(const NetbridgeNetConfig *cfg, gboolean *restarted,
                                  GError **error)
{
    NetbridgeNetworkState state;

    if (restarted)
        *restarted = FALSE;
    if (!netbridge_network_state(cfg, &state, error))
        return FALSE;
    if (netbridge_network_state_complete(cfg, &state))
        return TRUE;
    if (restarted)
        *restarted = TRUE;
    return netbridge_network_stop(cfg, error) && netbridge_network_start(cfg, error);
}
