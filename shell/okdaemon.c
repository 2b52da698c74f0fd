/* okdaemon.c - vessel-ok's daemon checks over libvessel; see okdaemon.h. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "host_kvm.h"
#include "i18n.h"
#include "okdaemon.h"
#include "vessel.h"

struct OkDaemon {
    char *uri;
    gboolean session;   /* the per-user daemon, started on demand */
    VesselConnect *conn;
    GError *error;
};

/* The URI libvessel uses for @uri (NULL: $VESSEL_DEFAULT_URI, else system
 * for root and session for everyone else, as vessel-uri.c decides). */
static const char *ok_daemon_effective_uri(const char *uri)
{
    if (uri && *uri)
        return uri;
    const char *env = g_getenv("VESSEL_DEFAULT_URI");
    if (env && *env)
        return env;
    return geteuid() == 0 ? "vessel:///system" : "vessel:///session";
}

OkDaemon *ok_daemon_new(const char *uri)
{
    OkDaemon *d = g_new0(OkDaemon, 1);
    d->session = strcmp(ok_daemon_effective_uri(uri), "vessel:///session") == 0;
    d->conn = vessel_connect_open(uri, VESSEL_CONNECT_NO_SPAWN, &d->error);
    d->uri = g_strdup(d->conn ? vessel_connect_get_uri(d->conn) : uri);
    return d;
}

/* A session daemon that is not running exited when idle: not a failure. */
static gboolean ok_daemon_idle_session(OkDaemon *d)
{
    return !d->conn && d->session &&
           g_error_matches(d->error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT);
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
    if (ok_daemon_idle_session(d)) {
        *hint = g_strdup(_("the session daemon is not running now: it starts when a client "
                           "connects and exits when idle"));
        return HOST_RESULT_PASS;
    }
    if (g_error_matches(d->error, VESSEL_ERROR, VESSEL_ERROR_ACCESS_DENIED))
        *hint = g_strdup_printf(_("the daemon's socket refuses this user: %s"), d->error->message);
    else
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

    if (ok_daemon_idle_session(d)) {
        /* It would decide as vessel-vmm --accel auto does, here. */
        g_autofree char *why = NULL;
        if (host_kvm_auto_probe(&why)) {
            *hint = g_strdup(_("kvm, dbt (decided here: the session daemon is not running)"));
            return HOST_RESULT_PASS;
        }
        *hint = g_strdup_printf(_("dbt; kvm not usable: %s (decided here: the session daemon "
                                  "is not running)"), why);
        return HOST_RESULT_WARN;
    }
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

HostResult ok_daemon_check_socket_group(OkDaemon *d, const HostProbe *probe, char **hint)
{
    if (d->session) {
        *hint = g_strdup(_("not applicable: a session daemon's sockets are the user's own"));
        return HOST_RESULT_PASS;
    }
    g_autofree char *conf = g_build_filename(probe->root, SYSCONFDIR, "vessel", "vesseld.conf",
                                             NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *group = NULL;
    if (g_key_file_load_from_file(kf, conf, G_KEY_FILE_NONE, NULL))
        group = g_key_file_get_string(kf, "sockets", "group", NULL);
    if (!group)
        group = g_strdup("vessel");
    g_strstrip(group);
    if (!*group) {
        *hint = g_strdup(_("the daemon's sockets have no group: only root can use them"));
        return host_is_root(probe) ? HOST_RESULT_PASS : HOST_RESULT_FAIL;
    }
    HostResult r = host_group_member(probe, group, hint);
    if (r != HOST_RESULT_PASS && *hint) {
        g_autofree char *h = *hint;
        *hint = g_strdup_printf(_("%s (the daemon's socket group)"), h);
    }
    return r;
}
