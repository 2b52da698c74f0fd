/* vmm_control.h - client side of the vessel-vmm control channel.
 *
 * Protocol (implemented by vmm/, see DESIGN.md): the VMM listens on the
 * UNIX stream socket given with --control unix:PATH.  The daemon opens a
 * fresh connection per request, writes one line (`status`, `pause`,
 * `resume`, `powerdown`, `reboot`, `reset`, `quit`, `info`) and reads one reply
 * line: `ok[ PAYLOAD]` or `error MESSAGE`.  `status` answers
 * `ok running|paused|shutting-down`; `info` answers `ok {json}` with name,
 * uuid, state, accel, vcpus, memory_mib, cpu_time_ns, pid.
 *
 * These calls block (bounded by @timeout_ms, connect included): call them
 * off the main loop.  Requests to one VMM go one at a time; while it does
 * not answer, further requests fail at once with DAEMON_ERROR_TIMEOUT
 * rather than pile up (vmm_control.c). */
#ifndef VESSEL_VMM_CONTROL_H
#define VESSEL_VMM_CONTROL_H

#include <glib.h>

/* Returns the payload ("" if none) of an `ok` reply; an `error` reply is
 * DAEMON_ERROR_OPERATION_INVALID with the VMM's message, a transport
 * failure DAEMON_ERROR_INTERNAL. */
char *vmm_control_request(const char *path, const char *command,
                          guint timeout_ms, GError **error);
/* The same with the command named @what in errors (a secret stays out of
 * messages) and replies up to @max_reply bytes (a screendump). */
char *vmm_control_request_full(const char *path, const char *command, const char *what,
                               guint timeout_ms, gsize max_reply, GError **error);

/* The same with descriptor @fd sent along (SCM_RIGHTS; the VMM gets a
 * copy): a FILE argument `-` in @command names it. */
char *vmm_control_request_fd(const char *path, const char *command, int fd, guint timeout_ms,
                             GError **error);

typedef struct {
    char *state;            /* running | paused | shutting-down */
    char *accel;
    guint vcpus;
    guint64 memory_mib;
    guint64 cpu_time_ns;
} VmmInfo;

/* `info`, parsed. */
VmmInfo *vmm_control_info(const char *path, guint timeout_ms, GError **error);
/* The JSON of an `info` reply, parsed (json-glib): members of the wrong
 * type or missing are left 0/NULL; not a JSON object is an error. */
VmmInfo *vmm_info_parse(const char *json, GError **error);
/* The VMM behind @path is gone: forget its channel. */
void vmm_control_forget(const char *path);
void vmm_info_free(VmmInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmInfo, vmm_info_free)

#endif
