/* domain_vmm_events.h - a running domain's VMM events (vmm_watch.h)
 * turned into the daemon's events: `event reset` is libvirt's reboot
 * event (DAEMON_EVENT_ID_REBOOT) for that domain. */
#ifndef VESSEL_DOMAIN_VMM_EVENTS_H
#define VESSEL_DOMAIN_VMM_EVENTS_H

#include "daemon.h"
#include "domain_obj.h"

/* Watch the VMM @pid of the domain @uuid, which answers on its control socket now;
 * any thread (the watch is made on the main loop, and not at all if that
 * VMM is gone by then).  A VMM that cannot be watched runs on without
 * events (one line in the daemon's log). */
void domain_vmm_events_start(Daemon *d, const char *uuid, pid_t pid);
/* Main loop, list locked: the VMM exited. */
void domain_vmm_events_stop(DomainObj *dom);

#endif
