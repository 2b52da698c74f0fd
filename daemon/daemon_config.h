/* daemon_config.h - vesseld's configuration: mode, paths, socket access.
 *
 * Defaults depend on the mode (system: /etc/vessel, /run/vessel,
 * /var/log/vessel; session: the XDG user dirs).  A GKeyFile given with
 * --config overrides them:
 *
 *   [paths]   config_dir= run_dir= log_dir= state_dir=
 *   [sockets] group= rw_perms= ro_perms=      (perms in octal, e.g. 0660)
 *   [dbus]    system_bus=true|false           (system mode only)
 *   [limits]  max_clients= max_clients_per_uid=   (connections on the D-Bus
 *                                              and libvirt sockets, in all
 *                                              and per uid; root and the
 *                                              daemon's uid are never refused)
 *             max_message_size=BYTES          (largest message a client may
 *                                              send, refused before it is
 *                                              buffered)
 *             auth_timeout=SECONDS            (to authenticate on the D-Bus
 *                                              sockets, else closed)
 *             max_domain_log=BYTES            (a domain log's size beyond
 *                                              which the VMM's and guest's
 *                                              output is no longer logged)
 *   [vmm]     uid_range=FIRST-LAST            (a root daemon runs each VMM
 *                                              as a uid and gid of its own
 *                                              from this range; never root)
 *             emulators=PATH;...              (<emulator> values allowed)
 *             path= shutdown_grace=           (grace in seconds before
 *                                              SIGKILL on destroy)
 *   [networks] define_default=true|false      (system mode: define the
 *                                              "default" NAT network, with
 *                                              autostart, on first start;
 *                                              default true without --config)
 *   [storage] default_pool=PATH|""            (the directory of the "default"
 *                                              storage pool defined, with
 *                                              autostart, on first start:
 *                                              /var/lib/vessel/images, in
 *                                              session mode $XDG_DATA_HOME/
 *                                              vessel/images; with --config
 *                                              none unless given)
 *
 * Without --config, CONFIG_DIR/vesseld.conf of the mode is read when it
 * exists (/etc/vessel/vesseld.conf, $XDG_CONFIG_HOME/vessel/vesseld.conf).
 * Relative paths in the file are taken relative to the file's directory. */
#ifndef VESSEL_DAEMON_CONFIG_H
#define VESSEL_DAEMON_CONFIG_H

#include <glib.h>

typedef enum {
    DAEMON_MODE_SYSTEM,
    DAEMON_MODE_SESSION,
    DAEMON_MODE_LAST
} DaemonMode;

typedef struct {
    DaemonMode mode;
    char *config_file;      /* NULL when running on defaults */
    char *config_dir;       /* definitions: domains/, networks/ */
    char *run_dir;          /* sockets, live status, markers */
    char *log_dir;          /* domains/NAME.log */
    char *state_dir;        /* persistent daemon state */
    char *group;            /* group with read-write access ("" = none) */
    guint rw_perms;
    guint ro_perms;
    gboolean system_bus;    /* also serve on the system bus */
    guint32 vmm_uid_first;  /* per-VM ids of a root daemon's VMMs */
    guint32 vmm_uid_last;
    char *vmm_path;         /* VMM binary override (NULL = search) */
    GStrv vmm_emulators;    /* extra <emulator> paths allowed (canonical) */
    guint shutdown_grace;   /* seconds between SIGTERM and SIGKILL */
    guint max_clients;      /* [limits]: connections in all */
    guint max_clients_per_uid;
    guint max_message_size; /* bytes */
    guint auth_timeout;     /* seconds to authenticate */
    guint max_domain_log;   /* bytes of a domain log foreign output may fill */
    gboolean default_network; /* define "default" on first start */
    char *default_pool;     /* directory of the "default" pool, NULL = none */
} DaemonConfig;

/* The default [vmm] uid_range: 65536 ids at 0x70000000, in the range
 * systemd leaves unused (above the container ranges of nspawn, below
 * 2^31), so no account of the host is likely to own one. */
#define DAEMON_VMM_UID_FIRST 1879048192u
#define DAEMON_VMM_UID_LAST 1879113727u

/* [limits] defaults: libvirt's max_clients-style caps, and room for a
 * 1 MiB definition (VESSEL_XML_MAX_SIZE) with plenty to spare. */
#define DAEMON_MAX_CLIENTS 256
#define DAEMON_MAX_CLIENTS_PER_UID 32
#define DAEMON_MAX_MESSAGE_SIZE (4 * 1024 * 1024)
#define DAEMON_AUTH_TIMEOUT 30
/* A guest printing without end fills no disk: 8 MiB of log per domain
 * (libvirt's virtlogd keeps 2 MiB times 3 files). */
#define DAEMON_MAX_DOMAIN_LOG (8 * 1024 * 1024)

const char *daemon_mode_to_string(DaemonMode mode);

/* Defaults for @mode (no file read). */
DaemonConfig *daemon_config_new(DaemonMode mode);
/* Override @cfg with the keys of @path. */
gboolean daemon_config_load(DaemonConfig *cfg, const char *path, GError **error);
/* The configured socket group exists ("" = none); else an error that
 * says which setting names it and how to create it. */
gboolean daemon_config_check_group(const DaemonConfig *cfg, GError **error);
/* Create the directories the daemon writes to (a session's run_dir
 * 0700, as its sockets are the user's alone). */
gboolean daemon_config_make_dirs(const DaemonConfig *cfg, GError **error);
void daemon_config_free(DaemonConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DaemonConfig, daemon_config_free)

#endif
