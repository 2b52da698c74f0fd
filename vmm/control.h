/* control.h - the control channel between vesseld and vessel-vmm.
 *
 * `--control unix:PATH` listens on a UNIX stream socket (several clients
 * may connect, one after another or at once); `--control fd:N` uses an
 * inherited fd: a listening socket, or one end of a connected socket pair
 * (that one connection is the channel).  The protocol is in vmm/README:
 * one request per line, one reply line `ok[ PAYLOAD]` or `error MESSAGE`.
 * A connection that sent `watch` also gets `event EVENT` lines as things
 * happen (`event reset`: the machine reset and boots again), between
 * replies; the others never see one. */
#ifndef VESSEL_CONTROL_H
#define VESSEL_CONTROL_H

#include "vmm/hw/key_chords.h"
#include "vmm/hw/stdvga.h"
#include "vmm/machine.h"

#include <glib.h>

#define CONTROL_LINE_MAX 4096
/* Replies are buffered up to this much (a screendump is one long line). */
#define CONTROL_REPLY_MAX (64u << 20)
#define CONTROL_SEND_KEY_MAX KEY_CHORD_KEYS /* what one chord can hold */

#define CONTROL_ERROR (control_error_quark())
GQuark control_error_quark(void);
typedef enum {
    CONTROL_ERROR_SPEC,
    CONTROL_ERROR_OPEN,
    CONTROL_ERROR_LAST
} ControlError;

typedef struct ControlServer ControlServer;

typedef struct {
    const char *name, *uuid, *accel;
    int vcpus;
    uint64_t memory_mib, cpu_time_ns;
    uint64_t serial_out_bytes, serial_dropped_bytes; /* chardev_out/dropped_bytes */
    bool crashed;            /* crash is valid (machine_crash_info) */
    MachineCrash crash;
    long pid;
    MachineState state;
    const char *vnc;         /* VNC address, NULL without VNC */
    int vnc_clients;
    bool vga;                /* vga_screen is valid (the machine has a VGA) */
    StdVgaScreen vga_screen;
} ControlInfo;

typedef struct {
    MachineState (*state)(void *opaque);
    gboolean (*pause)(void *opaque, GError **error);
    gboolean (*resume)(void *opaque, GError **error);
    gboolean (*powerdown)(void *opaque, GError **error);
    gboolean (*reset)(void *opaque, GError **error);
    /* The power button, and the guest's power-off that follows resets
     * the machine (machine_power_button). */
    gboolean (*reboot)(void *opaque, GError **error);
    /* Called once the reply to `quit` has been sent. */
    void (*quit)(void *opaque);
    void (*info)(void *opaque, ControlInfo *info);
    /* The screen as a PNG (NULL + error without a display). */
    GBytes *(*screendump)(void *opaque, GError **error);
    /* Press Linux keycodes @codes in order, release them after @hold_ms. */
    gboolean (*send_key)(void *opaque, const unsigned *codes, guint n, guint hold_ms,
                         GError **error);
    /* The VNC password (NULL: none, everyone refused with `password`). */
    gboolean (*vnc_password)(void *opaque, const char *password, GError **error);
    /* Test-only (vessel-vmm --sandbox-test): try @what (@arg may be NULL)
     * inside the sandbox; the reply payload, or NULL + error. */
    char *(*sandbox_probe)(void *opaque, const char *what, const char *arg, GError **error);
    /* Disk @index continues on the qcow2 overlay @file (an external
     * snapshot: its backing file is the disk's image until now).  @file
     * may be "fd:N", a descriptor passed with the request, which is then
     * the callee's. */
    gboolean (*disk_overlay)(void *opaque, unsigned index, const char *file, GError **error);
    /* Disk @index merges its upper layers into its backing file @base and
     * continues on it (blockcommit --pivot). */
    gboolean (*disk_commit)(void *opaque, unsigned index, const char *base, GError **error);
} ControlOps;

ControlServer *control_server_new(const char *spec, const ControlOps *ops, void *opaque,
                                  GError **error);
void control_server_free(ControlServer *cs);
/* `event EVENT` to every connection that sent `watch` (main loop). */
void control_server_event(ControlServer *cs, const char *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ControlServer, control_server_free)
/* Handle one request line (without newline); returns the reply line
 * (without newline).  *quit is set for `quit`. */
char *control_dispatch(const ControlOps *ops, void *opaque, const char *line, gboolean *quit);
/* The same for a request that came with descriptor *@passed_fd (-1:
 * none): a command that takes it sets *@passed_fd to -1. */
char *control_dispatch_fd(const ControlOps *ops, void *opaque, const char *line, int *passed_fd,
                          gboolean *quit);
const char *machine_state_name(MachineState s);

#endif
