/* domain_log.h - the writers of a domain log, LOG/domains/NAME.log
 * (issue 16).
 *
 * Three sources share the file: the daemon's own lines, the VMM's stdout
 * and stderr (vmm_log.h) and the guest's serial output (console_relay.h).
 * The last two are whatever a hostile VMM or guest chooses to print, so
 * they must never pass for the first:
 *
 *   - a daemon line is "STAMP vesseld: MESSAGE" and is the only kind of
 *     line that starts with a digit (the stamp's year);
 *   - every VMM line starts with "vessel-vmm: " (added when the VMM did
 *     not write it itself);
 *   - a guest line that starts with a digit or with "vessel-vmm:" is
 *     prefixed "guest: " (other guest lines are kept as they are, so the
 *     log still reads like the console);
 *   - in foreign output, control characters other than tab and newline
 *     (a carriage return or an escape sequence could redraw a line on a
 *     terminal), C1 controls and bytes that are no UTF-8 are written as
 *     \xNN; a CR before an LF is dropped.  The daemon's own messages get
 *     the same treatment, so no message of it spans two lines.
 *
 * What a line starts with is decided from the file, not from the
 * stream: before writing, a writer takes an flock(2) on the log and
 * reads its last byte, so a line another writer ended (e.g. the daemon's
 * line in the middle of the guest's) starts a new line that is checked
 * like any other.
 *
 * A hostile guest may print without end: once the log holds @max_size
 * bytes, foreign output is no longer written (one daemon line says so)
 * until the log is rotated (logrotate's copytruncate) or removed; the
 * daemon's own lines always are. */
#ifndef VESSEL_DOMAIN_LOG_H
#define VESSEL_DOMAIN_LOG_H

#include <glib.h>

typedef enum {
    DOMAIN_LOG_VMM,
    DOMAIN_LOG_GUEST,
    DOMAIN_LOG_LAST
} DomainLogSource;

/* One foreign writer's state: the bytes of a UTF-8 sequence or a CR
 * that a chunk ended in the middle of. */
typedef struct {
    DomainLogSource source;
    goffset max_size;       /* 0: no limit */
    gboolean dropping;      /* over max_size, said so */
    guint8 carry[4];
    gsize n_carry;
} DomainLogStream;

/* @max_size: [limits] max_domain_log, 0 for no limit. */
void domain_log_stream_init(DomainLogStream *s, DomainLogSource source, goffset max_size);

/* Append @n bytes of foreign output from @s to the log open as @fd
 * (O_APPEND), filtered as above.  A full disk loses output silently. */
void domain_log_stream_write(DomainLogStream *s, int fd, const void *data, gsize n);

/* Append the daemon's line "STAMP vesseld: @message" to @fd, on a line
 * of its own. */
void domain_log_daemon_line(int fd, const char *message);

/* The filtered form of @n bytes of @s's output, written after @last
 * (the log's last byte, '\n' for an empty log): for tests. */
char *domain_log_filter(DomainLogStream *s, char last, const void *data, gsize n);

#endif
