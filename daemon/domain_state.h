/* domain_state.h - domain states, reasons and lifecycle events.
 *
 * The numbering is libvirt's (virDomainState, virDomain*Reason,
 * virDomainEventType and details) and is part of the D-Bus contract
 * (data/dbus/org.vessel.Manager1.xml). */
#ifndef VESSEL_DOMAIN_STATE_H
#define VESSEL_DOMAIN_STATE_H

typedef enum {
    DOMAIN_STATE_NOSTATE = 0,
    DOMAIN_STATE_RUNNING = 1,
    DOMAIN_STATE_BLOCKED = 2,
    DOMAIN_STATE_PAUSED = 3,
    DOMAIN_STATE_SHUTDOWN = 4,
    DOMAIN_STATE_SHUTOFF = 5,
    DOMAIN_STATE_CRASHED = 6,
    DOMAIN_STATE_PMSUSPENDED = 7,
    DOMAIN_STATE_LAST
} DomainState;

/* Reasons (only the ones vesseld produces; numbering per state). */
enum {
    DOMAIN_RUNNING_UNKNOWN = 0,
    DOMAIN_RUNNING_BOOTED = 1,
    DOMAIN_RUNNING_UNPAUSED = 5,
};
enum {
    DOMAIN_PAUSED_UNKNOWN = 0,
    DOMAIN_PAUSED_USER = 1,
};
enum {
    DOMAIN_SHUTDOWN_UNKNOWN = 0,
    DOMAIN_SHUTDOWN_USER = 1,
};
enum {
    DOMAIN_SHUTOFF_UNKNOWN = 0,
    DOMAIN_SHUTOFF_SHUTDOWN = 1,
    DOMAIN_SHUTOFF_DESTROYED = 2,
    DOMAIN_SHUTOFF_CRASHED = 3,
    DOMAIN_SHUTOFF_FAILED = 6,
};

typedef enum {
    DOMAIN_EVENT_DEFINED = 0,
    DOMAIN_EVENT_UNDEFINED = 1,
    DOMAIN_EVENT_STARTED = 2,
    DOMAIN_EVENT_SUSPENDED = 3,
    DOMAIN_EVENT_RESUMED = 4,
    DOMAIN_EVENT_STOPPED = 5,
    DOMAIN_EVENT_SHUTDOWN = 6,
    DOMAIN_EVENT_LAST
} DomainEventType;

enum { DOMAIN_EVENT_DEFINED_ADDED = 0, DOMAIN_EVENT_DEFINED_UPDATED = 1 };
enum { DOMAIN_EVENT_UNDEFINED_REMOVED = 0 };
enum { DOMAIN_EVENT_STARTED_BOOTED = 0 };
enum { DOMAIN_EVENT_SUSPENDED_PAUSED = 0 };
enum { DOMAIN_EVENT_RESUMED_UNPAUSED = 0 };
enum {
    DOMAIN_EVENT_STOPPED_SHUTDOWN = 0,
    DOMAIN_EVENT_STOPPED_DESTROYED = 1,
    DOMAIN_EVENT_STOPPED_CRASHED = 2,
    DOMAIN_EVENT_STOPPED_FAILED = 5,
};
enum { DOMAIN_EVENT_SHUTDOWN_FINISHED = 0, DOMAIN_EVENT_SHUTDOWN_HOST = 2 };

typedef enum {
    NETWORK_EVENT_DEFINED = 0,
    NETWORK_EVENT_UNDEFINED = 1,
    NETWORK_EVENT_STARTED = 2,
    NETWORK_EVENT_STOPPED = 3,
    NETWORK_EVENT_LAST
} NetworkEventType;

const char *domain_state_to_string(DomainState state);
int domain_state_from_string(const char *s);

#endif
