/* daemon_events.c - the lifecycle event queue (daemon_events.h). */
#include "config.h"

#include "daemon_events.h"

typedef struct {
    guint id;
    DaemonEventFunc func;
    gpointer data;
} Subscriber;

struct DaemonEvents {
    GMainContext *context;
    GMutex lock;             /* guards queue, pending, subscribers, next_id */
    GQueue queue;            /* DaemonEvent* */
    GSource *pending;        /* idle source that will deliver, or NULL */
    GArray *subscribers;     /* Subscriber */
    guint next_id;
};

static void event_free(DaemonEvent *ev)
{
    g_free(ev->name);
    g_free(ev->uuid);
    g_free(ev->path);
    g_free(ev);
}

DaemonEvents *daemon_events_new(GMainContext *context)
{
    DaemonEvents *q = g_new0(DaemonEvents, 1);
    q->context = g_main_context_ref(context);
    g_mutex_init(&q->lock);
    g_queue_init(&q->queue);
    q->subscribers = g_array_new(FALSE, FALSE, sizeof(Subscriber));
    q->next_id = 1;
    return q;
}

void daemon_events_free(DaemonEvents *q)
{
    if (!q)
        return;
    if (q->pending) {
        g_source_destroy(q->pending);
        g_source_unref(q->pending);
    }
    g_queue_clear_full(&q->queue, (GDestroyNotify)event_free);
    g_array_unref(q->subscribers);
    g_mutex_clear(&q->lock);
    g_main_context_unref(q->context);
    g_free(q);
}

guint daemon_events_subscribe(DaemonEvents *q, DaemonEventFunc func, gpointer data)
{
    g_mutex_lock(&q->lock);
    Subscriber s = { q->next_id++, func, data };
    g_array_append_val(q->subscribers, s);
    g_mutex_unlock(&q->lock);
    return s.id;
}

void daemon_events_unsubscribe(DaemonEvents *q, guint id)
{
    g_mutex_lock(&q->lock);
    for (guint i = 0; i < q->subscribers->len; i++) {
        if (g_array_index(q->subscribers, Subscriber, i).id == id) {
            g_array_remove_index(q->subscribers, i);
            break;
        }
    }
    g_mutex_unlock(&q->lock);
}

void daemon_events_flush(DaemonEvents *q)
{
    for (;;) {
        g_mutex_lock(&q->lock);
        DaemonEvent *ev = g_queue_pop_head(&q->queue);
        if (!ev) {
            g_mutex_unlock(&q->lock);
            return;
        }
        /* a copy: a subscriber may (un)subscribe while it is called */
        g_autoptr(GArray) subs = g_array_copy(q->subscribers);
        g_mutex_unlock(&q->lock);
        for (guint i = 0; i < subs->len; i++) {
            Subscriber *s = &g_array_index(subs, Subscriber, i);
            s->func(ev, s->data);
        }
        event_free(ev);
    }
}

static gboolean on_pending(gpointer data)
{
    DaemonEvents *q = data;
    g_mutex_lock(&q->lock);
    g_clear_pointer(&q->pending, g_source_unref);
    g_mutex_unlock(&q->lock);
    daemon_events_flush(q);
    return G_SOURCE_REMOVE;
}

static void queue_event(DaemonEvents *q, DaemonEvent *ev)
{
    g_mutex_lock(&q->lock);
    g_queue_push_tail(&q->queue, ev);
    if (!q->pending) {
        q->pending = g_idle_source_new();
        g_source_set_priority(q->pending, G_PRIORITY_DEFAULT);
        g_source_set_callback(q->pending, on_pending, q, NULL);
        g_source_attach(q->pending, q->context);
    }
    g_mutex_unlock(&q->lock);
}

static DaemonEvent *domain_event_new(const DomainObj *dom, DaemonEventId event_id, int event,
                                     int detail)
{
    DaemonEvent *ev = g_new0(DaemonEvent, 1);
    *ev = (DaemonEvent){
        .kind = DAEMON_EVENT_DOMAIN,
        .event_id = event_id,
        .event = event,
        .detail = detail,
        .name = g_strdup(dom->def->name),
        .uuid = g_strdup(dom->def->uuid),
        .path = g_strdup(dom->path),
        .id = dom->id,
        .state = dom->state,
        .reason = dom->reason,
        .active = domain_obj_is_active(dom),
        .persistent = dom->persistent,
        .autostart = dom->autostart,
    };
    return ev;
}

void daemon_events_queue_domain(DaemonEvents *q, const DomainObj *dom, int event, int detail)
{
    queue_event(q, domain_event_new(dom, DAEMON_EVENT_ID_LIFECYCLE, event, detail));
}

void daemon_events_queue_domain_reboot(DaemonEvents *q, const DomainObj *dom)
{
    queue_event(q, domain_event_new(dom, DAEMON_EVENT_ID_REBOOT, 0, 0));
}

void daemon_events_queue_network(DaemonEvents *q, const NetworkObj *net, int event,
                                 int detail)
{
    DaemonEvent *ev = g_new0(DaemonEvent, 1);
    *ev = (DaemonEvent){
        .kind = DAEMON_EVENT_NETWORK,
        .event = event,
        .detail = detail,
        .name = g_strdup(net->def->name),
        .uuid = g_strdup(net->def->uuid),
        .path = g_strdup(net->path),
        .id = -1,
        .active = net->active,
        .persistent = net->persistent,
        .autostart = net->autostart,
    };
    queue_event(q, ev);
}

void daemon_events_queue_pool(DaemonEvents *q, const StoragePoolObj *pool, int event,
                              int detail)
{
    DaemonEvent *ev = g_new0(DaemonEvent, 1);
    *ev = (DaemonEvent){
        .kind = DAEMON_EVENT_POOL,
        .event = event,
        .detail = detail,
        .name = g_strdup(pool->def->name),
        .uuid = g_strdup(pool->def->uuid),
        .path = g_strdup(pool->path),
        .id = -1,
        .active = pool->active,
        .persistent = pool->persistent,
        .autostart = pool->autostart,
    };
    queue_event(q, ev);
}
