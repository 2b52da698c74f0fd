/* def_store.h - persistent definitions on disk, for domains and networks.
 *
 *   CONFIG/KIND/NAME.xml             the definition (KIND: "domains",
 *   CONFIG/KIND/autostart/NAME.xml   "networks"); symlink -> ../NAME.xml
 *
 * Writes are atomic and durable (temp file or link, rename, fsync of the
 * directory).  domain_store.c and network_obj.c wrap these with their
 * typed parse and format. */
#ifndef VESSEL_DEF_STORE_H
#define VESSEL_DEF_STORE_H

#include <glib.h>
#include <sys/types.h>

#include "daemon_config.h"

char *def_store_path(const DaemonConfig *cfg, const char *kind, const char *name);
char *def_store_autostart_path(const DaemonConfig *cfg, const char *kind, const char *name);
gboolean def_store_save(const DaemonConfig *cfg, const char *kind, const char *name,
                        const char *xml, GError **error);
/* Removes the definition and its autostart link. */
gboolean def_store_delete(const DaemonConfig *cfg, const char *kind, const char *name,
                          GError **error);
gboolean def_store_set_autostart(const DaemonConfig *cfg, const char *kind, const char *name,
                                 gboolean on, GError **error);
/* The same, the link owned by @uid/@gid: the user whose rights an
 * autostart uses to open the domain's files (lchown; only the daemon can
 * write the directory). */
gboolean def_store_set_autostart_owned(const DaemonConfig *cfg, const char *kind,
                                       const char *name, gboolean on, uid_t uid, gid_t gid,
                                       GError **error);
gboolean def_store_get_autostart(const DaemonConfig *cfg, const char *kind, const char *name);
/* The owner of the autostart link (FALSE if there is none). */
gboolean def_store_autostart_owner(const DaemonConfig *cfg, const char *kind, const char *name,
                                   uid_t *uid);
/* Paths of the NAME.xml files in @dir, sorted (none if @dir is missing).
 * For the daemon's start only (it loads definitions and status with
 * this, before any write): NAME.xml.XXXXXX temporaries that a write
 * killed mid-way left behind (vessel_file_write_atomic) are removed. */
GPtrArray *def_store_list_dir(const char *dir);
/* Paths of every CONFIG/KIND/NAME.xml, sorted. */
GPtrArray *def_store_list(const DaemonConfig *cfg, const char *kind);

#endif
