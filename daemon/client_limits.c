/* client_limits.c - connection counts per uid and in all (client_limits.h). */
#include "config.h"

#include <unistd.h>

#include "client_limits.h"
#include "daemon_error.h"
#include "i18n.h"

struct ClientLimits {
    GMutex lock;
    guint max_clients, max_per_uid;
    guint total;
    GHashTable *per_uid;     /* uid -> count (both as pointers) */
    guint refusals;
    GHashTable *refusals_per_uid;
};

ClientLimits *client_limits_new(guint max_clients, guint max_per_uid)
{
    ClientLimits *cl = g_new0(ClientLimits, 1);
    g_mutex_init(&cl->lock);
    cl->max_clients = max_clients;
    cl->max_per_uid = max_per_uid;
    cl->per_uid = g_hash_table_new(g_direct_hash, g_direct_equal);
    cl->refusals_per_uid = g_hash_table_new(g_direct_hash, g_direct_equal);
    return cl;
}

void client_limits_free(ClientLimits *cl)
{
    if (!cl)
        return;
    g_hash_table_destroy(cl->per_uid);
    g_hash_table_destroy(cl->refusals_per_uid);
    g_mutex_clear(&cl->lock);
    g_free(cl);
}

static gboolean uid_exempt(uid_t uid)
{
    return uid == 0 || uid == geteuid();
}

gboolean client_limits_take(ClientLimits *cl, uid_t uid, const char *what, GError **error)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cl->lock);
    gpointer key = GUINT_TO_POINTER((guint)uid);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(cl->per_uid, key));

    if (!uid_exempt(uid)) {
        if (cl->total >= cl->max_clients) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                        _("Refusing a %s client of uid %u: %u clients are connected, "
                          "[limits] max_clients is %u"),
                        what, (unsigned)uid, cl->total, cl->max_clients);
            return FALSE;
        }
        if (n >= cl->max_per_uid) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_ACCESS_DENIED,
                        _("Refusing a %s client of uid %u: it has %u connections, "
                          "[limits] max_clients_per_uid is %u"),
                        what, (unsigned)uid, n, cl->max_per_uid);
            return FALSE;
        }
    }
    cl->total++;
    g_hash_table_insert(cl->per_uid, key, GUINT_TO_POINTER(n + 1));
    return TRUE;
}

/* One less for @uid in @per_uid and in *@total. */
static void count_down(GHashTable *per_uid, guint *total, uid_t uid)
{
    gpointer key = GUINT_TO_POINTER((guint)uid);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(per_uid, key));

    g_return_if_fail(n > 0 && *total > 0);
    (*total)--;
    if (n == 1)
        g_hash_table_remove(per_uid, key);
    else
        g_hash_table_insert(per_uid, key, GUINT_TO_POINTER(n - 1));
}

void client_limits_release(ClientLimits *cl, uid_t uid)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cl->lock);
    count_down(cl->per_uid, &cl->total, uid);
}

gboolean client_limits_take_refusal(ClientLimits *cl, uid_t uid)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cl->lock);
    gpointer key = GUINT_TO_POINTER((guint)uid);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(cl->refusals_per_uid, key));

    if (cl->refusals >= CLIENT_LIMITS_REFUSALS || n >= CLIENT_LIMITS_REFUSALS_PER_UID)
        return FALSE;
    cl->refusals++;
    g_hash_table_insert(cl->refusals_per_uid, key, GUINT_TO_POINTER(n + 1));
    return TRUE;
}

void client_limits_release_refusal(ClientLimits *cl, uid_t uid)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cl->lock);
    count_down(cl->refusals_per_uid, &cl->refusals, uid);
}
