/* mac.c - MAC parsing, formatting and generation (see mac.h). */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "netbridge/error.h"
#include "netbridge/mac.h"

static const guint8 mac_prefix[3] = { 0x02, 0x56, 0x53 };

char *netbridge_mac_format(const guint8 mac[NETBRIDGE_MAC_LEN])
{
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                           mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

char *netbridge_mac_generate(void)
{
    guint8 mac[NETBRIDGE_MAC_LEN];
    guint32 r = g_random_int();

    memcpy(mac, mac_prefix, sizeof(mac_prefix));
    mac[3] = (r >> 16) & 0xff;
    mac[4] = (r >> 8) & 0xff;
    mac[5] = r & 0xff;
    return netbridge_mac_format(mac);
}

gboolean netbridge_mac_parse(const char *str, guint8 out[NETBRIDGE_MAC_LEN], GError **error)
{
    guint8 mac[NETBRIDGE_MAC_LEN] = { 0 };
    const char *p = str;

    for (int i = 0; p && i < NETBRIDGE_MAC_LEN; i++) {
        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]))
            goto bad;
        mac[i] = g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]);
        p += 2;
        if (i < NETBRIDGE_MAC_LEN - 1) {
            if (*p != ':')
                goto bad;
            p++;
        }
    }
    if (!p || *p != '\0')
        goto bad;
    if (mac[0] & 0x01) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("MAC address %s is a multicast address"), str);
        return FALSE;
    }
    if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                    _("MAC address %s is all zero"), str);
        return FALSE;
    }
    memcpy(out, mac, sizeof(mac));
    return TRUE;

bad:
    g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_INVALID,
                _("invalid MAC address '%s'"), str ? str : "");
    return FALSE;
}

char *netbridge_mac_for_tap(const char *guest_mac, GError **error)
{
    guint8 mac[NETBRIDGE_MAC_LEN];

    if (!netbridge_mac_parse(guest_mac, mac, error))
        return NULL;
    mac[0] = 0xfe;
    return netbridge_mac_format(mac);
}
