/* domain_stop_wait.c - deferred Shutdown replies (domain_stop_wait.h). */
#include "config.h"

#include "daemon_error.h"
#include "domain_driver.h"
#include "domain_stop_wait.h"
#include "i18n.h"

typedef struct {
    Daemon *d;
    DomainObj *dom;          /* referenced */
    pid_t pid;
    guint flags;
    guint timeout_s;
    DomainStopFunc done;
    gpointer data;
    GSource *timer;          /* on the main context */
} StopWait;

static void stop_wait_free(StopWait *w)
{
    if (w->timer) {
        g_source_destroy(w->timer);
        g_source_unref(w->timer);
    }
    domain_obj_unref(w->dom);
    g_free(w);
}

static void stop_wait_answer(StopWait *w, const GError *error)
{
    w->done(w->data, error);
    stop_wait_free(w);
}

/* Timed out with DESTROY_ON_TIMEOUT: destroy (blocking), then answer. */
static gpointer destroy_thread(gpointer data)
{
    StopWait *w = data;
    g_autoptr(GError) err = NULL;

    if (!domain_driver_destroy(w->d, w->dom, &err)) {
        /* it may have shut down on its own in the meantime */
        domain_list_lock(w->d->domains);
        gboolean gone = w->dom->pid != w->pid;
        domain_list_unlock(w->d->domains);
        if (gone)
            g_clear_error(&err);
    }
    stop_wait_answer(w, err);
    return NULL;
}

static gboolean on_timeout(gpointer data)
{
    StopWait *w = data;
    DomainList *list = w->d->domains;

    domain_list_lock(list);
    if (!g_slist_find(w->dom->stop_waits, w)) {
        /* answered meanwhile (the timer is being destroyed) */
        domain_list_unlock(list);
        return G_SOURCE_REMOVE;
    }
    w->dom->stop_waits = g_slist_remove(w->dom->stop_waits, w);
    domain_list_unlock(list);
    g_clear_pointer(&w->timer, g_source_unref);   /* removed by returning REMOVE */

    if (w->flags & DOMAIN_SHUTDOWN_DESTROY_ON_TIMEOUT) {
        g_thread_unref(g_thread_new("destroy", destroy_thread, w));
    } else {
        g_autoptr(GError) err = g_error_new(DAEMON_ERROR, DAEMON_ERROR_TIMEOUT,
                                            _("Domain '%s' did not shut down within %u seconds"),
                                            w->dom->def->name, w->timeout_s);
        stop_wait_answer(w, err);
    }
    return G_SOURCE_REMOVE;
}

void domain_stop_wait_add(Daemon *d, DomainObj *dom, pid_t pid, guint flags, guint timeout_s,
                          DomainStopFunc done, gpointer data)
{
    if (dom->pid != pid || pid == 0) {
        done(data, NULL);
        return;
    }
    StopWait *w = g_new0(StopWait, 1);
    *w = (StopWait){ d, domain_obj_ref(dom), pid, flags, timeout_s, done, data, NULL };
    dom->stop_waits = g_slist_prepend(dom->stop_waits, w);
    w->timer = g_timeout_source_new_seconds(timeout_s);
    g_source_set_callback(w->timer, on_timeout, w, NULL);
    g_source_attach(w->timer, d->context);
}

GSList *domain_stop_wait_take(DomainObj *dom)
{
    return g_steal_pointer(&dom->stop_waits);
}

void domain_stop_wait_finish(GSList *waits, const GError *error)
{
    for (GSList *l = waits; l; l = l->next)
        stop_wait_answer(l->data, error);
    g_slist_free(waits);
}

void domain_stop_wait_cancel_all(Daemon *d)
{
    g_autoptr(GError) err = g_error_new(DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                                        _("vesseld is stopping"));
    GSList *waits = NULL;

    domain_list_lock(d->domains);
    g_autoptr(GPtrArray) doms = domain_list_snapshot(d->domains);
    for (guint i = 0; i < doms->len; i++)
        waits = g_slist_concat(waits, domain_stop_wait_take(doms->pdata[i]));
    domain_list_unlock(d->domains);
    domain_stop_wait_finish(waits, err);
}
