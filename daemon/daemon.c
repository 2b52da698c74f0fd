/* daemon.c - what the Daemon struct (daemon.h) does itself. */
#include "config.h"

#include "daemon.h"

void daemon_touch(Daemon *daemon)
{
    daemon->last_activity = g_get_monotonic_time();
}
