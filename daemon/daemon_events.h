/* daemon_events.h - lifecycle events: queued by the drivers, delivered
 * to the transports that subscribed (STYLE.md "Events queued, not called
 * up").
 *
 * A driver queues an event from any thread, with its list locked: what a
 * subscriber needs (names, uuid, the domain's state right after the
 * change) is copied into a DaemonEvent, so delivery needs no lock.  The
 * main loop delivers queued events in the order they were queued, to
 * every subscriber, one after the other.  The D-Bus layer turns them into
 * DomainEvent/NetworkEvent/StoragePoolEvent and PropertiesChanged signals, daemon/remote/
 * into libvirt event messages. */
#ifndef VESSEL_DAEMON_EVENTS_H
#define VESSEL_DAEMON_EVENTS_H

#include <glib.h>

#include "domain_obj.h"
#include "network_obj.h"
#include "pool_obj.h"

typedef enum {
    DAEMON_EVENT_DOMAIN,
    DAEMON_EVENT_NETWORK,
    DAEMON_EVENT_POOL,
    DAEMON_EVENT_KIND_LAST
} DaemonEventKind;

/* What happened, in libvirt's event ids (VIR_DOMAIN_EVENT_ID_*). */
typedef enum {
    DAEMON_EVENT_ID_LIFECYCLE = 0,   /* event and detail say which */
    DAEMON_EVENT_ID_REBOOT = 1,      /* domains: the guest reset and boots again */
} DaemonEventId;

typedef struct {
    DaemonEventKind kind;
    DaemonEventId event_id;
    int event;               /* lifecycle: DomainEventType / NetworkEventType / PoolEventType */
    int detail;
    char *name;
    char *uuid;              /* 36 characters */
    char *path;              /* the object's D-Bus object path */
    /* domains only: the state right after the change */
    int id;                  /* -1 when inactive */
    DomainState state;
    int reason;
    gboolean active;
    gboolean persistent;
    gboolean autostart;
} DaemonEvent;

typedef void (*DaemonEventFunc)(const DaemonEvent *ev, gpointer data);

typedef struct DaemonEvents DaemonEvents;

/* Deliver on @context (the daemon's main loop). */
DaemonEvents *daemon_events_new(GMainContext *context);
/* Drops undelivered events. */
void daemon_events_free(DaemonEvents *q);

/* Main loop: @func(event, @data) for every event delivered from now on. */
guint daemon_events_subscribe(DaemonEvents *q, DaemonEventFunc func, gpointer data);
void daemon_events_unsubscribe(DaemonEvents *q, guint id);

/* Any thread, the object's list locked. */
void daemon_events_queue_domain(DaemonEvents *q, const DomainObj *dom, int event, int detail);
/* The VMM said its machine reset (vmm_watch.h): libvirt's reboot event. */
void daemon_events_queue_domain_reboot(DaemonEvents *q, const DomainObj *dom);
void daemon_events_queue_network(DaemonEvents *q, const NetworkObj *net, int event,
                                 int detail);
void daemon_events_queue_pool(DaemonEvents *q, const StoragePoolObj *pool, int event,
                              int detail);

/* Main loop: deliver what is queued now. */
void daemon_events_flush(DaemonEvents *q);

#endif
