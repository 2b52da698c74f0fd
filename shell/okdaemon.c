/* okdaemon.c - vessel-ok's daemon checks over libvessel; see okdaemon.h. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "okdaemon.h"
#include "vessel.h"

struct OkDaemon {
    char *uri;
    VesselConnect *conn;
    GError *error;
};

OkDaemon *ok_daemon_new(const char *uri)
{
    OkDaemon *d = g_new0(OkDaemon, 1);
    d->conn = vessel_connect_open(uri, VESSEL_CONNECT_NO_SPAWN, &d->error);
    d->uri = g_strdup(d->conn ? vessel_connect_get_uri(d->conn) : uri);
    return d;
}

void ok_daemon_free(OkDaemon *d)
{
    if (!d)
        return;
    vessel_connect_unref(d->conn);
    g_clear_error(&d->error);
    g_free(d->uri);
    g_free(d);
}

HostResult ok_daemon_check_reachable(OkDaemon *d, char **hint)
{
    if (d->conn)
        return HOST_RESULT_PASS;
    if (g_error_matches(d->error, VESSEL_ERROR, VESSEL_ERROR_INVALID_URI)) {
        *hint = g_strdup(d->error->message);
        return HOST_RESULT_FAIL;
    }
    *hint = g_strdup_printf(_("daemon not running: %s"), d->error->message);
    return HOST_RESULT_FAIL;
}

typedef struct {
    GPtrArray *usable;
    GHashTable *unusable;
} AccelParse;

static void ok_accel_start(GMarkupParseContext *ctx, const char *element, const char **names,
                           const char **values, gpointer data, GError **error)
{
    AccelParse *p = data;
    const char *name = NULL, *usable = NULL, *reason = NULL;

    if (strcmp(element, "accelerator") != 0)
        return;
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], "name") == 0)
            name = values[i];
        else if (strcmp(names[i], "usable") == 0)
            usable = values[i];
        else if (strcmp(names[i], "reason") == 0)
            reason = values[i];
    }
    if (!name)
        return;
    if (usable && strcmp(usable, "yes") == 0)
        g_ptr_array_add(p->usable, g_strdup(name));
    else
        g_hash_table_insert(p->unusable, g_strdup(name), g_strdup(reason ? reason : ""));
}

gboolean ok_daemon_parse_accels(const char *caps, GPtrArray *usable, GHashTable *unusable,
                                GError **error)
{
    static const GMarkupParser parser = { .start_element = ok_accel_start };
    AccelParse p = { usable, unusable };
    g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new(&parser, 0, &p, NULL);

    return g_markup_parse_context_parse(ctx, caps, -1, error) &&
           g_markup_parse_context_end_parse(ctx, error);
}

HostResult ok_daemon_check_accels(OkDaemon *d, char **hint)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *caps = NULL;
    g_autoptr(GPtrArray) usable = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) unusable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const char *kvm_reason;

    if (!d->conn) {
        *hint = g_strdup(_("daemon not running"));
        return HOST_RESULT_FAIL;
    }
    caps = vessel_connect_get_capabilities(d->conn, &error);
    if (!caps || !ok_daemon_parse_accels(caps, usable, unusable, &error)) {
        *hint = g_strdup_printf(_("cannot read capabilities: %s"), error->message);
        return HOST_RESULT_FAIL;
    }
    if (usable->len == 0) {
        *hint = g_strdup(_("the daemon reports no usable accelerator"));
        return HOST_RESULT_FAIL;
    }
    g_ptr_array_add(usable, NULL);
    g_autofree char *names = g_strjoinv(", ", (char **)usable->pdata);
    kvm_reason = g_hash_table_lookup(unusable, "kvm");
    if (kvm_reason) {
        *hint = *kvm_reason ? g_strdup_printf(_("%s; kvm not usable: %s"), names, kvm_reason)
                            : g_strdup_printf(_("%s; kvm not usable"), names);
        return HOST_RESULT_WARN;
    }
    *hint = g_strdup(names);
    return HOST_RESULT_PASS;
}
