/* daemon_log.h - vesseld's own log lines on stderr.
 *
 * Every g_message/g_warning/g_debug of the daemon goes through one GLib
 * log writer that prints one line per message:
 *
 *   2026-12-07T14:01:18.123+0000 info: vesseld 0.1.0 ready (...)
 *
 * (local time with its offset, a level word: debug, info, warning,
 * critical, error), instead of GLib's "** Message: ..." form.  Under
 * systemd, when stderr is the journal ($JOURNAL_STREAM names the very
 * device and inode of fd 2), the line is "<N>message" instead: journald
 * takes the syslog priority N from the prefix and adds its own time
 * stamp.  A message is always one line: its control characters (a
 * newline a client got into a path, say) are written as \xNN, so no
 * client can add a line, or a journal priority, of its own.
 * Debug lines appear only with G_MESSAGES_DEBUG, as GLib decides.
 * The session daemon vsh starts writes to ~/.local/state/vessel/vesseld.log
 * in the same format. */
#ifndef VESSEL_DAEMON_LOG_H
#define VESSEL_DAEMON_LOG_H

#include <glib.h>

/* Install the writer (once, first thing in main). */
void daemon_log_init(void);

/* TRUE when stderr is the journal (decided by daemon_log_init). */
gboolean daemon_log_to_journal(void);

/* The daemon's one line when it cannot start: "vesseld: MESSAGE" (with
 * the error priority prefix under the journal). */
void daemon_log_fatal(const char *message);

/* One log line for @level and @message, as the writer prints it
 * (for tests); @journal picks the journal form. */
char *daemon_log_format(GLogLevelFlags level, const char *message, gboolean journal);

#endif
