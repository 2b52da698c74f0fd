/* domain_vmm_events.c - VMM event lines to domain events (see
 * domain_vmm_events.h).  The watch and its callbacks live on the main
 * loop, where the VMM's exit is handled too, so a watch never outlives
 * its VMM's record: the callback finds the domain by UUID and checks the
 * pid, and holds no reference that could keep a DomainObj alive. */
#include "config.h"

#include <string.h>

#include "daemon_events.h"
#include "domain_store.h"
#include "domain_vmm_events.h"
#include "i18n.h"

typedef struct {
    Daemon *d;
    char *uuid;
    pid_t pid;
} WatchCtx;

static void watch_ctx_free(gpointer p)
{
    WatchCtx *c = p;
    g_free(c->uuid);
    g_free(c);
}

static void on_vmm_event(const char *event, gpointer data)
{
    WatchCtx *c = data;
    if (strcmp(event, "reset") != 0)
        return; /* a VMM newer than this daemon: nothing it knows */
    domain_list_lock(c->d->domains);
    DomainObj *dom = domain_list_find_uuid(c->d->domains, c->uuid);
    if (dom && dom->pid == c->pid)
        daemon_events_queue_domain_reboot(c->d->events, dom);
    domain_list_unlock(c->d->domains);
}

static WatchCtx *watch_ctx_new(Daemon *d, const char *uuid, pid_t pid)
{
    WatchCtx *c = g_new0(WatchCtx, 1);
    c->d = d;
    c->uuid = g_strdup(uuid);
    c->pid = pid;
    return c;
}

/* The idle source's @data stays its own (freed with the source, which may
 * never run if the daemon exits first); the watch gets a copy. */
static gboolean start_on_main_loop(gpointer data)
{
    const WatchCtx *c = data;
    Daemon *d = c->d;
    domain_list_lock(d->domains);
    DomainObj *dom = domain_list_find_uuid(d->domains, c->uuid);
    if (!dom || dom->pid != c->pid || dom->events) {
        domain_list_unlock(d->domains);
        return G_SOURCE_REMOVE;
    }
    g_autofree char *control = domain_store_socket_path(d->config, dom->def, "control");
    g_autofree char *name = g_strdup(dom->def->name);
    g_autoptr(GError) error = NULL;
    WatchCtx *mine = watch_ctx_new(d, c->uuid, c->pid);
    dom->events = vmm_watch_new(control, d->context, on_vmm_event, mine, watch_ctx_free, &error);
    domain_list_unlock(d->domains);
    if (error) {
        g_message(_("Domain '%s': no reboot events: %s"), name, error->message);
        watch_ctx_free(mine);
    }
    return G_SOURCE_REMOVE;
}

void domain_vmm_events_start(Daemon *d, const char *uuid, pid_t pid)
{
    /* always later, never now (g_main_context_invoke would call it at
     * once on the main thread, where the caller may hold the list lock) */
    g_autoptr(GSource) src = g_idle_source_new();
    g_source_set_callback(src, start_on_main_loop, watch_ctx_new(d, uuid, pid), watch_ctx_free);
    g_source_attach(src, d->context);
}

void domain_vmm_events_stop(DomainObj *dom)
{
    g_clear_pointer(&dom->events, vmm_watch_free);
}
